//! Proof that failures stay local, on documents nobody wrote for it: real
//! corpus documents, each mutated with one shape the pipeline must absorb,
//! placed where the corpus does not already have it. Each mutated document
//! must still generate, with only the mutated item degraded (or nothing,
//! where the shape is rewritten with the same wire):
//!
//! - a schema progenitor cannot take, inside a component: that component
//!   alone becomes any JSON value;
//! - an inline schema whose Rust name is a component's, and two component
//!   keys of one Rust name: every type exists, under distinct names;
//! - an `OPTIONS` operation: generated, built with `request(Method::OPTIONS, ..)`;
//! - a JSON-Schema type array in Swagger 2.0: read as a nullable type;
//! - `propertyNames` in OpenAPI 3.1: dropped with a note, nothing else;
//! - shapes from published specs outside the corpus (open-enum unions with
//!   defaults, patterns for other regex engines, `type: object` beside
//!   `allOf`, header lists, object query parameters, a required cookie):
//!   rewritten, nothing
//!   degraded.
//!
//! Generation only: building whole corpus crates is `cargo xtask corpus`.
//! Skipped with a note when `../shared/corpus` is absent (fails under CI).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};
use xtask::catalogue::Settings;
use xtask::spec::Effect;

use workspace_tests::corpus;

/// A corpus document as JSON (YAML read as JSON).
fn document(file: &str) -> Option<Value> {
    let path = corpus()?.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    Some(if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml_ng::from_str(&text).unwrap()
    })
}

/// What the pipeline made of a document: the items it degraded or left out.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    operations: usize,
    generated: usize,
    skipped: BTreeSet<String>,
    degraded: BTreeSet<String>,
    /// Pointers of what reading made any JSON value or left out.
    read_degraded: BTreeSet<String>,
    /// Pointers of what reading dropped or rewrote.
    read_dropped: BTreeSet<String>,
    text: String,
}

fn generate(name: &str, doc: &Value) -> Outcome {
    let bytes = serde_json::to_vec(doc).unwrap();
    let spec = xtask::spec::load(
        xtask::spec::Source::Text(Path::new(name), &bytes),
        xtask::spec::Policy::Read,
    )
    .unwrap_or_else(|e| panic!("{name}: cannot be read: {e}"));
    let code = xtask::pipeline::generate(&spec, &Settings::DEFAULT)
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let notes = |degrading: bool| {
        spec.notes
            .iter()
            .filter(|n| matches!(n.effect, Effect::Opaque | Effect::Removed) == degrading)
            .map(|n| n.pointer.clone())
            .collect()
    };
    Outcome {
        operations: code.operations,
        generated: code.generated(),
        skipped: code
            .skipped
            .iter()
            .map(|s| s.operation.to_string())
            .collect(),
        degraded: code
            .normalised
            .degraded
            .iter()
            .map(|d| d.schema.clone())
            .collect(),
        read_degraded: notes(true),
        read_dropped: notes(false),
        text: code.text,
    }
}

/// The first component schema that is an object with properties.
fn an_object_component(schemas: &serde_json::Map<String, Value>) -> String {
    schemas
        .iter()
        .find(|(_, s)| s.get("type") == Some(&json!("object")) && s.get("properties").is_some())
        .map(|(name, _)| name.clone())
        .unwrap()
}

/// Struct and enum names of the `types` module that occur more than once.
fn duplicate_types(text: &str) -> Vec<String> {
    let file = syn::parse_file(text).unwrap();
    let mut seen = BTreeSet::new();
    let mut twice = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for inner in m.content.iter().flat_map(|(_, items)| items) {
            let ident = match inner {
                syn::Item::Struct(s) => &s.ident,
                syn::Item::Enum(e) => &e.ident,
                _ => continue,
            };
            if !seen.insert(ident.to_string()) {
                twice.push(ident.to_string());
            }
        }
    }
    twice
}

#[test]
fn a_schema_progenitor_cannot_take_costs_only_its_component() {
    let Some(mut doc) = document("oxide.json") else {
        return;
    };
    let base = generate("oxide.json", &doc);
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    let name = an_object_component(schemas);
    schemas[&name]["properties"]["mutated"] = json!({"not": {"type": "string"}});
    let mutated = generate("oxide-mutated.json", &doc);
    let mut expected = base.degraded.clone();
    expected.insert(name.clone());
    assert_eq!(mutated.degraded, expected, "only `{name}` is degraded");
    assert_eq!(mutated.skipped, base.skipped);
    assert_eq!(mutated.generated, base.generated);
}

#[test]
fn an_inline_schema_named_like_a_component_keeps_both_types() {
    let Some(mut doc) = document("oxide.json") else {
        return;
    };
    let base = generate("oxide.json", &doc);
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    let name = an_object_component(schemas);
    // typify names an inline object `{Parent}{Property}`: a component of
    // that name already exists.
    schemas[&name]["properties"]["mutated"] =
        json!({"type": "object", "properties": {"a": {"type": "string"}}});
    schemas.insert(
        format!("{name}Mutated"),
        json!({"type": "object", "properties": {"b": {"type": "integer"}}}),
    );
    // Two keys that give one Rust name.
    schemas.insert("mutatedKey".to_string(), json!({"type": "string"}));
    schemas.insert("MutatedKey".to_string(), json!({"type": "object"}));
    let mutated = generate("oxide-mutated.json", &doc);
    assert_eq!(duplicate_types(&mutated.text), Vec::<String>::new());
    assert_eq!(mutated.degraded, base.degraded);
    assert_eq!(mutated.skipped, base.skipped);
}

#[test]
fn an_options_operation_is_generated() {
    let Some(mut doc) = document("oxide.json") else {
        return;
    };
    let base = generate("oxide.json", &doc);
    let paths = doc["paths"].as_object_mut().unwrap();
    let (_, item) = paths.iter_mut().next().unwrap();
    item["options"] = json!({
        "operationId": "mutated_options",
        "responses": {"204": {"description": "the methods allowed"}}
    });
    let mutated = generate("oxide-mutated.json", &doc);
    assert_eq!(mutated.operations, base.operations + 1);
    assert_eq!(mutated.generated, base.generated + 1);
    assert_eq!(mutated.skipped, base.skipped);
    assert_eq!(mutated.degraded, base.degraded);
    assert!(mutated.text.contains("::reqwest::Method::OPTIONS"));
}

#[test]
fn a_type_array_in_swagger_2_reads_as_a_nullable_type() {
    let Some(mut doc) = document("netlify-swagger2.yml") else {
        return;
    };
    let base = generate("netlify.json", &doc);
    let definitions = doc["definitions"].as_object_mut().unwrap();
    let (name, property) = definitions
        .iter_mut()
        .find_map(|(name, d)| {
            let (property, _) = d
                .get("properties")?
                .as_object()?
                .iter()
                .find(|(_, p)| p.get("type") == Some(&json!("string")))?;
            Some((name.clone(), property.clone()))
        })
        .unwrap();
    definitions[&name]["properties"][&property]["type"] = json!(["string", "null"]);
    let mutated = generate("netlify-mutated.json", &doc);
    assert_eq!(mutated.read_degraded, base.read_degraded);
    assert_eq!(mutated.degraded, base.degraded);
    assert_eq!(mutated.skipped, base.skipped);
    assert_eq!(mutated.generated, base.generated);
}

#[test]
fn property_names_in_3_1_is_dropped_with_a_note() {
    let Some(mut doc) = document("discord-3.1.json") else {
        return;
    };
    let base = generate("discord.json", &doc);
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    let name = an_object_component(schemas);
    schemas[&name]["propertyNames"] = json!({"pattern": "^[a-z_]+$"});
    let mutated = generate("discord-mutated.json", &doc);
    let new: Vec<&String> = mutated
        .read_dropped
        .difference(&base.read_dropped)
        .collect();
    assert_eq!(new.len(), 1, "one note, for `{name}`: {new:?}");
    assert!(new[0].contains(&name), "{new:?}");
    assert_eq!(mutated.read_degraded, base.read_degraded);
    assert_eq!(mutated.degraded, base.degraded);
    assert_eq!(mutated.skipped, base.skipped);
    assert_eq!(mutated.generated, base.generated);
}

/// Shapes met on published specs the corpus does not hold (Box, OpenAI,
/// Okta), put into one corpus document: each is rewritten with the same
/// wire, so nothing more is degraded or skipped and no name is declared
/// twice.
#[test]
fn shapes_from_unseen_specs_are_rewritten_not_degraded() {
    let Some(mut doc) = document("oxide.json") else {
        return;
    };
    let base = generate("oxide.json", &doc);
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    let object = an_object_component(schemas);
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    // An open enum spelt as a union, with a default typify cannot check.
    schemas.insert(
        "MutatedModel".into(),
        json!({"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}], "default": "a"}),
    );
    // A pattern for another regex engine (inline flags).
    schemas.insert(
        "MutatedCode".into(),
        json!({"type": "string", "pattern": "(?i)^ab[0-9]+$"}),
    );
    // A nullable `type: object` beside `allOf`, with a title.
    schemas.insert(
        "Mutated--Mini".into(),
        json!({"type": "object", "nullable": true, "title": "Mutated (Mini)",
               "allOf": [reference(&object), {"properties": {"seq": {"type": "string"}}}]}),
    );
    // `type: object, required` beside `allOf`, whose inline property is
    // named (`{Parent}{Property}`) like a component.
    schemas.insert(
        "MutatedInputValidation".into(),
        json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
    );
    schemas.insert(
        "MutatedInput".into(),
        json!({"type": "object", "required": ["validation"], "allOf": [reference(&object), {"properties": {
            "validation": {"anyOf": [reference("MutatedInputValidation"),
                {"type": "object", "nullable": true, "additionalProperties": false, "title": "null"}]}}}]}),
    );
    schemas.insert(
        "MutatedAll".into(),
        json!({"type": "object", "properties": {
            "model": reference("MutatedModel"), "code": reference("MutatedCode"),
            "mini": reference("Mutated--Mini"), "input": reference("MutatedInput")}}),
    );
    // Header and query parameters progenitor cannot write as they are.
    doc["paths"].as_object_mut().unwrap().insert(
        "/mutated".into(),
        json!({"get": {
            "operationId": "mutated_get",
            "parameters": [
                {"name": "fields", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "as-user", "in": "header", "schema": {"type": "string", "nullable": true}},
                {"name": "session", "in": "cookie", "required": true, "schema": {"type": "string"}},
                {"name": "x-labels", "in": "header", "schema": {"additionalProperties": {"type": "string"}}},
                {"name": "filter", "in": "query", "schema": {"type": "object",
                    "properties": {"status": {"type": "string"}, "ids": {"type": "array", "items": {"type": "integer"}}}}}
            ],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("MutatedAll")}}}}
        }}),
    );
    let mutated = generate("oxide-mutated.json", &doc);
    assert_eq!(duplicate_types(&mutated.text), Vec::<String>::new());
    assert_eq!(mutated.degraded, base.degraded);
    assert_eq!(mutated.skipped, base.skipped);
    assert_eq!(mutated.generated, base.generated + 1);
    // The required cookie is the `Cookie` header.
    assert!(mutated.text.contains("\"Cookie\""));
    let collisions = xtask::namespace::collisions(&syn::parse_file(&mutated.text).unwrap());
    assert!(
        collisions.is_empty(),
        "{}",
        collisions
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
}
