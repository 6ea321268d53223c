//! The front matter rule: an edition's YAML front matter has the original's keys in the
//! original's order; the fields that are translated (`front_matter_fields`, `title` by
//! default) are present, not empty and in the target's script; every other field is the
//! original's byte for byte (`pubDate`, `author`, `tags`).
//!
//! Only the block's top-level `key: value` lines are read; indented and list lines below a key
//! belong to its value.

use crate::check::Rule;
use crate::lang::{self, Lang};
use crate::message::Message;

/// A top-level field of a front matter block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: &'a str,
    /// The value as written, with the lines that continue it, without the line end.
    pub value: &'a str,
    /// 1-based line of the key.
    pub line: usize,
}

/// The entries of `text`'s front matter, or `None` if it has none.
pub fn entries(text: &str) -> Option<Vec<Entry<'_>>> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    let first = body.split_inclusive('\n').next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut out: Vec<Entry<'_>> = Vec::new();
    let mut pos = bom + first.len();
    let mut open: Option<(usize, usize)> = None; // the value's start and end in `text`
    let mut closed = false;
    for (n, line) in text[pos..].split_inclusive('\n').enumerate() {
        let start = pos;
        pos += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            closed = true;
            break;
        }
        let top = !bare.is_empty() && !bare.starts_with([' ', '\t', '#', '-']);
        match bare.find(':').filter(|_| top) {
            Some(colon) => {
                if let (Some((s, e)), Some(last)) = (open.take(), out.last_mut()) {
                    last.value = text[s..e].trim();
                }
                let value_start = start + colon + 1;
                open = Some((value_start, start + bare.len()));
                out.push(Entry {
                    key: bare[..colon].trim_end(),
                    value: "",
                    line: n + 2,
                });
            }
            None => {
                if let Some((_, e)) = &mut open {
                    if !bare.trim().is_empty() {
                        *e = start + bare.len();
                    }
                }
            }
        }
    }
    if !closed {
        return None;
    }
    if let (Some((s, e)), Some(last)) = (open, out.last_mut()) {
        last.value = text[s..e].trim();
    }
    Some(out)
}

/// A value without its YAML quotes.
fn unquoted(value: &str) -> &str {
    for q in ['\'', '"'] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// One difference between the front matters, as a rule id, whether it is at the edition's
/// line (else the original's), the line, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub rule: Rule,
    pub in_edition: bool,
    pub line: usize,
    pub message: Message,
}

/// Everything the rule needs besides the two texts.
pub struct Fields<'a> {
    /// The fields that are translated.
    pub translated: &'a [String],
    pub source: Lang,
    pub target: Lang,
    /// Text a translated field may keep in the source script.
    pub allowed: &'a [&'a str],
    /// The edition's name, for messages.
    pub edition: &'a str,
}

/// The differences between the front matter of `original` and that of `edition`.
pub fn compare(original: &str, edition: &str, fields: &Fields<'_>) -> Vec<Difference> {
    let Some(o) = entries(original) else {
        return Vec::new();
    };
    let Some(e) = entries(edition) else {
        return vec![missing(&o, fields)];
    };
    let mut out = key_differences(&o, &e, fields);
    out.extend(key_order(&o, &e));
    for y in &e {
        let Some(x) = o.iter().find(|x| x.key == y.key) else {
            continue;
        };
        let difference = if fields.translated.iter().any(|f| f == y.key) {
            untranslated(x, y, fields)
        } else {
            changed(x, y, fields)
        };
        out.extend(difference);
    }
    out
}

/// The edition has no front matter: the original's keys are missing.
fn missing(o: &[Entry<'_>], fields: &Fields<'_>) -> Difference {
    Difference {
        rule: Rule::FrontMatterMissing,
        in_edition: true,
        line: 1,
        message: Message::new(
            "finding-fm-missing",
            &[
                (
                    "keys",
                    &o.iter()
                        .map(|x| format!("`{}`", x.key))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                ("edition", &fields.edition),
            ],
        ),
    }
}

/// The keys of the original the edition lacks, then the keys of the edition the original
/// lacks.
fn key_differences(o: &[Entry<'_>], e: &[Entry<'_>], fields: &Fields<'_>) -> Vec<Difference> {
    let mut out = Vec::new();
    for x in o {
        if !e.iter().any(|y| y.key == x.key) {
            out.push(Difference {
                rule: Rule::FrontMatterKey,
                in_edition: false,
                line: x.line,
                message: Message::new(
                    "finding-fm-key-missing",
                    &[("key", &x.key), ("edition", &fields.edition)],
                ),
            });
        }
    }
    for y in e {
        if !o.iter().any(|x| x.key == y.key) {
            out.push(Difference {
                rule: Rule::FrontMatterKey,
                in_edition: true,
                line: y.line,
                message: Message::new("finding-fm-key-added", &[("key", &y.key)]),
            });
        }
    }
    out
}

/// The first key both sides have that the edition holds out of the original's order.
fn key_order(o: &[Entry<'_>], e: &[Entry<'_>]) -> Option<Difference> {
    let common_o: Vec<&str> = o
        .iter()
        .map(|x| x.key)
        .filter(|k| e.iter().any(|y| y.key == *k))
        .collect();
    let common_e: Vec<&Entry<'_>> = e
        .iter()
        .filter(|y| o.iter().any(|x| x.key == y.key))
        .collect();
    let (k, y) = common_o.iter().zip(&common_e).find(|(k, y)| **k != y.key)?;
    Some(Difference {
        rule: Rule::FrontMatterKey,
        in_edition: true,
        line: y.line,
        message: Message::new(
            "finding-fm-key-order",
            &[
                ("key", &y.key),
                ("original", k),
                ("keys", &common_o.join(", ")),
            ],
        ),
    })
}

/// A translated field `y` of the edition (`x` in the original) that is empty or holds text
/// of the source script.
fn untranslated(x: &Entry<'_>, y: &Entry<'_>, fields: &Fields<'_>) -> Option<Difference> {
    let value = unquoted(y.value).trim();
    let mut rest = value.to_string();
    for a in fields.allowed {
        rest = rest.replace(a, " ");
    }
    let message = if value.is_empty() && !unquoted(x.value).trim().is_empty() {
        Message::new(
            "finding-fm-empty",
            &[("key", &y.key), ("original", &x.value)],
        )
    } else {
        let run = lang::untranslated(fields.source, fields.target, &rest)?;
        Message::new(
            "finding-fm-untranslated",
            &[("key", &y.key), ("text", &run)],
        )
    };
    Some(Difference {
        rule: Rule::FrontMatterUntranslated,
        in_edition: true,
        line: y.line,
        message,
    })
}

/// A field `y` of the edition that is not translated but differs from the original's (`x`).
fn changed(x: &Entry<'_>, y: &Entry<'_>, fields: &Fields<'_>) -> Option<Difference> {
    if x.value == y.value {
        return None;
    }
    let translated = fields.translated.join(", ");
    let message = if x.value.contains('\n') || y.value.contains('\n') {
        Message::new(
            "finding-fm-value-lines",
            &[("key", &y.key), ("line", &x.line), ("fields", &translated)],
        )
    } else {
        Message::new(
            "finding-fm-value",
            &[
                ("key", &y.key),
                ("here", &y.value),
                ("there", &x.value),
                ("fields", &translated),
            ],
        )
    };
    Some(Difference {
        rule: Rule::FrontMatterValue,
        in_edition: true,
        line: y.line,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str =
        "---\ntitle: '周刊#34：体检'\npubDate: 2024-01-06\ntags:\n  - a\n  - b\n---\n\nbody\n";

    fn compare_en(edition: &str) -> Vec<String> {
        compare(
            ORIGINAL,
            edition,
            &Fields {
                translated: &["title".to_string()],
                source: Lang::Zh,
                target: Lang::En,
                allowed: &[],
                edition: "en.md",
            },
        )
        .into_iter()
        .map(|d| format!("{}:{}: {}", d.line, d.rule, d.message))
        .collect()
    }

    #[test]
    fn reads_top_level_entries_with_their_continuations() {
        let e = entries(ORIGINAL).unwrap();
        let keys: Vec<(&str, &str, usize)> = e.iter().map(|x| (x.key, x.value, x.line)).collect();
        assert_eq!(
            keys,
            [
                ("title", "'周刊#34：体检'", 2),
                ("pubDate", "2024-01-06", 3),
                ("tags", "- a\n  - b", 4)
            ]
        );
        assert_eq!(entries("no front matter\n"), None);
    }

    #[test]
    fn every_difference_is_named() {
        let good =
            "---\ntitle: 'Weekly #34: a checkup'\npubDate: 2024-01-06\ntags:\n  - a\n  - b\n---\n";
        assert!(compare_en(good).is_empty());
        assert_eq!(
            compare_en(&good.replace("pubDate: 2024-01-06\n", "")),
            ["3:front-matter/key: the front matter's `pubDate` is missing from en.md: copy it over"]
        );
        assert_eq!(
            compare_en(&good.replace("2024-01-06", "2024-01-07")),
            ["3:front-matter/value: `pubDate` is `2024-01-07` here and `2024-01-06` in the original: only translated fields (title) may differ; copy it byte for byte"]
        );
        assert_eq!(
            compare_en(&good.replace("  - b\n", "  - c\n")),
            ["4:front-matter/value: `tags` differs from the original's (line 4): only translated fields (title) may differ; copy it byte for byte"]
        );
        assert_eq!(
            compare_en(&good.replace("a checkup", "体检")),
            ["2:front-matter/untranslated: `title` has untranslated text `体检`: translate it"]
        );
        assert_eq!(
            compare_en("body only\n"),
            ["1:front-matter/missing: the original's front matter (keys `title`, `pubDate`, `tags`) is missing from en.md: copy it over, with its title translated"]
        );
    }
}
