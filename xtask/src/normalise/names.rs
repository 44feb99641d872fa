//! Rust names that would collide in the generated code.
//!
//! Two kinds of collision make code that does not compile (or, worse,
//! decodes one schema with another's type):
//!
//! - **Properties.** typify names a field after its property in snake case,
//!   so `isGlobal` and `is_global` of one object are one field declared
//!   twice. Of such a pair the optional one is dropped (the deprecated one
//!   first); a response that still carries it decodes as before, since
//!   unknown fields are ignored.
//! - **Types.** typify names an inline schema after where it is
//!   (`User` property `role` -> `UserRole`; an operation's inline body
//!   `CreateUserBody`) or after its `title`, and when a name is taken it
//!   silently reuses the first type of that name (or emits both). A schema
//!   whose name would collide with another, different schema gets a `title`
//!   that is free (`UserRole2`); titles are not sent, so the wire is the same.
//!
//! The type names are predicted the way typify 0.8 and progenitor 0.15 make
//! them: `{parent}_{property}`, `{parent}Item`, `{parent}Value`,
//! `{operation}-body`, `{operation}-response`, `{operation}-{parameter}`,
//! a `title` wherever one is given. A prediction for a schema typify does
//! not name only costs a name nobody sees.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase as _;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{Rewrite, RewriteRule};
use crate::names::{type_name, typify_type_name};

/// Drops colliding properties, then titles schemas whose type names collide.
pub(super) fn fix(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    // The field names of each component's properties, for the `allOf`s
    // that merge a component's properties with others.
    let fields: BTreeMap<String, BTreeMap<String, String>> = openapi
        .components
        .as_ref()
        .map(|c| {
            c.schemas
                .keys()
                .map(|k| {
                    let mut out = BTreeMap::new();
                    component_fields(c, k, 0, &mut out);
                    (k.clone(), out)
                })
                .collect()
        })
        .unwrap_or_default();
    super::walk::document(openapi, &mut |node, at| {
        if let super::walk::Visited::Schema(schema) = node {
            properties(schema, &at.pointer(), log);
            merged_properties(schema, &fields, &at.pointer(), log);
        }
    });
    types(openapi, log);
}

/// The Rust field names of a component's properties (through `allOf`),
/// each with the property that has it.
fn component_fields(
    c: &openapiv3::Components,
    name: &str,
    depth: usize,
    out: &mut BTreeMap<String, String>,
) {
    let Some(ReferenceOr::Item(s)) = c.schemas.get(name) else {
        return;
    };
    own_fields(c, s, depth, out);
}

fn own_fields(
    c: &openapiv3::Components,
    s: &Schema,
    depth: usize,
    out: &mut BTreeMap<String, String>,
) {
    let mut add = |keys: indexmap::map::Keys<'_, String, ReferenceOr<Box<Schema>>>| {
        for k in keys {
            out.entry(field_name(k)).or_insert_with(|| k.clone());
        }
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => add(o.properties.keys()),
        SchemaKind::Any(a) => add(a.properties.keys()),
        _ => {}
    }
    if depth >= 4 {
        return;
    }
    for member in all_of(&s.schema_kind) {
        match member {
            ReferenceOr::Item(m) => own_fields(c, m, depth + 1, out),
            ReferenceOr::Reference { reference } => {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    component_fields(c, name, depth + 1, out);
                }
            }
        }
    }
}

/// The members of an `allOf`, however spelt: alone, or beside a `type`
/// (`type: object, required: [..], allOf: [..]`), which typify merges the
/// same way.
fn all_of(kind: &SchemaKind) -> &[ReferenceOr<Schema>] {
    match kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a) => &a.all_of,
        _ => &[],
    }
}

/// typify merges the members of an `allOf` into one struct: a property of
/// an inline member whose field name another member (inline or a
/// component) already has is one field declared twice, unless it is the
/// same property. The later inline one is dropped (a component cannot be
/// changed for one of its users).
fn merged_properties(
    schema: &mut Schema,
    fields: &BTreeMap<String, BTreeMap<String, String>>,
    at: &str,
    log: &mut Vec<Rewrite>,
) {
    let all_of = match &mut schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a) if a.properties.is_empty() => &mut a.all_of,
        _ => return,
    };
    if all_of.len() < 2 {
        return;
    }
    // Field name -> the property name that has it (a component's first,
    // as those cannot be dropped, then the first seen).
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for member in all_of.iter() {
        if let ReferenceOr::Reference { reference } = member
            && let Some(name) = reference.strip_prefix("#/components/schemas/")
        {
            for (field, prop) in fields.get(name).into_iter().flatten() {
                seen.entry(field.clone()).or_insert_with(|| prop.clone());
            }
        }
    }
    for (i, member) in all_of.iter_mut().enumerate() {
        let ReferenceOr::Item(m) = member else {
            continue;
        };
        let (props, required) = match &mut m.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&mut o.properties, &mut o.required),
            SchemaKind::Any(a) => (&mut a.properties, &mut a.required),
            _ => continue,
        };
        let names: Vec<String> = props.keys().cloned().collect();
        for name in names {
            let field = field_name(&name);
            match seen.get(&field) {
                None => {
                    seen.insert(field, name);
                }
                // The same property in two members: typify merges them.
                Some(first) if *first == name => {}
                Some(first) => {
                    let first = first.clone();
                    props.shift_remove(&name);
                    required.retain(|r| *r != name);
                    log.push(Rewrite {
                        rule: RewriteRule::Name,
                        at: format!("{at}/allOf/{i}"),
                        detail: format!(
                            "property `{name}` dropped: `{first}` of another member of the `allOf` has its Rust field name `{field}`"
                        ),
                    });
                }
            }
        }
    }
}

fn properties(schema: &mut Schema, at: &str, log: &mut Vec<Rewrite>) {
    let (props, required, additional) = match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            (&mut o.properties, &mut o.required, &o.additional_properties)
        }
        SchemaKind::Any(a) => (&mut a.properties, &mut a.required, &a.additional_properties),
        _ => return,
    };
    // Beside properties, typify puts the additional ones in a flattened
    // map field named `extra`.
    let extra = !props.is_empty() && matches!(additional, Some(AdditionalProperties::Schema(_)));
    if props.len() < 2 && !extra {
        return;
    }
    let mut by_field: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in props.keys() {
        by_field
            .entry(field_name(name))
            .or_default()
            .push(name.clone());
    }
    for (field, names) in by_field {
        let taken_by_extra = extra && field == "extra";
        if names.len() < 2 && !taken_by_extra {
            continue;
        }
        // Keep one: required before optional, not deprecated before
        // deprecated, then document order; none when typify's `extra`
        // field has the name.
        let rank = |name: &String| {
            let deprecated = match props.get(name) {
                Some(ReferenceOr::Item(s)) => s.schema_data.deprecated,
                _ => false,
            };
            (!required.contains(name), deprecated)
        };
        let keep = if taken_by_extra {
            "additionalProperties".to_string()
        } else {
            names
                .iter()
                .enumerate()
                .min_by_key(|(i, n)| (rank(n), *i))
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        for name in names.iter().filter(|n| **n != keep) {
            let was_required = required.contains(name);
            props.shift_remove(name);
            required.retain(|r| r != name);
            log.push(Rewrite {
                rule: RewriteRule::Name,
                at: at.to_string(),
                detail: format!(
                    "property `{name}` dropped: `{keep}` has its Rust field name `{field}`{}",
                    if was_required {
                        " (it was required)"
                    } else {
                        ""
                    }
                ),
            });
        }
    }
}

/// typify's field name for a property (its `sanitize(name, Snake)`).
fn field_name(name: &str) -> String {
    crate::names::typify_field_name(name)
}

/// A name as typify holds it while it converts a schema (its `Name`).
#[derive(Clone, Debug)]
enum Name {
    /// A component's: the type has this name whatever its title.
    Required(String),
    /// Where the schema is: a title wins over it.
    Suggested(String),
    /// Nowhere to take a name from.
    Unknown,
}

impl Name {
    /// The name as given, unsanitised and without the title (typify's
    /// `into_option`, which names map values and tagged variants).
    fn raw(&self) -> Option<&str> {
        match self {
            Name::Required(n) | Name::Suggested(n) => Some(n),
            Name::Unknown => None,
        }
    }

    /// typify's `Name::append`: `{name}_{s}`, suggested.
    fn append(&self, s: &str) -> Name {
        match self.raw() {
            Some(n) => Name::Suggested(format!("{n}_{s}")),
            None => Name::Unknown,
        }
    }

    /// typify's `get_type_name`: the Rust name of a type converted with
    /// this name and this title.
    fn typed(&self, title: Option<&str>) -> Option<String> {
        let name = match (self, title) {
            (Name::Required(n), _) => n.as_str(),
            (Name::Suggested(n), None) => n.as_str(),
            (_, Some(t)) => t,
            (Name::Unknown, None) => return None,
        };
        Some(typify_type_name(name))
    }

    /// A suggestion made of a typed name: `{typed}{suffix}`.
    fn suggest(typed: Option<&str>, suffix: &str) -> Name {
        match typed {
            Some(t) => Name::Suggested(format!("{t}{suffix}")),
            None => Name::Unknown,
        }
    }
}

/// Who decides a predicted name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A component: named after its key, which no title changes.
    Component,
    /// An inline schema a `title` renames.
    Inline,
    /// An inline schema typify copies out of a component (a property of an
    /// `allOf` member given by reference): a title would rename the
    /// component's own type too, so it keeps its name.
    Fixed,
}

/// One schema typify makes a named type of, and where it is.
struct Site {
    /// How to reach the schema to title it.
    path: SitePath,
    /// The schema's JSON (equal schemas may share a name: typify reuses it).
    text: String,
    kind: Kind,
}

/// The schema a type name belongs to, as a route from the document's root.
#[derive(Clone, Debug)]
enum SitePath {
    Component(String, Vec<Step>),
    Body(String, String, Vec<Step>),
    Response(String, String, openapiv3::StatusCode, Vec<Step>),
    Param(String, String, usize, Vec<Step>),
}

impl std::fmt::Display for SitePath {
    /// A JSON pointer to the schema.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let esc = crate::spec::escape_pointer;
        let (head, route) = match self {
            SitePath::Component(name, r) => (format!("/components/schemas/{}", esc(name)), r),
            SitePath::Body(p, m, r) => (
                format!(
                    "/paths/{}/{}/requestBody/content/application~1json/schema",
                    esc(p),
                    m.to_ascii_lowercase()
                ),
                r,
            ),
            SitePath::Response(p, m, code, r) => (
                format!(
                    "/paths/{}/{}/responses/{code}/content/application~1json/schema",
                    esc(p),
                    m.to_ascii_lowercase()
                ),
                r,
            ),
            SitePath::Param(p, m, i, r) => (
                format!(
                    "/paths/{}/{}/parameters/{i}/schema",
                    esc(p),
                    m.to_ascii_lowercase()
                ),
                r,
            ),
        };
        f.write_str(&head)?;
        for step in route {
            match step {
                Step::Prop(p) => write!(f, "/properties/{}", esc(p))?,
                Step::Items => f.write_str("/items")?,
                Step::Additional => f.write_str("/additionalProperties")?,
                Step::AllOf(i) => write!(f, "/allOf/{i}")?,
                Step::OneOf(i) => write!(f, "/oneOf/{i}")?,
                Step::AnyOf(i) => write!(f, "/anyOf/{i}")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
enum Step {
    Prop(String),
    Items,
    Additional,
    AllOf(usize),
    OneOf(usize),
    AnyOf(usize),
}

impl SitePath {
    fn child(&self, step: Step) -> SitePath {
        let mut p = self.clone();
        steps(&mut p).push(step);
        p
    }
}

/// Names that break the generated code though no other schema has them:
/// the generated code says `Default::default()`, `Ok(..)`, `Result<..>`,
/// `Option<..>`, `String`... unqualified, and a type of that name in
/// `types` (or its builder) would be taken instead.
const RESERVED: [&str; 11] = [
    "Default", "Option", "Result", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "From",
];

/// Rounds of predicting and titling: a title renames the children named
/// after the schema too, which the next round sees.
const ROUNDS: usize = 8;

fn types(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    for _ in 0..ROUNDS {
        let sites = predict_all(openapi);
        let renames = plan(openapi, &sites);
        if renames.is_empty() {
            return;
        }
        // A schema inside one renamed now is named after the new name in
        // the next round, and may not collide any more: only the outermost
        // are renamed in a round.
        let pointers: BTreeSet<String> = renames.iter().map(|r| r.0.to_string()).collect();
        let inner = |path: &SitePath| {
            let p = path.to_string();
            pointers.iter().any(|o| {
                p.len() > o.len() && p.starts_with(o.as_str()) && p[o.len()..].starts_with('/')
            })
        };
        let renames: Vec<_> = renames.into_iter().filter(|r| !inner(&r.0)).collect();
        for (path, old, new) in renames {
            if retitle(openapi, &path, &new) {
                log.push(Rewrite {
                    rule: RewriteRule::Name,
                    at: path.to_string(),
                    detail: format!(
                        "its Rust type would be `{old}`, a name already taken: titled `{new}`"
                    ),
                });
            }
        }
    }
}

/// Which sites get which new names: per name, one group of equal schemas
/// keeps it (the component's, else a fixed one's, else the first), every
/// other group gets a fresh name; a reserved name is given up by all.
fn plan(openapi: &OpenAPI, sites: &BTreeMap<String, Vec<Site>>) -> Vec<(SitePath, String, String)> {
    let mut taken: BTreeSet<String> = sites.keys().cloned().collect();
    taken.extend(super::taken_names(openapi.components.as_ref()));
    taken.extend(RESERVED.iter().map(|r| (*r).to_string()));
    let mut renames = Vec::new();
    for (name, list) in sites {
        // Sites with equal schemas share a type (typify reuses it): group
        // them. A component is a group of its own: typify emits a second
        // type of its name even for an equal inline schema.
        let mut groups: Vec<(&str, Kind, Vec<&SitePath>)> = Vec::new();
        for site in list {
            let same = |g: &&mut (&str, Kind, Vec<&SitePath>)| {
                g.0 == site.text && g.1 != Kind::Component && site.kind != Kind::Component
            };
            match groups.iter_mut().find(same) {
                Some(group) => {
                    group.2.push(&site.path);
                    if site.kind == Kind::Fixed {
                        group.1 = Kind::Fixed;
                    }
                }
                None => groups.push((&site.text, site.kind, vec![&site.path])),
            }
        }
        let reserved = RESERVED.contains(&name.as_str());
        let keeper = if reserved {
            None
        } else {
            groups
                .iter()
                .position(|g| g.1 == Kind::Component)
                .or_else(|| groups.iter().position(|g| g.1 == Kind::Fixed))
                .or(Some(0))
        };
        for (i, (_, kind, paths)) in groups.iter().enumerate() {
            // Components and fixed copies are renamed by nobody here: a
            // title does not rename them.
            if Some(i) == keeper || *kind != Kind::Inline {
                continue;
            }
            // An equal schema renamed in an earlier round: the same name.
            let text = groups[i].0;
            let earlier = (2..)
                .map(|k| format!("{name}{k}"))
                .take_while(|c| sites.contains_key(c))
                .find(|c| {
                    sites[c]
                        .iter()
                        .any(|s| s.kind == Kind::Inline && s.text == text)
                });
            // `name` itself is taken (it is a site's name).
            let fresh =
                earlier.unwrap_or_else(|| crate::names::unique(name, "", |c| !taken.contains(c)));
            taken.insert(fresh.clone());
            for path in paths {
                renames.push(((*path).clone(), name.clone(), fresh.clone()));
            }
        }
    }
    renames
}

/// Gives the schema at `path` the title `new`, where typify reads it.
fn retitle(openapi: &mut OpenAPI, path: &SitePath, new: &str) -> bool {
    let Some(mut schema) = site_mut(openapi, path) else {
        return false;
    };
    // progenitor moves a nullable composite's title to a wrapper typify
    // does not name after: the wrapper is written out, the title goes in.
    if super::nulls::is_wrapped_nullable(schema) {
        match super::nulls::unwrap_nullable(schema) {
            Some(inner) => schema = inner,
            None => return false,
        }
    }
    schema.schema_data.title = Some(new.to_string());
    // typify converts the one member of an `allOf` (or `anyOf`, `oneOf`)
    // in place of the wrapper, with the wrapper's name but the member's
    // title: title it too.
    if let SchemaKind::AllOf { all_of: list }
    | SchemaKind::AnyOf { any_of: list }
    | SchemaKind::OneOf { one_of: list } = &mut schema.schema_kind
        && let [ReferenceOr::Item(member)] = list.as_mut_slice()
    {
        member.schema_data.title = Some(new.to_string());
    }
    true
}

/// Every named type typify would make of the document, by Rust name.
fn predict_all(openapi: &OpenAPI) -> BTreeMap<String, Vec<Site>> {
    let mut p = Predictor {
        components: openapi.components.as_ref(),
        sites: BTreeMap::new(),
        depth: 0,
    };
    if let Some(c) = openapi.components.as_ref() {
        for (name, schema) in c.schemas.iter() {
            let path = SitePath::Component(name.clone(), Vec::new());
            p.site(typify_type_name(name), &path, schema, Kind::Component);
            if let ReferenceOr::Item(s) = schema {
                let at = At {
                    kind: Kind::Inline,
                    component: true,
                    inlined: false,
                };
                p.schema(s, Name::Required(name.clone()), &path, at);
            }
        }
    }
    for (path, item) in openapi.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let method = method.to_string();
            // progenitor suggests `sanitize("{id}-body", Pascal)` and so on.
            let suggested = |suffix: &str| Name::Suggested(type_name(&format!("{id}-{suffix}")));
            if let Some(ReferenceOr::Item(body)) = &op.request_body
                && let Some(mt) = body.content.values().next()
                && let Some(ReferenceOr::Item(s)) = &mt.schema
            {
                let at = SitePath::Body(path.clone(), method.clone(), Vec::new());
                p.schema(s, suggested("body"), &at, At::INLINE);
            }
            for (code, r) in op.responses.responses.iter() {
                let ReferenceOr::Item(r) = r else { continue };
                if let Some(mt) = r.content.values().next()
                    && let Some(ReferenceOr::Item(s)) = &mt.schema
                {
                    let at =
                        SitePath::Response(path.clone(), method.clone(), code.clone(), Vec::new());
                    p.schema(s, suggested("response"), &at, At::INLINE);
                }
            }
            for (i, param) in op.parameters.iter().enumerate() {
                let ReferenceOr::Item(param) = param else {
                    continue;
                };
                let data = param.parameter_data_ref();
                if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = &data.format {
                    let at = SitePath::Param(path.clone(), method.clone(), i, Vec::new());
                    p.schema(s, suggested(&data.name), &at, At::INLINE);
                }
            }
        }
    }
    p.sites
}

/// How a schema is reached.
#[derive(Clone, Copy)]
struct At {
    /// Inline, or copied out of a component ([`Kind::Fixed`]).
    kind: Kind,
    /// The component schema itself (its site is already recorded).
    component: bool,
    /// A variant of an enum: a struct is inlined as a struct variant, not a
    /// type of its own (its children are still named after it).
    inlined: bool,
}

impl At {
    const INLINE: At = At {
        kind: Kind::Inline,
        component: false,
        inlined: false,
    };

    /// What a child of a schema reached this way is reached as.
    fn child(self) -> At {
        At {
            kind: self.kind,
            component: false,
            inlined: false,
        }
    }
}

/// typify's naming, over the document progenitor hands it.
struct Predictor<'a> {
    components: Option<&'a openapiv3::Components>,
    sites: BTreeMap<String, Vec<Site>>,
    /// References followed into components (for `allOf` members), bounded.
    depth: usize,
}

impl<'a> Predictor<'a> {
    /// Records a site; its text leaves the title out, so that an equal
    /// schema titled in an earlier round is still seen as equal.
    fn site<T: serde::Serialize>(&mut self, name: String, path: &SitePath, s: &T, kind: Kind) {
        let mut value = serde_json::to_value(s).unwrap_or_default();
        if let Some(o) = value.as_object_mut() {
            o.remove("title");
        }
        self.sites.entry(name).or_default().push(Site {
            path: path.clone(),
            text: value.to_string(),
            kind,
        });
    }

    /// A named type of `s` under `name`, unless this is the component
    /// itself (recorded already) or an inlined struct.
    fn named(
        &mut self,
        name: Option<String>,
        s: &Schema,
        path: &SitePath,
        at: At,
        is_struct: bool,
    ) {
        if at.component || (at.inlined && is_struct) {
            return;
        }
        if let Some(name) = name {
            self.site(name, path, s, at.kind);
        }
    }

    fn resolve(&self, reference: &str) -> Option<&'a Schema> {
        crate::spec::resolve::component(self.components, reference)
    }

    /// typify's `convert_schema` of `s` given `name`.
    fn schema(&mut self, s: &Schema, name: Name, path: &SitePath, at: At) {
        let title = s.schema_data.title.as_deref();
        if super::nulls::is_wrapped_nullable(s) {
            // progenitor's `oneOf: [null, T]` wrapper takes the title;
            // typify's `maybe_option` converts `T` with the same name.
            return self.kind(s, None, name, path, at);
        }
        if s.schema_data.nullable
            && let Name::Required(n) = &name
        {
            // `type: [T, null]`: a component's own type is the `Option`
            // newtype; `T` is suggested `{Name}Inner`, and keeps the title.
            let inner = Name::Suggested(format!("{n}Inner"));
            let at = At {
                component: false,
                ..at
            };
            return self.kind(s, title, inner, path, at);
        }
        self.kind(s, title, name, path, at)
    }

    fn kind(&mut self, s: &Schema, title: Option<&str>, name: Name, path: &SitePath, at: At) {
        let typed = name.typed(title);
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                self.object(
                    s,
                    &o.properties,
                    &o.additional_properties,
                    &o.required,
                    typed,
                    &name,
                    path,
                    at,
                );
            }
            // `type: object, required: [..], allOf: [..]`: typify merges
            // the members as for a bare `allOf`.
            SchemaKind::Any(a)
                if a.properties.is_empty()
                    && a.additional_properties.is_none()
                    && !a.all_of.is_empty() =>
            {
                self.all_of(s, &a.all_of, typed, name, path, at);
            }
            SchemaKind::Any(a) if !a.properties.is_empty() || a.additional_properties.is_some() => {
                self.object(
                    s,
                    &a.properties,
                    &a.additional_properties,
                    &a.required,
                    typed,
                    &name,
                    path,
                    at,
                );
            }
            SchemaKind::Any(a) if !a.enumeration.is_empty() => {
                if !a.enumeration.iter().all(serde_json::Value::is_null) {
                    self.named(typed, s, path, at, false);
                }
            }
            SchemaKind::Any(a) if a.items.is_some() => {
                if let Some(ReferenceOr::Item(i)) = &a.items {
                    let item = Name::suggest(typed.as_deref(), "Item");
                    self.schema(i, item, &path.child(Step::Items), at.child());
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(ReferenceOr::Item(i)) = &a.items {
                    let fixed = a.min_items.is_some_and(|m| m > 0) && a.min_items == a.max_items;
                    let item = if fixed {
                        name.append("item")
                    } else {
                        Name::suggest(typed.as_deref(), "Item")
                    };
                    self.schema(i, item, &path.child(Step::Items), at.child());
                }
            }
            SchemaKind::Type(Type::String(st)) => {
                let native = match &st.format {
                    VariantOrUnknownOrEmpty::Item(f) => {
                        matches!(f, StringFormat::Date | StringFormat::DateTime)
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) => {
                        matches!(f.as_str(), "uuid" | "ip" | "ipv4" | "ipv6")
                    }
                    VariantOrUnknownOrEmpty::Empty => false,
                };
                let enumerated = st.enumeration.iter().any(Option::is_some);
                let constrained =
                    st.min_length.is_some() || st.max_length.is_some() || st.pattern.is_some();
                if enumerated || (!native && constrained) {
                    self.named(typed, s, path, at, false);
                }
            }
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
                self.named(typed, s, path, at, false);
            }
            SchemaKind::Type(Type::Number(n)) if !n.enumeration.is_empty() => {
                self.named(typed, s, path, at, false);
            }
            SchemaKind::Type(_) | SchemaKind::Any(_) => {}
            SchemaKind::Not { .. } => self.named(typed, s, path, at, false),
            SchemaKind::AllOf { all_of } => self.all_of(s, all_of, typed, name, path, at),
            SchemaKind::OneOf { one_of } => {
                self.union(s, one_of, typed, name, path, at, Step::OneOf, false);
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(s, any_of, typed, name, path, at, Step::AnyOf, true);
            }
        }
    }

    /// A struct (`{T}_{property}` for its properties, `{T}_extraValue` for
    /// the values beside them) or a map (`{name}Value`).
    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        s: &Schema,
        props: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        additional: &Option<AdditionalProperties>,
        required: &[String],
        typed: Option<String>,
        name: &Name,
        path: &SitePath,
        at: At,
    ) {
        let value = match additional {
            Some(AdditionalProperties::Schema(a)) => match a.as_ref() {
                ReferenceOr::Item(a) => Some(a),
                ReferenceOr::Reference { .. } => None,
            },
            _ => None,
        };
        if props.is_empty() && required.is_empty() {
            // A map: its values are named after the raw name, title or not.
            if let Some(v) = value {
                let value_name = match name.raw() {
                    Some(n) => Name::Suggested(format!("{n}Value")),
                    None => Name::Unknown,
                };
                self.schema(v, value_name, &path.child(Step::Additional), at.child());
            }
            return;
        }
        self.named(typed.clone(), s, path, at, true);
        self.properties(props, typed.as_deref(), path, at.child());
        if let Some(v) = value {
            let value_name = Name::suggest(typed.as_deref(), "_extraValue");
            self.schema(v, value_name, &path.child(Step::Additional), at.child());
        }
    }

    fn properties(
        &mut self,
        props: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        parent: Option<&str>,
        path: &SitePath,
        at: At,
    ) {
        for (prop, p) in props {
            if let ReferenceOr::Item(p) = p {
                let sub = Name::suggest(parent, &format!("_{}", prop.to_snake_case()));
                self.schema(p, sub, &path.child(Step::Prop(prop.clone())), at);
            }
        }
    }

    /// One member: converted in place of the `allOf`. Several: merged into
    /// one struct, whose properties (a referenced member's too, copied) are
    /// named after it.
    fn all_of(
        &mut self,
        s: &Schema,
        list: &[ReferenceOr<Schema>],
        typed: Option<String>,
        name: Name,
        path: &SitePath,
        at: At,
    ) {
        if let [member] = list {
            if let ReferenceOr::Item(m) = member {
                self.schema(m, name, &path.child(Step::AllOf(0)), at);
            }
            return;
        }
        self.named(typed.clone(), s, path, at, true);
        for (i, member) in list.iter().enumerate() {
            match member {
                ReferenceOr::Item(m) => {
                    self.merged(m, typed.as_deref(), &path.child(Step::AllOf(i)), at.child());
                }
                ReferenceOr::Reference { reference } => {
                    let Some(component) = reference.strip_prefix("#/components/schemas/") else {
                        continue;
                    };
                    if self.depth > 4 {
                        continue;
                    }
                    let Some(m) = self.resolve(reference) else {
                        continue;
                    };
                    self.depth += 1;
                    let fixed = At {
                        kind: Kind::Fixed,
                        component: false,
                        inlined: false,
                    };
                    let at = SitePath::Component(component.to_string(), Vec::new());
                    self.merged(m, typed.as_deref(), &at, fixed);
                    self.depth -= 1;
                }
            }
        }
    }

    /// The properties of an `allOf` member (and of its own members), named
    /// after the merged parent.
    fn merged(&mut self, m: &Schema, parent: Option<&str>, path: &SitePath, at: At) {
        match &m.schema_kind {
            SchemaKind::Type(Type::Object(o)) => self.properties(&o.properties, parent, path, at),
            SchemaKind::Any(a) => self.properties(&a.properties, parent, path, at),
            _ => {}
        }
        for (i, member) in all_of(&m.schema_kind).iter().enumerate() {
            match member {
                ReferenceOr::Item(inner) => {
                    self.merged(inner, parent, &path.child(Step::AllOf(i)), at);
                }
                ReferenceOr::Reference { reference } if self.depth <= 4 => {
                    let Some(component) = reference.strip_prefix("#/components/schemas/") else {
                        continue;
                    };
                    let Some(inner) = self.resolve(reference) else {
                        continue;
                    };
                    self.depth += 1;
                    let fixed = At {
                        kind: Kind::Fixed,
                        ..at
                    };
                    let at = SitePath::Component(component.to_string(), Vec::new());
                    self.merged(inner, parent, &at, fixed);
                    self.depth -= 1;
                }
                ReferenceOr::Reference { .. } => {}
            }
        }
    }

    /// `oneOf` / `anyOf`: an `Option` (one member beside nulls), the one
    /// member itself, a flattened struct (`anyOf` whose members may overlap:
    /// `{T}Subtype{i}`), or an enum whose variants' types are `{T}_{Variant}`
    /// (untagged), `{name}_{tag}` (externally tagged), or whose struct
    /// variants' properties are named after the variant's title or `T`
    /// (internally tagged).
    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        s: &Schema,
        list: &[ReferenceOr<Schema>],
        typed: Option<String>,
        name: Name,
        path: &SitePath,
        at: At,
        step: fn(usize) -> Step,
        any_of: bool,
    ) {
        let non_null: Vec<usize> = (0..list.len()).filter(|i| !is_null(&list[*i])).collect();
        if list.len() == 1 || (list.len() > 1 && non_null.len() == 1) {
            let i = non_null.first().copied().unwrap_or(0);
            if let Some(ReferenceOr::Item(m)) = list.get(i) {
                self.schema(m, name, &path.child(step(i)), at);
            }
            return;
        }
        if any_of && !self.exclusive(list) {
            self.named(typed.clone(), s, path, at, true);
            for (i, member) in list.iter().enumerate() {
                if let ReferenceOr::Item(m) = member {
                    let sub = Name::suggest(typed.as_deref(), &format!("Subtype{i}"));
                    self.schema(m, sub, &path.child(step(i)), at.child());
                }
            }
            return;
        }
        self.named(typed.clone(), s, path, at, false);
        let variant = At {
            kind: at.kind,
            component: false,
            inlined: true,
        };
        let items: Option<Vec<&Schema>> = list
            .iter()
            .map(|m| match m {
                ReferenceOr::Item(m) => Some(m),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        if let Some(items) = &items {
            if let Some(tags) = external_tags(items) {
                for (i, (m, tag)) in items.iter().zip(tags).enumerate() {
                    let Some(value) = object_props(m).and_then(|p| p.get(tag)) else {
                        continue;
                    };
                    if let ReferenceOr::Item(v) = value {
                        let at_value = path.child(step(i)).child(Step::Prop(tag.to_string()));
                        self.schema(v, name.append(tag), &at_value, variant);
                    }
                }
                return;
            }
            if let Some(tag) = internal_tag(items) {
                for (i, m) in items.iter().enumerate() {
                    let vt = name.typed(m.schema_data.title.as_deref());
                    let Some(props) = object_props(m) else {
                        continue;
                    };
                    let rest: indexmap::IndexMap<String, ReferenceOr<Box<Schema>>> = props
                        .iter()
                        .filter(|(k, _)| k.as_str() != tag)
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    self.properties(&rest, vt.as_deref(), &path.child(step(i)), at.child());
                }
                return;
            }
        }
        let names = variant_names(list);
        for (i, (member, v)) in list.iter().zip(names).enumerate() {
            if let ReferenceOr::Item(m) = member {
                let sub = Name::suggest(typed.as_deref(), &format!("_{v}"));
                self.schema(m, sub, &path.child(step(i)), variant);
            }
        }
    }

    /// Whether typify would find an `anyOf`'s members mutually exclusive
    /// (and make an enum, not a flattened struct): here, when no two have
    /// the same JSON type (a reference counts as its component's).
    fn exclusive(&self, list: &[ReferenceOr<Schema>]) -> bool {
        let mut seen = BTreeSet::new();
        for member in list {
            let schema = match member {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => self.resolve(reference),
            };
            let Some(jt) = schema.and_then(json_type) else {
                return false;
            };
            if !seen.insert(jt) {
                return false;
            }
        }
        true
    }
}

/// The one JSON type a schema's values have, when it has one.
fn json_type(s: &Schema) -> Option<&'static str> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Type(Type::Array(_)) => Some("array"),
        SchemaKind::Type(Type::Object(_)) => Some("object"),
        SchemaKind::Any(a) if a.enumeration == [serde_json::Value::Null] => Some("null"),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some("object"),
        _ => None,
    }
}

fn object_props(s: &Schema) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some(&a.properties),
        _ => None,
    }
}

fn object_required(s: &Schema) -> &[String] {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.required,
        SchemaKind::Any(a) => &a.required,
        _ => &[],
    }
}

/// Externally tagged (typify's `maybe_externally_tagged_enum`): every
/// member an object of exactly one property, required; the tags.
fn external_tags<'s>(items: &[&'s Schema]) -> Option<Vec<&'s str>> {
    let tags: Vec<&str> = items
        .iter()
        .map(|m| {
            let props = object_props(m)?;
            let (tag, _) = props.iter().next().filter(|_| props.len() == 1)?;
            object_required(m).contains(tag).then_some(tag.as_str())
        })
        .collect::<Option<_>>()?;
    let distinct: BTreeSet<&str> = tags.iter().copied().collect();
    (distinct.len() == tags.len()).then_some(tags)
}

/// Internally tagged (typify's `maybe_internally_tagged_enum`): a property
/// every member requires, with one constant string each, all different.
fn internal_tag<'s>(items: &[&'s Schema]) -> Option<&'s str> {
    let constant = |s: &Schema, prop: &str| -> Option<String> {
        let ReferenceOr::Item(p) = object_props(s)?.get(prop)? else {
            return None;
        };
        match &p.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.len() == 1 => {
                st.enumeration[0].clone()
            }
            _ => None,
        }
    };
    let first = items.first()?;
    let mut candidates: Vec<&str> = object_props(first)?
        .keys()
        .map(String::as_str)
        .filter(|p| {
            let mut values = BTreeSet::new();
            items.iter().all(|m| {
                object_required(m).iter().any(|r| r == p)
                    && constant(m, p).is_some_and(|v| values.insert(v))
            })
        })
        .collect();
    candidates.sort_unstable();
    candidates.first().copied()
}

/// typify's variant names of an untagged enum: each member's own name
/// (the last part of its reference, its title, its type or format), with
/// their common prefix taken off; `Variant{i}` when any is missing, empty
/// or the same as another.
fn variant_names(list: &[ReferenceOr<Schema>]) -> Vec<String> {
    let fallback = || (0..list.len()).map(|i| format!("Variant{i}")).collect();
    let Some(names) = list.iter().map(schema_is_named).collect::<Option<Vec<_>>>() else {
        return fallback();
    };
    if names.iter().collect::<BTreeSet<_>>().len() != names.len() {
        return fallback();
    }
    let prefix = names
        .iter()
        .cloned()
        .reduce(|a, b| common_prefix(&a, &b))
        .unwrap_or_default();
    let pruned: Option<Vec<String>> = names
        .iter()
        .map(|n| {
            let rest = n.get(prefix.len()..).unwrap_or_default();
            (!rest.is_empty()).then(|| rest.to_string())
        })
        .collect();
    pruned.unwrap_or_else(fallback)
}

/// typify's `get_common_prefix`.
fn common_prefix(a: &str, b: &str) -> String {
    use heck::{ToKebabCase as _, ToPascalCase as _};
    a.to_kebab_case()
        .split('-')
        .zip(b.to_kebab_case().split('-'))
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect::<Vec<&str>>()
        .join("-")
        .to_pascal_case()
}

/// typify's `schema_is_named`, over what progenitor makes of the schema.
fn schema_is_named(s: &ReferenceOr<Schema>) -> Option<String> {
    use heck::ToPascalCase as _;
    let raw = match s {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next()?.to_string(),
        ReferenceOr::Item(s) if super::nulls::is_wrapped_nullable(s) => {
            // The wrapper keeps the title but is a `oneOf` of two.
            s.schema_data.title.clone()?
        }
        ReferenceOr::Item(s) => match (&s.schema_data.title, &s.schema_kind) {
            (Some(t), _) => t.clone(),
            (None, SchemaKind::AllOf { all_of: l })
            | (None, SchemaKind::AnyOf { any_of: l })
            | (None, SchemaKind::OneOf { one_of: l }) => match l.as_slice() {
                [one] => return schema_is_named(one),
                _ => return None,
            },
            // `type: [T, null]` is no single type.
            (None, SchemaKind::Type(_)) if s.schema_data.nullable => return None,
            (None, SchemaKind::Type(t)) => {
                let format = match t {
                    Type::String(st) => format_name(&st.format),
                    Type::Number(n) => format_name(&n.format),
                    Type::Integer(i) => format_name(&i.format),
                    _ => None,
                };
                match format {
                    Some(f) => f.to_pascal_case(),
                    None => match t {
                        Type::Boolean(_) => "Boolean",
                        Type::Integer(_) => "Integer",
                        Type::Number(_) => "Number",
                        Type::String(_) => "String",
                        Type::Array(_) => "Array",
                        Type::Object(_) => "Object",
                    }
                    .to_string(),
                }
            }
            (None, SchemaKind::Any(a)) if a.enumeration == [serde_json::Value::Null] => {
                "Null".to_string()
            }
            _ => return None,
        },
    };
    Some(typify_type_name(&raw))
}

/// A format as progenitor passes it on (its JSON spelling).
fn format_name<T: serde::Serialize>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(v) => serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn is_null(s: &ReferenceOr<Schema>) -> bool {
    match s {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Any(a),
            ..
        }) => a.enumeration == [serde_json::Value::Null],
        _ => false,
    }
}

fn steps(path: &mut SitePath) -> &mut Vec<Step> {
    match path {
        SitePath::Component(_, s)
        | SitePath::Body(_, _, s)
        | SitePath::Response(_, _, _, s)
        | SitePath::Param(_, _, _, s) => s,
    }
}

/// The schema a [`SitePath`] leads to, to give it a title.
fn site_mut<'a>(openapi: &'a mut OpenAPI, path: &SitePath) -> Option<&'a mut Schema> {
    let (root, route): (&mut Schema, &[Step]) = match path {
        SitePath::Component(name, route) => {
            match openapi.components.as_mut()?.schemas.get_mut(name)? {
                ReferenceOr::Item(s) => (s, route),
                ReferenceOr::Reference { .. } => return None,
            }
        }
        SitePath::Body(p, m, route) => {
            let op = operation_mut(openapi, p, m)?;
            let ReferenceOr::Item(body) = op.request_body.as_mut()? else {
                return None;
            };
            match body.content.values_mut().next()?.schema.as_mut()? {
                ReferenceOr::Item(s) => (s, route),
                ReferenceOr::Reference { .. } => return None,
            }
        }
        SitePath::Response(p, m, code, route) => {
            let op = operation_mut(openapi, p, m)?;
            let ReferenceOr::Item(r) = op.responses.responses.get_mut(code)? else {
                return None;
            };
            match r.content.values_mut().next()?.schema.as_mut()? {
                ReferenceOr::Item(s) => (s, route),
                ReferenceOr::Reference { .. } => return None,
            }
        }
        SitePath::Param(p, m, i, route) => {
            let op = operation_mut(openapi, p, m)?;
            let ReferenceOr::Item(param) = op.parameters.get_mut(*i)? else {
                return None;
            };
            let data = match param {
                Parameter::Query { parameter_data, .. }
                | Parameter::Header { parameter_data, .. }
                | Parameter::Path { parameter_data, .. }
                | Parameter::Cookie { parameter_data, .. } => parameter_data,
            };
            match &mut data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => (s, route),
                _ => return None,
            }
        }
    };
    let mut at = root;
    for step in route {
        at = match (step, &mut at.schema_kind) {
            (Step::Prop(p), SchemaKind::Type(Type::Object(o))) => item(o.properties.get_mut(p)?)?,
            (Step::Prop(p), SchemaKind::Any(a)) => item(a.properties.get_mut(p)?)?,
            (Step::Items, SchemaKind::Type(Type::Array(a))) => item(a.items.as_mut()?)?,
            (Step::Items, SchemaKind::Any(a)) => item(a.items.as_mut()?)?,
            (Step::Additional, SchemaKind::Type(Type::Object(o))) => {
                match o.additional_properties.as_mut()? {
                    AdditionalProperties::Schema(s) => match s.as_mut() {
                        ReferenceOr::Item(s) => s,
                        ReferenceOr::Reference { .. } => return None,
                    },
                    AdditionalProperties::Any(_) => return None,
                }
            }
            (Step::Additional, SchemaKind::Any(a)) => match a.additional_properties.as_mut()? {
                AdditionalProperties::Schema(s) => match s.as_mut() {
                    ReferenceOr::Item(s) => s,
                    ReferenceOr::Reference { .. } => return None,
                },
                AdditionalProperties::Any(_) => return None,
            },
            (Step::AllOf(i), SchemaKind::AllOf { all_of: list })
            | (Step::AllOf(i), SchemaKind::Any(openapiv3::AnySchema { all_of: list, .. }))
            | (Step::OneOf(i), SchemaKind::OneOf { one_of: list })
            | (Step::AnyOf(i), SchemaKind::AnyOf { any_of: list }) => match list.get_mut(*i)? {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { .. } => return None,
            },
            _ => return None,
        };
    }
    Some(at)
}

fn item(s: &mut ReferenceOr<Box<Schema>>) -> Option<&mut Schema> {
    match s {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

fn operation_mut<'a>(
    openapi: &'a mut OpenAPI,
    path: &str,
    method: &str,
) -> Option<&'a mut openapiv3::Operation> {
    let ReferenceOr::Item(item) = openapi.paths.paths.get_mut(path)? else {
        return None;
    };
    crate::spec::Method::parse(method)?.slot(item).as_mut()
}

#[cfg(test)]
mod tests {
    use openapiv3::OpenAPI;
    use serde_json::json;

    use crate::namespace::{Collision, What, collisions};

    fn doc(schemas: serde_json::Value, response: &str) -> OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/things": {
                    "get": {
                        "operationId": "getThing",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": { "application/json": {
                                    "schema": { "$ref": format!("#/components/schemas/{response}") }
                                } }
                            }
                        }
                    }
                }
            },
            "components": { "schemas": schemas }
        }))
        .expect("a document")
    }

    /// Raw progenitor's code for `openapi` (no runtime, no pass).
    fn generate(openapi: &OpenAPI) -> syn::File {
        crate::raw::generate(openapi, &crate::catalogue::Settings::DEFAULT)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The collisions of the code before and after normalisation.
    fn before_after(openapi: &OpenAPI) -> (Vec<Collision>, Vec<Collision>, syn::File) {
        let before = collisions(&generate(openapi));
        let mut normalised = openapi.clone();
        crate::normalise::normalise(&mut normalised);
        let file = generate(&normalised);
        (before, collisions(&file), file)
    }

    fn names(c: &[Collision]) -> Vec<(String, String, What)> {
        c.iter()
            .map(|c| (c.scope.clone(), c.name.to_string(), c.what))
            .collect()
    }

    /// The names of the types in `types`.
    fn types(file: &syn::File) -> Vec<String> {
        let Some((_, items)) = file.items.iter().find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        }) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    /// (a) Stripe's shape: a nullable `anyOf` property whose
    /// `{Parent}{Prop}` is a component's name. progenitor moves a title to
    /// a wrapper typify does not name after, so the title must go inside.
    #[test]
    fn nullable_any_of_named_like_a_component() {
        let openapi = doc(
            json!({
                "subscription": {
                    "type": "object",
                    "required": ["id", "schedule"],
                    "properties": {
                        "id": { "type": "string" },
                        "schedule": {
                            "nullable": true,
                            "description": "The schedule attached to the subscription",
                            "anyOf": [
                                { "type": "string", "maxLength": 5000 },
                                { "$ref": "#/components/schemas/subscription_schedule" }
                            ]
                        }
                    }
                },
                "subscription_schedule": {
                    "type": "object",
                    "required": ["id"],
                    "properties": { "id": { "type": "string" } }
                }
            }),
            "subscription",
        );
        let (before, after, file) = before_after(&openapi);
        assert_eq!(
            names(&before),
            vec![(
                "types".to_string(),
                "SubscriptionSchedule".to_string(),
                What::Item
            )]
        );
        assert_eq!(names(&after), vec![]);
        let types = types(&file);
        assert!(
            types.contains(&"SubscriptionSchedule2".to_string()),
            "{types:?}"
        );
        assert!(
            types.contains(&"SubscriptionSchedule2String".to_string()),
            "{types:?}"
        );
    }

    /// (b) An untagged enum's variant type `{Enum}{Variant}` (a constrained
    /// string `PetString`) named like a component.
    #[test]
    fn variant_type_named_like_a_component() {
        let openapi = doc(
            json!({
                "owner": {
                    "type": "object",
                    "required": ["pet"],
                    "properties": { "pet": { "$ref": "#/components/schemas/pet" } }
                },
                "pet": {
                    "oneOf": [
                        { "type": "string", "maxLength": 10 },
                        { "type": "integer" }
                    ]
                },
                "pet_string": {
                    "type": "object",
                    "required": ["name"],
                    "properties": { "name": { "type": "string" } }
                }
            }),
            "owner",
        );
        let (before, after, file) = before_after(&openapi);
        assert_eq!(
            names(&before),
            vec![("types".to_string(), "PetString".to_string(), What::Item)]
        );
        assert_eq!(names(&after), vec![]);
        assert!(types(&file).contains(&"PetString2".to_string()));
    }

    /// (c) One title on several different schemas: typify names each
    /// after it and silently reuses the first type for all (no duplicate
    /// item, the wrong type); each other one gets a title of its own.
    #[test]
    fn one_title_on_different_schemas() {
        let nulls = |values: serde_json::Value| json!({ "title": "OpenAPI 3.0 null schema type", "type": "string", "enum": values });
        let openapi = doc(
            json!({
                "a": {
                    "type": "object",
                    "properties": {
                        "x": nulls(json!(["one"])),
                        "y": nulls(json!(["two"])),
                        "z": nulls(json!(["one"]))
                    }
                },
                "b": {
                    "type": "object",
                    "properties": { "w": nulls(json!(["three"])), "a": { "$ref": "#/components/schemas/a" } }
                }
            }),
            "b",
        );
        let (before, after, file) = before_after(&openapi);
        assert_eq!(names(&before), vec![]);
        assert_eq!(names(&after), vec![]);
        let titled: Vec<String> = types(&file)
            .into_iter()
            .filter(|t| t.starts_with("OpenApi30NullSchemaType"))
            .collect();
        // `x` and `z` are equal and share one type; `y` and `w` each get one.
        assert_eq!(
            titled,
            vec![
                "OpenApi30NullSchemaType",
                "OpenApi30NullSchemaType2",
                "OpenApi30NullSchemaType3"
            ]
        );
    }

    /// (d) An enum named like the component that is one of its variants
    /// (`no associated item named String` once there are two of that name),
    /// and a type named like what the generated code calls unqualified.
    #[test]
    fn enum_named_like_its_variant_and_reserved_names() {
        let openapi = doc(
            json!({
                "account": {
                    "type": "object",
                    "required": ["owner", "status"],
                    "properties": {
                        "owner": {
                            "anyOf": [
                                { "type": "string", "maxLength": 50 },
                                { "$ref": "#/components/schemas/account_owner" }
                            ]
                        },
                        "status": { "title": "Result", "type": "string", "enum": ["ok", "failed"] }
                    }
                },
                "account_owner": {
                    "type": "object",
                    "required": ["name"],
                    "properties": { "name": { "type": "string" } }
                }
            }),
            "account",
        );
        let (before, after, file) = before_after(&openapi);
        assert_eq!(
            names(&before),
            vec![("types".to_string(), "AccountOwner".to_string(), What::Item)]
        );
        assert_eq!(names(&after), vec![]);
        let types = types(&file);
        assert!(!types.contains(&"Result".to_string()), "{types:?}");
        assert!(types.contains(&"Result2".to_string()), "{types:?}");
        assert!(types.contains(&"AccountOwner2".to_string()), "{types:?}");
    }

    /// (e) Two properties of one Rust field name: in one object, across the
    /// members of an `allOf`, and beside typify's `extra` field.
    #[test]
    fn duplicate_fields() {
        let openapi = doc(
            json!({
                "base": {
                    "type": "object",
                    "required": ["id"],
                    "properties": { "id": { "type": "string" }, "foo-bar": { "type": "string" } }
                },
                "merged": {
                    "allOf": [
                        { "$ref": "#/components/schemas/base" },
                        {
                            "type": "object",
                            "properties": {
                                "ID": { "type": "string" },
                                "foo_bar": { "type": "string" },
                                "id": { "type": "string" }
                            }
                        }
                    ]
                },
                "spelled": {
                    "type": "object",
                    "properties": { "isGlobal": { "type": "boolean" }, "is_global": { "type": "boolean" } }
                },
                "extra": {
                    "type": "object",
                    "properties": { "extra": { "type": "string" }, "name": { "type": "string" } },
                    "additionalProperties": { "type": "integer" }
                },
                "all": {
                    "type": "object",
                    "properties": {
                        "merged": { "$ref": "#/components/schemas/merged" },
                        "spelled": { "$ref": "#/components/schemas/spelled" },
                        "extra": { "$ref": "#/components/schemas/extra" }
                    }
                }
            }),
            "all",
        );
        let (before, after, _) = before_after(&openapi);
        let fields: Vec<(String, String)> = names(&before)
            .into_iter()
            .filter(|c| c.2 == What::Field && c.0.starts_with("types::"))
            .map(|c| (c.0, c.1))
            .collect();
        for expected in [
            ("types::Merged", "id"),
            ("types::Merged", "foo_bar"),
            ("types::Spelled", "is_global"),
            ("types::Extra", "extra"),
        ] {
            assert!(
                fields.contains(&(expected.0.to_string(), expected.1.to_string())),
                "{expected:?} not in {fields:?}"
            );
        }
        assert_eq!(names(&after), vec![]);
    }

    /// Without a collision, nothing changes.
    #[test]
    fn no_collision_no_title() {
        let openapi = doc(
            json!({
                "subscription": {
                    "type": "object",
                    "properties": {
                        "schedule": {
                            "nullable": true,
                            "anyOf": [
                                { "type": "string", "maxLength": 5000 },
                                { "$ref": "#/components/schemas/plan" }
                            ]
                        }
                    }
                },
                "plan": { "type": "object", "properties": { "id": { "type": "string" } } }
            }),
            "subscription",
        );
        let mut normalised = openapi.clone();
        let out = crate::normalise::normalise(&mut normalised);
        assert!(
            out.rewrites
                .iter()
                .all(|r| r.rule != super::RewriteRule::Name),
            "{:?}",
            out.rewrites
        );
        assert_eq!(
            serde_json::to_value(&normalised.components).ok(),
            serde_json::to_value(&openapi.components).ok()
        );
    }
}
