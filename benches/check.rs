//! `editions check` over a whole archive, beside the time of parsing the same files.
//!
//! Usage: `cargo bench --bench check -- ../shared/corpus/python-weekly/docs`
//!
//! Every original `YYYY-MM-DD-weekly.md` with an English edition in `en/` is checked as
//! `editions check --all --to en --common-urls 4` does (the URL counts included), in memory,
//! several times; the bare pulldown-cmark parse of the same files is timed in the same run.
//! Goal: the whole archive in at most 1 second.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use editions::check::{self, Context, File};
use editions::glossary::Glossary;
use editions::{Lang, SegmentOptions};
use pulldown_cmark::{Event, Parser, Tag};

fn main() {
    let Some(docs) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        println!("usage: cargo bench --bench check -- <corpus docs folder>");
        return;
    };
    let docs = PathBuf::from(docs);
    let mut pairs: Vec<(PathBuf, String, PathBuf, String)> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&docs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    for name in names {
        let name = name.to_string_lossy().to_string();
        if !name.ends_with("-weekly.md") {
            continue;
        }
        let edition = docs.join("en").join(&name);
        if let (Ok(o), Ok(e)) = (
            std::fs::read_to_string(docs.join(&name)),
            std::fs::read_to_string(&edition),
        ) {
            pairs.push((docs.join(&name), o, edition, e));
        }
    }
    let bytes: usize = pairs.iter().map(|p| p.1.len() + p.3.len()).sum();
    println!("{} pairs, {:.2} MB", pairs.len(), bytes as f64 / 1e6);

    let time = |f: &dyn Fn() -> usize| -> Duration {
        let mut runs: Vec<Duration> = (0..7)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect();
        runs.sort();
        runs[runs.len() / 2]
    };
    let parse = time(&|| {
        pairs
            .iter()
            .map(|p| {
                Parser::new_ext(&p.1, editions::markdown::segment::markdown_options()).count()
                    + Parser::new_ext(&p.3, editions::markdown::segment::markdown_options()).count()
            })
            .sum()
    });
    let options = SegmentOptions {
        source: Lang::Zh,
        front_matter_fields: vec!["title".into()],
        ..SegmentOptions::default()
    };
    // As in the archive's root: no glossary (the CLI finds no glossary/ there).
    let glossary = Glossary::default();
    let findings = std::cell::Cell::new(0);
    let check_all = time(&|| {
        // The URLs of at least 4 originals, as `--common-urls 4` counts them.
        let mut counts: HashMap<String, usize> = HashMap::new();
        for p in &pairs {
            let urls: HashSet<String> =
                Parser::new_ext(&p.1, editions::markdown::segment::markdown_options())
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
        let common: HashSet<String> = counts
            .into_iter()
            .filter(|(_, c)| *c >= 4)
            .map(|(u, _)| u)
            .collect();
        let cx = Context {
            source: Lang::Zh,
            target: Lang::En,
            rules: &[],
            rewrites: &[],
            locale_texts: &[],
            glossary: &glossary,
            allow: &[],
            memory: None,
            record: None,
            options: &options,
            strict: false,
            common_urls: &common,
        };
        let n: usize = pairs
            .iter()
            .map(|p| {
                check::check_pair(
                    &File {
                        path: &p.0,
                        text: &p.1,
                    },
                    &File {
                        path: &p.2,
                        text: &p.3,
                    },
                    &cx,
                )
                .findings
                .len()
            })
            .sum();
        findings.set(n);
        n
    });
    println!();
    println!(
        "{:<36} {:>10} {:>18}",
        "pass over the archive", "median", "vs bare parse"
    );
    println!(
        "{:<36} {:>7.1} ms {:>14.2}x",
        "bare parse (originals + editions)",
        parse.as_secs_f64() * 1e3,
        1.0
    );
    println!(
        "{:<36} {:>7.1} ms {:>14.2}x",
        "editions check (all rules)",
        check_all.as_secs_f64() * 1e3,
        check_all.as_secs_f64() / parse.as_secs_f64()
    );
    println!("findings: {}", findings.get());
    println!(
        "goal: the whole archive in <= 1 s: {} ({:.0} ms)",
        if check_all <= Duration::from_secs(1) {
            "MET"
        } else {
            "NOT MET"
        },
        check_all.as_secs_f64() * 1e3
    );
}
