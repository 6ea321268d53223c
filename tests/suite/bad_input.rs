//! Bad and unusual input: a clear error or a correct result, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use editions::{Document, SegmentOptions};

fn editions() -> Command {
    Command::cargo_bin("editions").expect("the editions binary")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// extract | merge with each segment's own source, through the binary.
fn roundtrip(path: &Path) -> (usize, Vec<u8>) {
    let out = editions().arg("extract").arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let map: BTreeMap<String, String> = records
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().into(),
                r["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    let json = path.with_extension("json");
    std::fs::write(&json, serde_json::to_vec(&map).unwrap()).unwrap();
    let out = editions()
        .arg("merge")
        .arg(path)
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (records.len(), out.stdout)
}

fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let assert = cmd.assert().code(code);
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn not_utf8_names_the_byte_offset_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "latin1.md", b"# Title\n\ncaf\xe9 au lait\n");
    let stderr = stderr_of(editions().arg("extract").arg(&path), 2);
    assert_eq!(
        stderr.replace(&path.display().to_string(), "latin1.md"),
        "error: `latin1.md` is not valid UTF-8: invalid byte 0xE9 at byte offset 12 (line 3)\n  hint: re-save the file as UTF-8\n"
    );
}

#[test]
fn a_missing_file_is_named() {
    let stderr = stderr_of(editions().args(["extract", "no/such/issue.md"]), 2);
    assert_eq!(
        stderr,
        "error: cannot read `no/such/issue.md`: No such file or directory (os error 2)\n  hint: check that the file exists and is readable\n"
    );
}

#[test]
fn an_empty_file_has_no_segments_and_merges_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.md", b"");
    editions()
        .arg("extract")
        .arg(&path)
        .assert()
        .success()
        .stdout("[]\n");
    assert_eq!(roundtrip(&path), (0, Vec::new()));
}

#[test]
fn a_byte_order_mark_is_kept_and_not_part_of_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}---\ntitle: '周刊'\n---\n\n第一段。\n";
    let path = write(dir.path(), "bom.md", text.as_bytes());
    let (n, back) = roundtrip(&path);
    assert_eq!(n, 2, "the front matter is still found behind the BOM");
    assert_eq!(back, text.as_bytes());
}

#[test]
fn crlf_line_endings_are_kept_in_translated_segments() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# 标题\r\n\r\n> 第一行，\r\n> 第二行。\r\n";
    let path = write(dir.path(), "crlf.md", text.as_bytes());
    assert_eq!(roundtrip(&path).1, text.as_bytes());
    let source = editions::SourceText::from_string(&path, text.to_string());
    let doc = Document::parse(&source.text, &SegmentOptions::default());
    let quote = doc.segments().nth(1).unwrap();
    let map = BTreeMap::from([(quote.id.clone(), "First line,\nsecond line.".to_string())]);
    let merged = editions::merge(&doc, &map).unwrap();
    assert_eq!(merged, "# 标题\r\n\r\n> First line,\r\n> second line.\r\n");
}

#[test]
fn a_ten_megabyte_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let item =
        "1、[文章标题](https://example.com/a_b)\n\n这是 **描述**，包含 `code` 与 *强调*。\n\n";
    let text = item.repeat(10 * 1024 * 1024 / item.len() + 1);
    assert!(text.len() >= 10 * 1024 * 1024);
    let path = write(dir.path(), "big.md", text.as_bytes());
    let (n, back) = roundtrip(&path);
    assert!(n > 100_000);
    assert!(back == text.as_bytes(), "the 10 MB file came back changed");
}

#[test]
fn thousand_deep_nesting_does_not_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = format!("{} 很深的引用\n", ">".repeat(1000));
    let lists: String = (0..1000)
        .map(|d| format!("{}- 第 {d} 层\n", "  ".repeat(d)))
        .collect();
    let emphasis = format!("{}强调{}\n", "*".repeat(1000), "*".repeat(1000));
    let links = format!("{}链接{}\n", "[".repeat(1000), "](u)".repeat(1000));
    for (name, text) in [
        ("quotes.md", quotes),
        ("lists.md", lists),
        ("emphasis.md", emphasis),
        ("links.md", links),
    ] {
        let path = write(dir.path(), name, text.as_bytes());
        let (n, back) = roundtrip(&path);
        assert!(n >= 1, "{name}");
        assert!(back == text.as_bytes(), "{name} came back changed");
    }
}
