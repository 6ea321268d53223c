//! Plain text: one line per finding, then a summary per rule.

use std::io::Write;

use editions::check::Finding;

use super::{Report, Summary};

pub struct Text;

impl Report for Text {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
        writeln!(out, "{f}")
    }

    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        writeln!(out)?;
        writeln!(
            out,
            "checked {} edition{} ({} missing): {} error{}, {} warning{}",
            s.pairs,
            if s.pairs == 1 { "" } else { "s" },
            s.missing_editions,
            s.errors,
            if s.errors == 1 { "" } else { "s" },
            s.warnings,
            if s.warnings == 1 { "" } else { "s" }
        )?;
        for (rule, n) in &s.rules {
            writeln!(out, "  {rule:<20} {n}")?;
        }
        if s.body_links > 0 {
            writeln!(
                out,
                "  body links and images of the originals: {}, missing from their editions: {} ({:.1} %), of which images: {}",
                s.body_links,
                s.lost_links + s.lost_images,
                100.0 * (s.lost_links + s.lost_images) as f64 / s.body_links as f64,
                s.lost_images
            )?;
        }
        Ok(())
    }
}
