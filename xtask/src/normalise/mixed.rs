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
//!
//! `type: object` beside `allOf`, `oneOf` or `anyOf` with no object keyword
//! of its own (Box writes every component so) says what the members say
//! already. typify reads it as the composite, but the normalisation's other
//! rules (the type-name predictor of [`super::names`] among them) would
//! have to read both spellings; the composite alone is one spelling.

use openapiv3::{SchemaKind, Type};

use super::walk;
use super::{Rewrite, RewriteRule};

const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];

/// Rewrites every scalar-beside-`allOf` schema of the document.
pub(super) fn fix(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
        let SchemaKind::Any(any) = &mut schema.schema_kind else {
            return;
        };
        if let Some((kind, detail)) = object_composite(any) {
            schema.schema_kind = kind;
            log.push(Rewrite {
                rule: RewriteRule::TypeBesideComposite,
                at: at.pointer(),
                detail: detail.to_string(),
            });
            return;
        }
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
            rule: RewriteRule::TypeBesideComposite,
            at: at.pointer(),
            detail: detail.to_string(),
        });
    });
}

/// `type: object` and exactly one of `allOf`, `oneOf`, `anyOf`, with no
/// other keyword of a schema's shape: the composite alone.
fn object_composite(any: &mut openapiv3::AnySchema) -> Option<(SchemaKind, &'static str)> {
    let bare = any.typ.as_deref() == Some("object")
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.min_properties.is_none()
        && any.max_properties.is_none()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.not.is_none()
        && any.format.is_none();
    if !bare {
        return None;
    }
    let lists = [
        !any.all_of.is_empty(),
        !any.one_of.is_empty(),
        !any.any_of.is_empty(),
    ];
    if lists.iter().filter(|x| **x).count() != 1 {
        return None;
    }
    Some(if !any.all_of.is_empty() {
        let all_of = std::mem::take(&mut any.all_of);
        (
            SchemaKind::AllOf { all_of },
            "`type: object` beside `allOf`: the `allOf` alone",
        )
    } else if !any.one_of.is_empty() {
        let one_of = std::mem::take(&mut any.one_of);
        (
            SchemaKind::OneOf { one_of },
            "`type: object` beside `oneOf`: the `oneOf` alone",
        )
    } else {
        let any_of = std::mem::take(&mut any.any_of);
        (
            SchemaKind::AnyOf { any_of },
            "`type: object` beside `anyOf`: the `anyOf` alone",
        )
    })
}
