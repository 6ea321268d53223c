//! `editions rules`: what the boilerplate rules of editions.toml match, issue by issue, and
//! what to look at (rules too broad, recurring blocks no rule matches, rules never used).

use std::io::Write;
use std::path::Path;

use editions::edition::coverage::{self, Coverage, Warning};
use editions::edition::issue;
use editions::{Lang, SourceText};

use super::config::Config;
use super::EXIT_OK;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Issues, by date or path (default: all).
    pub issues: Vec<String>,
    /// Every original the patterns match.
    #[arg(long)]
    pub all: bool,
    /// The locale whose rules apply (default: the first of `targets`).
    #[arg(long)]
    pub to: Option<Lang>,
    /// A block found in at least this many issues is fixed text.
    #[arg(long, default_value_t = 4)]
    pub repeats: usize,
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    editions::control::visible(&out).into_owned()
}

pub fn run(
    root: &Path,
    config: &Config,
    args: &RulesArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let target = match args.to {
        Some(t) => t,
        None => *config.targets(&[])?.first().unwrap_or(&Lang::En),
    };
    let source = config.source_lang()?;
    let names = if args.all || args.issues.is_empty() {
        config.all_issues(root)
    } else {
        args.issues.clone()
    };
    let rules = &config.boilerplate;
    let mut issues: Vec<Coverage> = Vec::new();
    for name in &names {
        let found = issue::resolve(&config.layout(root), name)?;
        let text = SourceText::read(&found.original)?;
        let label = found
            .date
            .clone()
            .filter(|_| found.by_date)
            .unwrap_or_else(|| found.original.display().to_string());
        let c = coverage::of_issue(&label, &text.text, rules, target.code(), source);
        writeln!(out, "{label}")?;
        for m in &c.matched {
            writeln!(
                out,
                "  line {:>4}  rule {:>2} ({})  {}",
                m.line,
                m.rule + 1,
                rules[m.rule].describe(),
                shorten(&m.text)
            )?;
        }
        issues.push(c);
    }
    let warnings = coverage::warnings(&issues, rules, args.repeats);
    for w in &warnings {
        let line = match w {
            Warning::Broad { rule, distinct, one, other } => format!(
                "warning: rule {} ({}) matched {distinct} different texts, some unlike the others: `{}` ({} line {}) and `{}` ({} line {}); narrow it with `contains`",
                rule + 1,
                rules[*rule].describe(),
                shorten(&one.2),
                one.0,
                one.1,
                shorten(&other.2),
                other.0,
                other.1
            ),
            Warning::Unmatched { issues, example } => format!(
                "warning: `{}` is in {issues} issues ({} line {}) and no rule matches it: it is sent to the model; add a [[boilerplate]] rule if it is the newsletter's fixed text",
                shorten(&example.2),
                example.0,
                example.1
            ),
            Warning::Unused { rule } => format!(
                "warning: rule {} ({}) matched nothing in these issues",
                rule + 1,
                rules[*rule].describe()
            ),
        };
        writeln!(out, "{line}")?;
    }
    let matched: usize = issues.iter().map(|c| c.matched.len()).sum();
    writeln!(
        out,
        "{} issues; the rules matched {matched} blocks; {} warnings",
        issues.len(),
        warnings.len()
    )?;
    Ok(EXIT_OK)
}
