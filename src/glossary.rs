//! The glossary: hand-edited term files, one per target locale, under `glossary/`.
//!
//! ```toml
//! # glossary/en.toml
//! keep = ["FastAPI", "Pydantic"]   # written as is in every edition
//!
//! [[term]]
//! source = "周刊"
//! target = "Weekly"
//! note = "the newsletter calls itself a weekly"   # optional, shown to the model
//! ```
//!
//! Only the entries whose source term occurs in a batch are sent with it, and each becomes a
//! check: where the source term occurs in a segment, its target term must occur in the
//! translation (case-insensitively); a keep-as-is term must come through unchanged.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::message::{tr, tr_attr};

use crate::lang::Lang;

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub source: String,
    pub target: String,
    /// Guidance for the model, never part of the translation: sent on a line of its own.
    pub note: Option<String>,
    /// Renderings that are wrong: an answer with one of them is asked again, and `check`
    /// reports an edition that has one.
    pub avoid: Vec<String>,
    /// 1-based line of the entry in its file.
    pub line: usize,
}

/// Whether `text` has `term` as a term of its own: case aside, and, where the term begins or
/// ends with a Latin letter or digit, not inside a longer word (`Weekly` is not in
/// `Weeklyish`) but with its plural (`LLMs`, `classes`). Chinese and Japanese have no spaces,
/// so there the term matches anywhere.
pub fn has_term(text: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let (text, term) = (text.to_lowercase(), term.to_lowercase());
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let (first, last) = (term.chars().next(), term.chars().next_back());
    text.match_indices(&term).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + term.len()..];
        let ends = ["es", "s", ""].iter().any(|suffix| {
            rest.strip_prefix(suffix)
                .is_some_and(|r| !word(r.chars().next()))
        });
        !(word(first) && word(before)) && (!word(last) || ends)
    })
}

/// The glossary of one target locale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    /// The file it was read from (`None` when there is none).
    pub path: Option<PathBuf>,
    pub terms: Vec<Term>,
    /// Terms written as is in the target (names of projects and people).
    pub keep: Vec<String>,
}

/// A glossary file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {}\n  {}", .path.display(), .line, .message, tr("hint", &[("hint", .hint)]))]
pub struct GlossaryError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    keep: Vec<String>,
    #[serde(default)]
    term: Vec<toml::Spanned<RawTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    source: String,
    target: String,
    note: Option<String>,
    #[serde(default)]
    avoid: Vec<String>,
}

impl Glossary {
    /// The file holding the glossary of `locale` in `dir`.
    pub fn path_for(dir: &Path, locale: Lang) -> PathBuf {
        dir.join(format!("{}.toml", locale.code()))
    }

    /// Loads the glossary of `locale` from `dir`; a missing file is an empty glossary.
    pub fn load(dir: &Path, locale: Lang) -> Result<Self, GlossaryError> {
        let path = Self::path_for(dir, locale);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Glossary::default()),
            Err(e) => Err(GlossaryError {
                path,
                line: 0,
                message: tr("glossary-cannot-read", &[("error", &e)]),
                hint: tr_attr("glossary-cannot-read", "hint", &[]),
            }),
        }
    }

    /// Parses a glossary file's text (its locale is its file's name: `en.toml`).
    pub fn parse(text: &str, path: &Path) -> Result<Self, GlossaryError> {
        let line_of = |offset: usize| 1 + text[..offset.min(text.len())].matches('\n').count();
        let raw: RawFile = toml::from_str(text).map_err(|e| GlossaryError {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| line_of(s.start)),
            message: e.message().to_string(),
            hint: tr("glossary-format", &[]),
        })?;
        let mut terms: Vec<Term> = Vec::with_capacity(raw.term.len());
        for spanned in raw.term {
            let line = line_of(spanned.span().start);
            let t = spanned.into_inner();
            let error = |id: &str, args: &[(&str, &dyn std::fmt::Display)]| GlossaryError {
                path: path.to_path_buf(),
                line,
                message: tr(id, args),
                hint: tr_attr(id, "hint", args),
            };
            if t.source.trim().is_empty() || t.target.trim().is_empty() {
                return Err(error("glossary-empty-term", &[]));
            }
            // A translation in the original's script would be refused in every answer that
            // used it: said now, before anything is paid for.
            if let Some(left) = crate::lang::untranslated(Lang::Zh, locale_of(path), &t.target) {
                return Err(error(
                    "glossary-target-script",
                    &[("term", &t.source), ("target", &t.target), ("left", &left)],
                ));
            }
            if let Some(other) = terms.iter().find(|o| o.source == t.source) {
                return Err(error(
                    "glossary-duplicate",
                    &[("term", &t.source), ("line", &other.line)],
                ));
            }
            terms.push(Term {
                source: t.source,
                target: t.target,
                note: t.note,
                avoid: t.avoid,
                line,
            });
        }
        // Longer terms first, so that `Python 潮流周刊` wins over `周刊` when both match.
        terms.sort_by(|a, b| {
            b.source
                .chars()
                .count()
                .cmp(&a.source.chars().count())
                .then(a.line.cmp(&b.line))
        });
        Ok(Glossary {
            path: Some(path.to_path_buf()),
            terms,
            keep: raw.keep,
        })
    }

    /// The terms whose source occurs in `text`, without those covered by a longer term.
    pub fn terms_in<'g>(&'g self, text: &str) -> Vec<&'g Term> {
        let mut covered: Vec<std::ops::Range<usize>> = Vec::new();
        let mut found = Vec::new();
        for term in &self.terms {
            let mut any = false;
            for (at, _) in text.match_indices(term.source.as_str()) {
                let range = at..at + term.source.len();
                if !covered
                    .iter()
                    .any(|c| c.start <= range.start && range.end <= c.end)
                {
                    any = true;
                }
                covered.push(range);
            }
            if any {
                found.push(term);
            }
        }
        found.sort_by_key(|t| t.line);
        found
    }

    /// The keep-as-is terms that occur in `text`.
    pub fn keep_in<'g>(&'g self, text: &str) -> Vec<&'g str> {
        self.keep
            .iter()
            .filter(|k| !k.is_empty() && text.contains(k.as_str()))
            .map(String::as_str)
            .collect()
    }
}

/// The locale of a glossary file, by its name (`glossary/ja.toml`); English otherwise.
fn locale_of(path: &Path) -> Lang {
    path.file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse().ok())
        .filter(|l| *l != Lang::Zh)
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = r#"keep = ["FastAPI"]

[[term]]
source = "周刊"
target = "Weekly"

[[term]]
source = "Python 潮流周刊"
target = "Python Trending Weekly"
note = "the newsletter's name"
"#;

    #[test]
    fn finds_the_longest_terms_in_text() {
        let g = Glossary::parse(EN, Path::new("glossary/en.toml")).unwrap();
        let found: Vec<&str> = g
            .terms_in("欢迎阅读 Python 潮流周刊")
            .iter()
            .map(|t| t.target.as_str())
            .collect();
        assert_eq!(found, vec!["Python Trending Weekly"]);
        let both: Vec<usize> = g
            .terms_in("Python 潮流周刊是一份周刊")
            .iter()
            .map(|t| t.line)
            .collect();
        assert_eq!(both, vec![3, 7]);
        assert_eq!(g.keep_in("用 FastAPI 写接口"), vec!["FastAPI"]);
    }

    #[test]
    fn a_term_is_a_word_of_its_own_in_latin_text() {
        assert!(has_term(
            "The Python Trending Weekly, issue 34",
            "python trending weekly"
        ));
        assert!(!has_term("a Weeklyish digest", "Weekly"));
        assert!(!has_term("biweekly", "weekly"));
        assert!(has_term("weekly.", "Weekly"));
        assert!(has_term("Python 潮流周刊第 34 期", "周刊"));
        assert!(has_term("(async)", "async"));
        assert!(!has_term("asyncio", "async"));
        assert!(has_term("two LLMs and classes", "LLM"));
        assert!(has_term("open-source projects", "open-source project"));
        assert!(!has_term("LLMsmith", "LLM"));
    }

    #[test]
    fn a_malformed_entry_names_its_file_and_line() {
        let text = "[[term]]\nsource = \"周刊\"\ntarget = \"Weekly\"\n\n[[term]]\nsource = \"猫\"\ntarge = \"Cat\"\n";
        let err = Glossary::parse(text, Path::new("glossary/en.toml")).unwrap_err();
        assert_eq!(err.path, Path::new("glossary/en.toml"));
        assert_eq!(err.line, 7);
        assert!(
            err.to_string()
                .starts_with("glossary/en.toml:7: unknown field `targe`"),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_term_is_refused() {
        let text = "[[term]]\nsource = \"周刊\"\ntarget = \"Weekly\"\n\n[[term]]\nsource = \"周刊\"\ntarget = \"Newsletter\"\n";
        let err = Glossary::parse(text, Path::new("g.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "g.toml:5: `周刊` is already defined on line 1\n  hint: keep one entry per source term"
        );
    }
}
