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

pub mod adopt;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::edition::existing::retag;
use crate::edition::issue::{Issue, Layout};
use crate::edition::locale::{Locale, LocaleError};
use crate::edition::provenance::{self, Header, Placed, ProvenanceError, Record, Superseded};
use crate::edition::rules::{self, Rule, UrlRewrite};
use crate::glossary::{Glossary, GlossaryError};
use crate::lang::Lang;
use crate::markdown::document::{ReadError, SourceText};
use crate::markdown::segment::{Document, SegmentOptions};
use crate::markdown::splice::{fits, merge_placed, MergeError};
use crate::markdown::tag::{self, Item};
use crate::memory::{Entry, Memory, MemoryError, Origin};
use crate::message::{tr, tr_attr, tr_hint};
use crate::model::prompt::PROMPT_VERSION;
use crate::model::run::{self, BadEntry, Plan, Progress, Settings, Summary, TranslateError};
use crate::model::Model;

/// Everything about a newsletter that the lifecycle reads, resolved from its configuration.
#[derive(Debug, Clone)]
pub struct Project {
    pub layout: Layout,
    /// The translation memory file.
    pub memory: PathBuf,
    /// The folder of provenance records.
    pub provenance: PathBuf,
    /// The folder of glossary files.
    pub glossary: PathBuf,
    /// The folder of Fluent locales.
    pub locales: PathBuf,
    /// How originals are segmented (their language, the translated front-matter fields).
    pub options: SegmentOptions,
    /// The original's address, for the `$url` of locale messages; `{date}` is filled in.
    pub original_url: String,
    pub boilerplate: Vec<Rule>,
    pub url_rewrite: Vec<UrlRewrite>,
    /// Text an edition may keep in the source script (names), for the edition's check.
    pub allow: Vec<String>,
}

/// One edition to bring up to date.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub issue: &'a Issue,
    pub target: Lang,
    /// Where to write the edition instead of beside the original.
    pub out: Option<PathBuf>,
    /// The edition goes to a stream (standard output, a pipe, a device): nothing is read from
    /// it, no record is kept, and the caller writes the text of [`Effect::Written`].
    pub stream: bool,
    /// Send nothing: only plan.
    pub dry_run: bool,
    /// Replace the existing edition without keeping its hand edits.
    pub retranslate: bool,
    /// The translation run's settings (`skip` is filled in here).
    pub settings: Settings,
    /// The run's date, used for `$date` and `$url` when the issue has none.
    pub today: String,
}

/// What happened to one segment of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Same source, edition text as editions wrote it.
    Unchanged,
    /// Its source changed and the edition's text was editions': translated anew.
    Changed,
    /// Same source, edition text edited by a person: kept, recorded as approved.
    HandEdited,
    /// Its source changed and a person had edited its text: translated anew, the hand edit
    /// kept in the memory under the old source and listed.
    Conflict,
    /// Not in the previous edition (or there was none).
    New,
}

/// A segment kept as a person edited it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandEdit {
    pub id: String,
    /// Line of the segment in the original.
    pub line: usize,
    /// Line of the edited text in the edition.
    pub edition_line: usize,
}

/// A hand edit whose source changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The segment of today's original (`None`: the paragraph was removed from it).
    pub id: Option<String>,
    /// Line in the original (of the new segment, when there is one).
    pub line: usize,
    /// Line of the hand edit in the previous edition.
    pub edition_line: usize,
    /// The source the hand edit translated.
    pub old_source: String,
    /// The hand edit, as tagged text (`None` when its markup no longer matches any source, so
    /// the memory could not keep it; the diff shows it).
    pub hand_edit: Option<String>,
}

/// The result of bringing one edition up to date.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub original: PathBuf,
    pub edition: PathBuf,
    pub record: PathBuf,
    pub target: Lang,
    /// The date used for `$date` and `$url`, and whether it is the run's date because the
    /// original has none.
    pub date: String,
    pub date_is_today: bool,
    /// The edition before, when there was one.
    pub previous: Option<String>,
    /// What the run did.
    pub effect: Effect,
    /// Each segment's state, by id.
    pub states: BTreeMap<String, State>,
    pub hand_edits: Vec<HandEdit>,
    pub conflicts: Vec<Conflict>,
    /// Segments of the previous edition whose paragraphs left the original.
    pub removed: usize,
    /// Memory entries that were found and not used: their segments were asked again.
    pub bad_entries: Vec<BadEntry>,
    /// Published paragraphs `adopt` could not vouch for that this run replaced (each is kept
    /// as a candidate in the memory).
    pub published_replaced: usize,
    /// The record was written anew, and why.
    pub rederived: Option<Rederived>,
}

/// What a run did to the edition.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    /// Dry run: what would be sent.
    Planned(Plan),
    /// The edition (and its record) was written.
    Written { text: String, summary: Summary },
    /// The edition already was what this run would write.
    Unchanged { summary: Summary },
}

impl Outcome {
    /// How many segments are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.states.values().filter(|s| **s == state).count()
    }
}

/// Why an edition could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Glossary(#[from] GlossaryError),
    #[error(transparent)]
    Locale(#[from] LocaleError),
    #[error(transparent)]
    Provenance(#[from] ProvenanceError),
    #[error(transparent)]
    Memory(#[from] MemoryError),
    #[error(transparent)]
    Merge(#[from] MergeError),
    #[error(transparent)]
    Translate(#[from] TranslateError),
    #[error("{}:{}: {}\n  {}", .edition.display(), .line, tr("lifecycle-unplaceable", &[("what", .what), ("record", &.record.display())]), tr("hint", &[("hint", .hint)]))]
    Unplaceable {
        edition: PathBuf,
        record: PathBuf,
        line: usize,
        what: String,
        hint: String,
    },
    #[error("{}:{}: {}", .edition.display(), .line, tr_hint("lifecycle-unreadable-edit", &[("id", .id), ("why", .why), ("memory", &.memory.display())]))]
    UnreadableEdit {
        edition: PathBuf,
        line: usize,
        id: String,
        why: String,
        /// Where the hand edit is kept (as a candidate) meanwhile.
        memory: PathBuf,
    },
    #[error("{}", tr_hint("lifecycle-no-record", &[("edition", &.edition.display()), ("record", &.record.display())]))]
    NoRecord { edition: PathBuf, record: PathBuf },
    #[error("{}", tr_hint("lifecycle-already-recorded", &[("edition", &.edition.display()), ("record", &.record.display())]))]
    AlreadyRecorded { edition: PathBuf, record: PathBuf },
    #[error("{}", tr_hint("lifecycle-nothing-to-adopt", &[("edition", &.edition.display())]))]
    NothingToAdopt { edition: PathBuf },
    #[error(transparent)]
    Write(#[from] crate::file::WriteError),
    #[error("{}", tr_hint("lifecycle-output-is-original", &[("edition", &.edition.display()), ("original", &.original.display()), ("why", .why)]))]
    OutputIsOriginal {
        edition: PathBuf,
        original: PathBuf,
        why: String,
    },
    #[error("{}:\n{}\n  {}",
        tr("lifecycle-check", &[("edition", &.edition.display())]),
        .findings.iter().map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n"),
        tr("hint", &[("hint", &tr_attr("lifecycle-check", "hint", &[]))]))]
    Check {
        edition: PathBuf,
        findings: Vec<crate::check::Finding>,
    },
}

/// The path of `path` relative to the root, with `/` separators, for records.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the edition of `job` goes and where its record is.
pub fn paths(project: &Project, job: &Job<'_>) -> (PathBuf, PathBuf) {
    match &job.out {
        // Keyed by where it really goes: two editions never share a record.
        Some(p) => {
            let at = crate::file::resolved(p).unwrap_or_else(|_| p.clone());
            let record = provenance::path_elsewhere(&project.provenance, job.target.code(), &at);
            (p.clone(), record)
        }
        None => {
            let edition = job.issue.edition(&project.layout, job.target);
            let record = provenance::path(&project.provenance, job.target.code(), &edition);
            (edition, record)
        }
    }
}

/// Whether the edition of `issue` in `target` exists and its original's segments differ from
/// those its record says it was translated from: what `check` reports as stale. An edition
/// without a record is not known to be stale; an original that cannot be read is (the run
/// then says why).
pub fn is_stale(project: &Project, issue: &Issue, target: Lang) -> bool {
    let edition = issue.edition(&project.layout, target);
    if !edition.is_file() {
        return false;
    }
    let record = provenance::path(&project.provenance, target.code(), &edition);
    let Ok(Some(record)) = Record::load(&record) else {
        return false;
    };
    let Ok(source) = SourceText::read(&issue.original) else {
        return true;
    };
    let doc = Document::parse(&source.text, &project.options);
    let excluded: Vec<std::ops::Range<usize>> =
        rules::find(&source.text, &project.boilerplate, target.code())
            .into_iter()
            .map(|f| f.range)
            .collect();
    let now: HashSet<&str> = doc
        .runs
        .iter()
        .filter(|s| s.translatable && crate::edition::align::in_body(s.range.start, &excluded))
        .map(|s| s.id.as_str())
        .collect();
    let then: HashSet<&str> = record.runs.iter().filter_map(|r| r.id.as_deref()).collect();
    now != then
}

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
    let target = job.target;
    let code = target.code();
    // One run at a time per original: a second run of the same issue waits here, then finds
    // in the memory what the first one paid for, and lays its edition over the first one's
    // record.
    let _one_at_a_time = lock_original(&job.issue.original, progress).await?;
    memory.lock().expect("memory lock").refresh()?;
    let source = SourceText::read(&job.issue.original)?;
    let doc = Document::parse(&source.text, &project.options).with_path(&job.issue.original);
    let glossary = Glossary::load(&project.glossary, target)?;
    let locale = Locale::load(&project.locales, code)?;
    let fixed = rules::find(&source.text, &project.boilerplate, code);
    let fixed_ids = rules::fixed_segments(&doc, &fixed);
    let (edition_path, record_path) = paths(project, job);
    prepare_destinations(project, job, &edition_path, &record_path)?;
    let existing = read_existing(job, &edition_path, &record_path)?;
    let (date, date_is_today) = match &job.issue.date {
        Some(d) => (d.clone(), false),
        None => (job.today.clone(), true),
    };

    // The three-way comparison, before anything is sent.
    let (reconciled, rederived, states) =
        reconcile(project, job, &doc, &fixed_ids, &existing, memory, &glossary)?;
    let Existing {
        previous,
        previous_digest,
        record,
        ..
    } = existing;
    keep_hand_edits(&reconciled, job, code, memory)?;
    let mut skip = fixed_ids.clone();
    skip.extend(reconciled.given.keys().cloned());
    let style = style_guide(project, code)?;
    let settings = Settings {
        skip,
        guidance: run::Guidance {
            style,
            ..job.settings.guidance.clone()
        },
        ..job.settings.clone()
    };
    let outcome = |effect: Effect, previous: Option<String>| Outcome {
        original: job.issue.original.clone(),
        edition: edition_path.clone(),
        record: record_path.clone(),
        target,
        date: date.clone(),
        date_is_today,
        previous,
        effect,
        states: states.clone(),
        hand_edits: reconciled.hand_edits.clone(),
        conflicts: reconciled.conflicts.clone(),
        removed: reconciled.removed,
        bad_entries: Vec::new(),
        published_replaced: 0,
        rederived,
    };
    let vars = rules::variables(&doc, &date, &project.original_url);
    let assembly = Assembly {
        doc: &doc,
        rules: &project.boilerplate,
        url_rewrite: &project.url_rewrite,
        locale: &locale,
        locales_dir: &project.locales,
        vars: &vars,
        target,
    };
    let locale_texts = rules::locale_texts(&project.boilerplate, &locale, &project.locales, &vars);
    let no_common = Default::default();
    let checker = Checker {
        original: &source.text,
        original_path: &job.issue.original,
        edition_path: &edition_path,
        cx: crate::check::Context {
            source: project.options.source,
            target,
            rules: &project.boilerplate,
            rewrites: &project.url_rewrite,
            locale_texts: &locale_texts,
            glossary: &glossary,
            allow: &project.allow,
            memory: None,
            record: None,
            options: &project.options,
            strict: false,
            common_urls: &no_common,
        },
    };
    let faults = Faults {
        checker: &checker,
        assembly: &assembly,
        doc: &doc,
        memory,
        code,
    };
    let mut dry_plan = None;
    if job.dry_run {
        // A dry run checks what a real run would: the locale's messages for this issue's
        // fixed blocks included, and the model's translations in the memory the edition's
        // check would ask again for.
        let found = rules::find(&source.text, &project.boilerplate, target.code());
        rules::boilerplate_edits(&source.text, &found, &locale, &vars, &project.locales)?;
        let mut plan = run::plan(
            &doc,
            &glossary,
            &memory.lock().expect("memory lock"),
            &settings,
        )?;
        faults.add_predicted_round(&mut plan, &reconciled.given, &glossary, &settings)?;
        if !plan.batches.is_empty() {
            return Ok(outcome(Effect::Planned(plan), previous.map(|p| p.text)));
        }
        // Nothing to send: the edition is assembled and checked as the real run would, which
        // tells whether it would be written at all.
        dry_plan = Some(plan);
    }
    let rounds = Rounds {
        project,
        doc: &doc,
        glossary: &glossary,
        memory,
        model,
        progress,
        edition_path: &edition_path,
        target,
        given: &reconciled.given,
        assembly: &assembly,
        faults: &faults,
    };
    let Rounded {
        built,
        mut summary,
        bad_entries,
        dry_plan,
    } = match rounds.run(settings, dry_plan).await? {
        Ok(rounded) => rounded,
        Err(plan) => return Ok(outcome(Effect::Planned(plan), previous.map(|p| p.text))),
    };
    if let (Some(prev), None, false) = (&previous, &record, job.retranslate) {
        if prev.text != built.text {
            return Err(LifecycleError::NoRecord {
                edition: edition_path,
                record: record_path,
            });
        }
    }
    let written = source.restore(built.text.clone());
    let placed = placed_segments(
        &doc,
        &built,
        &states,
        &reconciled.conflicts,
        record.as_ref(),
    );
    let new_record = record_of(
        project,
        job,
        &edition_path,
        (&written, &built.text),
        &placed,
        previous_digest.as_ref(),
        record.as_ref(),
    );
    let unchanged = previous.as_ref().is_some_and(|p| p.text == built.text)
        && record.as_ref() == Some(&new_record);
    let previous_text = previous.map(|p| p.text);
    summary.wall = started.elapsed();
    if unchanged {
        let mut o = outcome(Effect::Unchanged { summary }, previous_text);
        o.bad_entries = bad_entries;
        return Ok(o);
    }
    if let Some(plan) = dry_plan {
        return Ok(outcome(Effect::Planned(plan), previous_text));
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
    let mut o = outcome(
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

/// The record of an edition about to be written (`written` as it goes to disk, `text` as
/// assembled): its header, with the digest of what is written and the digest of the edition
/// it replaces (an edition written again as it was keeps the record's), and where each
/// segment is.
fn record_of(
    project: &Project,
    job: &Job<'_>,
    edition_path: &Path,
    (written, text): (&str, &str),
    placed: &[Placed],
    previous_digest: Option<&String>,
    record: Option<&Record>,
) -> Record {
    let digest = provenance::digest(written.as_bytes());
    let header = Header {
        provenance: provenance::FORMAT,
        original: relative(&project.layout.root, &job.issue.original),
        edition: relative(&project.layout.root, edition_path),
        locale: job.target.code().to_string(),
        adopted: None,
        previous: match previous_digest {
            Some(d) if *d == digest => record.and_then(|r| r.header.previous.clone()),
            other => other.cloned(),
        },
        digest: Some(digest),
    };
    Record::of(header, text, &project.options, placed)
}

/// What an update's translate → assemble → check rounds work with.
struct Rounds<'a, 'd> {
    project: &'a Project,
    doc: &'a Document<'d>,
    glossary: &'a Glossary,
    memory: &'a Mutex<Memory>,
    model: Option<&'a Model>,
    progress: &'a dyn Progress,
    edition_path: &'a Path,
    target: Lang,
    /// A person's translations (hand edits, imports, adopted text), placed as they are.
    given: &'a BTreeMap<String, String>,
    assembly: &'a Assembly<'a>,
    faults: &'a Faults<'a, 'd>,
}

/// An edition that passes the check, with what the rounds cost and found on the way, and the
/// dry run's plan when nothing needed sending.
struct Rounded {
    built: Built,
    summary: Summary,
    bad_entries: Vec<BadEntry>,
    dry_plan: Option<Plan>,
}

impl Rounds<'_, '_> {
    /// Translates, assembles and checks until the edition passes: a translation that
    /// validates but cannot be placed (a memory entry from an older version, say) is asked for
    /// again once, and what a model's translation is at fault for in the check is asked again
    /// at most once per source, translation and finding (see [`Faults`]). A dry run that would
    /// ask again ends with its plan (`Ok(Err(plan))`).
    async fn run(
        &self,
        mut settings: Settings,
        mut dry_plan: Option<Plan>,
    ) -> Result<Result<Rounded, Plan>, LifecycleError> {
        let original = self.faults.checker.original_path;
        let mut bad_entries = Vec::new();
        let mut summary = Summary::default();
        // The segments asked again this run for the edition's check (each at most once), with
        // the findings they were asked for.
        let mut asked: HashMap<String, Vec<String>> = HashMap::new();
        // A translation that validates but cannot be placed (a memory entry from an older version,
        // say) is asked for again, once.
        let built = loop {
            let translated = match run::translate(
                self.doc,
                self.glossary,
                self.memory,
                self.model,
                &settings,
                self.progress,
            )
            .await
            {
                Ok(t) => t,
                Err(TranslateError::Segments {
                    failures,
                    summary,
                    path,
                }) => {
                    // Links the model kept losing are what `check` would report: said its way.
                    return Err(
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
                    );
                }
                Err(e) => return Err(e.into()),
            };
            add(&mut summary, &translated.summary);
            for b in translated.bad_entries {
                if !bad_entries
                    .iter()
                    .any(|k: &BadEntry| k.id == b.id && k.memory_line == b.memory_line)
                {
                    bad_entries.push(b);
                }
            }
            let mut translations = translated.translations;
            translations.extend(self.given.clone());
            // A person's text (a hand edit, an import, an adopted edition) is placed as it is, but
            // for its item numbers, which are the edition's structure: the locale's punctuation
            // rules are for the model's answers.
            let mut verbatim = translated.approved;
            verbatim.extend(self.given.keys().cloned());
            let built = match self.assembly.build(&translations, &verbatim) {
                Ok(built) => built,
                Err(LifecycleError::Merge(e))
                    if settings.distrust.is_empty() && asked.is_empty() =>
                {
                    let unplaced: HashMap<String, String> = e
                        .problems
                        .iter()
                        .filter(|p| !self.given.contains_key(&p.id))
                        .filter_map(|p| Some((p.id.clone(), translations.get(&p.id)?.clone())))
                        .collect();
                    if unplaced.len() < e.problems.len() {
                        return Err(LifecycleError::Merge(e));
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
                        bad_entries.push(BadEntry {
                            id: p.id.clone(),
                            line: seg.line,
                            memory_line: line,
                            why: tr("lifecycle-unplaced", &[("why", &p.kind)]),
                        });
                    }
                    settings.distrust = unplaced;
                    continue;
                }
                Err(e) => return Err(e),
            };
            // The edition is checked with `check`'s rules before it is written; what a model's
            // translation is at fault for is asked again, at most once per source, translation
            // and finding (see [`Faults`]).
            let found = self.faults.of(&built, &translations, &verbatim, original)?;
            let again = self.faults.settle(found.faults, &asked)?;
            if !again.is_empty() {
                if let Some(plan) = dry_plan.take() {
                    return Ok(Err(plan));
                }
            }
            if again.is_empty() {
                if found.errors.is_empty() {
                    break built;
                }
                return Err(LifecycleError::Check {
                    edition: self.edition_path.to_path_buf(),
                    findings: found.errors,
                });
            }
            settings.distrust = again
                .iter()
                .map(|a| (a.id.clone(), a.translation.clone()))
                .collect();
            settings.reasons = again
                .iter()
                .map(|a| (a.id.clone(), a.reason.clone()))
                .collect();
            for a in again {
                asked.entry(a.id).or_default().push(a.finding);
            }
        };
        Ok(Ok(Rounded {
            built,
            summary,
            bad_entries,
            dry_plan,
        }))
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

/// What the three-way comparison finds: what a person's edits give, why the record is
/// written anew (if it is), and each segment's state.
type Comparison = (Reconciled, Option<Rederived>, BTreeMap<String, State>);

/// The three-way comparison of the original, the edition and its record, before anything is
/// sent: each segment's state, what a person's edits give, and why a record is written anew.
/// An edition without a record is taken over only when it is exactly today's assembly (that
/// is, when nothing would be sent); anything else needs `adopt` first.
fn reconcile(
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
fn keep_hand_edits(
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
            model: "hand-edited".into(),
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

/// What the record says of each translated segment placed in `built`: its source and
/// translation, whether it is a person's, and the conflict a reviewer should know of (carried
/// from run to run while nobody touches the segment).
fn placed_segments(
    doc: &Document<'_>,
    built: &Built,
    states: &BTreeMap<String, State>,
    conflicts: &[Conflict],
    record: Option<&Record>,
) -> Vec<Placed> {
    let before_by_id = record.map(Record::by_id).unwrap_or_default();
    built
        .placed
        .iter()
        .map(|(i, range)| {
            let seg = &doc.runs[*i];
            let translation = built.localized.get(&seg.id).cloned().unwrap_or_default();
            // What the reviewer should know about this segment, carried from run to run while
            // nobody touches it.
            let before = before_by_id.get(seg.id.as_str()).copied();
            let untouched = states.get(&seg.id) == Some(&State::Unchanged);
            let hand_edited = states.get(&seg.id) == Some(&State::HandEdited)
                || (untouched
                    && before.is_some_and(|b| {
                        b.hand_edited && b.translation.as_deref() == Some(translation.as_str())
                    }));
            let conflict = match conflicts.iter().find(|c| c.id.as_ref() == Some(&seg.id)) {
                Some(c) => Some(Superseded {
                    old_source: c.old_source.clone(),
                    hand_edit: c.hand_edit.clone(),
                }),
                None if untouched => before.and_then(|b| b.conflict.clone()),
                None => None,
            };
            Placed {
                id: seg.id.clone(),
                source: seg.tagged.clone(),
                translation,
                range: range.clone(),
                hand_edited,
                conflict,
            }
        })
        .collect()
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

/// The three-way comparison of an edition that has a record (see the module's documentation):
/// what each segment's state is, which hand edits to keep, and whether the record must be
/// written anew. A person's text that cannot be placed is kept as a candidate first (a dry run
/// writes nothing); a refused hand edit stops the run once all are kept.
fn compare(
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
fn keep_unplaced(
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
            model: "hand-edited".into(),
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

/// When every segment that could not be translated failed only because its answers lost links
/// or images, those as `check` reports them; `None` otherwise.
fn lost_links(
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
struct Fault {
    id: String,
    translation: String,
    finding: crate::check::Finding,
}

/// A segment to ask again, with why.
#[derive(Debug, Clone)]
struct Again {
    id: String,
    /// The translation not to use again.
    translation: String,
    /// Why, for the request and for the person reading the run's report.
    reason: String,
    /// The finding's key (see [`finding_key`]), recorded on the answer if it has it still.
    finding: String,
}

/// What the check of an assembled edition found.
struct Found {
    /// Error-level findings: the edition cannot be written with them.
    errors: Vec<crate::check::Finding>,
    /// The model's translations at fault (for an error, or a lost number), each with its
    /// finding.
    faults: Vec<Fault>,
}

/// The edition's check, as a run of `translate` uses it: what it finds, whom to ask again.
///
/// The rule that makes reruns converge: a model's translation is asked again for a finding at
/// most once per source, translation and finding. When the answer still has the finding, it
/// is kept with the finding recorded on its memory entry ([`crate::memory::Entry::asked`]);
/// no later run asks again for it (unless `--refresh`), and `check` reports the finding. A
/// dry run predicts the same requests from the same rule ([`Faults::predicted`]).
struct Faults<'a, 'd> {
    checker: &'a Checker<'a>,
    assembly: &'a Assembly<'a>,
    doc: &'a Document<'d>,
    memory: &'a Mutex<Memory>,
    code: &'a str,
}

/// What identifies a finding on a segment's text, wherever the segment is: its rule and what
/// it says (`numbers/missing: `1400 万``).
fn finding_key(f: &crate::check::Finding) -> String {
    match (f.rule, f.message.arg("numbers")) {
        ("numbers/missing", Some(numbers)) => format!("{}: {numbers}", f.rule),
        _ => format!("{}: {}", f.rule, f.message.identity()),
    }
}

/// Why a translation is asked again, for the request and the report.
fn reason(f: &crate::check::Finding) -> String {
    match (f.rule, f.message.arg("numbers")) {
        ("numbers/missing", Some(numbers)) => {
            tr("lifecycle-lost-numbers", &[("numbers", &numbers)])
        }
        _ => f.message.english(),
    }
}

impl Faults<'_, '_> {
    /// The check of `built`: its errors, and the model's translations at fault. An error no
    /// model's translation explains (or a person's text explains) stops the run.
    fn of(
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
            .filter(|f| f.rule != "residue/control-original")
            .filter(|f| {
                !f.rule.starts_with("glossary/")
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
    fn entry(
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
    fn settle(
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
    fn add_predicted_round(
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
        let asked_again = Settings {
            skip: self
                .doc
                .segments()
                .map(|s| s.id.clone())
                .filter(|id| !again.iter().any(|a| &a.id == id))
                .collect(),
            distrust: again
                .iter()
                .map(|a| (a.id.clone(), a.translation.clone()))
                .collect(),
            reasons: again
                .iter()
                .map(|a| (a.id.clone(), a.reason.clone()))
                .collect(),
            ..settings.clone()
        };
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
    fn predicted(
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
struct Checker<'a> {
    original: &'a str,
    original_path: &'a Path,
    edition_path: &'a Path,
    cx: crate::check::Context<'a>,
}

/// The error-level findings of `check` on an assembled edition (freshness aside: it is being
/// brought up to date), and its numbers the translations lost (warnings).
fn edition_check(
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
        .filter(|f| f.rule == "numbers/missing")
        .collect();
    (errors, numbers)
}

/// The segment behind each finding: the one whose lines hold it, in the edition or in the
/// original.
fn culprits(
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

/// Adds the figures of another translation run of the same edition.
fn add(total: &mut Summary, more: &Summary) {
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

/// Writes an edition and its record: both staged in full before either replaces its old
/// version, so that a failure while staging leaves both as they were. The record goes first:
/// a run stopped between the renames leaves a record one run ahead of an untouched edition,
/// which it knows by its `previous` digest (see [`Rederived::Ahead`]).
pub fn write_pair(edition: (&Path, &[u8]), record: (&Path, &[u8])) -> Result<(), LifecycleError> {
    let e = crate::file::stage(edition.0, edition.1)?;
    let r = crate::file::stage(record.0, record.1)?;
    r.commit()?;
    // A fault point for the tests: the process ends here, as a kill between the renames would.
    if std::env::var_os("EDITIONS_TEST_STOP_BETWEEN_RENAMES").is_some() {
        std::process::abort();
    }
    e.commit()?;
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
struct Unplaced {
    source: String,
    text: String,
    why: String,
}

/// The result of the three-way comparison.
#[derive(Debug, Default)]
struct Reconciled {
    /// Hand edits that cannot be placed: kept as candidates before anything else happens.
    unplaced: Vec<Unplaced>,
    /// Hand edits refused (their markup does not fit their unchanged original): the run stops
    /// with the first, once they are all kept.
    refused: Vec<LifecycleError>,
    states: BTreeMap<String, State>,
    /// Translations taken from the edition (hand edits), by segment id.
    given: BTreeMap<String, String>,
    /// Approved memory entries to add: (tagged source, tagged translation).
    approved: Vec<(String, String)>,
    hand_edits: Vec<HandEdit>,
    conflicts: Vec<Conflict>,
    removed: usize,
    /// Runs whose bytes differ from what the record says editions wrote.
    edited: usize,
}

struct Reconcile<'a, 'd> {
    doc: &'a Document<'d>,
    fixed: &'a HashSet<String>,
    record: &'a Record,
    edition: &'a str,
    edition_path: &'a Path,
    record_path: &'a Path,
    memory_path: &'a Path,
    rewrite: &'a dyn Fn(&str) -> String,
}

impl Reconcile<'_, '_> {
    fn unplaceable(&self, line: usize, id: &str, args: &[(&str, &dyn Display)]) -> LifecycleError {
        LifecycleError::Unplaceable {
            edition: self.edition_path.to_path_buf(),
            record: self.record_path.to_path_buf(),
            line,
            what: tr(id, args),
            hint: tr_attr(id, "hint", args),
        }
    }

    fn run(&self) -> Result<Reconciled, LifecycleError> {
        let runs = Document::parse(self.edition, &self.doc.options);
        let located = self.record.locate(&runs);
        let edited = located.runs.iter().flatten().filter(|at| at.edited).count();
        let run_at = |start: usize| runs.runs.iter().find(|r| r.range.start == start);
        if let Some(&line) = located.added.first() {
            return Err(self.unplaceable(line, "lifecycle-added", &[]));
        }
        // Every run editions wrote must still be there; only the segments' runs may be edited.
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
        let old_set: HashSet<&str> = old_ids.iter().copied().collect();
        let new_set: HashSet<&str> = new_ids.iter().copied().collect();
        let by_id: HashMap<&str, usize> =
            old_ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();

        // A new segment in the place of a gone one (same kind) is that segment, changed.
        let mut predecessor: HashMap<usize, usize> = HashMap::new();
        let mut paired_old: HashSet<usize> = HashSet::new();
        for op in similar::capture_diff_slices(similar::Algorithm::Patience, &old_ids, &new_ids) {
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

        let mut out = Reconciled {
            edited,
            ..Reconciled::default()
        };
        for (j, seg) in new.iter().enumerate() {
            if let Some(&k) = by_id.get(seg.id.as_str()) {
                let (_, at) = old[k];
                if !at.edited {
                    out.states.insert(seg.id.clone(), State::Unchanged);
                    continue;
                }
                let edited = run_at(at.range.start).expect("a located run");
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
                        continue;
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
            } else if let Some(&k) = predecessor.get(&j) {
                let (w, at) = old[k];
                // A person's text: edited since the last run, or a hand edit that run kept.
                if at.edited || w.hand_edited {
                    let edited = run_at(at.range.start).expect("a located run");
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
                } else {
                    out.states.insert(seg.id.clone(), State::Changed);
                }
            }
        }
        // Segments whose paragraphs left the original: a hand edit among them is kept in the
        // memory and listed.
        for (k, (w, at)) in old.iter().enumerate() {
            let id = w.id.as_deref().unwrap();
            if new_set.contains(id) || paired_old.contains(&k) {
                continue;
            }
            out.removed += 1;
            if at.edited || w.hand_edited {
                let old_source = w.source.clone().unwrap_or_default();
                let edited = run_at(at.range.start).expect("a located run");
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
        Ok(out)
    }
}

/// A segment id's kind (`p`, `h2`, `li`…).
fn kind_of(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// The first words of a run, for messages.
fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    let mut s: String = one_line.chars().take(40).collect();
    if one_line.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// Whether `tagged` has exactly the tags of `source`.
fn same_tags(tagged: &str, source: &str) -> bool {
    let expected: Vec<tag::Tag> = tag::parse(source)
        .into_iter()
        .filter_map(|i| match i {
            Item::Open(t) | Item::Atom(t) => Some(t),
            _ => None,
        })
        .collect();
    tag::validate(tagged, &tag::parse(tagged), &expected).is_empty()
}

/// An edition put together: translations localized and spliced, boilerplate replaced, URLs
/// rewritten.
pub struct Assembly<'a> {
    pub doc: &'a Document<'a>,
    pub rules: &'a [Rule],
    pub url_rewrite: &'a [UrlRewrite],
    pub locale: &'a Locale,
    pub locales_dir: &'a Path,
    pub vars: &'a BTreeMap<String, String>,
    pub target: Lang,
}

/// An assembled edition.
#[derive(Debug, Clone)]
pub struct Built {
    pub text: String,
    /// Where each translated segment is (by index in the original's runs).
    pub placed: Vec<(usize, std::ops::Range<usize>)>,
    /// The translations as placed, after the locale's deterministic rules, by id.
    pub localized: BTreeMap<String, String>,
}

impl Assembly<'_> {
    /// The edition's text and where each translated segment is in it. The translations named
    /// in `verbatim` only get the locale's item numbers; the others all its deterministic rules.
    pub fn build(
        &self,
        translations: &BTreeMap<String, String>,
        verbatim: &HashSet<String>,
    ) -> Result<Built, LifecycleError> {
        let localized: BTreeMap<String, String> = translations
            .iter()
            .map(|(id, t)| {
                let placed = if verbatim.contains(id) {
                    rules::localize_item_numbers(t, self.target)
                } else {
                    rules::localize_translation(t, self.target)
                };
                (id.clone(), placed)
            })
            .collect();
        let merged = merge_placed(self.doc, &localized)?;
        let code = self.target.code();
        let fixed = rules::find(&merged.text, self.rules, code);
        let mut edits = rules::boilerplate_edits(
            &merged.text,
            &fixed,
            self.locale,
            self.vars,
            self.locales_dir,
        )?;
        // The locale's messages end their lines as the original does.
        if merged.text.contains("\r\n") {
            for e in &mut edits {
                e.with = e.with.replace("\r\n", "\n").replace('\n', "\r\n");
            }
        }
        // Item numbers are written by the locale's rule (outside the blocks it replaces).
        let mut numbers = Vec::new();
        for (_, range) in &merged.items {
            let inside = edits.iter().any(|e| {
                e.range.start < range.end && range.start < e.range.end.max(e.range.start + 1)
            });
            let raw = &merged.text[range.clone()];
            let with = rules::item_number_for(raw, self.target);
            if !inside && with != raw {
                numbers.push(rules::Edit {
                    range: range.clone(),
                    with,
                });
            }
        }
        edits.extend(numbers);
        edits.sort_by_key(|e| e.range.start);
        let text = rules::apply_edits(&merged.text, &edits);
        let placed: Vec<_> = merged
            .placed
            .iter()
            .filter_map(|(i, r)| rules::map_range(r, &edits).map(|r| (*i, r)))
            .collect();
        let urls = rules::url_edits(&text, self.url_rewrite, code);
        let placed = placed
            .iter()
            .map(|(i, r)| {
                // A rewritten URL lies inside a segment's range: the range grows or shrinks.
                let start =
                    rules::map_range(&(r.start..r.start), &urls).map_or(r.start, |m| m.start);
                let end = rules::map_range(&(r.end..r.end), &urls).map_or(r.end, |m| m.end);
                (*i, start..end)
            })
            .collect();
        Ok(Built {
            text: rules::apply_edits(&text, &urls),
            placed,
            localized,
        })
    }
}
