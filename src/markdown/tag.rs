//! The tagged-text form in which a segment travels to a translator and back.
//!
//! Inline markup never reaches the model as Markdown. A segment's text carries it as numbered
//! XML-like tags that a translator may move but not change:
//!
//! | markup            | tag                      |
//! |-------------------|--------------------------|
//! | link `[t](url)`   | `<a1>t</a1>`             |
//! | strong `**t**`    | `<b1>t</b1>`             |
//! | emphasis `*t*`    | `<i1>t</i1>`             |
//! | strikethrough     | `<s1>t</s1>`             |
//! | image `![alt](u)` | `<img1>alt</img1>`       |
//! | inline code       | `<code1/>`               |
//! | inline HTML       | `<html1/>`               |
//! | HTML element      | `<span1>t</span1>`       |
//! | autolink `<u>`    | `<link1/>`               |
//! | footnote `[^n]`   | `<fn1/>`                 |
//! | hard line break   | `<br1/>`                 |
//!
//! Numbers count from 1 in document order within a segment, shared by all kinds, so every tag
//! of a segment has a distinct number. URLs, titles and code stay in the original and are put
//! back by the splicer; they never appear in the text. A literal `<`, `>` or `&` in the text is
//! written `&lt;`, `&gt;`, `&amp;`. A soft line break is a newline; a newline that is text (a
//! `&#10;` of the source) is written `&#10;`.

use std::fmt;

/// The kind of an inline element carried as a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TagKind {
    Link,
    Strong,
    Emphasis,
    Strikethrough,
    Image,
    Code,
    /// A math span (`$…$`, `$$…$$`): opaque, copied byte for byte.
    Math,
    Html,
    /// An inline element of an HTML block (`<b>…</b>`, `<a href>…</a>`), carried as a pair.
    Element,
    Autolink,
    FootnoteRef,
    HardBreak,
}

impl TagKind {
    /// The tag name used in tagged text.
    pub fn name(self) -> &'static str {
        match self {
            TagKind::Link => "a",
            TagKind::Strong => "b",
            TagKind::Emphasis => "i",
            TagKind::Strikethrough => "s",
            TagKind::Image => "img",
            TagKind::Code => "code",
            TagKind::Math => "math",
            TagKind::Html => "html",
            TagKind::Element => "span",
            TagKind::Autolink => "link",
            TagKind::FootnoteRef => "fn",
            TagKind::HardBreak => "br",
        }
    }

    /// Paired tags wrap text; the others are self-contained placeholders.
    pub fn is_paired(self) -> bool {
        matches!(
            self,
            TagKind::Link
                | TagKind::Strong
                | TagKind::Emphasis
                | TagKind::Strikethrough
                | TagKind::Image
                | TagKind::Element
        )
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "a" => TagKind::Link,
            "b" => TagKind::Strong,
            "i" => TagKind::Emphasis,
            "s" => TagKind::Strikethrough,
            "img" => TagKind::Image,
            "code" => TagKind::Code,
            "math" => TagKind::Math,
            "html" => TagKind::Html,
            "span" => TagKind::Element,
            "link" => TagKind::Autolink,
            "fn" => TagKind::FootnoteRef,
            "br" => TagKind::HardBreak,
            _ => return None,
        })
    }
}

/// One numbered tag of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    pub kind: TagKind,
    pub n: u32,
}

impl Tag {
    fn write_name(&self, out: &mut String) {
        out.push_str(self.kind.name());
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = self.n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
    }

    /// Appends `<name N>`.
    pub fn write_open(&self, out: &mut String) {
        out.push('<');
        self.write_name(out);
        out.push('>');
    }

    /// Appends `</name N>`.
    pub fn write_close(&self, out: &mut String) {
        out.push_str("</");
        self.write_name(out);
        out.push('>');
    }

    /// Appends `<name N/>`.
    pub fn write_atom(&self, out: &mut String) {
        out.push('<');
        self.write_name(out);
        out.push_str("/>");
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kind.name(), self.n)
    }
}

/// One element of tagged text, as written by a translator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Text with the entities decoded.
    Text(String),
    Open(Tag),
    Close(Tag),
    Atom(Tag),
    /// A line break (one or more newlines).
    Newline,
}

/// Appends `text` to `out` in tagged-text form (escaping `<`, `>` and `&`).
pub fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = memchr::memchr3(b'<', b'>', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&amp;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Like [`push_escaped`], for the text of an inline run, where a newline stands for a line
/// break: a newline that is text (`&#10;` in the source) is written `&#10;`.
pub fn push_escaped_text(out: &mut String, text: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        push_escaped(out, first);
    }
    for line in lines {
        out.push_str("&#10;");
        push_escaped(out, line);
    }
}

/// Writes items back as tagged text.
pub fn render(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            Item::Text(t) => push_escaped(&mut out, t),
            Item::Open(t) => t.write_open(&mut out),
            Item::Close(t) => t.write_close(&mut out),
            Item::Atom(t) => t.write_atom(&mut out),
            Item::Newline => out.push('\n'),
        }
    }
    out
}

/// Tagged text as a reader reads it: the tags dropped, line breaks as spaces.
pub fn plain(tagged: &str) -> String {
    parse(tagged)
        .into_iter()
        .map(|i| match i {
            Item::Text(t) => t,
            Item::Newline => " ".into(),
            _ => String::new(),
        })
        .collect()
}

/// Parses tagged text into items. Never fails: text that only looks like a tag (`a < b`) is
/// text; a tag-shaped element with an unknown name is reported by [`validate`] as unknown.
pub fn parse(tagged: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut text = String::new();
    let mut rest = tagged;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some((item, len)) = parse_tag(rest) {
                flush(&mut items, &mut text);
                items.push(item);
                rest = &rest[len..];
                continue;
            }
        } else if c == '&' {
            if let Some((decoded, len)) = parse_entity(rest) {
                text.push(decoded);
                rest = &rest[len..];
                continue;
            }
        } else if c == '\n' || rest.starts_with("\r\n") {
            // A line break; a lone carriage return is text (pulldown-cmark keeps it so).
            flush(&mut items, &mut text);
            if items.last() != Some(&Item::Newline) {
                items.push(Item::Newline);
            }
            rest = &rest[if c == '\r' { 2 } else { 1 }..];
            continue;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut items, &mut text);
    items
}

fn flush(items: &mut Vec<Item>, text: &mut String) {
    if !text.is_empty() {
        items.push(Item::Text(std::mem::take(text)));
    }
}

/// A tag as written: `<name N>`, `</name N>` or `<name N/>`; the name may be unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawTag<'a> {
    name: &'a str,
    n: u32,
    closing: bool,
    selfclosing: bool,
}

fn scan_tag(s: &str) -> Option<(RawTag<'_>, usize)> {
    let b = s.as_bytes();
    let mut i = 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && b[i].is_ascii_lowercase() {
        i += 1;
    }
    let name = &s[name_start..i];
    let num_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if name.is_empty() || num_start == i || i - num_start > 6 {
        return None;
    }
    let n: u32 = s[num_start..i].parse().ok()?;
    let selfclosing = b.get(i) == Some(&b'/');
    if selfclosing {
        i += 1;
    }
    if b.get(i) != Some(&b'>') || (closing && selfclosing) {
        return None;
    }
    Some((
        RawTag {
            name,
            n,
            closing,
            selfclosing,
        },
        i + 1,
    ))
}

fn parse_tag(s: &str) -> Option<(Item, usize)> {
    let (raw, len) = scan_tag(s)?;
    // Unknown names stay as an Atom of an impossible kind? No: keep them as text here and let
    // `validate` find them by scanning again; an unknown tag is an error, not text.
    let kind = TagKind::from_name(raw.name)?;
    let tag = Tag { kind, n: raw.n };
    let item = if raw.closing {
        Item::Close(tag)
    } else if raw.selfclosing {
        Item::Atom(tag)
    } else {
        Item::Open(tag)
    };
    Some((item, len))
}

fn parse_entity(s: &str) -> Option<(char, usize)> {
    for (name, c) in [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
        ("&quot;", '"'),
        // A newline that is text, not a line break (see [`push_escaped_text`]).
        ("&#10;", '\n'),
    ] {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    None
}

/// What is wrong with the tags of a translation, compared with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagProblem {
    /// A tag of the source does not occur in the translation.
    Missing(Tag),
    /// A tag occurs more than once.
    Repeated(Tag),
    /// A tag that the source does not have (written as it appeared).
    Unknown(String),
    /// A paired tag used as a placeholder, or a placeholder used as a pair.
    WrongForm(Tag),
    /// An opening tag that is never closed.
    Unclosed(Tag),
    /// A closing tag with no opening tag before it.
    UnopenedClose(Tag),
    /// `inner` was closed outside `outer`, or the other way round.
    Misnested { outer: Tag, inner: Tag },
}

impl fmt::Display for TagProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagProblem::Missing(t) if t.kind.is_paired() => {
                write!(f, "tag <{t}>…</{t}> is missing")
            }
            TagProblem::Missing(t) => write!(f, "placeholder <{t}/> is missing"),
            TagProblem::Repeated(t) => write!(f, "tag <{t}> occurs more than once"),
            TagProblem::Unknown(t) => write!(f, "tag {t} is not in the source"),
            TagProblem::WrongForm(t) if t.kind.is_paired() => {
                write!(f, "<{t}> must be a pair <{t}>…</{t}>, not <{t}/>")
            }
            TagProblem::WrongForm(t) => write!(f, "<{t}/> must be written as a placeholder <{t}/>"),
            TagProblem::Unclosed(t) => write!(f, "tag <{t}> is never closed with </{t}>"),
            TagProblem::UnopenedClose(t) => write!(f, "</{t}> closes a tag that is not open"),
            TagProblem::Misnested { outer, inner } => write!(
                f,
                "tags are not nested properly: </{outer}> comes before </{inner}>"
            ),
        }
    }
}

/// Checks that `translation` uses exactly the tags of the source (`expected`, in any order),
/// each once and properly nested. Returns every problem found, not only the first.
pub fn validate(translation: &str, items: &[Item], expected: &[Tag]) -> Vec<TagProblem> {
    let mut problems = Vec::new();
    // Tag-shaped elements whose name is not a tag kind at all.
    let mut rest = translation;
    while let Some(pos) = rest.find('<') {
        rest = &rest[pos..];
        match scan_tag(rest) {
            Some((raw, len)) => {
                if TagKind::from_name(raw.name).is_none() {
                    problems.push(TagProblem::Unknown(rest[..len].to_string()));
                }
                rest = &rest[len..];
            }
            None => rest = &rest[1..],
        }
    }
    let mut seen_open: Vec<Tag> = Vec::new();
    let mut seen_close: Vec<Tag> = Vec::new();
    let mut stack: Vec<Tag> = Vec::new();
    for item in items {
        match *item {
            Item::Open(t) | Item::Close(t) | Item::Atom(t) if !expected.contains(&t) => {
                let written = match item {
                    Item::Open(_) => format!("<{t}>"),
                    Item::Close(_) => format!("</{t}>"),
                    _ => format!("<{t}/>"),
                };
                if !problems.contains(&TagProblem::Unknown(written.clone())) {
                    problems.push(TagProblem::Unknown(written));
                }
            }
            Item::Atom(t) => {
                if t.kind.is_paired() {
                    problems.push(TagProblem::WrongForm(t));
                } else if seen_open.contains(&t) {
                    problems.push(TagProblem::Repeated(t));
                }
                seen_open.push(t);
            }
            Item::Open(t) => {
                if !t.kind.is_paired() {
                    problems.push(TagProblem::WrongForm(t));
                    seen_open.push(t);
                    continue;
                }
                if seen_open.contains(&t) {
                    problems.push(TagProblem::Repeated(t));
                }
                seen_open.push(t);
                stack.push(t);
            }
            Item::Close(t) => {
                if !t.kind.is_paired() {
                    problems.push(TagProblem::WrongForm(t));
                    continue;
                }
                if seen_close.contains(&t) {
                    if !problems.contains(&TagProblem::Repeated(t)) {
                        problems.push(TagProblem::Repeated(t));
                    }
                    continue;
                }
                seen_close.push(t);
                match stack.iter().rposition(|&o| o == t) {
                    None => problems.push(TagProblem::UnopenedClose(t)),
                    Some(pos) => {
                        if pos + 1 != stack.len() {
                            problems.push(TagProblem::Misnested {
                                outer: t,
                                inner: stack[stack.len() - 1],
                            });
                        }
                        stack.remove(pos);
                    }
                }
            }
            Item::Text(_) | Item::Newline => {}
        }
    }
    for t in stack {
        problems.push(TagProblem::Unclosed(t));
    }
    for &t in expected {
        if !seen_open.contains(&t) && !seen_close.contains(&t) {
            problems.push(TagProblem::Missing(t));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kind: TagKind, n: u32) -> Tag {
        Tag { kind, n }
    }

    #[test]
    fn parses_tags_text_and_entities() {
        let items = parse("a &lt;b&gt; <a1>link</a1> <code2/>\n\nend & more");
        assert_eq!(
            items,
            vec![
                Item::Text("a <b> ".into()),
                Item::Open(t(TagKind::Link, 1)),
                Item::Text("link".into()),
                Item::Close(t(TagKind::Link, 1)),
                Item::Text(" ".into()),
                Item::Atom(t(TagKind::Code, 2)),
                Item::Newline,
                Item::Text("end & more".into()),
            ]
        );
    }

    #[test]
    fn reports_every_problem() {
        let expected = [
            t(TagKind::Link, 1),
            t(TagKind::Strong, 2),
            t(TagKind::Code, 3),
        ];
        let s = "<b2>x <a1>y</b2></a1> <code3/><code3/> <u4>z</u4>";
        let problems: Vec<String> = validate(s, &parse(s), &expected)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            vec![
                "tag <u4> is not in the source",
                "tag </u4> is not in the source",
                "tags are not nested properly: </b2> comes before </a1>",
                "tag <code3> occurs more than once",
            ]
        );
    }

    #[test]
    fn missing_and_unclosed() {
        let expected = [t(TagKind::Link, 1), t(TagKind::Emphasis, 2)];
        let s = "<a1>only open";
        let problems: Vec<String> = validate(s, &parse(s), &expected)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            vec![
                "tag <a1> is never closed with </a1>",
                "tag <i2>…</i2> is missing"
            ]
        );
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_text() {
        assert_eq!(parse("a <b and c>"), vec![Item::Text("a <b and c>".into())]);
    }
}
