//! The edition stage: an edition assembled from translations and locale messages, and kept in
//! step with its original on every later run.
//!
//! - [`issue`]: resolving the issue a command names, and where its editions go.
//! - [`align`]: which run of an edition stands for which segment of the original.
//! - [`locale`]: the Fluent messages of a locale.
//! - [`rules`]: boilerplate rules and the locale's deterministic rules.
//! - [`coverage`]: what the boilerplate rules match across an archive.
//! - [`existing`]: reading an existing edition's runs back as tagged text.
//! - [`diff`]: differences between versions of an edition, by words or characters.
//! - [`provenance`]: the record of what editions wrote into each edition.
//!
//! The lifecycle that uses these parts (an edition brought up to date, or taken over) is the
//! layer above, [`crate::lifecycle`].

pub mod align;
pub mod coverage;
pub mod diff;
pub mod existing;
pub mod issue;
pub mod locale;
pub mod provenance;
pub mod rules;
