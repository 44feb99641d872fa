//! Shared by the normalisation tests: read a document as progenitor's
//! model (without the project's loader, which checks more than progenitor
//! needs), and run raw progenitor on it with the project's settings (the
//! baseline, `xtask::raw`).

#![allow(dead_code)]

use std::path::Path;

use xtask::catalogue::Settings;

/// Parses a JSON or YAML OpenAPI document straight into `openapiv3`.
pub fn read(path: &Path) -> Result<openapiv3::OpenAPI, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())?
    } else {
        serde_yaml_ng::from_str(&text).map_err(|e| e.to_string())?
    };
    serde_json::from_value(value).map_err(|e| format!("{}: {e}", path.display()))
}

/// Raw progenitor on `doc` ([`xtask::raw`]), its panics and errors as
/// messages.
pub fn generate(doc: &openapiv3::OpenAPI) -> Result<syn::File, String> {
    xtask::raw::generate(doc, &Settings::DEFAULT).map_err(|e| e.to_string())
}
