//! What requests say besides their segments: the style guide and the approved examples most
//! like each batch.

use std::collections::{HashMap, HashSet};

use crate::markdown::segment::{BlockKind, Document};
use crate::memory::examples::{pairs, Examples};
use crate::memory::{Memory, MemoryError};
use crate::model::prompt::{self};

use super::{Settings, Unit};

/// What a run knows to guide its requests: the title, each segment's section and the
/// approved translations examples are chosen from.
pub struct Guide<'d> {
    pub(crate) title: Option<String>,
    pub(crate) section_of: HashMap<&'d str, String>,
    /// Approved translations into the target locale (see [`crate::memory::examples`]).
    pool: Examples,
}

impl<'d> Guide<'d> {
    /// The guide of `doc` for a run into `settings.target`, with examples from the approved
    /// entries of `memory` when the budget allows them.
    pub fn new(
        doc: &'d Document<'d>,
        memory: &Memory,
        settings: &Settings,
    ) -> Result<Self, MemoryError> {
        let title = doc.title();
        let mut section_of = HashMap::new();
        let mut section: Option<String> = None;
        for s in &doc.runs {
            if matches!(s.kind, BlockKind::Heading(level) if level >= 2) {
                section = Some(s.plain_text());
            }
            if let Some(h) = &section {
                section_of.insert(s.id.as_str(), h.clone());
            }
        }
        let pool = if settings.guidance.examples_chars > 0 {
            memory.examples(settings.target)?
        } else {
            Examples::none()
        };
        Ok(Guide {
            title,
            section_of,
            pool,
        })
    }

    /// A guide with nothing to say (no title, sections or examples).
    pub fn empty() -> Self {
        Guide {
            title: None,
            section_of: HashMap::new(),
            pool: Examples::none(),
        }
    }

    /// The examples for `units`: the approved entries most like them (by the share of an
    /// entry's character pairs found in the batch), most alike first, ties by source, as many
    /// as `budget` characters hold. The same batch gets the same examples on every run.
    pub(crate) fn examples(&self, units: &[Unit<'_>], budget: usize) -> Vec<(String, String)> {
        if budget == 0 {
            return Vec::new();
        }
        let batch: HashSet<(char, char)> = units.iter().flat_map(|u| pairs(&u.text)).collect();
        let sources: HashSet<&str> = units.iter().map(|u| u.seg.tagged.as_str()).collect();
        // An index that cannot be read gives no examples: they guide, they are not needed.
        let found = self.pool.like(&batch, &sources).unwrap_or_default();
        let mut out = Vec::new();
        let mut used = 0;
        for e in found {
            let chars = prompt::example_lines(&[(e.source.as_str(), e.target.as_str())])[0]
                .chars()
                .count()
                + 1;
            if used + chars <= budget {
                used += chars;
                out.push((e.source, e.target));
            }
        }
        out
    }

    /// The characters every request of this guide carries besides its glossary and examples:
    /// instructions, the title and the style guide.
    pub(crate) fn fixed_chars(&self, settings: &Settings) -> usize {
        let context = prompt::Context {
            title: self.title.as_deref(),
            style: settings.guidance.style.as_deref(),
            ..Default::default()
        };
        prompt::system_message(settings.source, settings.target, &context, &[], &[], &[])
            .chars()
            .count()
    }
}
