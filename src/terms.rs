//! Glossary suggestions: terms the approved translations of the memory render the same way
//! again and again, which the glossary does not have yet.
//!
//! A source term is a run of 2 to 6 Han characters found in at least `min` approved entries;
//! its rendering is the run of 1 to 3 words found in the translations of (nearly) all of those
//! entries and in few others, so that a word every translation has (`the`) is never one. Each
//! source term gets its most consistent rendering; a term inside a longer one with the same
//! support goes, and so does anything the glossary already has (its sources, their parts, its
//! targets, its keep-as-is names). The result is for a person to accept: `editions glossary
//! suggest` prints it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::glossary::{has_term, Glossary};
use crate::lang::is_han;
use crate::markdown::tag;

/// A suggested glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub source: String,
    pub target: String,
    /// Approved entries whose source has the term and whose translation the rendering.
    pub count: usize,
    /// Approved entries whose source has the term.
    pub of: usize,
}

/// Words too common to be a rendering of their own.
const COMMON: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "how", "in", "into", "is", "it",
    "of", "on", "or", "the", "this", "to", "what", "with", "you", "your",
];

/// The runs of 2 to 6 Han characters of `text`.
fn source_terms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_han(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        for len in 2..=6.min(run.len()) {
            for w in run.windows(len) {
                out.insert(w.iter().collect());
            }
        }
    }
    out
}

/// The runs of 1 to 3 words of `text`, lowercased, that have a word of 3 letters or more
/// besides the common ones.
fn renderings(text: &str) -> BTreeSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty() && w.is_ascii())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut out = BTreeSet::new();
    for len in 1..=3 {
        for w in words.windows(len) {
            let content = w
                .iter()
                .any(|x| x.len() >= 3 && !COMMON.contains(&x.as_str()));
            let edges = !COMMON.contains(&w[0].as_str()) && !COMMON.contains(&w[len - 1].as_str());
            if content && edges {
                out.insert(w.join(" "));
            }
        }
    }
    out
}

/// `rendering` (lowercase) as the translations most often write it (`Chinese`, `LLM`).
fn written<'t>(rendering: &str, translations: impl Iterator<Item = &'t str>) -> String {
    let mut forms: BTreeMap<String, usize> = BTreeMap::new();
    for text in translations {
        let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = squeezed.to_ascii_lowercase();
        if let Some(at) = lower.find(rendering) {
            *forms
                .entry(squeezed[at..at + rendering.len()].to_string())
                .or_default() += 1;
        }
    }
    forms
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map_or_else(|| rendering.to_string(), |(form, _)| form)
}

/// Suggestions from approved `entries` (tagged source, tagged translation): terms in at least
/// `min` of them, rendered the same way in at least 80 % of those, the most frequent first.
pub fn suggest(entries: &[(String, String)], glossary: &Glossary, min: usize) -> Vec<Suggestion> {
    let min = min.max(2);
    let texts: Vec<(String, String)> = entries
        .iter()
        .map(|(s, t)| (tag::plain(s), tag::plain(t)))
        .collect();
    let sources: Vec<BTreeSet<String>> = texts.iter().map(|(s, _)| source_terms(s)).collect();
    let targets: Vec<BTreeSet<String>> = texts.iter().map(|(_, t)| renderings(t)).collect();
    let mut with: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, terms) in sources.iter().enumerate() {
        for s in terms {
            with.entry(s.as_str()).or_default().push(i);
        }
    }
    let mut target_df: HashMap<&str, usize> = HashMap::new();
    for terms in &targets {
        for t in terms {
            *target_df.entry(t.as_str()).or_default() += 1;
        }
    }
    let known = |s: &str, t: &str| {
        glossary.terms.iter().any(|g| {
            g.source.contains(s) || s.contains(g.source.as_str()) || has_term(t, &g.target)
        }) || glossary
            .keep
            .iter()
            .any(|k| has_term(t, k) || k.contains(s))
    };
    let mut found: Vec<Suggestion> = Vec::new();
    for (s, ids) in &with {
        if ids.len() < min {
            continue;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in ids {
            for t in &targets[i] {
                *counts.entry(t.as_str()).or_default() += 1;
            }
        }
        // The most consistent rendering, then the most specific to the term, then the longest.
        let best = counts
            .into_iter()
            .filter(|(t, c)| *c * 5 >= ids.len() * 4 && *c * 5 >= target_df[t] * 3)
            .max_by(|a, b| {
                (a.1, a.1 * 1000 / target_df[a.0], a.0.len())
                    .cmp(&(b.1, b.1 * 1000 / target_df[b.0], b.0.len()))
                    .then_with(|| b.0.cmp(a.0))
            });
        if let Some((t, c)) = best {
            if !known(s, t) {
                found.push(Suggestion {
                    source: s.to_string(),
                    target: written(t, ids.iter().map(|&i| texts[i].1.as_str())),
                    count: c,
                    of: ids.len(),
                });
            }
        }
    }
    // A term inside a longer one with the same support is that term's part.
    let all = found.clone();
    found.retain(|f| {
        !all.iter().any(|g| {
            g.source.len() > f.source.len() && g.source.contains(&f.source) && g.of == f.of
        })
    });
    found.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.source.cmp(&b.source)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_rendered_the_same_way_again_and_again_is_suggested() {
        let entries: Vec<(String, String)> = [
            (
                "用<a1>装饰器</a1>缓存结果",
                "Caching results with <a1>decorators</a1>",
            ),
            ("装饰器的五种写法", "Five ways to write decorators"),
            (
                "类装饰器与函数装饰器",
                "Class decorators and function decorators",
            ),
            ("异步任务的取消", "Cancelling async tasks"),
            ("异步上下文管理器", "Async context managers"),
            ("本周刊的异步专题", "This Weekly's async special"),
        ]
        .iter()
        .map(|(s, t)| (s.to_string(), t.to_string()))
        .collect();
        let glossary = Glossary::parse(
            "[[term]]\nsource = \"异步\"\ntarget = \"async\"\n",
            std::path::Path::new("en.toml"),
        )
        .unwrap();
        let found = suggest(&entries, &glossary, 3);
        assert_eq!(
            found,
            vec![Suggestion {
                source: "装饰器".into(),
                target: "decorators".into(),
                count: 3,
                of: 3,
            }]
        );
    }
}
