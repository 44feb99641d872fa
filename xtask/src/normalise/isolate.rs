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
        .map(|(op, _)| op)
        .collect();
    if let Err(message) = generate(&keep_only(openapi, &[])) {
        return Isolated::Components(message);
    }
    let mut culprits = Vec::new();
    bisect(openapi, &all, &mut generate, &mut culprits);
    // Interactions across halves that both generated: settle them one by one
    // on what is left.
    let rest: Vec<OperationRef> = all
        .iter()
        .filter(|op| !culprits.iter().any(|c: &Culprit| &c.operation == *op))
        .cloned()
        .collect();
    if generate(&keep_only(openapi, &rest)).is_err() {
        one_by_one(openapi, &rest, &mut generate, &mut culprits);
    }
    culprits.sort_by(|a, b| a.operation.cmp(&b.operation));
    Isolated::Operations(culprits)
}

fn bisect(
    openapi: &OpenAPI,
    ops: &[OperationRef],
    generate: &mut impl FnMut(&OpenAPI) -> Result<(), String>,
    culprits: &mut Vec<Culprit>,
) {
    let message = match generate(&keep_only(openapi, ops)) {
        Ok(()) => return,
        Err(message) => message,
    };
    if let [op] = ops {
        culprits.push(Culprit {
            operation: op.clone(),
            message,
        });
        return;
    }
    let (left, right) = ops.split_at(ops.len() / 2);
    let before = culprits.len();
    bisect(openapi, left, generate, culprits);
    bisect(openapi, right, generate, culprits);
    if culprits.len() == before {
        one_by_one(openapi, ops, generate, culprits);
    }
}

/// Adds `ops` one at a time to a growing set that generates; each operation
/// whose addition fails is a culprit.
fn one_by_one(
    openapi: &OpenAPI,
    ops: &[OperationRef],
    generate: &mut impl FnMut(&OpenAPI) -> Result<(), String>,
    culprits: &mut Vec<Culprit>,
) {
    let mut good: Vec<OperationRef> = Vec::new();
    for op in ops {
        good.push(op.clone());
        if let Err(message) = generate(&keep_only(openapi, &good)) {
            good.pop();
            culprits.push(Culprit {
                operation: op.clone(),
                message,
            });
        }
    }
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
        for (method, slot) in spec::operation_slots(&mut item) {
            let kept = keep
                .iter()
                .any(|op| op.path == *path && op.method == method);
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
    fn keep_only_keeps_the_named_operations() {
        let d = doc(&["a", "b", "c"]);
        let ops: Vec<OperationRef> = spec::operations(&d)
            .into_iter()
            .map(|(op, _)| op)
            .filter(|op| op.operation_id.as_deref() != Some("b"))
            .collect();
        assert_eq!(ids(&keep_only(&d, &ops)), ["a", "c"]);
        assert!(ids(&keep_only(&d, &[])).is_empty());
    }
}
