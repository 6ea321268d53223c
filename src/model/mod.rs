//! The model stage: from segments to validated translations.
//!
//! - [`prompt`]: the wire contract with the model.
//! - [`validate`]: checking a model's translation of a segment.
//! - [`batch`]: packing segments into requests.
//! - [`batch_job`]: the provider's Batch API, for a run's requests at once.
//! - [`client`]: the OpenAI-compatible client and its retry policy.
//! - [`claims`]: sources being translated in this run, so that no edition pays for them twice.
//! - [`pool`]: the run's request slots, shared by every issue and locale, largest first.
//! - [`run`]: the translation run: memory first, then batches, validation, repair and memory
//!   writes.

pub mod batch;
pub mod batch_job;
pub mod claims;
pub mod client;
pub mod pool;
pub mod prompt;
pub mod run;
pub mod validate;

pub use client::{Model, ModelError, ModelSettings, DEFAULT_BASE_URL};
