//! The existing edition: what a person changed in it, and whether it still fits.
//!
//! Before an edition is overwritten, the new text is compared with the existing one. They must
//! have the same block structure (the same headings, paragraphs, lists, tables and code, in
//! the same order); otherwise the original was restructured since, and the hand edits cannot be
//! placed: translate refuses to overwrite. With the same structure, every segment whose text in
//! the existing edition differs from the new one was edited by hand: its edited text is turned
//! back into tagged text (numbered like the original's segment) so that it is kept, recorded
//! in the memory as approved, and listed.

use std::collections::HashMap;
use std::ops::Range;

use crate::markdown::segment::{Document, Piece, Segment, SegmentOptions};
use crate::markdown::splice::check_translation;
use crate::markdown::tag::{push_escaped, Tag, TagKind};

/// A segment edited by hand in the existing edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandEdit {
    pub id: String,
    pub line: usize,
    /// The edited text, as tagged text numbered like the original's segment.
    pub tagged: String,
}

/// Why the existing edition cannot be compared with the new one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the existing edition `{path}` no longer has the original's structure ({detail}), so its hand edits cannot be placed\n  hint: compare it with the original, move the hand edits into the memory with `editions memory import`, then rerun with --retranslate to replace it")]
pub struct Mismatch {
    pub path: String,
    pub detail: String,
}

/// Finds the segments of the original whose text was edited by hand in `existing`.
///
/// `new` is the edition as it would be written now, and `placed` says where each segment of
/// `original` landed in it (segments in replaced blocks are absent). `rewrite` turns an
/// original link destination into the one written in editions.
pub fn hand_edits(
    original: &Document<'_>,
    new: &str,
    placed: &[(usize, Range<usize>)],
    existing: &str,
    path: &str,
    rewrite: &dyn Fn(&str) -> String,
) -> Result<Vec<HandEdit>, Mismatch> {
    let options = SegmentOptions {
        // Every inline run is compared, whatever its language.
        ..original.options.clone()
    };
    let n = Document::parse_with_skeleton(new, &options);
    let e = Document::parse_with_skeleton(existing, &options);
    let mismatch = |detail: String| Mismatch {
        path: path.to_string(),
        detail,
    };
    if n.skeleton != e.skeleton {
        let (a, b) = (
            n.skeleton.unwrap_or_default(),
            e.skeleton.unwrap_or_default(),
        );
        let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        return Err(mismatch(format!(
            "its block structure differs from block {} on; the new edition has {} block events, the existing one {}",
            at + 1,
            a.len(),
            b.len()
        )));
    }
    if n.runs.len() != e.runs.len() {
        return Err(mismatch(format!(
            "it has {} runs of text where the new edition has {}",
            e.runs.len(),
            n.runs.len()
        )));
    }
    let by_start: HashMap<usize, usize> = n
        .runs
        .iter()
        .enumerate()
        .map(|(k, r)| (r.range.start, k))
        .collect();
    let mut edits = Vec::new();
    for (i, range) in placed {
        let Some(&k) = by_start.get(&range.start) else {
            continue;
        };
        let (nr, er) = (&n.runs[k], &e.runs[k]);
        if new[nr.range.clone()] == existing[er.range.clone()] {
            continue;
        }
        let seg = &original.runs[*i];
        let Some(tagged) = retag(seg, original.text, er, existing, rewrite) else {
            continue;
        };
        if check_translation(seg, &tagged).is_ok() {
            edits.push(HandEdit {
                id: seg.id.clone(),
                line: seg.line,
                tagged,
            });
        }
    }
    Ok(edits)
}

/// The tagged text of `edited` (a run of the existing edition), with each tag numbered like
/// the tag of the original segment that has the same kind and delimiters.
fn retag(
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
    use std::collections::BTreeMap;

    #[test]
    fn finds_a_hand_edit_and_numbers_its_tags_like_the_original() {
        let original = "# 标题\n\n文字 **粗体** 和 [链接](https://a.b)。\n";
        let doc = Document::parse(original, &SegmentOptions::default());
        let ids: Vec<String> = doc.segments().map(|s| s.id.clone()).collect();
        let map = BTreeMap::from([
            (ids[0].clone(), "Title".to_string()),
            (
                ids[1].clone(),
                "Text <b1>bold</b1> and <a2>link</a2>.".to_string(),
            ),
        ]);
        let merged = crate::markdown::splice::merge_placed(&doc, &map).unwrap();
        assert_eq!(
            merged.text,
            "# Title\n\nText **bold** and [link](https://a.b).\n"
        );
        // A person moved the link before the bold text and reworded.
        let existing = "# Title\n\nA [link](https://a.b) and **strong** text.\n";
        let edits = hand_edits(
            &doc,
            &merged.text,
            &merged.placed,
            existing,
            "en.md",
            &|s| s.to_string(),
        )
        .unwrap();
        assert_eq!(
            edits,
            vec![HandEdit {
                id: ids[1].clone(),
                line: 3,
                tagged: "A <a2>link</a2> and <b1>strong</b1> text.".into()
            }]
        );
        // A restructured edition is refused.
        let err = hand_edits(
            &doc,
            &merged.text,
            &merged.placed,
            "# Title\n\n- list\n",
            "en.md",
            &|s| s.to_string(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the existing edition `en.md` no longer has the original's structure"),
            "{err}"
        );
    }
}
