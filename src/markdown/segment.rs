//! Segmentation: cutting a Markdown document into translatable segments and verbatim bytes.
//!
//! The document is parsed once with pulldown-cmark (tables, footnotes, strikethrough, heading
//! attributes and YAML front matter enabled). Every maximal run of inline content inside a
//! block (a paragraph, a heading, a table cell, the text of a tight list item) becomes a
//! [`Segment`]; so does each configured string field of the front matter. Everything else
//! (front-matter delimiters, code blocks, HTML blocks, list markers, heading markers and
//! attributes, link reference definitions, blank lines) lies between segments and is never
//! touched.
//!
//! A segment is a list of [`Piece`]s, each owning a contiguous byte range of the original.
//! Two invariants hold, and the fuzz target in `fuzz/` and the property tests check them:
//!
//! 1. **Concatenating the raw bytes of a segment's pieces gives back the segment's bytes**, and
//!    concatenating the [`Chunk`]s of a document gives back the whole document.
//! 2. **Splicing a segment's own tagged text back gives back the original bytes** (see
//!    [`crate::markdown::splice`]).
//!
//! A paragraph's item number (`1、`, `①`, `1\. `) is not part of its segment: it lies between
//! segments, recorded in [`Segment::item`], and an edition's locale rule writes it.
//!
//! Segment ids are derived from the segment's kind and tagged text (plus an occurrence number
//! for repeats), never from its position, so inserting a paragraph does not renumber the rest.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag as MdTag, TagEnd};

use crate::lang::Lang;
use crate::markdown::dialect::{Dialect, Marker};
use crate::markdown::frontmatter;
use crate::markdown::html;
use crate::markdown::tag::{push_escaped, push_escaped_text, Tag, TagKind};

/// The pulldown-cmark extensions of the default dialect, GFM, which the newsletter uses.
pub fn markdown_options() -> Options {
    Dialect::Gfm.options()
}

/// How to segment a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentOptions {
    /// The language of the original: a run of text with none of its letters is not a segment.
    pub source: Lang,
    /// The front-matter fields whose string values are translated.
    pub front_matter_fields: Vec<String>,
    /// The Markdown the site reads: its extensions, containers and slugs.
    pub dialect: Dialect,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            source: Lang::Zh,
            front_matter_fields: vec!["title".to_string()],
            dialect: Dialect::default(),
        }
    }
}

/// The block a segment's text sits in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    /// A cell of a table's header row.
    TableHeader,
    TableCell,
    /// The text of a tight list item (loose items hold paragraphs).
    ListItem,
    /// A string field of the YAML front matter.
    FrontMatter(String),
    /// A run of text in an HTML block, between block elements (`<p>…</p>`, `<summary>…`).
    Html,
    /// The value of a readable HTML attribute (`alt`, `title`, `placeholder`, `aria-label`).
    Attribute,
    /// The title of a dialect's container (`::: tip 标题`, `!!! note "标题"`, `=== "标签"`).
    Title,
}

impl BlockKind {
    /// The short name used as the prefix of segment ids.
    pub fn short(&self) -> Cow<'static, str> {
        const HEADINGS: [&str; 7] = ["h0", "h1", "h2", "h3", "h4", "h5", "h6"];
        match self {
            BlockKind::Paragraph => "p".into(),
            BlockKind::Heading(l) => HEADINGS.get(*l as usize).copied().unwrap_or("h").into(),
            BlockKind::TableHeader => "th".into(),
            BlockKind::TableCell => "td".into(),
            BlockKind::ListItem => "li".into(),
            BlockKind::FrontMatter(field) => format!("fm-{field}").into(),
            BlockKind::Html => "html".into(),
            BlockKind::Attribute => "attr".into(),
            BlockKind::Title => "title".into(),
        }
    }

    /// Whether a line break may appear in this block's text.
    pub fn allows_newlines(&self) -> bool {
        matches!(
            self,
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Html
        )
    }

    /// Whether the run is a plain string that carries no tags: a front-matter field or an
    /// attribute value.
    pub fn is_plain_string(&self) -> bool {
        matches!(
            self,
            BlockKind::FrontMatter(_) | BlockKind::Attribute | BlockKind::Title
        )
    }
}

/// One piece of a segment.
///
/// Invariant: the `raw` ranges of a segment's pieces are contiguous, in order, and together
/// cover exactly the segment's range, so concatenating them gives back the original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Translatable text. `text` is decoded (escapes and entities resolved); `raw` is the
    /// original bytes, including any backslash escapes.
    Text {
        raw: Range<usize>,
        text: Cow<'a, str>,
    },
    /// The opening delimiter of a paired inline element: `[`, `**`, `![` …
    Open { raw: Range<usize>, tag: Tag },
    /// The closing delimiter of a paired inline element: `](url "title")`, `**` …
    Close { raw: Range<usize>, tag: Tag },
    /// A self-contained inline element carried as a placeholder: code span, inline HTML,
    /// autolink, footnote reference, hard break (with the next line's container prefix).
    Atom { raw: Range<usize>, tag: Tag },
    /// A soft line break, together with the container prefix of the next line (`> `, indent).
    Break { raw: Range<usize> },
}

impl Piece<'_> {
    pub fn raw(&self) -> &Range<usize> {
        match self {
            Piece::Text { raw, .. }
            | Piece::Open { raw, .. }
            | Piece::Close { raw, .. }
            | Piece::Atom { raw, .. }
            | Piece::Break { raw } => raw,
        }
    }

    fn raw_mut(&mut self) -> &mut Range<usize> {
        match self {
            Piece::Text { raw, .. }
            | Piece::Open { raw, .. }
            | Piece::Close { raw, .. }
            | Piece::Atom { raw, .. }
            | Piece::Break { raw } => raw,
        }
    }
}

/// A run of inline content, translatable or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Stable id: kind, hash of the tagged text, and `-N` for the N-th repeat.
    pub id: String,
    /// 1-based line of the segment's first byte.
    pub line: usize,
    pub kind: BlockKind,
    /// Byte range in the document.
    pub range: Range<usize>,
    pub pieces: Vec<Piece<'a>>,
    /// The tagged text sent to a translator.
    pub tagged: String,
    /// Whether the text contains letters of the source language.
    pub translatable: bool,
    /// The item number before the run (`1、`, `①`, `1\. `), kept out of it: the locale's rule
    /// writes it, the model never sees it. Its bytes end where the run starts.
    pub item: Option<Range<usize>>,
}

impl Segment<'_> {
    /// The item number before the run, as read (`1\. ` gives `1. `), in `text`, the document
    /// the segment was cut from.
    pub fn item_number(&self, text: &str) -> Option<String> {
        let item = self.item.as_ref()?;
        Some(text[item.clone()].chars().filter(|c| *c != '\\').collect())
    }

    /// The tags of this segment, in document order.
    pub fn tags(&self) -> Vec<Tag> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Open { tag, .. } | Piece::Atom { tag, .. } => Some(*tag),
                _ => None,
            })
            .collect()
    }

    /// The decoded text of the segment, without markup.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text { text, .. } => out.push_str(text),
                Piece::Break { .. } => out.push('\n'),
                _ => {}
            }
        }
        out
    }
}

/// A document cut into chunks.
///
/// Invariant: concatenating the chunks, in order, gives back the original text exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Bytes copied unchanged.
    Verbatim(Range<usize>),
    /// The run at this index of [`Document::runs`].
    Run(usize),
}

/// A parsed document: its text and every inline run in it.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The file the text came from, for error messages.
    pub path: PathBuf,
    pub text: &'a str,
    /// The options the document was segmented with.
    pub options: SegmentOptions,
    /// Every inline run and front-matter field, in document order. The translatable ones are
    /// the segments.
    pub runs: Vec<Segment<'a>>,
    /// The block structure, for checking that a merge did not change it (only computed by
    /// [`Document::skeleton`], when a merge needs it).
    pub(crate) skeleton: Option<Vec<BlockMark>>,
}

/// One block-level event, reduced to what must not change when text is translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BlockMark {
    Start(String),
    End(String),
    /// The content of code blocks, HTML blocks and rules.
    Literal(String),
}

impl<'a> Document<'a> {
    /// The issue's title: its front matter's `title`, else its first `#` heading.
    pub fn title(&self) -> Option<String> {
        self.runs
            .iter()
            .find(|s| {
                matches!(&s.kind, BlockKind::FrontMatter(k) if k == "title")
                    || matches!(s.kind, BlockKind::Heading(1))
            })
            .map(|s| s.plain_text())
    }

    /// Segments `text`.
    pub fn parse(text: &'a str, options: &SegmentOptions) -> Self {
        Self::parse_inner(text, options, false)
    }

    /// Segments `text` and records its block structure too.
    pub(crate) fn parse_with_skeleton(text: &'a str, options: &SegmentOptions) -> Self {
        Self::parse_inner(text, options, true)
    }

    /// The block structure of the document (one more parse).
    pub(crate) fn skeleton(&self) -> Vec<BlockMark> {
        match &self.skeleton {
            Some(s) => s.clone(),
            None => Self::parse_with_skeleton(self.text, &self.options)
                .skeleton
                .unwrap_or_default(),
        }
    }

    fn parse_inner(text: &'a str, options: &SegmentOptions, with_skeleton: bool) -> Self {
        let mut builder = Builder {
            text,
            options,
            lines: Lines::default(),
            with_skeleton,
            runs: Vec::new(),
            skeleton: Vec::new(),
            current: None,
            blocks: Vec::new(),
            literal_depth: 0,
            in_table_head: false,
            html_block: None,
            after_cut: false,
        };
        builder.run();
        let mut runs = builder.runs;
        assign_ids(&mut runs);
        Document {
            path: PathBuf::from("<input>"),
            text,
            options: options.clone(),
            runs,
            skeleton: with_skeleton.then_some(builder.skeleton),
        }
    }

    /// Names the file the text came from, for error messages.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = path.into();
        self
    }

    /// The translatable segments, in document order.
    pub fn segments(&self) -> impl Iterator<Item = &Segment<'a>> {
        self.runs.iter().filter(|s| s.translatable)
    }

    /// The document as verbatim chunks and runs.
    pub fn chunks(&self) -> Vec<Chunk> {
        let mut chunks = Vec::with_capacity(self.runs.len() * 2 + 1);
        let mut pos = 0;
        for (i, run) in self.runs.iter().enumerate() {
            if run.range.start > pos {
                chunks.push(Chunk::Verbatim(pos..run.range.start));
            }
            chunks.push(Chunk::Run(i));
            pos = run.range.end;
        }
        if pos < self.text.len() {
            chunks.push(Chunk::Verbatim(pos..self.text.len()));
        }
        chunks
    }
}

/// The length in bytes of the item number `text` starts with (`1、`, `12、 `, `①`…`⑳`, or the
/// English editions' `1\. `), spaces after it included; 0 when it starts with none.
pub fn item_number_len(text: &str) -> usize {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if (1..=3).contains(&digits) {
        let rest = &text[digits..];
        ["、", "\\. "]
            .iter()
            .find(|m| rest.starts_with(**m))
            .map(|m| digits + m.len())
    } else {
        text.chars()
            .next()
            .filter(|c| ('\u{2460}'..='\u{2473}').contains(c))
            .map(char::len_utf8)
    };
    let Some(mut len) = marker else {
        return 0;
    };
    len += text[len..].len() - text[len..].trim_start_matches([' ', '\t']).len();
    len
}

/// The tagged text of a run's pieces.
fn tagged_text(pieces: &[Piece<'_>], capacity: usize) -> String {
    let mut tagged = String::with_capacity(capacity);
    for p in pieces {
        match p {
            Piece::Text { text, .. } => push_escaped_text(&mut tagged, text),
            Piece::Open { tag, .. } => tag.write_open(&mut tagged),
            Piece::Close { tag, .. } => tag.write_close(&mut tagged),
            Piece::Atom { tag, .. } => tag.write_atom(&mut tagged),
            Piece::Break { .. } => tagged.push('\n'),
        }
    }
    tagged
}

/// Gives each segment its id: kind, 40 bits of a hash of kind and tagged text, and `-N` for
/// the N-th occurrence of the same kind and text.
fn assign_ids(runs: &mut [Segment<'_>]) {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for run in runs.iter_mut().filter(|r| r.translatable) {
        let kind = run.kind.short();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(kind.as_bytes());
        hasher.update(b"\0");
        hasher.update(run.tagged.as_bytes());
        let digest = hasher.digest() >> 24;
        let count = seen.entry(digest).or_insert(0);
        *count += 1;
        run.id = if *count == 1 {
            format!("{kind}-{digest:010x}")
        } else {
            format!("{kind}-{digest:010x}-{count}")
        };
    }
}

/// Where the positions of an HTML block's lines, joined, are in the document: each line's
/// start in the joined block and in the document. Between two lines the document may hold
/// bytes the lines leave out (a `\r` before a line feed, the next line's container prefix).
struct BlockMap {
    starts: Vec<(usize, usize)>,
}

impl BlockMap {
    /// A position as a start: at a line's start, the line's first byte (after the bytes left
    /// out).
    fn start(&self, v: usize) -> usize {
        let k = self
            .starts
            .partition_point(|(b, _)| *b <= v)
            .saturating_sub(1);
        self.starts.get(k).map_or(v, |(b, d)| d + (v - b))
    }

    /// A position as an end: at a line's start, the end of the line before (before the bytes
    /// left out).
    fn end(&self, v: usize) -> usize {
        let k = self
            .starts
            .partition_point(|(b, _)| *b < v)
            .saturating_sub(1);
        self.starts.get(k).map_or(v, |(b, d)| d + (v - b))
    }
}

struct RunBuilder<'a> {
    kind: BlockKind,
    pieces: Vec<Piece<'a>>,
    stack: Vec<Tag>,
    next_tag: u32,
    /// End of the last leaf or closed element.
    last_end: usize,
    /// Inside an autolink: its events are folded into one placeholder.
    autolink_depth: usize,
    /// Inside an opaque inline element (`<code>`, `<kbd>` …) opened by inline HTML: its
    /// content, up to its end tag, is folded into the placeholder.
    opaque: Option<String>,
}

impl RunBuilder<'_> {
    /// Where a new piece whose event starts at `event_start` begins. The bytes between the
    /// previous event and this one (a gap) belong to the piece before when it reaches forward
    /// (an opening delimiter up to its content, a line break up to the next line's text),
    /// and otherwise to the new piece (trailing spaces before a line break belong to the
    /// break, so that no delimiter or text carries them).
    fn piece_start(&self, event_start: usize) -> usize {
        match self.pieces.last() {
            None | Some(Piece::Open { .. } | Piece::Break { .. }) => event_start,
            Some(Piece::Atom { tag, .. }) if tag.kind == TagKind::HardBreak => event_start,
            Some(_) => self.last_end,
        }
    }
}

struct Builder<'a, 'o> {
    text: &'a str,
    options: &'o SegmentOptions,
    lines: Lines,
    with_skeleton: bool,
    runs: Vec<Segment<'a>>,
    skeleton: Vec<BlockMark>,
    current: Option<RunBuilder<'a>>,
    blocks: Vec<BlockKind>,
    /// >0 inside code blocks, HTML blocks and metadata blocks, whose text is not inline.
    literal_depth: usize,
    in_table_head: bool,
    /// Inside an HTML block: the byte ranges of its lines so far.
    html_block: Option<Vec<Range<usize>>>,
    /// A run was just ended by inline HTML: the next one starts after the space that follows.
    after_cut: bool,
}

/// Line numbers of increasing offsets, counted incrementally.
#[derive(Default)]
struct Lines {
    offset: usize,
    line: usize,
}

impl Lines {
    fn line(&mut self, text: &str, offset: usize) -> usize {
        if offset < self.offset {
            *self = Lines::default();
        }
        self.line += memchr::memchr_iter(b'\n', &text.as_bytes()[self.offset..offset]).count();
        self.offset = offset;
        self.line + 1
    }
}

impl<'a> Builder<'a, '_> {
    fn mark(&mut self, mark: impl FnOnce() -> BlockMark) {
        if self.with_skeleton {
            self.skeleton.push(mark());
        }
    }

    fn run(&mut self) {
        let dialect = self.options.dialect;
        let markers = dialect.markers(self.text);
        let masked = crate::markdown::dialect::mask(self.text, &markers);
        let mut markers = markers.into_iter().peekable();
        match masked {
            Cow::Borrowed(_) => {
                for (event, range) in
                    Parser::new_ext(self.text, dialect.options()).into_offset_iter()
                {
                    while let Some(m) = markers.next_if(|m| m.line.start < range.start) {
                        self.marker(m);
                    }
                    self.event(event, range);
                }
            }
            // The masked copy has the original's offsets, not its lifetime: its events own
            // their strings.
            Cow::Owned(masked) => {
                for (event, range) in Parser::new_ext(&masked, dialect.options()).into_offset_iter()
                {
                    while let Some(m) = markers.next_if(|m| m.line.start < range.start) {
                        self.marker(m);
                    }
                    self.event(event.into_static(), range);
                }
            }
        }
        for m in markers {
            self.marker(m);
        }
        self.finish_run();
    }

    /// A container's marker line: structure, and its title a run of its own.
    fn marker(&mut self, m: Marker) {
        self.finish_run();
        self.mark(|| BlockMark::Literal(format!("marker {}", m.label())));
        let Some(title) = m.title else {
            return;
        };
        // Sites render a title as inline text: a character reference reads as its character.
        let text = html::decode(&self.text[title.clone()]);
        let translatable = self.options.source.has_letters(&text);
        let mut tagged = String::new();
        if translatable {
            push_escaped(&mut tagged, &text);
        }
        self.runs.push(Segment {
            id: String::new(),
            line: self.lines.line(self.text, title.start),
            kind: BlockKind::Title,
            range: title.clone(),
            pieces: vec![Piece::Text {
                raw: title,
                text: Cow::Owned(text),
            }],
            tagged,
            translatable,
            item: None,
        });
    }

    /// One event of the parser, at `range`: folded into a placeholder, read as literal block
    /// content, or handled by its kind.
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.in_opaque(&event, &range) || self.in_autolink(&event, &range) {
            return;
        }
        if self.literal_depth > 0 {
            return self.literal_event(event, range);
        }
        match event {
            Event::Text(text) => self.text_event(text, range),
            Event::Code(_) => self.atom(TagKind::Code, range),
            Event::InlineHtml(html) => self.inline_html(&html, range),
            // Math is opaque: its backslashes are TeX's, not Markdown escapes. Display math
            // (`$$…$$`) is inline too, in its paragraph: a paragraph of display math alone has
            // no text and is never sent; one with text around it keeps it as a placeholder
            // (ending the run there would leave the line break after it at the start of the
            // next run, where it cannot be written back).
            Event::InlineMath(_) | Event::DisplayMath(_) => self.atom(TagKind::Math, range),
            Event::FootnoteReference(_) => self.atom(TagKind::FootnoteRef, range),
            Event::HardBreak => self.atom(TagKind::HardBreak, range),
            // A line break right after a run was cut is not the start of the next.
            Event::SoftBreak if self.after_cut && self.current.is_none() => {}
            Event::SoftBreak => self.soft_break(range),
            Event::Start(MdTag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                self.atom(TagKind::Autolink, range);
                if let Some(run) = &mut self.current {
                    run.autolink_depth = 1;
                }
            }
            Event::Start(tag) => match inline_kind(&tag) {
                Some(kind) => self.inline_start(kind, range),
                None => self.block_start(tag),
            },
            Event::End(end) if is_inline_end(end) => self.inline_end(range),
            Event::End(end) => self.block_end(end),
            Event::Html(t) => {
                self.finish_run();
                self.mark(|| BlockMark::Literal(t.to_string()));
            }
            Event::Rule => {
                self.finish_run();
                self.mark(|| BlockMark::Literal("---".into()));
            }
            Event::TaskListMarker(done) => {
                self.finish_run();
                self.mark(|| BlockMark::Literal(format!("[{done}]")));
            }
        }
    }

    /// Inside an opaque inline element: whether the event is part of it (and so folded into
    /// its placeholder). A block event ends the element.
    fn in_opaque(&mut self, event: &Event<'a>, range: &Range<usize>) -> bool {
        let Some(run) = &mut self.current else {
            return false;
        };
        let Some(name) = &run.opaque else {
            return false;
        };
        let inline = match event {
            Event::Start(tag) => inline_kind(tag).is_some(),
            Event::End(end) => is_inline_end(*end),
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::FootnoteReference(_) => true,
            _ => false,
        };
        if inline {
            let closes = matches!(event, Event::InlineHtml(h)
                if matches!(html::tokens(h).first(), Some(html::Token::End { name: n, .. }) if n == name));
            if closes {
                run.opaque = None;
            }
            run.last_end = range.end;
            return true;
        }
        run.opaque = None;
        false
    }

    /// Inside an autolink: whether the event is part of it (and so folded into its
    /// placeholder).
    fn in_autolink(&mut self, event: &Event<'a>, range: &Range<usize>) -> bool {
        let Some(run) = &mut self.current else {
            return false;
        };
        if run.autolink_depth == 0 {
            return false;
        }
        match event {
            Event::Start(MdTag::Link { .. }) => run.autolink_depth += 1,
            Event::End(TagEnd::Link) => {
                run.autolink_depth -= 1;
                if run.autolink_depth == 0 {
                    run.last_end = range.end;
                }
            }
            _ => {}
        }
        true
    }

    /// An event inside a code block, an HTML block or a metadata block, whose text is not
    /// inline: the front matter's fields, the HTML block's lines, and structure.
    fn literal_event(&mut self, event: Event<'a>, range: Range<usize>) {
        match &event {
            Event::Start(MdTag::MetadataBlock(_)) | Event::Start(MdTag::CodeBlock(_)) => {
                self.literal_depth += 1
            }
            Event::Start(MdTag::HtmlBlock) => self.literal_depth += 1,
            Event::End(
                end @ (TagEnd::MetadataBlock(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock),
            ) => {
                self.literal_depth -= 1;
                if let Some(lines) = self.html_block.take() {
                    self.html_runs(lines);
                }
                self.block_end(*end);
            }
            Event::Text(_) if self.front_matter_open() => self.front_matter(range),
            Event::Html(_) if self.html_block.is_some() => {
                if let Some(lines) = &mut self.html_block {
                    lines.push(range);
                }
            }
            Event::Text(t) | Event::Html(t) => {
                self.mark(|| BlockMark::Literal(t.to_string()));
            }
            _ => {}
        }
    }

    /// A soft line break: a piece of its run.
    fn soft_break(&mut self, range: Range<usize>) {
        let run = self.ensure_run(range.start);
        let start = run.piece_start(range.start);
        run.pieces.push(Piece::Break { raw: start..start });
        run.last_end = range.end;
    }

    /// The start of an inline element (emphasis, a link …): an opening tag of its run.
    fn inline_start(&mut self, kind: TagKind, range: Range<usize>) {
        let (run, tag, start) = self.new_tag(kind, range.start);
        run.pieces.push(Piece::Open {
            raw: start..start,
            tag,
        });
        run.stack.push(tag);
        run.last_end = range.start;
    }

    /// The end of an inline element: the closing tag of the one last opened.
    fn inline_end(&mut self, range: Range<usize>) {
        if let Some(run) = &mut self.current {
            if let Some(tag) = run.stack.pop() {
                run.pieces.push(Piece::Close {
                    raw: run.last_end..run.last_end,
                    tag,
                });
            }
            run.last_end = range.end;
        }
    }

    /// Inline HTML is a placeholder in its run; a tag with a readable attribute
    /// (`<img alt="横幅">`) ends the run, and each such value is a run of its own (whatever its
    /// language, so that a translation reads back as the same runs). Inside a link or
    /// emphasis, where ending the run would split a pair, it stays a placeholder. An opaque
    /// element's content (`<code>…</code>`) joins its placeholder.
    fn inline_html(&mut self, html: &str, range: Range<usize>) {
        let (readable, opaque): (Vec<html::Attribute>, Option<String>) =
            match html::tokens(html).into_iter().next() {
                Some(html::Token::Start {
                    attributes,
                    name,
                    self_closing,
                    ..
                }) => (
                    attributes.into_iter().filter(|a| a.is_readable()).collect(),
                    (html::Element::of(&name).is_opaque() && !self_closing).then_some(name),
                ),
                _ => (Vec::new(), None),
            };
        let nested = self.current.as_ref().is_some_and(|r| !r.stack.is_empty());
        if readable.is_empty() || nested {
            self.atom(TagKind::Html, range);
            // `<code>`, `<kbd>` …: what follows, up to the end tag, is in the placeholder.
            if let Some(run) = &mut self.current {
                run.opaque = opaque;
            }
            return;
        }
        // The text before the tag ends without the line break or space that separates it
        // from the tag.
        if let Some(run) = &mut self.current {
            while let Some(Piece::Break { raw }) = run.pieces.last() {
                run.last_end = raw.start;
                run.pieces.pop();
            }
            if let Some(Piece::Text { text, .. }) = run.pieces.last_mut() {
                let kept = text.trim_end_matches([' ', '\t']).len();
                let space = text.len() - kept;
                if kept > 0 && self.text[..run.last_end].ends_with(&text[kept..]) {
                    text.to_mut().truncate(kept);
                    run.last_end -= space;
                }
            }
            if run.pieces.is_empty() {
                self.current = None;
            }
        }
        self.finish_run();
        for a in readable {
            self.attribute_run(range.start, a);
        }
        self.after_cut = true;
    }

    /// A readable attribute's value as a run; `at` is where the HTML holding it starts.
    fn attribute_run(&mut self, at: usize, a: html::Attribute) {
        let raw = at + a.value.start..at + a.value.end;
        let translatable = self.options.source.has_letters(&a.text);
        let mut tagged = String::new();
        if translatable {
            push_escaped(&mut tagged, &a.text);
        }
        self.runs.push(Segment {
            id: String::new(),
            line: self.lines.line(self.text, raw.start),
            kind: BlockKind::Attribute,
            range: raw.clone(),
            pieces: vec![Piece::Text {
                raw,
                text: Cow::Owned(a.text),
            }],
            tagged,
            translatable,
            item: None,
        });
    }

    /// The runs of an HTML block whose lines are at `lines` (a block in a container has the
    /// container's prefixes between them), and its shape for the skeleton: the block with the
    /// runs' bytes masked.
    fn html_runs(&mut self, lines: Vec<Range<usize>>) {
        let mut block = String::new();
        // Where each line starts in `block` and in the document.
        let mut starts: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        for line in &lines {
            starts.push((block.len(), line.start));
            block.push_str(&self.text[line.clone()]);
        }
        let at = BlockMap { starts };
        let mut masked = String::with_capacity(block.len());
        let mut pos = 0;
        for run in html::runs(&block) {
            let range = match &run {
                html::Run::Text(parts) => parts[0].raw().start..parts[parts.len() - 1].raw().end,
                html::Run::Attribute(a) => a.value.clone(),
            };
            masked.push_str(&block[pos..range.start]);
            masked.push('\u{fffc}');
            pos = range.end;
            match run {
                html::Run::Attribute(mut a) => {
                    let value = at.start(a.value.start)..at.end(a.value.end);
                    // A value across bytes the block's lines leave out (a `\r` before a line
                    // feed, a container's prefix) is kept as it is.
                    if self.text[value.clone()] == block[a.value.clone()] {
                        a.value = value;
                        self.attribute_run(0, a);
                    }
                }
                html::Run::Text(parts) => self.html_text_run(&block, parts, &at),
            }
        }
        masked.push_str(&block[pos..]);
        self.mark(|| BlockMark::Literal(masked));
    }

    /// A run of text in an HTML block, from its parts in `block`.
    fn html_text_run(&mut self, block: &str, parts: Vec<html::Part>, at: &BlockMap) {
        let mut pieces = Vec::with_capacity(parts.len());
        let mut open: Vec<Tag> = Vec::new();
        let mut n = 0;
        let mut next = |kind| {
            n += 1;
            Tag { kind, n }
        };
        for part in parts {
            // The bytes the block's lines leave out (a `\r` before a line feed, the next line's
            // container prefix) belong to the line break.
            let raw = match part {
                html::Part::Break(_) => at.end(part.raw().start)..at.start(part.raw().end),
                _ => at.start(part.raw().start)..at.end(part.raw().end),
            };
            pieces.push(match part {
                html::Part::Text(r) => Piece::Text {
                    raw,
                    text: Cow::Owned(html::decode(&block[r])),
                },
                html::Part::Break(_) => Piece::Break { raw },
                html::Part::Open(_) => {
                    let tag = next(TagKind::Element);
                    open.push(tag);
                    Piece::Open { raw, tag }
                }
                html::Part::Close(_) => Piece::Close {
                    raw,
                    tag: open.pop().expect("the runs pair their tags"),
                },
                html::Part::Atom(_) => Piece::Atom {
                    raw,
                    tag: next(TagKind::Html),
                },
            });
        }
        let range = pieces[0].raw().start..pieces[pieces.len() - 1].raw().end;
        let source = self.options.source;
        let translatable = pieces.iter().any(|p| match p {
            Piece::Text { text, .. } => source.has_letters(text),
            _ => false,
        });
        let tagged = if translatable {
            tagged_text(&pieces, range.len())
        } else {
            String::new()
        };
        self.runs.push(Segment {
            id: String::new(),
            line: self.lines.line(self.text, range.start),
            kind: BlockKind::Html,
            range,
            pieces,
            tagged,
            translatable,
            item: None,
        });
    }

    fn front_matter_open(&self) -> bool {
        matches!(self.blocks.last(), Some(BlockKind::FrontMatter(_)))
    }

    fn block_start(&mut self, tag: MdTag<'_>) {
        self.finish_run();
        self.mark(|| {
            BlockMark::Start(match &tag {
                MdTag::Heading { level, .. } => format!("Heading({level:?})"),
                MdTag::CodeBlock(kind) => format!("CodeBlock({kind:?})"),
                MdTag::List(start) => format!("List({})", start.is_some()),
                MdTag::FootnoteDefinition(label) => format!("Footnote({label})"),
                MdTag::Table(align) => format!("Table({align:?})"),
                other => format!("{other:?}"),
            })
        });
        let kind = match tag {
            MdTag::Heading { level, .. } => BlockKind::Heading(level as u8),
            MdTag::TableHead => {
                self.in_table_head = true;
                BlockKind::TableHeader
            }
            MdTag::TableCell if self.in_table_head => BlockKind::TableHeader,
            MdTag::TableCell => BlockKind::TableCell,
            MdTag::Item => BlockKind::ListItem,
            MdTag::MetadataBlock(_) => {
                self.literal_depth += 1;
                BlockKind::FrontMatter(String::new())
            }
            MdTag::HtmlBlock => {
                self.literal_depth += 1;
                self.html_block = Some(Vec::new());
                BlockKind::Paragraph
            }
            MdTag::CodeBlock(_) => {
                self.literal_depth += 1;
                BlockKind::Paragraph
            }
            _ => BlockKind::Paragraph,
        };
        self.blocks.push(kind);
    }

    fn block_end(&mut self, end: TagEnd) {
        self.finish_run();
        if end == TagEnd::TableHead {
            self.in_table_head = false;
        }
        self.mark(|| BlockMark::End(format!("{end:?}")));
        self.blocks.pop();
    }

    /// The run holding `at` (begun there if none is open), the next tag of its numbering, of
    /// `kind`, and where its piece starts.
    fn new_tag(&mut self, kind: TagKind, at: usize) -> (&mut RunBuilder<'a>, Tag, usize) {
        let run = self.ensure_run(at);
        run.next_tag += 1;
        let tag = Tag {
            kind,
            n: run.next_tag,
        };
        let start = run.piece_start(at);
        (run, tag, start)
    }

    fn ensure_run(&mut self, start: usize) -> &mut RunBuilder<'a> {
        self.after_cut = false;
        let kind = self.blocks.last().cloned().unwrap_or(BlockKind::Paragraph);
        self.current.get_or_insert_with(|| RunBuilder {
            kind,
            pieces: Vec::with_capacity(8),
            stack: Vec::new(),
            next_tag: 0,
            last_end: start,
            autolink_depth: 0,
            opaque: None,
        })
    }

    fn atom(&mut self, kind: TagKind, range: Range<usize>) {
        let (run, tag, start) = self.new_tag(kind, range.start);
        run.pieces.push(Piece::Atom {
            raw: start..start,
            tag,
        });
        run.last_end = range.end;
    }

    fn text_event(&mut self, text: CowStr<'a>, range: Range<usize>) {
        let (text, range) = if std::mem::take(&mut self.after_cut) && self.current.is_none() {
            let kept = text.trim_start_matches([' ', '\t']);
            let space = text.len() - kept.len();
            if kept.is_empty() || !self.text[range.start..].starts_with(&text[..space]) {
                (text, range)
            } else {
                let kept: CowStr<'a> = match text {
                    CowStr::Borrowed(b) => CowStr::Borrowed(&b[space..]),
                    other => CowStr::from(other[space..].to_string()),
                };
                (kept, range.start + space..range.end)
            }
        } else {
            (text, range)
        };
        let src = self.text;
        let run = self.ensure_run(range.start);
        if let Some(Piece::Text { text: t, .. }) = run.pieces.last_mut() {
            t.to_mut().push_str(&text);
            run.last_end = range.end;
            return;
        }
        let mut start = run.piece_start(range.start);
        // An escape's backslash stands right before its text and belongs to it, also where the
        // gap before it belongs to an opening delimiter or a line prefix.
        if start == range.start
            && start > 0
            && src.as_bytes()[start - 1] == b'\\'
            && text.starts_with(|c: char| c.is_ascii_punctuation())
        {
            start -= 1;
        }
        run.pieces.push(Piece::Text {
            raw: start..start,
            text: match text {
                CowStr::Borrowed(b) => Cow::Borrowed(b),
                other => Cow::Owned(other.to_string()),
            },
        });
        run.last_end = range.end;
    }

    fn finish_run(&mut self) {
        let Some(mut run) = self.current.take() else {
            return;
        };
        let end = run.last_end;
        // Each piece's raw range runs from its start to the next piece's start.
        let n = run.pieces.len();
        for i in 0..n {
            let next = if i + 1 < n {
                run.pieces[i + 1].raw().start
            } else {
                end
            };
            run.pieces[i].raw_mut().end = next;
        }
        // A paragraph's item number is the edition's structure, not its text.
        let mut item = None;
        if run.kind == BlockKind::Paragraph {
            if let Some(Piece::Text { raw, text }) = run.pieces.first() {
                let raw_text = &self.text[raw.clone()];
                let raw_len = item_number_len(raw_text);
                // The same prefix in the decoded text: the raw one without its backslashes.
                let decoded: String = raw_text[..raw_len].chars().filter(|c| *c != '\\').collect();
                let len = decoded.len();
                // A number alone is not an item: something must follow it.
                let follows = text.len() > len || run.pieces.len() > 1;
                if raw_len > 0 && follows && text.len() >= len && text[..len] == decoded {
                    let cut = raw.start + raw_len;
                    item = Some(raw.start..cut);
                    if text.len() == len {
                        run.pieces.remove(0);
                    } else if let Some(Piece::Text { raw, text }) = run.pieces.first_mut() {
                        let rest = text[len..].to_string();
                        *text = match text {
                            Cow::Borrowed(b) => Cow::Borrowed(&b[len..]),
                            Cow::Owned(_) => Cow::Owned(rest),
                        };
                        raw.start = cut;
                    }
                }
            }
        }
        let start = match (&item, run.pieces.first()) {
            (_, Some(p)) => p.raw().start,
            (Some(i), None) => i.end,
            (None, None) => end,
        };
        let source = self.options.source;
        let translatable = run.pieces.iter().any(|p| match p {
            Piece::Text { text, .. } => source.has_letters(text),
            _ => false,
        });
        // Only segments travel as tagged text; the other runs are kept for verification.
        let tagged = if translatable {
            tagged_text(&run.pieces, end - start)
        } else {
            String::new()
        };
        self.runs.push(Segment {
            id: String::new(),
            line: self.lines.line(self.text, start),
            kind: run.kind,
            range: start..end,
            pieces: run.pieces,
            tagged,
            translatable,
            item,
        });
    }

    fn front_matter(&mut self, yaml: Range<usize>) {
        // The skeleton keeps the front matter with the translatable values blanked out.
        let mut masked = String::new();
        let mut pos = yaml.start;
        let fields =
            frontmatter::fields(self.text, yaml.clone(), &self.options.front_matter_fields);
        for field in &fields {
            masked.push_str(&self.text[pos..field.raw.start]);
            pos = field.raw.end;
        }
        masked.push_str(&self.text[pos..yaml.end]);
        self.mark(|| BlockMark::Literal(masked));
        for field in fields {
            let mut tagged = String::new();
            push_escaped(&mut tagged, &field.value);
            let translatable = self.options.source.has_letters(&field.value);
            self.runs.push(Segment {
                id: String::new(),
                line: self.lines.line(self.text, field.raw.start),
                kind: BlockKind::FrontMatter(field.key),
                range: field.raw.clone(),
                pieces: vec![Piece::Text {
                    raw: field.raw,
                    text: Cow::Owned(field.value),
                }],
                tagged,
                translatable,
                item: None,
            });
        }
    }
}

fn inline_kind(tag: &MdTag<'_>) -> Option<TagKind> {
    Some(match tag {
        MdTag::Emphasis => TagKind::Emphasis,
        MdTag::Strong => TagKind::Strong,
        MdTag::Strikethrough => TagKind::Strikethrough,
        MdTag::Link { .. } => TagKind::Link,
        MdTag::Image { .. } => TagKind::Image,
        _ => return None,
    })
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(BlockKind, String, String)> {
        Document::parse(text, &SegmentOptions::default())
            .runs
            .iter()
            .map(|r| {
                (
                    r.kind.clone(),
                    text[r.range.clone()].to_string(),
                    r.tagged.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn text_in_html_blocks_is_segments_and_markup_is_not() {
        let text = "<div align=\"center\">\n<p>表 <b>粗</b> &amp; 栈<br>第二行\n  第三行</p>\n<img src=\"a.png\" alt=\"横幅\">\n<!-- 注释 -->\n<pre>代码</pre><code>码</code>\n<script>x = \"中\"</script>\n</div>\n";
        assert_eq!(
            runs(text),
            [
                (
                    BlockKind::Html,
                    "表 <b>粗</b> &amp; 栈<br>第二行\n  第三行".to_string(),
                    "表 <span1>粗</span1> &amp; 栈<html2/>第二行\n第三行".to_string()
                ),
                (BlockKind::Attribute, "横幅".to_string(), "横幅".to_string()),
            ]
        );
    }

    #[test]
    fn html_blocks_in_containers_keep_their_prefixes_between_pieces() {
        let text = "> <p>中文\n> 第二行</p>\n\n- <span title=\"提示\">说明</span>\n";
        let doc = Document::parse(text, &SegmentOptions::default());
        let r: Vec<(&str, &str)> = doc
            .runs
            .iter()
            .map(|r| (&text[r.range.clone()], r.tagged.as_str()))
            .collect();
        assert_eq!(
            r,
            [
                ("中文\n> 第二行", "中文\n第二行"),
                ("提示", "提示"),
                ("说明</span>", "说明<html1/>")
            ]
        );
    }

    /// Found by the fuzz target: a NUL in an attribute value reads as U+FFFD, which cannot be
    /// written back as the NUL it was: such a value is kept byte for byte, not a run.
    #[test]
    fn an_attribute_that_does_not_decode_faithfully_is_kept() {
        for text in [
            "图 <img alt=\"小图标\0\0\">。\n",
            "<div>\n<img alt=\"横\r\n幅\">\n</div>\n",
            "<div>\n<input placeholder=\"输入\n</p> <script>\">\n</div>\n",
        ] {
            let doc = Document::parse(text, &SegmentOptions::default());
            assert!(
                doc.runs.iter().all(|r| r.kind != BlockKind::Attribute),
                "{text:?}"
            );
            let same: std::collections::BTreeMap<String, String> = doc
                .segments()
                .map(|s| (s.id.clone(), s.tagged.clone() + "\n"))
                .collect();
            assert_eq!(crate::merge(&doc, &same).unwrap(), text);
        }
    }

    /// Found by fuzzing: the white space around an attribute's value is the original's.
    #[test]
    fn an_attribute_keeps_the_space_around_its_value() {
        let text = "<div>\n<img alt=\" 横幅 \">\n</div>\n";
        let doc = Document::parse(text, &SegmentOptions::default());
        let seg = doc
            .segments()
            .find(|s| s.kind == BlockKind::Attribute)
            .unwrap();
        let same = std::collections::BTreeMap::from([(seg.id.clone(), seg.tagged.clone() + "\n")]);
        assert_eq!(crate::merge(&doc, &same).unwrap(), text);
        let banner = std::collections::BTreeMap::from([(seg.id.clone(), "banner".to_string())]);
        assert_eq!(
            crate::merge(&doc, &banner).unwrap(),
            "<div>\n<img alt=\" banner \">\n</div>\n"
        );
    }

    #[test]
    fn a_readable_attribute_in_a_paragraph_is_a_run_of_its_own() {
        let text = "看 <img src=\"x.png\" alt=\"横幅\"> 这里，**粗 <img alt=\"图\">**\n";
        assert_eq!(
            runs(text).iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
            ["看", "横幅", "这里，<b1>粗 <html2/></b1>"]
        );
    }
}

#[cfg(test)]
mod dialect_tests {
    use super::*;

    fn tagged(text: &str, dialect: Dialect) -> Vec<(BlockKind, String)> {
        let options = SegmentOptions {
            dialect,
            ..SegmentOptions::default()
        };
        Document::parse(text, &options)
            .segments()
            .map(|s| (s.kind.clone(), s.tagged.clone()))
            .collect()
    }

    #[test]
    fn container_markers_are_structure_and_titles_and_bodies_are_text() {
        let vitepress =
            "::: tip 提示\n容器里的**正文**。\n:::\n\n::: details\n```\n::: 代码\n```\n:::\n";
        assert_eq!(
            tagged(vitepress, Dialect::VitePress),
            [
                (BlockKind::Title, "提示".to_string()),
                (BlockKind::Paragraph, "容器里的<b1>正文</b1>。".to_string()),
            ]
        );
        // Without the dialect the markers are text of the paragraph.
        assert_eq!(
            tagged(vitepress, Dialect::Gfm)[0].1,
            "::: tip 提示\n容器里的<b1>正文</b1>。\n:::"
        );
        let mkdocs = "!!! note \"注意\"\n    正文第一行\n    第二行\n\n    ```python\n    print(\"代码\")\n    ```\n\n=== \"标签\"\n\n    - 标签页\n";
        assert_eq!(
            tagged(mkdocs, Dialect::MkDocs),
            [
                (BlockKind::Title, "注意".to_string()),
                (BlockKind::Paragraph, "正文第一行\n第二行".to_string()),
                (BlockKind::Title, "标签".to_string()),
                (BlockKind::ListItem, "标签页".to_string()),
            ]
        );
    }
}
