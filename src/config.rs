//! `editions.toml`: one config struct, layered command line > file > defaults.
//!
//! The library reads it (`Config::load(root)`), so that the binary, the examples and the
//! benchmarks see the same newsletter; the command line lays its flags over it. Every key is
//! optional; the defaults match the newsletter's real layout. An unknown key is an error that
//! names the file and line, so that a typo never silently falls back to a default.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::edition::issue::{Issue, Layout};
use crate::lifecycle::Project;
use crate::markdown::dialect::Dialect;
use crate::model::client::ModelSettings;
use crate::model::run::{Guidance, Price, Settings};
use crate::{Lang, SegmentOptions};
use serde::Deserialize;

use crate::message::{tr as say, tr_attr as attr, tr_hint as hinted};

/// The config file's name.
pub const FILE_NAME: &str = "editions.toml";

/// Everything editions reads from `editions.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where originals are, relative to the root; `{date}` is `YYYY-MM-DD`.
    pub originals: String,
    /// Where editions are written; `{locale}` and `{date}` are filled in.
    pub editions: String,
    /// Other originals `check --all` pairs (season summaries, special issues), relative to the
    /// root, each with one `{date}`; their editions are beside them, in `{locale}/`.
    pub other_originals: Vec<String>,
    /// Language of the originals.
    pub source: String,
    /// Locales translated when `--to` is not given.
    pub targets: Vec<String>,
    /// Folder of the glossary files (`{locale}.toml`).
    pub glossary: String,
    /// Folder of the Fluent locales (`{locale}/*.ftl`).
    pub locales: String,
    /// The translation memory file.
    pub memory: String,
    /// The folder of provenance records: what editions wrote into each edition.
    pub provenance: String,
    /// Front-matter fields whose values are translated.
    pub front_matter_fields: Vec<String>,
    /// The original's address, for the `$url` of locale messages.
    pub original_url: String,
    /// Fixed blocks of the original and what replaces them in each locale.
    pub boilerplate: Vec<crate::edition::rules::Rule>,
    /// URL rewrites made in editions' link destinations.
    pub url_rewrite: Vec<crate::edition::rules::UrlRewrite>,
    pub model: ModelConfig,
    pub check: CheckConfig,
    pub markdown: MarkdownConfig,
}

/// The `[markdown]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// The Markdown the site reads (`commonmark`, `gfm`, `vitepress`, `mkdocs`, `mdbook`);
    /// unset, the one its project shows (`.vitepress/`, `mkdocs.yml`, `book.toml`), else GFM.
    pub dialect: Option<Dialect>,
}

/// The `[check]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Text an edition may keep in the source script (names), besides the glossary's `keep`.
    pub allow: Vec<String>,
    /// A URL found in at least this many originals is boilerplate on both sides (0: off).
    pub common_urls: usize,
}

/// A setting's value and the range it must be in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setting {
    /// Seconds, from `min` to `max`.
    Seconds { value: f64, min: f64, max: f64 },
    /// A count, from `min` to `max`.
    Count {
        value: usize,
        min: usize,
        max: usize,
    },
    /// A price per million tokens: not negative.
    Price(f64),
    /// A number, from `min` to `max`.
    Number { value: f64, min: f64, max: f64 },
}

impl Setting {
    /// Why the value is not usable, or `None`.
    pub fn problem(&self) -> Option<String> {
        let fits = match *self {
            Setting::Seconds { value, min, max } | Setting::Number { value, min, max } => {
                value.is_finite() && (min..=max).contains(&value)
            }
            Setting::Count { value, min, max } => (min..=max).contains(&value),
            Setting::Price(value) => value.is_finite() && value >= 0.0,
        };
        (!fits).then(|| say("config-out-of-range", &[]))
    }

    /// The range, as a person reads it.
    pub fn range(&self) -> String {
        match *self {
            Setting::Seconds { min, max, .. } => {
                say("config-range-seconds", &[("min", &min), ("max", &max)])
            }
            Setting::Count { min, max, .. } => {
                say("config-range-count", &[("min", &min), ("max", &max)])
            }
            Setting::Price(_) => say("config-range-price", &[]),
            Setting::Number { min, max, .. } => {
                say("config-range-number", &[("min", &min), ("max", &max)])
            }
        }
    }

    /// The value as given.
    pub fn shown(&self) -> String {
        match *self {
            Setting::Seconds { value, .. }
            | Setting::Price(value)
            | Setting::Number { value, .. } => value.to_string(),
            Setting::Count { value, .. } => value.to_string(),
        }
    }
}

impl ModelConfig {
    /// Every numeric setting of `[model]`, by key, with its range.
    pub fn values(&self) -> [(&'static str, Setting); 15] {
        let seconds = |value, min, max| Setting::Seconds { value, min, max };
        let count = |value, min, max| Setting::Count { value, min, max };
        [
            ("concurrency", count(self.concurrency, 1, 256)),
            ("timeout", seconds(self.timeout, 0.001, 3600.0)),
            ("max_retries", count(self.max_retries as usize, 0, 20)),
            ("backoff", seconds(self.backoff, 0.0, 60.0)),
            ("batch_chars", count(self.batch_chars, 50, 100_000)),
            ("max_repairs", count(self.max_repairs as usize, 0, 10)),
            ("price_input", Setting::Price(self.price_input)),
            ("price_output", Setting::Price(self.price_output)),
            ("batch_price_input", Setting::Price(self.batch_price_input)),
            (
                "batch_price_output",
                Setting::Price(self.batch_price_output),
            ),
            ("batch_poll", seconds(self.batch_poll, 0.01, 86_400.0)),
            ("batch_gather", seconds(self.batch_gather, 0.0, 600.0)),
            (
                "prompt_share",
                Setting::Number {
                    value: self.prompt_share,
                    min: 0.05,
                    max: 20.0,
                },
            ),
            ("examples_chars", count(self.examples_chars, 0, 20_000)),
            ("qa_threshold", count(self.qa_threshold, 1, 5)),
        ]
    }
}

/// The `[model]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// The model's name on the server.
    pub name: String,
    /// Batches in flight at once.
    pub concurrency: usize,
    /// Seconds allowed for one attempt.
    pub timeout: f64,
    /// Retries of one request after 429, 5xx, resets and timeouts.
    pub max_retries: u32,
    /// Seconds before the first retry; doubled at each retry, at most 8 s.
    pub backoff: f64,
    /// Character budget of one batch's source text.
    pub batch_chars: usize,
    /// How often a rejected segment is asked again.
    pub max_repairs: u32,
    /// Price per million prompt tokens.
    pub price_input: f64,
    /// Price per million completion tokens.
    pub price_output: f64,
    /// Send the run's requests as a job of the provider's Batch API (`--batch-api`).
    pub batch_api: bool,
    /// Prices per million prompt and completion tokens in a batch job.
    pub batch_price_input: f64,
    pub batch_price_output: f64,
    /// Seconds between two polls of a batch job.
    pub batch_poll: f64,
    /// Seconds without a new request before a batch job is sent.
    pub batch_gather: f64,
    /// How requests a job did not answer, or whose answers were rejected, are asked again:
    /// `job` (in a new batch job) or `sync` (one chat request each).
    pub batch_resend: crate::model::batch_job::Resend,
    /// What a request may carry besides its source (instructions, context, style guide,
    /// glossary, examples), as a share of the source's characters.
    pub prompt_share: f64,
    /// At most this many characters of approved examples per request (0: none).
    pub examples_chars: usize,
    /// The quality pass (`--qa`): each new translation rated by the model.
    pub qa: bool,
    /// A translation rated below this (the lowest of its four marks, 1 to 5) is asked again
    /// once.
    pub qa_threshold: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            originals: "docs/{date}-weekly.md".into(),
            editions: "docs/{locale}/{date}-weekly.md".into(),
            other_originals: vec![
                "docs/{date}-sweekly.md".into(),
                "docs/{date}-iweekly.md".into(),
            ],
            source: "zh".into(),
            targets: vec!["en".into()],
            glossary: "glossary".into(),
            locales: "locales".into(),
            memory: "translation-memory.jsonl".into(),
            provenance: "provenance".into(),
            front_matter_fields: vec!["title".into()],
            original_url: "https://pythoncat.top/posts/{date}-weekly".into(),
            boilerplate: Vec::new(),
            url_rewrite: Vec::new(),
            model: ModelConfig::default(),
            check: CheckConfig::default(),
            markdown: MarkdownConfig::default(),
        }
    }
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            name: "gpt-4o-mini".into(),
            concurrency: 8,
            timeout: 120.0,
            max_retries: 4,
            backoff: 0.5,
            batch_chars: 1500,
            max_repairs: 2,
            price_input: 0.15,
            price_output: 0.60,
            batch_api: false,
            batch_price_input: 0.075,
            batch_price_output: 0.30,
            batch_poll: 30.0,
            batch_gather: 0.5,
            batch_resend: crate::model::batch_job::Resend::Job,
            // The library's defaults, stated once.
            prompt_share: crate::model::run::Guidance::default().prompt_share,
            examples_chars: crate::model::run::Guidance::default().examples_chars,
            qa: false,
            qa_threshold: 3,
        }
    }
}

/// A locale that cannot be translated into.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// A `targets` entry of `editions.toml` that names no language editions knows.
    #[error(transparent)]
    Unknown(#[from] crate::lang::UnknownLang),
    /// `--to` names the originals' language, or a language editions does not know: the
    /// message says which, with the choices and a hint.
    #[error("{0}")]
    Named(String),
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}:{}: {}\n  {}", .path.display(), .line, .message, say("hint", &[("hint", .hint)]))]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
    pub hint: String,
}

impl Config {
    /// Reads `editions.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<(Self, Option<PathBuf>), ConfigError> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Config::default(), None))
            }
            Err(e) => {
                return Err(ConfigError {
                    path,
                    line: 0,
                    message: say("config-cannot-read", &[("error", &e)]),
                    hint: attr("config-cannot-read", "hint", &[]),
                })
            }
        };
        let config = Self::parse(&text, &path)?;
        Ok((config, Some(path)))
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count()
            }),
            message: e.message().trim().to_string(),
            hint: say("config-keys", &[]),
        })?;
        config.source_lang().map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: line_of_key(text, "source"),
            message: e.to_string(),
            hint: say("config-source", &[]),
        })?;
        for t in &config.targets {
            t.parse::<Lang>().map_err(|e| ConfigError {
                path: path.to_path_buf(),
                line: line_of_key(text, "targets"),
                message: e.to_string(),
                hint: say("config-targets", &[]),
            })?;
        }
        // Settings that parse but would break a run: refused before anything is paid for.
        let refuse = |line: usize, id: &str, args: &[(&str, &dyn std::fmt::Display)]| ConfigError {
            path: path.to_path_buf(),
            line,
            message: say(id, args),
            hint: attr(id, "hint", args),
        };
        if config.targets.is_empty() {
            return Err(refuse(
                line_of_key(text, "targets"),
                "config-no-targets",
                &[],
            ));
        }
        for (key, value) in [
            ("memory", &config.memory),
            ("originals", &config.originals),
            ("editions", &config.editions),
            ("provenance", &config.provenance),
        ] {
            if value.trim().is_empty() {
                return Err(refuse(
                    line_of_key(text, key),
                    "config-empty-path",
                    &[("key", &key)],
                ));
            }
        }
        for (key, value) in [
            ("originals", &config.originals),
            ("editions", &config.editions),
        ] {
            if !value.contains("{date}") {
                return Err(refuse(
                    line_of_key(text, key),
                    "config-no-date",
                    &[("key", &key), ("value", value)],
                ));
            }
        }
        for rule in &config.boilerplate {
            for (key, value) in [
                ("starts", &rule.starts),
                ("section", &rule.section),
                ("contains", &rule.contains),
            ] {
                if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                    return Err(refuse(
                        line_of_blank(text, key),
                        "config-blank-pattern",
                        &[("key", &key)],
                    ));
                }
            }
        }
        for (key, value) in config.model.values() {
            if let Some(problem) = value.problem() {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: line_of_key(text, key),
                    message: say(
                        "config-bad-value",
                        &[
                            ("key", &key),
                            ("value", &value.shown()),
                            ("problem", &problem),
                        ],
                    ),
                    hint: say(
                        "config-set-value",
                        &[("key", &key), ("range", &value.range())],
                    ),
                });
            }
        }
        Ok(config)
    }

    pub fn source_lang(&self) -> Result<Lang, crate::lang::UnknownLang> {
        self.source.parse()
    }

    /// The dialect of the files under `root`: the one set, else the one the project shows.
    pub fn dialect(&self, root: &Path) -> Dialect {
        self.markdown
            .dialect
            .or_else(|| Dialect::detect(root).map(|(d, _)| d))
            .unwrap_or_default()
    }

    /// How the newsletter's files under `root` are segmented.
    pub fn segment_options(&self, root: &Path) -> Result<SegmentOptions, crate::lang::UnknownLang> {
        Ok(SegmentOptions {
            source: self.source_lang()?,
            front_matter_fields: self.front_matter_fields.clone(),
            dialect: self.dialect(root),
        })
    }

    /// The locales asked for with `--to`, else the config's `targets`.
    pub fn targets(&self, to: &[String]) -> Result<Vec<Lang>, TargetError> {
        if to.is_empty() {
            Ok(self
                .targets
                .iter()
                .map(|t| t.parse())
                .collect::<Result<_, _>>()?)
        } else {
            to.iter().map(|t| self.target_named(t)).collect()
        }
    }

    /// The locale `--to` names, else the first of `targets`.
    pub fn target(&self, to: Option<&str>) -> Result<Lang, TargetError> {
        match to {
            Some(t) => self.target_named(t),
            None => Ok(self.targets(&[])?.first().copied().unwrap_or(Lang::En)),
        }
    }

    /// A locale named by `--to`: a language editions knows, other than the originals'.
    fn target_named(&self, name: &str) -> Result<Lang, TargetError> {
        let source = self.source_lang()?;
        let choices = [Lang::En, Lang::Ja, Lang::Zh]
            .into_iter()
            .filter(|l| *l != source)
            .map(|l| l.code())
            .collect::<Vec<_>>()
            .join(", ");
        match name.parse::<Lang>() {
            Ok(lang) if lang != source => Ok(lang),
            Ok(lang) => Err(TargetError::Named(hinted(
                "cli-to-source",
                &[("code", &lang.code()), ("choices", &choices)],
            ))),
            Err(_) => Err(TargetError::Named(hinted(
                "cli-to-unknown",
                &[("code", &name), ("choices", &choices)],
            ))),
        }
    }

    /// The translation memory, when its file exists.
    pub fn memory(
        &self,
        root: &Path,
    ) -> Result<Option<crate::memory::Memory>, crate::memory::MemoryError> {
        let path = root.join(&self.memory);
        if path.is_file() {
            crate::memory::Memory::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The boilerplate messages of `locale` as formatted for an issue: what the locale's own
    /// blocks of its edition hold.
    pub fn locale_texts(
        &self,
        locale: &crate::edition::locale::Locale,
        locales_dir: &Path,
        vars: &std::collections::BTreeMap<String, String>,
    ) -> Vec<String> {
        crate::edition::rules::locale_texts(&self.boilerplate, locale, locales_dir, vars)
    }

    /// The issues a command names (by date or path), or, when `all`, every issue the patterns
    /// match, in date order: the `originals` by date, the `other_originals` by path.
    pub fn issues(
        &self,
        root: &Path,
        names: &[String],
        all: bool,
    ) -> Result<Vec<Issue>, crate::edition::issue::IssueError> {
        let layout = self.layout(root);
        if all {
            return Ok(crate::edition::issue::all(&layout));
        }
        names
            .iter()
            .map(|name| crate::edition::issue::resolve(&layout, name))
            .collect()
    }

    /// Where originals and editions are.
    pub fn layout(&self, root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
            originals: self.originals.clone(),
            editions: self.editions.clone(),
            other_originals: self.other_originals.clone(),
        }
    }

    /// The newsletter as the library's lifecycle sees it.
    pub fn project(&self, root: &Path) -> Result<Project, crate::lang::UnknownLang> {
        Ok(Project {
            layout: self.layout(root),
            memory: root.join(&self.memory),
            provenance: root.join(&self.provenance),
            glossary: root.join(&self.glossary),
            locales: root.join(&self.locales),
            options: self.segment_options(root)?,
            original_url: self.original_url.clone(),
            boilerplate: self.boilerplate.clone(),
            url_rewrite: self.url_rewrite.clone(),
            allow: self.check.allow.clone(),
        })
    }

    pub fn price(&self) -> Price {
        Price {
            input: self.model.price_input,
            output: self.model.price_output,
        }
    }

    /// The prices of a batch job.
    pub fn batch_price(&self) -> Price {
        Price {
            input: self.model.batch_price_input,
            output: self.model.batch_price_output,
        }
    }

    /// The settings of one edition's translation run from `source` into `target`, dated
    /// `today` (`YYYY-MM-DD`).
    pub fn run_settings(&self, source: Lang, target: Lang, today: &str) -> Settings {
        let model = &self.model;
        Settings {
            source,
            target,
            batch_chars: model.batch_chars,
            concurrency: model.concurrency,
            max_repairs: model.max_repairs,
            price: if model.batch_api {
                self.batch_price()
            } else {
                self.price()
            },
            model_name: model.name.clone(),
            date: today.to_string(),
            skip: Default::default(),
            distrust: Default::default(),
            reasons: Default::default(),
            batch_api: model.batch_api,
            refresh: false,
            guidance: Guidance {
                style: None,
                prompt_share: model.prompt_share,
                examples_chars: model.examples_chars,
                qa: model.qa.then_some(model.qa_threshold.clamp(1, 5) as u8),
            },
        }
    }

    /// How the client reaches the model at `base_url` with `api_key` (both from the
    /// environment, never from a file).
    pub fn model_settings(&self, base_url: String, api_key: String) -> ModelSettings {
        ModelSettings {
            base_url,
            api_key,
            model: self.model.name.clone(),
            timeout: self.timeout(),
            max_retries: self.model.max_retries,
            backoff: self.backoff(),
        }
    }

    /// How the Batch API is used, its jobs recorded under `root`.
    pub fn batch_settings(&self, root: &Path) -> crate::model::batch_job::BatchSettings {
        crate::model::batch_job::BatchSettings {
            record: root.join(".editions").join("batch-jobs.json"),
            poll: Duration::from_secs_f64(self.model.batch_poll.clamp(0.01, 3600.0)),
            gather: Duration::from_secs_f64(self.model.batch_gather.clamp(0.0, 60.0)),
            resend: self.model.batch_resend,
            max_jobs: self.model.max_retries + 1,
        }
    }

    pub fn backoff(&self) -> Duration {
        Duration::from_secs_f64(self.model.backoff.clamp(0.0, 8.0))
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.model.timeout.max(0.001))
    }
}

/// The line of the first `key = ""` (or blank) in `text`.
fn line_of_blank(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix('='))
                .is_some_and(|v| {
                    let v = v.trim();
                    v.len() >= 2 && v.trim_matches(|c| c == '"' || c == '\'').trim().is_empty()
                })
        })
        .map_or(1, |i| i + 1)
}

fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_names_file_and_line() {
        let text = "originals = \"docs/{date}.md\"\n\n[model]\nname = \"m\"\nconcurency = 3\n";
        let err = Config::parse(text, Path::new("editions.toml")).unwrap_err();
        assert_eq!(err.line, 5);
        assert!(
            err.to_string()
                .starts_with("editions.toml:5: unknown field `concurency`, expected one of"),
            "{err}"
        );
    }

    #[test]
    fn keys_override_defaults_one_by_one() {
        let c = Config::parse(
            "targets = [\"en\", \"ja\"]\n[model]\nconcurrency = 8\n",
            Path::new("e.toml"),
        )
        .unwrap();
        assert_eq!(c.targets, vec!["en", "ja"]);
        assert_eq!(c.model.concurrency, 8);
        assert_eq!(c.model.name, ModelConfig::default().name);
        assert_eq!(c.originals, Config::default().originals);
    }
}
