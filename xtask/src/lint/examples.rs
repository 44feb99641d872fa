//! A small validator of examples against OpenAPI 3.0 schema objects.
//!
//! Written here rather than converting to JSON Schema for the `jsonschema`
//! crate: the subset the specs use (type, nullable, enum, required,
//! properties, additionalProperties, items, min/max length, items and value,
//! allOf/oneOf/anyOf, `date-time`/`date`/`uuid` formats) is a page of code,
//! OpenAPI 3.0 differs from JSON Schema exactly where a conversion would have
//! to be careful (`nullable`, boolean `exclusiveMaximum`, `$ref` siblings),
//! and every problem can name the schema it breaks.
//! Not checked: `pattern` (no regex engine in the xtask), `multipleOf`.

use serde_json::Value;

use crate::spec::resolve::deref;

/// One way an example breaks its schema: where in the example, and how.
pub(super) struct Mismatch {
    pub at: String,
    pub message: String,
}

/// How deep [`validate`] is: in all, and through `allOf`/`oneOf`/`anyOf`
/// on the same value. The second bound matters: a parent whose `oneOf`
/// lists children that are `allOf` the parent (Okta's "oneOf inheritance")
/// is a cycle that never reaches a deeper value, and each turn doubles the
/// paths; 64 turns would never finish.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Depth {
    total: usize,
    composed: usize,
}

impl Depth {
    /// Into a member of a composition: the same value, a deeper schema.
    fn member(self) -> Depth {
        Depth {
            total: self.total + 1,
            composed: self.composed + 1,
        }
    }

    /// Into a property or an item: a deeper value.
    fn inside(self) -> Depth {
        Depth {
            total: self.total + 1,
            composed: 0,
        }
    }

    fn exhausted(self) -> bool {
        self.total > 64 || self.composed > 8
    }
}

/// Validates `instance` (at pointer `at`) against `schema` (at `schema_at`),
/// pushing every problem. Stops descending as [`Depth`] says.
pub(super) fn validate(
    doc: &Value,
    schema: &Value,
    schema_at: &str,
    instance: &Value,
    at: &mut String,
    out: &mut Vec<Mismatch>,
    depth: Depth,
) {
    if depth.exhausted() {
        return;
    }
    let (schema, schema_at) = deref(doc, schema, schema_at);
    let Value::Object(s) = schema else {
        return;
    };
    let mut problem = |at: &str, message: String| {
        out.push(Mismatch {
            at: at.to_string(),
            message,
        });
    };
    if instance.is_null() && s.get("nullable").and_then(Value::as_bool) == Some(true) {
        return;
    }
    if let Some(Value::String(kind)) = s.get("type")
        && !has_type(instance, kind)
    {
        problem(
            at,
            format!(
                "example value {} is {}, but #{schema_at} expects {}",
                short(instance),
                kind_of(instance),
                article(kind)
            ),
        );
        return;
    }
    if let Some(Value::Array(values)) = s.get("enum")
        && !values.contains(instance)
    {
        let listed: Vec<String> = values.iter().take(6).map(|v| v.to_string()).collect();
        let more = if values.len() > 6 { ", …" } else { "" };
        problem(
            at,
            format!(
                "example value {} is not one of the values of #{schema_at} ({}{more})",
                short(instance),
                listed.join(", ")
            ),
        );
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        let Some(Value::Array(members)) = s.get(key) else {
            continue;
        };
        if key == "allOf" {
            for (i, member) in members.iter().enumerate() {
                validate(
                    doc,
                    member,
                    &format!("{schema_at}/allOf/{i}"),
                    instance,
                    at,
                    out,
                    depth.member(),
                );
            }
            continue;
        }
        let matching = members
            .iter()
            .enumerate()
            .filter(|(i, member)| {
                let mut scratch = Vec::new();
                let mut here = at.clone();
                validate(
                    doc,
                    member,
                    &format!("{schema_at}/{key}/{i}"),
                    instance,
                    &mut here,
                    &mut scratch,
                    depth.member(),
                );
                scratch.is_empty()
            })
            .count();
        if matching == 0 || (key == "oneOf" && matching > 1) {
            out.push(Mismatch {
                at: at.clone(),
                message: format!(
                    "example value {} matches {matching} of the schemas of #{schema_at}/{key}; it must match {}",
                    short(instance),
                    if key == "oneOf" { "exactly one" } else { "at least one" }
                ),
            });
        }
    }
    match instance {
        Value::String(text) => check_string(s, &schema_at, text, at, out),
        Value::Number(n) => {
            let Some(x) = n.as_f64() else { return };
            let bound = |k: &str| s.get(k).and_then(Value::as_f64);
            let exclusive = |k: &str| s.get(k).and_then(Value::as_bool) == Some(true);
            if let Some(min) = bound("minimum")
                && (x < min || (exclusive("exclusiveMinimum") && x == min))
            {
                out.push(Mismatch {
                    at: at.clone(),
                    message: format!(
                        "example value {n} is below the minimum {min} of #{schema_at}"
                    ),
                });
            }
            if let Some(max) = bound("maximum")
                && (x > max || (exclusive("exclusiveMaximum") && x == max))
            {
                out.push(Mismatch {
                    at: at.clone(),
                    message: format!(
                        "example value {n} is above the maximum {max} of #{schema_at}"
                    ),
                });
            }
        }
        Value::Array(items) => {
            let limit = |k: &str| s.get(k).and_then(Value::as_u64);
            let len = items.len() as u64;
            if let Some(min) = limit("minItems").filter(|m| len < *m) {
                out.push(Mismatch {
                    at: at.clone(),
                    message: format!("example array has {len} items; #{schema_at} needs at least {min} (minItems)"),
                });
            }
            if let Some(max) = limit("maxItems").filter(|m| len > *m) {
                out.push(Mismatch {
                    at: at.clone(),
                    message: format!("example array has {len} items; #{schema_at} allows at most {max} (maxItems)"),
                });
            }
            if let Some(item_schema) = s.get("items") {
                let len = at.len();
                for (i, item) in items.iter().enumerate() {
                    at.push_str(&format!("/{i}"));
                    validate(
                        doc,
                        item_schema,
                        &format!("{schema_at}/items"),
                        item,
                        at,
                        out,
                        depth.inside(),
                    );
                    at.truncate(len);
                }
            }
        }
        Value::Object(fields) => {
            let properties = s.get("properties").and_then(Value::as_object);
            if let Some(Value::Array(required)) = s.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    // A name that is not a property is `schema-required-unknown`'s
                    // finding; repeating it for every example adds nothing.
                    let listed = properties.is_none_or(|p| p.contains_key(name));
                    if listed && !fields.contains_key(name) {
                        out.push(Mismatch {
                            at: at.clone(),
                            message: format!(
                                "example object lacks `{name}`, which #{schema_at} requires"
                            ),
                        });
                    }
                }
            }
            let extra = s.get("additionalProperties");
            let len = at.len();
            for (name, value) in fields {
                let escaped = crate::spec::escape_pointer(name);
                let (sub, sub_at) = match properties.and_then(|p| p.get(name)) {
                    Some(p) => (p, format!("{schema_at}/properties/{escaped}")),
                    None => match extra {
                        Some(Value::Bool(false)) => {
                            out.push(Mismatch {
                                at: format!("{at}/{escaped}"),
                                message: format!(
                                    "example object has `{name}`, which #{schema_at} does not allow (additionalProperties: false)"
                                ),
                            });
                            continue;
                        }
                        Some(extra @ Value::Object(_)) => {
                            (extra, format!("{schema_at}/additionalProperties"))
                        }
                        _ => continue,
                    },
                };
                at.push('/');
                at.push_str(&escaped);
                validate(doc, sub, &sub_at, value, at, out, depth.inside());
                at.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

fn check_string(
    s: &serde_json::Map<String, Value>,
    schema_at: &str,
    text: &str,
    at: &str,
    out: &mut Vec<Mismatch>,
) {
    let chars = text.chars().count() as u64;
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
        && chars > max
    {
        out.push(Mismatch {
            at: at.to_string(),
            message: format!(
                "example value is {chars} characters long; #{schema_at} allows at most {max} (maxLength)"
            ),
        });
    }
    if let Some(min) = s.get("minLength").and_then(Value::as_u64)
        && chars < min
    {
        out.push(Mismatch {
            at: at.to_string(),
            message: format!(
                "example value is {chars} characters long; #{schema_at} needs at least {min} (minLength)"
            ),
        });
    }
    let format = s.get("format").and_then(Value::as_str);
    let valid = match format {
        Some("date-time") => is_date_time(text),
        Some("date") => is_date(text),
        Some("uuid") => is_uuid(text),
        _ => true,
    };
    if !valid {
        let shape = match format {
            Some("date-time") => "an RFC 3339 date-time such as 2022-11-22T04:37:12Z",
            Some("date") => "a date such as 2022-11-22",
            _ => "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
        };
        out.push(Mismatch {
            at: at.to_string(),
            message: format!(
                "example value {} is not {shape}, as the format of #{schema_at} requires",
                short(&Value::String(text.to_string()))
            ),
        });
    }
}

fn has_type(v: &Value, kind: &str) -> bool {
    match kind {
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "number" => v.is_number(),
        "integer" => match v {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        // An unknown type is the structure check's business, not the example's.
        _ => true,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn article(kind: &str) -> String {
    match kind {
        "integer" | "object" | "array" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// The value as JSON, cut to 40 characters.
fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 40 {
        format!("`{text}`")
    } else {
        format!("`{}…`", text.chars().take(40).collect::<String>())
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD`, with a day that exists in that month.
fn is_date(s: &str) -> bool {
    let (Some(y), Some(m), Some(d)) = (
        s.get(0..4).and_then(digits),
        s.get(5..7).and_then(digits),
        s.get(8..10).and_then(digits),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' && (1..=days).contains(&d)
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let (Some(date), Some(sep), Some(rest)) = (s.get(0..10), s.get(10..11), s.get(11..)) else {
        return false;
    };
    if !is_date(date) || !matches!(sep, "T" | "t") {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        rest.get(0..2).and_then(digits),
        rest.get(3..5).and_then(digits),
        rest.get(6..8).and_then(digits),
    ) else {
        return false;
    };
    let b = rest.as_bytes();
    if b.get(2) != Some(&b':') || b.get(5) != Some(&b':') || h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut zone = &rest[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        zone = &fraction[n..];
    }
    match zone {
        "Z" | "z" => true,
        _ => {
            let (Some(sign), Some(oh), Some(colon), Some(om)) = (
                zone.get(0..1),
                zone.get(1..3).and_then(digits),
                zone.get(3..4),
                zone.get(4..).and_then(digits),
            ) else {
                return false;
            };
            matches!(sign, "+" | "-") && colon == ":" && zone.len() == 6 && oh <= 23 && om <= 59
        }
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for ok in [
            "2022-11-22T04:37:12Z",
            "2022-11-22T04:37:12.123+05:30",
            "2024-02-29t00:00:00z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2022-11-22",
            "2022-11-22 04:37:12Z",
            "2023-02-29T00:00:00Z",
            "2022-11-22T24:00:00Z",
            "2022-11-22T04:37:12",
            "2022-11-22T04:37:12.Z",
            "2022-11-22T04:37:12+0530",
            "２０２２-11-22T04:37:12Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
