//! What a run needs besides the document: its [`Settings`], the [`Guidance`] requests carry and
//! the model's [`Price`].

use std::collections::{HashMap, HashSet};

use crate::lang::Lang;

/// Price of a model, in currency units per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

impl Price {
    pub fn cost(&self, prompt_tokens: u64, completion_tokens: u64) -> f64 {
        (prompt_tokens as f64 * self.input + completion_tokens as f64 * self.output) / 1e6
    }
}

/// What a run needs besides the document.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Lang,
    pub target: Lang,
    /// Character budget of a batch's tagged source.
    pub batch_chars: usize,
    /// Batches in flight at once.
    pub concurrency: usize,
    /// How often a rejected segment is asked again.
    pub max_repairs: u32,
    pub price: Price,
    /// The model's name, recorded in the memory.
    pub model_name: String,
    /// Today, `YYYY-MM-DD`, recorded in the memory.
    pub date: String,
    /// Segments not to translate (those in blocks the locale replaces or drops).
    pub skip: HashSet<String>,
    /// Segments whose translation in the memory (this text) could not be placed: asked again.
    pub distrust: HashMap<String, String>,
    /// Why a segment is asked again (a finding of the edition's check), sent with its request.
    pub reasons: HashMap<String, String>,
    /// The requests go to the provider's Batch API: all at once, packed by the budget only
    /// (there is no wall time to balance, and fewer requests cost fewer prompts).
    pub batch_api: bool,
    /// Ask the model again for what the memory has from a model (approved entries stay).
    pub refresh: bool,
    /// What requests say besides their segments, and how much of it.
    pub guidance: Guidance,
}

/// What requests say besides their segments (see [`crate::model::prompt::Context`]), and its budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Guidance {
    /// The target locale's style guide, sent with every request.
    pub style: Option<String>,
    /// What a request may carry besides its source (instructions, issue, sections, style
    /// guide, glossary, examples), as a share of the source's characters: batches are made
    /// large enough for the fixed part to fit, and examples fill what is left.
    pub prompt_share: f64,
    /// At most this many characters of examples per request (0: none).
    pub examples_chars: usize,
    /// The quality pass (`--qa`): every validated translation is rated by the model, and one
    /// rated below this score (the lowest of its four marks, 1 to 5) is asked again once.
    pub qa: Option<u8>,
}

impl Default for Guidance {
    fn default() -> Self {
        Guidance {
            style: None,
            prompt_share: 0.5,
            examples_chars: 600,
            qa: None,
        }
    }
}
