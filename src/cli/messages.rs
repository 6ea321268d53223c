//! The command line's own messages, through Fluent, in English and Simplified Chinese.
//!
//! The `.ftl` files live in `src/cli/messages/{en,zh-CN}.ftl`, apart from the newsletter's
//! `locales/` (which a newsletter copies and edits), and are embedded in the binary, so the
//! messages work wherever the binary runs. The language is `--lang`, else `LC_ALL`,
//! `LC_MESSAGES` or `LANG` (`zh*` chooses Chinese), else English.

use std::sync::OnceLock;

use editions::edition::locale::Locale;

const EN: &str = include_str!("messages/en.ftl");
const ZH_CN: &str = include_str!("messages/zh-CN.ftl");

/// The chosen language; a Fluent bundle is not `Sync`, so each thread builds its own.
static LANGUAGE: OnceLock<&'static str> = OnceLock::new();

thread_local! {
    static MESSAGES: Locale = build(LANGUAGE.get().copied().unwrap_or("en"));
}

fn build(code: &str) -> Locale {
    let (source, path) = if code == "zh-CN" {
        (ZH_CN, "src/cli/messages/zh-CN.ftl")
    } else {
        (EN, "src/cli/messages/en.ftl")
    };
    Locale::from_sources(code, &[(path.into(), source.to_string())])
        .expect("the embedded CLI messages parse")
}

/// The language asked for by `--lang` or the environment.
pub fn choose(flag: Option<&str>) -> &'static str {
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
        "zh-CN"
    } else {
        "en"
    }
}

/// Sets the language of the messages; the first call wins.
pub fn init(code: &'static str) {
    let _ = LANGUAGE.set(code);
}

/// Message `id` with `args`.
pub fn msg(id: &str, args: &[(&str, String)]) -> String {
    let vars = args
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    MESSAGES.with(|locale| {
        locale
            .format(id, &vars, std::path::Path::new("locales"))
            .unwrap_or_else(|e| format!("[{id}: {e}]"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let ids = |src: &str| -> Vec<String> {
            let mut v: Vec<String> = src
                .lines()
                .filter(|l| l.starts_with("cli-"))
                .map(|l| l.split(" =").next().unwrap().to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids(EN), ids(ZH_CN));
        let zh = Locale::from_sources("zh-CN", &[("zh.ftl".into(), ZH_CN.to_string())]).unwrap();
        let vars = [("edition".to_string(), "docs/en/x.md".to_string())].into();
        assert_eq!(
            zh.format("cli-unchanged", &vars, std::path::Path::new("l"))
                .unwrap(),
            "docs/en/x.md：没有变化"
        );
    }
}
