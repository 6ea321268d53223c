//! Paragraph accounting: every paragraph of the original's body has its counterpart in the
//! edition, and the edition has no paragraph of its own.
//!
//! Each body is read as its leaf blocks (paragraphs, list items without paragraphs, headings,
//! code, HTML and tables), keyed by shape: the block's kind and the destinations of its links
//! and images, which a translation keeps (code by its bytes). The two sequences are paired
//! with a Patience diff, as runs are (see `edition::align`): blocks with links anchor the
//! pairing, so that the paragraphs between them pair by order, and one lost paragraph does not
//! shift the pairs after it. A paragraph left without a counterpart is a finding; headings,
//! code and tables have rules of their own.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::edition::align::{in_body, pair_keys};
use crate::markdown::segment::markdown_options;

/// A leaf block of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its shape, as paired.
    pub key: String,
    /// Its bytes.
    pub start: usize,
    pub end: usize,
    /// Its text, to name it and read its script.
    pub text: String,
    /// Whether it is a paragraph (or a list item's text), which this rule accounts for.
    pub paragraph: bool,
}

/// The leaf blocks of `text` outside `excluded`, with link and image destinations passed
/// through `rewrite`.
pub fn blocks(
    text: &str,
    excluded: &[Range<usize>],
    rewrite: &dyn Fn(&str) -> String,
) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // The open leaf: (kind, start, key parts, words); an item is a leaf until a block opens in it.
    let mut open: Option<(String, usize, String, String)> = None;
    let mut meta = false;
    let mut code_depth = false;
    let finish =
        |open: &mut Option<(String, usize, String, String)>, out: &mut Vec<Block>, end: usize| {
            if let Some((kind, start, key, words)) = open.take() {
                if in_body(start, excluded) {
                    out.push(Block {
                        paragraph: kind == "p",
                        key: format!("{kind}{key}"),
                        start,
                        end: text[start..end].trim_end().len() + start,
                        text: words.trim().to_string(),
                    });
                }
            }
        };
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => meta = false,
            _ if meta => {}
            Event::Start(Tag::Item) => {
                // A tight item's text is its own leaf; one with paragraphs is not.
                finish(&mut open, &mut out, range.start);
                open = Some(("p".into(), range.start, String::new(), String::new()));
            }
            Event::Start(
                tag @ (Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
                | Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_)),
            ) => {
                let in_table = open.as_ref().is_some_and(|o| o.0 == "table");
                if in_table {
                    continue;
                }
                // A block inside an item: the item had text before it (a leaf), or none.
                if let Some(o) = &open {
                    if o.0 == "p" && o.3.trim().is_empty() && o.2.is_empty() {
                        open = None;
                    }
                }
                finish(&mut open, &mut out, range.start);
                let kind = match tag {
                    Tag::Paragraph => "p".to_string(),
                    Tag::Heading { level, .. } => format!("h{}", level as u8),
                    Tag::CodeBlock(_) => {
                        code_depth = true;
                        "code".into()
                    }
                    Tag::HtmlBlock => "html".into(),
                    Tag::Table(_) => "table".into(),
                    _ => continue,
                };
                open = Some((kind, range.start, String::new(), String::new()));
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Table
                | TagEnd::Item,
            ) => {
                let keep_table = open.as_ref().is_some_and(|o| o.0 == "table")
                    && !matches!(event, Event::End(TagEnd::Table));
                if !keep_table {
                    code_depth = false;
                    finish(&mut open, &mut out, range.end);
                }
            }
            // A link inside text a rule replaces (a heading's text, say) is not the block's.
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if in_body(range.start, excluded) =>
            {
                if let Some(o) = &mut open {
                    o.2.push(' ');
                    o.2.push_str(&crate::check::normalize_url(&rewrite(&dest_url)));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(o) = &mut open {
                    if code_depth {
                        o.2.push_str(&t);
                    } else {
                        o.3.push_str(&t);
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(o) = &mut open {
                    if o.0 == "html" {
                        o.2.push_str(h.trim());
                    }
                }
            }
            _ => {}
        }
    }
    finish(&mut open, &mut out, text.len());
    out
}

/// The paragraphs of `original` and of `edition` that have no counterpart on the other side,
/// as indices.
pub fn unpaired(original: &[Block], edition: &[Block]) -> (Vec<usize>, Vec<usize>) {
    let a: Vec<String> = original.iter().map(|b| b.key.clone()).collect();
    let b: Vec<String> = edition.iter().map(|b| b.key.clone()).collect();
    let (mut lost, mut added) = (Vec::new(), Vec::new());
    for pair in pair_keys(&a, &b) {
        match pair {
            (Some(i), None) if original[i].paragraph => lost.push(i),
            (None, Some(j)) if edition[j].paragraph => added.push(j),
            _ => {}
        }
    }
    (lost, added)
}

/// A block's first words, for a message: at most 24 characters, then `…`.
pub fn first_words(words: &str) -> String {
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = words.chars().take(24).collect();
    if words.chars().count() > 24 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        blocks(text, &[], &|u: &str| u.to_string())
            .into_iter()
            .map(|b| format!("{}|{}", b.key, b.text))
            .collect()
    }

    #[test]
    fn reads_leaf_blocks_by_shape() {
        let text = "# T\n\n1、[a](https://a)\n\ndesc *x*\n\n- one\n- [two](https://b)\n\n```\ncode\n```\n\n| a |\n|---|\n| b |\n";
        assert_eq!(
            keys(text),
            [
                "h1|T",
                "p https://a|1、a",
                "p|desc x",
                "p|one",
                "p https://b|two",
                "codecode\n|",
                "table|ab"
            ]
        );
    }

    #[test]
    fn one_lost_paragraph_does_not_shift_the_rest() {
        let o = "1、[a](https://a)\n\ndesc a\n\n2、[b](https://b)\n\ndesc b\n\n3、[c](https://c)\n\ndesc c\n";
        let e = "1\\. [a](https://a)\n\nA\n\n2\\. [b](https://b)\n\n3\\. [c](https://c)\n\nC\n";
        let id = |u: &str| u.to_string();
        let (ob, eb) = (blocks(o, &[], &id), blocks(e, &[], &id));
        let (lost, added) = unpaired(&ob, &eb);
        assert_eq!(
            lost.iter()
                .map(|&i| ob[i].text.as_str())
                .collect::<Vec<_>>(),
            ["desc b"]
        );
        assert!(added.is_empty());
    }
}
