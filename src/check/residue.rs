//! Residue: what a translation leaves behind that is not text of the target language.
//!
//! Translation tags (`<a1>`), mojibake (UTF-8 read as Latin-1 or Mac Roman) and, in
//! `lang::untranslated`, text of the source language left untranslated.

/// Mojibake: a run of characters that are the bytes of UTF-8 text read as Latin-1 or Mac Roman
/// (`ü¶Ñ` for 🦄, `„ÄÅ` for `、`, `Ã©` for `é`). Returns the run and what it was meant to be.
pub fn mojibake(text: &str) -> Option<(String, String)> {
    const MAC_ROMAN: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";
    let mac: Vec<char> = MAC_ROMAN.chars().collect();
    let decoders: [&dyn Fn(char) -> Option<u8>; 2] = [
        &|c: char| {
            (0x80..=0xFF)
                .contains(&(c as u32))
                .then_some(c as u32 as u8)
        },
        &|c: char| mac.iter().position(|&m| m == c).map(|i| 0x80 + i as u8),
    ];
    for decode in decoders {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let mut bytes = Vec::new();
            let mut j = i;
            while j < chars.len() {
                match decode(chars[j]) {
                    Some(b) => bytes.push(b),
                    None => break,
                }
                j += 1;
            }
            if bytes.len() >= 3 && bytes.iter().all(|b| (0x80..=0xBF).contains(b)) {
                // Continuation bytes whose lead byte was lost (often the invisible U+F8FF that
                // Mac Roman makes of 0xF0): an emoji, most likely.
                for lead in 0xF0..=0xF4u8 {
                    let mut with = vec![lead];
                    with.extend_from_slice(&bytes[..3]);
                    if let Ok(s) = std::str::from_utf8(&with) {
                        return Some((chars[i..i + 3].iter().collect(), s.to_string()));
                    }
                }
            }
            if bytes.len() >= 2 {
                if let Ok(s) = std::str::from_utf8(&bytes) {
                    if s.chars().any(|c| c as u32 >= 0x80) {
                        return Some((chars[i..j].iter().collect(), s.to_string()));
                    }
                }
                // A run may hold mojibake after a genuine accented letter.
                for start in 1..bytes.len() {
                    if let Ok(s) = std::str::from_utf8(&bytes[start..]) {
                        if s.chars().count() >= 1
                            && s.chars().all(|c| c as u32 >= 0x80)
                            && bytes.len() - start >= 2
                        {
                            return Some((chars[i + start..j].iter().collect(), s.to_string()));
                        }
                    }
                }
            }
            i = j.max(i + 1);
        }
    }
    None
}

pub fn tag(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        let candidate = &rest[at..];
        let end = candidate.find('>').map(|e| e + 1);
        if let Some(end) = end {
            let inner = candidate[1..end - 1]
                .trim_start_matches('/')
                .trim_end_matches('/');
            let name = inner.trim_end_matches(|c: char| c.is_ascii_digit());
            let digits = inner.len() - name.len();
            if digits > 0 && crate::markdown::tag::TagKind::from_name(name).is_some() {
                return Some(candidate[..end].to_string());
            }
        }
        rest = &rest[at + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_mojibake_from_mac_roman_and_latin1() {
        assert_eq!(mojibake("ü¶ÑArticles").map(|m| m.1), Some("🦄".to_string()));
        assert_eq!(
            mojibake("\u{f8ff}ü¶ÑArticles").map(|m| m.1),
            Some("🦄".to_string())
        );
        assert_eq!(mojibake("1„ÄÅtitle").map(|m| m.1), Some("、".to_string()));
        assert_eq!(mojibake("cafÃ©").map(|m| m.1), Some("é".to_string()));
        assert_eq!(mojibake("café, naïve, Ärger"), None);
    }

    #[test]
    fn finds_tag_residue() {
        assert_eq!(tag("see <a1>this"), Some("<a1>".into()));
        assert_eq!(tag("a <code3/> b"), Some("<code3/>".into()));
        assert_eq!(tag("<kbd>Ctrl</kbd> and <h1>"), None);
    }
}
