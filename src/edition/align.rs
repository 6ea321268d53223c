//! Aligning an original with an edition by what they say.
//!
//! `check`, `review` and `adopt` all ask the same question: which run (or block) of the
//! edition stands for which one of the original? Order alone cannot answer it: a published
//! edition drops a block, adds one, merges two paragraphs or splits one, and every pair after
//! such a place would shift. So the pairing is a bitext alignment in the manner of
//! Gale–Church, hunalign and vecalign:
//!
//! - Each side is a sequence of [`Unit`]s: a unit's [`Shape`], its length in characters and
//!   its [`Anchors`], what survives translation: link and image destinations, numbers and
//!   versions, Latin names (`PEP 840`, `runloom`), inline code and the item marker (`1、`,
//!   `①`). Anchors that occur in many units weigh less.
//! - [`align`] finds the cheapest monotone path by dynamic programming, with the moves 1–1,
//!   1–0, 0–1, 2–1 and 1–2. A pair costs the Gale–Church length cost (the edition's length
//!   against the original's times the language pair's [`Ratio`], measured on the archive)
//!   plus its disagreeing anchors, less its agreeing ones. A unit left alone costs
//!   [`SKIP`], a boilerplate unit nothing.
//! - Each [`Link`] carries its cost and its agreeing and disagreeing anchors, and whether it
//!   is *confident*: an anchored pair (anchors that agree, none that contradict), or a pair
//!   of unanchored units between two anchored pairs where both sides hold the same number of
//!   units, all paired one to one with plausible lengths. Everything else is a guess that a
//!   caller may show but must not trust.
//!
//! Invariant: the links cover each unit of both sides exactly once, in order.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use pulldown_cmark::{Event, Parser};

use crate::edition::rules::{self as edition, Rule};
use crate::lang::Lang;
use crate::markdown::segment::{
    item_number_len, markdown_options, BlockKind, Document, Piece, Segment, SegmentOptions,
};
use crate::markdown::tag::TagKind;

/// What a unit is: units of different shapes are not paired (but for a heading and a
/// paragraph, which an edition may turn into each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A paragraph or a list item's text.
    Text,
    Heading,
    /// A table cell.
    Cell,
    /// A front-matter field.
    Field,
    Code,
    Table,
    Html,
}

impl Shape {
    /// The shape of a run of `kind`.
    pub fn of(kind: &BlockKind) -> Shape {
        match kind {
            BlockKind::Paragraph | BlockKind::ListItem => Shape::Text,
            BlockKind::Heading(_) => Shape::Heading,
            BlockKind::TableHeader | BlockKind::TableCell => Shape::Cell,
            BlockKind::FrontMatter(_) => Shape::Field,
            BlockKind::Html | BlockKind::Attribute | BlockKind::Title => Shape::Text,
        }
    }
}

/// One anchor: something a translation keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Anchor {
    /// A link or image destination.
    Link(String),
    /// A number, canonical (`12000` for `1.2万`).
    Number(String),
    /// A Latin name, lowercased.
    Name(String),
    /// Inline code or a code block's text.
    Code(String),
    /// The item marker's number (`1、` and `①` are both 1).
    Item(u32),
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Anchor::Link(u) => write!(f, "link {u}"),
            Anchor::Number(n) => write!(f, "number {n}"),
            Anchor::Name(n) => write!(f, "name {n}"),
            Anchor::Code(c) => write!(f, "code `{c}`"),
            Anchor::Item(k) => write!(f, "item {k}"),
        }
    }
}

/// The anchors of a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors {
    pub links: BTreeSet<String>,
    pub numbers: BTreeSet<String>,
    pub names: BTreeSet<String>,
    pub code: BTreeSet<String>,
    pub item: Option<u32>,
    /// Circled item numbers inside the text (`… ⑤ …`): items run together with this one.
    pub inner_items: BTreeSet<u32>,
}

impl Anchors {
    /// The anchors of a text: its numbers and Latin names, with the given link destinations,
    /// code and item number.
    pub fn read(
        plain: &str,
        links: impl IntoIterator<Item = String>,
        code: impl IntoIterator<Item = String>,
        item: Option<u32>,
    ) -> Anchors {
        let numbers = crate::numbers::numbers(plain)
            .into_iter()
            .map(|n| n.value)
            .collect();
        Anchors {
            links: links.into_iter().collect(),
            numbers,
            names: names(plain),
            code: code.into_iter().filter(|c| !c.trim().is_empty()).collect(),
            item,
            inner_items: plain
                .trim_start()
                .chars()
                .skip(1)
                .filter_map(|c| item_value(c.encode_utf8(&mut [0; 4])).filter(|_| !c.is_ascii()))
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.inner_items.is_empty()
            && self.links.is_empty()
            && self.numbers.is_empty()
            && self.names.is_empty()
            && self.code.is_empty()
            && self.item.is_none()
    }

    fn all(&self) -> impl Iterator<Item = Anchor> + '_ {
        self.links
            .iter()
            .map(|l| Anchor::Link(l.clone()))
            .chain(self.numbers.iter().map(|n| Anchor::Number(n.clone())))
            .chain(self.names.iter().map(|n| Anchor::Name(n.clone())))
            .chain(self.code.iter().map(|c| Anchor::Code(c.clone())))
            .chain(self.item.map(Anchor::Item))
    }
}

/// The Latin names of a text: runs of ASCII letters and digits with at least one letter and
/// two characters, lowercased, a plural `s` aside (`PEP-840` gives `pep`, its number is a
/// number; `stars` and `star` are one name).
pub fn names(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| t.len() >= 2 && t.bytes().any(|b| b.is_ascii_alphabetic()))
        .map(|t| {
            let t = t.to_ascii_lowercase();
            match t.strip_suffix('s') {
                Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_string(),
                _ => t,
            }
        })
        .collect()
}

/// The number an item marker stands for: `1、`, `1. `, `1\. ` and `①` are all 1.
pub fn item_value(marker: &str) -> Option<u32> {
    let marker = marker.trim();
    let digits: String = marker.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let c = marker.chars().next()?;
    match c {
        '\u{2460}'..='\u{2473}' => Some(c as u32 - 0x2460 + 1),
        '\u{3251}'..='\u{325F}' => Some(c as u32 - 0x3251 + 21),
        '\u{32B1}'..='\u{32BF}' => Some(c as u32 - 0x32B1 + 36),
        _ => None,
    }
}

/// One side's unit to align.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub shape: Shape,
    /// Characters of its text, white space aside.
    pub chars: usize,
    pub anchors: Anchors,
    /// Boilerplate: may stay unpaired at no cost.
    pub boilerplate: bool,
    /// How deep in lists it stands (0: outside any list).
    pub depth: u8,
}

impl Unit {
    /// The unit of a run cut from `text`; link destinations pass through `rewrite`.
    pub fn of_run(run: &Segment<'_>, text: &str, rewrite: &dyn Fn(&str) -> String) -> Unit {
        let mut links = Vec::new();
        let mut code = Vec::new();
        for p in &run.pieces {
            match p {
                Piece::Close { raw, tag } if matches!(tag.kind, TagKind::Link | TagKind::Image) => {
                    if let Some(url) = destination(&text[raw.clone()]) {
                        links.push(normalize(&rewrite(&url)));
                    }
                }
                Piece::Atom { raw, tag } if matches!(tag.kind, TagKind::Code) => {
                    code.push(text[raw.clone()].trim_matches('`').trim().to_string());
                }
                _ => {}
            }
        }
        let plain = run.plain_text();
        Unit {
            shape: Shape::of(&run.kind),
            chars: plain.chars().filter(|c| !c.is_whitespace()).count(),
            anchors: Anchors::read(
                &plain,
                links,
                code,
                run.item_number(text).as_deref().and_then(item_value),
            ),
            boilerplate: false,
            depth: u8::from(run.kind == BlockKind::ListItem),
        }
    }
}

/// The destination written in a link's closing bytes (`](url "title")`), when it has one
/// there (a reference link's is elsewhere and is left out).
fn destination(close: &str) -> Option<String> {
    let rest = close.trim_start_matches(']').trim_start();
    let inner = rest.strip_prefix('(')?.trim_start();
    let url = if let Some(r) = inner.strip_prefix('<') {
        r.split('>').next()?
    } else {
        inner
            .split(|c: char| c.is_whitespace() || c == ')')
            .next()?
    };
    (!url.is_empty()).then(|| url.to_string())
}

/// A URL as compared: percent-escapes decoded, so that `%E6%95%B0` and `数` are the same link
/// (as a browser treats them).
pub fn normalize_url(url: &str) -> String {
    if !url.contains('%') {
        return url.to_string();
    }
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && url.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&url[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A destination as the aligner compares it: [`normalize_url`], a trailing `/` dropped.
pub fn normalize(url: &str) -> String {
    let mut out = normalize_url(url);
    while out.ends_with('/') && out.len() > 1 {
        out.pop();
    }
    out
}

/// How much longer an edition's text runs than its original's, in characters (white space
/// aside): the mean ratio and the variance per character of the difference, as Gale–Church
/// model it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    pub mean: f64,
    pub variance: f64,
}

impl Ratio {
    /// The ratio from `source` to `target`, measured on the archive's published editions
    /// (`cargo run --release --example align_corpus -- DOCS --ratios`): over the anchored
    /// pairs of the 133 English editions, English runs 2.28 times the characters of Chinese
    /// (white space aside) with a variance of 13.0 per character; over the 10 Japanese ones,
    /// 1.47 and 3.3. (Published titles that keep an article's own English title make the
    /// variance large.)
    pub fn between(source: Lang, target: Lang) -> Ratio {
        match (source, target) {
            (a, b) if a == b => Ratio {
                mean: 1.0,
                variance: 0.5,
            },
            (Lang::Zh, Lang::En) => Ratio {
                mean: 2.28,
                variance: 13.0,
            },
            (Lang::En, Lang::Zh) => Ratio {
                mean: 1.0 / 2.28,
                variance: 2.3,
            },
            (Lang::Zh, Lang::Ja) => Ratio {
                mean: 1.47,
                variance: 3.3,
            },
            (Lang::Ja, Lang::Zh) => Ratio {
                mean: 1.0 / 1.47,
                variance: 1.5,
            },
            (Lang::Ja, Lang::En) => Ratio {
                mean: 2.26,
                variance: 5.0,
            },
            (Lang::En, Lang::Ja) => Ratio {
                mean: 1.0 / 2.26,
                variance: 1.0,
            },
            _ => Ratio {
                mean: 1.0,
                variance: 2.0,
            },
        }
    }

    /// The ratio fitted to one pair of texts, as Gale–Church fit it: the edition's body
    /// characters over the original's (within a quarter and four times the language pair's),
    /// with the variance scaled alike. A terse or verbose translator keeps its pairs.
    pub fn fitted(self, a: &[Unit], b: &[Unit]) -> Ratio {
        let total = |units: &[Unit]| -> usize {
            units
                .iter()
                .filter(|u| !u.boilerplate)
                .map(|u| u.chars)
                .sum()
        };
        let (x, y) = (total(a), total(b));
        if x < 200 || y < 200 {
            return self;
        }
        let mean = (y as f64 / x as f64).clamp(self.mean / 4.0, self.mean * 4.0);
        Ratio {
            mean,
            variance: self.variance * mean / self.mean,
        }
    }

    /// How far `edition` characters are from what `original` characters predict, in
    /// standard deviations.
    pub fn delta(&self, original: usize, edition: usize) -> f64 {
        let expected = original as f64 * self.mean;
        (edition as f64 - expected) / (self.variance * (original.max(1) as f64)).sqrt()
    }

    /// The Gale–Church cost of a length pair: −ln of the probability of a difference at
    /// least as large, capped at `cap`.
    pub fn cost(&self, original: usize, edition: usize, cap: f64) -> f64 {
        let d = self.delta(original, edition).abs();
        let p = erfc(d / std::f64::consts::SQRT_2).max(1e-6);
        (-p.ln()).min(cap)
    }
}

/// The complementary error function (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn erfc(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    poly * (-x * x).exp()
}

/// The cost of leaving a unit unpaired.
pub const SKIP: f64 = 3.0;
/// The most a length difference costs: two pairs cost less than one unit left alone and a
/// merge ([`SKIP`] + [`MERGE`]), so that lengths alone never part a pair (a terse or verbose
/// translation is still the translation); anchors can.
const LENGTH_CAP: f64 = 2.0;
/// The most a length difference costs a 2–1 or 1–2 pair: a merge is made for its lengths,
/// so lengths that do not fit count in full.
const MERGE_LENGTH_CAP: f64 = 9.0;
/// The extra cost of a 2–1 or 1–2 pair.
const MERGE: f64 = 1.5;
/// The most the anchors of one pair cost by disagreeing (item numbers aside).
const DISAGREE_CAP: f64 = 2.5;
/// The cost of pairing units at different depths of lists.
const DEPTH: f64 = 1.5;
/// The cost of pairing a heading with a paragraph.
const RESHAPE: f64 = 3.0;
/// Weights of an agreeing anchor, by kind, and of a disagreeing one.
const AGREE_LINK: f64 = 3.0;
const AGREE_NAME: f64 = 1.5;
const AGREE_NUMBER: f64 = 1.5;
const AGREE_CODE: f64 = 2.0;
const AGREE_ITEM: f64 = 3.0;
const DISAGREE_LINK: f64 = 1.5;
const DISAGREE_NAME: f64 = 0.7;
const DISAGREE_NUMBER: f64 = 0.6;
const DISAGREE_CODE: f64 = 1.0;
const DISAGREE_ITEM: f64 = 8.0;
/// The extra cost of a merge whose second unit is a numbered item (an item starts its
/// paragraph, but a person may run two together).
const SWALLOW: f64 = 2.0;
/// An anchored pair whose lengths are further apart than this many deviations is not trusted
/// (a paragraph merged with its neighbour keeps the neighbour's anchors).
const STRETCHED: f64 = 3.0;
/// A pair whose lengths are further apart than this many deviations is not trusted without
/// anchors.
const PLAUSIBLE: f64 = 2.5;

/// One step of an alignment: which units of each side stand for each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Indices into the original's units: none, one or two.
    pub original: Range<usize>,
    /// Indices into the edition's units: none, one or two.
    pub edition: Range<usize>,
    pub cost: f64,
    /// Anchors both sides have.
    pub agree: Vec<Anchor>,
    /// Anchors one side has and the other lacks (for names, those of the original only, when
    /// the edition is written in Latin letters).
    pub disagree: Vec<Anchor>,
    /// Whether anchors vouch for this pair by themselves.
    pub anchored: bool,
    /// Whether the pair is trusted: anchored, or between anchored pairs with nothing else
    /// to pair with (see the module's doc).
    pub confident: bool,
}

impl Link {
    /// A pair of one unit with one unit.
    pub fn one_to_one(&self) -> Option<(usize, usize)> {
        (self.original.len() == 1 && self.edition.len() == 1)
            .then_some((self.original.start, self.edition.start))
    }
}

/// The alignment of two sequences of units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alignment {
    pub links: Vec<Link>,
}

impl Alignment {
    /// The pairs as (original, edition) indices, in order: a 2–1 pair gives its first
    /// original with the edition and its second alone (likewise 1–2).
    pub fn pairs(&self) -> Vec<(Option<usize>, Option<usize>)> {
        let mut out = Vec::new();
        for l in &self.links {
            let n = l.original.len().max(l.edition.len());
            for k in 0..n {
                let o = (k < l.original.len()).then_some(l.original.start + k);
                let e = (k < l.edition.len()).then_some(l.edition.start + k);
                out.push((o, e));
            }
        }
        out
    }

    /// The confident one-to-one pairs.
    pub fn confident(&self) -> impl Iterator<Item = (usize, usize, &Link)> {
        self.links
            .iter()
            .filter(|l| l.confident)
            .filter_map(|l| l.one_to_one().map(|(o, e)| (o, e, l)))
    }

    /// The link that holds original unit `i`.
    pub fn of_original(&self, i: usize) -> Option<&Link> {
        self.links.iter().find(|l| l.original.contains(&i))
    }
}

/// The anchors of the units of both sides as numbers, so that the dynamic programming's
/// inner loop compares sorted lists of integers: links, names, numbers and code, in that
/// order, then the item and the items inside the text. An anchor found in `df` units of a
/// side weighs 1/√df.
struct Packed {
    sets: [Vec<u32>; 4],
    item: Option<u32>,
    inner: Vec<u32>,
}

struct Interned {
    a: Vec<Packed>,
    b: Vec<Packed>,
    /// Each unit read as one with the next (`a2[i]` is `a[i]` and `a[i + 1]`), for merges.
    a2: Vec<Packed>,
    b2: Vec<Packed>,
    anchors: Vec<Anchor>,
    weights: Vec<f64>,
}

impl Interned {
    fn new(a: &[Unit], b: &[Unit]) -> Interned {
        let mut ids: HashMap<Anchor, u32> = HashMap::new();
        let mut anchors: Vec<Anchor> = Vec::new();
        let mut df: Vec<[u32; 2]> = Vec::new();
        let mut pack = |u: &Unit, side: usize| -> Packed {
            let mut sets: [Vec<u32>; 4] = Default::default();
            for anchor in u.anchors.all() {
                let k = match anchor {
                    Anchor::Link(_) => 0,
                    Anchor::Name(_) => 1,
                    Anchor::Number(_) => 2,
                    Anchor::Code(_) => 3,
                    Anchor::Item(_) => continue,
                };
                let id = *ids.entry(anchor.clone()).or_insert_with(|| {
                    anchors.push(anchor);
                    df.push([0, 0]);
                    (anchors.len() - 1) as u32
                });
                df[id as usize][side] += 1;
                sets[k].push(id);
            }
            for set in &mut sets {
                set.sort_unstable();
                set.dedup();
            }
            Packed {
                sets,
                item: u.anchors.item,
                inner: u.anchors.inner_items.iter().copied().collect(),
            }
        };
        let pa: Vec<Packed> = a.iter().map(|u| pack(u, 0)).collect();
        let pb: Vec<Packed> = b.iter().map(|u| pack(u, 1)).collect();
        let weights = df
            .iter()
            .map(|d| 1.0 / f64::from(d[0].max(d[1]).max(1)).sqrt())
            .collect();
        let pairs = |units: &[Packed]| -> Vec<Packed> {
            units
                .windows(2)
                .map(|w| Packed {
                    sets: [0, 1, 2, 3].map(|k| union(&w[0].sets[k], &w[1].sets[k])),
                    item: w[0].item,
                    inner: union(&w[0].inner, &w[1].inner),
                })
                .collect()
        };
        Interned {
            a2: pairs(&pa),
            b2: pairs(&pb),
            a: pa,
            b: pb,
            anchors,
            weights,
        }
    }
}

/// The sorted union of two sorted lists.
fn union(x: &[u32], y: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = x.iter().chain(y).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How two sets of units compare: the cost of pairing them and their anchors.
struct Scored {
    cost: f64,
    agree: Vec<Anchor>,
    disagree: Vec<Anchor>,
    agree_weight: f64,
    disagree_weight: f64,
    item_clash: bool,
    delta: f64,
}

/// What the anchors of two sides weigh so far, as [`Aligner::score`] sums them: agreeing
/// (`plus`) and disagreeing (`minus`), with the anchors themselves.
#[derive(Default)]
struct Tally {
    plus: f64,
    minus: f64,
    agree: Vec<Anchor>,
    disagree: Vec<Anchor>,
}

impl Tally {
    /// The item numbers of both sides: whether they clash.
    fn items(&mut self, ax: &Packed, ay: &Packed) -> bool {
        let (Some(i), Some(j)) = (ax.item, ay.item) else {
            return false;
        };
        if i == j {
            self.plus += AGREE_ITEM;
            self.agree.push(Anchor::Item(i));
            false
        } else {
            self.minus += DISAGREE_ITEM;
            self.disagree.push(Anchor::Item(i));
            self.disagree.push(Anchor::Item(j));
            true
        }
    }

    /// Items run together inside a paragraph (`④ … ⑤ …`): the same on both sides.
    fn inner_items(&mut self, ax: &Packed, ay: &Packed) {
        for k in ax.inner.iter() {
            if ay.inner.contains(k) {
                self.plus += AGREE_ITEM;
                self.agree.push(Anchor::Item(*k));
            } else {
                self.minus += DISAGREE_ITEM / 2.0;
                self.disagree.push(Anchor::Item(*k));
            }
        }
        for k in ay.inner.iter().filter(|k| !ax.inner.contains(k)) {
            self.minus += DISAGREE_ITEM / 2.0;
            self.disagree.push(Anchor::Item(*k));
        }
    }

    /// A merge whose second unit is an item: shown inside the other side's text, or
    /// swallowed. Returns what the swallowed items cost.
    fn merged_items(&mut self, xs: &[Unit], ys: &[Unit], ax: &Packed, ay: &Packed) -> f64 {
        let mut swallowed = 0.0;
        for (units, other) in [(&xs[1..], &ay), (&ys[1..], &ax)] {
            for k in units.iter().filter_map(|u| u.anchors.item) {
                if other.inner.contains(&k) {
                    self.plus += AGREE_ITEM;
                    self.agree.push(Anchor::Item(k));
                } else {
                    swallowed += SWALLOW;
                }
            }
        }
        swallowed
    }
}

/// What pairing units of two shapes costs: a change of list depth or of heading and
/// paragraph costs extra (`None`: shapes that never pair).
fn reshape_cost(xs: &[Unit], ys: &[Unit]) -> Option<f64> {
    let mut reshape = 0.0;
    for u in xs {
        for v in ys {
            if u.depth != v.depth {
                reshape = DEPTH;
            }
            match (u.shape, v.shape) {
                (s, t) if s == t => {}
                (Shape::Text, Shape::Heading) | (Shape::Heading, Shape::Text) => reshape = RESHAPE,
                _ => return None,
            }
        }
    }
    Some(reshape)
}

struct Aligner<'a> {
    a: &'a [Unit],
    b: &'a [Unit],
    ratio: Ratio,
    interned: Interned,
    /// Whether a name of the edition the original lacks disagrees (an edition in a script
    /// other than Latin letters writes its names as the original does).
    symmetric_names: bool,
}

impl Aligner<'_> {
    /// The cost of pairing `x` with `y` (`None`: shapes that never pair); with `describe`,
    /// the anchors that agree and disagree too.
    fn score(&self, x: Range<usize>, y: Range<usize>, describe: bool) -> Option<Scored> {
        let xs = &self.a[x.clone()];
        let ys = &self.b[y.clone()];
        let reshape = reshape_cost(xs, ys)?;
        // One unit's anchors, or two read as one (the first one's item).
        let ax: &Packed = if x.len() == 2 {
            &self.interned.a2[x.start]
        } else {
            &self.interned.a[x.start]
        };
        let ay: &Packed = if y.len() == 2 {
            &self.interned.b2[y.start]
        } else {
            &self.interned.b[y.start]
        };
        let lx: usize = xs.iter().map(|u| u.chars).sum();
        let ly: usize = ys.iter().map(|u| u.chars).sum();
        let mut tally = self.tally_sets(ax, ay, describe);
        // A translation that drops or adds a few anchors is still the translation: what its
        // anchors cost is capped below leaving it alone (item numbers aside, which order).
        tally.minus = tally.minus.min(DISAGREE_CAP);
        let item_clash = tally.items(ax, ay);
        let merge = if xs.len() + ys.len() > 2 { MERGE } else { 0.0 };
        tally.inner_items(ax, ay);
        let swallowed = tally.merged_items(xs, ys, ax, ay);
        let Tally {
            plus,
            minus,
            agree,
            disagree,
        } = tally;
        Some(Scored {
            cost: self.ratio.cost(
                lx,
                ly,
                if merge > 0.0 {
                    MERGE_LENGTH_CAP
                } else {
                    LENGTH_CAP
                },
            ) + minus
                - plus
                + reshape
                + merge
                + swallowed,
            agree,
            disagree,
            agree_weight: plus,
            disagree_weight: minus,
            item_clash,
            delta: self.ratio.delta(lx, ly),
        })
    }

    /// The links, names, numbers and code of `ax` and `ay` compared: what agrees and what
    /// disagrees, weighed (and, with `describe`, listed).
    fn tally_sets(&self, ax: &Packed, ay: &Packed, describe: bool) -> Tally {
        let mut tally = Tally::default();
        let weights = &self.interned.weights;
        let anchor = |id: u32| self.interned.anchors[id as usize].clone();
        const PARAMS: [(f64, f64); 4] = [
            (AGREE_LINK, DISAGREE_LINK),
            (AGREE_NAME, DISAGREE_NAME),
            (AGREE_NUMBER, DISAGREE_NUMBER),
            (AGREE_CODE, DISAGREE_CODE),
        ];
        for (k, (good, bad)) in PARAMS.into_iter().enumerate() {
            let one_way = k == 1 && !self.symmetric_names;
            let (sx, sy) = (&ax.sets[k], &ay.sets[k]);
            let (mut i, mut j) = (0, 0);
            while i < sx.len() || j < sy.len() {
                let (p, q) = (sx.get(i).copied(), sy.get(j).copied());
                match (p, q) {
                    (Some(p), Some(q)) if p == q => {
                        tally.plus += good * weights[p as usize];
                        if describe {
                            tally.agree.push(anchor(p));
                        }
                        i += 1;
                        j += 1;
                    }
                    (Some(p), q) if q.is_none_or(|q| p < q) => {
                        tally.minus += bad * weights[p as usize];
                        if describe {
                            tally.disagree.push(anchor(p));
                        }
                        i += 1;
                    }
                    (_, Some(q)) => {
                        if !one_way {
                            tally.minus += bad * weights[q as usize];
                            if describe {
                                tally.disagree.push(anchor(q));
                            }
                        }
                        j += 1;
                    }
                    _ => break,
                }
            }
        }
        tally
    }

    fn skip_cost(unit: &Unit) -> f64 {
        if unit.boilerplate {
            0.0
        } else {
            SKIP
        }
    }
}

/// Whether two sequences of units have the same shape, one for one: as many units, each of
/// the same shape and list depth, no item numbers that differ. An edition editions wrote has
/// its original's shape by construction; `check` then pairs by position, and only an edition
/// whose shape differs needs the alignment to say where.
pub fn same_shape(a: &[Unit], b: &[Unit]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(u, v)| {
            u.shape == v.shape
                && u.depth == v.depth
                && match (u.anchors.item, v.anchors.item) {
                    (Some(i), Some(j)) => i == j,
                    _ => true,
                }
        })
}

/// Aligns the units of an original (`a`) with those of an edition (`b`), from `source` to
/// `target`.
pub fn align(a: &[Unit], b: &[Unit], source: Lang, target: Lang) -> Alignment {
    let aligner = Aligner {
        a,
        b,
        ratio: Ratio::between(source, target).fitted(a, b),
        interned: Interned::new(a, b),
        symmetric_names: target != Lang::En,
    };
    let step = aligner.cheapest_steps();
    let mut links = aligner.trace(&step);
    settle(&mut links, a, b);
    Alignment { links }
}

impl Aligner<'_> {
    /// For each cell (i, j), row by row (`b.len() + 1` cells a row), the move into it on the
    /// cheapest alignment of `a[..i]` with `b[..j]`, by dynamic programming.
    fn cheapest_steps(&self) -> Vec<(u8, u8)> {
        let (n, m) = (self.a.len(), self.b.len());
        // cost[i][j]: the cheapest alignment of a[..i] with b[..j]; step: the move into (i, j).
        let width = m + 1;
        let mut cost = vec![f64::INFINITY; (n + 1) * width];
        let mut step = vec![(0u8, 0u8); (n + 1) * width];
        cost[0] = 0.0;
        // The path stays within a band around the diagonal from (0, 0) to (n, m): wide enough
        // for any run of units one side lacks that an edition has shown (a third of the longer
        // side, and 30 more, up to 230 units: no edition of the archive lacks a run that long),
        // so that a long document (a 5,000-row table) costs linear time, not quadratic.
        let band = 30 + (n.max(m) / 3).min(200);
        for i in 0..=n {
            let centre = (i * m).checked_div(n).unwrap_or(0);
            let (lo, hi) = (centre.saturating_sub(band), (centre + band).min(m));
            for j in lo..=hi {
                if i == 0 && j == 0 {
                    continue;
                }
                let (best, best_move) = self.best_move(&cost, width, i, j);
                cost[i * width + j] = best;
                step[i * width + j] = best_move;
            }
        }
        step
    }

    /// The cheapest move into the cell (i, j) from the cells `cost` has settled, with the cost
    /// it reaches (infinite, and no move, when none reaches it).
    fn best_move(&self, cost: &[f64], width: usize, i: usize, j: usize) -> (f64, (u8, u8)) {
        const MOVES: [(usize, usize); 5] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)];
        let mut best = f64::INFINITY;
        let mut best_move = (0u8, 0u8);
        for (di, dj) in MOVES {
            if di > i || dj > j {
                continue;
            }
            let before = cost[(i - di) * width + (j - dj)];
            if !before.is_finite() {
                continue;
            }
            let c = match (di, dj) {
                (1, 0) => Aligner::skip_cost(&self.a[i - 1]),
                (0, 1) => Aligner::skip_cost(&self.b[j - 1]),
                _ => match self.score(i - di..i, j - dj..j, false) {
                    Some(s) => s.cost,
                    None => continue,
                },
            };
            if before + c < best {
                best = before + c;
                best_move = (di as u8, dj as u8);
            }
        }
        (best, best_move)
    }

    /// The links of the cheapest path, read back from its end along `step` (see
    /// [`Aligner::cheapest_steps`]), in order.
    fn trace(&self, step: &[(u8, u8)]) -> Vec<Link> {
        let (n, m) = (self.a.len(), self.b.len());
        let width = m + 1;
        // Back from the end.
        let mut links = Vec::new();
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            let (di, dj) = step[i * width + j];
            let (di, dj) = (di as usize, dj as usize);
            let (x, y) = (i - di..i, j - dj..j);
            let link = if di > 0 && dj > 0 {
                self.pair_link(x, y)
            } else {
                self.skip_link(x, y)
            };
            links.push(link);
            i -= di;
            j -= dj;
        }
        links.reverse();
        links
    }

    /// The link of `x` paired with `y` on the path, with its anchors; anchored when they
    /// agree, and marked confident for now when the pair is plausible (see [`settle`]).
    fn pair_link(&self, x: Range<usize>, y: Range<usize>) -> Link {
        let s = self
            .score(x.clone(), y.clone(), true)
            .expect("a pair on the path has a score");
        let anchored = s.agree_weight >= 0.9
            && s.agree_weight > 2.0 * s.disagree_weight
            && !s.item_clash
            && s.delta.abs() <= STRETCHED
            && s.cost < 0.0;
        Link {
            original: x,
            edition: y,
            cost: s.cost,
            agree: s.agree,
            disagree: s.disagree,
            anchored,
            // Settled by `settle`; a plausible pair is marked for now.
            confident: !s.item_clash
                && s.delta.abs() <= PLAUSIBLE
                && s.disagree_weight <= 1.0 + s.agree_weight,
        }
    }

    /// The link of a unit left alone on the path (one of `x` and `y` is empty).
    fn skip_link(&self, x: Range<usize>, y: Range<usize>) -> Link {
        let c = if !x.is_empty() {
            Aligner::skip_cost(&self.a[x.end - 1])
        } else {
            Aligner::skip_cost(&self.b[y.end - 1])
        };
        Link {
            original: x,
            edition: y,
            cost: c,
            agree: Vec::new(),
            disagree: Vec::new(),
            anchored: false,
            confident: false,
        }
    }
}

/// Decides which links are confident: anchored one-to-one pairs, and the plausible
/// one-to-one pairs of a stretch between two anchored pairs (or an end) whose units on both
/// sides, boilerplate aside, are all paired one to one.
fn settle(links: &mut [Link], a: &[Unit], b: &[Unit]) {
    let bounds: Vec<usize> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.anchored && l.one_to_one().is_some())
        .map(|(k, _)| k)
        .collect();
    let mut start = 0;
    for end in bounds.iter().copied().chain(std::iter::once(links.len())) {
        let stretch = start..end;
        let even = links[stretch.clone()].iter().all(|l| {
            l.one_to_one().is_some()
                || (l.original.clone().all(|i| a[i].boilerplate)
                    && l.edition.clone().all(|j| b[j].boilerplate))
        });
        for l in &mut links[stretch] {
            l.confident = even && l.confident && l.one_to_one().is_some();
            // An unanchored pair of units that both have anchors which all disagree is
            // not trusted either.
            if l.confident && l.agree.is_empty() && !l.disagree.is_empty() {
                let (i, j) = l.one_to_one().unwrap_or_default();
                if !a[i].anchors.is_empty() && !b[j].anchors.is_empty() {
                    l.confident = false;
                }
            }
        }
        if end < links.len() {
            links[end].confident = true;
        }
        start = end + 1;
    }
}

/// Whether `offset` lies outside every `excluded` range.
pub fn in_body(offset: usize, excluded: &[Range<usize>]) -> bool {
    !excluded
        .iter()
        .any(|r| r.start <= offset && offset < r.end.max(r.start + 1))
}

/// Top-level blocks of `text` that come from the locale's messages.
pub fn locale_blocks(text: &str, locale_texts: &[String]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    // Messages end their lines with LF, a CRLF edition's blocks with CRLF.
                    let raw = text[range.clone()].trim().replace("\r\n", "\n");
                    let raw = raw.as_str();
                    let heading_text = raw.trim_start_matches('#').trim();
                    if !raw.is_empty()
                        && locale_texts
                            .iter()
                            .any(|m| m.contains(raw) || m.trim() == heading_text)
                    {
                        // A heading stays a heading of the structure: only its text is the
                        // locale's (as in the original, where rules replace a heading's text).
                        let block = &text[range.clone()];
                        let marker = if block.starts_with('#')
                            && locale_texts.iter().any(|m| m.trim() == heading_text)
                        {
                            block.len() - block.trim_start_matches('#').trim_start().len()
                        } else {
                            0
                        };
                        out.push(range.start + marker..range.end);
                    }
                }
                depth += 1;
            }
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    out
}

/// What tells one wording from another: pairs of adjacent Latin words (lowercased) and of
/// adjacent CJK characters. Pairs are specific where single words are not: most English
/// words of any paragraph occur in a long intro.
fn wording(text: &str) -> BTreeSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() || !c.is_ascii())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut out: BTreeSet<String> = words.windows(2).map(|w| w.join(" ")).collect();
    let cjk: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    for w in cjk.windows(2) {
        if w.iter().all(|c| c.is_alphabetic()) {
            out.insert(w.iter().collect());
        }
    }
    out
}

/// Whether `text` reads as another wording of one of the locale's messages: most of its words
/// are that message's, or every link it has is one the messages have.
pub fn reads_as_boilerplate(text: &str, links: &BTreeSet<String>, messages: &[Message]) -> bool {
    let words = wording(text);
    if !links.is_empty()
        && links
            .iter()
            .all(|l| messages.iter().any(|m| m.links.contains(l)))
    {
        return true;
    }
    words.len() >= 4
        && messages.iter().any(|m| {
            let shared = words.iter().filter(|w| m.words.contains(*w)).count();
            shared as f64 >= 0.5 * words.len() as f64
        })
}

/// A locale message as boilerplate is recognised by: its words and link destinations.
#[derive(Debug, Clone, Default)]
pub struct Message {
    words: BTreeSet<String>,
    links: BTreeSet<String>,
}

impl Message {
    /// The words and destinations of a message's Markdown.
    pub fn read(markdown: &str) -> Message {
        let mut links = BTreeSet::new();
        for (event, _) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
            if let Event::Start(
                pulldown_cmark::Tag::Link { dest_url, .. }
                | pulldown_cmark::Tag::Image { dest_url, .. },
            ) = event
            {
                links.insert(normalize(&dest_url));
            }
        }
        Message {
            words: wording(markdown),
            links,
        }
    }
}

/// Pairs two sequences of runs by their shape (block kind and markup), in order: for two
/// versions of the same edition, which differ only where a person edited them.
pub fn pair_by_shape(
    a: &[&Segment<'_>],
    b: &[&Segment<'_>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let shape = |r: &&Segment<'_>| -> String {
        let tags: Vec<&str> = r.tags().iter().map(|t| t.kind.name()).collect();
        format!("{}:{}", r.kind.short(), tags.join(","))
    };
    let keys_a: Vec<String> = a.iter().map(shape).collect();
    let keys_b: Vec<String> = b.iter().map(shape).collect();
    let mut pairs = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &keys_a, &keys_b) {
        match op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => pairs.extend((0..len).map(|k| (Some(old_index + k), Some(new_index + k)))),
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => pairs.extend((0..old_len).map(|k| (Some(old_index + k), None))),
            similar::DiffOp::Insert {
                new_index, new_len, ..
            } => pairs.extend((0..new_len).map(|k| (None, Some(new_index + k)))),
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for k in 0..old_len.max(new_len) {
                    pairs.push((
                        (k < old_len).then_some(old_index + k),
                        (k < new_len).then_some(new_index + k),
                    ));
                }
            }
        }
    }
    pairs
}

/// The body runs of an original and its edition, aligned by what they say.
pub struct Paired<'o, 'e> {
    pub original: Document<'o>,
    pub edition: Document<'e>,
    /// Indices into `original.runs` and `edition.runs`, in order (see
    /// [`Alignment::pairs`]); run for run when both bodies have the same shape.
    pub pairs: Vec<(Option<usize>, Option<usize>)>,
    /// The alignment, over the body runs.
    pub alignment: Alignment,
    /// For each unit of the alignment, its index into `original.runs` / `edition.runs`.
    pub original_runs: Vec<usize>,
    pub edition_runs: Vec<usize>,
    /// For each unit of the edition, whether it reads as boilerplate.
    pub edition_boilerplate: Vec<bool>,
    /// Whether both bodies have the same shape, one run for one (see [`same_shape`]).
    pub same_shape: bool,
}

impl Paired<'_, '_> {
    /// The confident one-to-one pairs, as indices into the runs, with their links.
    pub fn confident(&self) -> Vec<(usize, usize, &Link)> {
        self.alignment
            .confident()
            .map(|(o, e, l)| (self.original_runs[o], self.edition_runs[e], l))
            .collect()
    }

    /// The link that holds the original's run `run`, when it is a body run.
    pub fn link_of(&self, run: usize) -> Option<&Link> {
        let unit = self.original_runs.iter().position(|&r| r == run)?;
        self.alignment.of_original(unit)
    }
}

/// What an alignment of one original with its edition needs to know of the locale.
pub struct Setting<'a> {
    pub rules: &'a [Rule],
    pub target: Lang,
    /// The locale's messages as this issue writes them.
    pub locale_texts: &'a [String],
    pub options: &'a SegmentOptions,
    /// URL rewrites of the locale, applied to the original's destinations.
    pub rewrite: &'a dyn Fn(&str) -> String,
}

/// Aligns the body runs of `original` with those of `edition_text`: the blocks the locale's
/// rules replace are left out of the original, the blocks its messages wrote out of the
/// edition, and edition runs that read as another wording of a message are boilerplate.
pub fn pair_runs<'o, 'e>(
    original: &'o str,
    edition_text: &'e str,
    setting: &Setting<'_>,
) -> Paired<'o, 'e> {
    let found = edition::find(original, setting.rules, setting.target.code());
    let excluded_o: Vec<Range<usize>> = found.iter().map(|f| f.range.clone()).collect();
    let excluded_e = locale_blocks(edition_text, setting.locale_texts);
    let od = Document::parse(original, setting.options);
    let ed = Document::parse(
        edition_text,
        &SegmentOptions {
            source: setting.target,
            ..setting.options.clone()
        },
    );
    let ob: Vec<usize> = (0..od.runs.len())
        .filter(|&i| in_body(od.runs[i].range.start, &excluded_o))
        .collect();
    let eb: Vec<usize> = (0..ed.runs.len())
        .filter(|&j| in_body(ed.runs[j].range.start, &excluded_e))
        .collect();
    let messages: Vec<Message> = setting
        .locale_texts
        .iter()
        .map(|t| Message::read(t))
        .collect();
    let same = |u: &str| u.to_string();
    let a: Vec<Unit> = ob
        .iter()
        .map(|&i| Unit::of_run(&od.runs[i], original, setting.rewrite))
        .collect();
    let b: Vec<Unit> = eb
        .iter()
        .map(|&j| {
            let mut u = Unit::of_run(&ed.runs[j], edition_text, &same);
            u.boilerplate =
                reads_as_boilerplate(&ed.runs[j].plain_text(), &u.anchors.links, &messages);
            u
        })
        .collect();
    let alignment = align(&a, &b, setting.options.source, setting.target);
    // Bodies of one shape pair run for run (see `same_shape`).
    let pairs = if same_shape(&a, &b) {
        ob.iter()
            .zip(&eb)
            .map(|(&x, &y)| (Some(x), Some(y)))
            .collect()
    } else {
        alignment
            .pairs()
            .into_iter()
            .map(|(x, y)| (x.map(|x| ob[x]), y.map(|y| eb[y])))
            .collect()
    };
    Paired {
        original: od,
        edition: ed,
        pairs,
        alignment,
        original_runs: ob,
        edition_runs: eb,
        edition_boilerplate: b.iter().map(|u| u.boilerplate).collect(),
        same_shape: same_shape(&a, &b),
    }
}

/// The item number at the start of a block's text, when it has one.
pub fn leading_item(text: &str) -> Option<u32> {
    let len = item_number_len(text);
    (len > 0).then(|| item_value(&text[..len])).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(chars: usize, links: &[&str], names: &[&str], item: Option<u32>) -> Unit {
        Unit {
            shape: Shape::Text,
            chars,
            anchors: Anchors {
                links: links.iter().map(|s| s.to_string()).collect(),
                names: names.iter().map(|s| s.to_string()).collect(),
                item,
                ..Anchors::default()
            },
            boilerplate: false,
            depth: 0,
        }
    }

    #[test]
    fn reads_item_markers() {
        assert_eq!(item_value("1、"), Some(1));
        assert_eq!(item_value("12\\. "), Some(12));
        assert_eq!(item_value("⑫"), Some(12));
        assert_eq!(item_value("㉑"), Some(21));
        assert_eq!(item_value("x"), None);
    }

    #[test]
    fn reads_names_and_destinations() {
        assert_eq!(
            names("PEP-840：类命名空间 chrome-devtools-mcp a 3D stars class"),
            ["3d", "chrome", "class", "devtool", "mcp", "pep", "star"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        );
        assert_eq!(
            destination("](https://a.b/c \"t\")").as_deref(),
            Some("https://a.b/c")
        );
        assert_eq!(destination("](<a b>)").as_deref(), Some("a b"));
        assert_eq!(destination("]"), None);
        assert_eq!(normalize("https://a.b/%E4%B8%AD/"), "https://a.b/中");
    }

    #[test]
    fn a_missing_block_does_not_shift_the_pairs_after_it() {
        // The edition lacks the original's second unit; anchors put the rest in place.
        let a = vec![
            unit(10, &["u1"], &[], Some(1)),
            unit(30, &[], &["airflow"], None),
            unit(10, &["u2"], &[], Some(2)),
            unit(20, &[], &["pep"], None),
        ];
        let b = vec![
            unit(29, &["u1"], &[], Some(1)),
            unit(28, &["u2"], &[], Some(2)),
            unit(60, &[], &["pep"], None),
        ];
        let al = align(&a, &b, Lang::Zh, Lang::En);
        let pairs: Vec<(usize, usize)> = al.confident().map(|(o, e, _)| (o, e)).collect();
        assert_eq!(pairs, [(0, 0), (2, 1), (3, 2)]);
        assert_eq!(al.pairs()[1], (Some(1), None));
    }

    #[test]
    fn unanchored_pairs_between_anchors_are_confident_only_when_even() {
        let a = vec![
            unit(10, &["u1"], &[], None),
            unit(30, &[], &[], None),
            unit(40, &[], &[], None),
            unit(10, &["u2"], &[], None),
        ];
        let even = vec![
            unit(29, &["u1"], &[], None),
            unit(85, &[], &[], None),
            unit(115, &[], &[], None),
            unit(28, &["u2"], &[], None),
        ];
        let al = align(&a, &even, Lang::Zh, Lang::En);
        assert_eq!(al.confident().count(), 4);
        // One of the two is gone: which one is a guess, and not trusted.
        let uneven = vec![
            unit(29, &["u1"], &[], None),
            unit(100, &[], &[], None),
            unit(28, &["u2"], &[], None),
        ];
        let al = align(&a, &uneven, Lang::Zh, Lang::En);
        let pairs: Vec<(usize, usize)> = al.confident().map(|(o, e, _)| (o, e)).collect();
        assert_eq!(pairs, [(0, 0), (3, 2)]);
    }

    #[test]
    fn merges_and_splits_are_pairs_of_their_own() {
        let a = vec![
            unit(10, &["u1"], &[], None),
            unit(30, &[], &["alpha"], None),
            unit(30, &[], &["beta"], None),
            unit(10, &["u2"], &[], None),
        ];
        let b = vec![
            unit(29, &["u1"], &[], None),
            unit(170, &[], &["alpha", "beta"], None),
            unit(28, &["u2"], &[], None),
        ];
        let al = align(&a, &b, Lang::Zh, Lang::En);
        let merged = al.links.iter().find(|l| l.original.len() == 2).unwrap();
        assert_eq!(
            (merged.original.clone(), merged.edition.clone()),
            (1..3, 1..2)
        );
        assert!(!merged.confident);
    }

    #[test]
    fn every_unit_is_covered_once_in_order() {
        let a: Vec<Unit> = (0..7).map(|k| unit(10 + k, &[], &[], None)).collect();
        let b: Vec<Unit> = (0..4).map(|k| unit(30 + 5 * k, &[], &[], None)).collect();
        let al = align(&a, &b, Lang::Zh, Lang::En);
        let (mut i, mut j) = (0, 0);
        for l in &al.links {
            assert_eq!((l.original.start, l.edition.start), (i, j));
            i = l.original.end;
            j = l.edition.end;
        }
        assert_eq!((i, j), (7, 4));
    }
}
