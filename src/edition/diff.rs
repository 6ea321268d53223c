//! Differences between two versions of an edition, for people.
//!
//! A line diff with the changed parts of each changed line marked: by words for English, by
//! characters for Chinese and Japanese (which have no spaces between words). Plain text marks
//! removals `[-…-]` and additions `{+…+}`, like `git diff --word-diff`; with colour, they are
//! red and green.

use similar::{ChangeTag, InlineChangeMode, InlineChangeOptions, TextDiff};

use crate::lang::Lang;

/// How to show a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Lines of context around each change.
    pub context: usize,
}

/// The tokenization that suits `lang`.
pub fn mode(lang: Lang) -> InlineChangeMode {
    match lang {
        Lang::En => InlineChangeMode::Words,
        Lang::Zh | Lang::Ja => InlineChangeMode::Chars,
    }
}

/// A unified diff of `old` and `new` (empty when they are equal), with `header` lines naming
/// them.
pub fn unified(old: &str, new: &str, lang: Lang, header: (&str, &str), style: Style) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let mut options = InlineChangeOptions::new();
    options.mode(mode(lang));
    let (red, green, bold, reset) = if style.color {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = format!(
        "{bold}--- {}{reset}\n{bold}+++ {}{reset}\n",
        crate::control::visible(header.0),
        crate::control::visible(header.1)
    );
    for group in diff.grouped_ops(style.context) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            first.old_range().start + 1,
            last.old_range().end - first.old_range().start,
            first.new_range().start + 1,
            last.new_range().end - first.new_range().start
        ));
        for op in &group {
            for change in diff.iter_inline_changes_with_options(op, options) {
                let (sign, color, open, close) = match change.tag() {
                    ChangeTag::Delete => ('-', red, "[-", "-]"),
                    ChangeTag::Insert => ('+', green, "{+", "+}"),
                    ChangeTag::Equal => (' ', "", "", ""),
                };
                out.push_str(color);
                out.push(sign);
                for (emphasized, text) in change.iter_strings_lossy() {
                    // Content never reaches the terminal as control characters.
                    let text = crate::control::visible(text.trim_end_matches(['\n', '\r']));
                    if emphasized && change.tag() != ChangeTag::Equal {
                        if style.color {
                            out.push_str(&format!("{bold}{text}{reset}{color}"));
                        } else {
                            out.push_str(&format!("{open}{text}{close}"));
                        }
                    } else {
                        out.push_str(&text);
                    }
                }
                out.push_str(reset);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_words_in_english_and_characters_in_chinese() {
        let style = Style {
            color: false,
            context: 1,
        };
        let en = unified(
            "a\nThe quick fox.\nz\n",
            "a\nThe slow fox.\nz\n",
            Lang::En,
            ("old", "new"),
            style,
        );
        assert_eq!(
            en,
            "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-The [-quick-] fox.\n+The {+slow+} fox.\n z\n"
        );
        let zh = unified(
            "峰值内存下降了约 80%\n",
            "峰值内存下降了约 85%\n",
            Lang::Zh,
            ("old", "new"),
            style,
        );
        assert!(
            zh.contains("-峰值内存下降了约 8[-0-]%\n+峰值内存下降了约 8{+5+}%\n"),
            "{zh}"
        );
        assert_eq!(unified("same", "same", Lang::En, ("a", "b"), style), "");
    }
}
