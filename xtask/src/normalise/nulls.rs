//! `type: null` and other `type` values progenitor does not know.
//!
//! progenitor converts a schema whose `type` is not one of OpenAPI 3.0's six
//! with `todo!("invalid type")`: a panic while it reads the components,
//! which costs the whole document. Specs write `type: null` (JSON Schema's
//! null, legal in 3.1 and common in converted specs) and Swagger's
//! `type: file`. Each gets the 3.0 spelling that accepts the same JSON:
//!
//! - `type: null` -> `enum: [null]` with no type, which progenitor reads as
//!   JSON Schema's null (the Rust unit type);
//! - `type: file` -> `type: string, format: binary` (bytes, as Swagger meant);
//! - any other unknown type -> no type: any JSON value.

use openapiv3::{AnySchema, SchemaKind, StringFormat, StringType, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::walk::{self, Node};
use super::{Rewrite, Rule};

const KNOWN: [&str; 6] = ["boolean", "object", "array", "number", "string", "integer"];

/// Maps every unknown `type` of the document; see the module docs.
pub(super) fn map(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::document(openapi, &mut |node, at| {
        let Node::Schema(schema) = node else {
            return;
        };
        let SchemaKind::Any(any) = &mut schema.schema_kind else {
            return;
        };
        let Some(typ) = any.typ.clone() else {
            return;
        };
        if KNOWN.contains(&typ.as_str()) {
            return;
        }
        let detail = match typ.as_str() {
            "null" => {
                any.typ = None;
                if any.enumeration.is_empty() && is_bare(any) {
                    any.enumeration = vec![Value::Null];
                    "`type: null` is now `enum: [null]`".to_string()
                } else {
                    "`type: null` beside other keywords: the type is dropped".to_string()
                }
            }
            "file" => {
                schema.schema_kind = SchemaKind::Type(Type::String(StringType {
                    format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                    ..StringType::default()
                }));
                "Swagger's `type: file` is now `type: string, format: binary`".to_string()
            }
            other => {
                any.typ = None;
                format!("unknown `type: {other}` dropped: any JSON value")
            }
        };
        log.push(Rewrite {
            rule: Rule::NullType,
            at: at.pointer(),
            detail,
        });
    });
}

/// No keyword that would make `enum: [null]` mean more than null.
fn is_bare(any: &AnySchema) -> bool {
    any.properties.is_empty()
        && any.required.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && any.items.is_none()
        && any.additional_properties.is_none()
}
