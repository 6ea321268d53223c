//! The provenance record of an edition about to be written, and the atomic write of the two.

use std::collections::BTreeMap;
use std::path::Path;

use crate::edition::provenance::{self, Header, Placed, Record, Superseded};
use crate::markdown::segment::Document;

use super::{relative, Built, Conflict, Job, LifecycleError, Project, State};

/// The record of an edition about to be written (`written` as it goes to disk, `text` as
/// assembled): its header, with the digest of what is written and the digest of the edition
/// it replaces (an edition written again as it was keeps the record's), and where each
/// segment is.
pub(crate) fn record_of(
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

/// What the record says of each translated segment placed in `built`: its source and
/// translation, whether it is a person's, and the conflict a reviewer should know of (carried
/// from run to run while nobody touches the segment).
pub(crate) fn placed_segments(
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

/// Writes an edition and its record: both staged in full before either replaces its old
/// version, so that a failure while staging leaves both as they were. The record goes first:
/// a run stopped between the renames leaves a record one run ahead of an untouched edition,
/// which it knows by its `previous` digest (see [`super::Rederived::Ahead`]).
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
