//! Values that do not fit their schema, and bounds that bound nothing.
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
//!
//! An `enum` whose values are not of the schema's `type` (`type: string,
//! enum: [4.1, 4, "3_lite", null]`, Plaid) is refused by typify ("unexpected
//! value type") and costs the component. Which of the two the server sends
//! cannot be told from the spec, so the schema becomes any JSON value in
//! place (the values listed in its description): whatever the server sends
//! is read, and only this one field loses its type.

use openapiv3::{SchemaKind, Type};
use serde_json::Value;

use super::walk;
use super::{Rewrite, RewriteRule};

/// Drops every `default` that does not fit its schema's type or enum.
pub(super) fn fix(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
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
                rule: RewriteRule::Default,
                at: at.pointer(),
                detail: "a minimum length or count of 0 bounds nothing: dropped".to_string(),
            });
        }
        if let SchemaKind::Any(any) = &mut schema.schema_kind
            && let Some(typ) = any.typ.clone()
            && any.properties.is_empty()
            && any
                .enumeration
                .iter()
                .any(|v| !v.is_null() && !fits_type(&typ, v))
        {
            let values: Vec<String> = any.enumeration.iter().map(Value::to_string).collect();
            let note = format!("One of: {}.", values.join(", "));
            let nullable = any.enumeration.iter().any(Value::is_null);
            any.typ = None;
            any.enumeration.clear();
            any.format = None;
            let data = &mut schema.schema_data;
            data.nullable |= nullable;
            super::append_note(&mut data.description, &note);
            log.push(Rewrite {
                rule: RewriteRule::Default,
                at: at.pointer(),
                detail: format!(
                    "`type: {typ}` with enum values of another type: any JSON value here"
                ),
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
                let typed = any.typ.as_deref().is_none_or(|t| fits_type(t, default));
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
                rule: RewriteRule::Default,
                at: at.pointer(),
                detail: format!("`default: {shown}` does not fit the schema: dropped"),
            });
        }
    });
}

/// Whether `value` is of the JSON Schema `type` named (an unknown name
/// fits everything).
fn fits_type(typ: &str, value: &Value) -> bool {
    match typ {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}
