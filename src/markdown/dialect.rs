//! Dialects: the Markdown a site generator reads, beyond CommonMark.
//!
//! A documentation site writes Markdown its generator extends: VitePress containers
//! (`::: tip 标题` … `:::`), MkDocs admonitions (`!!! note "标题"` with a body indented four
//! spaces) and content tabs (`=== "标签"`), GFM alerts (`> [!NOTE]`), heading attributes
//! (`{#id}`). Each [`Dialect`] says which of these it reads, which pulldown-cmark extensions
//! are on, and how it turns a heading into the slug a `#fragment` names.
//!
//! pulldown-cmark reads none of the containers. They are read here, line by line (outside
//! fenced code), as [`Marker`]s, and the text pulldown-cmark parses is [`Dialect::masked`]: a
//! copy of the same length, byte for byte, in which each marker line is blank (spaces) and
//! the first line of an indented body starts a list item (its four spaces become `-   `, so
//! the lines after it, indented as they are, continue the item, blank lines included; a tab
//! becomes a blockquote's `>`). The body then parses as the Markdown its generator renders,
//! not as indented code; every offset into the copy is an offset into the original, so
//! segments keep their
//! byte ranges; and a translation cannot open or close a container, because the markers lie
//! outside every segment and the structure verified after a merge includes them. A marker's
//! title is a segment of its own.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::Options;

/// The Markdown a site reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// CommonMark with YAML front matter, and nothing else.
    CommonMark,
    /// GitHub: tables, strikethrough, footnotes, task lists, alerts, math; heading attributes
    /// are kept out of the text too. The default.
    #[default]
    Gfm,
    /// VitePress (markdown-it): GFM, and `::: type title` … `:::` containers.
    VitePress,
    /// MkDocs with Material: tables, footnotes, math, heading attributes, `!!!`/`???`
    /// admonitions and `===` content tabs with indented bodies.
    MkDocs,
    /// mdBook: tables, strikethrough, footnotes, task lists, heading attributes.
    MdBook,
}

impl Dialect {
    /// Every dialect, in the order the guide (docs/guide.md) lists them.
    pub const ALL: [Dialect; 5] = [
        Dialect::CommonMark,
        Dialect::Gfm,
        Dialect::VitePress,
        Dialect::MkDocs,
        Dialect::MdBook,
    ];

    /// The name `editions.toml` uses.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::CommonMark => "commonmark",
            Dialect::Gfm => "gfm",
            Dialect::VitePress => "vitepress",
            Dialect::MkDocs => "mkdocs",
            Dialect::MdBook => "mdbook",
        }
    }

    /// The dialect named `name`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The pulldown-cmark extensions the dialect reads.
    pub fn options(self) -> Options {
        let front_matter = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let gfm = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_GFM
            | Options::ENABLE_MATH
            | Options::ENABLE_HEADING_ATTRIBUTES
            | front_matter;
        match self {
            Dialect::CommonMark => front_matter,
            Dialect::Gfm | Dialect::VitePress => gfm,
            Dialect::MkDocs => {
                Options::ENABLE_TABLES
                    | Options::ENABLE_FOOTNOTES
                    | Options::ENABLE_MATH
                    | Options::ENABLE_HEADING_ATTRIBUTES
                    | Options::ENABLE_TASKLISTS
                    | front_matter
            }
            Dialect::MdBook => {
                Options::ENABLE_TABLES
                    | Options::ENABLE_STRIKETHROUGH
                    | Options::ENABLE_FOOTNOTES
                    | Options::ENABLE_TASKLISTS
                    | Options::ENABLE_HEADING_ATTRIBUTES
                    | front_matter
            }
        }
    }

    /// The dialect of the site a file at `path` belongs to: the nearest folder, from the
    /// file's up, holding `.vitepress/`, `mkdocs.yml` or `book.toml`, with that marker.
    pub fn detect(path: &Path) -> Option<(Dialect, PathBuf)> {
        let start = if path.is_dir() { path } else { path.parent()? };
        for dir in start.ancestors() {
            for (marker, dialect) in [
                (".vitepress", Dialect::VitePress),
                ("mkdocs.yml", Dialect::MkDocs),
                ("mkdocs.yaml", Dialect::MkDocs),
                ("book.toml", Dialect::MdBook),
            ] {
                let at = dir.join(marker);
                if at.exists() {
                    return Some((dialect, at));
                }
            }
        }
        None
    }

    /// The slug the dialect's site gives a heading with this text.
    pub fn slug(self, heading: &str) -> String {
        match self {
            // GitHub (and mdBook's `normalize_id`): lower case, letters, digits, `-` and `_`
            // kept, spaces as `-`, the rest dropped.
            Dialect::CommonMark | Dialect::Gfm | Dialect::MdBook => heading
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    ' ' => Some('-'),
                    _ => None,
                })
                .collect(),
            // VitePress (`@mdit-vue/shared`): runs of spaces and ASCII punctuation as one `-`,
            // none at the ends, a leading digit after `_`, lower case.
            Dialect::VitePress => {
                const SPECIAL: &str = "~`!@#$%^&*()-_+=[]{}|\\;:\"'“”‘’<>,.?/";
                let mut out = String::new();
                let mut dash = false;
                for c in heading.chars().filter(|c| !c.is_control()) {
                    if c.is_whitespace() || SPECIAL.contains(c) {
                        dash = true;
                        continue;
                    }
                    if dash && !out.is_empty() {
                        out.push('-');
                    }
                    dash = false;
                    out.extend(c.to_lowercase());
                }
                if out.starts_with(|c: char| c.is_ascii_digit()) {
                    out.insert(0, '_');
                }
                out
            }
            // Python-Markdown's `toc` (MkDocs' default): ASCII letters, digits, `_`, `-` and
            // spaces kept (other letters dropped), lower case, runs of `-` and spaces as `-`.
            Dialect::MkDocs => {
                let kept: String = heading
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
                    .collect::<String>()
                    .trim()
                    .to_lowercase();
                let mut out = String::new();
                for c in kept.chars() {
                    if c == '-' || c == ' ' {
                        if !out.ends_with('-') {
                            out.push('-');
                        }
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// The container markers of `text`, in order.
    pub fn markers(self, text: &str) -> Vec<Marker> {
        match self {
            Dialect::VitePress => colon_markers(text),
            Dialect::MkDocs => indented_markers(text),
            _ => Vec::new(),
        }
    }

    /// `text` as pulldown-cmark is to read it: the same length, byte for byte, with each
    /// marker line blank and each indented body's first line a list item (see the module
    /// documentation).
    pub fn masked(self, text: &str) -> Cow<'_, str> {
        mask(text, &self.markers(text))
    }
}

/// `text` masked for the `markers` already read from it (see [`Dialect::masked`]).
pub fn mask<'t>(text: &'t str, markers: &[Marker]) -> Cow<'t, str> {
    if markers.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for m in markers {
        for b in &mut bytes[m.line.clone()] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        if let Some(indent) = &m.body {
            if indent.len() == 4 {
                bytes[indent.start] = b'-';
            } else {
                bytes[indent.start] = b'>';
            }
        }
    }
    // Only ASCII bytes were written over ASCII bytes or whole characters: marker lines
    // are blanked entirely (a multi-byte character becomes spaces), indents are ASCII.
    Cow::Owned(String::from_utf8(bytes).expect("blanking keeps UTF-8"))
}

impl Dialect {
    /// The anchors the headings of `text` define, in order: an explicit id (`{#id}`), else
    /// the dialect's slug of the heading's text, a repeat made unique as the site makes it
    /// (`-1`, `-2`; `_1` in MkDocs). Each says whether it is explicit.
    pub fn heading_anchors(self, text: &str) -> Vec<(String, bool)> {
        use pulldown_cmark::{Event, Parser, Tag, TagEnd};
        let masked = self.masked(text);
        let mut out = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        let mut open: Option<(String, Option<String>)> = None;
        for event in Parser::new_ext(&masked, self.options()) {
            match event {
                Event::Start(Tag::Heading { id, .. }) => {
                    open = Some((String::new(), id.map(|i| i.to_string())))
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((h, _)) = &mut open {
                        h.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    let Some((h, id)) = open.take() else { continue };
                    if let Some(id) = id {
                        out.push((id, true));
                        continue;
                    }
                    let slug = self.slug(&h);
                    let n = seen.entry(slug.clone()).or_insert(0);
                    let unique = match *n {
                        0 => slug,
                        k if self == Dialect::MkDocs => format!("{slug}_{k}"),
                        k => format!("{slug}-{k}"),
                    };
                    *n += 1;
                    out.push((unique, false));
                }
                _ => {}
            }
        }
        out
    }

    /// Where the anchors of `original`'s headings went in `edition`, a translation of it with
    /// the same headings in the same order: for each heading whose slug changed with its
    /// text, its slug in the original and in the edition. An explicit id stays what it is.
    pub fn moved_anchors(
        self,
        original: &str,
        edition: &str,
    ) -> std::collections::HashMap<String, String> {
        let (o, e) = (
            self.heading_anchors(original),
            self.heading_anchors(edition),
        );
        if o.len() != e.len() {
            return Default::default();
        }
        o.into_iter()
            .zip(e)
            .filter(|((a, ax), (b, bx))| !ax && !bx && a != b && !b.is_empty())
            .map(|((a, _), (b, _))| (a, b))
            .collect()
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One container marker line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The line, without its line ending.
    pub line: Range<usize>,
    /// What opens or closes: `::: tip`, `:::`, `!!! note`, `??? info`, `=== `.
    pub kind: String,
    /// Whether it closes a container (`:::`).
    pub closes: bool,
    /// The containers it stands in, outermost first.
    pub within: Vec<String>,
    /// The title, when it has one (`::: tip 标题`, `!!! note "标题"`, `=== "标签"`).
    pub title: Option<Range<usize>>,
    /// For an indented body, the indentation of its first line for this level (four spaces
    /// or a tab).
    pub body: Option<Range<usize>>,
}

impl Marker {
    /// How check names it: its kind after the containers it stands in (`::: details > ::: tip`),
    /// and a closing marker after the one it closes (`::: tip … :::`).
    pub fn label(&self) -> String {
        let mut path = self.within.join(" > ");
        if self.closes {
            path.push_str(" … ");
            path.push_str(&self.kind);
            return path;
        }
        if !path.is_empty() {
            path.push_str(" > ");
        }
        path.push_str(&self.kind);
        path
    }
}

/// The lines of `text` with their byte ranges (without the line ending), and whether each is
/// inside a fenced code block (the fences included).
fn lines(text: &str) -> Vec<(Range<usize>, bool)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut fence: Option<(u8, usize)> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let range = pos..pos + content.len();
        pos += line.len();
        let body = content.trim_start_matches([' ', '\t', '>']).trim_start();
        let run = |c: u8| body.bytes().take_while(|b| *b == c).count();
        let opens = [b'`', b'~'].into_iter().find(|c| run(*c) >= 3);
        match (fence, opens) {
            (None, Some(c)) => {
                fence = Some((c, run(c)));
                out.push((range, true));
            }
            (Some((c, n)), _) => {
                if run(c) >= n && body[run(c)..].trim().is_empty() {
                    fence = None;
                }
                out.push((range, true));
            }
            (None, None) => out.push((range, false)),
        }
    }
    out
}

/// markdown-it-container markers: `:::` (or more colons) and a type opens, as many colons or
/// more alone close; up to three spaces before.
fn colon_markers(text: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    // Open containers: their colon count and kind.
    let mut open: Vec<(usize, String)> = Vec::new();
    for (range, in_code) in lines(text) {
        if in_code {
            continue;
        }
        let line = &text[range.clone()];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent > 3 {
            continue;
        }
        let rest = &line[indent..];
        let colons = rest.bytes().take_while(|b| *b == b':').count();
        if colons < 3 {
            continue;
        }
        let after = rest[colons..].trim();
        let within: Vec<String> = open.iter().map(|(_, k)| k.clone()).collect();
        if after.is_empty() {
            if let Some(k) = open.iter().rposition(|(n, _)| colons >= *n) {
                open.truncate(k + 1);
                open.pop();
                out.push(Marker {
                    line: range,
                    kind: ":".repeat(colons),
                    closes: true,
                    within: within[..=k].to_vec(),
                    title: None,
                    body: None,
                });
            }
            continue;
        }
        let name_len = after.find(char::is_whitespace).unwrap_or(after.len());
        let kind = format!("{} {}", ":".repeat(colons), &after[..name_len]);
        let title_text = after[name_len..].trim();
        let title = (!title_text.is_empty()).then(|| {
            let start = range.start + line.find(title_text).unwrap_or(0);
            start..start + title_text.len()
        });
        open.push((colons, kind.clone()));
        out.push(Marker {
            line: range,
            kind,
            closes: false,
            within,
            title,
            body: None,
        });
    }
    out
}

/// MkDocs markers: `!!! type`, `??? type`, `???+ type` (admonitions) and `=== "title"`
/// (content tabs), each with a body of the lines after it indented four columns more.
fn indented_markers(text: &str) -> Vec<Marker> {
    let mut out: Vec<Marker> = Vec::new();
    // Open markers: their index in `out` and their body's indentation in columns.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let all = lines(text);
    for (range, in_code) in &all {
        let line = &text[range.clone()];
        if line.trim().is_empty() {
            continue;
        }
        let columns = columns_of(line);
        while open.last().is_some_and(|(_, body)| columns < *body) {
            open.pop();
        }
        // The first line of a body: its level's four columns of indentation.
        let mut at = range.start;
        for (i, _) in &open {
            let rest = &text[at..range.end];
            let width = if rest.starts_with('\t') {
                1
            } else if rest.starts_with("    ") {
                4
            } else {
                break;
            };
            if out[*i].body.is_none() {
                out[*i].body = Some(at..at + width);
            }
            at += width;
        }
        let depth_columns = open.last().map_or(0, |(_, body)| *body);
        if *in_code || columns - depth_columns > 3 {
            continue;
        }
        let body = line.trim_start();
        let (kind, rest) = if let Some(rest) = body.strip_prefix("???+") {
            ("???+", rest)
        } else if let Some(rest) = body.strip_prefix("???") {
            ("???", rest)
        } else if let Some(rest) = body.strip_prefix("!!!") {
            ("!!!", rest)
        } else if let Some(rest) = body.strip_prefix("===+") {
            ("===+", rest)
        } else if let Some(rest) = body.strip_prefix("===") {
            ("===", rest)
        } else {
            continue;
        };
        if !rest.starts_with(' ') {
            continue;
        }
        let rest = rest.trim();
        let tab = kind.starts_with('=');
        // `!!! note "title"`: a type, then a quoted title; `=== "title"`: a quoted title.
        let (name, quoted) = if tab {
            ("", rest)
        } else {
            let n = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..n], rest[n..].trim())
        };
        if (!tab && name.is_empty()) || (tab && !quoted.starts_with('"')) {
            continue;
        }
        let title = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                let start = range.start + line.rfind(t).unwrap_or(0);
                start..start + t.len()
            });
        let kind = if tab {
            kind.to_string()
        } else {
            format!("{kind} {name}")
        };
        let within = open.iter().map(|(i, _)| out[*i].kind.clone()).collect();
        open.push((out.len(), columns + 4));
        out.push(Marker {
            line: range.clone(),
            kind,
            closes: false,
            within,
            title,
            body: None,
        });
    }
    out
}

/// The columns of a line's indentation (a tab to the next multiple of four).
fn columns_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vitepress_containers_nest_and_close() {
        let text = "::: tip 提示\n正文\n\n:::: details 详情\n```\n:::\n```\n::::\n:::\n";
        let labels: Vec<String> = Dialect::VitePress
            .markers(text)
            .iter()
            .map(Marker::label)
            .collect();
        assert_eq!(
            labels,
            [
                "::: tip",
                "::: tip > :::: details",
                "::: tip > :::: details … ::::",
                "::: tip … :::"
            ]
        );
        let m = Dialect::VitePress.markers(text);
        assert_eq!(&text[m[0].title.clone().unwrap()], "提示");
        let masked = Dialect::VitePress.masked(text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("              \n正文"), "{masked:?}");
    }

    #[test]
    fn mkdocs_bodies_become_list_items_of_the_same_length() {
        let text = "!!! note \"注意\"\n    正文第一行\n    第二行\n\n    ??? tip\n        里面\n\n=== \"标签\"\n\n    标签页\n\n之后\n";
        let markers = Dialect::MkDocs.markers(text);
        let labels: Vec<String> = markers.iter().map(Marker::label).collect();
        assert_eq!(labels, ["!!! note", "!!! note > ??? tip", "==="]);
        assert_eq!(&text[markers[0].title.clone().unwrap()], "注意");
        assert_eq!(&text[markers[2].title.clone().unwrap()], "标签");
        let masked = Dialect::MkDocs.masked(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked,
            format!(
                "{}\n-   正文第一行\n    第二行\n\n{}\n    -   里面\n\n{}\n\n-   标签页\n\n之后\n",
                " ".repeat(17),
                " ".repeat(11),
                " ".repeat(12)
            )
        );
    }

    #[test]
    fn slugs_follow_each_site() {
        let h = "Feature 同一化: 2.0 版";
        assert_eq!(Dialect::Gfm.slug(h), "feature-同一化-20-版");
        assert_eq!(Dialect::VitePress.slug(h), "feature-同一化-2-0-版");
        assert_eq!(Dialect::MkDocs.slug(h), "feature-20");
        assert_eq!(Dialect::VitePress.slug("1. Intro"), "_1-intro");
    }
}
