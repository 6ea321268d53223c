//! The string fields of a YAML front matter block that get translated.
//!
//! Only top-level `key: value` lines whose value is a single-line scalar (plain, single-quoted
//! or double-quoted) are recognised; everything else in the front matter is copied byte for
//! byte. The value's original quoting style is kept when a translation is written back, and a
//! plain scalar is switched to single quotes only when the translation would not be valid YAML
//! without them.

use std::ops::Range;

/// A translatable front-matter field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    /// The decoded value.
    pub value: String,
    /// The bytes of the value as written, quotes included.
    pub raw: Range<usize>,
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
}

/// Finds the fields named in `keys` inside the YAML at `yaml` in `text`.
pub fn fields(text: &str, yaml: Range<usize>, keys: &[String]) -> Vec<Field> {
    let mut out = Vec::new();
    let mut pos = yaml.start;
    for line in text[yaml.clone()].split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let Some(colon) = body.find(':') else {
            continue;
        };
        let key = &body[..colon];
        if key.is_empty()
            || key.starts_with([' ', '\t', '#', '-'])
            || !keys.iter().any(|k| k == key)
        {
            continue;
        }
        let after = &body[colon + 1..];
        if !after.starts_with([' ', '\t']) {
            continue;
        }
        let lead = after.len() - after.trim_start().len();
        let value_start = line_start + colon + 1 + lead;
        let written = after.trim_start();
        if let Some((value, len)) = decode(written) {
            out.push(Field {
                key: key.to_string(),
                value,
                raw: value_start..value_start + len,
            });
        }
    }
    out
}

/// The style a scalar is written in.
pub fn style(written: &str) -> Style {
    if written.starts_with('\'') {
        Style::Single
    } else if written.starts_with('"') {
        Style::Double
    } else {
        Style::Plain
    }
}

/// Decodes a single-line scalar at the start of `written` (the rest of its line), returning
/// the value and the length of the scalar's bytes. `None` for anything else (block scalars,
/// flow collections, multi-line values, empty values).
pub fn decode(written: &str) -> Option<(String, usize)> {
    match style(written) {
        Style::Single => {
            let mut value = String::new();
            let mut chars = written.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().map(|&(_, c)| c) == Some('\'') {
                        chars.next();
                        value.push('\'');
                        continue;
                    }
                    return only_comment_after(written, i + 1).then_some((value, i + 1));
                }
                value.push(c);
            }
            None
        }
        Style::Double => {
            let mut value = String::new();
            let mut chars = written.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => return only_comment_after(written, i + 1).then_some((value, i + 1)),
                    '\\' => {
                        let (_, e) = chars.next()?;
                        value.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            '"' => '"',
                            '\\' => '\\',
                            '/' => '/',
                            ' ' => ' ',
                            _ => return None,
                        });
                    }
                    c => value.push(c),
                }
            }
            None
        }
        Style::Plain => {
            let end = written.find(" #").unwrap_or(written.len());
            let value = written[..end].trim_end();
            if value.is_empty()
                || value.starts_with(['[', '{', '|', '>', '&', '*', '!', '%', '@', '`', '#'])
            {
                return None;
            }
            Some((value.to_string(), value.len()))
        }
    }
}

fn only_comment_after(written: &str, end: usize) -> bool {
    let rest = written[end..].trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Writes `value` as a scalar, in `style` where it can be.
pub fn encode(value: &str, style: Style) -> String {
    let value = value.replace(['\n', '\r'], " ");
    let value = value.trim();
    match style {
        Style::Plain if plain_is_safe(value) => value.to_string(),
        Style::Double => {
            let mut out = String::from("\"");
            for c in value.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        _ => format!("'{}'", value.replace('\'', "''")),
    }
}

fn plain_is_safe(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with([
            '\'', '"', '[', ']', '{', '}', '|', '>', '&', '*', '!', '%', '@', '`', '#', ',', '?',
            '-', ':', ' ',
        ])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.contains('\t')
        && decode(value).map(|(v, _)| v) == Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_configured_fields_only() {
        let text = "---\ntitle: 'Python 潮流周刊#34：JIT ''新'' 方案'\npubDate: 2024-01-06\nauthor: \"猫\"\n---\n";
        let keys = vec!["title".to_string(), "author".to_string()];
        let found = fields(text, 4..text.len() - 4, &keys);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].value, "Python 潮流周刊#34：JIT '新' 方案");
        assert_eq!(
            &text[found[0].raw.clone()],
            "'Python 潮流周刊#34：JIT ''新'' 方案'"
        );
        assert_eq!(found[1].value, "猫");
    }

    #[test]
    fn encodes_in_the_original_style() {
        assert_eq!(encode("It's new", Style::Single), "'It''s new'");
        assert_eq!(encode("say \"hi\"", Style::Double), "\"say \\\"hi\\\"\"");
        assert_eq!(encode("Plain words", Style::Plain), "Plain words");
        assert_eq!(encode("Weekly #34: JIT", Style::Plain), "'Weekly #34: JIT'");
        assert_eq!(encode("- a list?", Style::Plain), "'- a list?'");
    }
}
