//! Paragraph accounting: every paragraph of the original's body has its counterpart in the
//! edition, and the edition has no paragraph of its own.
//!
//! Each body is read as its leaf blocks (paragraphs, list items without paragraphs, headings,
//! code, HTML and tables), each a unit of the aligner (see `edition::align`) with its shape,
//! length and anchors: link and image destinations, numbers, Latin names, code and its item
//! number. The two sequences are aligned by what they say, so one lost paragraph does not
//! shift the pairs after it: a paragraph left without a counterpart is lost (or added), two
//! paragraphs paired with one were merged (or one was split). Headings, code and tables have
//! rules of their own.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::edition::align::{self, in_body, Anchors, Message, Shape, Unit};
use crate::lang::Lang;
use crate::markdown::dialect::Dialect;

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
    /// Its link and image destinations, normalized.
    pub links: Vec<String>,
    /// Its code (inline or the block's).
    pub code: Vec<String>,
    /// How deep in lists it stands.
    pub depth: u8,
}

impl Block {
    fn unit(&self, messages: &[Message]) -> Unit {
        let shape = match self.key.split(' ').next().unwrap_or("") {
            "p" => Shape::Text,
            k if k.starts_with('h') && k.len() == 2 => Shape::Heading,
            k if k.starts_with("code") => Shape::Code,
            "table" => Shape::Table,
            _ => Shape::Html,
        };
        let anchors = Anchors::read(
            &self.text,
            self.links.iter().cloned(),
            self.code.iter().cloned(),
            align::leading_item(&self.text),
        );
        Unit {
            shape,
            chars: self.text.chars().filter(|c| !c.is_whitespace()).count(),
            boilerplate: !messages.is_empty()
                && align::reads_as_boilerplate(&self.text, &anchors.links, messages),
            depth: self.depth,
            anchors,
        }
    }
}

/// The leaf blocks of `text` outside `excluded`, with link and image destinations passed
/// through `rewrite`.
pub fn blocks(
    text: &str,
    excluded: &[Range<usize>],
    rewrite: &dyn Fn(&str) -> String,
    dialect: Dialect,
) -> Vec<Block> {
    let mut leaves = Leaves {
        text,
        excluded,
        rewrite,
        out: Vec::new(),
        open: None,
        links: Vec::new(),
        code: Vec::new(),
        lists: 0,
        depth_at_open: 0,
        meta: false,
        code_depth: false,
    };
    let masked = dialect.masked(text);
    for (event, range) in Parser::new_ext(&masked, dialect.options()).into_offset_iter() {
        leaves.event(event, range);
    }
    leaves.finish(text.len());
    leaves.out
}

/// A leaf being read: its kind, start, key parts and words. An item is a leaf until a block
/// opens in it.
struct Leaf {
    kind: String,
    start: usize,
    /// The parts of its key (its links, its code, its HTML).
    key: String,
    words: String,
}

/// The leaf blocks of a body read so far, event by event (see [`blocks`]).
struct Leaves<'t> {
    text: &'t str,
    excluded: &'t [Range<usize>],
    rewrite: &'t dyn Fn(&str) -> String,
    out: Vec<Block>,
    open: Option<Leaf>,
    /// The open leaf's links and code.
    links: Vec<String>,
    code: Vec<String>,
    /// Lists open around the open leaf, and around where it started.
    lists: u8,
    depth_at_open: u8,
    meta: bool,
    code_depth: bool,
}

impl Leaves<'_> {
    /// One event of the body's parse.
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => self.meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => self.meta = false,
            _ if self.meta => {}
            Event::Start(Tag::Item) => {
                // A tight item's text is its own leaf; one with paragraphs is not.
                self.finish(range.start);
                self.open_leaf("p".into(), range.start);
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
            ) => self.block_start(tag, range.start),
            Event::End(TagEnd::List(_)) => self.lists = self.lists.saturating_sub(1),
            Event::End(
                end @ (TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Table
                | TagEnd::Item),
            ) => {
                let keep_table = self.open.as_ref().is_some_and(|o| o.kind == "table")
                    && !matches!(end, TagEnd::Table);
                if !keep_table {
                    self.code_depth = false;
                    self.finish(range.end);
                }
            }
            // A link inside text a rule replaces (a heading's text, say) is not the block's.
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if in_body(range.start, self.excluded) =>
            {
                self.link(&dest_url)
            }
            Event::Code(t) if self.open.is_some() => {
                self.code.push(t.trim().to_string());
                if let Some(o) = &mut self.open {
                    o.words.push_str(&t);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(o) = &mut self.open {
                    if self.code_depth {
                        o.key.push_str(&t);
                    } else {
                        o.words.push_str(&t);
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(o) = &mut self.open {
                    if o.kind == "html" {
                        o.key.push_str(h.trim());
                    }
                }
            }
            _ => {}
        }
    }

    /// Opens a leaf of `kind` at `start`, at the current list depth.
    fn open_leaf(&mut self, kind: String, start: usize) {
        self.open = Some(Leaf {
            kind,
            start,
            key: String::new(),
            words: String::new(),
        });
        self.depth_at_open = self.lists;
    }

    /// The start of a block: it ends the open leaf (but inside a table) and opens its own
    /// (but for a list, a quote or a footnote, which only hold leaves).
    fn block_start(&mut self, tag: Tag<'_>, start: usize) {
        let in_table = self.open.as_ref().is_some_and(|o| o.kind == "table");
        if in_table {
            return;
        }
        // A block inside an item: the item had text before it (a leaf), or none.
        if let Some(o) = &self.open {
            if o.kind == "p" && o.words.trim().is_empty() && o.key.is_empty() {
                self.open = None;
            }
        }
        self.finish(start);
        if matches!(tag, Tag::List(_)) {
            self.lists = self.lists.saturating_add(1);
        }
        let kind = match tag {
            Tag::Paragraph => "p".to_string(),
            Tag::Heading { level, .. } => format!("h{}", level as u8),
            Tag::CodeBlock(_) => {
                self.code_depth = true;
                "code".into()
            }
            Tag::HtmlBlock => "html".into(),
            Tag::Table(_) => "table".into(),
            _ => return,
        };
        self.open_leaf(kind, start);
    }

    /// A link or image destination of the body: part of the open leaf's key, and one of its
    /// links.
    fn link(&mut self, dest_url: &str) {
        if let Some(o) = &mut self.open {
            let url = crate::check::normalize_url(&(self.rewrite)(dest_url));
            o.key.push(' ');
            o.key.push_str(&url);
            self.links.push(align::normalize(&url));
        }
    }

    /// Ends the open leaf at `end`: a block, when it starts in the body. Its links and code
    /// are taken either way.
    fn finish(&mut self, end: usize) {
        let (l, c) = (
            std::mem::take(&mut self.links),
            std::mem::take(&mut self.code),
        );
        if let Some(Leaf {
            kind,
            start,
            key,
            words,
        }) = self.open.take()
        {
            if in_body(start, self.excluded) {
                let code = if kind == "code" { vec![key.clone()] } else { c };
                self.out.push(Block {
                    paragraph: kind == "p",
                    key: format!("{kind}{key}"),
                    start,
                    end: self.text[start..end].trim_end().len() + start,
                    text: words.trim().to_string(),
                    links: l,
                    code,
                    depth: self.depth_at_open,
                });
            }
        }
    }
}

/// What became of the paragraphs of an original in its edition, as indices of blocks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Paragraphs of the original with no counterpart.
    pub lost: Vec<usize>,
    /// Paragraphs of the edition with no counterpart (boilerplate aside).
    pub added: Vec<usize>,
    /// Two paragraphs of the original written as one of the edition: (first, edition).
    pub merged: Vec<(usize, usize)>,
    /// One paragraph of the original written as two of the edition: (original, first).
    pub split: Vec<(usize, usize)>,
    /// A paragraph of the original found elsewhere in the edition, by its anchors:
    /// (original, edition).
    pub moved: Vec<(usize, usize)>,
}

/// Aligns the blocks of `original` with those of `edition` (from `source` to `target`); the
/// edition's blocks that read as another wording of `messages` may go unpaired.
pub fn account(
    original: &[Block],
    edition: &[Block],
    source: Lang,
    target: Lang,
    messages: &[Message],
) -> Accounting {
    let a: Vec<Unit> = original.iter().map(|b| b.unit(&[])).collect();
    let b: Vec<Unit> = edition.iter().map(|b| b.unit(messages)).collect();
    let mut out = Accounting::default();
    // The same blocks one for one: nothing lost, added, merged or split.
    if align::same_shape(&a, &b) {
        return out;
    }
    for link in align::align(&a, &b, source, target).links {
        let (o, e) = (link.original.clone(), link.edition.clone());
        match (o.len(), e.len()) {
            (1, 0) if original[o.start].paragraph => out.lost.push(o.start),
            (0, 1) if edition[e.start].paragraph && !b[e.start].boilerplate => {
                out.added.push(e.start)
            }
            (2, 1) if original[o.start].paragraph && original[o.start + 1].paragraph => {
                out.merged.push((o.start, e.start))
            }
            (1, 2) if edition[e.start].paragraph && edition[e.start + 1].paragraph => {
                out.split.push((o.start, e.start))
            }
            _ => {}
        }
    }
    // A lost paragraph and an added one that anchors pair by themselves: one was moved.
    let mut moved = Vec::new();
    for &i in &out.lost {
        let found = out.added.iter().copied().find(|&j| {
            !moved.iter().any(|&(_, k)| k == j)
                && align::align(&a[i..=i], &b[j..=j], source, target)
                    .links
                    .first()
                    .is_some_and(|l| l.anchored)
        });
        if let Some(j) = found {
            moved.push((i, j));
        }
    }
    out.lost.retain(|i| !moved.iter().any(|(k, _)| k == i));
    out.added.retain(|j| !moved.iter().any(|(_, k)| k == j));
    out.moved = moved;
    out
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
        blocks(text, &[], &|u: &str| u.to_string(), Dialect::Gfm)
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
        let (ob, eb) = (
            blocks(o, &[], &id, Dialect::Gfm),
            blocks(e, &[], &id, Dialect::Gfm),
        );
        let found = account(&ob, &eb, Lang::Zh, Lang::En, &[]);
        assert_eq!(
            found
                .lost
                .iter()
                .map(|&i| ob[i].text.as_str())
                .collect::<Vec<_>>(),
            ["desc b"]
        );
        assert!(found.added.is_empty());
    }

    #[test]
    fn merged_and_split_paragraphs_are_said_as_such() {
        let o = "1、[a](https://a)\n\n描述甲，关于 alpha 的一段话。\n\n描述乙，关于 beta 的一段话。\n\n2、[b](https://b)\n\n描述丙，关于 gamma 的一段话，还有 delta。\n\n3、[c](https://c)\n\n描述丁，关于 omega 的话。\n";
        let id = |u: &str| u.to_string();
        let texts = |found: &Accounting, ob: &[Block], eb: &[Block]| -> Vec<String> {
            let w = |b: &Block| b.text.split_whitespace().next().unwrap_or("").to_string();
            let mut v = Vec::new();
            v.extend(found.lost.iter().map(|&i| format!("lost {}", w(&ob[i]))));
            v.extend(found.added.iter().map(|&j| format!("added {}", w(&eb[j]))));
            v.extend(
                found
                    .merged
                    .iter()
                    .map(|&(i, _)| format!("merged {}", w(&ob[i]))),
            );
            v.extend(
                found
                    .split
                    .iter()
                    .map(|&(i, _)| format!("split {}", w(&ob[i]))),
            );
            v.extend(
                found
                    .moved
                    .iter()
                    .map(|&(i, _)| format!("moved {}", w(&ob[i]))),
            );
            v
        };
        // The two descriptions of a written as one.
        let e = "1\\. [a](https://a)\n\nFirst, a paragraph on alpha. Second, a paragraph on beta.\n\n2\\. [b](https://b)\n\nThird, a paragraph on gamma and on delta.\n\n3\\. [c](https://c)\n\nFourth, a few words on omega.\n";
        let (ob, eb) = (
            blocks(o, &[], &id, Dialect::Gfm),
            blocks(e, &[], &id, Dialect::Gfm),
        );
        let found = account(&ob, &eb, Lang::Zh, Lang::En, &[]);
        assert_eq!(texts(&found, &ob, &eb), ["merged 描述甲，关于"]);
        // Gamma's in two, and c gone with its description.
        let e = "1\\. [a](https://a)\n\nFirst, a paragraph on alpha.\n\nSecond, a paragraph on beta.\n\n2\\. [b](https://b)\n\nThird, a paragraph on gamma.\n\nAnd on delta too.\n";
        let eb = blocks(e, &[], &id, Dialect::Gfm);
        let found = account(&ob, &eb, Lang::Zh, Lang::En, &[]);
        assert_eq!(
            texts(&found, &ob, &eb),
            ["lost 3、c", "lost 描述丁，关于", "split 描述丙，关于"]
        );
    }
}
