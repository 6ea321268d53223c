//! The newsletter as the lifecycle reads it ([`Project`]) and one edition to bring up to date
//! ([`Job`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::edition::issue::{Issue, Layout};
use crate::edition::provenance::{self, Record};
use crate::edition::rules::{self, Rule, UrlRewrite};
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::markdown::document::SourceText;
use crate::markdown::segment::{Document, SegmentOptions};
use crate::model::run::Settings;

/// Everything about a newsletter that the lifecycle reads, resolved from its configuration.
#[derive(Debug, Clone)]
pub struct Project {
    pub layout: Layout,
    /// The translation memory file.
    pub memory: PathBuf,
    /// The folder of provenance records.
    pub provenance: PathBuf,
    /// The folder of glossary files.
    pub glossary: PathBuf,
    /// The folder of Fluent locales.
    pub locales: PathBuf,
    /// How originals are segmented (their language, the translated front-matter fields).
    pub options: SegmentOptions,
    /// The original's address, for the `$url` of locale messages; `{date}` is filled in.
    pub original_url: String,
    pub boilerplate: Vec<Rule>,
    pub url_rewrite: Vec<UrlRewrite>,
    /// Text an edition may keep in the source script (names), for the edition's check.
    pub allow: Vec<String>,
}

/// One edition to bring up to date.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub issue: &'a Issue,
    pub target: Lang,
    /// Where to write the edition instead of beside the original.
    pub out: Option<PathBuf>,
    /// The edition goes to a stream (standard output, a pipe, a device): nothing is read from
    /// it, no record is kept, and the caller writes the text of [`super::Effect::Written`].
    pub stream: bool,
    /// Send nothing: only plan.
    pub dry_run: bool,
    /// Replace the existing edition without keeping its hand edits.
    pub retranslate: bool,
    /// The translation run's settings (`skip` is filled in here).
    pub settings: Settings,
    /// The run's date, used for `$date` and `$url` when the issue has none.
    pub today: String,
}

/// The path of `path` relative to the root, with `/` separators, for records.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the edition of `job` goes and where its record is.
pub fn paths(project: &Project, job: &Job<'_>) -> (PathBuf, PathBuf) {
    match &job.out {
        // Keyed by where it really goes: two editions never share a record.
        Some(p) => {
            let at = crate::file::resolved(p).unwrap_or_else(|_| p.clone());
            let record = provenance::path_elsewhere(&project.provenance, job.target.code(), &at);
            (p.clone(), record)
        }
        None => {
            let edition = job.issue.edition(&project.layout, job.target);
            let record = provenance::path(&project.provenance, job.target.code(), &edition);
            (edition, record)
        }
    }
}

/// Whether the edition of `issue` in `target` exists and its original's segments differ from
/// those its record says it was translated from: what `check` reports as stale. An edition
/// without a record is not known to be stale; an original that cannot be read is (the run
/// then says why).
pub fn is_stale(project: &Project, issue: &Issue, target: Lang) -> bool {
    let edition = issue.edition(&project.layout, target);
    if !edition.is_file() {
        return false;
    }
    let record = provenance::path(&project.provenance, target.code(), &edition);
    let Ok(Some(record)) = Record::load(&record) else {
        return false;
    };
    let Ok(source) = SourceText::read(&issue.original) else {
        return true;
    };
    let doc = Document::parse(&source.text, &project.options);
    let excluded: Vec<std::ops::Range<usize>> =
        rules::find(&source.text, &project.boilerplate, target.code())
            .into_iter()
            .map(|f| f.range)
            .collect();
    let now: HashSet<&str> = doc
        .runs
        .iter()
        .filter(|s| s.translatable && crate::edition::align::in_body(s.range.start, &excluded))
        .map(|s| s.id.as_str())
        .collect();
    let then: HashSet<&str> = record.runs.iter().filter_map(|r| r.id.as_deref()).collect();
    now != then
}

impl Project {
    /// The context in which the `target` editions of this newsletter are checked, with
    /// `locale_texts` (the locale's messages as an issue formats them) and the locale's
    /// glossary: CI's rules, not strict, with neither the memory nor a record, no URL common to
    /// every issue. `check` sets those it has (`Context { memory, ..project.check_context(…) }`);
    /// `translate` checks an edition about to get its record, so it has none.
    pub fn check_context<'a>(
        &'a self,
        target: Lang,
        locale_texts: &'a [String],
        glossary: &'a Glossary,
    ) -> crate::check::Context<'a> {
        static NO_URLS: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
        crate::check::Context {
            source: self.options.source,
            target,
            rules: &self.boilerplate,
            rewrites: &self.url_rewrite,
            locale_texts,
            glossary,
            allow: &self.allow,
            memory: None,
            record: None,
            options: &self.options,
            strict: false,
            common_urls: NO_URLS.get_or_init(HashSet::new),
        }
    }
}
