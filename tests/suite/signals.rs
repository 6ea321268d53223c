//! SIGINT and SIGTERM stop `translate` at once: one line, the validated work kept in the
//! memory, no temporary file left, and exit 130 or 143.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::standin::{StandIn, KEY};

/// Every file under `dir` whose name marks it as editions' temporary file.
fn temporary_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            temporary_files(&path, out);
        } else if path.to_string_lossy().contains("editions-tmp") {
            out.push(path.display().to_string());
        }
    }
}

fn stopped_by(signal: i32, code: i32) {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(400), Duration::ZERO);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("editions"))
        .arg("--root")
        .arg(root)
        .args(["translate", "--all", "--to", "en,ja"])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Some batches answered, others in flight.
    let started = Instant::now();
    while server.answers().len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer came"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: interrupted: the translations validated so far are kept in `{}`; rerun to continue\n",
            root.join("memory.jsonl").display()
        )
    );
    let mut left = Vec::new();
    temporary_files(root, &mut left);
    assert!(left.is_empty(), "{left:?}");
    // What was validated is in the memory: a rerun asks only for the rest.
    let kept = std::fs::read_to_string(root.join("memory.jsonl")).unwrap_or_default();
    assert!(kept.lines().count() > 0, "nothing was kept");
}

#[test]
fn sigterm_stops_the_run_with_143() {
    stopped_by(libc::SIGTERM, 143);
}

#[test]
fn sigint_stops_the_run_with_130() {
    stopped_by(libc::SIGINT, 130);
}
