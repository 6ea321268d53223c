//! `editions translate` against a stand-in OpenAI-compatible server on 127.0.0.1, over real
//! HTTP: one test per fault, each ending in a correct edition or a clear error with the
//! previous edition untouched and the validated work kept in the memory.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use support::standin::{Fault, StandIn, KEY, MODEL};

/// A newsletter root in a temporary folder: the fixtures, the glossary, a config.
struct Root {
    dir: tempfile::TempDir,
}

impl Root {
    fn new(model: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
        for entry in std::fs::read_dir(&fixtures).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                std::fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
            }
        }
        let glossary = dir.path().join("glossary");
        std::fs::create_dir_all(&glossary).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("glossary/en.toml"),
            glossary.join("en.toml"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("editions.toml"),
            format!(
                "memory = \"memory.jsonl\"\n\n[model]\nname = \"{model}\"\nconcurrency = 1\ntimeout = 1.0\nmax_retries = 3\nbackoff = 0.01\nbatch_chars = 1500\n"
            ),
        )
        .unwrap();
        Root { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn edition(&self) -> PathBuf {
        self.path().join("docs/en/2024-01-06-weekly.md")
    }

    fn memory(&self) -> String {
        std::fs::read_to_string(self.path().join("memory.jsonl")).unwrap_or_default()
    }

    fn translate(&self, server: &StandIn, key: &str) -> std::process::Output {
        self.translate_with(server, key, &[])
    }

    fn translate_with(&self, server: &StandIn, key: &str, extra: &[&str]) -> std::process::Output {
        Command::cargo_bin("editions")
            .unwrap()
            .arg("--root")
            .arg(self.path())
            .args(["translate", "2024-01-06"])
            .args(extra)
            .env("OPENAI_API_KEY", key)
            .env("OPENAI_BASE_URL", server.base_url())
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Link and image destinations of a Markdown text, in order.
fn destinations(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new_ext(md, editions::markdown::segment::markdown_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

fn code_blocks(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for e in Parser::new_ext(md, editions::markdown::segment::markdown_options()) {
        match e {
            Event::Start(Tag::CodeBlock(_)) => current = Some(String::new()),
            Event::Text(t) if current.is_some() => current.as_mut().unwrap().push_str(&t),
            Event::End(TagEnd::CodeBlock) => blocks.push(current.take().unwrap()),
            Event::Code(c) => blocks.push(c.to_string()),
            _ => {}
        }
    }
    blocks
}

/// Text of the edition that still has Han characters: text and image descriptions outside
/// code, HTML blocks (which the engine does not translate) and front-matter fields other than
/// the title. Link titles are not text and are not checked.
fn untranslated(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut found = Vec::new();
    let mut in_code = false;
    for e in Parser::new_ext(md, editions::markdown::segment::markdown_options()) {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::MetadataBlock(_)) => in_code = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_code = false,
            Event::Text(t) if !in_code && t.chars().any(editions::lang::is_han) => {
                found.push(t.to_string())
            }
            _ => {}
        }
    }
    found.extend(
        md.lines()
            .filter(|l| l.starts_with("title:") && l.chars().any(editions::lang::is_han))
            .map(String::from),
    );
    found
}

/// The edition keeps every link, image and code block, and has no Chinese text left.
fn assert_complete(root: &Root) {
    let original = std::fs::read_to_string(root.path().join("docs/2024-01-06-weekly.md")).unwrap();
    let edition = std::fs::read_to_string(root.edition()).expect("the edition is written");
    assert_eq!(destinations(&edition), destinations(&original));
    assert_eq!(code_blocks(&edition), code_blocks(&original));
    let han = untranslated(&edition);
    assert!(han.is_empty(), "untranslated text: {han:#?}");
    assert!(!edition.contains(KEY) && !root.memory().contains(KEY));
}

fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains(KEY) && !text(&out.stderr).contains(KEY));
}

fn summary_line<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{stdout}"))
}

#[test]
fn translates_then_reruns_from_memory_alone() {
    let root = Root::new(MODEL);
    let server = StandIn::start(vec![]);
    let out = root.translate(&server, KEY);
    assert_success(&out);
    assert_complete(&root);
    let first = server.requests().len();
    assert!(first >= 2, "the issue is sent in batches: {first}");
    let stdout = text(&out.stdout);
    assert!(
        summary_line(&stdout, "requests").contains(&format!("{first} (0 retries, 0 repairs)")),
        "{stdout}"
    );
    // Every request: one system message with the glossary of its batch, one JSON object.
    for r in server.requests() {
        let batch: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&r.user).unwrap();
        assert!(!batch.is_empty());
        assert!(r
            .system
            .starts_with("Translate a Markdown newsletter about Python"));
        let format = r.response_format.as_ref().expect("a response format");
        // A JSON schema whose required properties are exactly the batch's keys.
        assert_eq!(format["type"], "json_schema", "{format}");
        let schema = &format["json_schema"]["schema"];
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        required.sort();
        let mut keys: Vec<&str> = batch.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(required, keys);
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(format["json_schema"]["strict"], true);
    }
    assert!(server
        .requests()
        .iter()
        .any(|r| r.system.contains("\n周刊 → Weekly")));

    let before = std::fs::read(root.edition()).unwrap();
    let again = root.translate(&server, KEY);
    assert_success(&again);
    assert_eq!(server.requests().len(), first, "a rerun sends nothing");
    assert_eq!(
        std::fs::read(root.edition()).unwrap(),
        before,
        "a rerun changes nothing"
    );
    assert!(summary_line(&text(&again.stdout), "requests").starts_with("requests        0"));
}

#[test]
fn editing_one_paragraph_sends_only_that_paragraph() {
    let root = Root::new(MODEL);
    let server = StandIn::start(vec![]);
    assert_success(&root.translate(&server, KEY));
    let n = server.requests().len();
    let path = root.path().join("docs/2024-01-06-weekly.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let edited = original.replacen("峰值内存下降了约 80%", "峰值内存下降了约 85%", 1);
    assert_ne!(edited, original);
    std::fs::write(&path, edited).unwrap();
    assert_success(&root.translate(&server, KEY));
    let requests = server.requests();
    assert_eq!(requests.len(), n + 1);
    let batch: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&requests[n].user).unwrap();
    assert_eq!(batch.len(), 1);
    assert!(batch
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .contains("85%"));
}

/// Runs with `faults` scripted and expects a complete edition anyway.
fn recovers_from(faults: Vec<Fault>) -> (Root, StandIn, String) {
    let root = Root::new(MODEL);
    let server = StandIn::start(faults);
    let out = root.translate(&server, KEY);
    assert_success(&out);
    assert_complete(&root);
    (root, server, text(&out.stdout))
}

#[test]
fn a_decoy_object_before_the_answer_loses_nothing() {
    let (_root, _server, stdout) = recovers_from(vec![Fault::Decoy]);
    assert!(
        summary_line(&stdout, "requests").contains("(0 retries, 0 repairs)"),
        "{stdout}"
    );
}

#[test]
fn a_nested_value_fails_only_its_own_segment() {
    let (_root, server, stdout) = recovers_from(vec![Fault::Nested]);
    assert!(
        summary_line(&stdout, "requests").contains("(0 retries, 1 repairs)"),
        "{stdout}"
    );
    let requests = server.requests();
    let repairs: Vec<_> = requests
        .iter()
        .filter(|r| r.system.contains("was rejected"))
        .collect();
    assert_eq!(repairs.len(), 1);
    assert!(
        repairs[0]
            .system
            .ends_with("was rejected: its value in the answer is an object, not a string. Translate it again and fix this."),
        "{}",
        repairs[0].system
    );
}

#[test]
fn too_many_requests_waits_for_retry_after() {
    let started = std::time::Instant::now();
    let (_root, _server, stdout) = recovers_from(vec![Fault::TooMany { retry_after: 1 }]);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert!(
        summary_line(&stdout, "requests").contains("(1 retries"),
        "{stdout}"
    );
}

#[test]
fn server_errors_back_off_and_retry() {
    let (_root, _server, stdout) = recovers_from(vec![Fault::ServerError, Fault::ServerError]);
    assert!(
        summary_line(&stdout, "requests").contains("(2 retries"),
        "{stdout}"
    );
}

#[test]
fn a_connection_reset_is_retried() {
    let (_root, _server, stdout) = recovers_from(vec![Fault::Reset]);
    assert!(
        summary_line(&stdout, "requests").contains("(1 retries"),
        "{stdout}"
    );
}

#[test]
fn a_request_that_hangs_past_the_timeout_is_retried() {
    let (_root, _server, stdout) = recovers_from(vec![Fault::Hang(Duration::from_secs(3))]);
    assert!(
        summary_line(&stdout, "requests").contains("(1 retries"),
        "{stdout}"
    );
}

#[test]
fn a_body_that_is_not_json_is_retried() {
    let (_root, _server, stdout) = recovers_from(vec![Fault::NotJson]);
    assert!(
        summary_line(&stdout, "requests").contains("(1 retries"),
        "{stdout}"
    );
}

#[test]
fn json_in_code_fences_is_read() {
    recovers_from(vec![Fault::Fenced]);
}

#[test]
fn chatter_before_the_json_is_skipped() {
    recovers_from(vec![Fault::Chatter]);
}

#[test]
fn a_missing_id_is_asked_again_alone() {
    let (_root, server, stdout) = recovers_from(vec![Fault::MissingId]);
    assert!(
        summary_line(&stdout, "requests").contains("1 repairs"),
        "{stdout}"
    );
    let repair = &server.requests()[1];
    assert!(
        repair.system.contains("is missing from the answer"),
        "{}",
        repair.system
    );
}

#[test]
fn a_dropped_tag_is_repaired_with_the_reason_in_the_request() {
    let (_root, server, stdout) = recovers_from(vec![Fault::DropTag]);
    assert!(
        summary_line(&stdout, "requests").contains("1 repairs"),
        "{stdout}"
    );
    let repair = &server.requests()[1];
    let batch: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&repair.user).unwrap();
    assert_eq!(batch.len(), 1, "the rejected segment is asked again alone");
    assert!(
        repair
            .system
            .contains("> closes a tag that is not open. Translate it again"),
        "{}",
        repair.system
    );
}

#[test]
fn an_invented_link_is_repaired() {
    let (_root, server, _) = recovers_from(vec![Fault::InventLink]);
    assert!(server.requests()[1]
        .system
        .contains("it adds the URL https://invented.example/more, which the source does not have"));
}

#[test]
fn untranslated_chinese_is_repaired() {
    let (_root, server, _) = recovers_from(vec![Fault::LeaveChinese]);
    assert!(server.requests()[1]
        .system
        .contains("it leaves untranslated text: 未翻译"));
}

#[test]
fn an_answer_cut_at_the_length_limit_splits_the_batch() {
    let (_root, server, _) = recovers_from(vec![Fault::Length]);
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .take(3)
        .map(|r| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&r.user)
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(
        sizes[1] + sizes[2],
        sizes[0],
        "the cut batch is sent again in two halves: {sizes:?}"
    );
}

#[test]
fn a_server_without_json_mode_is_asked_again_without_it() {
    // The schema is refused, then JSON mode: the run goes on in plain text, and says so.
    let (_root, server, stdout) =
        recovers_from(vec![Fault::RejectJsonSchema, Fault::RejectResponseFormat]);
    let requests = server.requests();
    let kind = |r: &support::standin::Recorded| {
        r.response_format
            .as_ref()
            .map(|f| f["type"].as_str().unwrap().to_string())
    };
    assert_eq!(kind(&requests[0]).as_deref(), Some("json_schema"));
    assert_eq!(kind(&requests[1]).as_deref(), Some("json_object"));
    assert!(requests[2..].iter().all(|r| r.response_format.is_none()));
    assert!(
        stdout.contains("\n  answers         plain text (the server refused JSON mode)\n"),
        "{stdout}"
    );
}

#[test]
fn a_server_without_schemas_is_asked_in_json_mode() {
    let (_root, server, stdout) = recovers_from(vec![Fault::RejectJsonSchema]);
    let requests = server.requests();
    assert!(requests[1..]
        .iter()
        .all(|r| r.response_format.as_ref().unwrap()["type"] == "json_object"));
    assert!(
        stdout.contains("\n  answers         JSON mode (the server refused a schema)\n"),
        "{stdout}"
    );
}

#[test]
fn a_segment_that_keeps_failing_fails_the_run_and_keeps_the_rest() {
    let root = Root::new(MODEL);
    std::fs::create_dir_all(root.edition().parent().unwrap()).unwrap();
    std::fs::write(root.edition(), "previous edition\n").unwrap();
    let server = StandIn::start(vec![
        Fault::LeaveChinese,
        Fault::LeaveChinese,
        Fault::LeaveChinese,
    ]);
    // The placeholder was not written by editions: --retranslate replaces it, but only with a
    // complete edition.
    let out = root.translate_with(&server, KEY, &["--retranslate"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("1 segment of `")
            && stderr.contains("could not be translated:\n  - segment "),
        "{stderr}"
    );
    assert!(
        stderr.contains("it leaves untranslated text: 未翻译"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(root.edition()).unwrap(),
        "previous edition\n"
    );
    let kept = root.memory().lines().count();
    assert!(
        kept > 50,
        "validated work is kept in the memory: {kept} entries"
    );
    // The next run asks only for the segment that failed (and replaces the placeholder
    // edition, whose structure is not the original's).
    let n = server.requests().len();
    assert_success(&root.translate_with(&server, KEY, &["--retranslate"]));
    assert_eq!(server.requests().len(), n + 1);
    assert_complete(&root);
}

#[test]
fn a_wrong_key_is_one_clear_sentence_and_never_printed() {
    let root = Root::new(MODEL);
    std::fs::create_dir_all(root.edition().parent().unwrap()).unwrap();
    std::fs::write(root.edition(), "previous edition\n").unwrap();
    let server = StandIn::start(vec![]);
    let wrong = "sk-wrong-key-that-must-not-leak";
    let out = root.translate_with(&server, wrong, &["--retranslate"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {} refused the API key (HTTP 401): set OPENAI_API_KEY to a valid key for this server\n",
            server.base_url()
        )
    );
    assert!(!text(&out.stdout).contains(wrong));
    assert_eq!(
        std::fs::read_to_string(root.edition()).unwrap(),
        "previous edition\n"
    );
    assert_eq!(server.requests().len(), 1, "a refused key is not retried");
}

#[test]
fn an_unknown_model_says_what_to_set() {
    let root = Root::new("no-such-model");
    let server = StandIn::start(vec![]);
    let out = root.translate(&server, KEY);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {} does not serve the model `no-such-model`: set `model` in editions.toml or pass --model with a model this server lists\n",
            server.base_url()
        )
    );
}

#[test]
fn an_unreachable_server_says_what_to_check() {
    let root = Root::new(MODEL);
    // A port that nothing listens on: bind, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", "2024-01-06"])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", format!("http://127.0.0.1:{port}/v1"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("error: cannot reach http://127.0.0.1:{port}/v1: connection refused or no route; check OPENAI_BASE_URL and that the server is running\n")
    );
}

#[test]
fn without_a_key_the_error_counts_what_needs_a_model() {
    let root = Root::new(MODEL);
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", "2024-01-06"])
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: 89 segments of `") && stderr.contains("are not in the translation memory and no model is configured\n  hint: set OPENAI_API_KEY"),
        "{stderr}"
    );
}

#[test]
fn dry_run_sends_nothing_and_estimates() {
    let root = Root::new(MODEL);
    let server = StandIn::start(vec![]);
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", "2024-01-06", "--dry-run"])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_success(&out);
    assert!(server.requests().is_empty());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("dry run, nothing sent"), "{stdout}");
    assert!(
        summary_line(&stdout, "segments").contains("(0 from memory, 89 to translate)"),
        "{stdout}"
    );
    assert!(
        summary_line(&stdout, "cost (est.)").contains(MODEL),
        "{stdout}"
    );
    assert!(!root.edition().exists());
}

#[test]
fn any_markdown_file_can_be_translated_to_a_named_output() {
    let root = Root::new(MODEL);
    let server = StandIn::start(vec![]);
    let file = root.path().join("notes.md");
    std::fs::write(
        &file,
        "# 笔记\n\n这是一段 **重要** 的说明，见 [文档](https://docs.example.com)。\n",
    )
    .unwrap();
    let out_file = root.path().join("out/notes.en.md");
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .arg("translate")
        .arg(&file)
        .args(["--to", "en", "-o"])
        .arg(&out_file)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_success(&out);
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        written.starts_with("# ")
            && written.contains("**")
            && written.contains("](https://docs.example.com)"),
        "{written}"
    );
    assert!(untranslated(&written).is_empty(), "{written}");
}

#[test]
fn the_memory_exports_as_tmx() {
    let root = Root::new(MODEL);
    let server = StandIn::start(vec![]);
    assert_success(&root.translate(&server, KEY));
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["memory", "export", "--format", "tmx"])
        .output()
        .unwrap();
    assert_success(&out);
    let tmx = text(&out.stdout);
    assert!(tmx.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n  <header creationtool=\"editions\""), "{tmx}");
    assert!(tmx.trim_end().ends_with("</body>\n</tmx>"));
    assert_eq!(tmx.matches("<tu ").count(), root.memory().lines().count());
    assert_eq!(tmx.matches("<tu ").count(), tmx.matches("</tu>").count());
    assert!(tmx.contains("<tuv xml:lang=\"zh-CN\"><seg>"));
    assert!(
        tmx.contains("<bpt i=\"1\" type=\"a\">&lt;a1&gt;</bpt>"),
        "paired tags become bpt/ept"
    );
    assert!(
        tmx.contains("<ph x=\"") && tmx.contains("type=\"code\">&lt;code"),
        "placeholders become ph"
    );
    // Every opening element has its closing one, and no raw tag of ours leaks as markup.
    assert_eq!(tmx.matches("<bpt ").count(), tmx.matches("</bpt>").count());
    assert!(!tmx.contains("<a1>") && !tmx.contains("<b1>"));
}

/// A small issue of one paragraph, for faults that must hit its only segment.
fn one_paragraph(root: &Root) -> PathBuf {
    let path = root.path().join("docs/2024-02-03-weekly.md");
    std::fs::write(
        &path,
        "本周推荐 [一篇文章](https://example.com/article)，讲解了测试的写法。\n",
    )
    .unwrap();
    path
}

fn translate_date(root: &Root, server: &StandIn, date: &str) -> std::process::Output {
    Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["translate", date])
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

#[test]
fn an_edition_that_check_would_fail_is_asked_again_with_the_finding() {
    let root = Root::new(MODEL);
    one_paragraph(&root);
    let server = StandIn::start(vec![Fault::Mojibake]);
    let out = translate_date(&root, &server, "2024-02-03");
    assert_success(&out);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the segment is asked again once");
    assert!(
        requests[1].system.contains("mojibake"),
        "the finding is the reason: {}",
        requests[1].system
    );
    let edition =
        std::fs::read_to_string(root.path().join("docs/en/2024-02-03-weekly.md")).unwrap();
    assert!(!edition.contains("ü¶Ñ"), "{edition}");
}

#[test]
fn an_edition_that_check_fails_twice_is_not_written_and_the_findings_are_printed_as_check_prints_them(
) {
    let root = Root::new(MODEL);
    one_paragraph(&root);
    let server = StandIn::start(vec![Fault::Mojibake, Fault::Mojibake]);
    let out = translate_date(&root, &server, "2024-02-03");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let edition = root.path().join("docs/en/2024-02-03-weekly.md");
    assert!(!edition.exists(), "no edition is written");
    assert_eq!(server.requests().len(), 2);
    // The same finding, as `check` prints it.
    std::fs::create_dir_all(edition.parent().unwrap()).unwrap();
    let stderr = text(&out.stderr);
    let finding = stderr
        .lines()
        .find(|l| l.contains("error[residue/mojibake]"))
        .unwrap_or_else(|| panic!("{stderr}"))
        .trim()
        .to_string();
    assert!(
        stderr.starts_with(&format!(
            "error: the edition of `{}` would not pass `editions check`, so it was not written:\n  {finding}\n",
            edition.display()
        )),
        "{stderr}"
    );
    assert!(
        finding.starts_with(&format!("{}:1:", edition.display())),
        "{finding}"
    );
}

/// Whatever number a model puts before an item's title, the edition has the locale's.
#[test]
fn a_number_the_model_adds_to_an_item_is_dropped_and_the_locale_numbers_it() {
    for (k, prefix) in ["1, ", "1) ", "1. ", "No. 1 ", "1、", "①"]
        .iter()
        .enumerate()
    {
        let root = Root::new(MODEL);
        for (date, original) in [
            (
                "2024-02-03",
                "1、[一篇关于测试的文章](https://example.com/article)\n",
            ),
            ("2024-02-10", "① 一篇关于测试的文章\n"),
        ] {
            std::fs::write(root.path().join(format!("docs/{date}-weekly.md")), original).unwrap();
            let server = StandIn::start(vec![Fault::Prefix(prefix.to_string())]);
            assert_success(&translate_date(&root, &server, date));
            let sent = &server.requests()[0].user;
            assert_eq!(
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(sent)
                    .unwrap()
                    .len(),
                1,
                "the item is the only segment, so the fault hits it"
            );
            assert!(
                !sent.contains("1、") && !sent.contains('①'),
                "the number never reaches the model: {sent}"
            );
            let edition =
                std::fs::read_to_string(root.path().join(format!("docs/en/{date}-weekly.md")))
                    .unwrap();
            let first = edition.lines().next().unwrap();
            let expected = if date == "2024-02-03" {
                "1\\. ["
            } else {
                "① "
            };
            assert!(
                first.starts_with(expected) && !first[expected.len()..].contains(prefix.trim()),
                "case {k} ({prefix:?}): {first}"
            );
            let out = Command::cargo_bin("editions")
                .unwrap()
                .arg("--root")
                .arg(root.path())
                .args(["check", "--strict", date])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        }
    }
}

/// A number the model's translation lost is asked for again once, with `check`'s finding as
/// the reason, and the edition is written with it.
#[test]
fn a_number_the_model_lost_is_asked_for_again() {
    let root = Root::new(MODEL);
    std::fs::write(
        root.path().join("docs/2024-02-03-weekly.md"),
        "本周推荐：Python 3.13 发布了，已有 1.2 万人试用。\n",
    )
    .unwrap();
    let server = StandIn::start(vec![Fault::ChangeNumber]);
    let out = translate_date(&root, &server, "2024-02-03");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "asked again once");
    assert!(
        requests[1].user.contains("3.13")
            && requests[1]
                .system
                .contains("Your previous translation of 1 was rejected: it lost `3.13`. Translate it again and fix this."),
        "the reason goes with the second request: {:?}",
        requests[1]
    );
    let edition =
        std::fs::read_to_string(root.path().join("docs/en/2024-02-03-weekly.md")).unwrap();
    assert!(
        edition.contains("Python 3.13") && edition.contains("12,000"),
        "{edition}"
    );
}

/// A model that loses a link again when asked again: no edition, and the lost link reported
/// as `check` reports it.
#[test]
fn a_link_the_model_keeps_dropping_is_reported_as_check_reports_it() {
    let root = Root::new(MODEL);
    let original = one_paragraph(&root);
    let config = root.path().join("editions.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("[model]\n", "[model]\nmax_repairs = 1\n"),
    )
    .unwrap();
    let server = StandIn::start(vec![Fault::DropLink, Fault::DropLink]);
    let out = translate_date(&root, &server, "2024-02-03");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(server.requests().len(), 2, "asked again once");
    let edition = root.path().join("docs/en/2024-02-03-weekly.md");
    assert!(!edition.exists(), "no edition is written");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("note: segment p-")
            && stderr.contains("rejected: tag <a1>…</a1> is missing; asking again\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!(
            "error: the edition of `{}` would not pass `editions check`, so it was not written:\n  {}:1:6: error[links/missing]: link https://example.com/article is missing from {}: put it back around the translated text it belongs to\n  hint: the validated translations are kept in the memory; fix the original or the translation the finding names, then rerun\n",
            edition.display(),
            original.display(),
            edition.display()
        )),
        "{stderr}"
    );
    // `check` on an edition that lost the same link says the same.
    std::fs::create_dir_all(edition.parent().unwrap()).unwrap();
    std::fs::write(
        &edition,
        "Recommended this week: an article, on how to write tests.\n",
    )
    .unwrap();
    let out = Command::cargo_bin("editions")
        .unwrap()
        .arg("--root")
        .arg(root.path())
        .args(["check", "2024-02-03"])
        .output()
        .unwrap();
    let checked = text(&out.stdout);
    let line = checked
        .lines()
        .find(|l| l.contains("links/missing"))
        .unwrap_or_else(|| panic!("{checked}"));
    assert!(
        stderr.contains(&format!("\n  {line}\n")),
        "{line}\n{stderr}"
    );
}
