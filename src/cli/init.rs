//! `editions init`: the files a newsletter checkout needs, written once.
//!
//! `editions.toml` (the real layout's paths, with boilerplate rules for every format the
//! archive has used), `glossary/{en,ja}.toml`, `locales/{en,ja}/newsletter.ftl` and the
//! style guides `locales/{en,ja}/style.md`. They are the
//! repository's own, embedded in the binary. Nothing that exists is overwritten: if any of
//! the files is there, init names it and writes nothing. A `.gitignore` is written too, or the
//! lines it lacks are added to the repository's own: run state and caches stay out of git.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::messages::{hinted, say};
use super::EXIT_OK;

/// The repository's sample config, whose rules are the newsletter's.
const SAMPLE: &str = include_str!("../../editions.toml");

const FILES: [(&str, &str); 6] = [
    ("glossary/en.toml", include_str!("../../glossary/en.toml")),
    ("glossary/ja.toml", include_str!("../../glossary/ja.toml")),
    (
        "locales/en/newsletter.ftl",
        include_str!("../../locales/en/newsletter.ftl"),
    ),
    (
        "locales/ja/newsletter.ftl",
        include_str!("../../locales/ja/newsletter.ftl"),
    ),
    (
        "locales/en/style.md",
        include_str!("../../locales/en/style.md"),
    ),
    (
        "locales/ja/style.md",
        include_str!("../../locales/ja/style.md"),
    ),
];

/// `editions.toml` for a checkout of the newsletter: its real layout, then the sample's rules.
pub fn config_text() -> String {
    let rules = &SAMPLE[SAMPLE.find("[model]").unwrap_or(0)..];
    format!(
        "# editions.toml, written by `editions init`: the newsletter's layout and the rules of its\n\
         # fixed blocks. Paths are relative to this file. Check the rules with `editions rules`.\n\n\
         originals = \"docs/{{date}}-weekly.md\"\n\
         editions = \"docs/{{locale}}/{{date}}-weekly.md\"\n\
         other_originals = [\"docs/{{date}}-sweekly.md\", \"docs/{{date}}-iweekly.md\"]\n\
         memory = \"translation-memory.jsonl\"\n\
         provenance = \"provenance\"\n\
         targets = [\"en\"]\n\n{rules}\n\
         # The English editions begin with a heading instead of the front matter, as the\n\
         # published ones do; the Japanese keep it, with its title translated.\n\
         [[boilerplate]]\n\
         front_matter = true\n\
         message = \"edition-heading\"\n\
         locales = [\"en\"]\n"
    )
}

pub fn run(root: &Path, out: &mut dyn Write) -> anyhow::Result<u8> {
    let config = config_text();
    let mut files: Vec<(PathBuf, &str)> = vec![(root.join("editions.toml"), config.as_str())];
    files.extend(FILES.iter().map(|(p, text)| (root.join(p), *text)));
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| format!("`{}`", p.display()))
        .collect();
    if !existing.is_empty() {
        anyhow::bail!(
            "{}",
            hinted(
                "cli-init-exists",
                &[("files", &existing.join(", ")), ("count", &existing.len())]
            )
        );
    }
    for (path, text) in &files {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        editions::file::write_atomically(path, text.as_bytes())?;
        writeln!(
            out,
            "{}",
            say("cli-init-wrote", &[("path", &path.display())])
        )?;
    }
    ignore(root, out)?;
    Ok(EXIT_OK)
}

/// What a run keeps for itself and git should not: the run state under `.editions/` (batch
/// jobs in flight, answers that failed), the memory's example index and its journal.
const IGNORED: [&str; 3] = [".editions/", "*.jsonl.examples", "*.jsonl.journal"];

/// Writes `.gitignore` with [`IGNORED`], or adds to the one there the lines it lacks (a
/// repository's own is kept as it is).
fn ignore(root: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let path = root.join(".gitignore");
    let before = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    };
    let has = |line: &str| {
        before
            .as_deref()
            .is_some_and(|t| t.lines().any(|l| l.trim() == line))
    };
    let missing: Vec<&str> = IGNORED.into_iter().filter(|l| !has(l)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut text = before.clone().unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("# editions: run state, the memory's example index and journal\n");
    for line in &missing {
        text.push_str(line);
        text.push('\n');
    }
    editions::file::write_atomically(&path, text.as_bytes())?;
    let lines = missing
        .iter()
        .map(|l| format!("`{l}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let id = if before.is_some() {
        "cli-init-ignore-added"
    } else {
        "cli-init-wrote"
    };
    writeln!(
        out,
        "{}",
        say(id, &[("path", &path.display()), ("lines", &lines)])
    )?;
    Ok(())
}
