//! `editions check` on pairs built to pass and pairs built to break each rule.

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use support::standin::{StandIn, KEY};

const DATES: [&str; 3] = ["2023-12-30", "2024-01-06", "2025-12-06"];

/// A root whose three fixtures have English editions made by `translate` (stand-in model).
struct Root {
    dir: tempfile::TempDir,
}

impl Root {
    fn translated() -> Self {
        Self::translated_into("en")
    }

    fn translated_into(locales: &str) -> Self {
        let dir = support::newsletter_root();
        let root = Root { dir };
        let server = StandIn::start(vec![]);
        for date in DATES {
            let out = root
                .cmd()
                .args(["translate", date, "--to", locales])
                .env("OPENAI_API_KEY", KEY)
                .env("OPENAI_BASE_URL", server.base_url())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        root
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("editions").unwrap();
        c.arg("--root").arg(self.dir.path()).env("NO_COLOR", "1");
        c
    }

    fn edition(&self, date: &str) -> PathBuf {
        self.dir.path().join(format!("docs/en/{date}-weekly.md"))
    }

    fn original(&self, date: &str) -> PathBuf {
        self.dir.path().join(format!("docs/{date}-weekly.md"))
    }

    /// Replaces `from` with `to` (once) in `path` and returns the 1-based line where it was.
    fn edit(&self, path: &Path, from: &str, to: &str) -> usize {
        let text = std::fs::read_to_string(path).unwrap();
        let at = text
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} not in {}", path.display()));
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
        1 + text[..at].matches('\n').count()
    }

    /// `check --format json` findings and exit code.
    fn check(&self, extra: &[&str]) -> (Vec<Value>, Option<i32>) {
        let out = self
            .cmd()
            .args(["check", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        (lines, out.status.code())
    }
}

fn findings(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|v| v.get("rule").is_some()).collect()
}

/// Asserts that `rule` fires at `line` of the file ending in `file`.
fn fires(lines: &[Value], rule: &str, file: &str, line: usize) {
    let all = findings(lines);
    assert!(
        all.iter().any(|f| f["rule"] == rule
            && f["file"].as_str().unwrap().ends_with(file)
            && f["line"] == line),
        "no {rule} at {file}:{line} in {all:#?}"
    );
}

#[test]
fn editions_made_by_translate_pass() {
    let root = Root::translated();
    let (lines, code) = root.check(&[]);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(findings(&lines).is_empty(), "{lines:#?}");
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["pairs"], 3);
    assert!(summary["body_links"].as_u64().unwrap() > 30);
}

#[test]
fn each_rule_fires_at_the_right_line() {
    let root = Root::translated();
    let en = root.edition("2024-01-06");
    let original = root.original("2024-01-06");
    let text = std::fs::read_to_string(&en).unwrap();

    // A link dropped: reported where it is in the original.
    let link_line =
        1 + std::fs::read_to_string(&original).unwrap()[..std::fs::read_to_string(&original)
            .unwrap()
            .find("(https://data-notes.example.com/duckdb-vs-pandas-logs)")
            .unwrap()]
            .matches('\n')
            .count();
    let title = text
        .lines()
        .find(|l| l.contains("(https://data-notes.example.com/duckdb-vs-pandas-logs)"))
        .unwrap()
        .to_string();
    root.edit(
        &en,
        &title,
        &title
            .replace(
                "(https://data-notes.example.com/duckdb-vs-pandas-logs)",
                "(https://elsewhere.example/x)",
            )
            .replacen('[', "", 1)
            .replacen(
                "](https://elsewhere.example/x)",
                " [more](https://elsewhere.example/x)",
                1,
            ),
    );
    let added_line = 1 + std::fs::read_to_string(&en).unwrap()[..std::fs::read_to_string(&en)
        .unwrap()
        .find("https://elsewhere.example/x")
        .unwrap()]
        .matches('\n')
        .count();
    // An image dropped, code changed, a table row removed.
    let current = std::fs::read_to_string(&en).unwrap();
    let image = current
        .lines()
        .find(|l| l.starts_with("!["))
        .unwrap()
        .to_string();
    let image_line = root.edit(&en, &image, "An image that lost its markup");
    root.edit(&en, "`asyncio.gather()`", "`asyncio.gather`");
    let row = current
        .lines()
        .find(|l| l.starts_with("| Polars |"))
        .unwrap()
        .to_string();
    let table_line = root.edit(&en, &format!("{row}\n"), "");
    let code_line = root.edit(&en, "Monitor('./data/raw'", "Monitor(\"./data/raw\"");
    // Residue: a tag, Chinese, mojibake; and a glossary term lost.
    let current = std::fs::read_to_string(&en).unwrap();
    let with_breakpoint = current
        .lines()
        .find(|l| l.contains("`breakpoint()`"))
        .unwrap()
        .to_string();
    let tag_line = root.edit(
        &en,
        &with_breakpoint,
        &format!("{with_breakpoint} <i9>six</i9>"),
    );
    let with_display = current
        .lines()
        .find(|l| l.contains("`__set_name__`"))
        .unwrap()
        .to_string();
    let script_line = root.edit(&en, &with_display, &format!("{with_display} 作者写道"));
    root.edit(
        &en,
        "## 🐿️Projects & Resources",
        "## ü¶ÑProjects & Resources",
    );
    std::fs::write(
        &en,
        std::fs::read_to_string(&en).unwrap().replacen(
            "Python Trending Weekly #34",
            "Python Trending Newsletter #34",
            1,
        ),
    )
    .unwrap();

    let (lines, code) = root.check(&["2024-01-06"]);
    assert_eq!(code, Some(1));
    fires(
        &lines,
        "links/missing",
        "docs/2024-01-06-weekly.md",
        link_line,
    );
    fires(&lines, "links/added", "en/2024-01-06-weekly.md", added_line);
    assert!(findings(&lines)
        .iter()
        .any(|f| f["rule"] == "images/missing"));
    let _ = image_line;

    fires(&lines, "code/block", "en/2024-01-06-weekly.md", code_line);
    fires(&lines, "code/inline", "docs/2024-01-06-weekly.md", 13);
    fires(
        &lines,
        "structure/table",
        "en/2024-01-06-weekly.md",
        table_line - 3,
    );
    fires(&lines, "residue/tag", "en/2024-01-06-weekly.md", tag_line);
    fires(
        &lines,
        "residue/script",
        "en/2024-01-06-weekly.md",
        script_line,
    );
    fires(&lines, "glossary/term", "en/2024-01-06-weekly.md", 2);
    let glossary: Vec<_> = findings(&lines)
        .into_iter()
        .filter(|f| f["rule"] == "glossary/term")
        .collect();
    assert_eq!(
        glossary.len(),
        1,
        "only the title lost its term: {glossary:#?}"
    );
    let messages: Vec<&str> = findings(&lines)
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`ü¶Ñ` is mojibake for `🦄`")),
        "{messages:#?}"
    );
}

#[test]
fn structure_and_anchor_rules_fire() {
    let root = Root::translated();
    let en = root.edition("2023-12-30");
    let text = std::fs::read_to_string(&en).unwrap();
    let line_of =
        |text: &str, needle: &str| 1 + text[..text.find(needle).unwrap()].matches('\n').count();
    // An item merged into the one before it: reported at its section's heading.
    let section = line_of(&text, "## 🦄Articles & Tutorials");
    let item = text
        .lines()
        .find(|l| l.starts_with("3\\. ["))
        .unwrap()
        .to_string();
    root.edit(&en, &format!("\n\n{item}"), &format!(" {item}"));
    // A heading's anchor renamed: the link to it is reported.
    root.edit(&en, "{#summary}", "{#wrap-up}");
    let text = std::fs::read_to_string(&en).unwrap();
    let link = line_of(&text, "(#summary)");
    let (lines, code) = root.check(&["2023-12-30"]);
    assert_eq!(code, Some(1));
    fires(
        &lines,
        "structure/items",
        "en/2023-12-30-weekly.md",
        section,
    );
    fires(
        &lines,
        "anchors/unresolved",
        "en/2023-12-30-weekly.md",
        link,
    );
    // A heading turned into a paragraph: reported at the first heading where the sequence of
    // levels stops matching the original's (levels alone cannot say which one went).
    let heading = text
        .lines()
        .find(|l| l.starts_with("## 🐿️"))
        .unwrap()
        .to_string();
    root.edit(&en, &heading, heading.trim_start_matches("## "));
    let text = std::fs::read_to_string(&en).unwrap();
    let next = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('#'))
        .nth(2)
        .unwrap()
        .0
        + 1;
    let (lines, _) = root.check(&["2023-12-30"]);
    fires(
        &lines,
        "structure/headings",
        "en/2023-12-30-weekly.md",
        next,
    );
}

#[test]
fn stale_and_missing_editions_are_warnings_unless_strict() {
    let root = Root::translated();
    root.edit(
        &root.original("2024-01-06"),
        "峰值内存下降了约 80%",
        "峰值内存下降了约 85%",
    );
    std::fs::remove_file(root.edition("2025-12-06")).unwrap();
    let (lines, code) = root.check(&[]);
    assert_eq!(code, Some(0), "{lines:#?}");
    fires(&lines, "freshness/stale", "docs/2024-01-06-weekly.md", 17);
    fires(&lines, "freshness/missing", "docs/2025-12-06-weekly.md", 1);
    let (lines, code) = root.check(&["--strict"]);
    assert_eq!(code, Some(1));
    assert!(findings(&lines).iter().all(|f| f["level"] == "error"));
}

#[test]
fn github_annotations_and_text_output() {
    let root = Root::translated();
    let en = root.edition("2024-01-06");
    let line = std::fs::read_to_string(&en)
        .unwrap()
        .lines()
        .find(|l| l.contains("`breakpoint()`"))
        .unwrap()
        .to_string();
    root.edit(&en, &line, &format!("{line} <i9>six</i9>"));
    let out = root
        .cmd()
        .args(["check", "2024-01-06", "--format", "github"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l.starts_with("::error file=")
            && l.contains(
                ",title=residue/tag::<i9> is a translation tag left in the text: remove it"
            )),
        "{stdout}"
    );
    let out = root.cmd().args(["check", "2024-01-06"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(": error[residue/tag]: <i9> is a translation tag"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "checked 1 edition (0 missing): 2 errors, 0 warnings\n  residue/tag          2\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_config_error_exits_with_2() {
    let root = Root::translated();
    std::fs::write(
        root.dir.path().join("editions.toml"),
        "[check]\nalow = []\n",
    )
    .unwrap();
    let out = root.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("editions.toml:2: unknown field `alow`"),
        "{stderr}"
    );
}

/// A file that is not UTF-8 is a finding at that file, in every format, and the other pairs are
/// still checked.
#[test]
fn a_bad_file_is_a_finding_and_the_other_pairs_are_still_checked() {
    let root = Root::translated();
    let original = root.original("2023-12-30");
    let mut bytes = std::fs::read(&original).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    bytes.insert(at, 0xFF);
    std::fs::write(&original, &bytes).unwrap();
    let out = root.cmd().args(["check", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "{}:2:1: error[file/unreadable]: `{}` is not valid UTF-8: invalid byte 0xFF at byte offset {at} (line 2): re-save the file as UTF-8\n",
            original.display(),
            original.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nchecked 2 editions (0 missing): 1 error, 0 warnings\n"),
        "the other two pairs are checked: {stdout}"
    );
    let out = root
        .cmd()
        .args(["check", "--all", "--format", "github"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "::error file={},line=2,col=1,title=file/unreadable::",
            original.display()
        )),
        "{stdout}"
    );
}

/// `check ORIGINAL EDITION` checks any pair of files by path.
#[test]
fn any_pair_is_checked_by_path() {
    let root = Root::translated();
    let elsewhere = root.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let original = elsewhere.join("special-issue.md");
    let edition = elsewhere.join("special-issue.en.md");
    std::fs::copy(root.original("2024-01-06"), &original).unwrap();
    let text = std::fs::read_to_string(root.edition("2024-01-06")).unwrap();
    let url = "https://data-notes.example.com/duckdb-vs-pandas-logs";
    let at = text.find(url).unwrap();
    let open = text[..at].rfind('[').unwrap();
    // The link and its text cut from the edition.
    let cut = format!("{}{}", &text[..open], &text[at + url.len() + 1..]);
    std::fs::write(&edition, cut).unwrap();
    let out = root
        .cmd()
        .args(["check"])
        .arg(&original)
        .arg(&edition)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "error[links/missing]: link {url} is missing from {}: put it back around the translated text it belongs to\n",
            edition.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nchecked 1 edition (0 missing): "),
        "{stdout}"
    );
}

/// Every kind of loss planted into the English and Japanese editions `translate` made of the
/// fixtures, one at a time: `check --strict` catches each plant, and finds nothing on the
/// editions as written.
#[test]
fn every_kind_of_planted_loss_is_caught() {
    use editions::edition::provenance;
    use editions::Lang;
    use support::mutate::{Kind, Parts, Tally, KINDS};

    #[derive(serde::Deserialize)]
    struct Rules {
        boilerplate: Vec<editions::edition::rules::Rule>,
        url_rewrite: Vec<editions::edition::rules::UrlRewrite>,
    }
    let root = Root::translated_into("en,ja");
    let rules: Rules = toml::from_str(&support::rules_toml()).unwrap();
    let originals: Vec<String> = DATES
        .iter()
        .map(|d| std::fs::read_to_string(root.original(d)).unwrap())
        .collect();
    // URLs in more than one original, such as a project two issues link to.
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for text in &originals {
        let urls: std::collections::HashSet<String> = text
            .match_indices("](")
            .map(|(at, _)| text[at + 2..].split([')', ' ']).next().unwrap().to_string())
            .collect();
        for u in urls {
            *counts.entry(u).or_default() += 1;
        }
    }
    let repeated = counts
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(u, _)| u)
        .collect();
    let mut tally = Tally::default();
    for (date, original_text) in DATES.iter().zip(&originals) {
        for target in [Lang::En, Lang::Ja] {
            let original = root.original(date);
            let edition = root
                .dir
                .path()
                .join(format!("docs/{target}/{date}-weekly.md"));
            let edition_text = std::fs::read_to_string(&edition).unwrap();
            let record =
                provenance::path(&root.dir.path().join("provenance"), target.code(), &edition);
            let parts = Parts::new(
                root.dir.path(),
                &rules.boilerplate,
                &rules.url_rewrite,
                original_text,
                date,
                target,
                &record,
            );
            tally.add(
                date,
                &editions::check::File {
                    path: &original,
                    text: original_text,
                },
                &editions::check::File {
                    path: &edition,
                    text: &edition_text,
                },
                &parts,
                &repeated,
            );
        }
    }
    assert_eq!(tally.editions, 6);
    assert!(tally.unmutated.is_empty(), "{:#?}", tally.unmutated);
    for kind in KINDS {
        assert!(
            tally.plants.keys().any(|(k, _)| *k == kind),
            "no edition had a place for {kind:?}:\n{}",
            tally.table()
        );
    }
    assert!(tally.plants.contains_key(&(Kind::SourceParagraph, "ja")));
    assert!(
        tally.missed.is_empty(),
        "missed {:#?}\n{}",
        tally.missed,
        tally.table()
    );
}

/// `check --all` pairs the other originals too (season summaries, special issues), as
/// `other_originals` in editions.toml says; a provenance record it cannot read is a finding at
/// that record, and the pair is still checked.
#[test]
fn all_pairs_every_original_and_a_bad_record_is_a_finding() {
    let root = Root::translated();
    let special = root.dir.path().join("docs/2024-07-10-sweekly.md");
    std::fs::copy(root.original("2024-01-06"), &special).unwrap();
    let (lines, code) = root.check(&["--all"]);
    assert_eq!(code, Some(0), "{lines:#?}");
    let missing: Vec<&Value> = findings(&lines)
        .into_iter()
        .filter(|f| f["rule"] == "freshness/missing")
        .collect();
    assert_eq!(missing.len(), 1, "{lines:#?}");
    assert_eq!(
        missing[0]["message"],
        format!(
            "there is no en edition (`{}`): run `editions translate {} --to en`",
            root.dir
                .path()
                .join("docs/en/2024-07-10-sweekly.md")
                .display(),
            special.display()
        )
    );
    // Configured away, it is not paired.
    let config = root.dir.path().join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("other_originals = []\n{text}")).unwrap();
    let (lines, _) = root.check(&["--all"]);
    assert!(findings(&lines).is_empty(), "{lines:#?}");

    let record = root
        .dir
        .path()
        .join("provenance/en/2024-01-06-weekly.jsonl");
    let mut bytes = std::fs::read_to_string(&record).unwrap();
    bytes.push_str("not json\n");
    let bad_line = bytes.lines().count();
    std::fs::write(&record, bytes).unwrap();
    let out = root.cmd().args(["check", "--all"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "{}:{bad_line}:1: error[file/unreadable]: not a provenance record line: expected ident at line 1 column 2: provenance records are written by editions; restore the file from git, or delete it and run `editions adopt` on the edition\n",
            record.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nchecked 3 editions (0 missing): 1 error, 0 warnings\n"),
        "{stdout}"
    );
}

/// `--format sarif` writes a SARIF 2.1.0 log that the standard's JSON schema (shipped in
/// `fixtures/sarif/`) accepts: the catalog's rules with their help, one result per finding,
/// at the finding's place, with a path relative to where editions runs.
#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let root = Root::translated();
    root.edit(
        &root.edition("2024-01-06"),
        "pubDate: 2024-01-06",
        "pubDate: 2024-01-07",
    );
    std::fs::remove_file(root.edition("2023-12-30")).unwrap();
    let out = root
        .cmd()
        .current_dir(root.dir.path())
        .args(["check", "--all", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");

    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource("file:///sarif-schema-2.1.0.json", schema)
        .unwrap();
    let index = compiler
        .compile("file:///sarif-schema-2.1.0.json", &mut schemas)
        .unwrap();
    if let Err(e) = schemas.validate(&log, index) {
        panic!("not valid SARIF 2.1.0: {e:#}\n{log:#}");
    }
    // The schema holds: a log that breaks it is refused (the validation is live).
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(schemas.validate(&broken, index).is_err());

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), editions::check::Rule::ALL.len());
    assert!(rules
        .iter()
        .all(|r| !r["help"]["text"].as_str().unwrap().is_empty()));
    let results = run["results"].as_array().unwrap();
    let (lines, _) = root.check(&["--all"]);
    assert_eq!(results.len(), findings(&lines).len());
    let value = results
        .iter()
        .find(|r| r["ruleId"] == "front-matter/value")
        .expect("the changed pubDate");
    assert_eq!(
        rules[value["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "front-matter/value"
    );
    assert_eq!(value["level"], "error");
    assert_eq!(
        value["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": { "uri": "docs/en/2024-01-06-weekly.md" },
            "region": { "startLine": 3, "startColumn": 1 }
        })
    );
    assert_eq!(
        value["message"]["text"],
        "`pubDate` is `2024-01-07` here and `2024-01-06` in the original: only translated fields (title) may differ; copy it byte for byte"
    );
    let missing = results
        .iter()
        .find(|r| r["ruleId"] == "freshness/missing")
        .unwrap();
    assert_eq!(missing["level"], "warning");
    assert_eq!(run["properties"]["summary"]["errors"], 1);
}

/// CI pipes the report (`| head -2`, `| grep -q error`): a reader that stops early does not
/// turn an error result into success, in any format.
#[test]
fn the_exit_status_holds_when_the_reader_stops_early() {
    let dir = support::newsletter_root();
    for format in ["text", "github", "json"] {
        // The pipe's reader is gone before the first line is written.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("editions"))
            .arg("--root")
            .arg(dir.path())
            .args(["check", "--all", "--strict", "--format", format])
            .stdout(writer)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{format}");
    }
    // The same check, read in full, fails for the same reason: its editions are missing.
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(dir.path())
        .args(["check", "--all", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[freshness/missing]"));
}

/// A check that finds nothing to check is a misconfiguration, not a pass: exit 2, with the
/// patterns it searched and what to do.
#[test]
fn nothing_to_check_is_an_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(empty.path())
        .args(["check", "--all"])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "note: no editions.toml in `{0}`: the built-in defaults are in use (originals `docs/{{date}}-weekly.md`, no boilerplate rules, so fixed blocks such as the intro are sent to the model)\n  hint: `editions init` writes the newsletter's setup (editions.toml with its rules, glossaries, locale messages); --root names another folder\nerror: nothing to check: no original under `{0}` matches `docs/{{date}}-weekly.md`, `docs/{{date}}-sweekly.md`, `docs/{{date}}-iweekly.md`\n  hint: run editions in the newsletter's root (the folder of editions.toml) or give --root; `originals` in editions.toml says where the originals are\n",
            empty.path().display()
        )
    );
    assert!(out.stdout.is_empty());
}

/// One cause, one finding: an item whose title paragraph (with its link) is gone is told by
/// the missing link alone, not again by its paragraph or its section's item count; an image
/// paragraph gone, by the missing image; a paragraph left in Chinese, by its residue and not
/// by the glossary terms it lacks.
#[test]
fn one_cause_gives_one_finding() {
    let dir = support::sample_root();
    let edition = dir.path().join("fixtures/docs/en/2024-01-06-weekly.md");
    let good = std::fs::read_to_string(&edition).unwrap();
    let findings = |text: &str| -> Vec<String> {
        std::fs::write(&edition, text).unwrap();
        let out = Command::cargo_bin("editions")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "2024-01-06", "--format", "json"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["rule"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(findings(&good), Vec::<String>::new());
    let title = "3\\. [Writing a Mini Python Interpreter from Scratch (Part 1)](https://tinyinterp.example.org/posts/part-1)\n\n";
    assert!(good.contains(title));
    assert_eq!(findings(&good.replacen(title, "", 1)), ["links/missing"]);
    let image = "![Performance comparison chart of DuckDB vs. Pandas](https://img.example.com/2024-01-06_duckdb_bench.png)\n\n";
    assert!(good.contains(image));
    assert_eq!(findings(&good.replacen(image, "", 1)), ["images/missing"]);
}
