//! One walk over every schema of a document, for the schema-level rewrites.
//!
//! Schemas sit in many places of an OpenAPI document (components, parameters,
//! headers, request and response bodies, and inside each other). The
//! rewrites that apply to a schema wherever it is ([`super::refs`],
//! [`super::nulls`], [`super::enums`]) share this walk, so none of them can
//! miss a place the others see.

use openapiv3::{
    AdditionalProperties, Header, MediaType, OpenAPI, Operation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
};

/// What the walk hands to its visitor.
pub enum Visited<'a> {
    /// A schema `$ref` (the reference string, to read or rewrite).
    Ref(&'a mut String),
    /// A schema given in place. Visited before the schemas inside it, so a
    /// visitor that rewrites it sees its children afterwards.
    Schema(&'a mut Schema),
}

/// A JSON pointer to the node being visited, built as the walk goes (only
/// read when a visitor records where it changed something).
#[derive(Default)]
pub struct At {
    segments: Vec<String>,
}

impl At {
    fn new() -> Self {
        At {
            segments: Vec::new(),
        }
    }

    /// The pointer, e.g. `/components/schemas/Tag/allOf/0`.
    pub fn pointer(&self) -> String {
        self.segments
            .iter()
            .map(|s| format!("/{}", crate::spec::escape_pointer(s)))
            .collect()
    }

    fn push(&mut self, segment: impl Into<String>) {
        self.segments.push(segment.into());
    }

    fn pop(&mut self) {
        self.segments.pop();
    }
}

/// Visits every schema and schema reference of the document: components
/// (schemas, responses, parameters, request bodies, headers) and every
/// operation's parameters, body and responses.
pub fn document(openapi: &mut OpenAPI, visit: &mut impl FnMut(Visited<'_>, &At)) {
    let mut at = At::new();
    if let Some(components) = openapi.components.as_mut() {
        at.push("components");
        at.push("schemas");
        for (name, schema) in components.schemas.iter_mut() {
            at.push(name.clone());
            reference_or_schema(schema, &mut at, visit);
            at.pop();
        }
        at.pop();
        at.push("responses");
        for (name, response) in components.responses.iter_mut() {
            at.push(name.clone());
            if let ReferenceOr::Item(r) = response {
                self::response(r, &mut at, visit);
            }
            at.pop();
        }
        at.pop();
        at.push("parameters");
        for (name, parameter) in components.parameters.iter_mut() {
            at.push(name.clone());
            if let ReferenceOr::Item(p) = parameter {
                self::parameter(p, &mut at, visit);
            }
            at.pop();
        }
        at.pop();
        at.push("requestBodies");
        for (name, body) in components.request_bodies.iter_mut() {
            at.push(name.clone());
            if let ReferenceOr::Item(b) = body {
                request_body(b, &mut at, visit);
            }
            at.pop();
        }
        at.pop();
        at.push("headers");
        for (name, header) in components.headers.iter_mut() {
            at.push(name.clone());
            if let ReferenceOr::Item(h) = header {
                self::header(h, &mut at, visit);
            }
            at.pop();
        }
        at.pop();
        at.pop();
    }
    at.push("paths");
    for (path, item) in openapi.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        at.push(path.clone());
        at.push("parameters");
        parameters(&mut item.parameters, &mut at, visit);
        at.pop();
        for (method, slot) in crate::spec::slots(item) {
            if let Some(op) = slot.as_mut() {
                at.push(method.key());
                operation(op, &mut at, visit);
                at.pop();
            }
        }
        at.pop();
    }
    at.pop();
}

/// Visits the schemas of one operation.
pub fn operation(op: &mut Operation, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    at.push("parameters");
    parameters(&mut op.parameters, at, visit);
    at.pop();
    if let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() {
        at.push("requestBody");
        request_body(body, at, visit);
        at.pop();
    }
    at.push("responses");
    if let Some(ReferenceOr::Item(r)) = op.responses.default.as_mut() {
        at.push("default");
        response(r, at, visit);
        at.pop();
    }
    for (code, r) in op.responses.responses.iter_mut() {
        if let ReferenceOr::Item(r) = r {
            at.push(code.to_string());
            response(r, at, visit);
            at.pop();
        }
    }
    at.pop();
}

fn parameters(
    list: &mut [ReferenceOr<Parameter>],
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    for (i, p) in list.iter_mut().enumerate() {
        if let ReferenceOr::Item(p) = p {
            at.push(i.to_string());
            parameter(p, at, visit);
            at.pop();
        }
    }
}

fn parameter(p: &mut Parameter, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    let data = match p {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    };
    schema_or_content(&mut data.format, at, visit);
}

fn header(h: &mut Header, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    schema_or_content(&mut h.format, at, visit);
}

fn schema_or_content(
    format: &mut ParameterSchemaOrContent,
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    match format {
        ParameterSchemaOrContent::Schema(s) => {
            at.push("schema");
            reference_or_schema(s, at, visit);
            at.pop();
        }
        ParameterSchemaOrContent::Content(content) => {
            at.push("content");
            for (media, m) in content.iter_mut() {
                at.push(media.clone());
                media_type(m, at, visit);
                at.pop();
            }
            at.pop();
        }
    }
}

fn request_body(b: &mut RequestBody, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    at.push("content");
    for (media, m) in b.content.iter_mut() {
        at.push(media.clone());
        media_type(m, at, visit);
        at.pop();
    }
    at.pop();
}

fn response(r: &mut Response, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    at.push("headers");
    for (name, h) in r.headers.iter_mut() {
        if let ReferenceOr::Item(h) = h {
            at.push(name.clone());
            header(h, at, visit);
            at.pop();
        }
    }
    at.pop();
    at.push("content");
    for (media, m) in r.content.iter_mut() {
        at.push(media.clone());
        media_type(m, at, visit);
        at.pop();
    }
    at.pop();
}

fn media_type(m: &mut MediaType, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    if let Some(s) = m.schema.as_mut() {
        at.push("schema");
        reference_or_schema(s, at, visit);
        at.pop();
    }
}

/// Visits every schema given in place (references are passed over): the
/// walk most rules need, which rewrite schemas and never references.
pub fn schemas(openapi: &mut OpenAPI, visit: &mut impl FnMut(&mut Schema, &At)) {
    document(openapi, &mut |node, at| {
        if let Visited::Schema(schema) = node {
            visit(schema, at);
        }
    });
}

/// Visits one schema slot and everything inside it.
pub fn reference_or_schema(
    s: &mut ReferenceOr<Schema>,
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    match s {
        ReferenceOr::Reference { reference } => visit(Visited::Ref(reference), at),
        ReferenceOr::Item(schema) => self::schema(schema, at, visit),
    }
}

fn boxed(s: &mut ReferenceOr<Box<Schema>>, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    match s {
        ReferenceOr::Reference { reference } => visit(Visited::Ref(reference), at),
        ReferenceOr::Item(schema) => self::schema(schema, at, visit),
    }
}

/// Visits a schema given in place, then the schemas inside it.
pub fn schema(schema: &mut Schema, at: &mut At, visit: &mut impl FnMut(Visited<'_>, &At)) {
    visit(Visited::Schema(schema), at);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            properties(&mut o.properties, at, visit);
            additional(o.additional_properties.as_mut(), at, visit);
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = a.items.as_mut() {
                at.push("items");
                boxed(items, at, visit);
                at.pop();
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: list } => subschemas("oneOf", list, at, visit),
        SchemaKind::AllOf { all_of: list } => subschemas("allOf", list, at, visit),
        SchemaKind::AnyOf { any_of: list } => subschemas("anyOf", list, at, visit),
        SchemaKind::Not { not } => {
            at.push("not");
            reference_or_schema(not, at, visit);
            at.pop();
        }
        SchemaKind::Any(any) => {
            properties(&mut any.properties, at, visit);
            additional(any.additional_properties.as_mut(), at, visit);
            if let Some(items) = any.items.as_mut() {
                at.push("items");
                boxed(items, at, visit);
                at.pop();
            }
            subschemas("oneOf", &mut any.one_of, at, visit);
            subschemas("allOf", &mut any.all_of, at, visit);
            subschemas("anyOf", &mut any.any_of, at, visit);
            if let Some(not) = any.not.as_mut() {
                at.push("not");
                reference_or_schema(not, at, visit);
                at.pop();
            }
        }
    }
}

fn properties(
    props: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    at.push("properties");
    for (name, p) in props.iter_mut() {
        at.push(name.clone());
        boxed(p, at, visit);
        at.pop();
    }
    at.pop();
}

fn additional(
    extra: Option<&mut AdditionalProperties>,
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    if let Some(AdditionalProperties::Schema(s)) = extra {
        at.push("additionalProperties");
        reference_or_schema(s, at, visit);
        at.pop();
    }
}

fn subschemas(
    key: &str,
    list: &mut [ReferenceOr<Schema>],
    at: &mut At,
    visit: &mut impl FnMut(Visited<'_>, &At),
) {
    at.push(key);
    for (i, s) in list.iter_mut().enumerate() {
        at.push(i.to_string());
        reference_or_schema(s, at, visit);
        at.pop();
    }
    at.pop();
}
