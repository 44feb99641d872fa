//! Raw progenitor: what progenitor alone makes of a document, with our
//! settings ([`crate::catalogue::progenitor_settings`]) and nothing else of
//! ours: no runtime, no normalisation unless the caller did it, no pass.
//!
//! The one baseline every comparison is made against: the bench's timings
//! and build costs (`tools/bench`), the corpus's "raw progenitor" column,
//! and the normalisation tests, which show what progenitor does with a
//! document before and after normalising it.
//!
//! ```
//! let doc: openapiv3::OpenAPI = serde_json::from_str(
//!     r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
//! )?;
//! let code = xtask::raw::code(&doc, &xtask::catalogue::Settings::DEFAULT)?;
//! assert!(code.contains("pub struct Client"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use openapiv3::OpenAPI;

use crate::catalogue::{Settings, progenitor_settings};
use crate::pipeline::catch_panic;

/// Why raw progenitor made no code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// `generate_tokens` returned an error.
    Rejects(String),
    /// `generate_tokens` panicked (the message; the panic is not printed).
    Panics(String),
    /// What it returned does not parse as a Rust file.
    NotRust(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Rejects(e) => write!(f, "progenitor rejects it: {e}"),
            Failure::Panics(m) => write!(f, "progenitor panics: {m}"),
            Failure::NotRust(e) => write!(f, "not Rust: {e}"),
        }
    }
}

impl std::error::Error for Failure {}

/// progenitor's `generate_tokens` on `doc`, parsed by syn.
pub fn generate(doc: &OpenAPI, settings: &Settings) -> Result<syn::File, Failure> {
    let settings = progenitor_settings(settings);
    let tokens = catch_panic(|| progenitor::Generator::new(&settings).generate_tokens(doc))
        .map_err(Failure::Panics)?
        .map_err(|e| Failure::Rejects(e.to_string()))?;
    syn::parse2(tokens).map_err(|e| Failure::NotRust(e.to_string()))
}

/// [`generate`] formatted by prettyplease: the file a program using
/// progenitor alone writes (progenitor's documentation).
pub fn code(doc: &OpenAPI, settings: &Settings) -> Result<String, Failure> {
    generate(doc, settings).map(|file| prettyplease::unparse(&file))
}
