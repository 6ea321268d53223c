//! # editions
//!
//! Turns an issue of a Chinese Markdown newsletter into its localized editions with an LLM,
//! and proves that nothing was lost on the way.
//!
//! The library holds the pipeline's concepts, each in its own module, layered so that each
//! only depends on the ones above it in this list:
//!
//! - [`lang`]: languages and their scripts.
//! - [`document`]: reading a source file (UTF-8, byte-order mark, line numbers).
//! - [`tag`]: the tagged-text form in which a segment's inline markup travels.
//! - [`frontmatter`]: the translatable string fields of YAML front matter.
//! - [`segment`]: cutting a document into segments and verbatim bytes.
//! - [`splice`]: writing translations back into the original's byte ranges.
//! - [`glossary`]: the hand-edited term files.
//! - [`memory`]: the translation memory.
//! - [`validate`]: checking a model's translation of a segment.
//! - [`batch`]: packing segments into requests.
//! - [`prompt`]: the wire contract with the model.
//! - [`model`]: the OpenAI-compatible client and its retry policy.
//! - [`locale`]: the Fluent messages of a locale.
//! - [`edition`]: boilerplate rules and the locale's deterministic rules.
//! - [`existing`]: comparing with the existing edition: hand edits and structure.
//! - [`diff`]: differences between versions of an edition, by words or characters.
//! - [`check`]: an edition against its original, for CI.
//! - [`review`]: the reviewer's side-by-side view.
//! - [`translate`]: the run: memory first, then batches, validation, repair and memory writes.
//!
//! The binary (`src/main.rs` and `src/cli/`) holds the command line and output formats.

pub mod batch;
pub mod check;
pub mod diff;
pub mod document;
pub mod edition;
pub mod existing;
pub mod frontmatter;
pub mod glossary;
pub mod lang;
pub mod locale;
pub mod memory;
pub mod model;
pub mod prompt;
pub mod review;
pub mod segment;
pub mod splice;
pub mod tag;
pub mod translate;
pub mod validate;

pub use document::SourceText;
pub use lang::Lang;
pub use segment::{Document, Segment, SegmentOptions};
pub use splice::{merge, MergeError};
