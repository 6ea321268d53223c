//! A large table: the first `translate` of an issue holding a 5,000-row table beside its rerun
//! (nothing to send) and a rerun after one cell changed, in one run, with the stand-in model.
//! Goal: each rerun takes at most about the time of the first run (they do less: the rerun
//! lays the record over the edition and asks the memory). A rerun that looks up each row's
//! record by a scan grows with the square of the rows.
//!
//! ```sh
//! cargo bench --bench table
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::standin::{StandIn, KEY};

const ROWS: usize = 5_000;

fn translate(root: &Path, server: &StandIn) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_editions"))
        .arg("--root")
        .arg(root)
        .args(["--quiet", "translate", "2024-02-03"])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .output()
        .expect("the editions binary");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn main() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let mut text = String::from("# 大表格\n\n| 名称 | 说明 |\n| --- | --- |\n");
    for i in 0..ROWS {
        text.push_str(&format!("| 项目{i} | 第 {i} 个工具的简短说明 |\n"));
    }
    let original = root.join("docs/2024-02-03-weekly.md");
    std::fs::write(&original, &text).unwrap();
    let server = StandIn::start(vec![]);
    let first = translate(root, &server);
    let requests = server.requests().len();
    let rerun = translate(root, &server);
    assert_eq!(server.requests().len(), requests, "a rerun sends nothing");
    std::fs::write(
        &original,
        text.replacen("第 7 个工具的简短说明", "第 7 个工具的详细说明", 1),
    )
    .unwrap();
    let changed = translate(root, &server);
    let s = |d: Duration| d.as_secs_f64();
    println!("a {ROWS}-row table ({} requests the first time)", requests);
    println!("{:<34} {:>9}", "figure", "seconds");
    println!("{:<34} {:>9.2}", "first translate (baseline)", s(first));
    println!(
        "{:<34} {:>9.2}   {:.2}x the first",
        "rerun, nothing to send",
        s(rerun),
        s(rerun) / s(first)
    );
    println!(
        "{:<34} {:>9.2}   {:.2}x the first",
        "rerun, one cell changed",
        s(changed),
        s(changed) / s(first)
    );
    let met = s(rerun) <= 1.2 * s(first) && s(changed) <= 1.2 * s(first);
    println!(
        "goal: reruns within 1.2x of the first run: {}",
        if met { "MET" } else { "NOT MET" }
    );
}
