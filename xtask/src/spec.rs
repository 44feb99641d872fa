//! Loading an OpenAPI document with errors a person can act on.
//!
//! progenitor assumes a well-formed 3.0 document and panics or answers with a
//! bare message on anything else. Everything that can be checked before it
//! runs is checked here, and each failure names the file, the JSON pointer
//! (or line) and what was expected.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

/// A spec file, parsed twice: as plain JSON values (to keep every extension
/// and to report pointers) and as the typed `openapiv3` model progenitor reads.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Path as given, relative to the workspace root; used in every message.
    pub path: PathBuf,
    /// The document as JSON values.
    pub value: Value,
    /// The document as progenitor's input model.
    pub openapi: OpenAPI,
}

/// One operation of a spec, for messages and counts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationRef {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template, such as `/organizations/{organizationId}`.
    pub path: String,
    /// The operationId, when there is one.
    pub operation_id: Option<String>,
}

impl fmt::Display for OperationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation_id {
            Some(id) => write!(f, "operation `{id}` ({} {})", self.method, self.path),
            None => write!(f, "operation {} {}", self.method, self.path),
        }
    }
}

/// Reads and checks the spec at `root/rel`.
pub fn load(root: &Path, rel: &str) -> Result<Spec> {
    let path = PathBuf::from(rel);
    let bytes = std::fs::read(root.join(rel)).with_context(|| format!("{rel}: cannot read"))?;
    parse(&path, &bytes)
}

/// Parses and checks spec text; `path` is only used in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Spec> {
    let shown = path.display();
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        anyhow::anyhow!("{shown}:{line}: not UTF-8 text (invalid byte at offset {offset}); save the spec as UTF-8")
    })?;
    if text.trim().is_empty() {
        bail!("{shown}:1: the file is empty; expected an OpenAPI 3.0.x document");
    }
    let value: Value = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(loc) => {
            let (line, column) = (loc.line(), loc.column());
            let message = e.to_string();
            let suffix = format!(" at line {line} column {column}");
            let message = message.strip_suffix(&suffix).unwrap_or(&message);
            anyhow::anyhow!("{shown}:{line}:{column}: invalid YAML: {message}")
        }
        None => anyhow::anyhow!("{shown}: invalid YAML: {e}"),
    })?;
    check_version(path, &value)?;
    check_refs(path, &value)?;
    let openapi: OpenAPI = serde_path_to_error::deserialize(&value).map_err(|e| {
        let pointer = pointer_from_serde_path(e.path());
        anyhow::anyhow!(
            "{shown}: not a valid OpenAPI 3.0 document at {pointer}: {}",
            e.inner()
        )
    })?;
    let spec = Spec {
        path: path.to_path_buf(),
        value,
        openapi,
    };
    check_operations(&spec)?;
    Ok(spec)
}

/// progenitor only reads OpenAPI 3.0.x; say so plainly for 2.0 and 3.1.
fn check_version(path: &Path, value: &Value) -> Result<()> {
    let shown = path.display();
    let Some(map) = value.as_object() else {
        bail!("{shown}: expected a YAML mapping with an `openapi: 3.0.x` field at the top");
    };
    if let Some(swagger) = map.get("swagger") {
        bail!(
            "{shown}: this is a Swagger {} document (at /swagger); progenitor reads OpenAPI 3.0.x only: convert it first",
            display_scalar(swagger)
        );
    }
    match map.get("openapi") {
        None => {
            bail!("{shown}: missing the `openapi` field (at /openapi); expected `openapi: 3.0.3`")
        }
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) if v.starts_with("3.1") => bail!(
            "{shown}: OpenAPI {v} is not supported (at /openapi): progenitor reads OpenAPI 3.0.x only; write the spec as 3.0.3"
        ),
        Some(other) => bail!(
            "{shown}: unsupported OpenAPI version {} (at /openapi); expected a string `3.0.x`",
            display_scalar(other)
        ),
    }
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_refs(path: &Path, root: &Value) -> Result<()> {
    let mut problems = Vec::new();
    walk_refs(root, &mut String::new(), &mut |at, target| {
        match target.strip_prefix('#') {
            Some(pointer) if root.pointer(pointer).is_some() => {}
            Some(_) => problems.push(format!("`$ref: {target}` points at nothing (at {at})")),
            None => problems.push(format!(
                "`$ref: {target}` points outside this file (at {at}); only local references (`#/...`) are supported"
            )),
        }
    });
    match problems.as_slice() {
        [] => Ok(()),
        [one] => bail!("{}: {one}", path.display()),
        many => bail!(
            "{}: {} broken references:\n  {}",
            path.display(),
            many.len(),
            many.join("\n  ")
        ),
    }
}

fn walk_refs(value: &Value, at: &mut String, found: &mut impl FnMut(&str, &str)) {
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push('/');
                at.push_str(&escape_pointer(key));
                if key == "$ref" {
                    if let Value::String(target) = child {
                        found(at, target);
                    }
                } else {
                    walk_refs(child, at, found);
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push('/');
                at.push_str(&i.to_string());
                walk_refs(child, at, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Checks progenitor would otherwise answer with a panic or a bare message.
fn check_operations(spec: &Spec) -> Result<()> {
    let shown = spec.path.display();
    let mut seen: BTreeMap<&str, OperationRef> = BTreeMap::new();
    for (op, operation) in operations(&spec.openapi) {
        let Some(id) = operation.operation_id.as_deref() else {
            bail!(
                "{shown}: {op} has no operationId; progenitor names the Rust method after it, so every operation needs one"
            );
        };
        if let Some(first) = seen.get(id) {
            bail!(
                "{shown}: operationId `{id}` is used twice: by {first} and by {} {}",
                op.method,
                op.path
            );
        }
        seen.insert(id, op.clone());
    }
    Ok(())
}

/// The eight operation slots of a path item, by upper-case method: the one
/// table for code that must find or change an operation by method.
pub fn operation_slots(
    item: &mut openapiv3::PathItem,
) -> [(&'static str, &mut Option<openapiv3::Operation>); 8] {
    [
        ("GET", &mut item.get),
        ("PUT", &mut item.put),
        ("POST", &mut item.post),
        ("DELETE", &mut item.delete),
        ("OPTIONS", &mut item.options),
        ("HEAD", &mut item.head),
        ("PATCH", &mut item.patch),
        ("TRACE", &mut item.trace),
    ]
}

/// Every operation of the document, in path order then method order.
pub fn operations(openapi: &OpenAPI) -> Vec<(OperationRef, &openapiv3::Operation)> {
    let mut out = Vec::new();
    for (path, item) in openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            out.push((
                OperationRef {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    operation_id: operation.operation_id.clone(),
                },
                operation,
            ));
        }
    }
    out
}

/// Names of the operations, for the report (operationIds are checked unique).
pub fn operation_ids(openapi: &OpenAPI) -> BTreeSet<String> {
    operations(openapi)
        .into_iter()
        .filter_map(|(op, _)| op.operation_id)
        .collect()
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of a deserialization error's location.
fn pointer_from_serde_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape_pointer(key)),
            Segment::Enum { variant } => out.push_str(&escape_pointer(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
