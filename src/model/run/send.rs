//! Sending: batches sent through the model's pool, each answer validated, rejected segments
//! asked again alone with the reason, cut-off answers split, and every validated answer
//! written to the memory at once.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::glossary::Glossary;
use crate::markdown::segment::Segment;
use crate::memory::{Author, Entry, Memory, Origin, Rating};
use crate::model::claims::Owner;
use crate::model::client::Model;
use crate::model::prompt::{self, PROMPT_VERSION};
use crate::model::validate::validate;

use super::{
    batch_messages, packed, request_key, units_of, without_item_number, Guide, Progress,
    SegmentFailure, Settings, TranslateError, Unit,
};

/// One request's worth of work.
pub(crate) struct Job<'d> {
    pub(crate) units: Vec<Unit<'d>>,
    pub(crate) rejected: Vec<(String, String)>,
    pub(crate) attempt: u32,
}

#[derive(Default)]
pub(crate) struct BatchResult {
    pub(crate) accepted: Vec<(String, String)>,
    pub(crate) failures: Vec<SegmentFailure>,
    pub(crate) requests: u64,
    pub(crate) repairs: u64,
    /// Rating requests, and segments asked again after a low rating.
    pub(crate) qa_requests: u64,
    pub(crate) qa_redone: u64,
    pub(crate) prompt_tokens: u64,
    pub(crate) completion_tokens: u64,
}

/// Sends `pending` in balanced batches, at most `concurrency` of them in flight (all at once
/// in batch mode, to go in one job).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn send_all<'d>(
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
pub(crate) async fn run_batch<'d>(
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
pub(crate) fn retry_or_fail<'d>(
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
