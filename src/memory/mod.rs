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
//! **Searched in place.** Because the file is sorted, a lookup is a binary search over its
//! bytes (read a few kilobytes at a time, like `look(1)`): opening a memory of any size costs
//! nothing, a lookup is O(log n) reads, and the process holds no more of it than it reads.
//!
//! **Shared by processes.** Any number of `translate`, `adopt` and `memory import` runs may use
//! one memory at once. Validated entries are appended to a journal beside the file
//! (`{name}.journal`) as soon as their batch is validated ([`Memory::save`]), as whole lines,
//! under an exclusive lock on the memory file. At the end of a run [`Memory::compact`] takes
//! the lock and merges the journal (with what other runs appended to it meanwhile) into the
//! sorted file in one streaming pass, writes it atomically and removes the journal. No entry
//! is lost, nothing is rewritten per batch, and a kill at any moment leaves a valid memory: a
//! journal line cut off by a kill is ignored when read and removed by the next append, a
//! journal left by a killed run is merged by the next compaction, and a temporary file left by
//! a killed compaction is removed by the next one ([`crate::file::clean_up`]). When two
//! entries have the same key, the later one wins, except that a model's translation never
//! replaces a person's. A file that is not sorted (a hand-resolved merge conflict, say) is
//! still read correctly by the next compaction, which sorts it; until then lookups may miss
//! its misplaced lines.

mod entry;
pub mod examples;

pub use entry::{fingerprint, Author, Entry, Key, Origin, Rating};

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::file::{Locked, WriteError};
use crate::lang::Lang;
use crate::message::{tr, tr_hint};

/// A memory file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error("{}", tr_hint("memory-malformed", &[("path", &.path.display()), ("line", .line), ("message", .message)]))]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}", tr("memory-cannot-read", &[("path", &.path.display()), ("error", .error)]))]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}", tr_hint("memory-cannot-write", &[("path", &.path.display()), ("error", .error)]))]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] WriteError),
}

/// An entry found in the memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub entry: Entry,
    /// Where it is.
    pub place: Place,
}

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the sorted file, at this byte offset ([`Memory::line_of`] gives its line).
    File(u64),
    /// In the journal, or added by this run.
    Journal,
}

impl std::ops::Deref for Found {
    type Target = Entry;
    fn deref(&self) -> &Entry {
        &self.entry
    }
}

/// The key and origin of a line, read without copying its text.
#[derive(Deserialize)]
struct LineKey<'a> {
    #[serde(borrow)]
    locale: Cow<'a, str>,
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(default, borrow)]
    glossary: Cow<'a, str>,
    prompt: u32,
    #[serde(default)]
    origin: Origin,
}

impl LineKey<'_> {
    fn cmp_key(&self, k: &Key) -> std::cmp::Ordering {
        (&*self.locale, &*self.source, &*self.glossary, self.prompt).cmp(&(
            k.locale.as_str(),
            k.source.as_str(),
            k.glossary.as_str(),
            k.prompt,
        ))
    }

    fn key(&self) -> Key {
        Key {
            locale: self.locale.to_string(),
            source: self.source.to_string(),
            glossary: self.glossary.to_string(),
            prompt: self.prompt,
        }
    }
}

/// The sorted file, open for reading at offsets, through a cache of the blocks read: the first
/// steps of every binary search read the same few blocks.
#[derive(Debug, Clone)]
struct Sorted {
    file: Arc<File>,
    len: u64,
    blocks: Arc<std::sync::Mutex<std::collections::HashMap<u64, Arc<Vec<u8>>>>>,
}

/// The size of a block read from the sorted file.
const BLOCK: u64 = 8192;

impl Sorted {
    /// The bytes from `pos` to the end of its block.
    fn read(&self, pos: u64) -> std::io::Result<(Arc<Vec<u8>>, usize)> {
        let index = pos / BLOCK;
        let cached = self
            .blocks
            .lock()
            .expect("block cache")
            .get(&index)
            .cloned();
        let block = match cached {
            Some(b) => b,
            None => {
                let b = Arc::new(read_at(&self.file, index * BLOCK, BLOCK as usize)?);
                self.blocks
                    .lock()
                    .expect("block cache")
                    .insert(index, b.clone());
                b
            }
        };
        Ok((block, (pos - index * BLOCK) as usize))
    }

    /// The line that starts at `start`, without its newline.
    fn line_from(&self, start: u64) -> std::io::Result<Vec<u8>> {
        let mut line = Vec::new();
        let mut pos = start;
        while pos < self.len {
            let (block, at) = self.read(pos)?;
            let chunk = &block[at.min(block.len())..];
            if chunk.is_empty() {
                break;
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    line.extend_from_slice(&chunk[..i]);
                    break;
                }
                None => {
                    line.extend_from_slice(chunk);
                    pos += chunk.len() as u64;
                }
            }
        }
        Ok(line)
    }
}

/// Size and modification time of a file.
type Stamp = Option<(u64, std::time::SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The journal of a memory file.
pub fn journal_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    path.with_file_name(name)
}

/// The translation memory: the sorted file, searched in place, and the journal, read whole.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub path: PathBuf,
    sorted: Option<Sorted>,
    /// Entries of the journal and of this run, by key.
    journal: BTreeMap<Key, Entry>,
    /// Entries inserted and not yet appended to the journal.
    unsaved: Vec<Entry>,
    stamps: (Stamp, Stamp),
}

/// Whether `new` replaces `old` (same key): a model's translation never replaces a person's.
fn replaces(new: &Entry, old_origin: Origin) -> bool {
    !(old_origin == Origin::Approved && new.origin == Origin::Model)
}

impl Memory {
    /// Opens the memory at `path` (a missing file is an empty memory): the sorted file is only
    /// opened; the journal, if a run left one, is read.
    pub fn load(path: &Path) -> Result<Self, MemoryError> {
        let mut memory = Memory::empty(path);
        memory.open()?;
        Ok(memory)
    }

    /// An empty memory that will be saved at `path`.
    pub fn empty(path: &Path) -> Self {
        Memory {
            path: path.to_path_buf(),
            ..Memory::default()
        }
    }

    fn read_error(&self, error: std::io::Error) -> MemoryError {
        MemoryError::Read {
            path: self.path.clone(),
            error,
        }
    }

    fn open(&mut self) -> Result<(), MemoryError> {
        self.sorted = match File::open(&self.path) {
            Ok(file) => {
                let len = file.metadata().map_err(|e| self.read_error(e))?.len();
                Some(Sorted {
                    file: Arc::new(file),
                    len,
                    blocks: Default::default(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.read_error(e)),
        };
        self.journal.clear();
        let journal = journal_path(&self.path);
        match File::open(&journal) {
            Ok(f) => {
                for (_, entry) in read_lines(&journal, std::io::BufReader::new(f))? {
                    put(&mut self.journal, entry);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(self.read_error(e)),
        }
        self.stamps = (stamp(&self.path), stamp(&journal));
        Ok(())
    }

    /// Opens the memory again when another process changed it since, so that what other runs
    /// validated meanwhile is found; entries not yet saved are kept.
    pub fn refresh(&mut self) -> Result<(), MemoryError> {
        if (stamp(&self.path), stamp(&journal_path(&self.path))) == self.stamps {
            return Ok(());
        }
        self.open()?;
        for entry in self.unsaved.clone() {
            put(&mut self.journal, entry);
        }
        Ok(())
    }

    /// The line starting at or after byte `from` of the sorted file: its start and bytes
    /// (without the newline); `None` past the last line.
    fn line_at(&self, from: u64) -> Result<Option<(u64, Vec<u8>)>, MemoryError> {
        let Some(sorted) = &self.sorted else {
            return Ok(None);
        };
        let mut start = from;
        if from > 0 {
            // The line starts after the first newline at or after `from - 1`.
            let mut pos = from - 1;
            loop {
                if pos >= sorted.len {
                    return Ok(None);
                }
                let (block, at) = sorted.read(pos).map_err(|e| self.read_error(e))?;
                let chunk = &block[at.min(block.len())..];
                if chunk.is_empty() {
                    return Ok(None);
                }
                match memchr::memchr(b'\n', chunk) {
                    Some(i) => {
                        start = pos + i as u64 + 1;
                        break;
                    }
                    None => pos += chunk.len() as u64,
                }
            }
        }
        if start >= sorted.len {
            return Ok(None);
        }
        let line = sorted.line_from(start).map_err(|e| self.read_error(e))?;
        Ok(Some((start, without_bom(start, line))))
    }

    fn malformed(&self, offset: u64, message: String) -> MemoryError {
        MemoryError::Malformed {
            path: self.path.clone(),
            line: self.line_of(offset),
            message,
        }
    }

    /// The 1-based line of an entry found in the sorted file (`None` for the journal's).
    pub fn line(&self, place: Place) -> Option<usize> {
        match place {
            Place::File(offset) => Some(self.line_of(offset)),
            Place::Journal => None,
        }
    }

    /// The 1-based line of the sorted file at byte `offset`.
    pub fn line_of(&self, offset: u64) -> usize {
        let Some(sorted) = &self.sorted else {
            return 0;
        };
        let mut newlines = 0;
        let mut pos = 0;
        while pos < offset {
            let Ok(chunk) = read_at(&sorted.file, pos, (offset - pos).min(1 << 20) as usize) else {
                break;
            };
            if chunk.is_empty() {
                break;
            }
            newlines += memchr::memchr_iter(b'\n', &chunk).count();
            pos += chunk.len() as u64;
        }
        newlines + 1
    }

    /// The smallest offset of the sorted file whose next line satisfies `at_or_after` (a
    /// predicate that holds from some line of the sorted file on), or its length: a binary
    /// search over bytes.
    fn lower_bound(&self, at_or_after: impl Fn(&LineKey) -> bool) -> Result<u64, MemoryError> {
        let (mut lo, mut hi) = (0u64, self.sorted.as_ref().map_or(0, |s| s.len));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let after = match self.line_at(mid)? {
                None => true,
                Some((start, bytes)) => {
                    let key: LineKey = serde_json::from_slice(&bytes)
                        .map_err(|e| self.malformed(start, e.to_string()))?;
                    at_or_after(&key)
                }
            };
            if after {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(lo)
    }

    /// The entries of the sorted file whose (locale, source) is the given one.
    fn search(&self, locale: &str, source: &str) -> Result<Vec<Found>, MemoryError> {
        let target = (locale, source);
        let lo = self.lower_bound(|k| (&*k.locale, &*k.source) >= target)?;
        let mut found = Vec::new();
        let mut at = lo;
        while let Some((start, bytes)) = self.line_at(at)? {
            let key: LineKey =
                serde_json::from_slice(&bytes).map_err(|e| self.malformed(start, e.to_string()))?;
            if (&*key.locale, &*key.source) != target {
                break;
            }
            let entry: Entry =
                serde_json::from_slice(&bytes).map_err(|e| self.malformed(start, e.to_string()))?;
            let this = Found {
                entry,
                place: Place::File(start),
            };
            // Two lines with one key (a hand-resolved merge): the one compaction keeps, the
            // later, unless a model's would replace a person's.
            match found
                .iter_mut()
                .find(|f: &&mut Found| f.glossary == this.glossary && f.prompt == this.prompt)
            {
                Some(f) if replaces(&this.entry, f.origin) => *f = this,
                Some(_) => {}
                None => found.push(this),
            }
            at = start + bytes.len() as u64 + 1;
        }
        Ok(found)
    }

    /// Every translation of `source` into `locale` (the journal's over the file's with the
    /// same key), in key order.
    pub fn variants(&self, locale: &str, source: &str) -> Result<Vec<Found>, MemoryError> {
        let mut found = self.search(locale, source)?;
        let from = Key {
            locale: locale.to_string(),
            source: source.to_string(),
            glossary: String::new(),
            prompt: 0,
        };
        for (key, entry) in self.journal.range(from..) {
            if key.locale != locale || key.source != source {
                break;
            }
            match found
                .iter_mut()
                .find(|f| f.glossary == key.glossary && f.prompt == key.prompt)
            {
                Some(f) if replaces(entry, f.origin) => {
                    *f = Found {
                        entry: entry.clone(),
                        place: Place::Journal,
                    }
                }
                Some(_) => {}
                None => found.push(Found {
                    entry: entry.clone(),
                    place: Place::Journal,
                }),
            }
        }
        found.sort_by(|a, b| (&a.glossary, a.prompt).cmp(&(&b.glossary, b.prompt)));
        Ok(found)
    }

    pub fn get(&self, key: &Key) -> Result<Option<Found>, MemoryError> {
        Ok(self
            .variants(&key.locale, &key.source)?
            .into_iter()
            .find(|v| v.glossary == key.glossary && v.prompt == key.prompt))
    }

    /// The latest approved translation of `source` into `locale`, whatever glossary or prompt
    /// applied.
    pub fn approved(&self, locale: Lang, source: &str) -> Result<Option<Found>, MemoryError> {
        Ok(latest_approved(self.variants(locale.code(), source)?))
    }

    /// The most recent translation of `source` into `locale`, whatever glossary or prompt, an
    /// approved one first (candidates are no translations).
    pub fn any(&self, locale: Lang, source: &str) -> Result<Option<Found>, MemoryError> {
        Ok(self
            .variants(locale.code(), source)?
            .into_iter()
            .filter(|f| f.origin != Origin::Candidate)
            .max_by(|a, b| {
                (a.origin == Origin::Approved, &a.date)
                    .cmp(&(b.origin == Origin::Approved, &b.date))
            }))
    }

    /// The candidates for `source` in `locale`: people's texts not taken (see
    /// [`Origin::Candidate`]), the latest first.
    pub fn candidates(&self, locale: Lang, source: &str) -> Result<Vec<Found>, MemoryError> {
        let mut found: Vec<Found> = self
            .variants(locale.code(), source)?
            .into_iter()
            .filter(|f| f.origin == Origin::Candidate)
            .collect();
        found.sort_by(|a, b| b.date.cmp(&a.date));
        Ok(found)
    }

    /// The approved entries of `locale`, to choose examples from: through the example index
    /// beside the memory ([`examples`]), built first if it is missing or out of date.
    pub fn examples(&self, locale: Lang) -> Result<examples::Examples, MemoryError> {
        examples::Examples::open(self, locale.code()).map_err(|e| self.read_error(e))
    }

    /// Whether the memory has any entry for `locale`.
    pub fn has_locale(&self, locale: Lang) -> Result<bool, MemoryError> {
        let code = locale.code();
        if self.journal.keys().any(|k| k.locale == code) {
            return Ok(true);
        }
        let lo = self.lower_bound(|k| &*k.locale >= code)?;
        Ok(match self.line_at(lo)? {
            Some((start, bytes)) => {
                let key: LineKey = serde_json::from_slice(&bytes)
                    .map_err(|e| self.malformed(start, e.to_string()))?;
                key.locale == code
            }
            None => false,
        })
    }

    /// Adds an entry; [`Memory::save`] writes it. A model's translation never replaces a
    /// person's with the same key.
    pub fn insert(&mut self, entry: Entry) {
        self.unsaved.push(entry.clone());
        put(&mut self.journal, entry);
    }

    /// Every entry, in key order (reads the whole file).
    pub fn entries(&self) -> Result<Vec<Entry>, MemoryError> {
        let mut all: BTreeMap<Key, Entry> = BTreeMap::new();
        if self.sorted.is_some() {
            let file = File::open(&self.path).map_err(|e| self.read_error(e))?;
            for (_, e) in read_lines(&self.path, std::io::BufReader::new(file))? {
                put(&mut all, e);
            }
        }
        for e in self.journal.values() {
            put(&mut all, e.clone());
        }
        Ok(all.into_values().collect())
    }

    /// How many entries the memory holds (reads the whole file).
    pub fn count(&self) -> Result<usize, MemoryError> {
        Ok(self.entries()?.len())
    }

    /// Appends the entries inserted since the last save to the journal, under the memory's
    /// lock, as whole lines. Cheap: the memory file is not rewritten.
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
        let _lock = Locked::exclusive(&self.path).map_err(write_error)?;
        let journal = journal_path(&self.path);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&journal)
            .map_err(write_error)?;
        cut_partial_line(&mut file).map_err(write_error)?;
        file.write_all(&text).map_err(write_error)?;
        file.sync_data().map_err(write_error)?;
        self.unsaved.clear();
        Ok(())
    }

    /// Saves, then merges the journal (with what other runs appended to it) into the sorted
    /// file under the memory's lock, in one streaming pass, and removes the journal.
    pub fn compact(&mut self) -> Result<(), MemoryError> {
        self.save()?;
        let journal = journal_path(&self.path);
        if !journal.exists() && self.journal.is_empty() {
            return Ok(());
        }
        let write_error = |error| MemoryError::Write {
            path: self.path.clone(),
            error,
        };
        let lock = Locked::exclusive(&self.path).map_err(write_error)?;
        crate::file::clean_up(&self.path);
        let mut pending: BTreeMap<Key, Entry> = BTreeMap::new();
        if let Ok(f) = File::open(&journal) {
            for (_, e) in read_lines(&journal, std::io::BufReader::new(f))? {
                put(&mut pending, e);
            }
        }
        let merged = match self.merge_sorted(&lock.file, &pending) {
            Ok(()) => Ok(()),
            Err(MergeFailure::Unsorted) => self.sort_whole(&lock.file, pending),
            Err(MergeFailure::Memory(e)) => Err(e),
        };
        merged?;
        if journal.exists() {
            std::fs::remove_file(&journal).map_err(write_error)?;
        }
        // The example index follows the file it indexes (a cache: a run that finds it out of
        // date builds it again).
        if let Ok(file) = File::open(&self.path) {
            let _ = examples::write(&self.path, &file);
        }
        drop(lock);
        self.unsaved.clear();
        self.open()
    }

    /// Streams the sorted file and the journal's entries into a new sorted file.
    fn merge_sorted(
        &self,
        file: &File,
        pending: &BTreeMap<Key, Entry>,
    ) -> Result<(), MergeFailure> {
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        reader
            .seek(std::io::SeekFrom::Start(0))
            .map_err(|e| MergeFailure::Memory(self.read_error(e)))?;
        let mut failure = None;
        let staged = crate::file::stage_with(&self.path, |w| {
            let mut rest = pending.iter().peekable();
            let mut line = Vec::new();
            let mut previous: Option<Key> = None;
            let mut number = 0usize;
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                number += 1;
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                let text = if number == 1 {
                    text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text)
                } else {
                    text
                };
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let key: LineKey = match serde_json::from_slice(text) {
                    Ok(k) => k,
                    Err(e) => {
                        failure = Some(MergeFailure::Memory(MemoryError::Malformed {
                            path: self.path.clone(),
                            line: number,
                            message: e.to_string(),
                        }));
                        return Err(std::io::Error::other("malformed"));
                    }
                };
                if previous.as_ref().is_some_and(|p| key.cmp_key(p).is_le()) {
                    failure = Some(MergeFailure::Unsorted);
                    return Err(std::io::Error::other("unsorted"));
                }
                previous = Some(key.key());
                while let Some((k, e)) = rest.peek() {
                    if key.cmp_key(k).is_gt() {
                        write_entry(w, e)?;
                        rest.next();
                    } else {
                        break;
                    }
                }
                match rest.peek() {
                    Some((k, e)) if key.cmp_key(k).is_eq() => {
                        if replaces(e, key.origin) {
                            write_entry(w, e)?;
                        } else {
                            w.write_all(text)?;
                            w.write_all(b"\n")?;
                        }
                        rest.next();
                    }
                    _ => {
                        w.write_all(text)?;
                        w.write_all(b"\n")?;
                    }
                }
            }
            for (_, e) in rest {
                write_entry(w, e)?;
            }
            Ok(())
        });
        match (staged, failure) {
            (_, Some(f)) => Err(f),
            (Ok(staged), None) => staged.commit().map_err(|e| MergeFailure::Memory(e.into())),
            (Err(e), None) => Err(MergeFailure::Memory(e.into())),
        }
    }

    /// Reads the whole file and the journal's entries and writes them sorted: for a file that
    /// is not sorted.
    fn sort_whole(&self, file: &File, pending: BTreeMap<Key, Entry>) -> Result<(), MemoryError> {
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        reader
            .seek(std::io::SeekFrom::Start(0))
            .map_err(|e| self.read_error(e))?;
        let mut all: BTreeMap<Key, Entry> = BTreeMap::new();
        for (_, e) in read_lines(&self.path, reader)? {
            put(&mut all, e);
        }
        for (_, e) in pending {
            put(&mut all, e);
        }
        crate::file::stage_with(&self.path, |w| {
            for e in all.values() {
                write_entry(w, e)?;
            }
            Ok(())
        })?
        .commit()?;
        Ok(())
    }
}

enum MergeFailure {
    Unsorted,
    Memory(MemoryError),
}

fn write_entry(w: &mut dyn Write, e: &Entry) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, e)?;
    w.write_all(b"\n")
}

/// Adds `entry` to `map` unless a person's translation with the same key is there and this one
/// is a model's.
fn put(map: &mut BTreeMap<Key, Entry>, entry: Entry) {
    let key = entry.key();
    match map.get(&key) {
        Some(old) if !replaces(&entry, old.origin) => {}
        _ => {
            map.insert(key, entry);
        }
    }
}

fn latest_approved(found: Vec<Found>) -> Option<Found> {
    found
        .into_iter()
        .filter(|e| e.origin == Origin::Approved)
        .max_by(|a, b| a.date.cmp(&b.date))
}

/// Every entry of `reader`, with its line. A last line without its newline that is not an
/// entry is a line cut off by a killed writer: it is ignored.
fn read_lines(path: &Path, mut reader: impl BufRead) -> Result<Vec<(usize, Entry)>, MemoryError> {
    let mut out = Vec::new();
    let mut bytes = Vec::new();
    let mut number = 0usize;
    loop {
        bytes.clear();
        let n = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|error| MemoryError::Read {
                path: path.to_path_buf(),
                error,
            })?;
        if n == 0 {
            break;
        }
        number += 1;
        // A last line without its newline is one being appended (or cut off by a kill): it
        // may stop inside a character, and is no entry yet.
        let whole = bytes.ends_with(b"\n");
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(_) if !whole => break,
            Err(_) => {
                return Err(MemoryError::Read {
                    path: path.to_path_buf(),
                    error: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    ),
                })
            }
        };
        let text = line.trim_end_matches(['\n', '\r']);
        // A byte-order mark (an editor's) is no part of the first entry.
        let text = if number == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(text) {
            Ok(e) => out.push((number, e)),
            Err(_) if !line.ends_with('\n') => break,
            Err(e) => {
                return Err(MemoryError::Malformed {
                    path: path.to_path_buf(),
                    line: number,
                    message: e.to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// Reads up to `len` bytes at `offset`.
fn read_at(file: &File, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    #[cfg(unix)]
    let n = std::os::unix::fs::FileExt::read_at(file, &mut buf, offset)?;
    #[cfg(windows)]
    let n = std::os::windows::fs::FileExt::seek_read(file, &mut buf, offset)?;
    buf.truncate(n);
    Ok(buf)
}

/// Removes a last line that a killed writer cut off (the file does not end with a newline),
/// so that what is appended next starts on a line of its own.
/// The first line of the sorted file without a byte-order mark an editor may have added.
fn without_bom(start: u64, line: Vec<u8>) -> Vec<u8> {
    match line.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) if start == 0 => rest.to_vec(),
        _ => line,
    }
}

fn cut_partial_line(file: &mut File) -> std::io::Result<()> {
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
    let chunk = len.min(1 << 20);
    let mut tail = vec![0u8; chunk as usize];
    file.seek(std::io::SeekFrom::Start(len - chunk))?;
    file.read_exact(&mut tail)?;
    let keep = match memchr::memrchr(b'\n', &tail) {
        Some(i) => len - chunk + i as u64 + 1,
        None if chunk == len => 0,
        None => return Ok(()),
    };
    // A whole entry that only lacks its newline (a file edited by hand) is kept: ended.
    let last = &tail[(keep - (len - chunk)) as usize..];
    if serde_json::from_slice::<Entry>(last).is_ok() {
        file.seek(std::io::SeekFrom::End(0))?;
        return file.write_all(b"\n");
    }
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
            rating: None,
            note: None,
            asked: Vec::new(),
        }
    }

    #[test]
    fn journals_then_compacts_to_one_sorted_line_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut m = Memory::empty(&path);
        m.insert(entry("乙", "B"));
        m.save().unwrap();
        m.insert(entry("甲", "A <b1>x</b1>"));
        m.save().unwrap();
        // Appended to the journal in the order saved; the memory file is not written yet.
        let journal = std::fs::read_to_string(journal_path(&path)).unwrap();
        assert!(
            journal.starts_with("{\"locale\":\"en\",\"source\":\"乙\""),
            "{journal}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        m.compact().unwrap();
        assert!(!journal_path(&path).exists());
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"locale\":\"en\",\"source\":\"乙\",\"target\":\"B\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n\
             {\"locale\":\"en\",\"source\":\"甲\",\"target\":\"A <b1>x</b1>\",\"prompt\":1,\"model\":\"m\",\"date\":\"2024-01-06\"}\n"
        );
        let back = Memory::load(&path).unwrap();
        assert_eq!(back.count().unwrap(), 2);
        let key = Key::new(Lang::En, "甲", &[], 1);
        let found = back.get(&key).unwrap().unwrap();
        assert_eq!(found.target, "A <b1>x</b1>");
        let Place::File(offset) = found.place else {
            panic!("in the file")
        };
        assert_eq!(back.line_of(offset), 2);
    }

    #[test]
    fn a_binary_search_finds_every_entry_of_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut m = Memory::empty(&path);
        for i in 0..3000 {
            m.insert(entry(&format!("源{i:05}"), &format!("t{i}")));
            // Some sources have several variants.
            if i % 7 == 0 {
                let mut e = entry(&format!("源{i:05}"), &format!("g{i}"));
                e.glossary = "abc".into();
                m.insert(e);
            }
        }
        m.insert(Entry {
            locale: "ja".into(),
            ..entry("源00001", "ja")
        });
        m.compact().unwrap();
        let m = Memory::load(&path).unwrap();
        for i in (0..3000).step_by(37) {
            let v = m.variants("en", &format!("源{i:05}")).unwrap();
            assert_eq!(v.len(), if i % 7 == 0 { 2 } else { 1 }, "{i}");
            assert_eq!(v[0].target, format!("t{i}"));
        }
        assert!(m.variants("en", "源99999").unwrap().is_empty());
        assert!(m.variants("en", "").unwrap().is_empty());
        assert!(m.has_locale(Lang::Ja).unwrap());
        assert!(m.has_locale(Lang::En).unwrap());
        assert_eq!(m.variants("ja", "源00001").unwrap()[0].target, "ja");
        assert_eq!(m.count().unwrap(), 3000 + 3000usize.div_ceil(7) + 1);
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
        assert_eq!(back.count().unwrap(), 3);
        assert_eq!(
            b.count().unwrap(),
            3,
            "a compaction reads what others appended"
        );
    }

    #[test]
    fn a_journal_line_cut_off_by_a_kill_is_ignored_then_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        std::fs::write(
            journal_path(&path),
            "{\"locale\":\"en\",\"source\":\"a\",\"target\":\"b\",\"prompt\":1,\"model\":\"m\",\"date\":\"d\"}\n{\"locale\":\"en\",\"sou",
        )
        .unwrap();
        let mut m = Memory::load(&path).unwrap();
        assert_eq!(m.count().unwrap(), 1);
        m.insert(entry("c", "d"));
        m.save().unwrap();
        assert!(!std::fs::read_to_string(journal_path(&path))
            .unwrap()
            .contains("\"sou\n"));
        m.compact().unwrap();
        assert_eq!(Memory::load(&path).unwrap().count().unwrap(), 2);
    }

    /// Another run appending while this one reads: the line being written may stop inside a
    /// character. The whole lines are read; the rest is no entry yet.
    #[test]
    fn a_journal_read_mid_append_inside_a_character_keeps_its_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let mut text = b"{\"locale\":\"en\",\"source\":\"a\",\"target\":\"b\",\"prompt\":1,\"model\":\"m\",\"date\":\"d\"}\n{\"locale\":\"en\",\"source\":\"".to_vec();
        text.extend_from_slice(&"内存".as_bytes()[..4]);
        std::fs::write(journal_path(&path), &text).unwrap();
        let m = Memory::load(&path).unwrap();
        assert_eq!(m.count().unwrap(), 1);
        // A whole line that is not UTF-8 is an error, as before.
        text.extend_from_slice(b"\n");
        std::fs::write(journal_path(&path), &text).unwrap();
        let err = Memory::load(&path).unwrap_err().to_string();
        assert!(err.contains("stream did not contain valid UTF-8"), "{err}");
    }

    #[test]
    fn an_unsorted_file_is_sorted_by_the_next_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        let line = |e: &Entry| serde_json::to_string(e).unwrap() + "\n";
        std::fs::write(&path, line(&entry("乙", "B")) + &line(&entry("甲", "A"))).unwrap();
        let mut m = Memory::load(&path).unwrap();
        m.insert(entry("丙", "C"));
        m.compact().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let sources: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<Entry>(l).unwrap().source)
            .collect();
        let mut sorted = sources.clone();
        sorted.sort();
        assert_eq!(sources, sorted);
        assert_eq!(sources.len(), 3);
    }

    #[test]
    fn a_malformed_line_is_named_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.jsonl");
        std::fs::write(&path, "{\"locale\":\"en\",\"source\":\"a\",\"target\":\"b\",\"prompt\":1,\"model\":\"m\",\"date\":\"d\"}\n{oops\n").unwrap();
        let mut m = Memory::load(&path).unwrap();
        let err = m.count().unwrap_err().to_string();
        assert!(
            err.contains("memory.jsonl:2: not a translation-memory entry"),
            "{err}"
        );
        m.insert(entry("c", "d"));
        let err = m.compact().unwrap_err().to_string();
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
        assert_eq!(
            m.approved(Lang::En, "源").unwrap().unwrap().target,
            "approved"
        );
        assert_eq!(m.any(Lang::En, "源").unwrap().unwrap().target, "approved");
        assert_eq!(
            m.get(&Key::new(Lang::En, "源", &[], 1))
                .unwrap()
                .unwrap()
                .target,
            "model"
        );
        assert!(m.has_locale(Lang::En).unwrap());
        assert!(!m.has_locale(Lang::Ja).unwrap());
        // A model's answer with the same key does not replace a person's translation.
        let mut again = entry("源", "model again");
        again.glossary = "g".into();
        m.insert(again);
        assert_eq!(
            m.approved(Lang::En, "源").unwrap().unwrap().target,
            "approved"
        );
    }

    /// A journal whose last whole line lacks its newline (edited by hand) keeps that entry
    /// when the next run appends.
    #[test]
    fn a_journal_line_without_its_newline_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let line = serde_json::to_string(&entry("旧的", "old")).unwrap();
        std::fs::write(journal_path(&path), &line).unwrap();
        let mut memory = Memory::load(&path).unwrap();
        memory.insert(entry("新的", "new"));
        memory.save().unwrap();
        let memory = Memory::load(&path).unwrap();
        assert_eq!(memory.any(Lang::En, "旧的").unwrap().unwrap().target, "old");
        assert_eq!(memory.any(Lang::En, "新的").unwrap().unwrap().target, "new");
    }

    /// Two lines with one key (a hand-resolved merge): a lookup finds what compaction keeps.
    #[test]
    fn a_duplicate_key_is_looked_up_as_compaction_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let first = serde_json::to_string(&entry("同一句", "first")).unwrap();
        let second = serde_json::to_string(&entry("同一句", "second")).unwrap();
        std::fs::write(&path, format!("{first}\n{second}\n")).unwrap();
        let looked_up = Memory::load(&path)
            .unwrap()
            .any(Lang::En, "同一句")
            .unwrap()
            .unwrap()
            .target
            .clone();
        let mut memory = Memory::load(&path).unwrap();
        memory.insert(entry("别的", "other"));
        memory.compact().unwrap();
        let kept = Memory::load(&path)
            .unwrap()
            .any(Lang::En, "同一句")
            .unwrap()
            .unwrap()
            .target
            .clone();
        assert_eq!(looked_up, "second");
        assert_eq!(kept, looked_up);
    }

    /// A byte-order mark an editor put at the start of the memory is no part of its first
    /// entry.
    #[test]
    fn a_byte_order_mark_is_read_past() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let line = serde_json::to_string(&entry("第一句", "first")).unwrap();
        std::fs::write(&path, format!("\u{feff}{line}\n")).unwrap();
        let memory = Memory::load(&path).unwrap();
        assert_eq!(
            memory.any(Lang::En, "第一句").unwrap().unwrap().target,
            "first"
        );
        let mut memory = memory;
        memory.insert(entry("第二句", "second"));
        memory.compact().unwrap();
        assert!(!std::fs::read_to_string(&path)
            .unwrap()
            .starts_with('\u{feff}'));
    }
}
