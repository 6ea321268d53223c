//! `editions merge`: translations spliced into the original.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use editions::{Document, SegmentOptions, SourceText};

use super::messages::{hinted, say};
use super::{write_atomically, Failure, EXIT_OK};

pub fn run(
    file: &Path,
    translations: &Path,
    options: &SegmentOptions,
    target: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    if let Some(path) = target {
        super::refuse_original(path, Some(file))?;
    }
    let source = SourceText::read(file)?;
    let map = read_translations(translations)?;
    let doc = Document::parse(&source.text, options).with_path(file);
    let merged = editions::merge(&doc, &map).map_err(|e| Failure(e.into()))?;
    let merged = source.restore(merged);
    match target {
        Some(path) => write_atomically(path, &merged)?,
        None => out.write_all(merged.as_bytes())?,
    }
    Ok(EXIT_OK)
}

fn read_translations(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = SourceText::read(path)?;
    serde_json::from_str(&text.text)
        .map_err(|e| {
            let position = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            let message = message.strip_suffix(&position).unwrap_or(&message);
            anyhow::anyhow!(
                "{}",
                hinted(
                    "cli-translations-json",
                    &[
                        ("path", &path.display()),
                        ("line", &e.line()),
                        ("column", &e.column()),
                        ("message", &message)
                    ]
                )
            )
        })
        .context(say("cli-cannot-read-translations", &[]))
}
