//! The Markdown stage: a source file read, cut into segments, and translations spliced back.
//!
//! - [`document`]: reading a source file (UTF-8, byte-order mark, line numbers).
//! - [`tag`]: the tagged-text form in which a segment's inline markup travels.
//! - [`frontmatter`]: the translatable string fields of YAML front matter.
//! - [`dialect`]: the Markdown a site generator reads: containers, admonitions, slugs.
//! - [`html`]: HTML inside Markdown, read with a WHATWG tokenizer: where its text is.
//! - [`segment`]: cutting a document into segments and verbatim bytes.
//! - [`splice`]: writing translations back into the original's byte ranges.

pub mod dialect;
pub mod document;
pub mod frontmatter;
pub mod html;
pub mod segment;
pub mod splice;
pub mod tag;
