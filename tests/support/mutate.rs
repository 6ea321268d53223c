//! Planted losses: one real loss at a time in an edition, to measure what `check` catches.
//!
//! Each kind plants its loss at the middle candidate of the edition's body (the blocks that
//! are not the locale's messages), so that a plant is neither the first nor the last of its
//! kind. A kind with no candidate in an edition is not applicable to it.

use std::collections::HashSet;
use std::ops::Range;

use std::collections::BTreeMap;
use std::path::Path;

use editions::check::{self, paragraphs, Context, Finding, Level};
use editions::edition::align::locale_blocks;
use editions::edition::locale::Locale;
use editions::edition::provenance::Record;
use editions::edition::rules::{self, Rule, UrlRewrite};
use editions::glossary::Glossary;
use editions::markdown::segment::{markdown_options, Piece};
use editions::{Document, Lang, SegmentOptions};
use pulldown_cmark::{Event, Parser, Tag};

/// What `check` needs for one pair, owned: [`Parts::cx`] lends it as a [`Context`], strict.
pub struct Parts {
    pub target: Lang,
    pub rules: Vec<Rule>,
    pub rewrites: Vec<UrlRewrite>,
    pub locale_texts: Vec<String>,
    pub glossary: Glossary,
    pub record: Option<Record>,
    pub options: SegmentOptions,
    pub common: HashSet<String>,
}

impl Parts {
    /// For the edition of `original` (dated `date`) in `target`, with the glossaries and locales
    /// under `root` and the provenance record at `record`.
    pub fn new(
        root: &Path,
        rules: &[Rule],
        rewrites: &[UrlRewrite],
        original: &str,
        date: &str,
        target: Lang,
        record: &Path,
    ) -> Parts {
        let options = SegmentOptions::default();
        let glossary = Glossary::load(&root.join("glossary"), target).unwrap();
        let locale = Locale::load(&root.join("locales"), target.code()).unwrap();
        let doc = Document::parse(original, &options);
        let vars = rules::variables(&doc, date, "https://pythoncat.top/posts/{date}-weekly");
        let locale_texts = rules::locale_texts(rules, &locale, &root.join("locales"), &vars);
        Parts {
            target,
            rules: rules.to_vec(),
            rewrites: rewrites.to_vec(),
            locale_texts,
            glossary,
            record: Record::load(record).unwrap(),
            options,
            common: HashSet::new(),
        }
    }

    pub fn cx(&self) -> Context<'_> {
        Context {
            source: Lang::Zh,
            target: self.target,
            rules: &self.rules,
            rewrites: &self.rewrites,
            locale_texts: &self.locale_texts,
            glossary: &self.glossary,
            allow: &[],
            memory: None,
            record: self.record.as_ref(),
            options: &self.options,
            strict: true,
            common_urls: &self.common,
        }
    }
}

/// Plants and catches, per kind and locale, with the findings on the unmutated editions.
#[derive(Debug, Default)]
pub struct Tally {
    /// (kind, locale) → (planted, caught).
    pub plants: BTreeMap<(Kind, &'static str), (usize, usize)>,
    /// Findings of any level on the editions as written.
    pub unmutated: Vec<Finding>,
    pub editions: usize,
    /// The plants `check` missed: `name: kind`.
    pub missed: Vec<String>,
    /// For each kind, the plants whose new findings were more than one (one cause, one
    /// finding): `name: kind: rules`.
    pub extra: Vec<String>,
    /// (kind, locale) → plants that gave exactly one new finding.
    pub single: BTreeMap<(Kind, &'static str), usize>,
}

impl Tally {
    /// Plants every kind of loss into `edition`, one at a time, and counts those `check
    /// --strict` catches: more error-level findings than on the edition as written.
    pub fn add(
        &mut self,
        name: &str,
        original: &check::File<'_>,
        edition: &check::File<'_>,
        parts: &Parts,
        repeated: &HashSet<String>,
    ) {
        let cx = parts.cx();
        let (base, findings) = errors(original, edition, &cx);
        self.editions += 1;
        self.unmutated.extend(findings.iter().cloned());
        for (kind, mutated) in KINDS.iter().flat_map(|&k| {
            plants(k, original.text, edition.text, &cx, repeated)
                .into_iter()
                .map(move |m| (k, m))
        }) {
            let file = check::File {
                path: edition.path,
                text: &mutated,
            };
            let (n, after) = errors(original, &file, &cx);
            let entry = self.plants.entry((kind, parts.target.code())).or_default();
            entry.0 += 1;
            // What the plant added: the findings (any level) the edition as written has not.
            let key = |f: &Finding| (f.rule.id(), f.message.to_string());
            let before: HashSet<(&str, String)> = findings.iter().map(key).collect();
            let new: Vec<&Finding> = after.iter().filter(|f| !before.contains(&key(f))).collect();
            if new.len() == 1 {
                *self.single.entry((kind, parts.target.code())).or_default() += 1;
            } else if n > base {
                self.extra.push(format!(
                    "{name} ({}): {kind:?}: {}",
                    parts.target,
                    new.iter()
                        .map(|f| f.rule.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if n > base {
                entry.1 += 1;
            } else {
                // What the plant took away: the first line that differs.
                let gone = edition
                    .text
                    .lines()
                    .zip(mutated.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, _)| a.chars().take(60).collect::<String>())
                    .unwrap_or_default();
                self.missed
                    .push(format!("{name} ({}): {kind:?}: `{gone}`", parts.target));
            }
        }
    }

    /// One line per kind and locale: `kind locale caught/planted single/planted`, the last
    /// the plants told by exactly one finding.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for ((kind, locale), (planted, caught)) in &self.plants {
            let single = self.single.get(&(*kind, *locale)).copied().unwrap_or(0);
            out.push_str(&format!(
                "  {:<18} {locale}  {caught}/{planted}  one finding: {single}/{planted}\n",
                format!("{kind:?}")
            ));
        }
        out
    }
}

/// A kind of loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A body link cut to its text.
    Link,
    /// The same, for a link whose URL is in several originals.
    RepeatedLink,
    /// A body image removed.
    Image,
    /// An inline code span (or else a code block's line) lost.
    Code,
    /// A section heading of the locale's messages rewritten.
    Heading,
    /// A front-matter key removed.
    FrontMatterKey,
    /// A front-matter value that is not translated changed.
    FrontMatterValue,
    /// A paragraph without links dropped.
    Description,
    /// An item's title paragraph dropped.
    ItemTitle,
    /// A paragraph replaced by its original, untranslated.
    SourceParagraph,
    /// A number of a translated run changed.
    Number,
}

pub const KINDS: [Kind; 11] = [
    Kind::Link,
    Kind::RepeatedLink,
    Kind::Image,
    Kind::Code,
    Kind::Heading,
    Kind::FrontMatterKey,
    Kind::FrontMatterValue,
    Kind::Description,
    Kind::ItemTitle,
    Kind::SourceParagraph,
    Kind::Number,
];

/// Which of the places a kind of loss can go a plant takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    First,
    Middle,
    Last,
}

impl Pick {
    fn index(self, len: usize) -> usize {
        match self {
            Pick::First => 0,
            Pick::Middle => len / 2,
            Pick::Last => len.saturating_sub(1),
        }
    }

    fn of<T: Clone>(self, v: &[T]) -> Option<T> {
        v.get(self.index(v.len())).cloned()
    }
}

/// `edition` with one loss of `kind` planted at each of the first, middle and last places it
/// can go (fewer when they coincide); none when it has nothing of the kind.
pub fn plants(
    kind: Kind,
    original: &str,
    edition: &str,
    cx: &Context<'_>,
    repeated: &HashSet<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pick in [Pick::First, Pick::Middle, Pick::Last] {
        if let Some(m) = plant(kind, pick, original, edition, cx, repeated) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

fn splice(text: &str, range: Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..range.start], &text[range.end..])
}

/// A block's bytes with the blank line after it, to drop it whole.
fn whole(text: &str, b: &paragraphs::Block) -> Range<usize> {
    let rest = &text[b.end..];
    let blank = rest.len() - rest.trim_start_matches(['\n', '\r']).len();
    b.start..b.end + blank
}

fn is_item_title(text: &str) -> bool {
    let t = text.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (digits > 0
        && (t[digits..].starts_with('、')
            || t[digits..].starts_with(". ")
            || t[digits..].starts_with("\\. ")))
        || t.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
}

/// `edition` with one loss of `kind` planted at the place `pick` says, or `None` when it has
/// nothing of the kind. `repeated` holds the URLs found in several originals.
pub fn plant(
    kind: Kind,
    pick: Pick,
    original: &str,
    edition: &str,
    cx: &Context<'_>,
    repeated: &HashSet<String>,
) -> Option<String> {
    let code = cx.target.code();
    let locale = locale_blocks(edition, cx.locale_texts);
    let body = |at: usize| editions::edition::align::in_body(at, &locale);
    let same = |u: &str| u.to_string();
    let blocks_e = paragraphs::blocks(edition, &locale, &same, Default::default());
    match kind {
        Kind::Link | Kind::RepeatedLink | Kind::Image | Kind::Code => {
            let mut candidates: Vec<(Range<usize>, String)> = Vec::new();
            let mut code_blocks = Vec::new();
            for (event, range) in Parser::new_ext(edition, markdown_options()).into_offset_iter() {
                if !body(range.start) {
                    continue;
                }
                match (kind, event) {
                    (Kind::Link | Kind::RepeatedLink, Event::Start(Tag::Link { dest_url, .. })) => {
                        let text = &edition[range.clone()];
                        let Some(close) = text.rfind("](") else {
                            continue;
                        };
                        if dest_url.starts_with('#')
                            || repeated.contains(dest_url.as_ref()) != (kind == Kind::RepeatedLink)
                        {
                            continue;
                        }
                        candidates.push((range.clone(), text[1..close].to_string()));
                    }
                    (Kind::Image, Event::Start(Tag::Image { .. })) => {
                        candidates.push((range, String::new()))
                    }
                    (Kind::Code, Event::Code(c)) => candidates.push((range, c.to_string())),
                    (Kind::Code, Event::Start(Tag::CodeBlock(_))) => code_blocks.push(range),
                    _ => {}
                }
            }
            if let Some((range, with)) = pick.of(&candidates) {
                return Some(splice(edition, range, &with));
            }
            // No inline code: a code block loses its last line.
            let block = pick.of(&code_blocks)?;
            let inner = &edition[block.clone()];
            let lines: Vec<&str> = inner.lines().collect();
            let cut = lines.len().checked_sub(2).filter(|&k| k >= 1)?;
            let line_start = block.start + lines[..cut].iter().map(|l| l.len() + 1).sum::<usize>();
            Some(splice(
                edition,
                line_start..line_start + lines[cut].len() + 1,
                "",
            ))
        }
        Kind::Heading => {
            // A section heading the locale wrote: its text is excluded, its marker is not.
            let headings: Vec<Range<usize>> = Parser::new_ext(edition, markdown_options())
                .into_offset_iter()
                .filter_map(|(e, r)| match e {
                    Event::Start(Tag::Heading { .. })
                        if locale.iter().any(|l| l.start > r.start && l.start < r.end) =>
                    {
                        Some(r)
                    }
                    _ => None,
                })
                .collect();
            let r = pick.of(&headings)?;
            let text = &edition[r.clone()];
            let marker = text.len() - text.trim_start_matches('#').trim_start().len();
            let end = r.start + text.trim_end().len();
            Some(splice(edition, r.start + marker..end, "Other news"))
        }
        Kind::FrontMatterKey | Kind::FrontMatterValue => {
            let entries = check::front_matter::entries(edition)?;
            let fixed: Vec<_> = entries
                .iter()
                .filter(|e| !cx.options.front_matter_fields.iter().any(|f| f == e.key))
                .collect();
            let entry = pick.of(&fixed)?;
            let line_start: usize = edition
                .split_inclusive('\n')
                .take(entry.line - 1)
                .map(str::len)
                .sum();
            let line_len = edition[line_start..]
                .find('\n')
                .map_or(edition.len() - line_start, |n| n + 1);
            if kind == Kind::FrontMatterKey {
                return Some(splice(edition, line_start..line_start + line_len, ""));
            }
            // The value's last digit moved by one, or a letter added.
            let line = &edition[line_start..line_start + line_len];
            let changed = match line.rfind(|c: char| c.is_ascii_digit()) {
                Some(at) => {
                    let d = line.as_bytes()[at] - b'0';
                    format!("{}{}{}", &line[..at], (d + 1) % 10, &line[at + 1..])
                }
                None => line.replacen(':', ": x", 1),
            };
            Some(splice(edition, line_start..line_start + line_len, &changed))
        }
        Kind::Description | Kind::ItemTitle => {
            let wanted: Vec<&paragraphs::Block> = blocks_e
                .iter()
                .filter(|b| {
                    b.paragraph
                        && if kind == Kind::ItemTitle {
                            is_item_title(&edition[b.start..b.end])
                        } else {
                            b.key == "p" && !is_item_title(&edition[b.start..b.end])
                        }
                })
                .collect();
            let b = pick.of(&wanted)?;
            Some(splice(edition, whole(edition, b), ""))
        }
        Kind::SourceParagraph => {
            // The k-th paragraph without links of each body: editions keeps the structure.
            let found = rules::find(original, cx.rules, code);
            let excluded: Vec<Range<usize>> = found.iter().map(|f| f.range.clone()).collect();
            let rewrite = |u: &str| rules::rewrite_url(u, cx.rewrites, code);
            let text_only =
                |blocks: Vec<paragraphs::Block>, text: &str| -> Vec<paragraphs::Block> {
                    blocks
                        .into_iter()
                        .filter(|b| {
                            b.paragraph && b.key == "p" && !is_item_title(&text[b.start..b.end])
                        })
                        .collect()
                };
            let o = text_only(
                paragraphs::blocks(original, &excluded, &rewrite, Default::default()),
                original,
            );
            let e = text_only(blocks_e, edition);
            if o.len() != e.len() {
                return None;
            }
            let k = pick.index(o.len());
            let (ob, eb) = (o.get(k)?, e.get(k)?);
            Some(splice(
                edition,
                eb.start..eb.end,
                &original[ob.start..ob.end],
            ))
        }
        Kind::Number => {
            let paired = check::pair_runs(original, edition, cx);
            let mut candidates = Vec::new();
            let count = |text: &str, value: &str| {
                check::numbers::numbers(text)
                    .iter()
                    .filter(|n| n.value == value)
                    .count()
            };
            for (i, j) in paired.pairs.iter().filter_map(|p| match p {
                (Some(i), Some(j)) => Some((*i, *j)),
                _ => None,
            }) {
                let source: Vec<String> =
                    check::numbers::numbers(&paired.original.runs[i].plain_text())
                        .into_iter()
                        .map(|n| n.value)
                        .collect();
                for piece in &paired.edition.runs[j].pieces {
                    let Piece::Text { raw, .. } = piece else {
                        continue;
                    };
                    for n in check::numbers::numbers(&edition[raw.clone()]) {
                        // A number written as often as in the source: changing one loses it.
                        let run = paired.edition.runs[j].plain_text();
                        if !source.contains(&n.value)
                            || count(&run, &n.value)
                                != source.iter().filter(|v| **v == n.value).count()
                        {
                            continue;
                        }
                        let Some(at) = edition[raw.clone()].find(n.written.as_str()) else {
                            continue;
                        };
                        let Some(d) = n.written.rfind(|c: char| c.is_ascii_digit()) else {
                            continue;
                        };
                        candidates.push(raw.start + at + d);
                    }
                }
            }
            let at = pick.of(&candidates)?;
            let d = edition.as_bytes()[at] - b'0';
            Some(splice(edition, at..at + 1, &((d + 1) % 10).to_string()))
        }
    }
}

/// How many error-level findings `check --strict` reports on `edition`, and all findings.
pub fn errors(
    original: &check::File<'_>,
    edition: &check::File<'_>,
    cx: &Context<'_>,
) -> (usize, Vec<check::Finding>) {
    let findings = check::check_pair(original, edition, cx).findings;
    (
        findings.iter().filter(|f| f.level == Level::Error).count(),
        findings,
    )
}
