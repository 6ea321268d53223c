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
#[error("{}", crate::message::tr("lang-unknown", &[("code", &.0)]))]
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

/// Text of the `source` language left untranslated in a text of the `target` language: the
/// first such run (at most 20 characters), or `None`. Callers remove the text that may stay
/// (names, keep-as-is terms, glossary targets) first.
///
/// - Into English, any letter of the source script is left over.
/// - From Chinese into Japanese the scripts overlap (kanji are Han characters), so the test is
///   what Japanese does not write: a character only Simplified Chinese uses (`这`, `们`, `说`),
///   or a run of text with at least [`HAN_WITHOUT_KANA`] Han characters and no kana at all
///   (a Japanese sentence of that length always has its particles and endings in kana).
pub fn untranslated(source: Lang, target: Lang, text: &str) -> Option<String> {
    let run_at = |start: usize, letter: &dyn Fn(char) -> bool| -> String {
        let run: String = text[start..]
            .chars()
            .take_while(|&c| letter(c) || c == ' ')
            .collect();
        run.trim().chars().take(20).collect()
    };
    match (source, target) {
        (Lang::Zh | Lang::Ja, Lang::En) => {
            let start = text.find(|c: char| source.is_letter(c))?;
            Some(run_at(start, &|c| source.is_letter(c)))
        }
        (Lang::Zh, Lang::Ja) => {
            // Only text with a lead byte of 0xE3 or more can hold Han characters.
            if !text.bytes().any(|b| b >= 0xE3) {
                return None;
            }
            let chinese = |c: char| is_han(c) || matches!(c, '，' | '、' | '：' | '“' | '”');
            if let Some(at) = text.find(is_simplified_only) {
                // From the start of the Han run that holds it.
                let start = text[..at]
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| chinese(*c))
                    .last()
                    .map_or(at, |(i, _)| i);
                return Some(run_at(start, &chinese));
            }
            let han = text.chars().filter(|&c| is_han(c)).count();
            if han >= HAN_WITHOUT_KANA && !text.chars().any(is_kana) {
                let start = text.find(is_han)?;
                return Some(run_at(start, &chinese));
            }
            None
        }
        _ => None,
    }
}

/// How many Han characters a text of a Japanese edition may have without any kana before it
/// reads as Chinese (a heading such as `機械学習入門` has six).
pub const HAN_WITHOUT_KANA: usize = 8;

/// Characters of Simplified Chinese that Japanese does not write (it writes `這`/`者`, `説`,
/// `時`, `発`, `対`…): common ones only, each checked against the Jōyō and Jinmeiyō lists, so
/// that a Japanese text never holds one.
const SIMPLIFIED_ONLY: &str = "这们个么为说时过发对还进让经关从电动东见长门问间题级书网页络统计应该给试项设图样读库员实结构际开现种简单气车运击创务劳势厂厉启呢吧吗啊乐习买卖亚产亲优传伤众协卫厅县变听响园围圆场坏块处备复头夹奋妇宁审宽导尔尘尝层岁岛币师带帮广异张弹强归录彻忆态总恶悬惊惯战戏户扑执扩扫扬扰找护报拟拥择拨挂挥损换插搜摄摆撑敌无显暂术杀杂权杨极枪标栏树档桥检楼欢欧毁毕汇汉沟沪泽洁测浏济浓涨满灭灵灾烦热爱爷牵环玛畅疗疯监盘矿码础硕确积穷竞笔签类粮紧纠红约纪纯纲纳纵线练组细织终绍绝继绩续维综缓编缩罗职联肃胜脑节范药获营虑补观规视览觉订认议记讲许论访证评识诉词译诗话询详语误请诸课调谁谈谢贝负贡财责货质购贴费资赛赵趋跃转轮软轻载较辑输边达迁远违连迟选递逻遗邮邻释针钟钱铁银链错键闭闻阅队阳阶陆险隐难雾顶须顾预领频额风飞饭馆验鲜马鸟鱼龙华义团历压虽离稳脸";

/// Whether `c` is written only in Simplified Chinese (see [`SIMPLIFIED_ONLY`]).
pub fn is_simplified_only(c: char) -> bool {
    // Every listed character is in the unified block.
    ('\u{4E00}'..='\u{9FFF}').contains(&c) && SIMPLIFIED_ONLY.contains(c)
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
