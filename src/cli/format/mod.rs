//! Output formats of `editions check`: one trait, one file per format.

mod github;
mod json;
mod sarif;
mod text;

use std::collections::BTreeMap;
use std::io::Write;

use clap::ValueEnum;
use editions::check::Rule;
use editions::check::{Finding, Level};

/// What a check run found, in figures.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub pairs: usize,
    pub missing_editions: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per rule id.
    pub rules: BTreeMap<&'static str, usize>,
    /// Links and images of the originals' bodies, and how many of them editions lost.
    pub body_links: usize,
    pub lost_links: usize,
    pub lost_images: usize,
    pub elapsed_ms: f64,
}

impl Summary {
    pub fn add(&mut self, f: &Finding) {
        match f.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
        }
        *self.rules.entry(f.rule.id()).or_default() += 1;
        match f.rule {
            Rule::LinksMissing => self.lost_links += 1,
            Rule::ImagesMissing => self.lost_images += 1,
            _ => {}
        }
    }
}

/// A way to print findings.
pub trait Report {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> std::io::Result<()>;
    fn summary(&mut self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()>;
}

/// The formats `--format` takes (described in `--format`'s help, so that every command's
/// help has one layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    // `file:line:col: level[rule]: message`, then a summary per rule.
    Text,
    // One JSON object per finding, one per line, then a summary object.
    Json,
    // GitHub Actions workflow annotations.
    Github,
    // SARIF 2.1.0, for GitHub code scanning and CI dashboards.
    Sarif,
}

pub fn report(format: Format) -> Box<dyn Report> {
    match format {
        Format::Text => Box::new(text::Text),
        Format::Json => Box::new(json::Json),
        Format::Github => Box::new(github::Github),
        Format::Sarif => Box::<sarif::Sarif>::default(),
    }
}
