//! A translation run: from a document's segments to validated translations.
//!
//! 1. Every segment is looked up in the translation memory (an approved translation first,
//!    then one with the same source, locale, glossary entries and prompt version). A rerun of
//!    an unchanged issue stops here and sends nothing.
//! 2. The rest, each distinct source once, are packed into batches ([`crate::model::batch`]) and sent
//!    to the model, at most `concurrency` batches at a time.
//! 3. Every answer is validated segment by segment ([`crate::model::validate`]). What passes is
//!    written to the memory at once. A segment that fails is asked again alone, with the
//!    reason in the request, at most `max_repairs` times; an answer cut off by the length
//!    limit is split in two and asked again.
//! 4. A segment that still fails makes the run fail with a report of every such segment, its
//!    line and why; everything validated stays in the memory for the next run.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::{BlockKind, Document, Segment};
use crate::memory::examples::{pairs, Examples};
use crate::memory::{Author, Entry, Found, Key, Memory, MemoryError, Origin, Rating};
use crate::message::{tr, tr_attr, tr_hint};
use crate::model::batch;
use crate::model::claims::{Claimed, Owner};
use crate::model::client::{Model, ModelError};
use crate::model::prompt::{self, PROMPT_VERSION};
use crate::model::validate::validate;

/// Price of a model, in currency units per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

impl Price {
    pub fn cost(&self, prompt_tokens: u64, completion_tokens: u64) -> f64 {
        (prompt_tokens as f64 * self.input + completion_tokens as f64 * self.output) / 1e6
    }
}

/// What a run needs besides the document.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Lang,
    pub target: Lang,
    /// Character budget of a batch's tagged source.
    pub batch_chars: usize,
    /// Batches in flight at once.
    pub concurrency: usize,
    /// How often a rejected segment is asked again.
    pub max_repairs: u32,
    pub price: Price,
    /// The model's name, recorded in the memory.
    pub model_name: String,
    /// Today, `YYYY-MM-DD`, recorded in the memory.
    pub date: String,
    /// Segments not to translate (those in blocks the locale replaces or drops).
    pub skip: HashSet<String>,
    /// Segments whose translation in the memory (this text) could not be placed: asked again.
    pub distrust: HashMap<String, String>,
    /// Why a segment is asked again (a finding of the edition's check), sent with its request.
    pub reasons: HashMap<String, String>,
    /// The requests go to the provider's Batch API: all at once, packed by the budget only
    /// (there is no wall time to balance, and fewer requests cost fewer prompts).
    pub batch_api: bool,
    /// Ask the model again for what the memory has from a model (approved entries stay).
    pub refresh: bool,
    /// What requests say besides their segments, and how much of it.
    pub guidance: Guidance,
}

/// What requests say besides their segments (see [`prompt::Context`]), and its budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Guidance {
    /// The target locale's style guide, sent with every request.
    pub style: Option<String>,
    /// What a request may carry besides its source (instructions, issue, sections, style
    /// guide, glossary, examples), as a share of the source's characters: batches are made
    /// large enough for the fixed part to fit, and examples fill what is left.
    pub prompt_share: f64,
    /// At most this many characters of examples per request (0: none).
    pub examples_chars: usize,
    /// The quality pass (`--qa`): every validated translation is rated by the model, and one
    /// rated below this score (the lowest of its four marks, 1 to 5) is asked again once.
    pub qa: Option<u8>,
}

impl Default for Guidance {
    fn default() -> Self {
        Guidance {
            style: None,
            prompt_share: 0.5,
            examples_chars: 600,
            qa: None,
        }
    }
}

/// What a run knows to guide its requests: the title, each segment's section and the
/// approved translations examples are chosen from.
pub struct Guide<'d> {
    title: Option<String>,
    section_of: HashMap<&'d str, String>,
    /// Approved translations into the target locale (see [`crate::memory::examples`]).
    pool: Examples,
}

impl<'d> Guide<'d> {
    /// The guide of `doc` for a run into `settings.target`, with examples from the approved
    /// entries of `memory` when the budget allows them.
    pub fn new(
        doc: &'d Document<'d>,
        memory: &Memory,
        settings: &Settings,
    ) -> Result<Self, MemoryError> {
        let title = doc.title();
        let mut section_of = HashMap::new();
        let mut section: Option<String> = None;
        for s in &doc.runs {
            if matches!(s.kind, BlockKind::Heading(level) if level >= 2) {
                section = Some(s.plain_text());
            }
            if let Some(h) = &section {
                section_of.insert(s.id.as_str(), h.clone());
            }
        }
        let pool = if settings.guidance.examples_chars > 0 {
            memory.examples(settings.target)?
        } else {
            Examples::none()
        };
        Ok(Guide {
            title,
            section_of,
            pool,
        })
    }

    /// A guide with nothing to say (no title, sections or examples).
    pub fn empty() -> Self {
        Guide {
            title: None,
            section_of: HashMap::new(),
            pool: Examples::none(),
        }
    }

    /// The examples for `units`: the approved entries most like them (by the share of an
    /// entry's character pairs found in the batch), most alike first, ties by source, as many
    /// as `budget` characters hold. The same batch gets the same examples on every run.
    fn examples(&self, units: &[Unit<'_>], budget: usize) -> Vec<(String, String)> {
        if budget == 0 {
            return Vec::new();
        }
        let batch: HashSet<(char, char)> = units.iter().flat_map(|u| pairs(&u.text)).collect();
        let sources: HashSet<&str> = units.iter().map(|u| u.seg.tagged.as_str()).collect();
        // An index that cannot be read gives no examples: they guide, they are not needed.
        let found = self.pool.like(&batch, &sources).unwrap_or_default();
        let mut out = Vec::new();
        let mut used = 0;
        for e in found {
            let chars = prompt::example_lines(&[(e.source.as_str(), e.target.as_str())])[0]
                .chars()
                .count()
                + 1;
            if used + chars <= budget {
                used += chars;
                out.push((e.source, e.target));
            }
        }
        out
    }

    /// The characters every request of this guide carries besides its glossary and examples:
    /// instructions, the title and the style guide.
    fn fixed_chars(&self, settings: &Settings) -> usize {
        let context = prompt::Context {
            title: self.title.as_deref(),
            style: settings.guidance.style.as_deref(),
            ..Default::default()
        };
        prompt::system_message(settings.source, settings.target, &context, &[], &[], &[])
            .chars()
            .count()
    }
}

/// Receives progress; the command line draws a bar with it.
pub trait Progress: Send + Sync {
    /// `total` segments, of which `from_memory` were found in the memory.
    fn begin(&self, _total: usize, _from_memory: usize) {}
    /// `n` more segments are translated and validated.
    fn advance(&self, _n: usize) {}
    /// Something worth a line in the log (a retry, a repair).
    fn note(&self, _message: &str) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// The figures of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub segments: usize,
    pub memory_hits: usize,
    /// Chat requests made (batches, splits and repairs), not counting HTTP retries.
    pub requests: u64,
    /// HTTP retries after 429, 5xx, resets, timeouts and unreadable bodies.
    pub retries: u64,
    /// Segments asked again alone after a rejected answer.
    pub repairs: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost: f64,
    pub wall: Duration,
    /// How the model was asked to shape its answers, when it was asked anything.
    pub answer_format: Option<crate::model::client::AnswerFormat>,
    /// Rating requests of the quality pass (counted in `requests` too), and segments asked
    /// again after a low rating.
    pub qa_requests: u64,
    pub qa_redone: u64,
}

/// A segment that could not be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFailure {
    pub id: String,
    pub line: usize,
    pub reason: String,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Memory(#[from] MemoryError),
    #[error("{}", tr_hint("run-needs-model", &[("count", .missing), ("path", &.path.display())]))]
    NeedsModel { path: PathBuf, missing: usize },
    #[error("{}:\n{}\n  {}",
        tr("run-segments-failed", &[("count", &.failures.len()), ("path", &.path.display())]),
        .failures.iter().map(|f| format!("  - {}: {}", tr("segment-at", &[("id", &f.id), ("line", &f.line)]), f.reason)).collect::<Vec<_>>().join("\n"),
        tr("hint", &[("hint", &tr_attr("run-segments-failed", "hint", &[]))]))]
    Segments {
        path: PathBuf,
        failures: Vec<SegmentFailure>,
        summary: Box<Summary>,
    },
}

/// The result of a run: a translation for every segment.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub translations: BTreeMap<String, String>,
    pub summary: Summary,
    /// Memory entries found and not used (their segments were asked again).
    pub bad_entries: Vec<BadEntry>,
    /// Segments whose translation came from an approved entry: a person's text.
    pub approved: HashSet<String>,
}

/// What a run would send, without sending it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub segments: usize,
    pub memory_hits: usize,
    /// Each batch: the ids it holds and the characters of its two messages.
    pub batches: Vec<PlannedBatch>,
    /// Rating requests of the quality pass (`--qa`): one per batch.
    pub qa_requests: usize,
    /// Tokens and cost, the quality pass's included.
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost: f64,
    /// The translations the memory serves, by segment id, and which of them are a person's.
    pub from_memory: BTreeMap<String, String>,
    pub approved: HashSet<String>,
    /// Segments a later round asks again (their memory translations at fault).
    pub asked_again: usize,
}

impl Plan {
    /// The segments its batches translate, each once (a segment sent in parts is one).
    pub fn pending(&self) -> usize {
        self.batches
            .iter()
            .flat_map(|b| &b.ids)
            .map(|id| id.split_once('.').map_or(id.as_str(), |(seg, _)| seg))
            .collect::<HashSet<&str>>()
            .len()
    }

    /// Adds the requests of a later round (segments asked again) to this plan.
    pub fn add_round(&mut self, more: Plan) {
        self.asked_again += more.pending();
        self.batches.extend(more.batches);
        self.qa_requests += more.qa_requests;
        self.prompt_tokens += more.prompt_tokens;
        self.completion_tokens += more.completion_tokens;
        self.cost += more.cost;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedBatch {
    pub ids: Vec<String>,
    pub line: usize,
    pub system_chars: usize,
    pub user_chars: usize,
    /// The two messages, exactly as they would be sent.
    pub system: String,
    pub user: String,
}

/// The memory key of a segment.
pub fn memory_key(segment: &Segment, glossary: &Glossary, target: Lang) -> Key {
    let terms = glossary.terms_in(&segment.plain_text());
    Key::new(target, &segment.tagged, &terms, PROMPT_VERSION)
}

/// A memory entry that was found for a segment but not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry {
    pub id: String,
    /// Line of the segment in the original.
    pub line: usize,
    /// Line of the entry in the memory file, as read at the start of the run.
    pub memory_line: Option<usize>,
    pub why: String,
}

struct Lookup<'d> {
    translations: BTreeMap<String, String>,
    /// Segments whose translation is a person's (an approved entry).
    approved: HashSet<String>,
    /// Entries found and not used: the segment is asked again.
    bad: Vec<BadEntry>,
    hits: usize,
    /// Distinct sources to translate, first occurrence of each, in document order.
    pending: Vec<&'d Segment<'d>>,
    /// Ids sharing each pending source.
    same_source: HashMap<&'d str, Vec<&'d str>>,
}

/// `tagged` without the item number it begins with (`1、`, `1. `, `1, `, `1) `, `No. 1 `,
/// `#1 `, `①`…): a translation of an older segment, whose source held the number, or a model's
/// answer that put one before an item the locale numbers. Text that is only a number is kept.
fn without_item_number(tagged: &str) -> &str {
    let trimmed = tagged.trim_start();
    let mut rest = trimmed;
    for prefix in ["No.", "No", "#"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            if r.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                rest = r.trim_start();
                break;
            }
        }
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = if (1..=3).contains(&digits) {
        let r = &rest[digits..];
        ["、", "\\. ", ", ", ") ", ". ", ".", ": ", " - ", " "]
            .iter()
            .find_map(|m| r.strip_prefix(m))
    } else {
        rest.chars()
            .next()
            .filter(|c| ('\u{2460}'..='\u{2473}').contains(c))
            .map(|c| &rest[c.len_utf8()..])
    };
    match after {
        Some(r) if !r.trim().is_empty() => r.trim_start(),
        _ => tagged,
    }
}

/// Whether a memory entry can still be used for `seg`: the same tags (any entry), and for a
/// model's entry everything a model's answer is checked for.
fn usable(
    entry: &Found,
    seg: &Segment<'_>,
    settings: &Settings,
    glossary: &Glossary,
) -> Result<(), String> {
    if settings.distrust.get(&seg.id) == Some(&entry.target) {
        return Err(match settings.reasons.get(&seg.id) {
            Some(reason) => reason.clone(),
            None => tr("lifecycle-not-placeable", &[]),
        });
    }
    if entry.origin == Origin::Approved {
        return crate::markdown::splice::fits(seg, &entry.target);
    }
    validate(
        seg,
        &entry.target,
        settings.source,
        settings.target,
        glossary,
    )
    .map_err(|r| r.to_string())
}

fn look_up<'d>(
    doc: &'d Document<'_>,
    glossary: &Glossary,
    memory: &Memory,
    settings: &Settings,
) -> Result<Lookup<'d>, MemoryError> {
    let target = settings.target;
    let mut translations = BTreeMap::new();
    let mut bad = Vec::new();
    let mut approved = HashSet::new();
    let mut hits = 0;
    let mut pending = Vec::new();
    let mut same_source: HashMap<&str, Vec<&str>> = HashMap::new();
    for seg in doc.segments().filter(|s| !settings.skip.contains(&s.id)) {
        // An approved translation first, then the model's for this glossary and prompt; an
        // entry that no longer fits its segment is reported and passed over.
        let mut variants = memory.variants(target.code(), &seg.tagged)?;
        if let (true, Some(number)) = (variants.is_empty(), seg.item_number(doc.text)) {
            // Translated before item numbers were kept out of segments: the entry's source and
            // translation begin with the number.
            variants = memory
                .variants(target.code(), &format!("{number}{}", seg.tagged))?
                .into_iter()
                .map(|mut f| {
                    f.entry.target = without_item_number(&f.entry.target).to_string();
                    f
                })
                .collect();
        }
        let key = memory_key(seg, glossary, target);
        let candidates = [
            variants
                .iter()
                .filter(|e| e.origin == Origin::Approved)
                .max_by(|a, b| a.date.cmp(&b.date)),
            variants
                .iter()
                .filter(|e| !settings.refresh && e.origin != Origin::Candidate)
                .find(|e| e.glossary == key.glossary && e.prompt == key.prompt),
        ];
        let mut found = None;
        for entry in candidates.into_iter().flatten() {
            match usable(entry, seg, settings, glossary) {
                Ok(()) => {
                    found = Some(entry);
                    break;
                }
                Err(why) => bad.push(BadEntry {
                    id: seg.id.clone(),
                    line: seg.line,
                    memory_line: memory.line(entry.place),
                    why,
                }),
            }
        }
        if let Some(entry) = found {
            if entry.origin == Origin::Approved {
                approved.insert(seg.id.clone());
            }
            translations.insert(seg.id.clone(), entry.target.to_string());
            hits += 1;
            continue;
        }
        let ids = same_source.entry(seg.tagged.as_str()).or_default();
        if ids.is_empty() {
            pending.push(seg);
        }
        ids.push(seg.id.as_str());
    }
    bad.dedup();
    Ok(Lookup {
        translations,
        approved,
        bad,
        hits,
        pending,
        same_source,
    })
}

/// The two messages of a request for `units`. The user message keys each unit by its place
/// in the request (`"1"`, `"2"`…), not by its segment id: the keys are paid for in every
/// request and mean nothing to the model; the answer is read back by the same keys.
fn batch_messages(
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
    let without = prompt::system_message(
        settings.source,
        settings.target,
        &context,
        &terms,
        &keep,
        &rejected,
    );
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
        prompt::system_message(
            settings.source,
            settings.target,
            &context,
            &terms,
            &keep,
            &rejected,
        )
    };
    (system, user)
}

/// The key of the `i`-th unit of a request.
fn request_key(i: usize) -> String {
    (i + 1).to_string()
}

/// A part of a segment cut at a soft line break: its place among the segment's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    index: usize,
    count: usize,
    /// The part size the segment was cut with, to cut it the same way again.
    size: usize,
}

/// What one entry of a request holds: a whole segment, or a part of a long one.
#[derive(Debug, Clone)]
struct Unit<'d> {
    seg: &'d Segment<'d>,
    part: Option<Part>,
    /// The tagged text sent.
    text: String,
}

impl Unit<'_> {
    /// The id the model sees: the segment's, and `.N` for its N-th part.
    fn id(&self) -> String {
        match self.part {
            None => self.seg.id.clone(),
            Some(p) => format!("{}.{}", self.seg.id, p.index + 1),
        }
    }
}

/// The request slots batches are balanced over: none to balance in batch mode.
fn slots(settings: &Settings) -> usize {
    if settings.batch_api {
        1
    } else {
        settings.concurrency.max(1)
    }
}

/// Parts are never made smaller than this.
const MIN_PART_CHARS: usize = 800;

/// A segment's parts, cut at soft line breaks into about `part` characters each; one unit,
/// the whole segment, when it is short enough or cannot be cut.
fn units_of<'d>(seg: &'d Segment<'d>, part: usize) -> Vec<Unit<'d>> {
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
fn part_size(pending: &[&Segment<'_>], settings: &Settings) -> usize {
    let total: usize = pending.iter().map(|s| s.tagged.chars().count()).sum();
    (total / slots(settings))
        .min(settings.batch_chars)
        .max(MIN_PART_CHARS)
}

/// The pending segments as units (a segment too long to be anything but the run's
/// bottleneck cut into parts), packed into balanced batches, largest first.
fn packed<'d>(
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

/// What a run would send: batches, a token estimate and a cost estimate.
pub fn plan(
    doc: &Document<'_>,
    glossary: &Glossary,
    memory: &Memory,
    settings: &Settings,
) -> Result<Plan, MemoryError> {
    let lookup = look_up(doc, glossary, memory, settings)?;
    let guide = if lookup.pending.is_empty() {
        Guide::empty()
    } else {
        Guide::new(doc, memory, settings)?
    };
    let mut batches = Vec::new();
    let (mut prompt_tokens, mut completion_tokens) = (0, 0);
    for units in packed(&lookup.pending, &guide, settings) {
        let (system, user) = batch_messages(&units, glossary, &guide, settings, &[]);
        prompt_tokens += prompt::estimate_tokens(&system) + prompt::estimate_tokens(&user);
        // Chinese to English: about as many tokens out as in; a little more for Japanese.
        completion_tokens +=
            prompt::estimate_tokens(&user) * if settings.target == Lang::Ja { 3 } else { 2 } / 2;
        if settings.guidance.qa.is_some() {
            // The rating request: its instructions, the source and its translation in, about
            // 30 tokens per segment out.
            let rating = prompt::rating_system(settings.source, settings.target);
            prompt_tokens +=
                prompt::estimate_tokens(&rating) + prompt::estimate_tokens(&user) * 5 / 2;
            completion_tokens += 30 * units.len() as u64;
        }
        batches.push(PlannedBatch {
            ids: units.iter().map(Unit::id).collect(),
            line: units.iter().map(|u| u.seg.line).min().unwrap_or(1),
            system_chars: system.chars().count(),
            user_chars: user.chars().count(),
            system,
            user,
        });
    }
    Ok(Plan {
        segments: doc
            .segments()
            .filter(|s| !settings.skip.contains(&s.id))
            .count(),
        memory_hits: lookup.hits,
        qa_requests: if settings.guidance.qa.is_some() {
            batches.len()
        } else {
            0
        },
        batches,
        prompt_tokens,
        completion_tokens,
        cost: settings.price.cost(prompt_tokens, completion_tokens),
        from_memory: lookup.translations,
        approved: lookup.approved,
        asked_again: 0,
    })
}

/// One request's worth of work.
struct Job<'d> {
    units: Vec<Unit<'d>>,
    rejected: Vec<(String, String)>,
    attempt: u32,
}

#[derive(Default)]
struct BatchResult {
    accepted: Vec<(String, String)>,
    failures: Vec<SegmentFailure>,
    requests: u64,
    repairs: u64,
    /// Rating requests, and segments asked again after a low rating.
    qa_requests: u64,
    qa_redone: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// Translates every segment of `doc`, from the memory where it can, with `model` otherwise.
pub async fn translate(
    doc: &Document<'_>,
    glossary: &Glossary,
    memory: &Mutex<Memory>,
    model: Option<&Model>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Outcome, TranslateError> {
    let started = Instant::now();
    let lookup = {
        let memory = memory.lock().expect("memory lock");
        look_up(doc, glossary, &memory, settings)?
    };
    let total = doc
        .segments()
        .filter(|s| !settings.skip.contains(&s.id))
        .count();
    progress.begin(total, lookup.hits);
    let mut translations = lookup.translations;
    let bad_entries = lookup.bad;
    let approved = lookup.approved;
    let mut summary = Summary {
        segments: total,
        memory_hits: lookup.hits,
        ..Summary::default()
    };
    if !lookup.pending.is_empty() {
        let Some(model) = model else {
            return Err(TranslateError::NeedsModel {
                path: doc.path.clone(),
                missing: lookup.pending.len(),
            });
        };
        let retries_before = model
            .counters()
            .retries
            .load(std::sync::atomic::Ordering::Relaxed);
        // Each pending source is claimed for this edition, unless another edition of the run
        // is sending it: that one is waited for, then found in the memory.
        let mut own = Vec::new();
        let mut waiting = Vec::new();
        let owners: Mutex<HashMap<String, Owner>> = Mutex::new(HashMap::new());
        for &seg in &lookup.pending {
            match model.claims().claim(settings.target, &seg.tagged) {
                Claimed::Owner(o) => {
                    owners
                        .lock()
                        .expect("owners lock")
                        .insert(seg.tagged.clone(), o);
                    own.push(seg);
                }
                Claimed::Wait(w) => waiting.push((seg, w)),
            }
        }
        let parts: Mutex<HashMap<String, Vec<Option<String>>>> = Mutex::new(HashMap::new());
        let guide = Guide::new(doc, &memory.lock().expect("memory lock"), settings)?;
        let mut results = send_all(
            &own,
            glossary,
            &guide,
            memory,
            model,
            settings,
            progress,
            &lookup.same_source,
            &parts,
            &owners,
        )
        .await?;
        // This edition's claims end here, given up or not.
        owners.lock().expect("owners lock").clear();
        let mut missing = Vec::new();
        for (seg, waiter) in waiting {
            waiter.ended().await;
            let key = memory_key(seg, glossary, settings.target);
            let found = memory.lock().expect("memory lock").get(&key)?;
            match found {
                Some(f) => {
                    for id in &lookup.same_source[seg.tagged.as_str()] {
                        translations.insert(id.to_string(), f.entry.target.clone());
                    }
                    summary.memory_hits += lookup.same_source[seg.tagged.as_str()].len();
                    progress.advance(lookup.same_source[seg.tagged.as_str()].len());
                }
                // The other edition gave up on it: this one asks.
                None => missing.push(seg),
            }
        }
        if !missing.is_empty() {
            results.extend(
                send_all(
                    &missing,
                    glossary,
                    &guide,
                    memory,
                    model,
                    settings,
                    progress,
                    &lookup.same_source,
                    &parts,
                    &owners,
                )
                .await?,
            );
        }
        summary.answer_format = Some(model.answer_format());
        summary.retries = model
            .counters()
            .retries
            .load(std::sync::atomic::Ordering::Relaxed)
            - retries_before;
        let mut failures = Vec::new();
        for r in results {
            summary.requests += r.requests;
            summary.repairs += r.repairs;
            summary.qa_requests += r.qa_requests;
            summary.qa_redone += r.qa_redone;
            summary.prompt_tokens += r.prompt_tokens;
            summary.completion_tokens += r.completion_tokens;
            failures.extend(r.failures);
            for (source, target) in r.accepted {
                for id in &lookup.same_source[source.as_str()] {
                    translations.insert(id.to_string(), target.clone());
                }
            }
        }
        summary.cost = settings
            .price
            .cost(summary.prompt_tokens, summary.completion_tokens);
        summary.wall = started.elapsed();
        if !failures.is_empty() {
            failures.sort_by_key(|f| f.line);
            return Err(TranslateError::Segments {
                path: doc.path.clone(),
                failures,
                summary: Box::new(summary),
            });
        }
    }
    summary.wall = started.elapsed();
    Ok(Outcome {
        translations,
        summary,
        bad_entries,
        approved,
    })
}

/// Sends `pending` in balanced batches, at most `concurrency` of them in flight (all at once
/// in batch mode, to go in one job).
#[allow(clippy::too_many_arguments)]
async fn send_all<'d>(
    pending: &[&'d Segment<'d>],
    glossary: &Glossary,
    guide: &Guide<'_>,
    memory: &Mutex<Memory>,
    model: &Model,
    settings: &Settings,
    progress: &dyn Progress,
    same_source: &HashMap<&str, Vec<&str>>,
    parts: &Mutex<HashMap<String, Vec<Option<String>>>>,
    owners: &Mutex<HashMap<String, Owner>>,
) -> Result<Vec<BatchResult>, TranslateError> {
    stream::iter(packed(pending, guide, settings))
        .map(|units| {
            run_batch(
                units,
                glossary,
                guide,
                memory,
                model,
                settings,
                progress,
                same_source,
                parts,
                owners,
            )
        })
        .buffer_unordered(if settings.batch_api {
            usize::MAX / 2
        } else {
            settings.concurrency.max(1)
        })
        .try_collect()
        .await
}

#[allow(clippy::too_many_arguments)]
async fn run_batch<'d>(
    units: Vec<Unit<'d>>,
    glossary: &Glossary,
    guide: &Guide<'_>,
    memory: &Mutex<Memory>,
    model: &Model,
    settings: &Settings,
    progress: &dyn Progress,
    same_source: &HashMap<&str, Vec<&str>>,
    parts: &Mutex<HashMap<String, Vec<Option<String>>>>,
    owners: &Mutex<HashMap<String, Owner>>,
) -> Result<BatchResult, TranslateError> {
    let mut result = BatchResult::default();
    // Segments the quality pass already asked again.
    let mut redone: HashSet<String> = HashSet::new();
    let rejected = units
        .iter()
        .filter_map(|u| Some((u.id(), settings.reasons.get(&u.seg.id)?.clone())))
        .collect();
    let mut queue = VecDeque::from([Job {
        units,
        rejected,
        attempt: 0,
    }]);
    while let Some(job) = queue.pop_front() {
        let (system, user) = batch_messages(&job.units, glossary, guide, settings, &job.rejected);
        result.requests += 1;
        let completion = model.complete(&system, &user).await?;
        result.prompt_tokens += completion.prompt_tokens;
        result.completion_tokens += completion.completion_tokens;
        if completion.truncated {
            if job.units.len() > 1 {
                progress.note(&format!(
                    "an answer was cut off at the length limit: splitting a batch of {} segments",
                    job.units.len()
                ));
                let mut first = job.units;
                let second = first.split_off(first.len() / 2);
                for half in [first, second] {
                    queue.push_back(Job {
                        units: half,
                        rejected: Vec::new(),
                        attempt: job.attempt,
                    });
                }
            } else {
                result.failures.extend(job.units.iter().map(|u| SegmentFailure {
                    id: u.seg.id.clone(),
                    line: u.seg.line,
                    reason: "the answer was cut off at the model's length limit even for this segment alone (finish_reason: length)".into(),
                }));
            }
            continue;
        }
        let keys: Vec<String> = (0..job.units.len()).map(request_key).collect();
        let answer = match prompt::parse_answer(&completion.content, &keys) {
            Ok(a) => a,
            Err(e) => {
                let reason = e.to_string();
                let again = job.units.clone();
                retry_or_fail(
                    &mut queue,
                    &mut result,
                    again,
                    &reason,
                    job.attempt,
                    settings,
                    progress,
                );
                continue;
            }
        };
        let mut accepted = Vec::new();
        for (i, unit) in job.units.iter().enumerate() {
            let seg = unit.seg;
            let t = match answer.get(&request_key(i)) {
                Some(Ok(t)) => t,
                Some(Err(reason)) => {
                    retry_or_fail(
                        &mut queue,
                        &mut result,
                        vec![unit.clone()],
                        &reason,
                        job.attempt,
                        settings,
                        progress,
                    );
                    continue;
                }
                None => {
                    let reason = format!("{} is missing from the answer", unit.id());
                    retry_or_fail(
                        &mut queue,
                        &mut result,
                        vec![unit.clone()],
                        &reason,
                        job.attempt,
                        settings,
                        progress,
                    );
                    continue;
                }
            };
            // A part waits for the others: the segment is validated whole, joined again.
            let whole = match unit.part {
                None => t.clone(),
                Some(p) => {
                    let mut parts = parts.lock().expect("parts lock");
                    let slots = parts
                        .entry(seg.id.clone())
                        .or_insert_with(|| vec![None; p.count]);
                    slots[p.index] = Some(t.trim_end_matches('\n').to_string());
                    if slots.iter().any(Option::is_none) {
                        continue;
                    }
                    let joined = slots
                        .iter()
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n");
                    parts.remove(&seg.id);
                    joined
                }
            };
            // An item's number is the locale's to write: one the model added goes.
            let whole =
                if seg.item.is_some() && !seg.tagged.starts_with(|c: char| c.is_ascii_digit()) {
                    without_item_number(&whole).to_string()
                } else {
                    whole
                };
            match validate(seg, &whole, settings.source, settings.target, glossary) {
                Ok(()) => accepted.push((seg, whole)),
                Err(r) => {
                    // A cut segment is asked again whole, in its parts.
                    let again = match unit.part {
                        None => vec![unit.clone()],
                        Some(p) => units_of(seg, p.size),
                    };
                    retry_or_fail(
                        &mut queue,
                        &mut result,
                        again,
                        &r.to_string(),
                        job.attempt,
                        settings,
                        progress,
                    )
                }
            }
        }
        // The quality pass: the accepted translations rated; one rated low asked again once.
        let mut ratings: HashMap<String, Rating> = HashMap::new();
        if let (Some(threshold), false) = (settings.guidance.qa, accepted.is_empty()) {
            let keys: Vec<String> = (0..accepted.len()).map(request_key).collect();
            let items: Vec<(String, &str, &str)> = accepted
                .iter()
                .zip(&keys)
                .map(|((seg, t), k)| (k.clone(), seg.tagged.as_str(), t.as_str()))
                .collect();
            let system = prompt::rating_system(settings.source, settings.target);
            let user = prompt::rating_user(&items);
            result.requests += 1;
            result.qa_requests += 1;
            let completion = model
                .complete_shaped(&system, &user, &prompt::rating_schema())
                .await?;
            result.prompt_tokens += completion.prompt_tokens;
            result.completion_tokens += completion.completion_tokens;
            let rated = prompt::parse_ratings(&completion.content, &keys);
            let mut kept = Vec::new();
            for ((seg, t), key) in accepted.into_iter().zip(&keys) {
                let Some(rating) = rated.get(key) else {
                    kept.push((seg, t));
                    continue;
                };
                if rating.score() < threshold && redone.insert(seg.id.clone()) {
                    let reason = format!(
                        "a reviewer rated it {}/5: {}",
                        rating.score(),
                        rating.reason
                    );
                    let again = match job.units.iter().find(|u| u.seg.id == seg.id) {
                        Some(Unit { part: Some(p), .. }) => units_of(seg, p.size),
                        _ => units_of(seg, seg.tagged.len()),
                    };
                    progress.note(&format!(
                        "segment {} (line {}) rated {}/5: {}; asking again",
                        seg.id,
                        seg.line,
                        rating.score(),
                        rating.reason
                    ));
                    result.qa_redone += 1;
                    let ids: Vec<String> = again.iter().map(Unit::id).collect();
                    queue.push_back(Job {
                        units: again,
                        rejected: ids.into_iter().map(|id| (id, reason.clone())).collect(),
                        attempt: job.attempt,
                    });
                } else {
                    ratings.insert(seg.id.clone(), rating.clone());
                    kept.push((seg, t));
                }
            }
            accepted = kept;
        }
        if !accepted.is_empty() {
            let mut memory = memory.lock().expect("memory lock");
            for (seg, t) in &accepted {
                let terms = glossary.terms_in(&seg.plain_text());
                memory.insert(Entry {
                    locale: settings.target.code().to_string(),
                    source: seg.tagged.clone(),
                    target: t.clone(),
                    glossary: crate::memory::fingerprint(&terms),
                    prompt: PROMPT_VERSION,
                    model: Author::Model(settings.model_name.clone()),
                    date: settings.date.clone(),
                    origin: Origin::Model,
                    rating: ratings.get(&seg.id).cloned(),
                    note: None,
                    asked: Vec::new(),
                });
            }
            memory.save()?;
            drop(memory);
            // Stored: the editions waiting for these sources can read them.
            let mut owners = owners.lock().expect("owners lock");
            for (seg, _) in &accepted {
                owners.remove(&seg.tagged);
            }
            drop(owners);
            let done: usize = accepted
                .iter()
                .map(|(s, _)| same_source[s.tagged.as_str()].len())
                .sum();
            progress.advance(done);
            result
                .accepted
                .extend(accepted.into_iter().map(|(s, t)| (s.tagged.clone(), t)));
        }
    }
    Ok(result)
}

#[allow(clippy::too_many_arguments)]
fn retry_or_fail<'d>(
    queue: &mut VecDeque<Job<'d>>,
    result: &mut BatchResult,
    units: Vec<Unit<'d>>,
    reason: &str,
    attempt: u32,
    settings: &Settings,
    progress: &dyn Progress,
) {
    if attempt < settings.max_repairs {
        // The parts of one segment go together; every other unit alone.
        let mut jobs: Vec<Vec<Unit<'d>>> = Vec::new();
        for u in units {
            match jobs.last_mut() {
                Some(j) if u.part.is_some() && j[0].seg.id == u.seg.id => j.push(u),
                _ => jobs.push(vec![u]),
            }
        }
        for units in jobs {
            let seg = units[0].seg;
            progress.note(&format!(
                "segment {} (line {}) rejected: {reason}; asking again",
                seg.id, seg.line
            ));
            result.repairs += 1;
            queue.push_back(Job {
                rejected: units.iter().map(|u| (u.id(), reason.to_string())).collect(),
                units,
                attempt: attempt + 1,
            });
        }
    } else {
        for u in units {
            if !result.failures.iter().any(|f| f.id == u.seg.id) {
                result.failures.push(SegmentFailure {
                    id: u.seg.id.clone(),
                    line: u.seg.line,
                    reason: reason.to_string(),
                });
            }
        }
    }
}
