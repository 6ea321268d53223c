//! `editions check`: every edition against its original, for CI.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use editions::check::{self, Context, File, Finding, Level};
use editions::edition::locale::Locale;
use editions::edition::rules as edition;
use editions::glossary::Glossary;
use editions::message::{on_one_line, Message};
use editions::{Document, SegmentOptions, SourceText};

use super::format::{self, Format, Summary};
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
    // What to check: (the issue, the edition's path when given).
    let names: Vec<(Issue, Option<PathBuf>)> = if args.all || args.dates.is_empty() {
        // Every original the patterns match, the other originals by path, in date order.
        config
            .issues(root, &[], true)?
            .into_iter()
            .map(|issue| (issue, None))
            .collect()
    } else {
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
        out
    };
    if names.is_empty() {
        // A CI that checks nothing must not pass.
        let mut patterns = vec![config.originals.clone()];
        patterns.extend(config.other_originals.iter().cloned());
        anyhow::bail!(
            "{}",
            super::messages::hinted(
                "cli-nothing-to-check",
                &[
                    (
                        "patterns",
                        &patterns
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    ("root", &root.display())
                ]
            )
        );
    }
    let options = SegmentOptions {
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
    };
    let memory = config.memory(root)?;
    let locales_dir = root.join(&config.locales);
    let common_urls = match args.common_urls.unwrap_or(config.check.common_urls) {
        0 => HashSet::new(),
        n => common(names.iter().map(|(issue, _)| issue), n),
    };
    let mut report = format::report(args.format);
    let mut summary = Summary::default();
    let mut unreadable_originals: HashSet<PathBuf> = HashSet::new();
    for target in targets {
        let glossary = Glossary::load(&root.join(&config.glossary), target)?;
        let locale = Locale::load(&locales_dir, target.code())?;
        for (issue, explicit) in &names {
            let edition_path = explicit
                .clone()
                .unwrap_or_else(|| issue.edition(&config.layout(root), target));
            let original = issue.original.clone();
            let date = issue
                .date
                .clone()
                .unwrap_or_else(|| original.display().to_string());
            let date = &date;
            // A file that cannot be read is a finding at that file; the other pairs are still
            // checked.
            let original_text = match SourceText::read(&original) {
                Ok(t) => t,
                // Once, not once per locale.
                Err(_) if unreadable_originals.contains(&original) => continue,
                Err(e) => {
                    unreadable_originals.insert(original.clone());
                    let f = unreadable(&original, &e);
                    summary.add(&f);
                    report.finding(out, &f)?;
                    continue;
                }
            };
            let mut findings: Vec<Finding> = Vec::new();
            match std::fs::read(&edition_path) {
                // An edition that is there but cannot be read (a loop of links, no permission)
                // is no missing edition: a finding at it.
                Err(e)
                    if e.kind() != std::io::ErrorKind::NotFound
                        && std::fs::symlink_metadata(&edition_path).is_ok() =>
                {
                    summary.pairs += 1;
                    let f = unreadable(
                        &edition_path,
                        &editions::markdown::document::ReadError::Io {
                            path: edition_path.clone(),
                            error: e,
                        },
                    );
                    summary.add(&f);
                    report.finding(out, &f)?;
                    continue;
                }
                Err(_) => {
                    summary.missing_editions += 1;
                    findings.push(no_edition(issue, date, target, &edition_path, args.strict));
                }
                Ok(bytes) => {
                    summary.pairs += 1;
                    let edition_text = match SourceText::from_bytes(&edition_path, bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            let f = unreadable(&edition_path, &e);
                            summary.add(&f);
                            report.finding(out, &f)?;
                            continue;
                        }
                    };
                    // A record that cannot be read is a finding at it; the pair is still
                    // checked, its freshness asked of the memory.
                    let record = match Record::load(&provenance::path(
                        &root.join(&config.provenance),
                        target.code(),
                        &edition_path,
                    )) {
                        Ok(r) => r,
                        Err(e) => {
                            findings.push(unreadable_record(&e));
                            None
                        }
                    };
                    let doc = Document::parse(&original_text.text, &options);
                    let vars = edition::variables(&doc, date, &config.original_url);
                    let locale_texts = config.locale_texts(&locale, &locales_dir, &vars);
                    let cx = Context {
                        source,
                        target,
                        rules: &config.boilerplate,
                        rewrites: &config.url_rewrite,
                        locale_texts: &locale_texts,
                        glossary: &glossary,
                        allow: &config.check.allow,
                        memory: memory.as_ref(),
                        record: record.as_ref(),
                        options: &options,
                        strict: args.strict,
                        common_urls: &common_urls,
                    };
                    let outcome = check::check_pair(
                        &File {
                            path: &original,
                            text: &original_text.text,
                        },
                        &File {
                            path: &edition_path,
                            text: &edition_text.text,
                        },
                        &cx,
                    );
                    summary.body_links += outcome.body_links;
                    findings.extend(outcome.findings);
                }
            }
            for f in &findings {
                summary.add(f);
                report.finding(out, f)?;
            }
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
        rule: "freshness/missing",
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
        rule: "file/unreadable",
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
fn unreadable(path: &Path, error: &editions::markdown::document::ReadError) -> Finding {
    use editions::markdown::document::ReadError;
    let line = match error {
        ReadError::NotUtf8 { line, .. } => *line,
        ReadError::Io { .. } => 1,
    };
    Finding {
        file: path.to_path_buf(),
        line,
        column: 1,
        rule: "file/unreadable",
        level: Level::Error,
        // One line: what is wrong, then what to do.
        message: Message::plain(on_one_line(&error.to_string())),
    }
}
