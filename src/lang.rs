//! Languages and the scripts their letters are written in.
//!
//! The segment engine only needs one question answered: "does this text contain letters of the
//! source language?". A run of inline content that has none (a bare URL, a list of links, a
//! number) is copied through untranslated. Validation of a model's answer asks the reverse
//! question: "did letters of the source script survive into a target that does not use it?".

use std::fmt;
use std::str::FromStr;

/// A language the newsletter is written or translated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Simplified Chinese, written in Han characters.
    Zh,
    /// Japanese: Han characters plus the two kana syllabaries.
    Ja,
    /// English, written in Latin letters.
    En,
}

impl Lang {
    /// The locale code used in paths and config (`zh`, `ja`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Whether `c` is a letter of this language's script.
    #[inline]
    pub fn is_letter(self, c: char) -> bool {
        match self {
            Lang::Zh => is_han(c),
            Lang::Ja => is_han(c) || is_kana(c),
            Lang::En => c.is_ascii_alphabetic() || (c.is_alphabetic() && is_latin(c)),
        }
    }

    /// Whether `text` contains at least one letter of this language's script.
    pub fn has_letters(self, text: &str) -> bool {
        match self {
            // Every Han and kana character is encoded with a lead byte of 0xE3 or more: a
            // byte scan rules out most text without decoding it.
            Lang::Zh | Lang::Ja => {
                text.bytes().any(|b| b >= 0xE3) && text.chars().any(|c| self.is_letter(c))
            }
            Lang::En => {
                text.bytes().any(|b| b.is_ascii_alphabetic())
                    || text.chars().any(|c| self.is_letter(c))
            }
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error for a language code that editions does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: use one of zh, ja, en")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" => Ok(Lang::Zh),
            "ja" | "ja-jp" | "jp" => Ok(Lang::Ja),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// Han ideographs: the unified blocks, extension A, the compatibility block and the
/// supplementary-plane extensions.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EBEF
        | 0x30000..=0x3134F)
}

/// Hiragana, Katakana and the Katakana phonetic extensions.
pub fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D)
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_by_script() {
        assert!(Lang::Zh.has_letters("Python 潮流周刊"));
        assert!(!Lang::Zh.has_letters("https://pythoncat.top 2024 ①"));
        assert!(Lang::Ja.has_letters("カタカナ"));
        assert!(!Lang::Zh.has_letters("カタカナ"));
        assert!(Lang::En.has_letters("café"));
        assert!(!Lang::En.has_letters("周刊 123"));
    }

    #[test]
    fn parses_codes() {
        assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!(
            "fr".parse::<Lang>().unwrap_err().to_string(),
            "unknown language `fr`: use one of zh, ja, en"
        );
    }
}
