//! Helpers shared by the integration tests.

#[allow(dead_code)]
pub mod mutate;
#[allow(dead_code)]
pub mod shape;
pub mod standin;

use std::path::Path;

/// Copies a folder tree.
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// The repository's sample newsletter (its editions.toml, fixtures, glossaries and locales),
/// copied: what the README's first command runs on.
#[allow(dead_code)]
pub fn sample_root() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for folder in ["fixtures", "glossary", "locales"] {
        copy_dir(&repo.join(folder), &dir.path().join(folder));
    }
    std::fs::copy(repo.join("editions.toml"), dir.path().join("editions.toml")).unwrap();
    dir
}

/// The `[[boilerplate]]` and `[[url_rewrite]]` tables of the repository's editions.toml.
#[allow(dead_code)]
pub fn rules_toml() -> String {
    let config =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("editions.toml"))
            .unwrap();
    let at = config
        .find("[[boilerplate]]")
        .expect("rules in editions.toml");
    config[at..].to_string()
}

/// A newsletter root in a temporary folder: the fixtures under `docs/`, the repository's
/// glossaries and locales, and an editions.toml with its rules, the memory `memory.jsonl` and
/// the stand-in's model.
#[allow(dead_code)]
pub fn newsletter_root() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for entry in std::fs::read_dir(repo.join("fixtures/docs"))
        .unwrap()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "md") {
            std::fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
        }
    }
    copy_dir(&repo.join("glossary"), &dir.path().join("glossary"));
    copy_dir(&repo.join("locales"), &dir.path().join("locales"));
    std::fs::write(
        dir.path().join("editions.toml"),
        format!(
            "memory = \"memory.jsonl\"\n\n[model]\nname = \"{}\"\nconcurrency = 2\ntimeout = 5.0\nbackoff = 0.01\n\n{}",
            standin::MODEL,
            rules_toml()
        ),
    )
    .unwrap();
    dir
}

/// The hand-checked pairs of `examples/align_truth.txt` (the aligner's ground truth): date →
/// (segment id → edition line).
#[allow(dead_code)]
pub fn align_truth() -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>
{
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/align_truth.txt"),
    )
    .unwrap();
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>> =
        Default::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let w: Vec<&str> = line.split_whitespace().collect();
        let [date, id, at] = w[..] else {
            panic!("align_truth.txt: `{line}` is not `DATE ID EDITION_LINE`");
        };
        out.entry(date.to_string())
            .or_default()
            .insert(id.to_string(), at.parse().unwrap());
    }
    out
}

/// A newsletter at `root` in the newsletter's default layout (`docs/`, `provenance/`,
/// `glossary/`, `locales/`, the memory `memory.jsonl`) with the boilerplate rules and URL
/// rewrites of `repo`, the repository's configuration.
#[allow(dead_code)]
pub fn newsletter_project(
    repo: &editions::config::Config,
    root: &Path,
) -> editions::lifecycle::Project {
    let config = editions::config::Config {
        boilerplate: repo.boilerplate.clone(),
        url_rewrite: repo.url_rewrite.clone(),
        memory: "memory.jsonl".into(),
        other_originals: Vec::new(),
        ..editions::config::Config::default()
    };
    config.project(root).expect("the default source language")
}

/// The repository's own configuration (its rules), as the library reads it.
#[allow(dead_code)]
pub fn repo_config() -> editions::config::Config {
    editions::config::Config::load(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the repository's editions.toml")
        .0
}
