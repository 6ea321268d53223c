//! The memory's answers for a run: every segment looked up (an approved translation first),
//! and the entries found but not usable.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::{Document, Segment};
use crate::memory::{Found, Key, Memory, MemoryError, Origin};
use crate::message::tr;
use crate::model::prompt::PROMPT_VERSION;
use crate::model::validate::validate;

use super::Settings;

/// The memory key of a segment.
pub fn memory_key(segment: &Segment, glossary: &Glossary, target: Lang) -> Key {
    let terms = glossary.terms_in(&segment.plain_text());
    Key::new(target, &segment.tagged, &terms, PROMPT_VERSION)
}

/// A memory entry that was found for a segment but not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry {
    pub id: String,
    /// Line of the segment in the original.
    pub line: usize,
    /// Line of the entry in the memory file, as read at the start of the run.
    pub memory_line: Option<usize>,
    pub why: String,
}

pub(crate) struct Lookup<'d> {
    pub(crate) translations: BTreeMap<String, String>,
    /// Segments whose translation is a person's (an approved entry).
    pub(crate) approved: HashSet<String>,
    /// Entries found and not used: the segment is asked again.
    pub(crate) bad: Vec<BadEntry>,
    pub(crate) hits: usize,
    /// Distinct sources to translate, first occurrence of each, in document order.
    pub(crate) pending: Vec<&'d Segment<'d>>,
    /// Ids sharing each pending source.
    pub(crate) same_source: HashMap<&'d str, Vec<&'d str>>,
}

/// `tagged` without the item number it begins with (`1、`, `1. `, `1, `, `1) `, `No. 1 `,
/// `#1 `, `①`…): a translation of an older segment, whose source held the number, or a model's
/// answer that put one before an item the locale numbers. Text that is only a number is kept.
pub(crate) fn without_item_number(tagged: &str) -> &str {
    let trimmed = tagged.trim_start();
    let mut rest = trimmed;
    for prefix in ["No.", "No", "#"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            if r.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                rest = r.trim_start();
                break;
            }
        }
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = if (1..=3).contains(&digits) {
        let r = &rest[digits..];
        ["、", "\\. ", ", ", ") ", ". ", ".", ": ", " - ", " "]
            .iter()
            .find_map(|m| r.strip_prefix(m))
    } else {
        rest.chars()
            .next()
            .filter(|c| ('\u{2460}'..='\u{2473}').contains(c))
            .map(|c| &rest[c.len_utf8()..])
    };
    match after {
        Some(r) if !r.trim().is_empty() => r.trim_start(),
        _ => tagged,
    }
}

/// Whether a memory entry can still be used for `seg`: the same tags (any entry), and for a
/// model's entry everything a model's answer is checked for.
pub(crate) fn usable(
    entry: &Found,
    seg: &Segment<'_>,
    settings: &Settings,
    glossary: &Glossary,
) -> Result<(), String> {
    if settings.distrust.get(&seg.id) == Some(&entry.target) {
        return Err(match settings.reasons.get(&seg.id) {
            Some(reason) => reason.clone(),
            None => tr("lifecycle-not-placeable", &[]),
        });
    }
    if entry.origin == Origin::Approved {
        return crate::markdown::splice::fits(seg, &entry.target);
    }
    validate(
        seg,
        &entry.target,
        settings.source,
        settings.target,
        glossary,
    )
    .map_err(|r| r.to_string())
}

pub(crate) fn look_up<'d>(
    doc: &'d Document<'_>,
    glossary: &Glossary,
    memory: &Memory,
    settings: &Settings,
) -> Result<Lookup<'d>, MemoryError> {
    let target = settings.target;
    let mut translations = BTreeMap::new();
    let mut bad = Vec::new();
    let mut approved = HashSet::new();
    let mut hits = 0;
    let mut pending = Vec::new();
    let mut same_source: HashMap<&str, Vec<&str>> = HashMap::new();
    for seg in doc.segments().filter(|s| !settings.skip.contains(&s.id)) {
        // An approved translation first, then the model's for this glossary and prompt; an
        // entry that no longer fits its segment is reported and passed over.
        let mut variants = memory.variants(target.code(), &seg.tagged)?;
        if let (true, Some(number)) = (variants.is_empty(), seg.item_number(doc.text)) {
            // Translated before item numbers were kept out of segments: the entry's source and
            // translation begin with the number.
            variants = memory
                .variants(target.code(), &format!("{number}{}", seg.tagged))?
                .into_iter()
                .map(|mut f| {
                    f.entry.target = without_item_number(&f.entry.target).to_string();
                    f
                })
                .collect();
        }
        let key = memory_key(seg, glossary, target);
        let candidates = [
            variants
                .iter()
                .filter(|e| e.origin == Origin::Approved)
                .max_by(|a, b| a.date.cmp(&b.date)),
            variants
                .iter()
                .filter(|e| !settings.refresh && e.origin != Origin::Candidate)
                .find(|e| e.glossary == key.glossary && e.prompt == key.prompt),
        ];
        let mut found = None;
        for entry in candidates.into_iter().flatten() {
            match usable(entry, seg, settings, glossary) {
                Ok(()) => {
                    found = Some(entry);
                    break;
                }
                Err(why) => bad.push(BadEntry {
                    id: seg.id.clone(),
                    line: seg.line,
                    memory_line: memory.line(entry.place),
                    why,
                }),
            }
        }
        if let Some(entry) = found {
            if entry.origin == Origin::Approved {
                approved.insert(seg.id.clone());
            }
            translations.insert(seg.id.clone(), entry.target.to_string());
            hits += 1;
            continue;
        }
        let ids = same_source.entry(seg.tagged.as_str()).or_default();
        if ids.is_empty() {
            pending.push(seg);
        }
        ids.push(seg.id.as_str());
    }
    bad.dedup();
    Ok(Lookup {
        translations,
        approved,
        bad,
        hits,
        pending,
        same_source,
    })
}
