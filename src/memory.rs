//! The translation memory: every validated translation, so that nothing is asked twice.
//!
//! An entry is keyed by what determines a translation: the tagged source text, the target
//! locale, the glossary entries that applied to it and the prompt version. The model and the
//! date are data. A rerun of an unchanged issue therefore sends nothing, and editing one
//! paragraph sends only that paragraph.
//!
//! The memory is one JSON Lines file, one entry per line, sorted by locale and source, so that
//! git shows a new translation as one added line. It is rewritten atomically (a temporary file
//! beside it, then a rename) after every validated batch: a crash or Ctrl-C loses at most the
//! batches still in flight, never the file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::glossary::Term;
use crate::lang::Lang;

/// Where an entry's translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written by a model and validated.
    #[default]
    Model,
    /// Edited by a person in an edition and kept: never replaced by a model's answer.
    Approved,
}

/// One translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub locale: String,
    /// Tagged source text.
    pub source: String,
    /// Tagged translation.
    pub target: String,
    /// Fingerprint of the glossary entries that applied (empty when none did).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub glossary: String,
    /// Version of the prompt that produced it.
    pub prompt: u32,
    pub model: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "is_model")]
    pub origin: Origin,
}

fn is_model(o: &Origin) -> bool {
    *o == Origin::Model
}

/// What a translation is looked up by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub locale: String,
    pub source: String,
    pub glossary: String,
    pub prompt: u32,
}

impl Key {
    pub fn new(locale: Lang, source: &str, terms: &[&Term], prompt: u32) -> Self {
        Key {
            locale: locale.code().to_string(),
            source: source.to_string(),
            glossary: fingerprint(terms),
            prompt,
        }
    }
}

impl Entry {
    pub fn key(&self) -> Key {
        Key {
            locale: self.locale.clone(),
            source: self.source.clone(),
            glossary: self.glossary.clone(),
            prompt: self.prompt,
        }
    }
}

/// A short fingerprint of glossary entries: changes when an applicable entry changes.
pub fn fingerprint(terms: &[&Term]) -> String {
    if terms.is_empty() {
        return String::new();
    }
    let mut lines: Vec<String> = terms
        .iter()
        .map(|t| format!("{}\u{1f}{}", t.source, t.target))
        .collect();
    lines.sort();
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(lines.join("\u{1e}").as_bytes())
    )
}

/// A memory file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error("{path}:{line}: not a translation-memory entry: {message}\n  hint: each line is one JSON object written by editions; fix or delete the line (git shows what changed)")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot read the translation memory `{path}`: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write the translation memory `{path}`: {error}\n  hint: check that its folder exists and is writable; the translations of this run are lost otherwise")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// The translation memory file, loaded.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub path: PathBuf,
    entries: BTreeMap<Key, Entry>,
}

impl Memory {
    /// Loads `path`; a missing file is an empty memory.
    pub fn load(path: &Path) -> Result<Self, MemoryError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => {
                return Err(MemoryError::Read {
                    path: path.to_path_buf(),
                    error,
                })
            }
        };
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry = serde_json::from_str(line).map_err(|e| MemoryError::Malformed {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })?;
            entries.insert(entry.key(), entry);
        }
        Ok(Memory {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// An empty memory that will be saved at `path`.
    pub fn empty(path: &Path) -> Self {
        Memory {
            path: path.to_path_buf(),
            entries: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &Key) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// An approved translation of `source` into `locale`, whatever glossary or prompt applied.
    pub fn approved(&self, locale: Lang, source: &str) -> Option<&Entry> {
        self.entries.values().find(|e| {
            e.origin == Origin::Approved && e.locale == locale.code() && e.source == source
        })
    }

    /// The most recent translation of `source` into `locale`, whatever glossary or prompt.
    pub fn any(&self, locale: Lang, source: &str) -> Option<&Entry> {
        self.entries
            .values()
            .filter(|e| e.locale == locale.code() && e.source == source)
            .max_by(|a, b| {
                a.origin
                    .cmp_rank()
                    .cmp(&b.origin.cmp_rank())
                    .then(a.date.cmp(&b.date))
            })
    }

    /// Whether any entry of `locale` has `target` as its translation.
    pub fn has_target(&self, locale: Lang, target: &str) -> bool {
        self.entries
            .values()
            .any(|e| e.locale == locale.code() && e.target == target)
    }

    pub fn insert(&mut self, entry: Entry) {
        self.entries.insert(entry.key(), entry);
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// Writes the memory to its file atomically, one entry per line in key order.
    pub fn save(&self) -> Result<(), MemoryError> {
        let write_error = |error| MemoryError::Write {
            path: self.path.clone(),
            error,
        };
        let mut text = Vec::with_capacity(self.entries.len() * 256);
        for entry in self.entries.values() {
            serde_json::to_writer(&mut text, entry).map_err(|e| write_error(e.into()))?;
            text.push(b'\n');
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
        tmp.write_all(&text).map_err(write_error)?;
        tmp.as_file().sync_all().map_err(write_error)?;
        tmp.persist(&self.path).map_err(|e| write_error(e.error))?;
        Ok(())
    }
}

impl Origin {
    fn cmp_rank(self) -> u8 {
        match self {
            Origin::Model => 0,
            Origin::Approved => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: &str, target: &str) -> Entry {
        Entry {
            locale: "en".into(),
            source: source.into(),
            target: target.into(),
            glossary: String::new(),
            prompt: 1,
            model: "m".into(),
            date: "2024-01-06".into(),
            origin: Origin::Model,
        }
    }

    #[test]
    fn saves_one_sorted_line_per_entry_and_loads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut m = Memory::empty(&path);
        m.insert(entry("乙", "B"));
        m.insert(entry("甲", "A <b1>x</b1>"));
        m.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"locale\":\"en\",\"source\":\"乙\",\"target\":\"B\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n\
             {\"locale\":\"en\",\"source\":\"甲\",\"target\":\"A <b1>x</b1>\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n"
        );
        let back = Memory::load(&path).unwrap();
        assert_eq!(back.len(), 2);
        let key = Key::new(Lang::En, "甲", &[], 1);
        assert_eq!(back.get(&key).unwrap().target, "A <b1>x</b1>");
    }

    #[test]
    fn a_malformed_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        std::fs::write(&path, "{\"locale\":\"en\",\"source\":\"a\",\"target\":\"b\",\"prompt\":1,\"model\":\"m\",\"date\":\"d\"}\n{oops\n").unwrap();
        let err = Memory::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("memory.jsonl:2: not a translation-memory entry"),
            "{err}"
        );
    }
}
