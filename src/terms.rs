//! Glossary suggestions: terms the approved translations of the memory render the same way
//! again and again, across issues, which the glossary does not have yet.
//!
//! A source term is a run of 2 to 6 Han characters found in at least `min` approved entries.
//! It must be a content word: not a pronoun, particle, conjunction, measure word or generic
//! verb or adjective ([`GENERIC`]), not made only of such words (`作者分享`), and neither
//! beginning nor ending with a function character ([`FUNCTION`]: `的`, `了`, `这`…). Its
//! rendering is the run of 1 to 3 words found in the translations of (nearly) all of those
//! entries and in few others, so that a word every translation has (`the`) is never one; of
//! renderings about as consistent, the longest wins (`best practices`, not `best`). The
//! rendering must hold in entries of at least `issues` different issues: a rendering one issue
//! repeats (`抓取 → Scraping` in one article's title and list) is no convention. A term inside
//! a longer suggested one that carries most of its occurrences (`上下` in `上下文`) goes, and so
//! does anything the glossary already has (its sources, their parts, its targets, its
//! keep-as-is names). The result is for a person to accept: `editions glossary suggest` prints
//! it, with its counts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::glossary::{has_term, Glossary};
use crate::lang::is_han;
use crate::markdown::tag;

/// An approved translation, with the issues whose originals have its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Tagged source and translation, as the memory keeps them.
    pub source: String,
    pub target: String,
    /// Indexes of the issues that have the source (empty when none has it any more).
    pub issues: BTreeSet<usize>,
}

/// A suggested glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub source: String,
    pub target: String,
    /// Approved entries whose source has the term and whose translation the rendering.
    pub count: usize,
    /// Approved entries whose source has the term.
    pub of: usize,
    /// Issues with an entry that renders the term so (each entry counted in the first issue
    /// that has its source).
    pub issues: usize,
}

/// Words too common to be a rendering of their own.
const COMMON: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "how", "in", "into", "is", "it",
    "of", "on", "or", "the", "this", "to", "what", "with", "you", "your",
];

/// Characters a content word neither begins nor ends with: particles, pronouns and
/// demonstratives, measure words, prepositions, conjunctions and adverbs of degree.
const FUNCTION: &str = "的了着过得吗呢吧啊么也都就还又再才而且并或与及和跟同把被让给从对向往于为之其此这那哪谁您你我他她它们个些种位款篇期每各该是有在很更太";

/// Words of any text, never terms: pronouns, function words, generic verbs and adjectives, and
/// the newsletter's own words for what it shares (a term made only of these, `文章分享`, is
/// none either).
const GENERIC: [&str; 144] = [
    // Pronouns, determiners, question words.
    "我们", "你们", "他们", "它们", "自己", "大家", "这个", "那个", "这些", "那些", "一个", "一些",
    "什么", "怎么", "怎样", "如何", "为何", "哪些", "所有", "任何", "其他", "其它", "以及", "因为",
    "所以", "如果", "但是", "然后", "或者", "而且", "并且", "虽然", "可能", "已经", "正在", "非常",
    // Generic verbs.
    "可以", "能够", "需要", "使用", "进行", "通过", "支持", "提供", "实现", "包括", "包含", "发现",
    "指出", "讨论", "分析", "探讨", "探索", "回顾", "解释", "展示", "比较", "学习", "了解", "推荐",
    "分享", "介绍", "帮助", "创建", "构建", "编写", "运行", "得到", "获得", "成为", "出现", "开始",
    // Generic adjectives and adverbs.
    "简单", "强大", "最佳", "常见", "基本", "现代", "免费", "更好", "未来", "传统", "整个", "主流",
    "高级", "不同", "相关", "重要", "有趣", "快速", "容易", "完整", "最新", "优秀", "实用", "有用",
    // What the newsletter shares and who writes it.
    "文章", "作者", "项目", "工具", "教程", "周刊", "本期", "内容", "资源", "视频", "问题", "方法",
    // Everyday nouns any translation renders alike.
    "代码", "语言", "文件", "任务", "结果", "挑战", "报告", "输入", "输出", "概念", "趋势", "产品",
    "功能", "团队", "官方", "社区", "博客", "论文", "游戏", "音乐", "照片", "截图", "设备", "屏幕",
    "会议", "技巧", "经验", "故事", "世界", "时间", "方式", "效果", "性能", "用户", "系列", "标准",
];

/// Whether `term` is a content word: see the module's documentation.
fn content_word(term: &str) -> bool {
    let (Some(first), Some(last)) = (term.chars().next(), term.chars().last()) else {
        return false;
    };
    if FUNCTION.contains(first) || FUNCTION.contains(last) {
        return false;
    }
    // Made only of generic words: each position reached by one, from the start.
    let chars: Vec<char> = term.chars().collect();
    let mut reached = vec![false; chars.len() + 1];
    reached[0] = true;
    for i in 0..chars.len() {
        if !reached[i] {
            continue;
        }
        for g in GENERIC {
            let g: Vec<char> = g.chars().collect();
            if chars[i..].starts_with(&g) {
                reached[i + g.len()] = true;
            }
        }
    }
    !reached[chars.len()]
}

/// Whether `term` is a piece of a longer word in `texts` (the sources that have it): the same
/// Han character stands before it, or after it, in 80 % of its occurrences (`佳实践` of
/// `最佳实践`, `行时` of `运行时`).
fn fragment<'t>(term: &str, texts: impl Iterator<Item = &'t str>) -> bool {
    let mut total = 0usize;
    let mut before: HashMap<char, usize> = HashMap::new();
    let mut after: HashMap<char, usize> = HashMap::new();
    for text in texts {
        for (at, _) in text.match_indices(term) {
            total += 1;
            if let Some(c) = text[..at].chars().next_back().filter(|c| is_han(*c)) {
                *before.entry(c).or_default() += 1;
            }
            if let Some(c) = text[at + term.len()..]
                .chars()
                .next()
                .filter(|c| is_han(*c))
            {
                *after.entry(c).or_default() += 1;
            }
        }
    }
    let most = |m: &HashMap<char, usize>| m.values().copied().max().unwrap_or(0);
    total > 0 && (most(&before) * 5 >= total * 4 || most(&after) * 5 >= total * 4)
}

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

/// A word as renderings are counted: lowercase, a plural's `s` dropped (`practices` and
/// `practice` are one rendering).
fn stem(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    match lower.strip_suffix('s') {
        Some(rest) if rest.len() >= 3 && !rest.ends_with('s') => rest.to_string(),
        _ => lower,
    }
}

/// The runs of 1 to 3 words of `text`, stemmed, that have a word of 3 letters or more
/// besides the common ones.
fn renderings(text: &str) -> BTreeSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty() && w.is_ascii())
        .map(stem)
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

/// `rendering` (stemmed) as the translations most often write it (`Chinese`, `LLM`, `best
/// practices`).
fn written<'t>(rendering: &str, translations: impl Iterator<Item = &'t str>) -> String {
    let mut forms: BTreeMap<String, usize> = BTreeMap::new();
    let wanted: Vec<&str> = rendering.split(' ').collect();
    for text in translations {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .filter(|w| !w.is_empty() && w.is_ascii())
            .collect();
        if let Some(at) = words
            .windows(wanted.len())
            .find(|w| w.iter().zip(&wanted).all(|(x, y)| stem(x) == *y))
        {
            *forms.entry(at.join(" ")).or_default() += 1;
        }
    }
    forms
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map_or_else(|| rendering.to_string(), |(form, _)| form)
}

/// Suggestions from approved `entries`: content words in at least `min` of them, rendered the
/// same way in at least 80 % of those and in entries of at least `issues` issues, the most
/// frequent first.
pub fn suggest(
    entries: &[Example],
    glossary: &Glossary,
    min: usize,
    issues: usize,
) -> Vec<Suggestion> {
    let min = min.max(2);
    let texts: Vec<(String, String)> = entries
        .iter()
        .map(|e| (tag::plain(&e.source), tag::plain(&e.target)))
        .collect();
    let sources: Vec<BTreeSet<String>> = texts.iter().map(|(s, _)| source_terms(s)).collect();
    let targets: Vec<BTreeSet<String>> = texts.iter().map(|(_, t)| renderings(t)).collect();
    let with = entries_with(&sources);
    let target_df = entry_counts(&targets);
    let mut found: Vec<Suggestion> = Vec::new();
    for (s, ids) in &with {
        if ids.len() < min || !content_word(s) {
            continue;
        }
        if fragment(s, ids.iter().map(|&i| texts[i].0.as_str())) {
            continue;
        }
        let Some((t, c)) = best_rendering(ids, &targets, &target_df) else {
            continue;
        };
        // Each entry is one decision, counted in the first issue that has its source (a
        // sentence repeated in later issues is not a convention of its own).
        let spread: BTreeSet<usize> = ids
            .iter()
            .filter(|&&i| targets[i].contains(t))
            .filter_map(|&i| entries[i].issues.first().copied())
            .collect();
        if spread.len() < issues || known(glossary, s, t) {
            continue;
        }
        found.push(Suggestion {
            source: s.to_string(),
            target: written(t, ids.iter().map(|&i| texts[i].1.as_str())),
            count: c,
            of: ids.len(),
            issues: spread.len(),
        });
    }
    without_parts(found)
}

/// For each source term, the entries whose source has it.
fn entries_with(sources: &[BTreeSet<String>]) -> BTreeMap<&str, Vec<usize>> {
    let mut with: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, terms) in sources.iter().enumerate() {
        for s in terms {
            with.entry(s.as_str()).or_default().push(i);
        }
    }
    with
}

/// For each rendering, how many entries' translations have it.
fn entry_counts(targets: &[BTreeSet<String>]) -> HashMap<&str, usize> {
    let mut target_df: HashMap<&str, usize> = HashMap::new();
    for terms in targets {
        for t in terms {
            *target_df.entry(t.as_str()).or_default() += 1;
        }
    }
    target_df
}

/// The rendering of a term found in the entries `ids`, with how many of them have it: of
/// those consistent and specific enough, the best (`None`: none is).
fn best_rendering<'t>(
    ids: &[usize],
    targets: &'t [BTreeSet<String>],
    target_df: &HashMap<&str, usize>,
) -> Option<(&'t str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in ids {
        for t in &targets[i] {
            *counts.entry(t.as_str()).or_default() += 1;
        }
    }
    // Consistent (in 80 % of the term's entries) and specific (60 % of the rendering's
    // entries have the term); then the most consistent, and of those about as consistent
    // (within a fifth), the longest and most specific.
    let passing: Vec<(&str, usize)> = counts
        .into_iter()
        .filter(|(t, c)| *c * 5 >= ids.len() * 4 && *c * 5 >= target_df[t] * 3)
        .collect();
    let top = passing.iter().map(|(_, c)| *c).max()?;
    passing
        .into_iter()
        .filter(|(_, c)| *c * 5 >= top * 4)
        .max_by(|a, b| {
            (
                a.0.split(' ').count(),
                a.1 * 1000 / target_df[a.0],
                a.0.len(),
            )
                .cmp(&(
                    b.0.split(' ').count(),
                    b.1 * 1000 / target_df[b.0],
                    b.0.len(),
                ))
                .then_with(|| b.0.cmp(a.0))
        })
}

/// Whether the glossary already has the term `s` rendered `t`: a source of it, a part of one,
/// a target, or a keep-as-is name.
fn known(glossary: &Glossary, s: &str, t: &str) -> bool {
    glossary
        .terms
        .iter()
        .any(|g| g.source.contains(s) || s.contains(g.source.as_str()) || has_term(t, &g.target))
        || glossary
            .keep
            .iter()
            .any(|k| has_term(t, k) || k.contains(s))
}

/// The suggestions without the parts of longer ones, the most frequent first.
fn without_parts(mut found: Vec<Suggestion>) -> Vec<Suggestion> {
    // A term inside a longer suggested one that carries most of its occurrences is that
    // term's part (`上下` of `上下文`, `行时` of `运行时`).
    let all = found.clone();
    found.retain(|f| {
        !all.iter().any(|g| {
            g.source.len() > f.source.len() && g.source.contains(&f.source) && g.of * 5 >= f.of * 4
        })
    });
    found.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.source.cmp(&b.source)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Approved entries, each from the issue given.
    fn examples(pairs: &[(&str, &str, usize)]) -> Vec<Example> {
        pairs
            .iter()
            .map(|(s, t, issue)| Example {
                source: s.to_string(),
                target: t.to_string(),
                issues: BTreeSet::from([*issue]),
            })
            .collect()
    }

    fn glossary(text: &str) -> Glossary {
        Glossary::parse(text, std::path::Path::new("en.toml")).unwrap()
    }

    #[test]
    fn a_term_rendered_the_same_way_across_issues_is_suggested() {
        let entries = examples(&[
            (
                "用<a1>装饰器</a1>缓存结果",
                "Caching results with <a1>decorators</a1>",
                0,
            ),
            ("装饰器的五种写法", "Five ways to write decorators", 1),
            (
                "类装饰器与函数装饰器",
                "Class decorators and function decorators",
                2,
            ),
            ("异步任务的取消", "Cancelling async tasks", 0),
            ("异步上下文管理器", "Async context managers", 1),
            ("本周刊的异步专题", "This Weekly's async special", 2),
        ]);
        let found = suggest(
            &entries,
            &glossary("[[term]]\nsource = \"异步\"\ntarget = \"async\"\n"),
            3,
            3,
        );
        assert_eq!(
            found,
            vec![Suggestion {
                source: "装饰器".into(),
                target: "decorators".into(),
                count: 3,
                of: 3,
                issues: 3,
            }]
        );
        // The same three entries from one issue are that issue's wording, no convention.
        let one_issue: Vec<Example> = entries
            .into_iter()
            .map(|e| Example {
                issues: BTreeSet::from([7]),
                ..e
            })
            .collect();
        assert_eq!(suggest(&one_issue, &glossary(""), 3, 3), vec![]);
    }

    #[test]
    fn function_words_and_generic_words_are_no_terms() {
        // Each rendered the same way every time, in three issues: consistent, and still no
        // term.
        let entries = examples(&[
            ("这个项目很好", "This project is good", 0),
            ("这个项目不错", "The project is nice", 1),
            ("这个项目可用", "A project to use", 2),
            ("作者分享了经验", "The author shares experience", 0),
            ("作者分享了方法", "The author shares a method", 1),
            ("作者分享了教训", "The author shares lessons", 2),
            ("简单的方法", "A simple way", 0),
            ("简单的示例", "A simple example", 1),
            ("简单的工具", "A simple tool", 2),
        ]);
        let found = suggest(&entries, &glossary(""), 3, 3);
        assert!(
            found
                .iter()
                .all(|f| !["这个", "作者分享", "简单", "个项"].contains(&f.source.as_str())),
            "{found:?}"
        );
        assert!(!content_word("这个"));
        assert!(!content_word("作者分享"));
        assert!(!content_word("分享了"));
        assert!(content_word("装饰器"));
        assert!(content_word("垃圾回收"));
    }

    #[test]
    fn the_whole_rendering_and_the_whole_term_win() {
        let entries = examples(&[
            ("Python 最佳实践", "Python best practices", 0),
            ("测试的最佳实践", "Testing best practices", 1),
            ("打包最佳实践", "Packaging best practice", 2),
            ("运行时类型检查", "Runtime type checking", 0),
            ("运行时的开销", "The runtime overhead", 1),
            ("修改运行时", "Patching the runtime", 2),
        ]);
        let found = suggest(&entries, &glossary(""), 3, 3);
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.source.as_str(), f.target.as_str()))
            .collect();
        assert!(pairs.contains(&("最佳实践", "best practices")), "{pairs:?}");
        assert!(pairs.contains(&("运行时", "runtime")), "{pairs:?}");
        // Not its parts.
        for part in ["实践", "行时", "运行"] {
            assert!(pairs.iter().all(|(s, _)| *s != part), "{part}: {pairs:?}");
        }
    }
}
