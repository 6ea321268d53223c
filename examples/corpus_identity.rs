//! Identity on a real archive: for every `.md` file under a folder, `extract` followed by
//! `merge` with each segment's own source must give back the file byte for byte.
//!
//! Usage: `cargo run --release --example corpus_identity -- ../shared/corpus/python-weekly/docs`
//!
//! Each file is segmented as Chinese and also in the language its folder names (`en/`, `ja/`),
//! so that English and Japanese editions exercise their own segments too. Exits non-zero if any
//! file does not come back identical.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use editions::{Document, Lang, SegmentOptions, SourceText};

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: corpus_identity <folder of .md files>");
        return ExitCode::from(2);
    };
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
