//! Conventions a command-line user expects: `editions.toml` found from a subfolder, `-q`,
//! `-v`, shell completions and a machine-readable summary of `translate`.

use crate::support;

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

/// Without an editions.toml, translate, check and adopt say once that the built-in defaults
/// are in use and that `editions init` writes the newsletter's setup; `-q` and a found
/// editions.toml keep them quiet.
#[test]
fn the_built_in_defaults_are_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs/en")).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    std::fs::copy(
        fixtures.join("2024-01-06-weekly.md"),
        root.join("docs/2024-01-06-weekly.md"),
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    let note = "note: no editions.toml in `.`: the built-in defaults are in use (originals `docs/{date}-weekly.md`, no boilerplate rules, so fixed blocks such as the intro are sent to the model)\n  hint: `editions init` writes the newsletter's setup (editions.toml with its rules, glossaries, locale messages); --root names another folder\n";
    for args in [
        &["translate", "2024-01-06", "--dry-run"][..],
        &["check", "2024-01-06"],
        &["adopt", "2024-01-06", "--dry-run"],
    ] {
        let (_, _, stderr) = editions(root, &server, args);
        assert_eq!(
            stderr.matches("note: no editions.toml").count(),
            1,
            "{args:?}: {stderr}"
        );
        assert!(stderr.starts_with(note), "{args:?}: {stderr}");
        let mut quiet = args.to_vec();
        quiet.push("-q");
        let (_, _, stderr) = editions(root, &server, &quiet);
        assert!(!stderr.contains("note:"), "{args:?} -q: {stderr}");
    }
    std::fs::write(root.join("editions.toml"), "targets = [\"en\"]\n").unwrap();
    let (_, _, stderr) = editions(root, &server, &["check", "2024-01-06"]);
    assert!(!stderr.contains("note:"), "{stderr}");
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
        " POST {}/chat/completions, model {MODEL}: ",
        server.base_url()
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("-> #") && l.contains(&sent))
            .count(),
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

/// `-v` tells of every attempt, the retried ones too, with its HTTP status: as many attempt
/// lines as the server received requests.
#[test]
fn verbose_logs_every_attempt_with_its_status() {
    let dir = support::newsletter_root();
    let server = StandIn::start(vec![
        support::standin::Fault::TooMany { retry_after: 0 },
        support::standin::Fault::ServerError,
    ]);
    let (code, _, stderr) = editions(
        dir.path(),
        &server,
        &["translate", "2023-12-30", "-v", "-q"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let received = server.requests().len();
    let attempts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("   #") && l.contains(" attempt "))
        .collect();
    assert_eq!(attempts.len(), received, "{stderr}");
    let url = format!("POST {}/chat/completions", server.base_url());
    assert!(attempts.iter().all(|l| l.contains(&url)), "{stderr}");
    // The two failures, each told with its status and the wait before the next attempt, then
    // the answers of the same request and of the others.
    let status = |code: &str| attempts.iter().filter(|l| l.contains(code)).count();
    assert_eq!(status(": 429 Too Many Requests after "), 1, "{stderr}");
    assert_eq!(status(": 500 Internal Server Error after "), 1, "{stderr}");
    assert_eq!(status(": 200 OK after "), received - 2, "{stderr}");
    assert_eq!(
        attempts
            .iter()
            .filter(|l| l.contains("; again in "))
            .count(),
        2,
        "{stderr}"
    );
    // Each failed request is answered at a later attempt of the same number.
    for failed in attempts.iter().filter(|l| l.contains("; again in ")) {
        let (number, rest) = failed.split_once(" attempt ").unwrap();
        let n: u32 = rest.split(':').next().unwrap().parse().unwrap();
        assert!(
            attempts
                .iter()
                .any(|l| l.starts_with(&format!("{number} attempt "))
                    && l.contains(": 200 OK after ")
                    && l.split(" attempt ")
                        .nth(1)
                        .and_then(|r| r.split(':').next())
                        .and_then(|a| a.parse::<u32>().ok())
                        .is_some_and(|a| a > n)),
            "{failed}: {stderr}"
        );
    }
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

#[test]
fn a_dry_run_checks_the_messages_and_shows_the_prompts() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(
        root,
        &server,
        &["translate", "2024-01-06", "--dry-run", "--show-prompts"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("--- system ---\nTranslate a Markdown newsletter about Python"),
        "{stdout}"
    );
    assert!(stdout.contains("--- user ---\n{\"1\":"), "{stdout}");
    assert!(server.requests().is_empty());

    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!(
            "{text}\n[[boilerplate]]\nstarts = \"本期的几篇文章\"\nmessage = \"no-such-message\"\n"
        ),
    )
    .unwrap();
    let (code, _, stderr) = editions(root, &server, &["translate", "2023-12-30", "--dry-run"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: the locale `en` has no message `no-such-message`\n  hint: add `no-such-message = …` to a file in locales/en\n"
    );
}

#[test]
fn refresh_asks_the_model_again_for_its_own_entries() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    assert_eq!(
        editions(root, &server, &["translate", "2024-01-06"]).0,
        Some(0)
    );
    let first = server.requests().len();
    assert_eq!(
        editions(root, &server, &["translate", "2024-01-06"]).0,
        Some(0)
    );
    assert_eq!(server.requests().len(), first, "a rerun sends nothing");
    let (code, _, stderr) = editions(root, &server, &["translate", "2024-01-06", "--refresh"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        server.requests().len(),
        2 * first,
        "--refresh asks for every segment again"
    );
}

#[test]
fn failed_segments_are_written_ready_to_fill_in_and_import() {
    use support::standin::Fault;
    let dir = support::newsletter_root();
    let root = dir.path();
    // One request at a time, so that the faults hit one segment and its two repairs.
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("concurrency = 2", "concurrency = 1")).unwrap();
    let server = StandIn::start(vec![Fault::LeaveChinese; 3]);
    let (code, _, stderr) = editions(root, &server, &["translate", "2024-01-06"]);
    assert_eq!(code, Some(1), "{stderr}");
    let file = root.join(".editions/failed/en/2024-01-06-weekly.json");
    let original = root.join("docs/2024-01-06-weekly.md");
    assert!(
        stderr.ends_with(
            "\n  hint: or translate them by hand: replace each text in `.editions/failed/en/2024-01-06-weekly.json` (keeping its tags), then run `editions memory import docs/2024-01-06-weekly.md .editions/failed/en/2024-01-06-weekly.json --to en` and rerun\n"
        ),
        "{stderr}"
    );
    assert!(!root.join("docs/en/2024-01-06-weekly.md").exists());
    // Filled in by hand: the glossary's terms, then every other Han character replaced, the
    // tags kept.
    let glossary: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("glossary/en.toml")).unwrap()).unwrap();
    let terms: Vec<(String, String)> = glossary["term"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["source"].as_str().unwrap().to_string(),
                t["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let todo: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(todo.len(), 1, "{todo:?}");
    let done: std::collections::BTreeMap<String, String> = todo
        .into_iter()
        .map(|(id, mut text)| {
            for (source, target) in &terms {
                text = text.replace(source.as_str(), &format!(" {target} "));
            }
            let english: String = text
                .chars()
                .map(|c| if editions::lang::is_han(c) { 'x' } else { c })
                .collect::<String>()
                .replace(['：', '，', '。'], " ");
            (id, english)
        })
        .collect();
    std::fs::write(&file, serde_json::to_string(&done).unwrap()).unwrap();
    let (code, stdout, stderr) = import_into_en(root, &server, &original, &file);
    assert_eq!(code, Some(0), "{stderr}");
    // Imported, the file has served: it is gone, and so are the folders it leaves empty.
    assert_eq!(
        stdout,
        format!(
            "imported 1 translation into `memory.jsonl`\nremoved `{}`: its translations are in the memory now\n",
            file.display()
        )
    );
    assert!(!file.exists() && !root.join(".editions/failed").exists());
    let before = server.requests().len();
    let (code, _, stderr) = editions(root, &server, &["translate", "2024-01-06"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(server.requests().len(), before, "nothing is asked again");
    assert!(root.join("docs/en/2024-01-06-weekly.md").is_file());
}

/// `editions memory import <original> <file> --to en`.
fn import_into_en(
    root: &Path,
    server: &StandIn,
    original: &Path,
    file: &Path,
) -> (Option<i32>, String, String) {
    editions(
        root,
        server,
        &[
            "memory",
            "import",
            original.to_str().unwrap(),
            file.to_str().unwrap(),
            "--to",
            "en",
        ],
    )
}

/// `editions rules`: which block each rule matched, rules that match nothing, recurring blocks
/// no rule matches.
#[test]
fn the_rules_report_shows_what_each_rule_matched() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    // A sentence two issues end with, which no rule matches.
    for date in ["2023-12-30", "2024-01-06"] {
        let path = root.join(format!("docs/{date}-weekly.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("## 🦄").unwrap();
        std::fs::write(
            &path,
            format!("{}每期都有的同一句结束语。\n\n{}", &text[..at], &text[at..]),
        )
        .unwrap();
    }
    let (code, stdout, stderr) = editions(root, &server, &["rules", "--repeats", "2"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with("2023-12-30\n  line    7  rule  1 (starts \"你好，我是猫哥\", contains \"为英文\")  你好，我是猫哥。本周刊每周精选 Python、AI 与通用编程领域的优质内容，其…\n  line   11  rule  3 (starts \"🦄文章&教程\")  🦄文章&教程\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nwarning: rule 13 (starts \"本周刊由 Python猫 出品\") matched nothing in these issues\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nwarning: `每期都有的同一句结束语。` is in 2 issues (2023-12-30 line 9) and no rule matches it: it is sent to the model; add a [[boilerplate]] rule if it is the newsletter's fixed text\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\n3 issues; the rules matched 22 blocks; 27 warnings\n"),
        "{stdout}"
    );
}

/// `editions init` in a checkout without a setup: the files are written once, and with them
/// no fixed block of any fixture reaches the model, and `check` passes.
#[test]
fn init_writes_a_setup_whose_rules_keep_boilerplate_from_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs"))
        .unwrap()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "md") {
            std::fs::copy(entry.path(), root.join("docs").join(entry.file_name())).unwrap();
        }
    }
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(root, &server, &["init"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "wrote editions.toml\nwrote glossary/en.toml\nwrote glossary/ja.toml\nwrote locales/en/newsletter.ftl\nwrote locales/ja/newsletter.ftl\nwrote locales/en/style.md\nwrote locales/ja/style.md\nwrote .gitignore\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "# editions: run state, the memory's example index and journal\n.editions/\n*.jsonl.examples\n*.jsonl.journal\n"
    );
    // Every line of the config starts at the margin, as TOML written by hand does.
    let config = std::fs::read_to_string(root.join("editions.toml")).unwrap();
    assert!(
        config.lines().all(|l| !l.starts_with(' ')),
        "{}",
        config
            .lines()
            .filter(|l| l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(config.ends_with(
        "[[boilerplate]]\nfront_matter = true\nmessage = \"edition-heading\"\nlocales = [\"en\"]\n"
    ));
    let (code, _, stderr) = editions(root, &server, &["init"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: `editions.toml`, `glossary/en.toml`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("already exist, so nothing was written\n"),
        "{stderr}"
    );

    // The model, named in the config, is the stand-in's.
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("name = \"gpt-4o-mini\"", &format!("name = \"{MODEL}\""), 1),
    )
    .unwrap();
    let (code, _, stderr) = editions(root, &server, &["translate", "--all", "--to", "en,ja"]);
    assert_eq!(code, Some(0), "{stderr}");

    #[derive(serde::Deserialize)]
    struct Rules {
        boilerplate: Vec<editions::edition::rules::Rule>,
    }
    let rules: Rules = toml::from_str(&text[text.find("[[boilerplate]]").unwrap()..]).unwrap();
    let mut fixed = 0;
    for (locale, language) in [("en", "into English"), ("ja", "into Japanese")] {
        // What was sent for this locale's editions.
        let sent: String = server
            .requests()
            .iter()
            .filter(|r| r.system.contains(language))
            .map(|r| r.user.clone())
            .collect();
        assert!(!sent.is_empty(), "requests for {locale}");
        for entry in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let original = std::fs::read_to_string(&path).unwrap();
            for f in editions::edition::rules::find(&original, &rules.boilerplate, locale) {
                // No line of text of a fixed block (its start, markers and YAML keys aside)
                // was sent.
                for line in original[f.range.clone()].lines() {
                    let line = line.strip_prefix("title: ").unwrap_or(line);
                    let text = line
                        .trim_start_matches(['#', ' ', '-', '*', '>', '\''])
                        .trim();
                    let start: String = text.chars().take(20).collect();
                    if start.chars().filter(|c| editions::lang::is_han(*c)).count() >= 3 {
                        fixed += 1;
                        assert!(
                            !sent.contains(&start),
                            "`{line}` of {} reached the model for {locale}",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    assert!(fixed > 10, "{fixed} lines of fixed blocks checked");
    let (code, stdout, _) = editions(
        root,
        &server,
        &["check", "--all", "--to", "en,ja", "--strict"],
    );
    assert_eq!(code, Some(0), "{stdout}");
}

/// With `--lang zh-CN`, an error with its hint, a finding with its fix and the summary are
/// Chinese: verbatim, as snapshots.
#[test]
fn errors_and_findings_speak_chinese() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(
        root,
        &server,
        &["--lang", "zh-CN", "translate", "2024-13-01"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    insta::assert_snapshot!("zh_error", stderr);

    let (code, _, stderr) = editions(root, &server, &["translate", "2024-01-06", "-q"]);
    assert_eq!(code, Some(0), "{stderr}");
    // A hand edit that loses the original's inline code.
    let edition = root.join("docs/en/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    let span = text
        .lines()
        .filter(|l| !l.starts_with("```"))
        .find_map(|l| {
            let start = l.find('`')?;
            let end = start + 1 + l[start + 1..].find('`')?;
            Some(l[start..=end].to_string())
        })
        .expect("an inline code span");
    std::fs::write(&edition, text.replacen(&span, "the code", 1)).unwrap();
    let (code, stdout, stderr) = editions(
        root,
        &server,
        &[
            "--lang",
            "zh-CN",
            "check",
            "docs/2024-01-06-weekly.md",
            "docs/en/2024-01-06-weekly.md",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    insta::assert_snapshot!("zh_finding", stdout);
}

/// A repository's own `.gitignore` is kept: init adds the lines it lacks, once.
#[test]
fn init_adds_to_a_gitignore_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".gitignore"), "node_modules/\n.editions/").unwrap();
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(root, &server, &["init"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.ends_with("wrote locales/ja/style.md\nadded `*.jsonl.examples`, `*.jsonl.journal` to .gitignore\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "node_modules/\n.editions/\n\n# editions: run state, the memory's example index and journal\n*.jsonl.examples\n*.jsonl.journal\n"
    );
}

/// One `--help` layout everywhere: every command's `-h` and `--help` are the same page (no
/// command switches to clap's long layout), and the global options stand apart under one
/// heading.
#[test]
fn every_command_has_one_help_layout() {
    let commands: [&[&str]; 13] = [
        &[],
        &["init"],
        &["rules"],
        &["completions"],
        &["extract"],
        &["translate"],
        &["adopt"],
        &["check"],
        &["review"],
        &["memory", "export"],
        &["memory", "import"],
        &["glossary", "suggest"],
        &["merge"],
    ];
    for command in commands {
        let help = |flag: &str| {
            let out = Command::cargo_bin("editions")
                .unwrap()
                .args(command)
                .arg(flag)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{command:?} {flag}");
            String::from_utf8(out.stdout).unwrap()
        };
        let (short, long) = (help("-h"), help("--help"));
        assert_eq!(short, long, "{command:?}");
        let globals = &long[long
            .find("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{long}"))..];
        for flag in ["--root", "--quiet", "--verbose", "--color", "--lang"] {
            assert!(globals.contains(flag), "{command:?}: {flag} in {globals}");
        }
    }
}

/// A dry run counts each segment once: one long enough to be sent in parts, or sharing its
/// source with another, is one segment to translate, however many batches carry it.
#[test]
fn a_dry_run_counts_each_segment_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    let long: String = (1..=60)
        .map(|i| format!("这是第 {i} 句很长的说明，讲的是 Python 的打包工具和它们的历史。\n"))
        .collect();
    std::fs::write(
        root.join("docs/2024-03-02-weekly.md"),
        format!("# 标题\n\n{long}\n重复的一句话。\n\n重复的一句话。\n\n最后一段。\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("editions.toml"),
        "[model]\nbatch_chars = 600\nconcurrency = 2\n",
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    let (code, stdout, stderr) = editions(root, &server, &["translate", "2024-03-02", "--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("\n  segments        5 (0 from memory, 5 to translate)\n"),
        "{stdout}"
    );
    // The batches carry 6 units: the long paragraph's 3 parts, the title, the repeated line
    // once and the last paragraph.
    let units: usize = stdout
        .lines()
        .filter(|l| l.starts_with("  batch "))
        .map(|l| {
            l.split(" segments ")
                .next()
                .unwrap()
                .split_whitespace()
                .last()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(units, 6, "{stdout}");
    assert!(server.requests().is_empty());
    assert!(!stdout.contains("note:"), "{stdout}");
    // Without a key, what the real run would stop for is said.
    let out = Command::cargo_bin("editions")
        .unwrap()
        .current_dir(root)
        .args(["translate", "2024-03-02", "--dry-run"])
        .env_remove("OPENAI_API_KEY")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("\nnote: a real run would stop before its 2 requests: OPENAI_API_KEY is not set\n  hint: set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI)\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `--since … --dry-run` over many issues: an edition the memory alone would write is not
/// "planned", and one that is already what a run would write is "unchanged".
#[test]
fn a_dry_run_tells_planned_from_memory_and_unchanged() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(root, &server, &["translate", "2024-01-06", "-q"]);
    assert_eq!(code, Some(0), "{stderr}");
    let before = server.requests().len();
    let (code, stdout, stderr) = editions(
        root,
        &server,
        &["translate", "--since", "2024-01-01", "--dry-run"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("2023-12-30"), "{stdout}");
    let result = |issue: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(issue))
            .unwrap_or_else(|| panic!("{issue}: {stdout}"))
            .split("  ")
            .last()
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(result("2024-01-06"), "unchanged", "{stdout}");
    assert_eq!(result("2025-12-06"), "planned", "{stdout}");
    // Without its edition, the memory alone writes it: nothing to send.
    std::fs::remove_file(root.join("docs/en/2024-01-06-weekly.md")).unwrap();
    let (code, stdout, stderr) = editions(root, &server, &["translate", "--all", "--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("2024-01-06"))
        .unwrap();
    assert!(
        row.ends_with("       0   $0.0000  to write from the memory, nothing to send"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .ends_with("2 to send, 1 to write from the memory, 0 unchanged, 0 failed"),
        "{stdout}"
    );
    assert!(!root.join("docs/en/2024-01-06-weekly.md").exists());
    assert_eq!(server.requests().len(), before);
}

/// `--to` offers the languages an edition can be in: never the originals' own.
#[test]
fn to_names_only_languages_to_translate_into() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    for command in ["translate", "check", "review"] {
        let (code, _, stderr) = editions(root, &server, &[command, "2024-01-06", "--to", "fr"]);
        assert_eq!(code, Some(2), "{command}");
        assert_eq!(
            stderr,
            "error: `--to fr`: editions does not know this language\n  hint: use one of en, ja\n",
            "{command}"
        );
        let (code, _, stderr) = editions(root, &server, &[command, "2024-01-06", "--to", "zh"]);
        assert_eq!(code, Some(2), "{command}");
        assert_eq!(
            stderr,
            "error: `--to zh`: zh is the originals' language (`source` in editions.toml), not one to translate into\n  hint: use one of en, ja\n",
            "{command}"
        );
    }
}

/// The README says what its first command prints on a fresh clone: the committed sample
/// edition, unchanged, from the shipped memory.
#[test]
fn the_readme_says_what_its_first_command_prints() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    assert!(readme.starts_with(
        "# editions\n\n```sh\ncargo run --release -- translate 2024-01-06\ncargo test\n```\n"
    ));
    let dir = support::sample_root();
    let out = Command::cargo_bin("editions")
        .unwrap()
        .current_dir(dir.path())
        .args(["translate", "2024-01-06"])
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap();
    assert_eq!(first, "fixtures/docs/en/2024-01-06-weekly.md: unchanged");
    assert!(
        readme.contains(&format!("`{first}`")),
        "the README quotes it"
    );
    assert!(
        stdout.contains("  segments        77 (77 from memory)\n"),
        "{stdout}"
    );
    assert!(readme.contains("(77 segments, all from\nmemory, 0 requests)"));
}

/// A newsletter of one issue (`docs/2024-03-02-weekly.md`, `original`) with no setup but the
/// stand-in's model, translated into English: its root and the stand-in.
fn translated_issue(original: &str) -> (tempfile::TempDir, StandIn) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/2024-03-02-weekly.md"), original).unwrap();
    std::fs::write(
        root.join("editions.toml"),
        format!("[model]\nname = \"{MODEL}\"\n"),
    )
    .unwrap();
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(root, &server, &["translate", "2024-03-02"]);
    assert_eq!(code, Some(0), "{stderr}");
    (dir, server)
}

/// Text in HTML is text: an HTML block's text and its readable attributes are translated,
/// with its elements as tags the model may move but not change; comments, `<script>`,
/// `<pre>` and `<code>` are kept byte for byte. One rule for residue and translation: check
/// reports Chinese exactly where translate translates, so translate never refuses its own
/// output, and Chinese left in HTML text is reported at its line.
#[test]
fn text_in_html_is_translated_and_markup_is_kept() {
    let (dir, server) = translated_issue("# 标题\n\n<div align=\"center\">\n  <img src=\"banner.png\" alt=\"横幅\">\n</div>\n\n<p align=\"center\"> 表 <b>栈</b>的操作效率 </p>\n\n<div>\n\t<p>表 队列的操作效率</p>\n</div>\n\n<details>\n<summary>展开看看</summary>\n\n正文的一段话。\n\n</details>\n\n<!-- 多行\n注释 -->\n\n<div>\n<pre>保留 <b>原样</b></pre>\n<p>运行 <code>打印(\"中\")</code> 即可，<ScrimbaLink href=\"https://scrimba.com/x\">Scrimba 教程</ScrimbaLink>。</p>\n<script>const 名 = \"值\";</script>\n</div>\n");
    let root = dir.path();
    // What the model saw: the text, with the elements as numbered tags.
    let sent: String = server.requests().iter().map(|r| r.user.clone()).collect();
    for seen in [
        "横幅",
        "<span1>栈</span1>",
        "展开看看",
        "<span2>Scrimba 教程</span2>",
    ] {
        assert!(sent.contains(seen), "{seen} in {sent}");
    }
    for unseen in ["注释", "原样", "打印", "const"] {
        assert!(!sent.contains(unseen), "{unseen} in {sent}");
    }
    let edition = root.join("docs/en/2024-03-02-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    for kept in [
        "<div align=\"center\">\n  <img src=\"banner.png\" alt=\"",
        "<p align=\"center\"> ",
        "\t<p>",
        "<!-- 多行\n注释 -->",
        "<pre>保留 <b>原样</b></pre>",
        "<code>打印(\"中\")</code>",
        "<ScrimbaLink href=\"https://scrimba.com/x\">",
        "<script>const 名 = \"值\";</script>",
    ] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    for gone in ["横幅", "队列", "展开", "教程", "正文"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    let (code, stdout, stderr) = editions(root, &server, &["check", "2024-03-02", "--strict"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // HTML text put back in Chinese is residue, at its line; the comment and the code are not.
    let line = text.lines().position(|l| l.starts_with("\t<p>")).unwrap() + 1;
    let inner = text.lines().nth(line - 1).unwrap();
    let back = text.replace(inner, "\t<p>表 队列的操作效率</p>");
    std::fs::write(&edition, back).unwrap();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "docs/en/2024-03-02-weekly.md:{line}:5: error[residue/script]: untranslated text `表 队列的操作效率`"
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches("error[").count(), 1, "{stdout}");
}

/// Anchors: a fragment resolves against HTML `id` and `name` attributes as well as headings;
/// one already broken in the original is a warning that names the original's line, not an
/// error of the edition.
#[test]
fn fragments_resolve_against_html_ids_and_broken_ones_point_at_the_original() {
    let (dir, server) = translated_issue("<a id=\"head\"></a>\n\n# 标题\n\n第一段，<span id=\"debugger-event\">调试事件</span>。\n\n[回到顶部](#head)，[看事件](#debugger-event)，[旧的锚点](#gone)。\n\n<a name=\"old-style\"></a>\n\n[旧式锚点](#old-style)\n");
    let root = dir.path();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(0), "{stdout}");
    let findings: Vec<&str> = stdout.lines().filter(|l| l.contains("[anchors/")).collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(
        findings[0].starts_with("docs/en/2024-03-02-weekly.md:")
            && findings[0].ends_with(": warning[anchors/unresolved]: #gone names no anchor of the original either (line 7): it was broken there; mend the original, and its editions follow"),
        "{stdout}"
    );
}

/// Math is opaque: `$…$` travels as a tag and `$$…$$` stays a block of its own, byte for byte
/// (backslashes are TeX's, `<` in a cell is no HTML), never escaped; check reports math lost
/// or changed. A lone `$` in prose is text.
#[test]
fn math_is_kept_byte_for_byte() {
    let (dir, server) = translated_issue("# 集合\n\n交集 $\\{0, 1\\}\\cap\\{0,1,2\\}$ 的结果。\n\n| 值 | 说明 |\n| --- | --- |\n| $< -1$ | 小于负一 |\n\n$$\n\\sum_{i=1}^n i\n$$\n\n价格是 $20 和 $30。\n");
    let root = dir.path();
    // What the model saw: a tag for the inline math, nothing of the display math.
    let sent: String = server.requests().iter().map(|r| r.user.clone()).collect();
    assert!(sent.contains("<math1/>"), "{sent}");
    assert!(!sent.contains("cap") && !sent.contains("sum_"), "{sent}");
    let edition = root.join("docs/en/2024-03-02-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    for kept in [
        "$\\{0, 1\\}\\cap\\{0,1,2\\}$",
        "| $< -1$ |",
        "$$\n\\sum_{i=1}^n i\n$$",
    ] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02", "--strict"]);
    assert_eq!(code, Some(0), "{stdout}");
    // Math changed in the edition (a backslash lost) is told, once.
    std::fs::write(&edition, text.replace("\\cap", "cap")).unwrap();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("error[math/span]: math `$\\{0, 1\\}\\cap\\{0,1,2\\}$` is missing from docs/en/2024-03-02-weekly.md: math is kept byte for byte"),
        "{stdout}"
    );
}

/// GFM alerts: the `> [!NOTE]` marker is structure (never sent to the model, kept byte for
/// byte), the text is translated, and check reports an alert lost or of another kind.
#[test]
fn alerts_are_structure_and_their_text_is_translated() {
    let (dir, server) = translated_issue(
        "# 标题\n\n> [!NOTE]\n> 这是一条提示。\n\n> [!WARNING]\n> 这是警告。\n\n> 普通引用。\n",
    );
    let root = dir.path();
    let sent: String = server.requests().iter().map(|r| r.user.clone()).collect();
    assert!(!sent.contains("[!"), "{sent}");
    let edition = root.join("docs/en/2024-03-02-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    assert!(
        text.contains("> [!NOTE]\n> ") && text.contains("> [!WARNING]\n> "),
        "{text}"
    );
    assert!(!text.contains("提示"), "{text}");
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02", "--strict"]);
    assert_eq!(code, Some(0), "{stdout}");
    std::fs::write(&edition, text.replace("[!WARNING]", "[!TIP]")).unwrap();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("error[structure/containers]: this container is `[!TIP]` where the original's is `[!WARNING]`: keep the original's containers, of the same kind, in the same order"),
        "{stdout}"
    );
    std::fs::write(&edition, text.replace("> [!NOTE]\n", "")).unwrap();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("docs/2024-03-02-weekly.md:3:1: error[structure/containers]: the container `[!NOTE]` is missing from docs/en/2024-03-02-weekly.md: keep it, with its text translated"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("[structure/containers]").count(),
        1,
        "{stdout}"
    );
    // One added where the original has a plain quote.
    let quoted = text.rfind("\n> ").unwrap() + 1;
    std::fs::write(
        &edition,
        format!("{}> [!TIP]\n{}", &text[..quoted], &text[quoted..]),
    )
    .unwrap();
    let (code, stdout, _) = editions(root, &server, &["check", "2024-03-02"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("error[structure/containers]: the original has no container `[!TIP]` here: remove it, or add it to the original"),
        "{stdout}"
    );
}

/// Markdown beyond this newsletter: each folder of `fixtures/markdown` (HTML, math, alerts,
/// escaping, anchors, and a VitePress, an MkDocs and an mdBook site) translated by path, with
/// no setup but the stand-in's model. For each: the model saw the text and none of what is
/// kept (the words `保留` and `原样` stand there); the edition has no other Chinese left; it
/// renders, by pulldown-cmark alone, to the same markup as the original, text and the targets
/// of same-document links aside; its container marker lines are the original's; and
/// `check --strict` finds no error.
#[test]
fn every_construct_of_the_fixture_set_is_translated_and_kept() {
    let server = StandIn::start(vec![]);
    let mut seen = Vec::new();
    for (site, file) in [
        ("html", "doc.md"),
        ("math", "doc.md"),
        ("alerts", "doc.md"),
        ("escaping", "doc.md"),
        ("anchors", "doc.md"),
        ("vitepress", "docs/guide.md"),
        ("mkdocs", "docs/index.md"),
        ("mdbook", "src/chapter.md"),
    ] {
        let dir = fixture_site(site);
        let root = dir.path();
        let original = root.join(file);
        let edition = original.with_extension("en.md");
        let (o, e) = (original.to_str().unwrap(), edition.to_str().unwrap());
        let before = server.requests().len();
        let (code, _, stderr) = editions(root, &server, &["translate", o, "--to", "en", "-o", e]);
        assert_eq!(code, Some(0), "{site}: {stderr}");
        let sent: String = server.requests()[before..]
            .iter()
            .map(|r| r.user.clone())
            .collect();
        assert!(!sent.is_empty(), "{site}: nothing was sent");
        // What extract lists (by the same dialect, found from the file) is what was sent.
        let (code, listed, stderr) = editions(root, &server, &["extract", o]);
        assert_eq!(code, Some(0), "{site}: {stderr}");
        let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
        assert!(!listed.is_empty(), "{site}");
        for segment in &listed {
            let source = segment["source"].as_str().unwrap();
            assert!(
                !source.contains("保留") && !source.contains("原样"),
                "{site}: {source}"
            );
            if !source.contains(['"', '\\', '\n']) {
                assert!(sent.contains(source), "{site}: {source} not in {sent}");
            }
        }
        for kept in ["保留", "原样"] {
            assert!(!sent.contains(kept), "{site}: the model saw {kept}: {sent}");
        }
        let source = std::fs::read_to_string(&original).unwrap();
        let text = std::fs::read_to_string(&edition).unwrap();
        let left: String = text
            .replace("保留", "")
            .replace("原样", "")
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .collect();
        assert!(left.is_empty(), "{site}: {left} left in {text}");
        for kept in ["保留", "原样"] {
            assert_eq!(
                text.matches(kept).count(),
                source.matches(kept).count(),
                "{site}: {kept} in {text}"
            );
        }
        let shape = |t: &str| without_fragments(&support::shape::rendered_shape(t));
        assert_eq!(shape(&text), shape(&source), "{site}: {text}");
        let markers = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| {
                    let l = l.trim_start();
                    [":::", "!!!", "???", "==="]
                        .iter()
                        .any(|m| l.starts_with(m))
                })
                .map(|l| l.split(['"', ' ']).take(2).collect::<Vec<_>>().join(" "))
                .collect()
        };
        assert_eq!(markers(&text), markers(&source), "{site}: {text}");
        let (code, stdout, stderr) = editions(root, &server, &["check", o, e, "--strict"]);
        assert_eq!(code, Some(0), "{site}: {stdout}{stderr}");
        assert!(stdout.contains(": 0 errors"), "{site}: {stdout}");
        seen.push(site);
    }
    assert_eq!(seen.len(), 8);
}

/// A copy of the site `fixtures/markdown/{site}` whose `editions.toml` names only the
/// stand-in's model: the dialect is the one the site's files show.
fn fixture_site(site: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/markdown");
    support::copy_dir(&fixtures.join(site), dir.path());
    std::fs::write(
        dir.path().join("editions.toml"),
        format!("[model]\nname = \"{MODEL}\"\n"),
    )
    .unwrap();
    dir
}

/// A rendered shape with same-document link targets left out (`href=#…`): translate rewrites
/// them to follow translated headings, and check verifies them.
fn without_fragments(shape: &str) -> String {
    let mut out = String::new();
    let mut rest = shape;
    while let Some(at) = rest.find(" href=#") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        let end = rest.find([' ', '>']).unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The guide's `editions.toml` reference (docs/guide.md) is a file editions reads: every key
/// and table in it (`[markdown]` among them) is accepted as written.
#[test]
fn the_guides_configuration_reference_is_read_as_written() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide.md"))
            .unwrap();
    let section = &readme[readme.find("## Configuration: `editions.toml`").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let toml = &section[start..start + section[start..].find("```").unwrap()];
    assert!(toml.contains("[markdown]\ndialect = \"gfm\""), "{toml}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("editions.toml"), toml).unwrap();
    let server = StandIn::start(vec![]);
    let (code, _, stderr) = editions(dir.path(), &server, &["check"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: nothing to check: no original under `"),
        "{stderr}"
    );
}

/// A dialect's containers are structure check compares: a VitePress edition that lost a
/// closing `:::` (which would swallow the rest of the page) or changed a container's kind is
/// told once, at the line, verbatim; an MkDocs edition whose admonition lost its marker too.
#[test]
fn a_lost_or_changed_container_is_one_finding() {
    let server = StandIn::start(vec![]);
    for (site, file, from, to, finding) in [
        (
            "vitepress",
            "docs/guide.md",
            "\n::::\n",
            "\n",
            "docs/guide.md:19:1: error[structure/containers]: the container `:::: details … ::::` is missing from docs/guide.en.md: keep it, with its text translated",
        ),
        (
            "vitepress",
            "docs/guide.md",
            "::: warning",
            "::: danger",
            "docs/guide.en.md:9:1: error[structure/containers]: this container is `::: danger` where the original's is `::: warning`: keep the original's containers, of the same kind, in the same order",
        ),
        (
            "mkdocs",
            "docs/index.md",
            "??? tip\n",
            "",
            "docs/index.md:11:1: error[structure/containers]: the container `??? tip` is missing from docs/index.en.md: keep it, with its text translated",
        ),
    ] {
        let dir = fixture_site(site);
        let root = dir.path();
        let edition = file.replace(".md", ".en.md");
        let (code, _, stderr) =
            editions(root, &server, &["translate", file, "--to", "en", "-o", &edition]);
        assert_eq!(code, Some(0), "{stderr}");
        let text = std::fs::read_to_string(root.join(&edition)).unwrap();
        assert!(text.contains(from), "{site}: {from:?} in {text}");
        std::fs::write(root.join(&edition), text.replacen(from, to, 1)).unwrap();
        let (code, stdout, _) = editions(root, &server, &["check", file, &edition]);
        assert_eq!(code, Some(1), "{site}: {stdout}");
        let containers: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains("[structure/containers]"))
            .collect();
        assert_eq!(containers, [finding], "{site}: {stdout}");
    }
}

/// The layers `src/lib.rs` lists hold: no module of the library refers to one listed below it,
/// and every module is listed.
#[test]
fn no_module_refers_to_a_layer_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    let order: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! - [`"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, declared, "lib.rs lists every module once");
    fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
        if path.is_dir() {
            for e in std::fs::read_dir(path).unwrap() {
                sources(&e.unwrap().path(), out);
            }
        } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
    }
    let mut upward = Vec::new();
    for (k, module) in order.iter().enumerate() {
        let mut files = Vec::new();
        sources(&root.join(format!("{module}.rs")), &mut files);
        sources(&root.join(module), &mut files);
        assert!(!files.is_empty(), "{module} has no source");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text.lines() {
                let code = line.split("//").next().unwrap_or_default();
                for above in &order[k + 1..] {
                    if code.contains(&format!("crate::{above}::"))
                        || code.contains(&format!("crate::{above}}}"))
                        || code.contains(&format!("crate::{above};"))
                    {
                        upward.push(format!("{}: {module} -> {above}", file.display()));
                    }
                }
            }
        }
    }
    assert_eq!(upward, Vec::<String>::new());
}

/// `memory import` keeps every translation out when one does not validate or names no
/// segment, and says which and why, verbatim; the memory is left as it was.
#[test]
fn an_import_with_a_bad_translation_imports_nothing_and_says_why() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let original = root.join("docs/2024-01-06-weekly.md");
    let (code, stdout, stderr) = editions(root, &server, &["extract", original.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    // A heading without tags, translated well, and a paragraph with a link, its tag dropped.
    let plain = listed.iter().find(|s| s["kind"] == "h2").unwrap();
    let linked = listed
        .iter()
        .find(|s| s["source"].as_str().unwrap().contains("<a1>"))
        .unwrap();
    let id = |s: &serde_json::Value| s["id"].as_str().unwrap().to_string();
    let line = |s: &serde_json::Value| s["line"].as_u64().unwrap();
    let mut map = std::collections::BTreeMap::new();
    map.insert(id(plain), "A translation".to_string());
    map.insert(id(linked), "No link any more".to_string());
    map.insert("p-0000000000".to_string(), "Stray".to_string());
    let file = root.join("reviewed.json");
    std::fs::write(&file, serde_json::to_string(&map).unwrap()).unwrap();
    let memory = std::fs::read(root.join("memory.jsonl")).ok();
    let (code, stdout, stderr) = import_into_en(root, &server, &original, &file);
    assert_eq!((code, stdout.as_str()), (Some(1), ""), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: 2 translations of `{}` cannot be imported; nothing was imported:\n  - segment {} (line {}): tag <a1>…</a1> is missing; tag <a2>…</a2> is missing\n  - segment p-0000000000: no segment has this id\n",
            file.display(),
            id(linked),
            line(linked)
        )
    );
    assert_eq!(std::fs::read(root.join("memory.jsonl")).ok(), memory);
    assert!(!root.join("memory.jsonl.journal").exists());
}
