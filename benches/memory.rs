//! The translation memory at scale: the same commands on the sample newsletter with an empty
//! memory and with two 100,000-entry ones, side by side in one run: model entries (2 %
//! approved), and approved entries imported with `memory import` (its time measured too), which
//! requests choose examples from.
//!
//! Figures: opening the memory and one lookup (in process), peak RSS of a `translate --dry-run`
//! of the largest fixture, the wall time of that dry run, `check --all` on the fixtures, and a
//! run's final save (20 new entries merged into the memory). Targets: each figure with the
//! large memory at most 2x the empty memory's (the save excepted: it rewrites the file), and
//! peak RSS at most 2x the memory file's size.
//!
//! ```sh
//! cargo bench --bench memory
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use editions::memory::{Entry, Memory, Origin};
use editions::Lang;

const ENTRIES: usize = 100_000;
const RUNS: usize = 9;

fn filler(i: usize) -> Entry {
    Entry {
        locale: "en".into(),
        source: format!(
            "第 {i:06} 条：作者用一个可运行的例子介绍了这个 Python 库的设计思路，比较了三种实现方式在性能、可读性和可维护性上的取舍，并给出了迁移建议。"
        ),
        target: format!(
            "Item {i}: with a runnable example, the author walks through the design of this Python library, compares three implementations on speed, readability and maintainability, and gives advice on migrating."
        ),
        glossary: if i.is_multiple_of(5) {
            "0123456789abcdef".into()
        } else {
            String::new()
        },
        prompt: 1,
        model: "gpt-4o-mini".into(),
        date: "2025-06-01".into(),
        origin: if i.is_multiple_of(50) {
            Origin::Approved
        } else {
            Origin::Model
        },
        rating: None,
        note: None,
        asked: Vec::new(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Wall time and peak RSS (KiB) of one run of the binary.
// The child is waited for with wait4, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
fn run(root: &Path, args: &[&str], max_code: i32) -> (Duration, i64) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_editions"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("OPENAI_API_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the editions binary");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the locals above.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "waited for the child");
    let elapsed = started.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= max_code,
        "editions {args:?} failed with {status}"
    );
    (elapsed, usage.ru_maxrss)
}

struct Figures {
    open: Duration,
    rss_kib: i64,
    dry_run: Duration,
    check: Duration,
    save: Duration,
    file_bytes: u64,
}

fn measure(root: &Path) -> Figures {
    let path = root.join("memory.jsonl");
    let open = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let m = Memory::load(&path).unwrap();
                let found = m.any(Lang::En, "不在记忆里的一段话").unwrap();
                assert!(found.is_none());
                t.elapsed()
            })
            .collect(),
    );
    let mut rss = 0;
    let dry_run = median(
        (0..RUNS)
            .map(|_| {
                // The fixtures' editions have no record: planned as a retranslation, the whole
                // issue (every segment looked up, the examples chosen).
                let (t, r) = run(
                    root,
                    &["translate", "--dry-run", "--retranslate", "2024-01-06"],
                    0,
                );
                rss = rss.max(r);
                t
            })
            .collect(),
    );
    let check = median(
        (0..RUNS)
            .map(|_| run(root, &["check", "--all"], 1).0)
            .collect(),
    );
    // A run's final save: 20 new entries merged, on a copy.
    let copy = tempfile::tempdir().unwrap();
    let copied = copy.path().join("memory.jsonl");
    let save = median(
        (0..5)
            .map(|k| {
                if path.exists() {
                    std::fs::copy(&path, &copied).unwrap();
                }
                let mut m = Memory::load(&copied).unwrap();
                for i in 0..20 {
                    m.insert(filler(ENTRIES + 1000 * k + i));
                }
                m.save().unwrap();
                let t = Instant::now();
                m.compact().unwrap();
                t.elapsed()
            })
            .collect(),
    );
    Figures {
        open,
        rss_kib: rss,
        dry_run,
        check,
        save,
        file_bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
    }
}

fn root() -> tempfile::TempDir {
    let root = support::newsletter_root();
    support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs/en"),
        &root.path().join("docs/en"),
    );
    root
}

/// Words the imported paragraphs are made of: enough of them that the paragraphs differ as a
/// newsletter's do, so that the example index has real work.
const WORDS: [&str; 48] = [
    "并发",
    "任务",
    "异常",
    "处理",
    "教程",
    "性能",
    "数据库",
    "类型",
    "检查",
    "发布",
    "测试",
    "框架",
    "模块",
    "函数",
    "闭包",
    "生成器",
    "事件循环",
    "线程",
    "进程",
    "内存",
    "缓存",
    "网络",
    "爬虫",
    "解析",
    "编译",
    "解释器",
    "虚拟机",
    "字节码",
    "调试",
    "日志",
    "配置",
    "部署",
    "容器",
    "镜像",
    "服务",
    "接口",
    "文档",
    "示例",
    "项目",
    "开源",
    "社区",
    "会议",
    "演讲",
    "播客",
    "视频",
    "书籍",
    "课程",
    "工具",
];

/// A deterministic stream of numbers (an LCG), so every run builds the same memory.
fn lcg(state: &mut u64) -> usize {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 33) as usize
}

/// Imports `ENTRIES` approved translations into the root's memory through `memory import`, as
/// a newsletter with a long reviewed history has them; returns the import's wall time. The
/// files are written a paragraph at a time, so that this process stays small.
fn import_approved(root: &Path) -> Duration {
    use std::io::Write;
    let mut state = 7u64;
    let file = root.join("history.md");
    let json = root.join("history.en.json");
    let mut original = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let mut translations = std::io::BufWriter::new(std::fs::File::create(&json).unwrap());
    translations.write_all(b"{").unwrap();
    for i in 0..ENTRIES {
        let words: String = (0..8)
            .map(|_| WORDS[lcg(&mut state) % WORDS.len()])
            .collect::<Vec<_>>()
            .join("，");
        let text = format!("第 {i} 条：{words}。");
        // A paragraph's id depends on its text only.
        let doc = editions::Document::parse(&text, &editions::SegmentOptions::default());
        let id = &doc.segments().next().expect("a segment").id;
        write!(original, "{text}\n\n").unwrap();
        if i > 0 {
            translations.write_all(b",").unwrap();
        }
        write!(
            translations,
            "{}:{}",
            serde_json::to_string(id).unwrap(),
            serde_json::to_string(&format!(
                "Item {i}: a reviewed translation of this paragraph, word for word."
            ))
            .unwrap()
        )
        .unwrap();
    }
    translations.write_all(b"}").unwrap();
    original.flush().unwrap();
    translations.flush().unwrap();
    drop((original, translations));
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_editions"))
        .arg("--root")
        .arg(root)
        .args(["memory", "import"])
        .arg(&file)
        .arg(&json)
        .args(["--to", "en"])
        .env_remove("OPENAI_API_KEY")
        .output()
        .expect("the editions binary");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "memory import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(&json).unwrap();
    took
}

fn main() {
    let empty = root();
    let model = root();
    let approved = root();
    let path = model.path().join("memory.jsonl");
    let started = Instant::now();
    // Written line by line in key order (the zero-padded number sorts the sources), so that
    // this process stays small: a child's peak RSS starts from its parent's size at the fork.
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 0..ENTRIES {
            serde_json::to_writer(&mut w, &filler(i)).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    let check = Memory::load(&path).unwrap();
    assert_eq!(
        check
            .any(Lang::En, &filler(4321).source)
            .unwrap()
            .unwrap()
            .target,
        filler(4321).target
    );
    println!(
        "built a {ENTRIES}-entry memory of model entries, 2 % approved ({:.1} MB) in {:.2} s",
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let import = import_approved(approved.path());
    // Counted by lines, so that this process stays small (a child's peak RSS starts from it).
    let count = {
        use std::io::BufRead;
        std::io::BufReader::new(std::fs::File::open(approved.path().join("memory.jsonl")).unwrap())
            .split(b'\n')
            .filter(|l| l.as_ref().is_ok_and(|l| !l.is_empty()))
            .count()
    };
    assert_eq!(count, ENTRIES, "every paragraph imported");
    println!(
        "imported {count} approved entries with `memory import` ({:.1} MB) in {:.2} s (target < 5 s)",
        std::fs::metadata(approved.path().join("memory.jsonl")).unwrap().len() as f64 / 1e6,
        import.as_secs_f64()
    );
    println!("{RUNS} runs per figure, medians");
    if let Ok(keep) = std::env::var("MEMORY_BENCH_KEEP") {
        // For profiling by hand: the three roots, kept.
        for (name, dir) in [
            ("empty", &empty),
            ("model", &model),
            ("approved", &approved),
        ] {
            support::copy_dir(dir.path(), &Path::new(&keep).join(name));
        }
    }
    let e = measure(empty.path());
    let m = measure(model.path());
    let a = measure(approved.path());
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!();
    println!(
        "{:<34} {:>10} {:>12} {:>7} {:>12} {:>7}   target",
        "figure", "empty", "100k model", "ratio", "100k approved", "ratio"
    );
    let line = |name: &str, e: Duration, m: Duration, a: Duration, target: &str| {
        let (rm, ra) = (
            ratio(m.as_secs_f64(), e.as_secs_f64()),
            ratio(a.as_secs_f64(), e.as_secs_f64()),
        );
        println!(
            "{name:<34} {:>10} {:>12} {:>6.2}x {:>12} {:>6.2}x   {target}",
            ms(e),
            ms(m),
            rm,
            ms(a),
            ra
        );
        (rm, ra)
    };
    line(
        "open + one lookup (in process)",
        e.open,
        m.open,
        a.open,
        "-",
    );
    let dry = line(
        "translate --dry-run (2024-01-06)",
        e.dry_run,
        m.dry_run,
        a.dry_run,
        "<= 2x",
    );
    let check = line(
        "check --all (3 fixtures)",
        e.check,
        m.check,
        a.check,
        "<= 2x",
    );
    line(
        "final save (20 entries merged)",
        e.save,
        m.save,
        a.save,
        "- (rewrites the file)",
    );
    let rss = |f: &Figures| ratio(f.rss_kib as f64 * 1024.0, f.file_bytes as f64);
    println!(
        "{:<34} {:>6} KiB {:>8} KiB {:>6.2}x {:>8} KiB {:>6.2}x   peak RSS <= 2x the file",
        "peak RSS of the dry run",
        e.rss_kib,
        m.rss_kib,
        rss(&m),
        a.rss_kib,
        rss(&a)
    );
    println!();
    let met = |ok: bool| if ok { "MET" } else { "NOT MET" };
    println!(
        "goal: dry run and check with 100k entries <= 2x empty: model entries {} ({:.2}x, {:.2}x), approved entries {} ({:.2}x, {:.2}x); import of 100k < 5 s: {} ({:.2} s); peak RSS <= 2x the file: {} ({:.2}x, {:.2}x)",
        met(dry.0 <= 2.0 && check.0 <= 2.0),
        dry.0,
        check.0,
        met(dry.1 <= 2.0 && check.1 <= 2.0),
        dry.1,
        check.1,
        met(import.as_secs_f64() < 5.0),
        import.as_secs_f64(),
        met(rss(&m) <= 2.0 && rss(&a) <= 2.0),
        rss(&m),
        rss(&a)
    );
}
