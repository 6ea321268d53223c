//! Adopting an edition that editions did not write.
//!
//! A newsletter usually has editions already, made by some earlier script and corrected by
//! hand: the best translation memory it has. [`adopt`] aligns such an edition with its original
//! by what they say ([`crate::edition::align`], the alignment `check` and `review` use) and
//! takes only the pairs it can vouch for:
//!
//! - the aligner pairs them confidently, one run with one segment;
//! - their anchors agree: every number and Latin name of the original is in the edition's
//!   text, and the edition's run reads back as tagged text numbered like its segment, with the
//!   same tags, links and code, and no source script left (as a model's answer is validated).
//!
//! A rendering of a glossary term other than the glossary's is no reason to discard a
//! person's sentence: it is adopted, and the term is reported, as `check` reports it.
//!
//! What passes becomes an approved memory entry. Every other published run is kept as a
//! *candidate* entry ([`Origin::Candidate`]): the source it was aligned with, the text and the
//! reason, for `review` to show beside the new translation. An edition whose alignment is
//! poor (fewer than half of its segments paired confidently) is not adopted at all. A
//! provenance record of the edition as it stands is written, marking the published runs not
//! adopted, so that the next `translate` keeps the adopted text verbatim, sends only the rest
//! and says how many published paragraphs it replaced. Adopting an edition again (its record
//! says it was adopted) replaces what the earlier adoption stored: pairs it no longer takes
//! become candidates. Nothing is sent to a model.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::edition::align::{pair_runs, Link, Paired, Setting};
use crate::edition::existing::retag;
use crate::edition::issue::Issue;
use crate::edition::locale::Locale;
use crate::edition::provenance::{self, Header, Placed, Record};
use crate::edition::rules;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::lifecycle::{relative, LifecycleError, Project};
use crate::markdown::document::{ReadError, SourceText};
use crate::markdown::segment::Segment;
use crate::memory::{Author, Entry, Memory, Origin};
use crate::message::tr;
use crate::model::prompt::PROMPT_VERSION;
use crate::model::validate::{validate, Rejection};

/// The prompt version of candidate entries: none, so that no lookup of a model's translation
/// ever finds one.
pub const CANDIDATE_PROMPT: u32 = 0;

/// A Latin name found in this many segments of an issue or more is common: a translation of
/// one of them may leave it out.
pub const COMMON_NAME: usize = 3;

/// The share of segments an edition must have paired confidently to be adopted at all.
pub const MIN_CONFIDENT: f64 = 0.5;

/// A segment of the original that was not adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdopted {
    pub id: String,
    /// Line in the original.
    pub line: usize,
    /// Line of the paired run in the edition, when there is one.
    pub edition_line: Option<usize>,
    pub why: String,
    /// Whether the edition's text was kept as a candidate.
    pub kept: bool,
}

/// A glossary term an adopted sentence renders otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermNote {
    pub id: String,
    pub edition_line: usize,
    pub why: String,
}

/// Where the pairing of an edition becomes uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncertain {
    /// Line in the original.
    pub line: usize,
    /// Line in the edition, when the uncertain pair has one.
    pub edition_line: Option<usize>,
    /// Segments paired confidently, of all.
    pub confident: usize,
    pub segments: usize,
}

/// What adopting one edition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub original: PathBuf,
    pub edition: PathBuf,
    pub record: PathBuf,
    /// Body segments of the original (those the locale's messages do not replace).
    pub segments: usize,
    /// Ids of the adopted segments, in document order.
    pub adopted: Vec<String>,
    pub not_adopted: Vec<NotAdopted>,
    /// Published runs kept as candidates (not adopted, with no segment of their own too).
    pub candidates: usize,
    pub terms: Vec<TermNote>,
    /// The edition was not adopted at all: its alignment is poor from here on.
    pub poor: Option<Uncertain>,
    /// An earlier adoption of this edition was replaced.
    pub again: bool,
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
}

/// How `adopt` runs.
#[derive(Debug, Clone, Default)]
pub struct AdoptOptions {
    /// Where the edition is, when not where the layout puts it.
    pub edition: Option<PathBuf>,
    /// Report only: write nothing.
    pub dry_run: bool,
    /// `YYYY-MM-DD`, for the entries.
    pub today: String,
}

/// One run of the edition to keep as a candidate.
struct Kept {
    source: String,
    target: String,
    why: String,
}

/// Adopts the `target` edition of `issue`: approved memory entries for every segment whose
/// aligned text the aligner and validation vouch for, candidates for the rest of the
/// published text, and a provenance record of the edition as it is.
pub fn adopt(
    project: &Project,
    issue: &Issue,
    target: Lang,
    memory: &mut Memory,
    options: &AdoptOptions,
) -> Result<Adoption, LifecycleError> {
    let code = target.code();
    let source = SourceText::read(&issue.original)?;
    let edition_path = options
        .edition
        .clone()
        .unwrap_or_else(|| issue.edition(&project.layout, target));
    let edition = read_edition(&edition_path)?;
    let record_path = provenance::path(&project.provenance, code, &edition_path);
    let earlier = earlier_adoption(&edition_path, &record_path)?;
    let glossary = Glossary::load(&project.glossary, target)?;
    let locale = Locale::load(&project.locales, code)?;
    let date = issue
        .date
        .map_or_else(|| options.today.clone(), |d| d.to_string());
    let vars = {
        let doc = crate::Document::parse(&source.text, &project.options);
        rules::variables(&doc, &date, &project.original_url)
    };
    let locale_texts = rules::locale_texts(&project.boilerplate, &locale, &project.locales, &vars);
    let rewrite = |url: &str| rules::rewrite_url(url, &project.url_rewrite, code);
    let paired = pair_runs(
        &source.text,
        &edition.text,
        &Setting {
            rules: &project.boilerplate,
            target,
            locale_texts: &locale_texts,
            options: &project.options,
            rewrite: &rewrite,
        },
    );
    let fixed = rules::fixed_segments(
        &paired.original,
        &rules::find(&source.text, &project.boilerplate, code),
    );
    let adopting = Adopting::new(
        project, target, &source, &edition, &paired, &fixed, &rewrite,
    );
    let mut adoption = Adoption {
        original: issue.original.clone(),
        edition: edition_path.clone(),
        record: record_path.clone(),
        segments: adopting.body.len(),
        adopted: Vec::new(),
        not_adopted: Vec::new(),
        candidates: 0,
        terms: Vec::new(),
        poor: adopting.poor(),
        again: earlier.is_some(),
        dry_run: options.dry_run,
    };
    if adoption.poor.is_some() {
        return Ok(adoption);
    }
    let mut tally = Tally::default();
    for &i in &adopting.body {
        adopting.segment(i, &glossary, &mut adoption, &mut tally);
    }
    adopting.unaccounted(&mut tally);
    adoption.candidates = tally.kept.len();
    if options.dry_run {
        return Ok(adoption);
    }
    let header = Header {
        provenance: provenance::FORMAT,
        original: relative(&project.layout.root, &issue.original),
        edition: relative(&project.layout.root, &edition_path),
        locale: code.to_string(),
        adopted: Some(options.today.clone()),
        digest: Some(provenance::digest(
            edition.restore(edition.text.clone()).as_bytes(),
        )),
        previous: None,
    };
    let mut record = Record::of(header, &edition.text, &project.options, &tally.placed);
    record.mark_published(&edition.text, &project.options, &tally.published);
    // The record is staged first: if it cannot be written, the memory is left as it was.
    let staged = crate::file::stage(&record_path, record.to_text().as_bytes())?;
    let entries = tally.entries(code, &options.today);
    for entry in demoted(earlier.as_ref(), &entries, code, &options.today) {
        memory.insert(entry);
    }
    store_candidates(memory, tally.kept, code, &options.today);
    for entry in entries {
        memory.insert(entry);
    }
    memory.save()?;
    staged.commit()?;
    Ok(adoption)
}

/// The edition to adopt; none is nothing to adopt.
fn read_edition(edition_path: &Path) -> Result<SourceText, LifecycleError> {
    SourceText::read(edition_path).map_err(|e| match e {
        ReadError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound => {
            LifecycleError::NothingToAdopt {
                edition: edition_path.to_path_buf(),
            }
        }
        e => e.into(),
    })
}

/// The record of an earlier adoption of the edition, which this one replaces. Adopting what
/// editions wrote would make the model's text approved: an edition with a record of its own
/// is refused.
fn earlier_adoption(
    edition_path: &Path,
    record_path: &Path,
) -> Result<Option<Record>, LifecycleError> {
    match Record::load(record_path)? {
        Some(r) if r.header.adopted.is_some() => Ok(Some(r)),
        Some(_) => Err(LifecycleError::AlreadyRecorded {
            edition: edition_path.to_path_buf(),
            record: record_path.to_path_buf(),
        }),
        None => Ok(None),
    }
}

/// What an earlier adoption took and this one does not: a candidate now, at the same key, so
/// that the earlier approval no longer counts.
fn demoted(earlier: Option<&Record>, entries: &[Entry], code: &str, today: &str) -> Vec<Entry> {
    let now: HashSet<(&str, &str)> = entries
        .iter()
        .map(|e| (e.source.as_str(), e.target.as_str()))
        .collect();
    let mut demoted = Vec::new();
    for w in earlier.iter().flat_map(|r| &r.runs) {
        if let (Some(s), Some(t)) = (&w.source, &w.translation) {
            if !now.contains(&(s.as_str(), t.as_str())) {
                demoted.push(Entry {
                    locale: code.to_string(),
                    source: s.clone(),
                    target: t.clone(),
                    glossary: String::new(),
                    prompt: PROMPT_VERSION,
                    model: Author::Adopted,
                    date: today.to_string(),
                    origin: Origin::Candidate,
                    rating: None,
                    note: Some(tr("adopt-no-longer", &[])),
                    asked: Vec::new(),
                });
            }
        }
    }
    demoted
}

/// What the adoption of one edition gathers, segment by segment.
#[derive(Default)]
struct Tally {
    /// Where each adopted segment is in the edition.
    placed: Vec<Placed>,
    /// The adopted translations' notes, beside `placed` (a glossary term rendered otherwise).
    notes: Vec<Option<String>>,
    /// The edition's texts to keep as candidates.
    kept: Vec<Kept>,
    /// Edition runs that hold a segment's adopted text, or that were considered with one.
    considered: HashSet<usize>,
    /// Where the published runs no adopted segment holds start.
    published: HashSet<usize>,
}

impl Tally {
    /// The approved memory entries of the adopted segments.
    fn entries(&self, code: &str, today: &str) -> Vec<Entry> {
        self.placed
            .iter()
            .zip(&self.notes)
            .map(|(p, note)| Entry {
                locale: code.to_string(),
                source: p.source.clone(),
                target: p.translation.clone(),
                glossary: String::new(),
                prompt: PROMPT_VERSION,
                model: Author::Adopted,
                date: today.to_string(),
                origin: Origin::Approved,
                rating: None,
                note: note.clone(),
                asked: Vec::new(),
            })
            .collect()
    }
}

/// One edition being adopted: the original and the edition, paired.
struct Adopting<'a, 'o, 'e> {
    project: &'a Project,
    target: Lang,
    source: &'a SourceText,
    edition: &'a SourceText,
    paired: &'a Paired<'o, 'e>,
    fixed: &'a HashSet<String>,
    rewrite: &'a dyn Fn(&str) -> String,
    /// The original's body segments (those the locale's messages do not replace), as
    /// indices into its runs.
    body: Vec<usize>,
    /// Original run → edition run, for the pairs the aligner vouches for.
    confident: HashMap<usize, usize>,
    /// Names found in many segments of the issue (`Python`, `AI`) say little of one pair: a
    /// translation may leave them out.
    common: HashSet<String>,
}

impl<'a, 'o, 'e> Adopting<'a, 'o, 'e> {
    fn new(
        project: &'a Project,
        target: Lang,
        source: &'a SourceText,
        edition: &'a SourceText,
        paired: &'a Paired<'o, 'e>,
        fixed: &'a HashSet<String>,
        rewrite: &'a dyn Fn(&str) -> String,
    ) -> Self {
        let od = &paired.original;
        let body: Vec<usize> = paired
            .original_runs
            .iter()
            .copied()
            .filter(|&i| od.runs[i].translatable && !fixed.contains(&od.runs[i].id))
            .collect();
        let confident = paired
            .confident()
            .into_iter()
            .map(|(o, e, _)| (o, e))
            .collect();
        let mut name_count: HashMap<String, usize> = HashMap::new();
        for &i in &body {
            for n in crate::edition::align::names(&od.runs[i].plain_text()) {
                *name_count.entry(n).or_default() += 1;
            }
        }
        let common = name_count
            .into_iter()
            .filter(|(_, k)| *k >= COMMON_NAME)
            .map(|(n, _)| n)
            .collect();
        Adopting {
            project,
            target,
            source,
            edition,
            paired,
            fixed,
            rewrite,
            body,
            confident,
            common,
        }
    }

    /// Whether run `i` of the original is a body segment.
    fn is_segment(&self, i: usize) -> bool {
        let run = &self.paired.original.runs[i];
        run.translatable && !self.fixed.contains(&run.id)
    }

    /// Where the pairing becomes uncertain, when too few segments are paired confidently for
    /// the edition to be adopted at all.
    fn poor(&self) -> Option<Uncertain> {
        let (paired, body) = (self.paired, &self.body);
        let segments = body.len();
        let sure = body
            .iter()
            .filter(|i| self.confident.contains_key(i))
            .count();
        if segments == 0 || (sure as f64) >= MIN_CONFIDENT * segments as f64 {
            return None;
        }
        let first = body
            .iter()
            .find(|i| !self.confident.contains_key(i))
            .copied()
            .unwrap_or(body[0]);
        let edition_line = paired
            .link_of(first)
            .and_then(|l| l.edition.clone().next())
            .map(|e| paired.edition.runs[paired.edition_runs[e]].line);
        Some(Uncertain {
            line: paired.original.runs[first].line,
            edition_line,
            confident: sure,
            segments,
        })
    }

    /// Adopts segment `i` of the original, or tells why not (keeping the edition's text as a
    /// candidate when there is one).
    fn segment(&self, i: usize, glossary: &Glossary, adoption: &mut Adoption, tally: &mut Tally) {
        let (od, ed) = (&self.paired.original, &self.paired.edition);
        let seg = &od.runs[i];
        let refuse = |edition_line: Option<usize>, why: String, kept: bool| NotAdopted {
            id: seg.id.clone(),
            line: seg.line,
            edition_line,
            why,
            kept,
        };
        let Some(&e) = self.confident.get(&i) else {
            adoption.not_adopted.push(self.uncertain(i, tally));
            return;
        };
        tally.considered.insert(e);
        let run = &ed.runs[e];
        let raw = self.edition.text[run.range.clone()].trim().to_string();
        let mut keep = |why: String| {
            tally.kept.push(Kept {
                source: seg.tagged.clone(),
                target: raw.clone(),
                why: why.clone(),
            });
            refuse(Some(run.line), why, true)
        };
        if let Some(why) = anchors_lost(seg, run, &self.common) {
            adoption.not_adopted.push(keep(why));
            return;
        }
        let Some(tagged) = retag(
            seg,
            &self.source.text,
            run,
            &self.edition.text,
            self.rewrite,
        ) else {
            adoption.not_adopted.push(keep(tr("markup-differs", &[])));
            return;
        };
        let source = self.project.options.source;
        let note = match validate(seg, &tagged, source, self.target, glossary) {
            Ok(()) => None,
            Err(why @ (Rejection::MissingTerm { .. } | Rejection::Avoided { .. })) => {
                adoption.terms.push(TermNote {
                    id: seg.id.clone(),
                    edition_line: run.line,
                    why: why.to_string(),
                });
                Some(why.to_string())
            }
            Err(why) => {
                adoption.not_adopted.push(keep(why.to_string()));
                return;
            }
        };
        tally.placed.push(Placed {
            id: seg.id.clone(),
            source: seg.tagged.clone(),
            translation: tagged,
            range: run.range.clone(),
            hand_edited: false,
            conflict: None,
        });
        tally.notes.push(note);
        adoption.adopted.push(seg.id.clone());
    }

    /// A segment the aligner does not vouch for: the edition's text aligned with it is kept
    /// as a candidate (by the first original of a merge; the second points to it).
    fn uncertain(&self, i: usize, tally: &mut Tally) -> NotAdopted {
        let (paired, ed) = (self.paired, &self.paired.edition);
        let seg = &paired.original.runs[i];
        let link = paired.link_of(i);
        let runs: Vec<usize> = link
            .map(|l| l.edition.clone().map(|e| paired.edition_runs[e]).collect())
            .unwrap_or_default();
        let why = uncertain_reason(link);
        let refused = |edition_line: Option<usize>, why: String, kept: bool| NotAdopted {
            id: seg.id.clone(),
            line: seg.line,
            edition_line,
            why,
            kept,
        };
        if runs.is_empty() {
            return refused(None, why, false);
        }
        let first_of_link = link.is_some_and(|l| paired.original_runs[l.original.start] == i);
        let text = runs
            .iter()
            .map(|&r| self.edition.text[ed.runs[r].range.clone()].trim())
            .collect::<Vec<_>>()
            .join("\n\n");
        if first_of_link {
            tally.considered.extend(runs.iter().copied());
            tally.kept.push(Kept {
                source: seg.tagged.clone(),
                target: text,
                why: why.clone(),
            });
        }
        refused(Some(ed.runs[runs[0]].line), why, first_of_link)
    }

    /// The published runs: those no adopted segment holds are marked published in the
    /// record, and those with no segment of their own (a paragraph the original lacks) are
    /// kept with the segment before them.
    fn unaccounted(&self, tally: &mut Tally) {
        let paired = self.paired;
        let (od, ed) = (&paired.original, &paired.edition);
        let boilerplate: HashSet<usize> = paired
            .alignment
            .links
            .iter()
            .flat_map(|l| l.edition.clone())
            .filter(|&e| paired_is_boilerplate(paired, e))
            .map(|e| paired.edition_runs[e])
            .collect();
        let adopted_at: HashSet<usize> = tally.placed.iter().map(|p| p.range.start).collect();
        let mut before: Option<&Segment<'_>> = None;
        for link in &paired.alignment.links {
            if let Some(o) = link.original.clone().last() {
                let i = paired.original_runs[o];
                if self.is_segment(i) {
                    before = Some(&od.runs[i]);
                }
            }
            for e in link.edition.clone() {
                let r = paired.edition_runs[e];
                let run = &ed.runs[r];
                if boilerplate.contains(&r) || !self.target.has_letters(&run.plain_text()) {
                    continue;
                }
                if !adopted_at.contains(&run.range.start) {
                    tally.published.insert(run.range.start);
                }
                if tally.considered.contains(&r) {
                    continue;
                }
                // Before the first segment, it goes with the first.
                if let Some(seg) = before.or_else(|| self.body.first().map(|&i| &od.runs[i])) {
                    let why = match before {
                        Some(seg) => tr("adopt-added-after", &[("line", &seg.line)]),
                        None => tr("adopt-added-before", &[("line", &seg.line)]),
                    };
                    tally.kept.push(Kept {
                        source: seg.tagged.clone(),
                        target: self.edition.text[run.range.clone()].trim().to_string(),
                        why,
                    });
                }
            }
        }
    }
}

/// Stores the published texts not adopted as candidates: one entry per source, holding the
/// texts aligned with it in edition order and their reasons.
fn store_candidates(memory: &mut Memory, kept: Vec<Kept>, code: &str, today: &str) {
    // One candidate per source: the texts aligned with it, in edition order.
    let mut by_source: Vec<Kept> = Vec::new();
    for k in kept {
        match by_source.iter_mut().find(|b| b.source == k.source) {
            Some(b) => {
                b.target.push_str("\n\n");
                b.target.push_str(&k.target);
                if !b.why.contains(&k.why) {
                    b.why.push_str("; ");
                    b.why.push_str(&k.why);
                }
            }
            None => by_source.push(k),
        }
    }
    for k in by_source {
        memory.insert(Entry {
            locale: code.to_string(),
            source: k.source,
            target: k.target,
            glossary: String::new(),
            prompt: CANDIDATE_PROMPT,
            model: Author::Published,
            date: today.to_string(),
            origin: Origin::Candidate,
            rating: None,
            note: Some(k.why),
            asked: Vec::new(),
        });
    }
}

fn paired_is_boilerplate(paired: &crate::edition::align::Paired<'_, '_>, unit: usize) -> bool {
    paired
        .edition_boilerplate
        .get(unit)
        .copied()
        .unwrap_or(false)
}

/// Why the aligner did not vouch for the pair holding a segment.
fn uncertain_reason(link: Option<&Link>) -> String {
    let Some(link) = link else {
        return tr("adopt-no-run", &[]);
    };
    match (link.original.len(), link.edition.len()) {
        (_, 0) => tr("adopt-no-run", &[]),
        (2, 1) => tr("adopt-merged", &[]),
        (1, 2) => tr("adopt-split", &[]),
        _ if link.disagree.is_empty() => tr("adopt-uncertain", &[]),
        _ => tr(
            "adopt-uncertain-anchors",
            &[(
                "anchors",
                &link
                    .disagree
                    .iter()
                    .take(3)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
    }
}

/// The numbers and Latin names of `seg` that its edition's `run` lacks, as a reason; names in
/// `common` may be left out.
fn anchors_lost(seg: &Segment<'_>, run: &Segment<'_>, common: &HashSet<String>) -> Option<String> {
    let (src, tgt) = (seg.plain_text(), run.plain_text());
    let numbers = crate::numbers::missing(&src, &tgt);
    if !numbers.is_empty() {
        return Some(tr(
            "adopt-lost-numbers",
            &[(
                "numbers",
                &numbers
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ));
    }
    let have = crate::edition::align::names(&tgt);
    let lost: Vec<String> = crate::edition::align::names(&src)
        .into_iter()
        .filter(|n| !have.contains(n) && !common.contains(n))
        .collect();
    (!lost.is_empty()).then(|| {
        tr(
            "adopt-lost-names",
            &[(
                "names",
                &lost
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        )
    })
}
