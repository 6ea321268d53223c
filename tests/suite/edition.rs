//! `editions translate DATE` end to end: the edition assembled from the translated body and
//! the locale's own boilerplate, written alongside, safely, on temporary copies of the
//! fixtures with the stand-in server.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use editions::edition::rules::{self as edition, Rule};
use support::standin::{StandIn, KEY};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A newsletter root with the fixtures, glossaries, locales and the repository's boilerplate
/// rules.
struct Root {
    dir: tempfile::TempDir,
}

fn rules() -> Vec<Rule> {
    #[derive(serde::Deserialize)]
    struct Rules {
        boilerplate: Vec<Rule>,
    }
    let parsed: Rules = toml::from_str(
        support::rules_toml()
            .split("[[url_rewrite]]")
            .next()
            .unwrap(),
    )
    .unwrap();
    parsed.boilerplate
}

impl Root {
    fn new() -> Self {
        let dir = support::newsletter_root();
        Root { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn original(&self, date: &str) -> String {
        std::fs::read_to_string(self.path().join(format!("docs/{date}-weekly.md"))).unwrap()
    }

    fn edition_path(&self, locale: &str, date: &str) -> PathBuf {
        self.path().join(format!("docs/{locale}/{date}-weekly.md"))
    }

    fn edition(&self, locale: &str, date: &str) -> String {
        std::fs::read_to_string(self.edition_path(locale, date)).expect("the edition is written")
    }

    fn run(&self, server: &StandIn, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("editions")
            .unwrap()
            .arg("--root")
            .arg(self.path())
            .args(args)
            .env("OPENAI_API_KEY", KEY)
            .env("OPENAI_BASE_URL", server.base_url())
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Link and image destinations, as a sorted multiset.
fn links(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut v: Vec<String> = Parser::new_ext(md, editions::markdown::segment::markdown_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect();
    v.sort();
    v
}

fn code(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser};
    Parser::new_ext(md, editions::markdown::segment::markdown_options())
        .filter_map(|e| match e {
            Event::Code(c) => Some(c.to_string()),
            Event::Start(pulldown_cmark::Tag::CodeBlock(_)) => Some("<block>".into()),
            Event::Text(t) if t.contains('\n') => Some(t.to_string()),
            _ => None,
        })
        .filter(|s| !s.chars().any(editions::lang::is_han))
        .collect()
}

/// Text events with Han characters (code, HTML blocks, link titles and front matter other
/// than the title are not text).
fn han_text(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut skip = false;
    for e in Parser::new_ext(md, editions::markdown::segment::markdown_options()) {
        match e {
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => skip = true,
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => skip = false,
            Event::Text(t) if !skip && t.chars().any(editions::lang::is_han) => {
                out.push(t.to_string())
            }
            _ => {}
        }
    }
    out
}

/// What the edition's links must be: the original's, minus those of blocks the locale
/// replaces or drops, plus those of the locale's messages.
fn expected_links(original: &str, edition_text: &str, locale: &str) -> (Vec<String>, Vec<String>) {
    let found = edition::find(original, &rules(), locale);
    let mut kept = String::new();
    let mut pos = 0;
    for f in &found {
        kept.push_str(&original[pos..f.range.start]);
        pos = f.range.end;
    }
    kept.push_str(&original[pos..]);
    let from_body = links(&kept);
    let mut all = links(edition_text);
    // Remove the body's links from the edition's: what is left came from the locale.
    for l in &from_body {
        let at = all
            .iter()
            .position(|x| x == l)
            .unwrap_or_else(|| panic!("the edition lost {l}"));
        all.remove(at);
    }
    (from_body, all)
}

#[test]
fn the_edition_keeps_the_body_and_takes_the_locale_boilerplate() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    let stdout = ok(&root.run(&server, &["translate", "2024-01-06"]));
    assert!(stdout.contains("→"), "{stdout}");
    let original = root.original("2024-01-06");
    let en = root.edition("en", "2024-01-06");
    let (_, added) = expected_links(&original, &en, "en");
    // Every added link is one of the English locale's own.
    let ftl = std::fs::read_to_string(Path::new(REPO).join("locales/en/newsletter.ftl")).unwrap();
    for l in &added {
        assert!(
            ftl.contains(l.as_str()) || l.starts_with("https://pythoncat.top/posts/2024-01-06"),
            "{l} comes from nowhere"
        );
    }
    assert_eq!(code(&en), code(&original));
    assert!(han_text(&en).is_empty(), "{:#?}", han_text(&en));
    // The locale's boilerplate, and the translated front matter.
    assert!(en.contains("## 🦄Articles & Tutorials\n"));
    assert!(en.contains("## 🐼Subscribe\n"));
    assert!(en.contains("The [original edition](https://pythoncat.top/posts/2024-01-06-weekly)"));
    let title = en.lines().nth(1).unwrap();
    assert!(
        title.starts_with("title: 'Python Trending Weekly"),
        "{title}"
    );
    assert!(
        en.contains("\npubDate: 2024-01-06\nauthor: '豌豆花下猫'\n---\n"),
        "other fields stay byte for byte"
    );
    // Items keep their numbers in the English style, as paragraphs.
    assert!(en.contains("\n1\\. ["), "{en}");
    // The Chinese-only parts were not sent to the model.
    let sent: String = server.requests().iter().map(|r| r.user.clone()).collect();
    assert!(!sent.contains("你好，我是猫哥") && !sent.contains("欢迎订阅"));

    // A second run changes nothing and sends nothing.
    let n = server.requests().len();
    let again = ok(&root.run(&server, &["translate", "2024-01-06"]));
    assert_eq!(server.requests().len(), n);
    assert!(
        again.contains("docs/en/2024-01-06-weekly.md: unchanged"),
        "{again}"
    );
    assert_eq!(root.edition("en", "2024-01-06"), en);
}

#[test]
fn the_newer_format_drops_the_chinese_paid_column() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2025-12-06"]));
    let original = root.original("2025-12-06");
    let en = root.edition("en", "2025-12-06");
    let (_, added) = expected_links(&original, &en, "en");
    assert!(
        added.iter().all(|l| l.contains("patreon.com")
            || l.contains("weekly.pythoncat.top")
            || l.starts_with("https://pythoncat.top/posts/")),
        "{added:?}"
    );
    assert!(
        !en.contains("xiaobot.net"),
        "the Chinese paid column's links are dropped"
    );
    assert!(
        en.starts_with("# Python Trending Weekly #130"),
        "the heading style is kept: {}",
        en.lines().next().unwrap()
    );
    assert!(en.contains("**[🦄Articles & Tutorials](https://weekly.pythoncat.top)**"));
    assert!(han_text(&en).is_empty(), "{:#?}", han_text(&en));
}

#[test]
fn a_hand_edited_segment_survives_a_rerun() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2024-01-06"]));
    let path = root.edition_path("en", "2024-01-06");
    let en = std::fs::read_to_string(&path).unwrap();
    // A reviewer rewrites one description, keeping its markup.
    let line = en
        .lines()
        .find(|l| l.contains("`asyncio.gather()`"))
        .unwrap()
        .to_string();
    let edited_line = "Hand-written: how does **TaskGroup** differ from `asyncio.gather()`?";
    std::fs::write(&path, en.replace(&line, edited_line)).unwrap();
    let stdout = ok(&root.run(&server, &["translate", "2024-01-06"]));
    assert!(
        stdout.contains("kept 1 hand-edited segment(s) of"),
        "{stdout}"
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains(edited_line));
    let memory = std::fs::read_to_string(root.path().join("memory.jsonl")).unwrap();
    assert!(memory
        .lines()
        .any(|l| l.contains("Hand-written: how does <b1>TaskGroup</b1>")
            && l.contains("\"origin\":\"approved\"")));
    // Even with the edition gone, the approved translation comes back from the memory.
    std::fs::remove_file(&path).unwrap();
    ok(&root.run(&server, &["translate", "2024-01-06"]));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains(edited_line));
}

#[test]
fn a_changed_original_shows_a_word_diff_of_the_edition() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2024-01-06"]));
    let original = root.path().join("docs/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(&original, text.replacen("11.2 GB", "12.5 GB", 1)).unwrap();
    let stdout = ok(&root.run(&server, &["translate", "2024-01-06"]));
    assert!(
        stdout.contains("-| Pandas | 142 s | [-11.2-] GB |") || stdout.contains("[-11.2-]"),
        "{stdout}"
    );
    assert!(stdout.contains("{+12.5+}"), "{stdout}");
}

#[test]
fn a_restructured_edition_is_not_overwritten() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2024-01-06"]));
    let path = root.edition_path("en", "2024-01-06");
    let restructured = std::fs::read_to_string(&path).unwrap().replacen(
        "## 🦄Articles & Tutorials",
        "## 🦄Articles & Tutorials\n\nA paragraph a person added.",
        1,
    );
    std::fs::write(&path, &restructured).unwrap();
    let out = root.run(&server, &["translate", "2024-01-06"]);
    assert_eq!(out.status.code(), Some(1));
    let line = restructured
        .lines()
        .position(|l| l == "A paragraph a person added.")
        .unwrap()
        + 1;
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {}:{line}: this paragraph was added to the edition by hand and translates no paragraph of the original, so the edition can no longer be laid over what editions wrote (`{}`)\n  hint: add it to the original instead (it is then translated), or remove it from the edition; --retranslate replaces the edition\n",
            path.display(),
            root.path().join("provenance/en/2024-01-06-weekly.jsonl").display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        restructured,
        "not overwritten"
    );
    ok(&root.run(&server, &["translate", "2024-01-06", "--retranslate"]));
    assert!(!std::fs::read_to_string(&path)
        .unwrap()
        .contains("A paragraph a person added."));
}

#[test]
fn several_locales_in_one_run() {
    let root = Root::new();
    std::fs::copy(
        Path::new(REPO).join("glossary/ja.toml"),
        root.path().join("glossary/ja.toml"),
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2023-12-30", "--to", "en,ja"]));
    assert!(root
        .edition("en", "2023-12-30")
        .contains("🦄Articles & Tutorials"));
    assert!(root
        .edition("ja", "2023-12-30")
        .contains("🦄記事＆チュートリアル"));
}

#[test]
fn dates_that_name_no_issue_get_the_nearest_ones() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    let err = |args: &[&str]| {
        let out = root.run(&server, args);
        assert_eq!(out.status.code(), Some(2));
        text(&out.stderr)
    };
    let missing = err(&["translate", "2024-01-07"]);
    assert!(
        missing.starts_with("error: there is no issue dated 2024-01-07 (looked for `")
            && missing
                .ends_with("hint: the nearest issues are 2023-12-30, 2024-01-06 and 2025-12-06\n"),
        "{missing}"
    );
    let unreal = err(&["translate", "2024-02-30"]);
    assert!(
        unreal
            .starts_with("error: `2024-02-30` is not a real date\n  hint: the nearest issues are"),
        "{unreal}"
    );
    let malformed = err(&["translate", "2024-1-6"]);
    assert_eq!(malformed, "error: `2024-1-6` is neither a date nor a Markdown file\n  hint: name an issue by its date, such as 2025-12-06\n");
}

#[test]
fn a_broken_locale_file_names_file_and_line() {
    let root = Root::new();
    let ftl = root.path().join("locales/en/newsletter.ftl");
    let text_before = std::fs::read_to_string(&ftl).unwrap();
    std::fs::write(&ftl, format!("{text_before}\nbroken =\n= oops\n")).unwrap();
    let server = StandIn::start(vec![]);
    let out = root.run(&server, &["translate", "2024-01-06"]);
    assert_eq!(out.status.code(), Some(2));
    let line = text_before.lines().count() + 2;
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("newsletter.ftl:{line}: ")),
        "{stderr}"
    );
}

#[test]
fn the_command_line_speaks_chinese_when_asked() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "2024-01-06"]));
    let zh = ok(&root.run(&server, &["--lang", "zh-CN", "translate", "2024-01-06"]));
    assert!(
        zh.contains("：没有变化\n") && zh.contains("  片段            "),
        "{zh}"
    );
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", "1999-01-01"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).starts_with("错误：没有日期为 1999-01-01 的一期"),
        "{}",
        text(&out.stderr)
    );
}

/// Item numbers (`1、`, `①`) never reach the model: whatever it would do with them, the edition
/// has the locale's numbering, and `check` passes.
#[test]
fn item_numbers_never_reach_the_model_and_follow_the_locale() {
    let root = Root::new();
    let server = StandIn::start(vec![]);
    for date in ["2024-01-06", "2025-12-06"] {
        ok(&root.run(&server, &["translate", date]));
    }
    let sent: Vec<String> = server
        .requests()
        .iter()
        .flat_map(|r| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&r.user)
                .unwrap()
                .into_values()
                .map(|v| v.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(sent.len() > 50);
    let numbered: Vec<&String> = sent
        .iter()
        .filter(|s| {
            let digits = s.chars().take_while(char::is_ascii_digit).count();
            (digits > 0 && s[digits..].starts_with('、'))
                || s.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
        })
        .collect();
    assert!(numbered.is_empty(), "{numbered:#?}");
    // English numbering for `1、`, the circled numbers kept.
    let en = root.edition("en", "2024-01-06");
    let items: Vec<&str> = en
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(items.len(), 28, "{items:#?}");
    // Each section counts from 1, as the original does, written `N\. `.
    let mut previous = 0;
    for line in &items {
        let n: usize = line
            .split("\\. ")
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("`N\\. ` numbering: {line}"));
        assert!(n == previous + 1 || n == 1, "{line} after {previous}");
        previous = n;
    }
    let en = root.edition("en", "2025-12-06");
    assert!(en.contains("\n① "), "{en}");
    assert!(!en.contains("、"), "{en}");
    ok(&root.run(&server, &["check", "--strict", "2024-01-06", "2025-12-06"]));
}

/// A `front_matter` rule for English: the English edition begins with the locale's heading
/// instead of the front matter (as the published editions do), its title never reaches the
/// model, and `check` passes; the Japanese edition keeps the front matter, title translated.
#[test]
fn a_locale_can_begin_with_a_heading_instead_of_the_front_matter() {
    let root = Root::new();
    let config = root.path().join("editions.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[boilerplate]]\nfront_matter = true\nmessage = \"edition-heading\"\nlocales = [\"en\"]\n",
    );
    std::fs::write(&config, text).unwrap();
    let server = StandIn::start(vec![]);
    ok(&root.run(&server, &["translate", "--all", "--to", "en,ja"]));
    let en = root.edition("en", "2024-01-06");
    assert!(
        en.starts_with("# Python Trending Weekly #34 (2024-01-06)\n\n"),
        "{}",
        &en[..200.min(en.len())]
    );
    assert!(!en.contains("---\ntitle"), "no front matter in English");
    let ja = root.edition("ja", "2024-01-06");
    assert!(ja.starts_with("---\ntitle: "), "{}", &ja[..100]);
    // The title was sent once, for Japanese only.
    let title = "给 asyncio 程序做一次体检";
    let sent: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.user.clone())
        .filter(|r| r.contains(title))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let out = root.run(&server, &["check", "--strict", "--to", "en,ja"]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
}

fn text_of(out: &std::process::Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// A special issue (`-sweekly`, `-iweekly`) is named by its date wherever a weekly is: its
/// edition is beside it, in the locale's folder; the nearest dates count it; a date that two
/// originals share is named by path, and the message lists them.
#[test]
fn special_issues_are_named_by_date_too() {
    let root = Root::new();
    let docs = root.path().join("docs");
    std::fs::copy(
        docs.join("2023-12-30-weekly.md"),
        docs.join("2024-01-10-sweekly.md"),
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    let out = ok(&root.run(&server, &["translate", "2024-01-10"]));
    assert!(out.contains("docs/en/2024-01-10-sweekly.md"), "{out}");
    assert!(docs.join("en/2024-01-10-sweekly.md").is_file());
    let check = root.run(&server, &["check", "2024-01-10"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let by_path = docs.join("2024-01-10-sweekly.md");
    for name in ["2024-01-10", by_path.to_str().unwrap()] {
        let review = ok(&root.run(&server, &["review", name, "--color", "never"]));
        let header = review.lines().next().unwrap();
        assert!(
            header.starts_with(&format!(
                "{}/docs/2024-01-10-sweekly.md",
                root.path().display()
            )) && header
                .trim_end()
                .ends_with("/docs/en/2024-01-10-sweekly.md"),
            "{name}: {header}"
        );
    }
    let near = root.run(&server, &["check", "2024-01-09"]);
    assert_eq!(
        text(&near.stderr),
        format!(
            "error: there is no issue dated 2024-01-09 (looked for `{0}/docs/2024-01-09-weekly.md`, `{0}/docs/2024-01-09-sweekly.md`, `{0}/docs/2024-01-09-iweekly.md`)\n  hint: the nearest issues are 2023-12-30, 2024-01-06 and 2024-01-10\n",
            root.path().display()
        )
    );
    std::fs::copy(
        docs.join("2023-12-30-weekly.md"),
        docs.join("2024-01-10-iweekly.md"),
    )
    .unwrap();
    for command in ["translate", "check", "review"] {
        let several = root.run(&server, &[command, "2024-01-10"]);
        assert_eq!(several.status.code(), Some(2), "{command}");
        assert_eq!(
            text(&several.stderr),
            format!(
                "error: 2024-01-10 is the date of several issues: `{0}/docs/2024-01-10-sweekly.md` and `{0}/docs/2024-01-10-iweekly.md`\n  hint: name the one you mean by its path, as in `{0}/docs/2024-01-10-sweekly.md`\n",
                root.path().display()
            ),
            "{command}"
        );
    }
}
