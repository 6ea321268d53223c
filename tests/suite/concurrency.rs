//! Several editions processes on one memory at once: nothing validated is lost, nothing is paid
//! for twice, and the memory file stays sorted and valid.

use crate::support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use editions::edition::rules::{find, fixed_segments, Rule};
use editions::memory::Memory;
use editions::{Document, Lang, SegmentOptions};
use support::standin::{StandIn, KEY};

fn rules() -> Vec<Rule> {
    #[derive(serde::Deserialize)]
    struct Rules {
        boilerplate: Vec<Rule>,
    }
    let toml = support::rules_toml();
    let parsed: Rules = toml::from_str(toml.split("[[url_rewrite]]").next().unwrap()).unwrap();
    parsed.boilerplate
}

fn spawn(root: &Path, server: &StandIn, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_editions"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_ok(child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The body segments of an issue: what its edition needs from the memory.
fn body_sources(root: &Path, date: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(format!("docs/{date}-weekly.md"))).unwrap();
    let doc = Document::parse(&text, &SegmentOptions::default());
    let fixed = fixed_segments(&doc, &find(&text, &rules(), "en"));
    doc.segments()
        .filter(|s| !fixed.contains(&s.id))
        .map(|s| s.tagged.clone())
        .collect()
}

/// A fourth issue, written for this test from another one: every sentence ends differently,
/// so none of its segments is in the memory.
fn fourth_issue(root: &Path) {
    let text = std::fs::read_to_string(root.join("docs/2023-12-30-weekly.md")).unwrap();
    let text = text
        .replace("周刊#33", "周刊#35")
        .replace("2023-12-30", "2024-01-13")
        .replace('。', "！");
    std::fs::write(root.join("docs/2024-01-13-weekly.md"), text).unwrap();
}

#[test]
fn four_translations_and_an_import_at_once_lose_no_entry() {
    let root = support::newsletter_root();
    fourth_issue(root.path());
    // Slow enough that the runs overlap for many batches.
    let server = StandIn::start_with_latency(
        vec![],
        Duration::from_millis(60),
        Duration::from_micros(200),
    );
    let dates = ["2023-12-30", "2024-01-06", "2024-01-13", "2025-12-06"];
    // An approved translation imported while the four run.
    let original = root.path().join("docs/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&original).unwrap();
    let doc = Document::parse(&text, &SegmentOptions::default());
    let seg = doc
        .segments()
        .find(|s| s.tagged.contains("<b1>TaskGroup</b1>"))
        .unwrap();
    let reviewed = "Reviewed: <b1>TaskGroup</b1> and <code2/> differ in how they cancel.";
    let file = root.path().join("reviewed.json");
    std::fs::write(
        &file,
        serde_json::json!({ seg.id.clone(): reviewed }).to_string(),
    )
    .unwrap();

    let children: Vec<Child> = dates
        .iter()
        .map(|d| spawn(root.path(), &server, &["translate", d]))
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    let import = spawn(
        root.path(),
        &server,
        &[
            "memory",
            "import",
            original.to_str().unwrap(),
            file.to_str().unwrap(),
            "--to",
            "en",
        ],
    );
    for c in children {
        wait_ok(c);
    }
    wait_ok(import);

    let memory_path = root.path().join("memory.jsonl");
    let memory = Memory::load(&memory_path).unwrap();
    let mut wanted = 0;
    for d in dates {
        for source in body_sources(root.path(), d) {
            wanted += 1;
            assert!(
                memory.any(Lang::En, &source).unwrap().is_some(),
                "{d}: {source} is in the memory"
            );
        }
    }
    assert!(wanted > 150, "{wanted} segments");
    let approved = memory
        .approved(Lang::En, &seg.tagged)
        .unwrap()
        .unwrap_or_else(|| {
            panic!(
                "the import is kept: {:#?}",
                std::fs::read_to_string(&memory_path)
                    .unwrap()
                    .lines()
                    .filter(|l| l.contains("TaskGroup"))
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(approved.target, reviewed);
    // Everything paid for is there, and the file is sorted.
    for r in server.requests() {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&r.user).unwrap();
        for source in map.values() {
            assert!(memory
                .any(Lang::En, source.as_str().unwrap())
                .unwrap()
                .is_some());
        }
    }
    let lines: Vec<String> = std::fs::read_to_string(&memory_path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| {
        let e: editions::memory::Entry = serde_json::from_str(l).unwrap();
        e.key()
    });
    assert_eq!(lines, sorted, "compacted: sorted");
    assert_eq!(lines.len(), memory.count().unwrap());
    assert!(!editions::memory::journal_path(&memory_path).exists());
    let strays: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".editions-tmp"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
    // A rerun of every issue sends nothing.
    let before = server.requests().len();
    for d in dates {
        wait_ok(spawn(root.path(), &server, &["translate", d]));
    }
    assert_eq!(server.requests().len(), before);
}

#[test]
fn two_runs_of_one_issue_at_once_pay_once() {
    let root = support::newsletter_root();
    let server = StandIn::start_with_latency(
        vec![],
        Duration::from_millis(40),
        Duration::from_micros(100),
    );
    let a = spawn(root.path(), &server, &["translate", "2024-01-06"]);
    let b = spawn(root.path(), &server, &["translate", "2024-01-06"]);
    let (a, b) = (wait_ok(a), wait_ok(b));
    let sent: usize = server
        .requests()
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&r.user)
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(
        sent,
        body_sources(root.path(), "2024-01-06").len(),
        "{a}\n{b}"
    );
    // One of them found the other's edition and had nothing to do.
    assert!(
        a.contains(": unchanged\n") || b.contains(": unchanged\n"),
        "{a}\n{b}"
    );
}

/// Waits for `child` at most `limit`; a run still going then is killed and reported.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> std::process::Output {
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what} did not finish within {limit:?} (a lock cycle?)\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Two runs that lock the same originals in opposite orders both finish: a run waits for an
/// original with its other editions going on, never in a blocking call. Twenty times over.
#[test]
fn runs_with_crossed_issue_orders_both_finish() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(15), Duration::ZERO);
    let order = ["2023-12-30", "2024-01-06", "2025-12-06"];
    let reversed = ["2025-12-06", "2024-01-06", "2023-12-30"];
    for round in 0..20 {
        // Real work every round: no edition, no record, no memory.
        for gone in ["docs/en", "provenance"] {
            let _ = std::fs::remove_dir_all(root.join(gone));
        }
        let _ = std::fs::remove_file(root.join("memory.jsonl"));
        let mut a = vec!["translate"];
        a.extend(order);
        let mut b = vec!["translate"];
        b.extend(reversed);
        let first = spawn(root, &server, &a);
        let second = spawn(root, &server, &b);
        for (child, what) in [(first, "the first run"), (second, "the second run")] {
            let out = wait_within(child, Duration::from_secs(60), what);
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for date in order {
            assert!(root.join(format!("docs/en/{date}-weekly.md")).is_file());
        }
    }
}

/// Four runs of the whole archive into both locales at once all finish, with every edition.
#[test]
fn four_runs_of_the_whole_archive_at_once_finish() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(10), Duration::ZERO);
    let runs: Vec<Child> = (0..4)
        .map(|_| spawn(root, &server, &["translate", "--all", "--to", "en,ja"]))
        .collect();
    for (k, child) in runs.into_iter().enumerate() {
        let out = wait_within(child, Duration::from_secs(120), &format!("run {k}"));
        assert!(
            out.status.success(),
            "run {k}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for date in ["2023-12-30", "2024-01-06", "2025-12-06"] {
        for locale in ["en", "ja"] {
            assert!(root
                .join(format!("docs/{locale}/{date}-weekly.md"))
                .is_file());
        }
    }
}

/// A run waiting for an original another process works on says so after a second, naming the
/// process, and SIGTERM ends it at once with 143.
#[cfg(unix)]
#[test]
fn a_run_waiting_for_a_lock_says_who_holds_it_and_stops_on_sigterm() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let original = root.join("docs/2024-01-06-weekly.md");
    let held = std::fs::File::open(&original).unwrap();
    held.lock().unwrap();
    let child = spawn(root, &server, &["translate", "2024-01-06"]);
    std::thread::sleep(Duration::from_millis(1600));
    let sent = std::time::Instant::now();
    // SAFETY: signals our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let out = wait_within(child, Duration::from_secs(5), "the waiting run");
    let took = sent.elapsed();
    assert_eq!(out.status.code(), Some(143));
    assert!(took < Duration::from_secs(1), "{took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "waiting for another editions run (process {}), which is working on `{}`",
            std::process::id(),
            original.display()
        )),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
    drop(held);
}
