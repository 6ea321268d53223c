//! The translation memory at scale: the same commands on the sample newsletter with an empty
//! memory and with a 100,000-entry one, side by side in one run.
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
fn run(root: &Path, args: &[&str]) -> (Duration, i64) {
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
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
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
                let (t, r) = run(root, &["translate", "--dry-run", "2024-01-06"]);
                rss = rss.max(r);
                t
            })
            .collect(),
    );
    let check = median(
        (0..RUNS)
            .map(|_| run(root, &["check", "--all"]).0)
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

fn main() {
    let empty = root();
    let large = root();
    let path = large.path().join("memory.jsonl");
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
        "built a {ENTRIES}-entry memory ({:.1} MB) in {:.2} s; {RUNS} runs per figure, medians",
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let e = measure(empty.path());
    let l = measure(large.path());
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!();
    println!(
        "{:<34} {:>12} {:>14} {:>8}   target",
        "figure", "empty", "100k entries", "ratio"
    );
    let line = |name: &str, a: Duration, b: Duration, target: &str| {
        let r = ratio(b.as_secs_f64(), a.as_secs_f64());
        println!(
            "{name:<34} {:>12} {:>14} {:>7.2}x   {target}",
            ms(a),
            ms(b),
            r
        );
        r
    };
    line("open + one lookup (in process)", e.open, l.open, "-");
    let dry = line(
        "translate --dry-run 2024-01-06",
        e.dry_run,
        l.dry_run,
        "<= 2x",
    );
    let check = line("check --all (3 fixtures)", e.check, l.check, "<= 2x");
    line(
        "final save (20 entries merged)",
        e.save,
        l.save,
        "- (rewrites the file)",
    );
    let rss_ratio = ratio(l.rss_kib as f64 * 1024.0, l.file_bytes as f64);
    println!(
        "{:<34} {:>9} KiB {:>10} KiB {:>7.2}x   peak RSS <= 2x the file ({:.1} MB): {:.2}x",
        "peak RSS of the dry run",
        e.rss_kib,
        l.rss_kib,
        ratio(l.rss_kib as f64, e.rss_kib as f64),
        l.file_bytes as f64 / 1e6,
        rss_ratio
    );
    println!();
    let met = |ok: bool| if ok { "MET" } else { "NOT MET" };
    println!(
        "goal: dry run and check with 100k entries <= 2x empty: {} ({dry:.2}x, {check:.2}x); peak RSS <= 2x the file: {} ({rss_ratio:.2}x)",
        met(dry <= 2.0 && check <= 2.0),
        met(rss_ratio <= 2.0)
    );
}
