//! The command line: argument parsing, exit codes and output formats.
//!
//! Exit codes (documented in docs/guide.md):
//! - `0`: success.
//! - `1`: the input was read but the work failed on its content (problems in translations).
//! - `2`: usage error, or an input that cannot be read or parsed.

mod adopt;
mod check;
use editions::config;
mod extract;
mod format;
mod glossary;
mod init;
mod memory;
mod merge;
mod messages;
mod progress;
mod review;
mod rules;
mod translate;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use editions::markdown::dialect::Dialect;
use editions::{Lang, SegmentOptions};

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when the work failed on the input's content.
pub const EXIT_FAILED: u8 = 1;
/// Exit code for usage errors and unreadable input.
pub const EXIT_USAGE: u8 = 2;
/// Stopped by SIGINT (Ctrl-C).
pub const EXIT_SIGINT: u8 = 130;
/// Stopped by SIGTERM.
pub const EXIT_SIGTERM: u8 = 143;

#[derive(Debug, Parser)]
#[command(
    name = "editions",
    version,
    about = "Localized editions of a Markdown newsletter, checked link for link"
)]
struct Cli {
    /// The newsletter's root: where `editions.toml` is and paths are relative to (default: the
    /// nearest folder, from the current one up, that has an `editions.toml`; else the current
    /// one).
    #[arg(long, global = true, help_heading = "Global options")]
    root: Option<PathBuf>,
    /// Print nothing but errors (and what a command is for, such as check's findings).
    #[arg(short, long, global = true, help_heading = "Global options")]
    quiet: bool,
    /// Log every request sent and answer received to stderr (sizes and status; never the key).
    #[arg(short, long, global = true, help_heading = "Global options")]
    verbose: bool,
    /// Colour in diffs and the review: auto (on a terminal, unless NO_COLOR is set), always,
    /// never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Global options")]
    color: ColorChoice,
    /// Language of what editions says: en or zh-CN (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_parser = ["en", "zh-CN"], help_heading = "Global options")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether to colour what goes to stdout: `--color`, then `NO_COLOR`, then whether stdout is a
/// terminal.
pub fn color() -> bool {
    use std::io::IsTerminal;
    match COLOR.get().copied().unwrap_or(ColorChoice::Auto) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
        }
    }
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether `-v` was given.
pub fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

/// The nearest folder, from the current one up, that has an `editions.toml`, as a path
/// relative to the current folder (empty for the current one); `None` if there is none.
fn discover_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut relative = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(config::FILE_NAME).is_file() {
            return Some(relative);
        }
        relative.push("..");
    }
    None
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write editions.toml, the glossaries and the locale messages for this checkout.
    Init,
    /// What the boilerplate rules match, issue by issue, and what to look at.
    Rules(rules::RulesArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the translatable segments of a Markdown file.
    Extract {
        /// The Markdown file.
        file: PathBuf,
        #[command(flatten)]
        segmenting: SegmentArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Json)]
        format: ExtractFormat,
    },
    /// Translate issues (by date or by path) into their editions, one or many in a run.
    Translate(translate::TranslateArgs),
    /// Take over existing editions editions did not write: their aligned text becomes approved
    /// translations, so that `translate` keeps it and sends only the rest.
    Adopt(adopt::AdoptArgs),
    /// Check editions against their originals: links, images, code, structure, residue,
    /// glossary, freshness. Exit code 1 when anything is at error level.
    Check(check::CheckArgs),
    /// Read an original and its edition side by side, with changes, glossary and findings.
    Review(review::ReviewArgs),
    /// Export or import the translation memory.
    #[command(subcommand)]
    Memory(MemoryCommand),
    /// Work with the glossary.
    #[command(subcommand)]
    Glossary(GlossaryCommand),
    /// Write translations (a JSON object of segment id → tagged text) into a Markdown file.
    Merge {
        /// The original Markdown file.
        file: PathBuf,
        /// The translations: a JSON object `{ "<id>": "<tagged translation>" }`.
        translations: PathBuf,
        #[command(flatten)]
        segmenting: SegmentArgs,
        /// Where to write the result (default: standard output). Written atomically.
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum GlossaryCommand {
    /// Propose terms the memory's approved translations render the same way again and again,
    /// which the glossary does not have yet, as entries to paste into it.
    Suggest {
        /// The glossary's locale (default: the first of `targets`).
        #[arg(long)]
        to: Option<String>,
        /// At least this many approved translations have the term.
        #[arg(long, default_value_t = 3)]
        min: usize,
        /// The rendering holds in approved translations of at least this many issues.
        #[arg(long, default_value_t = 3)]
        issues: usize,
    },
}

#[derive(Debug, Subcommand)]
enum MemoryCommand {
    /// Write the memory in a format other translation tools read.
    Export {
        #[arg(long, value_enum, default_value_t = MemoryFormat::Tmx)]
        format: MemoryFormat,
        /// Where to write (default: standard output).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Add reviewed translations of a file (JSON object of id → tagged text) as approved.
    Import {
        /// The original Markdown file.
        file: PathBuf,
        /// The translations.
        translations: PathBuf,
        /// Their locale.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MemoryFormat {
    // TMX 1.4.
    Tmx,
}

#[derive(Debug, clap::Args)]
struct SegmentArgs {
    /// The language of the original: text without its letters is not a segment.
    #[arg(long, default_value = "zh")]
    from: Lang,
    /// Front-matter fields to translate (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "title")]
    fields: Vec<String>,
    /// The Markdown the file's site reads: commonmark, gfm, vitepress, mkdocs, mdbook (default: the one its project shows, from `.vitepress/`, `mkdocs.yml` or `book.toml`, else gfm).
    #[arg(long, value_parser = parse_dialect)]
    dialect: Option<Dialect>,
}

impl SegmentArgs {
    /// How `file` is segmented.
    fn options(&self, file: &Path) -> SegmentOptions {
        SegmentOptions {
            source: self.from,
            front_matter_fields: self.fields.clone(),
            dialect: self
                .dialect
                .or_else(|| Dialect::detect(file).map(|(d, _)| d))
                .unwrap_or_default(),
        }
    }
}

fn parse_dialect(name: &str) -> Result<Dialect, String> {
    Dialect::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    Json,
    Text,
}

/// Runs the command line and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    messages::init(messages::choose(cli.lang.as_deref()));
    // A bug's message may quote a URL or a key: never its secrets, never a control sequence.
    std::panic::set_hook(Box::new(|info| {
        let mut text = info.to_string();
        if let Ok(url) = std::env::var("OPENAI_BASE_URL") {
            text = editions::model::client::scrub(&url, &text);
        }
        if let Ok(key) = std::env::var("OPENAI_API_KEY") {
            if key.len() >= 4 {
                text = text.replace(&key, "***");
            }
        }
        let what = editions::control::visible(&text);
        if !messages::ready() {
            eprintln!("error: editions stopped on a bug: {what}");
            return;
        }
        let bug = messages::hinted("cli-bug", &[("what", &what)]);
        eprintln!("{}", messages::say("cli-error", &[("message", &bug)]));
    }));
    // Loaded before any work, so that the hook above has them.
    messages::load();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    // Every command's output: a reader that stops early ends it, not the command.
    let mut out = UntilClosed::new(&mut lock);
    let code = match run(cli, &mut out) {
        Ok(code) => code,
        Err(e) => {
            let _ = out.flush();
            // An error may quote content: its control characters are shown, not obeyed.
            eprintln!(
                "{}",
                messages::say(
                    "cli-error",
                    &[(
                        "message",
                        &editions::control::visible(&format!("{e:#}")).into_owned()
                    )]
                )
            );
            match e.downcast_ref::<Interrupted>() {
                Some(i) => i.code,
                None => e
                    .downcast_ref::<Failure>()
                    .map_or(EXIT_USAGE, |_| EXIT_FAILED),
            }
        }
    };
    ExitCode::from(code)
}

/// Output whose reader may stop early (`editions check | head`, `completions bash | head -1`,
/// `grep -q`): once the pipe is closed, what is written is dropped, so that the command still
/// finishes its work and exits with the status its results call for, with no message. Any
/// other write error is an error. `main` wraps standard output in it for every command.
pub struct UntilClosed<'a> {
    inner: &'a mut dyn Write,
    closed: bool,
}

impl<'a> UntilClosed<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        UntilClosed {
            inner,
            closed: false,
        }
    }
}

impl Write for UntilClosed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Says once, on stderr, that no `editions.toml` was found and the built-in defaults are in
/// use, and what writes the newsletter's setup (unless `-q`).
fn defaults_in_use(root: &Path, none_found: bool, quiet: bool) {
    if none_found && !quiet {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        eprintln!(
            "{}",
            messages::say(
                "cli-note",
                &[(
                    "message",
                    &messages::hinted("cli-defaults", &[("root", &root.display())])
                )]
            )
        );
    }
}

/// The run was stopped by a signal: one line, and the exit code a shell gives a process the
/// signal ended.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Interrupted {
    pub code: u8,
    pub message: String,
}

/// An error about the content of valid input (exit code 1 rather than 2).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Failure(#[from] pub anyhow::Error);

fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    let _ = COLOR.set(cli.color);
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    let Places { here, root } = Places::of(cli.root);
    let quiet = cli.quiet;
    match cli.command {
        Command::Completions { shell } => completions(shell, out),
        Command::Init => {
            // Into the folder given, or the current one: not a parent's.
            init::run(&here, out)
        }
        Command::Rules(args) => {
            let (config, _) = config::Config::load(&root)?;
            rules::run(&root, &config, &args, out)
        }
        Command::Translate(args) => run_translate(&root, &args, quiet, out),
        Command::Adopt(args) => run_adopt(&root, &args, quiet, out),
        Command::Check(args) => {
            let config = load_noting_defaults(&root, quiet)?;
            check::run(&root, &config, &args, out)
        }
        Command::Review(args) => {
            let (config, _) = config::Config::load(&root)?;
            let _ = ORIGINALS.set(config.layout(&root));
            review::run(&root, &config, &args, out)
        }
        Command::Glossary(GlossaryCommand::Suggest { to, min, issues }) => {
            let (config, _) = config::Config::load(&root)?;
            glossary::run(&root, &config, to.as_deref(), min, issues, out)
        }
        Command::Memory(command) => run_memory(&root, command, out),
        Command::Extract {
            file,
            segmenting,
            format,
        } => extract::run(&file, &segmenting.options(&file), format, out),
        Command::Merge {
            file,
            translations,
            segmenting,
            out: target,
        } => merge::run(
            &file,
            &translations,
            &segmenting.options(&file),
            target.as_deref(),
            out,
        ),
    }
}

/// Where a command works.
struct Places {
    /// The folder given with `--root`, else the current one (an empty path): where `init`
    /// writes.
    here: PathBuf,
    /// The newsletter's root: the folder given, else the one discovered.
    root: PathBuf,
}

impl Places {
    /// The places `--root` (if given) names.
    fn of(given: Option<PathBuf>) -> Self {
        // `--root .` keeps paths relative: `docs/x.md`, not `./docs/x.md`.
        let here = match &given {
            Some(r) if r != Path::new(".") => r.clone(),
            _ => PathBuf::new(),
        };
        let root = match given {
            Some(r) if r == Path::new(".") => PathBuf::new(),
            Some(r) => r,
            None => discover_root().unwrap_or_default(),
        };
        Places { here, root }
    }
}

/// The newsletter's configuration, saying (unless `quiet`) when the built-in defaults are in
/// use.
fn load_noting_defaults(root: &Path, quiet: bool) -> anyhow::Result<config::Config> {
    let (config, found) = config::Config::load(root)?;
    defaults_in_use(root, found.is_none(), quiet);
    Ok(config)
}

/// `translate`: quiet, what the run says goes nowhere, but an edition written to standard
/// output (`-o -`) still goes there.
fn run_translate(
    root: &Path,
    args: &translate::TranslateArgs,
    quiet: bool,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let config = load_noting_defaults(root, quiet)?;
    // `-o -`: the edition is the output, quiet or not; what the run says is not.
    let stream = args.out.as_deref().is_some_and(translate::is_stream);
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if quiet && !stream { &mut sink } else { out };
    translate::run(root, config, args, out)
}

/// `adopt`: quiet, the summary of what it wrote goes nowhere.
fn run_adopt(
    root: &Path,
    args: &adopt::AdoptArgs,
    quiet: bool,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let config = load_noting_defaults(root, quiet)?;
    // Quiet: the summaries of commands that write files go nowhere.
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if quiet { &mut sink } else { out };
    adopt::run(root, &config, args, out)
}

/// `completions`: the completion script for `shell`.
fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<u8> {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "editions", out);
    Ok(EXIT_OK)
}

/// `memory export` and `memory import`, on the newsletter's translation memory.
fn run_memory(root: &Path, command: MemoryCommand, out: &mut dyn Write) -> anyhow::Result<u8> {
    let (config, _) = config::Config::load(root)?;
    let _ = ORIGINALS.set(config.layout(root));
    let mut memory = editions::memory::Memory::load(&root.join(&config.memory))?;
    match command {
        MemoryCommand::Export {
            format: MemoryFormat::Tmx,
            out: target,
        } => {
            let mut text = Vec::new();
            memory::export_tmx(&memory, config.source_lang()?, &mut text)?;
            memory::emit(text, target.as_deref(), out)?;
            Ok(EXIT_OK)
        }
        MemoryCommand::Import {
            file,
            translations,
            to,
        } => {
            let to = config.target(Some(&to))?;
            let glossary = editions::glossary::Glossary::load(&root.join(&config.glossary), to)?;
            let options = config.segment_options(root)?;
            let date = jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
                .to_string();
            let import = memory::Import {
                file: &file,
                translations: &translations,
                options: &options,
                target: to,
                glossary: &glossary,
                date: &date,
                failed: &root.join(".editions").join("failed"),
            };
            memory::import(&import, &mut memory, out)
        }
    }
}

/// The originals of the newsletter a command works on, once its configuration is read: no file
/// a command writes may be one of them.
static ORIGINALS: std::sync::OnceLock<editions::edition::issue::Layout> =
    std::sync::OnceLock::new();

/// An error when `path` (links followed) is an original: the newsletter's, or `source`.
pub fn refuse_original(path: &Path, source: Option<&Path>) -> anyhow::Result<()> {
    let at = editions::file::resolved(path)?;
    let is_source = match source {
        Some(s) => editions::file::resolved(s)? == at,
        None => false,
    };
    if is_source || ORIGINALS.get().is_some_and(|l| l.is_original_place(&at)) {
        anyhow::bail!(
            "{}",
            messages::hinted(
                "cli-output-is-original",
                &[("path", &path.display()), ("original", &at.display())]
            )
        );
    }
    Ok(())
}

/// Writes `contents` to `path` atomically (see [`editions::file`]), never over an original.
pub fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    refuse_original(path, None)?;
    editions::file::write_atomically(path, contents.as_bytes())?;
    Ok(())
}
