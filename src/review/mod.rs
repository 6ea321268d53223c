//! The reviewer's side-by-side view: original | edition, one row per segment.
//!
//! Rows pair the original's body segments with the edition's (see
//! [`crate::check::pair_runs`]); the cells of one table row share a row. The blocks the
//! locale's rules replace or drop are rows of their own, showing the message that replaced
//! them. Each row carries the glossary terms that apply, the check findings on its lines (a
//! finding between rows goes to the row before it, so that every finding sits in a row), and
//! what changed in the edition since its previous version (by characters for Chinese and
//! Japanese, by words for English). [`Counts`] sum it up for the top of the view, and the
//! links table tells expected differences (a block the locale's messages write) from losses.
//!
//! The same [`Review`] is rendered for a terminal ([`render_terminal`]: two columns wrapped
//! per UAX #14, East Asian wide characters counted as two columns), as one self-contained
//! HTML page ([`render_html`], a maud template, so that every text is escaped), or as JSON.

mod html;
mod terminal;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use unicode_width::UnicodeWidthChar;

use crate::check::{pair_by_shape, pair_runs, Context, File, Finding, Level, Paired};
use crate::edition::align::{in_body, locale_blocks};
use crate::edition::provenance::Written;
use crate::edition::rules::{self, Action, Found};
use crate::lang::Lang;
use crate::markdown::document::LineIndex;
use crate::markdown::segment::{BlockKind, Document, Piece, Segment, SegmentOptions};
use crate::markdown::tag::TagKind;
use crate::memory::Rating;

pub use html::render_html;
pub use terminal::render_terminal;

/// What a row stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RowKind {
    /// A segment of the original and its translation.
    Segment,
    /// The cells of one table row, side by side (`cells` of them).
    TableRow { cells: usize },
    /// A block a rule replaces with a locale message (`message`), or drops (`None`).
    Boilerplate {
        rule: String,
        message: Option<String>,
    },
}

/// One row: a segment of the original and its counterpart in the edition.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub kind: RowKind,
    pub id: Option<String>,
    pub original_line: Option<usize>,
    pub edition_line: Option<usize>,
    pub original: String,
    pub edition: String,
    /// The edition's text in its previous version, when it differs.
    pub previous: Option<String>,
    /// Glossary entries whose source term occurs in the original: (source, target).
    pub terms: Vec<(String, String)>,
    pub findings: Vec<Finding>,
    /// The edition's text is a person's edit, kept (from the provenance record).
    pub hand_edited: bool,
    /// A person had edited this segment when its original changed: the new original was
    /// translated, and this is what the hand edit said (from the provenance record).
    pub conflict: Option<RowConflict>,
    /// How the quality pass rated the translation (from the memory), when it did.
    pub rating: Option<Rating>,
    /// A published text `adopt` could not vouch for, kept as a candidate for this segment
    /// (from the memory), when it differs from the edition's text.
    pub candidate: Option<RowCandidate>,
    /// The first and last line of the row on each side, for placing findings.
    #[serde(skip)]
    spans: [Option<(usize, usize)>; 2],
}

/// A hand edit superseded by a change of the original, as the reviewer reads it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowConflict {
    /// The original the hand edit translated.
    pub old_original: String,
    /// The hand edit, when its markup could be read.
    pub hand_edit: Option<String>,
}

/// A person's published text kept as a candidate, as the reviewer reads it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowCandidate {
    /// The candidate's text, as published.
    pub text: String,
    /// Why `adopt` did not take it.
    pub why: String,
}

/// How a link of one side stands on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// On both sides.
    Same,
    /// On one side only, in a block the locale's rules replace, drop or write: expected.
    Expected,
    /// A link of the original's body missing from the edition.
    Lost,
    /// A link of the edition's body the original does not have.
    Added,
}

/// Links of the two sides, in order, for the links table.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    pub original: Option<String>,
    pub edition: Option<String>,
    pub status: LinkStatus,
}

/// The figures at the top of a review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Segments of the original to translate (each cell of a table row counts).
    pub segments: usize,
    /// Rows whose edition changed since the previous version.
    pub changed: usize,
    pub hand_edited: usize,
    pub conflicts: usize,
    /// Blocks the locale's rules replace or drop.
    pub boilerplate: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Links of either side missing from the other outside boilerplate.
    pub links_lost: usize,
    pub links_added: usize,
}

/// How a rating reads: `rated 2/5 (accuracy 2, omission 4, terminology 5, fluency 4): …`.
fn rating_text(r: &Rating) -> String {
    crate::message::tr(
        "review-rating",
        &[
            ("score", &r.score()),
            ("accuracy", &r.accuracy),
            ("omission", &r.omission),
            ("terminology", &r.terminology),
            ("fluency", &r.fluency),
            ("reason", &r.reason),
        ],
    )
}

impl Counts {
    /// The counts the views show, with their message ids, in the order they show them.
    pub fn labelled(&self) -> [(&'static str, usize); 7] {
        [
            ("review-count-segments", self.segments),
            ("review-count-changed", self.changed),
            ("review-count-hand-edited", self.hand_edited),
            ("review-count-conflicts", self.conflicts),
            ("review-count-boilerplate", self.boilerplate),
            ("review-count-errors", self.errors),
            ("review-count-warnings", self.warnings),
        ]
    }
}

/// A whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub original_path: String,
    pub edition_path: String,
    pub target: String,
    pub counts: Counts,
    pub rows: Vec<Row>,
    pub links: Vec<LinkRow>,
    /// Findings no row can show: those of other files, or of an issue without rows.
    pub other_findings: Vec<Finding>,
    /// Where the previous version came from (a git revision), if any.
    pub since: Option<String>,
}

/// The text a reviewer reads: the segment's text with links in brackets, code in backticks,
/// images as `[image: alt]`.
pub fn display_text(seg: &Segment<'_>, text: &str) -> String {
    let mut out = String::new();
    // The item number the segment's text leaves out, as the reader sees it.
    if let Some(number) = seg.item_number(text) {
        out.push_str(&number);
    }
    for p in &seg.pieces {
        match p {
            Piece::Text { text: t, .. } => out.push_str(t),
            Piece::Open { tag, .. } => match tag.kind {
                TagKind::Link => out.push('['),
                TagKind::Image => out.push_str("[image: "),
                _ => {}
            },
            Piece::Close { tag, .. } => {
                if matches!(tag.kind, TagKind::Link | TagKind::Image) {
                    out.push(']');
                }
            }
            Piece::Atom { raw, tag } => match tag.kind {
                TagKind::HardBreak => out.push(' '),
                _ => out.push_str(text[raw.clone()].trim_end()),
            },
            Piece::Break { .. } => out.push(' '),
        }
    }
    out
}

/// A block's Markdown on one line, whole, for a boilerplate row: the reviewer reads all of
/// what the message writes (the views wrap it).
fn compact(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the rows of a review. `previous` is the edition's previous version and where it
/// came from; `messages` are the locale's messages the rules name, as this issue writes them
/// (see [`rules::locale_messages`]).
pub fn build(
    original: &File<'_>,
    edition: &File<'_>,
    previous: Option<(&str, String)>,
    findings: &[Finding],
    messages: &BTreeMap<String, String>,
    cx: &Context<'_>,
) -> Review {
    let (original_path, edition_path) = (original.path, edition.path);
    let (original, edition) = (original.text, edition.text);
    let paired = pair_runs(original, edition, cx);
    let since = previous.as_ref().map(|(_, rev)| rev.clone());
    let sources = RowSources {
        original,
        edition,
        previous_of: previous_texts(&paired.edition, edition, previous.as_ref(), cx),
        written_by_id: cx.record.map(|r| r.by_id()).unwrap_or_default(),
        cx,
    };
    let segments = paired
        .pairs
        .iter()
        .filter(|(o, _)| o.is_some_and(|i| paired.original.runs[i].translatable))
        .count();
    let mut rows = sources.rows(&paired);
    let found = rules::find(original, cx.rules, cx.target.code());
    let excluded_o: Vec<Range<usize>> = found.iter().map(|f| f.range.clone()).collect();
    let excluded_e = locale_blocks(edition, cx.locale_texts);
    let mut boilerplate = BoilerplateRows {
        original,
        edition,
        messages,
        excluded_e: &excluded_e,
        lines_o: LineIndex::new(original),
        lines_e: LineIndex::new(edition),
        from: 0,
        cx,
    };
    for f in &found {
        let row = boilerplate.row(f);
        let line = boilerplate.lines_o.line(f.range.start);
        let k = rows
            .iter()
            .position(|r| r.original_line.is_some_and(|l| l > line))
            .unwrap_or(rows.len());
        rows.insert(k, row);
    }
    let other_findings = place_findings(&mut rows, findings, original_path, edition_path);
    let links = links(original, edition, &excluded_o, &excluded_e, cx);
    let counts = Counts {
        segments,
        ..count(&rows, &links, findings)
    };
    Review {
        original_path: original_path.display().to_string(),
        edition_path: edition_path.display().to_string(),
        target: cx.target.code().to_string(),
        counts,
        rows,
        links,
        other_findings,
        since,
    }
}

/// The previous edition's text for each of this edition's runs (`ed`, read from `edition`),
/// where it differs.
fn previous_texts(
    ed: &Document<'_>,
    edition: &str,
    previous: Option<&(&str, String)>,
    cx: &Context<'_>,
) -> HashMap<usize, String> {
    let mut previous_of: HashMap<usize, String> = Default::default();
    let Some((prev_text, _)) = previous else {
        return previous_of;
    };
    let prev_doc = Document::parse(
        prev_text,
        &SegmentOptions {
            source: cx.target,
            ..cx.options.clone()
        },
    );
    let now: Vec<&Segment<'_>> = ed.runs.iter().collect();
    let before: Vec<&Segment<'_>> = prev_doc.runs.iter().collect();
    for (a, b) in pair_by_shape(&now, &before) {
        if let (Some(a), Some(b)) = (a, b) {
            let old = display_text(before[b], prev_text);
            if old != display_text(now[a], edition) {
                previous_of.insert(a, old);
            }
        }
    }
    previous_of
}

/// What the rows of segments are read from, besides the runs themselves.
struct RowSources<'r> {
    original: &'r str,
    edition: &'r str,
    /// The previous edition's text for each of this edition's runs.
    previous_of: HashMap<usize, String>,
    /// What the provenance record says of each segment, by id.
    written_by_id: HashMap<&'r str, &'r Written>,
    cx: &'r Context<'r>,
}

impl RowSources<'_> {
    /// The rows of the paired runs, in order; the cells of one table row share a row.
    fn rows(&self, paired: &Paired<'_, '_>) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        for (o, e) in &paired.pairs {
            let os = o.map(|i| &paired.original.runs[i]);
            let es = e.map(|j| &paired.edition.runs[j]);
            let Some(row) = self.row(os, es, *e) else {
                continue;
            };
            // The cells of one table row (one line on either side) share a row.
            match rows.last_mut() {
                Some(last)
                    if matches!(row.kind, RowKind::TableRow { .. })
                        && matches!(last.kind, RowKind::TableRow { .. })
                        && last.original_line == row.original_line
                        && last.edition_line == row.edition_line =>
                {
                    join_cell(last, row)
                }
                _ => rows.push(row),
            }
        }
        rows
    }

    /// The row of the original's run `os` and the edition's run `es` (the `e`-th); `None` for
    /// a run not worth a row.
    fn row(
        &self,
        os: Option<&Segment<'_>>,
        es: Option<&Segment<'_>>,
        e: Option<usize>,
    ) -> Option<Row> {
        let (original, edition, cx) = (self.original, self.edition, self.cx);
        let original_text = os.map(|s| display_text(s, original)).unwrap_or_default();
        let edition_text = es.map(|s| display_text(s, edition)).unwrap_or_default();
        let cell = os
            .or(es)
            .is_some_and(|s| matches!(s.kind, BlockKind::TableHeader | BlockKind::TableCell));
        // Runs with nothing to translate (numbers, names) that came through unchanged are not
        // worth a row, unless they are cells of a table row.
        if !cell && os.is_some_and(|s| !s.translatable) && original_text == edition_text {
            return None;
        }
        let id = os.and_then(|s| (!s.id.is_empty()).then(|| s.id.clone()));
        let written = id
            .as_deref()
            .and_then(|id| self.written_by_id.get(id).copied());
        let lines = |s: Option<&Segment<'_>>, text: &str| {
            s.map(|s| (s.line, s.line + text[s.range.clone()].matches('\n').count()))
        };
        let spans = [lines(os, original), lines(es, edition)];
        let candidate = self.candidate(os, &edition_text);
        Some(Row {
            kind: if cell {
                RowKind::TableRow { cells: 1 }
            } else {
                RowKind::Segment
            },
            hand_edited: written.is_some_and(|w| w.hand_edited),
            conflict: written
                .and_then(|w| w.conflict.as_ref())
                .map(|c| RowConflict {
                    old_original: crate::markdown::tag::plain(&c.old_source),
                    hand_edit: c.hand_edit.as_deref().map(crate::markdown::tag::plain),
                }),
            id,
            original_line: os.map(|s| s.line),
            edition_line: es.map(|s| s.line),
            terms: cx
                .glossary
                .terms_in(&original_text)
                .iter()
                .map(|t| (t.source.clone(), t.target.clone()))
                .collect(),
            original: original_text,
            edition: edition_text,
            previous: e.and_then(|j| self.previous_of.get(&j).cloned()),
            findings: Vec::new(),
            rating: os
                .and_then(|s| cx.memory?.any(cx.target, &s.tagged).ok().flatten())
                .and_then(|f| f.entry.rating),
            candidate,
            spans,
        })
    }

    /// The memory's candidate for the original's run `os`, when it differs from the
    /// edition's text.
    fn candidate(&self, os: Option<&Segment<'_>>, edition_text: &str) -> Option<RowCandidate> {
        let cx = self.cx;
        os.and_then(|s| cx.memory?.candidates(cx.target, &s.tagged).ok())
            .and_then(|c| c.into_iter().next())
            .map(|f| RowCandidate {
                text: compact(&f.entry.target),
                why: f.entry.note.clone().unwrap_or_default(),
            })
            .filter(|c| c.text != compact(edition_text))
    }
}

/// What the rows of the blocks the locale's rules replace or drop are read from.
struct BoilerplateRows<'r> {
    original: &'r str,
    edition: &'r str,
    messages: &'r BTreeMap<String, String>,
    /// The edition's blocks the locale's messages wrote.
    excluded_e: &'r [Range<usize>],
    lines_o: LineIndex,
    lines_e: LineIndex,
    /// How many of `excluded_e` the rows so far have taken.
    from: usize,
    cx: &'r Context<'r>,
}

impl BoilerplateRows<'_> {
    /// The row of a replaced or dropped block.
    fn row(&mut self, f: &Found) -> Row {
        let (message, written) = match &f.action {
            Action::Replace(id) => (Some(id.clone()), self.messages.get(id)),
            Action::Drop => (None, None),
        };
        let at = written.and_then(|text| self.written_at(text));
        let span = |lines: &LineIndex, r: &Range<usize>| {
            (lines.line(r.start), lines.line(r.end.max(r.start + 1) - 1))
        };
        Row {
            kind: RowKind::Boilerplate {
                rule: self.cx.rules[f.rule].describe(),
                message,
            },
            id: None,
            original_line: Some(self.lines_o.line(f.range.start)),
            edition_line: at.as_ref().map(|at| self.lines_e.line(at.start)),
            original: compact(&self.original[f.range.clone()]),
            edition: written
                .filter(|_| at.is_some())
                .map_or_else(String::new, |text| compact(text)),
            previous: None,
            terms: Vec::new(),
            findings: Vec::new(),
            hand_edited: false,
            conflict: None,
            rating: None,
            candidate: None,
            spans: [
                Some(span(&self.lines_o, &f.range)),
                at.as_ref().map(|r| span(&self.lines_e, r)),
            ],
        }
    }

    /// Each replaced block stands beside the first block of the edition its message wrote:
    /// the first after those taken that `text` holds.
    fn written_at(&mut self, text: &str) -> Option<Range<usize>> {
        let k = self.excluded_e[self.from..].iter().position(|r| {
            let block = self.edition[r.clone()].trim();
            !block.is_empty() && text.contains(block)
        })?;
        self.from += k + 1;
        Some(self.excluded_e[self.from - 1].clone())
    }
}

/// Adds a table cell to the row of its table row.
fn join_cell(row: &mut Row, cell: Row) {
    const BAR: &str = " │ ";
    if let RowKind::TableRow { cells } = &mut row.kind {
        *cells += 1;
    }
    row.previous = match (row.previous.take(), cell.previous) {
        (None, None) => None,
        (a, b) => Some(format!(
            "{}{BAR}{}",
            a.unwrap_or_else(|| row.edition.clone()),
            b.unwrap_or_else(|| cell.edition.clone())
        )),
    };
    row.original = format!("{}{BAR}{}", row.original, cell.original);
    row.edition = format!("{}{BAR}{}", row.edition, cell.edition);
    row.id = row.id.take().or(cell.id);
    row.terms.extend(cell.terms);
    row.hand_edited |= cell.hand_edited;
    row.conflict = row.conflict.take().or(cell.conflict);
    row.candidate = row.candidate.take().or(cell.candidate);
    row.rating = match (row.rating.take(), cell.rating) {
        (Some(a), Some(b)) => Some(if b.score() < a.score() { b } else { a }),
        (a, b) => a.or(b),
    };
    for (a, b) in row.spans.iter_mut().zip(cell.spans) {
        *a = match (*a, b) {
            (Some((x, y)), Some((p, q))) => Some((x.min(p), y.max(q))),
            (a, b) => a.or(b),
        };
    }
}

/// Puts each finding in the row whose lines hold it, else in the last row before it on its
/// side; returns those no row can take.
fn place_findings(
    rows: &mut [Row],
    findings: &[Finding],
    original_path: &std::path::Path,
    edition_path: &std::path::Path,
) -> Vec<Finding> {
    let mut other = Vec::new();
    for f in findings {
        let side = if f.file == original_path {
            0
        } else if f.file == edition_path {
            1
        } else {
            other.push(f.clone());
            continue;
        };
        let holding = rows
            .iter()
            .position(|r| r.spans[side].is_some_and(|(a, b)| (a..=b).contains(&f.line)));
        let before = || {
            rows.iter()
                .rposition(|r| r.spans[side].is_some_and(|(a, _)| a <= f.line))
        };
        match holding.or_else(before).or((!rows.is_empty()).then_some(0)) {
            Some(k) => rows[k].findings.push(f.clone()),
            None => other.push(f.clone()),
        }
    }
    other
}

/// The links and images of both sides, paired in order, each with how it stands.
fn links(
    original: &str,
    edition: &str,
    excluded_o: &[Range<usize>],
    excluded_e: &[Range<usize>],
    cx: &Context<'_>,
) -> Vec<LinkRow> {
    let links_of = |text: &str| -> Vec<(String, usize)> {
        use pulldown_cmark::{Event, Parser, Tag};
        Parser::new_ext(text, crate::markdown::segment::markdown_options())
            .into_offset_iter()
            .filter_map(|(ev, range)| match ev {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some((dest_url.to_string(), range.start))
                }
                _ => None,
            })
            .collect()
    };
    let locale = cx.target.code();
    // The original's links as the edition should have them (URL rewrites made).
    let lo: Vec<(String, usize)> = links_of(original)
        .into_iter()
        .map(|(u, at)| (rules::rewrite_url(&u, cx.rewrites, locale), at))
        .collect();
    let le = links_of(edition);
    let (uo, ue): (Vec<&str>, Vec<&str>) = (
        lo.iter().map(|(u, _)| u.as_str()).collect(),
        le.iter().map(|(u, _)| u.as_str()).collect(),
    );
    let expected = |url: &str, at: usize, excluded: &[Range<usize>]| {
        !in_body(at, excluded) || cx.common_urls.contains(url)
    };
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &uo, &ue) {
        for change in op.iter_changes(&uo, &ue) {
            let url = change.value().to_string();
            out.push(match change.tag() {
                ChangeTag::Equal => LinkRow {
                    original: Some(url.clone()),
                    edition: Some(url),
                    status: LinkStatus::Same,
                },
                ChangeTag::Delete => {
                    let at = lo[change.old_index().unwrap_or(0)].1;
                    LinkRow {
                        status: if expected(&url, at, excluded_o) {
                            LinkStatus::Expected
                        } else {
                            LinkStatus::Lost
                        },
                        original: Some(url),
                        edition: None,
                    }
                }
                ChangeTag::Insert => {
                    let at = le[change.new_index().unwrap_or(0)].1;
                    LinkRow {
                        status: if expected(&url, at, excluded_e) {
                            LinkStatus::Expected
                        } else {
                            LinkStatus::Added
                        },
                        original: None,
                        edition: Some(url),
                    }
                }
            });
        }
    }
    out
}

fn count(rows: &[Row], links: &[LinkRow], findings: &[Finding]) -> Counts {
    let rows_where = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let links_where = |s: LinkStatus| links.iter().filter(|l| l.status == s).count();
    Counts {
        segments: 0,
        changed: rows_where(&|r| r.previous.is_some()),
        hand_edited: rows_where(&|r| r.hand_edited),
        conflicts: rows_where(&|r| r.conflict.is_some()),
        boilerplate: rows_where(&|r| matches!(r.kind, RowKind::Boilerplate { .. })),
        errors: findings.iter().filter(|f| f.level == Level::Error).count(),
        warnings: findings
            .iter()
            .filter(|f| f.level == Level::Warning)
            .count(),
        links_lost: links_where(LinkStatus::Lost),
        links_added: links_where(LinkStatus::Added),
    }
}

/// Display width of `s`: East Asian wide characters count as two columns.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Splits `text` into lines of at most `cols` columns (display width), where Unicode's line
/// breaking rules (UAX #14) allow: between Chinese characters, at spaces, never inside a
/// Latin word (unless it alone is wider than a line) nor before closing punctuation such as
/// `。` or `）`.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(4);
    let options = textwrap::Options::new(cols)
        .word_separator(textwrap::WordSeparator::UnicodeBreakProperties)
        .break_words(true);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

/// The changes from `old` to `new`, by words for English and by characters for Chinese and
/// Japanese, each piece written by `write`.
fn changes(
    old: &str,
    new: &str,
    lang: Lang,
    mut write: impl FnMut(&mut String, ChangeTag, &str),
) -> String {
    let diff = match lang {
        Lang::En => TextDiff::from_words(old, new),
        Lang::Zh | Lang::Ja => TextDiff::from_chars(old, new),
    };
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        write(&mut out, change.tag(), change.value());
    }
    out
}

/// Marks what changed between `old` and `new` in `new`: `{+…+}` (coloured later on a
/// terminal).
fn mark_changes(old: &str, new: &str, lang: Lang) -> String {
    changes(old, new, lang, |out, tag, v| match tag {
        ChangeTag::Equal => out.push_str(v),
        ChangeTag::Insert => write!(out, "{{+{v}+}}").unwrap(),
        ChangeTag::Delete => {}
    })
}

/// Marks glossary terms in place: `«term»`, or with colour, underlined.
fn mark_terms(text: &str, terms: &[&str], color: bool) -> String {
    let mut out = text.to_string();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let marked = if color {
            format!("\x1b[4m{t}\x1b[24m")
        } else {
            format!("«{t}»")
        };
        out = out.replace(*t, &marked);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width_keeping_words_and_closing_punctuation() {
        assert_eq!(wrap("中文中文中文", 6), vec!["中文中", "文中文"]);
        assert_eq!(
            wrap("the quick brown fox", 10),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(width("🦄ab"), 4);
        // A Latin word in Chinese text is not cut, and `。` stays with its sentence.
        assert_eq!(
            wrap("用 Openpyxl 处理表格", 12),
            vec!["用 Openpyxl", "处理表格"]
        );
        assert_eq!(wrap("一二三四五。", 10), vec!["一二三四", "五。"]);
    }
}
