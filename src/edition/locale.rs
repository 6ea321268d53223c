//! Fluent locales: the fixed parts of an edition, written by people, never by the model.
//!
//! `locales/{locale}/*.ftl` hold the messages of one locale (the intro, the section headings,
//! the subscription list…). Messages are Markdown with variables (`{ $number }`, `{ $date }`,
//! `{ $url }`, `{ $title }`). Unicode isolation marks are turned off: they would land in the
//! Markdown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

use crate::message::{tr, tr_hint};

/// A locale's messages.
pub struct Locale {
    pub code: String,
    bundle: FluentBundle<FluentResource>,
    /// Which file defines each message, for error messages.
    origins: BTreeMap<String, PathBuf>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale")
            .field("code", &self.code)
            .field("messages", &self.origins.keys())
            .finish()
    }
}

/// A locale that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocaleError {
    #[error("{}", tr_hint("locale-syntax", &[("path", &.path.display()), ("line", .line), ("message", .message)]))]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}", tr("locale-cannot-read", &[("path", &.path.display()), ("message", .message)]))]
    Read { path: PathBuf, message: String },
    #[error("{}", tr_hint("locale-duplicate", &[("path", &.path.display()), ("line", .line), ("id", .id), ("first", &.first.display()), ("first-line", .first_line)]))]
    Duplicate {
        path: PathBuf,
        line: usize,
        id: String,
        first: PathBuf,
        first_line: usize,
    },
    #[error("{}", tr_hint("locale-missing", &[("locale", .locale), ("id", .id), ("dir", &.dir.display())]))]
    Missing {
        locale: String,
        id: String,
        dir: PathBuf,
    },
    #[error("{}", tr("locale-format", &[("path", &.path.display()), ("id", .id), ("message", .message)]))]
    Format {
        path: PathBuf,
        id: String,
        message: String,
    },
}

impl Locale {
    /// Loads every `.ftl` file of `dir/code`, in name order; a missing folder is a locale
    /// without messages.
    pub fn load(dir: &Path, code: &str) -> Result<Self, LocaleError> {
        let folder = dir.join(code);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&folder) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
                .collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        let mut sources = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| LocaleError::Read {
                path: path.clone(),
                message: e.to_string(),
            })?;
            // A byte-order mark is no part of the messages.
            let text = text
                .strip_prefix('\u{feff}')
                .map_or(text.clone(), str::to_string);
            sources.push((path, text));
        }
        Self::from_sources(code, &sources)
    }

    /// Builds a locale from `(path, text)` pairs.
    pub fn from_sources(code: &str, sources: &[(PathBuf, String)]) -> Result<Self, LocaleError> {
        let lang = code
            .parse()
            .unwrap_or_else(|_| "en".parse().expect("a valid language id"));
        let mut bundle = FluentBundle::new(vec![lang]);
        bundle.set_use_isolating(false);
        let mut origins = BTreeMap::new();
        // Where each message is defined: a second definition would silently win.
        let mut defined: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
        for (path, text) in sources {
            for (k, line) in text.lines().enumerate() {
                let Some((id, _)) = line.split_once('=') else {
                    continue;
                };
                let id = id.trim_end();
                let is_id = !id.is_empty()
                    && !line.starts_with([' ', '\t', '#', '.', '-', '*', '['])
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !is_id {
                    continue;
                }
                if let Some((first, first_line)) = defined.get(id) {
                    return Err(LocaleError::Duplicate {
                        path: path.clone(),
                        line: k + 1,
                        id: id.to_string(),
                        first: first.clone(),
                        first_line: *first_line,
                    });
                }
                defined.insert(id.to_string(), (path.clone(), k + 1));
            }
            let resource = FluentResource::try_new(text.clone()).map_err(|(_, errors)| {
                let first = &errors[0];
                LocaleError::Syntax {
                    path: path.clone(),
                    line: 1 + text[..first.pos.start.min(text.len())]
                        .matches('\n')
                        .count(),
                    message: format!("{}", first.kind),
                }
            })?;
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    origins.insert(m.id.name.to_string(), path.clone());
                }
            }
            bundle.add_resource_overriding(resource);
        }
        Ok(Locale {
            code: code.to_string(),
            bundle,
            origins,
        })
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Formats message `id` with `vars`.
    pub fn format(
        &self,
        id: &str,
        vars: &BTreeMap<String, String>,
        dir: &Path,
    ) -> Result<String, LocaleError> {
        let message = self
            .bundle
            .get_message(id)
            .ok_or_else(|| LocaleError::Missing {
                locale: self.code.clone(),
                id: id.to_string(),
                dir: dir.join(&self.code),
            })?;
        let pattern = message.value().ok_or_else(|| LocaleError::Missing {
            locale: self.code.clone(),
            id: id.to_string(),
            dir: dir.join(&self.code),
        })?;
        let mut args = FluentArgs::new();
        for (k, v) in vars {
            args.set(k.as_str(), v.as_str());
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned();
        if let Some(e) = errors.first() {
            return Err(LocaleError::Format {
                path: self.origins.get(id).cloned().unwrap_or_default(),
                id: id.to_string(),
                message: e.to_string(),
            });
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_multi_paragraph_markdown_without_isolation_marks() {
        let ftl =
            "intro =\n    Read the [original]({ $url }).\n\n    - one\n    - two\n".to_string();
        let l = Locale::from_sources("en", &[(PathBuf::from("en/newsletter.ftl"), ftl)]).unwrap();
        let vars = BTreeMap::from([("url".to_string(), "https://x.y/1".to_string())]);
        assert_eq!(
            l.format("intro", &vars, Path::new("locales")).unwrap(),
            "Read the [original](https://x.y/1).\n\n- one\n- two"
        );
    }

    #[test]
    fn a_syntax_error_names_file_and_line() {
        let ftl = "ok = fine\n\nbroken =\n= oops\n".to_string();
        let err =
            Locale::from_sources("en", &[(PathBuf::from("locales/en/x.ftl"), ftl)]).unwrap_err();
        assert!(err.to_string().starts_with("locales/en/x.ftl:3: "), "{err}");
    }

    #[test]
    fn a_missing_message_says_where_to_add_it() {
        let l = Locale::from_sources("en", &[]).unwrap();
        assert_eq!(
            l.format("intro", &BTreeMap::new(), Path::new("locales")).unwrap_err().to_string(),
            "the locale `en` has no message `intro`\n  hint: add `intro = …` to a file in locales/en"
        );
    }
}
