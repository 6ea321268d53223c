//! The example index: which approved entries of the memory are like a batch, found without
//! reading the memory.
//!
//! Requests carry a few approved translations as examples, chosen by likeness: the share of an
//! entry's character pairs (adjacent letters, see [`pairs`]) that the batch has. Scanning every
//! approved entry for every run costs as much as the memory is large, so the pairs are indexed
//! in a file beside the memory (`{name}.examples`), written whenever the memory is compacted
//! (and when it is found missing or older than the memory):
//!
//! - an inverted index from (locale, pair) to the approved entries that have it, each by its
//!   byte offset in the sorted memory file and its number of indexed pairs;
//! - a pair found in more than [`PAIR_CAP`] entries says little about likeness and is a *stop
//!   pair*: recorded as such, with no list, and left out of every entry's pairs. So a lookup
//!   reads at most [`PAIR_CAP`] postings per pair of the batch, however large the memory, and
//!   in a memory smaller than that every pair counts, as in a plain scan;
//! - a hash table of buckets in front, read one bucket at a time: a run reads only the buckets
//!   of its batches' pairs and the entries that qualify.
//!
//! The index records the size and modification time of the memory file it was built from; an
//! index that does not match is not used. Entries still in the journal are few and are scored
//! directly.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use super::{Entry, Origin, Sorted};

/// A pair found in more approved entries of a locale than this is a stop pair.
pub const PAIR_CAP: usize = 64;

const MAGIC: &[u8; 16] = b"editions-ex-1\n\0\0";
const HEADER: usize = 16 + 8 + 8 + 4 + 4;
/// An index up to this size is read whole when opened.
const SMALL: u64 = 1 << 20;
/// A stop pair's count in its record.
const STOP: u32 = u32::MAX;

/// The pairs of adjacent characters of `text` that are letters or digits (tags and spaces
/// aside), lowercased: the measure of likeness examples are chosen by.
pub fn pairs(text: &str) -> HashSet<(char, char)> {
    let plain: Vec<char> = crate::markdown::tag::plain(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    plain.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The index file of the memory at `memory`.
pub fn index_path(memory: &Path) -> PathBuf {
    let mut name = memory.file_name().unwrap_or_default().to_os_string();
    name.push(".examples");
    memory.with_file_name(name)
}

/// Size and modification time (seconds, nanoseconds) of the memory file.
type Stamp = (u64, u64, u32);

fn stamp_of(file: &File) -> std::io::Result<Stamp> {
    let m = file.metadata()?;
    let modified = m
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Ok((m.len(), modified.as_secs(), modified.subsec_nanos()))
}

fn key(locale: &str, pair: (char, char)) -> Vec<u8> {
    let mut k = Vec::with_capacity(locale.len() + 9);
    k.extend_from_slice(locale.as_bytes());
    k.push(0);
    let mut buf = [0u8; 4];
    k.extend_from_slice(pair.0.encode_utf8(&mut buf).as_bytes());
    k.extend_from_slice(pair.1.encode_utf8(&mut buf).as_bytes());
    k
}

/// FNV-1a: stable across builds and platforms, as a file's hash must be.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What the index needs of a line of the memory.
#[derive(Deserialize)]
struct Light<'a> {
    #[serde(borrow)]
    locale: Cow<'a, str>,
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(default)]
    origin: Origin,
}

/// The approved entries of the sorted file, each as (offset, locale, pairs), one line at a
/// time.
fn for_each_approved(
    file: &File,
    mut each: impl FnMut(u64, &str, HashSet<(char, char)>),
) -> std::io::Result<()> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    std::io::Seek::seek(&mut reader, std::io::SeekFrom::Start(0))?;
    let mut line = Vec::new();
    let mut offset = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        // A line that does not read is the memory's to report, not the index's.
        if let Ok(l) = serde_json::from_slice::<Light<'_>>(&line) {
            if l.origin == Origin::Approved {
                each(offset, &l.locale, pairs(&l.source));
            }
        }
        offset += n as u64;
    }
}

/// Builds the index of the sorted memory file `file` (two streaming passes) as bytes.
pub(super) fn build(file: &File) -> std::io::Result<Vec<u8>> {
    let stamp = stamp_of(file)?;
    // Pass 1: the postings of each (locale, pair), a stop pair's dropped past the cap.
    let mut postings: HashMap<Vec<u8>, Option<Vec<u64>>> = HashMap::new();
    for_each_approved(file, |offset, locale, pairs| {
        for p in pairs {
            let list = postings
                .entry(key(locale, p))
                .or_insert_with(|| Some(Vec::new()));
            if let Some(l) = list {
                l.push(offset);
                if l.len() > PAIR_CAP {
                    *list = None;
                }
            }
        }
    })?;
    // Pass 2: each entry's number of pairs that are not stop pairs.
    let mut counted: HashMap<u64, u16> = HashMap::new();
    for_each_approved(file, |offset, locale, pairs| {
        let n = pairs
            .into_iter()
            .filter(|p| matches!(postings.get(&key(locale, *p)), Some(Some(_))))
            .count();
        counted.insert(offset, n.min(u16::MAX as usize) as u16);
    })?;
    let buckets = postings.len().next_power_of_two().clamp(1024, 1 << 16);
    // A pair's key and its postings (`None`: a stop pair).
    type Record<'a> = (&'a Vec<u8>, &'a Option<Vec<u64>>);
    let mut by_bucket: Vec<Vec<Record<'_>>> = vec![Vec::new(); buckets];
    for (k, list) in &postings {
        by_bucket[(hash(k) % buckets as u64) as usize].push((k, list));
    }
    let mut out = Vec::with_capacity(HEADER + buckets * 12);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&stamp.0.to_le_bytes());
    out.extend_from_slice(&stamp.1.to_le_bytes());
    out.extend_from_slice(&stamp.2.to_le_bytes());
    out.extend_from_slice(&(buckets as u32).to_le_bytes());
    let table_at = out.len();
    out.resize(table_at + buckets * 12, 0);
    for (b, records) in by_bucket.iter_mut().enumerate() {
        records.sort();
        let start = out.len() as u64;
        for (k, list) in records.iter() {
            out.extend_from_slice(&(k.len() as u16).to_le_bytes());
            out.extend_from_slice(k);
            match list {
                None => out.extend_from_slice(&STOP.to_le_bytes()),
                Some(list) => {
                    out.extend_from_slice(&(list.len() as u32).to_le_bytes());
                    for offset in list {
                        out.extend_from_slice(&offset.to_le_bytes());
                        out.extend_from_slice(&counted[offset].to_le_bytes());
                    }
                }
            }
        }
        let len = out.len() as u64 - start;
        let slot = table_at + b * 12;
        out[slot..slot + 8].copy_from_slice(&start.to_le_bytes());
        out[slot + 8..slot + 12].copy_from_slice(&(len as u32).to_le_bytes());
    }
    Ok(out)
}

/// Writes the index of the sorted memory file at `memory` (opened as `file`), atomically.
pub(super) fn write(memory: &Path, file: &File) -> std::io::Result<()> {
    let bytes = build(file)?;
    let path = index_path(memory);
    crate::file::clean_up(&path);
    crate::file::stage_with(&path, |w| w.write_all(&bytes))
        .and_then(|s| s.commit())
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Where the index's bytes are.
enum Bytes {
    File(File),
    Memory(Vec<u8>),
}

impl Bytes {
    fn read(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        match self {
            Bytes::File(f) => {
                let bytes = super::read_at(f, at, len)?;
                if bytes.len() < len {
                    return Err(std::io::Error::other("the example index is cut short"));
                }
                Ok(bytes)
            }
            Bytes::Memory(b) => b
                .get(at as usize..at as usize + len)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("the example index is cut short")),
        }
    }
}

/// A posting: an entry's offset in the sorted file and its number of indexed pairs.
type Posting = (u64, u16);

/// What a pair is in the index.
#[derive(Debug, Clone)]
enum Indexed {
    Absent,
    Stop,
    In(Vec<Posting>),
}

/// The index opened for one locale, with what the run has read of it.
struct Opened {
    bytes: Bytes,
    buckets: u64,
    /// The buckets read, each as its records: key → what it is.
    read: Mutex<HashMap<u64, HashMap<Vec<u8>, Indexed>>>,
}

impl Opened {
    fn parse(bytes: Bytes, stamp: Stamp) -> std::io::Result<Option<Self>> {
        let header = match bytes.read(0, HEADER) {
            Ok(h) => h,
            Err(_) => return Ok(None),
        };
        let u64_at = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap());
        let u32_at = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().unwrap());
        if &header[..16] != MAGIC || (u64_at(16), u64_at(24), u32_at(32)) != stamp {
            return Ok(None);
        }
        Ok(Some(Opened {
            bytes,
            buckets: u64::from(u32_at(36)).max(1),
            read: Mutex::new(HashMap::new()),
        }))
    }

    fn bucket(&self, b: u64) -> std::io::Result<HashMap<Vec<u8>, Indexed>> {
        let slot = self.bytes.read(HEADER as u64 + b * 12, 12)?;
        let start = u64::from_le_bytes(slot[..8].try_into().unwrap());
        let len = u32::from_le_bytes(slot[8..].try_into().unwrap()) as usize;
        let data = if len == 0 {
            Vec::new()
        } else {
            self.bytes.read(start, len)?
        };
        let cut = || std::io::Error::other("the example index is malformed");
        let mut records = HashMap::new();
        let mut at = 0;
        while at < data.len() {
            let klen = u16::from_le_bytes(data.get(at..at + 2).ok_or_else(cut)?.try_into().unwrap())
                as usize;
            at += 2;
            let k = data.get(at..at + klen).ok_or_else(cut)?.to_vec();
            at += klen;
            let n = u32::from_le_bytes(data.get(at..at + 4).ok_or_else(cut)?.try_into().unwrap());
            at += 4;
            if n == STOP {
                records.insert(k, Indexed::Stop);
                continue;
            }
            let mut list = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let p = data.get(at..at + 10).ok_or_else(cut)?;
                list.push((
                    u64::from_le_bytes(p[..8].try_into().unwrap()),
                    u16::from_le_bytes(p[8..].try_into().unwrap()),
                ));
                at += 10;
            }
            records.insert(k, Indexed::In(list));
        }
        Ok(records)
    }

    fn get(&self, locale: &str, pair: (char, char)) -> std::io::Result<Indexed> {
        let k = key(locale, pair);
        let b = hash(&k) % self.buckets;
        if let Some(records) = self.read.lock().expect("index cache").get(&b) {
            return Ok(records.get(&k).cloned().unwrap_or(Indexed::Absent));
        }
        let records = self.bucket(b)?;
        let found = records.get(&k).cloned().unwrap_or(Indexed::Absent);
        self.read.lock().expect("index cache").insert(b, records);
        Ok(found)
    }
}

/// The approved entries of one locale, ready to be asked which are like a batch.
pub struct Examples {
    locale: String,
    sorted: Option<Sorted>,
    index: Option<Opened>,
    /// Approved entries of the journal in this locale, with their pairs.
    journal: Vec<(Entry, HashSet<(char, char)>)>,
    /// Entries read from the sorted file, by offset.
    entries: Mutex<HashMap<u64, Option<(String, String)>>>,
}

/// An example: an approved entry's source and translation, and its likeness to the batch in
/// thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub source: String,
    pub target: String,
    pub score: usize,
}

impl Examples {
    /// None to give.
    pub fn none() -> Self {
        Examples {
            locale: String::new(),
            sorted: None,
            index: None,
            journal: Vec::new(),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Opens the index of `memory` for `locale`; builds it (and writes it, if it can) when it
    /// is missing or does not match the memory file.
    pub(super) fn open(memory: &super::Memory, locale: &str) -> std::io::Result<Self> {
        let journal = memory
            .journal
            .values()
            .filter(|e| e.origin == Origin::Approved && e.locale == locale)
            .map(|e| (e.clone(), pairs(&e.source)))
            .collect();
        let index = match &memory.sorted {
            None => None,
            Some(sorted) => {
                let stamp = stamp_of(&sorted.file)?;
                let on_disk = match File::open(index_path(&memory.path)) {
                    // A small index is read at once; a large one a bucket at a time.
                    Ok(f) => match f.metadata() {
                        Ok(m) if m.len() <= SMALL => {
                            let mut bytes = Vec::with_capacity(m.len() as usize);
                            std::io::Read::read_to_end(&mut &f, &mut bytes)?;
                            Opened::parse(Bytes::Memory(bytes), stamp)?
                        }
                        _ => Opened::parse(Bytes::File(f), stamp)?,
                    },
                    Err(_) => None,
                };
                match on_disk {
                    Some(opened) => Some(opened),
                    None => {
                        let bytes = build(&sorted.file)?;
                        // A cache: written for the next run when it can be, under the memory's
                        // lock (a compaction writes it too); used from memory otherwise.
                        if let Ok(_lock) = crate::file::Locked::exclusive(&memory.path) {
                            let path = index_path(&memory.path);
                            crate::file::clean_up(&path);
                            if let Ok(staged) =
                                crate::file::stage_with(&path, |w| w.write_all(&bytes))
                            {
                                let _ = staged.commit();
                            }
                        }
                        Opened::parse(Bytes::Memory(bytes), stamp)?
                    }
                }
            }
        };
        Ok(Examples {
            locale: locale.to_string(),
            sorted: memory.sorted.clone(),
            index,
            journal,
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// The entry of the sorted file at `offset`: (source, target).
    fn entry_at(&self, offset: u64) -> std::io::Result<Option<(String, String)>> {
        if let Some(e) = self.entries.lock().expect("entry cache").get(&offset) {
            return Ok(e.clone());
        }
        let Some(sorted) = &self.sorted else {
            return Ok(None);
        };
        let line = sorted.line_from(offset)?;
        let entry = serde_json::from_slice::<Entry>(&line)
            .ok()
            .filter(|e| e.origin == Origin::Approved && e.locale == self.locale)
            .map(|e| (e.source, e.target));
        self.entries
            .lock()
            .expect("entry cache")
            .insert(offset, entry.clone());
        Ok(entry)
    }

    /// The approved entries like a batch of `batch` pairs (at least a third of an entry's
    /// indexed pairs are the batch's, and it has two or more), but for the sources in
    /// `exclude`: one per source, the most alike first, ties by source.
    pub fn like(
        &self,
        batch: &HashSet<(char, char)>,
        exclude: &HashSet<&str>,
    ) -> std::io::Result<Vec<Example>> {
        let mut found: Vec<Example> = Vec::new();
        let mut stop: HashSet<(char, char)> = HashSet::new();
        if let Some(index) = &self.index {
            let mut matched: HashMap<u64, (usize, u16)> = HashMap::new();
            for &p in batch {
                match index.get(&self.locale, p)? {
                    Indexed::In(list) => {
                        for (offset, n) in list {
                            matched.entry(offset).or_insert((0, n)).0 += 1;
                        }
                    }
                    Indexed::Stop => {
                        stop.insert(p);
                    }
                    Indexed::Absent => {}
                }
            }
            for (offset, (m, n)) in matched {
                let n = usize::from(n);
                if n < 2 || m * 1000 / n < 333 {
                    continue;
                }
                if let Some((source, target)) = self.entry_at(offset)? {
                    found.push(Example {
                        source,
                        target,
                        score: m * 1000 / n,
                    });
                }
            }
        }
        for (e, pairs) in &self.journal {
            // Scored as the index scores: without the pairs it holds to be stop pairs.
            let mut counted = 0;
            let mut m = 0;
            for p in pairs {
                let is_stop = match &self.index {
                    Some(index) => matches!(index.get(&self.locale, *p)?, Indexed::Stop),
                    None => false,
                };
                if !is_stop {
                    counted += 1;
                    m += usize::from(batch.contains(p));
                }
            }
            if counted >= 2 && m * 1000 / counted >= 333 {
                found.push(Example {
                    source: e.source.clone(),
                    target: e.target.clone(),
                    score: m * 1000 / counted,
                });
            }
        }
        found.retain(|e| !exclude.contains(e.source.as_str()));
        // One per source: its smallest translation, whichever version holds it.
        found.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
        found.dedup_by(|a, b| a.source == b.source);
        found.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.source.cmp(&b.source)));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::memory::Memory;

    fn entry(source: &str, target: &str, origin: Origin) -> Entry {
        Entry {
            locale: "en".into(),
            source: source.into(),
            target: target.into(),
            glossary: String::new(),
            prompt: 1,
            model: "m".into(),
            date: "2024-01-06".into(),
            origin,
            rating: None,
            note: None,
            asked: Vec::new(),
        }
    }

    /// What a scan of every approved entry finds, all pairs counting (no stop pairs).
    fn scanned(memory: &Memory, batch: &HashSet<(char, char)>) -> Vec<Example> {
        let mut found: Vec<Example> = memory
            .entries()
            .unwrap()
            .into_iter()
            .filter(|e| e.origin == Origin::Approved && e.locale == "en")
            .filter_map(|e| {
                let p = pairs(&e.source);
                let m = p.intersection(batch).count();
                (p.len() >= 2 && m * 1000 / p.len() >= 333).then(|| Example {
                    score: m * 1000 / p.len(),
                    source: e.source,
                    target: e.target,
                })
            })
            .collect();
        found.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.source.cmp(&b.source)));
        found
    }

    const WORDS: [&str; 12] = [
        "异步",
        "任务",
        "组",
        "异常",
        "处理",
        "教程",
        "性能",
        "数据库",
        "类型",
        "检查",
        "发布",
        "测试",
    ];

    /// Below the cap the index finds what a scan finds, in the same order, from the file and
    /// from the journal alike.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let mut memory = Memory::empty(&path);
        for i in 0..40usize {
            let source: String = (0..4).map(|k| WORDS[(i * 7 + k * 5) % 12]).collect();
            let origin = if i % 3 == 0 {
                Origin::Model
            } else {
                Origin::Approved
            };
            memory.insert(entry(&format!("{source}{i}"), &format!("t{i}"), origin));
        }
        memory.compact().unwrap();
        assert!(index_path(&path).is_file(), "written by the compaction");
        // Later entries stay in the journal.
        for i in 40..50usize {
            let source: String = (0..3).map(|k| WORDS[(i + k * 4) % 12]).collect();
            memory.insert(entry(&source, &format!("t{i}"), Origin::Approved));
        }
        memory.save().unwrap();
        let memory = Memory::load(&path).unwrap();
        let examples = memory.examples(Lang::En).unwrap();
        let mut compared = 0;
        for i in 0..12 {
            let text: String = (0..3).map(|k| WORDS[(i + k * 5) % 12]).collect();
            let batch = pairs(&text);
            let found = examples.like(&batch, &HashSet::new()).unwrap();
            assert_eq!(found, scanned(&memory, &batch), "{text}");
            compared += found.len();
        }
        assert!(
            compared > 20,
            "the comparison compared examples: {compared}"
        );
    }

    /// A pair in more entries than the cap stops counting: entries made only of such pairs are
    /// no examples, and the index stays small however many share them.
    #[test]
    fn pairs_past_the_cap_are_stop_pairs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let mut memory = Memory::empty(&path);
        for i in 0..(PAIR_CAP + 10) {
            // Each with a character of its own after the shared words.
            let own = char::from_u32(0x4E00 + 700 + i as u32).unwrap();
            memory.insert(entry(&format!("异步任务组{own}"), "x", Origin::Approved));
        }
        // Below the cap, the same words are found.
        memory.insert(entry("数据库性能", "y", Origin::Approved));
        memory.compact().unwrap();
        let examples = memory.examples(Lang::En).unwrap();
        let found = examples
            .like(&pairs("异步任务组"), &HashSet::new())
            .unwrap();
        assert!(
            found.is_empty(),
            "every pair of the batch is a stop pair: {found:?}"
        );
        let found = examples
            .like(&pairs("数据库性能"), &HashSet::new())
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let size = std::fs::metadata(index_path(&path)).unwrap().len();
        assert!(size < 64 * 1024, "{size}");
    }

    /// An index that does not match the memory file (edited by hand, checked out by git) is
    /// not used: it is built again.
    #[test]
    fn an_out_of_date_index_is_built_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let mut memory = Memory::empty(&path);
        memory.insert(entry("异步任务组", "TaskGroup", Origin::Approved));
        memory.compact().unwrap();
        // Another version of the file, its index left behind.
        let mut other = Memory::empty(&dir.path().join("other.jsonl"));
        other.insert(entry("数据库性能", "database speed", Origin::Approved));
        other.compact().unwrap();
        std::fs::copy(dir.path().join("other.jsonl"), &path).unwrap();
        let memory = Memory::load(&path).unwrap();
        let found = memory
            .examples(Lang::En)
            .unwrap()
            .like(&pairs("数据库性能"), &HashSet::new())
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].target, "database speed");
    }
}
