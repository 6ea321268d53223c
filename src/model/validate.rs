//! Validation of a model's translation of one segment, before anything is kept.
//!
//! A translation is accepted only when it has the source's tags (each once, properly nested,
//! nothing unknown), contains no URL the source does not have, leaves no letters of the source
//! script in a target that does not use that script, keeps the keep-as-is terms, and has the
//! glossary's target term wherever the source term occurs. Each rejection says exactly what
//! is wrong, in words that can be sent back to the model.

use std::fmt;

use crate::glossary::{has_term, Glossary};
use crate::lang::Lang;
use crate::markdown::segment::Segment;
use crate::markdown::splice::check_translation;
use crate::markdown::tag::{Item, TagProblem};

/// Why a translation was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Empty,
    Tags(Vec<TagProblem>),
    InventedUrl(String),
    SourceScript(String),
    MissingTerm {
        source: String,
        target: String,
    },
    MissingKeep(String),
    /// A rendering the glossary lists under `avoid` for a term of the source.
    Avoided {
        source: String,
        avoided: String,
        target: String,
    },
    /// A control character or bidirectional override the source does not have.
    Control(char),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Empty => write!(f, "the translation is empty"),
            Rejection::Tags(problems) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                write!(f, "{}", list.join("; "))
            }
            Rejection::InventedUrl(url) => {
                write!(f, "it adds the URL {url}, which the source does not have")
            }
            Rejection::SourceScript(text) => write!(f, "it leaves untranslated text: {text}"),
            Rejection::Control(c) => write!(
                f,
                "it holds the control character {}, which the source does not have",
                crate::control::escape(*c)
            ),
            Rejection::MissingTerm { source, target } => {
                write!(
                    f,
                    "the glossary translates {source} as {target}, which is missing"
                )
            }
            Rejection::MissingKeep(term) => write!(f, "{term} must be kept as is"),
            Rejection::Avoided {
                source,
                avoided,
                target,
            } => write!(
                f,
                "it writes {source} as {avoided}, which the glossary says to avoid: write {target}"
            ),
        }
    }
}

/// Checks `translation` of `segment` from `source` into `target`.
pub fn validate(
    segment: &Segment,
    translation: &str,
    source: Lang,
    target: Lang,
    glossary: &Glossary,
) -> Result<(), Rejection> {
    let items = check_translation(segment, translation).map_err(Rejection::Tags)?;
    let text: String = items
        .iter()
        .map(|i| match i {
            Item::Text(t) => t.as_str(),
            Item::Newline => "\n",
            _ => "",
        })
        .collect();
    let source_text = segment.plain_text();
    if text.trim().is_empty() && !source_text.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    // A terminal obeys control characters and bidirectional overrides: none the source does
    // not have (a tab or line break it has may stay).
    if let Some(c) = crate::control::added(&segment.tagged, translation) {
        return Err(Rejection::Control(c));
    }
    for url in urls(&text) {
        if !source_text.contains(url) {
            return Err(Rejection::InventedUrl(url.to_string()));
        }
    }
    let keep = glossary.keep_in(&source_text);
    for k in &keep {
        if !text.contains(k) {
            return Err(Rejection::MissingKeep(k.to_string()));
        }
    }
    // Letters of the source script may remain only inside keep-as-is terms and glossary
    // targets that are themselves written in it; what else is left untranslated depends on
    // the target's script (see `lang::untranslated`).
    let mut rest = text.clone();
    for allowed in keep
        .iter()
        .copied()
        .chain(glossary.terms.iter().map(|t| t.target.as_str()))
    {
        if allowed.chars().any(|c| source.is_letter(c)) {
            rest = rest.replace(allowed, " ");
        }
    }
    if let Some(run) = crate::lang::untranslated(source, target, &rest) {
        return Err(Rejection::SourceScript(run));
    }
    for term in glossary.terms_in(&source_text) {
        if let Some(avoided) = term.avoid.iter().find(|a| has_term(&text, a)) {
            return Err(Rejection::Avoided {
                source: term.source.clone(),
                avoided: avoided.clone(),
                target: term.target.clone(),
            });
        }
        if !has_term(&text, &term.target) {
            return Err(Rejection::MissingTerm {
                source: term.source.clone(),
                target: term.target.clone(),
            });
        }
    }
    Ok(())
}

/// The URLs written in plain text.
fn urls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("http").filter_map(move |(at, _)| {
        let rest = &text[at..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            return None;
        }
        let end = rest
            .find(|c: char| {
                // Text that follows a URL without a space (`”`, `，`, Chinese) ends it.
                !c.is_ascii_graphic() || matches!(c, '"' | '\'' | ')' | '>' | '<')
            })
            .unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches(['.', ',', ';', ':']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::segment::{Document, SegmentOptions};
    use std::path::Path;

    fn segment(md: &str) -> Segment<'_> {
        let doc = Document::parse(md, &SegmentOptions::default());
        let first = doc.segments().next().unwrap().clone();
        first
    }

    fn glossary() -> Glossary {
        Glossary::parse(
            "keep = [\"FastAPI\"]\n[[term]]\nsource = \"周刊\"\ntarget = \"Weekly\"\n",
            Path::new("en.toml"),
        )
        .unwrap()
    }

    fn check(md: &str, t: &str) -> Result<(), String> {
        validate(&segment(md), t, Lang::Zh, Lang::En, &glossary()).map_err(|r| r.to_string())
    }

    #[test]
    fn rejects_a_rendering_the_glossary_says_to_avoid() {
        let glossary = Glossary::parse(
            "[[term]]\nsource = \"周刊\"\ntarget = \"Weekly\"\navoid = [\"Periodical\"]\n",
            Path::new("en.toml"),
        )
        .unwrap();
        let seg = segment("本周刊很好。\n");
        assert_eq!(
            validate(
                &seg,
                "This Periodical is good.",
                Lang::Zh,
                Lang::En,
                &glossary
            )
            .map_err(|r| r.to_string()),
            Err(
                "it writes 周刊 as Periodical, which the glossary says to avoid: write Weekly"
                    .into()
            )
        );
        assert_eq!(
            validate(&seg, "This Weekly is good.", Lang::Zh, Lang::En, &glossary),
            Ok(())
        );
    }

    #[test]
    fn accepts_a_good_translation() {
        assert_eq!(
            check(
                "本周刊介绍 [FastAPI](https://fastapi.tiangolo.com)。\n",
                "This Weekly covers <a1>FastAPI</a1>."
            ),
            Ok(())
        );
    }

    #[test]
    fn rejects_each_fault_with_its_reason() {
        let md = "本周刊介绍 [FastAPI](https://fastapi.tiangolo.com)，见 https://a.b/c 。\n";
        assert_eq!(
            check(md, "This Weekly covers FastAPI, see https://a.b/c."),
            Err("tag <a1>…</a1> is missing".into())
        );
        assert_eq!(
            check(
                md,
                "This Weekly covers <a1>FastAPI</a1>, see https://evil.example/x."
            ),
            Err("it adds the URL https://evil.example/x, which the source does not have".into())
        );
        assert_eq!(
            check(md, "This Weekly covers <a1>FastAPI</a1>, 见 https://a.b/c."),
            Err("it leaves untranslated text: 见".into())
        );
        // A glossary term inside a longer word is not the term.
        assert_eq!(
            check(
                md,
                "This Weeklyish covers <a1>FastAPI</a1>, see https://a.b/c."
            ),
            Err("the glossary translates 周刊 as Weekly, which is missing".into())
        );
        assert_eq!(
            check(
                md,
                "This newsletter covers <a1>FastAPI</a1>, see https://a.b/c."
            ),
            Err("the glossary translates 周刊 as Weekly, which is missing".into())
        );
        assert_eq!(
            check(
                md,
                "This Weekly covers <a1>Fast API</a1>, see https://a.b/c."
            ),
            Err("FastAPI must be kept as is".into())
        );
        assert_eq!(check(md, "  "), Err("tag <a1>…</a1> is missing".into()));
    }
}
