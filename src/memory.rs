//! The translation memory: every validated translation, so that nothing is asked twice.
//!
//! An entry is keyed by what determines a translation: the tagged source text, the target
//! locale, the glossary entries that applied to it and the prompt version. The model and the
//! date are data. A rerun of an unchanged issue therefore sends nothing, and editing one
//! paragraph sends only that paragraph.
//!
//! **On disk** the memory is one JSON Lines file, one entry per line, sorted by locale, source,
//! glossary and prompt, so that git shows a new translation as one added line and a reviewer
//! reads the memory's diff in a pull request as with PO files.
//!
//! **Shared by processes.** Any number of `translate`, `adopt` and `memory import` runs may
//! use one memory at once. Validated entries are appended to the file as soon as their batch
//! is validated ([`Memory::save`]), under an exclusive lock on the file, as whole lines; at the
//! end of a run [`Memory::compact`] takes the lock, reads the file again (with what other runs
//! appended meanwhile), and writes it back sorted, atomically. No entry is lost, nothing is
//! rewritten per batch, and a kill at any moment leaves a valid file: a line cut off by a kill
//! is ignored when read and removed by the next append, and a temporary file left by a killed
//! compaction is removed by the next one ([`crate::file::clean_up`]). When two entries have
//! the same key, the later line wins, except that a model's translation never replaces a
//! person's.
//!
//! **In memory** entries are indexed by locale, then source (a sorted map), then the few
//! variants of one source (glossary and prompt): a lookup is O(log n), model names and dates
//! are shared, and the file is read line by line, so loading takes about as much memory as the
//! text it holds.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::file::{Locked, WriteError};
use crate::glossary::Term;
use crate::lang::Lang;

/// Where an entry's translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written by a model and validated.
    #[default]
    Model,
    /// Written or reviewed by a person (a hand edit, an import, an adopted edition): never
    /// replaced by a model's answer.
    Approved,
}

/// One translation, as a line of the file.
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
    #[error(transparent)]
    File(#[from] WriteError),
}

/// An entry of the memory, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored<'m> {
    pub locale: &'m str,
    pub source: &'m str,
    pub target: &'m str,
    pub glossary: &'m str,
    pub prompt: u32,
    pub model: &'m str,
    pub date: &'m str,
    pub origin: Origin,
    /// Its line in the file as last read (`None`: added by this run).
    pub line: Option<usize>,
}

impl Stored<'_> {
    pub fn to_entry(&self) -> Entry {
        Entry {
            locale: self.locale.to_string(),
            source: self.source.to_string(),
            target: self.target.to_string(),
            glossary: self.glossary.to_string(),
            prompt: self.prompt,
            model: self.model.to_string(),
            date: self.date.to_string(),
            origin: self.origin,
        }
    }
}

/// One translation of a source: what is left of an entry once its locale and source are the
/// keys of the maps it is in.
#[derive(Debug, Clone)]
struct Variant {
    glossary: Box<str>,
    prompt: u32,
    target: Box<str>,
    model: Arc<str>,
    date: Arc<str>,
    origin: Origin,
    /// 1-based line in the file; 0 for an entry added by this run.
    line: u32,
}

/// The translation memory file, loaded.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub path: PathBuf,
    /// locale → source → its variants, sorted by glossary and prompt.
    by_locale: BTreeMap<Box<str>, BTreeMap<Box<str>, Vec<Variant>>>,
    len: usize,
    /// Model names and dates, shared.
    interned: HashSet<Arc<str>>,
    /// Entries inserted and not yet appended to the file.
    unsaved: Vec<Entry>,
    /// Whether the file holds lines out of order (appended by this or another run).
    unsorted: bool,
    /// Size and modification time of the file when this process last read or wrote it.
    stamp: Option<(u64, std::time::SystemTime)>,
}

fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

impl Memory {
    /// Loads `path`; a missing file is an empty memory.
    pub fn load(path: &Path) -> Result<Self, MemoryError> {
        let mut memory = Memory::empty(path);
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(memory),
            Err(error) => {
                return Err(MemoryError::Read {
                    path: path.to_path_buf(),
                    error,
                })
            }
        };
        memory.stamp = stamp(path);
        memory.read_from(std::io::BufReader::with_capacity(1 << 16, file))?;
        Ok(memory)
    }

    /// An empty memory that will be saved at `path`.
    pub fn empty(path: &Path) -> Self {
        Memory {
            path: path.to_path_buf(),
            ..Memory::default()
        }
    }

    /// Reads every line of `reader` into the memory, in file order (a later line with the
    /// same key wins). A last line without its newline that is not an entry is a line cut off
    /// by a killed writer: it is ignored.
    fn read_from(&mut self, mut reader: impl BufRead) -> Result<(), MemoryError> {
        let mut line = String::new();
        let mut number = 0usize;
        let mut previous: Option<Key> = None;
        loop {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|error| MemoryError::Read {
                    path: self.path.clone(),
                    error,
                })?;
            if n == 0 {
                break;
            }
            number += 1;
            let text = line.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            let entry: Entry = match serde_json::from_str(text) {
                Ok(e) => e,
                Err(_) if !line.ends_with('\n') => break,
                Err(e) => {
                    return Err(MemoryError::Malformed {
                        path: self.path.clone(),
                        line: number,
                        message: e.to_string(),
                    })
                }
            };
            let key = entry.key();
            if previous.as_ref().is_some_and(|p| *p >= key) {
                self.unsorted = true;
            }
            previous = Some(key);
            self.put(entry, number as u32);
        }
        Ok(())
    }

    fn intern(&mut self, s: String) -> Arc<str> {
        if let Some(a) = self.interned.get(s.as_str()) {
            return a.clone();
        }
        let a: Arc<str> = s.into();
        self.interned.insert(a.clone());
        a
    }

    /// Adds or replaces an entry in the index.
    fn put(&mut self, entry: Entry, line: u32) {
        let model = self.intern(entry.model);
        let date = self.intern(entry.date);
        let variant = Variant {
            glossary: entry.glossary.into(),
            prompt: entry.prompt,
            target: entry.target.into(),
            model,
            date,
            origin: entry.origin,
            line,
        };
        let sources = self.by_locale.entry(entry.locale.into()).or_default();
        let variants = sources.entry(entry.source.into()).or_default();
        match variants.binary_search_by(|v| {
            (&*v.glossary, v.prompt).cmp(&(&*variant.glossary, variant.prompt))
        }) {
            // A person's translation is never replaced by a model's (one that another run
            // asked for at the same time, say).
            Ok(i) if variants[i].origin == Origin::Approved && variant.origin == Origin::Model => {}
            Ok(i) => variants[i] = variant,
            Err(i) => {
                variants.insert(i, variant);
                self.len += 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The variants of `source` in `locale`.
    fn variants<'m>(&'m self, locale: &str, source: &str) -> impl Iterator<Item = Stored<'m>> {
        self.by_locale
            .get_key_value(locale)
            .and_then(|(l, sources)| sources.get_key_value(source).map(|(s, v)| (l, s, v)))
            .into_iter()
            .flat_map(|(l, s, variants)| variants.iter().map(move |v| stored(l, s, v)))
    }

    pub fn get(&self, key: &Key) -> Option<Stored<'_>> {
        self.variants(&key.locale, &key.source)
            .find(|v| v.glossary == key.glossary && v.prompt == key.prompt)
    }

    /// The latest approved translation of `source` into `locale`, whatever glossary or prompt
    /// applied.
    pub fn approved(&self, locale: Lang, source: &str) -> Option<Stored<'_>> {
        self.variants(locale.code(), source)
            .filter(|e| e.origin == Origin::Approved)
            .max_by(|a, b| a.date.cmp(b.date))
    }

    /// The most recent translation of `source` into `locale`, whatever glossary or prompt, an
    /// approved one first.
    pub fn any(&self, locale: Lang, source: &str) -> Option<Stored<'_>> {
        self.variants(locale.code(), source).max_by(|a, b| {
            (a.origin == Origin::Approved, a.date).cmp(&(b.origin == Origin::Approved, b.date))
        })
    }

    /// Whether the memory has any entry for `locale`.
    pub fn has_locale(&self, locale: Lang) -> bool {
        self.by_locale
            .get(locale.code())
            .is_some_and(|s| !s.is_empty())
    }

    /// Adds an entry (replacing one with the same key); [`Memory::save`] writes it.
    pub fn insert(&mut self, entry: Entry) {
        self.unsaved.push(entry.clone());
        self.put(entry, 0);
    }

    /// Every entry, in the file's order.
    pub fn entries(&self) -> impl Iterator<Item = Stored<'_>> {
        self.by_locale.iter().flat_map(|(l, sources)| {
            sources
                .iter()
                .flat_map(move |(s, variants)| variants.iter().map(move |v| stored(l, s, v)))
        })
    }

    /// Appends the entries inserted since the last save to the file, under its lock, as whole
    /// lines. Cheap: the file is not rewritten.
    pub fn save(&mut self) -> Result<(), MemoryError> {
        if self.unsaved.is_empty() {
            return Ok(());
        }
        let write_error = |error| MemoryError::Write {
            path: self.path.clone(),
            error,
        };
        crate::file::destination(&self.path)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        let mut text = Vec::with_capacity(self.unsaved.len() * 256);
        for entry in &self.unsaved {
            serde_json::to_writer(&mut text, entry).map_err(|e| write_error(e.into()))?;
            text.push(b'\n');
        }
        let mut locked = Locked::exclusive(&self.path).map_err(write_error)?;
        crate::file::clean_up(&self.path);
        cut_partial_line(&mut locked.file).map_err(write_error)?;
        locked.file.write_all(&text).map_err(write_error)?;
        locked.file.sync_data().map_err(write_error)?;
        // The file is what this process read plus what it appended, unless another process
        // wrote in between: then the next refresh reads it again.
        let before = self.stamp;
        let len_before = locked.file.metadata().map_err(write_error)?.len() - text.len() as u64;
        if before.is_some_and(|(len, _)| len == len_before) || (before.is_none() && len_before == 0)
        {
            self.stamp = stamp(&self.path);
        }
        self.unsaved.clear();
        self.unsorted = true;
        Ok(())
    }

    /// Reads the file again when another process changed it since this one read it, so that
    /// what other runs validated meanwhile is found; entries not yet saved are kept.
    pub fn refresh(&mut self) -> Result<(), MemoryError> {
        let now = stamp(&self.path);
        if now == self.stamp {
            return Ok(());
        }
        let mut fresh = Memory::load(&self.path)?;
        for entry in std::mem::take(&mut self.unsaved) {
            fresh.insert(entry);
        }
        *self = fresh;
        Ok(())
    }

    /// Saves, then, when the file holds appended lines, reads it again under its lock (with what
    /// other runs appended meanwhile) and writes it back sorted, atomically. The memory then
    /// holds every entry of the file.
    pub fn compact(&mut self) -> Result<(), MemoryError> {
        self.save()?;
        if !self.unsorted {
            return Ok(());
        }
        let write_error = |error| MemoryError::Write {
            path: self.path.clone(),
            error,
        };
        let mut locked = Locked::exclusive(&self.path).map_err(write_error)?;
        crate::file::clean_up(&self.path);
        locked
            .file
            .seek(std::io::SeekFrom::Start(0))
            .map_err(write_error)?;
        let mut fresh = Memory::empty(&self.path);
        fresh.read_from(std::io::BufReader::with_capacity(1 << 16, &mut locked.file))?;
        crate::file::stage_with(&self.path, |w| {
            for e in fresh.entries() {
                serde_json::to_writer(&mut *w, &e.to_entry())?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })?
        .commit()?;
        drop(locked);
        // Line numbers as in the file now.
        let mut line = 0u32;
        for sources in fresh.by_locale.values_mut() {
            for variants in sources.values_mut() {
                for v in variants {
                    line += 1;
                    v.line = line;
                }
            }
        }
        fresh.unsorted = false;
        fresh.stamp = stamp(&self.path);
        *self = fresh;
        Ok(())
    }
}

fn stored<'m>(locale: &'m str, source: &'m str, v: &'m Variant) -> Stored<'m> {
    Stored {
        locale,
        source,
        target: &v.target,
        glossary: &v.glossary,
        prompt: v.prompt,
        model: &v.model,
        date: &v.date,
        origin: v.origin,
        line: (v.line > 0).then_some(v.line as usize),
    }
}

/// Removes a last line that a killed writer cut off (the file does not end with a newline),
/// so that what is appended next starts on a line of its own.
fn cut_partial_line(file: &mut std::fs::File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut last = [0u8; 1];
    file.seek(std::io::SeekFrom::Start(len - 1))?;
    file.read_exact(&mut last)?;
    if last[0] == b'\n' {
        return Ok(());
    }
    // Find the start of the last line.
    let chunk = len.min(1 << 20);
    let mut tail = vec![0u8; chunk as usize];
    file.seek(std::io::SeekFrom::Start(len - chunk))?;
    file.read_exact(&mut tail)?;
    let keep = match memchr::memrchr(b'\n', &tail) {
        Some(i) => len - chunk + i as u64 + 1,
        None if chunk == len => 0,
        None => return Ok(()),
    };
    file.set_len(keep)
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
    fn appends_then_compacts_to_one_sorted_line_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut m = Memory::empty(&path);
        m.insert(entry("乙", "B"));
        m.save().unwrap();
        m.insert(entry("甲", "A <b1>x</b1>"));
        m.save().unwrap();
        // Appended in the order saved.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\"locale\":\"en\",\"source\":\"乙\""),
            "{text}"
        );
        m.compact().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"locale\":\"en\",\"source\":\"乙\",\"target\":\"B\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n\
             {\"locale\":\"en\",\"source\":\"甲\",\"target\":\"A <b1>x</b1>\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n"
        );
        let back = Memory::load(&path).unwrap();
        assert_eq!(back.len(), 2);
        let key = Key::new(Lang::En, "甲", &[], 1);
        let found = back.get(&key).unwrap();
        assert_eq!(found.target, "A <b1>x</b1>");
        assert_eq!(found.line, Some(2));
    }

    #[test]
    fn two_memories_on_one_file_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut a = Memory::load(&path).unwrap();
        let mut b = Memory::load(&path).unwrap();
        a.insert(entry("一", "one"));
        b.insert(entry("二", "two"));
        a.save().unwrap();
        b.save().unwrap();
        a.compact().unwrap();
        b.insert(entry("三", "three"));
        b.compact().unwrap();
        let back = Memory::load(&path).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(b.len(), 3, "a compaction reads what others appended");
    }

    #[test]
    fn a_line_cut_off_by_a_kill_is_ignored_then_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        std::fs::write(
            &path,
            "{\"locale\":\"en\",\"source\":\"a\",\"target\":\"b\",\"prompt\":1,\"model\":\"m\",\"date\":\"d\"}\n{\"locale\":\"en\",\"sou",
        )
        .unwrap();
        let mut m = Memory::load(&path).unwrap();
        assert_eq!(m.len(), 1);
        m.insert(entry("c", "d"));
        m.save().unwrap();
        let back = Memory::load(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert!(!std::fs::read_to_string(&path).unwrap().contains("\"sou\n"));
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

    #[test]
    fn lookups_find_variants_by_key_approved_and_latest() {
        let mut m = Memory::empty(Path::new("m.jsonl"));
        m.insert(entry("源", "model"));
        let mut approved = entry("源", "approved");
        approved.glossary = "g".into();
        approved.origin = Origin::Approved;
        m.insert(approved);
        assert_eq!(m.len(), 2);
        assert_eq!(m.approved(Lang::En, "源").unwrap().target, "approved");
        assert_eq!(m.any(Lang::En, "源").unwrap().target, "approved");
        assert_eq!(
            m.get(&Key::new(Lang::En, "源", &[], 1)).unwrap().target,
            "model"
        );
        assert!(m.has_locale(Lang::En));
        // A model's answer with the same key does not replace a person's translation.
        let mut again = entry("源", "model again");
        again.glossary = "g".into();
        m.insert(again);
        assert_eq!(m.approved(Lang::En, "源").unwrap().target, "approved");
        assert!(!m.has_locale(Lang::Ja));
        assert_eq!(m.entries().count(), 2);
    }
}
