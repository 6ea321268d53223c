//! Identity on a real archive: for every `.md` file under a folder, `extract` followed by
//! `merge` with each segment's own source must give back the file byte for byte.
//!
//! Usage: `cargo run --release --example corpus_identity -- ../shared/corpus/python-weekly/docs`
//!
//! Each file is segmented as Chinese and also in the language its folder names (`en/`, `ja/`),
//! so that English and Japanese editions exercise their own segments too. Exits non-zero if any
//! file does not come back identical.
//!
//! With `--spec FILE`, the inputs are the CommonMark spec's examples, read from
//! pulldown-cmark's `tests/suite/spec.rs` (its `let original = r##"…"##;` strings; in cargo's
//! registry sources): each is segmented in English (so that every text is a segment), merged
//! with its own tagged text (it must come back byte for byte), and merged with its tagged text
//! written another way that means the same (`"` as `&quot;`, a line break at the end): that
//! must come back byte for byte or be refused, never change silently. It prints
//! `spec identical N/N` and `spec silent changes N`.
//!
//! With `--pseudo`, every text of every segment is replaced by a hostile pseudo-translation
//! (Markdown block markers at line starts, emphasis, brackets, backticks, HTML, entities,
//! pipes) and the merge must succeed with the same block structure and the same link and image
//! destinations, parsed independently of the engine. It prints `structure kept N/N`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use editions::{Document, Lang, SegmentOptions, SourceText};

#[path = "../tests/support/shape.rs"]
#[allow(dead_code)]
mod shape;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pseudo = args.iter().any(|a| a == "--pseudo");
    let Some(root) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: corpus_identity [--pseudo] <folder of .md files>");
        return ExitCode::from(2);
    };
    if pseudo {
        return pseudo_check(Path::new(root));
    }
    if args.iter().any(|a| a == "--spec") {
        return spec_check(Path::new(root));
    }
    let mut files = Vec::new();
    collect(Path::new(&root), &mut files);
    files.sort();
    let (mut identical, mut segments, mut runs) = (0, 0, 0);
    let mut failures = Vec::new();
    for file in &files {
        let source = SourceText::read(file).expect("readable UTF-8");
        let folder_lang = match file
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            Some("en") => Lang::En,
            Some("ja") => Lang::Ja,
            _ => Lang::Zh,
        };
        let mut ok = true;
        for lang in [Lang::Zh, folder_lang] {
            let options = SegmentOptions {
                source: lang,
                ..SegmentOptions::default()
            };
            let doc = Document::parse(&source.text, &options).with_path(file);
            // Exactly what `editions extract` prints and `editions merge` reads.
            let extracted: Vec<(String, String)> = doc
                .segments()
                .map(|s| (s.id.clone(), s.tagged.clone()))
                .collect();
            let json = serde_json::to_string(&extracted.into_iter().collect::<BTreeMap<_, _>>())
                .expect("serialisable");
            let map: BTreeMap<String, String> = serde_json::from_str(&json).expect("parsable");
            segments += map.len();
            runs += doc.runs.len();
            match editions::merge(&doc, &map) {
                Ok(out) if source.restore(out.clone()) == source.restore(source.text.clone()) => {}
                Ok(out) => {
                    ok = false;
                    failures.push(format!(
                        "{} ({lang}): {}",
                        file.display(),
                        first_difference(&source.text, &out)
                    ));
                }
                Err(e) => {
                    ok = false;
                    failures.push(format!("{} ({lang}): {e}", file.display()));
                }
            }
        }
        identical += usize::from(ok);
    }
    for f in failures.iter().take(20) {
        println!("DIFFERENT {f}");
    }
    println!("segments merged: {segments} (of {runs} inline runs)");
    println!("identical {identical}/{}", files.len());
    if identical == files.len() && !files.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn spec_check(spec: &Path) -> ExitCode {
    let Ok(code) = std::fs::read_to_string(spec) else {
        eprintln!("cannot read {}", spec.display());
        return ExitCode::from(2);
    };
    let examples: Vec<&str> = code
        .split("let original = r##\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\"##;").map(|(example, _)| example))
        .collect();
    let options = SegmentOptions {
        source: Lang::En,
        ..SegmentOptions::default()
    };
    let (mut identical, mut silent, mut refused) = (0, 0, 0);
    for (n, text) in examples.iter().enumerate() {
        let doc = Document::parse(text, &options);
        let own: BTreeMap<String, String> = doc
            .segments()
            .map(|s| (s.id.clone(), s.tagged.clone()))
            .collect();
        let same: BTreeMap<String, String> = doc
            .segments()
            .map(|s| {
                let quoted = s.tagged.replace('"', "&quot;");
                let newline = if s.kind.is_plain_string() { "" } else { "\n" };
                (s.id.clone(), quoted + newline)
            })
            .collect();
        match editions::merge(&doc, &own) {
            Ok(out) if out == *text => identical += 1,
            Ok(out) => println!(
                "DIFFERENT example {}: {}",
                n + 1,
                first_difference(text, &out)
            ),
            Err(e) => println!("DIFFERENT example {}: {e}", n + 1),
        }
        match editions::merge(&doc, &same) {
            Ok(out) if out == *text => {}
            Ok(out) => {
                silent += 1;
                println!("SILENT example {}: {}", n + 1, first_difference(text, &out));
            }
            Err(_) => refused += 1,
        }
    }
    println!("spec identical {identical}/{}", examples.len());
    println!("spec silent changes {silent} (refused {refused})");
    if identical == examples.len() && silent == 0 && !examples.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("cannot read {}", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
}

fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let lo = a.floor_char_boundary(at.saturating_sub(40));
    format!(
        "first difference at byte {at}: {:?} vs {:?}",
        &a[lo..a.ceil_char_boundary((at + 40).min(a.len()))],
        &b[b.floor_char_boundary(lo)..b.ceil_char_boundary((at + 40).min(b.len()))]
    )
}

const HOSTILE: &str = "# 1. - > + *x* _y_ [z](u) `c` <b>&amp; | ~~s~~ \\ ! $m$ [!NOTE] << -w 9.3.1";

fn pseudo_check(root: &Path) -> ExitCode {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let mut kept = 0;
    for file in &files {
        let source = SourceText::read(file).expect("readable UTF-8");
        let doc = Document::parse(&source.text, &SegmentOptions::default()).with_path(file);
        let map: BTreeMap<String, String> = doc
            .segments()
            .map(|s| (s.id.clone(), pseudo_translate(&s.tagged)))
            .collect();
        match editions::merge(&doc, &map) {
            Ok(out) => {
                let (a, b) = (outline(&source.text), outline(&out));
                if a == b {
                    kept += 1;
                } else {
                    println!("CHANGED {}: structure or links differ", file.display());
                }
            }
            Err(e) => println!("FAILED {}: {e}", file.display()),
        }
    }
    println!("structure kept {kept}/{}", files.len());
    if kept == files.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Replaces each text between tags with hostile text, and each line break with a newline
/// followed by hostile text.
fn pseudo_translate(tagged: &str) -> String {
    let mut out = String::new();
    let mut rest = tagged;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let text = &rest[..start];
        if !text.trim().is_empty() {
            out.push_str(&hostile(text));
        }
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    if !rest.trim().is_empty() {
        out.push_str(&hostile(rest));
    }
    out
}

fn hostile(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            format!("{HOSTILE} {}", line.chars().rev().collect::<String>())
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Block structure (HTML as its markup) and link destinations, read with pulldown-cmark and
/// html5gum alone.
fn outline(text: &str) -> (Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut links = Vec::new();
    for event in Parser::new_ext(text, editions::markdown::segment::markdown_options()) {
        match event {
            // A same-document link follows its heading, whose translation changes its slug.
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                links.push(if dest_url.starts_with('#') {
                    "#".to_string()
                } else {
                    dest_url.to_string()
                })
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {}
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::Start(t) => blocks.push(format!("{t:?}")),
            Event::End(t) => blocks.push(format!("{t:?}")),
            Event::Code(c) => blocks.push(format!("code {c}")),
            // HTML's text and readable attributes are translated, its markup is not.
            Event::Html(h) | Event::InlineHtml(h) => {
                blocks.push(format!("html {}", shape::html_shape(&h)))
            }
            _ => {}
        }
    }
    links.sort();
    (blocks, links)
}
