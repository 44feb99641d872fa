//! operationIds: one per operation, and one Rust method name per operationId.
//!
//! progenitor refuses a document with an operation without an operationId
//! or with one operationId twice, and generates two methods of one name
//! (code that does not compile) for ids that differ only in spelling
//! (`getUser`, `get_user`). The operationId only names the Rust method: it
//! is not sent, so renaming it keeps the wire. A missing one is made from
//! the method and path (`GET /users/{id}` -> `get_users_id`); a repeated
//! one, or one whose Rust name is taken, gets `_2`, `_3`... The renames are
//! in [`super::Normalised::renamed_operations`].

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use super::{Rewrite, RewriteRule};
use crate::names::method_name;

/// Gives every operation a distinct operationId with a distinct Rust name;
/// returns the renames (new id -> the spec's id, or `None` where the spec
/// had none).
pub(super) fn fix(
    openapi: &mut OpenAPI,
    log: &mut Vec<Rewrite>,
) -> BTreeMap<String, Option<String>> {
    let mut renamed = BTreeMap::new();
    let mut methods: BTreeSet<String> = BTreeSet::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in crate::spec::slots(item) {
            let Some(op) = slot.as_mut() else { continue };
            let original = op.operation_id.clone();
            let base = original
                .clone()
                .filter(|id| !id.trim().is_empty())
                .unwrap_or_else(|| method_name(&format!("{method}-{path}")));
            let id = crate::names::unique(&base, "_", |id| {
                !ids.contains(id) && !methods.contains(&method_name(id))
            });
            ids.insert(id.clone());
            methods.insert(method_name(&id));
            if original.as_deref() != Some(id.as_str()) {
                let detail = match &original {
                    Some(o) => format!("operationId `{o}` renamed `{id}`: its Rust name was taken"),
                    None => format!("no operationId: named `{id}` after its method and path"),
                };
                log.push(Rewrite {
                    rule: RewriteRule::OperationId,
                    at: format!("{method} {path}"),
                    detail,
                });
                op.operation_id = Some(id.clone());
                renamed.insert(id, original);
            }
        }
    }
    renamed
}
