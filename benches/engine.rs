//! Throughput of the segment engine on a real archive, against pulldown-cmark's bare parse.
//!
//! Usage: `cargo bench --bench engine -- ../shared/corpus/python-weekly/docs`
//!
//! Every `.md` file under the folder (recursively) is read into memory first; then, in the same
//! run, each of these is timed over the whole corpus, with warm-up passes and measured passes:
//!
//! - **bare parse**: pulldown-cmark's offset iterator with the engine's options, consumed;
//! - **extract+merge (CLI path)**: what `editions extract` then `editions merge` do per file:
//!   `Document::parse`, the segments serialised as the JSON array of `{id,line,kind,source}`
//!   records, that JSON read back into a map id → source, `Document::parse` again, and
//!   `editions::merge`, whose output must equal the input;
//! - **extract+merge (library)**: one `Document::parse`, the segments extracted as a map of each segment's own source, and
//!   `editions::merge`.
//!
//! `EDITIONS_BENCH_ITERS` sets the number of measured passes (default 15) and
//! `EDITIONS_BENCH_WARMUP` the number of warm-up passes (default 3), e.g. for a profiler:
//! `EDITIONS_BENCH_ITERS=1 EDITIONS_BENCH_WARMUP=0 valgrind --tool=callgrind <bench binary> <folder>`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use editions::markdown::segment::markdown_options;
use editions::{Document, SegmentOptions, SourceText};
use pulldown_cmark::Parser;
use serde::{Deserialize, Serialize};

/// The goal: extract + identity merge at most this many times the bare parse.
const GOAL_RATIO: f64 = 3.0;

/// One segment as `editions extract --format json` prints it.
#[derive(Serialize)]
struct SegmentRecord<'a> {
    id: &'a str,
    line: usize,
    kind: String,
    source: &'a str,
}

/// One segment as read back by the merge step (`line` and `kind` are ignored).
#[derive(Deserialize)]
struct ReadRecord {
    id: String,
    source: String,
}

fn main() {
    // `cargo bench` passes `--bench` to harness-less benches; the folder is the first other
    // argument.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.iter().find(|a| !a.starts_with("--")) else {
        println!("usage: cargo bench --bench engine -- <folder of .md files>");
        println!("(no folder given: nothing to measure)");
        return;
    };
    let iters = env_usize("EDITIONS_BENCH_ITERS", 15).max(1);
    let warmup = env_usize("EDITIONS_BENCH_WARMUP", 3);

    let mut paths = Vec::new();
    collect(Path::new(root), &mut paths);
    paths.sort();
    if paths.is_empty() {
        eprintln!("no .md files under {root}");
        std::process::exit(2);
    }
    let texts: Vec<String> = paths
        .iter()
        .map(|p| SourceText::read(p).unwrap_or_else(|e| panic!("{e}")).text)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let options = SegmentOptions::default();

    // Sanity: what one pass does, so the numbers can be put in context.
    let (segments, runs) = texts.iter().fold((0, 0), |(s, r), t| {
        let doc = Document::parse(t, &options);
        (s + doc.segments().count(), r + doc.runs.len())
    });
    println!(
        "corpus: {} files, {:.2} MB, {segments} segments ({runs} inline runs); \
         {warmup} warm-up + {iters} measured passes each",
        texts.len(),
        bytes as f64 / 1e6
    );

    let bare = measure(warmup, iters, || {
        texts.iter().map(|t| bare_parse(t)).sum::<usize>()
    });
    let cli = measure(warmup, iters, || {
        texts
            .iter()
            .map(|t| cli_extract_merge(t, &options))
            .sum::<usize>()
    });
    let lib = measure(warmup, iters, || {
        texts
            .iter()
            .map(|t| library_merge(t, &options))
            .sum::<usize>()
    });

    let base = bare.median.as_secs_f64();
    println!();
    println!(
        "{:<28} {:>12} {:>12} {:>10} {:>18}",
        "pass over the corpus", "median", "min", "MB/s", "vs bare parse"
    );
    for (name, t) in [
        ("bare parse (pulldown-cmark)", &bare),
        ("extract+merge (CLI path)", &cli),
        ("extract+merge (library)", &lib),
    ] {
        let median = t.median.as_secs_f64();
        println!(
            "{:<28} {:>9.2} ms {:>9.2} ms {:>10.1} {:>7.2}x bare parse",
            name,
            median * 1e3,
            t.min.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / median,
            median / base
        );
    }
    // The goal is the engine's: extract and identity merge in one process (one parse). The
    // CLI path adds a second parse and the JSON between the two commands, shown for scale.
    let ratio = lib.median.as_secs_f64() / base;
    println!();
    println!(
        "goal: extract + identity merge (library) <= {GOAL_RATIO:.1}x bare parse: {} ({ratio:.2}x; the two CLI commands with JSON between them: {:.2}x)",
        if ratio <= GOAL_RATIO {
            "MET"
        } else {
            "NOT MET"
        },
        cli.median.as_secs_f64() / base
    );
}

/// Median and minimum of the measured passes.
struct Timing {
    median: Duration,
    min: Duration,
}

fn measure(warmup: usize, iters: usize, mut pass: impl FnMut() -> usize) -> Timing {
    for _ in 0..warmup {
        black_box(pass());
    }
    let mut times: Vec<Duration> = (0..iters)
        .map(|_| {
            let start = Instant::now();
            black_box(pass());
            start.elapsed()
        })
        .collect();
    times.sort();
    Timing {
        median: times[times.len() / 2],
        min: times[0],
    }
}

/// pulldown-cmark alone: the events with their offsets, counted.
fn bare_parse(text: &str) -> usize {
    let mut events = 0;
    for (event, range) in Parser::new_ext(black_box(text), markdown_options()).into_offset_iter() {
        black_box((&event, range.end));
        events += 1;
    }
    events
}

/// `editions extract` then `editions merge` with each segment's own source, in memory.
fn cli_extract_merge(text: &str, options: &SegmentOptions) -> usize {
    // extract
    let doc = Document::parse(black_box(text), options);
    let records: Vec<SegmentRecord<'_>> = doc
        .segments()
        .map(|s| SegmentRecord {
            id: &s.id,
            line: s.line,
            kind: s.kind.short().into_owned(),
            source: &s.tagged,
        })
        .collect();
    let json = serde_json::to_string_pretty(&records).expect("serialisable");
    drop(records);
    drop(doc);
    // merge
    let read: Vec<ReadRecord> = serde_json::from_str(black_box(&json)).expect("parsable");
    let map: BTreeMap<String, String> = read.into_iter().map(|r| (r.id, r.source)).collect();
    let doc = Document::parse(text, options);
    let merged = editions::merge(&doc, &map).expect("identity merge");
    assert!(merged == text, "identity merge changed the document");
    black_box(merged.len() + json.len())
}

/// The library directly: one parse, each segment's own source, merge.
fn library_merge(text: &str, options: &SegmentOptions) -> usize {
    let doc = Document::parse(black_box(text), options);
    let map: BTreeMap<String, String> = doc
        .segments()
        .map(|s| (s.id.clone(), s.tagged.clone()))
        .collect();
    let merged = editions::merge(&doc, &map).expect("identity merge");
    assert!(merged == text, "identity merge changed the document");
    black_box(merged.len())
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        Err(_) => default,
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", dir.display());
        std::process::exit(2);
    });
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
}
