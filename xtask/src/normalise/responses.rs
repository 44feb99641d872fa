//! Responses, rewritten into one body type per group that the status decides.
//!
//! progenitor asserts that all success responses of an operation (2xx and
//! `default`) share one body kind and schema, and all error responses
//! (4xx, 5xx and `default`) another. Real APIs break that in every way;
//! each is rewritten into a shape progenitor accepts, with what it takes
//! to decode the same bytes recorded in [`super::Normalised`]:
//!
//! - `default` beside explicit success responses is what the client gets
//!   for every other status, an error: it becomes `4XX` and `5XX` entries
//!   (where those are not given).
//! - A JSON media type in another spelling is renamed `application/json`
//!   and its vendor spelling goes to the `Accept` the runtime sends
//!   ([`super::Media::accept`]); of several media types for one response
//!   the JSON one is generated.
//! - Several JSON schemas in one group become a synthesised `oneOf`
//!   component; [`super::UnionArm`]s say which status decodes into which
//!   variant (inline schemas are first named, so they can be variants).
//! - A success without a body beside ones with a body: the type becomes
//!   optional (`oneOf: [T, null]`, an `Option<T>`), and the body-less
//!   statuses are listed in [`super::Normalised::bodiless`] (no body:
//!   `None`).
//! - An error without a body beside ones with a body takes their type, and
//!   is listed in `bodiless` too.
//! - A non-JSON success beside JSON ones: the whole success group is bytes
//!   (progenitor's `ByteStream`), which carries every body as sent. A
//!   non-JSON error beside JSON errors is decoded without its body (listed
//!   in `bodiless`). Raw beside body-less: body-less ones become raw (an
//!   empty stream).

use std::collections::BTreeMap;

use openapiv3::{
    MediaType, Operation, ReferenceOr, Response, Schema, SchemaData, SchemaKind, StatusCode,
};

use super::media::{self, MediaKind};
use super::{Bodiless, Ctx, UnionArm};
use crate::spec::OperationRef;

/// What rewriting one operation's responses found.
#[derive(Default)]
pub(super) struct ResponsesOutcome {
    /// The `Accept` to send when it is not plain `application/json`.
    pub accept: Option<String>,
    pub union_arms: Vec<UnionArm>,
    pub bodiless: Vec<Bodiless>,
    /// Component schemas to add: synthesised unions and named inline bodies.
    pub new_schemas: Vec<(String, Schema)>,
    pub notes: Vec<String>,
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

/// The body of one response after media choice.
#[derive(Clone, Debug, PartialEq)]
enum Body {
    None,
    Raw,
    Json(Box<ReferenceOr<Schema>>),
}

/// Rewrites the responses of `op`; see the module docs. `taken` holds the
/// component names in use (and grows with the ones this adds).
pub(super) fn rewrite(
    op: &mut Operation,
    at: &OperationRef,
    method: &str,
    ctx: &Ctx<'_>,
    taken: &mut std::collections::BTreeSet<String>,
) -> Result<ResponsesOutcome, String> {
    let mut out = ResponsesOutcome::default();
    let responses = &mut op.responses;
    // Every response in place: a shared one may be rewritten differently
    // for each operation.
    for (code, r) in responses
        .responses
        .iter_mut()
        .map(|(c, r)| (c.to_string(), r))
        .chain(
            responses
                .default
                .iter_mut()
                .map(|r| ("default".to_string(), r)),
        )
    {
        if let ReferenceOr::Reference { reference } = r {
            let Some(item) = ctx.response(reference) else {
                return Err(format!(
                    "its {code} response `{reference}` does not resolve to a response"
                ));
            };
            *r = ReferenceOr::Item(item);
        }
    }
    split_default(responses, &mut out.notes);

    // One media type per response, JSON spelled `application/json`.
    let mut accept: Vec<String> = Vec::new();
    let items = responses
        .responses
        .iter_mut()
        .map(|(c, r)| (Some(c.clone()), r))
        .chain(responses.default.iter_mut().map(|r| (None, r)));
    for (code, r) in items {
        let ReferenceOr::Item(r) = r else { continue };
        let Some(chosen) = media::choose(r.content.keys()).cloned() else {
            continue;
        };
        let shown = code
            .as_ref()
            .map_or("default".to_string(), ToString::to_string);
        if r.content.len() > 1 {
            let others: Vec<&String> = r.content.keys().filter(|m| **m != chosen).collect();
            out.notes.push(format!(
                "{shown} response generated as `{chosen}`; not generated: {}",
                others
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let Some(mut mt) = r.content.shift_remove(&chosen) else {
            continue;
        };
        r.content.clear();
        let is_success = code.as_ref().is_none_or(|c| Group::Success.contains(c));
        let key = if media::kind(&chosen) == MediaKind::Json {
            mt.encoding.clear();
            if mt.schema.is_none() {
                mt.schema = Some(ReferenceOr::Item(any()));
                out.notes.push(format!(
                    "{shown} JSON response without a schema: any JSON value"
                ));
            }
            "application/json".to_string()
        } else {
            chosen.clone()
        };
        if is_success && !accept.contains(&chosen) {
            accept.push(chosen.clone());
        }
        r.content.insert(key, mt);
    }
    // The success media types as the vendor spells them, when one is not
    // plain `application/json` (what progenitor sends).
    if accept
        .iter()
        .any(|m| media::essence(m) != "application/json")
    {
        out.accept = Some(accept.join(", "));
    }

    for group in [Group::Success, Group::Error] {
        let mut bodies: BTreeMap<StatusCode, Body> = BTreeMap::new();
        for (code, r) in responses.responses.iter() {
            if !group.contains(code) {
                continue;
            }
            let ReferenceOr::Item(r) = r else { continue };
            bodies.insert(code.clone(), body_of(r));
        }
        let mut distinct: Vec<&Body> = Vec::new();
        for b in bodies.values() {
            if !distinct.contains(&b) {
                distinct.push(b);
            }
        }
        if distinct.len() <= 1 {
            continue;
        }
        let raw = distinct.iter().any(|b| matches!(b, Body::Raw));
        let json = distinct.iter().any(|b| matches!(b, Body::Json(_)));
        let none = distinct.iter().any(|b| matches!(b, Body::None));

        if raw && (group == Group::Success || !json) {
            // Bytes for every status: an empty body is an empty stream.
            let media =
                first_raw_media(responses, group).unwrap_or("application/octet-stream".into());
            for (code, r) in responses.responses.iter_mut() {
                if !group.contains(code) {
                    continue;
                }
                let ReferenceOr::Item(r) = r else { continue };
                if !matches!(body_of(r), Body::Raw) {
                    r.content.clear();
                    r.content.insert(media.clone(), MediaType::default());
                }
            }
            out.notes.push(format!(
                "{} responses mix {}: all generated as bytes",
                group.name(),
                describe(&bodies)
            ));
            continue;
        }
        // From here the group has JSON bodies; raw errors and body-less
        // statuses are decoded without a body.
        let mut variants: Vec<ReferenceOr<Schema>> = Vec::new();
        let mut arms: Vec<(StatusCode, ReferenceOr<Schema>)> = Vec::new();
        for (code, body) in &bodies {
            match body {
                Body::Json(schema) => {
                    let named = match schema.as_ref() {
                        ReferenceOr::Reference { .. } => schema.as_ref().clone(),
                        ReferenceOr::Item(inline) => {
                            // Same inline schema twice: one name.
                            if let Some((name, _)) =
                                out.new_schemas.iter().find(|(_, s)| s == inline)
                            {
                                reference(name)
                            } else {
                                let name = fresh(
                                    taken,
                                    &format!("{}{}Response", pascal(method), code_name(code)),
                                );
                                out.new_schemas.push((name.clone(), inline.clone()));
                                out.notes.push(format!(
                                    "the inline schema of the {code} response is named `{name}`"
                                ));
                                reference(&name)
                            }
                        }
                    };
                    if !variants.contains(&named) {
                        variants.push(named.clone());
                    }
                    arms.push((code.clone(), named));
                }
                Body::None | Body::Raw => out.bodiless.push(Bodiless {
                    method: method.to_string(),
                    status: code.clone(),
                }),
            }
        }
        let mut schema = match variants.as_slice() {
            [single] => single.clone(),
            _ => {
                let union = fresh(
                    taken,
                    &format!("{}{}", pascal(method), group.union_suffix()),
                );
                for (code, variant) in &arms {
                    let ReferenceOr::Reference { reference } = variant else {
                        continue;
                    };
                    out.union_arms.push(UnionArm {
                        method: method.to_string(),
                        status: code.clone(),
                        union: union.clone(),
                        schema: reference.clone(),
                    });
                }
                out.new_schemas
                    .push((union.clone(), one_of(&variants, at, group)));
                out.notes.push(format!(
                    "{} responses with different bodies ({}) decode into `{union}` by status",
                    group.name(),
                    describe(&bodies)
                ));
                reference(&union)
            }
        };
        if none && group == Group::Success {
            schema = optional(schema);
            out.notes.push(format!(
                "success responses mix a body with no body ({}): the body is optional",
                describe(&bodies)
            ));
        }
        if raw {
            out.notes.push(format!(
                "error responses mix JSON with non-JSON bodies ({}): the non-JSON ones are decoded without their body",
                describe(&bodies)
            ));
        }
        for (code, r) in responses.responses.iter_mut() {
            if !group.contains(code) {
                continue;
            }
            let ReferenceOr::Item(r) = r else { continue };
            r.content.clear();
            r.content.insert(
                "application/json".to_string(),
                MediaType {
                    schema: Some(schema.clone()),
                    ..MediaType::default()
                },
            );
        }
    }
    unshadow(responses, &mut out);
    Ok(out)
}

/// progenitor matches statuses in the order of their value, a range `4XX`
/// counting as 400, so `4XX` comes before `404` and `429`: their arms are
/// unreachable (a warning) and the range's decodes them. After the rewrite
/// above every status of a group has the same body type, so the explicit
/// codes a range covers are dropped: the range's arm decodes them with that
/// type. Their union arms go, and so does the range's, since it now decodes
/// the bodies of several variants (an untagged union tries each).
fn unshadow(responses: &mut openapiv3::Responses, out: &mut ResponsesOutcome) {
    let ranges: Vec<u16> = responses
        .responses
        .keys()
        .filter_map(|c| match c {
            StatusCode::Range(r) => Some(*r),
            StatusCode::Code(_) => None,
        })
        .collect();
    for range in ranges {
        let shadowed: Vec<StatusCode> = responses
            .responses
            .keys()
            .filter(|c| matches!(c, StatusCode::Code(n) if n / 100 == range))
            .cloned()
            .collect();
        if shadowed.is_empty() {
            continue;
        }
        let range_code = StatusCode::Range(range);
        let union_covers = out
            .union_arms
            .iter()
            .any(|a| shadowed.contains(&a.status) || a.status == range_code);
        for code in &shadowed {
            responses.responses.shift_remove(code);
        }
        let gone = |status: &StatusCode| {
            shadowed.contains(status) || (union_covers && *status == range_code)
        };
        out.union_arms.retain(|a| !gone(&a.status));
        out.bodiless.retain(|b| !shadowed.contains(&b.status));
        out.notes.push(format!(
            "{} would be shadowed by {range_code} in progenitor's match (a range sorts as {range}00): decoded by the {range_code} arm",
            shadowed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// A `default` response beside explicit 2xx ones is what the client gets
/// for every other status: an error. Spelled as `4XX`/`5XX` ranges,
/// progenitor decodes it as one.
fn split_default(responses: &mut openapiv3::Responses, notes: &mut Vec<String>) {
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
    let mut added = Vec::new();
    for range in [4, 5] {
        let code = StatusCode::Range(range);
        let explicit = responses.responses.keys().any(|c| match c {
            StatusCode::Code(n) => n / 100 == range,
            StatusCode::Range(r) => *r == range,
        });
        if !explicit {
            responses.responses.insert(code.clone(), default.clone());
            added.push(code.to_string());
        }
    }
    notes.push(format!(
        "`default` beside success responses is the error for other statuses: {}",
        if added.is_empty() {
            "every error status is explicit, dropped".to_string()
        } else {
            format!("now {}", added.join(", "))
        }
    ));
}

fn body_of(r: &Response) -> Body {
    match r.content.iter().next() {
        None => Body::None,
        Some((m, mt)) if m == "application/json" => match &mt.schema {
            Some(s) => Body::Json(Box::new(s.clone())),
            None => Body::Raw,
        },
        Some(_) => Body::Raw,
    }
}

fn first_raw_media(responses: &openapiv3::Responses, group: Group) -> Option<String> {
    responses.responses.iter().find_map(|(code, r)| match r {
        ReferenceOr::Item(r) if group.contains(code) => {
            r.content.keys().find(|m| *m != "application/json").cloned()
        }
        _ => None,
    })
}

fn describe(bodies: &BTreeMap<StatusCode, Body>) -> String {
    bodies
        .iter()
        .map(|(code, body)| {
            let what = match body {
                Body::None => "no body".to_string(),
                Body::Raw => "a non-JSON body".to_string(),
                Body::Json(schema) => match schema.as_ref() {
                    ReferenceOr::Reference { reference } => reference.clone(),
                    ReferenceOr::Item(_) => "an inline schema".to_string(),
                },
            };
            format!("{code} -> {what}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn one_of(variants: &[ReferenceOr<Schema>], op: &OperationRef, group: Group) -> Schema {
    Schema {
        schema_data: SchemaData {
            description: Some(format!(
                "The {} body of {op}: which one depends on the status (see `ResponseValue::status`).",
                group.name()
            )),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::OneOf {
            one_of: variants.to_vec(),
        },
    }
}

/// `T` or JSON null: typify makes it `Option<T>`.
fn optional(schema: ReferenceOr<Schema>) -> ReferenceOr<Schema> {
    let null = Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(openapiv3::AnySchema {
            enumeration: vec![serde_json::Value::Null],
            ..openapiv3::AnySchema::default()
        }),
    };
    ReferenceOr::Item(Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::OneOf {
            one_of: vec![schema, ReferenceOr::Item(null)],
        },
    })
}

fn any() -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(openapiv3::AnySchema::default()),
    }
}

fn reference(name: &str) -> ReferenceOr<Schema> {
    ReferenceOr::Reference {
        reference: format!("#/components/schemas/{name}"),
    }
}

fn code_name(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}xx"),
    }
}

/// `base`, or `base2`, `base3`... whichever is not a component name yet
/// (also after Rust naming); reserves it.
pub(super) fn fresh(taken: &mut std::collections::BTreeSet<String>, base: &str) -> String {
    let candidate = crate::names::unique(base, "", |c| {
        !taken.contains(c) && !taken.contains(&crate::names::type_name(c))
    });
    taken.insert(candidate.clone());
    taken.insert(crate::names::type_name(&candidate));
    candidate
}

/// `update_organization` -> `UpdateOrganization`, as the union names have
/// always been spelled.
pub(super) fn pascal(snake: &str) -> String {
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
