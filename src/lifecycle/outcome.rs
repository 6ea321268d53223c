//! What an update did: each segment's [`State`], the hand edits kept, and the [`Effect`] on
//! the edition.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::lang::Lang;
use crate::model::run::{BadEntry, Plan, Summary};

use super::Rederived;

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
