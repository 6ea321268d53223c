//! `editions adopt`: take over editions that editions did not write.

use std::io::Write;
use std::path::Path;

use editions::lifecycle::adopt::{adopt, AdoptOptions};
use editions::lifecycle::LifecycleError;
use editions::memory::Memory;

use super::messages::say;
use super::{Failure, EXIT_FAILED, EXIT_OK};
use editions::config::Config;

/// Command-line settings of `adopt`.
#[derive(Debug, clap::Args)]
pub struct AdoptArgs {
    /// Issues by date (`YYYY-MM-DD`) or path.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub issues: Vec<String>,
    /// Every original the patterns of editions.toml match (`originals`, `other_originals`)
    /// that has an edition.
    #[arg(long)]
    pub all: bool,
    /// Print the report and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Locales whose editions to adopt (comma-separated; default: `targets` in editions.toml).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
}

pub fn run(
    root: &Path,
    config: &Config,
    args: &AdoptArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let project = config.project(root)?;
    let targets = config.targets(&args.to)?;
    let issues = config.issues(root, &args.issues, args.all)?;
    let mut memory = Memory::load(&project.memory)?;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let options = AdoptOptions {
        edition: None,
        dry_run: args.dry_run,
        today,
    };
    let (mut editions, mut segments, mut adopted, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    let (mut candidates, mut poor) = (0usize, 0usize);
    for issue in &issues {
        for &target in &targets {
            if args.all && !issue.edition(&project.layout, target).is_file() {
                continue;
            }
            let a = match adopt(&project, issue, target, &mut memory, &options) {
                Ok(a) => a,
                Err(LifecycleError::AlreadyRecorded { edition, .. }) if args.all => {
                    skipped += 1;
                    writeln!(
                        out,
                        "{}",
                        say("cli-adopt-recorded", &[("edition", &edition.display())])
                    )?;
                    continue;
                }
                Err(e @ LifecycleError::AlreadyRecorded { .. }) => {
                    return Err(Failure(e.into()).into())
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(u) = &a.poor {
                poor += 1;
                let at = match u.edition_line {
                    Some(l) => say(
                        "cli-adopt-poor-at",
                        &[("line", &u.line), ("edition-line", &l)],
                    ),
                    None => say("cli-adopt-poor-line", &[("line", &u.line)]),
                };
                writeln!(
                    out,
                    "{}",
                    say(
                        "cli-adopt-poor",
                        &[
                            ("edition", &a.edition.display()),
                            ("confident", &u.confident),
                            ("segments", &u.segments),
                            ("at", &at),
                        ]
                    )
                )?;
                continue;
            }
            editions += 1;
            segments += a.segments;
            adopted += a.adopted.len();
            candidates += a.candidates;
            writeln!(
                out,
                "{}",
                say(
                    "cli-adopted",
                    &[
                        ("edition", &a.edition.display()),
                        ("adopted", &a.adopted.len()),
                        ("segments", &a.segments),
                        ("percent", &percent(a.adopted.len(), a.segments))
                    ]
                )
            )?;
            for n in &a.not_adopted {
                let line = match n.edition_line {
                    Some(l) => say(
                        "cli-not-adopted-at",
                        &[
                            ("id", &n.id),
                            ("line", &n.line),
                            ("edition-line", &l),
                            ("why", &n.why),
                        ],
                    ),
                    None => say(
                        "cli-not-adopted",
                        &[("id", &n.id), ("line", &n.line), ("why", &n.why)],
                    ),
                };
                writeln!(out, "  - {line}")?;
            }
            for t in &a.terms {
                writeln!(
                    out,
                    "  - {}",
                    say(
                        "cli-adopted-term",
                        &[
                            ("id", &t.id),
                            ("edition-line", &t.edition_line),
                            ("why", &t.why)
                        ]
                    )
                )?;
            }
            if a.candidates > 0 {
                let key = if args.dry_run {
                    "cli-adopt-candidates-dry"
                } else {
                    "cli-adopt-candidates"
                };
                writeln!(
                    out,
                    "  {}",
                    say(
                        key,
                        &[
                            ("count", &a.candidates),
                            ("memory", &project.memory.display())
                        ]
                    )
                )?;
            }
            if a.again {
                writeln!(out, "  {}", say("cli-adopted-again", &[]))?;
            }
        }
    }
    if !args.dry_run {
        memory.compact()?;
    }
    if args.all || editions + poor > 1 {
        writeln!(
            out,
            "{}",
            say(
                "cli-adopted-total",
                &[
                    ("editions", &editions),
                    ("adopted", &adopted),
                    ("segments", &segments),
                    ("percent", &percent(adopted, segments)),
                    ("skipped", &skipped),
                    ("candidates", &candidates),
                    ("poor", &poor)
                ]
            )
        )?;
    }
    if args.dry_run {
        writeln!(out, "{}", say("cli-adopt-dry-run", &[]))?;
    }
    // An edition refused whole is a failure to report, as in check.
    Ok(if poor > 0 { EXIT_FAILED } else { EXIT_OK })
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0.0".into()
    } else {
        format!("{:.1}", part as f64 * 100.0 / whole as f64)
    }
}
