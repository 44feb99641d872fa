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

use super::walk;
use super::{Rewrite, RewriteRule};

const KNOWN: [&str; 6] = ["boolean", "object", "array", "number", "string", "integer"];

/// Maps every unknown `type` of the document; see the module docs.
pub(super) fn map(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
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
            rule: RewriteRule::NullType,
            at: at.pointer(),
            detail,
        });
    });
}

/// No keyword of a schema's shape (properties, compositions, items, a
/// map's values): `enum: [null]` beside one would mean more than null, and
/// without a `type` such a schema is any JSON value.
pub(super) fn is_bare(any: &AnySchema) -> bool {
    any.properties.is_empty()
        && any.required.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && any.items.is_none()
        && any.additional_properties.is_none()
}

/// A component schema that is `nullable` and composite (`oneOf`, `anyOf`,
/// `allOf`, `not`): progenitor wraps it as `oneOf: [null, T]`, and typify
/// names both the `Option` newtype and `T` after the component, emitting
/// two types of one name (one of them infinitely recursive). `T` moves to
/// a component of its own (`{Name}Value`) and the component becomes
/// `oneOf: [{$ref: {Name}Value}, null]`: the same JSON, an `Option` of a
/// named type.
pub(super) fn split_nullable_composites(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let mut taken: std::collections::BTreeSet<String> = components
        .schemas
        .keys()
        .flat_map(|k| [k.clone(), crate::names::type_name(k)])
        .collect();
    let names: Vec<String> = components
        .schemas
        .iter()
        .filter_map(|(name, s)| match s {
            openapiv3::ReferenceOr::Item(s) if is_wrapped_nullable(s) => Some(name.clone()),
            _ => None,
        })
        .collect();
    for name in names {
        let value = super::responses::fresh(&mut taken, &format!("{name}Value"));
        let Some(openapiv3::ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) else {
            continue;
        };
        let mut inner = schema.clone();
        inner.schema_data.nullable = false;
        // A title would name `T` as typify names the wrapper (`title: File
        // (Mini)` on `File--Mini`: `FileMini` twice); the component's own
        // key names `T` instead.
        inner.schema_data.title = None;
        let null = openapiv3::Schema {
            schema_data: openapiv3::SchemaData::default(),
            schema_kind: SchemaKind::Any(AnySchema {
                enumeration: vec![Value::Null],
                ..AnySchema::default()
            }),
        };
        *schema = openapiv3::Schema {
            schema_data: openapiv3::SchemaData {
                description: schema.schema_data.description.clone(),
                ..openapiv3::SchemaData::default()
            },
            schema_kind: SchemaKind::OneOf {
                one_of: vec![
                    openapiv3::ReferenceOr::Reference {
                        reference: format!("#/components/schemas/{value}"),
                    },
                    openapiv3::ReferenceOr::Item(null),
                ],
            },
        };
        components
            .schemas
            .insert(value.clone(), openapiv3::ReferenceOr::Item(inner));
        log.push(Rewrite {
            rule: RewriteRule::NullType,
            at: format!("/components/schemas/{}", crate::spec::escape_pointer(&name)),
            detail: format!("nullable composite split: `{value}` or null"),
        });
    }
}

/// Whether progenitor wraps this schema as `oneOf: [null, T]`, moving its
/// `title` (and the rest of its metadata) to the wrapper: a `nullable`
/// composite. typify then names `T` as if the wrapper had no title (it
/// hands the wrapper's name to `T`), so a title given to such a schema
/// names nothing.
///
/// A `type` written beside the subschemas (`type: object, allOf: [...]`)
/// is still a composite.
pub(super) fn is_wrapped_nullable(schema: &openapiv3::Schema) -> bool {
    schema.schema_data.nullable
        && match &schema.schema_kind {
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => true,
            SchemaKind::Any(a) => {
                !a.all_of.is_empty()
                    || !a.one_of.is_empty()
                    || !a.any_of.is_empty()
                    || a.not.is_some()
            }
            SchemaKind::Type(_) => false,
        }
}

/// For a schema [`is_wrapped_nullable`]: writes progenitor's wrapper out
/// (`oneOf: [T, null]`, the metadata on the wrapper as progenitor puts it)
/// and returns `T`, which a title then names. The same JSON is accepted
/// and the same `Option` generated. `None` for any other schema.
pub(super) fn unwrap_nullable(schema: &mut openapiv3::Schema) -> Option<&mut openapiv3::Schema> {
    if !is_wrapped_nullable(schema) {
        return None;
    }
    let inner = openapiv3::Schema {
        schema_data: openapiv3::SchemaData::default(),
        schema_kind: std::mem::replace(
            &mut schema.schema_kind,
            SchemaKind::Any(AnySchema::default()),
        ),
    };
    schema.schema_data.nullable = false;
    let null = openapiv3::Schema {
        schema_data: openapiv3::SchemaData::default(),
        schema_kind: SchemaKind::Any(AnySchema {
            enumeration: vec![Value::Null],
            ..AnySchema::default()
        }),
    };
    schema.schema_kind = SchemaKind::OneOf {
        one_of: vec![
            openapiv3::ReferenceOr::Item(inner),
            openapiv3::ReferenceOr::Item(null),
        ],
    };
    match &mut schema.schema_kind {
        SchemaKind::OneOf { one_of } => match one_of.first_mut() {
            Some(openapiv3::ReferenceOr::Item(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// A component string enum that lists `null` among its values
/// (`enum: [monthly, weekly, null]`): typify makes it an `Option` newtype
/// named after the component around an enum of the same name, defined
/// twice. `null` moves out of the list into `nullable: true`, which accepts
/// the same JSON and gives the `Option` of a distinct enum
/// (`{Name}Inner`).
pub(super) fn enum_nulls(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        let openapiv3::ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
            continue;
        };
        if !string.enumeration.iter().any(Option::is_none) {
            continue;
        }
        string.enumeration.retain(Option::is_some);
        schema.schema_data.nullable = true;
        log.push(Rewrite {
            rule: RewriteRule::NullType,
            at: format!("#/components/schemas/{name}"),
            detail: "`null` among the enum values is now `nullable: true`".to_string(),
        });
    }
}
