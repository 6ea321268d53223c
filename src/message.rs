//! What editions says to a person, in English or Simplified Chinese.
//!
//! Every sentence the library shows a person (an error and its hint, a finding and its fix, a
//! rule's summary, a heading of the review) is a Fluent message in
//! `src/message/{en,zh-CN}.ftl`, embedded in the library so that it works wherever the library
//! runs. Those files are the library's own: a newsletter's messages live in its `locales/`.
//!
//! The language is process-wide, as gettext's is: the command line sets it once from `--lang`
//! or the environment, and a program that never sets it gets English. An error's `Display`
//! therefore speaks the chosen language without the error carrying it.
//!
//! A hint is the `.hint` attribute of its message; [`tr_hint`] writes it on its own line after
//! the message, behind the language's word for "hint", the shape every error of editions has:
//!
//! ```text
//! cannot read `docs/x.md`: No such file or directory (os error 2)
//!   hint: check that the file exists and is readable
//! ```

use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

const EN: &str = include_str!("message/en.ftl");
const ZH_CN: &str = include_str!("message/zh-CN.ftl");

/// A language editions speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    ZhCn,
}

impl Language {
    /// `en` or `zh-CN`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhCn => "zh-CN",
        }
    }
}

static LANGUAGE: AtomicU8 = AtomicU8::new(0);

/// Sets the language of every message from now on.
pub fn set_language(language: Language) {
    LANGUAGE.store(language as u8, Ordering::Relaxed);
}

/// The language messages are written in.
pub fn language() -> Language {
    match LANGUAGE.load(Ordering::Relaxed) {
        1 => Language::ZhCn,
        _ => Language::En,
    }
}

type Bundle = FluentBundle<FluentResource>;

/// Messages in English and Simplified Chinese, from the text of their two `.ftl` files; a
/// message missing from the chosen language is written in English. The library has one
/// ([`tr`] and its siblings); the command line has its own, for its own messages.
pub struct Catalog {
    bundles: [Bundle; 2],
}

impl Catalog {
    /// A catalog from the text of its English and Chinese files; a file that does not parse
    /// is a bug of the program, caught by its tests.
    pub fn new(en: &str, zh_cn: &str) -> Self {
        Catalog {
            bundles: [bundle("en", en), bundle("zh-CN", zh_cn)],
        }
    }

    /// Message `id` with `args`, in the chosen language. An argument that is a whole number
    /// is passed as one, for Fluent's plural forms.
    pub fn tr(&self, id: &str, args: &[(&str, &dyn Display)]) -> String {
        self.format(language(), id, None, args)
    }

    /// Message `id` and, on its own line, its `.hint` attribute behind the catalog's word for
    /// "hint" (its message `hint`).
    pub fn tr_hint(&self, id: &str, args: &[(&str, &dyn Display)]) -> String {
        let hint = self.tr_attr(id, "hint", args);
        format!(
            "{}\n  {}",
            self.tr(id, args),
            self.tr("hint", &[("hint", &hint)])
        )
    }

    /// The `attribute` of message `id`, such as a rule's `.help`.
    pub fn tr_attr(&self, id: &str, attribute: &str, args: &[(&str, &dyn Display)]) -> String {
        self.format(language(), id, Some(attribute), args)
    }

    /// Whether the English file has message `id` (and `attribute`).
    pub fn has(&self, id: &str, attribute: Option<&str>) -> bool {
        self.bundles[0]
            .get_message(id)
            .is_some_and(|m| match attribute {
                None => m.value().is_some(),
                Some(a) => m.get_attribute(a).is_some(),
            })
    }

    fn format(
        &self,
        language: Language,
        id: &str,
        attribute: Option<&str>,
        args: &[(&str, &dyn Display)],
    ) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            let value = value.to_string();
            let number = !value.starts_with('0') || value == "0";
            match value.parse::<i64>() {
                Ok(n) if number && !value.starts_with('+') => fluent.set(*name, n),
                _ => fluent.set(*name, FluentValue::from(value)),
            }
        }
        let chosen = &self.bundles[language as usize];
        for bundle in [chosen, &self.bundles[0]] {
            let Some(message) = bundle.get_message(id) else {
                continue;
            };
            let pattern = match attribute {
                None => message.value(),
                Some(a) => message.get_attribute(a).map(|a| a.value()),
            };
            if let Some(pattern) = pattern {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, Some(&fluent), &mut errors)
                    .into_owned();
            }
        }
        match attribute {
            None => format!("[{id}]"),
            Some(a) => format!("[{id}.{a}]"),
        }
    }
}

fn bundle(code: &str, source: &str) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![code.parse().expect("a language id")]);
    // Isolation marks would land in Markdown and in terminals.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, e)| panic!("the embedded messages of {code} parse: {e:?}"));
    bundle
        .add_resource(resource)
        .expect("every message is defined once");
    bundle
}

/// The library's messages.
fn library() -> &'static Catalog {
    static LIBRARY: OnceLock<Catalog> = OnceLock::new();
    LIBRARY.get_or_init(|| Catalog::new(EN, ZH_CN))
}

/// The library's message `id` with `args`, in the chosen language.
pub fn tr(id: &str, args: &[(&str, &dyn Display)]) -> String {
    library().tr(id, args)
}

/// The library's message `id` and its hint: see [`Catalog::tr_hint`].
pub fn tr_hint(id: &str, args: &[(&str, &dyn Display)]) -> String {
    library().tr_hint(id, args)
}

/// The `attribute` of the library's message `id`.
pub fn tr_attr(id: &str, attribute: &str, args: &[(&str, &dyn Display)]) -> String {
    library().tr_attr(id, attribute, args)
}

/// A message written by [`tr_hint`] on one line: its hint after a colon, for formats with one
/// line per message (annotations, findings).
pub fn on_one_line(text: &str) -> String {
    let marker = tr("hint", &[("hint", &"\u{0}")]);
    let marker = marker.split('\u{0}').next().unwrap_or_default();
    text.replace(&format!("\n  {marker}"), ": ")
}

/// A message kept as its id and arguments, written out when shown: in the chosen language for
/// a person, or in English for a model (a finding given to the model as the reason to try
/// again). `Message::plain` holds text that is already written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    id: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(id: &'static str, args: &[(&'static str, &dyn Display)]) -> Self {
        Message {
            id,
            args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    /// Text that is already written, such as an error's own message.
    pub fn plain(text: impl Into<String>) -> Self {
        Message {
            id: "plain",
            args: vec![("text", text.into())],
        }
    }

    /// The value of argument `name`, if the message has one.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// What the message says, without where (its `line` and `column` arguments): two messages
    /// with the same identity say the same thing of the same text, wherever it moved.
    pub fn identity(&self) -> String {
        let mut out = self.id.to_string();
        for (k, v) in &self.args {
            if !matches!(*k, "line" | "column" | "edition-line") {
                out.push_str(&format!(" {k}={v}"));
            }
        }
        out
    }

    /// The message in English, whatever the chosen language.
    pub fn english(&self) -> String {
        self.render(Language::En)
    }

    fn render(&self, language: Language) -> String {
        let args: Vec<(&str, &dyn Display)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, v as &dyn Display))
            .collect();
        library().format(language, self.id, None, &args)
    }
}

impl Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(language()))
    }
}

impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message and attribute of one language is in the other.
    #[test]
    fn both_languages_have_the_same_messages() {
        let names = |src: &str| -> Vec<String> {
            let mut v = Vec::new();
            let mut id = String::new();
            for line in src.lines() {
                if let Some((name, _)) = line.split_once(" =") {
                    if !line.starts_with(' ') && !line.starts_with('#') {
                        id = name.to_string();
                        v.push(id.clone());
                    }
                }
                if let Some(rest) = line.trim_start().strip_prefix('.') {
                    if line.starts_with(' ') {
                        v.push(format!("{id}.{}", rest.split(" =").next().unwrap()));
                    }
                }
            }
            v.sort();
            v
        };
        let (en, zh) = (names(EN), names(ZH_CN));
        let only_en: Vec<_> = en.iter().filter(|n| !zh.contains(n)).collect();
        let only_zh: Vec<_> = zh.iter().filter(|n| !en.contains(n)).collect();
        assert!(
            only_en.is_empty() && only_zh.is_empty(),
            "only in en: {only_en:?}; only in zh-CN: {only_zh:?}"
        );
        assert!(en.len() > 50, "{}", en.len());
    }

    /// Every message id the library's sources name exists, with a hint where `hinted` asks
    /// for one.
    #[test]
    fn every_message_the_sources_use_exists() {
        let mut missing = Vec::new();
        let mut seen = 0;
        for path in sources(std::path::Path::new("src")) {
            let text = std::fs::read_to_string(&path).unwrap();
            for (call, hint) in [
                ("tr(\"", false),
                ("tr_hint(\"", true),
                ("tr_attr(\"", false),
            ] {
                for (i, _) in text.match_indices(call) {
                    let before = text[..i].chars().next_back().unwrap_or(' ');
                    if before.is_alphanumeric() || before == '_' || path.ends_with("message.rs") {
                        continue;
                    }
                    let rest = &text[i + call.len()..];
                    let id = &rest[..rest.find('"').unwrap()];
                    seen += 1;
                    let ok = library().has(id, None) && (!hint || library().has(id, Some("hint")));
                    if !ok {
                        missing.push(format!("{}: {id}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        assert!(seen > 50, "{seen}");
    }

    fn sources(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn numbers_choose_plural_forms_and_text_stays_text() {
        let needs = |count: &dyn Display, path: &dyn Display| {
            let all = tr("run-needs-model", &[("count", count), ("path", path)]);
            all[..all.find(" not in").unwrap()].to_string()
        };
        assert_eq!(needs(&1, &"x.md"), "1 segment of `x.md` is");
        assert_eq!(needs(&2, &"x.md"), "2 segments of `x.md` are");
        // Text that looks like a number is not one unless it is written as one.
        assert_eq!(needs(&"007", &"3.10"), "007 segments of `3.10` are");
        assert_eq!(tr("no-such-message", &[]), "[no-such-message]");
    }
}
