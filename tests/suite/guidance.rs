//! What a request carries besides its segments, as the stand-in receives it: the issue's
//! title, each segment's section, the locale's style guide, the glossary's notes on lines of
//! their own, and examples from the approved entries of the memory, the same on every run.

use crate::support;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{StandIn, KEY};

fn editions(root: &Path, server: &StandIn, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(args)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The keys of a request's user message, with their text.
fn batch(user: &str) -> Vec<(String, String)> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(user).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
        .collect()
}

/// `1-3 🦄文章&教程; 4 🐿️项目&资源` as (first, last, heading).
fn sections(system: &str) -> Vec<(usize, usize, String)> {
    let Some(line) = system.lines().find_map(|l| l.strip_prefix("Sections: ")) else {
        return Vec::new();
    };
    line.split("; ")
        .map(|run| {
            let (keys, heading) = run.split_once(' ').unwrap();
            let (first, last) = keys.split_once('-').unwrap_or((keys, keys));
            (
                first.parse().unwrap(),
                last.parse().unwrap(),
                heading.to_string(),
            )
        })
        .collect()
}

#[test]
fn each_request_carries_the_issue_its_sections_the_style_guide_and_note_lines() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    ok(&editions(root, &server, &["translate", "2024-01-06"]));
    let original = std::fs::read_to_string(root.join("docs/2024-01-06-weekly.md")).unwrap();
    let style = std::fs::read_to_string(root.join("locales/en/style.md")).unwrap();
    let requests = server.requests();
    assert!(requests.len() >= 2, "{}", requests.len());
    let mut placed = 0;
    for r in &requests {
        assert!(
            r.system
                .contains("\nIssue: Python 潮流周刊#34：给 asyncio 程序做一次体检\n"),
            "{}",
            r.system
        );
        assert!(
            r.system
                .contains(&format!("\nStyle guide:\n{}", style.trim())),
            "{}",
            r.system
        );
        // Each key under a section is a segment the original has under that heading.
        for (first, last, heading) in sections(&r.system) {
            let at = original
                .find(&format!("## {heading}"))
                .unwrap_or_else(|| panic!("no heading {heading}"));
            let next = original[at + 3..]
                .find("\n## ")
                .map_or(original.len(), |n| at + 3 + n);
            for (key, text) in batch(&r.user) {
                let k: usize = key.parse().unwrap();
                if (first..=last).contains(&k) {
                    // The segment's first words stand between its heading and the next.
                    let words: String = text
                        .chars()
                        .skip_while(|c| !editions::lang::is_han(*c))
                        .take_while(|c| editions::lang::is_han(*c))
                        .collect();
                    let found = original[at..next].contains(&words);
                    assert!(found, "{key} ({words}) is not under {heading}");
                    placed += 1;
                }
            }
        }
    }
    assert!(
        placed > 20,
        "{placed} segments checked against their sections"
    );
    // The title's request has the glossary note on a line of its own, marked as guidance,
    // and the note never reaches the edition.
    let title = requests
        .iter()
        .find(|r| r.user.contains("给 asyncio 程序做一次体检"))
        .unwrap();
    assert!(
        title.system.contains("\nPython 潮流周刊 → Python Trending Weekly\n  note (guidance, not text to write): the newsletter's name\n"),
        "{}",
        title.system
    );
    let edition = std::fs::read_to_string(root.join("docs/en/2024-01-06-weekly.md")).unwrap();
    assert!(!edition.contains("the newsletter's name"));
}

/// A newsletter root whose memory holds the approved entries of the sample issue, with room
/// for examples (`prompt_share = 3.0`).
fn with_approved_memory() -> tempfile::TempDir {
    let dir = support::newsletter_root();
    let root = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/translation-memory.jsonl"),
        root.join("memory.jsonl"),
    )
    .unwrap();
    let config = root.join("editions.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("[model]\n", "[model]\nprompt_share = 3.0\n", 1),
    )
    .unwrap();
    dir
}

/// The example lines of a system message: (source, translation).
fn examples(system: &str) -> Vec<(String, String)> {
    let Some(at) = system.find("\nApproved translations of similar text (source ⇒ translation):\n")
    else {
        return Vec::new();
    };
    system[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.contains(" ⇒ "))
        .map(|l| {
            let (s, t) = l.split_once(" ⇒ ").unwrap();
            (s.to_string(), t.to_string())
        })
        .collect()
}

#[test]
fn examples_are_approved_entries_like_the_batch_and_the_same_on_every_run() {
    let approved: Vec<(String, String)> = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/translation-memory.jsonl"),
    )
    .unwrap()
    .lines()
    .map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let one = |s: &str| s.replace('\n', " ");
        (
            one(v["source"].as_str().unwrap()),
            one(v["target"].as_str().unwrap()),
        )
    })
    .collect();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let dir = with_approved_memory();
        let server = StandIn::start(vec![]);
        ok(&editions(dir.path(), &server, &["translate", "2023-12-30"]));
        let mut requests: Vec<(String, String)> = server
            .requests()
            .into_iter()
            .map(|r| (r.system, r.user))
            .collect();
        requests.sort();
        runs.push(requests);
    }
    let mut sent = 0;
    for (system, user) in &runs[0] {
        for e in examples(system) {
            sent += 1;
            assert!(approved.contains(&e), "{e:?} is not an approved entry");
            // An example is like its batch: two characters of it in a row are in the batch.
            let chars: Vec<char> = e.0.chars().filter(|c| editions::lang::is_han(*c)).collect();
            assert!(
                chars
                    .windows(2)
                    .any(|w| user.contains(&w.iter().collect::<String>())),
                "{e:?} is unlike {user}"
            );
        }
    }
    assert!(sent >= 3, "{:#?}", runs[0]);
    assert_eq!(runs[0], runs[1], "the same requests on every run");
}

#[test]
fn check_reports_a_rendering_the_glossary_says_to_avoid() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    ok(&editions(root, &server, &["translate", "2024-01-06"]));
    let glossary = root.join("glossary/en.toml");
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        text.replacen(
            "target = \"Python Trending Weekly\"\n",
            "target = \"Python Trending Weekly\"\navoid = [\"Python Trend Weekly\"]\n",
            1,
        ),
    )
    .unwrap();
    let edition = root.join("docs/en/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(
        &edition,
        text.replacen("Python Trending Weekly", "Python Trend Weekly", 1),
    )
    .unwrap();
    let out = editions(root, &server, &["check", "2024-01-06"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(": error[glossary/avoid]: the original (line 2) has `Python 潮流周刊`, which this translation writes as `Python Trend Weekly`, a rendering the glossary says to avoid: write `Python Trending Weekly`\n"),
        "{stdout}"
    );
}

/// `--qa`: every new translation is rated; the one the stand-in rates low is asked again once
/// (with the rating's reason), and the ratings go to the memory and the review page.
#[test]
fn the_quality_pass_asks_a_low_rated_segment_again_once_and_keeps_the_ratings() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let low = "在异常处理上有何不同";
    server.rate_low(low);
    // A dry run prices the rating requests.
    let out = editions(
        root,
        &server,
        &["translate", "2024-01-06", "--qa", "--dry-run"],
    );
    ok(&out);
    let planned = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        planned.contains("\n  quality pass    ")
            && planned.contains(" rating requests (in the estimate below)\n"),
        "{planned}"
    );
    let out = editions(root, &server, &["translate", "2024-01-06", "--qa"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let requests = server.requests();
    let (ratings, translations): (Vec<_>, Vec<_>) = requests
        .iter()
        .partition(|r| r.system.starts_with("Rate each translation"));
    assert!(!ratings.is_empty());
    assert!(
        stdout.contains(&format!(
            "\n  quality pass    {} rating requests, 1 segment(s) rated low and asked again\n",
            ratings.len()
        )),
        "{stdout}"
    );
    // Asked twice: once, then again with the reviewer's reason; not a third time.
    let asked: Vec<_> = translations
        .iter()
        .filter(|r| r.user.contains(low))
        .collect();
    assert_eq!(asked.len(), 2, "{asked:#?}");
    assert!(asked[1]
        .system
        .contains("was rejected: a reviewer rated it 2/5: the second clause is mistranslated."));
    // Every rating request holds sources and translations; the schema asks for the marks.
    let format = ratings[0].response_format.as_ref().unwrap();
    assert_eq!(
        format["json_schema"]["schema"]["required"]
            .as_array()
            .unwrap()
            .len(),
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&ratings[0].user)
            .unwrap()
            .len()
    );
    // The memory keeps every rating: the low one, and 5 for the rest.
    let memory = std::fs::read_to_string(root.join("memory.jsonl")).unwrap();
    let entries: Vec<serde_json::Value> = memory
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rated_low: Vec<_> = entries
        .iter()
        .filter(|e| e["source"].as_str().unwrap().contains(low))
        .collect();
    assert_eq!(rated_low.len(), 1);
    assert_eq!(rated_low[0]["rating"]["accuracy"], 2, "{}", rated_low[0]);
    assert!(entries
        .iter()
        .filter(|e| !e["source"].as_str().unwrap().contains(low))
        .all(|e| e["rating"]["accuracy"] == 5));
    // The review page shows the ratings in their rows.
    let page = root.join("review.html");
    ok(&editions(
        root,
        &server,
        &["review", "2024-01-06", "--html", page.to_str().unwrap()],
    ));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<div class=\"rating low\">rated 2/5 (accuracy 2, omission 4, terminology 5, fluency 4): the second clause is mistranslated</div>"),
        "{html}"
    );
    assert!(html.contains("<div class=\"rating\">rated 5/5"));
}

/// `glossary suggest` on the sample's memory: real terms the approved translations render the
/// same way, as entries ready to paste, none of them in the glossary already.
#[test]
fn glossary_suggest_proposes_real_terms_the_glossary_lacks() {
    let dir = with_approved_memory();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    // The sample's memory is one issue's: no rendering in it is yet a convention across
    // issues.
    let out = editions(root, &server, &["glossary", "suggest"]);
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("# 0 suggested terms from 89 approved translations, not yet in {}: check each, then paste the ones you accept\n", root.join("glossary/en.toml").display())
    );
    // Taken as enough, the one issue's renderings are suggested.
    let out = editions(root, &server, &["glossary", "suggest", "--issues", "1"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.starts_with("# 13 suggested terms from 89 approved translations, not yet in "),
        "{stdout}"
    );
    #[derive(serde::Deserialize)]
    struct Terms {
        term: Vec<Term>,
    }
    #[derive(serde::Deserialize)]
    struct Term {
        source: String,
        target: String,
    }
    let suggested: Terms = toml::from_str(&stdout).expect("entries ready to paste");
    let pairs: Vec<(&str, &str)> = suggested
        .term
        .iter()
        .map(|t| (t.source.as_str(), t.target.as_str()))
        .collect();
    for real in [("内存", "memory"), ("终端", "terminal"), ("本地", "local")] {
        assert!(pairs.contains(&real), "{real:?} in {pairs:?}");
    }
    let glossary: Terms =
        toml::from_str(&std::fs::read_to_string(root.join("glossary/en.toml")).unwrap()).unwrap();
    for (source, target) in &pairs {
        for g in &glossary.term {
            assert!(
                !g.source.contains(source) && !source.contains(g.source.as_str()),
                "{source} is the glossary's {}",
                g.source
            );
            assert!(!g.target.eq_ignore_ascii_case(target), "{target}");
        }
    }
    // The count is what the memory says: 内存 is in 5 approved sources, each rendered `memory`.
    assert!(stdout.contains(
        "# rendered so in 5 of the 5 approved translations that have it, in one issue\n[[term]]\nsource = \"内存\"\ntarget = \"memory\"\n"
    ));
    // No function word, pronoun or generic verb is a term.
    for generic in ["这个", "我们", "可以", "使用", "文章", "作者"] {
        assert!(
            pairs.iter().all(|(s, _)| !s.contains(generic)),
            "{generic}: {pairs:?}"
        );
    }
}
