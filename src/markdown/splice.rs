//! Splicing: writing translated segments back into the original's byte ranges.
//!
//! The output is the original text with each translated segment's range replaced; every byte
//! outside those ranges is copied unchanged. Inside a segment, the markup comes from the
//! original too: each tag of the translation is replaced by the exact delimiter bytes it stood
//! for (`**` stays `**`, `_` stays `_`, `](url "title")` stays as written, a hard break keeps
//! the next line's `> ` prefix), and each line break by the original's line break and
//! container prefix. Only the translated text is new, and it is escaped for the position it
//! lands in, so that no translation can start a list, a heading, a quote or a code block, or
//! open emphasis, a link or HTML.
//!
//! A run of text identical to a run of the source between the same neighbours keeps its
//! original bytes (backslash escapes and entities included); this is what makes splicing a
//! segment's own text give back the original byte for byte.
//!
//! Nothing is trusted: after splicing, the output is parsed again and must have the same block
//! structure, and every spliced segment must parse back to exactly the text and markup that
//! was meant. A segment that fails is rendered once more in a safe form (line breaks as
//! spaces, `_` emphasis as `*`); if it still fails, the merge fails and names it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::markdown::segment::{BlockKind, Document, Piece, Segment};
use crate::markdown::tag::{self, Item, Tag, TagProblem};
use crate::markdown::{frontmatter, html};
use crate::message::{tr, tr_attr};

/// One thing wrong with a set of translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The segment id as given.
    pub id: String,
    /// The segment's line in the original, when the id is known.
    pub line: Option<usize>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// No segment of the document has this id.
    UnknownId,
    /// The translation's tags differ from the source's.
    Tags(TagProblem),
    /// The translated text, once spliced, would change the document's structure.
    Structure(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}: ",
                tr("segment-at", &[("id", &self.id), ("line", &line)])
            )?,
            None => write!(f, "{}: ", tr("segment", &[("id", &self.id)]))?,
        }
        write!(f, "{}", self.kind)
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::UnknownId => f.write_str(&tr("merge-unknown-id", &[])),
            ProblemKind::Tags(p) => write!(f, "{p}"),
            ProblemKind::Structure(what) => write!(f, "{what}"),
        }
    }
}

/// The error of a merge: every problem found, with the file they concern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MergeError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problems = tr(
            "merge-problems",
            &[
                ("count", &self.problems.len()),
                ("path", &self.path.display()),
            ],
        );
        writeln!(f, "{problems}:")?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        let hint = tr_attr("merge-problems", "hint", &[]);
        write!(f, "  {}", tr("hint", &[("hint", &hint)]))
    }
}

/// Checks one translation against its segment, returning its items or every tag problem.
/// Whether `translation` fits `segment`'s markup (see [`check_translation`]); the problems
/// said in one line when it does not.
pub fn fits(segment: &Segment, translation: &str) -> Result<(), String> {
    check_translation(segment, translation)
        .map(|_| ())
        .map_err(|problems| {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
}

pub fn check_translation(
    segment: &Segment,
    translation: &str,
) -> Result<Vec<Item>, Vec<TagProblem>> {
    let items = tag::parse(translation);
    if segment.kind.is_plain_string() {
        // Front-matter values and attribute values are plain strings: no tags at all.
        let problems = tag::validate(translation, &items, &[]);
        return if problems.is_empty() {
            Ok(items)
        } else {
            Err(problems)
        };
    }
    let problems = tag::validate(translation, &items, &segment.tags());
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(problems)
    }
}

/// Splices `translations` (segment id → tagged text) into the document. Segments the map does
/// not name keep their source. Fails with every problem found.
pub fn merge(
    doc: &Document<'_>,
    translations: &BTreeMap<String, String>,
) -> Result<String, MergeError> {
    merge_placed(doc, translations).map(|m| m.text)
}

/// A merged document, with where each segment landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// For each segment (by index in [`Document::runs`]), its byte range in `text`.
    pub placed: Vec<(usize, Range<usize>)>,
    /// For each run with an item number (by index in [`Document::runs`]), the number's byte
    /// range in `text`.
    pub items: Vec<(usize, Range<usize>)>,
}

/// Where every segment, and every item number, lands once `changed` runs are replaced.
type Placements = (Vec<(usize, Range<usize>)>, Vec<(usize, Range<usize>)>);

fn placements(doc: &Document<'_>, changed: &[&(usize, Rendered)]) -> Placements {
    let mut shift: isize = 0;
    let mut next = changed.iter().peekable();
    let mut placed = Vec::new();
    let mut items = Vec::new();
    for (i, run) in doc.runs.iter().enumerate() {
        if let Some(item) = &run.item {
            // Verbatim bytes just before the run: shifted by the changes before it.
            let at = (item.start as isize + shift) as usize;
            items.push((i, at..at + item.len()));
        }
        let start = (run.range.start as isize + shift) as usize;
        let len = match next.peek() {
            Some((j, r)) if *j == i => {
                next.next();
                shift += r.markdown.len() as isize - run.range.len() as isize;
                r.markdown.len()
            }
            _ => run.range.len(),
        };
        if run.translatable {
            placed.push((i, start..start + len));
        }
    }
    (placed, items)
}

/// Like [`merge`], and also says where each segment landed in the output.
pub fn merge_placed(
    doc: &Document<'_>,
    translations: &BTreeMap<String, String>,
) -> Result<Merged, MergeError> {
    let chosen = choose(doc, translations)?;
    let mut form = vec![Form::Plain; chosen.len()];
    loop {
        let rendered = render_chosen(doc, &chosen, &form);
        let changed: Vec<&(usize, Rendered)> = rendered
            .iter()
            .filter(|(i, r)| r.markdown != doc.text[doc.runs[*i].range.clone()])
            .collect();
        let output = splice(doc, &changed);
        let done = |text: String| {
            let (placed, items) = placements(doc, &changed);
            Merged {
                placed,
                items,
                text,
            }
        };
        if changed.is_empty() {
            return Ok(done(output));
        }
        let failures = verify(doc, &output, &changed);
        if failures.is_empty() {
            return Ok(follow_anchors(doc, done(output)));
        }
        form = heavier_forms(doc, &chosen, form, &failures)?;
    }
}

/// The translations that change a segment, checked, with their items, in document order; or
/// every tag problem and unknown id.
fn choose(
    doc: &Document<'_>,
    translations: &BTreeMap<String, String>,
) -> Result<Vec<(usize, Vec<Item>)>, MergeError> {
    let mut problems = Vec::new();
    let mut chosen: Vec<(usize, Vec<Item>)> = Vec::new();
    let mut matched = 0;
    // In document order, so that problems are listed by line.
    for (i, seg) in doc.runs.iter().enumerate().filter(|(_, s)| s.translatable) {
        let Some(translation) = translations.get(&seg.id) else {
            continue;
        };
        matched += 1;
        if *translation == seg.tagged {
            // A segment's own text: its bytes stay as they are.
            continue;
        }
        match check_translation(seg, translation) {
            Ok(items) => chosen.push((i, items)),
            Err(tag_problems) => problems.extend(tag_problems.into_iter().map(|p| Problem {
                id: seg.id.clone(),
                line: Some(seg.line),
                kind: ProblemKind::Tags(p),
            })),
        }
    }
    if matched < translations.len() {
        let known: std::collections::HashSet<&str> =
            doc.segments().map(|s| s.id.as_str()).collect();
        problems.extend(
            translations
                .keys()
                .filter(|id| !known.contains(id.as_str()))
                .map(|id| Problem {
                    id: id.clone(),
                    line: None,
                    kind: ProblemKind::UnknownId,
                }),
        );
    }
    if !problems.is_empty() {
        return Err(MergeError {
            path: doc.path.clone(),
            problems,
        });
    }
    chosen.sort_by_key(|(i, _)| *i);
    Ok(chosen)
}

/// Each chosen run rendered in its form.
fn render_chosen(
    doc: &Document<'_>,
    chosen: &[(usize, Vec<Item>)],
    form: &[Form],
) -> Vec<(usize, Rendered)> {
    chosen
        .iter()
        .zip(form)
        .map(|((i, items), &form)| (*i, render(doc, &doc.runs[*i], items, form)))
        .collect()
}

/// The forms to try next: each failed run's form one step heavier; or, when a failed run has
/// no heavier form left, its failure as a problem.
fn heavier_forms(
    doc: &Document<'_>,
    chosen: &[(usize, Vec<Item>)],
    mut form: Vec<Form>,
    failures: &[(usize, String)],
) -> Result<Vec<Form>, MergeError> {
    let mut problems = Vec::new();
    let mut retry = false;
    for (i, why) in failures {
        let k = chosen
            .iter()
            .position(|(j, _)| j == i)
            .expect("a chosen run");
        if let Some(next) = form[k].next() {
            form[k] = next;
            retry = true;
        } else {
            let seg = &doc.runs[*i];
            problems.push(Problem {
                id: seg.id.clone(),
                line: Some(seg.line),
                kind: ProblemKind::Structure(why.clone()),
            });
        }
    }
    if !problems.is_empty() || !retry {
        return Err(MergeError {
            path: doc.path.clone(),
            problems,
        });
    }
    Ok(form)
}

/// Same-document links follow the headings they name: a `#fragment` that was a heading's slug
/// in the original becomes that heading's slug in the translation, by the dialect's rules.
/// Only the fragment's bytes change; the placements move with them.
fn follow_anchors(doc: &Document<'_>, mut merged: Merged) -> Merged {
    use pulldown_cmark::{Event, Parser, Tag as MdTag};
    if !doc.text.contains("](#") {
        return merged;
    }
    let dialect = doc.options.dialect;
    let moved = dialect.moved_anchors(doc.text, &merged.text);
    if moved.is_empty() {
        return merged;
    }
    // Fragments the original resolves otherwise (an HTML id of the same name) stay.
    let html_ids: std::collections::HashSet<String> = html::anchors(doc.text).into_iter().collect();
    let masked = dialect.masked(&merged.text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (event, range) in Parser::new_ext(&masked, dialect.options()).into_offset_iter() {
        let Event::Start(MdTag::Link { dest_url, .. }) = event else {
            continue;
        };
        let Some(fragment) = dest_url.strip_prefix('#') else {
            continue;
        };
        let Some(new) = moved.get(fragment).filter(|_| !html_ids.contains(fragment)) else {
            continue;
        };
        let written = &merged.text[range.clone()];
        if let Some(at) = written.rfind(&format!("(#{fragment}")) {
            edits.push((range.start + at + 2, fragment.len(), new.clone()));
        }
    }
    for (at, len, new) in edits.into_iter().rev() {
        merged.text.replace_range(at..at + len, &new);
        let delta = new.len() as isize - len as isize;
        let shift = |r: &mut Range<usize>| {
            if r.start > at {
                r.start = (r.start as isize + delta) as usize;
            }
            if r.end > at {
                r.end = (r.end as isize + delta) as usize;
            }
        };
        for (_, r) in merged.placed.iter_mut().chain(merged.items.iter_mut()) {
            shift(r);
        }
    }
    merged
}

fn splice(doc: &Document<'_>, changed: &[&(usize, Rendered)]) -> String {
    let extra: usize = changed.iter().map(|(_, r)| r.markdown.len()).sum();
    let mut out = String::with_capacity(doc.text.len() + extra);
    let mut pos = 0;
    for (i, r) in changed {
        let range = &doc.runs[*i].range;
        out.push_str(&doc.text[pos..range.start]);
        out.push_str(&r.markdown);
        pos = range.end;
    }
    out.push_str(&doc.text[pos..]);
    out
}

/// Parses the output again and returns the changed runs that did not come back as meant.
fn verify(
    doc: &Document<'_>,
    output: &str,
    changed: &[&(usize, Rendered)],
) -> Vec<(usize, String)> {
    let reparsed = Document::parse_with_skeleton(output, &doc.options);
    let starts: HashMap<usize, &Segment> =
        reparsed.runs.iter().map(|s| (s.range.start, s)).collect();
    // A translation that begins like an item number (`1\. `) reads back as a run with one.
    let item_starts: HashMap<usize, &Segment> = reparsed
        .runs
        .iter()
        .filter_map(|s| Some((s.item.as_ref()?.start, s)))
        .collect();
    let mut failures = Vec::new();
    let mut shift: isize = 0;
    for (i, r) in changed {
        let seg = &doc.runs[*i];
        let start = (seg.range.start as isize + shift) as usize;
        shift += r.markdown.len() as isize - seg.range.len() as isize;
        let found = match (seg.item.is_none(), item_starts.get(&start)) {
            (true, Some(back)) => Some((*back, true)),
            _ => starts.get(&start).map(|b| (*b, false)),
        };
        match found {
            Some((back, with_item))
                if back.range.end - start == r.markdown.len()
                    && signature(back, output, with_item) == r.expect => {}
            Some((back, _)) => failures.push((
                *i,
                format!(
                    "the translated text would not keep its markup: written as {:?}, it reads back with different text, tags or line breaks",
                    &output[start.min(back.range.start)..back.range.end]
                ),
            )),
            None => failures.push((
                *i,
                format!(
                    "the translated text would change the document's structure: it was written as {:?}",
                    r.markdown
                ),
            )),
        }
    }
    if !failures.is_empty() {
        return failures;
    }
    // The original's block structure costs one more parse: only when every run read back.
    let skeleton = doc.skeleton();
    if reparsed.skeleton.as_ref() != Some(&skeleton) {
        // The block structure changed but each run reads back: find the culprits one by one.
        for (i, r) in changed {
            let one = [(*i, (*r).clone())];
            let refs: Vec<&(usize, Rendered)> = one.iter().collect();
            let single = splice(doc, &refs);
            if Document::parse_with_skeleton(&single, &doc.options)
                .skeleton
                .as_ref()
                != Some(&skeleton)
            {
                failures.push((
                    *i,
                    format!(
                        "the translated text would change the document's block structure: it was written as {:?}",
                        r.markdown
                    ),
                ));
            }
        }
    }
    failures
}

/// One element of what a spliced segment must read back as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sig {
    Text(String),
    Open(String),
    Close(String),
    Atom(String),
    Break,
}

fn push_text(sig: &mut Vec<Sig>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Sig::Text(t)) = sig.last_mut() {
        t.push_str(text);
    } else {
        sig.push(Sig::Text(text.to_string()));
    }
}

/// What a run reads as; with `with_item`, its item number first, as text.
fn signature(seg: &Segment, text: &str, with_item: bool) -> Vec<Sig> {
    let mut sig = Vec::new();
    if let Some(number) = seg.item_number(text).filter(|_| with_item) {
        push_text(&mut sig, &number);
    }
    for p in &seg.pieces {
        match p {
            Piece::Text { text: t, .. } => push_text(&mut sig, t),
            Piece::Open { raw, .. } => sig.push(Sig::Open(text[raw.clone()].to_string())),
            Piece::Close { raw, .. } => sig.push(Sig::Close(text[raw.clone()].to_string())),
            Piece::Atom { raw, .. } => sig.push(Sig::Atom(text[raw.clone()].to_string())),
            Piece::Break { .. } => sig.push(Sig::Break),
        }
    }
    sig
}

/// A segment written as Markdown, with what it must read back as.
#[derive(Debug, Clone)]
struct Rendered {
    markdown: String,
    expect: Vec<Sig>,
}

/// What stands on either side of a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Edge,
    Open(Tag),
    Close(Tag),
    Atom(Tag),
    Break,
}

fn bound_of_piece(p: Option<&Piece>) -> Bound {
    match p {
        None | Some(Piece::Text { .. }) => Bound::Edge,
        Some(Piece::Open { tag, .. }) => Bound::Open(*tag),
        Some(Piece::Close { tag, .. }) => Bound::Close(*tag),
        Some(Piece::Atom { tag, .. }) => Bound::Atom(*tag),
        Some(Piece::Break { .. }) => Bound::Break,
    }
}

fn bound_of_item(i: Option<&Item>) -> Bound {
    match i {
        None | Some(Item::Text(_)) => Bound::Edge,
        Some(Item::Open(tag)) => Bound::Open(*tag),
        Some(Item::Close(tag)) => Bound::Close(*tag),
        Some(Item::Atom(tag)) => Bound::Atom(*tag),
        Some(Item::Newline) => Bound::Break,
    }
}

/// How a translation's text is written, from the lightest to the heaviest: each is tried when
/// the one before it does not read back as meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Only what must be escaped wherever it stands (a line that would open a block, `\`,
    /// `` ` ``, `<`, entities); `*`, `_`, `~`, `[`, `]` and `|` as they are, which is how a
    /// person writes them and how most text reads back.
    Plain,
    /// Every character that can be Markdown syntax escaped.
    Escaped,
    /// Escaped, and where an emphasis delimiter would not open or close (a letter on one side,
    /// punctuation on the other), that letter written as a numeric reference: only there.
    Guarded,
    /// Escaped, line breaks as spaces, `_` delimiters as `*`, and characters touching emphasis
    /// as numeric references.
    Safe,
}

impl Form {
    fn next(self) -> Option<Form> {
        match self {
            Form::Plain => Some(Form::Escaped),
            Form::Escaped => Some(Form::Guarded),
            Form::Guarded => Some(Form::Safe),
            Form::Safe => None,
        }
    }
}

/// Writes a segment's translation (its `items`) as Markdown in `form`, with what it must read
/// back as.
fn render(doc: &Document<'_>, seg: &Segment, items: &[Item], form: Form) -> Rendered {
    // In the plain form, what the original escaped is escaped too: its author's style.
    let plain = match form {
        Form::Plain => Some(escaped_in(&doc.text[seg.range.clone()])),
        _ => None,
    };
    match seg.kind {
        BlockKind::FrontMatter(_) => return render_front_matter(doc, seg, items),
        BlockKind::Attribute | BlockKind::Title => return render_attribute(doc, seg, items),
        _ => {}
    }
    let src = doc.text;
    let layout = Layout::of(seg);
    let items = tidy(items, |tag| layout.is_emphasis(tag, src));
    let items: Vec<&Item> = items.iter().collect();
    let mut writer = Writer::new(src, seg, form, plain, layout);
    for (k, item) in items.iter().enumerate() {
        match item {
            Item::Text(t) => writer.text(&items, k, t),
            Item::Open(tag) => writer.open(tag),
            Item::Close(tag) => writer.close(tag),
            Item::Atom(tag) => writer.atom(tag),
            Item::Newline => writer.newline(),
        }
    }
    writer.finish()
}

/// Where a segment's markup stands in the original: each tag's delimiters, each line break,
/// and each run of text with what stands on either side of it.
struct Layout<'s> {
    opens: HashMap<Tag, Range<usize>>,
    closes: HashMap<Tag, Range<usize>>,
    breaks: Vec<Range<usize>>,
    runs: Vec<(Bound, Bound, &'s str, Range<usize>)>,
}

impl<'s> Layout<'s> {
    /// Reads the layout off the segment's pieces.
    fn of(seg: &'s Segment<'_>) -> Self {
        let mut layout = Layout {
            opens: HashMap::new(),
            closes: HashMap::new(),
            breaks: Vec::new(),
            runs: Vec::new(),
        };
        for (k, p) in seg.pieces.iter().enumerate() {
            match p {
                Piece::Open { raw, tag } | Piece::Atom { raw, tag } => {
                    layout.opens.insert(*tag, raw.clone());
                }
                Piece::Close { raw, tag } => {
                    layout.closes.insert(*tag, raw.clone());
                }
                Piece::Break { raw } => layout.breaks.push(raw.clone()),
                Piece::Text { raw, text } => layout.runs.push((
                    bound_of_piece(k.checked_sub(1).and_then(|j| seg.pieces.get(j))),
                    bound_of_piece(seg.pieces.get(k + 1)),
                    text.as_ref(),
                    raw.clone(),
                )),
            }
        }
        layout
    }

    /// Whether `tag` opens with an emphasis, strong or strikethrough delimiter in `src`.
    fn is_emphasis(&self, tag: &Tag, src: &str) -> bool {
        self.opens
            .get(tag)
            .is_some_and(|r| src[r.clone()].starts_with(['*', '_', '~']))
    }
}

/// A segment being written, item by item: the original's markup, and the output so far.
struct Writer<'s> {
    src: &'s str,
    kind: &'s BlockKind,
    form: Form,
    /// In the plain form, the characters the original escaped.
    plain: Option<Vec<char>>,
    layout: Layout<'s>,
    /// A line break goes where the source had some (paragraphs, list items, setext headings).
    newlines_allowed: bool,
    out: String,
    expect: Vec<Sig>,
    /// Where each link's text starts in `out`.
    opened_at: HashMap<Tag, usize>,
    /// Whether the text just written is the translator's (trimmable) or the original's bytes.
    fresh: bool,
    line_start: bool,
    next_break: usize,
}

impl<'s> Writer<'s> {
    /// A writer at the start of `seg`, with nothing written yet.
    fn new(
        src: &'s str,
        seg: &'s Segment<'_>,
        form: Form,
        plain: Option<Vec<char>>,
        layout: Layout<'s>,
    ) -> Self {
        Writer {
            src,
            kind: &seg.kind,
            form,
            plain,
            newlines_allowed: form != Form::Safe && !layout.breaks.is_empty(),
            layout,
            out: String::new(),
            expect: Vec::new(),
            opened_at: HashMap::new(),
            fresh: false,
            line_start: true,
            next_break: 0,
        }
    }

    /// The `k`-th item, a run of text `t`: the original's bytes where the same text stood
    /// between the same neighbours (but in the safe form), else the translation, escaped.
    fn text(&mut self, items: &[&Item], k: usize, t: &str) {
        let before = bound_of_item(k.checked_sub(1).map(|j| items[j]));
        let after = bound_of_item(items.get(k + 1).copied());
        let reused = self
            .layout
            .runs
            .iter()
            .find(|(b, a, text, _)| *b == before && *a == after && *text == t);
        if let (Some((_, _, text, raw)), false) = (reused, self.form == Form::Safe) {
            self.out.push_str(&self.src[raw.clone()]);
            push_text(&mut self.expect, text);
            self.fresh = false;
        } else {
            self.fresh_text(items, k, t, before, after);
        }
        self.line_start = false;
    }

    /// The translator's own text `t` (the `k`-th item), trimmed at the edges of its line and
    /// escaped for where it stands.
    fn fresh_text(&mut self, items: &[&Item], k: usize, t: &str, before: Bound, after: Bound) {
        let mut t = t;
        if self.line_start {
            t = t.trim_start_matches([' ', '\t']);
        }
        let at_end = k + 1 == items.len() || matches!(after, Bound::Break);
        if at_end {
            t = t.trim_end_matches([' ', '\t']);
        }
        let guard = self.guard(items, k, t, before, after);
        escape_into(
            &mut self.out,
            t,
            self.kind,
            self.line_start,
            guard,
            self.plain.as_deref(),
        );
        push_text(&mut self.expect, t);
        self.fresh = true;
    }

    /// Which ends of the text `t` (the `k`-th item) the form protects from the delimiters
    /// beside it.
    fn guard(&self, items: &[&Item], k: usize, t: &str, before: Bound, after: Bound) -> Guard {
        let (opens, closes, src) = (&self.layout.opens, &self.layout.closes, self.src);
        let link_after = matches!(after, Bound::Open(t) if t.kind == tag::TagKind::Link);
        match self.form {
            Form::Safe => Guard {
                before: is_emphasis_delimiter(before, opens, closes, src),
                after: is_emphasis_delimiter(after, opens, closes, src),
                link_after,
            },
            Form::Guarded => {
                let emphasis = |tag: &Tag| self.layout.is_emphasis(tag, src);
                let punct = |c: char| !c.is_alphanumeric() && !c.is_whitespace();
                // A closing delimiter after punctuation, before this letter, would
                // not close; an opening one after this letter, before punctuation,
                // would not open.
                let closes_after_punct = k >= 2
                    && match items[k - 2] {
                        Item::Text(p) => p.chars().last().is_some_and(punct),
                        _ => true,
                    };
                let opens_before_punct = match items.get(k + 2) {
                    Some(Item::Text(n)) => n.chars().next().is_some_and(punct),
                    _ => true,
                };
                Guard {
                    before: matches!(before, Bound::Close(c) if emphasis(&c))
                        && t.starts_with(char::is_alphanumeric)
                        && closes_after_punct,
                    after: matches!(after, Bound::Open(o) if emphasis(&o))
                        && t.ends_with(char::is_alphanumeric)
                        && opens_before_punct,
                    link_after,
                }
            }
            _ => Guard {
                before: false,
                after: false,
                link_after,
            },
        }
    }

    /// An opening delimiter, as the original wrote it (`_` as `*` in the safe form).
    fn open(&mut self, tag: &Tag) {
        self.fresh = false;
        let raw = self.delimiter(self.layout.opens[tag].clone());
        self.out.push_str(&raw);
        self.expect.push(Sig::Open(raw));
        self.opened_at.insert(*tag, self.out.len());
        self.line_start = false;
    }

    /// A closing delimiter, as the original wrote it (`_` as `*` in the safe form).
    fn close(&mut self, tag: &Tag) {
        self.fresh = false;
        let raw = self.delimiter(self.layout.closes[tag].clone());
        // A shortcut or collapsed reference (`[text]`, `[text][]`) takes its label from
        // its text: with the text translated, it is written in full form with the
        // original label (`[translated][text]`), so the definition still matches.
        let raw = match (tag.kind, raw.as_str()) {
            (tag::TagKind::Link | tag::TagKind::Image, "]" | "][]") => {
                let label = &self.src[self.layout.opens[tag].end..self.layout.closes[tag].start];
                let text = self.opened_at.get(tag).map_or("", |&at| &self.out[at..]);
                if text == label {
                    raw
                } else {
                    format!("][{label}]")
                }
            }
            _ => raw,
        };
        self.out.push_str(&raw);
        self.expect.push(Sig::Close(raw));
        self.line_start = false;
    }

    /// The delimiter at `raw` in the original, with `_` written as `*` in the safe form.
    fn delimiter(&self, raw: Range<usize>) -> String {
        let raw = &self.src[raw];
        if self.form == Form::Safe {
            star_for_underscore(raw)
        } else {
            raw.to_string()
        }
    }

    /// A placeholder's bytes, as the original wrote them.
    fn atom(&mut self, tag: &Tag) {
        self.fresh = false;
        let raw = &self.src[self.layout.opens[tag].clone()];
        self.out.push_str(raw);
        self.expect.push(Sig::Atom(raw.to_string()));
        self.line_start = tag.kind == tag::TagKind::HardBreak;
    }

    /// A line break: the original's next one (with its container prefix) where the block had
    /// some, else a space.
    fn newline(&mut self) {
        if !self.newlines_allowed {
            if !self.out.ends_with(' ') && !self.line_start {
                self.out.push(' ');
                push_text(&mut self.expect, " ");
            }
            return;
        }
        let breaks = &self.layout.breaks;
        let raw = breaks[self.next_break.min(breaks.len() - 1)].clone();
        self.next_break += 1;
        if self.fresh {
            trim_trailing_spaces(&mut self.out, &mut self.expect);
        }
        self.out.push_str(&self.src[raw]);
        self.expect.push(Sig::Break);
        self.line_start = true;
    }

    /// The segment as written, the translator's trailing spaces trimmed.
    fn finish(mut self) -> Rendered {
        if self.fresh {
            trim_trailing_spaces(&mut self.out, &mut self.expect);
        }
        Rendered {
            markdown: self.out,
            expect: self.expect,
        }
    }
}

/// Puts a translation's items into a form that can be written: line breaks at the edges
/// dropped and repeats collapsed (they would end the paragraph), and spaces just inside an
/// emphasis, strong or strikethrough pair moved outside it (`<b1> bold </b1>` cannot be
/// written as `** bold **`, which is not strong emphasis; ` **bold** ` is what was meant).
fn tidy(items: &[Item], emphasis: impl Fn(&Tag) -> bool) -> Vec<Item> {
    let mut v: Vec<Item> = Vec::with_capacity(items.len() + 2);
    for item in items {
        if *item == Item::Newline && matches!(v.last(), None | Some(Item::Newline)) {
            continue;
        }
        v.push(item.clone());
    }
    while v.last() == Some(&Item::Newline) {
        v.pop();
    }
    // Whitespace and line breaks just inside an emphasis delimiter would keep it from being
    // read as one (`** x**`, `**x\n**`): they move outside, until none is left inside any
    // delimiter (nested emphasis moves them out one level per pass).
    loop {
        let mut changed = false;
        let mut k = 0;
        while k < v.len() {
            match v[k].clone() {
                Item::Open(tag) if emphasis(&tag) => match v.get(k + 1).cloned() {
                    Some(Item::Text(inner)) => {
                        let trimmed = inner.trim_start_matches([' ', '\t']);
                        let moved = inner[..inner.len() - trimmed.len()].to_string();
                        if !moved.is_empty() {
                            changed = true;
                            v[k + 1] = Item::Text(trimmed.to_string());
                            match k.checked_sub(1).map(|j| &mut v[j]) {
                                // Folded into the space already there.
                                Some(Item::Text(before)) if before.ends_with([' ', '\t']) => {}
                                Some(Item::Newline) => {}
                                Some(Item::Text(before)) => before.push_str(&moved),
                                _ => {
                                    v.insert(k, Item::Text(moved));
                                    k += 1;
                                }
                            }
                        }
                    }
                    Some(Item::Newline) => {
                        changed = true;
                        v.remove(k + 1);
                        v.insert(k, Item::Newline);
                        k += 1;
                    }
                    _ => {}
                },
                Item::Close(tag) if emphasis(&tag) => {
                    match k.checked_sub(1).map(|j| v[j].clone()) {
                        Some(Item::Text(inner)) => {
                            let trimmed = inner.trim_end_matches([' ', '\t']);
                            let moved = inner[trimmed.len()..].to_string();
                            if !moved.is_empty() {
                                changed = true;
                                v[k - 1] = Item::Text(trimmed.to_string());
                                match v.get_mut(k + 1) {
                                    Some(Item::Text(after)) if after.starts_with([' ', '\t']) => {}
                                    Some(Item::Newline) => {}
                                    Some(Item::Text(after)) => after.insert_str(0, &moved),
                                    _ => v.insert(k + 1, Item::Text(moved)),
                                }
                            }
                        }
                        Some(Item::Newline) => {
                            changed = true;
                            v.remove(k - 1);
                            v.insert(k, Item::Newline);
                            k -= 1;
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
            k += 1;
        }
        v.retain(|i| !matches!(i, Item::Text(t) if t.is_empty()));
        if !changed {
            break;
        }
    }
    // A line break moved next to another, or to an end, folds.
    v.dedup_by(|b, a| *a == Item::Newline && *b == Item::Newline);
    while v.last() == Some(&Item::Newline) {
        v.pop();
    }
    while v.first() == Some(&Item::Newline) {
        v.remove(0);
    }
    v.retain(|i| !matches!(i, Item::Text(t) if t.is_empty()));
    v
}

fn trim_trailing_spaces(out: &mut String, expect: &mut Vec<Sig>) {
    if let Some(Sig::Text(t)) = expect.last_mut() {
        let trimmed = t.trim_end_matches([' ', '\t']).len();
        let cut = t.len() - trimmed;
        if cut > 0 && out.ends_with(&t[trimmed..]) {
            out.truncate(out.len() - cut);
            t.truncate(trimmed);
            if t.is_empty() {
                expect.pop();
            }
        }
    }
}

fn star_for_underscore(raw: &str) -> String {
    if !raw.is_empty() && raw.bytes().all(|b| b == b'_') {
        "*".repeat(raw.len())
    } else {
        raw.to_string()
    }
}

fn render_front_matter(doc: &Document<'_>, seg: &Segment, items: &[Item]) -> Rendered {
    let mut value = String::new();
    for item in items {
        match item {
            Item::Text(t) => value.push_str(t),
            Item::Newline => value.push(' '),
            _ => {}
        }
    }
    let written = &doc.text[seg.range.clone()];
    let source = seg.plain_text();
    if value == source {
        return Rendered {
            markdown: written.to_string(),
            expect: vec![Sig::Text(source)],
        };
    }
    let value = value.trim().to_string();
    Rendered {
        markdown: frontmatter::encode(&value, frontmatter::style(written)),
        expect: vec![Sig::Text(value)],
    }
}

/// An attribute value, escaped for the quote around it.
fn render_attribute(doc: &Document<'_>, seg: &Segment, items: &[Item]) -> Rendered {
    let mut value = String::new();
    for item in items {
        match item {
            Item::Text(t) => value.push_str(t),
            Item::Newline => value.push(' '),
            _ => {}
        }
    }
    // The translation's own edges are trimmed; the original's white space around its value
    // stays.
    let source = seg.plain_text();
    let kept = source.trim();
    let at = source.find(kept).unwrap_or(0);
    let value = format!(
        "{}{}{}",
        &source[..at],
        value.trim(),
        &source[at + kept.len()..]
    );
    let quote = doc.text[..seg.range.start].chars().next_back();
    let mut markdown = String::new();
    html::escape_attribute(&mut markdown, &value, quote);
    Rendered {
        markdown,
        expect: vec![Sig::Text(value)],
    }
}

/// Which ends of a text touch an emphasis delimiter whose flanking must be protected.
#[derive(Debug, Clone, Copy, Default)]
struct Guard {
    before: bool,
    after: bool,
    /// The text is followed by a link: a final `!` would make it an image.
    link_after: bool,
}

/// Whether `bound` is the delimiter of emphasis, strong or strikethrough (`*`, `_`, `~`): the
/// delimiters whose meaning depends on the characters next to them.
fn is_emphasis_delimiter(
    bound: Bound,
    opens: &HashMap<Tag, Range<usize>>,
    closes: &HashMap<Tag, Range<usize>>,
    src: &str,
) -> bool {
    let raw = match bound {
        Bound::Open(t) => &opens[&t],
        Bound::Close(t) => &closes[&t],
        _ => return false,
    };
    src[raw.clone()].starts_with(['*', '_', '~'])
}

/// Appends `text` to `out`, escaped so that it reads back as exactly this text at this place.
///
/// With a guard, a letter or digit touching an emphasis delimiter is written as a numeric
/// character reference: the delimiter then stands next to punctuation (`;` or `&`) and opens
/// or closes whatever the character on its other side is, which plain text cannot guarantee
/// (`a**"b"**` is not strong emphasis in CommonMark; `&#97;**"b"**` is).
///
/// `plain` (the characters the original escaped) leaves the other `*`, `_`, `~`, `[`, `]` and
/// `|` unescaped; the caller verifies the result.
fn escape_into(
    out: &mut String,
    text: &str,
    kind: &BlockKind,
    line_start: bool,
    guard: Guard,
    plain: Option<&[char]>,
) {
    if *kind == BlockKind::Html {
        // Text in an HTML block is HTML, not Markdown.
        return html::escape_text(out, text);
    }
    let chars: Vec<char> = text.chars().collect();
    // At the start of a line, a translation must not open a block; what cannot open one
    // (`9.3.1`, `-w`, `#tag`) is left as it is, so that diffs show only what changed.
    let escape_at = if line_start {
        block_marker_at(&chars, plain)
    } else {
        None
    };
    for (i, &c) in chars.iter().enumerate() {
        // A newline that is text, not a line break (`&#10;` in the source).
        if c == '\n' {
            out.push_str("&#10;");
            continue;
        }
        let escape = Some(i) == escape_at
            || (c == '!' && guard.link_after && i + 1 == chars.len())
            || is_syntax(&chars, i, kind, plain);
        let touches = (guard.after && i + 1 == chars.len()) || (guard.before && i == 0);
        if touches && (c.is_alphanumeric() || (c.is_whitespace() && !c.is_ascii())) {
            out.push_str(&format!("&#{};", c as u32));
            continue;
        }
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Where the character to escape stands when `chars`, at the start of a line, would open a
/// block (a blockquote, a heading, a list item, a thematic break or a setext underline).
fn block_marker_at(chars: &[char], plain: Option<&[char]>) -> Option<usize> {
    // The rest of the line from `i`: a marker opens a block only before a space, a tab or
    // the line's end.
    // Only the plain form is this sparing; the later forms, tried when it does not read
    // back, escape every character that may open a block.
    let ends_marker =
        |i: usize| plain.is_none() || matches!(chars.get(i), None | Some(' ' | '\t' | '\n'));
    let line: String = chars.iter().take_while(|c| **c != '\n').collect();
    match chars.first() {
        // A blockquote needs nothing after its `>`.
        Some('>') => Some(0),
        // An ATX heading: one to six `#`, then a space or the end.
        Some('#') => {
            let hashes = chars.iter().take_while(|c| **c == '#').count();
            (hashes <= 6 && ends_marker(hashes)).then_some(0)
        }
        // A list item, or a line of only `-` or `=` (a thematic break or a setext
        // underline).
        Some(c @ ('-' | '+' | '=')) => {
            let only = plain.is_none() || line.trim_end().chars().all(|x| x == *c || x == ' ');
            ((*c != '=' && ends_marker(1)) || only).then_some(0)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            (digits <= 9 && matches!(chars.get(digits), Some('.' | ')')) && ends_marker(digits + 1))
                .then_some(digits)
        }
        _ => None,
    }
}

/// Whether the character at `i` of `chars` must be escaped wherever it stands in a `kind`
/// block, because it can be Markdown syntax (with `plain`, only what must be or the original
/// escaped).
fn is_syntax(chars: &[char], i: usize, kind: &BlockKind, plain: Option<&[char]>) -> bool {
    let c = chars[i];
    let loose = |c: char| plain.is_some_and(|escaped| !escaped.contains(&c));
    match c {
        '`' => true,
        // `<` opens HTML or an autolink only before a letter, `/`, `!` or `?`.
        '<' => {
            plain.is_none()
                || chars
                    .get(i + 1)
                    .is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        }
        // `$` may open math.
        '*' | '[' | ']' | '~' | '$' => !loose(c),
        // A pipe only matters where it can separate table cells: in a table, or on a
        // line that a line break of the text could make a table row.
        '|' => {
            !loose(c)
                && (matches!(kind, BlockKind::TableCell | BlockKind::TableHeader)
                    || chars.contains(&'\n'))
        }
        '\\' => chars.get(i + 1).is_none_or(|n| n.is_ascii_punctuation()),
        '_' if loose(c) => false,
        '_' => {
            let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
            !(i > 0 && alnum(chars.get(i - 1)) && alnum(chars.get(i + 1)))
        }
        '&' => looks_like_entity(&chars[i + 1..]),
        // A heading's text must not end in what reads as a closing sequence.
        '#' => {
            matches!(kind, BlockKind::Heading(_))
                && chars[i + 1..]
                    .iter()
                    .all(|c| *c == '#' || c.is_whitespace())
        }
        _ => false,
    }
}

/// The ASCII punctuation characters that `raw` escapes with a backslash.
fn escaped_in(raw: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) if n.is_ascii_punctuation() && !out.contains(&n) => out.push(n),
                _ => {}
            }
        }
    }
    out
}

fn looks_like_entity(rest: &[char]) -> bool {
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    n > 0 && rest.get(n) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::segment::SegmentOptions;

    fn merged(original: &str, translation: &str) -> Result<String, MergeError> {
        let doc = Document::parse(original, &SegmentOptions::default());
        let id = doc.segments().next().expect("a segment").id.clone();
        merge(&doc, &BTreeMap::from([(id, translation.to_string())]))
    }

    fn merged_all(original: &str, translations: &[&str]) -> Result<String, MergeError> {
        let doc = Document::parse(original, &SegmentOptions::default());
        let map = doc
            .segments()
            .zip(translations)
            .map(|(s, t)| (s.id.clone(), t.to_string()))
            .collect();
        merge(&doc, &map)
    }

    /// Found by fuzzing: display math in a paragraph is a placeholder of the paragraph's run,
    /// so the line break after it stays where it was.
    #[test]
    fn display_math_in_a_paragraph_keeps_the_line_break_after_it() {
        let original = "$$x^2$$\n正文，\n| 不是表格 |\n";
        let doc = Document::parse(original, &SegmentOptions::default());
        let seg = doc.segments().next().unwrap();
        assert_eq!(seg.tagged, "<math1/>\n正文，\n| 不是表格 |");
        let same = BTreeMap::from([(seg.id.clone(), format!("{}\n", seg.tagged))]);
        assert_eq!(merge(&doc, &same).unwrap(), original);
        assert_eq!(
            merged_all(original, &["<math1/>\nText,\n| not a table |"]).unwrap(),
            "$$x^2$$\nText,\n| not a table |\n"
        );
    }

    /// Text in HTML is written as HTML: entities where a `<` or `&` would read as markup, the
    /// attribute's quote escaped, the container's prefixes and every tag kept.
    #[test]
    fn text_in_html_is_spliced_as_html() {
        let original =
            "> <div>\n> <p>表 <b>粗</b>\n> 栈</p>\n> <img src=\"a.png\" alt=\"横幅\">\n> </div>\n";
        assert_eq!(
            merged_all(
                original,
                &["Table <span1>bold</span1> & <x>\nstack", "a \"banner\""]
            )
            .unwrap(),
            "> <div>\n> <p>Table <b>bold</b> & &lt;x>\n> stack</p>\n> <img src=\"a.png\" alt=\"a &quot;banner&quot;\">\n> </div>\n"
        );
        // The model may move an element but not change it.
        let err = merged_all(original, &["Table <b1>bold</b1>", "banner"]).unwrap_err();
        assert!(err.to_string().contains("<b1>"), "{err}");
    }

    /// In a dialect's containers the markers stay, the titles and bodies are translated, and
    /// a translation that would close a container is refused.
    #[test]
    fn containers_keep_their_markers() {
        let options = SegmentOptions {
            dialect: crate::markdown::dialect::Dialect::MkDocs,
            ..SegmentOptions::default()
        };
        let text = "!!! note \"注意\"\n    正文第一行\n    第二行\n";
        let doc = Document::parse(text, &options);
        let ids: Vec<String> = doc.segments().map(|s| s.id.clone()).collect();
        let map = BTreeMap::from([
            (ids[0].clone(), "A \"note\"".to_string()),
            (ids[1].clone(), "First line\nsecond".to_string()),
        ]);
        assert_eq!(
            merge(&doc, &map).unwrap(),
            "!!! note \"A &quot;note&quot;\"\n    First line\n    second\n"
        );
        let options = SegmentOptions {
            dialect: crate::markdown::dialect::Dialect::VitePress,
            ..SegmentOptions::default()
        };
        let text = "::: tip\n正文。\n第二行。\n:::\n\n之后。\n";
        let doc = Document::parse(text, &options);
        let id = doc.segments().next().unwrap().id.clone();
        let closing = BTreeMap::from([(id, "Body.\n:::\nmore".to_string())]);
        // The line that would close the container is written as text of the line before.
        let out = merge(&doc, &closing).unwrap();
        assert_eq!(out, "::: tip\nBody. ::: more\n:::\n\n之后。\n");
    }

    /// Only what would read as markup is escaped: `9.3.1` after `#`, `0.3` in a cell, `-w`
    /// and `<<` are text as they stand; a marker that would open a block is escaped.
    #[test]
    fn escapes_only_what_would_read_as_markup() {
        assert_eq!(
            merged("# 九点三\n", "9.3.1 notes").unwrap(),
            "# 9.3.1 notes\n"
        );
        assert_eq!(
            merged("| x |\n| --- |\n| 零点三 |\n", "0.3").unwrap(),
            "| x |\n| --- |\n| 0.3 |\n"
        );
        assert_eq!(merged("- 参数\n", "-w flag").unwrap(), "- -w flag\n");
        assert_eq!(
            merged("移位运算。\n", "<< and >> shift").unwrap(),
            "<< and >> shift\n"
        );
        assert_eq!(
            merged("小于负一。\n", "x < -1 holds").unwrap(),
            "x < -1 holds\n"
        );
        // What would open a block, or HTML, still is escaped.
        assert_eq!(merged("一段。\n", "- item").unwrap(), "\\- item\n");
        assert_eq!(merged("一段。\n", "1. first").unwrap(), "1\\. first\n");
        assert_eq!(
            merged("一段。\n", "# not a heading").unwrap(),
            "\\# not a heading\n"
        );
        assert_eq!(merged("一段。\n", "> no quote").unwrap(), "\\> no quote\n");
        assert_eq!(
            merged("一段。\n", "<b>no html</b>").unwrap(),
            "\\<b>no html\\</b>\n"
        );
        assert_eq!(merged("一段。\n", "---").unwrap(), "\\---\n");
    }

    #[test]
    fn whitespace_and_line_breaks_just_inside_emphasis_move_outside() {
        let original = "这是 ***Python*** 内容，**粗体**结束。\n第二行。\n";
        // Spaces inside nested emphasis, a line break just inside a closing tag.
        assert_eq!(
            merged(
                original,
                "This is <i1><b2> Python </b2></i1> content, <b3>bold\n</b3>end.\nSecond."
            )
            .unwrap(),
            "This is ***Python*** content, **bold**\nend.\nSecond.\n"
        );
        // A line break just inside an opening tag, spaces inside a closing one.
        assert_eq!(
            merged(
                original,
                "This is <i1>\n<b2>Python</b2></i1> content, <b3> bold </b3> end.\nSecond."
            )
            .unwrap(),
            "This is\n***Python*** content, **bold** end.\nSecond.\n"
        );
    }

    /// Every link form, translated: the reparsed edition links to the same destinations.
    #[test]
    fn reference_links_and_images_of_every_form_keep_their_destinations() {
        use pulldown_cmark::{Event, Parser, Tag as MdTag};
        let original = "见[另一篇]、[第二篇][]、[第三篇][三] 和 ![图片]。\n\n[另一篇]: https://a.example/1\n[第二篇]: https://a.example/2\n[三]: https://a.example/3\n[图片]: https://a.example/i.png\n";
        let translated = merged(
            original,
            "See <a1>another</a1>, <a2>the second</a2>, <a3>the third</a3> and <img4>a picture</img4>.",
        )
        .unwrap();
        assert_eq!(
            translated,
            "See [another][另一篇], [the second][第二篇], [the third][三] and ![a picture][图片].\n\n[另一篇]: https://a.example/1\n[第二篇]: https://a.example/2\n[三]: https://a.example/3\n[图片]: https://a.example/i.png\n"
        );
        let destinations = |text: &str| -> Vec<String> {
            Parser::new_ext(text, crate::markdown::segment::markdown_options())
                .filter_map(|e| match e {
                    Event::Start(MdTag::Link { dest_url, .. } | MdTag::Image { dest_url, .. }) => {
                        Some(dest_url.to_string())
                    }
                    _ => None,
                })
                .collect()
        };
        assert_eq!(destinations(&translated), destinations(original));
        assert_eq!(destinations(original).len(), 4);
        // A link whose text stays as it was keeps its short form.
        let same = merged(
            original,
            "See <a1>另一篇</a1>, <a2>the second</a2>, <a3>the third</a3> and <img4>a picture</img4>.",
        )
        .unwrap();
        assert!(
            same.starts_with("See [另一篇], [the second][第二篇]"),
            "{same}"
        );
    }

    /// A flanking repair writes a numeric reference only for the letter that keeps a delimiter
    /// from opening or closing, nowhere else in the segment.
    #[test]
    fn a_flanking_repair_touches_only_the_delimiters_that_need_it() {
        let repaired = [
            (
                "**提示：** 关注 **Python猫**，每周更新。\n",
                "<b1>Tip:</b1>Follow <b2>Python Cat</b2>, updated weekly.",
            ),
            (
                "这是 **“引号”** 内容，还有 *强调* 文字。\n",
                "This is a<b1>\"quoted\"</b1>thing, and <i2>emphasis</i2> too.",
            ),
            (
                "*你好*你好*你好*你好*你好*\n",
                "<i1>x!</i1>a_b<i2>y!</i2>c_d<i3>z</i3>",
            ),
        ]
        .iter()
        .map(|(original, translation)| merged(original, translation).unwrap())
        .collect::<String>();
        insta::assert_snapshot!(repaired, @r#"
        **Tip:**&#70;ollow **Python Cat**, updated weekly.
        This is &#97;**"quoted"**&#116;hing, and *emphasis* too.
        *x!*&#97;_b*y!*&#99;_d*z*
        "#);
    }

    #[test]
    fn plain_text_keeps_its_brackets_and_tildes_unless_they_would_be_markup() {
        let original = "第 31~60 条，见 [文档](https://a.b)。\n";
        assert_eq!(
            merged(original, "Items 31~60 [sic], see <a1>the docs</a1>.").unwrap(),
            "Items 31~60 [sic], see [the docs](https://a.b).\n"
        );
        // Underscores inside a word, in a link's text, are no markup either.
        let original = "[项目](https://github.com/x/y)：自动求职工具\n";
        assert_eq!(
            merged(
                original,
                "<a1>auto_job__find__chatgpt__rpa</a1>: a job-hunting tool"
            )
            .unwrap(),
            "[auto_job__find__chatgpt__rpa](https://github.com/x/y): a job-hunting tool\n"
        );
        let original = "第 31~60 条，见 [文档](https://a.b)。\n";
        // Text that would read as emphasis is escaped.
        assert_eq!(
            merged(original, "Items *31* and *60*, see <a1>the docs</a1>.").unwrap(),
            "Items \\*31\\* and \\*60\\*, see [the docs](https://a.b).\n"
        );
    }
}
