//! What editions leaves on disk: modes kept, read-only files refused before anything is paid
//! for, a memory entry that no longer fits asked again, and kills at any moment leaving a valid
//! memory and no stray files.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use editions::memory::{Entry, Memory, Origin};
use editions::{Document, SegmentOptions};
use support::standin::{StandIn, KEY};

fn editions(root: &Path, server: &StandIn) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_editions"));
    c.arg("--root")
        .arg(root)
        .env("OPENAI_API_KEY", KEY)
        .env("OPENAI_BASE_URL", server.base_url())
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

fn ok(root: &Path, server: &StandIn, args: &[&str]) -> String {
    let out = editions(root, server).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

/// Files under `dir` (recursively) that are editions' temporary files.
fn strays(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(strays(&p));
        } else if e.file_name().to_string_lossy().ends_with(".editions-tmp") {
            out.push(p);
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn modes_are_kept_and_read_only_files_are_refused_before_anything_is_sent() {
    let root = support::newsletter_root();
    let server = StandIn::start(vec![]);
    ok(root.path(), &server, &["translate", "2024-01-06"]);
    let edition = root.path().join("docs/en/2024-01-06-weekly.md");
    let memory = root.path().join("memory.jsonl");
    let record = root.path().join("provenance/en/2024-01-06-weekly.jsonl");
    set_mode(&edition, 0o644);
    set_mode(&memory, 0o640);
    set_mode(&record, 0o604);
    // A changed paragraph: the edition, its record and the memory are all rewritten.
    let original = root.path().join("docs/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(
        &original,
        text.replacen("Django 近几个版本", "Django 5.0 之后", 1),
    )
    .unwrap();
    ok(root.path(), &server, &["translate", "2024-01-06"]);
    assert!(std::fs::read_to_string(&edition)
        .unwrap()
        .contains("Django 5.0"));
    assert_eq!(mode(&edition), 0o644);
    assert_eq!(mode(&memory), 0o640);
    assert_eq!(mode(&record), 0o604);

    // A read-only edition is refused, and nothing is sent.
    std::fs::write(
        &original,
        text.replacen("Django 近几个版本", "Django 6.0 之后", 1),
    )
    .unwrap();
    set_mode(&edition, 0o444);
    let before = server.requests().len();
    let out = editions(root.path(), &server)
        .args(["translate", "2024-01-06"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: `{}` is read-only, so editions will not replace it\n  hint: make it writable (chmod u+w) if it should be updated\n",
            edition.display()
        )
    );
    assert_eq!(server.requests().len(), before);
    // So is a read-only memory.
    set_mode(&edition, 0o644);
    set_mode(&memory, 0o444);
    let out = editions(root.path(), &server)
        .args(["translate", "2024-01-06"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with(&format!("error: `{}` is read-only", memory.display())));
    assert_eq!(server.requests().len(), before);
    set_mode(&memory, 0o640);
    // A dry run refuses what the real run would, with the same words, for each of the three.
    for file in [&edition, &record, &memory] {
        let was = mode(file);
        set_mode(file, 0o444);
        let mut said = Vec::new();
        for dry in [true, false] {
            let out = editions(root.path(), &server)
                .args(["translate", "2024-01-06"])
                .args(dry.then_some("--dry-run"))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "dry run: {dry}");
            said.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        assert_eq!(
            said[0],
            format!(
                "error: `{}` is read-only, so editions will not replace it\n  hint: make it writable (chmod u+w) if it should be updated\n",
                file.display()
            )
        );
        assert_eq!(said[0], said[1]);
        set_mode(file, was);
    }
    assert_eq!(server.requests().len(), before);
    // A read-only original is only read: both runs go on.
    set_mode(&original, 0o444);
    ok(
        root.path(),
        &server,
        &["translate", "2024-01-06", "--dry-run"],
    );
    ok(root.path(), &server, &["translate", "2024-01-06"]);
    assert!(std::fs::read_to_string(&edition)
        .unwrap()
        .contains("Django 6.0"));
}

#[cfg(unix)]
#[test]
fn an_edition_that_is_a_link_is_written_through() {
    let root = support::newsletter_root();
    let server = StandIn::start(vec![]);
    let real = root.path().join("site/2024-01-06.md");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "").unwrap();
    std::fs::remove_file(&real).unwrap();
    std::fs::create_dir_all(root.path().join("docs/en")).unwrap();
    let link = root.path().join("docs/en/2024-01-06-weekly.md");
    std::os::unix::fs::symlink("../../site/2024-01-06.md", &link).unwrap();
    ok(root.path(), &server, &["translate", "2024-01-06"]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("Python Trending Weekly"));
}

#[test]
fn a_memory_entry_that_cannot_be_placed_is_asked_again_once() {
    let root = support::newsletter_root();
    let server = StandIn::start(vec![]);
    ok(root.path(), &server, &["translate", "2024-01-06"]);
    // A new paragraph whose translation in the memory validates (same tags) but cannot be
    // written back: a heading's text ending in what reads as a heading attribute.
    let original = root.path().join("docs/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&original).unwrap();
    let added = "## 补充说明\n\n## 🐿️项目&资源";
    std::fs::write(&original, text.replacen("## 🐿️项目&资源", added, 1)).unwrap();
    let doc_text = std::fs::read_to_string(&original).unwrap();
    let doc = Document::parse(&doc_text, &SegmentOptions::default());
    let seg = doc.segments().find(|s| s.tagged == "补充说明").unwrap();
    assert_eq!(seg.kind.short(), "h2");
    let memory = root.path().join("memory.jsonl");
    let bad = Entry {
        locale: "en".into(),
        source: seg.tagged.clone(),
        target: "Notes {#notes}".into(),
        glossary: String::new(),
        prompt: editions::model::prompt::PROMPT_VERSION,
        model: "older-model".into(),
        date: "2025-01-01".into(),
        origin: Origin::Model,
        rating: None,
        note: None,
        asked: Vec::new(),
    };
    // In its place in the sorted file.
    let mut lines: Vec<String> = std::fs::read_to_string(&memory)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.push(serde_json::to_string(&bad).unwrap());
    lines.sort_by_key(|l| serde_json::from_str::<Entry>(l).unwrap().key());
    let bad_line = lines
        .iter()
        .position(|l| l.contains("older-model"))
        .unwrap()
        + 1;
    std::fs::write(&memory, lines.join("\n") + "\n").unwrap();

    let before = server.requests().len();
    let stdout = ok(root.path(), &server, &["translate", "2024-01-06"]);
    assert_eq!(server.requests().len() - before, 1, "one new request");
    assert!(server.requests()[before].user.contains("补充说明"));
    let line = doc_text.lines().position(|l| l == "## 补充说明").unwrap() + 1;
    assert!(
        stdout.starts_with(&format!(
            "`{}`: not used: the memory entry at memory.jsonl:{bad_line} for segment {} (line {line}): it cannot be placed in the edition: the translated text would not keep its markup: written as \"Notes\", it reads back with different text, tags or line breaks; asked again\n",
            root.path().join("docs/en/2024-01-06-weekly.md").display(),
            seg.id
        )),
        "{stdout}"
    );
    let en = std::fs::read_to_string(root.path().join("docs/en/2024-01-06-weekly.md")).unwrap();
    assert!(
        !en.contains("Notes") && !en.contains("{#notes}"),
        "the edition has the new translation:\n{en}"
    );
    // The new translation replaced the bad entry: the next run sends nothing.
    let before = server.requests().len();
    let stdout = ok(root.path(), &server, &["translate", "2024-01-06"]);
    assert!(!stdout.contains("not used"), "{stdout}");
    assert_eq!(server.requests().len(), before);
}

/// A memory of `n` entries of other issues, sorted, so that saving it takes a while.
fn big_memory(path: &Path, n: usize) {
    let mut m = Memory::empty(path);
    for i in 0..n {
        m.insert(Entry {
            locale: "en".into(),
            source: format!(
                "第 {i} 条：这是一段用来占位的中文描述，介绍了某个 Python 项目的用法与设计。"
            ),
            target: format!(
                "Entry {i}: a placeholder description of some Python project, its use and design."
            ),
            glossary: String::new(),
            prompt: 1,
            model: "filler".into(),
            date: "2025-01-01".into(),
            origin: Origin::Model,
            rating: None,
            note: None,
            asked: Vec::new(),
        });
    }
    m.compact().unwrap();
}

/// Kills `translate` during its final save (the sorted rewrite of a large memory, which starts
/// once the edition is written), at moments spread over it, then checks the memory and the
/// folder.
fn kill_during_saves(signal: &str) {
    let template = support::newsletter_root();
    let memory = template.path().join("memory.jsonl");
    big_memory(&memory, 40_000);
    let initial = Memory::load(&memory).unwrap().count().unwrap();
    let server = StandIn::start_with_latency(vec![], Duration::from_millis(5), Duration::ZERO);
    // How long a whole run takes here.
    let probe = tempfile::tempdir().unwrap();
    support::copy_dir(template.path(), probe.path());
    let started = Instant::now();
    ok(probe.path(), &server, &["translate", "2024-01-06"]);
    let whole = started.elapsed();
    // How long the final save takes: a compaction of the same memory.
    let mut m = Memory::load(&memory).unwrap();
    m.insert(Entry {
        locale: "en".into(),
        source: "新".into(),
        target: "new".into(),
        glossary: String::new(),
        prompt: 1,
        model: "m".into(),
        date: "2025-01-01".into(),
        origin: Origin::Model,
        rating: None,
        note: None,
        asked: Vec::new(),
    });
    let copy = tempfile::tempdir().unwrap();
    m.path = copy.path().join("memory.jsonl");
    std::fs::copy(&memory, &m.path).unwrap();
    let timing = Instant::now();
    m.compact().unwrap();
    let save = timing.elapsed();
    // Of the trials: killed before the final save wrote anything (a journal left), while it
    // wrote the sorted memory (a temporary file left).
    let (mut unsorted, mut mid_save) = (0, 0);
    for k in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        support::copy_dir(template.path(), dir.path());
        let started = Instant::now();
        let mut child = editions(dir.path(), &server)
            .args(["translate", "2024-01-06"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let edition = dir.path().join("docs/en/2024-01-06-weekly.md");
        while !edition.exists() && started.elapsed() < whole * 20 {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(save.mul_f64(k as f64 / 10.0));
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        child.wait().unwrap();
        let path = dir.path().join("memory.jsonl");
        if editions::memory::journal_path(&path).exists() {
            unsorted += 1;
        }
        if !strays(dir.path()).is_empty() {
            mid_save += 1;
        }
        let after = Memory::load(&path)
            .and_then(|m| m.count())
            .unwrap_or_else(|e| panic!("trial {k}: the memory is valid after kill {signal}: {e}"));
        assert!(after >= initial, "trial {k}: nothing is lost");
        if signal == "-TERM" {
            assert_eq!(strays(dir.path()), Vec::<PathBuf>::new(), "trial {k}");
            assert!(!editions::memory::journal_path(&path).exists(), "trial {k}");
        } else {
            // The next run removes what the killed one left.
            ok(dir.path(), &server, &["translate", "2024-01-06"]);
            assert_eq!(strays(dir.path()), Vec::<PathBuf>::new(), "trial {k}");
            assert!(!editions::memory::journal_path(&path).exists(), "trial {k}");
            assert!(Memory::load(&path).unwrap().count().unwrap() > initial);
        }
    }
    eprintln!("kill {signal}: run {whole:?}, final save about {save:?}; {unsorted} of 10 left a journal, {mid_save} left a temporary file");
    if signal == "-KILL" {
        assert!(
            mid_save > 0,
            "at least one kill landed while the sorted memory was being written"
        );
    }
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_save_leaves_a_valid_memory_and_no_stray_files() {
    kill_during_saves("-TERM");
}

#[cfg(unix)]
#[test]
fn sigkill_during_a_save_leaves_a_valid_memory_and_the_next_run_cleans_up() {
    kill_during_saves("-KILL");
}

/// Nothing editions writes is an original: `-o` at the original being translated or at
/// another one, and an `editions` pattern that names the originals' place, are refused before
/// anything is sent (in a dry run too), never with a hint to --retranslate, and every
/// original stays as it was.
#[test]
fn an_output_that_is_an_original_is_refused() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let docs = root.join("docs");
    let before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    let refused = |args: &[&str], edition: &str, original: &Path, why: &str| {
        let out = editions(root, &server).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr,
            format!(
                "error: `{edition}` is an original (`{}`): editions never writes an edition over an original\n  hint: {why}\n",
                original.canonicalize().unwrap().display()
            ),
            "{args:?}"
        );
        assert!(!stderr.contains("--retranslate"));
    };
    let from_out = "give -o a path of its own, outside the originals";
    let same = docs.join("2024-01-06-weekly.md");
    let other = docs.join("2023-12-30-weekly.md");
    for extra in [&["--retranslate"][..], &["--dry-run"], &[]] {
        let mut args = vec!["translate", "2024-01-06", "-o"];
        let same_path = same.display().to_string();
        args.push(&same_path);
        args.extend(extra);
        refused(&args, &same_path, &same, from_out);
        let mut args = vec!["translate", "2024-01-06", "-o"];
        let other_path = other.display().to_string();
        args.push(&other_path);
        args.extend(extra);
        refused(&args, &other_path, &other, from_out);
    }
    // Through a link, too.
    let link = root.join("edition.md");
    std::os::unix::fs::symlink(&other, &link).unwrap();
    refused(
        &["translate", "2024-01-06", "-o", &link.display().to_string()],
        &link.display().to_string(),
        &other,
        from_out,
    );
    // An `editions` pattern without `{locale}` that names the originals themselves.
    let config = root.join("editions.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("editions = \"docs/{{date}}-weekly.md\"\n{toml}"),
    )
    .unwrap();
    for extra in [&["--retranslate"][..], &["--dry-run"]] {
        let mut args = vec!["translate", "2024-01-06"];
        args.extend(extra);
        refused(
            &args,
            &same.display().to_string(),
            &same,
            "`editions` in editions.toml must name a place of its own for each locale (with `{locale}`), never the originals' place",
        );
    }
    assert!(server.requests().is_empty());
    for (path, bytes) in before {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{}", path.display());
    }
}

/// A loop of symbolic links is an error naming the path (exit 2), never a crash.
#[test]
fn a_loop_of_links_is_an_error() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    let (a, b) = (root.join("a.md"), root.join("b.md"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = editions(root, &server)
        .args(["translate", "2024-01-06", "-o"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: `{}` is a symbolic link that leads back to itself (a loop of links)\n  hint: point the link at a file, or remove it and write to a file\n",
            a.display()
        )
    );
    assert!(server.requests().is_empty());
}

/// The other commands that write a file refuse an original too: `merge -o` its own input,
/// `memory export -o` and `review --html` any original.
#[test]
fn no_command_writes_over_an_original() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    ok(root, &server, &["translate", "2024-01-06"]);
    let original = root.join("docs/2024-01-06-weekly.md");
    let other = root.join("docs/2023-12-30-weekly.md");
    let before = (
        std::fs::read(&original).unwrap(),
        std::fs::read(&other).unwrap(),
    );
    let translations = root.join("t.json");
    std::fs::write(&translations, "{}").unwrap();
    let runs: Vec<(Vec<String>, &Path)> = vec![
        (
            vec![
                "merge".into(),
                original.display().to_string(),
                translations.display().to_string(),
                "-o".into(),
                original.display().to_string(),
            ],
            &original,
        ),
        (
            vec![
                "memory".into(),
                "export".into(),
                "--format".into(),
                "tmx".into(),
                "-o".into(),
                other.display().to_string(),
            ],
            &other,
        ),
        (
            vec![
                "review".into(),
                "2024-01-06".into(),
                "--html".into(),
                other.display().to_string(),
            ],
            &other,
        ),
    ];
    for (args, target) in runs {
        let out = editions(root, &server).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: `{}` is an original (`{}`): editions never writes over an original\n  hint: name a file of its own to write\n",
                target.display(),
                target.canonicalize().unwrap().display()
            ),
            "{args:?}"
        );
    }
    assert_eq!(
        (
            std::fs::read(&original).unwrap(),
            std::fs::read(&other).unwrap()
        ),
        before
    );
}

/// `-o -` writes the edition to standard output (the run's report to standard error), and a
/// stream such as `/dev/stdout` is written as it is: never read, never replaced, no record.
#[test]
fn an_edition_can_go_to_standard_output() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    ok(root, &server, &["translate", "2024-01-06"]);
    let edition = std::fs::read_to_string(root.join("docs/en/2024-01-06-weekly.md")).unwrap();
    let records = || {
        std::fs::read_dir(root.join("provenance/en"))
            .unwrap()
            .count()
    };
    let before = records();
    for to in ["-", "/dev/stdout"] {
        let out = editions(root, &server)
            .args(["translate", "2024-01-06", "-o", to])
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{to}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), edition, "{to}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("segments        77 (77 from memory)"),
            "{to}"
        );
    }
    assert!(!root.join("-").exists());
    assert_eq!(records(), before, "a stream keeps no record");
}

/// An edition that is a loop of links is reported by `check` as unreadable, not as missing.
#[test]
fn check_reports_a_looping_edition_as_unreadable() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let en = root.join("docs/en");
    std::fs::create_dir_all(&en).unwrap();
    let (a, b) = (en.join("2024-01-06-weekly.md"), en.join("loop.md"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_editions"))
        .arg("--root")
        .arg(root)
        .args(["check", "2024-01-06"])
        .env("LANG", "C")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{}:1:1: error[file/unreadable]: ", a.display())),
        "{stdout}"
    );
    assert!(!stdout.contains("freshness/missing"), "{stdout}");
}

/// A write probe a killed run left behind is removed by the next run; an empty selection's
/// total costs `$0.0000`, never `$-0.0000`.
#[test]
fn leftovers_of_a_killed_run_and_an_empty_total() {
    let dir = support::newsletter_root();
    let root = dir.path();
    let server = StandIn::start(vec![]);
    ok(root, &server, &["translate", "--all"]);
    // No process has this id (above the kernel's pid_max).
    let probe = root.join("docs/en/.editions-write-check-4999999");
    std::fs::write(&probe, "").unwrap();
    ok(root, &server, &["translate", "2024-01-06"]);
    assert!(!probe.exists());
    let stdout = ok(root, &server, &["translate", "--missing"]);
    assert!(stdout.contains("$0.0000"), "{stdout}");
    assert!(!stdout.contains("$-0"), "{stdout}");
}
