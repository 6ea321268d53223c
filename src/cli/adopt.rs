//! `editions adopt`: take over editions that editions did not write.

use std::io::Write;
use std::path::{Path, PathBuf};

use editions::edition::issue::Issue;
use editions::lifecycle::adopt::{adopt, AdoptOptions, Adoption, NotAdopted, TermNote, Uncertain};
use editions::lifecycle::{LifecycleError, Project};
use editions::memory::Memory;
use editions::Lang;

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
    let options = adopt_options(args);
    let mut totals = Totals::default();
    for issue in &issues {
        for &target in &targets {
            if args.all && !issue.edition(&project.layout, target).is_file() {
                continue;
            }
            match adopt_edition(&project, issue, target, &mut memory, &options, args.all)? {
                Adopted::Recorded(edition) => {
                    totals.skipped += 1;
                    print_recorded(out, &edition)?;
                }
                Adopted::Done(a) => {
                    totals.add(&a);
                    print_adoption(out, &a, args.dry_run, &project.memory)?;
                }
            }
        }
    }
    if !args.dry_run {
        memory.compact()?;
    }
    if args.all || totals.editions + totals.poor > 1 {
        totals.print(out)?;
    }
    if args.dry_run {
        writeln!(out, "{}", say("cli-adopt-dry-run", &[]))?;
    }
    // An edition refused whole is a failure to report, as in check.
    Ok(if totals.poor > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// The library's options from the arguments: entries dated today (UTC).
fn adopt_options(args: &AdoptArgs) -> AdoptOptions {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    AdoptOptions {
        edition: None,
        dry_run: args.dry_run,
        today,
    }
}

/// What adopting one edition came to.
enum Adopted {
    /// The edition was adopted before, and `--all` skips it: its path.
    Recorded(PathBuf),
    /// The library's report (the edition may have been refused whole: `poor`).
    Done(Adoption),
}

/// Adopts the edition of `issue` into `target`; one adopted before is skipped with `all`, a
/// failure to report without it.
fn adopt_edition(
    project: &Project,
    issue: &Issue,
    target: Lang,
    memory: &mut Memory,
    options: &AdoptOptions,
    all: bool,
) -> anyhow::Result<Adopted> {
    match adopt(project, issue, target, memory, options) {
        Ok(a) => Ok(Adopted::Done(a)),
        Err(LifecycleError::AlreadyRecorded { edition, .. }) if all => {
            Ok(Adopted::Recorded(edition))
        }
        Err(e @ LifecycleError::AlreadyRecorded { .. }) => Err(Failure(e.into()).into()),
        Err(e) => Err(e.into()),
    }
}

/// The figures of a run over several editions.
#[derive(Default)]
struct Totals {
    editions: usize,
    segments: usize,
    adopted: usize,
    skipped: usize,
    candidates: usize,
    poor: usize,
}

impl Totals {
    /// Counts one edition's adoption (or its refusal).
    fn add(&mut self, a: &Adoption) {
        if a.poor.is_some() {
            self.poor += 1;
            return;
        }
        self.editions += 1;
        self.segments += a.segments;
        self.adopted += a.adopted.len();
        self.candidates += a.candidates;
    }

    /// Prints the totals line.
    fn print(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{}",
            say(
                "cli-adopted-total",
                &[
                    ("editions", &self.editions),
                    ("adopted", &self.adopted),
                    ("segments", &self.segments),
                    ("percent", &percent(self.adopted, self.segments)),
                    ("skipped", &self.skipped),
                    ("candidates", &self.candidates),
                    ("poor", &self.poor)
                ]
            )
        )
    }
}

/// Says that the edition at `edition` was adopted before, and is skipped.
fn print_recorded(out: &mut dyn Write, edition: &Path) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        say("cli-adopt-recorded", &[("edition", &edition.display())])
    )
}

/// Prints what adopting one edition did: a refused edition's uncertain place, or the adopted
/// figures with the segments not adopted, the terms to look at, the candidates kept.
fn print_adoption(
    out: &mut dyn Write,
    a: &Adoption,
    dry_run: bool,
    memory: &Path,
) -> std::io::Result<()> {
    if let Some(u) = &a.poor {
        return print_poor(out, a, u);
    }
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
    print_not_adopted(out, &a.not_adopted)?;
    print_terms(out, &a.terms)?;
    if a.candidates > 0 {
        let key = if dry_run {
            "cli-adopt-candidates-dry"
        } else {
            "cli-adopt-candidates"
        };
        writeln!(
            out,
            "  {}",
            say(
                key,
                &[("count", &a.candidates), ("memory", &memory.display())]
            )
        )?;
    }
    if a.again {
        writeln!(out, "  {}", say("cli-adopted-again", &[]))?;
    }
    Ok(())
}

/// Says that an edition was refused whole, and where its pairing became uncertain.
fn print_poor(out: &mut dyn Write, a: &Adoption, u: &Uncertain) -> std::io::Result<()> {
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
    )
}

/// Lists the segments not adopted, with their lines and why.
fn print_not_adopted(out: &mut dyn Write, not_adopted: &[NotAdopted]) -> std::io::Result<()> {
    for n in not_adopted {
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
    Ok(())
}

/// Lists the glossary terms adopted sentences render otherwise.
fn print_terms(out: &mut dyn Write, terms: &[TermNote]) -> std::io::Result<()> {
    for t in terms {
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
    Ok(())
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0.0".into()
    } else {
        format!("{:.1}", part as f64 * 100.0 / whole as f64)
    }
}
