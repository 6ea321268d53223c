//! Conventions a command-line user expects: `editions.toml` found from a subfolder, `-q`,
//! `-v`, shell completions and a machine-readable summary of `translate`.

mod support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{StandIn, KEY, MODEL};

fn editions(dir: &Path, server: &StandIn, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("editions")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_config_is_found_from_a_subfolder() {
    let dir = support::newsletter_root();
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(&dir.path().join("docs"), &server, &["check"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("checked 0 editions (3 missing): 0 errors, 3 warnings"),
        "{stdout}"
    );
    assert!(
        stdout.contains("../docs/2024-01-06-weekly.md:1:1: warning[freshness/missing]"),
        "paths are relative to where editions runs: {stdout}"
    );
}

#[test]
fn quiet_verbose_and_json() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(root, &server, &["translate", "2024-01-06", "-q"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "", "-q prints nothing on success");

    let before = server.requests().len();
    let (code, stdout, stderr) = editions(
        root,
        &server,
        &["translate", "2023-12-30", "-v", "--format", "json"],
    );
    let sent_now = server.requests().len() - before;
    assert_eq!(code, Some(0), "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(summary["editions"][0]["issue"], "2023-12-30");
    assert_eq!(summary["editions"][0]["locale"], "en");
    assert_eq!(summary["editions"][0]["result"], "written");
    assert_eq!(summary["total"]["written"], 1);
    assert_eq!(
        summary["total"]["requests"].as_u64().unwrap() as usize,
        sent_now
    );
    let sent = format!(
        "-> POST {}/chat/completions, model {MODEL}: ",
        server.base_url()
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with(&sent)).count(),
        sent_now,
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("<- ") && l.contains(" tokens")),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY));
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    let server = StandIn::start(vec![]);
    for (shell, marker) in [
        ("bash", "_editions()"),
        ("zsh", "#compdef editions"),
        ("fish", "complete -c editions"),
    ] {
        let (code, stdout, _) = editions(dir.path(), &server, &["completions", shell]);
        assert_eq!(code, Some(0));
        assert!(stdout.contains(marker), "{shell}: {stdout}");
        assert!(
            stdout.contains("batch-api"),
            "{shell} completes translate's flags"
        );
    }
}
