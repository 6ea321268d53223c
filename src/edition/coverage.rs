//! What the boilerplate rules match across an archive, so that a maintainer sees their effect:
//! per issue, which block each rule matched; the rules that match blocks of very different text
//! (too broad); and the blocks that recur across issues with no rule matching them (fixed text
//! that would be sent to the model).

use std::collections::{BTreeMap, BTreeSet};

use crate::edition::rules::{self, Rule};
use crate::lang::Lang;

/// A block a rule matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The rule's index in the config.
    pub rule: usize,
    pub line: usize,
    /// The block's first line.
    pub text: String,
}

/// One issue's blocks: those the rules matched, and the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub name: String,
    pub matched: Vec<Matched>,
    /// Top-level blocks no rule matched that hold text of the source language: (line, first
    /// line).
    pub unmatched: Vec<(usize, String)>,
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

/// The coverage of one original by `rules` for `locale`.
pub fn of_issue(name: &str, text: &str, rules: &[Rule], locale: &str, source: Lang) -> Coverage {
    let found = rules::find(text, rules, locale);
    let line = |at: usize| text[..at].matches('\n').count() + 1;
    let matched = found
        .iter()
        .map(|f| Matched {
            rule: f.rule,
            line: line(f.range.start),
            text: first_line(&text[f.range.clone()]),
        })
        .collect();
    let unmatched = rules::top_blocks(text)
        .into_iter()
        .filter(|(range, body)| {
            // A heading's rule matches its text, after the marker: any overlap counts.
            !found.iter().any(|f| {
                f.range.start < range.end && range.start < f.range.end.max(f.range.start + 1)
            }) && source.has_letters(body)
                && !text[range.clone()].starts_with("---")
        })
        .map(|(range, body)| (line(range.start), first_line(body)))
        .collect();
    Coverage {
        name: name.to_string(),
        matched,
        unmatched,
    }
}

/// Something a maintainer should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A rule matched blocks of very different text: it may be too broad.
    Broad {
        rule: usize,
        /// Distinct texts it matched, and two unlike each other: (issue, line, text).
        distinct: usize,
        one: (String, usize, String),
        other: (String, usize, String),
    },
    /// A block recurs in `issues` issues and no rule matches it.
    Unmatched {
        issues: usize,
        example: (String, usize, String),
    },
    /// A rule matched nothing.
    Unused { rule: usize },
}

/// Character bigrams of the first 80 characters, for a rough likeness of two texts.
fn bigrams(text: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = text.chars().take(80).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn alike(a: &str, b: &str) -> bool {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return a == b;
    }
    let common = x.intersection(&y).count() as f64;
    common / (x.len().min(y.len()) as f64) >= 0.5
}

/// What to look at across `issues`: broad rules, blocks in at least `repeats` issues that no
/// rule matched, and rules that matched nothing.
pub fn warnings(issues: &[Coverage], rules: &[Rule], repeats: usize) -> Vec<Warning> {
    let mut out = Vec::new();
    for (r, _) in rules.iter().enumerate() {
        let texts: Vec<(String, usize, String)> = issues
            .iter()
            .flat_map(|c| {
                c.matched
                    .iter()
                    .filter(|m| m.rule == r)
                    .map(|m| (c.name.clone(), m.line, m.text.clone()))
            })
            .collect();
        if texts.is_empty() {
            out.push(Warning::Unused { rule: r });
            continue;
        }
        let distinct: BTreeSet<&str> = texts.iter().map(|t| t.2.as_str()).collect();
        let first = &texts[0];
        if let Some(unlike) = texts.iter().find(|t| !alike(&first.2, &t.2)) {
            out.push(Warning::Broad {
                rule: r,
                distinct: distinct.len(),
                one: first.clone(),
                other: unlike.clone(),
            });
        }
    }
    let mut recurring: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    for c in issues {
        let mut seen = BTreeSet::new();
        for (line, text) in &c.unmatched {
            if seen.insert(text.as_str()) {
                recurring
                    .entry(text.as_str())
                    .or_default()
                    .push((c.name.clone(), *line));
            }
        }
    }
    let mut unmatched: Vec<Warning> = recurring
        .into_iter()
        .filter(|(_, at)| at.len() >= repeats.max(2))
        .map(|(text, at)| Warning::Unmatched {
            issues: at.len(),
            example: (at[0].0.clone(), at[0].1, text.to_string()),
        })
        .collect();
    unmatched.sort_by_key(|w| match w {
        Warning::Unmatched { issues, .. } => std::cmp::Reverse(*issues),
        _ => std::cmp::Reverse(0),
    });
    out.extend(unmatched);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(starts: &str) -> Rule {
        Rule {
            starts: Some(starts.into()),
            section: None,
            contains: None,
            message: Some("m".into()),
            ..Default::default()
        }
    }

    #[test]
    fn finds_broad_rules_recurring_blocks_and_unused_rules() {
        let a = "你好，我是猫哥。欢迎阅读。\n\n🎁本周送书活动，扫码参加。\n\n每期都有的一段固定文字。\n";
        let b = "你好，我是猫哥。欢迎阅读。\n\n🎁第一季精华合集已经发布，欢迎阅读。\n\n每期都有的一段固定文字。\n";
        let rules = [rule("你好，我是猫哥"), rule("🎁"), rule("不存在")];
        let issues = [
            of_issue("a", a, &rules, "en", Lang::Zh),
            of_issue("b", b, &rules, "en", Lang::Zh),
        ];
        assert_eq!(issues[0].matched.len(), 2);
        let w = warnings(&issues, &rules, 2);
        assert!(
            matches!(
                &w[0],
                Warning::Broad {
                    rule: 1,
                    distinct: 2,
                    ..
                }
            ),
            "{w:?}"
        );
        assert_eq!(w[1], Warning::Unused { rule: 2 });
        assert_eq!(
            w[2],
            Warning::Unmatched {
                issues: 2,
                example: ("a".into(), 5, "每期都有的一段固定文字。".into())
            }
        );
    }
}
