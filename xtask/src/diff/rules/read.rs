//! Reading the JSON documents: operations, parameters, security
//! requirements and properties, with `$ref`s resolved.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// An operation with the path item it belongs to (for shared parameters).
pub(super) struct Op<'a> {
    pub(super) item: &'a Value,
    pub(super) op: &'a Value,
}

/// Operations by (path, method).
pub(super) fn operations(doc: &Value) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in obj(doc.get("paths")) {
        let item = resolve(doc, item);
        for method in crate::spec::Method::ALL {
            if let Some(op) = item.get(method.key()) {
                out.insert((path.clone(), method.key().to_string()), Op { item, op });
            }
        }
    }
    out
}

/// Parameters by (location, name): the path item's, overridden by the
/// operation's.
pub(super) fn parameters<'a>(doc: &'a Value, op: &Op<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for p in list(op.item.get("parameters"))
        .iter()
        .chain(list(op.op.get("parameters")))
    {
        let p = resolve(doc, p);
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        out.insert((s("in"), s("name")), p);
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

/// Properties and required names of an object schema, with `allOf`
/// members merged in.
pub(super) fn properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
) -> (BTreeMap<String, &'a Value>, BTreeSet<String>) {
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    let mut stack = vec![schema];
    let mut depth = 0;
    while let Some(s) = stack.pop() {
        depth += 1;
        if depth > 64 {
            break;
        }
        let s = resolve(doc, s);
        for (k, v) in obj(s.get("properties")) {
            props.insert(k.clone(), v);
        }
        for r in list(s.get("required")) {
            if let Some(r) = r.as_str() {
                required.insert(r.to_string());
            }
        }
        stack.extend(list(s.get("allOf")));
    }
    (props, required)
}

pub(super) use crate::spec::resolve::resolve;

pub(super) fn ref_of(v: &Value) -> &str {
    v.get("$ref").and_then(Value::as_str).unwrap_or("")
}

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
