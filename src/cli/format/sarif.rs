//! SARIF 2.1.0, the format GitHub code scanning and most CI dashboards read: one log with one
//! run, the rules' metadata from the check's catalog, and one result per finding. The log is
//! one JSON document, so findings are kept until the summary, which goes in the run's
//! `properties`.

use std::io::Write;
use std::path::Path;

use editions::check::Rule;
use editions::check::{Finding, Level};
use serde_json::{json, Value};

use super::{Report, Summary};

#[derive(Default)]
pub struct Sarif {
    results: Vec<Value>,
}

/// A path as a SARIF artifact URI: relative to the current directory when it is inside it,
/// with forward slashes (GitHub matches URIs against the repository's paths).
fn uri(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

fn rule_index(rule: Rule) -> Option<usize> {
    Rule::ALL.iter().position(|r| *r == rule)
}

impl Report for Sarif {
    fn finding(&mut self, _out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
        let mut result = json!({
            "ruleId": f.rule,
            "level": match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
            },
            "message": { "text": f.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.file) },
                    "region": { "startLine": f.line.max(1), "startColumn": f.column.max(1) }
                }
            }]
        });
        if let Some(i) = rule_index(f.rule) {
            result["ruleIndex"] = json!(i);
        }
        self.results.push(result);
        Ok(())
    }

    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        let rules: Vec<Value> = Rule::ALL
            .iter()
            .map(|r| r.info())
            .map(|r| {
                json!({
                    "id": r.id,
                    "shortDescription": { "text": r.summary },
                    "fullDescription": { "text": r.help },
                    "help": { "text": r.help },
                    "defaultConfiguration": { "level": if r.error { "error" } else { "warning" } },
                })
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "editions",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    }
                },
                "results": std::mem::take(&mut self.results),
                "columnKind": "unicodeCodePoints",
                "properties": { "summary": s },
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}
