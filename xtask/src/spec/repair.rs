//! JSON Schema's newer spellings inside OpenAPI 3.0 documents (and Swagger
//! 2.0 ones, once converted), rewritten as the 3.0 dialect `openapiv3`
//! reads.
//!
//! Vendors write what their JSON Schema tooling accepts, whatever version
//! the document claims: Slack's Swagger 2.0 has tuple `items`, 3.0 documents
//! in the wild have `type: [string, "null"]` and numeric `exclusiveMinimum`.
//! `openapiv3` refuses each, so each would otherwise make its schema opaque
//! ([`super::degrade`]); here they become what they mean in 3.0:
//!
//! | written | read as |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` (a note) |
//! | `items: [A, B]` (a tuple) | `items: {anyOf: [A, B]}`, null members as `nullable` (a note) |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` (likewise maximum) |
//!
//! Only values `openapiv3` cannot read are changed, so a document it reads
//! today reads the same. Positions are kept: each rewritten schema stays
//! where it was, so no [`super::Layer`] is needed.

use serde_json::{Map, Value, json};

use super::walk::{self, Kind, Object};
use super::{Effect, Note};

/// Rewrites every schema of the 3.0 document `doc`; returns what is worth
/// a warning.
pub(crate) fn repair(doc: &mut Value) -> Vec<Note> {
    let mut notes = Vec::new();
    walk::visit_mut(
        doc,
        walk::ROOT,
        &mut String::new(),
        0,
        &mut |value, kind, at| {
            if kind == Kind::One(Object::Schema)
                && walk::reference(value, kind).is_none()
                && let Value::Object(map) = value
            {
                schema(map, at, &mut notes);
            }
        },
    );
    notes
}

/// One schema object, before its children.
fn schema(map: &mut Map<String, Value>, at: &str, notes: &mut Vec<Note>) {
    if map.get("type").is_some_and(Value::is_array) {
        type_list(map, at, notes);
    }
    if map.get("items").is_some_and(Value::is_array) {
        tuple_items(map, at, notes);
    }
    for (exclusive, bound, lower) in [
        ("exclusiveMinimum", "minimum", true),
        ("exclusiveMaximum", "maximum", false),
    ] {
        exclusive_number(map, exclusive, bound, lower);
    }
}

/// `{type: "null"}` (with at most a title or description).
pub(crate) fn is_null_schema(value: &Value) -> bool {
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

/// `type: [...]`: null as `nullable`, one type as itself, several as
/// `anyOf` (inside `allOf` when the schema already has an `anyOf`).
fn type_list(map: &mut Map<String, Value>, at: &str, notes: &mut Vec<Note>) {
    let Some(Value::Array(types)) = map.remove("type") else {
        return;
    };
    let mut nullable = false;
    let mut rest: Vec<String> = Vec::new();
    for t in types.iter().filter_map(Value::as_str) {
        if t == "null" {
            nullable = true;
        } else if !rest.iter().any(|r| r == t) {
            rest.push(t.to_string());
        }
    }
    if nullable {
        map.insert("nullable".into(), json!(true));
    }
    match rest.as_slice() {
        [] if nullable => {
            map.entry("enum").or_insert_with(|| json!([null]));
        }
        [] => {}
        [one] => {
            map.insert("type".into(), json!(one));
        }
        many => {
            let members: Vec<Value> = many.iter().map(|t| json!({ "type": t })).collect();
            if map.contains_key("anyOf") {
                let all_of = map.entry("allOf").or_insert_with(|| json!([]));
                if let Value::Array(list) = all_of {
                    list.push(json!({ "anyOf": members }));
                }
            } else {
                map.insert("anyOf".into(), Value::Array(members));
            }
            notes.push(Note::new(
                format!("{at}/type"),
                Effect::Rewritten,
                format!(
                    "`type: [{}]` (a list of types) is read as `anyOf` of each type: the client takes any one of them",
                    many.join(", ")
                ),
            ));
        }
    }
}

/// `items: [A, B]`, a tuple in JSON Schema before 2020-12: read as an array
/// of any of its members.
fn tuple_items(map: &mut Map<String, Value>, at: &str, notes: &mut Vec<Note>) {
    let Some(Value::Array(members)) = map.remove("items") else {
        return;
    };
    let nullable = members.iter().any(is_null_schema);
    let mut kept: Vec<Value> = Vec::new();
    for member in members.iter().filter(|m| !is_null_schema(m)) {
        if !kept.contains(member) {
            kept.push(member.clone());
        }
    }
    let mut items = match kept.len() {
        0 => json!({}),
        1 => kept.pop().unwrap_or_else(|| json!({})),
        _ => json!({ "anyOf": kept }),
    };
    if nullable {
        items = match items {
            Value::Object(mut m) if !m.contains_key("$ref") => {
                m.insert("nullable".into(), json!(true));
                Value::Object(m)
            }
            other => json!({ "allOf": [other], "nullable": true }),
        };
    }
    map.insert("items".into(), items);
    notes.push(Note::new(
        format!("{at}/items"),
        Effect::Dropped,
        format!(
            "`items` as a list ({} tuple members) has no OpenAPI 3.0 form: read as an array whose every item may be any of them, so the client does not check each position",
            members.len()
        ),
    ));
}

/// A numeric `exclusiveMinimum` (JSON Schema since draft 6) as `minimum` +
/// `exclusiveMinimum: true`, unless the inclusive bound beside it is
/// stricter (then the exclusive one says nothing more).
pub(crate) fn exclusive_number(
    map: &mut Map<String, Value>,
    exclusive: &str,
    bound: &str,
    lower: bool,
) -> bool {
    let Some(Value::Number(n)) = map.get(exclusive) else {
        return false;
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
        true
    } else {
        map.remove(exclusive);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }

    #[test]
    fn type_lists_become_nullable_or_any_of() {
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {
            "a": {"type": ["string", "null"]},
            "b": {"type": ["integer", "string"]},
            "c": {"type": ["null"]},
            "d": {"type": ["string", "number"], "anyOf": [{"minLength": 1}]},
        }}}}});
        let notes = repair(&mut doc);
        let p = &schema_of(&doc)["properties"];
        assert_eq!(p["a"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            p["b"],
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert_eq!(p["c"], json!({"nullable": true, "enum": [null]}));
        assert_eq!(
            p["d"]["allOf"],
            json!([{"anyOf": [{"type": "string"}, {"type": "number"}]}])
        );
        let at: Vec<_> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/S/properties/b/type",
                "/components/schemas/S/properties/d/type"
            ]
        );
    }

    #[test]
    fn tuples_and_numeric_bounds() {
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {
            "latest": {"items": [{"$ref": "#/components/schemas/M"}, {"type": "null"}]},
            "n": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5},
        }}}}});
        let notes = repair(&mut doc);
        let p = &schema_of(&doc)["properties"];
        assert_eq!(
            p["latest"]["items"],
            json!({"allOf": [{"$ref": "#/components/schemas/M"}], "nullable": true})
        );
        assert_eq!(
            p["n"],
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5})
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].effect, Effect::Dropped);
    }

    #[test]
    fn data_is_left_alone() {
        let mut doc = json!({"components": {"schemas": {"S": {
            "example": {"type": ["a", "b"]},
            "x-extra": {"items": [1]},
        }}}});
        let before = doc.clone();
        assert!(repair(&mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
