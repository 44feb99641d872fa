//! The normalisation pass that runs before progenitor.
//!
//! progenitor 0.15 (and typify under it) takes a narrow dialect of OpenAPI
//! 3.0; real vendor specs step outside it in many small ways, and most of
//! them cost the whole document (a panic or an error while reading it).
//! This pass rewrites the document, in memory only (the spec file keeps
//! what the vendor wrote), into that dialect without changing what goes
//! over the wire. Each rule is one submodule:
//!
//! | rule | module | what progenitor gets | what keeps the wire |
//! |---|---|---|---|
//! | operationIds | [`ids`] | one distinct id per operation | ids are not sent |
//! | deep references | [`refs`] | named component schemas | same schema |
//! | component keys of one Rust name | [`components`] | distinct keys | keys are not sent |
//! | a component inside itself through `allOf` | [`cycles`] | the parent without its `oneOf` | the child is one of them |
//! | `type: null` and unknown types | [`nulls`] | 3.0 spellings | same JSON accepted |
//! | a `format` on objects, arrays, booleans | [`formats`] | the plain type | formats annotate only |
//! | a scalar type beside `allOf` | [`mixed`] | one of the two | the stricter one |
//! | a `pattern` the regex engine refuses | [`patterns`] | no pattern | it only narrowed |
//! | colliding enum names | [`enums`] | a plain string | same values |
//! | `anyOf` of any string and enum strings | [`unions`] | a plain string | same strings |
//! | defaults and enum values that do not fit, zero bounds | [`defaults`] | no default, no bound; any JSON | no value was valid; 0 bounds nothing; whatever is sent is read |
//! | parameters | [`params`] | sendable parameters | only optional ones dropped; unexploded arrays as joined strings |
//! | request bodies | [`bodies`] | one media type progenitor sends | [`Media::content_type`], [`Form`] |
//! | responses | [`responses`] | one type per group | [`Media::accept`], [`UnionArm`], [`Bodiless`] |
//! | colliding Rust names | [`names`] | distinct fields and types | optional duplicates dropped, titles |
//!
//! Whatever an operation needs that no rule can give, that operation is
//! removed from the document and listed in [`Normalised::skipped`] with
//! the reason; the rest of the API generates. Nothing here fails the whole
//! document or panics.
//!
//! What the generated code needs to behave as the vendor documents (the
//! media types to send, the status that picks a union variant, statuses
//! without a body, multipart forms) is recorded in [`Normalised`] for the
//! post-processing and the runtime.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, StatusCode};

use crate::spec::{self, OperationRef, resolve};

mod bodies;
mod components;
mod cycles;
mod defaults;
mod enums;
mod formats;
mod ids;
pub mod media;
mod mixed;
mod names;
mod nulls;
mod params;
mod patterns;
mod refs;
mod responses;
mod shapes;
mod unions;
pub(crate) mod walk;

pub use bodies::{Form, FormField, FormKind, FormStyle};
pub use enums::OpenedEnum;
pub use shapes::{ResponseBody, check_shapes, response_body};

/// One status of one operation that decodes into one variant of a
/// synthesised union type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionArm {
    /// progenitor's method name for the operation.
    pub method: String,
    /// The status (or status range, `4XX`) as the spec gives it.
    pub status: StatusCode,
    /// The synthesised union's component name.
    pub union: String,
    /// The component schema this status's body has (a variant's payload),
    /// as a reference: `#/components/schemas/Name`.
    pub schema: String,
}

/// A status whose response has no body (or one that is not decoded)
/// although the operation's type for its group has one: the generated
/// code must not parse a body there. For a success the type is an
/// `Option` and this status gives `None`; for an error, the error carries
/// no body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bodiless {
    /// progenitor's method name for the operation.
    pub method: String,
    /// The status (or range) as the spec gives it.
    pub status: StatusCode,
}

/// An operation removed from the document because progenitor cannot
/// generate it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The operation, as the spec gives it.
    pub operation: OperationRef,
    /// Why, in a sentence that names what the spec does.
    pub reason: String,
}

/// A component schema the generator cannot take as the spec gives it,
/// degraded where it stands: the wire is the same, and the rest of the API
/// keeps its types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Degraded {
    /// The component schema's name.
    pub schema: String,
    /// How far it was degraded.
    pub to: Degradation,
    /// Why: the generator's message with this schema in place.
    pub reason: String,
}

/// The steps a component schema is degraded in, mildest first: each is
/// tried only when the one before did not let the document generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Degradation {
    /// Its `default`s are dropped ([`crate::pipeline::isolate::without_defaults`]): typify
    /// checks each default against the type it makes and refuses the
    /// schema when it cannot (a default on an `anyOf`, for one). Defaults
    /// are the server's to apply, so requests and responses stay the same;
    /// a field the server leaves out is `None` rather than the default.
    NoDefaults,
    /// It is any JSON value, `serde_json::Value` ([`crate::pipeline::isolate::neutralise`]).
    AnyJson,
}

impl std::fmt::Display for Degradation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Degradation::NoDefaults => "without its defaults",
            Degradation::AnyJson => "to any JSON value",
        })
    }
}

/// The media types an operation must send, where they are not plain
/// `application/json`. progenitor is told `application/json` (or
/// `application/octet-stream`, `text/plain`) so that it generates the
/// operation; the runtime sets these headers from a table generated from
/// [`Normalised::media`] (progenitor's `ClientHooks::pre`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Media {
    /// The request's `Content-Type` as the vendor documents it
    /// (`application/vnd.atlas.2023-01-01+json`, `text/csv`,
    /// `multipart/form-data`...), when it is not what progenitor sends.
    pub content_type: Option<String>,
    /// The `Accept` to send: the media types of the success responses
    /// (comma-separated when several), when they are not `application/json`.
    pub accept: Option<String>,
}

/// Which rule made a [`Rewrite`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RewriteRule {
    /// An operationId was added or renamed ([`ids`]).
    OperationId,
    /// A deep reference was hoisted to a component schema ([`refs`]).
    HoistedRef,
    /// An `allOf` cycle through a parent's `oneOf` was broken ([`cycles`]).
    Cycle,
    /// A reference that points at nothing became an empty schema ([`refs`]).
    DanglingRef,
    /// `type: null` or an unknown type was mapped ([`nulls`]).
    NullType,
    /// A `format` on a type that has none was dropped ([`formats`]).
    Format,
    /// A `type` beside `allOf` (`oneOf`, `anyOf`) became one of the two ([`mixed`]).
    TypeBesideComposite,
    /// A `pattern` the regex engine refuses was dropped ([`patterns`]).
    Pattern,
    /// A `default` that does not fit its schema, or a bound of 0, was
    /// dropped; enum values not of the schema's type made it any JSON value
    /// ([`defaults`]).
    Default,
    /// Duplicate enum values were removed ([`enums`]).
    EnumNames,
    /// An enum with colliding names became a plain string ([`enums`]).
    OpenedEnum,
    /// An `anyOf` of any string and known strings became a string ([`unions`]).
    OpenUnion,
    /// A property or a type name that would collide in Rust ([`names`]).
    Name,
    /// A parameter was changed, added or dropped ([`params`]).
    Parameter,
    /// A request body was changed ([`bodies`]).
    RequestBody,
    /// Responses were changed ([`responses`]).
    Responses,
}

/// One change the normalisation made, for reports and the crate docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// The rule.
    pub rule: RewriteRule,
    /// Where: a JSON pointer, a reference, or an operation.
    pub at: String,
    /// What it did, in a sentence.
    pub detail: String,
}

/// What normalisation changed: for the post-processing, the runtime and
/// reports.
#[derive(Clone, Debug, Default)]
pub struct Normalised {
    /// Status arms that decode into a variant of a synthesised union.
    pub union_arms: Vec<UnionArm>,
    /// Operations removed from the document, with the reason.
    pub skipped: Vec<Skipped>,
    /// Component schemas degraded (their defaults dropped, or made any
    /// JSON value), with the reason.
    pub degraded: Vec<Degraded>,
    /// Per operationId (the normalised one: the spec's, except those in
    /// `renamed_operations`), the media types the runtime must send.
    pub media: BTreeMap<String, Media>,
    /// Statuses whose body the generated code must not decode.
    pub bodiless: Vec<Bodiless>,
    /// Per operationId, form bodies generated as a typed JSON object: the
    /// runtime encodes the JSON as the vendor's form, `multipart/form-data`
    /// (a part per property) or `application/x-www-form-urlencoded` (nested
    /// fields in brackets, per field style), as [`Form`] says.
    pub forms: BTreeMap<String, Form>,
    /// Enums made plain strings because their Rust names collide.
    pub opened_enums: Vec<OpenedEnum>,
    /// Deep schema references and the component each now points at.
    pub hoisted: BTreeMap<String, String>,
    /// operationIds added or renamed: new id -> the spec's (`None`: none).
    pub renamed_operations: BTreeMap<String, Option<String>>,
    /// Every change, in the order made.
    pub rewrites: Vec<Rewrite>,
}

/// Rewrites `openapi` in place into what progenitor can generate; see the
/// module docs. Never fails and never panics: what cannot be rewritten is
/// a [`Skipped`] operation. The record names places by JSON pointer and
/// operation, which the caller prefixes with the file.
pub fn normalise(openapi: &mut OpenAPI) -> Normalised {
    let mut out = Normalised::default();
    drop_path_refs(openapi, &mut out);
    out.renamed_operations = ids::fix(openapi, &mut out.rewrites);
    out.hoisted = refs::hoist(openapi, &mut out.rewrites);
    components::distinct(openapi, &mut out.rewrites);
    cycles::fix(openapi, &mut out.rewrites);
    nulls::map(openapi, &mut out.rewrites);
    nulls::enum_nulls(openapi, &mut out.rewrites);
    formats::fix(openapi, &mut out.rewrites);
    patterns::fix(openapi, &mut out.rewrites);
    mixed::fix(openapi, &mut out.rewrites);
    unions::fix(openapi, &mut out.rewrites);
    nulls::split_nullable_composites(openapi, &mut out.rewrites);
    enums::fix(openapi, &mut out.rewrites, &mut out.opened_enums);
    defaults::fix(openapi, &mut out.rewrites);
    operations(openapi, &mut out);
    names::fix(openapi, &mut out.rewrites);
    last_resort(openapi, &mut out);
    out
}

/// Adds a paragraph to a description (a schema's or a parameter's): what
/// a rewrite changed that the reader of the generated docs should know.
pub(crate) fn append_note(description: &mut Option<String>, note: &str) {
    *description = Some(match description.take() {
        Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
        _ => note.to_string(),
    });
}

/// A document of these component schemas and no paths, for the rules'
/// unit tests.
#[cfg(test)]
pub(crate) fn test_document(schemas: serde_json::Value) -> OpenAPI {
    serde_json::from_value(serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas}
    }))
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// A component schema given in place, for the rules' unit tests.
#[cfg(test)]
pub(crate) fn test_component(doc: &OpenAPI, name: &str) -> Schema {
    match doc.components.as_ref().and_then(|c| c.schemas.get(name)) {
        Some(ReferenceOr::Item(s)) => s.clone(),
        _ => panic!("no component schema `{name}` given in place"),
    }
}

/// progenitor refuses a document with a path item given as a `$ref`; such
/// an item's operations cannot be seen without resolving a file it may not
/// have, so the item goes.
fn drop_path_refs(openapi: &mut OpenAPI, out: &mut Normalised) {
    openapi.paths.paths.retain(|path, item| match item {
        ReferenceOr::Item(_) => true,
        ReferenceOr::Reference { reference } => {
            out.skipped.push(Skipped {
                operation: OperationRef {
                    method: None,
                    path: path.clone(),
                    operation_id: None,
                },
                reason: format!(
                    "the path item is a reference (`{reference}`), which progenitor does not read"
                ),
            });
            false
        }
    });
}

/// Read access to the components while operations are rewritten.
pub(crate) struct Ctx<'a> {
    components: Option<&'a openapiv3::Components>,
}

impl<'a> Ctx<'a> {
    /// A response; a reference to a request body (a slip real specs make)
    /// gives a response with that body's description and content.
    pub(crate) fn response(&self, reference: &str) -> Option<openapiv3::Response> {
        if let Some(r) = resolve::component::<openapiv3::Response>(self.components, reference) {
            return Some(r.clone());
        }
        let body = self.request_body(reference)?;
        Some(openapiv3::Response {
            description: body.description.clone().unwrap_or_default(),
            content: body.content.clone(),
            ..openapiv3::Response::default()
        })
    }

    pub(crate) fn request_body(&self, reference: &str) -> Option<&'a openapiv3::RequestBody> {
        resolve::component(self.components, reference)
    }

    pub(crate) fn parameter(&self, reference: &str) -> Option<&'a openapiv3::Parameter> {
        resolve::component(self.components, reference)
    }

    /// A schema in place, or the component schema a reference names.
    pub(crate) fn schema<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        resolve::item(self.components, schema)
    }
}

/// What one operation's rewrite gives, merged into [`Normalised`] only when
/// the whole operation succeeded.
struct OperationOutcome {
    media: Media,
    form: Option<Form>,
    union_arms: Vec<UnionArm>,
    bodiless: Vec<Bodiless>,
    new_schemas: Vec<(String, Schema)>,
    rewrites: Vec<Rewrite>,
}

fn operations(openapi: &mut OpenAPI, out: &mut Normalised) {
    let OpenAPI {
        paths, components, ..
    } = openapi;
    let ctx = Ctx {
        components: components.as_ref(),
    };
    let mut taken = taken_names(ctx.components);
    let mut new_schemas: Vec<(String, Schema)> = Vec::new();
    for (path, item) in paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let shared = std::mem::take(&mut item.parameters);
        for (method, slot) in spec::slots(item) {
            let Some(op) = slot.as_mut() else { continue };
            let at = OperationRef {
                method: Some(method),
                path: path.clone(),
                operation_id: op.operation_id.clone(),
            };
            match operation(op, &at, &shared, &ctx, &mut taken) {
                Ok(done) => {
                    let id = at.operation_id.clone().unwrap_or_default();
                    if done.media != Media::default() {
                        out.media.insert(id.clone(), done.media);
                    }
                    if let Some(form) = done.form {
                        out.forms.insert(id, form);
                    }
                    out.union_arms.extend(done.union_arms);
                    out.bodiless.extend(done.bodiless);
                    new_schemas.extend(done.new_schemas);
                    out.rewrites.extend(done.rewrites);
                }
                Err(reason) => {
                    *slot = None;
                    out.skipped.push(Skipped {
                        operation: at,
                        reason,
                    });
                }
            }
        }
    }
    let schemas = &mut components.get_or_insert_with(Default::default).schemas;
    for (name, schema) in new_schemas {
        schemas.insert(name, ReferenceOr::Item(schema));
    }
}

/// Rewrites one operation; `Err` is the reason to skip it.
fn operation(
    op: &mut Operation,
    at: &OperationRef,
    shared: &[ReferenceOr<openapiv3::Parameter>],
    ctx: &Ctx<'_>,
    taken: &mut BTreeSet<String>,
) -> Result<OperationOutcome, String> {
    let method = crate::names::method_name(at.operation_id.as_deref().unwrap_or_default());
    let note = |rule: RewriteRule, detail: String| Rewrite {
        rule,
        at: at.to_string(),
        detail,
    };
    let mut rewrites = Vec::new();
    let param_notes = params::rewrite(op, &at.path, shared, ctx)?;
    rewrites.extend(
        param_notes
            .into_iter()
            .map(|d| note(RewriteRule::Parameter, d)),
    );
    let body = bodies::rewrite(op, ctx)?;
    rewrites.extend(
        body.notes
            .into_iter()
            .map(|d| note(RewriteRule::RequestBody, d)),
    );
    let responses = responses::rewrite(op, at, &method, ctx, taken)?;
    rewrites.extend(
        responses
            .notes
            .into_iter()
            .map(|d| note(RewriteRule::Responses, d)),
    );
    Ok(OperationOutcome {
        media: Media {
            content_type: body.content_type,
            accept: responses.accept,
        },
        form: body.form,
        union_arms: responses.union_arms,
        bodiless: responses.bodiless,
        new_schemas: responses.new_schemas,
        rewrites,
    })
}

/// Whatever the rules above left that [`check_shapes`] still refuses is
/// skipped with its message: a last resort, for shapes no rule knows yet.
fn last_resort(openapi: &mut OpenAPI, out: &mut Normalised) {
    let refused: Vec<(OperationRef, String)> = spec::operations(openapi)
        .into_iter()
        .filter_map(|operation| {
            let op = operation.at();
            shapes::check_operation(openapi, &op, operation.op)
                .err()
                .map(|reason| (op, reason))
        })
        .collect();
    for (op, reason) in refused {
        remove_operation(openapi, &op);
        out.skipped.push(Skipped {
            operation: op,
            reason,
        });
    }
}

/// Removes one operation from the document (its path item stays).
pub fn remove_operation(openapi: &mut OpenAPI, op: &OperationRef) {
    let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get_mut(&op.path) else {
        return;
    };
    match op.method {
        Some(method) => *method.slot(item) = None,
        None => *item = openapiv3::PathItem::default(),
    }
}

/// The component schema names, and the Rust type names typify gives them:
/// a schema the normalisation adds must take neither.
pub(crate) fn taken_names(components: Option<&openapiv3::Components>) -> BTreeSet<String> {
    components
        .map(|c| {
            c.schemas
                .keys()
                .flat_map(|k| [k.clone(), crate::names::type_name(k)])
                .collect()
        })
        .unwrap_or_default()
}
