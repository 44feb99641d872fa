//! References into a schema's inside, hoisted to named component schemas.
//!
//! progenitor resolves a schema `$ref` only as `#/components/schemas/NAME`;
//! anything deeper (`#/components/schemas/Tag/allOf/0`, a response's schema
//! `#/components/responses/Conflict/content/application~1json/schema`, a
//! parameter's) makes typify panic with "unresolved reference" while it
//! reads the components, which costs the whole document. Each such target
//! is copied into a component schema of its own, with a name made from its
//! pointer (`TagAllOf0`, `ConflictResponse`), and every reference to it
//! points there. The JSON a client sends or accepts is the same: the schema
//! is the one the reference pointed at, only named. A reference that points
//! at nothing becomes a reference to an empty schema (any JSON value), which
//! accepts whatever the server sends.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind};
use serde_json::Value;

use super::walk::{self, Visited};
use super::{Rewrite, RewriteRule};

const COMPONENT_SCHEMA: &str = "#/components/schemas/";

/// Hoists every schema reference that is not `#/components/schemas/NAME` of
/// an existing schema; returns the original references and the component
/// each now points at.
pub(super) fn hoist(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) -> BTreeMap<String, String> {
    let mut mapping: BTreeMap<String, String> = BTreeMap::new();
    // A hoisted schema can itself hold deep references: repeat on what each
    // round added, a bounded number of times (nesting, not a loop, needs more).
    let mut pending = deep_refs(openapi, None);
    for _ in 0..16 {
        if pending.is_empty() {
            break;
        }
        let mut added = Vec::new();
        for reference in std::mem::take(&mut pending) {
            if mapping.contains_key(&reference) {
                continue;
            }
            let (name, schema, rule, detail) = match resolve(openapi, &reference, 0) {
                Target::Component(name) => {
                    let detail = format!("resolves to the component schema `{name}`");
                    mapping.insert(reference.clone(), format!("{COMPONENT_SCHEMA}{name}"));
                    log.push(Rewrite {
                        rule: RewriteRule::HoistedRef,
                        at: reference,
                        detail,
                    });
                    continue;
                }
                Target::Inline(schema) => {
                    let name = fresh_name(openapi, &reference);
                    let detail = format!("copied into the component schema `{name}`");
                    (name, *schema, RewriteRule::HoistedRef, detail)
                }
                Target::Missing => {
                    let name = fresh_name(openapi, &reference);
                    let detail = format!(
                        "points at nothing; now the empty schema `{name}` (any JSON value)"
                    );
                    (
                        name,
                        any_schema(&reference),
                        RewriteRule::DanglingRef,
                        detail,
                    )
                }
            };
            mapping.insert(reference.clone(), format!("{COMPONENT_SCHEMA}{name}"));
            log.push(Rewrite {
                rule,
                at: reference,
                detail,
            });
            openapi
                .components
                .get_or_insert_with(Default::default)
                .schemas
                .insert(name.clone(), ReferenceOr::Item(schema));
            added.push(name);
        }
        pending = deep_refs(openapi, Some(&added))
            .into_iter()
            .filter(|r| !mapping.contains_key(r))
            .collect();
    }
    if !mapping.is_empty() {
        walk::document(openapi, &mut |node, _| {
            if let Visited::Ref(reference) = node
                && let Some(target) = mapping.get(reference.as_str())
            {
                *reference = target.clone();
            }
        });
    }
    mapping
}

/// The schema references that progenitor cannot resolve, in the whole
/// document or only in the named component schemas.
fn deep_refs(openapi: &mut OpenAPI, only: Option<&[String]>) -> BTreeSet<String> {
    let names: BTreeSet<String> = openapi
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut found = BTreeSet::new();
    let mut collect = |node: Visited<'_>, _: &walk::At| {
        if let Visited::Ref(reference) = node
            && !is_component_schema(reference, &names)
        {
            found.insert(reference.clone());
        }
    };
    match only {
        None => walk::document(openapi, &mut collect),
        Some(added) => {
            if let Some(components) = openapi.components.as_mut() {
                for name in added {
                    if let Some(schema) = components.schemas.get_mut(name) {
                        walk::reference_or_schema(schema, &mut walk::At::default(), &mut collect);
                    }
                }
            }
        }
    }
    found
}

fn is_component_schema(reference: &str, names: &BTreeSet<String>) -> bool {
    reference
        .strip_prefix(COMPONENT_SCHEMA)
        .is_some_and(|name| !name.contains('/') && names.contains(name))
}

enum Target {
    /// Another reference, to a component schema that exists.
    Component(String),
    /// A schema in place.
    Inline(Box<Schema>),
    /// Nothing there (or not a schema, or a chain of references too long).
    Missing,
}

/// What a reference points at, following references up to a small depth.
fn resolve(openapi: &OpenAPI, reference: &str, depth: usize) -> Target {
    if depth > 8 {
        return Target::Missing;
    }
    let Some(segments) = pointer_segments(reference) else {
        return Target::Missing;
    };
    let components = openapi.components.as_ref();
    if let [first, second, name] = segments.as_slice()
        && first == "components"
        && second == "schemas"
    {
        return match components.and_then(|c| c.schemas.get(name)) {
            Some(_) => Target::Component(name.clone()),
            None => Target::Missing,
        };
    }
    // Serialise only the subtree the pointer starts in: a whole document
    // can be megabytes.
    let (root, rest): (Option<Value>, &[String]) = match segments.as_slice() {
        [first, kind, name, rest @ ..] if first == "components" => {
            let c = components;
            let value = match kind.as_str() {
                "schemas" => c
                    .and_then(|c| c.schemas.get(name))
                    .map(serde_json::to_value),
                "responses" => c
                    .and_then(|c| c.responses.get(name))
                    .map(serde_json::to_value),
                "parameters" => c
                    .and_then(|c| c.parameters.get(name))
                    .map(serde_json::to_value),
                "requestBodies" => c
                    .and_then(|c| c.request_bodies.get(name))
                    .map(serde_json::to_value),
                "headers" => c
                    .and_then(|c| c.headers.get(name))
                    .map(serde_json::to_value),
                _ => None,
            };
            (value.and_then(Result::ok), rest)
        }
        [first, path, rest @ ..] if first == "paths" => (
            openapi
                .paths
                .paths
                .get(path)
                .and_then(|item| serde_json::to_value(item).ok()),
            rest,
        ),
        _ => (None, &[]),
    };
    let Some(root) = root else {
        return Target::Missing;
    };
    let pointer: String = rest
        .iter()
        .map(|s| format!("/{}", crate::spec::escape_pointer(s)))
        .collect();
    let Some(value) = root.pointer(&pointer) else {
        return Target::Missing;
    };
    if let Some(Value::String(next)) = value.get("$ref") {
        return resolve(openapi, next, depth + 1);
    }
    match serde_json::from_value::<Schema>(value.clone()) {
        Ok(schema) => Target::Inline(Box::new(schema)),
        Err(_) => Target::Missing,
    }
}

/// The unescaped segments of a local reference (`#/a/b~1c` -> `a`, `b/c`),
/// percent-decoded as URI fragments may be.
fn pointer_segments(reference: &str) -> Option<Vec<String>> {
    let pointer = reference.strip_prefix("#/")?;
    Some(
        pointer
            .split('/')
            .map(|s| crate::spec::unescape_pointer(&crate::spec::locate::percent_decode(s)))
            .collect(),
    )
}

/// A component name for the target of `reference`, unused so far, also
/// after Rust naming: `#/components/schemas/Tag/allOf/0` -> `TagAllOf0`,
/// `#/components/responses/Conflict/content/application~1json/schema` ->
/// `ConflictResponse`.
fn fresh_name(openapi: &OpenAPI, reference: &str) -> String {
    let segments = pointer_segments(reference).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    let mut rest: &[String] = &segments;
    match segments.as_slice() {
        [first, kind, name, tail @ ..] if first == "components" => {
            parts.push(name.clone());
            let suffix = match kind.as_str() {
                "schemas" => None,
                "responses" => Some("Response"),
                "parameters" => Some("Parameter"),
                "requestBodies" => Some("RequestBody"),
                "headers" => Some("Header"),
                other => Some(other),
            };
            parts.extend(suffix.map(str::to_string));
            rest = tail;
        }
        [first, tail @ ..] if first == "paths" => rest = tail,
        _ => {}
    }
    let mut skip_next = false;
    for segment in rest {
        if skip_next {
            skip_next = false;
            continue;
        }
        match segment.as_str() {
            "content" => skip_next = true,
            "schema" => {}
            other => parts.push(other.to_string()),
        }
    }
    let base = crate::names::type_name(&parts.join("-"));
    let taken = super::taken_names(openapi.components.as_ref());
    crate::names::unique(&base, "", |c| !taken.contains(c))
}

fn any_schema(reference: &str) -> Schema {
    Schema {
        schema_data: SchemaData {
            description: Some(format!(
                "`{reference}` points at nothing in the document: any JSON value."
            )),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::Any(openapiv3::AnySchema::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_unescape() {
        assert_eq!(
            pointer_segments("#/components/responses/A/content/application~1json/schema"),
            Some(
                [
                    "components",
                    "responses",
                    "A",
                    "content",
                    "application/json",
                    "schema"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        assert_eq!(
            pointer_segments("#/paths/%7Bid%7D"),
            Some(vec!["paths".to_string(), "{id}".to_string()])
        );
        assert_eq!(pointer_segments("other.yaml#/x"), None);
    }
}
