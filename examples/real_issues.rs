//! Real issues through the whole pipeline: copies issues from the real archive into a
//! temporary newsletter root (with this repository's editions.toml rules, locales and
//! glossary), translates them with the `editions` binary against the stand-in server, and
//! compares each edition's links, images and code with the original's after the declared
//! rules (blocks replaced or dropped by the locale, URL rewrites).
//!
//! Usage (after `cargo build --release`):
//! `cargo run --release --example real_issues -- ../shared/corpus/python-weekly/docs 2024-01-06 2025-12-13 2025-07-05`

#[path = "../tests/support/standin.rs"]
mod standin;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use editions::edition::rules as edition;
use pulldown_cmark::{Event, Parser, Tag};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((docs, dates)) = args.split_first() else {
        eprintln!("usage: real_issues <corpus docs folder> <date>...");
        return ExitCode::from(2);
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(repo.join("editions.toml")).unwrap();
    let rules_text = &config[config.find("[[boilerplate]]").unwrap()..];
    // The repository's rules, as the library reads editions.toml.
    let (rules, _) = editions::config::Config::load(repo).unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("docs")).unwrap();
    for dir in ["glossary", "locales"] {
        copy_dir(&repo.join(dir), &root.path().join(dir));
    }
    std::fs::write(
        root.path().join("editions.toml"),
        format!(
            "memory = \"memory.jsonl\"\n\n[model]\nname = \"{}\"\nbackoff = 0.01\n\n{rules_text}",
            standin::MODEL
        ),
    )
    .unwrap();
    let server = standin::StandIn::start(vec![]);
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("editions");
    let mut all_ok = true;
    println!(
        "{:<12} {:>14} {:>14} {:>14} {:>8}  result",
        "issue", "links", "images", "code", "dropped"
    );
    for date in dates {
        let name = format!("{date}-weekly.md");
        std::fs::copy(
            Path::new(docs).join(&name),
            root.path().join("docs").join(&name),
        )
        .unwrap();
        let out = Command::new(&binary)
            .arg("--root")
            .arg(root.path())
            .args(["translate", date])
            .env("OPENAI_API_KEY", standin::KEY)
            .env("OPENAI_BASE_URL", server.base_url())
            .output()
            .expect("the editions binary (cargo build --release first)");
        if !out.status.success() {
            println!(
                "{date:<12} FAILED: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            all_ok = false;
            continue;
        }
        let original = std::fs::read_to_string(root.path().join("docs").join(&name)).unwrap();
        let en = std::fs::read_to_string(root.path().join("docs/en").join(&name)).unwrap();
        // The original's body: without the blocks the locale replaces or drops, URLs rewritten.
        let found = edition::find(&original, &rules.boilerplate, "en");
        let mut body = String::new();
        let mut pos = 0;
        for f in &found {
            body.push_str(&original[pos..f.range.start]);
            pos = f.range.end;
        }
        body.push_str(&original[pos..]);
        let body = edition::rewrite_urls(&body, &rules.url_rewrite, "en");
        let (want, got) = (inventory(&body), inventory(&en));
        let missing = |w: &[String], g: &[String]| -> Vec<String> {
            let mut g = g.to_vec();
            w.iter()
                .filter(|x| match g.iter().position(|y| y == *x) {
                    Some(i) => {
                        g.remove(i);
                        false
                    }
                    None => true,
                })
                .cloned()
                .collect()
        };
        let lost_links = missing(&want.0, &got.0);
        let lost_images = missing(&want.1, &got.1);
        let lost_code = missing(&want.2, &got.2);
        let ok = lost_links.is_empty() && lost_images.is_empty() && lost_code.is_empty();
        all_ok &= ok;
        println!(
            "{date:<12} {:>6}/{:<7} {:>6}/{:<7} {:>6}/{:<7} {:>8}  {}",
            want.0.len() - lost_links.len(),
            want.0.len(),
            want.1.len() - lost_images.len(),
            want.1.len(),
            want.2.len() - lost_code.len(),
            want.2.len(),
            found
                .iter()
                .filter(|f| f.action == edition::Action::Drop)
                .count(),
            if ok {
                "all kept".to_string()
            } else {
                format!("LOST {lost_links:?} {lost_images:?} {lost_code:?}")
            }
        );
    }
    println!("requests to the stand-in: {}", server.requests().len());
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Link destinations, image destinations, code (spans and blocks), each sorted.
fn inventory(md: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut links, mut images, mut code) = (Vec::new(), Vec::new(), Vec::new());
    let mut in_code = false;
    for e in Parser::new_ext(md, editions::markdown::segment::markdown_options()) {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => images.push(dest_url.to_string()),
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                code.push(String::new());
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_code => code.last_mut().unwrap().push_str(&t),
            Event::Code(c) => code.push(c.to_string()),
            _ => {}
        }
    }
    links.sort();
    images.sort();
    code.sort();
    (links, images, code)
}

fn copy_dir(from: &Path, to: &PathBuf) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
