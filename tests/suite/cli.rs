//! The `extract` and `merge` commands, run as a user runs them, and every command's output
//! to a reader that stops early.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn editions() -> Command {
    Command::cargo_bin("editions").expect("the editions binary")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/docs")
        .join(name)
}

const FIXTURES: [&str; 3] = [
    "2023-12-30-weekly.md",
    "2024-01-06-weekly.md",
    "2025-12-06-weekly.md",
];

/// Runs `extract` and returns its JSON records.
fn extract(file: &Path) -> Vec<Value> {
    let out = editions().arg("extract").arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("extract prints JSON")
}

fn own_sources(records: &[Value]) -> BTreeMap<String, String> {
    records
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn write_json(dir: &Path, map: &BTreeMap<String, String>) -> PathBuf {
    let path = dir.join("translations.json");
    std::fs::write(&path, serde_json::to_string_pretty(map).unwrap()).unwrap();
    path
}

#[test]
fn extract_lists_segments_in_document_order() {
    let records = extract(&fixture("2025-12-06-weekly.md"));
    insta::assert_json_snapshot!("extract_2025_12_06", records);
}

#[test]
fn extract_then_merge_gives_back_every_fixture() {
    let dir = tempfile::tempdir().unwrap();
    for name in FIXTURES {
        let file = fixture(name);
        let records = extract(&file);
        assert!(
            records.len() > 20,
            "{name} has only {} segments",
            records.len()
        );
        let translations = write_json(dir.path(), &own_sources(&records));
        let out = editions()
            .args(["merge"])
            .arg(&file)
            .arg(&translations)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, std::fs::read(&file).unwrap(), "{name} changed");
    }
}

#[test]
fn segment_ids_survive_an_inserted_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(fixture("2024-01-06-weekly.md")).unwrap();
    let edited = original.replacen("## 🦄文章&教程", "新插入的一段话。\n\n## 🦄文章&教程", 1);
    let path = dir.path().join("edited.md");
    std::fs::write(&path, edited).unwrap();
    let before: Vec<String> = extract(&fixture("2024-01-06-weekly.md"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let after: Vec<String> = extract(&path)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after.len(), before.len() + 1);
    let new: Vec<&String> = after.iter().filter(|id| !before.contains(id)).collect();
    assert_eq!(
        new.len(),
        1,
        "only the inserted paragraph has a new id: {new:?}"
    );
}

const SMALL: &str = "\
---
title: 'Python 潮流周刊#1：你好'
pubDate: 2024-01-06
---

## 🦄文章&教程

1、[简单聊聊 JIT 方案](https://example.com/jit \"JIT\")

文章介绍了 **copy-and-patch** 方案，使用 `clang` 编译。

> 引用的第一行，
> 引用的第二行。

- 列表项目
  - 嵌套的项目

| 名称 | 说明 |
| --- | --- |
| `a` | 第一项 |
";

fn small_ids(dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let path = dir.join("small.md");
    std::fs::write(&path, SMALL).unwrap();
    let ids = extract(&path)
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (path, ids)
}

#[test]
fn merge_writes_translations_with_markdown_specials_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = small_ids(dir.path());
    let english = [
        "Python Trending Weekly #1: Hello, it's *new*",
        "🦄Articles &amp; Tutorials",
        "<a1>A [short] talk about JIT</a1>",
        "The article covers the <b1>copy-and-patch</b1> scheme_name, compiled with <code2/> | 100% *fast*.",
        "# The first line of the quote,\n- the second line &lt;b&gt;.",
        "+ A list item",
        "1) A nested item",
        "Name",
        "Description",
        "> First item",
    ];
    assert_eq!(ids.len(), english.len(), "{ids:?}");
    let map: BTreeMap<String, String> = ids
        .iter()
        .zip(english)
        .map(|((id, _), t)| (id.clone(), t.to_string()))
        .collect();
    let translations = write_json(dir.path(), &map);
    let out = editions()
        .arg("merge")
        .arg(&path)
        .arg(&translations)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("merge_small_english", merged);
}

#[test]
fn merge_lists_every_problem_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = small_ids(dir.path());
    let mut map = BTreeMap::new();
    // Item title: the link tag is dropped.
    map.insert(ids[2].0.clone(), "1. A short talk about JIT".to_string());
    // Description: tags misnested and the code placeholder repeated.
    map.insert(
        ids[3].0.clone(),
        "The <b1>copy <code2/></b1> and <code2/>".to_string(),
    );
    map.insert("p-0000000000".to_string(), "Stray".to_string());
    let translations = write_json(dir.path(), &map);
    let out_file = dir.path().join("out.md");
    std::fs::write(&out_file, "previous edition\n").unwrap();
    let assert = editions()
        .arg("merge")
        .arg(&path)
        .arg(&translations)
        .arg("-o")
        .arg(&out_file)
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let stderr = stderr.replace(&path.display().to_string(), "small.md");
    assert_eq!(
        stderr,
        format!(
            "error: 3 problems in the translations for `small.md`:
  - segment {} (line 8): tag <a1>…</a1> is missing
  - segment {} (line 10): tag <code2> occurs more than once
  - segment p-0000000000: no segment has this id (run `editions extract` to list them)
  hint: each translation must keep every tag of its source, once, properly nested
",
            ids[2].0, ids[3].0
        )
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "previous edition\n",
        "a failed merge leaves the previous output untouched"
    );
}

#[test]
fn merge_writes_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = small_ids(dir.path());
    let map: BTreeMap<String, String> =
        [(ids[1].0.clone(), "🦄Articles &amp; Tutorials".to_string())].into();
    let translations = write_json(dir.path(), &map);
    let out_file = dir.path().join("en.md");
    editions()
        .arg("merge")
        .arg(&path)
        .arg(&translations)
        .arg("-o")
        .arg(&out_file)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(
        written,
        SMALL.replace("## 🦄文章&教程", "## 🦄Articles & Tutorials")
    );
}

#[test]
fn translations_that_are_not_a_json_object_are_refused_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = small_ids(dir.path());
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"p-1\": 3\n}\n").unwrap();
    let assert = editions()
        .arg("merge")
        .arg(&path)
        .arg(&bad)
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr.replace(&bad.display().to_string(), "bad.json"),
        "error: cannot read the translations: `bad.json` line 2 column 10: invalid type: integer `3`, expected a string
  hint: translations are one JSON object mapping segment ids to tagged text, such as {\"p-0123456789\": \"Hello <b1>world</b1>\"}\n"
    );
}

/// Runs `command` with its standard output a pipe whose reader is gone before the first byte:
/// its exit status and what it said on standard error.
fn to_closed_pipe(mut command: std::process::Command) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command.stdout(writer).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `editions completions bash | head -1`, `editions check | grep -q error`: every command that
/// writes to standard output takes a reader that stops early as the end of its output. No
/// panic and no message; the exit status is the one its work calls for.
#[test]
fn a_closed_pipe_ends_the_output_not_the_command() {
    let root = support::sample_root();
    let empty = tempfile::tempdir().unwrap();
    let sample = fixture("2024-01-06-weekly.md");
    let sample = sample.to_str().unwrap();
    let cases: [(&[&str], i32); 11] = [
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["--help"], 0),
        (&["extract", sample], 0),
        (&["extract", "--format", "text", sample], 0),
        (&["rules"], 0),
        (&["review", "2024-01-06"], 0),
        (&["memory", "export"], 0),
        (&["translate", "-q", "2024-01-06", "-o", "-"], 0),
        (&["check", "--all"], 0),
        // An error result stays one: the sample's other issues have no edition.
        (&["check", "--all", "--strict"], 1),
    ];
    for (args, code) in cases {
        let mut run = std::process::Command::new(assert_cmd::cargo::cargo_bin("editions"));
        run.arg("--root")
            .arg(root.path())
            .args(args)
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL");
        assert_eq!(to_closed_pipe(run), (Some(code), String::new()), "{args:?}");
    }
    // Quiet, `-o -` still prints the edition, and only it.
    let out = editions()
        .arg("--root")
        .arg(root.path())
        .args(["translate", "-q", "2024-01-06", "-o", "-"])
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (
            Some(0),
            std::fs::read_to_string(fixture("en/2024-01-06-weekly.md"))
                .unwrap()
                .as_str(),
            ""
        )
    );
    // `init` writes its files and names them on the closed pipe.
    let mut init = std::process::Command::new(assert_cmd::cargo::cargo_bin("editions"));
    init.arg("init").current_dir(empty.path());
    assert_eq!(to_closed_pipe(init), (Some(0), String::new()));
    assert!(empty.path().join("editions.toml").is_file());
}
