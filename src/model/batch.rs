//! Packing segments into batches for the model, balanced so that a run ends near its lower
//! bound.
//!
//! A request takes a fixed time plus a time per character of its answer, and a run has
//! `slots` requests in flight; its wall time is at least the total model time divided by the
//! slots, and at least its longest request. So the segments are packed into at least as many
//! batches as there are slots (when there is enough text for each to be worth its prompt),
//! balanced by expected answer length with the longest-processing-time rule, and sent largest
//! first. Each batch stays within the character budget where it can.
//!
//! An item's title and its description travel together, so that the model translates the
//! description knowing what it describes: a group starts at a heading, at an item title
//! (`1、…`, `①…`) or at a front-matter field, and every following segment joins it until the
//! next such start. A group is split only when it alone exceeds the budget. A single segment
//! too long to be anything but the bottleneck is cut at its soft line breaks (see
//! [`split_points`]); `run` joins the parts again before validation.

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

/// A batch should hold at least this many characters to be worth its instructions.
pub const MIN_BATCH_CHARS: usize = 250;

/// Packs `segments` (in document order) into batches of indices into `segments`, each of at
/// least `min_batch` characters where it can: see [`pack_sizes`].
pub fn pack(
    segments: &[&Segment],
    budget: usize,
    slots: usize,
    min_batch: usize,
) -> Vec<Vec<usize>> {
    let sizes: Vec<usize> = segments.iter().map(|s| s.tagged.chars().count()).collect();
    let starts: Vec<bool> = segments.iter().map(|s| starts_group(s)).collect();
    pack_sizes(&sizes, &starts, budget, slots, min_batch)
}

/// Packs units of `sizes` characters (`starts[i]`: unit `i` starts a group) into batches:
/// at least `slots` of them when each would still hold `min_batch` characters, at least as
/// many as the `budget` asks for but never so many that one holds less than `min_batch` (a
/// batch carries enough source to be worth what every request carries), balanced by size
/// (longest-processing-time: each group, largest first, goes to the lightest batch). Each batch lists its units in document order; the
/// batches come largest first.
pub fn pack_sizes(
    sizes: &[usize],
    starts: &[bool],
    budget: usize,
    slots: usize,
    min_batch: usize,
) -> Vec<Vec<usize>> {
    let budget = budget.max(1);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, &start) in starts.iter().enumerate().take(sizes.len()) {
        match groups.last_mut() {
            Some(g) if !start => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    // A group larger than the budget travels as single units.
    let mut units: Vec<Vec<usize>> = Vec::new();
    for g in groups {
        if g.iter().map(|&i| sizes[i]).sum::<usize>() > budget {
            units.extend(g.into_iter().map(|i| vec![i]));
        } else {
            units.push(g);
        }
    }
    if units.is_empty() {
        return Vec::new();
    }
    let size = |u: &Vec<usize>| u.iter().map(|&i| sizes[i]).sum::<usize>();
    let total: usize = units.iter().map(size).sum();
    let by_budget = total.div_ceil(budget);
    let by_slots = slots.max(1).min(total / min_batch.max(1));
    // Never so many batches that one would hold less than `min_batch`: what every request
    // carries must stay within its share, even if a batch then exceeds the budget.
    let k = by_budget
        .max(by_slots)
        .min((total / min_batch.max(1)).max(1))
        .clamp(1, units.len());
    // Largest first; equal sizes in document order, so that packing is deterministic.
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&u| (std::cmp::Reverse(size(&units[u])), units[u][0]));
    let mut bins: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); k];
    for u in order {
        let lightest = (0..k).min_by_key(|&b| (bins[b].0, b)).expect("k >= 1");
        bins[lightest].0 += size(&units[u]);
        bins[lightest].1.extend(&units[u]);
    }
    let mut batches: Vec<(usize, Vec<usize>)> =
        bins.into_iter().filter(|b| !b.1.is_empty()).collect();
    for b in &mut batches {
        b.1.sort_unstable();
    }
    batches.sort_by_key(|b| (std::cmp::Reverse(b.0), b.1[0]));
    batches.into_iter().map(|b| b.1).collect()
}

/// Where a tagged text may be cut into parts of about `part` characters: after a soft line
/// break (`\n`) that no tag spans, so that every part has whole tags. Returns the byte offsets
/// just after the chosen breaks; empty when the text is short enough or has no such break.
pub fn split_points(tagged: &str, part: usize) -> Vec<usize> {
    let part = part.max(1);
    if tagged.chars().count() <= part {
        return Vec::new();
    }
    // Candidate breaks: a newline outside every tag pair.
    let mut depth: i32 = 0;
    let mut candidates = Vec::new();
    let mut chars_before = 0usize;
    let bytes = tagged.as_bytes();
    let mut i = 0;
    while i < tagged.len() {
        let c = tagged[i..].chars().next().expect("in bounds");
        if c == '<' {
            if let Some(end) = tagged[i..].find('>') {
                let inner = &tagged[i + 1..i + end];
                let name = inner.trim_start_matches('/').trim_end_matches('/');
                let is_tag = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && name.chars().last().is_some_and(|c| c.is_ascii_digit())
                    && name.chars().all(|c| c.is_ascii_alphanumeric());
                if is_tag && !inner.ends_with('/') {
                    depth += if inner.starts_with('/') { -1 } else { 1 };
                }
            }
        } else if c == '\n' && depth == 0 && bytes.get(i + 1).is_some() {
            candidates.push((i + 1, chars_before + 1));
        }
        chars_before += 1;
        i += c.len_utf8();
    }
    // Greedy: cut at the last break before a part grows past `part` (or at the first break
    // after it, when there is none before).
    let total = chars_before;
    let mut points = Vec::new();
    let mut start = 0;
    let mut last: Option<(usize, usize)> = None;
    for (byte, chars) in candidates.into_iter().chain([(tagged.len(), total)]) {
        let end = byte == tagged.len();
        if chars - start > part {
            if let Some((b, c)) = last.take() {
                points.push(b);
                start = c;
            }
            if chars - start > part && !end {
                points.push(byte);
                start = chars;
                continue;
            }
        }
        if !end {
            last = Some((byte, chars));
        }
    }
    points.dedup();
    points
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
        // One slot and a budget that asks for two batches: each title stays with its
        // description; the batches are balanced, largest first, in document order inside.
        let batches = pack(&segs, 24, 1, 1);
        assert_eq!(batches, vec![vec![1, 2], vec![0, 3, 4, 5]]);
        assert_eq!(pack(&segs, 10_000, 1, 1), vec![vec![0, 1, 2, 3, 4, 5]]);
        // Batches at least as large as asked for, even beyond the budget.
        assert_eq!(pack(&segs, 24, 1, 1_000), vec![vec![0, 1, 2, 3, 4, 5]]);
        // A group larger than the budget is split into single segments.
        assert_eq!(pack(&segs, 5, 1, 1).len(), 6);
    }

    #[test]
    fn balances_batches_over_the_slots() {
        // Ten groups of sizes 100..=1000 over 4 slots: loads within 10 % of each other.
        let sizes: Vec<usize> = (1..=10).map(|n| n * 100).collect();
        let starts = vec![true; 10];
        let batches = pack_sizes(&sizes, &starts, 100_000, 4, MIN_BATCH_CHARS);
        assert_eq!(batches.len(), 4);
        let loads: Vec<usize> = batches
            .iter()
            .map(|b| b.iter().map(|&i| sizes[i]).sum())
            .collect();
        assert_eq!(loads.iter().sum::<usize>(), 5500);
        assert!(
            loads.windows(2).all(|w| w[0] >= w[1]),
            "largest first: {loads:?}"
        );
        // Within the longest-processing-time bound: 4/3 of the even share.
        assert!(loads[0] * 3 <= 5500 / 4 * 4, "{loads:?}");
        // Too little text for four batches worth their prompt: fewer.
        assert_eq!(
            pack_sizes(&[100, 100, 100], &[true; 3], 100_000, 4, MIN_BATCH_CHARS).len(),
            1
        );
    }

    #[test]
    fn cuts_long_text_only_at_breaks_outside_tags() {
        let text = "aaaa\nbb<a1>b\nb</a1>bb\ncccc\ndddd";
        let points = split_points(text, 8);
        let mut parts = Vec::new();
        let mut start = 0;
        for p in points {
            parts.push(&text[start..p]);
            start = p;
        }
        parts.push(&text[start..]);
        assert_eq!(parts, ["aaaa\n", "bb<a1>b\nb</a1>bb\n", "cccc\n", "dddd"]);
        assert!(split_points("short", 8).is_empty());
    }
}
