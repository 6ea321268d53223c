//! Provenance: the record of what editions wrote into an edition.
//!
//! Without it, every difference between an existing edition and today's assembly would have to
//! be taken for a hand edit, and a changed original could not be told from a person's
//! correction. Like gettext's `msgmerge` keeping the previous msgid, or an `i18n.lock` keeping
//! a checksum per key, editions keeps, for every edition it writes, one record:
//!
//! - a header line naming the original, the edition and the locale;
//! - then one line per run of inline text of the written edition, in document order: the
//!   `written` bytes, and for the runs that translate a segment of the original the segment's
//!   `id`, its tagged `source` and the tagged `translation` placed there.
//!
//! The record is JSON Lines, deterministic (document order, fixed key order, no dates), so a
//! changed paragraph is one changed line in `git diff` and two people updating different
//! issues never touch the same file. It is written together with its edition
//! ([`crate::lifecycle`]): both are staged in full, then renamed into place.
//!
//! On the next run the record is laid over the edition as a person left it ([`Record::locate`]):
//! runs whose bytes are still what editions wrote are untouched, runs in the same place with
//! other bytes were edited by hand, and anything else (a paragraph added to or removed from
//! the edition itself) means the edition's own structure changed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::markdown::segment::{Document, SegmentOptions};
use crate::message::{tr, tr_hint};

/// The first line of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Format version of the record.
    pub provenance: u32,
    /// The original, relative to the newsletter's root.
    pub original: String,
    /// The edition, relative to the newsletter's root.
    pub edition: String,
    pub locale: String,
    /// When the record was written by `editions adopt` (the edition is a person's, taken
    /// over), the day it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<String>,
    /// The digest of the edition's bytes as written ([`digest`]): an edition that still has
    /// it was not touched since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The digest of the edition this one replaced. A record is put in place before its
    /// edition: an edition that has this digest is the previous one, left by a run stopped
    /// between the two renames (so it holds no hand edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// The digest of an edition's bytes, as records keep it.
pub fn digest(bytes: &[u8]) -> String {
    format!("xxh3:{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The current format version. Version 1 records (written before item numbers were kept out
/// of segments) are read with the item number cut from each paragraph's written bytes.
pub const FORMAT: u32 = 2;

/// One run of inline text of a written edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Written {
    /// The segment of the original this run translates; absent for text editions copied or
    /// took from a locale message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The segment's tagged source text when this was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The tagged translation placed here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// The run's bytes in the edition, as written.
    pub written: String,
    /// The translation is a person's edit, kept and approved.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hand_edited: bool,
    /// A person had edited this segment when its source changed: the new source was translated
    /// and the hand edit is kept here until the segment is edited again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Superseded>,
    /// Published text `adopt` could not vouch for: kept as a candidate in the memory; the next
    /// `translate` replaces it and says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub published: bool,
}

/// A hand edit that a changed source superseded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    /// The tagged source the hand edit translated.
    pub old_source: String,
    /// The hand edit, as tagged text, when its markup could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand_edit: Option<String>,
}

/// What editions wrote into one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub header: Header,
    pub runs: Vec<Written>,
}

/// A record that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    #[error("{}", tr_hint("provenance-malformed", &[("path", &.path.display()), ("line", .line), ("message", .message)]))]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}", tr("provenance-cannot-read", &[("path", &.path.display()), ("error", .error)]))]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A segment of the original as placed in an edition: what a record line is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub id: String,
    pub source: String,
    pub translation: String,
    /// Its byte range in the edition.
    pub range: Range<usize>,
    pub hand_edited: bool,
    pub conflict: Option<Superseded>,
}

/// Where the record of an edition written elsewhere (`translate -o`) lives:
/// `{dir}/{locale}/{file stem}.{digest of its resolved path}.jsonl`, so that two editions with
/// one file name never share a record.
pub fn path_elsewhere(dir: &Path, locale: &str, edition: &Path) -> PathBuf {
    let stem = edition
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "edition".into());
    let key = xxhash_rust::xxh3::xxh3_64(edition.to_string_lossy().as_bytes());
    dir.join(locale)
        .join(format!("{stem}.{:08x}.jsonl", key as u32))
}

/// Where the record of an edition lives: `{dir}/{locale}/{edition's file stem}.jsonl`.
pub fn path(dir: &Path, locale: &str, edition: &Path) -> PathBuf {
    let stem = edition
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "edition".into());
    dir.join(locale).join(format!("{stem}.jsonl"))
}

impl Record {
    /// The record of `edition` (the text just assembled), with `placed` saying which runs
    /// translate which segments.
    pub fn of(header: Header, edition: &str, options: &SegmentOptions, placed: &[Placed]) -> Self {
        let doc = Document::parse(edition, options);
        let by_start: std::collections::HashMap<usize, &Placed> =
            placed.iter().map(|p| (p.range.start, p)).collect();
        let runs = doc
            .runs
            .iter()
            .map(|r| {
                let written = edition[r.range.clone()].to_string();
                match by_start.get(&r.range.start) {
                    Some(p) => Written {
                        id: Some(p.id.clone()),
                        source: Some(p.source.clone()),
                        translation: Some(p.translation.clone()),
                        written,
                        hand_edited: p.hand_edited,
                        conflict: p.conflict.clone(),
                        published: false,
                    },
                    None => Written {
                        id: None,
                        source: None,
                        translation: None,
                        written,
                        hand_edited: false,
                        conflict: None,
                        published: false,
                    },
                }
            })
            .collect();
        Record { header, runs }
    }

    /// Marks the runs of `edition` (the text the record was made of) that start at one of
    /// `starts` as published text not adopted.
    pub fn mark_published(
        &mut self,
        edition: &str,
        options: &SegmentOptions,
        starts: &std::collections::HashSet<usize>,
    ) {
        let doc = Document::parse(edition, options);
        for (w, r) in self.runs.iter_mut().zip(&doc.runs) {
            w.published = w.id.is_none() && starts.contains(&r.range.start);
        }
    }

    /// Loads the record at `path`; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>, ProvenanceError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(ProvenanceError::Read {
                    path: path.to_path_buf(),
                    error,
                })
            }
        };
        let malformed = |line: usize, message: String| ProvenanceError::Malformed {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, first)) = lines.next() else {
            return Ok(None);
        };
        let header: Header =
            serde_json::from_str(first).map_err(|e| malformed(1, e.to_string()))?;
        if header.provenance != FORMAT && header.provenance != 1 {
            return Err(malformed(
                1,
                tr(
                    "provenance-format",
                    &[("found", &header.provenance), ("format", &FORMAT)],
                ),
            ));
        }
        let mut runs: Vec<Written> = Vec::new();
        for (i, line) in lines {
            runs.push(serde_json::from_str(line).map_err(|e| malformed(i + 1, e.to_string()))?);
        }
        if header.provenance == 1 {
            for r in &mut runs {
                let len = crate::markdown::segment::item_number_len(&r.written);
                if len < r.written.len() {
                    r.written.drain(..len);
                }
            }
        }
        Ok(Some(Record { header, runs }))
    }

    /// The record as the file's contents: one JSON object per line.
    pub fn to_text(&self) -> String {
        let mut out = serde_json::to_string(&self.header).expect("a header serializes");
        out.push('\n');
        for r in &self.runs {
            out.push_str(&serde_json::to_string(r).expect("a record line serializes"));
            out.push('\n');
        }
        out
    }

    /// The line of the segment `id`, if the record has it.
    pub fn segment(&self, id: &str) -> Option<&Written> {
        self.runs.iter().find(|r| r.id.as_deref() == Some(id))
    }

    /// Every segment's run, by id: for looking up many (a record of a 5,000-row table has
    /// 10,000 runs).
    pub fn by_id(&self) -> std::collections::HashMap<&str, &Written> {
        self.runs
            .iter()
            .filter_map(|r| Some((r.id.as_deref()?, r)))
            .collect()
    }

    /// Lays the record over `edition` (as a person may have left it): for each run of the
    /// record, where it is now and whether its bytes changed.
    /// `doc` is the edition cut into runs with the options the record was made with.
    pub fn locate(&self, doc: &Document<'_>) -> Located {
        let edition = doc.text;
        let now: Vec<&str> = doc.runs.iter().map(|r| &edition[r.range.clone()]).collect();
        let then: Vec<&str> = self.runs.iter().map(|r| r.written.as_str()).collect();
        let mut found = vec![None; then.len()];
        let mut added = Vec::new();
        let line_of = |k: usize| doc.runs.get(k).map_or(0, |r| r.line);
        for op in similar::capture_diff_slices(similar::Algorithm::Patience, &then, &now) {
            match op {
                similar::DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    for k in 0..len {
                        found[old_index + k] = Some(At {
                            range: doc.runs[new_index + k].range.clone(),
                            line: line_of(new_index + k),
                            edited: false,
                        });
                    }
                }
                similar::DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } if old_len == new_len => {
                    // The same number of runs in the same place: each one edited in place.
                    for k in 0..old_len {
                        found[old_index + k] = Some(At {
                            range: doc.runs[new_index + k].range.clone(),
                            line: line_of(new_index + k),
                            edited: true,
                        });
                    }
                }
                similar::DiffOp::Replace {
                    new_index, new_len, ..
                }
                | similar::DiffOp::Insert {
                    new_index, new_len, ..
                } => added.extend((new_index..new_index + new_len).map(line_of)),
                similar::DiffOp::Delete { .. } => {}
            }
        }
        // Where a lost run would have been: the line of the next run that was found.
        let mut near = vec![line_of(doc.runs.len().saturating_sub(1)); then.len()];
        let mut next_line = doc.runs.last().map_or(1, |r| r.line);
        for k in (0..then.len()).rev() {
            if let Some(at) = &found[k] {
                next_line = at.line;
            }
            near[k] = next_line;
        }
        Located {
            runs: found,
            near,
            added,
        }
    }
}

/// Where a record's run is in the edition now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub range: Range<usize>,
    /// 1-based line in the edition.
    pub line: usize,
    /// Its bytes differ from what editions wrote.
    pub edited: bool,
}

/// A record laid over an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// For each run of the record, where it is (`None`: it is gone).
    pub runs: Vec<Option<At>>,
    /// For each run of the record, the edition line nearest to where it was.
    pub near: Vec<usize>,
    /// Lines of the edition's runs that no run of the record accounts for.
    pub added: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            provenance: FORMAT,
            original: "docs/a.md".into(),
            edition: "docs/en/a.md".into(),
            locale: "en".into(),
            adopted: None,
            digest: None,
            previous: None,
        }
    }

    #[test]
    fn a_record_round_trips_and_locates_edits_additions_and_losses() {
        let edition = "# Title\n\nFirst **one**.\n\nSecond.\n\nThird.\n";
        let placed = vec![Placed {
            id: "p-1".into(),
            source: "第一 <b1>一</b1>。".into(),
            translation: "First <b1>one</b1>.".into(),
            range: 9..24,
            hand_edited: false,
            conflict: None,
        }];
        let record = Record::of(header(), edition, &SegmentOptions::default(), &placed);
        assert_eq!(record.runs.len(), 4);
        assert_eq!(record.runs[1].id.as_deref(), Some("p-1"));
        assert_eq!(record.runs[1].written, "First **one**.");
        let text = record.to_text();
        assert_eq!(
            text.lines().nth(2).unwrap(),
            r#"{"id":"p-1","source":"第一 <b1>一</b1>。","translation":"First <b1>one</b1>.","written":"First **one**."}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path(), "en", Path::new("docs/en/a.md"));
        crate::file::write_atomically(&file, text.as_bytes()).unwrap();
        assert_eq!(Record::load(&file).unwrap().unwrap(), record);

        // Edited in place and one paragraph added.
        let now = "# Title\n\nFirst, by hand.\n\nSecond.\n\nAdded.\n\nThird.\n";
        let located = record.locate(&Document::parse(now, &SegmentOptions::default()));
        let at = located.runs[1].as_ref().unwrap();
        assert!(at.edited);
        assert_eq!(&now[at.range.clone()], "First, by hand.");
        assert_eq!(located.added, vec![7]);
        assert!(located.runs.iter().all(Option::is_some));
        assert!(!located.runs[2].as_ref().unwrap().edited);
        // One paragraph removed: it is gone, near the line of the run after it.
        let now = "# Title\n\nFirst **one**.\n\nThird.\n";
        let located = record.locate(&Document::parse(now, &SegmentOptions::default()));
        assert_eq!(located.runs[2], None);
        assert_eq!(located.near[2], 5);
        assert!(located.added.is_empty());
    }
}
