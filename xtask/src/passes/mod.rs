//! Post-processing of progenitor's output: what its extension points cannot
//! do, done on the syntax tree.
//!
//! progenitor's settings already carry the runtime (`with_inner_type`,
//! `with_hooks`); these passes do the rest, each in its own module (but for
//! two small ones in this file: recording the synthesised unions for
//! [`sends`], and the allows that keep a crate free of warnings):
//!
//! - [`enums`]: string enums get `Unknown(String)`, so a value the vendor
//!   adds later still deserializes;
//! - [`lists`]: optional arrays become `Option<Vec<_>>`, so `[]` can be sent
//!   to clear a list;
//! - [`path_lists`]: list path parameters are encoded as comma-joined items;
//! - [`sends`]: every operation returns the runtime's `ApiError`, and sends
//!   no `api-version` header;
//! - [`methods`]: `OPTIONS` and `TRACE` requests are built with
//!   `request(Method::.., url)` (reqwest has no shorthand for them);
//! - [`deprecate`]: deprecated operations are `#[deprecated]`;
//! - [`wiring`]: the per-operation facts table and the `ClientHooks` impl
//!   that hands every request to the runtime;
//! - [`features`]: one cargo feature per tag, gating each operation and
//!   what only it needs ([`reach`] finds that).
//!
//! Each is a [`Pass`] (learn, then rewrite), and [`PASSES`] is their one
//! ordered list: the pipeline runs it item by item on every core.
//!
//! A pass matches shapes (paths, literals, attributes; see [`syntax`]),
//! never token text. One that meets a shape it does not know leaves that
//! code as progenitor made it and says so in the [`PassReport`]: it never fails
//! the crate.

pub mod deprecate;
pub mod enums;
pub mod features;
pub mod lists;
pub mod methods;
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
use syn::{Fields, Item};

use crate::normalise::Normalised;
use crate::spec::{self, Method, resolve};
use wiring::Documented;

/// The passes that act per operation, for the [`PassReport`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationPass {
    /// [`sends`]: the runtime's error type.
    Errors,
    /// [`sends`]: no `api-version` header.
    ApiVersion,
    /// [`deprecate`].
    Deprecate,
    /// [`path_lists`].
    PathLists,
}

impl fmt::Display for OperationPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OperationPass::Errors => "errors",
            OperationPass::ApiVersion => "api-version",
            OperationPass::Deprecate => "deprecate",
            OperationPass::PathLists => "path-lists",
        })
    }
}

/// What a pass did to one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassOutcome {
    /// Rewritten as the pass intends.
    Transformed,
    /// Left as progenitor made it, for this reason.
    Reported(String),
}

/// What the passes did, per operation (by progenitor's name for it).
#[derive(Clone, Debug, Default)]
pub struct PassReport {
    /// Every outcome of every per-operation pass.
    pub operations: BTreeMap<String, BTreeMap<OperationPass, PassOutcome>>,
    /// Problems that concern no single operation (a union type not found).
    pub notes: Vec<String>,
    /// The crate's cargo features, each with the tag it stands for.
    pub features: BTreeMap<String, String>,
}

impl PassReport {
    /// Records what `pass` did to operation `id`.
    pub fn record(&mut self, id: &str, pass: OperationPass, outcome: PassOutcome) {
        self.operations
            .entry(id.to_string())
            .or_default()
            .insert(pass, outcome);
    }

    /// Adds what another part of the file's passes did.
    pub fn merge(&mut self, other: PassReport) {
        for (id, passes) in other.operations {
            self.operations.entry(id).or_default().extend(passes);
        }
        self.notes.extend(other.notes);
    }

    /// Every operation a pass left alone: `(operation, pass, reason)`.
    pub fn unhandled(&self) -> Vec<(&str, OperationPass, &str)> {
        self.operations
            .iter()
            .flat_map(|(id, passes)| {
                passes
                    .iter()
                    .filter_map(move |(pass, outcome)| match outcome {
                        PassOutcome::Reported(reason) => {
                            Some((id.as_str(), *pass, reason.as_str()))
                        }
                        PassOutcome::Transformed => None,
                    })
            })
            .collect()
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
    /// The form a body is sent as (kind and fields), when it is one.
    pub form: Option<crate::normalise::Form>,
    /// The operation's tags, as the spec gives them.
    pub tags: Vec<String>,
}

/// The facts of every operation of `openapi`, by progenitor's method name.
pub fn operation_facts(
    openapi: &OpenAPI,
    normalised: &Normalised,
) -> BTreeMap<String, OperationFacts> {
    let mut out = BTreeMap::new();
    for o in spec::operations(openapi) {
        let Some(id) = o.id() else { continue };
        let (method, operation) = (o.method, o.op);
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
        out.insert(
            crate::names::method_name(id),
            OperationFacts {
                method,
                path: o.path.to_string(),
                deprecated: operation.deprecated,
                docs: operation.external_docs.as_ref().map(|d| d.url.clone()),
                idempotent,
                documented,
                content_type: media.and_then(|m| m.content_type.clone()),
                accept: media.and_then(|m| m.accept.clone()),
                list_path_params: list_path_params(openapi, o.parameters()),
                form: normalised.forms.get(id).cloned(),
                tags: operation.tags.clone(),
            },
        );
    }
    out
}

/// The Rust names of the path parameters among `parameters` whose schema
/// is an array (references followed).
fn list_path_params<'a>(
    openapi: &OpenAPI,
    parameters: impl Iterator<Item = &'a ReferenceOr<Parameter>>,
) -> Vec<String> {
    let components = openapi.components.as_ref();
    let mut out = Vec::new();
    for parameter in parameters {
        let Some(Parameter::Path { parameter_data, .. }) = resolve::item(components, parameter)
        else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
            continue;
        };
        if let Some(s) = resolve::item(components, schema)
            && matches!(s.schema_kind, SchemaKind::Type(openapiv3::Type::Array(_)))
        {
            out.push(crate::names::method_name(&parameter_data.name));
        }
    }
    out
}

/// Where an item of progenitor's output sits: each pass acts on items of
/// certain places only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file's top level (`impl Client`, the hooks, ...).
    Top,
    /// typify's `types` module (types and their impls).
    Types,
    /// `types::builder` (typify's struct builders).
    TypesBuilder,
    /// `types::defaults` (default values).
    TypesDefaults,
    /// progenitor's `builder` module (operation builders and their `send`).
    Builder,
    /// Anywhere else (`types::error`, `prelude`, ...).
    Elsewhere,
}

impl Place {
    /// The place of an item inside the modules `path` (outermost first).
    pub fn of(path: &[String]) -> Place {
        match path {
            [] => Place::Top,
            [types] if types == "types" => Place::Types,
            [types, builder] if types == "types" && builder == "builder" => Place::TypesBuilder,
            [types, defaults] if types == "types" && defaults == "defaults" => Place::TypesDefaults,
            [builder] if builder == "builder" => Place::Builder,
            _ => Place::Elsewhere,
        }
    }
}

/// What the first phase learns from the items, for the second: plain data,
/// so that items processed on different threads can share it.
#[derive(Clone, Debug, Default)]
pub struct Learnt {
    /// Opened enums and the name of their catch-all variant.
    pub opened: BTreeMap<String, String>,
    /// Struct fields made `Option<Vec<_>>`.
    pub changed: lists::Changed,
    /// Candidate union enums: name and `(variant, payload type)` pairs.
    pub unions: Vec<(String, Vec<(String, String)>)>,
    /// Structs and enums in `types`.
    pub types: usize,
    /// What the items tell of what needs what (only for a crate with
    /// features).
    pub parts: Vec<reach::Part>,
}

impl Learnt {
    /// Adds what another part of the file taught.
    pub fn merge(&mut self, mut other: Learnt) {
        if self.parts.is_empty() {
            std::mem::swap(&mut self.parts, &mut other.parts);
        } else {
            self.parts.append(&mut other.parts);
        }
        self.opened.extend(other.opened);
        self.changed.extend(other.changed);
        self.unions.extend(other.unions);
        self.types += other.types;
    }
}

/// Everything the passes need besides an item: the facts of the spec, and
/// (after [`Plan::learnt`]) what the first phase learnt from the file.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The facts of every operation, by progenitor's method name.
    pub facts: BTreeMap<String, OperationFacts>,
    /// Each operation's constant in the `operations` module.
    pub consts: BTreeMap<String, String>,
    /// `(method, status)` to `(union enum, variant)` its body decodes into.
    pub unions: BTreeMap<(String, StatusCode), (String, String)>,
    /// Statuses whose body is not decoded.
    pub bodiless: Vec<crate::normalise::Bodiless>,
    /// What the first phase learnt.
    pub learnt: Learnt,
    /// The API's title, for deprecation notes.
    pub title: String,
    /// One cargo feature per tag (none for a crate with fewer than two).
    pub features: features::Features,
    /// What each item gets of the features (after [`Plan::learnt`]).
    pub gates: features::Gates,
    /// Whether any operation has a list path parameter (most specs have
    /// none, and then nothing is looked for).
    lists_in_paths: bool,
    /// The synthesised unions' names, as normalisation gave them.
    union_arms: Vec<crate::normalise::UnionArm>,
}

impl Plan {
    /// The spec's part of the plan.
    pub fn new(openapi: &OpenAPI, normalised: &Normalised) -> Plan {
        let facts = operation_facts(openapi, normalised);
        let consts = sends::constant_names(facts.keys().map(String::as_str));
        let lists_in_paths = facts.values().any(|f| !f.list_path_params.is_empty());
        let features = features::Features::new(&facts);
        Plan {
            features,
            gates: features::Gates::default(),
            lists_in_paths,
            facts,
            consts,
            unions: BTreeMap::new(),
            bodiless: normalised.bodiless.clone(),
            learnt: Learnt::default(),
            title: openapi.info.title.clone(),
            union_arms: normalised.union_arms.clone(),
        }
    }

    /// Completes the plan with what the first phase learnt: in particular,
    /// which variant of typify's union enum holds each status's schema.
    /// typify names variants after their payload types but prunes common
    /// prefixes, so the variant is found by its payload type, not its name.
    pub fn learnt(&mut self, learnt: Learnt, report: &mut PassReport) {
        for arm in &self.union_arms {
            let union = learnt
                .unions
                .iter()
                .find(|(name, _)| loose(name) == loose(&arm.union));
            let Some((union, variants)) = union else {
                report
                    .notes
                    .push(format!("no enum generated for the union `{}`", arm.union));
                continue;
            };
            let schema = arm.schema.rsplit('/').next().unwrap_or_default();
            let Some((variant, _)) = variants.iter().find(|(_, ty)| loose(ty) == loose(schema))
            else {
                report.notes.push(format!(
                    "no variant of `{union}` holds `{schema}`: status {} of `{}` decodes without it",
                    arm.status, arm.method
                ));
                continue;
            };
            self.unions.insert(
                (arm.method.clone(), arm.status.clone()),
                (union.clone(), variant.clone()),
            );
        }
        if self.features.enabled() {
            let ids = self.facts.keys().cloned().collect();
            self.gates = features::gates(&self.features, &learnt.parts, &ids);
        }
        self.learnt = learnt;
        self.learnt.parts = Vec::new();
    }
}

/// One post-processing pass, in the two phases every item goes through:
/// what it can do and learn knowing the item alone, then, once every item
/// has been learnt from (on every worker), what needs the whole file.
pub trait Pass: Sync {
    /// Phase one, for one item.
    fn learn(&self, _item: &mut Item, _place: Place, _plan: &Plan, _learnt: &mut Learnt) {}
    /// Phase two, for one item, with what every item taught ([`Plan::learnt`]).
    fn rewrite(&self, _item: &mut Item, _place: Place, _plan: &Plan, _report: &mut PassReport) {}
}

/// Every pass, in the order each item goes through them in both phases.
pub const PASSES: &[&dyn Pass] = &[
    &FeatureGates,
    &Unions,
    &OpenEnums,
    &ClearableLists,
    &Hygiene,
    &PathLists,
    &Methods,
    &Sends,
    &Deprecations,
];

/// Phase one, for one item: every pass's [`Pass::learn`].
pub fn learn(item: &mut Item, place: Place, plan: &Plan) -> Learnt {
    let mut learnt = Learnt::default();
    if place == Place::Types && matches!(item, Item::Enum(_) | Item::Struct(_)) {
        learnt.types += 1;
    }
    for pass in PASSES {
        pass.learn(item, place, plan, &mut learnt);
    }
    learnt
}

/// Phase two, for one item: every pass's [`Pass::rewrite`].
pub fn rewrite(item: &mut Item, place: Place, plan: &Plan, report: &mut PassReport) {
    for pass in PASSES {
        pass.rewrite(item, place, plan, report);
    }
}

/// [`features`]: what each item needs, then its `#[cfg(..)]`.
struct FeatureGates;

impl Pass for FeatureGates {
    fn learn(&self, item: &mut Item, place: Place, plan: &Plan, learnt: &mut Learnt) {
        if plan.features.enabled() {
            learnt.parts = features::learn(item, place);
        }
    }

    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, _: &mut PassReport) {
        if plan.features.enabled() {
            features::rewrite(item, place, &plan.gates);
        }
    }
}

/// The union enums normalisation synthesised, with their variants' payload
/// types, for [`sends`] to decode each status into its variant: recorded
/// before any other pass changes them.
struct Unions;

impl Pass for Unions {
    fn learn(&self, item: &mut Item, place: Place, plan: &Plan, learnt: &mut Learnt) {
        let Item::Enum(e) = item else { return };
        if place != Place::Types
            || !plan
                .union_arms
                .iter()
                .any(|arm| loose(&arm.union) == loose(&e.ident.to_string()))
        {
            return;
        }
        let variants = e
            .variants
            .iter()
            .filter_map(|v| match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => f
                    .unnamed
                    .first()
                    .and_then(|field| syntax::type_ident(&field.ty))
                    .map(|ty| (v.ident.to_string(), ty.to_string())),
                _ => None,
            })
            .collect();
        learnt.unions.push((e.ident.to_string(), variants));
    }
}

/// [`enums`]: string enums get their catch-all variant, then a `Display`
/// that knows it.
struct OpenEnums;

impl Pass for OpenEnums {
    fn learn(&self, item: &mut Item, place: Place, _: &Plan, learnt: &mut Learnt) {
        if place == Place::Types {
            learnt.opened.extend(enums::open(item));
        }
    }

    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, _: &mut PassReport) {
        if place == Place::Types {
            enums::display(item, &plan.learnt.opened);
        }
    }
}

/// [`lists`]: optional arrays become `Option<Vec<_>>`, and the builders and
/// defaults that fill them follow.
struct ClearableLists;

impl Pass for ClearableLists {
    fn learn(&self, item: &mut Item, place: Place, _: &Plan, learnt: &mut Learnt) {
        if place == Place::Types && matches!(item, Item::Struct(_)) {
            learnt.changed = lists::fields(item);
        }
    }

    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, _: &mut PassReport) {
        match place {
            Place::TypesBuilder => lists::builder(item, &plan.learnt.changed),
            Place::TypesDefaults => lists::defaults(item, &plan.learnt.changed),
            _ => {}
        }
    }
}

/// The allows that keep a crate free of warnings about code progenitor and
/// typify write without needing it.
struct Hygiene;

impl Pass for Hygiene {
    fn rewrite(&self, item: &mut Item, place: Place, _: &Plan, _: &mut PassReport) {
        match place {
            Place::TypesDefaults => allow_dead_default(item),
            Place::Builder => allow_unused_types_import(item),
            _ => {}
        }
    }
}

/// [`path_lists`], for the crates that have list path parameters at all.
struct PathLists;

impl Pass for PathLists {
    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, report: &mut PassReport) {
        if plan.lists_in_paths && matches!(place, Place::Top | Place::Builder) {
            path_lists::rewrite(item, &plan.facts, report);
        }
    }
}

/// [`methods`].
struct Methods;

impl Pass for Methods {
    fn rewrite(&self, item: &mut Item, place: Place, _: &Plan, _: &mut PassReport) {
        if matches!(place, Place::Top | Place::Builder) {
            methods::rewrite(item);
        }
    }
}

/// [`sends`].
struct Sends;

impl Pass for Sends {
    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, report: &mut PassReport) {
        if matches!(place, Place::Top | Place::Builder) {
            sends::rewrite(item, plan, report);
        }
    }
}

/// [`deprecate`].
struct Deprecations;

impl Pass for Deprecations {
    fn rewrite(&self, item: &mut Item, place: Place, plan: &Plan, report: &mut PassReport) {
        if place == Place::Top {
            deprecate::mark(item, &plan.facts, &plan.title, report);
        }
    }
}

/// progenitor's `builder` module imports `super::types` whether or not a
/// builder names a type (an API whose operations take and return no
/// schema, such as a tiny spec, uses none): the import gets the
/// `#[allow(unused_imports)]` progenitor already puts on the module's other
/// imports, so such a crate builds without a warning.
fn allow_unused_types_import(item: &mut Item) {
    let Item::Use(use_item) = item else { return };
    let syn::UseTree::Path(path) = &use_item.tree else {
        return;
    };
    let names_types = path.ident == "super"
        && matches!(&*path.tree, syn::UseTree::Name(name) if name.ident == "types");
    let allowed = use_item.attrs.iter().any(|a| a.path().is_ident("allow"));
    if names_types && !allowed {
        use_item
            .attrs
            .push(syn::parse_quote!(#[allow(unused_imports)]));
    }
}

/// typify writes its shared helpers of `types::defaults` (`default_i64::<T,
/// V>()`, ...) when a conversion asks for one, and keeps them when that
/// conversion is then abandoned for another (an `anyOf` tried as a `oneOf`
/// first): a helper nothing calls, a `dead_code` warning in a crate that is
/// otherwise clean. The defaults module's functions get the allow, as
/// progenitor puts `unused_imports` allows on its own helpers.
fn allow_dead_default(item: &mut Item) {
    let Item::Fn(f) = item else { return };
    if !f.attrs.iter().any(|a| a.path().is_ident("allow")) {
        f.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    }
}

/// After every item: the checks that need them all.
pub fn finish(plan: &Plan, report: &mut PassReport) {
    report.features = plan.features.table();
    deprecate::unmarked(&plan.facts, report);
    for id in plan.facts.keys() {
        if !report
            .operations
            .get(id)
            .is_some_and(|p| p.contains_key(&OperationPass::Errors))
        {
            report.record(
                id,
                OperationPass::Errors,
                PassOutcome::Reported("progenitor generated no request code for it".to_string()),
            );
        }
    }
}

/// Calls `f` on every item of `items` that is not an inline module, with
/// its place; descends into inline modules.
pub fn each_item(items: &mut [Item], path: &mut Vec<String>, f: &mut dyn FnMut(&mut Item, Place)) {
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && let Some((_, inner)) = &mut m.content
        {
            path.push(m.ident.to_string());
            each_item(inner, path, f);
            path.pop();
        } else {
            f(item, Place::of(path));
        }
    }
}

/// Lower-case letters and digits only, to compare schema and Rust names.
fn loose(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
