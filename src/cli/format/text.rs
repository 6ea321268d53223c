//! Plain text: one line per finding, then a summary per rule.

use std::io::Write;

use editions::check::Finding;

use super::{Report, Summary};
use crate::cli::messages::say;

pub struct Text;

impl Report for Text {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
        writeln!(out, "{f}")
    }

    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            say(
                "check-summary",
                &[
                    ("editions", &s.pairs),
                    ("missing", &s.missing_editions),
                    ("errors", &s.errors),
                    ("warnings", &s.warnings),
                ]
            )
        )?;
        for (rule, n) in &s.rules {
            writeln!(out, "  {rule:<20} {n}")?;
        }
        if s.body_links > 0 {
            let lost = s.lost_links + s.lost_images;
            writeln!(
                out,
                "  {}",
                say(
                    "check-links",
                    &[
                        ("links", &s.body_links),
                        ("lost", &lost),
                        (
                            "percent",
                            &format!("{:.1}", 100.0 * lost as f64 / s.body_links as f64)
                        ),
                        ("images", &s.lost_images),
                    ]
                )
            )?;
        }
        Ok(())
    }
}
