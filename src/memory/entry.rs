//! One translation of the memory ([`Entry`]), what it is looked up by ([`Key`]), who wrote it
//! ([`Author`]) and how far it is trusted ([`Origin`]).

use std::fmt;

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
    /// Written or reviewed by a person (a hand edit, an import, an adopted edition): never
    /// replaced by a model's answer.
    Approved,
    /// A person's text that editions could not vouch for (a published paragraph `adopt` did
    /// not take): kept with the source it was aligned with and the reason, shown by `review`,
    /// never placed in an edition by itself.
    Candidate,
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
    /// Who wrote it.
    pub model: Author,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "is_model")]
    pub origin: Origin,
    /// The quality pass's rating of this translation (`translate --qa`), when it was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Why a candidate was not taken, or a note on an approved entry (a glossary term it
    /// renders otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Findings of the edition's check (`numbers/missing: `1400 万``) this translation was
    /// asked again for and still has: it is kept as it is and never asked again for them
    /// (`translate --refresh` asks anew); `check` reports them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<String>,
}

/// How a model rated a translation against its source: each from 1 (bad) to 5 (good), with
/// a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub accuracy: u8,
    /// 5 when nothing of the source is left out.
    pub omission: u8,
    pub terminology: u8,
    pub fluency: u8,
    pub reason: String,
}

impl Rating {
    /// The lowest of the four marks: a translation is as good as its worst side.
    pub fn score(&self) -> u8 {
        self.accuracy
            .min(self.omission)
            .min(self.terminology)
            .min(self.fluency)
    }
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

/// Who wrote a translation. On disk it is the entry's `model` field: a model's name, or one of
/// the words that name a person's text by how editions received it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Author {
    /// A model, by the name it was asked by.
    Model(String),
    /// A person's edit of an edition, kept by `translate` (`hand-edited`).
    HandEdited,
    /// A published edition's text taken over by `adopt` (`adopted`).
    Adopted,
    /// A translation brought in by `memory import` (`import`).
    Imported,
    /// A published text `adopt` kept as a candidate (`published`).
    Published,
}

impl Author {
    /// The word the memory file holds.
    pub fn as_str(&self) -> &str {
        match self {
            Author::Model(name) => name,
            Author::HandEdited => "hand-edited",
            Author::Adopted => "adopted",
            Author::Imported => "import",
            Author::Published => "published",
        }
    }
}

impl From<String> for Author {
    fn from(word: String) -> Self {
        match word.as_str() {
            "hand-edited" => Author::HandEdited,
            "adopted" => Author::Adopted,
            "import" => Author::Imported,
            "published" => Author::Published,
            _ => Author::Model(word),
        }
    }
}

impl From<&str> for Author {
    fn from(word: &str) -> Self {
        Author::from(word.to_string())
    }
}

impl From<Author> for String {
    fn from(author: Author) -> String {
        match author {
            Author::Model(name) => name,
            other => other.as_str().to_string(),
        }
    }
}

impl fmt::Display for Author {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_author_is_the_word_the_file_holds_and_reads_back_as_itself() {
        for (author, word) in [
            (Author::Model("gpt-4o-mini".into()), "\"gpt-4o-mini\""),
            (Author::HandEdited, "\"hand-edited\""),
            (Author::Adopted, "\"adopted\""),
            (Author::Imported, "\"import\""),
            (Author::Published, "\"published\""),
        ] {
            assert_eq!(serde_json::to_string(&author).unwrap(), word);
            assert_eq!(serde_json::from_str::<Author>(word).unwrap(), author);
        }
    }
}
