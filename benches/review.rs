//! A long issue (100 segments) reviewed in the terminal and as a page, beside the bare parse
//! of the same files. Goal: well under a second.
//!
//! Usage: `cargo bench --bench review`

use std::hint::black_box;
use std::time::{Duration, Instant};

use editions::check::{Context, File, Finding};
use editions::glossary::Glossary;
use editions::review;
use editions::{Lang, SegmentOptions};

fn main() {
    // A made-up issue of 100 segments: 50 item titles with a link and 50 descriptions with
    // bold text and code, and its edition, and an earlier edition that differs in every
    // tenth description.
    let mut original = String::from("## 🦄文章&教程\n\n");
    let mut edition = String::from("## 🦄Articles & Tutorials\n\n");
    let mut previous = edition.clone();
    for i in 1..=50 {
        original.push_str(&format!("{i}、[第 {i} 篇关于 Python 性能的文章](https://example.com/{i})\n\n文章介绍了 **异步** 编程与 `asyncio.run()` 的用法，并给出了 {i} 个可以运行的例子。🐍\n\n"));
        let title =
            format!("{i}\\. [Article {i} on Python performance](https://example.com/{i})\n\n");
        let desc = format!("The article covers **async** programming and `asyncio.run()`, with {i} runnable examples. 🐍\n\n");
        edition.push_str(&title);
        edition.push_str(&desc);
        previous.push_str(&title);
        previous.push_str(&if i % 10 == 0 {
            desc.replace("covers", "explains")
        } else {
            desc
        });
    }
    let glossary = Glossary::parse(
        "[[term]]\nsource = \"异步\"\ntarget = \"async\"\n",
        std::path::Path::new("en.toml"),
    )
    .unwrap();
    let options = SegmentOptions::default();
    let common = Default::default();
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
    let findings: Vec<Finding> = Vec::new();
    let median = |f: &dyn Fn() -> usize| -> Duration {
        let mut runs: Vec<Duration> = (0..15)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect();
        runs.sort();
        runs[runs.len() / 2]
    };
    let parse = median(&|| {
        [&original, &edition, &previous]
            .iter()
            .map(|t| {
                pulldown_cmark::Parser::new_ext(t, editions::markdown::segment::markdown_options())
                    .count()
            })
            .sum()
    });
    let build = || {
        review::build(
            &File {
                path: std::path::Path::new("o.md"),
                text: &original,
            },
            &File {
                path: std::path::Path::new("e.md"),
                text: &edition,
            },
            Some((previous.as_str(), "v1".into())),
            &findings,
            &Default::default(),
            &cx,
        )
    };
    let segments = build().rows.len();
    let terminal = median(&|| review::render_terminal(&build(), 120, false).len());
    let page = median(&|| review::render_html(&build()).len());
    println!("{segments} rows");
    println!("{:<34} {:>9} {:>16}", "pass", "median", "vs bare parse");
    for (name, d) in [
        ("bare parse of the three files", parse),
        ("review in the terminal (120 cols)", terminal),
        ("review as an HTML page", page),
    ] {
        println!(
            "{name:<34} {:>6.2} ms {:>14.1}x",
            d.as_secs_f64() * 1e3,
            d.as_secs_f64() / parse.as_secs_f64()
        );
    }
    let worst = terminal.max(page);
    println!(
        "goal: a 100-segment issue well under a second: {} ({:.1} ms, {:.4} of a second)",
        if worst < Duration::from_millis(100) {
            "MET"
        } else {
            "NOT MET"
        },
        worst.as_secs_f64() * 1e3,
        worst.as_secs_f64()
    );
}
