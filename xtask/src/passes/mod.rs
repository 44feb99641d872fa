//! Post-processing of progenitor's output: what its extension points cannot
//! do, done on the syntax tree.
//!
//! progenitor's settings already carry the runtime (`with_inner_type`,
//! `with_hooks`); these passes do the rest, each in its own module:
//!
//! - [`enums`]: string enums get `Unknown(String)`, so a value the vendor
//!   adds later still deserializes;
//! - [`lists`]: optional arrays become `Option<Vec<_>>`, so `[]` can be sent
//!   to clear a list;
//! - [`path_lists`]: list path parameters are encoded as comma-joined items;
//! - [`sends`]: every operation returns the runtime's `ApiError`, and sends
//!   no `api-version` header;
//! - [`deprecate`]: deprecated operations are `#[deprecated]`;
//! - [`wiring`]: the per-operation facts table and the `ClientHooks` impl
//!   that hands every request to the runtime;
//! - [`features`]: one cargo feature per tag, gating each operation and
//!   what only it needs ([`reach`] finds that).
//!
//! A pass matches shapes (paths, literals, attributes; see [`syntax`]),
//! never token text. One that meets a shape it does not know leaves that
//! code as progenitor made it and says so in the [`Report`]: it never fails
//! the crate.

pub mod deprecate;
pub mod enums;
pub mod features;
pub mod lists;
pub mod path_lists;
pub mod reach;
pub mod sends;
pub mod syntax;
pub mod wiring;

use std::collections::BTreeMap;
use std::fmt;

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, StatusCode,
};
use syn::{Fields, Item, parse_quote};

use crate::normalise::Normalised;
use crate::spec;
use wiring::Documented;

/// The passes that act per operation, for the [`Report`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pass {
    /// [`sends`]: the runtime's error type.
    Errors,
    /// [`sends`]: no `api-version` header.
    ApiVersion,
    /// [`deprecate`].
    Deprecate,
    /// [`path_lists`].
    PathLists,
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Pass::Errors => "errors",
            Pass::ApiVersion => "api-version",
            Pass::Deprecate => "deprecate",
            Pass::PathLists => "path-lists",
        })
    }
}

/// What a pass did to one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Rewritten as the pass intends.
    Transformed,
    /// Left as progenitor made it, for this reason.
    Reported(String),
}

/// What the passes did, per operation (by progenitor's name for it).
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every outcome of every per-operation pass.
    pub operations: BTreeMap<String, BTreeMap<Pass, Outcome>>,
    /// Problems that concern no single operation (a union type not found).
    pub notes: Vec<String>,
}

impl Report {
    /// Records what `pass` did to operation `id`.
    pub fn record(&mut self, id: &str, pass: Pass, outcome: Outcome) {
        self.operations
            .entry(id.to_string())
            .or_default()
            .insert(pass, outcome);
    }

    /// Every operation a pass left alone: `(operation, pass, reason)`.
    pub fn unhandled(&self) -> Vec<(&str, Pass, &str)> {
        self.operations
            .iter()
            .flat_map(|(id, passes)| {
                passes
                    .iter()
                    .filter_map(move |(pass, outcome)| match outcome {
                        Outcome::Reported(reason) => Some((id.as_str(), *pass, reason.as_str())),
                        Outcome::Transformed => None,
                    })
            })
            .collect()
    }
}

/// An HTTP method, as the runtime's `Method` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// From an upper-case method name.
    pub fn parse(name: &str) -> Option<Method> {
        Some(match name {
            "GET" => Method::Get,
            "PUT" => Method::Put,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "HEAD" => Method::Head,
            "PATCH" => Method::Patch,
            "TRACE" => Method::Trace,
            _ => return None,
        })
    }

    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The variant name of the runtime's `Method`.
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Put => "Put",
            Method::Post => "Post",
            Method::Delete => "Delete",
            Method::Options => "Options",
            Method::Head => "Head",
            Method::Patch => "Patch",
            Method::Trace => "Trace",
        }
    }

    /// RFC 9110's idempotent methods.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// What the passes and the runtime table know about one operation, from
/// the (normalised) spec.
#[derive(Clone, Debug)]
pub struct OperationFacts {
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: String,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// The documentation page (`externalDocs.url`).
    pub docs: Option<String>,
    /// The method's idempotency, or what `x-idempotent` says.
    pub idempotent: bool,
    /// Every documented status.
    pub documented: Vec<Documented>,
    /// The wire `Content-Type`, when not plain JSON.
    pub content_type: Option<String>,
    /// The wire `Accept`, when not plain JSON.
    pub accept: Option<String>,
    /// Path parameters whose schema is an array, by their Rust names.
    pub list_path_params: Vec<String>,
    /// A multipart body's fields `(name, binary)`, when the body is a form.
    pub form: Option<Vec<(String, bool)>>,
    /// The operation's tags, as the spec gives them.
    pub tags: Vec<String>,
}

/// The facts of every operation of `openapi`, by progenitor's method name.
pub fn operation_facts(
    openapi: &OpenAPI,
    normalised: &Normalised,
) -> BTreeMap<String, OperationFacts> {
    let mut out = BTreeMap::new();
    for (op, operation) in spec::operations(openapi) {
        let (Some(id), Some(method)) = (op.operation_id.as_deref(), Method::parse(&op.method))
        else {
            continue;
        };
        let idempotent = operation
            .extensions
            .get("x-idempotent")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(method.is_idempotent());
        let responses = &operation.responses;
        let documented = responses
            .responses
            .keys()
            .map(|code| match code {
                StatusCode::Code(c) => Documented::Code(*c),
                StatusCode::Range(r) => Documented::Range(*r),
            })
            .chain(responses.default.iter().map(|_| Documented::Default))
            .collect();
        let media = normalised.media.get(id);
        let path_item = match openapi.paths.paths.get(&op.path) {
            Some(ReferenceOr::Item(item)) => item.parameters.as_slice(),
            _ => &[],
        };
        out.insert(
            crate::names::method_name(id),
            OperationFacts {
                method,
                path: op.path.clone(),
                deprecated: operation.deprecated,
                docs: operation.external_docs.as_ref().map(|d| d.url.clone()),
                idempotent,
                documented,
                content_type: media.and_then(|m| m.content_type.clone()),
                accept: media.and_then(|m| m.accept.clone()),
                list_path_params: list_path_params(
                    openapi,
                    path_item.iter().chain(&operation.parameters),
                ),
                form: normalised.forms.get(id).map(|form| {
                    form.fields
                        .iter()
                        .map(|f| (f.name.clone(), f.binary))
                        .collect()
                }),
                tags: operation.tags.clone(),
            },
        );
    }
    out
}

/// The Rust names of the path parameters among `parameters` whose schema
/// is an array (references followed, a bounded number of hops).
fn list_path_params<'a>(
    openapi: &OpenAPI,
    parameters: impl Iterator<Item = &'a ReferenceOr<Parameter>>,
) -> Vec<String> {
    let components = openapi.components.as_ref();
    let mut out = Vec::new();
    for parameter in parameters {
        let mut parameter = parameter;
        for _ in 0..8 {
            let ReferenceOr::Reference { reference } = parameter else {
                break;
            };
            let Some(next) = reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components?.parameters.get(name))
            else {
                break;
            };
            parameter = next;
        }
        let ReferenceOr::Item(Parameter::Path { parameter_data, .. }) = parameter else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
            continue;
        };
        let mut schema = schema;
        for _ in 0..8 {
            let ReferenceOr::Reference { reference } = schema else {
                break;
            };
            let Some(next) = reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components?.schemas.get(name))
            else {
                break;
            };
            schema = next;
        }
        if let ReferenceOr::Item(s) = schema
            && matches!(s.schema_kind, SchemaKind::Type(openapiv3::Type::Array(_)))
        {
            out.push(crate::names::method_name(&parameter_data.name));
        }
    }
    out
}

/// `(method, status)` to the union variant that status's body decodes into.
pub type UnionVariants = BTreeMap<(String, StatusCode), syn::Path>;

/// Applies every pass to progenitor's output for `openapi` (the normalised
/// document it was generated from).
pub fn apply(file: &mut syn::File, openapi: &OpenAPI, normalised: &Normalised) -> Report {
    let mut report = Report::default();
    let facts = operation_facts(openapi, normalised);
    let consts = sends::constant_names(facts.keys().map(String::as_str));
    let mut unions = UnionVariants::new();
    if let Some(types) = syntax::module_items(&mut file.items, "types") {
        // Before the passes below change `types`: the unions are data
        // enums, which they leave alone.
        unions = union_variants(types, normalised, &mut report);
        enums::open(types);
        lists::make_clearable(types);
    } else {
        report
            .notes
            .push("progenitor's output has no `types` module".to_string());
    }
    path_lists::rewrite(file, &facts, &mut report);
    sends::rewrite(file, &consts, &unions, &normalised.bodiless, &mut report);
    deprecate::mark(file, &facts, &openapi.info.title, &mut report);
    wiring::wire(file, &facts, &consts);
    features::gate(file, &facts, &consts, &mut report.notes);
    for id in facts.keys() {
        if !report
            .operations
            .get(id)
            .is_some_and(|p| p.contains_key(&Pass::Errors))
        {
            report.record(
                id,
                Pass::Errors,
                Outcome::Reported("progenitor generated no request code for it".to_string()),
            );
        }
    }
    report
}

/// Finds, for each status normalisation mapped to a union, the variant of
/// typify's enum that holds that status's schema. typify names variants
/// after their payload types but prunes common prefixes, so the variant is
/// found by its payload type, not by its name.
fn union_variants(types: &[Item], normalised: &Normalised, report: &mut Report) -> UnionVariants {
    let mut out = UnionVariants::new();
    for arm in &normalised.union_arms {
        let union = types.iter().find_map(|item| match item {
            Item::Enum(e) if loose(&e.ident.to_string()) == loose(&arm.union) => Some(e),
            _ => None,
        });
        let Some(union) = union else {
            report
                .notes
                .push(format!("no enum generated for the union `{}`", arm.union));
            continue;
        };
        let schema = arm.schema.rsplit('/').next().unwrap_or_default();
        let variant = union.variants.iter().find(|v| match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => f
                .unnamed
                .first()
                .and_then(|field| syntax::type_ident(&field.ty))
                .is_some_and(|ty| loose(&ty.to_string()) == loose(schema)),
            _ => false,
        });
        let Some(variant) = variant else {
            report.notes.push(format!(
                "no variant of `{}` holds `{schema}`: status {} of `{}` decodes without it",
                union.ident, arm.status, arm.method
            ));
            continue;
        };
        let (union_ident, variant_ident) = (&union.ident, &variant.ident);
        out.insert(
            (arm.method.clone(), arm.status.clone()),
            parse_quote!(types::#union_ident::#variant_ident),
        );
    }
    out
}

/// Lower-case letters and digits only, to compare schema and Rust names.
fn loose(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
