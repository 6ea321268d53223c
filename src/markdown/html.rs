//! HTML inside Markdown: where its human-readable text is.
//!
//! Markdown files carry HTML: blocks (`<div align="center">…</div>`, `<details>`), inline
//! elements, components of the site generator (`<Badge text="…"/>`). A reader reads their text
//! nodes and their `alt`, `title`, `placeholder` and `aria-label` attributes; everything else
//! (element names, other attributes, comments, and the content of `<script>`, `<style>`,
//! `<pre>`, `<code>` and their kin) is markup, kept byte for byte.
//!
//! The HTML is read with html5gum, a WHATWG-conformant tokenizer that reports the byte span of
//! every token and of every attribute value, which is what splicing into the original's byte
//! ranges needs. (lol_html rewrites a stream through CSS selectors; it would hand back a new
//! document instead of saying where each text lies.) The tokenizer is told to switch to raw
//! text after `<script>`, `<style>`, `<textarea>` and their kin, as a browser does.
//!
//! [`tokens`] gives the tokens with their spans; [`Element`] says what an element is to the
//! segmenter: a block that ends a run of text, an inline element carried as a paired tag, a
//! void element or a comment carried as a placeholder, or an element whose whole content is
//! opaque.

use std::convert::Infallible;
use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

/// The attributes whose values are text for a reader.
pub const READABLE_ATTRIBUTES: [&str; 4] = ["alt", "title", "placeholder", "aria-label"];

/// One token of an HTML fragment, with its byte span in the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Character data, decoded (`&amp;` gives `&`).
    Text { raw: Range<usize>, text: String },
    /// A start tag, from `<` to `>`.
    Start {
        raw: Range<usize>,
        name: String,
        attributes: Vec<Attribute>,
        self_closing: bool,
    },
    /// An end tag.
    End { raw: Range<usize>, name: String },
    /// A comment or a doctype.
    Other { raw: Range<usize> },
}

impl Token {
    pub fn raw(&self) -> &Range<usize> {
        match self {
            Token::Text { raw, .. }
            | Token::Start { raw, .. }
            | Token::End { raw, .. }
            | Token::Other { raw } => raw,
        }
    }
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Lower-cased.
    pub name: String,
    /// The value's bytes, quotes excluded.
    pub value: Range<usize>,
    /// The value, decoded.
    pub text: String,
    /// The quote around the value: `"`, `'`, or none.
    pub quote: Option<char>,
    /// Whether the value decodes to what a writer can write back on one line: a NUL (read as
    /// U+FFFD), a carriage return (read as a line feed) or a line break in its bytes cannot be.
    pub faithful: bool,
}

impl Attribute {
    /// Whether a reader reads this attribute's value: `alt`, `title`, `placeholder` and
    /// `aria-label`, quoted (an unquoted value cannot take a space) and not empty.
    pub fn is_readable(&self) -> bool {
        READABLE_ATTRIBUTES.contains(&self.name.as_str())
            && self.quote.is_some()
            && self.faithful
            && !self.text.trim().is_empty()
    }
}

/// The tokens of `html`, in order, with their spans.
pub fn tokens(html: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    // A start tag being read: its start, name and attributes so far.
    let mut open: Option<(usize, String, Vec<Attribute>)> = None;
    let mut attribute: Option<String> = None;
    let bytes = html.as_bytes();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                open = Some((span.start, text(name), Vec::new()));
                attribute = None;
            }
            CallbackEvent::AttributeName { name } => attribute = Some(text(name)),
            CallbackEvent::AttributeValue { value } => {
                if let (Some((_, _, attributes)), Some(name)) = (&mut open, attribute.take()) {
                    let quote = span
                        .start
                        .checked_sub(1)
                        .and_then(|i| bytes.get(i))
                        .filter(|b| matches!(b, b'"' | b'\''))
                        .map(|b| *b as char);
                    let raw = &bytes[span.start..span.end];
                    attributes.push(Attribute {
                        name,
                        value: span.start..span.end,
                        text: text(value),
                        quote,
                        faithful: !raw.iter().any(|b| matches!(b, 0 | b'\r' | b'\n')),
                    });
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                if let Some((start, name, attributes)) = open.take() {
                    out.push(Token::Start {
                        raw: start..span.end,
                        name,
                        attributes,
                        self_closing,
                    });
                }
            }
            CallbackEvent::EndTag { name } => out.push(Token::End {
                raw: span.start..span.end,
                name: text(name),
            }),
            CallbackEvent::String { value } => {
                let decoded = text(value);
                match out.last_mut() {
                    Some(Token::Text { raw, text }) if raw.end == span.start => {
                        raw.end = span.end;
                        text.push_str(&decoded);
                    }
                    _ => out.push(Token::Text {
                        raw: span.start..span.end,
                        text: decoded,
                    }),
                }
            }
            CallbackEvent::Comment { .. } | CallbackEvent::Doctype { .. } => {
                out.push(Token::Other {
                    raw: span.start..span.end,
                })
            }
            CallbackEvent::Error(_) => {}
        }
        None::<Infallible>
    });
    emitter.naively_switch_states(true);
    // The callback never fails: the tokenizer reads a string.
    let _ = Tokenizer::new_with_emitter(html, emitter).finish();
    out
}

/// Character data decoded as HTML decodes it (`&lt;b&gt;` gives `<b>`).
pub fn decode(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    tokens(raw)
        .into_iter()
        .map(|t| match t {
            Token::Text { text, .. } => text,
            other => raw[other.raw().clone()].to_string(),
        })
        .collect()
}

/// What an element is to the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// It ends a run of text: `<p>`, `<div>`, `<li>`, `<td>`, `<summary>` …
    Block,
    /// Its content is kept byte for byte and ends a run: `<script>`, `<style>`, `<pre>` …
    OpaqueBlock,
    /// Its content is kept byte for byte, as one placeholder inside a run: `<code>`, `<kbd>` …
    OpaqueInline,
    /// It has no content: `<br>`, `<img>`, `<input>` …
    Void,
    /// Text flows through it: `<a>`, `<b>`, `<span>`, and any element not named here, such as
    /// a site generator's component (`<Badge>`).
    Inline,
}

impl Element {
    /// What the element named `name` (any case) is.
    pub fn of(name: &str) -> Element {
        const BLOCK: &[&str] = &[
            "address",
            "article",
            "aside",
            "blockquote",
            "body",
            "caption",
            "center",
            "col",
            "colgroup",
            "dd",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "frame",
            "frameset",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "head",
            "header",
            "hgroup",
            "hr",
            "html",
            "legend",
            "li",
            "link",
            "main",
            "menu",
            "meta",
            "nav",
            "ol",
            "optgroup",
            "option",
            "p",
            "param",
            "section",
            "source",
            "summary",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "title",
            "tr",
            "track",
            "ul",
            "video",
            "audio",
            "picture",
        ];
        const OPAQUE_BLOCK: &[&str] = &[
            "script",
            "style",
            "pre",
            "textarea",
            "template",
            "iframe",
            "noscript",
            "xmp",
            "plaintext",
            "object",
        ];
        const OPAQUE_INLINE: &[&str] = &["code", "kbd", "samp", "var", "tt", "svg", "math"];
        const VOID: &[&str] = &["area", "base", "br", "embed", "img", "input", "wbr"];
        let name = name.to_ascii_lowercase();
        let is = |list: &[&str]| list.contains(&name.as_str());
        if is(OPAQUE_BLOCK) {
            Element::OpaqueBlock
        } else if is(OPAQUE_INLINE) {
            Element::OpaqueInline
        } else if is(VOID) {
            Element::Void
        } else if is(BLOCK) {
            Element::Block
        } else {
            Element::Inline
        }
    }

    /// Whether the element's content is kept byte for byte.
    pub fn is_opaque(self) -> bool {
        matches!(self, Element::OpaqueBlock | Element::OpaqueInline)
    }
}

/// One part of a run of text in HTML, as a byte range of the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Character data without a line break.
    Text(Range<usize>),
    /// White space holding a line break.
    Break(Range<usize>),
    /// An inline element's start tag, whose end tag is in the same run.
    Open(Range<usize>),
    /// The end tag of the element opened last.
    Close(Range<usize>),
    /// A void element, a comment, an opaque inline element with its content, or a tag whose
    /// partner is not in the run.
    Atom(Range<usize>),
}

impl Part {
    pub fn raw(&self) -> &Range<usize> {
        match self {
            Part::Text(r) | Part::Break(r) | Part::Open(r) | Part::Close(r) | Part::Atom(r) => r,
        }
    }
}

/// A run of an HTML fragment that a reader reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Text between block elements, with the inline elements in it. It starts and ends with
    /// text or with a pair's tag; its parts are contiguous.
    Text(Vec<Part>),
    /// A readable attribute's value.
    Attribute(Attribute),
}

/// The runs of `html` a reader reads, in order: text outside opaque elements, cut at block
/// elements and at elements with a readable attribute (whose values are runs of their own).
pub fn runs(html: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    // An opaque element being skipped: its name, how deeply it nests, and where it started.
    let mut opaque: Option<(String, usize, usize)> = None;
    // Inline elements' names, by the start of their start tag.
    let mut names: Vec<(usize, String)> = Vec::new();
    let flush = |parts: &mut Vec<Part>, names: &[(usize, String)], out: &mut Vec<Run>| {
        for run in finish(std::mem::take(parts), html, names) {
            out.push(Run::Text(run));
        }
    };
    for token in tokens(html) {
        if let Some((name, depth, start)) = &mut opaque {
            match &token {
                Token::Start {
                    name: n,
                    self_closing: false,
                    ..
                } if n == name => *depth += 1,
                Token::End { name: n, raw } if n == name => {
                    if *depth == 0 {
                        if Element::of(name) == Element::OpaqueInline && !parts.is_empty() {
                            parts.push(Part::Atom(*start..raw.end));
                        }
                        opaque = None;
                    } else {
                        *depth -= 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        match token {
            Token::Text { raw, .. } => text_parts(html, raw, !parts.is_empty(), &mut parts),
            Token::Start {
                raw,
                name,
                attributes,
                self_closing,
            } => {
                let element = Element::of(&name);
                let readable: Vec<Attribute> = attributes
                    .into_iter()
                    .filter(Attribute::is_readable)
                    .collect();
                if element == Element::Block
                    || element == Element::OpaqueBlock
                    || !readable.is_empty()
                {
                    flush(&mut parts, &names, &mut out);
                    out.extend(readable.into_iter().map(Run::Attribute));
                    if element.is_opaque() && !self_closing {
                        opaque = Some((name, 0, raw.start));
                    }
                    continue;
                }
                match element {
                    _ if element.is_opaque() && !self_closing => {
                        opaque = Some((name, 0, raw.start))
                    }
                    Element::Inline if !self_closing => {
                        names.push((raw.start, name));
                        parts.push(Part::Open(raw));
                    }
                    _ if !parts.is_empty() => parts.push(Part::Atom(raw)),
                    _ => {}
                }
            }
            Token::End { raw, name } => match Element::of(&name) {
                Element::Inline if !parts.is_empty() => {
                    names.push((raw.start, name));
                    parts.push(Part::Close(raw));
                }
                Element::Inline | Element::Void | Element::OpaqueInline => {
                    if !parts.is_empty() {
                        parts.push(Part::Atom(raw))
                    }
                }
                _ => flush(&mut parts, &names, &mut out),
            },
            Token::Other { raw } => {
                if !parts.is_empty() {
                    parts.push(Part::Atom(raw))
                }
            }
        }
    }
    flush(&mut parts, &names, &mut out);
    out
}

/// Adds the parts of the character data at `raw`: text, and white space holding a line
/// break as a break. Before a run has started, white space is not a part.
fn text_parts(html: &str, raw: Range<usize>, started: bool, parts: &mut Vec<Part>) {
    let text = &html[raw.clone()];
    let mut started = started;
    fn push_text(parts: &mut Vec<Part>, range: Range<usize>) {
        match parts.last_mut() {
            Some(Part::Text(last)) if last.end == range.start => last.end = range.end,
            _ => parts.push(Part::Text(range)),
        }
    }
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let space = rest.len() - rest.trim_start_matches(SPACE).len();
        let len = if space > 0 {
            space
        } else {
            rest.find(SPACE).unwrap_or(rest.len())
        };
        let range = raw.start + pos..raw.start + pos + len;
        pos += len;
        if space == 0 {
            push_text(parts, range);
            started = true;
        } else if started {
            if rest[..space].contains('\n') {
                parts.push(Part::Break(range));
            } else {
                push_text(parts, range);
            }
        }
    }
}

/// The white space of HTML text.
const SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Pairs a run's start and end tags (the others become atoms), trims what stands at its edges
/// (white space, breaks, atoms) and cuts it where its parts are not contiguous; a run without
/// text is none.
fn finish(parts: Vec<Part>, html: &str, names: &[(usize, String)]) -> Vec<Vec<Part>> {
    let name = |r: &Range<usize>| {
        names
            .iter()
            .find(|(at, _)| *at == r.start)
            .map_or("", |(_, n)| n.as_str())
    };
    let mut parts = parts;
    let mut stack: Vec<usize> = Vec::new();
    let mut paired = vec![false; parts.len()];
    for i in 0..parts.len() {
        match &parts[i] {
            Part::Open(_) => stack.push(i),
            Part::Close(r) => {
                let n = name(r);
                if let Some(k) = stack.iter().rposition(|&o| name(parts[o].raw()) == n) {
                    let o = stack[k];
                    stack.truncate(k);
                    paired[o] = true;
                    paired[i] = true;
                }
            }
            _ => {}
        }
    }
    for (p, ok) in parts.iter_mut().zip(&paired) {
        if !ok {
            if let Part::Open(r) | Part::Close(r) = p {
                *p = Part::Atom(r.clone());
            }
        }
    }
    // Cut where the parts are not contiguous (bytes the tokenizer did not report).
    let mut runs: Vec<Vec<Part>> = vec![Vec::new()];
    for p in parts {
        let last = runs.last_mut().expect("a run");
        if last
            .last()
            .is_some_and(|l: &Part| l.raw().end != p.raw().start)
        {
            runs.push(vec![p]);
        } else {
            last.push(p);
        }
    }
    runs.into_iter().filter_map(|run| trim(run, html)).collect()
}

/// A run without what stands at its edges, or none when it holds no text. A pair cut in two
/// by the trim cannot happen: a pair's tags are never trimmed, and what lies between them
/// stays.
fn trim(mut run: Vec<Part>, html: &str) -> Option<Vec<Part>> {
    let edge = |p: &Part| match p {
        Part::Text(r) => html[r.clone()].trim_matches(SPACE).is_empty(),
        Part::Break(_) | Part::Atom(_) => true,
        Part::Open(_) | Part::Close(_) => false,
    };
    // Unbalanced edges: an open tag's partner always follows it, so trimming only atoms,
    // breaks and blank text keeps every pair whole.
    while run.first().is_some_and(edge) {
        run.remove(0);
    }
    while run.last().is_some_and(edge) {
        run.pop();
    }
    if let Some(Part::Text(r)) = run.first_mut() {
        let t = &html[r.clone()];
        r.start += t.len() - t.trim_start_matches(SPACE).len();
    }
    if let Some(Part::Text(r)) = run.last_mut() {
        let t = &html[r.clone()];
        r.end -= t.len() - t.trim_end_matches(SPACE).len();
    }
    run.iter()
        .any(|p| matches!(p, Part::Text(r) if !html[r.clone()].trim_matches(SPACE).is_empty()))
        .then_some(run)
}

/// The anchors an HTML fragment defines: every element's `id`, and `name` (which `<a>` used
/// before `id`).
pub fn anchors(html: &str) -> Vec<String> {
    tokens(html)
        .into_iter()
        .filter_map(|t| match t {
            Token::Start { attributes, .. } => Some(attributes),
            _ => None,
        })
        .flatten()
        .filter(|a| matches!(a.name.as_str(), "id" | "name") && !a.text.is_empty())
        .map(|a| a.text)
        .collect()
}

/// Writes `text` as HTML character data that decodes back to it: `&` only where it would
/// read as a character reference, `<` only where it would open a tag or a comment.
pub fn escape_text(out: &mut String, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '&' if starts_reference(&chars[i + 1..]) => out.push_str("&amp;"),
            // A newline that is text, not a line break (`&#10;` in the source).
            '\n' => out.push_str("&#10;"),
            '<' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            _ => out.push(c),
        }
    }
}

/// Writes `text` as an attribute value quoted by `quote`: the quote and `&` where it would
/// read as a character reference are escaped, line breaks become spaces.
pub fn escape_attribute(out: &mut String, text: &str, quote: Option<char>) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '&' if starts_reference(&chars[i + 1..]) => out.push_str("&amp;"),
            '"' if quote == Some('"') => out.push_str("&quot;"),
            '\'' if quote == Some('\'') => out.push_str("&#39;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// Whether `rest`, just after a `&`, would be read as a character reference: a letter or
/// `#` starts one (HTML reads `&copy` without its `;`).
fn starts_reference(rest: &[char]) -> bool {
    rest.first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_the_spans_of_text_tags_and_attribute_values() {
        let html = "<p align=\"center\">表 &amp; 栈</p><img alt='横幅' src=x><!-- 注 -->";
        let t = tokens(html);
        let spans: Vec<&str> = t.iter().map(|t| &html[t.raw().clone()]).collect();
        assert_eq!(
            spans,
            [
                "<p align=\"center\">",
                "表 &amp; 栈",
                "</p>",
                "<img alt='横幅' src=x>",
                "<!-- 注 -->"
            ]
        );
        assert!(matches!(&t[1], Token::Text { text, .. } if text == "表 & 栈"));
        let Token::Start { attributes, .. } = &t[3] else {
            panic!("a start tag")
        };
        assert_eq!(&html[attributes[0].value.clone()], "横幅");
        assert_eq!(attributes[0].quote, Some('\''));
        assert!(attributes[0].is_readable());
        assert!(!attributes[1].is_readable());
    }

    #[test]
    fn script_content_is_one_text_token() {
        let html = "<script>if (a<b) x = \"中\"</script>";
        let t = tokens(html);
        assert_eq!(t.len(), 3);
        assert_eq!(&html[t[1].raw().clone()], "if (a<b) x = \"中\"");
    }

    #[test]
    fn escaping_decodes_back() {
        for text in ["a & b", "&amp;", "x<y", "a <b> c", "<<", "&copy", "\"'"] {
            let mut out = String::new();
            escape_text(&mut out, text);
            assert_eq!(decode(&out), text, "{out}");
            let mut attr = String::new();
            escape_attribute(&mut attr, text, Some('"'));
            let html = format!("<img alt=\"{attr}\">");
            let Token::Start { attributes, .. } = &tokens(&html)[0] else {
                panic!("a start tag")
            };
            assert_eq!(attributes[0].text, text, "{html}");
        }
        let mut out = String::new();
        escape_text(&mut out, "a < -1 << b");
        assert_eq!(out, "a < -1 << b");
    }
}
