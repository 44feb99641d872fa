//! Shared by the normalisation tests: read a document as progenitor's
//! model (without the project's loader, which checks more than progenitor
//! needs), and run raw progenitor on it with the project's settings.

#![allow(dead_code)]

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

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

/// Raw progenitor on `doc`, its panics and errors as messages, then `syn`.
pub fn generate(doc: &openapiv3::OpenAPI) -> Result<syn::File, String> {
    let settings = xtask::catalogue::progenitor_settings(&Settings::DEFAULT);
    quiet_panics();
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(&settings).generate_tokens(doc)
    }));
    QUIET.with(|q| q.set(false));
    let tokens = match result {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(format!("progenitor rejects it: {e}")),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(format!("progenitor panics: {message}"));
        }
    };
    syn::parse2::<syn::File>(tokens).map_err(|e| format!("not Rust: {e}"))
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// A panic inside [`generate`] is its answer, not test output; panics
/// elsewhere (a failing assertion) still print.
fn quiet_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}
