//! Every rule `check` applies: its id, what it finds, and what to do about it. Output formats
//! that carry rule metadata (SARIF) and the guide's rule table (docs/guide.md) read it from
//! here; a test asserts that every rule id a finding can carry is listed.

/// A rule of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The id findings carry, such as `links/missing`.
    pub id: &'static str,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What it checks and what to do, for a person reading a report.
    pub help: &'static str,
    /// Whether its findings are errors by default (else warnings, errors with `--strict`).
    pub error: bool,
}

const fn rule(id: &'static str, summary: &'static str, help: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        summary,
        help,
        error: true,
    }
}

const fn warning(id: &'static str, summary: &'static str, help: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        summary,
        help,
        error: false,
    }
}

/// The rules, in the order the guide lists them.
pub const RULES: &[RuleInfo] = &[
    rule("links/missing", "A link of the original is missing from the edition.",
        "Every link of the original's body is expected in the edition, unless a boilerplate rule replaced its block or a URL rewrite maps it. Put the link back around the translated text it belongs to."),
    rule("links/added", "The edition has a link the original does not.",
        "Remove it, or add it to the original or to the locale's messages."),
    rule("images/missing", "An image of the original is missing from the edition.",
        "Images are copied as they are: put it back where the original has it."),
    rule("images/added", "The edition has an image the original does not.",
        "Remove it, or add it to the original or to the locale's messages."),
    rule("code/block", "A code block differs from the original's, or is missing or added.",
        "Code is never translated: copy it back byte for byte."),
    rule("code/inline", "An inline code span is missing or added.",
        "Code spans are kept as they are: copy it back."),
    rule("math/span", "A math span (`$…$`, `$$…$$`) of the original is missing or changed, or the edition adds one.",
        "Math is never translated: copy it back byte for byte, delimiters and backslashes included."),
    rule("structure/headings", "The headings differ from the original's.",
        "Keep one heading per original heading, at the same level; a heading the locale's messages write is written by them."),
    rule("structure/items", "A section has a different number of items.",
        "Translate every item, as its own paragraph."),
    rule("structure/paragraph", "A paragraph has no counterpart on the other side, or two were merged, or one was split.",
        "Paragraphs are aligned by what they say (links, numbers, names, code, item numbers and length): translate every paragraph as a paragraph of its own, and add none."),
    rule("structure/containers", "A container of the original (a GFM alert `> [!NOTE]`, a VitePress `::: tip` or its closing `:::`, an MkDocs `!!! note` or `=== \"tab\"`) is missing, of another kind, in another nesting, or added.",
        "Keep every container, of the same kind, in the same order and nesting: its marker is structure, only its title and text are translated."),
    rule("structure/table", "A table has a different shape.",
        "Keep every row and cell."),
    rule("front-matter/missing", "The edition has no front matter.",
        "Copy the original's front matter over, with its translated fields translated."),
    rule("front-matter/key", "A front-matter key is missing, added or out of order.",
        "Keep the original's keys, in its order."),
    rule("front-matter/value", "An untranslated front-matter value differs.",
        "Only the translated fields (`front_matter_fields`) may differ: copy the others byte for byte."),
    rule("front-matter/untranslated", "A translated front-matter field is empty or not translated.",
        "Translate it into the edition's language."),
    rule("residue/tag", "A translation tag is left in the text.",
        "Remove tags such as `<a1>`: they stand for markup only while text is being translated."),
    rule("residue/control", "A control character or bidirectional override the original does not have.",
        "ESC, BEL and the other C0 and C1 controls, and U+202A–U+202E, U+2066–U+2069, are obeyed by terminals and browsers rather than shown (screen clears, links that open another address, reordered text): remove it."),
    rule("residue/control-original", "A control character or bidirectional override copied from the original.",
        "The edition is going to be published, so it is an error whoever wrote it: remove it from the original (the finding names the line), then translate again."),
    rule("residue/mojibake", "Text was decoded with the wrong encoding.",
        "Write the file as UTF-8."),
    rule("residue/script", "Text of the original's language is left untranslated.",
        "Translate it, or add it to `allow` in editions.toml's [check] if it is a name. In a Japanese edition, Chinese is told from Japanese by characters only Simplified Chinese writes, or by a run of Han characters without kana."),
    rule("anchors/unresolved", "A `#fragment` link names no heading, HTML `id` or `name` of the edition.",
        "Point it at the translated heading's anchor. A fragment already broken in the original is a warning that names the original's line: mend it there."),
    rule("glossary/term", "A glossary term is not translated as the glossary says.",
        "Use the glossary's translation where the original has the term (as a word of its own: `Weekly` is not in `Weeklyish`)."),
    rule("glossary/avoid", "A glossary term is translated in a way the glossary says to avoid.",
        "Replace the rendering listed under the term's `avoid` with the glossary's translation."),
    warning("numbers/missing", "A number of the original's segment is not in its translation.",
        "Keep every number (versions, counts, dates) as the original writes it; `1.2万` may become `12,000` or `12K`. A warning, an error with --strict."),
    warning("freshness/stale", "The original changed since the edition was translated.",
        "Run `editions translate` to bring the edition up to date. A warning, an error with --strict."),
    warning("freshness/missing", "An original has no edition.",
        "Run `editions translate`. A warning, an error with --strict."),
    rule("file/unreadable", "A file cannot be read or is not UTF-8.",
        "Re-save it as UTF-8, or restore it from git; the other pairs are still checked."),
];

/// The rule with `id`.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule id the check's sources write (`"kind/name"` strings) is in the catalog.
    #[test]
    fn every_rule_is_listed() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("front_matter.rs"),
            // `freshness/missing` and `file/unreadable` are found where files are read.
            include_str!("../cli/check.rs"),
        ];
        let mut seen = 0;
        for source in sources {
            for quoted in source.split('"').skip(1).step_by(2) {
                let Some((kind, name)) = quoted.split_once('/') else {
                    continue;
                };
                let word = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                };
                if word(kind) && word(name) {
                    seen += 1;
                    assert!(info(quoted).is_some(), "`{quoted}` is not in RULES");
                }
            }
        }
        assert!(seen >= RULES.len(), "{seen} rule ids seen");
    }

    /// The guide's rule table (docs/guide.md) is the catalog: one row per rule, in the catalog's order, with
    /// its level, summary and help exactly as here.
    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!("../../docs/guide.md");
        let rows: Vec<String> = RULES
            .iter()
            .map(|r| {
                let level = if r.error { "error" } else { "warning" };
                format!("| `{}` | {level} | {} {} |", r.id, r.summary, r.help)
            })
            .collect();
        let table: Vec<&str> = readme
            .lines()
            .filter(|l| {
                l.starts_with("| `") && (l.contains("` | error |") || l.contains("` | warning |"))
            })
            .collect();
        assert_eq!(table, rows);
    }
}
