//! OpenAPI 3.1 -> 3.0, in memory, for what has a 3.0 meaning.
//!
//! 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are an older, smaller
//! dialect. Each construct with a 3.0 equivalent is rewritten to it:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]`, `type: "null"` | `type: T, nullable: true` (`enum: [null]` for null alone) |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `oneOf`/`anyOf` with a `{type: "null"}` member | `nullable: true` on the rest (one member left: `allOf: [it]`) |
//! | `const: v` | `enum: [v]` |
//! | `examples: [a, ...]` in a schema | `example: a` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` (likewise maximum) |
//! | `$ref` with siblings | `allOf: [{$ref}]` with the siblings |
//! | `contentEncoding: base64`, `contentMediaType` | `format: byte`, `format: binary` |
//! | `true`/`false` as a schema | `{}`/`{not: {}}` |
//! | `webhooks`, `jsonSchemaDialect`, `info.summary`, `license.identifier` | dropped (no part of a client) |
//!
//! What has no 3.0 meaning (`prefixItems`, `if`/`then`/`else`,
//! `patternProperties`, `unevaluatedProperties`, `$defs`, ...) is an error
//! naming the keyword and its pointer: guessing would change what the
//! client accepts.

use serde_json::{Map, Value, json};

use super::escape_pointer;
use super::source::Layer;
use super::walk::{self, Kind, Node};

/// A value 3.0 cannot express, or one dropped: pointer, message.
pub(crate) type Finding = (String, String);

/// What the conversion did: where moved values were, what was dropped.
pub(crate) struct Converted {
    pub layer: Layer,
    /// Dropped constructs worth a warning.
    pub notes: Vec<Finding>,
}

/// JSON Schema keywords with no OpenAPI 3.0 counterpart.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("prefixItems", "tuple items"),
    ("if", "conditional schemas"),
    ("then", "conditional schemas"),
    ("else", "conditional schemas"),
    (
        "dependentSchemas",
        "schemas that depend on present properties",
    ),
    (
        "dependentRequired",
        "properties required by other properties",
    ),
    (
        "unevaluatedProperties",
        "properties not covered by other keywords",
    ),
    ("unevaluatedItems", "items not covered by other keywords"),
    ("patternProperties", "property names matching a pattern"),
    ("propertyNames", "a schema for property names"),
    ("contains", "arrays containing a matching item"),
    ("minContains", "arrays containing a matching item"),
    ("maxContains", "arrays containing a matching item"),
    ("$defs", "schemas defined inside a schema"),
    ("$id", "a schema's own base URI"),
    ("$anchor", "a named place in a schema"),
    ("$dynamicRef", "dynamic references"),
    ("$dynamicAnchor", "dynamic references"),
];

/// The default dialect of 3.1 schemas: saying so changes nothing.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Rewrites the 3.1 document `doc` as 3.0.
pub(crate) fn convert(doc: &mut Value) -> Result<Converted, Vec<Finding>> {
    let mut c = Converter {
        layer: Layer::default(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    c.root(doc);
    c.node(doc, walk::ROOT, "", "");
    if c.problems.is_empty() {
        Ok(Converted {
            layer: c.layer,
            notes: c.notes,
        })
    } else {
        Err(c.problems)
    }
}

struct Converter {
    layer: Layer,
    problems: Vec<Finding>,
    notes: Vec<Finding>,
}

fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_pointer(key))
}

/// Whether a value of this kind is a Reference Object when it has a `$ref`.
fn is_reference_object(kind: Kind) -> bool {
    matches!(
        kind.node(),
        Some(
            Node::Parameter
                | Node::RequestBody
                | Node::Response
                | Node::Header
                | Node::Example
                | Node::Link
                | Node::Callback
                | Node::SecurityScheme
        )
    )
}

/// `{type: "null"}` (with at most a title or description): the member of a
/// `oneOf` that only says "or null".
fn is_null_schema(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    null_type
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "title" | "description"))
}

impl Converter {
    fn root(&mut self, doc: &mut Value) {
        let Value::Object(map) = doc else { return };
        map.insert("openapi".into(), json!("3.0.3"));
        if map.remove("webhooks").is_some() {
            self.notes.push((
                "/webhooks".into(),
                "`webhooks` (requests the API sends to you) have no OpenAPI 3.0 form and no part in a client: ignored".into(),
            ));
        }
        if let Some(dialect) = map.remove("jsonSchemaDialect")
            && dialect != DEFAULT_DIALECT
        {
            self.notes.push((
                "/jsonSchemaDialect".into(),
                format!(
                    "`jsonSchemaDialect: {dialect}` is ignored: schemas are read as OpenAPI's own dialect"
                ),
            ));
        }
        map.entry("paths").or_insert_with(|| json!({}));
        if let Some(Value::Object(info)) = map.get_mut("info") {
            info.remove("summary");
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license.remove("identifier");
            }
        }
        if let Some(Value::Object(components)) = map.get_mut("components")
            && let Some(items) = components.get("pathItems")
        {
            if items.as_object().is_some_and(|m| !m.is_empty()) {
                self.problems.push((
                    "/components/pathItems".into(),
                    "`components/pathItems` has no OpenAPI 3.0 equivalent: write the path items under `paths`".into(),
                ));
            }
            components.remove("pathItems");
        }
    }

    /// Converts `value` (of `kind`, at `new` now and `old` before) and
    /// everything under it.
    fn node(&mut self, value: &mut Value, kind: Kind, new: &str, old: &str) {
        if kind == Kind::One(Node::Data) {
            return;
        }
        match value {
            Value::Object(map) => {
                if kind == Kind::One(Node::Schema) {
                    if !self.schema(map, new, old) {
                        return;
                    }
                } else if is_reference_object(kind) && map.contains_key("$ref") {
                    // 3.1 lets a reference carry a summary and description;
                    // a 3.0 reference is `$ref` alone. (A path item's `$ref`
                    // may have siblings in 3.0 too: kept.)
                    map.retain(|k, _| k == "$ref");
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let child_new = join(new, key);
                    let child_old = self
                        .layer
                        .get(&child_new)
                        .map_or_else(|| join(old, key), |o| o.pointer.clone());
                    let child_kind = walk::child(kind, key);
                    if child_kind == Kind::One(Node::Schema)
                        && key != "additionalProperties"
                        && let Value::Bool(b) = child
                    {
                        *child = if *b { json!({}) } else { json!({ "not": {} }) };
                    }
                    self.node(child, child_kind, &child_new, &child_old);
                }
            }
            Value::Array(items) => {
                let item_kind = walk::item(kind);
                for (i, child) in items.iter_mut().enumerate() {
                    let child_new = format!("{new}/{i}");
                    let child_old = self
                        .layer
                        .get(&child_new)
                        .map_or_else(|| format!("{old}/{i}"), |o| o.pointer.clone());
                    if item_kind == Kind::One(Node::Schema)
                        && let Value::Bool(b) = child
                    {
                        *child = if *b { json!({}) } else { json!({ "not": {} }) };
                    }
                    self.node(child, item_kind, &child_new, &child_old);
                }
            }
            _ => {}
        }
    }

    /// Rewrites one schema object in place; false when it is a plain
    /// reference (nothing under it to convert).
    fn schema(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) -> bool {
        if map.contains_key("$ref") {
            if map.len() == 1 {
                return false;
            }
            self.ref_with_siblings(map, new, old);
        }
        for (keyword, what) in UNSUPPORTED {
            if map.contains_key(*keyword) {
                self.problems.push((
                    join(old, keyword),
                    format!(
                        "`{keyword}` ({what}) has no OpenAPI 3.0 equivalent; the schema cannot be converted without changing what it accepts"
                    ),
                ));
            }
        }
        if map.get("items").is_some_and(Value::is_array) {
            self.problems.push((
                join(old, "items"),
                "`items` as a list (tuple items) has no OpenAPI 3.0 equivalent".into(),
            ));
        }
        map.remove("$schema");
        map.remove("$comment");
        self.types(map, new, old);
        for key in ["oneOf", "anyOf"] {
            self.null_members(map, key, new, old);
        }
        self.constant(map, new, old);
        if let Some(Value::Array(examples)) = map.get("examples") {
            let first = examples.first().cloned();
            map.remove("examples");
            if let Some(first) = first
                && !map.contains_key("example")
            {
                map.insert("example".into(), first);
                self.layer
                    .moved(&join(new, "example"), &format!("{old}/examples/0"));
            }
        }
        for (exclusive, bound, stricter) in [
            ("exclusiveMinimum", "minimum", true),
            ("exclusiveMaximum", "maximum", false),
        ] {
            self.exclusive(map, exclusive, bound, stricter, new, old);
        }
        self.content_encoding(map, new, old);
        true
    }

    /// `{$ref, description}` -> `{allOf: [{$ref}], description}`: in 3.1 the
    /// siblings apply, in 3.0 they would be ignored.
    fn ref_with_siblings(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let Some(target) = map.remove("$ref") else {
            return;
        };
        let reference = json!({ "$ref": target });
        match map.get_mut("allOf") {
            Some(Value::Array(members)) => {
                for i in (0..members.len()).rev() {
                    self.layer.moved(
                        &format!("{new}/allOf/{}", i + 1),
                        &format!("{old}/allOf/{i}"),
                    );
                }
                members.insert(0, reference);
            }
            _ => {
                map.insert("allOf".into(), json!([reference]));
            }
        }
        self.layer.moved(&format!("{new}/allOf/0"), old);
    }

    /// Type arrays and `type: "null"`.
    fn types(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let types: Vec<String> = match map.get("type") {
            Some(Value::String(t)) if t == "null" => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => return,
        };
        let nullable = types.iter().any(|t| t == "null");
        let mut rest: Vec<String> = Vec::new();
        for t in types.into_iter().filter(|t| t != "null") {
            if !rest.contains(&t) {
                rest.push(t);
            }
        }
        let at_type = join(old, "type");
        if nullable {
            self.nullable(map, new, &at_type);
        }
        match rest.as_slice() {
            [] => {
                map.remove("type");
                self.only_null(map, new, &at_type);
            }
            [one] => {
                map.insert("type".into(), json!(one));
            }
            many => {
                map.remove("type");
                let members: Vec<Value> = many.iter().map(|t| json!({ "type": t })).collect();
                let slot = ["anyOf", "oneOf"]
                    .into_iter()
                    .find(|k| !map.contains_key(*k));
                match slot {
                    Some(slot) => {
                        map.insert(slot.into(), Value::Array(members));
                        self.layer.moved(&join(new, slot), &at_type);
                    }
                    None => self.problems.push((
                        at_type,
                        "a list of types beside both `oneOf` and `anyOf` has no OpenAPI 3.0 form"
                            .into(),
                    )),
                }
            }
        }
    }

    fn nullable(&mut self, map: &mut Map<String, Value>, new: &str, from: &str) {
        map.insert("nullable".into(), json!(true));
        self.layer.moved(&join(new, "nullable"), from);
    }

    /// A schema that allows null and nothing else.
    fn only_null(&mut self, map: &mut Map<String, Value>, new: &str, from: &str) {
        if !map.contains_key("enum") {
            map.insert("enum".into(), json!([null]));
            self.layer.moved(&join(new, "enum"), from);
        }
        map.insert("nullable".into(), json!(true));
    }

    /// `oneOf: [{type: "null"}, X]` -> `allOf: [X], nullable: true`.
    fn null_members(&mut self, map: &mut Map<String, Value>, key: &str, new: &str, old: &str) {
        let Some(Value::Array(members)) = map.get(key) else {
            return;
        };
        if !members.iter().any(is_null_schema) {
            return;
        }
        let kept: Vec<(usize, Value)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_null_schema(m))
            .map(|(i, m)| (i, m.clone()))
            .collect();
        let first_null = members.iter().position(is_null_schema).unwrap_or(0);
        map.remove(key);
        self.nullable(map, new, &format!("{old}/{key}/{first_null}"));
        let old_of = |i: usize| format!("{}/{i}", join(old, key));
        match kept.as_slice() {
            [] => self.only_null(map, new, &join(old, key)),
            [(i, only)] if !map.contains_key("allOf") => {
                map.insert("allOf".into(), json!([only]));
                self.layer.moved(&format!("{new}/allOf/0"), &old_of(*i));
            }
            _ => {
                for (j, (i, _)) in kept.iter().enumerate() {
                    self.layer
                        .moved(&format!("{}/{j}", join(new, key)), &old_of(*i));
                }
                let members = kept.into_iter().map(|(_, m)| m).collect();
                map.insert(key.into(), Value::Array(members));
            }
        }
    }

    /// `const: v` -> `enum: [v]`.
    fn constant(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let Some(value) = map.remove("const") else {
            return;
        };
        let at = join(old, "const");
        if value.is_null() {
            self.nullable(map, new, &at);
        }
        if !map.contains_key("enum") {
            map.insert("enum".into(), json!([value]));
            self.layer.moved(&join(new, "enum"), &at);
            self.layer.moved(&format!("{new}/enum/0"), &at);
        }
    }

    /// A numeric `exclusiveMinimum` (3.1) as `minimum` + `exclusiveMinimum:
    /// true` (3.0), unless the inclusive bound beside it is stricter.
    fn exclusive(
        &mut self,
        map: &mut Map<String, Value>,
        exclusive: &str,
        bound: &str,
        lower: bool,
        new: &str,
        old: &str,
    ) {
        let Some(Value::Number(n)) = map.get(exclusive) else {
            return;
        };
        let n = n.clone();
        let x = n.as_f64().unwrap_or(0.0);
        let stricter = match map.get(bound).and_then(Value::as_f64) {
            None => true,
            Some(b) if lower => x >= b,
            Some(b) => x <= b,
        };
        if stricter {
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), json!(true));
            self.layer.moved(&join(new, bound), &join(old, exclusive));
        } else {
            map.remove(exclusive);
        }
    }

    fn content_encoding(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let encoding = map.remove("contentEncoding");
        let media = map.remove("contentMediaType");
        if map.contains_key("format") {
            return;
        }
        let (format, from) = match (&encoding, &media) {
            (Some(Value::String(e)), _) if e == "base64" || e == "base64url" => {
                ("byte", "contentEncoding")
            }
            (Some(Value::String(e)), _) if e == "binary" => ("binary", "contentEncoding"),
            (_, Some(Value::String(m))) if !m.starts_with("text/") && !m.contains("json") => {
                ("binary", "contentMediaType")
            }
            _ => return,
        };
        map.insert("format".into(), json!(format));
        self.layer.moved(&join(new, "format"), &join(old, from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_siblings_go_only_where_3_0_has_none() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"$ref": "#/x", "summary": "kept: path items merge"}},
            "components": {"parameters": {"P": {"$ref": "#/y", "description": "dropped"}}}
        });
        assert!(convert(&mut doc).is_ok());
        assert_eq!(doc["paths"]["/a"]["summary"], "kept: path items merge");
        assert_eq!(doc["components"]["parameters"]["P"], json!({"$ref": "#/y"}));
        assert_eq!(doc["openapi"], "3.0.3");
    }

    #[test]
    fn constructs_without_a_3_0_meaning_are_named() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"T": {"if": {}, "then": {}, "items": [{}]}}}
        });
        let Err(problems) = convert(&mut doc) else {
            panic!("converted");
        };
        let at: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/T/if",
                "/components/schemas/T/then",
                "/components/schemas/T/items"
            ]
        );
    }
}
