//! An edition's life after its first run: the original changes, a person edits the edition,
//! translations are imported, messages change. Each test works on a temporary newsletter root
//! with the stand-in server and checks what was sent, what was written and what the memory
//! holds.

use crate::support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use editions::{Document, SegmentOptions};
use support::standin::{StandIn, KEY};

const DATE: &str = "2024-01-06";
/// A description the tests edit by hand in the edition.
const HAND_EDITED: &str = "Hand-written: how does **TaskGroup** differ from `asyncio.gather()`?";

struct Root {
    dir: tempfile::TempDir,
    server: StandIn,
}

impl Root {
    /// A newsletter root whose 2024-01-06 edition was written once.
    fn translated() -> Self {
        let root = Root {
            dir: support::newsletter_root(),
            server: StandIn::start(vec![]),
        };
        root.ok(&["translate", DATE]);
        root
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn original_path(&self) -> PathBuf {
        self.path().join(format!("docs/{DATE}-weekly.md"))
    }

    fn edition_path(&self) -> PathBuf {
        self.path().join(format!("docs/en/{DATE}-weekly.md"))
    }

    fn original(&self) -> String {
        std::fs::read_to_string(self.original_path()).unwrap()
    }

    fn original_for(&self, date: &str) -> String {
        std::fs::read_to_string(self.path().join(format!("docs/{date}-weekly.md"))).unwrap()
    }

    fn edition(&self) -> String {
        std::fs::read_to_string(self.edition_path()).unwrap()
    }

    fn memory(&self) -> String {
        std::fs::read_to_string(self.path().join("memory.jsonl")).unwrap()
    }

    /// Rewrites the original with `change`, which must change it.
    fn change_original(&self, change: impl Fn(&str) -> String) {
        let before = self.original();
        let after = change(&before);
        assert_ne!(before, after, "the change changes the original");
        std::fs::write(self.original_path(), after).unwrap();
    }

    /// A reviewer rewrites the TaskGroup description in the edition, keeping its markup.
    fn hand_edit(&self) {
        let en = self.edition();
        let line = en
            .lines()
            .find(|l| l.contains("`asyncio.gather()`"))
            .unwrap()
            .to_string();
        std::fs::write(self.edition_path(), en.replace(&line, HAND_EDITED)).unwrap();
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("editions")
            .unwrap()
            .arg("--root")
            .arg(self.path())
            .args(args)
            .env("OPENAI_API_KEY", KEY)
            .env("OPENAI_BASE_URL", self.server.base_url())
            .env("NO_COLOR", "1")
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "editions {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The segments sent to the model since request `from`: every tagged source.
    fn sent_since(&self, from: usize) -> Vec<String> {
        self.server.requests()[from..]
            .iter()
            .flat_map(|r| {
                let map: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&r.user).unwrap();
                map.into_values()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The repository's boilerplate rules.
fn rules() -> Vec<editions::edition::rules::Rule> {
    #[derive(serde::Deserialize)]
    struct Rules {
        boilerplate: Vec<editions::edition::rules::Rule>,
    }
    let toml = support::rules_toml();
    let parsed: Rules = toml::from_str(toml.split("[[url_rewrite]]").next().unwrap()).unwrap();
    parsed.boilerplate
}

/// The tagged source of the original's segment whose text contains `needle`.
fn segment_of(original: &str, needle: &str) -> (String, String) {
    let doc = Document::parse(original, &SegmentOptions::default());
    let seg = doc
        .segments()
        .find(|s| s.tagged.contains(needle))
        .unwrap_or_else(|| panic!("a segment with {needle}"));
    (seg.id.clone(), seg.tagged.clone())
}

/// The memory's lines whose source is `source`.
fn memory_lines<'m>(memory: &'m str, source: &str) -> Vec<&'m str> {
    let quoted = serde_json::to_string(source).unwrap();
    memory
        .lines()
        .filter(|l| l.contains(&format!("\"source\":{quoted}")))
        .collect()
}

#[test]
fn an_edited_paragraph_of_the_original_reaches_the_edition() {
    let root = Root::translated();
    let (old_id, old_source) = segment_of(&root.original(), "Django 近几个版本");
    let before = root.server.requests().len();
    root.change_original(|o| o.replacen("Django 近几个版本", "Django 5.0 之后的近几个版本", 1));
    let (new_id, new_source) = segment_of(&root.original(), "Django 5.0");
    // CI sees the edition is stale before it is updated.
    let out = root.run(&["check", "--strict", DATE]);
    assert_eq!(out.status.code(), Some(1));
    let stale = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = root
        .original()
        .lines()
        .position(|l| l.contains("Django 5.0"))
        .unwrap()
        + 1;
    assert!(
        stale.contains(&format!(
            "{}:{line}:1: error[freshness/stale]: the original's segments differ from those {} was translated from ({new_id} (line {line}) is new, {old_id} is gone): run `editions translate` to bring it up to date",
            root.original_path().display(),
            root.edition_path().display()
        )),
        "{stale}"
    );
    let stdout = root.ok(&["translate", DATE]);
    root.ok(&["check", "--strict", DATE]);

    assert_eq!(root.server.requests().len() - before, 1, "one request");
    assert_eq!(root.sent_since(before), vec![new_source.clone()]);
    let en = root.edition();
    assert!(
        en.lines().any(|l| l.starts_with("Django 5.0 ")),
        "the new translation is in the edition:\n{en}"
    );
    let edition = root.edition_path().display().to_string();
    assert!(
        stdout.contains(&format!(
            "updated 1 segment(s) of `{edition}` whose original changed\n"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("hand-edited"), "{stdout}");
    let memory = root.memory();
    let new_lines = memory_lines(&memory, &new_source);
    assert_eq!(new_lines.len(), 1, "{new_lines:?}");
    assert!(
        !new_lines[0].contains("approved"),
        "no approved entry for the new source: {}",
        new_lines[0]
    );
    assert_eq!(
        memory_lines(&memory, &old_source).len(),
        1,
        "the old pair stays"
    );
    let record = std::fs::read_to_string(
        root.path()
            .join(format!("provenance/en/{DATE}-weekly.jsonl")),
    )
    .unwrap();
    assert!(
        record.contains(&format!("\"id\":\"{new_id}\"")),
        "the record follows"
    );
    // Nothing left to do.
    let before = root.server.requests().len();
    let stdout = root.ok(&["translate", DATE]);
    assert!(
        stdout.contains(&format!("{edition}: unchanged\n")),
        "{stdout}"
    );
    assert_eq!(root.server.requests().len(), before);
}

/// One structural change of the original, with a hand edit elsewhere in the edition: exit 0,
/// only `sent` goes to the model, the hand edit survives, and `check` passes.
fn structural(change: impl Fn(&str) -> String, sent: &[&str], edition_has: &[&str]) -> Root {
    let root = Root::translated();
    root.hand_edit();
    root.change_original(change);
    let before = root.server.requests().len();
    let stdout = root.ok(&["translate", DATE]);
    let sent_now = root.sent_since(before);
    assert_eq!(
        sent_now.len(),
        sent.len(),
        "only new text is sent: {sent_now:#?}"
    );
    for (s, want) in sent_now.iter().zip(sent) {
        assert!(s.contains(want), "{s} has {want}");
    }
    let en = root.edition();
    assert!(en.contains(HAND_EDITED), "the hand edit survives:\n{en}");
    for want in edition_has {
        assert!(en.contains(want), "the edition has {want}:\n{en}");
    }
    assert!(stdout.contains("kept 1 hand-edited segment(s)"), "{stdout}");
    root.ok(&["check", DATE]);
    root
}

const DJANGO: &str =
    "4、[Django 表单渲染的模板化改造](https://djangotips.example.net/form-rendering-templates)\n\n";

#[test]
fn a_paragraph_inserted_in_the_middle_is_the_only_one_sent() {
    let root = structural(
        |o| {
            o.replacen(
                DJANGO,
                &format!("新增的一段：Python 3.14 发布了。\n\n{DJANGO}"),
                1,
            )
        },
        &["Python 3.14"],
        &["Python 3.14"],
    );
    let en = root.edition();
    let added = en.find("Python 3.14").unwrap();
    let django = en.find("form-rendering-templates").unwrap();
    assert!(added < django, "in its place");
}

#[test]
fn a_deleted_paragraph_leaves_the_edition() {
    let root = Root::translated();
    assert!(root
        .edition()
        .contains("https://djangotips.example.net/form-rendering-templates"));
    drop(root);
    let root = structural(|o| o.replacen(DJANGO, "", 1), &[], &[]);
    assert!(!root
        .edition()
        .contains("https://djangotips.example.net/form-rendering-templates"));
}

#[test]
fn a_moved_paragraph_moves_without_a_request() {
    let root = structural(
        |o| {
            let without = o.replacen(DJANGO, "", 1);
            without.replacen(
                "## 🦄文章&教程\n\n",
                &format!("## 🦄文章&教程\n\n{DJANGO}"),
                1,
            )
        },
        &[],
        &[],
    );
    let en = root.edition();
    let django = en.find("form-rendering-templates").unwrap();
    let first = en.find("asyncio-taskgroup-cancellation").unwrap();
    assert!(django < first, "moved to the top of its section");
}

#[test]
fn a_duplicated_paragraph_is_translated_from_the_memory() {
    let root = structural(
        |o| o.replacen(DJANGO, &format!("{DJANGO}{DJANGO}"), 1),
        &[],
        &[],
    );
    assert_eq!(
        root.edition()
            .matches("https://djangotips.example.net/form-rendering-templates")
            .count(),
        2
    );
}

#[test]
fn a_hand_edit_is_kept_across_five_reruns() {
    let root = Root::translated();
    root.hand_edit();
    let before = root.server.requests().len();
    let edition = root.edition_path().display().to_string();
    for run in 0..5 {
        let stdout = root.ok(&["translate", DATE]);
        if run == 0 {
            assert!(
                stdout.starts_with(&format!(
                    "kept 1 hand-edited segment(s) of `{edition}` (recorded as approved in the memory):\n  - segment "
                )),
                "{stdout}"
            );
        } else {
            assert!(
                stdout.contains(&format!("{edition}: unchanged\n")),
                "{stdout}"
            );
        }
        assert!(root.edition().contains(HAND_EDITED), "run {run}");
    }
    assert_eq!(root.server.requests().len(), before, "nothing sent");
    let (_, source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let memory = root.memory();
    let lines = memory_lines(&memory, &source);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Hand-written: how does <b1>TaskGroup</b1>")
                && l.contains("\"origin\":\"approved\"")),
        "{lines:#?}"
    );
}

#[test]
fn a_conflict_is_listed_and_the_hand_edit_stays_in_the_memory() {
    let root = Root::translated();
    root.hand_edit();
    let (_, old_source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    root.change_original(|o| o.replacen("Python 3.11 引入的", "Python 3.12 引入的", 1));
    let (new_id, new_source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let before = root.server.requests().len();
    let stdout = root.ok(&["translate", DATE]);
    assert_eq!(root.sent_since(before), vec![new_source]);
    let edition = root.edition_path().display().to_string();
    assert!(
        stdout.starts_with(&format!(
            "1 conflict(s) in `{edition}`: a hand-edited segment whose original changed was translated anew\n  - segment {new_id} (line 17): the hand edit is kept in `memory.jsonl` under the old original\n"
        )),
        "{stdout}"
    );
    let en = root.edition();
    assert!(!en.contains(HAND_EDITED));
    assert!(en.lines().any(|l| l.starts_with("Python 3.12 ")), "{en}");
    let memory = root.memory();
    let old = memory_lines(&memory, &old_source);
    assert!(
        old.iter()
            .any(|l| l.contains("Hand-written: how does <b1>TaskGroup</b1>")
                && l.contains("\"origin\":\"approved\"")),
        "{old:#?}"
    );
    // The diff shows what the hand edit was.
    assert!(stdout.contains(&format!("\n-{HAND_EDITED}\n")), "{stdout}");
    // The review shows the conflict beside its row, on this run and the next.
    for _ in 0..2 {
        root.ok(&["translate", DATE]);
        let rows: serde_json::Value =
            serde_json::from_str(&root.ok(&["review", DATE, "--format", "json"])).unwrap();
        let row = rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == new_id.as_str())
            .unwrap();
        assert_eq!(
            row["conflict"]["hand_edit"],
            "Hand-written: how does TaskGroup differ from ?"
        );
        assert!(row["conflict"]["old_original"]
            .as_str()
            .unwrap()
            .starts_with("Python 3.11 引入的 TaskGroup 与  在异常处理上有何不同？"));
    }
    let page = root.ok(&["review", DATE, "--width", "100"]);
    assert!(
        page.contains("  ! conflict: edited by hand, then the original changed; the new original was translated\n    the old original: Python 3.11 引入的"),
        "{page}"
    );
    // Editing the segment again settles the conflict.
    let en = root.edition();
    let line = en
        .lines()
        .find(|l| l.starts_with("Python 3.12 "))
        .unwrap()
        .to_string();
    std::fs::write(
        root.edition_path(),
        en.replace(&line, "Settled: **TaskGroup** versus `asyncio.gather()`."),
    )
    .unwrap();
    root.ok(&["translate", DATE]);
    let rows: serde_json::Value =
        serde_json::from_str(&root.ok(&["review", DATE, "--format", "json"])).unwrap();
    let row = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == new_id.as_str())
        .unwrap();
    assert!(row["conflict"].is_null(), "{row}");
    assert_eq!(row["hand_edited"], true);
}

#[test]
fn an_imported_translation_appears_in_the_edition() {
    let root = Root::translated();
    let (id, source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let reviewed = "Reviewed: <b1>TaskGroup</b1> and <code2/> differ in how they cancel.";
    let file = root.path().join("reviewed.json");
    std::fs::write(
        &file,
        serde_json::json!({ id.clone(): reviewed }).to_string(),
    )
    .unwrap();
    let original = root.original_path();
    let stdout = root.ok(&[
        "memory",
        "import",
        original.to_str().unwrap(),
        file.to_str().unwrap(),
        "--to",
        "en",
    ]);
    assert!(
        stdout.starts_with("imported 1 translation into"),
        "{stdout}"
    );
    let before = root.server.requests().len();
    let stdout = root.ok(&["translate", DATE]);
    assert!(!stdout.contains("hand-edited"), "{stdout}");
    assert_eq!(root.server.requests().len(), before);
    assert!(root
        .edition()
        .contains("Reviewed: **TaskGroup** and `asyncio.gather()` differ in how they cancel."));
    let memory = root.memory();
    let lines = memory_lines(&memory, &source);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"target\":\"Reviewed: <b1>TaskGroup</b1>")
                && l.contains("\"origin\":\"approved\"")),
        "the import is still in the memory: {lines:#?}"
    );
}

#[test]
fn a_longer_intro_message_updates_every_edition() {
    let root = Root::translated();
    root.ok(&["translate", "2023-12-30"]);
    root.hand_edit();
    let ftl = root.path().join("locales/en/newsletter.ftl");
    let text = std::fs::read_to_string(&ftl).unwrap();
    let at = text.find("intro =\n").unwrap();
    let line_end = at + "intro =\n".len() + text[at + "intro =\n".len()..].find('\n').unwrap();
    let longer = format!(
        "{} A sentence added to the intro.{}",
        &text[..line_end],
        &text[line_end..]
    );
    std::fs::write(&ftl, longer).unwrap();
    let before = root.server.requests().len();
    for date in [DATE, "2023-12-30"] {
        root.ok(&["translate", date]);
        let en =
            std::fs::read_to_string(root.path().join(format!("docs/en/{date}-weekly.md"))).unwrap();
        assert!(
            en.contains("A sentence added to the intro."),
            "{date}:\n{en}"
        );
    }
    assert!(root.edition().contains(HAND_EDITED));
    assert_eq!(root.server.requests().len(), before, "nothing sent");
}

#[test]
fn a_file_by_path_takes_its_date_from_its_name() {
    let root = Root::translated();
    let special = root.path().join("docs/2023-12-11-sweekly.md");
    std::fs::write(
        &special,
        "你好，我是猫哥。这里每周分享优质的 Python 内容，大部分为英文。\n\n## 第二季回顾\n\n本季共发布 12 期，收录 300 多条内容。\n",
    )
    .unwrap();
    let stdout = root.ok(&["translate", special.to_str().unwrap()]);
    assert!(!stdout.contains("no date"), "{stdout}");
    let en = std::fs::read_to_string(root.path().join("docs/en/2023-12-11-sweekly.md")).unwrap();
    assert!(
        en.contains("https://pythoncat.top/posts/2023-12-11-weekly"),
        "the intro links the file's own date:\n{en}"
    );
    // A file with no date anywhere: the run's date, with a warning.
    let undated = root.path().join("docs/notes.md");
    std::fs::write(&undated, "你好，我是猫哥。这里是一些笔记，大部分为英文。\n").unwrap();
    let stdout = root.ok(&["translate", undated.to_str().unwrap()]);
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    assert!(
        stdout.starts_with(&format!(
            "{} has no date in its name or front matter: its messages use today's, {today}\n",
            undated.display()
        )),
        "{stdout}"
    );
}

#[test]
fn a_paragraph_removed_from_the_edition_is_named_and_nothing_is_written() {
    let root = Root::translated();
    let en = root.edition();
    let line = en
        .lines()
        .find(|l| l.contains("`asyncio.gather()`"))
        .unwrap()
        .to_string();
    let line_no = en.lines().position(|l| l == line).unwrap() + 1;
    let cut = en.replace(&format!("{line}\n\n"), "");
    std::fs::write(root.edition_path(), &cut).unwrap();
    let (id, _) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let before = root.server.requests().len();
    let out = root.run(&["translate", DATE]);
    assert_eq!(out.status.code(), Some(1));
    let edition = root.edition_path().display().to_string();
    let record = root
        .path()
        .join(format!("provenance/en/{DATE}-weekly.jsonl"))
        .display()
        .to_string();
    let start: String = line.chars().take(40).collect();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {edition}:{line_no}: segment {id} (\"{start}…\") is no longer in the edition, so the edition can no longer be laid over what editions wrote (`{record}`)\n  hint: restore the paragraph (git shows it), or remove it from the original too; --retranslate replaces the edition\n"
        )
    );
    assert_eq!(root.edition(), cut, "not overwritten");
    assert_eq!(root.server.requests().len(), before, "nothing paid for");
}

#[test]
fn an_edition_without_a_record_is_not_taken_for_hand_edits() {
    let root = Root::translated();
    std::fs::remove_file(
        root.path()
            .join(format!("provenance/en/{DATE}-weekly.jsonl")),
    )
    .unwrap();
    root.hand_edit();
    let edited = root.edition();
    root.change_original(|o| o.replacen("Python 3.11 引入的", "Python 3.12 引入的", 1));
    let before = root.server.requests().len();
    let out = root.run(&["translate", DATE]);
    assert_eq!(out.status.code(), Some(1));
    let edition = root.edition_path().display().to_string();
    let record = root
        .path()
        .join(format!("provenance/en/{DATE}-weekly.jsonl"))
        .display()
        .to_string();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: `{edition}` exists but editions has no record of writing it (`{record}`), so its hand edits cannot be told from a changed original\n  hint: run `editions adopt` on it to take its text as approved translations, or rerun with --retranslate to replace it\n")
    );
    assert_eq!(root.server.requests().len(), before, "nothing paid for");
    assert_eq!(root.edition(), edited);
}

#[test]
fn adopt_takes_over_a_published_edition_and_translate_sends_only_the_rest() {
    let root = Root {
        dir: support::newsletter_root(),
        server: StandIn::start(vec![]),
    };
    let date = "2023-12-30";
    // An edition made by some earlier script: written here with the stand-in, then the record
    // and memory are forgotten, its intro is the script's own, its items are list items, one
    // description lost its link and one kept some Chinese.
    root.ok(&["translate", date]);
    std::fs::remove_dir_all(root.path().join("provenance")).unwrap();
    std::fs::remove_file(root.path().join("memory.jsonl")).unwrap();
    let path = root.path().join(format!("docs/en/{date}-weekly.md"));
    let generated = std::fs::read_to_string(&path).unwrap();
    let mut published = String::new();
    for line in generated.lines() {
        let line = if line.starts_with("Welcome to Python Trending Weekly") {
            "Hi, this is the weekly, as our old script wrote it.".to_string()
        } else if let Some(rest) = line
            .split_once("\\. [")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            format!("{}. [{}", rest.0, rest.1)
        } else {
            line.to_string()
        };
        published.push_str(&line);
        published.push('\n');
    }
    let (_, first_item) = segment_of(&root.original_for(date), "asyncio 程序的十个常见误区");
    let lost = published
        .lines()
        .find(|l| l.starts_with("3. ["))
        .unwrap()
        .to_string();
    let lost_plain = lost.replace('[', "").replace(
        "](https://webdev-notes.example.dev/fastapi-di-internals)",
        "",
    );
    published = published.replace(&lost, &lost_plain);
    let chinese = published
        .lines()
        .find(|l| l.contains("`is`"))
        .unwrap()
        .to_string();
    published = published.replace(&chinese, &format!("{chinese} 未翻译"));
    std::fs::write(&path, &published).unwrap();

    let stdout = root.ok(&["adopt", date]);
    let original = root.original_for(date);
    let doc = Document::parse(&original, &SegmentOptions::default());
    let seg = |needle: &str| {
        doc.segments()
            .find(|s| s.tagged.contains(needle))
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let (lost_seg, chinese_seg) = (seg("FastAPI 依赖注入的实现原理"), seg("<code1/> 判断为真"));
    let line_in =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let mut lines = stdout.lines();
    let head = lines.next().unwrap();
    assert!(
        head.starts_with(&format!("{}: adopted ", path.display())),
        "{stdout}"
    );
    let not_adopted: Vec<&str> = lines.collect();
    assert_eq!(
        not_adopted,
        vec![
            format!(
                "  - segment {} (line {}, edition line {}): tag <a1>…</a1> is missing",
                lost_seg.id,
                lost_seg.line,
                line_in(&published, "3. FastAPI")
            ),
            format!(
                "  - segment {} (line {}, edition line {}): it leaves untranslated text: 未翻译",
                chinese_seg.id,
                chinese_seg.line,
                line_in(&published, "未翻译")
            ),
            format!(
                "  3 published paragraphs not adopted are kept as candidates in `{}`: `editions review` shows each beside its segment",
                root.path().join("memory.jsonl").display()
            ),
        ],
        "{stdout}"
    );
    // Each is a candidate: the source it was aligned with, the published text, the reason.
    let candidates: Vec<serde_json::Value> = root
        .memory()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &serde_json::Value| e["origin"] == "candidate")
        .collect();
    let candidate = |source: &str| {
        candidates
            .iter()
            .find(|e| e["source"] == source)
            .unwrap_or_else(|| panic!("no candidate for {source}: {candidates:?}"))
    };
    // The run as published, without its item number (the edition's structure).
    assert_eq!(
        candidate(&lost_seg.tagged)["target"],
        lost_plain.trim().trim_start_matches("3. ")
    );
    assert_eq!(
        candidate(&lost_seg.tagged)["note"],
        "tag <a1>…</a1> is missing"
    );
    assert_eq!(
        candidate(&chinese_seg.tagged)["note"],
        "it leaves untranslated text: 未翻译"
    );
    assert!(
        candidates.iter().any(|e| e["target"]
            .as_str()
            .unwrap()
            .contains("Hi, this is the weekly, as our old script wrote it.")),
        "{candidates:?}"
    );
    assert_eq!(candidates.len(), 3, "{candidates:?}");
    let body = doc
        .segments()
        .filter(|s| {
            !editions::edition::rules::fixed_segments(
                &doc,
                &editions::edition::rules::find(&original, &rules(), "en"),
            )
            .contains(&s.id)
        })
        .count();
    assert_eq!(
        head,
        format!(
            "{}: adopted {} of {body} segments ({:.1} %) as approved translations",
            path.display(),
            body - 2,
            (body - 2) as f64 * 100.0 / body as f64
        )
    );
    let memory = root.memory();
    assert_eq!(
        memory.lines().filter(|l| l.contains("\"model\":\"adopted\"") && l.contains("\"origin\":\"approved\"")).count(),
        body - 2
    );
    assert!(memory.contains(&format!(
        "\"source\":{}",
        serde_json::to_string(&first_item).unwrap()
    )));

    // translate keeps every adopted text byte for byte and sends only the two others.
    let before = root.server.requests().len();
    let out = root.ok(&["translate", date]);
    assert!(
        out.contains(&format!(
            "{}: 3 published paragraphs that `adopt` could not vouch for were replaced with new translations; each is kept as a candidate in `memory.jsonl`, and `editions review` shows it beside its new translation",
            path.display()
        )),
        "{out}"
    );
    // review shows each candidate beside the new translation of its segment.
    let review: serde_json::Value =
        serde_json::from_str(&root.ok(&["review", date, "--format", "json"])).unwrap();
    let row = review["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == lost_seg.id.as_str())
        .unwrap();
    assert_eq!(
        row["candidate"],
        serde_json::json!({
            "text": lost_plain.trim().trim_start_matches("3. "),
            "why": "tag <a1>…</a1> is missing"
        }),
        "{row}"
    );
    let terminal = root.ok(&["review", date]);
    assert!(
        terminal.contains(&format!(
            "  ◆ published, not adopted (tag <a1>…</a1> is missing): {} — to keep it, paste it over the new translation in the edition and run `editions translate`: it is taken as a hand edit\n",
            lost_plain.trim().trim_start_matches("3. ")
        )),
        "{terminal}"
    );
    let mut sent = root.sent_since(before);
    sent.sort();
    let mut expected = vec![lost_seg.tagged.clone(), chinese_seg.tagged.clone()];
    expected.sort();
    assert_eq!(sent, expected);
    let written = std::fs::read_to_string(&path).unwrap();
    let record = editions::edition::provenance::Record::load(
        &root
            .path()
            .join(format!("provenance/en/{date}-weekly.jsonl")),
    )
    .unwrap()
    .unwrap();
    let published_doc = Document::parse(&published, &SegmentOptions::default());
    let mut kept = 0;
    for s in doc.segments() {
        let Some(w) = record.segment(&s.id) else {
            continue;
        };
        if s.id == lost_seg.id || s.id == chinese_seg.id {
            continue;
        }
        // The published run is there, whole: as the run, or after an item number `N\. `.
        assert!(
            published_doc.runs.iter().any(|r| {
                let p = &published[r.range.clone()];
                w.written == p || w.written.ends_with(&format!("\\. {p}"))
            }),
            "{} was kept byte for byte: {}",
            s.id,
            w.written
        );
        kept += 1;
    }
    assert_eq!(kept, body - 2);
    assert!(written.contains("1\\. [asyncio"), "{written}");

    // What editions wrote is not adopted again: that would make the model's text approved.
    let out = root.run(&["adopt", date]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: `{}` already has a provenance record (`{}`): editions keeps its hand edits on every run, so there is nothing to adopt\n  hint: to adopt it anyway (its current text becomes approved), delete the record first\n",
            path.display(),
            root.path().join(format!("provenance/en/{date}-weekly.jsonl")).display()
        )
    );
    let stdout = root.ok(&["adopt", "--all"]);
    assert_eq!(
        stdout,
        format!(
            "{}: already has a provenance record: skipped\nadopted 0 of 0 segments (0.0 %) in 0 editions; 0 published paragraphs kept as candidates; 0 editions not adopted (alignment uncertain); 1 already recorded\n",
            path.display()
        )
    );
}

/// A paragraph removed from the original leaves its edition stale too, and the finding names
/// the segment.
#[test]
fn check_names_a_segment_that_left_the_original() {
    let root = Root::translated();
    let (gone, _) = segment_of(&root.original(), "Django 近几个版本");
    root.change_original(|o| {
        let start = o.find("Django 近几个版本").unwrap();
        let end = start + o[start..].find("\n\n").unwrap() + 2;
        format!("{}{}", &o[..start], &o[end..])
    });
    let out = root.run(&["check", "--strict", DATE]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{}:1:1: error[freshness/stale]: the original's segments differ from those {} was translated from ({gone} is gone): run `editions translate` to bring it up to date\n",
            root.original_path().display(),
            root.edition_path().display()
        )),
        "{stdout}"
    );
    root.ok(&["translate", DATE]);
    root.ok(&["check", "--strict", DATE]);
}

/// A published edition that lost a description and its intro: adopt pairs by what the
/// paragraphs say, so nothing after the gap shifts; a dry run writes nothing; adopting again
/// replaces the earlier adoption; special issues are adopted by `--all`; an edition that
/// follows another order is refused whole.
#[test]
fn adopt_pairs_by_content_and_never_shifts() {
    let date = "2023-12-30";
    let (root, truth, path, generated) = published_edition(date);
    // The published edition lacks the first item's description.
    let original = root.original_for(date);
    let doc = Document::parse(&original, &SegmentOptions::default());
    let blocks: Vec<&str> = generated.split("\n\n").collect();
    let first_item = blocks.iter().position(|b| b.starts_with("1\\. [")).unwrap();
    let dropped = blocks[first_item + 1];
    let published = generated.replacen(&format!("{dropped}\n\n"), "", 1);
    std::fs::write(&path, &published).unwrap();

    // A dry run reports and writes nothing.
    let dry = root.ok(&["adopt", date, "--dry-run"]);
    assert!(dry.ends_with("dry run: nothing was written\n"), "{dry}");
    assert!(!root.path().join("memory.jsonl").exists());
    assert!(!root.path().join("provenance").exists());

    let out = root.ok(&["adopt", date]);
    // The original's first item's description: the paragraph after `1、[`.
    let item = original.find("\n1、[").unwrap() + 1;
    let description = item + original[item..].find("\n\n").unwrap() + 2;
    let lost = doc
        .segments()
        .find(|s| s.range.start == description)
        .expect("the dropped description's segment");
    assert!(
        out.contains(&format!(
            "  - segment {} (line {}): no run of the edition is in its place\n",
            lost.id, lost.line
        )),
        "{out}"
    );
    // Every adopted pair is the right one: the translation of its own source.
    let adopted = right_pairs(&root, &truth);
    assert!(adopted >= 20);
    assert!(
        out.starts_with(&format!("{}: adopted {adopted} of ", path.display())),
        "{out}"
    );

    // Adopting again replaces the earlier adoption.
    let again = root.ok(&["adopt", date]);
    assert!(
        again.contains("  an earlier adoption of this edition was replaced: what it took and this one does not is a candidate now\n"),
        "{again}"
    );

    // A special issue's edition is adopted by --all.
    std::fs::write(
        root.path().join("editions.toml"),
        std::fs::read_to_string(root.path().join("editions.toml"))
            .unwrap()
            .replace(
                "memory = \"memory.jsonl\"\n",
                "memory = \"memory.jsonl\"\nother_originals = [\"docs/{date}-sweekly.md\"]\n",
            ),
    )
    .unwrap();
    std::fs::copy(
        root.path().join(format!("docs/{date}-weekly.md")),
        root.path().join("docs/2023-12-31-sweekly.md"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("docs/en/2023-12-31-sweekly.md"),
        &generated,
    )
    .unwrap();
    let all = root.ok(&["adopt", "--all"]);
    let special = root.path().join("docs/en/2023-12-31-sweekly.md");
    assert!(
        all.contains(&format!("{}: adopted ", special.display())),
        "{all}"
    );

    // An edition in another order is not adopted at all, and says where pairing fails.
    std::fs::remove_dir_all(root.path().join("provenance")).unwrap();
    let mut reversed: Vec<&str> = generated.split("\n\n").collect();
    let body = reversed.split_off(first_item);
    reversed.extend(body.into_iter().rev());
    std::fs::write(&path, reversed.join("\n\n")).unwrap();
    let out = root.run(&["adopt", date]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let head = format!("{}: not adopted: only ", path.display());
    assert!(stdout.starts_with(&head), "{stdout}");
    assert!(
        stdout.contains(
            " segments pair with the edition confidently; the pairing becomes uncertain at line "
        ),
        "{stdout}"
    );
    assert!(!root
        .path()
        .join(format!("provenance/en/{date}-weekly.jsonl"))
        .exists());
}

/// The title list of the newer issues (`① …`) has no links: a published edition that lacks
/// one title still pairs every other title with its own, by item number and names.
#[test]
fn adopt_pairs_a_title_list_with_a_title_missing() {
    let date = "2025-12-06";
    let (root, truth, path, generated) = published_edition(date);
    let second = generated
        .split("\n\n")
        .find(|b| b.starts_with('②'))
        .expect("a title list")
        .to_string();
    std::fs::write(&path, generated.replacen(&format!("{second}\n\n"), "", 1)).unwrap();
    root.ok(&["adopt", date]);
    assert!(right_pairs(&root, &truth) >= 10);
}

/// An edition of `date` as an earlier script would have published it: written with the
/// stand-in, then its record and memory forgotten. Returns the root, each source's
/// translation (the truth an adoption must find again), the edition's path and text.
fn published_edition(date: &str) -> (Root, HashMap<String, String>, PathBuf, String) {
    let root = Root {
        dir: support::newsletter_root(),
        server: StandIn::start(vec![]),
    };
    root.ok(&["translate", date]);
    let truth = root
        .memory()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    std::fs::remove_dir_all(root.path().join("provenance")).unwrap();
    std::fs::remove_file(root.path().join("memory.jsonl")).unwrap();
    let path = root.path().join(format!("docs/en/{date}-weekly.md"));
    let generated = std::fs::read_to_string(&path).unwrap();
    (root, truth, path, generated)
}

/// How many entries adopt approved, each asserted to be its own source's translation.
fn right_pairs(root: &Root, truth: &HashMap<String, String>) -> usize {
    let memory = root.memory();
    let adopted: Vec<serde_json::Value> = memory
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["origin"] == "approved")
        .collect();
    for e in &adopted {
        let source = e["source"].as_str().unwrap();
        assert_eq!(
            truth.get(source).map(String::as_str),
            e["target"].as_str(),
            "{source}"
        );
    }
    adopted.len()
}

/// The many-issues path (`--stale`, `--all`) runs the same lifecycle as `translate DATE`: the
/// conflict is reported, listed by `review`, and the hand edit is kept in the memory.
#[test]
fn a_conflict_found_by_a_stale_run_is_reported_and_kept() {
    for selection in ["--stale", "--all"] {
        let root = Root::translated();
        root.hand_edit();
        root.ok(&["translate", DATE]);
        let (_, old_source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
        root.change_original(|o| o.replacen("Python 3.11 引入的", "Python 3.12 引入的", 1));
        let (new_id, _) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
        let stdout = root.ok(&["translate", selection]);
        let edition = root.edition_path().display().to_string();
        assert!(
            stdout.contains(&format!(
                "1 conflict(s) in `{edition}`: a hand-edited segment whose original changed was translated anew\n  - segment {new_id} (line 17): the hand edit is kept in `memory.jsonl` under the old original\n"
            )),
            "{selection}: {stdout}"
        );
        let memory = root.memory();
        assert!(
            memory_lines(&memory, &old_source)
                .iter()
                .any(|l| l.contains("Hand-written: how does <b1>TaskGroup</b1>")
                    && l.contains("\"origin\":\"approved\"")),
            "{selection}"
        );
        let rows: serde_json::Value =
            serde_json::from_str(&root.ok(&["review", DATE, "--format", "json"])).unwrap();
        let row = rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == new_id.as_str())
            .unwrap();
        assert_eq!(
            row["conflict"]["hand_edit"], "Hand-written: how does TaskGroup differ from ?",
            "{selection}"
        );
    }
}

/// A hand edit that cannot be placed (it dropped the paragraph's markup) is never lost: the
/// refusal keeps it as a candidate, and so does the conflict when the original changes next;
/// `review` shows it beside its row.
#[test]
fn a_hand_edit_that_cannot_be_placed_stays_recoverable() {
    const UNMARKED: &str = "Hand-written, markup lost: how does TaskGroup differ from gather?";
    let root = Root::translated();
    let en = root.edition();
    let line = en
        .lines()
        .find(|l| l.contains("`asyncio.gather()`"))
        .unwrap()
        .to_string();
    std::fs::write(root.edition_path(), en.replace(&line, UNMARKED)).unwrap();
    let (id, source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let edition_line = 1 + root.edition().lines().position(|l| l == UNMARKED).unwrap();
    let out = root.run(&["translate", DATE]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:{edition_line}: the hand edit of segment {id} cannot be kept: tag <b1>…</b1> is missing; placeholder <code2/> is missing\n  hint: keep the segment's links, code and emphasis as in the original (a changed link belongs in the original), or rerun with --retranslate to replace the edition; the hand edit is kept meanwhile in `{}` as a candidate, which `editions review` shows",
            root.edition_path().display(),
            root.path().join("memory.jsonl").display()
        )),
        "{stderr}"
    );
    assert!(root.edition().contains(UNMARKED));
    let kept = |source: &str| {
        memory_lines(&root.memory(), source)
            .iter()
            .any(|l| l.contains(UNMARKED) && l.contains("\"origin\":\"candidate\""))
    };
    assert!(kept(&source), "{}", root.memory());

    // The original's paragraph changes: a conflict whose hand edit fits neither original.
    root.change_original(|o| o.replacen("Python 3.11 引入的", "Python 3.12 引入的", 1));
    let (new_id, new_source) = segment_of(&root.original(), "<b1>TaskGroup</b1>");
    let stdout = root.ok(&["translate", DATE]);
    assert!(
        stdout.contains(&format!(
            "  - segment {new_id} (line 17): the hand edit's markup fits neither original; it is kept in `memory.jsonl` as a candidate, which `editions review` shows\n"
        )),
        "{stdout}"
    );
    assert!(!root.edition().contains(UNMARKED));
    assert!(kept(&new_source), "{}", root.memory());
    let rows: serde_json::Value =
        serde_json::from_str(&root.ok(&["review", DATE, "--format", "json"])).unwrap();
    let row = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == new_id.as_str())
        .unwrap();
    assert_eq!(row["candidate"]["text"], UNMARKED, "{row}");
    assert!(row["candidate"]["why"]
        .as_str()
        .unwrap()
        .starts_with("your hand edit of the old original (\"Python 3.11 引入的"));
}

/// A weak model loses the unit of `1400 万` however often it is asked. The translation is
/// asked again once, with the reason; its answer is kept with the finding recorded, `check`
/// warns, and no later run pays for it again. A dry run predicts the requests a real run
/// sends, the asking again included.
#[test]
fn reruns_converge_with_a_model_that_loses_a_number() {
    let root = Root {
        dir: support::newsletter_root(),
        server: StandIn::start(vec![]),
    };
    root.server.lose_large_numbers();
    root.change_original(|o| o.replacen("月下载量过千万", "月下载量 1400 万", 1));
    let (id, source) = segment_of(&root.original(), "1400 万");
    let line = 1 + root
        .original()
        .lines()
        .position(|l| l.contains("1400 万"))
        .unwrap();
    let edition = root.edition_path().display().to_string();

    let first = root.ok(&["translate", "--all", "--to", "en"]);
    assert!(
        first.contains(&format!(
            "`{edition}`: not used: this run's translation of segment {id} (line {line}): it lost `1400 万`; asked again\n"
        )),
        "{first}"
    );
    let asked: Vec<String> = root.sent_since(0);
    assert_eq!(
        asked.iter().filter(|s| **s == source).count(),
        2,
        "asked once, then once again"
    );
    let memory = root.memory();
    let lines = memory_lines(&memory, &source);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(r#""asked":["numbers/missing: `1400 万`"]"#),
        "{}",
        lines[0]
    );
    let check = root.run(&["check", DATE, "--to", "en"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("has `1400 万`, which this translation does not"),
        "{stdout}"
    );

    // Every later run sends nothing, whichever way it is asked for.
    for args in [
        &["translate", "--all", "--to", "en"][..],
        &["translate", "--stale", "--to", "en"],
        &["translate", DATE, "--to", "en"],
    ] {
        let before = root.server.requests().len();
        let out = root.ok(args);
        assert_eq!(root.server.requests().len(), before, "{args:?}: {out}");
        assert!(!out.contains("asked again"), "{args:?}: {out}");
    }

    // After an edit elsewhere, the dry run says what the real run sends: the edit alone, and
    // the lost number too when its entry forgot it was asked for it.
    let planned = |root: &Root| -> u64 {
        let json: serde_json::Value = serde_json::from_str(&root.ok(&[
            "translate",
            "--all",
            "--to",
            "en",
            "--dry-run",
            "--format",
            "json",
        ]))
        .unwrap();
        json["total"]["requests"].as_u64().unwrap()
    };
    let mut edits = ["Python 3.12 引入的", "Python 3.13 引入的"].into_iter();
    for forget in [false, true] {
        let to = edits.next().unwrap();
        root.change_original(|o| {
            o.replacen("Python 3.11 引入的", to, 1)
                .replacen("Python 3.12 引入的", to, 1)
        });
        if forget {
            let memory = root
                .memory()
                .replace(r#","asked":["numbers/missing: `1400 万`"]"#, "");
            std::fs::write(root.path().join("memory.jsonl"), memory).unwrap();
        }
        let predicted = planned(&root);
        let before = root.server.requests().len();
        root.ok(&["translate", "--all", "--to", "en"]);
        let sent = (root.server.requests().len() - before) as u64;
        assert_eq!(predicted, sent, "forget: {forget}");
        assert_eq!(sent, if forget { 2 } else { 1 }, "forget: {forget}");
    }
}

/// A CRLF original gets a CRLF edition throughout: the translations, the locale's messages
/// and the blocks they replace, in both locales; and a rerun sends nothing and changes nothing.
#[test]
fn a_crlf_original_gets_crlf_editions_messages_included() {
    let root = Root {
        dir: support::newsletter_root(),
        server: StandIn::start(vec![]),
    };
    let crlf = root.original().replace('\n', "\r\n");
    std::fs::write(root.original_path(), &crlf).unwrap();
    root.ok(&["translate", DATE, "--to", "en,ja"]);
    for locale in ["en", "ja"] {
        let path = root.path().join(format!("docs/{locale}/{DATE}-weekly.md"));
        let edition = std::fs::read_to_string(&path).unwrap();
        let bare: Vec<usize> = edition
            .match_indices('\n')
            .filter(|(at, _)| !edition[..*at].ends_with('\r'))
            .map(|(at, _)| 1 + edition[..at].matches('\n').count())
            .collect();
        assert!(bare.is_empty(), "{locale}: bare LF on lines {bare:?}");
        assert_eq!(
            edition.matches("\r\n").count(),
            edition.matches('\n').count()
        );
    }
    // The locale's messages replaced something: the English intro is the message's.
    let en = root.edition();
    assert!(en.contains("Python Trending Weekly"), "{en}");
    let before = (root.server.requests().len(), root.edition());
    let out = root.ok(&["translate", DATE, "--to", "en,ja"]);
    assert_eq!(
        (root.server.requests().len(), root.edition()),
        before,
        "{out}"
    );
    root.ok(&["check", DATE, "--to", "en,ja", "--strict"]);
}

/// A run stopped between the record's rename and the edition's (a fault point ends the process
/// there) leaves a record one run ahead of an untouched edition. The next run knows it by the
/// record's digests: no conflict, no approved entry, the edition written anew; and after the
/// original is restored, nothing of the removed sentence stays.
#[test]
fn a_run_stopped_between_the_renames_fakes_no_hand_edit() {
    let root = Root::translated();
    let before = root.edition();
    root.change_original(|o| o.replacen("Python 3.11 引入的", "Python 3.12 引入的", 1));
    let stopped = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", DATE])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", root.server.base_url())
        .env("EDITIONS_TEST_STOP_BETWEEN_RENAMES", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(!stopped.status.success(), "the fault point ends the run");
    assert_eq!(root.edition(), before, "the edition was not renamed yet");

    let stdout = root.ok(&["translate", DATE]);
    let edition = root.edition_path().display().to_string();
    assert!(
        stdout.starts_with(&format!(
            "`{edition}`: its record (`{}`) was one run ahead of it (a run was stopped between writing the two); the edition had no hand edit, so it was written anew from the memory\n",
            root.path().join("provenance/en/2024-01-06-weekly.jsonl").display()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("conflict"), "{stdout}");
    assert!(
        !root.memory().contains("\"hand-edited\""),
        "no approved entry: {}",
        root.memory()
    );
    assert!(root
        .edition()
        .lines()
        .any(|l| l.starts_with("Python 3.12 ")));

    // The original restored: its translation comes back, the other's goes.
    root.change_original(|o| o.replacen("Python 3.12 引入的", "Python 3.11 引入的", 1));
    root.ok(&["translate", DATE]);
    let en = root.edition();
    assert!(!en.lines().any(|l| l.starts_with("Python 3.12 ")), "{en}");
    assert_eq!(en, before);
    root.ok(&["check", DATE, "--strict"]);
}

/// A record that does not account for an edition nobody touched (a line lost from it) says it
/// is damaged and is written anew; it is never read as hand edits.
#[test]
fn a_damaged_record_says_so_and_is_written_anew() {
    let root = Root::translated();
    let before = root.edition();
    let record = root.path().join("provenance/en/2024-01-06-weekly.jsonl");
    let text = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let damaged: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != lines.len() / 2)
        .map(|(_, l)| *l)
        .collect();
    std::fs::write(&record, damaged.join("\n") + "\n").unwrap();
    let sent = root.server.requests().len();
    let stdout = root.ok(&["translate", DATE]);
    assert!(
        stdout.contains(&format!(
            "`{}`: its record (`{}`) does not account for it, though nobody edited it since editions wrote it: the record is damaged and was written anew\n",
            root.edition_path().display(),
            record.display()
        )),
        "{stdout}"
    );
    assert_eq!(root.server.requests().len(), sent, "nothing sent");
    assert_eq!(root.edition(), before);
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        text,
        "the record as it was"
    );
    assert!(!root.memory().contains("\"hand-edited\""));
}

/// Two editions written with `-o` under one file name have records of their own.
#[test]
fn two_outputs_with_one_file_name_do_not_share_a_record() {
    let root = Root::translated();
    let (a, b) = (root.path().join("a/x.md"), root.path().join("b/x.md"));
    for dir in ["a", "b"] {
        std::fs::create_dir_all(root.path().join(dir)).unwrap();
    }
    root.ok(&["translate", DATE, "-o", &a.display().to_string()]);
    root.ok(&["translate", "2023-12-30", "-o", &b.display().to_string()]);
    let records: Vec<String> = std::fs::read_dir(root.path().join("provenance/en"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("x."))
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    // Each reruns as its own: unchanged, nothing taken for a hand edit.
    for (date, path) in [(DATE, &a), ("2023-12-30", &b)] {
        let stdout = root.ok(&["translate", date, "-o", &path.display().to_string()]);
        assert!(stdout.contains(": unchanged\n"), "{stdout}");
    }
}
