//! GitHub Actions workflow commands: each finding becomes an annotation on its line.

use std::io::Write;

use editions::check::{Finding, Level};

use super::{Report, Summary};

pub struct Github;

/// Escapes a workflow command's data (`%`, CR, LF) or property (also `:` and `,`).
fn escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

impl Report for Github {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
        let command = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape(&f.file.display().to_string(), true),
            f.line,
            f.column,
            escape(f.rule.id(), true),
            escape(&editions::control::visible(&f.message.to_string()), false)
        )
    }

    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        writeln!(
            out,
            "::notice title=editions check::{} editions checked, {} errors, {} warnings",
            s.pairs, s.errors, s.warnings
        )
    }
}
