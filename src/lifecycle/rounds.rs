//! The translate → assemble → check rounds of one update, until the edition passes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::Document;
use crate::markdown::splice::MergeError;
use crate::memory::Memory;
use crate::message::tr;
use crate::model::run::{
    self, BadEntry, Outcome as Translated, Plan, Progress, Settings, Summary, TranslateError,
};
use crate::model::Model;

use super::ask_again::{lost_links, AskAgain};
use super::{Assembly, Built, Faults, LifecycleError, Project};

/// What an update's translate → assemble → check rounds work with.
pub(crate) struct Rounds<'a, 'd> {
    pub(crate) project: &'a Project,
    pub(crate) doc: &'a Document<'d>,
    pub(crate) glossary: &'a Glossary,
    pub(crate) memory: &'a Mutex<Memory>,
    pub(crate) model: Option<&'a Model>,
    pub(crate) progress: &'a dyn Progress,
    pub(crate) edition_path: &'a Path,
    pub(crate) target: Lang,
    /// A person's translations (hand edits, imports, adopted text), placed as they are.
    pub(crate) given: &'a BTreeMap<String, String>,
    pub(crate) assembly: &'a Assembly<'a>,
    pub(crate) faults: &'a Faults<'a, 'd>,
}

/// An edition that passes the check, with what the rounds cost and found on the way, and the
/// dry run's plan when nothing needed sending.
pub(crate) struct Rounded {
    pub(crate) built: Built,
    pub(crate) summary: Summary,
    pub(crate) bad_entries: Vec<BadEntry>,
    pub(crate) dry_plan: Option<Plan>,
}

impl Rounds<'_, '_> {
    /// Translates, assembles and checks until the edition passes: a translation that
    /// validates but cannot be placed (a memory entry from an older version, say) is asked for
    /// again once, and what a model's translation is at fault for in the check is asked again
    /// at most once per source, translation and finding (see [`Faults`]). A dry run that would
    /// ask again ends with its plan (`Ok(Err(plan))`).
    pub(crate) async fn run(
        &self,
        settings: Settings,
        mut dry_plan: Option<Plan>,
    ) -> Result<Result<Rounded, Plan>, LifecycleError> {
        let mut carry = Carry {
            settings,
            again: AskAgain::default(),
            summary: Summary::default(),
            bad_entries: Vec::new(),
        };
        let built = loop {
            let translated = self.translate(&carry.settings).await?;
            let texts = carry.absorb(translated, self.given);
            let built = match self.assembly.build(&texts.translations, &texts.verbatim) {
                Ok(built) => built,
                Err(LifecycleError::Merge(e)) if carry.again.is_first_round(&carry.settings) => {
                    let unplaced = self.unplaced(&e, &texts.translations, &mut carry)?;
                    carry.again.unplaced(&mut carry.settings, unplaced);
                    continue;
                }
                Err(e) => return Err(e),
            };
            // The edition is checked with `check`'s rules before it is written; what a model's
            // translation is at fault for is asked again, at most once per source, translation
            // and finding (see [`Faults`]).
            let found = self.faults.of(
                &built,
                &texts.translations,
                &texts.verbatim,
                self.faults.checker.original_path,
            )?;
            let again = self.faults.settle(found.faults, carry.again.asked())?;
            if again.is_empty() {
                if found.errors.is_empty() {
                    break built;
                }
                return Err(LifecycleError::Check {
                    edition: self.edition_path.to_path_buf(),
                    findings: found.errors,
                });
            }
            if let Some(plan) = dry_plan.take() {
                return Ok(Err(plan));
            }
            carry.again.findings(&mut carry.settings, again);
        };
        Ok(Ok(Rounded {
            built,
            summary: carry.summary,
            bad_entries: carry.bad_entries,
            dry_plan,
        }))
    }

    /// One translation run with `settings`; segments the model kept losing links in are told
    /// as `check` would tell them.
    async fn translate(&self, settings: &Settings) -> Result<Translated, LifecycleError> {
        match run::translate(
            self.doc,
            self.glossary,
            self.memory,
            self.model,
            settings,
            self.progress,
        )
        .await
        {
            Ok(t) => Ok(t),
            Err(TranslateError::Segments {
                failures,
                summary,
                path,
            }) => Err(
                match lost_links(
                    self.doc,
                    &failures,
                    self.edition_path,
                    self.project,
                    self.target,
                ) {
                    Some(findings) => LifecycleError::Check {
                        edition: self.edition_path.to_path_buf(),
                        findings,
                    },
                    None => TranslateError::Segments {
                        failures,
                        summary,
                        path,
                    }
                    .into(),
                },
            ),
            Err(e) => Err(e.into()),
        }
    }

    /// The translations a merge could not place, when every one of them is the model's (from
    /// the memory): each is told as a bad entry and asked for again. A person's text that
    /// cannot be placed is the merge's error.
    fn unplaced(
        &self,
        e: &MergeError,
        translations: &BTreeMap<String, String>,
        carry: &mut Carry,
    ) -> Result<HashMap<String, String>, LifecycleError> {
        let unplaced: HashMap<String, String> = e
            .problems
            .iter()
            .filter(|p| !self.given.contains_key(&p.id))
            .filter_map(|p| Some((p.id.clone(), translations.get(&p.id)?.clone())))
            .collect();
        if unplaced.len() < e.problems.len() {
            return Err(LifecycleError::Merge(e.clone()));
        }
        let m = self.memory.lock().expect("memory lock");
        for p in &e.problems {
            let seg = self
                .doc
                .segments()
                .find(|s| s.id == p.id)
                .expect("a segment");
            let line = m
                .variants(self.target.code(), &seg.tagged)?
                .into_iter()
                .find(|s| Some(&s.target) == unplaced.get(&p.id))
                .and_then(|s| m.line(s.place));
            carry.bad_entries.push(BadEntry {
                id: p.id.clone(),
                line: seg.line,
                memory_line: line,
                why: tr("lifecycle-unplaced", &[("why", &p.kind)]),
            });
        }
        Ok(unplaced)
    }
}

/// What the rounds carry from one to the next.
struct Carry {
    /// The run's settings, with what the next round asks again.
    settings: Settings,
    again: AskAgain,
    summary: Summary,
    /// Memory entries found and not used, each told once.
    bad_entries: Vec<BadEntry>,
}

/// The texts one round assembles the edition from.
struct Texts {
    /// Every segment's translation: the model's or the memory's, and a person's.
    translations: BTreeMap<String, String>,
    /// The segments whose text is placed as it is (approved or a person's).
    verbatim: HashSet<String>,
}

impl Carry {
    /// Adds a run's figures and bad entries, and returns the texts to assemble: the run's
    /// translations with a person's text (`given`) over them.
    fn absorb(&mut self, translated: Translated, given: &BTreeMap<String, String>) -> Texts {
        add(&mut self.summary, &translated.summary);
        for b in translated.bad_entries {
            if !self
                .bad_entries
                .iter()
                .any(|k: &BadEntry| k.id == b.id && k.memory_line == b.memory_line)
            {
                self.bad_entries.push(b);
            }
        }
        let mut translations = translated.translations;
        translations.extend(given.clone());
        // A person's text (a hand edit, an import, an adopted edition) is placed as it is, but
        // for its item numbers, which are the edition's structure: the locale's punctuation
        // rules are for the model's answers.
        let mut verbatim = translated.approved;
        verbatim.extend(given.keys().cloned());
        Texts {
            translations,
            verbatim,
        }
    }
}

/// Adds the figures of another translation run of the same edition.
pub(crate) fn add(total: &mut Summary, more: &Summary) {
    total.segments = more.segments.max(total.segments);
    total.memory_hits = if total.requests == 0 && total.wall.is_zero() {
        more.memory_hits
    } else {
        total.memory_hits
    };
    total.requests += more.requests;
    total.retries += more.retries;
    total.repairs += more.repairs;
    total.prompt_tokens += more.prompt_tokens;
    total.completion_tokens += more.completion_tokens;
    total.cost += more.cost;
    total.wall += more.wall;
    total.answer_format = more.answer_format.or(total.answer_format);
    total.qa_requests += more.qa_requests;
    total.qa_redone += more.qa_redone;
}
