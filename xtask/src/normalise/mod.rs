//! A spec normalisation pass that runs before progenitor.
//!
//! progenitor asserts that all success responses of an operation share one
//! body schema, and all error responses another. Real APIs break that: a
//! `200` and a `201` with different bodies, a `401` without a body beside a
//! `404` with one, a `default` response. This pass rewrites such operations,
//! in memory only (the spec file keeps what the documentation says), into a
//! shape progenitor accepts without losing information:
//!
//! - `default` beside explicit success responses becomes `4XX` and `5XX`
//!   entries (where those are not given): what `default` means for a client.
//! - An error response without a body beside ones with a body takes their
//!   schema; the generated error decoder tolerates the missing body.
//! - Responses of one group (success or error) with different schemas get a
//!   synthesised `oneOf` component; [`UnionArm`]s tell the post-processing
//!   pass which variant each status decodes into, so the status, not
//!   guesswork, picks the variant.
//!
//! What cannot be expressed (a success with a body beside a success without
//! one, or a non-JSON body beside a JSON one) fails with a message that says
//! exactly that.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use openapiv3::{
    MediaType, OpenAPI, ReferenceOr, Response, Schema, SchemaData, SchemaKind, StatusCode,
};

use crate::spec::{self, OperationRef};

mod shapes;

pub use shapes::{ResponseBody, check_shapes, response_body};

/// One status of one operation that decodes into one variant of a
/// synthesised union type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionArm {
    /// progenitor's method name for the operation.
    pub method: String,
    /// The status (or status class) whose body decodes into the variant.
    pub status: StatusCode,
    /// The synthesised union's component name.
    pub union: String,
    /// The component schema this status's body has (a variant's payload).
    pub schema: String,
}

/// An operation taken out of the document because progenitor cannot
/// generate it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Which operation.
    pub operation: OperationRef,
    /// Why, for the codegen report and the crate docs.
    pub reason: String,
}

/// The media types an operation uses on the wire, where they are not the
/// plain `application/json` progenitor sends (the runtime puts them back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Media {
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// The `Accept` value.
    pub accept: Option<String>,
}

/// What normalisation changed, for the post-processing pass and for tests.
#[derive(Clone, Debug, Default)]
pub struct Normalised {
    /// Status arms that decode into a variant of a synthesised union.
    pub union_arms: Vec<UnionArm>,
    /// Operations removed from the document, with the reason.
    pub skipped: Vec<Skipped>,
    /// Wire media types by operationId (as in the spec).
    pub media: BTreeMap<String, Media>,
}

/// Rewrites `openapi` in place; see the module docs.
pub fn normalise(openapi: &mut OpenAPI, shown: &str) -> Result<Normalised> {
    let mut out = Normalised::default();
    let ops: Vec<OperationRef> = spec::operations(openapi)
        .into_iter()
        .map(|(op, _)| op)
        .collect();
    // Only shared responses are looked up, and this pass never changes them:
    // one copy for all operations (a copy of all components per operation
    // made a 1000-operation spec take 22 s here).
    let shared_responses = openapiv3::Components {
        responses: openapi
            .components
            .as_ref()
            .map(|c| c.responses.clone())
            .unwrap_or_default(),
        ..openapiv3::Components::default()
    };
    for op in ops {
        let mut new_schemas = Vec::new();
        let Some(operation) = operation_mut(openapi, &op) else {
            continue;
        };
        let method = crate::names::method_name(op.operation_id.as_deref().unwrap_or_default());

        split_default(&mut operation.responses);

        for group in [Group::Success, Group::Error] {
            let mut bodies: BTreeMap<StatusCode, Body> = BTreeMap::new();
            for (code, response) in operation.responses.responses.iter() {
                if group.contains(code) {
                    bodies.insert(code.clone(), body_of(response, &shared_responses));
                }
            }
            let distinct: Vec<&Body> = dedup(bodies.values());
            if distinct.len() <= 1 {
                continue;
            }
            let with_schema: Vec<&Body> = distinct
                .iter()
                .copied()
                .filter(|b| matches!(b, Body::Json(_)))
                .collect();
            let raw = distinct.iter().any(|b| matches!(b, Body::Raw));
            let none = distinct.iter().any(|b| matches!(b, Body::None));
            if raw {
                bail!(
                    "{shown}: {op}: its {} responses mix a non-JSON body with other bodies ({}); this is not supported: give them one media type",
                    group.name(),
                    describe(&bodies)
                );
            }
            if group == Group::Success && none {
                bail!(
                    "{shown}: {op}: its success responses mix a body with no body ({}); this is not supported: progenitor needs one success type",
                    describe(&bodies)
                );
            }
            // Body-less errors take the (single or synthesised) error schema.
            let media = match with_schema.as_slice() {
                [Body::Json(schema)] => json_media(schema),
                _ => {
                    let union = format!("{}{}", pascal(&method), group.union_suffix());
                    let mut variants = Vec::new();
                    for (pat, body) in &bodies {
                        let Body::Json(schema) = body else {
                            continue;
                        };
                        if !variants.contains(schema) {
                            variants.push(schema.clone());
                        }
                        out.union_arms.push(UnionArm {
                            method: method.clone(),
                            status: pat.clone(),
                            union: union.clone(),
                            schema: schema.clone(),
                        });
                    }
                    new_schemas.push((union.clone(), one_of(&variants, &op, group)));
                    json_media(&format!("#/components/schemas/{union}"))
                }
            };
            for (code, response) in operation.responses.responses.iter_mut() {
                if !group.contains(code) {
                    continue;
                }
                if let ReferenceOr::Item(r) = response {
                    r.content.clear();
                    r.content
                        .insert("application/json".to_string(), media.clone());
                } else {
                    let description = format!("normalised from a shared response ({op})");
                    let mut r = Response {
                        description,
                        ..Response::default()
                    };
                    r.content
                        .insert("application/json".to_string(), media.clone());
                    *response = ReferenceOr::Item(r);
                }
            }
        }
        let schemas = &mut openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas;
        for (name, schema) in new_schemas {
            if schemas.contains_key(&name) {
                bail!(
                    "{shown}: {op}: normalisation needs a schema named `{name}`, which the spec already has"
                );
            }
            schemas.insert(name, ReferenceOr::Item(schema));
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Success,
    Error,
}

impl Group {
    fn contains(self, code: &StatusCode) -> bool {
        let class = match code {
            StatusCode::Code(c) => c / 100,
            StatusCode::Range(r) => *r,
        };
        match self {
            Group::Success => class == 2,
            Group::Error => class == 4 || class == 5,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Group::Success => "success",
            Group::Error => "error",
        }
    }
    fn union_suffix(self) -> &'static str {
        match self {
            Group::Success => "Success",
            Group::Error => "ErrorBody",
        }
    }
}

/// A `default` response beside explicit 2xx ones is what the client gets
/// for every other status: an error. Spelled as `4XX`/`5XX` ranges,
/// progenitor decodes it as one.
fn split_default(responses: &mut openapiv3::Responses) {
    let has_success = responses
        .responses
        .keys()
        .any(|c| Group::Success.contains(c));
    if !has_success {
        return;
    }
    let Some(default) = responses.default.take() else {
        return;
    };
    for range in [4, 5] {
        let code = StatusCode::Range(range);
        let explicit = responses.responses.keys().any(|c| match c {
            StatusCode::Code(n) => n / 100 == range,
            StatusCode::Range(r) => *r == range,
        });
        if !explicit {
            responses.responses.insert(code, default.clone());
        }
    }
}

/// The body of a response as progenitor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Body {
    None,
    Raw,
    /// JSON, with the component schema reference.
    Json(String),
}

fn body_of(response: &ReferenceOr<Response>, shared: &openapiv3::Components) -> Body {
    match response_body(Some(shared), response) {
        ResponseBody::None => Body::None,
        ResponseBody::Named(reference) => Body::Json(reference),
        // An inline schema has no name to become a variant (progenitor names
        // it after the operation), so like raw bytes it cannot be merged.
        ResponseBody::Raw | ResponseBody::Inline | ResponseBody::Unresolved(_) => Body::Raw,
    }
}

fn dedup<'a>(bodies: impl Iterator<Item = &'a Body>) -> Vec<&'a Body> {
    let mut out: Vec<&Body> = Vec::new();
    for body in bodies {
        if !out.contains(&body) {
            out.push(body);
        }
    }
    out
}

fn describe(bodies: &BTreeMap<StatusCode, Body>) -> String {
    bodies
        .iter()
        .map(|(pat, body)| {
            let what = match body {
                Body::None => "no body".to_string(),
                Body::Raw => "a non-JSON or inline body".to_string(),
                Body::Json(r) => r.clone(),
            };
            format!("{pat} -> {what}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn one_of(variants: &[String], op: &OperationRef, group: Group) -> Schema {
    Schema {
        schema_data: SchemaData {
            description: Some(format!(
                "The {} body of {op}: which one depends on the status (see `ResponseValue::status`).",
                group.name()
            )),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::OneOf {
            one_of: variants
                .iter()
                .map(|r| ReferenceOr::Reference {
                    reference: r.clone(),
                })
                .collect(),
        },
    }
}

fn json_media(reference: &str) -> MediaType {
    MediaType {
        schema: Some(ReferenceOr::Reference {
            reference: reference.to_string(),
        }),
        ..MediaType::default()
    }
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn operation_mut<'a>(
    openapi: &'a mut OpenAPI,
    op: &OperationRef,
) -> Option<&'a mut openapiv3::Operation> {
    let ReferenceOr::Item(item) = openapi.paths.paths.get_mut(&op.path)? else {
        return None;
    };
    spec::operation_slots(item)
        .into_iter()
        .find(|(method, _)| *method == op.method)
        .and_then(|(_, slot)| slot.as_mut())
}
