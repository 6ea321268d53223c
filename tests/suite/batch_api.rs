//! `translate --batch-api`: the run's requests as one job of the provider's Batch API, against
//! the stand-in's `/v1/files` and `/v1/batches`.

use crate::support;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use support::standin::{Fault, StandIn, KEY};

const DATES: [&str; 3] = ["2023-12-30", "2024-01-06", "2025-12-06"];

/// A newsletter root whose jobs are polled and gathered quickly.
fn root(resend: &str) -> tempfile::TempDir {
    let dir = support::newsletter_root();
    let config = dir.path().join("editions.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replacen(
            "[model]\n",
            &format!(
                "[model]\nbatch_poll = 0.05\nbatch_gather = 0.1\nbatch_resend = \"{resend}\"\n"
            ),
            1,
        ),
    )
    .unwrap();
    dir
}

fn command(root: &Path, server: &StandIn, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("editions").unwrap();
    c.arg("--root")
        .arg(root)
        .arg("translate")
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .timeout(Duration::from_secs(120));
    c
}

fn translate(root: &Path, server: &StandIn, args: &[&str]) -> Output {
    command(root, server, args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn editions_of(root: &Path) -> Vec<String> {
    DATES
        .iter()
        .map(|d| std::fs::read_to_string(root.join(format!("docs/en/{d}-weekly.md"))).unwrap())
        .collect()
}

#[test]
fn a_batch_job_writes_the_same_editions_as_a_synchronous_run() {
    let sync_root = root("job");
    let sync = StandIn::start(vec![]);
    let out = translate(sync_root.path(), &sync, &["--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let batch_root = root("job");
    let server = StandIn::start(vec![]);
    let out = translate(batch_root.path(), &server, &["--all", "--batch-api"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        editions_of(batch_root.path()),
        editions_of(sync_root.path())
    );
    // One job for the whole run, its lines the run's requests; no chat request outside it.
    let jobs = server.batches();
    assert_eq!(jobs.len(), 1, "{jobs:#?}");
    assert_eq!(jobs[0].custom_ids.len(), server.requests().len());
    assert!(
        stdout.contains("batch jobs: 1 created, 0 resumed; cost $"),
        "{stdout}"
    );
    // Its record is gone once its answers are in the memory.
    let record =
        std::fs::read_to_string(batch_root.path().join(".editions/batch-jobs.json")).unwrap();
    assert_eq!(
        record.split_whitespace().collect::<String>(),
        "{\"jobs\":[]}"
    );
}

#[test]
fn a_run_stopped_after_the_job_was_created_resumes_it() {
    let dir = root("job");
    let server = StandIn::start(vec![]);
    server.batch_delay(Duration::from_secs(3));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("editions"))
        .arg("--root")
        .arg(dir.path())
        .args(["translate", "--all", "--batch-api"])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.batches().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no job was created"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed while the job runs, once the run has recorded it (on a loaded machine that can
    // take longer than the server's answer).
    let recorded = dir.path().join(".editions/batch-jobs.json");
    while !std::fs::read_to_string(&recorded).is_ok_and(|r| r.contains("\"batch_1\"")) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job was not recorded"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!dir.path().join("docs/en/2024-01-06-weekly.md").exists());
    let record = std::fs::read_to_string(dir.path().join(".editions/batch-jobs.json")).unwrap();
    assert!(record.contains("\"batch_1\""), "{record}");

    let out = translate(dir.path(), &server, &["--all", "--batch-api"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(server.batches().len(), 1, "no second job was created");
    assert!(
        stdout.contains("batch jobs: 0 created, 1 resumed;"),
        "{stdout}"
    );
    assert_eq!(editions_of(dir.path()).len(), 3);
}

#[test]
fn failed_lines_and_rejected_answers_are_asked_again() {
    // In a new job.
    let dir = root("job");
    let server = StandIn::start(vec![Fault::ServerError, Fault::LeaveChinese]);
    let out = translate(dir.path(), &server, &["2024-01-06", "--batch-api"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let jobs = server.batches();
    assert!(jobs.len() >= 2, "{jobs:#?}");
    // The line that failed is in the next job.
    assert!(
        jobs[1].custom_ids.contains(&jobs[0].custom_ids[0]),
        "{jobs:#?}"
    );
    let edition = std::fs::read_to_string(dir.path().join("docs/en/2024-01-06-weekly.md")).unwrap();
    assert!(!edition.contains("未翻译"));

    // Synchronously.
    let dir = root("sync");
    let server = StandIn::start(vec![Fault::ServerError, Fault::LeaveChinese]);
    let out = translate(dir.path(), &server, &["2024-01-06", "--batch-api"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let jobs = server.batches();
    assert_eq!(jobs.len(), 1, "{jobs:#?}");
    assert_eq!(
        server.requests().len(),
        jobs[0].custom_ids.len() + 2,
        "the failed line and the rejected answer, asked again as chat requests"
    );
}

#[test]
fn a_server_without_the_batch_api_gets_a_clear_error() {
    let dir = root("job");
    let server = StandIn::start(vec![]).without_batch_api();
    let out = translate(dir.path(), &server, &["--all", "--batch-api"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {} does not serve the Batch API (HTTP 404 on /files): run without --batch-api and set `batch_api = false` in editions.toml's [model], or use a server that serves /files and /batches\n",
            server.base_url()
        )
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent to the chat endpoint"
    );
}
