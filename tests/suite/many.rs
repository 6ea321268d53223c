//! `translate` over many issues in one run: selection (`--all`, `--missing`, `--stale`,
//! `--since`), one request pool shared by every edition, one table, and a failed issue that
//! does not stop the others.

use crate::support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{StandIn, KEY};

fn translate(root: &Path, server: &StandIn, args: &[&str]) -> Output {
    Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("translate")
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The rows of the run's table: (issue, locale, result), without the header and totals.
fn rows(stdout: &str) -> Vec<(String, String, String)> {
    let table = &stdout[stdout.find("issue").expect("a table")..];
    table
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("total"))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[0].into(), cols[1].into(), cols[5..].join(" "))
        })
        .collect()
}

#[test]
fn the_whole_archive_in_one_run_through_one_pool() {
    let dir = support::newsletter_root();
    let root = dir.path();
    // Each request takes a while, so that requests of different issues overlap.
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(40), Duration::ZERO);
    let config = root.join("editions.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, toml.replace("concurrency = 2", "concurrency = 3")).unwrap();

    let out = translate(root, &server, &["--all", "--to", "en,ja"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let expected: Vec<(String, String, String)> = ["2023-12-30", "2024-01-06", "2025-12-06"]
        .iter()
        .flat_map(|d| ["en", "ja"].map(|l| (d.to_string(), l.to_string(), "written".to_string())))
        .collect();
    assert_eq!(rows(&stdout), expected, "{stdout}");
    assert!(
        stdout.contains("6 written, 0 unchanged, 0 failed"),
        "{stdout}"
    );
    for d in ["2023-12-30", "2024-01-06", "2025-12-06"] {
        for l in ["en", "ja"] {
            assert!(root.join(format!("docs/{l}/{d}-weekly.md")).is_file());
        }
    }
    // Six editions' requests shared three slots: never more in flight, and the pool was full.
    assert_eq!(server.max_in_flight(), 3);

    // A rerun sends nothing.
    let before = server.requests().len();
    let out = translate(root, &server, &["--all", "--to", "en,ja"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(server.requests().len(), before);
    assert!(
        stdout.contains("0 written, 6 unchanged, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn missing_stale_and_since_select_editions() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    // Only 2024-01-06 has an edition.
    let out = translate(root, &server, &["2024-01-06"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // --missing --since: the issues from 2024 on without an edition.
    let out = translate(root, &server, &["--missing", "--since", "2024-01-01"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        rows(&stdout),
        [("2025-12-06".into(), "en".into(), "written".into())],
        "{stdout}"
    );

    // An original changed: --stale picks its edition only.
    let original = root.join("docs/2023-12-30-weekly.md");
    let out = translate(root, &server, &["--missing"]);
    assert_eq!(rows(&text(&out.stdout)).len(), 1);
    let changed = std::fs::read_to_string(&original)
        .unwrap()
        .replacen("本期", "这一期", 1);
    assert!(changed.contains("这一期"));
    std::fs::write(&original, changed).unwrap();
    let out = translate(root, &server, &["--stale"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        rows(&stdout),
        [("2023-12-30".into(), "en".into(), "written".into())],
        "{stdout}"
    );
    let out = translate(root, &server, &["--stale"]);
    assert!(rows(&text(&out.stdout)).is_empty());

    // A --since that is not a date is refused before anything is done.
    let out = translate(root, &server, &["--all", "--since", "2024-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: --since `2024-13-01` is not a date\n  hint: give it as YYYY-MM-DD, such as 2024-01-06\n"
    );
}

#[test]
fn a_failed_issue_does_not_stop_the_others() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let bad = root.join("docs/2024-01-06-weekly.md");
    let mut bytes = std::fs::read(&bad).unwrap();
    bytes.insert(10, 0xFF);
    std::fs::write(&bad, bytes).unwrap();
    let server = StandIn::start(vec![]);
    let out = translate(root, &server, &["--all"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 3, "{stdout}");
    assert_eq!(rows[0].2, "written");
    assert!(rows[1].2.starts_with("failed: `"), "{stdout}");
    assert_eq!(rows[2].2, "written");
    assert!(
        stdout.contains("2 written, 0 unchanged, 1 failed"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("error: 2024-01-06 (en): `"),
        "{}",
        text(&out.stderr)
    );
    assert!(root.join("docs/en/2025-12-06-weekly.md").is_file());
}

/// A source that two issues of one run share is asked for once: the second edition waits for
/// the first's translation instead of paying for it again.
#[test]
fn a_source_two_issues_share_is_paid_for_once() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let shared = "每周都会出现的同一段介绍文字，两期完全相同。";
    for (date, own) in [
        ("2024-02-03", "第一期自己的内容。"),
        ("2024-02-10", "第二期自己的内容。"),
    ] {
        std::fs::write(
            root.join(format!("docs/{date}-weekly.md")),
            format!("{shared}\n\n{own}\n"),
        )
        .unwrap();
    }
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(50), Duration::ZERO);
    let out = translate(root, &server, &["2024-02-03", "2024-02-10"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let asked = server
        .requests()
        .iter()
        .filter(|r| r.user.contains(shared))
        .count();
    assert_eq!(asked, 1, "{:#?}", server.requests());
    for date in ["2024-02-03", "2024-02-10"] {
        let edition =
            std::fs::read_to_string(root.join(format!("docs/en/{date}-weekly.md"))).unwrap();
        assert!(!edition.contains("每周"), "{edition}");
    }
}

/// One list paragraph far longer than a slot's share is cut at its soft line breaks into parts
/// that go to different requests, and joined again before validation.
#[test]
fn a_very_long_paragraph_is_cut_at_its_line_breaks() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let lines: Vec<String> = (1..=72)
        .map(|n| format!("第{n}条：这是一段很长的列表说明文字，介绍一个工具的用法与特点，并且附上 [链接{n}](https://example.com/{n}) 以便查阅。"))
        .collect();
    std::fs::write(
        root.join("docs/2024-02-03-weekly.md"),
        format!("{}\n", lines.join("\n")),
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    let out = translate(root, &server, &["2024-02-03"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let requests = server.requests();
    assert!(requests.len() >= 2, "{requests:#?}");
    // No request holds the whole paragraph; together they hold every line once.
    let sent: Vec<String> = requests
        .iter()
        .flat_map(|r| {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&r.user).unwrap();
            map.into_values()
                .map(|v| v.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(sent.iter().all(|s| s.lines().count() < 72), "{sent:#?}");
    assert_eq!(sent.iter().map(|s| s.lines().count()).sum::<usize>(), 72);
    let edition = std::fs::read_to_string(root.join("docs/en/2024-02-03-weekly.md")).unwrap();
    assert_eq!(edition.lines().count(), 72, "{edition}");
    for n in 1..=72 {
        assert!(
            edition.contains(&format!("](https://example.com/{n})")),
            "{edition}"
        );
    }
}
