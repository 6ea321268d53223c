//! `editions check`: every edition against its original, for CI.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use editions::check::Rule;
use editions::check::{self, Context, File, Finding, Level};
use editions::edition::locale::Locale;
use editions::edition::rules as edition;
use editions::glossary::Glossary;
use editions::lifecycle::Project;
use editions::markdown::document::ReadError;
use editions::memory::Memory;
use editions::message::{on_one_line, Message};
use editions::{Document, Lang, SegmentOptions, SourceText};

use super::format::{self, Format, Report, Summary};
use super::{EXIT_FAILED, EXIT_OK};
use editions::config::Config;
use editions::edition::issue::{self, Issue};
use editions::edition::provenance::{self, Record};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Issues to check, by date or by the original's path (default: all). An original's path
    /// followed by a path that exists checks that pair: `check ORIGINAL EDITION`.
    pub dates: Vec<String>,
    /// Check every issue.
    #[arg(long)]
    pub all: bool,
    /// Locales of the editions to check (comma-separated; default: `targets`).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// text (`file:line:col: level[rule]: message`, then a summary per rule), json (one object
    /// per finding and line, then a summary), github (Actions annotations) or sarif (SARIF 2.1.0)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Stale and missing editions are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
    /// Treat a URL found in at least N originals as boilerplate on both sides (0: off; default:
    /// `common_urls` in [check]). For archives whose editions were not made with locale rules.
    #[arg(long)]
    pub common_urls: Option<usize>,
}

pub fn run(
    root: &Path,
    config: &Config,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    let source = config.source_lang()?;
    let targets = config.targets(&args.to)?;
    let names = to_check(root, config, args)?;
    if names.is_empty() {
        // A CI that checks nothing must not pass.
        anyhow::bail!("{}", nothing_to_check(root, config));
    }
    let checker = Checker::new(root, config, args, source, &names)?;
    let mut report = format::report(args.format);
    let mut summary = Summary::default();
    let mut unreadable_originals: HashSet<PathBuf> = HashSet::new();
    for target in targets {
        let target = checker.target(target)?;
        for (issue, explicit) in &names {
            let checked = checker.check(
                &target,
                issue,
                explicit.as_deref(),
                &mut unreadable_originals,
            );
            present(&mut summary, report.as_mut(), out, &checked)?;
        }
    }
    summary.elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    report.summary(out, &summary)?;
    Ok(if summary.errors > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// What to check: each issue the arguments name (every issue by default), with the path of its
/// edition when `check ORIGINAL EDITION` gives it.
fn to_check(
    root: &Path,
    config: &Config,
    args: &CheckArgs,
) -> anyhow::Result<Vec<(Issue, Option<PathBuf>)>> {
    if args.all || args.dates.is_empty() {
        // Every original the patterns match, the other originals by path, in date order.
        return Ok(config
            .issues(root, &[], true)?
            .into_iter()
            .map(|issue| (issue, None))
            .collect());
    }
    // `check ORIGINAL EDITION`: a path, then the path of its edition.
    let mut out = Vec::new();
    let mut given = args.dates.iter().peekable();
    while let Some(name) = given.next() {
        let by_path = name.ends_with(".md") || Path::new(name).is_file();
        let edition = match given.peek() {
            Some(next) if by_path && Path::new(next.as_str()).is_file() => {
                given.next().map(PathBuf::from)
            }
            _ => None,
        };
        out.push((issue::resolve(&config.layout(root), name)?, edition));
    }
    Ok(out)
}

/// The error of a run with nothing to check: the patterns that matched no original.
fn nothing_to_check(root: &Path, config: &Config) -> String {
    let mut patterns = vec![config.originals.clone()];
    patterns.extend(config.other_originals.iter().cloned());
    super::messages::hinted(
        "cli-nothing-to-check",
        &[
            (
                "patterns",
                &patterns
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("root", &root.display()),
        ],
    )
}

/// How to read the originals: in the configured dialect, else in the one of the site around
/// the first issue, else in the root's.
fn segment_options(
    root: &Path,
    config: &Config,
    source: Lang,
    names: &[(Issue, Option<PathBuf>)],
) -> SegmentOptions {
    SegmentOptions {
        source,
        front_matter_fields: config.front_matter_fields.clone(),
        // Files named by path belong to the site around them.
        dialect: match config.markdown.dialect {
            Some(d) => d,
            None => names
                .first()
                .and_then(|(issue, _)| {
                    editions::markdown::dialect::Dialect::detect(&issue.original)
                })
                .map_or_else(|| config.dialect(root), |(d, _)| d),
        },
    }
}

/// What every pair's check shares: the configuration, and what the run reads once from it.
struct Checker<'a> {
    root: &'a Path,
    config: &'a Config,
    strict: bool,
    /// The newsletter, its originals read in the dialect of the files checked.
    project: Project,
    memory: Option<Memory>,
    locales_dir: PathBuf,
    common_urls: HashSet<String>,
}

/// A locale the editions are checked into, with its glossary and its boilerplate messages.
struct Target {
    lang: Lang,
    glossary: Glossary,
    locale: Locale,
}

/// What checking one issue into one locale found, for the summary and the report.
#[derive(Default)]
struct Checked {
    /// 1 when there was an edition to check (readable or not).
    pairs: usize,
    /// 1 when the edition is not there.
    missing_editions: usize,
    /// Links and images in the original's body.
    body_links: usize,
    findings: Vec<Finding>,
}

impl<'a> Checker<'a> {
    /// Reads what every pair's check shares: the memory, the URLs common to the originals.
    fn new(
        root: &'a Path,
        config: &'a Config,
        args: &CheckArgs,
        source: Lang,
        names: &[(Issue, Option<PathBuf>)],
    ) -> anyhow::Result<Self> {
        let mut project = config.project(root)?;
        project.options = segment_options(root, config, source, names);
        let memory = config.memory(root)?;
        let locales_dir = root.join(&config.locales);
        let common_urls = match args.common_urls.unwrap_or(config.check.common_urls) {
            0 => HashSet::new(),
            n => common(names.iter().map(|(issue, _)| issue), n),
        };
        Ok(Self {
            root,
            config,
            strict: args.strict,
            project,
            memory,
            locales_dir,
            common_urls,
        })
    }

    /// Loads the glossary and the locale of `lang`.
    fn target(&self, lang: Lang) -> anyhow::Result<Target> {
        let glossary = Glossary::load(&self.root.join(&self.config.glossary), lang)?;
        let locale = Locale::load(&self.locales_dir, lang.code())?;
        Ok(Target {
            lang,
            glossary,
            locale,
        })
    }

    /// Checks the edition of `issue` into `target` (the one at `explicit` when given): a file
    /// that cannot be read is a finding at that file, an original's only once.
    fn check(
        &self,
        target: &Target,
        issue: &Issue,
        explicit: Option<&Path>,
        unreadable_originals: &mut HashSet<PathBuf>,
    ) -> Checked {
        let edition_path = explicit.map_or_else(
            || issue.edition(&self.config.layout(self.root), target.lang),
            Path::to_path_buf,
        );
        let original = &issue.original;
        let date = issue
            .date
            .map_or_else(|| original.display().to_string(), |d| d.to_string());
        let original_text = match SourceText::read(original) {
            Ok(t) => t,
            // Once, not once per locale.
            Err(_) if unreadable_originals.contains(original) => return Checked::default(),
            Err(e) => {
                unreadable_originals.insert(original.clone());
                return Checked {
                    findings: vec![unreadable(original, &e)],
                    ..Checked::default()
                };
            }
        };
        let original = File {
            path: original,
            text: &original_text.text,
        };
        self.read_edition(target, issue, &original, &date, &edition_path)
    }

    /// Reads the edition at `edition_path` and checks it against `original`: a missing edition
    /// is a finding at the original, one that is there but cannot be read a finding at it.
    fn read_edition(
        &self,
        target: &Target,
        issue: &Issue,
        original: &File<'_>,
        date: &str,
        edition_path: &Path,
    ) -> Checked {
        match std::fs::read(edition_path) {
            // An edition that is there but cannot be read (a loop of links, no permission) is
            // no missing edition: a finding at it.
            Err(e)
                if e.kind() != std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(edition_path).is_ok() =>
            {
                let error = ReadError::Io {
                    path: edition_path.to_path_buf(),
                    error: e,
                };
                Checked {
                    pairs: 1,
                    findings: vec![unreadable(edition_path, &error)],
                    ..Checked::default()
                }
            }
            Err(_) => Checked {
                missing_editions: 1,
                findings: vec![no_edition(
                    issue,
                    date,
                    target.lang,
                    edition_path,
                    self.strict,
                )],
                ..Checked::default()
            },
            Ok(bytes) => self.check_edition(target, original, date, edition_path, bytes),
        }
    }

    /// Checks the edition read from `edition_path` against `original`: an edition that is not
    /// text, or whose provenance record cannot be read, is a finding at that file.
    fn check_edition(
        &self,
        target: &Target,
        original: &File<'_>,
        date: &str,
        edition_path: &Path,
        bytes: Vec<u8>,
    ) -> Checked {
        let mut checked = Checked {
            pairs: 1,
            ..Checked::default()
        };
        let edition_text = match SourceText::from_bytes(edition_path, bytes) {
            Ok(t) => t,
            Err(e) => {
                checked.findings.push(unreadable(edition_path, &e));
                return checked;
            }
        };
        // A record that cannot be read is a finding at it; the pair is still checked, its
        // freshness asked of the memory.
        let record = self.record(target.lang, edition_path).unwrap_or_else(|f| {
            checked.findings.push(f);
            None
        });
        let doc = Document::parse(original.text, &self.project.options);
        let vars = edition::variables(&doc, date, &self.config.original_url);
        let locale_texts = self
            .config
            .locale_texts(&target.locale, &self.locales_dir, &vars);
        let cx = Context {
            memory: self.memory.as_ref(),
            record: record.as_ref(),
            strict: self.strict,
            common_urls: &self.common_urls,
            ..self
                .project
                .check_context(target.lang, &locale_texts, &target.glossary)
        };
        let edition_file = File {
            path: edition_path,
            text: &edition_text.text,
        };
        let outcome = check::check_pair(original, &edition_file, &cx);
        checked.body_links = outcome.body_links;
        checked.findings.extend(outcome.findings);
        checked
    }

    /// The provenance record of the edition at `edition_path` into `lang`, if any; one that
    /// cannot be read is a finding at it.
    fn record(&self, lang: Lang, edition_path: &Path) -> Result<Option<Record>, Finding> {
        Record::load(&provenance::path(
            &self.root.join(&self.config.provenance),
            lang.code(),
            edition_path,
        ))
        .map_err(|e| unreadable_record(&e))
    }
}

/// Counts what one pair's check found into the summary, and reports its findings.
fn present(
    summary: &mut Summary,
    report: &mut dyn Report,
    out: &mut dyn Write,
    checked: &Checked,
) -> std::io::Result<()> {
    summary.pairs += checked.pairs;
    summary.missing_editions += checked.missing_editions;
    summary.body_links += checked.body_links;
    for f in &checked.findings {
        summary.add(f);
        report.finding(out, f)?;
    }
    Ok(())
}

/// `freshness/missing`: the edition of `issue` into `target` is not there (an error with
/// `--strict`).
fn no_edition(
    issue: &Issue,
    date: &str,
    target: editions::Lang,
    edition: &Path,
    strict: bool,
) -> Finding {
    let name = if issue.by_date {
        date.to_string()
    } else {
        issue.original.display().to_string()
    };
    Finding {
        file: issue.original.clone(),
        line: 1,
        column: 1,
        rule: Rule::FreshnessMissing,
        level: if strict { Level::Error } else { Level::Warning },
        message: Message::new(
            "finding-no-edition",
            &[
                ("locale", &target),
                ("edition", &edition.display()),
                ("issue", &name),
            ],
        ),
    }
}

/// `file/unreadable` at a provenance record that cannot be read: the finding carries the
/// place, the message says the rest.
fn unreadable_record(e: &provenance::ProvenanceError) -> Finding {
    let (file, line) = match e {
        provenance::ProvenanceError::Malformed { path, line, .. } => (path.clone(), *line),
        provenance::ProvenanceError::Read { path, .. } => (path.clone(), 1),
    };
    let text = e.to_string();
    let place = format!("{}:{line}: ", file.display());
    let message = text.strip_prefix(&place).unwrap_or(&text);
    Finding {
        file,
        line,
        column: 1,
        rule: Rule::FileUnreadable,
        level: Level::Error,
        message: Message::plain(on_one_line(message)),
    }
}

/// The link and image URLs that occur in at least `n` of the originals.
fn common<'a>(issues: impl Iterator<Item = &'a Issue>, n: usize) -> HashSet<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut counts: HashMap<String, usize> = HashMap::new();
    for issue in issues {
        // An unreadable original is reported where it is checked.
        let Ok(text) = SourceText::read(&issue.original) else {
            continue;
        };
        let urls: HashSet<String> =
            Parser::new_ext(&text.text, editions::markdown::segment::markdown_options())
                .filter_map(|e| match e {
                    Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                        Some(dest_url.to_string())
                    }
                    _ => None,
                })
                .collect();
        for u in urls {
            *counts.entry(u).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, c)| *c >= n)
        .map(|(u, _)| u)
        .collect()
}

/// A file `check` cannot read, as a finding at that file (its line when the error has one).
fn unreadable(path: &Path, error: &ReadError) -> Finding {
    let line = match error {
        ReadError::NotUtf8 { line, .. } => *line,
        ReadError::Io { .. } => 1,
    };
    Finding {
        file: path.to_path_buf(),
        line,
        column: 1,
        rule: Rule::FileUnreadable,
        level: Level::Error,
        // One line: what is wrong, then what to do.
        message: Message::plain(on_one_line(&error.to_string())),
    }
}
