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
//! What has no 3.0 meaning only narrows what a schema accepts, so it is left
//! out with a note ([`Effect::Dropped`]): the client accepts a little more
//! than the vendor's schema, never less.
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `prefixItems`, `items: [..]` (tuples) | `items`: the members' common schema, else any value |
//! | `patternProperties` | left out; `additionalProperties: false` beside it becomes the patterns' schema |
//! | `$defs` (and `definitions`) that a `$ref` points into | moved to `components/schemas`, the `$ref`s rewritten |
//! | `$defs` nothing points into | left out |
//! | `$dynamicRef` | left out: the schema accepts any value ([`Effect::Opaque`]) |
//! | `if`/`then`/`else`, `dependent*`, `unevaluated*`, `propertyNames`, `contains`, `$id`, `$anchor`, `$comment`, `$schema` | left out |
//!
//! Only `components/pathItems` (a place 3.0 has no way to refer to) is
//! still an error.

use serde_json::{Map, Value, json};

use super::source::Layer;
use super::walk::{self, Kind, Object};
use super::{Effect, Note, Unconvertible, escape_pointer, join_pointer, unescape_pointer};

/// What the conversion did: where moved values were, what was dropped.
pub(crate) struct Converted {
    pub layer: Layer,
    /// Dropped constructs worth a warning.
    pub notes: Vec<Note>,
}

/// JSON Schema keywords with no OpenAPI 3.0 counterpart that only narrow
/// what a schema accepts: keyword, what it says, what leaving it out means.
const DROPPED: &[(&str, &str, &str)] = &[
    (
        "if",
        "conditional schemas",
        "values the condition would refuse",
    ),
    (
        "then",
        "conditional schemas",
        "values the condition would refuse",
    ),
    (
        "else",
        "conditional schemas",
        "values the condition would refuse",
    ),
    (
        "dependentSchemas",
        "schemas that depend on present properties",
        "objects those schemas would refuse",
    ),
    (
        "dependentRequired",
        "properties required by other properties",
        "objects without the properties required together",
    ),
    (
        "unevaluatedProperties",
        "properties not covered by other keywords",
        "properties no other keyword describes",
    ),
    (
        "unevaluatedItems",
        "items not covered by other keywords",
        "items no other keyword describes",
    ),
    (
        "propertyNames",
        "a schema for property names",
        "any property name",
    ),
    (
        "contains",
        "arrays containing a matching item",
        "arrays without such an item",
    ),
    (
        "minContains",
        "arrays containing a matching item",
        "arrays without such an item",
    ),
    (
        "maxContains",
        "arrays containing a matching item",
        "arrays with more such items",
    ),
    (
        "$id",
        "a schema's own base URI",
        "the same values (a `$ref` relative to that URI does not resolve)",
    ),
    (
        "$anchor",
        "a named place in a schema",
        "the same values (a `$ref` to the anchor does not resolve)",
    ),
    (
        "$dynamicAnchor",
        "a place for dynamic references",
        "the same values",
    ),
    ("$comment", "a comment", "the same values"),
];

/// Nested `$defs` moved per round at most this deep; a guard, not a limit
/// a document meets.
const MAX_DEFS_ROUNDS: usize = 64;

/// The default dialect of 3.1 schemas: saying so changes nothing.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Rewrites the 3.1 document `doc` as 3.0.
pub(crate) fn convert(doc: &mut Value) -> Result<Converted, Vec<Unconvertible>> {
    let mut c = Converter {
        layer: Layer::default(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    c.root(doc);
    c.hoist_definitions(doc);
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
    problems: Vec<Unconvertible>,
    notes: Vec<Note>,
}

/// Whether a value of this kind is a Reference Object when it has a `$ref`.
fn is_reference_object(kind: Kind) -> bool {
    matches!(
        kind.node(),
        Some(
            Object::Parameter
                | Object::RequestBody
                | Object::Response
                | Object::Header
                | Object::Example
                | Object::Link
                | Object::Callback
                | Object::SecurityScheme
        )
    )
}

use super::repair::is_null_schema;

impl Converter {
    fn root(&mut self, doc: &mut Value) {
        let Value::Object(map) = doc else { return };
        map.insert("openapi".into(), json!("3.0.3"));
        if map.remove("webhooks").is_some() {
            self.notes.push(Note::new(
                "/webhooks",
                Effect::Dropped,
                "`webhooks` (requests the API sends to you) have no OpenAPI 3.0 form and no part in a client: ignored",
            ));
        }
        if let Some(dialect) = map.remove("jsonSchemaDialect")
            && dialect != DEFAULT_DIALECT
        {
            self.notes.push(Note::new(
                "/jsonSchemaDialect",
                Effect::Dropped,
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
        if kind == Kind::One(Object::Data) {
            return;
        }
        match value {
            Value::Object(map) => {
                if kind == Kind::One(Object::Schema) {
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
                    let child_new = join_pointer(new, key);
                    let child_old = self
                        .layer
                        .get(&child_new)
                        .map_or_else(|| join_pointer(old, key), |o| o.pointer.clone());
                    let child_kind = walk::child(kind, key);
                    if child_kind == Kind::One(Object::Schema)
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
                    if item_kind == Kind::One(Object::Schema)
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
        // First, so that a `$ref` beside only these stays a plain reference.
        for (keyword, what, accepts) in DROPPED {
            if map.remove(*keyword).is_some() {
                self.notes.push(Note::new(
                    join_pointer(new, keyword),
                    Effect::Dropped,
                    format!(
                        "`{keyword}` ({what}) has no OpenAPI 3.0 equivalent: left out, so the client accepts {accepts}"
                    ),
                ));
            }
        }
        if let Some(dialect) = map.remove("$schema")
            && dialect != DEFAULT_DIALECT
        {
            self.notes.push(Note::new(
                join_pointer(new, "$schema"),
                Effect::Dropped,
                format!(
                    "`$schema: {dialect}` is ignored: the schema is read as OpenAPI's own dialect"
                ),
            ));
        }
        if map.contains_key("$ref") {
            if map.len() == 1 {
                return false;
            }
            self.ref_with_siblings(map, new, old);
        }
        if map.remove("$dynamicRef").is_some() {
            self.notes.push(Note::new(
                join_pointer(new, "$dynamicRef"),
                Effect::Opaque,
                "`$dynamicRef` (a dynamic reference) has no OpenAPI 3.0 equivalent: left out, so the client accepts any value the schema's other keywords allow",
            ));
        }
        self.pattern_properties(map, new, old);
        self.tuple(map, new, old);
        for keyword in ["$defs", "definitions"] {
            if map.remove(keyword).is_some() {
                self.notes.push(Note::new(
                    join_pointer(new, keyword),
                    Effect::Dropped,
                    format!("`{keyword}` that no `$ref` points into: left out, it describes nothing the client sends or receives"),
                ));
            }
        }
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
                    .moved(&join_pointer(new, "example"), &format!("{old}/examples/0"));
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

    /// `patternProperties` left out; beside `additionalProperties: false`
    /// (only names matching a pattern), the patterns' schema becomes the
    /// schema of every other property, so the map still says what its
    /// values are.
    fn pattern_properties(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let Some(patterns) = map.remove("patternProperties") else {
            return;
        };
        let at = join_pointer(old, "patternProperties");
        let mut schemas: Vec<(String, Value)> = Vec::new();
        for (pattern, schema) in patterns.as_object().into_iter().flatten() {
            if !schemas.iter().any(|(_, s)| s == schema) {
                schemas.push((pattern.clone(), schema.clone()));
            }
        }
        let closed = map.get("additionalProperties") == Some(&Value::Bool(false));
        let said = if closed {
            let additional = match schemas.as_slice() {
                [(pattern, one)] => {
                    self.layer.moved(
                        &join_pointer(new, "additionalProperties"),
                        &join_pointer(&at, pattern),
                    );
                    one.clone()
                }
                _ => json!({}),
            };
            map.insert("additionalProperties".into(), additional);
            "any property name, with the patterns' values"
        } else {
            "values of any schema for the names matching a pattern"
        };
        self.notes.push(Note::new(
            join_pointer(new, "patternProperties"),
            Effect::Dropped,
            format!(
                "`patternProperties` (property names matching a pattern) has no OpenAPI 3.0 equivalent: left out, so the client accepts {said}"
            ),
        ));
    }

    /// `prefixItems` (and `items` as a list): a tuple, read as an array of
    /// the members' common schema, or of any value when they differ.
    fn tuple(&mut self, map: &mut Map<String, Value>, new: &str, old: &str) {
        let (keyword, members, rest) = match map.remove("prefixItems") {
            Some(Value::Array(members)) => ("prefixItems", members, map.remove("items")),
            Some(_) => ("prefixItems", Vec::new(), map.remove("items")),
            None => match map.remove("items") {
                Some(Value::Array(members)) => ("items", members, None),
                Some(other) => {
                    map.insert("items".into(), other);
                    return;
                }
                None => return,
            },
        };
        let mut all = members.clone();
        // In 2020-12 `items` beside `prefixItems` is the schema of the rest.
        if let Some(rest) = rest.filter(|r| *r != Value::Bool(false)) {
            all.push(rest);
        }
        let common = all.first().filter(|first| all.iter().all(|m| m == *first));
        let (items, said) = match common {
            Some(one) => {
                self.layer.moved(
                    &join_pointer(new, "items"),
                    &format!("{}/0", join_pointer(old, keyword)),
                );
                (one.clone(), "an array of the members' common schema")
            }
            None => (json!({}), "an array of any values"),
        };
        map.insert("items".into(), items);
        self.notes.push(Note::new(
            join_pointer(new, keyword),
            Effect::Dropped,
            format!(
                "`{keyword}` as tuple items ({} members) has no OpenAPI 3.0 equivalent: read as {said}, so the client does not check each position",
                members.len()
            ),
        ));
    }

    /// `$defs` (and `definitions`) inside schemas, and at the top: each
    /// entry a `$ref` points into moves to `components/schemas` (under its
    /// own name when free), and the `$ref`s are rewritten; the rest are
    /// left for [`Converter::schema`] to drop. Nested ones move in later
    /// rounds, once their holder has moved.
    fn hoist_definitions(&mut self, doc: &mut Value) {
        for _ in 0..MAX_DEFS_ROUNDS {
            let mut holders: Vec<(String, &'static str)> = Vec::new();
            walk::visit(
                doc,
                walk::ROOT,
                &mut String::new(),
                &mut |value, kind, at| {
                    let keywords: &[&'static str] = match kind {
                        Kind::One(Object::Schema) => &["$defs", "definitions"],
                        Kind::One(Object::Root) => &["$defs"],
                        _ => return,
                    };
                    for keyword in keywords {
                        if value.get(*keyword).is_some_and(Value::is_object)
                            && !holders.iter().any(|(h, k)| {
                                at.starts_with(&format!("{h}/{}/", escape_pointer(k)))
                            })
                        {
                            holders.push((at.to_string(), *keyword));
                        }
                    }
                },
            );
            if holders.is_empty() {
                return;
            }
            let references = walk::references(doc);
            let targets: Vec<&str> = references
                .iter()
                .filter_map(|(_, t)| t.as_deref()?.strip_prefix('#'))
                .collect();
            // Old pointer of an entry -> its pointer under components.
            let mut moves: Vec<(String, String)> = Vec::new();
            let mut taken: Vec<String> = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for (holder, keyword) in &holders {
                let at = format!("{holder}/{}", escape_pointer(keyword));
                let Some(Value::Object(entries)) = doc.pointer(&at) else {
                    continue;
                };
                for name in entries.keys() {
                    let from = join_pointer(&at, name);
                    let used = targets
                        .iter()
                        .any(|t| *t == from || t.starts_with(&format!("{from}/")));
                    if !used {
                        continue;
                    }
                    let owner = holder
                        .strip_prefix("/components/schemas/")
                        .and_then(|rest| rest.split('/').next())
                        .map(unescape_pointer);
                    let fresh = fresh_name(name, owner.as_deref(), &taken);
                    taken.push(fresh.clone());
                    moves.push((from, join_pointer("/components/schemas", &fresh)));
                }
            }
            // Rewrite the references first: their holders have not moved.
            for (holder, target) in &references {
                let Some(pointer) = target.as_deref().and_then(|t| t.strip_prefix('#')) else {
                    continue;
                };
                let Some((from, to)) = moves
                    .iter()
                    .find(|(from, _)| pointer == from || pointer.starts_with(&format!("{from}/")))
                else {
                    continue;
                };
                let rewritten = format!("#{to}{}", &pointer[from.len()..]);
                if let Some(slot) = doc.pointer_mut(&format!("{holder}/$ref")) {
                    *slot = Value::String(rewritten);
                }
            }
            for (from, to) in &moves {
                let Some(value) = doc.pointer_mut(from).map(Value::take) else {
                    continue;
                };
                let name = to
                    .rsplit('/')
                    .next()
                    .map(unescape_pointer)
                    .unwrap_or_default();
                let Value::Object(root) = doc else { return };
                let components = root.entry("components").or_insert_with(|| json!({}));
                let Value::Object(components) = components else {
                    return;
                };
                let schemas = components.entry("schemas").or_insert_with(|| json!({}));
                let Value::Object(schemas) = schemas else {
                    return;
                };
                schemas.insert(name, value);
                let origin = self.layer.origin(from);
                self.layer.moved(to, &origin);
                self.notes.push(Note::new(
                    to.clone(),
                    Effect::Rewritten,
                    format!(
                        "`{origin}` (a schema defined inside a schema) is moved to `{to}`, where OpenAPI 3.0 keeps schemas; the `$ref`s to it are rewritten"
                    ),
                ));
            }
            // Emptied (and unused) definitions: left for `schema` to drop,
            // the moved entries taken out of them.
            for (from, _) in &moves {
                if let Some((at, last)) = from.rsplit_once('/')
                    && let Some(Value::Object(entries)) = doc.pointer_mut(at)
                {
                    entries.remove(&unescape_pointer(last));
                }
            }
            let mut dropped_any = false;
            for (holder, keyword) in &holders {
                let empty = doc
                    .pointer(&format!("{holder}/{}", escape_pointer(keyword)))
                    .and_then(Value::as_object)
                    .is_some_and(|m| m.is_empty());
                if (empty || holder.is_empty())
                    && let Some(Value::Object(map)) = doc.pointer_mut(holder)
                {
                    let leftover = map.remove(*keyword);
                    if holder.is_empty()
                        && leftover
                            .as_ref()
                            .is_some_and(|m| m.as_object().is_some_and(|m| !m.is_empty()))
                    {
                        self.notes.push(Note::new(
                            "/$defs",
                            Effect::Dropped,
                            "`$defs` that no `$ref` points into: left out, it describes nothing the client sends or receives",
                        ));
                    }
                    dropped_any = true;
                }
            }
            if moves.is_empty() && !dropped_any {
                return;
            }
        }
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
        let at_type = join_pointer(old, "type");
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
                        self.layer.moved(&join_pointer(new, slot), &at_type);
                    }
                    None => {
                        // Both taken: the list is one more condition.
                        let members = json!({ "anyOf": members });
                        match map.get_mut("allOf") {
                            Some(Value::Array(all)) => {
                                self.layer
                                    .moved(&format!("{new}/allOf/{}", all.len()), &at_type);
                                all.push(members);
                            }
                            _ => {
                                map.insert("allOf".into(), json!([members]));
                                self.layer.moved(&format!("{new}/allOf/0"), &at_type);
                            }
                        }
                    }
                }
            }
        }
    }

    fn nullable(&mut self, map: &mut Map<String, Value>, new: &str, from: &str) {
        map.insert("nullable".into(), json!(true));
        self.layer.moved(&join_pointer(new, "nullable"), from);
    }

    /// A schema that allows null and nothing else.
    fn only_null(&mut self, map: &mut Map<String, Value>, new: &str, from: &str) {
        if !map.contains_key("enum") {
            map.insert("enum".into(), json!([null]));
            self.layer.moved(&join_pointer(new, "enum"), from);
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
        let old_of = |i: usize| format!("{}/{i}", join_pointer(old, key));
        match kept.as_slice() {
            [] => self.only_null(map, new, &join_pointer(old, key)),
            [(i, only)] if !map.contains_key("allOf") => {
                map.insert("allOf".into(), json!([only]));
                self.layer.moved(&format!("{new}/allOf/0"), &old_of(*i));
            }
            _ => {
                for (j, (i, _)) in kept.iter().enumerate() {
                    self.layer
                        .moved(&format!("{}/{j}", join_pointer(new, key)), &old_of(*i));
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
        let at = join_pointer(old, "const");
        if value.is_null() {
            self.nullable(map, new, &at);
        }
        if !map.contains_key("enum") {
            map.insert("enum".into(), json!([value]));
            self.layer.moved(&join_pointer(new, "enum"), &at);
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
        if super::repair::exclusive_number(map, exclusive, bound, lower) {
            self.layer
                .moved(&join_pointer(new, bound), &join_pointer(old, exclusive));
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
        self.layer
            .moved(&join_pointer(new, "format"), &join_pointer(old, from));
    }
}

/// A name for a moved definition not among `taken`: its own, else prefixed
/// with the schema that held it, else numbered.
fn fresh_name(name: &str, owner: Option<&str>, taken: &[String]) -> String {
    let free = |n: &str| !taken.iter().any(|t| t == n);
    if free(name) {
        return name.to_string();
    }
    let base = match owner {
        Some(owner) => format!("{owner}_{name}"),
        None => format!("defs_{name}"),
    };
    crate::names::unique(&base, "_", free)
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
    fn constructs_without_a_3_0_meaning_are_left_out_with_a_note() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"T": {
                "if": {}, "then": {}, "items": [{"type": "string"}, {"type": "string"}],
                "propertyNames": {"pattern": "^a"}, "$comment": "c"
            }}}
        });
        let converted = convert(&mut doc).unwrap_or_else(|_| panic!("refused"));
        assert_eq!(
            doc["components"]["schemas"]["T"],
            json!({"items": {"type": "string"}})
        );
        let at: Vec<&str> = converted.notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/T/if",
                "/components/schemas/T/then",
                "/components/schemas/T/propertyNames",
                "/components/schemas/T/$comment",
                "/components/schemas/T/items"
            ]
        );
        assert!(converted.notes.iter().all(|n| n.effect == Effect::Dropped));
    }

    #[test]
    fn tuples_patterns_and_dynamic_references() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "Point": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]},
                "Map": {"type": "object", "additionalProperties": false,
                        "patternProperties": {"^x-": {"type": "integer"}}},
                "Object": {"$dynamicRef": "#node"}
            }}
        });
        let converted = convert(&mut doc).unwrap_or_else(|_| panic!("refused"));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Point"], json!({"type": "array", "items": {}}));
        assert_eq!(
            schemas["Map"],
            json!({"type": "object", "additionalProperties": {"type": "integer"}})
        );
        assert_eq!(schemas["Object"], json!({}));
        let effects: Vec<Effect> = converted.notes.iter().map(|n| n.effect).collect();
        assert_eq!(effects, [Effect::Dropped, Effect::Opaque, Effect::Dropped]);
    }

    #[test]
    fn definitions_inside_schemas_move_to_components() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A/$defs/Item"}}}}}}}},
            "components": {"schemas": {
                "Item": {"type": "string"},
                "A": {"type": "object",
                      "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/A/$defs/Item"}}},
                      "$defs": {"Item": {"type": "integer", "$defs": {"Deep": {"type": "boolean"}},
                                         "properties": {"d": {"$ref": "#/components/schemas/A/$defs/Item/$defs/Deep"}}},
                                "Unused": {"type": "string"}}}
            }}
        });
        let converted = convert(&mut doc).unwrap_or_else(|_| panic!("refused"));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["A_Item"]["type"], "integer");
        assert_eq!(schemas["Deep"], json!({"type": "boolean"}));
        assert_eq!(
            schemas["A"]["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/A_Item"
        );
        assert_eq!(
            schemas["A_Item"]["properties"]["d"]["$ref"],
            "#/components/schemas/Deep"
        );
        assert!(schemas["A"].get("$defs").is_none());
        assert!(schemas["A_Item"].get("$defs").is_none());
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/A_Item"))
        );
        let effects: Vec<Effect> = converted.notes.iter().map(|n| n.effect).collect();
        assert_eq!(
            effects,
            [Effect::Rewritten, Effect::Rewritten, Effect::Dropped],
            "{:?}",
            converted.notes
        );
    }
}
