//! Every rule `check` applies ([`Rule`]): its id, its level, what it finds and what to do
//! about it. Findings carry a [`Rule`]; output formats that carry rule metadata (SARIF) and the
//! guide's rule table (docs/guide.md) read it from here, and a test holds the guide to it.
//!
//! To add a rule: a variant here, in the order the guide lists it, with its [`RuleInfo`]; the
//! method of `Pair` (in `check`) that finds it; its message in `src/message/*.ftl`.

use serde::Serialize;

use super::Level;

/// What a rule is, for a person reading a report.
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

/// A rule of `check`, in the order the guide lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// `links/missing`: A link of the original is missing from the edition.
    LinksMissing,
    /// `links/added`: The edition has a link the original does not.
    LinksAdded,
    /// `images/missing`: An image of the original is missing from the edition.
    ImagesMissing,
    /// `images/added`: The edition has an image the original does not.
    ImagesAdded,
    /// `code/block`: A code block differs from the original's, or is missing or added.
    CodeBlock,
    /// `code/inline`: An inline code span is missing or added.
    CodeInline,
    /// `math/span`: A math span (`$…$`, `$$…$$`) of the original is missing or changed, or the edition adds one.
    MathSpan,
    /// `structure/headings`: The headings differ from the original's.
    StructureHeadings,
    /// `structure/items`: A section has a different number of items.
    StructureItems,
    /// `structure/paragraph`: A paragraph has no counterpart on the other side, or two were merged, or one was split.
    StructureParagraph,
    /// `structure/containers`: A container of the original (a GFM alert `> [!NOTE]`, a VitePress `::: tip` or its closing `:::`, an MkDocs `!!! note` or `=== \"tab\"`) is missing, of another kind, in another nesting, or added.
    StructureContainers,
    /// `structure/table`: A table has a different shape.
    StructureTable,
    /// `front-matter/missing`: The edition has no front matter.
    FrontMatterMissing,
    /// `front-matter/key`: A front-matter key is missing, added or out of order.
    FrontMatterKey,
    /// `front-matter/value`: An untranslated front-matter value differs.
    FrontMatterValue,
    /// `front-matter/untranslated`: A translated front-matter field is empty or not translated.
    FrontMatterUntranslated,
    /// `residue/tag`: A translation tag is left in the text.
    ResidueTag,
    /// `residue/control`: A control character or bidirectional override the original does not have.
    ResidueControl,
    /// `residue/control-original`: A control character or bidirectional override copied from the original.
    ResidueControlOriginal,
    /// `residue/mojibake`: Text was decoded with the wrong encoding.
    ResidueMojibake,
    /// `residue/script`: Text of the original's language is left untranslated.
    ResidueScript,
    /// `anchors/unresolved`: A `#fragment` link names no heading, HTML `id` or `name` of the edition.
    AnchorsUnresolved,
    /// `glossary/term`: A glossary term is not translated as the glossary says.
    GlossaryTerm,
    /// `glossary/avoid`: A glossary term is translated in a way the glossary says to avoid.
    GlossaryAvoid,
    /// `numbers/missing`: A number of the original's segment is not in its translation.
    NumbersMissing,
    /// `freshness/stale`: The original changed since the edition was translated.
    FreshnessStale,
    /// `freshness/missing`: An original has no edition.
    FreshnessMissing,
    /// `file/unreadable`: A file cannot be read or is not UTF-8.
    FileUnreadable,
}

impl Rule {
    /// Every rule, in the order the guide lists them.
    pub const ALL: [Rule; 28] = [
        Rule::LinksMissing,
        Rule::LinksAdded,
        Rule::ImagesMissing,
        Rule::ImagesAdded,
        Rule::CodeBlock,
        Rule::CodeInline,
        Rule::MathSpan,
        Rule::StructureHeadings,
        Rule::StructureItems,
        Rule::StructureParagraph,
        Rule::StructureContainers,
        Rule::StructureTable,
        Rule::FrontMatterMissing,
        Rule::FrontMatterKey,
        Rule::FrontMatterValue,
        Rule::FrontMatterUntranslated,
        Rule::ResidueTag,
        Rule::ResidueControl,
        Rule::ResidueControlOriginal,
        Rule::ResidueMojibake,
        Rule::ResidueScript,
        Rule::AnchorsUnresolved,
        Rule::GlossaryTerm,
        Rule::GlossaryAvoid,
        Rule::NumbersMissing,
        Rule::FreshnessStale,
        Rule::FreshnessMissing,
        Rule::FileUnreadable,
    ];

    /// The rule's id, summary, help and default level.
    #[rustfmt::skip]
    pub const fn info(self) -> RuleInfo {
        match self {
            Rule::LinksMissing => rule("links/missing", "A link of the original is missing from the edition.",
                "Every link of the original's body is expected in the edition, unless a boilerplate rule replaced its block or a URL rewrite maps it. Put the link back around the translated text it belongs to."),
            Rule::LinksAdded => rule("links/added", "The edition has a link the original does not.",
                "Remove it, or add it to the original or to the locale's messages."),
            Rule::ImagesMissing => rule("images/missing", "An image of the original is missing from the edition.",
                "Images are copied as they are: put it back where the original has it."),
            Rule::ImagesAdded => rule("images/added", "The edition has an image the original does not.",
                "Remove it, or add it to the original or to the locale's messages."),
            Rule::CodeBlock => rule("code/block", "A code block differs from the original's, or is missing or added.",
                "Code is never translated: copy it back byte for byte."),
            Rule::CodeInline => rule("code/inline", "An inline code span is missing or added.",
                "Code spans are kept as they are: copy it back."),
            Rule::MathSpan => rule("math/span", "A math span (`$…$`, `$$…$$`) of the original is missing or changed, or the edition adds one.",
                "Math is never translated: copy it back byte for byte, delimiters and backslashes included."),
            Rule::StructureHeadings => rule("structure/headings", "The headings differ from the original's.",
                "Keep one heading per original heading, at the same level; a heading the locale's messages write is written by them."),
            Rule::StructureItems => rule("structure/items", "A section has a different number of items.",
                "Translate every item, as its own paragraph."),
            Rule::StructureParagraph => rule("structure/paragraph", "A paragraph has no counterpart on the other side, or two were merged, or one was split.",
                "Paragraphs are aligned by what they say (links, numbers, names, code, item numbers and length): translate every paragraph as a paragraph of its own, and add none."),
            Rule::StructureContainers => rule("structure/containers", "A container of the original (a GFM alert `> [!NOTE]`, a VitePress `::: tip` or its closing `:::`, an MkDocs `!!! note` or `=== \"tab\"`) is missing, of another kind, in another nesting, or added.",
                "Keep every container, of the same kind, in the same order and nesting: its marker is structure, only its title and text are translated."),
            Rule::StructureTable => rule("structure/table", "A table has a different shape.",
                "Keep every row and cell."),
            Rule::FrontMatterMissing => rule("front-matter/missing", "The edition has no front matter.",
                "Copy the original's front matter over, with its translated fields translated."),
            Rule::FrontMatterKey => rule("front-matter/key", "A front-matter key is missing, added or out of order.",
                "Keep the original's keys, in its order."),
            Rule::FrontMatterValue => rule("front-matter/value", "An untranslated front-matter value differs.",
                "Only the translated fields (`front_matter_fields`) may differ: copy the others byte for byte."),
            Rule::FrontMatterUntranslated => rule("front-matter/untranslated", "A translated front-matter field is empty or not translated.",
                "Translate it into the edition's language."),
            Rule::ResidueTag => rule("residue/tag", "A translation tag is left in the text.",
                "Remove tags such as `<a1>`: they stand for markup only while text is being translated."),
            Rule::ResidueControl => rule("residue/control", "A control character or bidirectional override the original does not have.",
                "ESC, BEL and the other C0 and C1 controls, and U+202A–U+202E, U+2066–U+2069, are obeyed by terminals and browsers rather than shown (screen clears, links that open another address, reordered text): remove it."),
            Rule::ResidueControlOriginal => rule("residue/control-original", "A control character or bidirectional override copied from the original.",
                "The edition is going to be published, so it is an error whoever wrote it: remove it from the original (the finding names the line), then translate again."),
            Rule::ResidueMojibake => rule("residue/mojibake", "Text was decoded with the wrong encoding.",
                "Write the file as UTF-8."),
            Rule::ResidueScript => rule("residue/script", "Text of the original's language is left untranslated.",
                "Translate it, or add it to `allow` in editions.toml's [check] if it is a name. In a Japanese edition, Chinese is told from Japanese by characters only Simplified Chinese writes, or by a run of Han characters without kana."),
            Rule::AnchorsUnresolved => rule("anchors/unresolved", "A `#fragment` link names no heading, HTML `id` or `name` of the edition.",
                "Point it at the translated heading's anchor. A fragment already broken in the original is a warning that names the original's line: mend it there."),
            Rule::GlossaryTerm => rule("glossary/term", "A glossary term is not translated as the glossary says.",
                "Use the glossary's translation where the original has the term (as a word of its own: `Weekly` is not in `Weeklyish`)."),
            Rule::GlossaryAvoid => rule("glossary/avoid", "A glossary term is translated in a way the glossary says to avoid.",
                "Replace the rendering listed under the term's `avoid` with the glossary's translation."),
            Rule::NumbersMissing => warning("numbers/missing", "A number of the original's segment is not in its translation.",
                "Keep every number (versions, counts, dates) as the original writes it; `1.2万` may become `12,000` or `12K`. A warning, an error with --strict."),
            Rule::FreshnessStale => warning("freshness/stale", "The original changed since the edition was translated.",
                "Run `editions translate` to bring the edition up to date. A warning, an error with --strict."),
            Rule::FreshnessMissing => warning("freshness/missing", "An original has no edition.",
                "Run `editions translate`. A warning, an error with --strict."),
            Rule::FileUnreadable => rule("file/unreadable", "A file cannot be read or is not UTF-8.",
                "Re-save it as UTF-8, or restore it from git; the other pairs are still checked."),
        }
    }

    /// The id findings carry, such as `links/missing`.
    pub const fn id(self) -> &'static str {
        self.info().id
    }

    /// The level of its findings by default.
    pub const fn level(self) -> Level {
        if self.info().error {
            Level::Error
        } else {
            Level::Warning
        }
    }

    /// The rule with `id`.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule is in `ALL` once, with an id of its own that leads back to it.
    #[test]
    fn every_rule_is_listed_once_and_found_by_its_id() {
        for (k, rule) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(Rule::ALL.iter().position(|r| *r == rule), Some(k));
            assert_eq!(Rule::from_id(rule.id()), Some(rule), "{}", rule.id());
        }
        assert_eq!(Rule::from_id("links/lost"), None);
    }

    /// The guide's rule table (docs/guide.md) is the catalog: one row per rule, in the
    /// catalog's order, with its level, summary and help exactly as here.
    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!("../../docs/guide.md");
        let rows: Vec<String> = Rule::ALL
            .iter()
            .map(|r| {
                let r = r.info();
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
