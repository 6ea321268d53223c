//! `editions review`: the terminal view at two widths (snapshots), JSON rows, and the HTML
//! page read back from real headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

/// A small newsletter in a git repository: the edition committed and tagged `v1`, then
/// changed in one paragraph.
struct Root {
    dir: tempfile::TempDir,
}

const ORIGINAL: &str = "---\ntitle: 'Python 潮流周刊#1：你好 🦄'\n---\n\n本周刊由 Python猫 出品，精心筛选国内外的优质内容。\n\n## 🦄文章&教程\n\n1、[用 Rust 写 Python 扩展](https://example.com/pyo3)\n\n这篇文章介绍 **PyO3** 的基本用法，以及如何用 `maturin` 打包发布。作者还比较了 🐍 与 🦀 的性能。\n\n安装只需 `pip install maturin`。\n\n一段包含 <script>document.body.setAttribute('data-pwned','yes')</script> 的文字，用来检查转义。\n\n| 名称 | 说明 |\n| --- | --- |\n| PyO3 | 绑定库 |\n";

const EDITION_V1: &str = "---\ntitle: 'Python Trending Weekly #1: Hello 🦄'\n---\n\nThis weekly is curated by Python Cat from the best content at home and abroad.\n\n## 🦄Articles & Tutorials\n\n1\\. [Writing Python extensions in Rust](https://example.com/pyo3)\n\nThis article introduces the basics of **PyO3** and how to package and publish with `maturin`. The author also compares 🐍 and 🦀.\n\nInstalling takes one command.\n\nA paragraph holding <script>document.body.setAttribute('data-pwned','yes')</script> to check escaping.\n\n| Name | Description |\n| --- | --- |\n| PyO3 | Binding library |\n";

impl Root {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(docs.join("en")).unwrap();
        std::fs::write(docs.join("2024-02-03-weekly.md"), ORIGINAL).unwrap();
        std::fs::write(docs.join("en/2024-02-03-weekly.md"), EDITION_V1).unwrap();
        // The intro is the newsletter's fixed text: a rule replaces it with a locale message.
        std::fs::write(
            dir.path().join("editions.toml"),
            "[[boilerplate]]\nstarts = \"本周刊由\"\nmessage = \"intro\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("locales/en")).unwrap();
        std::fs::write(
            dir.path().join("locales/en/newsletter.ftl"),
            "intro = This weekly is curated by Python Cat from the best content at home and abroad.\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("glossary")).unwrap();
        std::fs::write(
            dir.path().join("glossary/en.toml"),
            "[[term]]\nsource = \"Python 潮流周刊\"\ntarget = \"Python Trending Weekly\"\n",
        )
        .unwrap();
        let git = |args: &[&str]| {
            let ok = Process::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-qm", "v1"]);
        git(&["tag", "v1"]);
        // The next edition rewords one sentence.
        std::fs::write(
            docs.join("en/2024-02-03-weekly.md"),
            EDITION_V1.replace(
                "The author also compares 🐍 and 🦀.",
                "The author also benchmarks 🐍 against 🦀.",
            ),
        )
        .unwrap();
        Root { dir }
    }

    fn review(&self, args: &[&str]) -> String {
        let out = Command::cargo_bin("editions")
            .unwrap()
            .arg("--root")
            .arg(self.dir.path())
            .args(["review", "2024-02-03", "--since", "v1"])
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .replace(&self.dir.path().display().to_string(), "ROOT")
    }
}

#[test]
fn the_terminal_view_at_80_columns() {
    insta::assert_snapshot!("review_80", Root::new().review(&["--width", "80"]));
}

/// The review's headings, counts and notes in Chinese (`--lang zh-CN`).
#[test]
fn the_terminal_view_in_chinese() {
    insta::assert_snapshot!(
        "review_80_zh",
        Root::new().review(&["--width", "80", "--lang", "zh-CN"])
    );
}

#[test]
fn the_terminal_view_at_160_columns() {
    let view = Root::new().review(&["--width", "160"]);
    for line in view.lines() {
        assert!(editions::review::width(line) <= 160, "too wide: {line}");
    }
    insta::assert_snapshot!("review_160", view);
}

#[test]
fn json_rows_carry_changes_terms_and_findings() {
    let root = Root::new();
    let json: serde_json::Value =
        serde_json::from_str(&root.review(&["--format", "json"])).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.len() >= 6, "{json:#}");
    let changed: Vec<&serde_json::Value> =
        rows.iter().filter(|r| !r["previous"].is_null()).collect();
    assert_eq!(changed.len(), 1, "one paragraph changed since v1");
    assert!(changed[0]["edition"]
        .as_str()
        .unwrap()
        .contains("benchmarks"));
    assert!(rows
        .iter()
        .any(|r| r["terms"][0][1] == "Python Trending Weekly"));
    assert_eq!(json["since"], "v1");
}

/// The names a headless Chromium goes by on `PATH`: Debian's, Ubuntu's and Google's.
const BROWSER_NAMES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// The flags every run of the browser takes: headless, no sandbox (CI runs as root), nothing
/// fetched but the page.
fn browser_run(browser: &Path, profile: &Path) -> Process {
    let mut run = Process::new(browser);
    run.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=2000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg("--dump-dom");
    run
}

/// A headless browser that actually runs: the one `explicit` (`EDITIONS_BROWSER`) names, else
/// the first of the usual names on `path` (`PATH`) that renders a blank page. The error says
/// what was tried.
fn find_browser(
    explicit: Option<&std::ffi::OsStr>,
    path: Option<&std::ffi::OsStr>,
) -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(browser) => vec![PathBuf::from(browser)],
        None => path
            .map(|p| std::env::split_paths(p).collect::<Vec<_>>())
            .unwrap_or_default()
            .iter()
            .flat_map(|dir| BROWSER_NAMES.iter().map(move |name| dir.join(name)))
            .filter(|p| p.is_file())
            .collect(),
    };
    if candidates.is_empty() {
        return Err(format!("none of {} is on PATH", BROWSER_NAMES.join(", ")));
    }
    let mut tried = Vec::new();
    for browser in candidates {
        let profile = tempfile::tempdir().unwrap();
        let runs = browser_run(&browser, profile.path())
            .arg("about:blank")
            .output()
            .is_ok_and(|out| {
                out.status.success() && String::from_utf8_lossy(&out.stdout).contains("<body")
            });
        if runs {
            return Ok(browser);
        }
        tried.push(format!("`{}` does not run headless", browser.display()));
    }
    Err(tried.join("; "))
}

/// The browser the page tests run in, or `None` after saying on stderr that they were skipped.
/// With `EDITIONS_REQUIRE_BROWSER=1` (as `.ci/run` sets) a missing browser fails the test.
fn browser() -> Option<PathBuf> {
    match find_browser(
        std::env::var_os("EDITIONS_BROWSER").as_deref(),
        std::env::var_os("PATH").as_deref(),
    ) {
        Ok(browser) => Some(browser),
        Err(why) if std::env::var_os("EDITIONS_REQUIRE_BROWSER").is_some_and(|v| v == "1") => {
            panic!("no headless browser, and EDITIONS_REQUIRE_BROWSER=1: {why}; apt-get install chromium, or set EDITIONS_BROWSER")
        }
        Err(why) => {
            // Straight to the process's stderr: the test harness captures `eprintln!`.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: no headless browser ({why}); apt-get install chromium, or set EDITIONS_BROWSER, to run the review page in one"
            );
            None
        }
    }
}

#[test]
fn a_browser_is_one_that_runs_and_none_is_a_reason_to_skip() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(
        find_browser(None, Some(empty.as_os_str())),
        Err("none of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome is on PATH".to_string())
    );
    // A stub of the name that does not run (as Ubuntu's snap wrapper without the snap).
    let stubs = dir.path().join("stubs");
    std::fs::create_dir(&stubs).unwrap();
    let stub = stubs.join("chromium-browser");
    std::fs::write(
        &stub,
        "#!/bin/sh\necho 'requires the chromium snap' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        find_browser(None, Some(stubs.as_os_str())),
        Err(format!("`{}` does not run headless", stub.display()))
    );
    // One that renders a page is taken, wherever it is on PATH.
    let works = dir.path().join("works");
    std::fs::create_dir(&works).unwrap();
    let browser = works.join("google-chrome");
    std::fs::write(
        &browser,
        "#!/bin/sh\necho '<html><head></head><body></body></html>'\n",
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths([&empty, &stubs, &works]).unwrap();
    assert_eq!(find_browser(None, Some(&path)), Ok(browser.clone()));
    // An explicit one is the only one tried.
    let missing = dir.path().join("no-such-browser");
    assert_eq!(
        find_browser(Some(missing.as_os_str()), Some(&path)),
        Err(format!("`{}` does not run headless", missing.display()))
    );
}

/// Loads `page` in headless Chromium and returns the DOM after scripts (if any) ran.
fn rendered_dom(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = browser_run(browser, profile.path())
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_page_renders_every_row_in_chromium_and_shows_a_script_as_text() {
    let Some(browser) = browser() else {
        return;
    };
    let root = Root::new();
    let page = root.dir.path().join("review.html");
    let json: serde_json::Value =
        serde_json::from_str(&root.review(&["--format", "json", "--html", page.to_str().unwrap()]))
            .unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no external styles, fonts, scripts or images, and no script at all.
    for outside in ["<link", "<script", "src=", "@import", "url("] {
        assert!(!html.contains(outside), "the page holds {outside}");
    }
    let dom = rendered_dom(&browser, &page);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(
        dom.matches("<tr class=\"row ").count(),
        rows.len(),
        "every row is in the DOM"
    );
    // The DOM's rows, each from its `<tr` to the next.
    let dom_rows: Vec<&str> = dom.split("<tr class=\"row ").skip(1).collect();
    // The counts at the top, each linked to the first row holding what it counts.
    let counts = &dom[dom.find("<nav class=\"counts\">").expect("the counts")..];
    let counts = &counts[..counts.find("</nav>").unwrap()];
    for (class, n) in [
        ("segments", 9),
        ("changed", 1),
        ("boilerplate", 1),
        ("errors", 1),
    ] {
        assert!(
            counts.contains(&format!("class=\"count {class}\""))
                && counts.contains(&format!("<span class=\"n\">{n}</span> {class}")),
            "{class}: {n} in {counts}"
        );
    }
    assert!(counts.contains("href=\"#finding-1\""), "{counts}");
    // The finding sits in the row of the segment it is about, which the count links to.
    let with_finding: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| !r["findings"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(with_finding.len(), 1, "{json:#}");
    assert_eq!(with_finding[0]["findings"][0]["rule"], "code/inline");
    let id = with_finding[0]["id"].as_str().unwrap();
    let row = dom_rows
        .iter()
        .find(|r| r.contains(&format!("data-id=\"{id}\"")))
        .expect("the finding's row");
    assert!(
        row.contains("class=\"finding error\" id=\"finding-1\"")
            && row.contains("inline code `pip install maturin` is missing"),
        "{row}"
    );
    // The intro the rule replaces is a row of its own, with the message that wrote it.
    let boilerplate: Vec<&&str> = dom_rows
        .iter()
        .filter(|r| r.starts_with("boilerplate"))
        .collect();
    assert_eq!(boilerplate.len(), 1);
    assert!(
        boilerplate[0].contains("本周刊由 Python猫 出品")
            && boilerplate[0].contains("This weekly is curated by Python Cat")
            && boilerplate[0].contains("written by the message `intro`"),
        "{}",
        boilerplate[0]
    );
    for row in rows {
        let id = row["id"].as_str().unwrap_or("");
        if !id.is_empty() {
            assert!(
                dom.contains(&format!("data-id=\"{id}\"")),
                "row {id} is rendered"
            );
        }
    }
    assert!(
        dom.contains("&lt;script&gt;document.body.setAttribute"),
        "the planted script shows as text"
    );
    assert!(!dom.contains("data-pwned=\"yes\""), "and did not run");
    assert!(dom.contains("<ins>"), "the change since v1 is marked");
    assert!(
        dom.contains("<mark>Python Trending Weekly</mark>"),
        "glossary terms are marked"
    );
}

/// A boilerplate row shows the whole message the rule wrote, however long: in the terminal,
/// in JSON and on the page.
#[test]
fn a_long_message_is_shown_whole() {
    let root = Root::new();
    let long = format!(
        "This weekly is curated by Python Cat: {}and that is what you are reading was made for, to the last word LASTWORD.",
        "articles, projects, podcasts and discussions from at home and abroad, ".repeat(4)
    );
    assert!(long.chars().count() > 300);
    std::fs::write(
        root.dir.path().join("locales/en/newsletter.ftl"),
        format!("intro = {long}\n"),
    )
    .unwrap();
    let edition = root.dir.path().join("docs/en/2024-02-03-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(
        &edition,
        text.replace(
            "This weekly is curated by Python Cat from the best content at home and abroad.",
            &long,
        ),
    )
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&root.review(&["--format", "json"])).unwrap();
    let row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "boilerplate")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(row["edition"], long.as_str());
    let terminal = root.review(&["--width", "100"]);
    assert!(terminal.contains("LASTWORD."), "{terminal}");
    assert!(!terminal.contains('…'), "{terminal}");
    let page = root.dir.path().join("page.html");
    root.review(&["--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(&long), "the page holds the whole message");
}
