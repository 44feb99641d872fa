//! Request bodies, rewritten into one media type progenitor can send.
//!
//! progenitor sends a body as `application/json` (typed),
//! `application/x-www-form-urlencoded` (typed), `application/octet-stream`
//! (bytes, only with the schema `type: string, format: binary`), or
//! `text/plain` (a string, only with the schema `type: string`), and only
//! one media type per body. Each body becomes one of those:
//!
//! - several media types: the one [`super::media::choose`] prefers; the
//!   others are recorded as dropped (progenitor has one body per method);
//! - a JSON spelling other than `application/json`: renamed, and the
//!   vendor's type goes to [`super::Media::content_type`];
//! - `text/*`: `text/plain` with a string schema, the vendor's type recorded;
//! - any other non-JSON type: bytes (`application/octet-stream`), the
//!   vendor's type recorded;
//! - `multipart/form-data` with an object schema: a typed JSON body of the
//!   form's fields (binary fields as byte arrays), recorded in
//!   [`super::Normalised::forms`]: the runtime encodes that JSON as the
//!   multipart form the vendor documents. Anything else multipart is
//!   skipped with the reason.
//!
//! The bytes and headers on the wire are the vendor's in each case, once
//! the runtime applies the recorded `Content-Type`.

use openapiv3::{
    ArrayType, IntegerFormat, IntegerType, MediaType, Operation, ReferenceOr, Schema, SchemaData,
    SchemaKind, StringFormat, StringType, Type, VariantOrUnknownOrEmpty,
};

use super::Ctx;
use super::media::{self, MediaKind};

/// One field of a multipart form sent from a typed JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    /// The field's name on the wire (the JSON property's name).
    pub name: String,
    /// Whether the field is a file: its JSON value is an array of bytes
    /// (`Vec<u8>` in Rust) to send as the part's raw content.
    pub binary: bool,
}

/// A `multipart/form-data` body generated as a typed JSON object: the
/// runtime turns each property of the JSON body into one part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The form's fields, in the schema's order.
    pub fields: Vec<FormField>,
}

/// What rewriting one operation's request body found.
#[derive(Default)]
pub(super) struct BodyOutcome {
    /// The vendor's `Content-Type` when it is not `application/json`.
    pub content_type: Option<String>,
    /// Set when the body is a multipart form sent from JSON.
    pub form: Option<Form>,
    /// Rewrites to record: (what, detail).
    pub notes: Vec<String>,
}

/// Rewrites the request body of `op`; `Err` is the reason to skip it.
pub(super) fn rewrite(op: &mut Operation, ctx: &Ctx<'_>) -> Result<BodyOutcome, String> {
    let mut out = BodyOutcome::default();
    let Some(body) = op.request_body.as_mut() else {
        return Ok(out);
    };
    if let ReferenceOr::Reference { reference } = body {
        let Some(item) = ctx.request_body(reference) else {
            return Err(format!(
                "its request body `{reference}` does not resolve to a request body"
            ));
        };
        *body = ReferenceOr::Item(item.clone());
    }
    let ReferenceOr::Item(body) = body else {
        return Ok(out);
    };
    if body.content.is_empty() {
        op.request_body = None;
        return Ok(out);
    }
    let Some(chosen) = media::choose(body.content.keys()).cloned() else {
        return Ok(out);
    };
    let dropped: Vec<String> = body
        .content
        .keys()
        .filter(|m| **m != chosen)
        .cloned()
        .collect();
    if !dropped.is_empty() {
        out.notes.push(format!(
            "request body sent as `{chosen}`; not generated: {}",
            dropped.join(", ")
        ));
    }
    let Some(mut mt) = body.content.shift_remove(&chosen) else {
        return Ok(out);
    };
    body.content.clear();
    let essence = media::essence(&chosen);
    let (key, schema) = match media::kind(&chosen) {
        MediaKind::Json => {
            if !mt.encoding.is_empty() {
                out.notes
                    .push("`encoding` of a JSON body ignored (it has no meaning there)".into());
            }
            let schema = mt.schema.take().unwrap_or_else(|| {
                out.notes
                    .push("JSON request body without a schema: any JSON value".into());
                ReferenceOr::Item(any())
            });
            ("application/json", schema)
        }
        MediaKind::Form => {
            if !mt.encoding.is_empty() {
                return Err(
                    "its form body has an `encoding` (per-field content types), which progenitor cannot send"
                        .into(),
                );
            }
            let Some(schema) = mt.schema.take() else {
                return Err("its form body has no schema".into());
            };
            ("application/x-www-form-urlencoded", schema)
        }
        MediaKind::Text => {
            if !is_string(mt.schema.as_ref(), ctx) {
                return Err(format!(
                    "its `{chosen}` body is not a string schema; progenitor sends text bodies only as strings"
                ));
            }
            (
                if essence == "text/x-markdown" {
                    "text/x-markdown"
                } else {
                    "text/plain"
                },
                ReferenceOr::Item(plain_string()),
            )
        }
        MediaKind::Binary => ("application/octet-stream", ReferenceOr::Item(binary())),
        MediaKind::Multipart => {
            let (schema, form) = form_as_json(mt.schema.as_ref(), ctx)?;
            out.form = Some(form);
            out.notes.push(
                "multipart form generated as a typed JSON body; the runtime sends it as multipart/form-data"
                    .into(),
            );
            ("application/json", ReferenceOr::Item(schema))
        }
    };
    if essence != key {
        out.content_type = Some(chosen.clone());
    }
    body.content.insert(
        key.to_string(),
        MediaType {
            schema: Some(schema),
            ..MediaType::default()
        },
    );
    Ok(out)
}

/// The object schema of a multipart body as a JSON object schema: binary
/// (`format: binary`) fields become arrays of bytes so that a `Vec<u8>`
/// carries a file; the rest stay as they are (the runtime sends each as
/// its text).
fn form_as_json(
    schema: Option<&ReferenceOr<Schema>>,
    ctx: &Ctx<'_>,
) -> Result<(Schema, Form), String> {
    let schema = schema
        .and_then(|s| ctx.schema(s))
        .ok_or("its multipart body has no schema to generate a form from")?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(
            "its multipart body is not an object of fields, which progenitor cannot send".into(),
        );
    };
    let mut object = object.clone();
    let mut fields = Vec::new();
    for (name, prop) in object.properties.iter_mut() {
        let binary = match prop {
            ReferenceOr::Item(p) => is_binary(p),
            ReferenceOr::Reference { reference } => ctx
                .schema(&ReferenceOr::Reference {
                    reference: reference.clone(),
                })
                .is_some_and(is_binary),
        };
        if binary {
            *prop = ReferenceOr::Item(Box::new(bytes()));
        }
        fields.push(FormField {
            name: name.clone(),
            binary,
        });
    }
    let out = Schema {
        schema_data: schema.schema_data.clone(),
        schema_kind: SchemaKind::Type(Type::Object(object)),
    };
    Ok((out, Form { fields }))
}

fn is_binary(s: &Schema) -> bool {
    matches!(
        &s.schema_kind,
        SchemaKind::Type(Type::String(StringType {
            format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
            ..
        }))
    )
}

fn is_string(schema: Option<&ReferenceOr<Schema>>, ctx: &Ctx<'_>) -> bool {
    match schema.and_then(|s| ctx.schema(s)) {
        None => true,
        Some(s) => matches!(s.schema_kind, SchemaKind::Type(Type::String(_))),
    }
}

fn any() -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(openapiv3::AnySchema::default()),
    }
}

fn plain_string() -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
    }
}

fn binary() -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
            ..StringType::default()
        })),
    }
}

/// An array of bytes: `Vec<u8>` in Rust.
fn bytes() -> Schema {
    let byte = Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Integer(IntegerType {
            format: VariantOrUnknownOrEmpty::Unknown("uint8".to_string()),
            minimum: Some(0),
            maximum: Some(255),
            ..IntegerType::default()
        })),
    };
    let _ = IntegerFormat::Int32;
    Schema {
        schema_data: SchemaData {
            description: Some("The file's bytes.".to_string()),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::Type(Type::Array(ArrayType {
            items: Some(ReferenceOr::Item(Box::new(byte))),
            min_items: None,
            max_items: None,
            unique_items: false,
        })),
    }
}
