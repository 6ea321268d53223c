//! Packing segments into batches for the model.
//!
//! Segments are packed in document order into batches whose tagged source stays within a
//! character budget. An item's title and its description travel together, so that the model
//! translates the description knowing what it describes: a group starts at a heading, at an
//! item title (`1、…`, `①…`) or at a front-matter field, and every following segment joins it
//! until the next such start. A group is split only when it alone exceeds the budget.

use crate::markdown::segment::{BlockKind, Segment};

/// Whether `segment` starts a new group (heading, item title, front matter).
pub fn starts_group(segment: &Segment) -> bool {
    match segment.kind {
        BlockKind::Heading(_) | BlockKind::FrontMatter(_) => true,
        _ => segment.item.is_some() || is_item_title(&segment.tagged),
    }
}

/// `1、…`, `12、…` or a circled number `①`…`⑳` at the start of the text (the segmenter keeps
/// a paragraph's item number out of its text; this finds the others).
pub fn is_item_title(tagged: &str) -> bool {
    let digits = tagged.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && tagged[digits..].starts_with('、') {
        return true;
    }
    tagged
        .chars()
        .next()
        .is_some_and(|c| ('\u{2460}'..='\u{2473}').contains(&c))
}

/// Packs `segments` (in document order) into batches of indices into `segments`, each
/// within `budget` characters of tagged source where possible.
pub fn pack(segments: &[&Segment], budget: usize) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if !starts_group(s) => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    let size = |i: &usize| segments[*i].tagged.chars().count();
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_size = 0;
    for group in groups {
        let group_size: usize = group.iter().map(size).sum();
        let pieces = if group_size > budget {
            group.into_iter().map(|i| vec![i]).collect()
        } else {
            vec![group]
        };
        for piece in pieces {
            let piece_size: usize = piece.iter().map(size).sum();
            if !current.is_empty() && current_size + piece_size > budget {
                batches.push(std::mem::take(&mut current));
                current_size = 0;
            }
            current.extend(piece);
            current_size += piece_size;
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::segment::{Document, SegmentOptions};

    #[test]
    fn keeps_titles_with_their_descriptions() {
        let md = "## 文章\n\n1、[标题一](u)\n\n描述一，稍长一些的文字。\n\n2、[标题二](u)\n\n描述二。\n\n① 摘要\n";
        let doc = Document::parse(md, &SegmentOptions::default());
        let segs: Vec<&Segment> = doc.segments().collect();
        assert_eq!(segs.len(), 6);
        // Budget fits one item at a time: the heading, then each title with its description.
        let batches = pack(&segs, 24);
        assert_eq!(batches, vec![vec![0], vec![1, 2], vec![3, 4, 5]]);
        assert_eq!(pack(&segs, 10_000), vec![vec![0, 1, 2, 3, 4, 5]]);
        // A group larger than the budget is split into single segments.
        assert_eq!(
            pack(&segs, 5),
            vec![vec![0], vec![1], vec![2], vec![3], vec![4], vec![5]]
        );
    }
}
