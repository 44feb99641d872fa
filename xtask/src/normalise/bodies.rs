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
//! - `application/x-www-form-urlencoded` with an object schema (in place,
//!   by `$ref`, or an `allOf` of objects): the same typed JSON body, and a
//!   [`Form`] of kind [`FormKind::UrlEncoded`] in
//!   [`super::Normalised::forms`], each field with the `style` and
//!   `explode` of its `encoding` entry (OpenAPI 3.0's Encoding Object;
//!   `form`, exploded, without one). The runtime encodes the JSON as the
//!   form, nested objects and lists included (`a[b][0]=v`), which
//!   progenitor's own `serde_urlencoded` cannot. A form body whose schema
//!   is not an object is left to progenitor (without an `encoding`) or
//!   skipped (with one);
//! - `multipart/form-data`: a typed JSON body of the form's fields (binary
//!   fields as byte arrays), a [`Form`] of kind [`FormKind::Multipart`]:
//!   the runtime encodes that JSON as the multipart form the vendor
//!   documents. The schema is an object (in place, by `$ref`, or an
//!   `allOf` of objects); a bare `type: string, format: binary` is one
//!   file part named `file`; no schema, or an object without properties,
//!   is a free-form object (any part names, JSON values). Anything else
//!   multipart is skipped with the reason.
//!
//! The bytes and headers on the wire are the vendor's in each case, once
//! the runtime applies the recorded `Content-Type`.

use indexmap::IndexMap;
use openapiv3::{
    ArrayType, Encoding, IntegerFormat, IntegerType, MediaType, ObjectType, Operation, QueryStyle,
    ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use super::Ctx;
use super::media::{self, MediaKind};

/// Which form a body generated as typed JSON is sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// `multipart/form-data`: one part per property.
    Multipart,
    /// `application/x-www-form-urlencoded`: `key=value` pairs.
    UrlEncoded,
}

/// A field's `style` from its `encoding` entry (the runtime's `Style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// `form` (the default).
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`: nested values in brackets.
    DeepObject,
}

impl FormStyle {
    /// The runtime's variant name (`cloud_orgs_runtime::Style::...`).
    pub fn variant(self) -> &'static str {
        match self {
            FormStyle::Form => "Form",
            FormStyle::SpaceDelimited => "SpaceDelimited",
            FormStyle::PipeDelimited => "PipeDelimited",
            FormStyle::DeepObject => "DeepObject",
        }
    }
}

/// One field of a form sent from a typed JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    /// The field's name on the wire (the JSON property's name).
    pub name: String,
    /// Whether the field is a file (multipart): its JSON value is an array
    /// of bytes (`Vec<u8>` in Rust) to send as the part's raw content.
    pub binary: bool,
    /// Its `encoding` entry's `style` (`form` without one).
    pub style: FormStyle,
    /// Its `encoding` entry's `explode` (`true` without one).
    pub explode: bool,
}

impl FormField {
    /// A field without an `encoding` entry: not a file, `form`, exploded.
    pub fn plain(name: &str) -> Self {
        Self {
            name: name.to_string(),
            binary: false,
            style: FormStyle::Form,
            explode: true,
        }
    }
}

/// A form body generated as a typed JSON object: the runtime turns the
/// JSON body into the form of this kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// Multipart or urlencoded.
    pub kind: FormKind,
    /// The form's fields, in the schema's order.
    pub fields: Vec<FormField>,
}

/// What rewriting one operation's request body found.
#[derive(Default)]
pub(super) struct BodyOutcome {
    /// The vendor's `Content-Type` when it is not `application/json`.
    pub content_type: Option<String>,
    /// Set when the body is a form sent from JSON.
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
            let Some(schema) = mt.schema.take() else {
                return Err("its form body has no schema".into());
            };
            match object_of(&schema, ctx) {
                Some(object) => {
                    let fields = object
                        .properties
                        .keys()
                        .map(|name| field(name, false, &mt.encoding))
                        .collect();
                    out.form = Some(Form {
                        kind: FormKind::UrlEncoded,
                        fields,
                    });
                    out.notes.push(
                        "urlencoded form generated as a typed JSON body; the runtime sends it as application/x-www-form-urlencoded"
                            .into(),
                    );
                    ("application/json", schema)
                }
                None if mt.encoding.is_empty() => ("application/x-www-form-urlencoded", schema),
                None => {
                    return Err(
                        "its form body has an `encoding` but its schema is not an object of fields"
                            .into(),
                    );
                }
            }
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
            let (schema, form) = form_as_json(mt.schema.as_ref(), &mt.encoding, ctx)?;
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
/// its text). A bare binary schema is one file named `file`; no schema is
/// a free-form object.
fn form_as_json(
    schema: Option<&ReferenceOr<Schema>>,
    encoding: &IndexMap<String, Encoding>,
    ctx: &Ctx<'_>,
) -> Result<(Schema, Form), String> {
    let resolved = schema.and_then(|s| ctx.schema(s));
    let (schema_data, mut object) = match (schema, resolved) {
        (None, _) => (SchemaData::default(), ObjectType::default()),
        (Some(_), None) => {
            return Err("its multipart body's schema does not resolve".into());
        }
        (Some(_), Some(s)) if is_binary(s) => {
            let object = ObjectType {
                properties: [("file".to_string(), ReferenceOr::Item(Box::new(binary())))]
                    .into_iter()
                    .collect(),
                required: vec!["file".to_string()],
                ..ObjectType::default()
            };
            (SchemaData::default(), object)
        }
        (Some(schema), Some(s)) => {
            let Some(object) = object_of(schema, ctx) else {
                return Err(
                    "its multipart body is not an object of fields, which progenitor cannot send"
                        .into(),
                );
            };
            (s.schema_data.clone(), object)
        }
    };
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
        fields.push(field(name, binary, encoding));
    }
    let out = Schema {
        schema_data,
        schema_kind: SchemaKind::Type(Type::Object(object)),
    };
    let kind = FormKind::Multipart;
    Ok((out, Form { kind, fields }))
}

/// The form field `name` with its `encoding` entry. openapiv3 reads an
/// absent `explode` as `false`: with a `style` given, that is taken as
/// written (the Swagger 2 conversion writes both); without one, as the
/// default of `form`, exploded (so an `explode: false` alone is not seen).
fn field(name: &str, binary: bool, encoding: &IndexMap<String, Encoding>) -> FormField {
    let mut field = FormField {
        binary,
        ..FormField::plain(name)
    };
    if let Some(Encoding {
        style: Some(style),
        explode,
        ..
    }) = encoding.get(name)
    {
        field.style = match style {
            QueryStyle::Form => FormStyle::Form,
            QueryStyle::SpaceDelimited => FormStyle::SpaceDelimited,
            QueryStyle::PipeDelimited => FormStyle::PipeDelimited,
            QueryStyle::DeepObject => FormStyle::DeepObject,
        };
        field.explode = *explode;
    }
    field
}

/// The object a body schema is, references followed: an object type, an
/// untyped schema with properties, or an `allOf` whose parts all are
/// (merged: properties and `required` of each). `None` for anything else.
fn object_of(schema: &ReferenceOr<Schema>, ctx: &Ctx<'_>) -> Option<ObjectType> {
    object_within(schema, ctx, 0)
}

fn object_within(schema: &ReferenceOr<Schema>, ctx: &Ctx<'_>, depth: usize) -> Option<ObjectType> {
    if depth > 8 {
        return None;
    }
    let schema = ctx.schema(schema)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
        SchemaKind::Any(any)
            if !any.properties.is_empty() && any.typ.as_deref().is_none_or(|t| t == "object") =>
        {
            Some(ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                ..ObjectType::default()
            })
        }
        SchemaKind::AllOf { all_of } if !all_of.is_empty() => {
            let mut merged = ObjectType::default();
            for part in all_of {
                let part = object_within(part, ctx, depth + 1)?;
                for (name, prop) in part.properties {
                    merged.properties.entry(name).or_insert(prop);
                }
                for name in part.required {
                    if !merged.required.contains(&name) {
                        merged.required.push(name);
                    }
                }
            }
            Some(merged)
        }
        _ => None,
    }
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
