//! The reader on small inline documents, one shape each, and (ignored by
//! default) on every vendor document of `../shared/corpus/`.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use super::*;

/// Reads an inline JSON document as `cargo xtask codegen` would (no file).
fn read_json(doc: serde_json::Value) -> Spec {
    let bytes = serde_json::to_vec(&doc).unwrap();
    load(Source::Text(Path::new("inline.json"), &bytes), Policy::Read)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The notes of a spec as (effect, pointer).
fn noted(spec: &Spec) -> Vec<(Effect, &str)> {
    spec.notes
        .iter()
        .map(|n| (n.effect, n.pointer.as_str()))
        .collect()
}

/// A 3.0 document with one operation answering `responses`, and `schemas`.
fn doc30(responses: serde_json::Value, schemas: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "getA", "responses": responses}}},
        "components": {"schemas": schemas}
    })
}

#[test]
fn openapi31_property_names_are_left_out_with_a_note() {
    let spec = read_json(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Tags": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z]+$"},
            "additionalProperties": {"type": "string"}
        }}}
    }));
    assert_eq!(
        noted(&spec),
        [(Effect::Dropped, "/components/schemas/Tags/propertyNames")]
    );
    assert!(spec.notes[0].message.contains("`propertyNames`"));
    assert!(
        spec.openapi
            .components
            .unwrap()
            .schemas
            .contains_key("Tags")
    );
}

#[test]
fn swagger2_type_with_null_is_a_nullable_string() {
    let spec = read_json(serde_json::json!({
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "definitions": {"Name": {"type": ["string", "null"]}}
    }));
    let schemas = spec.openapi.components.unwrap().schemas;
    let openapiv3::ReferenceOr::Item(name) = &schemas["Name"] else {
        panic!("a reference");
    };
    assert!(name.schema_data.nullable);
    assert!(matches!(
        name.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(_))
    ));
    assert!(spec.notes.is_empty(), "{:?}", spec.notes);
}

#[test]
fn openapi30_type_lists_and_numeric_bounds_are_read() {
    let spec = read_json(doc30(
        serde_json::json!({"200": {"description": "ok"}}),
        serde_json::json!({
            "Id": {"type": ["integer", "string"]},
            "Positive": {"type": "number", "exclusiveMinimum": 0}
        }),
    ));
    assert_eq!(
        noted(&spec),
        [(Effect::Rewritten, "/components/schemas/Id/type")]
    );
    assert_eq!(
        spec.value["components"]["schemas"]["Positive"],
        serde_json::json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
    );
}

#[test]
fn a_malformed_component_becomes_any_value() {
    let spec = read_json(doc30(
        serde_json::json!({"200": {"description": "ok"}}),
        serde_json::json!({
            "Good": {"type": "string"},
            "Bad": {"type": "object", "properties": {
                "fine": {"type": "string"},
                "broken": {"type": "string", "maxLength": "ten"}
            }},
            "Worse": 42
        }),
    ));
    assert_eq!(
        noted(&spec),
        [
            (Effect::Opaque, "/components/schemas/Bad/properties/broken"),
            (Effect::Opaque, "/components/schemas/Worse"),
        ]
    );
    let bad = &spec.value["components"]["schemas"]["Bad"]["properties"];
    assert_eq!(bad["fine"], serde_json::json!({"type": "string"}));
    assert!(bad["broken"]["description"].is_string());
    assert_eq!(bad["broken"].as_object().unwrap().len(), 1);
    // Where the vendor wrote it, for the warning.
    assert_eq!(spec.locate(&spec.notes[0].pointer).line, 1);
}

#[test]
fn a_response_written_as_a_list_is_left_out() {
    let spec = read_json(doc30(
        serde_json::json!({
            "200": [{"description": "ok"}],
            "404": {"description": "missing"}
        }),
        serde_json::json!({}),
    ));
    assert_eq!(
        noted(&spec),
        [(Effect::Removed, "/paths/~1a/get/responses/200")]
    );
    let op = operations(&spec.openapi)[0].op;
    assert_eq!(op.responses.responses.len(), 1);
}

#[test]
fn odd_examples_parameters_and_operations_are_left_out() {
    let mut doc = doc30(serde_json::json!({}), serde_json::json!({}));
    doc["paths"]["/a"]["get"] = serde_json::json!({
        "operationId": "getA",
        "parameters": [
            {"name": "ok", "in": "query", "schema": {"type": "string"}},
            {"name": "b", "in": "body", "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"type": "object", "format": "uri-map"},
            "examples": [{"a": 1}]
        }}}}
    });
    doc["paths"]["/b"] = serde_json::json!({
        "get": {"operationId": "getB", "responses": "none"},
        "post": {"operationId": "postB", "responses": {"204": {"description": "done"}}}
    });
    let spec = read_json(doc);
    assert_eq!(
        noted(&spec),
        [
            (Effect::Removed, "/paths/~1a/get/parameters/1"),
            (
                Effect::Dropped,
                "/paths/~1a/get/responses/200/content/application~1json/examples"
            ),
            (Effect::Removed, "/paths/~1b/get"),
        ]
    );
    let ids = operation_ids(&spec.openapi);
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["getA", "postB"]);
}

#[test]
fn components_that_are_referenced_stay_in_a_form_that_reads() {
    let mut doc = doc30(
        serde_json::json!({"200": {"$ref": "#/components/responses/R"}}),
        serde_json::json!({}),
    );
    doc["paths"]["/a"]["get"]["parameters"] =
        serde_json::json!([{"$ref": "#/components/parameters/P"}]);
    doc["components"]["responses"] = serde_json::json!({"R": {"content": "text"}});
    doc["components"]["parameters"] =
        serde_json::json!({"P": {"name": "p", "in": "query", "style": 7}});
    let spec = read_json(doc);
    assert_eq!(
        noted(&spec),
        [
            (Effect::Opaque, "/components/parameters/P"),
            (Effect::Removed, "/components/responses/R"),
        ]
    );
    check(&spec).unwrap();
}

#[test]
fn a_document_wrong_at_its_root_is_still_refused() {
    let bytes = br#"{"openapi": "3.0.3", "paths": {}}"#;
    let e = load(Source::Text(Path::new("inline.json"), bytes), Policy::Read).unwrap_err();
    assert!(e.to_string().contains("missing field `info`"), "{e}");
    let bytes = br#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": []}"#;
    let e = load(Source::Text(Path::new("inline.json"), bytes), Policy::Read).unwrap_err();
    assert!(e.to_string().contains("(at /paths)"), "{e}");
}

/// Every document of the corpus reads; prints what was degraded.
/// `cargo test -p xtask --lib spec::tests::corpus -- --ignored --nocapture`
#[test]
#[ignore = "reads ../shared/corpus (tens of megabytes)"]
fn corpus_documents_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            (name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml"))
                .then_some(name)
        })
        .collect();
    files.push("digitalocean/specification/DigitalOcean-public.v2.yaml".into());
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let start = std::time::Instant::now();
        match load(Source::Disk(&dir, file), Policy::Read) {
            Ok(spec) => {
                println!(
                    "{file}: read, {} operations, {} notes, {:.1} s",
                    operations(&spec.openapi).len(),
                    spec.notes.len(),
                    start.elapsed().as_secs_f64()
                );
                for note in spec.notes.iter().take(20) {
                    println!("  {:?} {}: {}", note.effect, note.pointer, note.message);
                }
            }
            Err(e) => {
                println!("{file}: CANNOT READ: {e}");
                failed.push(file.clone());
            }
        }
    }
    assert!(failed.is_empty(), "cannot read: {failed:?}");
}
