//! Asking again: the edition's check as a run of `translate` uses it, which of the model's
//! translations are at fault for a finding, and the rule that makes reruns converge (each
//! source, translation and finding asked again at most once).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::check::Rule;
use crate::edition::rules;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::Document;
use crate::memory::{Entry, Memory, Origin};
use crate::message::tr;
use crate::model::run::{self, Settings};

use super::{Assembly, Built, LifecycleError, Project};

/// When every segment that could not be translated failed only because its answers lost links
/// or images, those as `check` reports them; `None` otherwise.
pub(crate) fn lost_links(
    doc: &Document<'_>,
    failures: &[run::SegmentFailure],
    edition: &Path,
    project: &Project,
    target: Lang,
) -> Option<Vec<crate::check::Finding>> {
    use pulldown_cmark::{Event, Parser, Tag as MdTag};
    let lines = crate::markdown::document::LineIndex::new(doc.text);
    let mut findings = Vec::new();
    for f in failures {
        let seg = doc.segments().find(|s| s.id == f.id)?;
        let mut explained = Vec::new();
        for tag in seg.tags() {
            let image = match tag.kind {
                crate::markdown::tag::TagKind::Link => false,
                crate::markdown::tag::TagKind::Image => true,
                _ => continue,
            };
            let problem = crate::markdown::tag::TagProblem::Missing(tag).to_string();
            if !f.reason.contains(&problem) {
                continue;
            }
            explained.push(problem);
            let open = seg.pieces.iter().find_map(|p| match p {
                crate::markdown::segment::Piece::Open { raw, tag: t } if *t == tag => {
                    Some(raw.start)
                }
                _ => None,
            })?;
            let url =
                Parser::new_ext(doc.text, crate::markdown::segment::markdown_options())
                    .into_offset_iter()
                    .find_map(|(e, r)| match e {
                        Event::Start(
                            MdTag::Link { dest_url, .. } | MdTag::Image { dest_url, .. },
                        ) if r.start == open => Some(dest_url.to_string()),
                        _ => None,
                    })?;
            let url = rules::rewrite_url(&url, &project.url_rewrite, target.code());
            let (rule, message) = crate::check::lost(image, &url, &edition.display().to_string());
            findings.push(crate::check::Finding {
                file: doc.path.clone(),
                line: lines.line(open),
                column: lines.column(doc.text, open),
                rule,
                level: crate::check::Level::Error,
                message,
            });
        }
        // Nothing else may be wrong with the answers.
        let rest: Vec<&str> = f
            .reason
            .split("; ")
            .filter(|part| !explained.iter().any(|e| e == part))
            .collect();
        if explained.is_empty() || !rest.is_empty() {
            return None;
        }
    }
    Some(findings)
}

/// A model's translation the edition's check finds fault with.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub(crate) id: String,
    pub(crate) translation: String,
    pub(crate) finding: crate::check::Finding,
}

/// A segment to ask again, with why.
#[derive(Debug, Clone)]
pub(crate) struct Again {
    pub(crate) id: String,
    /// The translation not to use again.
    pub(crate) translation: String,
    /// Why, for the request and for the person reading the run's report.
    pub(crate) reason: String,
    /// The finding's key (see [`finding_key`]), recorded on the answer if it has it still.
    pub(crate) finding: String,
}

/// What the check of an assembled edition found.
pub(crate) struct Found {
    /// Error-level findings: the edition cannot be written with them.
    pub(crate) errors: Vec<crate::check::Finding>,
    /// The model's translations at fault (for an error, or a lost number), each with its
    /// finding.
    pub(crate) faults: Vec<Fault>,
}

/// The edition's check, as a run of `translate` uses it: what it finds, whom to ask again.
///
/// The rule that makes reruns converge: a model's translation is asked again for a finding at
/// most once per source, translation and finding. When the answer still has the finding, it
/// is kept with the finding recorded on its memory entry ([`crate::memory::Entry::asked`]);
/// no later run asks again for it (unless `--refresh`), and `check` reports the finding. A
/// dry run predicts the same requests from the same rule ([`Faults::predicted`]).
pub(crate) struct Faults<'a, 'd> {
    pub(crate) checker: &'a Checker<'a>,
    pub(crate) assembly: &'a Assembly<'a>,
    pub(crate) doc: &'a Document<'d>,
    pub(crate) memory: &'a Mutex<Memory>,
    pub(crate) code: &'a str,
}

/// What identifies a finding on a segment's text, wherever the segment is: its rule and what
/// it says (`numbers/missing: `1400 万``).
pub(crate) fn finding_key(f: &crate::check::Finding) -> String {
    match (f.rule, f.message.arg("numbers")) {
        (Rule::NumbersMissing, Some(numbers)) => format!("{}: {numbers}", f.rule),
        _ => format!("{}: {}", f.rule, f.message.identity()),
    }
}

/// Why a translation is asked again, for the request and the report.
pub(crate) fn reason(f: &crate::check::Finding) -> String {
    match (f.rule, f.message.arg("numbers")) {
        (Rule::NumbersMissing, Some(numbers)) => {
            tr("lifecycle-lost-numbers", &[("numbers", &numbers)])
        }
        _ => f.message.english(),
    }
}

impl Faults<'_, '_> {
    /// The check of `built`: its errors, and the model's translations at fault. An error no
    /// model's translation explains (or a person's text explains) stops the run.
    pub(crate) fn of(
        &self,
        built: &Built,
        translations: &BTreeMap<String, String>,
        verbatim: &HashSet<String>,
        original_path: &Path,
    ) -> Result<Found, LifecycleError> {
        let (errors, lost_numbers) = edition_check(self.checker, &built.text);
        // A person's rendering of a glossary term is theirs to keep, and a control character
        // the original has is the original's to lose: `check` reports both.
        let errors: Vec<crate::check::Finding> = errors
            .into_iter()
            .filter(|f| f.rule != Rule::ResidueControlOriginal)
            .filter(|f| {
                !f.rule.id().starts_with("glossary/")
                    || !culprits(std::slice::from_ref(f), self.doc, built, original_path)
                        .iter()
                        .any(|(_, id)| verbatim.contains(id))
            })
            .collect();
        let at_fault = culprits(&errors, self.doc, built, original_path);
        let explained = errors.iter().all(|f| at_fault.iter().any(|(k, _)| k == f))
            && at_fault.iter().all(|(_, id)| !verbatim.contains(id));
        if !explained {
            return Err(LifecycleError::Check {
                edition: self.checker.edition_path.to_path_buf(),
                findings: errors,
            });
        }
        // A number a model's translation lost is a warning: asked again all the same.
        let lost = culprits(&lost_numbers, self.doc, built, original_path)
            .into_iter()
            .filter(|(_, id)| !verbatim.contains(id));
        let faults = at_fault
            .into_iter()
            .chain(lost)
            .filter_map(|(finding, id)| {
                Some(Fault {
                    translation: translations.get(&id)?.clone(),
                    id,
                    finding,
                })
            })
            .collect();
        Ok(Found { errors, faults })
    }

    /// The memory entry of the model's `translation` of segment `id`.
    pub(crate) fn entry(
        &self,
        m: &Memory,
        id: &str,
        translation: &str,
    ) -> Result<Option<Entry>, LifecycleError> {
        let Some(seg) = self.doc.segments().find(|s| s.id == id) else {
            return Ok(None);
        };
        Ok(m.variants(self.code, &seg.tagged)?
            .into_iter()
            .find(|f| f.origin == Origin::Model && f.target == translation)
            .map(|f| f.entry))
    }

    /// Which of `faults` to ask again: those not asked for their finding before. Those asked
    /// this run (in `asked`) and still at fault are recorded on their memory entries.
    pub(crate) fn settle(
        &self,
        faults: Vec<Fault>,
        asked: &HashMap<String, Vec<String>>,
    ) -> Result<Vec<Again>, LifecycleError> {
        let mut again: Vec<Again> = Vec::new();
        let mut m = self.memory.lock().expect("memory lock");
        for fault in faults {
            let key = finding_key(&fault.finding);
            let entry = self.entry(&m, &fault.id, &fault.translation)?;
            if asked.contains_key(&fault.id) {
                // Asked once this run: its answer is kept with what it still lacks.
                if let Some(mut e) = entry.filter(|e| !e.asked.contains(&key)) {
                    e.asked.push(key);
                    m.insert(e);
                }
                continue;
            }
            if entry.is_some_and(|e| e.asked.contains(&key)) {
                continue;
            }
            match again.iter_mut().find(|a| a.id == fault.id) {
                Some(a) => {
                    a.reason = format!("{}; {}", a.reason, reason(&fault.finding));
                    a.finding = format!("{}\n{key}", a.finding);
                }
                None => again.push(Again {
                    reason: reason(&fault.finding),
                    id: fault.id,
                    translation: fault.translation,
                    finding: key,
                }),
            }
        }
        m.save()?;
        Ok(again)
    }

    /// Adds to a dry run's `plan` the round a real run would send after its first: the
    /// requests for what [`Faults::predicted`] says it would ask again.
    pub(crate) fn add_predicted_round(
        &self,
        plan: &mut run::Plan,
        given: &BTreeMap<String, String>,
        glossary: &Glossary,
        settings: &Settings,
    ) -> Result<(), LifecycleError> {
        let again = self.predicted(plan, given)?;
        if again.is_empty() {
            return Ok(());
        }
        let mut asked_again = Settings {
            skip: self
                .doc
                .segments()
                .map(|s| s.id.clone())
                .filter(|id| !again.iter().any(|a| &a.id == id))
                .collect(),
            ..settings.clone()
        };
        ask(&mut asked_again, &again);
        let more = run::plan(
            self.doc,
            glossary,
            &self.memory.lock().expect("memory lock"),
            &asked_again,
        )?;
        plan.add_round(more);
        Ok(())
    }

    /// What a real run would ask again after its first round, as far as it can be known
    /// before: the model's translations the memory serves that the edition's check finds at
    /// fault and that were not asked for it before. The segments the plan sends stand in as
    /// their own source (their answers are not known yet).
    pub(crate) fn predicted(
        &self,
        plan: &run::Plan,
        given: &BTreeMap<String, String>,
    ) -> Result<Vec<Again>, LifecycleError> {
        let mut translations = plan.from_memory.clone();
        translations.extend(given.clone());
        let served: HashSet<&String> = plan
            .from_memory
            .keys()
            .filter(|id| !plan.approved.contains(*id) && !given.contains_key(*id))
            .collect();
        for seg in self.doc.segments() {
            translations
                .entry(seg.id.clone())
                .or_insert_with(|| seg.tagged.clone());
        }
        let mut verbatim: HashSet<String> = plan.approved.clone();
        verbatim.extend(given.keys().cloned());
        let Ok(built) = self.assembly.build(&translations, &verbatim) else {
            return Ok(Vec::new());
        };
        // Findings on the stand-ins are the answers' to have or not: only the served count.
        let Ok(found) = self.of(&built, &translations, &verbatim, self.checker.original_path)
        else {
            return Ok(Vec::new());
        };
        let faults = found
            .faults
            .into_iter()
            .filter(|f| served.contains(&f.id))
            .collect();
        self.settle(faults, &HashMap::new())
    }
}

/// What an edition is checked against before it is written.
pub(crate) struct Checker<'a> {
    pub(crate) original: &'a str,
    pub(crate) original_path: &'a Path,
    pub(crate) edition_path: &'a Path,
    pub(crate) cx: crate::check::Context<'a>,
}

/// The error-level findings of `check` on an assembled edition (freshness aside: it is being
/// brought up to date), and its numbers the translations lost (warnings).
pub(crate) fn edition_check(
    checker: &Checker<'_>,
    edition: &str,
) -> (Vec<crate::check::Finding>, Vec<crate::check::Finding>) {
    let outcome = crate::check::check_pair(
        &crate::check::File {
            path: checker.original_path,
            text: checker.original,
        },
        &crate::check::File {
            path: checker.edition_path,
            text: edition,
        },
        &checker.cx,
    );
    let (errors, warnings): (Vec<_>, Vec<_>) = outcome
        .findings
        .into_iter()
        .partition(|f| f.level == crate::check::Level::Error);
    let numbers = warnings
        .into_iter()
        .filter(|f| f.rule == Rule::NumbersMissing)
        .collect();
    (errors, numbers)
}

/// The segment behind each finding: the one whose lines hold it, in the edition or in the
/// original.
pub(crate) fn culprits(
    findings: &[crate::check::Finding],
    doc: &Document<'_>,
    built: &Built,
    original_path: &Path,
) -> Vec<(crate::check::Finding, String)> {
    if findings.is_empty() {
        return Vec::new();
    }
    // Each side's segments as (first line, last line, id), in order: a finding's segment is
    // found by a binary search (an edition of a large table has thousands of each).
    let spans = |text: &str, ranges: &mut dyn Iterator<Item = (std::ops::Range<usize>, String)>| {
        let lines = crate::markdown::document::LineIndex::new(text);
        let mut out: Vec<(usize, usize, String)> = ranges
            .map(|(r, id)| (lines.line(r.start), lines.line(r.end), id))
            .collect();
        out.sort();
        out
    };
    let original = spans(
        doc.text,
        &mut doc.segments().map(|s| (s.range.clone(), s.id.clone())),
    );
    let edition = spans(
        &built.text,
        &mut built
            .placed
            .iter()
            .map(|(i, r)| (r.clone(), doc.runs[*i].id.clone())),
    );
    let find = |spans: &[(usize, usize, String)], line: usize| -> Option<String> {
        // The segments that start on or before the line; the first of them (in order) that
        // reaches it, as a scan in document order would find.
        let upto = spans.partition_point(|(first, _, _)| *first <= line);
        let from = spans[..upto].partition_point(|(_, last, _)| *last < line);
        spans[from..upto]
            .iter()
            .find(|(_, last, _)| *last >= line)
            .map(|(_, _, id)| id.clone())
    };
    let mut out = Vec::new();
    for f in findings {
        let found = if f.file == original_path {
            find(&original, f.line)
        } else {
            find(&edition, f.line)
        };
        if let Some(id) = found {
            out.push((f.clone(), id));
        }
    }
    out
}

/// The state of asking again from one round of an update to the next: the segments asked
/// again this run for the edition's check (each at most once), with the findings they were
/// asked for. It is what sets the next round's [`Settings::distrust`] and
/// [`Settings::reasons`].
#[derive(Debug, Default)]
pub(crate) struct AskAgain {
    asked: HashMap<String, Vec<String>>,
}

impl AskAgain {
    /// Whether nothing was asked again yet: only then is a translation the merge cannot place
    /// asked for again (once).
    pub(crate) fn is_first_round(&self, settings: &Settings) -> bool {
        settings.distrust.is_empty() && self.asked.is_empty()
    }

    /// The segments asked again for the check, with their findings' keys.
    pub(crate) fn asked(&self) -> &HashMap<String, Vec<String>> {
        &self.asked
    }

    /// The next round asks again for translations the merge could not place (their text).
    pub(crate) fn unplaced(&mut self, settings: &mut Settings, unplaced: HashMap<String, String>) {
        settings.distrust = unplaced;
    }

    /// The next round asks again for `again`, each with its reason, and remembers what it was
    /// asked for.
    pub(crate) fn findings(&mut self, settings: &mut Settings, again: Vec<Again>) {
        ask(settings, &again);
        for a in again {
            self.asked.entry(a.id).or_default().push(a.finding);
        }
    }
}

/// Sets what `settings` asks again: each of `again`'s translations not to use again, with its
/// reason.
fn ask(settings: &mut Settings, again: &[Again]) {
    settings.distrust = again
        .iter()
        .map(|a| (a.id.clone(), a.translation.clone()))
        .collect();
    settings.reasons = again
        .iter()
        .map(|a| (a.id.clone(), a.reason.clone()))
        .collect();
}
