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
    SchemaKind, Type,
};

use super::{Rewrite, Rule};
use crate::names::type_name;

/// Drops colliding properties, then titles schemas whose type names collide.
pub(super) fn fix(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    super::walk::document(openapi, &mut |node, at| {
        if let super::walk::Node::Schema(schema) = node {
            properties(schema, &at.pointer(), log);
        }
    });
    types(openapi, log);
}

fn properties(schema: &mut Schema, at: &str, log: &mut Vec<Rewrite>) {
    let (props, required) = match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&mut o.properties, &mut o.required),
        SchemaKind::Any(a) => (&mut a.properties, &mut a.required),
        _ => return,
    };
    if props.len() < 2 {
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
        if names.len() < 2 {
            continue;
        }
        // Keep one: required before optional, not deprecated before
        // deprecated, then document order.
        let rank = |name: &String| {
            let deprecated = match props.get(name) {
                Some(ReferenceOr::Item(s)) => s.schema_data.deprecated,
                _ => false,
            };
            (!required.contains(name), deprecated)
        };
        let keep = names
            .iter()
            .enumerate()
            .min_by_key(|(i, n)| (rank(n), *i))
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        for name in names.iter().filter(|n| **n != keep) {
            let was_required = required.contains(name);
            props.shift_remove(name);
            required.retain(|r| r != name);
            log.push(Rewrite {
                rule: Rule::Name,
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
    crate::names::method_name(name)
}

/// Where a predicted type name comes from.
struct Site {
    /// How to reach the schema to title it.
    path: SitePath,
    /// The schema's JSON (equal schemas may share a name: typify reuses it).
    text: String,
    /// A component schema itself: keeps its name.
    component: bool,
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
}

fn types(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    let mut sites: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    if let Some(c) = openapi.components.as_ref() {
        for (name, schema) in c.schemas.iter() {
            if let ReferenceOr::Item(s) = schema {
                let path = SitePath::Component(name.clone(), Vec::new());
                predict(s, name, &path, true, &mut sites);
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
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                for mt in body.content.values() {
                    if let Some(ReferenceOr::Item(s)) = &mt.schema {
                        let at = SitePath::Body(path.clone(), method.clone(), Vec::new());
                        predict(s, &format!("{id}-body"), &at, false, &mut sites);
                    }
                }
            }
            for (code, r) in op.responses.responses.iter() {
                let ReferenceOr::Item(r) = r else { continue };
                for mt in r.content.values() {
                    if let Some(ReferenceOr::Item(s)) = &mt.schema {
                        let at = SitePath::Response(
                            path.clone(),
                            method.clone(),
                            code.clone(),
                            Vec::new(),
                        );
                        predict(s, &format!("{id}-response"), &at, false, &mut sites);
                    }
                }
            }
            for (i, p) in op.parameters.iter().enumerate() {
                let ReferenceOr::Item(p) = p else { continue };
                let data = p.parameter_data_ref();
                if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = &data.format {
                    let at = SitePath::Param(path.clone(), method.clone(), i, Vec::new());
                    predict(s, &format!("{id}-{}", data.name), &at, false, &mut sites);
                }
            }
        }
    }
    let mut taken: BTreeSet<String> = sites.keys().cloned().collect();
    let mut renames: Vec<(SitePath, String, String)> = Vec::new();
    for (name, list) in &sites {
        // Sites with equal schemas share a type (typify reuses it): group
        // them. The group with the component of that name keeps the name,
        // else the first group; each other group gets one new name.
        let mut groups: Vec<(&str, bool, Vec<&SitePath>)> = Vec::new();
        for site in list {
            let same =
                |g: &&mut (&str, bool, Vec<&SitePath>)| g.0 == site.text && !g.1 && !site.component;
            match groups.iter_mut().find(same) {
                Some(group) => group.2.push(&site.path),
                None => groups.push((&site.text, site.component, vec![&site.path])),
            }
        }
        // A component keeps its name; typify emits a second type of that
        // name even for an equal inline schema, so with a component every
        // other group is renamed. Without one, the first group keeps it.
        let keeper = groups.iter().position(|g| g.1);
        let mut n = 2;
        for (i, (_, component, paths)) in groups.iter().enumerate() {
            // Two components of one Rust name are renamed by nobody here:
            // a title does not rename a component.
            if Some(i) == keeper || *component || (keeper.is_none() && i == 0) {
                continue;
            }
            let mut fresh = format!("{name}{n}");
            while taken.contains(&fresh) {
                n += 1;
                fresh = format!("{name}{n}");
            }
            taken.insert(fresh.clone());
            for path in paths {
                renames.push(((*path).clone(), name.clone(), fresh.clone()));
            }
        }
    }
    for (path, old, new) in renames {
        if let Some(schema) = site_mut(openapi, &path) {
            schema.schema_data.title = Some(new.clone());
            // typify converts the one member of an `allOf` in place of the
            // wrapper, with the wrapper's suggested name: title it too.
            if let SchemaKind::AllOf { all_of } = &mut schema.schema_kind
                && let [ReferenceOr::Item(member)] = all_of.as_mut_slice()
            {
                member.schema_data.title = Some(new.clone());
            }
            log.push(Rewrite {
                rule: Rule::Name,
                at: path.to_string(),
                detail: format!(
                    "its Rust type would be `{old}`, the name of a different schema: titled `{new}`"
                ),
            });
        }
    }
}

/// Whether typify makes a named type of this schema (an object with
/// properties, an enum, a composite), as opposed to a Rust built-in.
fn named_kind(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Type(Type::String(st)) => !st.enumeration.is_empty(),
        SchemaKind::Type(_) => false,
        SchemaKind::Any(a) => !a.properties.is_empty() || !a.enumeration.is_empty(),
        // One reference, alone or beside null, is that reference's type.
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            let refs = list
                .iter()
                .filter(|s| matches!(s, ReferenceOr::Reference { .. }))
                .count();
            let nulls = list.iter().filter(|s| is_null(s)).count();
            !(refs == 1 && refs + nulls == list.len())
        }
        SchemaKind::Not { .. } => true,
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

fn predict(
    s: &Schema,
    suggested: &str,
    path: &SitePath,
    component: bool,
    sites: &mut BTreeMap<String, Vec<Site>>,
) {
    // A component is named after its key; a title names anything else.
    let name = match (&s.schema_data.title, component) {
        (Some(title), false) => title.clone(),
        _ => suggested.to_string(),
    };
    if component || named_kind(s) {
        sites.entry(type_name(&name)).or_default().push(Site {
            path: path.clone(),
            text: serde_json::to_string(s).unwrap_or_default(),
            component,
        });
    }
    let child = |step: Step| {
        let mut p = path.clone();
        steps(&mut p).push(step);
        p
    };
    let props = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.additional_properties)),
        SchemaKind::Any(a) => Some((&a.properties, &a.additional_properties)),
        _ => None,
    };
    if let Some((props, additional)) = props {
        for (prop, p) in props {
            if let ReferenceOr::Item(p) = p {
                let sub = format!("{name}_{}", prop.to_snake_case());
                predict(p, &sub, &child(Step::Prop(prop.clone())), false, sites);
            }
        }
        if let Some(AdditionalProperties::Schema(a)) = additional
            && let ReferenceOr::Item(a) = a.as_ref()
        {
            let sub = format!("{name}Value");
            predict(a, &sub, &child(Step::Additional), false, sites);
        }
    }
    let items = match &s.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
        SchemaKind::Any(a) => a.items.as_ref(),
        _ => None,
    };
    if let Some(ReferenceOr::Item(i)) = items {
        predict(i, &format!("{name}Item"), &child(Step::Items), false, sites);
    }
    // allOf members are merged into one type: their properties are named
    // after the parent.
    if let SchemaKind::AllOf { all_of } = &s.schema_kind {
        for (i, member) in all_of.iter().enumerate() {
            if let ReferenceOr::Item(m) = member {
                let merged = Schema {
                    schema_data: openapiv3::SchemaData {
                        title: None,
                        ..m.schema_data.clone()
                    },
                    schema_kind: m.schema_kind.clone(),
                };
                predict_children_only(&merged, &name, &child(Step::AllOf(i)), sites);
            }
        }
    }
}

/// The properties of an allOf member, named after the merged parent.
fn predict_children_only(
    s: &Schema,
    name: &str,
    path: &SitePath,
    sites: &mut BTreeMap<String, Vec<Site>>,
) {
    let props = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return,
    };
    for (prop, p) in props {
        if let ReferenceOr::Item(p) = p {
            let mut sub_path = path.clone();
            steps(&mut sub_path).push(Step::Prop(prop.clone()));
            let sub = format!("{name}_{}", prop.to_snake_case());
            predict(p, &sub, &sub_path, false, sites);
        }
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
            (Step::AllOf(i), SchemaKind::AllOf { all_of }) => match all_of.get_mut(*i)? {
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
    crate::spec::operation_slots(item)
        .into_iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(method))
        .and_then(|(_, slot)| slot.as_mut())
}
