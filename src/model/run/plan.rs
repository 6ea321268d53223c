//! The plan of a run: what would be sent, in how many requests, at what cost (a dry run shows
//! it; rounds add up).

use std::collections::{BTreeMap, HashSet};

use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::Document;
use crate::memory::{Memory, MemoryError};
use crate::model::prompt::{self};

use super::{batch_messages, look_up, packed, Guide, Settings, Unit};

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
