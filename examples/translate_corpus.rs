//! Every original of the real archive translated with the stand-in model, then checked: how
//! many editions `check` passes with no error-level finding, and which rules the others break.
//!
//! Each original (`{date}-weekly.md`, `-sweekly.md`, `-iweekly.md`) gets a temporary
//! newsletter root with the repository's rules, glossaries and locales; `translate` runs
//! through the library (the stand-in answers over real HTTP on 127.0.0.1), and the written
//! edition is checked with the rules `editions check --strict` uses.
//!
//! ```sh
//! cargo run --release --example translate_corpus -- ../shared/corpus/python-weekly/docs
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use editions::check::{check_pair, Context, File, Level};
use editions::edition::issue::{self, Layout};
use editions::edition::lifecycle::{self, Effect, Job, Project};
use editions::edition::locale::Locale;
use editions::edition::rules::{self, Rule, UrlRewrite};
use editions::glossary::Glossary;
use editions::memory::Memory;
use editions::model::run::{Settings, Silent};
use editions::model::{Model, ModelSettings};
use editions::{Document, Lang, SegmentOptions};
use support::copy_dir;
use support::standin::{StandIn, KEY, MODEL};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

#[derive(serde::Deserialize)]
struct Rules {
    boilerplate: Vec<Rule>,
    url_rewrite: Vec<UrlRewrite>,
}

fn main() {
    let docs = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: translate_corpus CORPUS/python-weekly/docs"),
    );
    let config = std::fs::read_to_string(Path::new(REPO).join("editions.toml")).unwrap();
    let rules: Rules = toml::from_str(&config[config.find("[[boilerplate]]").unwrap()..]).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    names.sort();
    let server = StandIn::start(vec![]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut written, mut clean, mut live, mut failed) = (0, 0, 0, Vec::new());
    let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut examples: BTreeMap<&'static str, String> = BTreeMap::new();
    for name in &names {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        let original = root.join("docs").join(name);
        std::fs::write(&original, std::fs::read(docs.join(name)).unwrap()).unwrap();
        copy_dir(&Path::new(REPO).join("glossary"), &root.join("glossary"));
        copy_dir(&Path::new(REPO).join("locales"), &root.join("locales"));
        let project = Project {
            layout: Layout {
                root: root.to_path_buf(),
                originals: "docs/{date}-weekly.md".into(),
                editions: "docs/{locale}/{date}-weekly.md".into(),
            },
            memory: root.join("memory.jsonl"),
            provenance: root.join("provenance"),
            glossary: root.join("glossary"),
            locales: root.join("locales"),
            options: SegmentOptions::default(),
            original_url: "https://pythoncat.top/posts/{date}-weekly".into(),
            boilerplate: rules.boilerplate.clone(),
            url_rewrite: rules.url_rewrite.clone(),
            allow: Vec::new(),
        };
        let issue = issue::resolve(&project.layout, original.to_str().unwrap()).unwrap();
        let job = Job {
            issue: &issue,
            target: Lang::En,
            out: None,
            dry_run: false,
            retranslate: false,
            settings: Settings {
                source: Lang::Zh,
                target: Lang::En,
                batch_chars: 1500,
                concurrency: 4,
                max_repairs: 2,
                price: Default::default(),
                model_name: MODEL.into(),
                date: "2026-01-01".into(),
                skip: Default::default(),
                distrust: Default::default(),
                reasons: Default::default(),
            },
            today: "2026-01-01".into(),
        };
        let memory = Mutex::new(Memory::empty(&project.memory));
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
                failed.push(format!("{name}: {e}"));
                continue;
            }
        };
        let Effect::Written { text, .. } = &outcome.effect else {
            failed.push(format!("{name}: not written"));
            continue;
        };
        written += 1;
        // The edition checked as `editions check --strict` would.
        let source = std::fs::read_to_string(&original).unwrap();
        let glossary = Glossary::load(&project.glossary, Lang::En).unwrap();
        let locale = Locale::load(&project.locales, "en").unwrap();
        let doc = Document::parse(&source, &project.options);
        let vars = rules::variables(&doc, &outcome.date, &project.original_url);
        let locale_texts =
            rules::locale_texts(&project.boilerplate, &locale, &project.locales, &vars);
        let record = editions::edition::provenance::Record::load(&outcome.record).unwrap();
        let common = Default::default();
        let cx = Context {
            source: Lang::Zh,
            target: Lang::En,
            rules: &project.boilerplate,
            rewrites: &project.url_rewrite,
            locale_texts: &locale_texts,
            glossary: &glossary,
            allow: &[],
            memory: None,
            record: record.as_ref(),
            options: &project.options,
            strict: true,
            common_urls: &common,
        };
        let checked = check_pair(
            &File {
                path: &original,
                text: &source,
            },
            &File {
                path: &outcome.edition,
                text,
            },
            &cx,
        );
        let errors: Vec<_> = checked
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .collect();
        if errors.is_empty() {
            clean += 1;
        }
        // The check is live: the same edition with its middle link cut is an error.
        let links: Vec<usize> = text.match_indices("](http").map(|(i, _)| i).collect();
        if let Some(&at) = links.get(links.len() / 2) {
            let open = text[..at].rfind('[').unwrap_or(at);
            let cut = format!("{}{}", &text[..open], &text[at + 2..]);
            let mutated = check_pair(
                &File {
                    path: &original,
                    text: &source,
                },
                &File {
                    path: &outcome.edition,
                    text: &cut,
                },
                &cx,
            );
            if mutated.findings.iter().any(|f| f.level == Level::Error) {
                live += 1;
            } else if std::env::var_os("TRANSLATE_CORPUS_VERBOSE").is_some() {
                let line = text[..at].matches('\n').count() + 1;
                println!(
                    "not caught: {name}: the link on line {line}: {:?}",
                    &text[open..(at + 60).min(text.len())]
                );
            }
        }
        for f in errors {
            *by_rule.entry(f.rule).or_default() += 1;
            examples
                .entry(f.rule)
                .or_insert_with(|| format!("{name}:{}: {}", f.line, f.message));
        }
    }
    println!(
        "originals {}; editions written {written}; passing check with no error {clean}/{written}; \
         with its middle link cut, caught {live}/{written}",
        names.len()
    );
    for (rule, n) in &by_rule {
        println!("  {rule:<22} {n:>5}   e.g. {}", examples[rule]);
    }
    for f in &failed {
        println!("not written: {f}");
    }
    if !failed.is_empty() || clean != written {
        std::process::exit(1);
    }
}
