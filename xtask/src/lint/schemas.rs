//! Schemas and examples: every schema in the document (component schemas and
//! those of parameters, headers, request and response bodies) is walked once;
//! every example met on the way is validated against its schema.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::examples::{self, Mismatch};
use super::{Lint, Rule, join, scalar};
use crate::spec::resolve::deref;

/// Formats of strings a reader of the spec (and code generation) knows.
const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ip",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "byte",
    "binary",
    "password",
    "regex",
    "json-pointer",
];

/// Formats of integers: OpenAPI's two and the sized ones typify maps to
/// Rust's integer types.
const INTEGER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
];

const NUMBER_FORMATS: &[&str] = &["float", "double", "int32", "int64"];

/// Whether `format` is a known one for a schema of type `kind`.
fn known_format(kind: Option<&str>, format: &str) -> bool {
    match kind {
        Some("integer") => INTEGER_FORMATS.contains(&format),
        Some("number") => NUMBER_FORMATS.contains(&format),
        Some("string") | None => STRING_FORMATS.contains(&format),
        _ => false,
    }
}

/// What to say about a format that is not a known one for its type.
enum FormatProblem {
    /// A known format of another type (`format: int64` on a string).
    OtherType,
    /// A known format written differently (`datetime`, `UUID`).
    Misspelt(&'static str),
    /// A format nobody here knows: OpenAPI leaves formats open.
    Unknown,
}

fn format_problem(format: &str) -> FormatProblem {
    let all = || {
        STRING_FORMATS
            .iter()
            .chain(INTEGER_FORMATS)
            .chain(NUMBER_FORMATS)
    };
    if all().any(|k| *k == format) {
        return FormatProblem::OtherType;
    }
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let squashed = squash(format);
    match all().find(|k| squash(k) == squashed) {
        Some(known) => FormatProblem::Misspelt(known),
        None => FormatProblem::Unknown,
    }
}

fn check_format(lint: &mut Lint<'_>, kind: Option<&str>, format: &str, at: &str) {
    if known_format(kind, format) {
        return;
    }
    let of_type = kind.map_or("a schema without type".to_string(), |k| format!("type {k}"));
    let known = "known ones are date-time, date, email, uri, uuid, byte, binary, password, … (and int32/int64, float/double for numbers)";
    match format_problem(format) {
        FormatProblem::Misspelt(meant) => lint.report(
            Rule::SchemaFormat,
            at,
            format!("unknown format `{format}` for {of_type}; did you mean `{meant}`? ({known})"),
        ),
        FormatProblem::OtherType => lint.report(
            Rule::SchemaFormat,
            at,
            format!("format `{format}` is not a format of {of_type}; {known}"),
        ),
        FormatProblem::Unknown => lint.report(
            Rule::SchemaFormatUnknown,
            at,
            format!(
                "format `{format}` of {of_type} is not one code generation knows: values are read as plain {}",
                kind.unwrap_or("values")
            ),
        ),
    }
}

pub(super) fn check(lint: &mut Lint<'_>, doc: &Value) {
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, schema) in schemas {
            walk(
                lint,
                doc,
                schema,
                &join("/components/schemas", name),
                true,
                0,
            );
        }
    }
    for holder in holders(doc) {
        let Some(Value::Object(map)) = doc.pointer(&holder) else {
            continue;
        };
        if let Some(schema) = map.get("schema") {
            walk(lint, doc, schema, &format!("{holder}/schema"), false, 0);
        }
        check_holder_examples(lint, doc, map, &holder);
    }
}

/// Pointers of the objects that carry `schema` plus `example`/`examples`:
/// parameters, headers and media types.
fn holders(doc: &Value) -> Vec<String> {
    let mut params = Vec::new();
    let mut bodies = Vec::new();
    let mut responses = Vec::new();
    let mut headers = Vec::new();
    let each = |pointer: &str| -> Vec<String> {
        match doc.pointer(pointer) {
            Some(Value::Object(m)) => m.keys().map(|k| join(pointer, k)).collect(),
            Some(Value::Array(items)) => {
                (0..items.len()).map(|i| format!("{pointer}/{i}")).collect()
            }
            _ => Vec::new(),
        }
    };
    params.extend(each("/components/parameters"));
    bodies.extend(each("/components/requestBodies"));
    responses.extend(each("/components/responses"));
    headers.extend(each("/components/headers"));
    for item in each("/paths") {
        params.extend(each(&format!("{item}/parameters")));
        for method in crate::spec::Method::ALL {
            let op = join(&item, method.key());
            params.extend(each(&format!("{op}/parameters")));
            bodies.push(format!("{op}/requestBody"));
            responses.extend(each(&format!("{op}/responses")));
        }
    }
    for r in &responses {
        headers.extend(each(&format!("{r}/headers")));
    }
    let mut out = Vec::new();
    for p in params.iter().chain(&headers) {
        out.push(p.clone());
        out.extend(each(&format!("{p}/content")));
    }
    for b in bodies.iter().chain(&responses) {
        out.extend(each(&format!("{b}/content")));
    }
    // A `$ref`ed parameter or header is checked where it is defined.
    out.retain(|p| doc.pointer(p).is_some_and(|v| v.get("$ref").is_none()));
    out
}

fn check_holder_examples(lint: &mut Lint<'_>, doc: &Value, map: &Map<String, Value>, holder: &str) {
    let Some(schema) = map.get("schema") else {
        return;
    };
    let schema_at = format!("{holder}/schema");
    if let Some(example) = map.get("example") {
        validate(
            lint,
            doc,
            schema,
            &schema_at,
            example,
            &format!("{holder}/example"),
        );
    }
    if let Some(Value::Object(named)) = map.get("examples") {
        for (name, example) in named {
            let at = join(&format!("{holder}/examples"), name);
            let (example, at) = deref(doc, example, &at);
            if let Some(value) = example.get("value") {
                validate(lint, doc, schema, &schema_at, value, &format!("{at}/value"));
            }
        }
    }
}

fn validate(
    lint: &mut Lint<'_>,
    doc: &Value,
    schema: &Value,
    schema_at: &str,
    example: &Value,
    at: &str,
) {
    let mut problems: Vec<Mismatch> = Vec::new();
    examples::validate(
        doc,
        schema,
        schema_at,
        example,
        &mut at.to_string(),
        &mut problems,
        examples::Depth::default(),
    );
    for p in problems {
        lint.report(Rule::ExampleInvalid, &p.at, p.message);
    }
}

fn typed(schema: &Map<String, Value>) -> bool {
    ["type", "$ref", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| schema.contains_key(*k))
}

/// Checks one schema and everything nested in it. `named` is true for a
/// schema directly under `components/schemas`, the one place enums may be.
fn walk(lint: &mut Lint<'_>, doc: &Value, schema: &Value, at: &str, named: bool, depth: usize) {
    // serde_yaml_ng refuses nesting past 128 levels, so this only guards.
    if depth > 256 {
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    // What sits beside a `$ref` is ignored by OpenAPI 3.0; the target is
    // checked where it is defined.
    if map.contains_key("$ref") {
        return;
    }
    let kind = map.get("type").and_then(Value::as_str);
    if let Some(values) = map.get("enum") {
        check_enum(lint, values, at, named);
    }
    if let Some(Value::String(format)) = map.get("format") {
        check_format(lint, kind, format, &format!("{at}/format"));
    }
    if kind == Some("integer") {
        for key in ["minimum", "maximum", "multipleOf"] {
            // 2^63: beyond it, no signed 64-bit integer.
            if let Some(Value::Number(n)) = map.get(key)
                && n.as_i64().is_none()
                && n.as_f64()
                    .is_some_and(|x| x.abs() >= 9_223_372_036_854_775_808.0)
            {
                lint.report(
                    Rule::SchemaNumberRange,
                    &format!("{at}/{key}"),
                    format!(
                        "`{key}: {n}` of an integer schema is beyond the signed 64-bit range; it is read as a floating-point number"
                    ),
                );
            }
        }
    }
    let properties = map.get("properties").and_then(Value::as_object);
    if let Some(properties) = properties {
        for (name, property) in properties {
            let p_at = join(&format!("{at}/properties"), name);
            if let Value::Object(p) = property
                && !typed(p)
            {
                lint.report(
                    Rule::SchemaPropertyType,
                    &p_at,
                    format!("property `{name}` has no `type` (or `$ref`); say what it holds"),
                );
            }
            walk(lint, doc, property, &p_at, false, depth + 1);
        }
    }
    if let Some(Value::Array(required)) = map.get("required") {
        let composed = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| map.contains_key(*k));
        for (i, name) in required.iter().enumerate() {
            let name = scalar(name);
            // Without `properties`, an `allOf`/`oneOf`/`anyOf` may bring the property.
            let known = match properties {
                Some(p) => p.contains_key(&name),
                None => composed,
            };
            if !known {
                lint.report(
                    Rule::SchemaRequiredUnknown,
                    &format!("{at}/required/{i}"),
                    format!("`required` lists `{name}`, which is not a property of this schema"),
                );
            }
        }
    }
    if let Some(items) = map.get("items") {
        walk(lint, doc, items, &format!("{at}/items"), false, depth + 1);
    }
    if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
        walk(
            lint,
            doc,
            extra,
            &format!("{at}/additionalProperties"),
            false,
            depth + 1,
        );
    }
    if let Some(not) = map.get("not") {
        walk(lint, doc, not, &format!("{at}/not"), false, depth + 1);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            for (i, member) in members.iter().enumerate() {
                walk(
                    lint,
                    doc,
                    member,
                    &format!("{at}/{key}/{i}"),
                    false,
                    depth + 1,
                );
            }
        }
    }
    if let Some(example) = map.get("example") {
        validate(lint, doc, schema, at, example, &format!("{at}/example"));
    }
}

fn check_enum(lint: &mut Lint<'_>, values: &Value, at: &str, named: bool) {
    let enum_at = format!("{at}/enum");
    if !named {
        lint.report(
            Rule::EnumInline,
            &enum_at,
            "inline enum; make it a named schema in components/schemas and `$ref` it, so the generated type has a stable name".to_string(),
        );
    }
    let Value::Array(values) = values else {
        return;
    };
    let mut seen = BTreeSet::new();
    for (i, v) in values.iter().enumerate() {
        let key = v.to_string();
        if !seen.insert(key) {
            lint.report(
                Rule::EnumDuplicate,
                &format!("{enum_at}/{i}"),
                format!("enum value `{}` is listed twice", scalar(v)),
            );
        }
    }
}
