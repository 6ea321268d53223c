//! Packing: the segments to send cut into units (long ones into parts) and packed into
//! batches by the character budget, with the messages of each request.

use crate::glossary::Glossary;
use crate::markdown::segment::Segment;
use crate::model::batch;
use crate::model::prompt::{self};

use super::{Guide, Settings};

/// The two messages of a request for `units`. The user message keys each unit by its place
/// in the request (`"1"`, `"2"`…), not by its segment id: the keys are paid for in every
/// request and mean nothing to the model; the answer is read back by the same keys.
pub(crate) fn batch_messages(
    units: &[Unit<'_>],
    glossary: &Glossary,
    guide: &Guide<'_>,
    settings: &Settings,
    rejected: &[(String, String)],
) -> (String, String) {
    let text: String = units
        .iter()
        .map(|u| match u.part {
            None => u.seg.plain_text(),
            Some(_) => u.text.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let terms = glossary.terms_in(&text);
    let keep = glossary.keep_in(&text);
    let key_of = |id: &str| {
        units
            .iter()
            .position(|u| u.id() == id)
            .map_or_else(|| id.to_string(), request_key)
    };
    let rejected: Vec<(String, String)> = rejected
        .iter()
        .map(|(id, why)| (key_of(id), why.clone()))
        .collect();
    // Runs of keys under one section.
    let mut sections: Vec<(String, String, &str)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let Some(heading) = guide.section_of.get(u.seg.id.as_str()) else {
            continue;
        };
        match sections.last_mut() {
            Some((_, last, h)) if *h == heading.as_str() && *last == request_key(i - 1) => {
                *last = request_key(i)
            }
            _ => sections.push((request_key(i), request_key(i), heading.as_str())),
        }
    }
    let mut context = prompt::Context {
        title: guide.title.as_deref(),
        sections,
        style: settings.guidance.style.as_deref(),
        examples: Vec::new(),
    };
    let entries: Vec<(String, String)> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (request_key(i), u.text.clone()))
        .collect();
    let user = prompt::user_message(&entries);
    // Examples fill what the share leaves of this request, within their own budget.
    let system_of = |context: &prompt::Context<'_>| {
        prompt::system_message(
            settings.source,
            settings.target,
            context,
            &terms,
            &keep,
            &rejected,
        )
    };
    let without = system_of(&context);
    let room = (settings.guidance.prompt_share * user.chars().count() as f64) as usize;
    let budget = room
        .saturating_sub(without.chars().count() + prompt::EXAMPLES_HEADER.chars().count())
        .min(settings.guidance.examples_chars);
    let examples = guide.examples(units, budget);
    context.examples = examples
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    let system = if context.examples.is_empty() {
        without
    } else {
        system_of(&context)
    };
    (system, user)
}

/// The key of the `i`-th unit of a request.
pub(crate) fn request_key(i: usize) -> String {
    (i + 1).to_string()
}

/// A part of a segment cut at a soft line break: its place among the segment's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) index: usize,
    pub(crate) count: usize,
    /// The part size the segment was cut with, to cut it the same way again.
    pub(crate) size: usize,
}

/// What one entry of a request holds: a whole segment, or a part of a long one.
#[derive(Debug, Clone)]
pub(crate) struct Unit<'d> {
    pub(crate) seg: &'d Segment<'d>,
    pub(crate) part: Option<Part>,
    /// The tagged text sent.
    pub(crate) text: String,
}

impl Unit<'_> {
    /// The id the model sees: the segment's, and `.N` for its N-th part.
    pub(crate) fn id(&self) -> String {
        match self.part {
            None => self.seg.id.clone(),
            Some(p) => format!("{}.{}", self.seg.id, p.index + 1),
        }
    }
}

/// The request slots batches are balanced over: none to balance in batch mode.
pub(crate) fn slots(settings: &Settings) -> usize {
    if settings.batch_api {
        1
    } else {
        settings.concurrency.max(1)
    }
}

/// Parts are never made smaller than this.
pub(crate) const MIN_PART_CHARS: usize = 800;

/// A segment's parts, cut at soft line breaks into about `part` characters each; one unit,
/// the whole segment, when it is short enough or cannot be cut.
pub(crate) fn units_of<'d>(seg: &'d Segment<'d>, part: usize) -> Vec<Unit<'d>> {
    let points = if seg.tagged.chars().count() > part + part / 4 {
        batch::split_points(&seg.tagged, part)
    } else {
        Vec::new()
    };
    if points.is_empty() {
        return vec![Unit {
            seg,
            part: None,
            text: seg.tagged.clone(),
        }];
    }
    let mut bounds = vec![0];
    bounds.extend(points);
    bounds.push(seg.tagged.len());
    let count = bounds.len() - 1;
    bounds
        .windows(2)
        .enumerate()
        .map(|(index, w)| Unit {
            seg,
            part: Some(Part {
                index,
                count,
                size: part,
            }),
            text: seg.tagged[w[0]..w[1]].to_string(),
        })
        .collect()
}

/// The size of a part for these pending segments: their share of one slot, within the batch
/// budget, never below [`MIN_PART_CHARS`].
pub(crate) fn part_size(pending: &[&Segment<'_>], settings: &Settings) -> usize {
    let total: usize = pending.iter().map(|s| s.tagged.chars().count()).sum();
    (total / slots(settings))
        .min(settings.batch_chars)
        .max(MIN_PART_CHARS)
}

/// The pending segments as units (a segment too long to be anything but the run's
/// bottleneck cut into parts), packed into balanced batches, largest first.
pub(crate) fn packed<'d>(
    pending: &[&'d Segment<'d>],
    guide: &Guide<'_>,
    settings: &Settings,
) -> Vec<Vec<Unit<'d>>> {
    let part = part_size(pending, settings);
    let mut units: Vec<Unit<'d>> = Vec::new();
    let mut starts = Vec::new();
    for &seg in pending {
        let start = batch::starts_group(seg);
        let cut = units_of(seg, part);
        // Parts travel as units of their own, so that they spread over the slots.
        let whole = cut.len() == 1;
        for u in cut {
            starts.push(start || !whole);
            units.push(u);
        }
    }
    let sizes: Vec<usize> = units.iter().map(|u| u.text.chars().count()).collect();
    // A batch holds enough source for what every request carries to be within its share:
    // the fixed part, and a quarter more for the glossary entries and sections it brings.
    let share = settings.guidance.prompt_share.max(0.01);
    let min_batch =
        ((guide.fixed_chars(settings) as f64 * 1.25 / share) as usize).max(batch::MIN_BATCH_CHARS);
    batch::pack_sizes(
        &sizes,
        &starts,
        settings.batch_chars.max(min_batch),
        settings.concurrency.max(1),
        min_batch,
    )
    .into_iter()
    .map(|b| b.into_iter().map(|i| units[i].clone()).collect())
    .collect()
}
