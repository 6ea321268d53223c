//! JSON Lines: one object per finding, then one summary object.

use std::io::Write;

use editions::check::Finding;

use super::{Report, Summary};

pub struct Json;

impl Report for Json {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, f)?;
        writeln!(out)
    }

    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": s }))?;
        writeln!(out)
    }
}
