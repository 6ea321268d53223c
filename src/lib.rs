//! # editions
//!
//! Turns an issue of a Chinese Markdown newsletter into its localized editions with an LLM,
//! and proves that nothing was lost on the way.
//!
//! The library holds the whole lifecycle of an edition; the binary (`src/main.rs` and
//! `src/cli/`) only parses arguments and presents results. Modules are the pipeline's stages,
//! layered so that each only depends on the ones above it in this list:
//!
//! - [`message`]: the library's own Fluent messages (errors and findings, English and
//!   Chinese).
//! - [`lang`]: languages and their scripts.
//! - [`control`]: control characters and bidirectional overrides an edition must not carry.
//! - [`numbers`]: the numbers a text states (`1.2万`, `12,000`, `3.13`), which a translation
//!   keeps.
//! - [`markdown`]: reading a source file, cutting it into tagged segments and splicing
//!   translations back into the original's byte ranges (document, tag, front matter, HTML,
//!   dialect, segment, splice).
//! - [`file`]: writing files atomically.
//! - [`glossary`]: the hand-edited term files.
//! - [`memory`]: the translation memory (its entries, the sorted file, the journal).
//! - [`model`]: the wire contract with the model, validation, batching, the OpenAI-compatible
//!   client, the Batch API (which uses the client, never the reverse) and the translation run
//!   (prompt, validate, batch, client, batch_job, run).
//! - [`edition`]: the parts an edition is made of: locale messages, rules, the alignment of an
//!   edition with its original, provenance records, issue resolution, diffs.
//! - [`check`]: an edition against its original, for CI, with its [`check::Rule`]s.
//! - [`review`]: the reviewer's side-by-side view.
//! - [`terms`]: glossary suggestions from the memory's approved translations.
//! - [`lifecycle`]: an edition brought up to date ([`lifecycle::update`]), taken over
//!   ([`lifecycle::adopt`]) or many at once ([`lifecycle::many`]), using everything above: it
//!   checks every edition with [`check`] before it writes it.
//! - [`config`]: `editions.toml`, read into the parts above (a [`lifecycle::Project`],
//!   [`SegmentOptions`], a run's settings, the batch settings), so that the binary, the
//!   examples and the benchmarks load a newsletter's configuration the same way.
//!
//! No module refers to one below it in this list (a test reads the list and the sources).
//! The library never depends on the command line.

#![warn(unreachable_pub)]

pub mod check;
pub mod config;
pub mod control;
pub mod edition;
pub mod file;
pub mod glossary;
pub mod lang;
pub mod lifecycle;
pub mod markdown;
pub mod memory;
pub mod message;
pub mod model;
pub mod numbers;
pub mod review;
pub mod terms;

pub use lang::Lang;
pub use markdown::document::SourceText;
pub use markdown::segment::{Document, Segment, SegmentOptions};
pub use markdown::splice::{merge, MergeError};
