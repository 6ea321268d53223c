//! The numbers of a segment, which its translation must keep.
//!
//! A number is a run of digits, with `.` between digit groups (`3.13`, `1.2.3`) and `,` before
//! groups of three (`12,000`). Full-width digits count as digits. A multiplier written right
//! after it is applied: `万` (10⁴), `亿`/`億` (10⁸), `千`, `百万`, `千万`, and `K`, `M`, `B`
//! or the words `thousand`, `million`, `billion`, so that `1.2万`, `12,000`, `12K` and
//! `12 thousand` are the same number. A number without a multiplier is compared as written
//! (leading zeros aside), so `3.10` is not `3.1`. English month names count as their numbers
//! (`2024年1月6日` may become `January 6, 2024`), and so do the words `one` to `twelve`.
//!
//! Each number of the source must appear in the translation as often as in the source;
//! numbers the translation adds are not checked.

use std::collections::BTreeMap;

/// A number as compared: canonical digits, with what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// Canonical form: `12000`, `3.13`.
    pub value: String,
    /// As written: `1.2万`.
    pub written: String,
}

fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

const WORDS: [(&str, u32); 27] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("sept", 9),
];

/// The numbers written in `text`, in order.
pub fn numbers(text: &str) -> Vec<Number> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if digit(c).is_none() {
            i += 1;
            continue;
        }
        // A digit inside a word (`x86`, `H100`, `Qwen2`) is still a number: both sides of a
        // pair are read the same way.
        let mut digits = String::new();
        let mut j = i;
        loop {
            while j < chars.len() {
                match digit(chars[j].1) {
                    Some(d) => digits.push(char::from(b'0' + d)),
                    None => break,
                }
                j += 1;
            }
            let next = |k: usize| chars.get(k).map(|x| x.1);
            let sep = next(j);
            let group = |k: usize, n: usize| (k..k + n).all(|m| next(m).and_then(digit).is_some());
            if matches!(sep, Some('.' | '．')) && group(j + 1, 1) {
                digits.push('.');
                j += 1;
            } else if matches!(sep, Some(','))
                && group(j + 1, 3)
                && next(j + 4).and_then(digit).is_none()
                && !digits.contains('.')
            {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |x| x.0);
        let rest = &text[end..];
        let (power, used) = multiplier(rest);
        let written = text[at..end + used].to_string();
        out.push(Number {
            value: canonical(&digits, power),
            written,
        });
        i = j;
        // Skip what the multiplier used.
        while i < chars.len() && chars[i].0 < end + used {
            i += 1;
        }
    }
    // Number words, month names first, of the text's Latin words.
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| !c.is_ascii_alphabetic()) {
        if let Some((_, n)) = WORDS.iter().find(|(w, _)| *w == word) {
            out.push(Number {
                value: n.to_string(),
                written: word.to_string(),
            });
        }
    }
    out
}

/// The power of ten a multiplier right after a number stands for, and its length in bytes.
fn multiplier(rest: &str) -> (u32, usize) {
    // `7.4 万`: the newsletter often spaces a number from its unit.
    let after = rest.strip_prefix(' ').unwrap_or(rest);
    let space = rest.len() - after.len();
    for (m, power) in [
        ("千万", 7),
        ("百万", 6),
        ("万", 4),
        ("萬", 4),
        ("亿", 8),
        ("億", 8),
        ("千", 3),
    ] {
        if after.starts_with(m) {
            return (power, space + m.len());
        }
    }
    let trimmed = rest.trim_start_matches(' ');
    let space = rest.len() - trimmed.len();
    for (w, power) in [("thousand", 3), ("million", 6), ("billion", 9)] {
        if trimmed
            .get(..w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
            && !trimmed[w.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return (power, space + w.len());
        }
    }
    // `12K`, `7B`, `1.5M`: a capital (or `k`) right after the digits, ending the word.
    let mut it = rest.chars();
    if let Some(c) = it.next() {
        let power = match c {
            'k' | 'K' => Some(3),
            'M' => Some(6),
            'B' => Some(9),
            _ => None,
        };
        if let Some(p) = power {
            if !it.next().is_some_and(|n| n.is_ascii_alphanumeric()) {
                return (p, 1);
            }
        }
    }
    (0, 0)
}

/// `digits` (with at most dots) times 10^`power`, in a canonical form.
fn canonical(digits: &str, power: u32) -> String {
    if power == 0 || digits.matches('.').count() > 1 {
        // As written: a version keeps its dots; leading zeros of its first part go.
        let (head, tail) = digits.split_once('.').unwrap_or((digits, ""));
        let head = head.trim_start_matches('0');
        let head = if head.is_empty() { "0" } else { head };
        return if digits.contains('.') {
            format!("{head}.{tail}")
        } else {
            head.to_string()
        };
    }
    let (head, tail) = digits.split_once('.').unwrap_or((digits, ""));
    let mut all = format!("{head}{tail}");
    let point = head.len() + power as usize;
    while all.len() < point {
        all.push('0');
    }
    let (int, frac) = all.split_at(point);
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// The numbers of `source` that `translation` does not have (as often as `source` has them),
/// as written in the source.
pub fn missing(source: &str, translation: &str) -> Vec<String> {
    let mut have: BTreeMap<String, usize> = BTreeMap::new();
    for n in numbers(translation) {
        *have.entry(n.value).or_default() += 1;
    }
    let mut out = Vec::new();
    for n in numbers(source) {
        match have.get_mut(&n.value) {
            Some(k) if *k > 0 => *k -= 1,
            _ => out.push(n.written),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        numbers(text).into_iter().map(|n| n.value).collect()
    }

    #[test]
    fn reads_versions_counts_and_units() {
        assert_eq!(values("Python 3.13 发布"), ["3.13"]);
        assert_eq!(
            values("1.2万 star，3亿次，7.4 万人"),
            ["12000", "300000000", "74000"]
        );
        assert_eq!(values("12,000 stars, 12K forks"), ["12000", "12000"]);
        assert_eq!(values("1.5 million users"), ["1500000"]);
        assert_eq!(values("３．１３"), ["3.13"]);
        assert_eq!(values("1,2,3"), ["1", "2", "3"]);
        assert_eq!(values("50% 与 3MB"), ["50", "3"]);
        assert_eq!(values("x86 and v1.2.3"), ["86", "1.2.3"]);
        assert_eq!(values("2024年01月06日"), ["2024", "1", "6"]);
    }

    #[test]
    fn a_translation_keeps_the_numbers_in_any_form() {
        assert!(missing(
            "2024年1月6日发布 3.13，1.2万 star",
            "3.13 out January 6, 2024 with 12K stars"
        )
        .is_empty());
        assert!(missing("两个版本：3.10 与 3.11", "two versions: 3.10 and 3.11").is_empty());
        assert_eq!(
            missing("Python 3.13 发布", "Python 3.14 released"),
            ["3.13"]
        );
        assert_eq!(missing("3.10 版本", "version 3.1"), ["3.10"]);
        assert_eq!(missing("12 个和 12 个", "12 and a dozen"), ["12"]);
    }
}
