//! `editions glossary suggest`: terms for a person to add to the glossary, as TOML entries
//! ready to paste, each with how often the memory's approved translations render it so.

use std::io::Write;
use std::path::Path;

use editions::glossary::Glossary;
use editions::memory::{Memory, Origin};

use super::config::Config;
use super::messages::say;
use super::EXIT_OK;

pub fn run(
    root: &Path,
    config: &Config,
    to: Option<&str>,
    min: usize,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let target = config.target(to)?;
    let glossary = Glossary::load(&root.join(&config.glossary), target)?;
    let memory = Memory::load(&root.join(&config.memory))?;
    let approved: Vec<(String, String)> = memory
        .entries()?
        .into_iter()
        .filter(|e| e.origin == Origin::Approved && e.locale == target.code())
        .map(|e| (e.source, e.target))
        .collect();
    let found = editions::terms::suggest(&approved, &glossary, min);
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
            say("cli-suggest-count", &[("count", &s.count), ("of", &s.of)]),
            toml_string(&s.source),
            toml_string(&s.target)
        )?;
    }
    Ok(EXIT_OK)
}
