//! `editions memory`: export the translation memory for other tools, import reviewed
//! translations into it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use editions::glossary::Glossary;
use editions::lifecycle::import::Refused;
use editions::markdown::tag::{self, Item};
use editions::memory::{Memory, Origin};
use editions::{Document, Lang, SegmentOptions, SourceText};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::messages::say;
use super::{write_atomically, Failure, EXIT_OK};

/// Writes the memory as TMX 1.4, through quick-xml's writer, which escapes every text and
/// attribute. Tags become TMX inline elements: paired tags `<bpt>`/`<ept>` with a shared `i`,
/// placeholders `<ph>`; their original spelling is the element's content. A character XML 1.0
/// cannot hold at all (a C0 control other than tab and newline) becomes a `<ph
/// type="x-control">` holding its code point, so that the file stays well-formed.
pub fn export_tmx(memory: &Memory, source: Lang, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = Writer::new(out);
    let text =
        |w: &mut Writer<&mut dyn Write>, t: &str| w.write_event(Event::Text(BytesText::new(t)));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    text(&mut w, "\n")?;
    w.write_event(Event::Start(
        BytesStart::new("tmx").with_attributes([("version", "1.4")]),
    ))?;
    text(&mut w, "\n  ")?;
    w.write_event(Event::Empty(BytesStart::new("header").with_attributes([
        ("creationtool", "editions"),
        ("creationtoolversion", env!("CARGO_PKG_VERSION")),
        ("segtype", "paragraph"),
        ("o-tmf", "editions-jsonl"),
        ("adminlang", "en"),
        ("srclang", tmx_lang(source.code())),
        ("datatype", "markdown"),
    ])))?;
    text(&mut w, "\n  ")?;
    w.write_event(Event::Start(BytesStart::new("body")))?;
    for e in memory.entries()? {
        text(&mut w, "\n    ")?;
        let date = e.date.replace('-', "") + "T000000Z";
        w.write_event(Event::Start(BytesStart::new("tu").with_attributes([
            ("creationdate", date.as_str()),
            ("creationid", e.model.as_str()),
        ])))?;
        if e.origin == Origin::Approved {
            text(&mut w, "\n      ")?;
            w.create_element("prop")
                .with_attribute(("type", "x-origin"))
                .write_text_content(BytesText::new("approved"))?;
        }
        for (lang, tagged) in [
            (tmx_lang(source.code()), &e.source),
            (tmx_lang(&e.locale), &e.target),
        ] {
            text(&mut w, "\n      ")?;
            w.write_event(Event::Start(
                BytesStart::new("tuv").with_attributes([("xml:lang", lang)]),
            ))?;
            w.write_event(Event::Start(BytesStart::new("seg")))?;
            seg(&mut w, tagged)?;
            w.write_event(Event::End(BytesEnd::new("seg")))?;
            w.write_event(Event::End(BytesEnd::new("tuv")))?;
        }
        text(&mut w, "\n    ")?;
        w.write_event(Event::End(BytesEnd::new("tu")))?;
    }
    text(&mut w, "\n  ")?;
    w.write_event(Event::End(BytesEnd::new("body")))?;
    text(&mut w, "\n")?;
    w.write_event(Event::End(BytesEnd::new("tmx")))?;
    text(&mut w, "\n")?;
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

/// Whether XML 1.0 can hold `c` at all (as itself or as a character reference).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A segment's tagged text as TMX inline content.
fn seg(w: &mut Writer<&mut dyn Write>, tagged: &str) -> std::io::Result<()> {
    let inline =
        |w: &mut Writer<&mut dyn Write>, name: &str, attrs: &[(&str, &str)], content: &str| {
            w.create_element(name)
                .with_attributes(attrs.iter().copied())
                .write_text_content(BytesText::new(content))
                .map(|_| ())
        };
    for item in tag::parse(tagged) {
        match item {
            Item::Text(t) => {
                let mut rest = t.as_str();
                while let Some(at) = rest.find(|c| !xml_char(c)) {
                    let c = rest[at..].chars().next().expect("a character");
                    w.write_event(Event::Text(BytesText::new(&rest[..at])))?;
                    let code = format!("U+{:04X}", c as u32);
                    inline(w, "ph", &[("type", "x-control")], &code)?;
                    rest = &rest[at + c.len_utf8()..];
                }
                w.write_event(Event::Text(BytesText::new(rest)))?;
            }
            Item::Newline => w.write_event(Event::Text(BytesText::new("\n")))?,
            Item::Open(t) => inline(
                w,
                "bpt",
                &[("i", &t.n.to_string()), ("type", t.kind.name())],
                &format!("<{t}>"),
            )?,
            Item::Close(t) => inline(w, "ept", &[("i", &t.n.to_string())], &format!("</{t}>"))?,
            Item::Atom(t) => inline(
                w,
                "ph",
                &[("x", &t.n.to_string()), ("type", t.kind.name())],
                &format!("<{t}/>"),
            )?,
        }
    }
    Ok(())
}

/// A translation not imported, as the report lists it.
fn told(refused: &Refused) -> String {
    match refused {
        Refused::Invalid { id, line, why } => format!(
            "  - {}: {why}",
            say("cli-segment-at", &[("id", id), ("line", line)])
        ),
        Refused::NoSuchSegment { id } => {
            format!("  - {}", say("cli-no-such-segment", &[("id", id)]))
        }
    }
}

/// The error of an import that kept every translation out, with each one's problem.
fn not_imported(problems: &[String], translations: &Path) -> anyhow::Error {
    Failure(anyhow::anyhow!(
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
    .into()
}

/// What `memory import` imports, and where.
pub struct Import<'a> {
    /// The original whose segments are translated.
    pub file: &'a Path,
    /// The translations: a JSON object of segment id → tagged text.
    pub translations: &'a Path,
    pub options: &'a SegmentOptions,
    pub target: Lang,
    pub glossary: &'a Glossary,
    /// `YYYY-MM-DD`, for the entries.
    pub date: &'a str,
    /// The folder `translate` leaves files to translate by hand in.
    pub failed: &'a Path,
}

/// Imports reviewed translations of `file` (a JSON object of segment id → tagged text) as
/// approved entries, after validating each one.
pub fn import(import: &Import<'_>, memory: &mut Memory, out: &mut dyn Write) -> anyhow::Result<u8> {
    let Import {
        file,
        translations,
        options,
        target,
        glossary,
        date,
        failed,
    } = *import;
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
    let imported =
        match editions::lifecycle::import::import(&doc, &map, target, glossary, memory, date) {
            Ok(imported) => imported,
            Err(refused) => {
                let problems: Vec<String> = refused.iter().map(told).collect();
                return Err(not_imported(&problems, translations));
            }
        };
    memory.compact()?;
    writeln!(
        out,
        "{}",
        say(
            "cli-imported",
            &[("count", &imported), ("memory", &memory.path.display())]
        )
    )?;
    // A file translate left for hand translation has served: it goes, and so do the folders
    // it leaves empty.
    let (Ok(at), Ok(left)) = (translations.canonicalize(), failed.canonicalize()) else {
        return Ok(EXIT_OK);
    };
    if at.starts_with(&left) {
        std::fs::remove_file(&at)
            .with_context(|| format!("cannot remove `{}`", translations.display()))?;
        let mut dir = at.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&left)) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        writeln!(
            out,
            "{}",
            say("cli-import-removed", &[("file", &translations.display())])
        )?;
    }
    Ok(EXIT_OK)
}

/// Writes `text` to `path`, or to `out` when there is no path.
pub fn emit(text: Vec<u8>, path: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<()> {
    match path {
        Some(p) => write_atomically(p, &String::from_utf8(text)?),
        None => Ok(out.write_all(&text)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use editions::memory::Entry;
    use editions::model::prompt::PROMPT_VERSION;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    /// Markup characters, a control character and a tag in the same entry: the export is
    /// well-formed XML that gives every text back.
    #[test]
    fn the_tmx_export_is_well_formed_whatever_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut memory = Memory::load(&dir.path().join("m.jsonl")).unwrap();
        memory.insert(Entry {
            locale: "en".into(),
            source: "a < b && \"c\" \u{7}<b1>粗</b1>".into(),
            target: "a < b && 'c' \u{7}<b1>bold</b1>".into(),
            glossary: String::new(),
            prompt: PROMPT_VERSION,
            model: "m&m".into(),
            date: "2024-01-06".into(),
            origin: Origin::Approved,
            rating: None,
            note: None,
            asked: Vec::new(),
        });
        memory.compact().unwrap();
        let mut out = Vec::new();
        export_tmx(&memory, Lang::Zh, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        let mut reader = Reader::from_str(&xml);
        let (mut texts, mut controls) = (String::new(), 0);
        loop {
            match reader.read_event().unwrap_or_else(|e| panic!("{e}: {xml}")) {
                Event::Eof => break,
                Event::Text(t) => texts.push_str(&t),
                Event::GeneralRef(r) => texts.push_str(&format!("&{};", &*r)),
                Event::Start(s) if s.name().as_ref() == "ph" => controls += 1,
                _ => {}
            }
        }
        assert!(!xml.contains('\u{7}'), "{xml}");
        assert!(xml.contains(r#"<ph type="x-control">U+0007</ph>"#), "{xml}");
        assert_eq!(controls, 2);
        assert!(xml.contains(r#"creationid="m&amp;m""#), "{xml}");
        assert!(
            texts.contains("a &lt; b &amp;&amp; &quot;c&quot; "),
            "{texts}"
        );
    }
}
