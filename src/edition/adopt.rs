//! Adopting an edition that editions did not write.
//!
//! A newsletter usually has editions already, made by some earlier script and corrected by
//! hand: the best translation memory it has. [`adopt`] aligns such an edition with its original
//! (by block shape and order, the pairing `check` and `review` use), turns each aligned run back
//! into tagged text numbered like its segment, and validates it like a model's answer (the same
//! tags, links and code, no source script left, glossary terms present). What passes becomes
//! an approved memory entry, and a provenance record of the edition as it stands is written, so
//! that the next `translate` keeps the adopted text verbatim and sends only the rest. Nothing is
//! sent to a model.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::edition::align::pair_runs;
use crate::edition::existing::retag;
use crate::edition::issue::Issue;
use crate::edition::lifecycle::{relative, LifecycleError, Project};
use crate::edition::locale::Locale;
use crate::edition::provenance::{self, Header, Placed, Record};
use crate::edition::rules;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::document::{ReadError, SourceText};
use crate::memory::{Entry, Memory, Origin};
use crate::message::tr;
use crate::model::prompt::PROMPT_VERSION;
use crate::model::validate::validate;

/// A segment of the original that was not adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdopted {
    pub id: String,
    /// Line in the original.
    pub line: usize,
    /// Line of the paired run in the edition, when there is one.
    pub edition_line: Option<usize>,
    pub why: String,
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
}

/// Adopts the `target` edition of `issue`: approved memory entries for every segment whose
/// aligned text passes validation, and a provenance record of the edition as it is.
pub fn adopt(
    project: &Project,
    issue: &Issue,
    target: Lang,
    edition: Option<PathBuf>,
    memory: &mut Memory,
    today: &str,
) -> Result<Adoption, LifecycleError> {
    let code = target.code();
    let source = SourceText::read(&issue.original)?;
    let edition_path = edition.unwrap_or_else(|| issue.edition(&project.layout, target));
    let edition = SourceText::read(&edition_path).map_err(|e| match e {
        ReadError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound => {
            LifecycleError::NothingToAdopt {
                edition: edition_path.clone(),
            }
        }
        e => e.into(),
    })?;
    let record_path = provenance::path(&project.provenance, code, &edition_path);
    if record_path.exists() {
        // Adopting what editions wrote would make the model's text approved.
        return Err(LifecycleError::AlreadyRecorded {
            edition: edition_path,
            record: record_path,
        });
    }
    let glossary = Glossary::load(&project.glossary, target)?;
    let locale = Locale::load(&project.locales, code)?;
    let date = issue.date.clone().unwrap_or_else(|| today.to_string());
    let vars = {
        let doc = crate::Document::parse(&source.text, &project.options);
        rules::variables(&doc, &date, &project.original_url)
    };
    let locale_texts = rules::locale_texts(&project.boilerplate, &locale, &project.locales, &vars);
    let paired = pair_runs(
        &source.text,
        &edition.text,
        &project.boilerplate,
        target,
        &locale_texts,
        &project.options,
    );
    let fixed = rules::fixed_segments(
        &paired.original,
        &rules::find(&source.text, &project.boilerplate, code),
    );
    let rewrite = |url: &str| rules::rewrite_url(url, &project.url_rewrite, code);
    let partner: HashMap<usize, usize> = paired
        .pairs
        .iter()
        .filter_map(|p| match p {
            (Some(o), Some(e)) => Some((*o, *e)),
            _ => None,
        })
        .collect();

    let mut adopted = Vec::new();
    let mut not_adopted = Vec::new();
    let mut placed = Vec::new();
    let mut entries = Vec::new();
    let mut segments = 0;
    for (i, seg) in paired.original.runs.iter().enumerate() {
        if !seg.translatable || fixed.contains(&seg.id) {
            continue;
        }
        segments += 1;
        let refuse = |edition_line: Option<usize>, why: &str| NotAdopted {
            id: seg.id.clone(),
            line: seg.line,
            edition_line,
            why: why.to_string(),
        };
        let Some(&e) = partner.get(&i) else {
            not_adopted.push(refuse(None, &tr("adopt-no-run", &[])));
            continue;
        };
        let run = &paired.edition.runs[e];
        let Some(tagged) = retag(seg, &source.text, run, &edition.text, &rewrite) else {
            not_adopted.push(refuse(Some(run.line), &tr("markup-differs", &[])));
            continue;
        };
        if let Err(why) = validate(seg, &tagged, project.options.source, target, &glossary) {
            not_adopted.push(refuse(Some(run.line), &why.to_string()));
            continue;
        }
        placed.push(Placed {
            id: seg.id.clone(),
            source: seg.tagged.clone(),
            translation: tagged.clone(),
            range: run.range.clone(),
            hand_edited: false,
            conflict: None,
        });
        entries.push(Entry {
            locale: code.to_string(),
            source: seg.tagged.clone(),
            target: tagged,
            glossary: String::new(),
            prompt: PROMPT_VERSION,
            model: "adopted".into(),
            date: today.to_string(),
            origin: Origin::Approved,
            rating: None,
        });
        adopted.push(seg.id.clone());
    }
    let header = Header {
        provenance: provenance::FORMAT,
        original: relative(&project.layout.root, &issue.original),
        edition: relative(&project.layout.root, &edition_path),
        locale: code.to_string(),
    };
    let record = Record::of(header, &edition.text, &project.options, &placed);
    // The record is staged first: if it cannot be written, the memory is left as it was.
    let staged = crate::file::stage(&record_path, record.to_text().as_bytes())?;
    for entry in entries {
        memory.insert(entry);
    }
    memory.save()?;
    staged.commit()?;
    Ok(Adoption {
        original: issue.original.clone(),
        edition: edition_path,
        record: record_path,
        segments,
        adopted,
        not_adopted,
    })
}
