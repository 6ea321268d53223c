//! Control characters and bidirectional overrides: validation rejects those a model adds,
//! `check` reports them in editions, and no output of editions lets one reach the terminal.

use crate::support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{Fault, StandIn, KEY};

/// An OSC 52 clipboard write: what a hostile answer would hide in a translation.
const OSC52: &str = "\u{1b}]52;c;ZXZpbA==\u{7}";

fn editions(root: &Path, server: Option<&StandIn>, args: &[&str]) -> (Option<i32>, String, String) {
    let mut c = Command::cargo_bin("editions").unwrap();
    c.arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL");
    if let Some(s) = server {
        c.env("OPENAI_API_KEY", KEY)
            .env("OPENAI_BASE_URL", s.base_url());
    }
    let out = c.timeout(Duration::from_secs(60)).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn no_raw_controls(what: &str, text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202E}'),
        "{what} lets a control character through:\n{text:?}"
    );
}

#[test]
fn a_control_sequence_a_model_adds_is_rejected_and_asked_again() {
    let dir = support::newsletter_root();
    let server = StandIn::start(vec![Fault::Suffix(OSC52.into())]);
    let (code, stdout, stderr) = editions(dir.path(), Some(&server), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    no_raw_controls("translate's stdout", &stdout);
    no_raw_controls("translate's stderr", &stderr);
    assert!(
        stderr.contains("rejected: it holds the control character \\x1b, which the source does not have; asking again"),
        "{stderr}"
    );
    let edition = std::fs::read_to_string(dir.path().join("docs/en/2024-01-06-weekly.md")).unwrap();
    no_raw_controls("the edition", &edition);
    // A bidirectional override too.
    let server = StandIn::start(vec![Fault::Suffix("\u{202E}txt.exe".into())]);
    let (code, _, stderr) = editions(dir.path(), Some(&server), &["translate", "2023-12-30"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "rejected: it holds the control character U+202E, which the source does not have"
        ),
        "{stderr}"
    );
}

#[test]
fn check_reports_them_and_no_output_shows_them_raw() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(root, Some(&server), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    let edition = root.join("docs/en/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    let at = text.find("\n\n").unwrap() + 2;
    let line = text[..at].matches('\n').count() + 1;
    let planted = format!(
        "{}Clear\u{1b}[2J the screen \u{202E}gnp.exe{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&edition, planted).unwrap();

    let (code, stdout, _) = editions(root, None, &["check", "2024-01-06"]);
    assert_eq!(code, Some(1));
    no_raw_controls("check", &stdout);
    assert!(
        stdout.contains(&format!(
            "{}:{line}:1: error[residue/control]: the control character \\x1b is not in the original: a terminal or browser would obey it rather than show it; remove it\n",
            edition.display()
        )),
        "{stdout}"
    );
    let (_, stdout, _) = editions(root, None, &["check", "2024-01-06", "--format", "github"]);
    no_raw_controls("check --format github", &stdout);

    let (code, stdout, stderr) = editions(root, None, &["review", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    no_raw_controls("review", &stdout);
    assert!(
        stdout.contains("Clear\\x1b[2J the screen U+202Egnp.exe"),
        "{stdout}"
    );

    // An error that quotes a name holding one.
    let (code, _, stderr) = editions(root, None, &["translate", "docs/\u{1b}[2Jx.md"]);
    assert_eq!(code, Some(2));
    no_raw_controls("an error", &stderr);
    assert!(
        stderr.contains("cannot read `docs/\\x1b[2Jx.md`"),
        "{stderr}"
    );

    // A diff of an original that holds one (so its translation may keep it).
    let original = root.join("docs/2024-01-06-weekly.md");
    let source = std::fs::read_to_string(&original).unwrap();
    let para = source.find("\n\n你好").map_or(source.len() / 2, |p| p + 2);
    std::fs::write(
        &original,
        format!(
            "{}注意\u{1b}[31m红色\n\n{}",
            &source[..para],
            &source[para..]
        ),
    )
    .unwrap();
    std::fs::write(&edition, &text).unwrap();
    let (code, stdout, stderr) = editions(root, Some(&server), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    no_raw_controls("the diff", &stdout);
    assert!(stdout.contains("\\x1b[31m"), "{stdout}");
    // The edition is going to be published: `check` reports what the original gave it.
    let original_line = 1 + source[..para].matches('\n').count();
    let written = std::fs::read_to_string(&edition).unwrap();
    let at = written.find('\u{1b}').expect("the translation kept it");
    let edition_line = 1 + written[..at].matches('\n').count();
    let (code, stdout, _) = editions(root, None, &["check", "2024-01-06"]);
    assert_eq!(code, Some(1), "{stdout}");
    no_raw_controls("check", &stdout);
    assert!(
        stdout.contains(&format!(
            "{}:{edition_line}:1: error[residue/control-original]: the control character \\x1b comes from the original (line {original_line}): a terminal or browser would obey it rather than show it; remove it from the original, then translate again\n",
            edition.display()
        )),
        "{stdout}"
    );
}
