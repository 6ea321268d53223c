//! `editions adopt` on the real archive's published English editions, then `translate`.
//!
//! For every issue of the corpus that has an English edition (or the dates given after the
//! path), a temporary newsletter root gets the original, its published edition, and the
//! repository's rules, glossaries and locales. Then, through the library:
//!
//! 1. `adopt`: the share of body segments adopted, by format (front matter, `# …` heading with
//!    `①` items, `# …` heading), and the editions not adopted at all (alignment uncertain);
//!    for the editions whose pairs were read by hand (`examples/align_truth.txt`), every
//!    adopted pair must be one the truth names, with the run the truth names;
//! 2. `translate` with the stand-in model (in this process, over real HTTP on 127.0.0.1):
//!    which segments were sent (they must all be ones adopt did not take), and whether every
//!    adopted segment's published text is in the new edition byte for byte, but for its item
//!    number, which the locale's rule writes (`1、` or a list item `1.` become `1\. `); the
//!    texts that differ only by backslash escapes or YAML quotes are counted apart;
//! 3. published text: each published paragraph `adopt` did not take is a candidate in the
//!    memory, and `translate` reports as many replaced as it replaced.
//!
//! ```sh
//! cargo run --release --example adopt_corpus -- ../shared/corpus/python-weekly/docs [DATE…]
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use editions::edition::issue;
use editions::edition::provenance::Record;
use editions::lifecycle::adopt::{adopt, AdoptOptions};
use editions::lifecycle::{self, Effect, Job};
use editions::memory::{Memory, Origin};
use editions::model::run::{Settings, Silent};
use editions::model::{Model, ModelSettings};
use editions::{Document, Lang, SegmentOptions};
use support::copy_dir;
use support::standin::{StandIn, KEY, MODEL};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Default)]
struct Tally {
    issues: usize,
    segments: usize,
    adopted: usize,
    sent: usize,
    sent_adopted: usize,
    kept: usize,
    /// Editions not adopted at all: the alignment is uncertain.
    poor: usize,
    /// Published paragraphs not adopted; of them kept as candidates; replaced by translate,
    /// as it reported.
    published: usize,
    candidates: usize,
    replaced: usize,
    /// Adopted pairs of the hand-checked editions, and of them right.
    checked: usize,
    checked_right: usize,
    /// Kept, but written differently in ways that read the same: backslash escapes, YAML
    /// quotes, a soft line break as a space.
    escaped: usize,
}

/// `text` without backslash escapes of ASCII punctuation, YAML quotes around it or soft line
/// breaks: what reads the same.
fn unescaped(text: &str) -> String {
    let t = text.trim().replace('\n', " ");
    let t = t.as_str();
    let t = t
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .map(|t| t.replace("''", "'"))
        .or_else(|| {
            t.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .map(String::from)
        })
        .unwrap_or_else(|| t.to_string());
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// `text` without a leading item number (`1、`, `1. `, `1\\. `): the locale's rule writes it.
fn without_number(text: &str) -> &str {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return text;
    }
    let rest = &text[digits..];
    ["、", "\\. ", ". "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .map_or(text, |r| r.trim_start())
}

fn format_of(original: &str) -> &'static str {
    if original.starts_with("---") {
        "front matter"
    } else if original.contains('①') {
        "# heading, ① items"
    } else {
        "# heading"
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let docs = PathBuf::from(args.next().expect(
        "usage: adopt_corpus CORPUS/python-weekly/docs [DATE…] (the corpus path as an argument)",
    ));
    let asked: Vec<String> = args.collect();
    // The repository's rules, as the library reads editions.toml.
    let (rules, _) = editions::config::Config::load(Path::new(REPO)).unwrap();
    let mut dates: Vec<String> = std::fs::read_dir(docs.join("en"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let date = name.strip_suffix("-weekly.md")?.to_string();
            docs.join(&name).is_file().then_some(date)
        })
        .filter(|d| asked.is_empty() || asked.contains(d))
        .collect();
    dates.sort();
    let truth = support::align_truth();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();

    let server = StandIn::start(vec![]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut by_format: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut problems = Vec::new();
    println!("issue       format               adopted        sent  sent-adopted  kept");
    for date in &dates {
        let dir = tempfile::tempdir().unwrap();
        let root_buf = dir.path().to_path_buf();
        let root = root_buf.as_path();
        // ADOPT_KEEP=1 keeps each issue's folder, to look into.
        if std::env::var_os("ADOPT_KEEP").is_some() {
            println!("{date}: kept in {}", root.display());
            std::mem::forget(dir);
        }
        let name = format!("{date}-weekly.md");
        std::fs::create_dir_all(root.join("docs/en")).unwrap();
        std::fs::copy(docs.join(&name), root.join("docs").join(&name)).unwrap();
        std::fs::copy(
            docs.join("en").join(&name),
            root.join("docs/en").join(&name),
        )
        .unwrap();
        // The corpus may be read-only; the copies are ours to rewrite.
        for copy in [
            root.join("docs").join(&name),
            root.join("docs/en").join(&name),
        ] {
            let mut permissions = std::fs::metadata(&copy).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            std::fs::set_permissions(&copy, permissions).unwrap();
        }
        copy_dir(&Path::new(REPO).join("glossary"), &root.join("glossary"));
        copy_dir(&Path::new(REPO).join("locales"), &root.join("locales"));
        let project = support::newsletter_project(&rules, root);
        let issue = issue::resolve(&project.layout, date).unwrap();
        let original = std::fs::read_to_string(&issue.original).unwrap();
        let published = std::fs::read_to_string(root.join("docs/en").join(&name)).unwrap();
        let mut memory = Memory::empty(&project.memory);
        let options = AdoptOptions {
            edition: None,
            dry_run: false,
            today: "2026-01-01".into(),
        };
        let adoption = match adopt(&project, &issue, Lang::En, &mut memory, &options) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("{date}: adopt failed: {e}"));
                continue;
            }
        };
        for n in &adoption.not_adopted {
            let kind: String = n.why.chars().take(32).collect();
            *reasons.entry(kind).or_default() += 1;
        }
        let format = format_of(&original);
        if let Some(u) = &adoption.poor {
            println!(
                "{date}  {format:<20} not adopted: {}/{} confident, uncertain from line {}",
                u.confident, u.segments, u.line
            );
            let t = by_format.entry(format).or_default();
            t.issues += 1;
            t.poor += 1;
            t.segments += adoption.segments;
            continue;
        }
        // The hand-checked pairs: every adopted one is right.
        let (mut checked, mut checked_right) = (0, 0);
        if let Some(pairs) = truth.get(date.as_str()) {
            let record = Record::load(&adoption.record).unwrap().unwrap();
            let published_doc = Document::parse(&published, &SegmentOptions::default());
            for id in &adoption.adopted {
                checked += 1;
                let written = record.segment(id).map(|w| w.written.trim());
                let want = pairs.get(id.as_str()).and_then(|&line| {
                    published_doc
                        .runs
                        .iter()
                        .find(|r| r.line == line)
                        .map(|r| published[r.range.clone()].trim())
                });
                if written.is_some() && written == want {
                    checked_right += 1;
                } else {
                    problems.push(format!(
                        "{date}: adopted {id} as {:?}, the hand-checked pair is {:?}",
                        written.map(|w| w.chars().take(60).collect::<String>()),
                        want.map(|w| w.chars().take(60).collect::<String>())
                    ));
                }
            }
        }
        // The published paragraphs not adopted, each a candidate.
        let published_runs: Vec<String> = Record::load(&adoption.record)
            .unwrap()
            .unwrap()
            .runs
            .into_iter()
            .filter(|w| w.published)
            .map(|w| w.written.trim().to_string())
            .collect();
        let candidates: HashSet<String> = memory
            .entries()
            .unwrap()
            .into_iter()
            .filter(|e| e.origin == Origin::Candidate)
            .map(|e| e.target)
            .collect();
        let as_candidates = published_runs
            .iter()
            .filter(|w| candidates.iter().any(|c| c.contains(w.as_str())))
            .count();
        for w in published_runs
            .iter()
            .filter(|w| !candidates.iter().any(|c| c.contains(w.as_str())))
        {
            problems.push(format!(
                "{date}: published text is no candidate: {:?}",
                w.chars().take(60).collect::<String>()
            ));
        }
        let adopted: HashSet<&str> = adoption.adopted.iter().map(String::as_str).collect();
        let before = server.requests().len();
        let job = Job {
            issue: &issue,
            target: Lang::En,
            out: None,
            stream: false,
            dry_run: false,
            retranslate: false,
            settings: Settings {
                concurrency: 4,
                price: Default::default(),
                model_name: MODEL.into(),
                ..editions::config::Config::default().run_settings(Lang::Zh, Lang::En, "2026-01-01")
            },
            today: "2026-01-01".into(),
        };
        let memory = Mutex::new(memory);
        let result = runtime.block_on(async {
            let model = Model::new(ModelSettings {
                base_url: server.base_url(),
                api_key: KEY.into(),
                model: MODEL.into(),
                timeout: Duration::from_secs(30),
                max_retries: 2,
                backoff: Duration::from_millis(10),
            })
            .unwrap();
            lifecycle::update(&project, &job, &memory, Some(&model), &Silent).await
        });
        let outcome = match result {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("{date}: translate after adopt failed: {e}"));
                continue;
            }
        };
        assert!(matches!(outcome.effect, Effect::Written { .. }));
        if std::env::var_os("ADOPT_VERBOSE").is_some() {
            for b in &outcome.bad_entries {
                println!("asked again: {date} {} (line {}): {}", b.id, b.line, b.why);
            }
        }
        // What translate replaced of the published text, and what it said.
        // A published run is kept when a run of the new edition is that text.
        let new_edition = std::fs::read_to_string(&outcome.edition).unwrap();
        let new_runs: HashSet<&str> = Document::parse(&new_edition, &SegmentOptions::default())
            .runs
            .iter()
            .map(|r| new_edition[r.range.clone()].trim())
            .collect();
        let replaced = published_runs
            .iter()
            .filter(|w| !new_runs.contains(w.as_str()))
            .count();
        if replaced != outcome.published_replaced {
            problems.push(format!(
                "{date}: translate replaced {replaced} published paragraphs and said {}",
                outcome.published_replaced
            ));
        }
        // What was sent, by segment id.
        let doc = Document::parse(&original, &SegmentOptions::default());
        let by_source: BTreeMap<&str, Vec<&str>> =
            doc.segments().fold(BTreeMap::new(), |mut m, s| {
                m.entry(s.tagged.as_str()).or_default().push(s.id.as_str());
                m
            });
        let mut sent = 0;
        let mut sent_adopted = 0;
        for r in &server.requests()[before..] {
            let map: BTreeMap<String, String> = serde_json::from_str(&r.user).unwrap();
            for source in map.values() {
                sent += 1;
                if by_source
                    .get(source.as_str())
                    .is_some_and(|ids| ids.iter().any(|id| adopted.contains(id)))
                {
                    sent_adopted += 1;
                }
            }
        }
        // Every adopted segment's published text, in the new edition.
        let record = Record::load(&outcome.record).unwrap().unwrap();
        let published_doc = Document::parse(&published, &SegmentOptions::default());
        let runs: HashSet<&str> = published_doc
            .runs
            .iter()
            .map(|r| without_number(&published[r.range.clone()]))
            .collect();
        let mut kept = 0;
        let mut escaped = 0;
        let unescaped_runs: HashSet<String> = runs.iter().map(|r| unescaped(r)).collect();
        for id in &adoption.adopted {
            let Some(w) = record.segment(id) else {
                problems.push(format!("{date}: adopted {id} is not in the new edition"));
                continue;
            };
            let whole = runs.contains(without_number(&w.written));
            let whole_unescaped = unescaped_runs.contains(&unescaped(without_number(&w.written)));
            if whole {
                kept += 1;
            } else if whole_unescaped {
                escaped += 1;
                if std::env::var_os("ADOPT_VERBOSE").is_some() {
                    println!("escaped: {date} {id}: {:?}", w.written);
                }
            } else {
                problems.push(format!(
                    "{date}: adopted {id} changed: {:?}",
                    w.written.chars().take(80).collect::<String>()
                ));
            }
        }
        println!(
            "{date}  {format:<20} {:>3}/{:<3} {:>5.1} %  {sent:>4}  {sent_adopted:>12}  {kept:>4}/{}",
            adoption.adopted.len(),
            adoption.segments,
            adoption.adopted.len() as f64 * 100.0 / adoption.segments.max(1) as f64,
            adoption.adopted.len()
        );
        let t = by_format.entry(format).or_default();
        t.issues += 1;
        t.segments += adoption.segments;
        t.adopted += adoption.adopted.len();
        t.sent += sent;
        t.sent_adopted += sent_adopted;
        t.kept += kept;
        t.escaped += escaped;
        t.published += published_runs.len();
        t.candidates += as_candidates;
        t.replaced += replaced;
        t.checked += checked;
        t.checked_right += checked_right;
    }
    println!();
    let mut all = Tally::default();
    let line = |name: &str, t: &Tally| {
        println!(
            "{name:<20} {:>3} issues ({} not adopted)  adopted {:>5}/{:<5} = {:.3}   sent {:>5} (of them adopted: {})   kept byte for byte {}/{}, reading the same {}",
            t.issues,
            t.poor,
            t.adopted,
            t.segments,
            t.adopted as f64 / t.segments.max(1) as f64,
            t.sent,
            t.sent_adopted,
            t.kept,
            t.adopted,
            t.escaped
        );
    };
    for (format, t) in &by_format {
        line(format, t);
        all.issues += t.issues;
        all.poor += t.poor;
        all.segments += t.segments;
        all.adopted += t.adopted;
        all.sent += t.sent;
        all.sent_adopted += t.sent_adopted;
        all.kept += t.kept;
        all.escaped += t.escaped;
        all.published += t.published;
        all.candidates += t.candidates;
        all.replaced += t.replaced;
        all.checked += t.checked;
        all.checked_right += t.checked_right;
    }
    line("all", &all);
    println!(
        "published paragraphs not adopted: {}, kept as candidates: {}/{}, replaced by translate: {} (each reported)",
        all.published, all.candidates, all.published, all.replaced
    );
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    println!("segments not adopted, by reason (its first words):");
    for (why, n) in &reasons {
        println!("  {n:>5}  {why}…");
    }
    println!(
        "hand-checked editions ({}): adopted pairs right {}/{}",
        truth.len(),
        all.checked_right,
        all.checked
    );
    for p in &problems {
        println!("problem: {p}");
    }
    if !problems.is_empty()
        || all.sent_adopted > 0
        || all.kept + all.escaped != all.adopted
        || all.candidates != all.published
        || all.checked_right != all.checked
    {
        std::process::exit(1);
    }
}
