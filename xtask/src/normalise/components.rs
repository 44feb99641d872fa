//! Component schemas whose names give one Rust type name.
//!
//! typify names a component's type after its key, and two keys can give one
//! name (`tempPassword` and `TempPassword`, `metadata` and `_metadata`): the
//! crate would define the type twice, and making either any JSON value does
//! not help, since the opaque type keeps the name. Keys are not sent, so
//! every key after the first of such a group is renamed (`tempPassword2`),
//! with every reference to it: the same JSON, two distinct types.
//!
//! A key whose type would be named like an item of Rust's prelude that
//! the generated code writes unqualified (`Default`, SendGrid's, for
//! `Default::default()`) is renamed the same way: a type of that name in
//! `types` would shadow it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use super::walk::{self, Visited};
use super::{Rewrite, RewriteRule};
use crate::names::typify_type_name;

const COMPONENT_SCHEMA: &str = "#/components/schemas/";

/// The prelude names the generated `types` module uses unqualified:
/// `Default::default()` in its builders, `Ok(..)`/`Err(..)` (and `Some`,
/// `None`) in its conversions; a type of one of these names would shadow
/// it. (`Result`, `Option`, `String` are always written with their paths
/// there, and derive macros live in another namespace.)
const PRELUDE: [&str; 5] = ["Default", "Err", "None", "Ok", "Some"];

/// Renames component schemas whose Rust names collide; see the module docs.
pub(super) fn distinct(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let mut taken: BTreeSet<String> = PRELUDE.iter().map(|n| n.to_string()).collect();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let keys: Vec<String> = components.schemas.keys().cloned().collect();
    for key in &keys {
        if taken.insert(typify_type_name(key)) {
            continue;
        }
        let fresh = crate::names::unique(key, "", |k| {
            !components.schemas.contains_key(k) && !taken.contains(&typify_type_name(k))
        });
        taken.insert(typify_type_name(&fresh));
        renames.insert(key.clone(), fresh);
    }
    if renames.is_empty() {
        return;
    }
    // Rename in place, keeping the document's order of components.
    let schemas = std::mem::take(&mut components.schemas);
    components.schemas = schemas
        .into_iter()
        .map(|(key, schema)| match renames.get(&key) {
            Some(fresh) => (fresh.clone(), schema),
            None => (key, schema),
        })
        .collect();
    let targets: BTreeMap<String, String> = renames
        .iter()
        .map(|(old, new)| {
            (
                format!("{COMPONENT_SCHEMA}{}", crate::spec::escape_pointer(old)),
                format!("{COMPONENT_SCHEMA}{}", crate::spec::escape_pointer(new)),
            )
        })
        .collect();
    walk::document(openapi, &mut |node, _| {
        if let Visited::Ref(reference) = node
            && let Some(target) = targets.get(reference.as_str())
        {
            *reference = target.clone();
        }
    });
    for (old, new) in renames {
        let rust = typify_type_name(&old);
        let holder = if PRELUDE.contains(&rust.as_str()) {
            "Rust's prelude"
        } else {
            "another component schema"
        };
        log.push(Rewrite {
            rule: RewriteRule::Name,
            at: format!("{COMPONENT_SCHEMA}{old}"),
            detail: format!("renamed `{new}`: {holder} has its Rust name `{rust}`"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_of_two_keys_with_one_rust_name_is_renamed_with_its_references() {
        let mut doc: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/tempPassword"}}}}}}}},
            "components": {"schemas": {
                "TempPassword": {"type": "object"},
                "tempPassword": {"type": "string"},
                "tempPassword2": {"type": "integer"},
                "default": {"type": "object"}
            }}
        }))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
        let mut log = Vec::new();
        distinct(&mut doc, &mut log);
        let keys: Vec<&String> = doc
            .components
            .as_ref()
            .map(|c| c.schemas.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["TempPassword", "default2", "tempPassword3", "tempPassword2"]
        );
        let text = serde_json::to_string(&doc.paths).unwrap_or_default();
        assert!(
            text.contains("#/components/schemas/tempPassword3"),
            "{text}"
        );
        assert_eq!(log.len(), 2);
        assert!(log[0].detail.contains("prelude"), "{log:?}");
    }
}
