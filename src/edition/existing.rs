//! Reading an existing edition's text back as tagged text.
//!
//! A run of an edition (a paragraph a person may have edited) is turned back into the tagged
//! form of the original's segment it translates, each tag numbered like the segment's tag with
//! the same kind and delimiters, so that it can be kept, validated and stored in the memory
//! like a model's answer.

use std::collections::HashMap;

use crate::markdown::segment::{Piece, Segment};
use crate::markdown::tag::{push_escaped, Tag, TagKind};

/// The tagged text of `edited` (a run of the existing edition), with each tag numbered like
/// the tag of the original segment that has the same kind and delimiters.
pub fn retag(
    seg: &Segment<'_>,
    original: &str,
    edited: &Segment<'_>,
    existing: &str,
    rewrite: &dyn Fn(&str) -> String,
) -> Option<String> {
    // Each tag of the original segment, by kind and delimiters as an edition writes them.
    let signature = |pieces: &[Piece<'_>],
                     text: &str,
                     tag: Tag,
                     rewrite: &dyn Fn(&str) -> String|
     -> (TagKind, String, String) {
        let mut open = String::new();
        let mut close = String::new();
        for p in pieces {
            match p {
                Piece::Open { raw, tag: t } | Piece::Atom { raw, tag: t } if *t == tag => {
                    open = rewrite(&text[raw.clone()])
                }
                Piece::Close { raw, tag: t } if *t == tag => close = rewrite(&text[raw.clone()]),
                _ => {}
            }
        }
        (tag.kind, open, close)
    };
    let mut available: Vec<((TagKind, String, String), Tag)> = seg
        .tags()
        .into_iter()
        .map(|t| (signature(&seg.pieces, original, t, rewrite), t))
        .collect();
    let identity = |s: &str| s.to_string();
    let mut renumber: HashMap<Tag, Tag> = HashMap::new();
    for t in edited.tags() {
        let sig = signature(&edited.pieces, existing, t, &identity);
        let pos = available.iter().position(|(s, _)| *s == sig)?;
        renumber.insert(t, available.remove(pos).1);
    }
    let mut tagged = String::new();
    for p in &edited.pieces {
        match p {
            Piece::Text { text, .. } => push_escaped(&mut tagged, text),
            Piece::Open { tag, .. } => renumber[tag].write_open(&mut tagged),
            Piece::Close { tag, .. } => renumber[tag].write_close(&mut tagged),
            Piece::Atom { tag, .. } => renumber[tag].write_atom(&mut tagged),
            Piece::Break { .. } => tagged.push('\n'),
        }
    }
    Some(tagged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::segment::{Document, SegmentOptions};

    #[test]
    fn an_edited_run_is_numbered_like_the_original() {
        let original = "文字 **粗体** 和 [链接](https://a.b)。\n";
        let doc = Document::parse(original, &SegmentOptions::default());
        let seg = &doc.runs[0];
        // A person moved the link before the bold text and reworded.
        let edited = "A [link](https://a.b) and **strong** text.\n";
        let ed = Document::parse(edited, &SegmentOptions::default());
        let tagged = retag(seg, original, &ed.runs[0], edited, &|s| s.to_string());
        assert_eq!(
            tagged.as_deref(),
            Some("A <a2>link</a2> and <b1>strong</b1> text.")
        );
        // Another destination is not the original's link.
        let other = "A [link](https://c.d) and **strong** text.\n";
        let od = Document::parse(other, &SegmentOptions::default());
        assert_eq!(
            retag(seg, original, &od.runs[0], other, &|s| s.to_string()),
            None
        );
    }
}
