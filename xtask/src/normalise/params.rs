//! Parameters progenitor cannot send.
//!
//! progenitor sends path parameters in `simple` style, query parameters in
//! `form` style and headers; it refuses cookies, other styles and
//! parameters described by `content` (an error for the whole document),
//! and panics on a path parameter the path does not contain. Each operation
//! gets its parameters in place (the path item's shared ones merged in, so
//! one operation can be changed alone), then:
//!
//! - a parameter progenitor cannot send that is optional is dropped (the
//!   request is what the vendor documents when the caller leaves it out);
//!   a required one skips the operation, with the reason;
//! - a `deepObject` query parameter whose keys are fixed (an object of
//!   scalars, nested objects, lists of scalars; a union of such and a
//!   scalar, as Stripe's `created`) becomes one `form` parameter per leaf,
//!   named as it goes on the wire: `filter[status]`, `filter[age][gt]`,
//!   `expand[]` for a list (sent `expand[]=a&expand[]=b`), the scalar of a
//!   union under the parameter's own name. progenitor sends each as it
//!   sends any query parameter (its brackets percent-encoded, as any form
//!   reader decodes them). One with keys the schema does not fix (a map, a
//!   list of objects) cannot be spelt as parameters and is dropped as
//!   below. (A typed value the runtime re-encodes is not possible here:
//!   progenitor serialises a query value with `serde_urlencoded`, which
//!   fails on anything nested before the runtime's hook sees the request.)
//! - a `spaceDelimited` or `pipeDelimited` list is a string the caller
//!   joins, like an unexploded one;
//! - the one cookie parameter of an operation is the `Cookie` header, which
//!   the caller writes `name=value` (several cookies share that header, and
//!   are treated as any parameter progenitor cannot send);
//! - a path parameter not marked `required` is marked (OpenAPI requires it);
//! - a declared path parameter the path does not contain is dropped (it
//!   cannot be sent), and a `{name}` of the path with no declaration gets a
//!   required string parameter.

use std::collections::BTreeSet;

use openapiv3::{
    Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};

use super::Ctx;

/// Rewrites the parameters of `op` at `path`, with the path item's shared
/// `shared` ones merged in; returns notes, or the reason to skip.
pub(super) fn rewrite(
    op: &mut Operation,
    path: &str,
    shared: &[ReferenceOr<Parameter>],
    ctx: &Ctx<'_>,
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let mut params: Vec<Parameter> = Vec::new();
    for p in op.parameters.iter() {
        params.push(resolve(p, ctx)?);
    }
    for p in shared {
        let p = resolve(p, ctx)?;
        // The operation's own parameter of that name wins.
        if !params.iter().any(|q| same(q, &p)) {
            params.push(p);
        }
    }
    let template: BTreeSet<String> = crate::spec::template_names(path)
        .into_iter()
        .map(str::to_string)
        .collect();
    let cookies = params
        .iter()
        .filter(|p| matches!(p, Parameter::Cookie { .. }))
        .count();
    let mut kept = Vec::new();
    for mut p in params {
        if cookies == 1
            && let Parameter::Cookie { parameter_data, .. } = &p
            && matches!(parameter_data.format, ParameterSchemaOrContent::Schema(_))
        {
            // The one cookie of the operation: the `Cookie` header, which
            // carries exactly `name=value`.
            let mut data = parameter_data.clone();
            let name = std::mem::replace(&mut data.name, "Cookie".to_string());
            as_string(
                &mut data,
                &format!("Sent as the `Cookie` header: write `{name}=<value>`."),
            );
            notes.push(format!(
                "cookie parameter `{name}` is the `Cookie` header, written `{name}=<value>`"
            ));
            p = Parameter::Header {
                parameter_data: data,
                style: openapiv3::HeaderStyle::Simple,
            };
        }
        if let Parameter::Query {
            parameter_data,
            style: QueryStyle::DeepObject,
            ..
        } = &p
            && let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format
            && let Some(leaves) = deep_object(&parameter_data.name, schema, ctx)
        {
            let names: Vec<&str> = leaves.iter().map(|l| l.name.as_str()).collect();
            notes.push(format!(
                "`deepObject` query parameter `{}` sent as {}",
                parameter_data.name,
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let required = parameter_data.required;
            for leaf in leaves {
                kept.push(leaf.parameter(parameter_data, required, "deepObject"));
            }
            continue;
        }
        if let Parameter::Query {
            parameter_data,
            style: QueryStyle::Form,
            ..
        } = &p
            && parameter_data.explode != Some(false)
            && let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format
            && let Some(leaves) = form_object(schema, ctx)
        {
            // An exploded `form` object goes as one pair per property
            // (`status=open&limit=3`): a parameter per property sends just
            // that, where progenitor would refuse the object.
            notes.push(format!(
                "object query parameter `{}` sent as its properties {}",
                parameter_data.name,
                leaves
                    .iter()
                    .map(|l| format!("`{}`", l.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let required = parameter_data.required;
            for leaf in leaves {
                kept.push(leaf.parameter(parameter_data, required, "form"));
            }
            continue;
        }
        let delimiter = match &p {
            Parameter::Query {
                style: QueryStyle::SpaceDelimited,
                ..
            } => Some(("spaceDelimited", " ")),
            Parameter::Query {
                style: QueryStyle::PipeDelimited,
                ..
            } => Some(("pipeDelimited", "|")),
            _ => None,
        };
        if let (Some((style_name, delimiter)), Parameter::Query { parameter_data, .. }) =
            (delimiter, &p)
            && is_array(&parameter_data.format, ctx)
        {
            let name = parameter_data.name.clone();
            let mut parameter_data = parameter_data.clone();
            joined(&mut parameter_data, delimiter);
            notes.push(format!(
                "query parameter `{name}` (an array, `{style_name}`) is a string of values joined with `{delimiter}`"
            ));
            p = Parameter::Query {
                parameter_data,
                allow_reserved: false,
                style: QueryStyle::Form,
                allow_empty_value: None,
            };
        }
        let data = p.parameter_data_ref();
        let name = data.name.clone();
        let required = data.required;
        let problem = match &p {
            Parameter::Cookie { .. } => Some("a cookie parameter".to_string()),
            _ if matches!(data.format, ParameterSchemaOrContent::Content(_)) => {
                Some("described by `content`, not `schema`".to_string())
            }
            Parameter::Path { style, .. } if !matches!(style, PathStyle::Simple) => {
                Some(format!("a path parameter in `{style:?}` style"))
            }
            Parameter::Query { style, .. } if !matches!(style, QueryStyle::Form) => {
                Some(format!("a query parameter in `{style:?}` style"))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            if required && !matches!(p, Parameter::Path { .. }) {
                return Err(format!(
                    "its required parameter `{name}` is {problem}, which progenitor cannot send"
                ));
            }
            if matches!(p, Parameter::Path { .. }) && template.contains(&name) {
                return Err(format!(
                    "its path parameter `{name}` is {problem}, which progenitor cannot send"
                ));
            }
            notes.push(format!(
                "optional parameter `{name}` dropped: {problem}, which progenitor cannot send"
            ));
            continue;
        }
        if let Parameter::Query { parameter_data, .. } = &mut p
            && parameter_data.explode == Some(false)
            && is_array(&parameter_data.format, ctx)
        {
            // progenitor repeats the name for each element (`a=1&a=2`);
            // `explode: false` means one comma-separated value (`a=1,2`).
            // A string the caller joins sends exactly that.
            joined(parameter_data, ",");
            notes.push(format!(
                "query parameter `{name}` (an array, `explode: false`) is a comma-separated string"
            ));
        }
        if let Parameter::Path { parameter_data, .. } = &mut p {
            if !template.contains(&name) {
                notes.push(format!(
                    "path parameter `{name}` dropped: the path `{path}` does not contain it"
                ));
                continue;
            }
            if !parameter_data.required {
                parameter_data.required = true;
                notes.push(format!(
                    "path parameter `{name}` marked required (path parameters always are)"
                ));
            }
        }
        let header = matches!(p, Parameter::Header { .. });
        if let Parameter::Header { parameter_data, .. } | Parameter::Path { parameter_data, .. } =
            &mut p
            && let Some(note) = displayable(parameter_data, header, ctx)
        {
            notes.push(note);
        }
        kept.push(p);
    }
    for name in &template {
        let declared = kept
            .iter()
            .any(|p| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == *name);
        if !declared {
            notes.push(format!(
                "path parameter `{name}` is in the path but not declared: added as a string"
            ));
            kept.push(Parameter::Path {
                parameter_data: ParameterData {
                    name: name.clone(),
                    description: None,
                    required: true,
                    deprecated: None,
                    format: ParameterSchemaOrContent::Schema(ReferenceOr::Item(Schema {
                        schema_data: SchemaData::default(),
                        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
                    })),
                    example: None,
                    examples: Default::default(),
                    explode: None,
                    extensions: Default::default(),
                },
                style: PathStyle::Simple,
            });
        }
    }
    // Two parameters with one Rust name would be two fields of one name:
    // an optional one of the two goes (deprecated first: often an old
    // spelling kept beside the new one); two required ones skip.
    let rust = |p: &Parameter| crate::names::method_name(&p.parameter_data_ref().name);
    let mut rust_names = BTreeSet::new();
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&i| {
        let d = kept[i].parameter_data_ref();
        (d.deprecated != Some(true), d.required, i)
    });
    let mut drop = BTreeSet::new();
    for &i in order.iter().rev() {
        let d = kept[i].parameter_data_ref();
        if rust_names.insert(rust(&kept[i])) {
            continue;
        }
        if d.required {
            return Err(format!(
                "two of its required parameters have the Rust name `{}`; progenitor would generate two fields of one name",
                rust(&kept[i])
            ));
        }
        notes.push(format!(
            "optional parameter `{}` dropped: another parameter has its Rust name `{}`",
            d.name,
            rust(&kept[i])
        ));
        drop.insert(i);
    }
    let kept: Vec<Parameter> = kept
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, p)| p)
        .collect();
    if op.request_body.is_some() && rust_names.contains("body") {
        return Err(
            "it has a parameter named `body` beside a request body; progenitor would generate two of one name"
                .to_string(),
        );
    }
    op.parameters = kept.into_iter().map(ReferenceOr::Item).collect();
    Ok(notes)
}

fn resolve(p: &ReferenceOr<Parameter>, ctx: &Ctx<'_>) -> Result<Parameter, String> {
    match p {
        ReferenceOr::Item(p) => Ok(p.clone()),
        ReferenceOr::Reference { reference } => ctx
            .parameter(reference)
            .cloned()
            .ok_or_else(|| format!("its parameter `{reference}` does not resolve to a parameter")),
    }
}

/// progenitor combines shared and own parameters by name alone.
fn same(a: &Parameter, b: &Parameter) -> bool {
    a.parameter_data_ref().name == b.parameter_data_ref().name
}

fn is_array(format: &ParameterSchemaOrContent, ctx: &Ctx<'_>) -> bool {
    let ParameterSchemaOrContent::Schema(schema) = format else {
        return false;
    };
    ctx.schema(schema).is_some_and(|s| match &s.schema_kind {
        SchemaKind::Type(Type::Array(_)) => true,
        SchemaKind::Any(a) => a.typ.as_deref() == Some("array") || a.items.is_some(),
        _ => false,
    })
}

/// progenitor writes a header or path value with `to_string()`, so its
/// Rust type must be `Display`: a scalar, an enum of scalars, or a union of
/// them. Others are rewritten to what goes on the wire (`simple` style, the
/// only one for headers and the default for paths):
///
/// - a nullable scalar loses `nullable` (an absent header, or the optional
///   parameter left out, is how "no value" is sent; `Option<Option<_>>`
///   has no `Display`);
/// - a header's list of scalars is the string of its values joined with
///   `,` (a path's stays a list: the post-processing sends it so,
///   [`crate::passes`]' `path_lists`);
/// - anything else (an object, a list of objects) is a string the caller
///   writes in `simple` style.
///
/// Returns the note, or `None` when the parameter is left as it is.
fn displayable(parameter_data: &mut ParameterData, header: bool, ctx: &Ctx<'_>) -> Option<String> {
    let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
        return None;
    };
    let resolved = ctx.schema(schema)?;
    let name = parameter_data.name.clone();
    if scalar(resolved, ctx, 0) {
        if !resolved.schema_data.nullable {
            return None;
        }
        let mut plain = resolved.clone();
        plain.schema_data.nullable = false;
        parameter_data.format = ParameterSchemaOrContent::Schema(ReferenceOr::Item(plain));
        return Some(format!(
            "parameter `{name}` is no longer nullable: a value that is absent is how none is sent"
        ));
    }
    if matches!(&resolved.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && super::nulls::is_bare(a))
    {
        // Any JSON value: `serde_json::Value` is `Display`. (A map, with
        // `additionalProperties` and no `type`, is not, and goes on.)
        return None;
    }
    if is_array(&parameter_data.format, ctx) {
        if !header {
            return None;
        }
        joined(parameter_data, ",");
        return Some(format!(
            "parameter `{name}` (an array) is a comma-separated string, as `simple` style sends it"
        ));
    }
    as_string(
        parameter_data,
        "Written as the API reads it (`simple` style: `key,value,key,value` for an object).",
    );
    Some(format!(
        "parameter `{name}` (neither a scalar nor a list of them) is a string the caller writes in `simple` style"
    ))
}

/// The properties of an exploded `form` object parameter, one [`Leaf`]
/// each under its own name, when each is a scalar or a list of scalars
/// (`form` style defines nothing deeper); `None` otherwise.
fn form_object(schema: &ReferenceOr<Schema>, ctx: &Ctx<'_>) -> Option<Vec<Leaf>> {
    let resolved = ctx.schema(schema)?;
    let (properties, needed) = match &resolved.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(a) if a.items.is_none() => (&a.properties, &a.required),
        _ => return None,
    };
    if properties.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (prop, p) in properties {
        let p = unbox(p);
        let leaf = ctx.schema(&p)?;
        let list_of_scalars = match &leaf.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a
                .items
                .as_ref()
                .is_some_and(|i| ctx.schema(&unbox(i)).is_some_and(|i| scalar(i, ctx, 1))),
            _ => false,
        };
        if !scalar(leaf, ctx, 1) && !list_of_scalars {
            return None;
        }
        out.push(Leaf {
            name: prop.clone(),
            schema: p,
            required: needed.contains(prop),
        });
    }
    Some(out)
}

/// Makes an array parameter a string of its values joined with
/// `delimiter`, which the caller joins (progenitor would repeat the name).
fn joined(parameter_data: &mut ParameterData, delimiter: &str) {
    let name = &parameter_data.name;
    let how = if delimiter == "," {
        "Comma-separated values".to_string()
    } else {
        format!("Values separated by `{delimiter}`")
    };
    let note = format!("{how} (the API reads one `{name}` joined with `{delimiter}`).");
    as_string(parameter_data, &note);
}

/// Makes a parameter a plain string, with `note` (how to write it) added
/// to its description.
fn as_string(parameter_data: &mut ParameterData, note: &str) {
    super::append_note(&mut parameter_data.description, note);
    parameter_data.format = ParameterSchemaOrContent::Schema(ReferenceOr::Item(Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
    }));
}

/// One leaf of a `deepObject` parameter: a `form` parameter of its own.
struct Leaf {
    /// The name on the wire: `filter[age][gt]`, `expand[]`.
    name: String,
    schema: ReferenceOr<Schema>,
    /// Required when every object on its way requires it (never inside a
    /// union: which of its arms is sent is the caller's choice).
    required: bool,
}

impl Leaf {
    /// The leaf as a parameter of its own; `style` is the object's
    /// (`deepObject`, `form`), for its description.
    fn parameter(self, of: &ParameterData, required: bool, style: &str) -> Parameter {
        let description = match &of.description {
            Some(d) => format!(
                "`{}` of the `{style}` parameter `{}`: {d}",
                self.name, of.name
            ),
            None => format!("`{}` of the `{style}` parameter `{}`.", self.name, of.name),
        };
        Parameter::Query {
            parameter_data: ParameterData {
                name: self.name,
                description: Some(description),
                required: required && self.required,
                deprecated: of.deprecated,
                format: ParameterSchemaOrContent::Schema(self.schema),
                example: None,
                examples: Default::default(),
                explode: None,
                extensions: Default::default(),
            },
            allow_reserved: false,
            style: QueryStyle::Form,
            allow_empty_value: None,
        }
    }
}

/// The leaves of a `deepObject` parameter `name` with `schema`, when its
/// keys are fixed; `None` when they are not (a map, a list of objects).
fn deep_object(name: &str, schema: &ReferenceOr<Schema>, ctx: &Ctx<'_>) -> Option<Vec<Leaf>> {
    let mut out = Vec::new();
    leaves(name, schema, true, ctx, 0, &mut out)?;
    // A union's arms may give one name twice (`anyOf: [string, integer]`
    // at one key): the first stays.
    let mut seen = BTreeSet::new();
    out.retain(|leaf| seen.insert(leaf.name.clone()));
    (!out.is_empty()).then_some(out)
}

fn leaves(
    key: &str,
    schema: &ReferenceOr<Schema>,
    required: bool,
    ctx: &Ctx<'_>,
    depth: usize,
    out: &mut Vec<Leaf>,
) -> Option<()> {
    if depth > 8 {
        return None;
    }
    let resolved = ctx.schema(schema)?;
    if scalar(resolved, ctx, depth) {
        out.push(Leaf {
            name: key.to_string(),
            schema: schema.clone(),
            required,
        });
        return Some(());
    }
    let object = |properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                  needed: &[String],
                  out: &mut Vec<Leaf>| {
        if properties.is_empty() {
            return None;
        }
        for (prop, p) in properties {
            let required = required && needed.contains(prop);
            leaves(
                &format!("{key}[{prop}]"),
                &unbox(p),
                required,
                ctx,
                depth + 1,
                out,
            )?;
        }
        Some(())
    };
    match &resolved.schema_kind {
        SchemaKind::Type(Type::Object(o)) => object(&o.properties, &o.required, out),
        SchemaKind::Any(a) if !a.properties.is_empty() && a.items.is_none() => {
            object(&a.properties, &a.required, out)
        }
        SchemaKind::Type(Type::Array(a)) => {
            let items = a.items.as_ref().map(unbox)?;
            let items = ctx.schema(&items)?;
            scalar(items, ctx, depth).then(|| {
                out.push(Leaf {
                    name: format!("{key}[]"),
                    schema: schema.clone(),
                    required,
                });
            })
        }
        SchemaKind::AnyOf { any_of: arms } | SchemaKind::OneOf { one_of: arms } => {
            for arm in arms {
                leaves(key, arm, false, ctx, depth + 1, out)?;
            }
            Some(())
        }
        _ => None,
    }
}

/// A property's schema as a parameter's (which is not boxed).
fn unbox(p: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match p {
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// A string, number, integer or boolean, or a union of those.
fn scalar(schema: &Schema, ctx: &Ctx<'_>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_) | Type::Array(_)) => false,
        SchemaKind::Type(_) => true,
        SchemaKind::AnyOf { any_of: arms } | SchemaKind::OneOf { one_of: arms } => {
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| ctx.schema(a).is_some_and(|s| scalar(s, ctx, depth + 1)))
        }
        SchemaKind::Any(a) => {
            a.properties.is_empty()
                && a.items.is_none()
                && matches!(
                    a.typ.as_deref(),
                    Some("string" | "number" | "integer" | "boolean")
                )
        }
        _ => false,
    }
}
