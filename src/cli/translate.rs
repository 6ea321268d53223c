//! `editions translate`: an issue (by date) or any Markdown file into its editions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use std::collections::BTreeMap;

use editions::edition::existing;
use editions::edition::locale::Locale;
use editions::edition::rules as edition;
use editions::glossary::Glossary;
use editions::memory::Memory;
use editions::memory::{Entry, Origin};
use editions::model::client::{Model, ModelSettings, DEFAULT_BASE_URL};
use editions::model::run::{self as translate, Plan, Settings, Summary, TranslateError};
use editions::{Document, Lang, SegmentOptions, SourceText};

use super::config::Config;
use super::issue::{self, Issue};
use super::messages::msg;
use super::progress::Bar;
use super::{write_atomically, Failure, EXIT_OK};

/// Command-line settings of `translate`; each overrides its key in `editions.toml`.
#[derive(Debug, clap::Args)]
pub struct TranslateArgs {
    /// An issue's date (`YYYY-MM-DD`) or the path of a Markdown file.
    pub issue: String,
    /// Locales to translate into (comma-separated; default: `targets` in editions.toml).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<Lang>,
    /// Where to write the edition (only with a single locale).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Send nothing: print the batches, a token estimate and a cost estimate.
    #[arg(long)]
    pub dry_run: bool,
    /// The model's name (overrides `[model] name`).
    #[arg(long)]
    pub model: Option<String>,
    /// Batches in flight at once (overrides `[model] concurrency`).
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
}

impl TranslateArgs {
    fn apply(&self, config: &mut Config) {
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
    }
}

pub fn run(
    root: &Path,
    mut config: Config,
    args: &TranslateArgs,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    args.apply(&mut config);
    let source_lang = config.source_lang()?;
    let targets = config.targets(&args.to)?;
    if args.out.is_some() && targets.len() > 1 {
        anyhow::bail!("-o names one file but {} locales were asked for\n  hint: drop -o to write each edition alongside the original, or pass a single --to", targets.len());
    }
    let issue = issue::resolve(root, &config, &args.issue)?;
    let source = SourceText::read(&issue.original)?;
    let options = SegmentOptions {
        source: source_lang,
        front_matter_fields: config.front_matter_fields.clone(),
    };
    let doc = Document::parse(&source.text, &options).with_path(&issue.original);
    let memory_path = root.join(&config.memory);
    let memory = Mutex::new(Memory::load(&memory_path)?);
    let model = model_from_env(&config)?;

    for target in targets {
        let glossary = Glossary::load(&root.join(&config.glossary), target)?;
        let settings = Settings {
            source: source_lang,
            target,
            batch_chars: config.model.batch_chars,
            concurrency: config.model.concurrency,
            max_repairs: config.model.max_repairs,
            price: config.price(),
            model_name: config.model.name.clone(),
            date: today(),
            skip: Default::default(),
        };
        let locales_dir = root.join(&config.locales);
        let locale = Locale::load(&locales_dir, target.code())?;
        // The original's fixed blocks are not translated: the locale's messages replace them.
        let fixed = edition::find(&source.text, &config.boilerplate, target.code());
        let settings = Settings {
            skip: edition::fixed_segments(&doc, &fixed),
            ..settings
        };
        let edition = match &args.out {
            Some(p) => p.clone(),
            None => issue.edition(root, &config, target),
        };
        if args.dry_run {
            let plan = translate::plan(
                &doc,
                &glossary,
                &memory.lock().expect("memory lock"),
                &settings,
            );
            print_plan(out, &issue.original, target, &plan, &config)?;
            continue;
        }
        let bar = Bar::new(&format!("{target}"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let result = runtime.block_on(async {
            tokio::select! {
                r = translate::translate(&doc, &glossary, &memory, model.as_ref(), &settings, &bar) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        bar.finish();
        let outcome = match result {
            None => anyhow::bail!(msg(
                "cli-interrupted",
                &[("memory", memory_path.display().to_string())]
            )),
            Some(Ok(outcome)) => outcome,
            Some(Err(e @ TranslateError::Segments { .. })) => {
                if let TranslateError::Segments { summary, .. } = &e {
                    print_summary(out, &issue.original, None, target, summary)?;
                }
                return Err(Failure(e.into()).into());
            }
            Some(Err(e)) => return Err(e.into()),
        };
        let vars = edition::variables(
            &doc,
            issue.date.as_deref().unwrap_or(&settings.date),
            &config.original_url,
        );
        let assembly = Assembly {
            doc: &doc,
            config: &config,
            locale: &locale,
            locales_dir: &locales_dir,
            vars: &vars,
            target,
        };
        let mut translations = outcome.translations;
        let (mut assembled, placed) = assembly.build(&translations)?;
        let previous = match std::fs::read(&edition) {
            Ok(bytes) => Some(SourceText::from_bytes(&edition, bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(anyhow::anyhow!(
                    "cannot read the existing edition `{}`: {e}",
                    edition.display()
                ))
            }
        };
        if let Some(previous) = &previous {
            if previous.text != assembled && !args.retranslate {
                let rewrite =
                    |url: &str| edition::rewrite_url(url, &config.url_rewrite, target.code());
                let edits = existing::hand_edits(
                    &doc,
                    &assembled,
                    &placed,
                    &previous.text,
                    &edition.display().to_string(),
                    &rewrite,
                )
                .map_err(|e| Failure(e.into()))?;
                if !edits.is_empty() {
                    let mut memory = memory.lock().expect("memory lock");
                    for e in &edits {
                        let seg = doc
                            .segments()
                            .find(|s| s.id == e.id)
                            .expect("a segment of the original");
                        memory.insert(Entry {
                            locale: target.code().to_string(),
                            source: seg.tagged.clone(),
                            target: e.tagged.clone(),
                            glossary: String::new(),
                            prompt: editions::model::prompt::PROMPT_VERSION,
                            model: "hand-edited".into(),
                            date: settings.date.clone(),
                            origin: Origin::Approved,
                        });
                        translations.insert(e.id.clone(), e.tagged.clone());
                    }
                    memory.save()?;
                    writeln!(
                        out,
                        "{}",
                        msg(
                            "cli-kept-hand-edits",
                            &[
                                ("count", edits.len().to_string()),
                                ("edition", edition.display().to_string())
                            ]
                        )
                    )?;
                    for e in &edits {
                        writeln!(out, "  - segment {} (line {})", e.id, e.line)?;
                    }
                    assembled = assembly.build(&translations)?.0;
                }
            }
            let diff = editions::edition::diff::unified(
                &previous.text,
                &assembled,
                target,
                (
                    &format!("{} (before)", edition.display()),
                    &format!("{} (after)", edition.display()),
                ),
                editions::edition::diff::Style {
                    color: color(),
                    context: 1,
                },
            );
            if diff.is_empty() {
                writeln!(
                    out,
                    "{}",
                    msg(
                        "cli-unchanged",
                        &[("edition", edition.display().to_string())]
                    )
                )?;
            } else {
                out.write_all(diff.as_bytes())?;
            }
        }
        if let Some(dir) = edition.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        if previous.as_ref().is_some_and(|p| p.text == assembled) {
            print_summary(
                out,
                &issue.original,
                Some(&edition),
                target,
                &outcome.summary,
            )?;
            continue;
        }
        write_atomically(&edition, &source.restore(assembled))?;
        print_summary(
            out,
            &issue.original,
            Some(&edition),
            target,
            &outcome.summary,
        )?;
    }
    Ok(EXIT_OK)
}

/// Where each segment (by index in the original's runs) is in an edition.
type Placed = Vec<(usize, std::ops::Range<usize>)>;

/// How an edition is put together from translations: localized, merged, boilerplate replaced,
/// URLs rewritten.
struct Assembly<'a> {
    doc: &'a Document<'a>,
    config: &'a Config,
    locale: &'a Locale,
    locales_dir: &'a Path,
    vars: &'a BTreeMap<String, String>,
    target: Lang,
}

impl Assembly<'_> {
    /// The edition's text and where each translated segment is in it.
    fn build(&self, translations: &BTreeMap<String, String>) -> anyhow::Result<(String, Placed)> {
        let localized: BTreeMap<String, String> = translations
            .iter()
            .map(|(id, t)| (id.clone(), edition::localize_translation(t, self.target)))
            .collect();
        let merged = editions::markdown::splice::merge_placed(self.doc, &localized)
            .map_err(|e| Failure(e.into()))?;
        let code = self.target.code();
        let fixed = edition::find(&merged.text, &self.config.boilerplate, code);
        let edits = edition::boilerplate_edits(
            &merged.text,
            &fixed,
            self.locale,
            self.vars,
            self.locales_dir,
        )?;
        let text = edition::apply_edits(&merged.text, &edits);
        let placed: Vec<_> = merged
            .placed
            .iter()
            .filter_map(|(i, r)| edition::map_range(r, &edits).map(|r| (*i, r)))
            .collect();
        let urls = edition::url_edits(&text, &self.config.url_rewrite, code);
        let placed = placed
            .iter()
            .map(|(i, r)| {
                // A rewritten URL lies inside a segment's range: the range grows or shrinks.
                let start =
                    edition::map_range(&(r.start..r.start), &urls).map_or(r.start, |m| m.start);
                let end = edition::map_range(&(r.end..r.end), &urls).map_or(r.end, |m| m.end);
                (*i, start..end)
            })
            .collect();
        Ok((edition::apply_edits(&text, &urls), placed))
    }
}

/// Colour on a terminal, never with `NO_COLOR`.
fn color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
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
    let settings = ModelSettings {
        base_url,
        api_key: key,
        model: config.model.name.clone(),
        timeout: config.timeout(),
        max_retries: config.model.max_retries,
        backoff: config.backoff(),
    };
    Ok(Some(Model::new(settings)?))
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
            msg(
                "cli-written",
                &[
                    ("original", original),
                    ("edition", e.display().to_string()),
                    ("locale", locale)
                ]
            )
        )?,
        None => writeln!(
            out,
            "{}",
            msg(
                "cli-not-written",
                &[("original", original), ("locale", locale)]
            )
        )?,
    }
    for line in [
        msg(
            "cli-segments",
            &[
                ("total", s.segments.to_string()),
                ("hits", s.memory_hits.to_string()),
            ],
        ),
        msg(
            "cli-requests",
            &[
                ("requests", s.requests.to_string()),
                ("retries", s.retries.to_string()),
                ("repairs", s.repairs.to_string()),
            ],
        ),
        msg(
            "cli-tokens",
            &[
                ("prompt", s.prompt_tokens.to_string()),
                ("completion", s.completion_tokens.to_string()),
            ],
        ),
        msg("cli-cost", &[("cost", format!("{:.4}", s.cost))]),
        msg(
            "cli-wall",
            &[("seconds", format!("{:.2}", s.wall.as_secs_f64()))],
        ),
    ] {
        writeln!(out, "  {line}")?;
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
        msg(
            "cli-dry-run",
            &[
                ("original", original.display().to_string()),
                ("locale", target.code().to_string())
            ]
        )
    )?;
    let pending: usize = plan.batches.iter().map(|b| b.ids.len()).sum();
    writeln!(
        out,
        "  {}",
        msg(
            "cli-plan-segments",
            &[
                ("total", plan.segments.to_string()),
                ("hits", plan.memory_hits.to_string()),
                ("pending", pending.to_string())
            ]
        )
    )?;
    for (i, b) in plan.batches.iter().enumerate() {
        writeln!(
            out,
            "  {}",
            msg(
                "cli-plan-batch",
                &[
                    ("n", format!("{:<3}", i + 1)),
                    ("line", format!("{:<5}", b.line)),
                    ("segments", format!("{:>3}", b.ids.len())),
                    ("system", format!("{:>6}", b.system_chars)),
                    ("user", format!("{:>6}", b.user_chars)),
                ]
            )
        )?;
    }
    writeln!(
        out,
        "  {}",
        msg(
            "cli-plan-requests",
            &[("requests", plan.batches.len().to_string())]
        )
    )?;
    writeln!(
        out,
        "  {}",
        msg(
            "cli-plan-tokens",
            &[
                ("prompt", plan.prompt_tokens.to_string()),
                ("completion", plan.completion_tokens.to_string())
            ]
        )
    )?;
    writeln!(
        out,
        "  {}",
        msg(
            "cli-plan-cost",
            &[
                ("cost", format!("{:.4}", plan.cost)),
                ("model", config.model.name.clone()),
                ("input", config.model.price_input.to_string()),
                ("output", config.model.price_output.to_string()),
            ]
        )
    )?;
    Ok(())
}

/// An issue resolved to files.
impl Issue {
    /// Where the edition of `target` goes.
    pub fn edition(&self, root: &Path, config: &Config, target: Lang) -> PathBuf {
        match &self.date {
            Some(date) => root.join(
                config
                    .editions
                    .replace("{locale}", target.code())
                    .replace("{date}", date),
            ),
            None => {
                let file = self.original.file_name().unwrap_or_default();
                self.original
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join(target.code())
                    .join(file)
            }
        }
    }
}
