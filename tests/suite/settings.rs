//! Every bad setting is refused before anything is sent, with what is wrong and what to do.

use crate::support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{StandIn, KEY};

fn editions(root: &Path, base_url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", base_url)
        .env("LANG", "C")
        .env_remove("LC_ALL")
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
fn durations_and_counts_out_of_range_are_refused_naming_the_flag_or_key() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    for (flag, value, range) in [
        (
            "--timeout",
            "1e30",
            "a number of seconds from 0.001 to 3600",
        ),
        ("--timeout", "inf", "a number of seconds from 0.001 to 3600"),
        ("--timeout", "0", "a number of seconds from 0.001 to 3600"),
        ("--concurrency", "0", "a whole number from 1 to 256"),
        ("--batch-chars", "3", "a whole number from 50 to 100000"),
    ] {
        let (code, _, stderr) = editions(
            root,
            &server.base_url(),
            &["translate", "2024-01-06", "--dry-run", flag, value],
        );
        assert_eq!(code, Some(2), "{flag} {value}: {stderr}");
        let shown = value.parse::<f64>().unwrap().to_string();
        assert_eq!(
            stderr,
            format!("error: {flag} {shown} is out of range\n  hint: give {range}\n"),
            "{flag} {value}"
        );
    }
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("timeout = 5.0", "timeout = 0")).unwrap();
    let line = 1 + text[..text.find("timeout = 5.0").unwrap()]
        .matches('\n')
        .count();
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &["translate", "2024-01-06", "--dry-run"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!(
            "error: {}:{line}: `timeout` = 0 is out of range\n  hint: set `timeout` in [model] to a number of seconds from 0.001 to 3600\n",
            config.display()
        )
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_malformed_base_url_an_unknown_language_and_an_unknown_revision_are_named() {
    let dir = support::newsletter_root();
    let root = dir.path();
    for (url, problem) in [
        ("not-a-url", "relative URL without a base"),
        (
            "ftp://example.com/v1",
            "its scheme is `ftp`, not http or https",
        ),
        ("http://[::1", "invalid IPv6 address"),
        ("http://127.0.0.1:99999/v1", "invalid port number"),
    ] {
        let (code, _, stderr) = editions(root, url, &["translate", "2024-01-06"]);
        assert_eq!(code, Some(2), "{url}");
        assert_eq!(
            stderr,
            format!("error: OPENAI_BASE_URL `{url}` is not a URL editions can use ({problem}): give one such as https://api.openai.com/v1\n")
        );
    }
    let (code, _, stderr) = editions(root, "http://127.0.0.1:1/v1", &["--lang", "fr", "check"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with(
            "error: invalid value 'fr' for '--lang <LANG>'\n  [possible values: en, zh-CN]\n"
        ),
        "{stderr}"
    );
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(root, &server.base_url(), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &["review", "2024-01-06", "--since", "no-such-rev"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!(
            "error: --since `no-such-rev` is not a revision git knows in `{}`\n  hint: give a commit, tag or branch (see `git log --oneline`), or leave --since out to compare with the edition's last commit\n",
            root.display()
        )
    );
}

#[test]
fn places_that_cannot_be_written_are_found_before_anything_is_paid_for() {
    use std::os::unix::fs::FileTypeExt;
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    // A folder that takes no new file (sysfs refuses even root).
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &["translate", "2024-01-06", "-o", "/sys/editions-test.md"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot write in `/sys` (permission denied), where this run would write `/sys/editions-test.md`\n  hint: nothing was sent; make the folder writable, or run from a root you can write to\n"
    );
    assert!(server.requests().is_empty(), "nothing was paid for");
    // The editions' folder is a file: refused as soon as the edition is looked at.
    std::fs::write(root.join("docs/en"), "not a folder").unwrap();
    let (code, _, stderr) = editions(root, &server.base_url(), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(server.requests().is_empty(), "nothing was paid for");
    std::fs::remove_file(root.join("docs/en")).unwrap();

    // -o onto a device node writes to it as a stream (never replacing it, keeping no record);
    // the review page refuses it; a link is written through.
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &["translate", "2024-01-06", "-o", "/dev/null"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(!root.join("provenance/en/null.jsonl").exists());
    assert!(std::fs::read_dir(root.join("provenance/en"))
        .map(|d| d.count() == 0)
        .unwrap_or(true));
    let target = root.join("target.md");
    std::fs::write(&target, "old\n").unwrap();
    let link = root.join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &[
            "translate",
            "2024-01-06",
            "--retranslate",
            "-o",
            link.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("---\ntitle: 'Python Trending Weekly"));
    let (code, _, stderr) = editions(root, &server.base_url(), &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = editions(
        root,
        &server.base_url(),
        &["review", "2024-01-06", "--html", "/dev/null"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`/dev/null`"), "{stderr}");
}

/// Settings that would break a run are refused before the first request, naming file and
/// line: an empty `targets`, an empty path, a pattern without `{date}`, a blank rule pattern, a
/// glossary translation in the original's script, a message defined twice.
#[test]
fn settings_that_would_break_a_run_are_refused_up_front() {
    let server = StandIn::start(vec![]);
    // A name, how to break the root (returning what to expect when it depends on the root),
    // and what to expect otherwise.
    type Case = (&'static str, Box<dyn Fn(&Path) -> String>, String);
    let cases: Vec<Case> = vec![
        (
            "empty targets",
            Box::new(|root| prepend(root, "targets = []\n")),
            "editions.toml:1: `targets` is empty: editions would translate into no locale\n  hint: list the locales to translate into, such as targets = [\"en\"]\n".into(),
        ),
        (
            "empty memory",
            Box::new(|root| replace(root, "memory = \"memory.jsonl\"", "memory = \"\"")),
            "editions.toml:1: `memory` is empty: editions would have no file to use\n  hint: give `memory` a path relative to the newsletter's root, or remove the line for the default\n".into(),
        ),
        (
            "no date",
            Box::new(|root| prepend(root, "editions = \"docs/en/weekly.md\"\n")),
            "editions.toml:1: `editions` = \"docs/en/weekly.md\" has no `{date}`, so it names one file for every issue\n  hint: put `{date}` where the issue's date is in the file name, as in \"docs/{date}-weekly.md\"\n".into(),
        ),
        (
            "blank pattern",
            Box::new(|root| {
                let config = root.join("editions.toml");
                let mut text = std::fs::read_to_string(&config).unwrap();
                text.push_str("\n[[boilerplate]]\nstarts = \"\"\nmessage = \"intro\"\n");
                std::fs::write(&config, &text).unwrap();
                let line = text.lines().position(|l| l == "starts = \"\"").unwrap() + 1;
                format!("editions.toml:{line}: a boilerplate rule's `starts` is empty, so it would match every block\n  hint: give `starts` the text the block starts with, or remove it\n")
            }),
            String::new(),
        ),
        (
            "glossary in the original's script",
            Box::new(|root| {
                let path = root.join("glossary/en.toml");
                let mut text = std::fs::read_to_string(&path).unwrap();
                text.push_str("\n[[term]]\nsource = \"生成器\"\ntarget = \"生成器 generator\"\n");
                std::fs::write(&path, &text).unwrap();
                let line = text.lines().position(|l| l == "[[term]]").map(|_| {
                    text.lines().enumerate().filter(|(_, l)| *l == "[[term]]").last().unwrap().0 + 1
                });
                format!("glossary/en.toml:{}: the translation of `生成器` (`生成器 generator`) is written in the original's script (`生成器`), so every answer that used it would be refused\n  hint: write the translation in the edition's language, or list the name under `keep` if it stays as it is\n", line.unwrap())
            }),
            String::new(),
        ),
        (
            "a message defined twice",
            Box::new(|root| {
                let path = root.join("locales/en/zz-extra.ftl");
                std::fs::write(&path, "# more\nintro = Another intro\n").unwrap();
                let first = std::fs::read_to_string(root.join("locales/en/newsletter.ftl"))
                    .unwrap()
                    .lines()
                    .position(|l| l.starts_with("intro ="))
                    .unwrap()
                    + 1;
                format!(
                    "locales/en/zz-extra.ftl:2: message `intro` is already defined at locales/en/newsletter.ftl:{first}, and only one of them can be used\n  hint: remove one of the two, or rename it\n"
                )
            }),
            String::new(),
        ),
    ];
    for (name, break_it, expected) in cases {
        let dir = support::newsletter_root();
        let root = dir.path();
        let said = break_it(root);
        let expected = if expected.is_empty() { said } else { expected };
        let (code, _, stderr) = editions(root, &server.base_url(), &["translate", "2024-01-06"]);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        let stderr = stderr.replace(&format!("{}/", root.display()), "");
        assert!(
            stderr.ends_with(&expected),
            "{name}:\n{stderr}\nexpected the end:\n{expected}"
        );
        assert!(server.requests().is_empty(), "{name}: nothing sent");
    }
}

fn prepend(root: &Path, line: &str) -> String {
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{line}{text}")).unwrap();
    String::new()
}

fn replace(root: &Path, from: &str, to: &str) -> String {
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains(from));
    std::fs::write(&config, text.replacen(from, to, 1)).unwrap();
    String::new()
}
