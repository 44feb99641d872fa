//! A scalar schema beside `allOf`.
//!
//! `{type: string, enum: [channel], allOf: [{$ref: Kind}]}` says "a string,
//! `channel`, that is also a `Kind`" (3.1 documents write it with `const`).
//! typify reaches `unreachable!()` on a scalar type mixed with subschemas,
//! which costs the whole document. Rewritten to one of the two:
//!
//! - with its own `enum`: the enum alone, which is at least as strict as
//!   the intersection for every value the spec allows (the `allOf` only
//!   names a wider set the value also belongs to);
//! - without: the `allOf` alone, whose referenced schemas carry the type.

use openapiv3::{SchemaKind, Type};

use super::walk::{self, Node};
use super::{Rewrite, Rule};

const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];

/// Rewrites every scalar-beside-`allOf` schema of the document.
pub(super) fn fix(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::document(openapi, &mut |node, at| {
        let Node::Schema(schema) = node else {
            return;
        };
        let SchemaKind::Any(any) = &mut schema.schema_kind else {
            return;
        };
        let scalar = any.typ.as_deref().is_some_and(|t| SCALARS.contains(&t));
        if !scalar
            || any.all_of.is_empty()
            || !any.properties.is_empty()
            || !any.one_of.is_empty()
            || !any.any_of.is_empty()
        {
            return;
        }
        let detail = if any.enumeration.is_empty() {
            let all_of = std::mem::take(&mut any.all_of);
            schema.schema_kind = SchemaKind::AllOf { all_of };
            "a scalar `type` beside `allOf`: the `allOf` alone"
        } else {
            any.all_of.clear();
            let typ = any.typ.clone().unwrap_or_default();
            let values = std::mem::take(&mut any.enumeration);
            if typ == "string" && values.iter().all(|v| v.is_string() || v.is_null()) {
                schema.schema_kind = SchemaKind::Type(Type::String(openapiv3::StringType {
                    enumeration: values
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect(),
                    ..openapiv3::StringType::default()
                }));
            } else {
                any.enumeration = values;
            }
            "an `enum` beside `allOf`: the enum alone"
        };
        log.push(Rewrite {
            rule: Rule::ScalarAllOf,
            at: at.pointer(),
            detail: detail.to_string(),
        });
    });
}
