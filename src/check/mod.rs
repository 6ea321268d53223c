//! Checking an edition against its original: what CI runs.
//!
//! Both files are read as CommonMark. The original's body is the original without the blocks
//! that locale rules replace or drop; the edition's body is the edition without the blocks
//! that come from its locale's messages. The two bodies must carry the same links and images
//! (as multisets, after the declared URL rewrites), the same code (blocks byte for byte, spans
//! as a multiset), the same headings, items per section and table shapes. The edition must
//! hold no leftover tags or placeholders, no letters of the source script when its own script
//! differs (outside declared exceptions), no mojibake, and the glossary's target wherever the
//! original's segment has the source term. Every finding has a file, line and column, a rule
//! id and a message that says what to do.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag as MdTag, TagEnd};
use serde::Serialize;

use crate::edition::align::{self, in_body, locale_blocks};
pub use crate::edition::align::{pair_by_shape, Paired};
use crate::edition::rules::{self as edition, Rule as Boilerplate, UrlRewrite};
use crate::glossary::{has_term, Glossary};
use crate::lang::Lang;
use crate::markdown::dialect::Dialect;
use crate::markdown::document::LineIndex;
use crate::markdown::segment::{Document, Segment, SegmentOptions};
use crate::memory::Memory;
use crate::message::{tr, Message};

pub mod rule;

pub use rule::{Rule, RuleInfo};
pub mod front_matter;
pub use crate::edition::align::normalize_url;
pub use crate::numbers;
pub mod paragraphs;
pub mod residue;

pub use residue::mojibake;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    /// `error` or `warning`, whatever the language: for classes and machine formats.
    pub fn id(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tr(
            match self {
                Level::Warning => "level-warning",
                Level::Error => "level-error",
            },
            &[],
        ))
    }
}

/// One thing wrong with an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Stable rule id, such as `links/missing`.
    pub rule: Rule,
    pub level: Level,
    pub message: Message,
}

/// The rule and message of a link (or image) of the original missing from an edition: one
/// wording for `check` and for `translate`, which reports a link a model kept losing the same
/// way.
pub fn lost(image: bool, url: &str, edition: &str) -> (Rule, Message) {
    let rule = if image {
        Rule::ImagesMissing
    } else {
        Rule::LinksMissing
    };
    (
        rule,
        Message::new(
            if image {
                "finding-image-missing"
            } else {
                "finding-link-missing"
            },
            &[("url", &url), ("edition", &edition)],
        ),
    )
}

impl std::fmt::Display for Finding {
    /// One line, as `editions check` prints it: `file:line:column: level[rule]: message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            crate::control::visible(&self.file.display().to_string()),
            self.line,
            self.column,
            self.level,
            self.rule,
            crate::control::visible(&self.message.to_string())
        )
    }
}

/// Everything a check needs besides the two texts.
pub struct Context<'a> {
    pub source: Lang,
    pub target: Lang,
    pub rules: &'a [Boilerplate],
    pub rewrites: &'a [UrlRewrite],
    /// The locale's messages as formatted for this issue: blocks of the edition found in them
    /// are the locale's, not the body.
    pub locale_texts: &'a [String],
    pub glossary: &'a Glossary,
    /// Text that may keep letters of the source script in an edition (names).
    pub allow: &'a [String],
    pub memory: Option<&'a Memory>,
    /// The provenance record of the edition: what editions wrote, from which original.
    pub record: Option<&'a crate::edition::provenance::Record>,
    pub options: &'a SegmentOptions,
    /// Staleness is an error rather than a warning.
    pub strict: bool,
    /// URLs treated as boilerplate wherever they are (see `--common-urls`).
    pub common_urls: &'a std::collections::HashSet<String>,
}

/// A text with where it came from.
pub struct File<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

/// What one body holds, with positions.
#[derive(Debug, Default)]
struct Inventory {
    links: Vec<(String, usize)>,
    images: Vec<(String, usize)>,
    code_blocks: Vec<(String, usize)>,
    code_spans: Vec<(String, usize)>,
    /// Math spans (`$…$`, `$$…$$`) as written, with their delimiters.
    math: Vec<(String, usize)>,
    /// Containers, in order: GFM alerts (`> [!NOTE]`), by kind.
    containers: Vec<(String, usize)>,
    headings: Vec<(u8, usize)>,
    /// For each of `headings`, where its text starts and the text.
    heading_texts: Vec<(Option<usize>, String)>,
    /// For each section (before the first heading, then after each), its item count.
    items: Vec<(usize, usize)>,
    /// Rows and columns of each table.
    tables: Vec<((usize, usize), usize)>,
    /// Texts and HTML, for the control, tag and mojibake checks: (text, offset).
    texts: Vec<(String, usize)>,
    /// Anchors that headings define, and `#fragment` links.
    anchors: Vec<String>,
    /// The anchors HTML defines (`id`, `name`).
    html_ids: HashSet<String>,
    fragments: Vec<(String, usize)>,
}

/// GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens (the other
/// dialects' are [`Dialect::slug`]).
pub fn slug(text: &str) -> String {
    Dialect::Gfm.slug(text)
}

/// The containers (GFM alerts) of the edition against the original's: the same kinds in the
/// same order. At most one finding, at the first difference: (in the edition, offset, message).
fn containers(
    o: &[(String, usize)],
    e: &[(String, usize)],
    edition_name: &str,
) -> Option<(bool, usize, Message)> {
    let kinds = |v: &[(String, usize)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    if kinds(o) == kinds(e) {
        return None;
    }
    let k = o.iter().zip(e).take_while(|(a, b)| a.0 == b.0).count();
    // One lost (the rest follows one later in the original) or one added; the containers
    // after a lost or added one may stand in another nesting because of it.
    let leaves = |v: &[(String, usize)]| {
        v.iter()
            .map(|(k, _)| k.rsplit(" > ").next().unwrap_or(k).to_string())
            .collect::<Vec<_>>()
    };
    let lost = o.len() > k && leaves(&o[k + 1..]) == leaves(&e[k..]);
    let added = e.len() > k && leaves(&o[k..]) == leaves(&e[k + 1..]);
    match (o.get(k), e.get(k).filter(|_| !lost)) {
        (Some((kind, at)), None) => Some((
            false,
            *at,
            Message::new(
                "finding-container-missing",
                &[("container", kind), ("edition", &edition_name)],
            ),
        )),
        (Some((there, _)), Some((kind, at))) if !added => Some((
            true,
            *at,
            Message::new(
                "finding-container-differs",
                &[("container", kind), ("there", there)],
            ),
        )),
        (_, Some((kind, at))) => Some((
            true,
            *at,
            Message::new("finding-container-added", &[("container", kind)]),
        )),
        (None, None) => None,
    }
}

/// The edition's `#fragment` links that name none of its anchors: an error, or a warning
/// naming the original's line when the original's same link was broken already.
fn unresolved(o: &Inventory, e: &Inventory, lines_o: &LineIndex) -> Vec<(usize, Level, Message)> {
    let resolves = |inv: &Inventory, f: &str| inv.anchors.iter().any(|a| a == f);
    e.fragments
        .iter()
        .filter(|(fragment, _)| !resolves(e, fragment))
        .map(|(fragment, at)| {
            let broken_there = o
                .fragments
                .iter()
                .find(|(f, _)| f == fragment)
                .filter(|(f, _)| !resolves(o, f));
            match broken_there {
                Some((_, o_at)) => (
                    *at,
                    Level::Warning,
                    Message::new(
                        "finding-anchor-original",
                        &[("fragment", fragment), ("line", &lines_o.line(*o_at))],
                    ),
                ),
                None => (
                    *at,
                    Level::Error,
                    Message::new("finding-anchor", &[("fragment", fragment)]),
                ),
            }
        })
        .collect()
}

/// What the paragraph accounting found, as findings: (in the edition, offset, message). A
/// paragraph lost with a link, an image or code of its own (`told`, offsets in the original)
/// is told by that finding, not again here.
fn paragraph_findings(
    blocks_o: &[paragraphs::Block],
    blocks_e: &[paragraphs::Block],
    accounting: &paragraphs::Accounting,
    told: &[usize],
    lines_o: &LineIndex,
    edition_name: &str,
) -> Vec<(bool, usize, Message)> {
    let words = |b: &paragraphs::Block| paragraphs::first_words(&b.text);
    let mut out = Vec::new();
    for &i in &accounting.lost {
        let b = &blocks_o[i];
        if told
            .iter()
            .any(|at| (b.start..b.end.max(b.start + 1)).contains(at))
        {
            continue;
        }
        out.push((
            false,
            b.start,
            Message::new(
                "finding-paragraph-lost",
                &[("words", &words(b)), ("edition", &edition_name)],
            ),
        ));
    }
    for &j in &accounting.added {
        out.push((
            true,
            blocks_e[j].start,
            Message::new(
                "finding-paragraph-added",
                &[("words", &words(&blocks_e[j]))],
            ),
        ));
    }
    for &(i, j) in &accounting.merged {
        out.push((
            true,
            blocks_e[j].start,
            Message::new(
                "finding-paragraph-merged",
                &[
                    ("words", &words(&blocks_o[i])),
                    ("next", &words(&blocks_o[i + 1])),
                ],
            ),
        ));
    }
    for &(i, j) in &accounting.moved {
        out.push((
            true,
            blocks_e[j].start,
            Message::new(
                "finding-paragraph-moved",
                &[
                    ("words", &words(&blocks_o[i])),
                    ("line", &lines_o.line(blocks_o[i].start)),
                ],
            ),
        ));
    }
    for &(i, j) in &accounting.split {
        out.push((
            true,
            blocks_e[j].start,
            Message::new(
                "finding-paragraph-split",
                &[("words", &words(&blocks_o[i]))],
            ),
        ));
    }
    out
}

fn is_item_start(text: &str) -> bool {
    let t = text.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && (t[digits..].starts_with('、') || t[digits..].starts_with(". ")))
        || t.chars()
            .next()
            .is_some_and(|c| ('\u{2460}'..='\u{2473}').contains(&c))
}

/// What the body of `text` (outside `excluded`) holds, its URLs as `rewrite` makes them.
fn inventory(
    text: &str,
    excluded: &[Range<usize>],
    rewrite: &dyn Fn(&str) -> String,
    dialect: Dialect,
) -> Inventory {
    let mut reading = Reading::new(text, excluded, rewrite, dialect);
    // The dialect's containers, where pulldown-cmark reads the text without their markers.
    let markers = dialect.markers(text);
    for m in &markers {
        if in_body(m.line.start, excluded) {
            reading.inv.containers.push((m.label(), m.line.start));
        }
    }
    let masked = crate::markdown::dialect::mask(text, &markers);
    for (event, range) in Parser::new_ext(&masked, dialect.options()).into_offset_iter() {
        reading.event(event, range);
    }
    reading.inv
}

/// An [`Inventory`] being read event by event, with what is open: a code block, a heading, a
/// paragraph, ordered lists, a table, front matter.
struct Reading<'a> {
    text: &'a str,
    excluded: &'a [Range<usize>],
    rewrite: &'a dyn Fn(&str) -> String,
    dialect: Dialect,
    inv: Inventory,
    code: Option<(String, usize)>,
    heading: Option<(String, Option<String>)>,
    heading_at: Option<usize>,
    heading_body: bool,
    /// The leading text of the paragraph being read, until its first non-text event.
    leading: Option<String>,
    ordered_depth: usize,
    /// Rows, columns of the first row, cells of this row, offset.
    table: Option<(usize, usize, usize, usize)>,
    in_meta: bool,
}

impl<'a> Reading<'a> {
    /// Nothing read yet: one section, before any heading, with no items.
    fn new(
        text: &'a str,
        excluded: &'a [Range<usize>],
        rewrite: &'a dyn Fn(&str) -> String,
        dialect: Dialect,
    ) -> Self {
        Reading {
            text,
            excluded,
            rewrite,
            dialect,
            inv: Inventory {
                items: vec![(0, 0)],
                ..Inventory::default()
            },
            code: None,
            heading: None,
            heading_at: None,
            heading_body: false,
            leading: None,
            ordered_depth: 0,
            table: None,
            in_meta: false,
        }
    }

    /// Takes in one event of the text, at `range`.
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        let body = in_body(range.start, self.excluded);
        if !matches!(event, Event::Text(_) | Event::Start(MdTag::Paragraph)) {
            self.end_leading(body);
        }
        match event {
            Event::Start(tag) => self.start(tag, range.start, body),
            Event::End(tag) => self.end(tag),
            Event::Code(c) if body => self.inv.code_spans.push((c.to_string(), range.start)),
            Event::InlineMath(_) | Event::DisplayMath(_) if body => self
                .inv
                .math
                .push((self.text[range.clone()].to_string(), range.start)),
            Event::Text(t) => self.on_text(&t, range.start, body),
            Event::InlineHtml(h) | Event::Html(h) => self.on_html(&h, range.start, body),
            _ => {}
        }
    }

    /// Ends the paragraph's leading text: a paragraph of the body that begins as an item does
    /// (`1、`, `1. `, `①`) is one more item of its section.
    fn end_leading(&mut self, body: bool) {
        if let Some(l) = self.leading.take() {
            if body && is_item_start(&l) {
                if let Some(last) = self.inv.items.last_mut() {
                    last.1 += 1;
                }
            }
        }
    }

    /// Takes in the start of `tag`, at offset `at`.
    fn start(&mut self, tag: MdTag<'_>, at: usize, body: bool) {
        match tag {
            MdTag::BlockQuote(Some(kind)) if body => self
                .inv
                .containers
                .push((format!("[!{kind:?}]").to_uppercase(), at)),
            MdTag::MetadataBlock(_) => self.in_meta = true,
            MdTag::Link { dest_url, .. } if body => {
                if let Some(fragment) = dest_url.strip_prefix('#') {
                    self.inv.fragments.push((fragment.to_string(), at));
                }
                self.inv.links.push(((self.rewrite)(&dest_url), at));
            }
            MdTag::Image { dest_url, .. } if body => {
                self.inv.images.push(((self.rewrite)(&dest_url), at))
            }
            MdTag::CodeBlock(_) => self.code = Some((String::new(), at)),
            MdTag::Heading { level, id, .. } => {
                self.heading = Some((String::new(), id.map(|i| i.to_string())));
                self.heading_at = None;
                self.heading_body = body;
                if body {
                    self.inv.headings.push((level as u8, at));
                    self.inv.items.push((at, 0));
                }
            }
            MdTag::Paragraph => self.leading = Some(String::new()),
            MdTag::List(Some(_)) => self.ordered_depth += 1,
            MdTag::Item if self.ordered_depth == 1 && body => {
                // Published editions often write `1. [title](url)`: an ordered list item.
                if let Some(last) = self.inv.items.last_mut() {
                    last.1 += 1;
                }
            }
            MdTag::Table(_) => self.table = Some((0, 0, 0, at)),
            MdTag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.2 += 1;
                }
            }
            _ => {}
        }
    }

    /// Takes in the end of `tag`: what it held, once whole.
    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::MetadataBlock(_) => self.in_meta = false,
            TagEnd::CodeBlock => {
                if let Some(c) = self.code.take() {
                    if in_body(c.1, self.excluded) {
                        self.inv.code_blocks.push(c);
                    }
                }
            }
            TagEnd::Heading(_) => {
                if let Some((t, id)) = self.heading.take() {
                    if self.heading_body {
                        self.inv
                            .heading_texts
                            .push((self.heading_at.take(), t.clone()));
                    }
                    self.inv
                        .anchors
                        .push(id.unwrap_or_else(|| self.dialect.slug(&t)));
                }
            }
            TagEnd::List(true) => self.ordered_depth -= 1,
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    t.0 += 1;
                    if t.1 == 0 {
                        t.1 = t.2;
                    }
                    t.2 = 0;
                }
            }
            TagEnd::Table => {
                if let Some((rows, cols, _, at)) = self.table.take() {
                    if in_body(at, self.excluded) {
                        self.inv.tables.push(((rows, cols), at));
                    }
                }
            }
            _ => {}
        }
    }

    /// Takes in text at offset `at`: a code block's, a heading's, a paragraph's.
    fn on_text(&mut self, t: &str, at: usize, body: bool) {
        if let Some((c, _)) = &mut self.code {
            c.push_str(t);
            return;
        }
        if let Some((h, _)) = &mut self.heading {
            h.push_str(t);
            self.heading_at.get_or_insert(at);
        }
        if let Some(l) = &mut self.leading {
            l.push_str(t);
        }
        if body && !self.in_meta {
            self.inv.texts.push((t.to_string(), at));
        }
    }

    /// Takes in HTML at offset `at`: an element's `id` (or an `<a>`'s `name`) is an anchor as
    /// a heading's is.
    fn on_html(&mut self, h: &str, at: usize, body: bool) {
        let ids = crate::markdown::html::anchors(h);
        self.inv.html_ids.extend(ids.iter().cloned());
        self.inv.anchors.extend(ids);
        if body {
            self.inv.texts.push((h.to_string(), at))
        }
    }
}

/// Multiset difference: the items of `a` not matched in `b`.
fn missing<'x>(a: &'x [(String, usize)], b: &[(String, usize)]) -> Vec<&'x (String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (x, _) in b {
        *counts.entry(normalize_url(x)).or_default() += 1;
    }
    a.iter()
        .filter(|(x, _)| match counts.get_mut(&normalize_url(x)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// The findings of one pair, and what was compared.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Links and images in the original's body.
    pub body_links: usize,
}

/// Checks `edition` against `original`: one rule (or a few that share a reading) after
/// another, in the order their findings are told.
pub fn check_pair(original: &File<'_>, edition_file: &File<'_>, cx: &Context<'_>) -> Outcome {
    let pair = Pair::read(original, edition_file, cx);
    let mut f = Findings {
        original,
        edition: edition_file,
        lines_o: LineIndex::new(original.text),
        lines_e: LineIndex::new(edition_file.text),
        out: Vec::new(),
        told_o: Vec::new(),
    };
    pair.links_and_images(&mut f);
    pair.code_and_math(&mut f);
    pair.containers(&mut f);
    pair.headings(&mut f);
    let items_differ = pair.items_differ();
    pair.tables(&mut f);
    pair.residue(&mut f);
    pair.paragraphs(items_differ, &mut f);
    pair.anchors(&mut f);
    pair.front_matter(&mut f);
    pair.glossary_and_freshness(&mut f);
    Outcome {
        findings: f.out,
        body_links: pair.o.links.len() + pair.o.images.len(),
    }
}

/// An original and its edition, read once for every rule: their inventories and the blocks
/// the locale's rules replaced or wrote.
struct Pair<'a> {
    original: &'a File<'a>,
    edition: &'a File<'a>,
    cx: &'a Context<'a>,
    /// The original's blocks the locale's rules replace.
    found: Vec<edition::Found>,
    excluded_o: Vec<Range<usize>>,
    /// The edition's blocks the locale's messages wrote.
    excluded_e: Vec<Range<usize>>,
    o: Inventory,
    e: Inventory,
    edition_name: String,
}

/// Where a pair's findings go, each placed at its file's line and column.
struct Findings<'a> {
    original: &'a File<'a>,
    edition: &'a File<'a>,
    lines_o: LineIndex,
    lines_e: LineIndex,
    out: Vec<Finding>,
    /// Where in the original a loss was told (a link, an image, code, math): the paragraph
    /// that held it is not told lost again.
    told_o: Vec<usize>,
}

impl Findings<'_> {
    /// A finding of `rule` at `offset` of the edition (or of the original), at the rule's
    /// level.
    fn push(&mut self, in_edition: bool, offset: usize, rule: Rule, message: Message) {
        self.push_at_level(in_edition, offset, rule, rule.level(), message);
    }

    /// A finding at a level of its own (a fragment broken in the original is a warning).
    fn push_at_level(
        &mut self,
        in_edition: bool,
        offset: usize,
        rule: Rule,
        level: Level,
        message: Message,
    ) {
        let (file, lines) = if in_edition {
            (self.edition, &self.lines_e)
        } else {
            (self.original, &self.lines_o)
        };
        self.out.push(Finding {
            file: file.path.to_path_buf(),
            line: lines.line(offset),
            column: lines.column(file.text, offset),
            rule,
            level,
            message,
        });
    }
}

/// A section whose item counts differ: the original's section, its count, where the
/// edition's starts and its count.
type ItemsDiffer = (Range<usize>, usize, usize, usize);

impl<'a> Pair<'a> {
    fn read(original: &'a File<'a>, edition_file: &'a File<'a>, cx: &'a Context<'a>) -> Self {
        let code = cx.target.code();
        let found = edition::find(original.text, cx.rules, code);
        let excluded_o: Vec<Range<usize>> = found.iter().map(|f| f.range.clone()).collect();
        let excluded_e = locale_blocks(edition_file.text, cx.locale_texts);
        let rewrite = |u: &str| edition::rewrite_url(u, cx.rewrites, code);
        let same = |u: &str| u.to_string();
        let dialect = cx.options.dialect;
        let mut o = inventory(original.text, &excluded_o, &rewrite, dialect);
        let mut e = inventory(edition_file.text, &excluded_e, &same, dialect);
        for inv in [&mut o, &mut e] {
            inv.links.retain(|(u, _)| !cx.common_urls.contains(u));
            inv.images.retain(|(u, _)| !cx.common_urls.contains(u));
        }
        follow_headings(&mut o, dialect, original.text, edition_file.text);
        Pair {
            original,
            edition: edition_file,
            cx,
            found,
            excluded_o,
            excluded_e,
            o,
            e,
            edition_name: edition_file.path.display().to_string(),
        }
    }

    /// A link destination of the original as its edition is to have it.
    fn rewrite(&self, url: &str) -> String {
        edition::rewrite_url(url, self.cx.rewrites, self.cx.target.code())
    }

    /// Text an edition may keep in the source script: `[check] allow` and the glossary's
    /// `keep`.
    fn allowed(&self) -> Vec<&str> {
        let mut allowed: Vec<&str> = self.cx.allow.iter().map(String::as_str).collect();
        allowed.extend(self.cx.glossary.keep.iter().map(String::as_str));
        allowed
    }

    /// Text of the source language left in `text`, names allowed aside (see
    /// `lang::untranslated`: per text into English, per block into Japanese).
    fn untranslated(&self, text: &str) -> Option<String> {
        let mut rest = text.to_string();
        for a in self.allowed() {
            rest = rest.replace(a, " ");
        }
        crate::lang::untranslated(self.cx.source, self.cx.target, &rest)
    }

    /// Whether text of the source's script must be gone from the edition (into English), or
    /// shows only in whole blocks (Japanese from Chinese shares its script).
    fn script_must_go(&self) -> bool {
        matches!(
            (self.cx.source, self.cx.target),
            (Lang::Zh | Lang::Ja, Lang::En)
        )
    }

    /// `links/*`, `images/*`: every link and image of the original's body, and no other.
    fn links_and_images(&self, f: &mut Findings<'_>) {
        for (what, a, b) in [
            ("link", &self.o.links, &self.e.links),
            ("image", &self.o.images, &self.e.images),
        ] {
            for (url, at) in missing(a, b) {
                let (rule, message) = lost(what == "image", url, &self.edition_name);
                f.push(false, *at, rule, message);
                f.told_o.push(*at);
            }
            for (url, at) in missing(b, a) {
                let (rule, id) = if what == "link" {
                    (Rule::LinksAdded, "finding-link-added")
                } else {
                    (Rule::ImagesAdded, "finding-image-added")
                };
                f.push(true, *at, rule, Message::new(id, &[("url", url)]));
            }
        }
    }

    /// `code/*`, `math/span`: code blocks, code spans and math, byte for byte.
    fn code_and_math(&self, f: &mut Findings<'_>) {
        for (i, (block, at)) in self.e.code_blocks.iter().enumerate() {
            match self.o.code_blocks.get(i) {
                Some((orig, oat)) if orig != block => {
                    // Point at the first line that differs, inside the block.
                    let k = orig
                        .lines()
                        .zip(block.lines())
                        .take_while(|(a, b)| a == b)
                        .count();
                    let fence = self.edition.text[*at..].find('\n').map_or(0, |n| n + 1);
                    let fenced = self.edition.text[*at..].starts_with("```")
                        || self.edition.text[*at..].starts_with("~~~");
                    let mut offset = *at + if fenced { fence } else { 0 };
                    for _ in 0..k {
                        offset += self.edition.text[offset..].find('\n').map_or(0, |n| n + 1);
                    }
                    let line = f.lines_o.line(*oat) + k + usize::from(fenced);
                    f.push(
                        true,
                        offset,
                        Rule::CodeBlock,
                        Message::new("finding-code-differs", &[("line", &line)]),
                    )
                }
                None => f.push(
                    true,
                    *at,
                    Rule::CodeBlock,
                    Message::new("finding-code-added", &[]),
                ),
                _ => {}
            }
        }
        for (_, at) in self.o.code_blocks.iter().skip(self.e.code_blocks.len()) {
            f.told_o.push(*at);
            f.push(
                false,
                *at,
                Rule::CodeBlock,
                Message::new("finding-code-missing", &[("edition", &self.edition_name)]),
            );
        }
        for (span, at) in missing(&self.o.code_spans, &self.e.code_spans) {
            f.told_o.push(*at);
            f.push(
                false,
                *at,
                Rule::CodeInline,
                Message::new(
                    "finding-span-missing",
                    &[("span", span), ("edition", &self.edition_name)],
                ),
            );
        }
        for (math, at) in missing(&self.o.math, &self.e.math) {
            f.told_o.push(*at);
            f.push(
                false,
                *at,
                Rule::MathSpan,
                Message::new(
                    "finding-math-missing",
                    &[("math", math), ("edition", &self.edition_name)],
                ),
            );
        }
        for (math, at) in missing(&self.e.math, &self.o.math) {
            f.push(
                true,
                *at,
                Rule::MathSpan,
                Message::new("finding-math-added", &[("math", math)]),
            );
        }
        for (span, at) in missing(&self.e.code_spans, &self.o.code_spans) {
            f.push(
                true,
                *at,
                Rule::CodeInline,
                Message::new("finding-span-added", &[("span", span)]),
            );
        }
    }

    /// `structure/containers`: alerts and the dialect's containers, in the same nesting.
    fn containers(&self, f: &mut Findings<'_>) {
        if let Some((in_edition, at, message)) =
            containers(&self.o.containers, &self.e.containers, &self.edition_name)
        {
            f.push(in_edition, at, Rule::StructureContainers, message);
        }
    }

    /// `structure/headings`: the same headings, and none the locale's messages write rewritten.
    fn headings(&self, f: &mut Findings<'_>) {
        let levels = |v: &[(u8, usize)]| v.iter().map(|(l, _)| *l).collect::<Vec<_>>();
        if levels(&self.o.headings) != levels(&self.e.headings) {
            let k = self
                .o
                .headings
                .iter()
                .zip(&self.e.headings)
                .take_while(|(a, b)| a.0 == b.0)
                .count();
            let at = self
                .e
                .headings
                .get(k)
                .or(self.e.headings.last())
                .map_or(0, |h| h.1);
            f.push(
                true,
                at,
                Rule::StructureHeadings,
                Message::new(
                    "finding-headings",
                    &[
                        ("from", &(k + 1)),
                        ("there", &self.o.headings.len()),
                        ("here", &self.e.headings.len()),
                    ],
                ),
            );
        } else {
            // A heading whose text the locale's messages replace is written by them: a heading
            // that is not one of its messages was rewritten.
            for ((o_at, o_text), (e_at, _)) in
                self.o.heading_texts.iter().zip(&self.e.heading_texts)
            {
                let replaced = o_at.is_some_and(|at| !in_body(at, &self.excluded_o));
                let written = e_at.is_some_and(|at| !in_body(at, &self.excluded_e));
                if replaced && !written {
                    let at = e_at.unwrap_or(0);
                    f.push(
                        true,
                        at,
                        Rule::StructureHeadings,
                        Message::new(
                            "finding-heading-rewritten",
                            &[
                                ("heading", &o_text.trim()),
                                ("line", &f.lines_o.line(o_at.unwrap_or(0))),
                            ],
                        ),
                    );
                }
            }
        }
    }

    /// Sections whose item counts differ, told after the paragraphs: a section that lost a
    /// paragraph has it told there (one cause, one finding).
    fn items_differ(&self) -> Vec<ItemsDiffer> {
        let mut out = Vec::new();
        if self.o.items.len() == self.e.items.len() {
            for (k, ((oat, on), (eat, en))) in self.o.items.iter().zip(&self.e.items).enumerate() {
                if on != en {
                    let end = self
                        .o
                        .items
                        .get(k + 1)
                        .map_or(self.original.text.len(), |(at, _)| *at);
                    out.push((*oat..end, *on, *eat, *en));
                }
            }
        }
        out
    }

    /// `structure/table`: every table of the same shape.
    fn tables(&self, f: &mut Findings<'_>) {
        for (i, (shape, at)) in self.e.tables.iter().enumerate() {
            if let Some((oshape, _)) = self.o.tables.get(i) {
                if oshape != shape {
                    f.push(
                        true,
                        *at,
                        Rule::StructureTable,
                        Message::new(
                            "finding-table",
                            &[
                                ("rows", &shape.0),
                                ("columns", &shape.1),
                                ("original-rows", &oshape.0),
                                ("original-columns", &oshape.1),
                            ],
                        ),
                    );
                }
            }
        }
    }

    /// `residue/*`: control characters, translation tags, mojibake, and (into English) text
    /// of the source's script where `translate` translates.
    fn residue(&self, f: &mut Findings<'_>) {
        let residue_message = |run: &str| Message::new("finding-untranslated", &[("text", &run)]);
        for (text, at) in &self.e.texts {
            // A published file must not carry them, whoever wrote them: one copied from the
            // original is reported too, saying where the original has it.
            if let Some(c) = text.chars().find(|&c| crate::control::is_unwanted(c)) {
                match self.original.text.find(c) {
                    None => f.push(
                        true,
                        *at,
                        Rule::ResidueControl,
                        Message::new(
                            "finding-control",
                            &[("character", &crate::control::escape(c))],
                        ),
                    ),
                    Some(o) => f.push(
                        true,
                        *at,
                        Rule::ResidueControlOriginal,
                        Message::new(
                            "finding-control-original",
                            &[
                                ("character", &crate::control::escape(c)),
                                ("line", &f.lines_o.line(o)),
                            ],
                        ),
                    ),
                }
            }
            if let Some(tag) = residue::tag(text) {
                f.push(
                    true,
                    *at,
                    Rule::ResidueTag,
                    Message::new("finding-tag", &[("tag", &tag)]),
                );
            }
            if let Some((bad, meant)) = residue::mojibake(text) {
                f.push(
                    true,
                    *at,
                    Rule::ResidueMojibake,
                    Message::new("finding-mojibake", &[("bad", &bad), ("meant", &meant)]),
                );
            }
        }
        // One rule with `translate`: the text it translates (its segments, HTML text and readable
        // attributes included) is reported when left in the source's script; what it keeps byte
        // for byte (code, URLs, HTML tags and comments) is not.
        if self.script_must_go() {
            let options = crate::markdown::segment::SegmentOptions {
                source: self.cx.source,
                front_matter_fields: Vec::new(),
                dialect: self.cx.options.dialect,
            };
            let doc = crate::markdown::segment::Document::parse(self.edition.text, &options);
            for piece in doc.runs.iter().flat_map(|r| &r.pieces) {
                let crate::markdown::segment::Piece::Text { raw, text } = piece else {
                    continue;
                };
                if !in_body(raw.start, &self.excluded_e) {
                    continue;
                }
                if let Some(run) = self.untranslated(text) {
                    f.push(true, raw.start, Rule::ResidueScript, residue_message(&run));
                }
            }
        }
    }

    /// Into Japanese, text of the source's script in whole blocks (`residue/script`); then
    /// `structure/items` and `structure/paragraph`: the paragraphs the edition lost or added,
    /// and the sections whose item counts differ for another reason.
    fn paragraphs(&self, items_differ: Vec<ItemsDiffer>, f: &mut Findings<'_>) {
        let residue_message = |run: &str| Message::new("finding-untranslated", &[("text", &run)]);
        // Into a language that shares the source's script (Japanese from Chinese), what is left
        // untranslated shows in a whole block, not in one run of text.
        let blocks_o = paragraphs::blocks(
            self.original.text,
            &self.excluded_o,
            &|u: &str| self.rewrite(u),
            self.cx.options.dialect,
        );
        let blocks_e = paragraphs::blocks(
            self.edition.text,
            &self.excluded_e,
            &|u: &str| u.to_string(),
            self.cx.options.dialect,
        );
        if !self.script_must_go() {
            for block in &blocks_e {
                if let Some(run) = self.untranslated(&block.text) {
                    f.push(
                        true,
                        block.start,
                        Rule::ResidueScript,
                        residue_message(&run),
                    );
                }
            }
        }
        let messages: Vec<align::Message> = self
            .cx
            .locale_texts
            .iter()
            .map(|t| align::Message::read(t))
            .collect();
        let accounting = paragraphs::account(
            &blocks_o,
            &blocks_e,
            self.cx.source,
            self.cx.target,
            &messages,
        );
        for (section, on, eat, en) in items_differ {
            if accounting
                .lost
                .iter()
                .any(|&i| section.contains(&blocks_o[i].start))
            {
                continue;
            }
            f.push(
                true,
                eat,
                Rule::StructureItems,
                Message::new(
                    "finding-items",
                    &[
                        ("here", &en),
                        ("there", &on),
                        ("line", &f.lines_o.line(section.start)),
                    ],
                ),
            );
        }
        for (in_edition, at, message) in paragraph_findings(
            &blocks_o,
            &blocks_e,
            &accounting,
            &f.told_o,
            &f.lines_o,
            &self.edition_name,
        ) {
            f.push(in_edition, at, Rule::StructureParagraph, message);
        }
    }

    /// `anchors/unresolved`: every `#fragment` of the edition names one of its anchors.
    fn anchors(&self, f: &mut Findings<'_>) {
        for (at, level, message) in unresolved(&self.o, &self.e, &f.lines_o) {
            f.push_at_level(true, at, Rule::AnchorsUnresolved, level, message);
        }
    }

    /// `front-matter/*`: the same keys in the same order, translated fields aside; their
    /// findings carry their own lines.
    fn front_matter(&self, f: &mut Findings<'_>) {
        let fields = front_matter::Fields {
            translated: &self.cx.options.front_matter_fields,
            source: self.cx.source,
            target: self.cx.target,
            allowed: &self.allowed(),
            edition: &self.edition_name,
        };
        // A locale whose rules replace the front matter (with a heading) has none to compare.
        let replaced = self
            .found
            .iter()
            .any(|x| self.cx.rules[x.rule].front_matter);
        let differences = if replaced {
            Vec::new()
        } else {
            front_matter::compare(self.original.text, self.edition.text, &fields)
        };
        for d in differences {
            f.out.push(Finding {
                file: if d.in_edition {
                    self.edition.path
                } else {
                    self.original.path
                }
                .to_path_buf(),
                line: d.line,
                column: 1,
                rule: d.rule,
                level: Level::Error,
                message: d.message,
            });
        }
    }

    /// `glossary/*`, `numbers/*`, `freshness/*`; a paragraph left untranslated is told by its
    /// residue, not again by the terms it lacks.
    fn glossary_and_freshness(&self, f: &mut Findings<'_>) {
        let before = f.out.len();
        glossary_and_freshness(
            self.original,
            self.edition,
            self.cx,
            &self.excluded_o,
            &mut f.out,
        );
        let untranslated: HashSet<usize> = f.out[..before]
            .iter()
            .filter(|x| x.rule == Rule::ResidueScript)
            .map(|x| x.line)
            .collect();
        let mut k = 0;
        f.out.retain(|x| {
            k += 1;
            k <= before || x.rule != Rule::GlossaryTerm || !untranslated.contains(&x.line)
        });
    }
}

/// A link to a heading follows the heading: in the edition it names the translated heading's
/// slug (as translate writes it), so the original's fragments are read as the edition's.
fn follow_headings(o: &mut Inventory, dialect: Dialect, original: &str, edition: &str) {
    if o.fragments.is_empty() {
        return;
    }
    let moved = dialect.moved_anchors(original, edition);
    let follow = |f: &str| moved.get(f).filter(|_| !o.html_ids.contains(f)).cloned();
    let links: Vec<(String, usize)> = o
        .links
        .iter()
        .map(|(u, at)| match u.strip_prefix('#').and_then(follow) {
            Some(new) => (format!("#{new}"), *at),
            None => (u.clone(), *at),
        })
        .collect();
    let fragments: Vec<(String, usize)> = o
        .fragments
        .iter()
        .map(|(f, at)| (follow(f).unwrap_or_else(|| f.clone()), *at))
        .collect();
    o.links = links;
    o.fragments = fragments;
}

/// The body runs of an original and its edition, aligned by what they say: see
/// [`crate::edition::align::pair_runs`].
pub fn pair_runs<'o, 'e>(
    original: &'o str,
    edition_text: &'e str,
    cx: &Context<'_>,
) -> Paired<'o, 'e> {
    let code = cx.target.code();
    let rewrite = |u: &str| edition::rewrite_url(u, cx.rewrites, code);
    align::pair_runs(
        original,
        edition_text,
        &align::Setting {
            rules: cx.rules,
            target: cx.target,
            locale_texts: cx.locale_texts,
            options: cx.options,
            rewrite: &rewrite,
        },
    )
}

fn glossary_and_freshness(
    original: &File<'_>,
    edition_file: &File<'_>,
    cx: &Context<'_>,
    excluded_o: &[Range<usize>],
    out: &mut Vec<Finding>,
) {
    // Terms and numbers are read on the pairs the aligner vouches for: a guess would blame a
    // paragraph for its neighbour's words.
    let paired = pair_runs(original.text, edition_file.text, cx);
    let (od, ed) = (&paired.original, &paired.edition);
    let ob: Vec<usize> = (0..od.runs.len())
        .filter(|&i| in_body(od.runs[i].range.start, excluded_o))
        .collect();
    let lines_e = LineIndex::new(edition_file.text);
    // Front-matter fields pair by their names.
    let fields = od.runs.iter().enumerate().filter_map(|(i, r)| {
        match &r.kind {
        crate::markdown::segment::BlockKind::FrontMatter(name) => ed
            .runs
            .iter()
            .position(|e| {
                matches!(&e.kind, crate::markdown::segment::BlockKind::FrontMatter(n) if n == name)
            })
            .map(|j| (i, j)),
        _ => None,
    }
    });
    let mut pairs: Vec<(usize, usize)> = fields.collect();
    // An edition of its original's shape pairs run for run; another, where the aligner
    // vouches.
    let body_pairs: Vec<(usize, usize)> = if paired.same_shape {
        paired
            .original_runs
            .iter()
            .copied()
            .zip(paired.edition_runs.iter().copied())
            .collect()
    } else {
        paired
            .confident()
            .into_iter()
            .map(|(i, j, _)| (i, j))
            .collect()
    };
    pairs.extend(body_pairs.into_iter().filter(|(i, _)| {
        !matches!(
            od.runs[*i].kind,
            crate::markdown::segment::BlockKind::FrontMatter(_)
        )
    }));
    let level = if cx.strict {
        Level::Error
    } else {
        Level::Warning
    };
    terms_and_numbers(pairs, (od, ed), cx, edition_file, &lines_e, level, out);
    let body: Vec<&Segment<'_>> = ob
        .iter()
        .map(|&i| &od.runs[i])
        .filter(|s| s.translatable)
        .collect();
    freshness(original, edition_file, cx, &body, level, out);
}

/// `glossary/*` and `numbers/*` on the pairs of runs the aligner vouches for (or, in an
/// edition of the original's shape, every pair).
fn terms_and_numbers(
    pairs: Vec<(usize, usize)>,
    (od, ed): (&Document<'_>, &Document<'_>),
    cx: &Context<'_>,
    edition_file: &File<'_>,
    lines_e: &LineIndex,
    level: Level,
    out: &mut Vec<Finding>,
) {
    for (i, j) in pairs {
        let (src, tgt) = (od.runs[i].plain_text(), ed.runs[j].plain_text());
        let at = ed.runs[j].range.start;
        // A person's rendering of a term (an approved translation) is reported, not refused:
        // a warning, an error with --strict.
        let person = cx
            .memory
            .is_some_and(|m| matches!(m.approved(cx.target, &od.runs[i].tagged), Ok(Some(_))));
        let term_level = if person { level } else { Level::Error };
        for term in cx.glossary.terms_in(&src) {
            if let Some(avoided) = term.avoid.iter().find(|a| has_term(&tgt, a)) {
                out.push(Finding {
                    file: edition_file.path.to_path_buf(),
                    line: lines_e.line(at),
                    column: lines_e.column(edition_file.text, at),
                    rule: Rule::GlossaryAvoid,
                    level: term_level,
                    message: Message::new(
                        "finding-glossary-avoid",
                        &[
                            ("line", &od.runs[i].line),
                            ("term", &term.source),
                            ("avoided", avoided),
                            ("target", &term.target),
                        ],
                    ),
                });
            }
            if !has_term(&tgt, &term.target) {
                out.push(Finding {
                    file: edition_file.path.to_path_buf(),
                    line: lines_e.line(at),
                    column: lines_e.column(edition_file.text, at),
                    rule: Rule::GlossaryTerm,
                    level: term_level,
                    message: Message::new(
                        "finding-glossary",
                        &[
                            ("line", &od.runs[i].line),
                            ("term", &term.source),
                            ("target", &term.target),
                        ],
                    ),
                });
            }
        }
        // Numbers: a warning, as a translation may spell one out; an error with --strict.
        let lost = numbers::missing(&src, &tgt);
        if !lost.is_empty() {
            out.push(Finding {
                file: edition_file.path.to_path_buf(),
                line: lines_e.line(at),
                column: lines_e.column(edition_file.text, at),
                rule: Rule::NumbersMissing,
                level,
                message: Message::new(
                    "finding-numbers",
                    &[
                        ("line", &od.runs[i].line),
                        (
                            "numbers",
                            &lost
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                ),
            });
        }
    }
}

/// `freshness/stale`: with a record, exactly when today's original's body segments (`body`)
/// differ from those the edition was written from; without one, when the memory has no
/// translation of one of them.
fn freshness(
    original: &File<'_>,
    edition_file: &File<'_>,
    cx: &Context<'_>,
    body: &[&Segment<'_>],
    level: Level,
    out: &mut Vec<Finding>,
) {
    let edition_name = edition_file.path.display();
    // Stale, with a record: exactly when today's original's segments differ from those the
    // edition was written from; the finding names them.
    if let Some(record) = cx.record {
        let written: Vec<&str> = record.runs.iter().filter_map(|r| r.id.as_deref()).collect();
        let now: HashSet<&str> = body.iter().map(|s| s.id.as_str()).collect();
        let then: HashSet<&str> = written.iter().copied().collect();
        let new: Vec<&&Segment<'_>> = body
            .iter()
            .filter(|s| !then.contains(s.id.as_str()))
            .collect();
        let gone: Vec<&str> = written
            .iter()
            .copied()
            .filter(|id| !now.contains(id))
            .collect();
        if !new.is_empty() || !gone.is_empty() {
            let mut named: Vec<String> = new
                .iter()
                .map(|s| tr("finding-stale-new", &[("id", &s.id), ("line", &s.line)]))
                .collect();
            named.extend(
                gone.iter()
                    .map(|id| tr("finding-stale-gone", &[("id", id)])),
            );
            let more = named.len().saturating_sub(5);
            named.truncate(5);
            if more > 0 {
                named.push(tr("finding-stale-more", &[("count", &more)]));
            }
            out.push(Finding {
                file: original.path.to_path_buf(),
                line: new.first().map_or(1, |s| s.line),
                column: 1,
                rule: Rule::FreshnessStale,
                level,
                message: Message::new(
                    "finding-stale-record",
                    &[("edition", &edition_name), ("segments", &named.join(", "))],
                ),
            });
        }
        return;
    }
    // Without a record, the memory is asked: a segment it has no translation of is stale. A
    // memory that cannot be read says nothing (translate names the bad line).
    let stale: Vec<&Segment<'_>> = match cx.memory {
        Some(memory) if memory.has_locale(cx.target).unwrap_or(false) => body
            .iter()
            .copied()
            .filter(|s| matches!(memory.any(cx.target, &s.tagged), Ok(None)))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(first) = stale.first() {
        out.push(Finding {
            file: original.path.to_path_buf(),
            line: first.line,
            column: 1,
            rule: Rule::FreshnessStale,
            level,
            message: Message::new(
                "finding-stale-memory",
                &[("count", &stale.len()), ("edition", &edition_name)],
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github() {
        assert_eq!(slug("Python 3.13: JIT!"), "python-313-jit");
    }
}
