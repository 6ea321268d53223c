//! Translations a person reviewed, brought into the memory (`editions memory import`): each
//! validated against its segment as a model's answer is, then kept as approved. All or
//! nothing: one that does not validate, or names no segment, keeps every one out.

use std::collections::{BTreeMap, HashSet};

use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::segment::Document;
use crate::memory::{Author, Entry, Memory, Origin};
use crate::model::prompt::PROMPT_VERSION;
use crate::model::validate::validate;

/// Why a translation was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// It does not validate against its segment.
    Invalid {
        id: String,
        line: usize,
        why: String,
    },
    /// No segment of the original has its id.
    NoSuchSegment { id: String },
}

/// Validates `translations` (segment id → tagged text) of `doc` into `target`, and when every
/// one passes, inserts each as an approved entry dated `date` into `memory` (not yet saved);
/// returns how many. Otherwise inserts nothing and returns every refusal, in document order,
/// unknown ids last.
pub fn import(
    doc: &Document<'_>,
    translations: &BTreeMap<String, String>,
    target: Lang,
    glossary: &Glossary,
    memory: &mut Memory,
    date: &str,
) -> Result<usize, Vec<Refused>> {
    let mut refused = Vec::new();
    let mut entries = Vec::new();
    for seg in doc.segments() {
        let Some(t) = translations.get(&seg.id) else {
            continue;
        };
        match validate(seg, t, doc.options.source, target, glossary) {
            Ok(()) => entries.push(Entry {
                locale: target.code().to_string(),
                source: seg.tagged.clone(),
                target: t.clone(),
                glossary: String::new(),
                prompt: PROMPT_VERSION,
                model: Author::Imported,
                date: date.to_string(),
                origin: Origin::Approved,
                rating: None,
                note: None,
                asked: Vec::new(),
            }),
            Err(why) => refused.push(Refused::Invalid {
                id: seg.id.clone(),
                line: seg.line,
                why: why.to_string(),
            }),
        }
    }
    let ids: HashSet<&str> = doc.segments().map(|s| s.id.as_str()).collect();
    for id in translations.keys() {
        if !ids.contains(id.as_str()) {
            refused.push(Refused::NoSuchSegment { id: id.clone() });
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    let imported = entries.len();
    for entry in entries {
        memory.insert(entry);
    }
    Ok(imported)
}
