//! The three-way comparison before anything is sent: what editions wrote (the record), what
//! the edition is now, and what the original says now, sorted into each segment's [`State`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Display;
use std::path::Path;
use std::sync::Mutex;

use crate::edition::existing::retag;
use crate::edition::provenance::{self, Record};
use crate::edition::rules;
use crate::glossary::Glossary;
use crate::markdown::segment::{Document, Segment};
use crate::markdown::splice::fits;
use crate::markdown::tag::{self, Item};
use crate::memory::{Author, Entry, Memory, Origin};
use crate::message::{tr, tr_attr};
use crate::model::prompt::PROMPT_VERSION;
use crate::model::run::{self, Settings};

use super::{Conflict, Existing, HandEdit, Job, LifecycleError, Project, State};

/// The three-way comparison of the original, the edition and its record, before anything is
/// sent: each segment's state, what a person's edits give, and why a record is written anew.
/// An edition without a record is taken over only when it is exactly today's assembly (that
/// is, when nothing would be sent); anything else needs `adopt` first.
pub(crate) fn reconcile(
    project: &Project,
    job: &Job<'_>,
    doc: &Document<'_>,
    fixed_ids: &HashSet<String>,
    existing: &Existing,
    memory: &Mutex<Memory>,
    glossary: &Glossary,
) -> Result<Comparison, LifecycleError> {
    let code = job.target.code();
    let mut reconciled = Reconciled::default();
    let mut rederived = None;
    let mut states: BTreeMap<String, State> = doc
        .segments()
        .filter(|s| !fixed_ids.contains(&s.id))
        .map(|s| (s.id.clone(), State::New))
        .collect();
    match (&existing.previous, &existing.record, job.retranslate) {
        (Some(prev), Some(record), retranslate) => {
            let cx = Reconcile {
                doc,
                fixed: fixed_ids,
                record,
                edition: &prev.text,
                edition_path: &existing.edition_path,
                record_path: &existing.record_path,
                memory_path: &project.memory,
                rewrite: &|url: &str| rules::rewrite_url(url, &project.url_rewrite, code),
            };
            (reconciled, rederived) = compare(&cx, job, retranslate, existing.untouched, memory)?;
            for (id, state) in &reconciled.states {
                states.insert(id.clone(), *state);
            }
        }
        (Some(_), None, false) => {
            // Nothing may be paid for before.
            let m = memory.lock().expect("memory lock");
            let settings = Settings {
                skip: fixed_ids.clone(),
                ..job.settings.clone()
            };
            if !run::plan(doc, glossary, &m, &settings)?.batches.is_empty() {
                return Err(LifecycleError::NoRecord {
                    edition: existing.edition_path.clone(),
                    record: existing.record_path.clone(),
                });
            }
        }
        _ => {}
    }
    Ok((reconciled, rederived, states))
}

/// Hand edits go to the memory, as approved translations, before anything is sent (a dry run
/// writes nothing).
pub(crate) fn keep_hand_edits(
    reconciled: &Reconciled,
    job: &Job<'_>,
    code: &str,
    memory: &Mutex<Memory>,
) -> Result<(), LifecycleError> {
    if reconciled.approved.is_empty() || job.dry_run {
        return Ok(());
    }
    let mut m = memory.lock().expect("memory lock");
    for (source, target_text) in &reconciled.approved {
        m.insert(Entry {
            locale: code.to_string(),
            source: source.clone(),
            target: target_text.clone(),
            glossary: String::new(),
            prompt: PROMPT_VERSION,
            model: Author::HandEdited,
            date: job.today.clone(),
            origin: Origin::Approved,
            rating: None,
            note: None,
            asked: Vec::new(),
        });
    }
    m.save()?;
    Ok(())
}

/// The three-way comparison of an edition that has a record (see the module's documentation):
/// what each segment's state is, which hand edits to keep, and whether the record must be
/// written anew. A person's text that cannot be placed is kept as a candidate first (a dry run
/// writes nothing); a refused hand edit stops the run once all are kept.
pub(crate) fn compare(
    cx: &Reconcile<'_, '_>,
    job: &Job<'_>,
    retranslate: bool,
    untouched: Option<Rederived>,
    memory: &Mutex<Memory>,
) -> Result<(Reconciled, Option<Rederived>), LifecycleError> {
    let code = job.target.code();
    if retranslate {
        // Replaced on request, but a person's text is never lost: every hand edit is kept as
        // a candidate (an edition too changed to compare keeps its own file).
        if let (Ok(r), false) = (cx.run(), job.dry_run) {
            let mut kept = r.unplaced;
            kept.extend(r.approved.into_iter().map(|(source, text)| Unplaced {
                source,
                text,
                why: tr("lifecycle-kept-retranslated", &[]),
            }));
            keep_unplaced(memory, code, &job.today, kept)?;
        }
        return Ok((Reconciled::default(), None));
    }
    if untouched == Some(Rederived::Ahead) {
        // The record is one run ahead of its edition, which nobody touched: nothing to keep,
        // the edition is written anew from the memory.
        return Ok((Reconciled::default(), Some(Rederived::Ahead)));
    }
    let (mut reconciled, rederived) = match (cx.run(), untouched) {
        (Ok(r), Some(_)) if r.edited == 0 => (r, None),
        // An edition exactly as editions wrote it has no hand edit: a record that sees one (or
        // cannot be laid over it) is damaged, and is written anew.
        (_, Some(_)) => (Reconciled::default(), Some(Rederived::Damaged)),
        (r, None) => (r?, None),
    };
    if !job.dry_run {
        keep_unplaced(
            memory,
            code,
            &job.today,
            std::mem::take(&mut reconciled.unplaced),
        )?;
    }
    if !reconciled.refused.is_empty() {
        return Err(reconciled.refused.swap_remove(0));
    }
    Ok((reconciled, rederived))
}

/// Keeps a person's texts that cannot be placed as candidates in the memory, each under its
/// source with why, where `review` shows them.
pub(crate) fn keep_unplaced(
    memory: &Mutex<Memory>,
    code: &str,
    today: &str,
    kept: Vec<Unplaced>,
) -> Result<(), LifecycleError> {
    if kept.is_empty() {
        return Ok(());
    }
    let mut m = memory.lock().expect("memory lock");
    for k in kept {
        m.insert(Entry {
            locale: code.to_string(),
            source: k.source,
            target: k.text,
            glossary: String::new(),
            prompt: crate::lifecycle::adopt::CANDIDATE_PROMPT,
            model: Author::HandEdited,
            date: today.to_string(),
            origin: Origin::Candidate,
            rating: None,
            note: Some(k.why),
            asked: Vec::new(),
        });
    }
    m.save()?;
    Ok(())
}

/// Why a run wrote an edition's record anew instead of laying it over the edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rederived {
    /// The record was one run ahead of its edition (a run stopped between the renames); the
    /// edition, untouched since the record before, had no hand edit.
    Ahead,
    /// The record does not account for an edition exactly as editions wrote it.
    Damaged,
}

/// A person's text that cannot be placed in the edition, kept in the memory as a candidate
/// under `source` so that it is never lost.
#[derive(Debug, Clone)]
pub(crate) struct Unplaced {
    pub(crate) source: String,
    pub(crate) text: String,
    pub(crate) why: String,
}

/// The result of the three-way comparison.
#[derive(Debug, Default)]
pub(crate) struct Reconciled {
    /// Hand edits that cannot be placed: kept as candidates before anything else happens.
    pub(crate) unplaced: Vec<Unplaced>,
    /// Hand edits refused (their markup does not fit their unchanged original): the run stops
    /// with the first, once they are all kept.
    pub(crate) refused: Vec<LifecycleError>,
    pub(crate) states: BTreeMap<String, State>,
    /// Translations taken from the edition (hand edits), by segment id.
    pub(crate) given: BTreeMap<String, String>,
    /// Approved memory entries to add: (tagged source, tagged translation).
    pub(crate) approved: Vec<(String, String)>,
    pub(crate) hand_edits: Vec<HandEdit>,
    pub(crate) conflicts: Vec<Conflict>,
    pub(crate) removed: usize,
    /// Runs whose bytes differ from what the record says editions wrote.
    pub(crate) edited: usize,
}

pub(crate) struct Reconcile<'a, 'd> {
    pub(crate) doc: &'a Document<'d>,
    pub(crate) fixed: &'a HashSet<String>,
    pub(crate) record: &'a Record,
    pub(crate) edition: &'a str,
    pub(crate) edition_path: &'a Path,
    pub(crate) record_path: &'a Path,
    pub(crate) memory_path: &'a Path,
    pub(crate) rewrite: &'a dyn Fn(&str) -> String,
}

impl Reconcile<'_, '_> {
    pub(crate) fn unplaceable(
        &self,
        line: usize,
        id: &str,
        args: &[(&str, &dyn Display)],
    ) -> LifecycleError {
        LifecycleError::Unplaceable {
            edition: self.edition_path.to_path_buf(),
            record: self.record_path.to_path_buf(),
            line,
            what: tr(id, args),
            hint: tr_attr(id, "hint", args),
        }
    }

    /// The comparison: every run editions wrote must be where the record says, then each
    /// segment of today's original is sorted by what happened to it.
    pub(crate) fn run(&self) -> Result<Reconciled, LifecycleError> {
        let runs = Document::parse(self.edition, &self.doc.options);
        let located = self.record.locate(&runs);
        self.all_there(&located)?;
        // The previous edition's segments, in order, with where they are now.
        let old: Vec<(&provenance::Written, &provenance::At)> = self
            .record
            .runs
            .iter()
            .zip(&located.runs)
            .filter_map(|(w, at)| Some((w, at.as_ref()?)).filter(|(w, _)| w.id.is_some()))
            .collect();
        let new: Vec<&crate::Segment<'_>> = self
            .doc
            .segments()
            .filter(|s| !self.fixed.contains(&s.id))
            .collect();
        let old_ids: Vec<&str> = old.iter().map(|(w, _)| w.id.as_deref().unwrap()).collect();
        let new_ids: Vec<&str> = new.iter().map(|s| s.id.as_str()).collect();
        let (predecessor, paired_old) = predecessors(&old_ids, &new_ids);
        let by_id: HashMap<&str, usize> =
            old_ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
        let mut out = Reconciled {
            edited: located.runs.iter().flatten().filter(|at| at.edited).count(),
            ..Reconciled::default()
        };
        let run_at = |at: &provenance::At| {
            runs.runs
                .iter()
                .find(|r| r.range.start == at.range.start)
                .expect("a located run")
        };
        for (j, seg) in new.iter().enumerate() {
            if let Some(&k) = by_id.get(seg.id.as_str()) {
                let (_, at) = old[k];
                if at.edited {
                    self.hand_edited(seg, at, run_at(at), &mut out);
                } else {
                    out.states.insert(seg.id.clone(), State::Unchanged);
                }
            } else if let Some(&k) = predecessor.get(&j) {
                let (w, at) = old[k];
                // A person's text: edited since the last run, or a hand edit that run kept.
                if at.edited || w.hand_edited {
                    self.conflict(seg, w, at, run_at(at), &mut out);
                } else {
                    out.states.insert(seg.id.clone(), State::Changed);
                }
            }
        }
        // Segments whose paragraphs left the original: a hand edit among them is kept in the
        // memory and listed.
        let new_set: HashSet<&str> = new_ids.iter().copied().collect();
        for (k, (w, at)) in old.iter().enumerate() {
            if new_set.contains(old_ids[k]) || paired_old.contains(&k) {
                continue;
            }
            out.removed += 1;
            if at.edited || w.hand_edited {
                self.removed(w, at, run_at(at), &mut out);
            }
        }
        Ok(out)
    }

    /// Every run editions wrote is still there, and only the segments' runs are edited.
    fn all_there(&self, located: &provenance::Located) -> Result<(), LifecycleError> {
        if let Some(&line) = located.added.first() {
            return Err(self.unplaceable(line, "lifecycle-added", &[]));
        }
        for (k, w) in self.record.runs.iter().enumerate() {
            match (&located.runs[k], &w.id) {
                (None, Some(id)) => {
                    return Err(self.unplaceable(
                        located.near[k],
                        "lifecycle-segment-gone",
                        &[("id", id), ("text", &short(&w.written))],
                    ))
                }
                (None, None) => {
                    return Err(self.unplaceable(
                        located.near[k],
                        "lifecycle-fixed-gone",
                        &[("text", &short(&w.written))],
                    ))
                }
                (Some(at), None) if at.edited => {
                    return Err(self.unplaceable(
                        at.line,
                        "lifecycle-fixed-edited",
                        &[("text", &short(&w.written))],
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A segment whose source is unchanged and whose text a person edited: kept, and
    /// approved in the memory; one whose markup does not fit is kept as a candidate and
    /// refused.
    fn hand_edited(
        &self,
        seg: &Segment<'_>,
        at: &provenance::At,
        edited: &Segment<'_>,
        out: &mut Reconciled,
    ) {
        let tagged = retag(seg, self.doc.text, edited, self.edition, self.rewrite)
            .ok_or_else(|| tr("markup-differs", &[]))
            .and_then(|tagged| fits(seg, &tagged).map(|()| tagged));
        let tagged = match tagged {
            Ok(tagged) => tagged,
            Err(why) => {
                out.unplaced.push(Unplaced {
                    source: seg.tagged.clone(),
                    text: self.edition[edited.range.clone()].to_string(),
                    why: tr("lifecycle-kept-refused", &[("why", &why)]),
                });
                out.refused.push(LifecycleError::UnreadableEdit {
                    edition: self.edition_path.to_path_buf(),
                    line: at.line,
                    id: seg.id.clone(),
                    why,
                    memory: self.memory_path.to_path_buf(),
                });
                return;
            }
        };
        out.approved.push((seg.tagged.clone(), tagged.clone()));
        out.given.insert(seg.id.clone(), tagged);
        out.hand_edits.push(HandEdit {
            id: seg.id.clone(),
            line: seg.line,
            edition_line: at.line,
        });
        out.states.insert(seg.id.clone(), State::HandEdited);
    }

    /// A segment whose source changed where a person had edited the text: translated anew,
    /// the hand edit kept in the memory under the old source (or as a candidate beside the
    /// new one when its markup fits neither) and listed.
    fn conflict(
        &self,
        seg: &Segment<'_>,
        w: &provenance::Written,
        at: &provenance::At,
        edited: &Segment<'_>,
        out: &mut Reconciled,
    ) {
        let old_source = w.source.clone().unwrap_or_default();
        let hand_edit = retag(seg, self.doc.text, edited, self.edition, self.rewrite)
            .filter(|t| same_tags(t, &old_source));
        match &hand_edit {
            Some(t) => out.approved.push((old_source.clone(), t.clone())),
            // Its markup fits neither original: kept beside the new one.
            None => out.unplaced.push(Unplaced {
                source: seg.tagged.clone(),
                text: self.edition[edited.range.clone()].to_string(),
                why: tr(
                    "lifecycle-kept-conflict",
                    &[("old", &crate::markdown::tag::plain(&old_source))],
                ),
            }),
        }
        out.conflicts.push(Conflict {
            id: Some(seg.id.clone()),
            line: seg.line,
            edition_line: at.line,
            old_source,
            hand_edit,
        });
        out.states.insert(seg.id.clone(), State::Conflict);
    }

    /// A hand edit whose paragraph left the original: kept in the memory under its old
    /// source (or as a candidate) and listed.
    fn removed(
        &self,
        w: &provenance::Written,
        at: &provenance::At,
        edited: &Segment<'_>,
        out: &mut Reconciled,
    ) {
        let old_source = w.source.clone().unwrap_or_default();
        // No segment to number it like: its own tags, in document order.
        let hand_edit = Some(edited.tagged.clone()).filter(|t| same_tags(t, &old_source));
        match &hand_edit {
            Some(t) => out.approved.push((old_source.clone(), t.clone())),
            None => out.unplaced.push(Unplaced {
                source: old_source.clone(),
                text: self.edition[edited.range.clone()].to_string(),
                why: tr("lifecycle-kept-removed", &[]),
            }),
        }
        out.conflicts.push(Conflict {
            id: None,
            line: 0,
            edition_line: at.line,
            old_source,
            hand_edit,
        });
    }
}

/// Pairs a new segment with the gone one in its place (same kind): that segment, changed.
/// Returns the pairs (new index → old index) and the old indices paired.
fn predecessors(old_ids: &[&str], new_ids: &[&str]) -> (HashMap<usize, usize>, HashSet<usize>) {
    let old_set: HashSet<&str> = old_ids.iter().copied().collect();
    let new_set: HashSet<&str> = new_ids.iter().copied().collect();
    let mut predecessor: HashMap<usize, usize> = HashMap::new();
    let mut paired_old: HashSet<usize> = HashSet::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, old_ids, new_ids) {
        if let similar::DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } = op
        {
            let gone: Vec<usize> = (old_index..old_index + old_len)
                .filter(|&k| !new_set.contains(old_ids[k]))
                .collect();
            let fresh: Vec<usize> = (new_index..new_index + new_len)
                .filter(|&j| !old_set.contains(new_ids[j]))
                .collect();
            let mut gone = gone.into_iter().peekable();
            for j in fresh {
                let Some(&k) = gone.peek() else { break };
                if kind_of(old_ids[k]) == kind_of(new_ids[j]) {
                    predecessor.insert(j, k);
                    paired_old.insert(k);
                    gone.next();
                }
            }
        }
    }
    (predecessor, paired_old)
}

/// A segment id's kind (`p`, `h2`, `li`…).
pub(crate) fn kind_of(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// The first words of a run, for messages.
pub(crate) fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    let mut s: String = one_line.chars().take(40).collect();
    if one_line.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// Whether `tagged` has exactly the tags of `source`.
pub(crate) fn same_tags(tagged: &str, source: &str) -> bool {
    let expected: Vec<tag::Tag> = tag::parse(source)
        .into_iter()
        .filter_map(|i| match i {
            Item::Open(t) | Item::Atom(t) => Some(t),
            _ => None,
        })
        .collect();
    tag::validate(tagged, &tag::parse(tagged), &expected).is_empty()
}

/// What the three-way comparison finds: what a person's edits give, why the record is
/// written anew (if it is), and each segment's state.
pub(crate) type Comparison = (Reconciled, Option<Rederived>, BTreeMap<String, State>);
