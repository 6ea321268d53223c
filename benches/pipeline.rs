//! Editions' translation run against the way the newsletter used to translate an issue, over
//! the same HTTP client stack and the same stand-in model, in one run.
//!
//! Usage: `cargo bench --bench pipeline [-- <issue.md>]` (default: the fixture
//! `fixtures/docs/2024-01-06-weekly.md`; no corpus needed).
//!
//! The stand-in OpenAI-compatible server (`tests/support/standin.rs`) runs in this process on
//! 127.0.0.1 and answers after 300 ms plus 2 ms per character of its answer, a rough model of
//! a hosted LLM (time to first token, then generation speed). The issue is translated into
//! English two ways:
//!
//! 1. **baseline**, the newsletter's own script (`resources/weekly_translation.py`) as it
//!    works: only the items of its four known sections are sent (the front matter, the intro
//!    and the headings come from its template), one chunk per item from a line `^\d、` to the
//!    next (its pattern matches one digit, so items 10 and up stay in item 9's chunk), each
//!    chunk **one request after another** as Markdown with its 782-character Chinese prompt
//!    (literal translation, critique, rewrite; its glossary and style rules inside). It goes
//!    through `editions::model::client::Model::complete`, so transport and retries are the
//!    same.
//! 2. **editions**: `translate::translate` with a fresh, empty translation memory.
//!
//! For each: requests, prompt characters (system + user, summed over the requests the
//! stand-in received) split into instructions+glossary (system) and source (user), wall time
//! and peak heap (a counting global allocator over `std::alloc::System`, whole process, so the
//! in-process stand-in is included in both; its peak is reset before each phase). Then editions
//! is run again on the unchanged issue with the same memory, and once more after one
//! description paragraph was reworded.
//!
//! editions' lower bound is its model time (the stand-in's added latency, summed) over its
//! slots, or its longest request, whichever is longer. Goals: wall time within 1.3x of the
//! lower bound; prompt characters at most 0.5 of the script's; what requests carry besides
//! their source at most 0.5 of it (`prompt_share`, the default); and, with `prompt_share = 2`
//! (every slot gets a batch, latency first; run 3), wall time at most 0.15 of the script's.
//! The default run is also held to that last goal, which it trades for the share.
//!
//! First, planned without sending, the prompt overhead of the other fixture issue with the
//! guidance off (no style guide, no examples) and on (the repository's style guide, examples
//! from the sample issue's approved translations).
//!
//! `EDITIONS_BENCH_BATCH_CHARS` (default 1500) and `EDITIONS_BENCH_CONCURRENCY` (default 8,
//! editions' defaults) change editions' settings, to measure alternatives.

#[path = "../tests/support/standin.rs"]
mod standin;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use editions::glossary::Glossary;
use editions::memory::Memory;
use editions::model::client::{Model, ModelError, ModelSettings};
use editions::model::run::{self as translate, Settings, Silent};
use editions::{Document, Lang, SegmentOptions, SourceText};
use standin::{StandIn, KEY, MODEL};

// ---------------------------------------------------------------------------------------------
// Heap accounting

/// `System`, counting the bytes currently allocated and the peak since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a new peak at the current heap size; returns that size.
fn reset_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------------
// The baseline: the old script

/// The script's prompt: Chinese, sent in full with every chunk (its glossary and style rules
/// are part of it): a literal translation, a critique and a rewrite, of which only the rewrite
/// is kept. About 640 tokens.
const SCRIPT_PROMPT: &str = "你是一名资深的技术翻译，精通 Python 与软件开发领域的中英文表达。请把下面这段来自“Python 潮流周刊”的 Markdown 内容翻译成地道、流畅的英文，读者是以英语为母语的 Python 开发者。

请按以下三个步骤完成：
1. 直译：逐句忠实地翻译原文，不遗漏任何信息，也不添加原文没有的内容。
2. 反思：指出直译中不符合英文表达习惯、语义不清、语气生硬或术语不准确的地方，逐条列出，并说明应当如何修改。
3. 意译：根据反思的结果重新润色译文，使其自然易读、简洁专业，同时保持原意不变。

格式要求：
- 完整保留 Markdown 格式：标题、列表、加粗、斜体、链接、图片、表格、代码块与行内代码的结构都不能改动。
- 链接与图片的 URL 保持原样，只翻译方括号中的文字。
- 代码、命令、文件名、项目名、库名、公司名和人名都不翻译。
- 数字、版本号、日期、金额和百分比保持不变。
- 中文的全角括号改为半角括号，并在括号前后各加一个空格。
- 中文引号改为英文双引号，中文书名号改为英文双引号。
- 每个条目的编号保持原样，不要合并或拆分段落。
- 原文中已经是英文的句子保持原样。

术语约定：
- “Python 潮流周刊”译为 “Python Trending Weekly”
- “猫哥”“豌豆花下猫”“Python猫”译为 “Python Cat”
- “周刊”译为 “weekly”，“本期”译为 “this issue”
- “开源项目”译为 “open-source project”
- “教程”译为 “tutorial”，“播客”译为 “podcast”
- “大模型”译为 “LLM”，“智能体”译为 “agent”

输出要求：只输出第 3 步意译后的最终译文，不要输出直译、反思或任何解释，也不要用代码块包裹译文";

/// The four sections the script knows; everything else comes from its template.
const SCRIPT_SECTIONS: [&str; 4] = ["🦄文章&教程", "🐿️项目&资源", "🐢播客&视频", "🥂讨论&问题"];

/// `^#{1,6}\s`
fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t'])
}

/// `^\d、`: the script's item pattern matches one digit, so `10、` does not start an item.
fn starts_script_item(line: &str) -> bool {
    let mut chars = line.chars();
    chars.next().is_some_and(|c| c.is_ascii_digit()) && chars.next() == Some('、')
}

/// `^\d+、\[`: an item title, for the issue's figures.
fn is_item_title(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with("、[")
}

/// The script's cut: inside each of its four sections (from the section's heading to the next
/// heading), a chunk per item, from a line `^\d、` to the next; items 10 and up stay in item
/// 9's chunk. Text before a section's first item, the front matter, the intro and every other
/// section are not sent: the script's template has them. Code fences are not looked into.
fn split_like_the_script(text: &str) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current: Option<String> = None;
    let mut in_section = false;
    let mut in_fence = false;
    let flush = |current: &mut Option<String>, chunks: &mut Vec<String>| {
        if let Some(c) = current.take() {
            let c = c.trim();
            if !c.is_empty() {
                chunks.push(c.to_string());
            }
        }
    };
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && is_heading(line) {
            flush(&mut current, &mut chunks);
            in_section = SCRIPT_SECTIONS.iter().any(|s| line.contains(s));
            continue;
        }
        if !in_section {
            continue;
        }
        if !in_fence && starts_script_item(line) {
            flush(&mut current, &mut chunks);
            current = Some(String::new());
        }
        if let Some(c) = &mut current {
            c.push_str(line);
        }
    }
    flush(&mut current, &mut chunks);
    chunks
}

/// The script: every chunk in turn, one request each, then the answers joined.
async fn run_script(model: &Model, prompt: &str, text: &str) -> Result<String, ModelError> {
    let mut out = Vec::new();
    for chunk in split_like_the_script(text) {
        out.push(model.complete(prompt, &chunk).await?.content);
    }
    Ok(out.join("\n\n"))
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// What one phase cost, as the stand-in saw it.
#[derive(Debug, Clone, Default)]
struct Figures {
    requests: usize,
    system_chars: usize,
    user_chars: usize,
    /// Characters of the user messages that are not text: JSON keys (segment ids), quotes,
    /// separators and escapes; 0 for a plain-text message.
    user_envelope_chars: usize,
    answer_chars: usize,
    /// Added latency of the answers, summed.
    latency: Duration,
    /// Added latency of the slowest answer.
    slowest: Duration,
    wall: Duration,
    /// Heap at the start of the phase, and its peak during it.
    heap_start: usize,
    heap_peak: usize,
}

impl Figures {
    fn prompt_chars(&self) -> usize {
        self.system_chars + self.user_chars
    }
}

/// Runs `phase` on `runtime` and reads what it cost from `server`.
fn measure<T>(
    server: &StandIn,
    runtime: &tokio::runtime::Runtime,
    phase: impl std::future::Future<Output = T>,
) -> (T, Figures) {
    let (requests_before, answers_before) = (server.requests().len(), server.answers().len());
    let heap_start = reset_peak();
    let started = Instant::now();
    let out = runtime.block_on(phase);
    let wall = started.elapsed();
    let heap_peak = peak();
    let requests = server.requests();
    let requests = &requests[requests_before..];
    let answers = server.answers();
    let answers = &answers[answers_before..];
    let figures = Figures {
        requests: requests.len(),
        system_chars: requests.iter().map(|r| r.system.chars().count()).sum(),
        user_chars: requests.iter().map(|r| r.user.chars().count()).sum(),
        user_envelope_chars: requests.iter().map(|r| envelope_chars(&r.user)).sum(),
        answer_chars: answers.iter().map(|a| a.chars).sum(),
        latency: answers.iter().map(|a| a.delay).sum(),
        slowest: answers.iter().map(|a| a.delay).max().unwrap_or_default(),
        wall,
        heap_start,
        heap_peak,
    };
    (out, figures)
}

/// Characters of `user` outside the string values of its JSON object (0 when it is not one).
fn envelope_chars(user: &str) -> usize {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(user) {
        Ok(map) => {
            let values: usize = map
                .values()
                .filter_map(|v| v.as_str())
                .map(|v| v.chars().count())
                .sum();
            user.chars().count() - values
        }
        Err(_) => 0,
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How a row of the table shows its values.
type Unit = dyn Fn(f64) -> String;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "-".into()
    } else {
        format!("{:.3}", a / b)
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "MET"
    } else {
        "NOT MET"
    }
}

/// The issue with one description reworded: the paragraph after the first item title gets a
/// few words in front. `None` when the issue has no item with a description.
fn reword_one_description(text: &str) -> Option<String> {
    let mut offset = 0;
    let mut after_title = false;
    for line in text.split_inclusive('\n') {
        if is_item_title(line) {
            after_title = true;
        } else if after_title && !line.trim().is_empty() {
            let starts_like_prose = line
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || editions::lang::is_han(c));
            if !starts_like_prose {
                return None;
            }
            let mut edited = text.to_string();
            edited.insert_str(offset, "简单来说，");
            return Some(edited);
        }
        offset += line.len();
    }
    None
}

/// What requests carry besides their source, as a share of it, with the guidance switched off
/// and on: planned (nothing sent) for the other fixture issue, with examples chosen from the
/// sample issue's approved translations, as a newsletter's memory would offer them.
fn prompt_overhead(
    manifest: &Path,
    glossary: &Glossary,
    options: &SegmentOptions,
    settings: &Settings,
) {
    let path = manifest.join("fixtures/docs/2023-12-30-weekly.md");
    let text = SourceText::read(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .text;
    let doc = Document::parse(&text, options);
    let memory = Memory::load(&manifest.join("fixtures/translation-memory.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "prompt overhead (instructions, issue, sections, style guide, glossary and examples, \
         over the source sent) of {}, planned, examples from {} approved translations:",
        path.display(),
        memory.entries().map_or(0, |e| e.len())
    );
    println!(
        "  {:<44} {:>7} {:>13} {:>12} {:>9} {:>8}",
        "guidance", "batches", "instructions", "source", "overhead", "examples"
    );
    let style = settings.guidance.style.clone();
    let mut default_overhead = 0.0;
    for (name, guidance) in [
        (
            "off (no style guide, no examples)",
            translate::Guidance {
                style: None,
                examples_chars: 0,
                ..settings.guidance.clone()
            },
        ),
        (
            "style guide",
            translate::Guidance {
                style: style.clone(),
                examples_chars: 0,
                ..settings.guidance.clone()
            },
        ),
        (
            "style guide and examples (default budget)",
            translate::Guidance {
                style: style.clone(),
                ..settings.guidance.clone()
            },
        ),
        (
            "style guide and examples, prompt_share 1.0",
            translate::Guidance {
                style: style.clone(),
                prompt_share: 1.0,
                ..settings.guidance.clone()
            },
        ),
    ] {
        let s = Settings {
            guidance,
            ..settings.clone()
        };
        let plan = translate::plan(&doc, glossary, &memory, &s).expect("the memory reads");
        let system: usize = plan.batches.iter().map(|b| b.system_chars).sum();
        let user: usize = plan.batches.iter().map(|b| b.user_chars).sum();
        let examples: usize = plan
            .batches
            .iter()
            .map(|b| b.system.lines().filter(|l| l.contains(" ⇒ ")).count())
            .sum();
        let overhead = system as f64 / user as f64;
        if name.ends_with("(default budget)") {
            default_overhead = overhead;
        }
        println!(
            "  {name:<44} {:>7} {system:>13} {user:>12} {overhead:>9.3} {examples:>8}",
            plan.batches.len()
        );
    }
    println!(
        "goal: with the defaults, instructions, glossary and examples at most 0.5 of the source: {} ({default_overhead:.3})",
        verdict(default_overhead <= 0.5)
    );
    println!();
}

fn main() {
    // `cargo bench` passes `--bench`; an issue path may follow `--`.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("fixtures/docs/2024-01-06-weekly.md"));
    // The default of `[model] batch_chars` in editions.toml.
    let batch_chars = env_usize("EDITIONS_BENCH_BATCH_CHARS", 1500);
    let concurrency = env_usize("EDITIONS_BENCH_CONCURRENCY", 8);
    let (fixed, per_char) = (Duration::from_millis(300), Duration::from_millis(2));

    let source = SourceText::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = source.text;
    let glossary =
        Glossary::load(&manifest.join("glossary"), Lang::En).unwrap_or_else(|e| panic!("{e}"));
    let options = SegmentOptions::default();
    let prompt = SCRIPT_PROMPT.to_string();
    let chunks = split_like_the_script(&text);
    let items = text.lines().filter(|l| is_item_title(l)).count();
    let (segments, tagged_chars) = {
        let doc = Document::parse(&text, &options);
        let chars: usize = doc.segments().map(|s| s.tagged.chars().count()).sum();
        (doc.segments().count(), chars)
    };

    let server = StandIn::start_with_latency(vec![], fixed, per_char);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let model_settings = ModelSettings {
        base_url: server.base_url(),
        api_key: KEY.to_string(),
        model: MODEL.to_string(),
        timeout: Duration::from_secs(120),
        max_retries: 3,
        backoff: Duration::from_millis(500),
    };
    let settings = Settings {
        source: Lang::Zh,
        target: Lang::En,
        batch_chars,
        concurrency,
        max_repairs: 2,
        price: Default::default(),
        model_name: MODEL.to_string(),
        date: "2024-01-06".to_string(),
        skip: Default::default(),
        distrust: Default::default(),
        reasons: Default::default(),
        batch_api: false,
        refresh: false,
        // editions' defaults, with the repository's English style guide as `translate` sends it.
        guidance: translate::Guidance {
            style: std::fs::read_to_string(manifest.join("locales/en/style.md")).ok(),
            ..Default::default()
        },
    };
    prompt_overhead(manifest, &glossary, &options, &settings);

    println!(
        "issue: {} ({} characters, {items} items, {segments} segments)",
        path.display(),
        text.chars().count()
    );
    println!(
        "stand-in latency: {} ms + {} ms per answer character",
        fixed.as_millis(),
        per_char.as_millis()
    );
    println!(
        "baseline: {} chunks sent one after another, each with the script's {}-character prompt",
        chunks.len(),
        prompt.chars().count()
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let memory = Mutex::new(Memory::empty(&dir.path().join("memory.jsonl")));
    let plan = {
        let doc = Document::parse(&text, &options);
        translate::plan(&doc, &glossary, &memory.lock().unwrap(), &settings)
            .expect("an empty memory reads")
    };
    println!(
        "editions: {tagged_chars} characters of tagged source; batch_chars {batch_chars}, \
         concurrency {concurrency}: {} batches of {:?} segments",
        plan.batches.len(),
        plan.batches.iter().map(|b| b.ids.len()).collect::<Vec<_>>()
    );
    for (i, b) in plan.batches.iter().enumerate() {
        println!(
            "  batch {}: line {:>3}, {:>2} segments, system {:>4} chars, user {:>5} chars",
            i + 1,
            b.line,
            b.ids.len(),
            b.system_chars,
            b.user_chars
        );
    }
    println!();

    // 1. The old script.
    let (script_out, base) = measure(&server, &runtime, async {
        let model = Model::new(model_settings.clone())?;
        run_script(&model, &prompt, &text).await
    });
    let script_out = script_out.unwrap_or_else(|e| panic!("baseline: {e}"));
    black_box(&script_out);

    // 2. editions, from an empty memory.
    let (edition, ed) = measure(&server, &runtime, async {
        let model = Model::new(model_settings.clone()).map_err(|e| e.to_string())?;
        let doc = Document::parse(&text, &options).with_path(&path);
        let outcome =
            translate::translate(&doc, &glossary, &memory, Some(&model), &settings, &Silent)
                .await
                .map_err(|e| e.to_string())?;
        editions::merge(&doc, &outcome.translations).map_err(|e| e.to_string())
    });
    let edition = edition.unwrap_or_else(|e| panic!("editions: {e}"));
    black_box(&edition);

    // 3. editions, latency first: `prompt_share = 2` lets every slot have a batch.
    let fast_memory = Mutex::new(Memory::empty(&dir.path().join("fast.jsonl")));
    let fast_settings = Settings {
        guidance: translate::Guidance {
            prompt_share: 2.0,
            ..settings.guidance.clone()
        },
        ..settings.clone()
    };
    let (fast_edition, fast) = measure(&server, &runtime, async {
        let model = Model::new(model_settings.clone()).map_err(|e| e.to_string())?;
        let doc = Document::parse(&text, &options).with_path(&path);
        translate::translate(
            &doc,
            &glossary,
            &fast_memory,
            Some(&model),
            &fast_settings,
            &Silent,
        )
        .await
        .map_err(|e| e.to_string())
    });
    fast_edition.unwrap_or_else(|e| panic!("editions, prompt_share 2: {e}"));

    let count = |v: f64| format!("{v:.0}");
    let secs = |v: f64| format!("{v:.2} s");
    let megabytes = |v: f64| format!("{v:.2} MB");
    let rows: [(&str, f64, f64, &Unit); 9] = [
        ("requests", base.requests as f64, ed.requests as f64, &count),
        (
            "prompt characters",
            base.prompt_chars() as f64,
            ed.prompt_chars() as f64,
            &count,
        ),
        (
            "  instructions+glossary",
            base.system_chars as f64,
            ed.system_chars as f64,
            &count,
        ),
        (
            "  source",
            base.user_chars as f64,
            ed.user_chars as f64,
            &count,
        ),
        (
            "    of which ids and JSON",
            base.user_envelope_chars as f64,
            ed.user_envelope_chars as f64,
            &count,
        ),
        (
            "answer characters",
            base.answer_chars as f64,
            ed.answer_chars as f64,
            &count,
        ),
        (
            "wall time",
            base.wall.as_secs_f64(),
            ed.wall.as_secs_f64(),
            &secs,
        ),
        (
            "  slowest answer's latency",
            base.slowest.as_secs_f64(),
            ed.slowest.as_secs_f64(),
            &secs,
        ),
        (
            "peak heap",
            mb(base.heap_peak),
            mb(ed.heap_peak),
            &megabytes,
        ),
    ];
    println!(
        "{:<28} {:>14} {:>14} {:>18}",
        "", "baseline", "editions", "editions/baseline"
    );
    for (name, b, e, show) in rows {
        println!(
            "{name:<28} {:>14} {:>14} {:>18}",
            show(b),
            show(e),
            ratio(e, b)
        );
    }
    println!(
        "{:<28} {:>14} {:>14}",
        "  heap at start of phase",
        format!("{:.2} MB", mb(base.heap_start)),
        format!("{:.2} MB", mb(ed.heap_start)),
    );
    println!(
        "{:<28} {:>14} {:>14}",
        "  added latency, summed",
        format!("{:.2} s", base.latency.as_secs_f64()),
        format!("{:.2} s", ed.latency.as_secs_f64()),
    );
    println!();

    // 3. A rerun of the unchanged issue, with the same memory.
    let rerun = measure(&server, &runtime, async {
        let model = Model::new(model_settings.clone()).map_err(|e| e.to_string())?;
        let doc = Document::parse(&text, &options);
        translate::translate(&doc, &glossary, &memory, Some(&model), &settings, &Silent)
            .await
            .map(|o| o.summary.memory_hits)
            .map_err(|e| e.to_string())
    });
    let rerun_hits = rerun.0.unwrap_or_else(|e| panic!("rerun: {e}"));
    let rerun = rerun.1;

    // 4. One description reworded.
    let edited_text = reword_one_description(&text).expect("an item with a description");
    let edited = measure(&server, &runtime, async {
        let model = Model::new(model_settings.clone()).map_err(|e| e.to_string())?;
        let doc = Document::parse(&edited_text, &options);
        translate::translate(&doc, &glossary, &memory, Some(&model), &settings, &Silent)
            .await
            .map(|o| o.summary.memory_hits)
            .map_err(|e| e.to_string())
    });
    let edited_hits = edited.0.unwrap_or_else(|e| panic!("edited rerun: {e}"));
    let edited = edited.1;
    println!(
        "rerun, unchanged issue:      {} request(s) ({rerun_hits} of {segments} segments from memory, {:.3} s)",
        rerun.requests,
        rerun.wall.as_secs_f64()
    );
    println!(
        "rerun, one paragraph edited: {} request(s) ({edited_hits} of {segments} segments from memory, {:.2} s)",
        edited.requests,
        edited.wall.as_secs_f64()
    );
    println!();

    // The lower bound of editions' run: its model time spread over the slots, or its longest
    // single request, whichever is longer.
    let lower = (ed.latency / concurrency as u32).max(ed.slowest);
    println!(
        "editions' lower bound: {:.2} s (model time {:.2} s over {concurrency} slots, longest request {:.2} s); wall time / lower bound {:.2}",
        lower.as_secs_f64(),
        ed.latency.as_secs_f64(),
        ed.slowest.as_secs_f64(),
        ed.wall.as_secs_f64() / lower.as_secs_f64().max(1e-9)
    );
    println!(
        "editions with prompt_share 2 (latency first): {} requests, wall {:.2} s ({:.3} of the script's), prompt characters {} (instructions {:.3} of the source)",
        fast.requests,
        fast.wall.as_secs_f64(),
        fast.wall.as_secs_f64() / base.wall.as_secs_f64(),
        fast.prompt_chars(),
        fast.system_chars as f64 / fast.user_chars as f64
    );
    println!();
    let goals = [
        (
            format!(
                "instructions, glossary and examples <= 0.5 of the source (the default share): {:.3}",
                ed.system_chars as f64 / ed.user_chars as f64
            ),
            ed.system_chars * 2 <= ed.user_chars,
        ),
        (
            format!(
                "with prompt_share 2, wall time <= 0.15 of the script's: {:.2} s <= {:.2} s",
                fast.wall.as_secs_f64(),
                base.wall.as_secs_f64() * 0.15
            ),
            fast.wall.as_secs_f64() <= base.wall.as_secs_f64() * 0.15,
        ),
        (
            format!(
                "wall time <= 0.15 of the script's: {:.2} s <= {:.2} s",
                ed.wall.as_secs_f64(),
                base.wall.as_secs_f64() * 0.15
            ),
            ed.wall.as_secs_f64() <= base.wall.as_secs_f64() * 0.15,
        ),
        (
            format!(
                "wall time within 1.3x of the lower bound: {:.2} s <= {:.2} s",
                ed.wall.as_secs_f64(),
                lower.as_secs_f64() * 1.3
            ),
            ed.wall.as_secs_f64() <= lower.as_secs_f64() * 1.3,
        ),
        (
            format!(
                "prompt characters <= 0.5 of the script's: {} <= {:.0}",
                ed.prompt_chars(),
                base.prompt_chars() as f64 * 0.5
            ),
            ed.prompt_chars() * 2 <= base.prompt_chars(),
        ),
        (
            format!("peak heap < 50 MB: {:.2} MB", mb(ed.heap_peak)),
            ed.heap_peak < 50_000_000,
        ),
        (
            format!(
                "rerun of the unchanged issue sends 0 requests: {}",
                rerun.requests
            ),
            rerun.requests == 0,
        ),
        (
            format!("one paragraph edited sends 1 request: {}", edited.requests),
            edited.requests == 1,
        ),
    ];
    println!("goals:");
    for (goal, met) in &goals {
        println!("  {:<8} {goal}", verdict(*met));
    }
}
