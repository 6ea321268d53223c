//! `editions translate`: an issue (by date) or any Markdown file into its editions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use unicode_width::UnicodeWidthStr;

use anyhow::Context;

use editions::edition::issue::Issue;
use editions::lifecycle::Project;
use editions::lifecycle::{self, Effect, Job, LifecycleError, Outcome, State};
use editions::markdown::dialect::Dialect;
use editions::memory::Memory;
use editions::model::run::{Plan, Settings, Summary, TranslateError};
use editions::model::{Model, DEFAULT_BASE_URL};
use editions::Lang;

use super::messages::{hinted, say};
use super::progress::{Bar, JobBar, RunBar};
use super::{Failure, EXIT_OK};
use editions::config::Config;

/// Command-line settings of `translate`; each overrides its key in `editions.toml`.
#[derive(Debug, clap::Args)]
pub struct TranslateArgs {
    /// Issues: dates (`YYYY-MM-DD`) or paths of Markdown files.
    pub issues: Vec<String>,
    /// Every original the patterns of editions.toml match (`originals`, `other_originals`).
    #[arg(long)]
    pub all: bool,
    /// Only the editions that do not exist yet (of the issues named, or of all).
    #[arg(long)]
    pub missing: bool,
    /// Only the editions whose original changed since they were written (of the issues
    /// named, or of all).
    #[arg(long)]
    pub stale: bool,
    /// Only the issues dated on or after this date (of the issues named, or of all).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Locales to translate into (comma-separated; default: `targets` in editions.toml).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// Where to write the edition (only with a single locale).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Send nothing: print the batches, a token estimate and a cost estimate.
    #[arg(long)]
    pub dry_run: bool,
    /// The model's name (overrides `[model] name`).
    #[arg(long)]
    pub model: Option<String>,
    /// Requests in flight at once, for the whole run (overrides `[model] concurrency`).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Seconds allowed for one request attempt (overrides `[model] timeout`).
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Character budget of a batch (overrides `[model] batch_chars`).
    #[arg(long)]
    pub batch_chars: Option<usize>,
    /// Replace the existing edition without keeping its hand edits.
    #[arg(long)]
    pub retranslate: bool,
    /// With --dry-run: print every request exactly as it would be sent.
    #[arg(long, requires = "dry_run")]
    pub show_prompts: bool,
    /// Ask the model again for segments the memory has from a model (a new model, say);
    /// approved translations (hand edits, imports, adopted editions) stay.
    #[arg(long)]
    pub refresh: bool,
    /// How to print the run's summary: text (a table), or json (one object).
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Send the requests as a job of the provider's Batch API: about half the price, answers
    /// within its completion window (overrides `[model] batch_api`).
    #[arg(long)]
    pub batch_api: bool,
    /// The quality pass: the model rates each new translation against its source (accuracy,
    /// omission, terminology, fluency) and those under `[model] qa_threshold` are asked again
    /// once; the ratings go to the memory and the review (overrides `[model] qa`).
    #[arg(long)]
    pub qa: bool,
}

/// The way forward when segments could not be translated: they are written, with their
/// source text, to a JSON file ready to fill in and import; the hint names it.
fn way_forward(
    project: &Project,
    issue: &Issue,
    target: Lang,
    failures: &[editions::model::run::SegmentFailure],
) -> anyhow::Result<String> {
    let source = editions::SourceText::read(&issue.original)?;
    let doc = editions::Document::parse(&source.text, &project.options);
    let todo: std::collections::BTreeMap<&str, &str> = doc
        .segments()
        .filter(|s| failures.iter().any(|f| f.id == s.id))
        .map(|s| (s.id.as_str(), s.tagged.as_str()))
        .collect();
    let stem = issue
        .original
        .file_stem()
        .map_or_else(|| "issue".into(), |s| s.to_string_lossy().into_owned());
    let file = project
        .layout
        .root
        .join(".editions")
        .join("failed")
        .join(target.code())
        .join(format!("{stem}.json"));
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(&todo)?;
    text.push('\n');
    editions::file::write_atomically(&file, text.as_bytes())?;
    Ok(format!(
        "\n  {}",
        say(
            "hint",
            &[(
                "hint",
                &say(
                    "cli-by-hand",
                    &[
                        ("file", &file.display()),
                        ("original", &issue.original.display()),
                        ("locale", &target),
                    ]
                )
            )]
        )
    ))
}

/// `--show-prompts`: print each planned request's messages.
static SHOW_PROMPTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// No model is configured (no `OPENAI_API_KEY`): a dry run that plans requests says a real run
/// would stop.
static NO_MODEL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The formats of `translate`'s summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
}

impl TranslateArgs {
    /// Puts the flags given over the config's values; a value out of range is an error that
    /// names its flag, before anything is done.
    fn apply(&self, config: &mut Config) -> anyhow::Result<()> {
        let before = config.model.values();
        if let Some(m) = &self.model {
            config.model.name = m.clone();
        }
        if let Some(c) = self.concurrency {
            config.model.concurrency = c;
        }
        if let Some(t) = self.timeout {
            config.model.timeout = t;
        }
        if let Some(b) = self.batch_chars {
            config.model.batch_chars = b;
        }
        if self.batch_api {
            config.model.batch_api = true;
        }
        if self.qa {
            config.model.qa = true;
        }
        for ((key, old), (_, new)) in before.iter().zip(config.model.values()) {
            if old != &new {
                if let Some(problem) = new.problem() {
                    let flag = key.replace('_', "-");
                    anyhow::bail!(
                        "{}",
                        hinted(
                            "cli-bad-flag",
                            &[
                                ("flag", &flag),
                                ("value", &new.shown()),
                                ("problem", &problem),
                                ("range", &new.range()),
                            ]
                        )
                    );
                }
            }
        }
        Ok(())
    }
}

/// `editions translate`: the issues and editions named, where the run writes (checked
/// before anything is paid for), the model, then one edition or many.
pub fn run(
    root: &Path,
    mut config: Config,
    args: &TranslateArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    args.apply(&mut config)?;
    SHOW_PROMPTS.store(args.show_prompts, std::sync::atomic::Ordering::Relaxed);
    let project = config.project(root)?;
    let targets = config.targets(&args.to)?;
    let selecting = args.all || args.missing || args.stale || args.since.is_some();
    let (project, issues) = named_issues(root, &config, args, selecting, project)?;
    // The editions to bring up to date, each issue in each locale.
    let selection = lifecycle::many::Selection {
        missing: args.missing,
        stale: args.stale,
    };
    let jobs = lifecycle::many::select(&project, &issues, &targets, selection);
    // A batch job is shown as a run: its state on the bar, its prices in the table.
    let many = issues.len() > 1
        || selecting
        || config.model.batch_api
        || args.format == SummaryFormat::Json;
    if args.out.is_some() && (targets.len() > 1 || many) {
        anyhow::bail!(
            "{}",
            hinted("cli-one-out", &[("count", &jobs.len().max(targets.len()))])
        );
    }
    let places = destinations(&project, &config, args, &jobs);
    remove_stale_probes(&places);
    // A dry run checks what a real run would, writability included.
    if args.dry_run {
        writable(&places)?;
    }
    let memory = Mutex::new(Memory::load(&project.memory)?);
    let model = model_for(root, &config, places)?;
    NO_MODEL.store(model.is_none(), std::sync::atomic::Ordering::Relaxed);
    let today = today();
    for issue in issues.iter().filter(|issue| issue.date.is_none()) {
        let original = issue.original.display();
        let said = say(
            "cli-date-today",
            &[("original", &original), ("date", &today)],
        );
        writeln!(out, "{said}")?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let translating = Translating {
        runtime: &runtime,
        project: &project,
        config: &config,
        args,
        memory: &memory,
        model: model.as_ref(),
        today: &today,
    };
    let result = if many {
        many_editions(&translating, &jobs, out)
    } else {
        each_target(&translating, &issues[0], &targets, out)
    };
    // What this run appended is sorted into the file, with what other runs appended meanwhile.
    let compacted = memory.into_inner().expect("memory lock").compact();
    let code = result?;
    compacted?;
    Ok(code)
}

/// What one `translate` run works with, once its arguments are read.
#[derive(Clone, Copy)]
struct Translating<'a> {
    runtime: &'a tokio::runtime::Runtime,
    project: &'a Project,
    config: &'a Config,
    args: &'a TranslateArgs,
    memory: &'a Mutex<Memory>,
    model: Option<&'a Model>,
    today: &'a str,
}

impl Translating<'_> {
    /// The job of bringing the `target` edition of `issue` up to date, as the arguments ask
    /// (written to `out` instead of beside the original, as a stream when `stream`).
    fn job<'i>(
        &self,
        issue: &'i Issue,
        target: Lang,
        out: Option<PathBuf>,
        stream: bool,
    ) -> Job<'i> {
        let args = self.args;
        Job {
            issue,
            target,
            out,
            stream,
            dry_run: args.dry_run,
            retranslate: args.retranslate,
            settings: Settings {
                refresh: args.refresh,
                ..self
                    .config
                    .run_settings(self.project.options.source, target, self.today)
            },
            today: self.today.to_string(),
        }
    }
}

/// The issues the arguments name (all of them when selecting by kind or
/// date), those before `--since` left out. A file named by its path belongs to the site
/// around it: its dialect is detected there unless configured.
fn named_issues(
    root: &Path,
    config: &Config,
    args: &TranslateArgs,
    selecting: bool,
    mut project: Project,
) -> anyhow::Result<(Project, Vec<Issue>)> {
    let since: Option<jiff::civil::Date> = match &args.since {
        Some(since) => Some(since.parse().map_err(|_| {
            anyhow::anyhow!("{}", hinted("cli-since-not-a-date", &[("since", since)]))
        })?),
        None => None,
    };
    let named = config.issues(root, &args.issues, args.issues.is_empty() && selecting)?;
    if named.is_empty() {
        anyhow::bail!("{}", hinted("cli-no-issue", &[]));
    }
    if config.markdown.dialect.is_none() {
        if let Some((dialect, _)) = Dialect::detect(&named[0].original) {
            project.options.dialect = dialect;
        }
    }
    let issues = named
        .into_iter()
        .filter(|issue| match (since, issue.date) {
            (Some(since), Some(date)) => date >= since,
            _ => true,
        })
        .collect();
    Ok((project, issues))
}

/// Where this run writes, which must take writing before anything is paid for: checked
/// before the first request (a run that sends nothing writes nothing either). A stream (`-o
/// -`, a pipe, a device) is written as it is.
fn destinations(
    project: &Project,
    config: &Config,
    args: &TranslateArgs,
    jobs: &[(&Issue, Lang)],
) -> Vec<PathBuf> {
    let mut places = vec![project.memory.clone()];
    if args.out.as_deref().is_none_or(|o| !is_stream(o)) {
        for &(issue, target) in jobs {
            let job = Job {
                issue,
                target,
                out: args.out.clone(),
                stream: false,
                dry_run: false,
                retranslate: false,
                settings: config.run_settings(project.options.source, target, ""),
                today: String::new(),
            };
            let (edition, record) = lifecycle::paths(project, &job);
            places.push(edition);
            places.push(record);
        }
    }
    places
}

/// The model the environment names, if any, checking that `places` take writing before its
/// first request, and sending through the Batch API when configured.
fn model_for(root: &Path, config: &Config, places: Vec<PathBuf>) -> anyhow::Result<Option<Model>> {
    Ok(model_from_env(config)?.map(|m| {
        let m = m
            .with_concurrency(config.model.concurrency)
            .with_preflight(Box::new(move || {
                writable(&places).map_err(|e| e.to_string())
            }));
        if config.model.batch_api {
            m.with_batch_api(config.batch_settings(root))
        } else {
            m
        }
    }))
}

/// Removes the write probes a killed run left in the folders of `files` (their process is
/// gone; told by `/proc`, where there is one).
fn remove_stale_probes(files: &[PathBuf]) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let dirs: std::collections::BTreeSet<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let gone = name
                .strip_prefix(".editions-write-check-")
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if gone {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// An error unless each of `files` can be written (checked before a run's first request, and
/// by a dry run): an existing one must be a regular file that is not read-only (or a link to
/// one), and its folder (the nearest existing one, for folders to be made) must take a new
/// file.
fn writable(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut checked = std::collections::HashSet::new();
    for file in files {
        if let Ok(meta) = std::fs::metadata(file) {
            if !meta.is_file() {
                anyhow::bail!(
                    "{}",
                    hinted("cli-out-not-a-file", &[("path", &file.display())])
                );
            }
        }
        editions::file::destination(file)?;
        let mut dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        if dir.as_os_str().is_empty() {
            dir = PathBuf::from(".");
        }
        while !dir.exists() {
            match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => dir = p.to_path_buf(),
                _ => {
                    dir = PathBuf::from(".");
                    break;
                }
            }
        }
        if !checked.insert(dir.clone()) {
            continue;
        }
        let probe = dir.join(format!(".editions-write-check-{}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
            }
            Err(e) => anyhow::bail!(
                "{}",
                hinted(
                    "cli-cannot-write-in",
                    &[
                        ("dir", &dir.display()),
                        ("error", &e.kind()),
                        ("path", &file.display())
                    ]
                )
            ),
        }
    }
    Ok(())
}

fn locale_code<S: serde::Serializer>(lang: &Lang, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(lang.code())
}

/// One row of a run's table.
#[derive(serde::Serialize)]
struct Row {
    issue: String,
    edition: String,
    #[serde(serialize_with = "locale_code")]
    locale: Lang,
    segments: usize,
    requests: u64,
    cost: f64,
    /// Prompt and completion tokens.
    tokens: (u64, u64),
    /// How answers were asked for (`json_schema`, `json_object`, `text`), if anything was.
    answer_format: Option<editions::model::client::AnswerFormat>,
    result: String,
    /// Hand edits kept, and conflicts, in this edition.
    hand_edits: usize,
    conflicts: usize,
    /// Segments translated anew because their original changed.
    updated: usize,
    /// Published paragraphs `adopt` could not vouch for that this run replaced.
    published_replaced: usize,
    /// Memory entries found and not used (their segments were asked again).
    asked_again: usize,
    #[serde(skip)]
    failed: bool,
}

/// Many editions in one process ([`lifecycle::many`]): one bar, then a table; exit 1 if any
/// edition failed, with the others written.
fn many_editions(
    run: &Translating<'_>,
    jobs: &[(&Issue, Lang)],
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let Translating {
        runtime,
        project,
        config,
        args,
        memory,
        model,
        ..
    } = *run;
    let bar = RunBar::new(jobs.len(), model);
    let work: Vec<Job<'_>> = jobs
        .iter()
        .map(|&(issue, target)| run.job(issue, target, None, false))
        .collect();
    let bars: Vec<JobBar<'_, '_>> = work
        .iter()
        .map(|j| bar.job(format!("{} ({})", Issue::label(j.issue), j.target)))
        .collect();
    let results = runtime.block_on(async {
        let all = lifecycle::many::update_many(project, &work, memory, model, &bars);
        // The bar is redrawn while nothing reports (a batch job being polled).
        let ticking = async {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                bar.tick();
            }
        };
        tokio::select! {
            r = all => Ok(r),
            code = interrupted() => Err(code),
            _ = ticking => unreachable!("the ticker never ends"),
        }
    });
    bar.finish();
    let results = results.map_err(|code| super::Interrupted {
        code,
        message: say("cli-interrupted", &[("memory", &project.memory.display())]),
    })?;
    let mut rows = Vec::new();
    for (result, job) in results.into_iter().zip(&work) {
        match result {
            Ok(outcome) => {
                if args.format == SummaryFormat::Text {
                    present_brief(out, &outcome, config)?;
                }
                rows.push(Row::written(job, &outcome));
            }
            // A server that cannot be used fails every edition alike: stop at once.
            Err(LifecycleError::Translate(TranslateError::Model(e))) if e.is_fatal() => {
                return Err(e.into());
            }
            Err(e) => rows.push(Row::failed(project, job, &e)?),
        }
    }
    let batch = model.and_then(Model::batch_status);
    if args.format == SummaryFormat::Json {
        print_json(out, &rows, batch.as_ref())?;
    } else {
        print_table(out, &rows)?;
        let requests: u64 = rows
            .iter()
            .filter(|r| r.result == "planned")
            .map(|r| r.requests)
            .sum();
        no_model(out, requests)?;
        if let Some(status) = &batch {
            print_batch(out, status, &rows, config)?;
        }
    }
    Ok(if rows.iter().any(|r| r.failed) {
        super::EXIT_FAILED
    } else {
        EXIT_OK
    })
}

impl Row {
    /// The row of an edition brought up to date (or planned).
    fn written(job: &Job<'_>, outcome: &Outcome) -> Row {
        let (summary, result) = match &outcome.effect {
            Effect::Written { summary, .. } => (summary.clone(), "written"),
            Effect::Unchanged { summary } => (summary.clone(), "unchanged"),
            // A dry run with nothing to send says the edition would be written, from the
            // memory alone.
            Effect::Planned(plan) => (
                Summary {
                    segments: plan.segments,
                    memory_hits: plan.memory_hits,
                    requests: plan.batches.len() as u64,
                    cost: plan.cost,
                    ..Summary::default()
                },
                if plan.batches.is_empty() {
                    "from-memory"
                } else {
                    "planned"
                },
            ),
        };
        Row {
            issue: Issue::label(job.issue),
            edition: outcome.edition.display().to_string(),
            hand_edits: outcome.hand_edits.len(),
            conflicts: outcome.conflicts.len(),
            updated: outcome.count(State::Changed),
            published_replaced: outcome.published_replaced,
            asked_again: outcome.bad_entries.len(),
            locale: job.target,
            segments: summary.segments,
            requests: summary.requests,
            cost: summary.cost,
            tokens: (summary.prompt_tokens, summary.completion_tokens),
            answer_format: summary.answer_format,
            result: result.to_string(),
            failed: false,
        }
    }

    /// The row of an edition that failed, its error told on standard error with the way
    /// forward.
    fn failed(project: &Project, job: &Job<'_>, e: &LifecycleError) -> anyhow::Result<Row> {
        let issue = Issue::label(job.issue);
        let summary = match e {
            LifecycleError::Translate(TranslateError::Segments { summary, .. }) => {
                (**summary).clone()
            }
            _ => Summary::default(),
        };
        let mut text = e.to_string();
        if let LifecycleError::Translate(TranslateError::Segments { failures, .. }) = e {
            text.push_str(&way_forward(project, job.issue, job.target, failures)?);
        }
        eprintln!(
            "{}",
            say(
                "cli-error",
                &[(
                    "message",
                    &format!(
                        "{} ({}): {}",
                        issue,
                        job.target,
                        editions::control::visible(&text)
                    )
                )]
            )
        );
        Ok(Row {
            issue,
            edition: job
                .issue
                .edition(&project.layout, job.target)
                .display()
                .to_string(),
            hand_edits: 0,
            conflicts: 0,
            updated: 0,
            published_replaced: 0,
            asked_again: 0,
            locale: job.target,
            segments: summary.segments,
            requests: summary.requests,
            cost: summary.cost,
            tokens: (summary.prompt_tokens, summary.completion_tokens),
            answer_format: summary.answer_format,
            result: format!("failed: {}", text.lines().next().unwrap_or_default()),
            failed: true,
        })
    }
}

/// The run's table as JSON (`--format json`), with its totals and batch jobs.
fn print_json(
    out: &mut dyn Write,
    rows: &[Row],
    batch: Option<&editions::model::batch_job::JobStatus>,
) -> anyhow::Result<()> {
    // `+ 0.0`: the sum of nothing is -0.0, which prints as `-0`.
    let total = |f: fn(&Row) -> f64| rows.iter().map(f).sum::<f64>() + 0.0;
    let json = serde_json::json!({
        "editions": rows,
        "total": {
            "segments": total(|r| r.segments as f64) as u64,
            "requests": total(|r| r.requests as f64) as u64,
            "prompt_tokens": total(|r| r.tokens.0 as f64) as u64,
            "completion_tokens": total(|r| r.tokens.1 as f64) as u64,
            "cost": total(|r| r.cost),
            "written": rows.iter().filter(|r| r.result == "written").count(),
            "unchanged": rows.iter().filter(|r| r.result == "unchanged").count(),
            "failed": rows.iter().filter(|r| r.failed).count(),
        },
        "batch_jobs": batch.map(|b| serde_json::json!({"created": b.created, "resumed": b.resumed})),
    });
    writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    Ok(())
}

/// What the batch jobs did, and the run's cost at both prices.
fn print_batch(
    out: &mut dyn Write,
    status: &editions::model::batch_job::JobStatus,
    rows: &[Row],
    config: &Config,
) -> anyhow::Result<()> {
    let batch: f64 = rows.iter().map(|r| r.cost).sum();
    // The same tokens at the synchronous prices.
    let synchronous = config.price().cost(
        rows.iter().map(|r| r.tokens.0).sum(),
        rows.iter().map(|r| r.tokens.1).sum(),
    );
    writeln!(
        out,
        "{}",
        say(
            "cli-batch-jobs",
            &[
                ("created", &status.created),
                ("resumed", &status.resumed),
                ("cost", &format!("{batch:.4}")),
                ("synchronous", &format!("{synchronous:.4}")),
            ]
        )
    )?;
    Ok(())
}

/// `text` padded with spaces to `width` columns of a terminal, on the left when `right`.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// The run's table: one row per edition, then the totals.
fn print_table(out: &mut dyn Write, rows: &[Row]) -> anyhow::Result<()> {
    let head = |id: &str| say(id, &[]);
    let (issue, total) = (head("cli-table-issue"), head("cli-table-total"));
    let width = rows
        .iter()
        .map(|r| r.issue.width())
        .chain([issue.width(), total.width()])
        .max()
        .unwrap_or(5);
    writeln!(
        out,
        "{}  {}  {}  {}  {}  {}",
        pad(&issue, width, false),
        pad(&head("cli-table-locale"), 6, false),
        pad(&head("cli-table-segments"), 8, true),
        pad(&head("cli-table-requests"), 8, true),
        pad(&head("cli-table-cost"), 8, true),
        head("cli-table-result")
    )?;
    let line = |out: &mut dyn Write, cells: [&str; 6]| {
        writeln!(
            out,
            "{}  {}  {}  {}  {}  {}",
            pad(cells[0], width, false),
            pad(cells[1], 6, false),
            pad(cells[2], 8, true),
            pad(cells[3], 8, true),
            pad(cells[4], 8, true),
            cells[5]
        )
    };
    for r in rows {
        let result = match r.result.as_str() {
            "written" | "unchanged" | "planned" | "from-memory" => {
                head(&format!("cli-result-{}", r.result))
            }
            other => match other.strip_prefix("failed: ") {
                Some(error) => say("cli-result-failed", &[("error", &error)]),
                None => other.to_string(),
            },
        };
        line(
            out,
            [
                &r.issue,
                r.locale.code(),
                &r.segments.to_string(),
                &r.requests.to_string(),
                &format!("${:.4}", r.cost),
                &result,
            ],
        )?;
    }
    let count = |result: &str| rows.iter().filter(|r| r.result == result).count();
    let failed = rows.iter().filter(|r| r.failed).count();
    let totals = if rows
        .iter()
        .any(|r| matches!(r.result.as_str(), "planned" | "from-memory"))
    {
        // A dry run's.
        say(
            "cli-table-totals-planned",
            &[
                ("planned", &count("planned")),
                ("memory", &count("from-memory")),
                ("unchanged", &count("unchanged")),
                ("failed", &failed),
            ],
        )
    } else {
        say(
            "cli-table-totals",
            &[
                ("written", &count("written")),
                ("unchanged", &count("unchanged")),
                ("failed", &failed),
            ],
        )
    };
    line(
        out,
        [
            &total,
            "",
            &rows.iter().map(|r| r.segments).sum::<usize>().to_string(),
            &rows.iter().map(|r| r.requests).sum::<u64>().to_string(),
            &format!("${:.4}", rows.iter().map(|r| r.cost).sum::<f64>() + 0.0),
            &totals,
        ],
    )?;
    Ok(())
}

fn each_target(
    run: &Translating<'_>,
    issue: &Issue,
    targets: &[Lang],
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let Translating {
        runtime,
        project,
        config,
        args,
        memory,
        model,
        ..
    } = *run;
    for &target in targets {
        let stream = args.out.as_deref().is_some_and(is_stream);
        let job = run.job(issue, target, args.out.clone(), stream);
        let bar = Bar::new(&format!("{target}"));
        let result = runtime.block_on(async {
            tokio::select! {
                r = lifecycle::update(project, &job, memory, model, &bar) => Ok(r),
                code = interrupted() => Err(code),
            }
        });
        bar.finish();
        let result = match result {
            Ok(r) => r,
            Err(code) => {
                return Err(super::Interrupted {
                    code,
                    message: say("cli-interrupted", &[("memory", &project.memory.display())]),
                }
                .into())
            }
        };
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(LifecycleError::Translate(e @ TranslateError::Segments { .. })) => {
                let TranslateError::Segments {
                    summary, failures, ..
                } = &e
                else {
                    unreachable!("matched above")
                };
                // With `-o -` standard output is the edition's: the summary goes beside it.
                let said: &mut dyn Write = if stream { &mut std::io::stderr() } else { out };
                if !(stream && super::quiet()) {
                    print_summary(said, &issue.original, None, target, summary)?;
                }
                let forward = way_forward(project, issue, target, failures)?;
                return Err(Failure(anyhow::anyhow!("{e}{forward}")).into());
            }
            Err(
                e @ (LifecycleError::Unplaceable { .. }
                | LifecycleError::UnreadableEdit { .. }
                | LifecycleError::NoRecord { .. }
                | LifecycleError::Check { .. }
                | LifecycleError::Merge(_)),
            ) => return Err(Failure(e.into()).into()),
            Err(e) => return Err(e.into()),
        };
        match (&outcome.effect, &args.out) {
            // The edition is what the stream gets; what the run says goes to standard error.
            (Effect::Written { text, .. }, Some(to)) if stream => {
                write_stream(to, text, out)?;
                if !super::quiet() {
                    present(&mut std::io::stderr(), &outcome, config)?;
                }
            }
            _ => present(out, &outcome, config)?,
        }
    }
    Ok(EXIT_OK)
}

/// Whether `-o` names a stream: `-` (standard output), or a file that is not a regular one and
/// is written as it is, never replaced or read (a pipe, `/dev/stdout`, a terminal).
pub fn is_stream(path: &Path) -> bool {
    if path == Path::new("-") {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(m) = std::fs::metadata(path) {
            let t = m.file_type();
            return t.is_fifo() || t.is_char_device();
        }
    }
    false
}

/// Writes an edition to a stream: `-` is standard output.
fn write_stream(to: &Path, text: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    if to == Path::new("-") {
        out.write_all(text.as_bytes())?;
        return Ok(out.flush()?);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(to)
        .with_context(|| format!("cannot write `{}`", to.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM (what CI runners and `timeout` send), with the exit
/// code it calls for (130 or 143, as a shell reports a process the signal ended). Once listened
/// for, they no longer end the process at once: it stops at the next await, drops what it was
/// doing (temporary files included) and leaves the memory valid.
async fn interrupted() -> u8 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => super::EXIT_SIGINT,
                    _ = term.recv() => super::EXIT_SIGTERM,
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                super::EXIT_SIGINT
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        super::EXIT_SIGINT
    }
}

/// Prints what a run did to one edition: its plan, or the update's lists, diff and figures.
fn present(out: &mut dyn Write, o: &Outcome, config: &Config) -> anyhow::Result<()> {
    present_with(out, o, config, false)
}

/// What a run over many editions says of one: what needs a person's attention (entries passed
/// over, hand edits kept, conflicts); its figures go in the run's table.
fn present_brief(out: &mut dyn Write, o: &Outcome, config: &Config) -> anyhow::Result<()> {
    present_with(out, o, config, true)
}

fn present_with(
    out: &mut dyn Write,
    o: &Outcome,
    config: &Config,
    brief: bool,
) -> anyhow::Result<()> {
    let edition = o.edition.display().to_string();
    if let Effect::Planned(plan) = &o.effect {
        if brief {
            return Ok(());
        }
        return print_plan(out, &o.original, o.target, plan, config);
    }
    print_attention(out, o, config, &edition)?;
    if brief {
        return Ok(());
    }
    let summary = print_effect(out, o, &edition)?;
    print_summary(out, &o.original, Some(&o.edition), o.target, summary)
}

/// What of a written or unchanged edition needs a person's attention, and how many segments
/// changed: entries passed over, hand edits kept, conflicts, a record rederived, published
/// translations replaced.
fn print_attention(
    out: &mut dyn Write,
    o: &Outcome,
    config: &Config,
    edition: &str,
) -> anyhow::Result<()> {
    print_bad_entries(out, o, config, edition)?;
    print_hand_edits(out, o, edition)?;
    let changed = o.count(State::Changed);
    if changed > 0 {
        writeln!(
            out,
            "{}",
            say("cli-updated", &[("count", &changed), ("edition", &edition)])
        )?;
    }
    print_conflicts(out, o, config, edition)?;
    print_rederived(out, o, edition)?;
    if o.published_replaced > 0 {
        writeln!(
            out,
            "{}",
            say(
                "cli-published-replaced",
                &[
                    ("count", &o.published_replaced),
                    ("edition", &edition),
                    ("memory", &config.memory)
                ]
            )
        )?;
    }
    Ok(())
}

/// The memory's entries the run passed over, each with where it is and why.
fn print_bad_entries(
    out: &mut dyn Write,
    o: &Outcome,
    config: &Config,
    edition: &str,
) -> anyhow::Result<()> {
    for b in &o.bad_entries {
        let key = if b.memory_line.is_some() {
            "cli-bad-entry"
        } else {
            "cli-bad-entry-new"
        };
        writeln!(
            out,
            "{}",
            say(
                key,
                &[
                    ("edition", &edition),
                    ("memory", &config.memory),
                    ("memory-line", &b.memory_line.unwrap_or(0)),
                    ("id", &b.id),
                    ("line", &b.line),
                    ("why", &editions::control::visible(&b.why).into_owned())
                ]
            )
        )?;
    }
    Ok(())
}

/// The hand edits of the edition the run kept, segment by segment.
fn print_hand_edits(out: &mut dyn Write, o: &Outcome, edition: &str) -> anyhow::Result<()> {
    if o.hand_edits.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        say(
            "cli-kept-hand-edits",
            &[("count", &o.hand_edits.len()), ("edition", &edition)]
        )
    )?;
    for e in &o.hand_edits {
        writeln!(
            out,
            "  - {}",
            say(
                "cli-segment-at",
                &[("id", &e.id), ("line", &e.edition_line)]
            )
        )?;
    }
    Ok(())
}

/// The conflicts between hand edits and the new translation, one by one.
fn print_conflicts(
    out: &mut dyn Write,
    o: &Outcome,
    config: &Config,
    edition: &str,
) -> anyhow::Result<()> {
    if o.conflicts.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        say(
            "cli-conflicts",
            &[("count", &o.conflicts.len()), ("edition", &edition)]
        )
    )?;
    for c in &o.conflicts {
        let key = match (&c.id, &c.hand_edit) {
            (Some(_), Some(_)) => "cli-conflict",
            (Some(_), None) => "cli-conflict-lost-markup",
            (None, Some(_)) => "cli-conflict-removed",
            (None, None) => "cli-conflict-removed-lost-markup",
        };
        writeln!(
            out,
            "  - {}",
            say(
                key,
                &[
                    ("id", &c.id.clone().unwrap_or_default()),
                    ("line", &c.edition_line),
                    ("memory", &config.memory)
                ]
            )
        )?;
    }
    Ok(())
}

/// Why the edition's record was rederived, if it was.
fn print_rederived(out: &mut dyn Write, o: &Outcome, edition: &str) -> anyhow::Result<()> {
    let Some(why) = o.rederived else {
        return Ok(());
    };
    let key = match why {
        editions::lifecycle::Rederived::Ahead => "cli-rederived-ahead",
        editions::lifecycle::Rederived::Damaged => "cli-rederived-damaged",
    };
    writeln!(
        out,
        "{}",
        say(
            key,
            &[
                ("edition", &edition),
                ("record", &o.record.display().to_string())
            ]
        )
    )?;
    Ok(())
}

/// What the run did to the edition (its diff when it was rewritten, else that it is
/// unchanged), and the run's summary.
fn print_effect<'a>(
    out: &mut dyn Write,
    o: &'a Outcome,
    edition: &str,
) -> anyhow::Result<&'a Summary> {
    Ok(match &o.effect {
        Effect::Written { text, summary } => {
            if let Some(previous) = &o.previous {
                let diff = editions::edition::diff::unified(
                    previous,
                    text,
                    o.target,
                    (
                        &format!("{edition} (before)"),
                        &format!("{edition} (after)"),
                    ),
                    editions::edition::diff::Style {
                        color: color(),
                        context: 1,
                    },
                );
                out.write_all(diff.as_bytes())?;
            }
            summary
        }
        Effect::Unchanged { summary } => {
            writeln!(out, "{}", say("cli-unchanged", &[("edition", &edition)]))?;
            summary
        }
        Effect::Planned(_) => unreachable!("handled above"),
    })
}

/// Colour as `--color` and `NO_COLOR` say.
fn color() -> bool {
    super::color()
}

/// The model, when the environment has an API key.
fn model_from_env(config: &Config) -> anyhow::Result<Option<Model>> {
    let Some(key) = std::env::var("OPENAI_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    else {
        return Ok(None);
    };
    let base_url = std::env::var("OPENAI_BASE_URL")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let model = Model::new(config.model_settings(base_url, key))?;
    Ok(Some(if super::verbose() {
        model.with_log(std::sync::Arc::new(|line| {
            eprintln!("{}", editions::control::visible(line));
        }))
    } else {
        model
    }))
}

fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

fn print_summary(
    out: &mut dyn Write,
    original: &Path,
    edition: Option<&Path>,
    target: Lang,
    s: &Summary,
) -> anyhow::Result<()> {
    let original = original.display().to_string();
    let locale = target.code().to_string();
    match edition {
        Some(e) => writeln!(
            out,
            "{}",
            say(
                "cli-written",
                &[
                    ("original", &original),
                    ("edition", &e.display()),
                    ("locale", &locale)
                ]
            )
        )?,
        None => writeln!(
            out,
            "{}",
            say(
                "cli-not-written",
                &[("original", &original), ("locale", &locale)]
            )
        )?,
    }
    for line in [
        say(
            "cli-segments",
            &[("total", &s.segments), ("hits", &s.memory_hits)],
        ),
        say(
            "cli-requests",
            &[
                ("requests", &s.requests),
                ("retries", &s.retries),
                ("repairs", &s.repairs),
            ],
        ),
        say(
            "cli-tokens",
            &[
                ("prompt", &s.prompt_tokens),
                ("completion", &s.completion_tokens),
            ],
        ),
        say("cli-cost", &[("cost", &format!("{:.4}", s.cost))]),
        say(
            "cli-wall",
            &[("seconds", &format!("{:.2}", s.wall.as_secs_f64()))],
        ),
    ] {
        writeln!(out, "  {line}")?;
    }
    if let Some(format) = s.answer_format {
        let answers = say("cli-answers", &[("format", &format.name())]);
        writeln!(out, "  {answers}")?;
    }
    if s.qa_requests > 0 {
        let qa = say(
            "cli-qa",
            &[("requests", &s.qa_requests), ("redone", &s.qa_redone)],
        );
        writeln!(out, "  {qa}")?;
    }
    Ok(())
}

fn print_plan(
    out: &mut dyn Write,
    original: &Path,
    target: Lang,
    plan: &Plan,
    config: &Config,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{}",
        say(
            "cli-dry-run",
            &[
                ("original", &original.display()),
                ("locale", &target.code())
            ]
        )
    )?;
    print_plan_segments(out, plan)?;
    print_plan_batches(out, plan)?;
    print_plan_estimate(out, plan, config)?;
    no_model(out, plan.batches.len() as u64)
}

/// The plan's segments: how many, how many the memory has, how many are left to send.
fn print_plan_segments(out: &mut dyn Write, plan: &Plan) -> anyhow::Result<()> {
    // Each segment once: one sent in parts, or sharing its source with another, is one.
    let pending = plan.segments.saturating_sub(plan.memory_hits);
    let again = match plan.asked_again {
        0 => String::new(),
        n => say("cli-plan-asked-again", &[("again", &n)]),
    };
    writeln!(
        out,
        "  {}",
        say(
            "cli-plan-segments",
            &[
                ("total", &plan.segments),
                ("hits", &plan.memory_hits),
                ("pending", &pending),
                ("again", &again)
            ]
        )
    )?;
    Ok(())
}

/// The plan's batches, one a line, with their prompts when asked to show them.
fn print_plan_batches(out: &mut dyn Write, plan: &Plan) -> anyhow::Result<()> {
    for (i, b) in plan.batches.iter().enumerate() {
        writeln!(
            out,
            "  {}",
            say(
                "cli-plan-batch",
                &[
                    ("n", &format!("{:<3}", i + 1)),
                    ("line", &format!("{:<5}", b.line)),
                    ("segments", &format!("{:>3}", b.ids.len())),
                    ("system", &format!("{:>6}", b.system_chars)),
                    ("user", &format!("{:>6}", b.user_chars))
                ]
            )
        )?;
        if SHOW_PROMPTS.load(std::sync::atomic::Ordering::Relaxed) {
            // Exactly what would be sent, control characters made visible.
            writeln!(
                out,
                "--- system ---\n{}",
                editions::control::visible(&b.system)
            )?;
            writeln!(
                out,
                "--- user ---\n{}\n---",
                editions::control::visible(&b.user)
            )?;
        }
    }
    Ok(())
}

/// What the plan would cost: requests, tokens and money at the configured model's prices.
fn print_plan_estimate(out: &mut dyn Write, plan: &Plan, config: &Config) -> anyhow::Result<()> {
    writeln!(
        out,
        "  {}",
        say("cli-plan-requests", &[("requests", &plan.batches.len())])
    )?;
    if plan.qa_requests > 0 {
        let qa = say("cli-plan-qa", &[("requests", &plan.qa_requests)]);
        writeln!(out, "  {qa}")?;
    }
    writeln!(
        out,
        "  {}",
        say(
            "cli-plan-tokens",
            &[
                ("prompt", &plan.prompt_tokens),
                ("completion", &plan.completion_tokens)
            ]
        )
    )?;
    writeln!(
        out,
        "  {}",
        say(
            "cli-plan-cost",
            &[
                ("cost", &format!("{:.4}", plan.cost)),
                ("model", &config.model.name),
                ("input", &config.model.price_input),
                ("output", &config.model.price_output)
            ]
        )
    )?;
    Ok(())
}

/// What a dry run that plans `requests` says when a real run would stop for want of a model.
fn no_model(out: &mut dyn Write, requests: u64) -> anyhow::Result<()> {
    if requests > 0 && NO_MODEL.load(std::sync::atomic::Ordering::Relaxed) {
        writeln!(
            out,
            "{}",
            hinted("cli-plan-no-model", &[("requests", &requests)])
        )?;
    }
    Ok(())
}
