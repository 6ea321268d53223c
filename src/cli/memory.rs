//! `editions memory`: export the translation memory for other tools, import reviewed
//! translations into it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use editions::glossary::Glossary;
use editions::markdown::tag::{self, Item};
use editions::memory::{Entry, Memory, Origin};
use editions::model::prompt::PROMPT_VERSION;
use editions::model::validate::validate;
use editions::{Document, Lang, SegmentOptions, SourceText};

use super::messages::say;
use super::{write_atomically, Failure, EXIT_OK};

/// Writes the memory as TMX 1.4. Tags become TMX inline elements: paired tags `<bpt>`/`<ept>`
/// with a shared `i`, placeholders `<ph>`; their original spelling is the element's content.
pub fn export_tmx(memory: &Memory, source: Lang, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<tmx version="1.4">"#)?;
    writeln!(
        out,
        r#"  <header creationtool="editions" creationtoolversion="{}" segtype="paragraph" o-tmf="editions-jsonl" adminlang="en" srclang="{}" datatype="markdown"/>"#,
        env!("CARGO_PKG_VERSION"),
        tmx_lang(source.code())
    )?;
    writeln!(out, "  <body>")?;
    for e in memory.entries()? {
        writeln!(
            out,
            r#"    <tu creationdate="{}" creationid="{}">"#,
            e.date.replace('-', "") + "T000000Z",
            escape(&e.model)
        )?;
        if e.origin == Origin::Approved {
            writeln!(out, r#"      <prop type="x-origin">approved</prop>"#)?;
        }
        writeln!(
            out,
            r#"      <tuv xml:lang="{}"><seg>{}</seg></tuv>"#,
            tmx_lang(source.code()),
            seg(&e.source)
        )?;
        writeln!(
            out,
            r#"      <tuv xml:lang="{}"><seg>{}</seg></tuv>"#,
            tmx_lang(&e.locale),
            seg(&e.target)
        )?;
        writeln!(out, "    </tu>")?;
    }
    writeln!(out, "  </body>")?;
    writeln!(out, "</tmx>")?;
    Ok(())
}

fn tmx_lang(code: &str) -> &str {
    match code {
        "zh" => "zh-CN",
        "ja" => "ja-JP",
        "en" => "en",
        other => other,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn seg(tagged: &str) -> String {
    let mut out = String::new();
    for item in tag::parse(tagged) {
        match item {
            Item::Text(t) => out.push_str(&escape(&t)),
            Item::Newline => out.push('\n'),
            Item::Open(t) => out.push_str(&format!(
                r#"<bpt i="{}" type="{}">{}</bpt>"#,
                t.n,
                t.kind.name(),
                escape(&format!("<{t}>"))
            )),
            Item::Close(t) => out.push_str(&format!(
                r#"<ept i="{}">{}</ept>"#,
                t.n,
                escape(&format!("</{t}>"))
            )),
            Item::Atom(t) => out.push_str(&format!(
                r#"<ph x="{}" type="{}">{}</ph>"#,
                t.n,
                t.kind.name(),
                escape(&format!("<{t}/>"))
            )),
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
/// Imports reviewed translations of `file` (a JSON object of segment id → tagged text) as
/// approved entries, after validating each one.
pub fn import(
    file: &Path,
    translations: &Path,
    options: &SegmentOptions,
    target: Lang,
    glossary: &Glossary,
    memory: &mut Memory,
    date: &str,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let source = SourceText::read(file)?;
    let doc = Document::parse(&source.text, options).with_path(file);
    let text = SourceText::read(translations)?;
    let map: BTreeMap<String, String> = serde_json::from_str(&text.text).map_err(|e| {
        anyhow::anyhow!(
            "`{}`: {e}\n  {}",
            translations.display(),
            say("hint", &[("hint", &say("cli-translations-shape", &[]))])
        )
    })?;
    let mut problems = Vec::new();
    let mut imported = 0;
    for seg in doc.segments() {
        let Some(t) = map.get(&seg.id) else { continue };
        match validate(seg, t, options.source, target, glossary) {
            Ok(()) => {
                memory.insert(Entry {
                    locale: target.code().to_string(),
                    source: seg.tagged.clone(),
                    target: t.clone(),
                    glossary: String::new(),
                    prompt: PROMPT_VERSION,
                    model: "import".into(),
                    date: date.to_string(),
                    origin: Origin::Approved,
                });
                imported += 1;
            }
            Err(r) => problems.push(format!(
                "  - {}: {r}",
                say("cli-segment-at", &[("id", &seg.id), ("line", &seg.line)])
            )),
        }
    }
    for id in map.keys() {
        if !doc.segments().any(|s| &s.id == id) {
            problems.push(format!("  - {}", say("cli-no-such-segment", &[("id", id)])));
        }
    }
    if !problems.is_empty() {
        return Err(Failure(anyhow::anyhow!(
            "{}:\n{}",
            say(
                "cli-not-imported",
                &[
                    ("count", &problems.len()),
                    ("path", &translations.display())
                ]
            ),
            problems.join("\n")
        ))
        .into());
    }
    memory.compact()?;
    writeln!(
        out,
        "imported {imported} translations into `{}`",
        memory.path.display()
    )?;
    Ok(EXIT_OK)
}

/// Writes `text` to `path`, or to `out` when there is no path.
pub fn emit(text: Vec<u8>, path: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<()> {
    match path {
        Some(p) => write_atomically(p, &String::from_utf8(text)?),
        None => Ok(out.write_all(&text)?),
    }
}
