//! The integration tests, in one binary: the stand-in model server and the other helpers of
//! `support/` compile once, and `cargo test` links one executable instead of one per file.
//!
//! Each module of `suite/` is what a file of `tests/` used to be: the command line (`cli`,
//! `conventions`, `settings`, `files`, `bad_input`, `signals`), translation (`translate`,
//! `many`, `batch_api`, `concurrency`, `secrets`), editions over time (`lifecycle`, `edition`),
//! `check`, `review`, the glossary and memory guidance (`guidance`), the library facade
//! (`library`), control characters (`control`) and the segment engine's properties
//! (`properties`).

mod support;

mod suite {
    mod bad_input;
    mod batch_api;
    mod check;
    mod cli;
    mod concurrency;
    mod control;
    mod conventions;
    mod edition;
    mod files;
    mod guidance;
    mod library;
    mod lifecycle;
    mod many;
    mod properties;
    mod review;
    mod secrets;
    mod settings;
    mod signals;
    mod translate;
}
