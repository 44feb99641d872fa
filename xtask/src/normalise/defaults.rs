//! Defaults that do not fit their schema, and bounds that bound nothing.
//!
//! `minLength: 0` and `minItems: 0` allow every value; typify still emits
//! the check (`len < 0usize`), which is a compiler warning in every crate
//! that has one. They are dropped.
//!
//! typify checks a schema's `default` against the schema and refuses the
//! document when it does not fit (`default: "20 - incident_summary"` on an
//! integer, a default outside the enum). A default that does not fit has
//! no value a client could send or would receive, so dropping it changes
//! nothing on the wire; it is recorded.

use openapiv3::{SchemaKind, Type};
use serde_json::Value;

use super::walk::{self, Node};
use super::{Rewrite, Rule};

/// Drops every `default` that does not fit its schema's type or enum.
pub(super) fn fix(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::document(openapi, &mut |node, at| {
        let Node::Schema(schema) = node else {
            return;
        };
        let vacuous = match &mut schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.min_length.take_if(|n| *n == 0).is_some(),
            SchemaKind::Type(Type::Array(a)) => a.min_items.take_if(|n| *n == 0).is_some(),
            SchemaKind::Any(a) => {
                let l = a.min_length.take_if(|n| *n == 0).is_some();
                let i = a.min_items.take_if(|n| *n == 0).is_some();
                l || i
            }
            _ => false,
        };
        if vacuous {
            log.push(Rewrite {
                rule: Rule::Default,
                at: at.pointer(),
                detail: "a minimum length or count of 0 bounds nothing: dropped".to_string(),
            });
        }
        let Some(default) = &schema.schema_data.default else {
            return;
        };
        if default.is_null() && schema.schema_data.nullable {
            return;
        }
        let fits = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => default.as_str().is_some_and(|d| {
                s.enumeration.is_empty() || s.enumeration.iter().flatten().any(|e| e == d)
            }),
            SchemaKind::Type(Type::Integer(i)) => {
                (default.is_i64() || default.is_u64())
                    && (i.enumeration.is_empty()
                        || i.enumeration
                            .iter()
                            .flatten()
                            .any(|e| Some(*e) == default.as_i64()))
            }
            SchemaKind::Type(Type::Number(_)) => default.is_number(),
            SchemaKind::Type(Type::Boolean(_)) => default.is_boolean(),
            SchemaKind::Type(Type::Array(_)) => default.is_array(),
            SchemaKind::Type(Type::Object(_)) => default.is_object(),
            SchemaKind::Any(any) => {
                let typed = match any.typ.as_deref() {
                    Some("string") => default.is_string(),
                    Some("integer") => default.is_i64() || default.is_u64(),
                    Some("number") => default.is_number(),
                    Some("boolean") => default.is_boolean(),
                    Some("array") => default.is_array(),
                    Some("object") => default.is_object(),
                    _ => true,
                };
                typed && (any.enumeration.is_empty() || any.enumeration.contains(default))
            }
            // Composite schemas: typify checks those against the merged
            // type; leave them.
            _ => true,
        };
        if !fits {
            let shown = match default {
                Value::String(s) => format!("\"{s}\""),
                other => other.to_string(),
            };
            schema.schema_data.default = None;
            log.push(Rewrite {
                rule: Rule::Default,
                at: at.pointer(),
                detail: format!("`default: {shown}` does not fit the schema: dropped"),
            });
        }
    });
}
