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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::glossary::Glossary;
use crate::markdown::segment::{Document, Segment};
use crate::memory::{Memory, MemoryError};
use crate::message::{tr, tr_attr, tr_hint};
use crate::model::claims::{Claimed, Owner, Waiter};
use crate::model::client::{Model, ModelError};

mod guide;
mod lookup;
mod pack;
mod plan;
mod send;
mod settings;

pub use guide::Guide;
pub use lookup::{memory_key, BadEntry};
pub use plan::{plan, Plan, PlannedBatch};
pub use settings::{Guidance, Price, Settings};

use lookup::{look_up, without_item_number};
use pack::{batch_messages, packed, request_key, units_of, Unit};
use send::{BatchResult, Sender};

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

/// The sources this edition is to send, each claimed for it (with the claims, by tagged
/// source), and those another edition of the run is sending, to wait for.
fn claim<'d>(model: &Model, settings: &Settings, pending: &[&'d Segment<'d>]) -> Claims<'d> {
    let mut own = Vec::new();
    let mut waiting = Vec::new();
    let mut owners = HashMap::new();
    for &seg in pending {
        match model.claims().claim(settings.target, &seg.tagged) {
            Claimed::Owner(o) => {
                owners.insert(seg.tagged.clone(), o);
                own.push(seg);
            }
            Claimed::Wait(w) => waiting.push((seg, w)),
        }
    }
    Claims {
        own,
        waiting,
        owners: Mutex::new(owners),
    }
}

/// The pending sources of one edition, by who sends them.
struct Claims<'d> {
    /// Claimed for this edition: it sends them.
    own: Vec<&'d Segment<'d>>,
    /// Another edition of the run is sending them: waited for, then found in the memory.
    waiting: Vec<(&'d Segment<'d>, Waiter)>,
    /// This edition's claims, by tagged source, each ended when its translation is stored.
    owners: Mutex<HashMap<String, Owner>>,
}

/// Adds the batches' figures to `summary` and their translations to `translations` (for
/// every segment of the same source); returns the segments that failed.
fn add_results(
    summary: &mut Summary,
    translations: &mut BTreeMap<String, String>,
    results: Vec<BatchResult>,
    same_source: &HashMap<&str, Vec<&str>>,
) -> Vec<SegmentFailure> {
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
            for id in &same_source[source.as_str()] {
                translations.insert(id.to_string(), target.clone());
            }
        }
    }
    failures
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
        let Claims {
            own,
            waiting,
            owners,
        } = claim(model, settings, &lookup.pending);
        let parts: Mutex<HashMap<String, Vec<Option<String>>>> = Mutex::new(HashMap::new());
        let guide = Guide::new(doc, &memory.lock().expect("memory lock"), settings)?;
        let sender = Sender {
            glossary,
            guide: &guide,
            memory,
            model,
            settings,
            progress,
            same_source: &lookup.same_source,
            parts: &parts,
            owners: &owners,
        };
        let mut results = sender.send_all(&own).await?;
        // This edition's claims end here, given up or not.
        owners.lock().expect("owners lock").clear();
        let missing = sender
            .waited(waiting, &mut translations, &mut summary)
            .await?;
        if !missing.is_empty() {
            results.extend(sender.send_all(&missing).await?);
        }
        summary.answer_format = Some(model.answer_format());
        summary.retries = model
            .counters()
            .retries
            .load(std::sync::atomic::Ordering::Relaxed)
            - retries_before;
        let mut failures = add_results(
            &mut summary,
            &mut translations,
            results,
            &lookup.same_source,
        );
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
