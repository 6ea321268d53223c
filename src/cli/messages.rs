//! The command line's own messages, through Fluent, in English and Simplified Chinese.
//!
//! The `.ftl` files live in `src/cli/messages/{en,zh-CN}.ftl`, apart from the newsletter's
//! `locales/` (which a newsletter copies and edits) and from the library's own messages
//! (`src/message/`), and are embedded in the binary, so the messages work wherever the binary
//! runs. The language is `--lang`, else `LC_ALL`, `LC_MESSAGES` or `LANG` (`zh*` chooses
//! Chinese), else English; it is set once for the library and the command line alike.

use std::fmt::Display;
use std::sync::OnceLock;

use editions::message::{self, Catalog, Language};

const EN: &str = include_str!("messages/en.ftl");
const ZH_CN: &str = include_str!("messages/zh-CN.ftl");

static CATALOG: OnceLock<Catalog> = OnceLock::new();

fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| Catalog::new(EN, ZH_CN))
}

/// Loads the messages: a file that does not parse stops here, before any work.
pub fn load() {
    let _ = catalog();
}

/// Whether the messages are loaded: a bug found while loading them (a panic in
/// [`Catalog::new`]) is told without them, never by waiting for them.
pub fn ready() -> bool {
    CATALOG.get().is_some()
}

/// The language asked for by `--lang` or the environment.
pub fn choose(flag: Option<&str>) -> Language {
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty());
    let wanted = flag
        .map(str::to_string)
        .or(env)
        .unwrap_or_default()
        .to_lowercase();
    if wanted.starts_with("zh") {
        Language::ZhCn
    } else {
        Language::En
    }
}

/// Sets the language of every message, the library's included.
pub fn init(language: Language) {
    message::set_language(language);
}

/// Message `id` and its hint on the next line.
pub fn hinted(id: &str, args: &[(&str, &dyn Display)]) -> String {
    catalog().tr_hint(id, args)
}

/// Message `id` with `args`.
pub fn say(id: &str, args: &[(&str, &dyn Display)]) -> String {
    catalog().tr(id, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let ids = |src: &str| -> Vec<String> {
            let mut v: Vec<String> = src
                .lines()
                .filter(|l| !l.starts_with('#') && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids(EN), ids(ZH_CN));
        message::set_language(Language::ZhCn);
        let unchanged = say("cli-unchanged", &[("edition", &"docs/en/x.md")]);
        message::set_language(Language::En);
        assert_eq!(unchanged, "docs/en/x.md：没有变化");
    }
}
