//! Aligning an original with an edition: which run of the edition stands for which segment.
//!
//! The blocks the locale's rules replace are set aside on the original's side, and the blocks
//! that hold the locale's messages on the edition's side; the remaining body runs are paired
//! by shape (block kind and markup) with a diff, so that a run added or lost on one side does
//! not shift the pairs after it. `check`, `review` and `adopt` all pair this way.

use std::ops::Range;

use pulldown_cmark::{Event, Parser};

use crate::edition::rules::{self as edition, Rule};
use crate::lang::Lang;
use crate::markdown::segment::{markdown_options, Document, Segment, SegmentOptions};

/// Whether `offset` lies outside every `excluded` range.
pub fn in_body(offset: usize, excluded: &[Range<usize>]) -> bool {
    !excluded
        .iter()
        .any(|r| r.start <= offset && offset < r.end.max(r.start + 1))
}

/// Top-level blocks of `text` that come from the locale's messages.
pub fn locale_blocks(text: &str, locale_texts: &[String]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    let raw = text[range.clone()].trim();
                    let heading_text = raw.trim_start_matches('#').trim();
                    if !raw.is_empty()
                        && locale_texts
                            .iter()
                            .any(|m| m.contains(raw) || m.trim() == heading_text)
                    {
                        // A heading stays a heading of the structure: only its text is the
                        // locale's (as in the original, where rules replace a heading's text).
                        let block = &text[range.clone()];
                        let marker = if block.starts_with('#')
                            && locale_texts.iter().any(|m| m.trim() == heading_text)
                        {
                            block.len() - block.trim_start_matches('#').trim_start().len()
                        } else {
                            0
                        };
                        out.push(range.start + marker..range.end);
                    }
                }
                depth += 1;
            }
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    out
}

/// Pairs two sequences of runs by their shape (block kind and markup), so that a run added
/// or lost on one side does not shift the pairs after it. Unpaired runs stand alone.
pub fn pair_by_shape(
    a: &[&Segment<'_>],
    b: &[&Segment<'_>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let shape = |r: &&Segment<'_>| -> String {
        let tags: Vec<&str> = r.tags().iter().map(|t| t.kind.name()).collect();
        format!("{}:{}", r.kind.short(), tags.join(","))
    };
    let keys_a: Vec<String> = a.iter().map(shape).collect();
    let keys_b: Vec<String> = b.iter().map(shape).collect();
    pair_keys(&keys_a, &keys_b)
}

/// A run's key for pairing an original with its edition: its shape, with list items and
/// paragraphs alike (an edition may write an item `1、` as a list item `1.`), and the
/// destinations of its links and images, which a translation keeps. Runs with links are thus
/// paired by what they link to, and the runs between them by shape and order.
pub fn content_key(run: &Segment<'_>, text: &str) -> String {
    use crate::markdown::segment::Piece;
    use crate::markdown::tag::TagKind;
    let tags: Vec<&str> = run.tags().iter().map(|t| t.kind.name()).collect();
    let kind = match run.kind.short().as_ref() {
        "li" => "p".to_string(),
        k => k.to_string(),
    };
    let mut key = format!("{kind}:{}", tags.join(","));
    for p in &run.pieces {
        match p {
            Piece::Close { raw, tag } if matches!(tag.kind, TagKind::Link | TagKind::Image) => {
                key.push(' ');
                key.push_str(text[raw.clone()].trim_start_matches(']'));
            }
            _ => {}
        }
    }
    key
}

/// Pairs two sequences by their keys with a diff: equal keys pair; runs of different keys
/// between two equal ones stand side by side, in order.
pub fn pair_keys(keys_a: &[String], keys_b: &[String]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut pairs = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, keys_a, keys_b) {
        match op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => pairs.extend((0..len).map(|k| (Some(old_index + k), Some(new_index + k)))),
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => pairs.extend((0..old_len).map(|k| (Some(old_index + k), None))),
            similar::DiffOp::Insert {
                new_index, new_len, ..
            } => pairs.extend((0..new_len).map(|k| (None, Some(new_index + k)))),
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Different shapes: side by side, in order.
                for k in 0..old_len.max(new_len) {
                    pairs.push((
                        (k < old_len).then_some(old_index + k),
                        (k < new_len).then_some(new_index + k),
                    ));
                }
            }
        }
    }
    pairs
}

/// The body runs of an original and its edition (without the blocks the locale replaces or
/// that its messages wrote), paired by shape.
pub struct Paired<'o, 'e> {
    pub original: Document<'o>,
    pub edition: Document<'e>,
    /// Indices into `original.runs` and `edition.runs`.
    pub pairs: Vec<(Option<usize>, Option<usize>)>,
}

pub fn pair_runs<'o, 'e>(
    original: &'o str,
    edition_text: &'e str,
    rules: &[Rule],
    target: Lang,
    locale_texts: &[String],
    options: &SegmentOptions,
) -> Paired<'o, 'e> {
    let found = edition::find(original, rules, target.code());
    let excluded_o: Vec<Range<usize>> = found.iter().map(|f| f.range.clone()).collect();
    let excluded_e = locale_blocks(edition_text, locale_texts);
    let od = Document::parse(original, options);
    let ed = Document::parse(
        edition_text,
        &SegmentOptions {
            source: target,
            ..options.clone()
        },
    );
    let ob: Vec<usize> = (0..od.runs.len())
        .filter(|&i| in_body(od.runs[i].range.start, &excluded_o))
        .collect();
    let eb: Vec<usize> = (0..ed.runs.len())
        .filter(|&j| in_body(ed.runs[j].range.start, &excluded_e))
        .collect();
    let a: Vec<&Segment<'_>> = ob.iter().map(|&i| &od.runs[i]).collect();
    let b: Vec<&Segment<'_>> = eb.iter().map(|&j| &ed.runs[j]).collect();
    let keys_a: Vec<String> = a.iter().map(|r| content_key(r, original)).collect();
    let keys_b: Vec<String> = b.iter().map(|r| content_key(r, edition_text)).collect();
    let pairs = pair_keys(&keys_a, &keys_b)
        .into_iter()
        .map(|(x, y)| (x.map(|x| ob[x]), y.map(|y| eb[y])))
        .collect();
    Paired {
        original: od,
        edition: ed,
        pairs,
    }
}
