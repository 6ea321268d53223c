//! `editions rules`: what the boilerplate rules of editions.toml match, issue by issue, and
//! what to look at (rules too broad, recurring blocks no rule matches, rules never used).

use std::io::Write;
use std::path::Path;

use editions::edition::coverage::{self, Coverage, Warning};
use editions::edition::rules::Rule;
use editions::SourceText;

use super::messages::say;
use super::EXIT_OK;
use editions::config::Config;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Issues, by date or path (default: all).
    pub issues: Vec<String>,
    /// Every original the patterns match.
    #[arg(long)]
    pub all: bool,
    /// The locale whose rules apply (default: the first of `targets`).
    #[arg(long)]
    pub to: Option<String>,
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

/// `editions rules`: which block each rule matched in each issue, then what looks wrong
/// (rules too broad or unused, recurring blocks no rule matches).
pub fn run(
    root: &Path,
    config: &Config,
    args: &RulesArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let target = config.target(args.to.as_deref())?;
    let source = config.source_lang()?;
    let named = config.issues(root, &args.issues, args.all || args.issues.is_empty())?;
    let rules = &config.boilerplate;
    let mut issues: Vec<Coverage> = Vec::new();
    for found in &named {
        let text = SourceText::read(&found.original)?;
        let label = found
            .date
            .filter(|_| found.by_date)
            .map_or_else(|| found.original.display().to_string(), |d| d.to_string());
        let c = coverage::of_issue(&label, &text.text, rules, target.code(), source);
        print_matched(out, &label, &c, rules)?;
        issues.push(c);
    }
    let warnings = coverage::warnings(&issues, rules, args.repeats);
    for w in &warnings {
        writeln!(out, "{}", told(w, rules))?;
    }
    let matched: usize = issues.iter().map(|c| c.matched.len()).sum();
    writeln!(
        out,
        "{}",
        say(
            "rules-summary",
            &[
                ("issues", &issues.len()),
                ("matched", &matched),
                ("warnings", &warnings.len()),
            ]
        )
    )?;
    Ok(EXIT_OK)
}

/// One warning of the report, as said.
fn told(w: &Warning, rules: &[Rule]) -> String {
    match w {
        Warning::Broad {
            rule,
            distinct,
            one,
            other,
        } => say(
            "rules-broad",
            &[
                ("rule", &(rule + 1)),
                ("what", &rules[*rule].describe()),
                ("distinct", distinct),
                ("one", &shorten(&one.2)),
                ("one-issue", &one.0),
                ("one-line", &one.1),
                ("other", &shorten(&other.2)),
                ("other-issue", &other.0),
                ("other-line", &other.1),
            ],
        ),
        Warning::Unmatched { issues, example } => say(
            "rules-unmatched",
            &[
                ("text", &shorten(&example.2)),
                ("issues", issues),
                ("issue", &example.0),
                ("line", &example.1),
            ],
        ),
        Warning::Unused { rule } => say(
            "rules-unused",
            &[("rule", &(rule + 1)), ("what", &rules[*rule].describe())],
        ),
    }
}

/// An issue's label, then each block a rule matched in it.
fn print_matched(
    out: &mut dyn Write,
    label: &str,
    c: &Coverage,
    rules: &[Rule],
) -> anyhow::Result<()> {
    writeln!(out, "{label}")?;
    for m in &c.matched {
        writeln!(
            out,
            "  {}",
            say(
                "rules-matched",
                &[
                    ("line", &format!("{:>4}", m.line)),
                    ("rule", &format!("{:>2}", m.rule + 1)),
                    ("what", &rules[m.rule].describe()),
                    ("text", &shorten(&m.text)),
                ]
            )
        )?;
    }
    Ok(())
}
