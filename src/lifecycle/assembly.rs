//! Assembly: translations spliced into the original's byte ranges, the locale's messages
//! written over the fixed blocks, item numbers and URLs rewritten.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::edition::locale::Locale;
use crate::edition::rules::{self, Rule, UrlRewrite};
use crate::lang::Lang;
use crate::markdown::segment::Document;
use crate::markdown::splice::merge_placed;

use super::{LifecycleError, Project};

/// An edition put together: translations localized and spliced, boilerplate replaced, URLs
/// rewritten.
pub struct Assembly<'a> {
    pub doc: &'a Document<'a>,
    pub rules: &'a [Rule],
    pub url_rewrite: &'a [UrlRewrite],
    pub locale: &'a Locale,
    pub locales_dir: &'a Path,
    pub vars: &'a BTreeMap<String, String>,
    pub target: Lang,
}

/// An assembled edition.
#[derive(Debug, Clone)]
pub struct Built {
    pub text: String,
    /// Where each translated segment is (by index in the original's runs).
    pub placed: Vec<(usize, std::ops::Range<usize>)>,
    /// The translations as placed, after the locale's deterministic rules, by id.
    pub localized: BTreeMap<String, String>,
}

impl<'a> Assembly<'a> {
    /// The assembly of `doc` in `target` with the project's rules and rewrites.
    pub(crate) fn of(
        project: &'a Project,
        doc: &'a Document<'a>,
        locale: &'a Locale,
        vars: &'a BTreeMap<String, String>,
        target: Lang,
    ) -> Assembly<'a> {
        Assembly {
            doc,
            rules: &project.boilerplate,
            url_rewrite: &project.url_rewrite,
            locale,
            locales_dir: &project.locales,
            vars,
            target,
        }
    }

    /// The edition's text and where each translated segment is in it. The translations named
    /// in `verbatim` only get the locale's item numbers; the others all its deterministic rules.
    pub fn build(
        &self,
        translations: &BTreeMap<String, String>,
        verbatim: &HashSet<String>,
    ) -> Result<Built, LifecycleError> {
        let localized: BTreeMap<String, String> = translations
            .iter()
            .map(|(id, t)| {
                let placed = if verbatim.contains(id) {
                    rules::localize_item_numbers(t, self.target)
                } else {
                    rules::localize_translation(t, self.target)
                };
                (id.clone(), placed)
            })
            .collect();
        let merged = merge_placed(self.doc, &localized)?;
        let code = self.target.code();
        let fixed = rules::find(&merged.text, self.rules, code);
        let mut edits = rules::boilerplate_edits(
            &merged.text,
            &fixed,
            self.locale,
            self.vars,
            self.locales_dir,
        )?;
        // The locale's messages end their lines as the original does.
        if merged.text.contains("\r\n") {
            for e in &mut edits {
                e.with = e.with.replace("\r\n", "\n").replace('\n', "\r\n");
            }
        }
        // Item numbers are written by the locale's rule (outside the blocks it replaces).
        let mut numbers = Vec::new();
        for (_, range) in &merged.items {
            let inside = edits.iter().any(|e| {
                e.range.start < range.end && range.start < e.range.end.max(e.range.start + 1)
            });
            let raw = &merged.text[range.clone()];
            let with = rules::item_number_for(raw, self.target);
            if !inside && with != raw {
                numbers.push(rules::Edit {
                    range: range.clone(),
                    with,
                });
            }
        }
        edits.extend(numbers);
        edits.sort_by_key(|e| e.range.start);
        let text = rules::apply_edits(&merged.text, &edits);
        let placed: Vec<_> = merged
            .placed
            .iter()
            .filter_map(|(i, r)| rules::map_range(r, &edits).map(|r| (*i, r)))
            .collect();
        let urls = rules::url_edits(&text, self.url_rewrite, code);
        let placed = placed
            .iter()
            .map(|(i, r)| {
                // A rewritten URL lies inside a segment's range: the range grows or shrinks.
                let start =
                    rules::map_range(&(r.start..r.start), &urls).map_or(r.start, |m| m.start);
                let end = rules::map_range(&(r.end..r.end), &urls).map_or(r.end, |m| m.end);
                (*i, start..end)
            })
            .collect();
        Ok(Built {
            text: rules::apply_edits(&text, &urls),
            placed,
            localized,
        })
    }
}
