//! `editions review`: original and edition side by side, in the terminal, as JSON or as an
//! HTML page.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use editions::check::{self, Context, File};
use editions::edition::locale::Locale;
use editions::edition::rules as edition;
use editions::glossary::Glossary;
use editions::review;
use editions::{Document, SourceText};

use super::messages::hinted;
use super::{write_atomically, EXIT_OK};
use editions::config::Config;
use editions::edition::issue;
use editions::edition::provenance::{self, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    // Two columns for a terminal (colour only on a terminal, never with NO_COLOR).
    Text,
    // The counts, the aligned rows with their findings, and the links.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// The issue's date.
    pub date: String,
    /// The edition's locale (default: the first of `targets`).
    #[arg(long)]
    pub to: Option<String>,
    /// Compare with the edition as of this git revision (default: the last commit that
    /// touched it).
    #[arg(long)]
    pub since: Option<String>,
    /// Also write a self-contained HTML page here.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// text (two columns for a terminal) or json (the counts, rows and links)
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// Width of the terminal view (default: $COLUMNS, else 100).
    #[arg(long)]
    pub width: Option<usize>,
}

/// `editions review`: the pair read and checked as CI checks it, then shown.
pub fn run(
    root: &Path,
    config: &Config,
    args: &ReviewArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let project = config.project(root)?;
    let target = config.target(args.to.as_deref())?;
    let issue = issue::resolve(&project.layout, &args.date)?;
    let edition_path = issue.edition(&project.layout, target);
    // A special issue named by path has its date from its name or front matter.
    let date = issue.date.map(|d| d.to_string()).unwrap_or_default();
    let original = SourceText::read(&issue.original)?;
    let edition = SourceText::read(&edition_path).with_context(|| {
        hinted(
            "cli-review-no-edition",
            &[("locale", &target), ("issue", &args.date)],
        )
    })?;
    let glossary = Glossary::load(&project.glossary, target)?;
    let locale = Locale::load(&project.locales, target.code())?;
    let doc = Document::parse(&original.text, &project.options);
    let vars = edition::variables(&doc, &date, &project.original_url);
    let locale_texts = config.locale_texts(&locale, &project.locales, &vars);
    let memory = config.memory(root)?;
    let record_path = provenance::path(&project.provenance, target.code(), &edition_path);
    let record = Record::load(&record_path)?;
    let cx = Context {
        memory: memory.as_ref(),
        record: record.as_ref(),
        ..project.check_context(target, &locale_texts, &glossary)
    };
    let original_file = File {
        path: &issue.original,
        text: &original.text,
    };
    let edition_file = File {
        path: &edition_path,
        text: &edition.text,
    };
    let findings = check::check_pair(&original_file, &edition_file, &cx).findings;
    if let Some(rev) = &args.since {
        known_revision(root, rev)?;
    }
    let previous = previous_edition(root, &edition_path, args.since.as_deref());
    let messages = edition::locale_messages(&project.boilerplate, &locale, &project.locales, &vars);
    let review = review::build(
        &original_file,
        &edition_file,
        previous
            .as_ref()
            .map(|(text, rev)| (text.as_str(), rev.clone())),
        &findings,
        &messages,
        &cx,
    );
    present(&review, args, out)
}

/// Writes the HTML page when asked, and shows the review as asked.
fn present(review: &review::Review, args: &ReviewArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    if let Some(html) = &args.html {
        write_atomically(html, &review::render_html(review))?;
    }
    match args.format {
        ReviewFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, review).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReviewFormat::Text => {
            let color = super::color();
            let width = args
                .width
                .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
                .unwrap_or(100);
            out.write_all(review::render_terminal(review, width, color).as_bytes())?;
        }
    }
    Ok(EXIT_OK)
}

/// An error unless git knows `rev` in the repository that holds `root`.
fn known_revision(root: &Path, rev: &str) -> anyhow::Result<()> {
    let dir = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let known = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !known {
        anyhow::bail!(
            "{}",
            hinted("cli-unknown-rev", &[("rev", &rev), ("dir", &dir.display())])
        );
    }
    Ok(())
}

/// The edition as of `since`, or as of the last commit that touched it, with the revision's
/// short name; `None` outside git or when the file has no history.
fn previous_edition(root: &Path, edition: &Path, since: Option<&str>) -> Option<(String, String)> {
    let dir = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let absolute = std::fs::canonicalize(edition).ok()?;
    let relative = absolute
        .strip_prefix(Path::new(top.trim()))
        .ok()?
        .to_string_lossy()
        .to_string();
    let rev = match since {
        Some(r) => r.to_string(),
        None => git(&["log", "-1", "--format=%h", "--", &relative])?
            .trim()
            .to_string(),
    };
    if rev.is_empty() {
        return None;
    }
    let text = git(&["show", &format!("{rev}:{relative}")])?;
    Some((text, rev))
}
