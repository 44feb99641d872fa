//! Reading the JSON documents: operations, parameters and security
//! requirements, with `$ref`s resolved and where each is written.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// An operation with the path item it belongs to (for shared parameters).
pub(super) struct Op<'a> {
    pub(super) item: &'a Value,
    pub(super) op: &'a Value,
    /// Where the path item is written.
    pub(super) item_at: String,
    /// Where the operation is written.
    pub(super) at: String,
}

/// Operations by (path, method). Only the JSON is read, so a document
/// without operationIds or descriptions compares as well as any.
pub(super) fn operations(doc: &Value) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in obj(doc.get("paths")) {
        let (item, item_at) = deref(doc, item, &join_pointer("/paths", path));
        for method in crate::spec::Method::ALL {
            if let Some(op) = item.get(method.key()) {
                let at = join_pointer(&item_at, method.key());
                let op = Op {
                    item,
                    op,
                    item_at: item_at.clone(),
                    at,
                };
                out.insert((path.clone(), method.key().to_string()), op);
            }
        }
    }
    out
}

/// The template of a path with its parameters' names left out
/// (`/orgs/{org}/users/{id}` → `/orgs/{}/users/{}`): two paths with one
/// template are one URL.
pub(super) fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names of a path's parameters, in order.
pub(super) fn path_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Parameters by (location, name), with where each is written: the path
/// item's, overridden by the operation's. `renamed` maps path parameter
/// names of this side to the other side's, so a renamed one is compared
/// with itself.
pub(super) fn parameters<'a>(
    doc: &'a Value,
    op: &Op<'a>,
    renamed: &BTreeMap<String, String>,
) -> BTreeMap<(String, String), (&'a Value, String)> {
    let mut out = BTreeMap::new();
    let shared = list(op.item.get("parameters")).iter().enumerate();
    let own = list(op.op.get("parameters")).iter().enumerate();
    let shared = shared.map(|(i, p)| (p, format!("{}/parameters/{i}", op.item_at)));
    let own = own.map(|(i, p)| (p, format!("{}/parameters/{i}", op.at)));
    for (p, at) in shared.chain(own) {
        let (p, at) = deref(doc, p, &at);
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let (place, mut name) = (s("in"), s("name"));
        if place == "path"
            && let Some(other) = renamed.get(&name)
        {
            other.clone_into(&mut name);
        }
        out.insert((place, name), (p, at));
    }
    out
}

/// The effective security requirements of an operation, each alternative as
/// text (`a + b[scope]`); empty when none is needed.
pub(super) fn requirements(doc: &Value, op: &Value) -> BTreeSet<String> {
    let reqs = op.get("security").or_else(|| doc.get("security"));
    list(reqs)
        .iter()
        .filter_map(|alt| {
            let alt = alt.as_object()?;
            if alt.is_empty() {
                // `{}`: anonymous access is one of the alternatives.
                return Some("none".to_string());
            }
            Some(
                alt.iter()
                    .map(|(name, scopes)| {
                        let scopes: Vec<String> = list(Some(scopes))
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect();
                        if scopes.is_empty() {
                            name.clone()
                        } else {
                            format!("{name}[{}]", scopes.join(", "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" + "),
            )
        })
        .collect()
}

pub(super) use crate::spec::join_pointer;
pub(super) use crate::spec::resolve::{deref, resolve};

pub(super) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn obj(v: Option<&Value>) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    v.and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

pub(super) fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

pub(super) fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

pub(super) fn compact_json(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// A value without the parts that are documentation only.
pub(super) fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description"
                            | "example"
                            | "examples"
                            | "externalDocs"
                            | "summary"
                            | "title"
                    ) && !k.starts_with("x-")
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}
