//! Components that contain themselves through `allOf`.
//!
//! typify merges the members of an `allOf` into one struct, following
//! references and distributing over a member's `oneOf`. A spec written in
//! "oneOf inheritance" style (Okta's `*-oneOfInheritance` documents) gives
//! a parent the `oneOf` of its children and each child an `allOf` of its
//! parent: `JsonWebKeyEC: allOf [JsonSigningWebKey]`, `JsonSigningWebKey:
//! oneOf [JsonWebKeyEC, JsonWebKeyRsa]`. Merging a child then merges the
//! child again, without end: typify overflows its stack, which no panic
//! handler catches, and the process dies.
//!
//! What the child means is "the parent's own fields, and mine". Each such
//! `allOf` member that leads back to its child through composition is made
//! a reference to the parent without its `oneOf`/`anyOf` and discriminator
//! (`{Parent}Base`, a component of its own); when the parent has nothing
//! but the union, the member goes. The child accepts the same JSON (it is
//! itself one of the parent's alternatives), and the parent is unchanged.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};

use super::{Rewrite, RewriteRule};

const COMPONENT_SCHEMA: &str = "#/components/schemas/";

/// Breaks every cycle through `allOf`; see the module docs.
pub(super) fn fix(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let mut taken: BTreeSet<String> = components
        .schemas
        .keys()
        .flat_map(|k| [k.clone(), crate::names::type_name(k)])
        .collect();
    let mut bases: BTreeMap<String, Option<String>> = BTreeMap::new();
    // Each round breaks at least one edge, of finitely many.
    for _ in 0..=components.schemas.len() {
        let edges = edges(&components.schemas);
        let cyclic: Vec<(String, String)> = edges
            .iter()
            .flat_map(|(child, out)| {
                out.iter()
                    .filter(|e| e.direct_all_of)
                    .map(move |e| (child.clone(), e.to.clone()))
            })
            .filter(|(child, parent)| reaches(&edges, parent, child))
            .collect();
        let Some((child, parent)) = cyclic.into_iter().next() else {
            return;
        };
        let base = bases
            .entry(parent.clone())
            .or_insert_with(|| {
                let ReferenceOr::Item(p) = components.schemas.get(&parent)? else {
                    return None;
                };
                let base = without_union(p)?;
                let name = super::responses::fresh(&mut taken, &format!("{parent}Base"));
                components
                    .schemas
                    .insert(name.clone(), ReferenceOr::Item(base));
                Some(name)
            })
            .clone();
        let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&child) else {
            return;
        };
        let target = format!("{COMPONENT_SCHEMA}{}", crate::spec::escape_pointer(&parent));
        let members = match &mut schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => &mut a.all_of,
            _ => return,
        };
        let detail = match &base {
            Some(base) => {
                for m in members.iter_mut() {
                    if matches!(m, ReferenceOr::Reference { reference } if *reference == target) {
                        *m = ReferenceOr::Reference {
                            reference: format!(
                                "{COMPONENT_SCHEMA}{}",
                                crate::spec::escape_pointer(base)
                            ),
                        };
                    }
                }
                format!(
                    "`allOf` member `{parent}` leads back here through its `oneOf`/`anyOf`: now `{base}`, `{parent}` without them"
                )
            }
            None => {
                members.retain(
                    |m| !matches!(m, ReferenceOr::Reference { reference } if *reference == target),
                );
                if matches!(&schema.schema_kind, SchemaKind::AllOf { all_of } if all_of.is_empty())
                {
                    schema.schema_kind = SchemaKind::Any(openapiv3::AnySchema::default());
                }
                format!(
                    "`allOf` member `{parent}` leads back here and has nothing but the alternatives: dropped"
                )
            }
        };
        log.push(Rewrite {
            rule: RewriteRule::Cycle,
            at: format!(
                "/components/schemas/{}",
                crate::spec::escape_pointer(&child)
            ),
            detail,
        });
    }
}

/// A reference from one component to another through composition.
struct Edge {
    to: String,
    /// A member of the component's own top-level `allOf`, which can be
    /// rewritten alone.
    direct_all_of: bool,
}

fn edges(schemas: &indexmap::IndexMap<String, ReferenceOr<Schema>>) -> BTreeMap<String, Vec<Edge>> {
    schemas
        .iter()
        .map(|(name, s)| {
            let mut out = Vec::new();
            if let ReferenceOr::Item(s) = s {
                composed(s, true, 0, &mut out);
            }
            (name.clone(), out)
        })
        .collect()
}

/// The references among `s`'s composition members, through inline ones.
fn composed(s: &Schema, top: bool, depth: usize, out: &mut Vec<Edge>) {
    if depth > 16 {
        return;
    }
    let (all_of, unions): (&[ReferenceOr<Schema>], [&[ReferenceOr<Schema>]; 2]) =
        match &s.schema_kind {
            SchemaKind::AllOf { all_of } => (all_of, [&[], &[]]),
            SchemaKind::OneOf { one_of } => (&[], [one_of, &[]]),
            SchemaKind::AnyOf { any_of } => (&[], [any_of, &[]]),
            SchemaKind::Any(a) => (&a.all_of, [&a.one_of, &a.any_of]),
            _ => return,
        };
    for (member, in_all_of) in all_of
        .iter()
        .map(|m| (m, true))
        .chain(unions.into_iter().flatten().map(|m| (m, false)))
    {
        match member {
            ReferenceOr::Reference { reference } => {
                if let Some(to) = reference.strip_prefix(COMPONENT_SCHEMA) {
                    out.push(Edge {
                        to: crate::spec::unescape_pointer(to),
                        direct_all_of: top && in_all_of,
                    });
                }
            }
            ReferenceOr::Item(inner) => composed(inner, false, depth + 1, out),
        }
    }
}

/// Whether `from` leads to `to` through composition.
fn reaches(edges: &BTreeMap<String, Vec<Edge>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if !seen.insert(at.clone()) {
            continue;
        }
        for e in edges.get(&at).into_iter().flatten() {
            stack.push(e.to.clone());
        }
    }
    false
}

/// The parent without its alternatives, or `None` when nothing is left.
fn without_union(parent: &Schema) -> Option<Schema> {
    let SchemaKind::Any(a) = &parent.schema_kind else {
        return None;
    };
    let mut a = a.clone();
    a.one_of.clear();
    a.any_of.clear();
    if a.properties.is_empty() && a.all_of.is_empty() && a.additional_properties.is_none() {
        return None;
    }
    let mut base = Schema {
        schema_data: openapiv3::SchemaData {
            description: parent.schema_data.description.clone(),
            ..openapiv3::SchemaData::default()
        },
        schema_kind: SchemaKind::Any(a),
    };
    // Without the union it may be a plain object: give progenitor that
    // kind, as if the spec had written it so.
    if let Ok(Ok(plain)) = serde_json::to_value(&base).map(serde_json::from_value) {
        base = plain;
    }
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_of_its_own_parent_gets_the_parent_without_the_union() {
        let mut doc = crate::normalise::test_document(serde_json::json!({
            "Key": {"type": "object", "properties": {"kid": {"type": "string"}},
                    "oneOf": [{"$ref": "#/components/schemas/Ec"}, {"$ref": "#/components/schemas/Rsa"}]},
            "Ec": {"allOf": [{"$ref": "#/components/schemas/Key"}], "type": "object",
                   "properties": {"x": {"type": "string"}}},
            "Rsa": {"allOf": [{"$ref": "#/components/schemas/Key"}, {"properties": {"n": {"type": "string"}}}]},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Pool"}]},
            "Pool": {"oneOf": [{"$ref": "#/components/schemas/Loop"}]}
        }));
        let mut log = Vec::new();
        fix(&mut doc, &mut log);
        assert_eq!(log.len(), 3, "{log:?}");
        let schemas = &doc
            .components
            .as_ref()
            .map(|c| c.schemas.clone())
            .unwrap_or_default();
        let edges = edges(schemas);
        for name in schemas.keys() {
            for e in &edges[name] {
                assert!(!reaches(&edges, &e.to, name), "{name} -> {} loops", e.to);
            }
        }
        let Some(ReferenceOr::Item(base)) = schemas.get("KeyBase") else {
            panic!("KeyBase: {:?}", schemas.keys());
        };
        assert!(matches!(
            base.schema_kind,
            SchemaKind::Type(openapiv3::Type::Object(_))
        ));
        // Pool is nothing but the union: Loop's member goes.
        assert!(
            matches!(&schemas["Loop"], ReferenceOr::Item(s) if s.schema_kind == SchemaKind::Any(Default::default()))
        );
    }
}
