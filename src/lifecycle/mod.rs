//! The lifecycle of an edition: written once, then kept in step with its original.
//!
//! [`update`] is the whole of `editions translate` for one issue and one locale, as a library
//! call whose [`Outcome`] the command line only presents:
//!
//! 1. The original is read and segmented; the blocks the locale's messages replace are set
//!    apart ([`crate::edition::rules`]).
//! 2. When an edition exists, its provenance record ([`crate::edition::provenance`]) is laid
//!    over it, and every segment of the original is sorted into one of five states
//!    ([`State`]) by comparing three versions: the record's source (the original when editions
//!    last wrote), today's original, and the edition as a person left it. Segments are matched
//!    by id, never by position, so inserted, deleted, moved and duplicated paragraphs only add
//!    or remove their own segments.
//! 3. Hand edits are kept and stored in the memory as approved before anything is sent; the
//!    rest comes from the memory or the model ([`crate::model::run`]).
//! 4. The edition is assembled (translations spliced into the original's bytes, boilerplate
//!    from the locale's messages, URLs rewritten), and written together with its new record:
//!    both staged in full, then renamed into place.
//!
//! What counts as a hand edit: a run of the edition whose bytes differ from what the record
//! says editions wrote there. Differing from today's assembly is not enough: that is what a
//! changed original, a changed message or an imported translation look like.
//!
//! Where each part is: [`update`] and its phases here; the newsletter and a job in `project`;
//! the three-way comparison in `reconcile`; the translate → assemble → check rounds in
//! `rounds`, asking again (and the rule that makes reruns converge) in `ask_again`; splicing
//! in `assembly`; the new record and the write in `record`; what an update did in `outcome`.
//! [`adopt`] takes a published edition over, [`many`] brings many up to date at once, and
//! [`import`] brings a person's reviewed translations into the memory.

pub mod adopt;
mod ask_again;
mod assembly;
mod error;
pub mod import;
pub mod many;
mod outcome;
mod project;
mod reconcile;
mod record;
mod rounds;

pub use assembly::{Assembly, Built};
pub use error::LifecycleError;
pub use outcome::{Conflict, Effect, HandEdit, Outcome, State};
pub use project::{is_stale, paths, relative, Job, Project};
pub use reconcile::Rederived;
pub use record::write_pair;

use ask_again::{Checker, Faults};
use reconcile::{keep_hand_edits, reconcile};
use record::{placed_segments, record_of};
use rounds::{Rounded, Rounds};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::edition::locale::Locale;
use crate::edition::provenance::{self, Record};
use crate::edition::rules::{self};
use crate::glossary::Glossary;
use crate::markdown::document::{ReadError, SourceText};
use crate::markdown::segment::Document;
use crate::memory::Memory;
use crate::message::tr;
use crate::model::run::{self, Progress, Settings};
use crate::model::Model;

/// Brings the edition of `job` up to date: see the module's documentation.
pub async fn update(
    project: &Project,
    job: &Job<'_>,
    memory: &Mutex<Memory>,
    model: Option<&Model>,
    progress: &dyn Progress,
) -> Result<Outcome, LifecycleError> {
    // The summary's wall time is the whole update's, waits and checks included.
    let started = std::time::Instant::now();
    let code = job.target.code();
    // One run at a time per original: a second run of the same issue waits here, then finds
    // in the memory what the first one paid for, and lays its edition over the first one's
    // record.
    let _one_at_a_time = lock_original(&job.issue.original, progress).await?;
    memory.lock().expect("memory lock").refresh()?;
    let source = SourceText::read(&job.issue.original)?;
    let doc = Document::parse(&source.text, &project.options).with_path(&job.issue.original);
    let glossary = Glossary::load(&project.glossary, job.target)?;
    let locale = Locale::load(&project.locales, code)?;
    let fixed = rules::find(&source.text, &project.boilerplate, code);
    let fixed_ids = rules::fixed_segments(&doc, &fixed);
    let (edition_path, record_path) = paths(project, job);
    prepare_destinations(project, job, &edition_path, &record_path)?;
    let existing = read_existing(job, &edition_path, &record_path)?;

    // The three-way comparison, before anything is sent.
    let (reconciled, rederived, states) =
        reconcile(project, job, &doc, &fixed_ids, &existing, memory, &glossary)?;
    keep_hand_edits(&reconciled, job, code, memory)?;
    let settings = run_settings(project, job, fixed_ids, &reconciled)?;
    let report = Report::of(job, &existing, &reconciled, rederived, states);
    let vars = rules::variables(&doc, &report.date, &project.original_url);
    let assembly = Assembly::of(project, &doc, &locale, &vars, job.target);
    let locale_texts = rules::locale_texts(&project.boilerplate, &locale, &project.locales, &vars);
    let checker = Checker {
        original: &source.text,
        original_path: &job.issue.original,
        edition_path: &edition_path,
        cx: project.check_context(job.target, &locale_texts, &glossary),
    };
    let faults = Faults {
        checker: &checker,
        assembly: &assembly,
        doc: &doc,
        memory,
        code,
    };
    let dry_plan = if job.dry_run {
        // A dry run checks what a real run would: the locale's messages for this issue's
        // fixed blocks included, and the model's translations in the memory the edition's
        // check would ask again for.
        rules::boilerplate_edits(&source.text, &fixed, &locale, &vars, &project.locales)?;
        let mut plan = run::plan(
            &doc,
            &glossary,
            &memory.lock().expect("memory lock"),
            &settings,
        )?;
        faults.add_predicted_round(&mut plan, &reconciled.given, &glossary, &settings)?;
        if !plan.batches.is_empty() {
            return Ok(report.planned(plan, existing));
        }
        // Nothing to send: the edition is assembled and checked as the real run would, which
        // tells whether it would be written at all.
        Some(plan)
    } else {
        None
    };
    let rounds = Rounds {
        project,
        doc: &doc,
        glossary: &glossary,
        memory,
        model,
        progress,
        edition_path: &edition_path,
        target: job.target,
        given: &reconciled.given,
        assembly: &assembly,
        faults: &faults,
    };
    let mut rounded = match rounds.run(settings, dry_plan).await? {
        Ok(rounded) => rounded,
        Err(plan) => return Ok(report.planned(plan, existing)),
    };
    rounded.summary.wall = started.elapsed();
    let placed = placed_segments(
        &doc,
        &rounded.built,
        &report.states,
        &report.conflicts,
        existing.record.as_ref(),
    );
    finish(project, job, &source, existing, rounded, &placed, report)
}

/// The translation run's settings for this update: the job's, with the segments not to send
/// (the locale's fixed blocks, a person's text) and the locale's style guide.
fn run_settings(
    project: &Project,
    job: &Job<'_>,
    mut skip: HashSet<String>,
    reconciled: &reconcile::Reconciled,
) -> Result<Settings, LifecycleError> {
    skip.extend(reconciled.given.keys().cloned());
    let style = style_guide(project, job.target.code())?;
    Ok(Settings {
        skip,
        guidance: run::Guidance {
            style,
            ..job.settings.guidance.clone()
        },
        ..job.settings.clone()
    })
}

/// The last phase: an edition without a record is only taken over as it is; the record is
/// made; the edition and its record are written unless nothing changed (or this is a dry run
/// or a stream).
fn finish(
    project: &Project,
    job: &Job<'_>,
    source: &SourceText,
    existing: Existing,
    rounded: Rounded,
    placed: &[provenance::Placed],
    report: Report,
) -> Result<Outcome, LifecycleError> {
    let Existing {
        edition_path,
        record_path,
        previous,
        previous_digest,
        record,
        ..
    } = existing;
    let Rounded {
        built,
        summary,
        bad_entries,
        dry_plan,
    } = rounded;
    if let (Some(prev), None, false) = (&previous, &record, job.retranslate) {
        if prev.text != built.text {
            return Err(LifecycleError::NoRecord {
                edition: edition_path,
                record: record_path,
            });
        }
    }
    let written = source.restore(built.text.clone());
    let new_record = record_of(
        project,
        job,
        &edition_path,
        (&written, &built.text),
        placed,
        previous_digest.as_ref(),
        record.as_ref(),
    );
    let unchanged = previous.as_ref().is_some_and(|p| p.text == built.text)
        && record.as_ref() == Some(&new_record);
    let previous_text = previous.map(|p| p.text);
    if unchanged {
        let mut o = report.outcome(Effect::Unchanged { summary }, previous_text);
        o.bad_entries = bad_entries;
        return Ok(o);
    }
    if let Some(plan) = dry_plan {
        return Ok(report.outcome(Effect::Planned(plan), previous_text));
    }
    if !job.stream {
        write_pair(
            (&edition_path, written.as_bytes()),
            (&record_path, new_record.to_text().as_bytes()),
        )?;
    }
    let now: HashSet<&str> = new_record.runs.iter().map(|w| w.written.as_str()).collect();
    let published_replaced = record
        .iter()
        .flat_map(|r| &r.runs)
        .filter(|w| w.published && !now.contains(w.written.as_str()))
        .count();
    let mut o = report.outcome(
        Effect::Written {
            text: built.text,
            summary,
        },
        previous_text,
    );
    o.bad_entries = bad_entries;
    o.published_replaced = published_replaced;
    Ok(o)
}

/// What every [`Outcome`] of an update tells besides its effect, known once the edition is
/// reconciled.
struct Report {
    original: PathBuf,
    edition: PathBuf,
    record: PathBuf,
    target: crate::lang::Lang,
    date: String,
    date_is_today: bool,
    states: std::collections::BTreeMap<String, State>,
    hand_edits: Vec<HandEdit>,
    conflicts: Vec<Conflict>,
    removed: usize,
    rederived: Option<Rederived>,
}

impl Report {
    /// The report of `job` after its reconciliation.
    fn of(
        job: &Job<'_>,
        existing: &Existing,
        reconciled: &reconcile::Reconciled,
        rederived: Option<Rederived>,
        states: std::collections::BTreeMap<String, State>,
    ) -> Report {
        let (date, date_is_today) = match &job.issue.date {
            Some(d) => (d.to_string(), false),
            None => (job.today.clone(), true),
        };
        Report {
            original: job.issue.original.clone(),
            edition: existing.edition_path.clone(),
            record: existing.record_path.clone(),
            target: job.target,
            date,
            date_is_today,
            states,
            hand_edits: reconciled.hand_edits.clone(),
            conflicts: reconciled.conflicts.clone(),
            removed: reconciled.removed,
            rederived,
        }
    }

    /// The outcome of a dry run that would send `plan`.
    fn planned(self, plan: run::Plan, existing: Existing) -> Outcome {
        self.outcome(Effect::Planned(plan), existing.previous.map(|p| p.text))
    }

    /// The outcome with `effect`, the edition before being `previous`.
    fn outcome(self, effect: Effect, previous: Option<String>) -> Outcome {
        Outcome {
            original: self.original,
            edition: self.edition,
            record: self.record,
            target: self.target,
            date: self.date,
            date_is_today: self.date_is_today,
            previous,
            effect,
            states: self.states,
            hand_edits: self.hand_edits,
            conflicts: self.conflicts,
            removed: self.removed,
            bad_entries: Vec::new(),
            published_replaced: 0,
            rederived: self.rederived,
        }
    }
}

/// Before anything is read or paid for: nothing editions writes is an original (a dry run
/// says so too), the edition, its record and the memory can be written, and what a killed run
/// left beside them is gone (this run holds the original's lock, so none is live). A stream
/// is none of these.
fn prepare_destinations(
    project: &Project,
    job: &Job<'_>,
    edition_path: &Path,
    record_path: &Path,
) -> Result<(), LifecycleError> {
    if job.stream {
        return Ok(());
    }
    refuse_original(project, job, edition_path)?;
    crate::file::destination(edition_path)?;
    crate::file::destination(record_path)?;
    crate::file::destination(&project.memory)?;
    crate::file::clean_up(edition_path);
    crate::file::clean_up(record_path);
    Ok(())
}

/// The edition as it is and its record, with what the record says of it.
struct Existing {
    edition_path: PathBuf,
    record_path: PathBuf,
    previous: Option<SourceText>,
    previous_digest: Option<String>,
    record: Option<Record>,
    /// The edition the record describes, untouched since (no hand edit is possible), the one
    /// before it (a run stopped between the renames), or neither (edited by a person, or a
    /// record from before digests).
    untouched: Option<Rederived>,
}

/// Reads the edition and its record; a stream has neither (it is never read: it may be a
/// terminal or a pipe).
fn read_existing(
    job: &Job<'_>,
    edition_path: &Path,
    record_path: &Path,
) -> Result<Existing, LifecycleError> {
    if job.stream {
        return Ok(Existing {
            edition_path: edition_path.to_path_buf(),
            record_path: record_path.to_path_buf(),
            previous: None,
            previous_digest: None,
            record: None,
            untouched: None,
        });
    }
    let (previous, previous_digest) = match std::fs::read(edition_path) {
        Ok(bytes) => {
            let digest = provenance::digest(&bytes);
            (
                Some(SourceText::from_bytes(edition_path, bytes)?),
                Some(digest),
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(error) => {
            return Err(ReadError::Io {
                path: edition_path.to_path_buf(),
                error,
            }
            .into())
        }
    };
    let record = Record::load(record_path)?;
    let untouched = record.as_ref().and_then(|r| {
        let now = previous_digest.as_ref()?;
        if r.header.digest.as_ref() == Some(now) {
            Some(Rederived::Damaged)
        } else if r.header.previous.as_ref() == Some(now) {
            Some(Rederived::Ahead)
        } else {
            None
        }
    });
    Ok(Existing {
        edition_path: edition_path.to_path_buf(),
        record_path: record_path.to_path_buf(),
        previous,
        previous_digest,
        record,
        untouched,
    })
}

/// The locale's style guide (`locales/{locale}/style.md`), which goes with every request.
fn style_guide(project: &Project, code: &str) -> Result<Option<String>, LifecycleError> {
    let style_path = project.locales.join(code).join("style.md");
    match std::fs::read_to_string(&style_path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(LifecycleError::Read(ReadError::Io {
            path: style_path,
            error,
        })),
    }
}

/// An error when `edition` (links followed) is the original being translated or any place the
/// originals' patterns match.
fn refuse_original(project: &Project, job: &Job<'_>, edition: &Path) -> Result<(), LifecycleError> {
    let at = crate::file::resolved(edition)?;
    let original = crate::file::resolved(&job.issue.original)?;
    if at != original && !project.layout.is_original_place(&at) {
        return Ok(());
    }
    Err(LifecycleError::OutputIsOriginal {
        edition: edition.to_path_buf(),
        original: at,
        why: tr(
            if job.out.is_some() {
                "lifecycle-output-from-out"
            } else {
                "lifecycle-output-from-pattern"
            },
            &[],
        ),
    })
}

/// Takes the lock of an original without blocking the runtime: tried, then tried again after
/// a pause while the run's other editions go on (so two runs that lock originals in different
/// orders never wait for each other in a cycle, and a signal stops the wait at once). After a
/// second, the wait is said, with the process that holds the lock when the system tells.
async fn lock_original(
    original: &Path,
    progress: &dyn Progress,
) -> Result<crate::file::Locked, LifecycleError> {
    let started = std::time::Instant::now();
    let mut said = false;
    loop {
        match crate::file::Locked::try_existing(original) {
            Ok(Some(lock)) => return Ok(lock),
            Ok(None) => {}
            Err(error) => {
                return Err(ReadError::Io {
                    path: original.to_path_buf(),
                    error,
                }
                .into())
            }
        }
        if !said && started.elapsed() >= std::time::Duration::from_secs(1) {
            said = true;
            let holder = crate::file::lock_holder(original);
            let original = original.display();
            progress.note(&match holder {
                Some(pid) => tr(
                    "lifecycle-waiting-for",
                    &[("original", &original), ("pid", &pid)],
                ),
                None => tr("lifecycle-waiting", &[("original", &original)]),
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
