//! `editions extract`: the segments of a file, as JSON or as text.

use std::io::Write;
use std::path::Path;

use editions::{Document, SegmentOptions, SourceText};
use serde::Serialize;

use super::{ExtractFormat, EXIT_OK};

/// One segment as printed by `extract --format json`.
#[derive(Debug, Serialize)]
struct SegmentRecord<'a> {
    id: &'a str,
    line: usize,
    kind: String,
    source: &'a str,
}

pub fn run(
    file: &Path,
    options: &SegmentOptions,
    format: ExtractFormat,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let source = SourceText::read(file)?;
    let doc = Document::parse(&source.text, options).with_path(file);
    let records: Vec<SegmentRecord<'_>> = doc
        .segments()
        .map(|s| SegmentRecord {
            id: &s.id,
            line: s.line,
            kind: s.kind.short().into_owned(),
            source: &s.tagged,
        })
        .collect();
    match format {
        ExtractFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &records).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ExtractFormat::Text => {
            for r in &records {
                writeln!(out, "{}\t{}\t{}", r.line, r.id, r.source.replace('\n', "⏎"))?;
            }
        }
    }
    Ok(EXIT_OK)
}
