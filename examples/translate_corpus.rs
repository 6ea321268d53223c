//! Every original of the real archive translated with the stand-in model into English and
//! Japanese, then checked: how many editions `check --strict` passes with no finding, and, one
//! planted loss at a time, the share of each kind of loss it catches.
//!
//! Each original (`{date}-weekly.md`, `-sweekly.md`, `-iweekly.md`) gets a temporary
//! newsletter root with the repository's rules, glossaries and locales; `translate` runs
//! through the library (the stand-in answers over real HTTP on 127.0.0.1), and each written
//! edition is checked with the rules `editions check --strict` uses, as written and with each
//! kind of loss of `tests/support/mutate.rs` planted in it. The run fails unless every edition
//! is written with no finding and every plant is caught.
//!
//! ```sh
//! cargo run --release --example translate_corpus -- ../shared/corpus/python-weekly/docs
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use editions::check::File;
use editions::edition::issue;
use editions::lifecycle::{self, Effect, Job};
use editions::memory::Memory;
use editions::model::run::{Settings, Silent};
use editions::model::{Model, ModelSettings};
use editions::Lang;
use support::copy_dir;
use support::mutate::{Parts, Tally};
use support::standin::{StandIn, KEY, MODEL};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The URLs linked from at least `n` of the originals.
fn repeated(docs: &Path, names: &[String], n: usize) -> HashSet<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut counts: HashMap<String, usize> = HashMap::new();
    for name in names {
        let text = std::fs::read_to_string(docs.join(name)).unwrap();
        let urls: HashSet<String> = Parser::new(&text)
            .filter_map(|e| match e {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some(dest_url.to_string())
                }
                _ => None,
            })
            .collect();
        for u in urls {
            *counts.entry(u).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, c)| *c >= n)
        .map(|(u, _)| u)
        .collect()
}

fn main() {
    let docs = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: translate_corpus CORPUS/python-weekly/docs"),
    );
    // The repository's rules, as the library reads editions.toml.
    let (rules, _) = editions::config::Config::load(Path::new(REPO)).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    names.sort();
    let repeated = repeated(&docs, &names, 4);
    let server = StandIn::start(vec![]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut written = 0;
    let mut failed = Vec::new();
    let mut tally = Tally::default();
    // Blocks the rules replaced or dropped, lines of them checked, and lines sent anyway.
    let mut fixed = (0, 0);
    let mut leaked: Vec<String> = Vec::new();
    for name in &names {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        let original = root.join("docs").join(name);
        std::fs::write(&original, std::fs::read(docs.join(name)).unwrap()).unwrap();
        copy_dir(&Path::new(REPO).join("glossary"), &root.join("glossary"));
        copy_dir(&Path::new(REPO).join("locales"), &root.join("locales"));
        let project = support::newsletter_project(&rules, root);
        let issue = issue::resolve(&project.layout, original.to_str().unwrap()).unwrap();
        let source = std::fs::read_to_string(&original).unwrap();
        for target in [Lang::En, Lang::Ja] {
            let job = Job {
                issue: &issue,
                target,
                out: None,
                stream: false,
                dry_run: false,
                retranslate: false,
                settings: Settings {
                    concurrency: 4,
                    price: Default::default(),
                    model_name: MODEL.into(),
                    ..editions::config::Config::default().run_settings(
                        Lang::Zh,
                        target,
                        "2026-01-01",
                    )
                },
                today: "2026-01-01".into(),
            };
            let memory = Mutex::new(Memory::empty(&project.memory));
            let asked_before = server.requests().len();
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
                    failed.push(format!("{name} ({target}): {e}"));
                    continue;
                }
            };
            let Effect::Written { text, .. } = &outcome.effect else {
                failed.push(format!("{name} ({target}): not written"));
                continue;
            };
            written += 1;
            // No line of a block the rules replace or drop reached the model.
            let sent: String = server.requests()[asked_before..]
                .iter()
                .map(|r| r.user.clone())
                .collect();
            let found = editions::edition::rules::find(&source, &rules.boilerplate, target.code());
            fixed.0 += found.len();
            for f in &found {
                for line in source[f.range.clone()].lines() {
                    let line = line.strip_prefix("title: ").unwrap_or(line);
                    let text = line
                        .trim_start_matches(['#', ' ', '-', '*', '>', '\''])
                        .trim();
                    let start: String = text.chars().take(20).collect();
                    if start.chars().filter(|c| editions::lang::is_han(*c)).count() >= 3 {
                        fixed.1 += 1;
                        if sent.contains(&start) {
                            leaked.push(format!("{name} ({target}): `{line}`"));
                        }
                    }
                }
            }
            let parts = Parts::new(
                root,
                &project.boilerplate,
                &project.url_rewrite,
                &source,
                &outcome.date,
                target,
                &outcome.record,
            );
            tally.add(
                name,
                &File {
                    path: &original,
                    text: &source,
                },
                &File {
                    path: &outcome.edition,
                    text,
                },
                &parts,
                &repeated,
            );
        }
    }
    let clean = written - {
        let with: HashSet<&PathBuf> = tally.unmutated.iter().map(|f| &f.file).collect();
        with.len()
    };
    println!(
        "originals {}; editions written {written} (en and ja); with no finding under check --strict {clean}/{written}",
        names.len()
    );
    println!(
        "boilerplate: {} blocks replaced or dropped by the rules (en and ja); {} lines of them with Chinese text; sent to the model: {}",
        fixed.0,
        fixed.1,
        leaked.len()
    );
    for l in &leaked {
        println!("  sent: {l}");
    }
    assert!(leaked.is_empty(), "boilerplate reached the model");
    let mut by_rule: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    for f in &tally.unmutated {
        let e = by_rule.entry(f.rule.id()).or_insert((0, f.to_string()));
        e.0 += 1;
    }
    for (rule, (n, example)) in &by_rule {
        println!("  {rule:<24} {n:>5}   e.g. {example}");
    }
    println!("planted losses caught by check --strict (kind, locale, caught/planted, told by exactly one finding/planted):");
    print!("{}", tally.table());
    for m in &tally.missed {
        println!("missed: {m}");
    }
    // One cause, one finding: the plants told by more than one, by the rules that told them.
    let mut by_rules: BTreeMap<String, usize> = BTreeMap::new();
    for e in &tally.extra {
        let rules = e.split(": ").last().unwrap_or_default().to_string();
        *by_rules.entry(rules).or_default() += 1;
    }
    for (rules, n) in &by_rules {
        println!("more than one finding for one plant: {n:>4} × {rules}");
    }
    for e in tally.extra.iter().take(10) {
        println!("  e.g. {e}");
    }
    for f in &failed {
        println!("not written: {f}");
    }
    if !failed.is_empty() || !tally.unmutated.is_empty() || !tally.missed.is_empty() {
        std::process::exit(1);
    }
}
