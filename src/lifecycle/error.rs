//! Why an edition could not be brought up to date.

use std::path::PathBuf;

use crate::edition::locale::LocaleError;
use crate::edition::provenance::ProvenanceError;
use crate::glossary::GlossaryError;
use crate::markdown::document::ReadError;
use crate::markdown::splice::MergeError;
use crate::memory::MemoryError;
use crate::message::{tr, tr_attr, tr_hint};
use crate::model::run::TranslateError;

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
