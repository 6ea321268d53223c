//! Sending: batches sent through the model's pool, each answer validated, rejected segments
//! asked again alone with the reason, cut-off answers split, and every validated answer
//! written to the memory at once.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::glossary::Glossary;
use crate::markdown::segment::Segment;
use crate::memory::{Author, Entry, Memory, Origin, Rating};
use crate::model::claims::{Owner, Waiter};
use crate::model::client::Model;
use crate::model::prompt::{self, PROMPT_VERSION};
use crate::model::validate::validate;

use super::{
    batch_messages, memory_key, packed, request_key, units_of, without_item_number, Guide,
    Progress, SegmentFailure, Settings, Summary, TranslateError, Unit,
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

/// What every batch of one translation run is sent with.
pub(crate) struct Sender<'a> {
    pub(crate) glossary: &'a Glossary,
    pub(crate) guide: &'a Guide<'a>,
    pub(crate) memory: &'a Mutex<Memory>,
    pub(crate) model: &'a Model,
    pub(crate) settings: &'a Settings,
    pub(crate) progress: &'a dyn Progress,
    /// Segment ids by tagged source: one answer serves them all.
    pub(crate) same_source: &'a HashMap<&'a str, Vec<&'a str>>,
    /// The answers of a cut segment's parts, until all are in.
    pub(crate) parts: &'a Mutex<HashMap<String, Vec<Option<String>>>>,
    /// This edition's claims on the sources it sends (see [`crate::model::claims`]).
    pub(crate) owners: &'a Mutex<HashMap<String, Owner>>,
}

/// One batch being sent: the requests still to make, and what it has found so far.
struct Batch<'d> {
    queue: VecDeque<Job<'d>>,
    result: BatchResult,
    /// Segments the quality pass already asked again.
    redone: HashSet<String>,
}

impl Sender<'_> {
    /// Sends `pending` in balanced batches, at most `concurrency` of them in flight (all at
    /// once in batch mode, to go in one job).
    pub(crate) async fn send_all<'d>(
        &self,
        pending: &[&'d Segment<'d>],
    ) -> Result<Vec<BatchResult>, TranslateError> {
        let settings = self.settings;
        stream::iter(packed(pending, self.guide, settings))
            .map(|units| self.run_batch(units))
            .buffer_unordered(if settings.batch_api {
                usize::MAX / 2
            } else {
                settings.concurrency.max(1)
            })
            .try_collect()
            .await
    }

    /// Waits for the sources another edition of the run is sending, and takes their
    /// translations from the memory; returns those the other edition gave up on, for this one
    /// to send.
    pub(crate) async fn waited<'d>(
        &self,
        waiting: Vec<(&'d Segment<'d>, Waiter)>,
        translations: &mut BTreeMap<String, String>,
        summary: &mut Summary,
    ) -> Result<Vec<&'d Segment<'d>>, TranslateError> {
        let mut missing = Vec::new();
        for (seg, waiter) in waiting {
            waiter.ended().await;
            let key = memory_key(seg, self.glossary, self.settings.target);
            let found = self.memory.lock().expect("memory lock").get(&key)?;
            let ids = &self.same_source[seg.tagged.as_str()];
            match found {
                Some(f) => {
                    for id in ids {
                        translations.insert(id.to_string(), f.entry.target.clone());
                    }
                    summary.memory_hits += ids.len();
                    self.progress.advance(ids.len());
                }
                // The other edition gave up on it: this one asks.
                None => missing.push(seg),
            }
        }
        Ok(missing)
    }

    /// Sends one batch until every segment in it is accepted or has failed: rejected
    /// segments asked again alone with the reason, cut-off answers split, accepted ones
    /// rated (the quality pass) and stored.
    async fn run_batch<'d>(&self, units: Vec<Unit<'d>>) -> Result<BatchResult, TranslateError> {
        let rejected = units
            .iter()
            .filter_map(|u| Some((u.id(), self.settings.reasons.get(&u.seg.id)?.clone())))
            .collect();
        let mut batch = Batch {
            queue: VecDeque::from([Job {
                units,
                rejected,
                attempt: 0,
            }]),
            result: BatchResult::default(),
            redone: HashSet::new(),
        };
        while let Some(job) = batch.queue.pop_front() {
            let Some(answer) = self.ask(&job, &mut batch).await? else {
                continue;
            };
            let accepted = self.accepted(&job, &answer, &mut batch);
            let (accepted, ratings) = self.quality_pass(&job, accepted, &mut batch).await?;
            if !accepted.is_empty() {
                self.store(accepted, &ratings, &mut batch.result)?;
            }
        }
        Ok(batch.result)
    }

    /// Sends one request and reads its answer, by request key; `None` when there is no
    /// answer to read (cut off, so split or failed; unreadable, so asked again).
    async fn ask<'d>(
        &self,
        job: &Job<'d>,
        batch: &mut Batch<'d>,
    ) -> Result<Option<prompt::Answer>, TranslateError> {
        let settings = self.settings;
        let (system, user) = batch_messages(
            &job.units,
            self.glossary,
            self.guide,
            settings,
            &job.rejected,
        );
        batch.result.requests += 1;
        let completion = self.model.complete(&system, &user).await?;
        batch.result.prompt_tokens += completion.prompt_tokens;
        batch.result.completion_tokens += completion.completion_tokens;
        if completion.truncated {
            batch.cut_off(job, self.progress);
            return Ok(None);
        }
        let keys: Vec<String> = (0..job.units.len()).map(request_key).collect();
        match prompt::parse_answer(&completion.content, &keys) {
            Ok(answer) => Ok(Some(answer)),
            Err(e) => {
                let again = job.units.clone();
                batch.retry_or_fail(again, &e.to_string(), job.attempt, settings, self.progress);
                Ok(None)
            }
        }
    }

    /// The answer's translations that validate, each segment whole (a cut one once all its
    /// parts are in); the others are asked again or fail.
    fn accepted<'d>(
        &self,
        job: &Job<'d>,
        answer: &prompt::Answer,
        batch: &mut Batch<'d>,
    ) -> Vec<(&'d Segment<'d>, String)> {
        let (settings, progress) = (self.settings, self.progress);
        let mut accepted = Vec::new();
        for (i, unit) in job.units.iter().enumerate() {
            let seg = unit.seg;
            let t = match answer.get(&request_key(i)) {
                Some(Ok(t)) => t,
                Some(Err(reason)) => {
                    let again = vec![unit.clone()];
                    batch.retry_or_fail(again, &reason, job.attempt, settings, progress);
                    continue;
                }
                None => {
                    let reason = format!("{} is missing from the answer", unit.id());
                    let again = vec![unit.clone()];
                    batch.retry_or_fail(again, &reason, job.attempt, settings, progress);
                    continue;
                }
            };
            let Some(whole) = self.whole(unit, &t) else {
                continue;
            };
            match validate(seg, &whole, settings.source, settings.target, self.glossary) {
                Ok(()) => accepted.push((seg, whole)),
                Err(r) => {
                    // A cut segment is asked again whole, in its parts.
                    let again = match unit.part {
                        None => vec![unit.clone()],
                        Some(p) => units_of(seg, p.size),
                    };
                    batch.retry_or_fail(again, &r.to_string(), job.attempt, settings, progress)
                }
            }
        }
        accepted
    }

    /// The translation of `unit`'s whole segment: a part waits for the others (`None` until
    /// all are in), and an item number the model added goes (it is the locale's to write).
    fn whole(&self, unit: &Unit<'_>, t: &str) -> Option<String> {
        let seg = unit.seg;
        let whole = match unit.part {
            None => t.to_string(),
            Some(p) => {
                let mut parts = self.parts.lock().expect("parts lock");
                let slots = parts
                    .entry(seg.id.clone())
                    .or_insert_with(|| vec![None; p.count]);
                slots[p.index] = Some(t.trim_end_matches('\n').to_string());
                if slots.iter().any(Option::is_none) {
                    return None;
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
        Some(
            if seg.item.is_some() && !seg.tagged.starts_with(|c: char| c.is_ascii_digit()) {
                without_item_number(&whole).to_string()
            } else {
                whole
            },
        )
    }

    /// The quality pass (`--qa`): the accepted translations rated; one rated low is asked
    /// again once, the others kept with their ratings.
    async fn quality_pass<'d>(
        &self,
        job: &Job<'d>,
        accepted: Vec<(&'d Segment<'d>, String)>,
        batch: &mut Batch<'d>,
    ) -> Result<Accepted<'d>, TranslateError> {
        let mut ratings: HashMap<String, Rating> = HashMap::new();
        let (Some(threshold), false) = (self.settings.guidance.qa, accepted.is_empty()) else {
            return Ok((accepted, ratings));
        };
        let keys: Vec<String> = (0..accepted.len()).map(request_key).collect();
        let items: Vec<(String, &str, &str)> = accepted
            .iter()
            .zip(&keys)
            .map(|((seg, t), k)| (k.clone(), seg.tagged.as_str(), t.as_str()))
            .collect();
        let system = prompt::rating_system(self.settings.source, self.settings.target);
        let user = prompt::rating_user(&items);
        batch.result.requests += 1;
        batch.result.qa_requests += 1;
        let completion = self
            .model
            .complete_shaped(&system, &user, &prompt::rating_schema())
            .await?;
        batch.result.prompt_tokens += completion.prompt_tokens;
        batch.result.completion_tokens += completion.completion_tokens;
        let rated = prompt::parse_ratings(&completion.content, &keys);
        let mut kept = Vec::new();
        for ((seg, t), key) in accepted.into_iter().zip(&keys) {
            let Some(rating) = rated.get(key) else {
                kept.push((seg, t));
                continue;
            };
            if rating.score() < threshold && batch.redone.insert(seg.id.clone()) {
                self.rated_low(job, seg, rating, batch);
            } else {
                ratings.insert(seg.id.clone(), rating.clone());
                kept.push((seg, t));
            }
        }
        Ok((kept, ratings))
    }

    /// Asks again for a segment the quality pass rated low, with the rating's reason.
    fn rated_low<'d>(
        &self,
        job: &Job<'d>,
        seg: &'d Segment<'d>,
        rating: &Rating,
        batch: &mut Batch<'d>,
    ) {
        let reason = format!(
            "a reviewer rated it {}/5: {}",
            rating.score(),
            rating.reason
        );
        let again = match job.units.iter().find(|u| u.seg.id == seg.id) {
            Some(Unit { part: Some(p), .. }) => units_of(seg, p.size),
            _ => units_of(seg, seg.tagged.len()),
        };
        self.progress.note(&format!(
            "segment {} (line {}) rated {}/5: {}; asking again",
            seg.id,
            seg.line,
            rating.score(),
            rating.reason
        ));
        batch.result.qa_redone += 1;
        let ids: Vec<String> = again.iter().map(Unit::id).collect();
        batch.queue.push_back(Job {
            units: again,
            rejected: ids.into_iter().map(|id| (id, reason.clone())).collect(),
            attempt: job.attempt,
        });
    }

    /// Stores the accepted translations in the memory at once, ends this edition's claims on
    /// their sources (the editions waiting for them can read them now) and advances the
    /// progress by every segment they serve.
    fn store(
        &self,
        accepted: Vec<(&Segment<'_>, String)>,
        ratings: &HashMap<String, Rating>,
        result: &mut BatchResult,
    ) -> Result<(), TranslateError> {
        let settings = self.settings;
        let mut memory = self.memory.lock().expect("memory lock");
        for (seg, t) in &accepted {
            let terms = self.glossary.terms_in(&seg.plain_text());
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
        let mut owners = self.owners.lock().expect("owners lock");
        for (seg, _) in &accepted {
            owners.remove(&seg.tagged);
        }
        drop(owners);
        let done: usize = accepted
            .iter()
            .map(|(s, _)| self.same_source[s.tagged.as_str()].len())
            .sum();
        self.progress.advance(done);
        result
            .accepted
            .extend(accepted.into_iter().map(|(s, t)| (s.tagged.clone(), t)));
        Ok(())
    }
}

/// The translations a batch accepted, with the quality pass's ratings by segment id.
type Accepted<'d> = (Vec<(&'d Segment<'d>, String)>, HashMap<String, Rating>);

impl<'d> Batch<'d> {
    /// An answer cut off at the length limit: the batch is split in two and sent again; a
    /// segment alone that is still cut off fails.
    fn cut_off(&mut self, job: &Job<'d>, progress: &dyn Progress) {
        if job.units.len() > 1 {
            progress.note(&format!(
                "an answer was cut off at the length limit: splitting a batch of {} segments",
                job.units.len()
            ));
            let mut first = job.units.clone();
            let second = first.split_off(first.len() / 2);
            for half in [first, second] {
                self.queue.push_back(Job {
                    units: half,
                    rejected: Vec::new(),
                    attempt: job.attempt,
                });
            }
        } else {
            self.result.failures.extend(job.units.iter().map(|u| SegmentFailure {
                id: u.seg.id.clone(),
                line: u.seg.line,
                reason: "the answer was cut off at the model's length limit even for this segment alone (finish_reason: length)".into(),
            }));
        }
    }

    /// Asks `units` again with `reason` (the parts of one segment together, every other unit
    /// alone) while repairs are left; fails them otherwise.
    fn retry_or_fail(
        &mut self,
        units: Vec<Unit<'d>>,
        reason: &str,
        attempt: u32,
        settings: &Settings,
        progress: &dyn Progress,
    ) {
        let (queue, result) = (&mut self.queue, &mut self.result);
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
}
