//! `editions glossary suggest`: terms for a person to add to the glossary, as TOML entries
//! ready to paste, each with how often the memory's approved translations render it so, and in
//! how many issues.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use editions::glossary::Glossary;
use editions::memory::{Memory, Origin};
use editions::terms::Example;
use editions::{Document, SourceText};

use super::messages::say;
use super::EXIT_OK;
use editions::config::Config;

pub fn run(
    root: &Path,
    config: &Config,
    to: Option<&str>,
    min: usize,
    issues: usize,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let target = config.target(to)?;
    let glossary = Glossary::load(&root.join(&config.glossary), target)?;
    let memory = Memory::load(&root.join(&config.memory))?;
    // Which issues each source is in: a rendering is a convention when issues share it.
    let mut issues_of: HashMap<String, BTreeSet<usize>> = HashMap::new();
    let options = config.segment_options(root)?;
    for (n, issue) in config.issues(root, &[], true)?.iter().enumerate() {
        // An original that cannot be read lends its entries no issue.
        let Ok(text) = SourceText::read(&issue.original) else {
            continue;
        };
        for seg in Document::parse(&text.text, &options).segments() {
            issues_of.entry(seg.tagged.clone()).or_default().insert(n);
        }
    }
    let approved: Vec<Example> = memory
        .entries()?
        .into_iter()
        .filter(|e| e.origin == Origin::Approved && e.locale == target.code())
        .map(|e| Example {
            issues: issues_of.get(&e.source).cloned().unwrap_or_default(),
            source: e.source,
            target: e.target,
        })
        .collect();
    let found = editions::terms::suggest(&approved, &glossary, min, issues);
    let path = Glossary::path_for(&root.join(&config.glossary), target);
    writeln!(
        out,
        "# {}",
        say(
            "cli-suggest-head",
            &[
                ("count", &found.len()),
                ("approved", &approved.len()),
                ("glossary", &path.display()),
            ]
        )
    )?;
    for s in &found {
        let toml_string = |v: &str| toml::Value::String(v.to_string()).to_string();
        writeln!(
            out,
            "\n# {}\n[[term]]\nsource = {}\ntarget = {}",
            say(
                "cli-suggest-count",
                &[("count", &s.count), ("of", &s.of), ("issues", &s.issues)]
            ),
            toml_string(&s.source),
            toml_string(&s.target)
        )?;
    }
    Ok(EXIT_OK)
}
