//! Response shapes progenitor cannot take, found on the normalised document.
//!
//! progenitor asserts that all success responses of an operation share one
//! body shape, and all error responses another. [`check_shapes`] runs after
//! [`super::normalise`] and turns what is left of such operations into a
//! message that names the operation, instead of a panic.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use anyhow::{Result, bail};
use openapiv3::{OpenAPI, ReferenceOr};

use crate::spec::{OperationRef, operations};

/// Fails with a clear message where progenitor would panic on response
/// shapes; run on the normalised document (see [`crate::normalise`]).
pub fn check_shapes(path: &Path, openapi: &OpenAPI) -> Result<()> {
    for operation in operations(openapi) {
        if let Err(reason) = check_operation(openapi, &operation.at(), operation.op) {
            bail!("{}: {}: {reason}", path.display(), operation.at());
        }
    }
    Ok(())
}

/// What progenitor makes of one response: no body, a JSON schema, or raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BodyShape {
    None,
    Schema(String),
    /// An inline schema, as its JSON text (to tell equal ones apart from
    /// different ones).
    Inline(String),
    Raw,
}

impl fmt::Display for BodyShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyShape::None => f.write_str("no body"),
            BodyShape::Schema(s) => f.write_str(s),
            BodyShape::Inline(_) => f.write_str("an inline schema"),
            BodyShape::Raw => f.write_str("a non-JSON body"),
        }
    }
}

/// progenitor asserts (`response_types.len() <= 1`) that all success
/// responses of an operation share one body shape, and all error responses
/// another; a `default` response counts in both groups.
/// The reason progenitor would panic on one operation's response shapes.
pub(super) fn check_operation(
    openapi: &OpenAPI,
    _op: &OperationRef,
    operation: &openapiv3::Operation,
) -> std::result::Result<(), String> {
    let mut success: BTreeMap<BodyShape, Vec<String>> = BTreeMap::new();
    let mut error: BTreeMap<BodyShape, Vec<String>> = BTreeMap::new();
    let responses = &operation.responses;
    let all = responses
        .responses
        .iter()
        .map(|(code, r)| (code.to_string(), r))
        .chain(responses.default.iter().map(|r| ("default".to_string(), r)));
    for (code, response) in all {
        let shape = response_shape(openapi, response);
        let is_default = code == "default";
        let class = code.chars().next();
        if is_default || class == Some('2') {
            success.entry(shape.clone()).or_default().push(code.clone());
        }
        if is_default || matches!(class, Some('4' | '5')) {
            error.entry(shape).or_default().push(code);
        }
    }
    for (kind, group) in [("success", &success), ("error", &error)] {
        if group.len() > 1 {
            let detail = group
                .iter()
                .map(|(shape, codes)| format!("{} -> {shape}", codes.join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(format!(
                "its {kind} responses have different bodies ({detail}); progenitor needs one body schema for all {kind} responses of an operation"
            ));
        }
    }
    Ok(())
}

/// What a response's body is, as progenitor will see it. One
/// classification serves the shape check here and [`crate::normalise`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseBody {
    /// No `content`.
    None,
    /// A non-JSON media type, or JSON without a schema: raw bytes.
    Raw,
    /// JSON with an inline schema: a type of its own, named after the operation.
    Inline,
    /// JSON with a `$ref` to a component schema.
    Named(String),
    /// A response `$ref` that does not resolve (or loops).
    Unresolved(String),
}

/// Classifies one response, following response `$ref`s.
pub fn response_body(
    components: Option<&openapiv3::Components>,
    response: &ReferenceOr<openapiv3::Response>,
) -> ResponseBody {
    let response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            match crate::spec::resolve::component(components, reference) {
                Some(r) => r,
                None => return ResponseBody::Unresolved(reference.clone()),
            }
        }
    };
    let Some((media, content)) = response.content.iter().next() else {
        return ResponseBody::None;
    };
    let is_json = media == "application/json" || media.ends_with("+json");
    match (&content.schema, is_json) {
        (Some(ReferenceOr::Reference { reference }), true) => {
            ResponseBody::Named(reference.clone())
        }
        (Some(ReferenceOr::Item(_)), true) => ResponseBody::Inline,
        (None, true) | (_, false) => ResponseBody::Raw,
    }
}

fn inline_schema_text(openapi: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> String {
    crate::spec::resolve::item(openapi.components.as_ref(), response)
        .and_then(|r| r.content.values().next())
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| serde_json::to_string(s).ok())
        .unwrap_or_default()
}

fn response_shape(openapi: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> BodyShape {
    match response_body(openapi.components.as_ref(), response) {
        ResponseBody::None => BodyShape::None,
        ResponseBody::Raw => BodyShape::Raw,
        // Equal inline schemas become one Rust type; different ones, two.
        ResponseBody::Inline => BodyShape::Inline(inline_schema_text(openapi, response)),
        ResponseBody::Named(reference) => BodyShape::Schema(reference),
        ResponseBody::Unresolved(reference) => BodyShape::Schema(format!("unresolved {reference}")),
    }
}
