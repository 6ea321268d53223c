//! Control characters: what a terminal obeys rather than shows.
//!
//! C0 and C1 control characters (ESC starts the sequences that clear a screen, write the
//! clipboard, or show one link and open another) and the bidirectional overrides and isolates
//! (U+202A–U+202E, U+2066–U+2069, which reorder what a reader sees) have no place in a
//! newsletter's text. Validation rejects a model's answer that adds one its source does not
//! have, `check` reports them in editions (`residue/control`), and every text editions prints
//! that comes from content goes through [`visible`] first.

use std::borrow::Cow;

/// A C0 or C1 control character other than line feed, tab and carriage return.
pub fn is_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || c == '\u{7f}'
}

/// A bidirectional embedding, override or isolate.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is one of the characters this module is about.
pub fn is_unwanted(c: char) -> bool {
    is_control(c) || is_bidi(c)
}

/// `c` written so that a terminal shows it: `\x1b` for C0 and DEL, `U+0085` for C1 and the
/// bidirectional controls.
pub fn escape(c: char) -> String {
    if (c as u32) < 0x20 || c == '\u{7f}' {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// `text` with every unwanted character written as a visible escape; borrowed when it has none.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unwanted) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unwanted(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first unwanted character of `text` that `source` does not have (a tab or carriage
/// return counts too: they may stay only where the source has them).
pub fn added(source: &str, text: &str) -> Option<char> {
    text.chars()
        .find(|&c| (is_unwanted(c) || matches!(c, '\t' | '\r')) && !source.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(visible("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            visible("\u{1b}]8;;http://evil\u{7}click\u{1b}]8;;\u{7}"),
            "\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07"
        );
        assert_eq!(visible("abc\u{202E}fed\u{85}"), "abcU+202EfedU+0085");
        assert_eq!(added("源\u{202E}", "x\u{202E}y"), None);
        assert_eq!(added("源", "x\u{1b}[2Jy"), Some('\u{1b}'));
        assert_eq!(added("源", "a\tb"), Some('\t'));
        assert_eq!(added("源\t", "a\tb\nc"), None);
    }
}
