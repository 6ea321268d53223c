//! No secret in any output: a canary API key and a canary password in `OPENAI_BASE_URL`,
//! through `translate`, `translate --dry-run`, `review` and `check`, while the stand-in
//! refuses the key, fails, hangs, is unreachable, or the URL is malformed. Neither canary may
//! appear in stdout, stderr or any file the runs write.

use crate::support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{Fault, StandIn, KEY};

/// The key the stand-in demands is the canary key.
const CANARY_KEY: &str = KEY;
const CANARY_PASSWORD: &str = "canary-Passw0rd-91f3";

fn run(root: &Path, base_url: &str, key: &str, args: &[&str]) -> (String, String) {
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(args)
        .env("OPENAI_API_KEY", key)
        .env("OPENAI_BASE_URL", base_url)
        .env("RUST_BACKTRACE", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir`, as text.
fn files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
}

fn with_password(url: &str) -> String {
    url.replacen("http://", &format!("http://editions:{CANARY_PASSWORD}@"), 1)
}

#[test]
fn no_canary_in_any_output_or_file() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let config = root.join("editions.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("timeout = 5.0", "timeout = 0.5\nmax_retries = 1"),
    )
    .unwrap();
    // An edition to review and check.
    let good = StandIn::start(vec![]);
    let (_, stderr) = run(
        root,
        &good.base_url(),
        CANARY_KEY,
        &["translate", "2024-01-06"],
    );
    assert!(
        root.join("docs/en/2024-01-06-weekly.md").is_file(),
        "{stderr}"
    );
    std::fs::remove_file(root.join("memory.jsonl")).unwrap();

    let refusing = StandIn::start(vec![]);
    let failing = StandIn::start(vec![Fault::ServerError; 40]);
    let hanging = StandIn::start(vec![Fault::Hang(Duration::from_secs(3)); 40]);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/v1")
    };
    let scenarios: Vec<(&str, String, &str)> = vec![
        (
            "401",
            with_password(&refusing.base_url()),
            "sk-wrong-key-for-this-server",
        ),
        ("500", with_password(&failing.base_url()), CANARY_KEY),
        ("timeout", with_password(&hanging.base_url()), CANARY_KEY),
        ("unreachable", with_password(&closed), CANARY_KEY),
        (
            "malformed",
            format!("http://editions:{CANARY_PASSWORD}@[::1"),
            CANARY_KEY,
        ),
        (
            "bad port",
            format!("http://editions:{CANARY_PASSWORD}@127.0.0.1:99999/v1"),
            CANARY_KEY,
        ),
    ];
    let mut seen = Vec::new();
    for (name, url, key) in &scenarios {
        for args in [
            &["translate", "2023-12-30"][..],
            &["translate", "2023-12-30", "--dry-run"],
            &["translate", "--all", "--to", "en,ja"],
            &["review", "2024-01-06"],
            &["check", "--all", "--format", "json"],
        ] {
            let (stdout, stderr) = run(root, url, key, args);
            for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                for canary in [CANARY_KEY, CANARY_PASSWORD] {
                    assert!(
                        !text.contains(canary),
                        "{name}: {args:?} printed a secret on {what}:\n{text}"
                    );
                }
            }
            seen.push(format!(
                "{name} {args:?}: {}",
                stderr.lines().last().unwrap_or_default()
            ));
        }
    }
    let mut written = Vec::new();
    files(root, &mut written);
    for (path, text) in &written {
        for canary in [CANARY_KEY, CANARY_PASSWORD] {
            assert!(!text.contains(canary), "{path} holds a secret");
        }
    }
    // The failures were real: each scenario's translate said why, naming the redacted URL.
    let said = seen.join("\n");
    for expected in [
        "refused the API key (HTTP 401)",
        "HTTP 500",
        "no complete answer within 500ms",
        "cannot reach http://***@127.0.0.1:",
        "OPENAI_BASE_URL `http://***@[::1` is not a URL editions can use (invalid IPv6 address)",
        "OPENAI_BASE_URL `http://***@127.0.0.1:99999/v1` is not a URL editions can use (invalid port number)",
    ] {
        assert!(said.contains(expected), "`{expected}` not in:\n{said}");
    }
}
