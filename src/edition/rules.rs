//! Assembling an edition: the translated body, the target locale's own boilerplate, and the
//! locale's deterministic rules.
//!
//! An edition is not a bare translation. Config rules name the original's fixed blocks (the
//! intro, the section headings, the season promotion, the subscription list) and the Fluent
//! message that replaces each in a locale, or that a block is dropped in a locale (Chinese-only
//! paid-column links). A block no rule names is translated. After translation, the locale's
//! rules apply without a model: full-width punctuation becomes ASCII with English spacing, item
//! numbers `1、` take the English editions' `1.` style (escaped, so a paragraph stays a
//! paragraph), and declared URL rewrites are made in link destinations.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag as MdTag};
use serde::Deserialize;

use crate::edition::locale::{Locale, LocaleError};
use crate::lang::Lang;
use crate::markdown::segment::{markdown_options, Document};
use crate::markdown::tag::{self, Item};

/// A rule naming a fixed block of the original.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A block whose text starts with this (its Markdown, after any heading marker).
    pub starts: Option<String>,
    /// A heading whose text starts with this, and everything under it up to the next heading
    /// of the same or a higher level.
    pub section: Option<String>,
    /// The YAML front matter: a locale whose editions begin with a heading instead (as the
    /// newsletter's English editions do) replaces it with a message.
    #[serde(default)]
    pub front_matter: bool,
    /// With `starts` or `section`: the block must also contain this.
    pub contains: Option<String>,
    /// The Fluent message that replaces it.
    pub message: Option<String>,
    /// Locales in which the block is dropped instead.
    #[serde(default)]
    pub drop: Vec<String>,
    /// The locales the rule applies to (all when empty); in the others the block is what it
    /// would be without the rule (translated, or the front matter kept).
    #[serde(default)]
    pub locales: Vec<String>,
}

/// A URL rewrite made in link and image destinations of an edition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlRewrite {
    pub from: String,
    pub to: String,
    /// Locales it applies to (all when empty).
    #[serde(default)]
    pub locales: Vec<String>,
}

impl UrlRewrite {
    pub fn applies_to(&self, locale: &str) -> bool {
        self.locales.is_empty() || self.locales.iter().any(|l| l == locale)
    }
}

/// What becomes of a fixed block in one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Replace(String),
    Drop,
}

/// A fixed block found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The bytes to replace or drop.
    pub range: Range<usize>,
    /// The rule's index in the config.
    pub rule: usize,
    pub action: Action,
}

/// A top-level block: its range (without trailing blank lines) and, for headings, its level
/// and the range of its inline text.
#[derive(Debug, Clone)]
struct Block {
    range: Range<usize>,
    /// The YAML front matter.
    front_matter: bool,
    heading: Option<u8>,
    inline: Option<Range<usize>>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let heading = match &tag {
                        MdTag::Heading { level, .. } => Some(*level as u8),
                        _ => None,
                    };
                    out.push(Block {
                        range,
                        front_matter: matches!(tag, MdTag::MetadataBlock(_)),
                        heading,
                        inline: None,
                    });
                }
                depth += 1;
            }
            Event::End(_) => depth -= 1,
            Event::Html(_) | Event::Rule if depth == 0 => out.push(Block {
                range,
                front_matter: false,
                heading: None,
                inline: None,
            }),
            _ => {}
        }
    }
    for b in &mut out {
        let raw = &text[b.range.clone()];
        let trimmed = raw.trim_end_matches(['\n', '\r', ' ', '\t']).len();
        b.range.end = b.range.start + trimmed;
        if b.heading.is_some() && raw.starts_with('#') {
            // An ATX heading's text starts after its marker.
            let marker = raw.len()
                - raw
                    .trim_start_matches('#')
                    .trim_start_matches([' ', '\t'])
                    .len();
            b.inline = Some(b.range.start + marker..b.range.end);
        }
    }
    out
}

/// The top-level blocks of `text`: each one's range (without trailing blank lines) and the text
/// a rule's `starts` is compared with.
pub fn top_blocks(text: &str) -> Vec<(Range<usize>, &str)> {
    blocks(text)
        .iter()
        .map(|b| (b.range.clone(), block_text(text, b)))
        .collect()
}

impl Rule {
    /// What the rule matches, as the config says it: `starts "…"`, `section "…"`, with
    /// `contains "…"`.
    pub fn describe(&self) -> String {
        let mut out = match (&self.starts, &self.section) {
            (Some(s), _) => format!("starts \"{s}\""),
            (None, Some(s)) => format!("section \"{s}\""),
            (None, None) if self.front_matter => "front_matter".to_string(),
            (None, None) => "matches nothing".to_string(),
        };
        if let Some(c) = &self.contains {
            out.push_str(&format!(", contains \"{c}\""));
        }
        if !self.locales.is_empty() {
            out.push_str(&format!(", locales {}", self.locales.join(" ")));
        }
        out
    }
}

/// The text a rule's `starts` is compared with: a block's Markdown after any heading marker.
fn block_text<'t>(text: &'t str, b: &Block) -> &'t str {
    let raw = &text[b.range.clone()];
    if b.heading.is_some() {
        raw.trim_start_matches('#').trim_start()
    } else {
        raw.trim_start()
    }
}

/// Finds the fixed blocks of `text` for `locale`.
pub fn find(text: &str, rules: &[Rule], locale: &str) -> Vec<Found> {
    let blocks = blocks(text);
    let mut found: Vec<Found> = Vec::new();
    let mut covered_until = 0;
    for (i, b) in blocks.iter().enumerate() {
        if b.range.start < covered_until {
            continue;
        }
        let body = block_text(text, b);
        for (r, rule) in rules.iter().enumerate() {
            if !rule.locales.is_empty() && !rule.locales.iter().any(|l| l == locale) {
                continue;
            }
            if rule
                .contains
                .as_ref()
                .is_some_and(|c| !text[b.range.clone()].contains(c.as_str()))
            {
                continue;
            }
            let action = if rule.drop.iter().any(|l| l == locale) {
                Action::Drop
            } else if let Some(m) = &rule.message {
                Action::Replace(m.clone())
            } else {
                continue;
            };
            if let (Some(section), Some(level)) = (&rule.section, b.heading) {
                if body.starts_with(section.as_str()) {
                    let end = blocks[i + 1..]
                        .iter()
                        .find(|n| n.heading.is_some_and(|l| l <= level))
                        .map_or(text.len(), |n| n.range.start);
                    let end = text[..end].trim_end_matches(['\n', '\r', ' ', '\t']).len();
                    found.push(Found {
                        range: b.range.start..end,
                        rule: r,
                        action,
                    });
                    covered_until = end;
                    break;
                }
            }
            if rule.front_matter && b.front_matter {
                found.push(Found {
                    range: b.range.clone(),
                    rule: r,
                    action,
                });
                break;
            }
            if let Some(starts) = &rule.starts {
                if body.starts_with(starts.as_str()) {
                    let range = match (&action, b.heading, &b.inline) {
                        (Action::Replace(_), Some(_), Some(inline)) => inline.clone(),
                        _ => b.range.clone(),
                    };
                    found.push(Found {
                        range,
                        rule: r,
                        action,
                    });
                    break;
                }
            }
        }
    }
    found
}

/// The ids of the segments of `doc` that lie in fixed blocks: they are not translated.
pub fn fixed_segments(doc: &Document<'_>, found: &[Found]) -> HashSet<String> {
    doc.segments()
        .filter(|s| {
            found
                .iter()
                .any(|f| f.range.start <= s.range.start && s.range.end <= f.range.end)
        })
        .map(|s| s.id.clone())
        .collect()
}

/// A replacement of some bytes of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub with: String,
}

/// Applies non-overlapping `edits` (sorted by position) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in edits {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.with);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Where `range` of a text lands once `edits` are applied; `None` when an edit touches it.
pub fn map_range(range: &Range<usize>, edits: &[Edit]) -> Option<Range<usize>> {
    let mut shift: isize = 0;
    for e in edits {
        if e.range.end <= range.start && !(e.range.is_empty() && e.range.start == range.start) {
            shift += e.with.len() as isize - e.range.len() as isize;
        } else if e.range.start >= range.end {
            break;
        } else {
            return None;
        }
    }
    let start = (range.start as isize + shift) as usize;
    Some(start..start + range.len())
}

/// The edits that replace or drop the fixed blocks of `text`, formatting messages with `vars`.
pub fn boilerplate_edits(
    text: &str,
    found: &[Found],
    locale: &Locale,
    vars: &BTreeMap<String, String>,
    locales_dir: &Path,
) -> Result<Vec<Edit>, LocaleError> {
    let mut edits = Vec::with_capacity(found.len());
    for f in found {
        match &f.action {
            Action::Replace(id) => edits.push(Edit {
                range: f.range.clone(),
                with: locale.format(id, vars, locales_dir)?,
            }),
            Action::Drop => {
                // The blank lines after a dropped block go with it.
                let rest = &text[f.range.end..];
                let skip = rest.len() - rest.trim_start_matches(['\n', '\r']).len();
                let end = f.range.end
                    + if f.range.end + skip < text.len() {
                        skip
                    } else {
                        0
                    };
                edits.push(Edit {
                    range: f.range.start..end,
                    with: String::new(),
                });
            }
        }
    }
    Ok(edits)
}

/// Replaces or drops the fixed blocks of `text`, formatting messages with `vars`.
pub fn apply(
    text: &str,
    found: &[Found],
    locale: &Locale,
    vars: &BTreeMap<String, String>,
    locales_dir: &Path,
) -> Result<String, LocaleError> {
    Ok(apply_edits(
        text,
        &boilerplate_edits(text, found, locale, vars, locales_dir)?,
    ))
}

/// The messages `rules` name, formatted for an issue in `locale`: what the locale's own blocks
/// of an edition hold.
pub fn locale_texts(
    rules: &[Rule],
    locale: &Locale,
    locales_dir: &Path,
    vars: &BTreeMap<String, String>,
) -> Vec<String> {
    locale_messages(rules, locale, locales_dir, vars)
        .into_values()
        .collect()
}

/// The messages the rules name, by id, as this issue writes them (those the locale has).
pub fn locale_messages(
    rules: &[Rule],
    locale: &Locale,
    locales_dir: &Path,
    vars: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    rules
        .iter()
        .filter_map(|r| r.message.as_deref())
        .filter(|m| locale.has(m))
        .filter_map(|m| Some((m.to_string(), locale.format(m, vars, locales_dir).ok()?)))
        .collect()
}

/// The variables of an issue's messages: `number` (from the title), `date`, `url`, `title`.
pub fn variables(doc: &Document<'_>, date: &str, url_pattern: &str) -> BTreeMap<String, String> {
    let title = doc.title().unwrap_or_default();
    let number: String = title
        .split('#')
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    BTreeMap::from([
        ("number".to_string(), number),
        ("date".to_string(), date.to_string()),
        ("url".to_string(), url_pattern.replace("{date}", date)),
        ("title".to_string(), title),
    ])
}

/// An item number as the target locale writes it, from the original's (`1、`, `①`, `1\. `,
/// with the spaces after it): `1\. ` in English (escaped, so the paragraph stays a paragraph),
/// `1、` in Japanese and Chinese; circled numbers stay as they are.
pub fn item_number_for(raw: &str, target: Lang) -> String {
    let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        let circled: String = raw.chars().take(1).collect();
        return format!("{circled} ");
    }
    match target {
        Lang::En => format!("{digits}\\. "),
        _ => format!("{digits}、"),
    }
}

/// The locale's deterministic rules on one translation (tagged text): full-width punctuation
/// to ASCII with English spacing and item numbers `N、` to `N. `, for Latin-script targets.
pub fn localize_translation(tagged: &str, target: Lang) -> String {
    localize(tagged, target, true)
}

/// Only the item numbers of [`localize_translation`]: what a person's own text (a hand edit,
/// an adopted edition) gets, since an item number is the edition's structure, not its wording.
pub fn localize_item_numbers(tagged: &str, target: Lang) -> String {
    localize(tagged, target, false)
}

fn localize(tagged: &str, target: Lang, punctuation_too: bool) -> String {
    if target != Lang::En {
        return tagged.to_string();
    }
    let mut items = tag::parse(tagged);
    let mut line_start = true;
    for item in &mut items {
        match item {
            Item::Text(t) => {
                let numbered = if line_start {
                    item_number(t)
                } else {
                    t.clone()
                };
                *t = if punctuation_too {
                    punctuation(&numbered)
                } else {
                    numbered
                };
                line_start = false;
            }
            Item::Newline => line_start = true,
            _ => line_start = false,
        }
    }
    let rendered = tag::render(&items);
    if !punctuation_too && rendered == tag::render(&tag::parse(tagged)) {
        // Unchanged: keep the text exactly as given (entities as written).
        return tagged.to_string();
    }
    rendered
}

fn item_number(s: &str) -> String {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    match s[digits..].strip_prefix('、') {
        Some(rest) if digits > 0 => format!("{}. {}", &s[..digits], rest.trim_start()),
        _ => s.to_string(),
    }
}

/// Full-width punctuation to ASCII, with the space English puts after it.
fn punctuation(s: &str) -> String {
    const FULL_WIDTH: [char; 16] = [
        '，', '、', '。', '：', '；', '！', '？', '（', '）', '“', '”', '「', '」', '‘', '’', '《',
    ];
    if !s.contains(FULL_WIDTH) && !s.contains('》') {
        return s.to_string();
    }
    let s = s.replace("（附：", "（");
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let piece = match c {
            '，' | '、' => ", ",
            '。' => ". ",
            '：' => ": ",
            '；' => "; ",
            '！' => "! ",
            '？' => "? ",
            '（' => " (",
            '）' => ") ",
            '“' | '”' | '「' | '」' | '《' | '》' => "\"",
            '‘' | '’' => "'",
            _ => {
                // No space before closing punctuation, none after an opening parenthesis,
                // never two in a row.
                if matches!(c, ',' | '.' | ')' | ':' | ';' | '!' | '?')
                    && out.ends_with(' ')
                    && out.len() > 1
                {
                    let kept = out.trim_end_matches(' ').len();
                    out.truncate(kept);
                }
                if c == ' ' && (out.ends_with(' ') || out.ends_with('(')) {
                    continue;
                }
                out.push(c);
                continue;
            }
        };
        for p in piece.chars() {
            if p == ' '
                && (out.ends_with(' ') || out.ends_with('(') || out.is_empty() && piece != " (")
            {
                continue;
            }
            if matches!(p, ',' | '.' | ')' | ':' | ';' | '!' | '?') && out.ends_with(' ') {
                let kept = out.trim_end_matches(' ').len();
                out.truncate(kept);
            }
            out.push(p);
        }
    }
    out
}

/// Makes the declared URL rewrites in the link and image destinations of `text`.
pub fn rewrite_urls(text: &str, rewrites: &[UrlRewrite], locale: &str) -> String {
    apply_edits(text, &url_edits(text, rewrites, locale))
}

/// The edits of [`rewrite_urls`].
pub fn url_edits(text: &str, rewrites: &[UrlRewrite], locale: &str) -> Vec<Edit> {
    let rewrites: Vec<&UrlRewrite> = rewrites.iter().filter(|r| r.applies_to(locale)).collect();
    let mut edits: Vec<Edit> = Vec::new();
    if rewrites.is_empty() {
        return edits;
    }
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        if let Event::Start(MdTag::Link { dest_url, .. } | MdTag::Image { dest_url, .. }) = event {
            if let Some(r) = rewrites.iter().find(|r| dest_url.contains(r.from.as_str())) {
                // The destination as written, inside this link's bytes.
                let src = &text[range.clone()];
                if let Some(at) = src.rfind(dest_url.as_ref()) {
                    let start = range.start + at;
                    edits.push(Edit {
                        range: start..start + dest_url.len(),
                        with: dest_url.replace(r.from.as_str(), &r.to),
                    });
                }
            }
        }
    }
    edits.sort_by_key(|e| e.range.start);
    edits.dedup_by(|b, a| b.range.start < a.range.end);
    edits
}

/// Applies the URL rewrites for `locale` to one URL.
pub fn rewrite_url(url: &str, rewrites: &[UrlRewrite], locale: &str) -> String {
    match rewrites
        .iter()
        .find(|r| r.applies_to(locale) && url.contains(r.from.as_str()))
    {
        Some(r) => url.replace(r.from.as_str(), &r.to),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        starts: Option<&str>,
        section: Option<&str>,
        message: Option<&str>,
        drop: &[&str],
    ) -> Rule {
        Rule {
            starts: starts.map(String::from),
            section: section.map(String::from),
            contains: None,
            message: message.map(String::from),
            drop: drop.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    const ISSUE: &str = "你好，我是猫哥。欢迎。\n\n## 🦄文章&教程\n\n1、[标题](https://a.b)\n\n描述。\n\n**温馨提示：** 微信优惠。\n\n## 🐼欢迎订阅\n\n- [博客](https://c.d)：介绍\n- [邮件](https://e.f)\n";

    /// A `front_matter` rule takes the YAML front matter, never a thematic break, and only in
    /// its locales.
    #[test]
    fn a_front_matter_rule_takes_the_front_matter_in_its_locales() {
        let text = "---\ntitle: '周刊#3：标题'\n---\n\n正文。\n\n---\n\n更多。\n";
        let rules = vec![Rule {
            front_matter: true,
            message: Some("edition-heading".into()),
            locales: vec!["en".into()],
            ..Default::default()
        }];
        let found = find(text, &rules, "en");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            &text[found[0].range.clone()],
            "---\ntitle: '周刊#3：标题'\n---"
        );
        assert!(find(text, &rules, "ja").is_empty());
        assert_eq!(rules[0].describe(), "front_matter, locales en");
    }

    #[test]
    fn replaces_and_drops_fixed_blocks() {
        let rules = vec![
            rule(Some("你好，我是猫哥"), None, Some("intro"), &[]),
            rule(Some("🦄文章&教程"), None, Some("heading-articles"), &[]),
            rule(Some("**温馨提示："), None, None, &["en"]),
            rule(None, Some("🐼欢迎订阅"), Some("subscribe"), &[]),
        ];
        let found = find(ISSUE, &rules, "en");
        assert_eq!(found.len(), 4);
        let ftl = "intro = Hello, [original]({ $url }).\nheading-articles = 🦄Articles & Tutorials\nsubscribe =\n    ## 🐼Subscribe\n\n    - [Blog](https://c.d)\n".to_string();
        let locale = Locale::from_sources("en", &[("en.ftl".into(), ftl)]).unwrap();
        let vars = BTreeMap::from([("url".to_string(), "https://o/1".to_string())]);
        let out = apply(ISSUE, &found, &locale, &vars, Path::new("locales")).unwrap();
        assert_eq!(
            out,
            "Hello, [original](https://o/1).\n\n## 🦄Articles & Tutorials\n\n1、[标题](https://a.b)\n\n描述。\n\n## 🐼Subscribe\n\n- [Blog](https://c.d)\n"
        );
        let doc = Document::parse(ISSUE, &Default::default());
        let fixed = fixed_segments(&doc, &found);
        assert_eq!(fixed.len(), 6, "{fixed:?}");
    }

    #[test]
    fn punctuation_and_item_numbers_follow_english() {
        assert_eq!(
            localize_translation("1、<a1>Title</a1>", Lang::En),
            "1. <a1>Title</a1>"
        );
        assert_eq!(
            localize_translation("It works（附：<a1>guide</a1>）。Next，more", Lang::En),
            "It works (<a1>guide</a1>). Next, more"
        );
        assert_eq!(localize_translation("1、题", Lang::Ja), "1、题");
    }

    #[test]
    fn rewrites_urls_in_destinations_only() {
        let rewrites = vec![UrlRewrite {
            from: "docs.python.org/zh-cn/3/".into(),
            to: "docs.python.org/3/".into(),
            locales: vec![],
        }];
        let md = "See [docs](https://docs.python.org/zh-cn/3/library/) and docs.python.org/zh-cn/3/ as text.\n";
        assert_eq!(
            rewrite_urls(md, &rewrites, "en"),
            "See [docs](https://docs.python.org/3/library/) and docs.python.org/zh-cn/3/ as text.\n"
        );
    }
}
