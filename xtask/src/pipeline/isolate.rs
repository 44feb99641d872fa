//! Finding the operations a generator fails on, without generating each
//! operation alone.
//!
//! The normalisation removes every operation it knows progenitor cannot
//! take, but progenitor (and typify under it) can still panic on a shape
//! nobody has seen yet. Generating each of 500 operations alone to find the
//! one at fault costs 500 runs; [`isolate`] bisects instead: a run on half
//! the operations tells whether the culprits are in that half, so `k`
//! culprits cost about `2 k log2(n)` runs. Every run keeps all components,
//! so a subset sees the same types as the whole document.
//!
//! When the document fails with no operation at all, a component schema is
//! at fault: [`components`] bisects over the component schemas the same
//! way, and [`neutralise`] makes a culprit an empty schema (any JSON value,
//! the same wire), so one bad schema costs a type, not the API.

use openapiv3::{OpenAPI, ReferenceOr};

use crate::spec::{self, OperationRef};

/// One operation without which the document generates, and why it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Culprit {
    /// The operation.
    pub operation: OperationRef,
    /// The generator's message (a panic's text or its error) when this
    /// operation was generated without the other culprits.
    pub message: String,
}

/// What [`isolate`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Isolated {
    /// The document generates once these operations are removed (none: it
    /// generates as it is).
    Operations(Vec<Culprit>),
    /// The document fails even with no operation at all: a component schema
    /// is at fault, and no choice of operations helps. The message is the
    /// generator's.
    Components(String),
}

/// Finds a set of operations whose removal lets `generate` succeed on
/// `openapi`.
///
/// `generate` runs the generator on a copy of the document that keeps some
/// operations (and every component) and returns its failure message; it
/// must catch panics itself (see `codegen`'s `catch_panic`). Each culprit's
/// message is from a run where it was the only operation or the last one
/// added, so it names that operation's failure.
///
/// Culprits are found by bisection. When two halves each generate but not
/// together (operations that fail only in each other's company, such as two
/// that give one Rust name to different types), the operations of that set
/// are added one by one and each that breaks the run is a culprit. The
/// result is deterministic: operations are taken in document order.
pub fn isolate(
    openapi: &OpenAPI,
    mut generate: impl FnMut(&OpenAPI) -> Result<(), String>,
) -> Isolated {
    let all: Vec<OperationRef> = spec::operations(openapi)
        .into_iter()
        .map(|o| o.at())
        .collect();
    if let Err(message) = generate(&keep_only(openapi, &[])) {
        return Isolated::Components(message);
    }
    let mut fails = |keep: &[OperationRef]| generate(&keep_only(openapi, keep)).err();
    let mut culprits: Vec<Culprit> = find(&all, &mut fails)
        .into_iter()
        .map(|(operation, message)| Culprit { operation, message })
        .collect();
    culprits.sort_by(|a, b| a.operation.cmp(&b.operation));
    Isolated::Operations(culprits)
}

/// Bisection over `items`: `fails(subset)` runs the generator with only
/// `subset` active and returns its failure. Each culprit comes with the
/// message of the run that convicted it.
fn bisect<T: Clone>(
    items: &[T],
    fails: &mut impl FnMut(&[T]) -> Option<String>,
    culprits: &mut Vec<(T, String)>,
) {
    let Some(message) = fails(items) else {
        return;
    };
    if let [one] = items {
        culprits.push((one.clone(), message));
        return;
    }
    let (left, right) = items.split_at(items.len() / 2);
    let before = culprits.len();
    bisect(left, fails, culprits);
    bisect(right, fails, culprits);
    if culprits.len() == before {
        one_by_one(items, fails, culprits);
    }
}

/// Adds `items` one at a time to a growing set that generates; each item
/// whose addition fails is a culprit.
fn one_by_one<T: Clone>(
    items: &[T],
    fails: &mut impl FnMut(&[T]) -> Option<String>,
    culprits: &mut Vec<(T, String)>,
) {
    let mut good: Vec<T> = Vec::new();
    for item in items {
        good.push(item.clone());
        if let Some(message) = fails(&good) {
            good.pop();
            culprits.push((item.clone(), message));
        }
    }
}

/// Bisection, then a check that the survivors generate together (two
/// halves can each generate and not together), settled one by one.
fn find<T: Clone + PartialEq>(
    all: &[T],
    fails: &mut impl FnMut(&[T]) -> Option<String>,
) -> Vec<(T, String)> {
    let mut culprits = Vec::new();
    bisect(all, fails, &mut culprits);
    let rest: Vec<T> = all
        .iter()
        .filter(|x| !culprits.iter().any(|(c, _)| c == *x))
        .cloned()
        .collect();
    if fails(&rest).is_some() {
        one_by_one(&rest, fails, &mut culprits);
    }
    culprits
}

/// A component schema the generator fails on, and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentCulprit {
    /// The component schema's name.
    pub name: String,
    /// The generator's message with this schema in place.
    pub message: String,
}

/// For a document that fails with no operation at all
/// ([`Isolated::Components`]): the component schemas without which it
/// generates. Each run keeps some schemas as they are and replaces the
/// others with an empty schema (any JSON value), so references still
/// resolve; operations are left out. Pass each culprit to [`neutralise`]
/// and generate again.
pub fn components(
    openapi: &OpenAPI,
    mut generate: impl FnMut(&OpenAPI) -> Result<(), String>,
) -> Vec<ComponentCulprit> {
    let base = keep_only(openapi, &[]);
    let names: Vec<String> = base
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut fails = |keep: &[String]| {
        let mut doc = base.clone();
        for name in &names {
            if !keep.contains(name) {
                neutralise(&mut doc, name);
            }
        }
        generate(&doc).err()
    };
    let mut found: Vec<ComponentCulprit> = find(&names, &mut fails)
        .into_iter()
        .map(|(name, message)| ComponentCulprit { name, message })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// Replaces a component schema with an empty schema (any JSON value): the
/// JSON on the wire is unchanged, only its Rust type becomes
/// `serde_json::Value`. The description says why.
pub fn neutralise(openapi: &mut OpenAPI, name: &str) {
    let Some(slot) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut(name))
    else {
        return;
    };
    *slot = ReferenceOr::Item(openapiv3::Schema {
        schema_data: openapiv3::SchemaData {
            description: Some(format!(
                "`{name}` as the spec defines it cannot be generated: any JSON value."
            )),
            ..openapiv3::SchemaData::default()
        },
        schema_kind: openapiv3::SchemaKind::Any(openapiv3::AnySchema::default()),
    });
}

/// Drops every `default` inside a component schema, the mildest
/// degradation ([`super::Degradation::NoDefaults`]); whether there was one.
pub fn without_defaults(openapi: &mut OpenAPI, name: &str) -> bool {
    let Some(slot) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut(name))
    else {
        return false;
    };
    let mut dropped = false;
    crate::normalise::walk::reference_or_schema(slot, &mut Default::default(), &mut |node, _| {
        if let crate::normalise::walk::Visited::Schema(s) = node {
            dropped |= s.schema_data.default.take().is_some();
        }
    });
    dropped
}

/// A copy of the document with only `keep`'s operations (every component,
/// and every path item's shared parameters, stay). Path items left without
/// an operation are removed.
pub fn keep_only(openapi: &OpenAPI, keep: &[OperationRef]) -> OpenAPI {
    let mut out = OpenAPI {
        paths: openapiv3::Paths {
            paths: Default::default(),
            extensions: openapi.paths.extensions.clone(),
        },
        ..openapi.clone()
    };
    for (path, item) in openapi.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let mut item = item.clone();
        let mut any = false;
        for (method, slot) in spec::slots(&mut item) {
            let kept = keep
                .iter()
                .any(|op| op.path == *path && op.method == Some(method));
            if kept && slot.is_some() {
                any = true;
            } else {
                *slot = None;
            }
        }
        if any {
            out.paths
                .paths
                .insert(path.clone(), ReferenceOr::Item(item));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(ops: &[&str]) -> OpenAPI {
        let mut paths = serde_json::Map::new();
        for id in ops {
            paths.insert(
                format!("/{id}"),
                serde_json::json!({"get": {"operationId": id, "responses": {}}}),
            );
        }
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
        }))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
    }

    fn ids(doc: &OpenAPI) -> Vec<String> {
        spec::operation_ids(doc).into_iter().collect()
    }

    /// A fake generator: fails when an operation id starts with `bad`, or
    /// when both `pair_a` and `pair_b` are present.
    fn fake(doc: &OpenAPI, runs: &mut usize) -> Result<(), String> {
        *runs += 1;
        let ids = ids(doc);
        if let Some(bad) = ids.iter().find(|id| id.starts_with("bad")) {
            return Err(format!("{bad} is bad"));
        }
        if ids.iter().any(|i| i == "pair_a") && ids.iter().any(|i| i == "pair_b") {
            return Err("pair".to_string());
        }
        Ok(())
    }

    fn culprit_ids(found: &Isolated) -> Vec<String> {
        match found {
            Isolated::Operations(c) => c
                .iter()
                .filter_map(|c| c.operation.operation_id.clone())
                .collect(),
            Isolated::Components(m) => vec![format!("components: {m}")],
        }
    }

    #[test]
    fn finds_independent_culprits_with_few_runs() {
        let names: Vec<String> = (0..64)
            .map(|i| match i {
                7 => "bad_seven".to_string(),
                40 => "bad_forty".to_string(),
                _ => format!("op{i:02}"),
            })
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut runs = 0;
        let found = isolate(&doc(&refs), |d| fake(d, &mut runs));
        assert_eq!(culprit_ids(&found), ["bad_forty", "bad_seven"]);
        assert!(runs < 30, "{runs} runs");
        let Isolated::Operations(c) = found else {
            unreachable!()
        };
        assert!(c.iter().any(|c| c.message == "bad_seven is bad"));
    }

    #[test]
    fn settles_interacting_operations() {
        let found = isolate(&doc(&["pair_a", "op1", "op2", "pair_b"]), |d| {
            fake(d, &mut 0)
        });
        // Only the second of the pair goes: the first generates without it.
        assert_eq!(culprit_ids(&found), ["pair_b"]);
    }

    #[test]
    fn a_clean_document_has_no_culprits() {
        let found = isolate(&doc(&["a", "b"]), |d| fake(d, &mut 0));
        assert_eq!(found, Isolated::Operations(Vec::new()));
    }

    #[test]
    fn components_at_fault_are_reported_as_such() {
        let found = isolate(&doc(&["a"]), |_| Err("typify".to_string()));
        assert_eq!(found, Isolated::Components("typify".to_string()));
    }

    #[test]
    fn finds_the_component_at_fault() {
        let mut d = doc(&["a"]);
        let schemas = &mut d.components.get_or_insert_with(Default::default).schemas;
        for name in ["Good", "Bad", "Fine"] {
            schemas.insert(
                name.to_string(),
                ReferenceOr::Item(openapiv3::Schema {
                    schema_data: Default::default(),
                    schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(
                        Default::default(),
                    )),
                }),
            );
        }
        // Fails while `Bad` is still a boolean.
        let found = components(&d, |doc| {
            let bad = doc.components.as_ref().and_then(|c| c.schemas.get("Bad"));
            match bad {
                Some(ReferenceOr::Item(s))
                    if matches!(s.schema_kind, openapiv3::SchemaKind::Type(_)) =>
                {
                    Err("bad".to_string())
                }
                _ => Ok(()),
            }
        });
        assert_eq!(
            found,
            [ComponentCulprit {
                name: "Bad".to_string(),
                message: "bad".to_string()
            }]
        );
        neutralise(&mut d, "Bad");
        assert!(matches!(
            &d.components.as_ref().unwrap().schemas["Bad"],
            ReferenceOr::Item(s) if matches!(s.schema_kind, openapiv3::SchemaKind::Any(_))
        ));
    }

    #[test]
    fn keep_only_keeps_the_named_operations() {
        let d = doc(&["a", "b", "c"]);
        let ops: Vec<OperationRef> = spec::operations(&d)
            .into_iter()
            .map(|o| o.at())
            .filter(|op| op.operation_id.as_deref() != Some("b"))
            .collect();
        assert_eq!(ids(&keep_only(&d, &ops)), ["a", "c"]);
        assert!(ids(&keep_only(&d, &[])).is_empty());
    }
}
