//! The whole archive: one `editions translate --all` beside one invocation per issue, against
//! the same stand-in model, in one run.
//!
//! Usage: `cargo bench --bench archive -- ../shared/corpus/python-weekly/docs`
//!
//! The stand-in (`tests/support/standin.rs`) runs in this process on 127.0.0.1 and answers
//! after a fixed time plus a time per answer character: a hosted model's pace (300 ms + 2 ms)
//! divided by `EDITIONS_BENCH_SCALE` (default 10), so that the run takes minutes. Every original
//! of the archive (`{date}-weekly.md`, `-sweekly.md`, `-iweekly.md`; not its published
//! editions) is copied into two fresh newsletter roots with the repository's rules, glossaries
//! and locales, and translated into English with the release binary:
//!
//! 1. **one invocation per issue**, one after another, as a shell loop over the archive would;
//! 2. **one run**, `translate --all`: every issue's requests in one pool of `concurrency`
//!    slots, the largest first.
//!
//! For each: wall time, requests, and the lower bound (the stand-in's added latency, summed,
//! over the slots, or the longest single request). Then `translate --all` again on the second
//! root, which has nothing to do. Goals: the one run within 1.3x of its lower bound; the no-op
//! rerun under 2 s with 0 requests.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::copy_dir;
use support::standin::{StandIn, KEY, MODEL};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const BINARY: &str = env!("CARGO_BIN_EXE_editions");

/// A newsletter root with the archive's originals and the repository's rules.
fn root(docs: &Path, names: &[String], concurrency: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    for n in names {
        std::fs::copy(docs.join(n), dir.path().join("docs").join(n)).unwrap();
    }
    copy_dir(
        &Path::new(REPO).join("glossary"),
        &dir.path().join("glossary"),
    );
    copy_dir(
        &Path::new(REPO).join("locales"),
        &dir.path().join("locales"),
    );
    let config = std::fs::read_to_string(Path::new(REPO).join("editions.toml")).unwrap();
    let rules = &config[config.find("[[boilerplate]]").unwrap()..];
    std::fs::write(
        dir.path().join("editions.toml"),
        format!(
            "memory = \"memory.jsonl\"\n\n[model]\nname = \"{MODEL}\"\nconcurrency = {concurrency}\n\n{rules}"
        ),
    )
    .unwrap();
    dir
}

fn translate(root: &Path, server: &StandIn, args: &[&str]) {
    let out = Command::new(BINARY)
        .arg("--root")
        .arg(root)
        .arg("translate")
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("NO_PROGRESS", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "translate {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a phase cost: wall time, requests, summed and longest added latency.
struct Phase {
    wall: Duration,
    requests: usize,
    latency: Duration,
    slowest: Duration,
}

fn measure(server: &StandIn, work: impl FnOnce()) -> Phase {
    let (requests, answers) = (server.requests().len(), server.answers().len());
    let started = Instant::now();
    work();
    let wall = started.elapsed();
    let answered = server.answers();
    let answered = &answered[answers..];
    Phase {
        wall,
        requests: server.requests().len() - requests,
        latency: answered.iter().map(|a| a.delay).sum(),
        slowest: answered.iter().map(|a| a.delay).max().unwrap_or_default(),
    }
}

fn main() {
    let Some(docs) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        println!("usage: cargo bench --bench archive -- <corpus docs folder>");
        return;
    };
    let docs = PathBuf::from(docs);
    let scale: u32 = std::env::var("EDITIONS_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let concurrency: usize = std::env::var("EDITIONS_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    names.sort();
    let (fixed, per_char) = (
        Duration::from_millis(300) / scale,
        Duration::from_micros(2000) / scale,
    );
    let server = StandIn::start_with_latency(vec![], fixed, per_char);
    println!(
        "{} originals; stand-in latency {:?} + {:?} per answer character (a hosted model's pace / {scale}); concurrency {concurrency}",
        names.len(),
        fixed,
        per_char
    );

    // 1. One invocation per issue.
    let each_root = root(&docs, &names, concurrency);
    let each = measure(&server, || {
        for n in &names {
            let path = each_root.path().join("docs").join(n);
            translate(each_root.path(), &server, &[path.to_str().unwrap()]);
        }
    });

    // 2. One run.
    let all_root = root(&docs, &names, concurrency);
    let all = measure(&server, || translate(all_root.path(), &server, &["--all"]));
    let lower = (all.latency / concurrency as u32).max(all.slowest);

    // 3. Nothing to do.
    let noop = measure(&server, || translate(all_root.path(), &server, &["--all"]));

    println!();
    println!(
        "{:<34} {:>10} {:>9} {:>14}",
        "", "wall", "requests", "model time"
    );
    for (name, p) in [
        ("one invocation per issue", &each),
        ("one run (translate --all)", &all),
        ("no-op rerun (translate --all)", &noop),
    ] {
        println!(
            "{name:<34} {:>8.2} s {:>9} {:>12.2} s",
            p.wall.as_secs_f64(),
            p.requests,
            p.latency.as_secs_f64()
        );
    }
    println!(
        "one run: lower bound {:.2} s (model time over {concurrency} slots, or its longest request {:.2} s); wall / lower bound {:.2}; one run / per-issue invocations {:.3}",
        lower.as_secs_f64(),
        all.slowest.as_secs_f64(),
        all.wall.as_secs_f64() / lower.as_secs_f64(),
        all.wall.as_secs_f64() / each.wall.as_secs_f64()
    );
    println!();
    let goals = [
        (
            format!(
                "one run within 1.3x of its lower bound: {:.2} s <= {:.2} s",
                all.wall.as_secs_f64(),
                lower.as_secs_f64() * 1.3
            ),
            all.wall.as_secs_f64() <= lower.as_secs_f64() * 1.3,
        ),
        (
            format!(
                "no-op rerun of the archive under 2 s with 0 requests: {:.2} s, {} requests",
                noop.wall.as_secs_f64(),
                noop.requests
            ),
            noop.wall < Duration::from_secs(2) && noop.requests == 0,
        ),
    ];
    println!("goals:");
    for (goal, met) in goals {
        println!("  {:<8} {goal}", if met { "MET" } else { "NOT MET" });
    }
}
