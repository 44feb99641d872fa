//! Form bodies, sent from the typed JSON body progenitor builds.
//!
//! progenitor cannot send `multipart/form-data`, and its
//! `application/x-www-form-urlencoded` (`serde_urlencoded`) has no nested
//! objects or lists. Codegen's normalisation generates such a body as a
//! typed JSON object instead, and records the form ([`Form`]: its kind and
//! its fields) in the operation's facts. The runtime's `pre` hook turns the
//! JSON into the form before sending ([`encode`]):
//!
//! - **multipart** (RFC 7578): one part per property, files as raw bytes;
//! - **urlencoded**: one `key=value` pair per scalar, nested values with
//!   brackets, as Stripe (and Rails, PHP, `qs`) read them; see
//!   [`urlencoded`] for every choice.
//!
//! Encoded here rather than with `reqwest::multipart`: that form can only
//! be attached to a `RequestBuilder`, and the hook gets a built `Request`.
//! The encoding is small and fully determined by the fields.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Which form a body is sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FormKind {
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    UrlEncoded,
}

/// How one field of a urlencoded form is serialized: the `style` of its
/// OpenAPI Encoding Object (3.0, default `form`). Multipart ignores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `form`: `a=1&a=2` exploded, `a=1,2` not.
    Form,
    /// `spaceDelimited`: a list as `a=1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: a list as `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[b][c]=1`, lists indexed `a[0]=1`.
    DeepObject,
}

/// One field of a form, as the spec declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FormField {
    /// The field's name (the JSON property's name).
    pub name: &'static str,
    /// A file (multipart only): its JSON value is an array of bytes, sent
    /// as the raw content of a part with a `filename`.
    pub binary: bool,
    /// The encoding's `style` (urlencoded only).
    pub style: Style,
    /// The encoding's `explode` (urlencoded only; default `true`).
    pub explode: bool,
}

impl FormField {
    /// A field with the defaults of OpenAPI's Encoding Object: not a file,
    /// `style: form`, `explode: true`.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            binary: false,
            style: Style::Form,
            explode: true,
        }
    }
}

/// A form body: its kind and its declared fields, in the schema's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Form {
    /// Multipart or urlencoded.
    pub kind: FormKind,
    /// The declared fields (for a urlencoded form, codegen lists only
    /// those whose encoding is not the default). A property of the JSON
    /// body that is not listed is sent too, after them, with the defaults.
    pub fields: &'static [FormField],
}

/// A form ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// `multipart/form-data; boundary=...` or
    /// `application/x-www-form-urlencoded`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// Encodes the JSON object `body` as `form` says.
pub fn encode(form: &Form, body: &Value) -> Result<Encoded, String> {
    match form.kind {
        FormKind::Multipart => multipart(form.fields, body),
        FormKind::UrlEncoded => Ok(Encoded {
            content_type: "application/x-www-form-urlencoded".to_string(),
            body: urlencoded(form.fields, body)?.into_bytes(),
        }),
    }
}

/// The declared `fields` that `map` has, in their order, then its other
/// properties (with the defaults), in the map's order.
fn ordered<'a>(
    fields: &'a [FormField],
    map: &'a Map<String, Value>,
) -> impl Iterator<Item = (&'a str, FormField, &'a Value)> {
    let declared = fields
        .iter()
        .filter_map(|f| map.get(f.name).map(|v| (f.name, *f, v)));
    let others = map
        .iter()
        .filter(|(k, _)| fields.iter().all(|f| f.name != k.as_str()))
        .map(|(k, v)| (k.as_str(), FormField::new(""), v));
    declared.chain(others)
}

/// Encodes the JSON object `body` as `application/x-www-form-urlencoded`,
/// the way Stripe documents its API (and Rails, PHP and `qs` read forms):
///
/// - the declared `fields` first, in their order, then any other property;
/// - `null` is left out, wherever it is (a `null` list item too, the
///   indices staying dense); an empty string is sent (`a=`);
/// - strings as they are, numbers as JSON prints them, `true`/`false`;
/// - an object is sent with brackets, `a[b][c]=v`, whatever the field's
///   style (OpenAPI's exploded `form` object, `b=v` without the field's
///   name, cannot nest and is read by no form parser we know; the one
///   exception is the unexploded `form` object of scalars, `a=b,v,c,w`);
/// - a list of scalars by the field's style: `deepObject` indexed as
///   Stripe's libraries send it, `a[0]=v1&a[1]=v2`; `form` exploded (the
///   default) `a=v1&a=v2`, not exploded `a=v1,v2`; `spaceDelimited`
///   `a=v1 v2`; `pipeDelimited` `a=v1|v2`;
/// - a list holding objects or lists is always indexed:
///   `a[0][b]=v`, `a[1][0]=w`;
/// - an empty list or object is sent as `a=` (Stripe's way to clear a
///   list or a hash; typify's optional fields skip empty ones anyway);
/// - keys and values are percent-encoded by `form_urlencoded` (the
///   WHATWG encoder: brackets too, `%5B`, `%5D`; spaces as `+`; UTF-8).
///
/// `Err` when `body` is not an object.
pub fn urlencoded(fields: &[FormField], body: &Value) -> Result<String, String> {
    let Value::Object(map) = body else {
        return Err("a form body must be a JSON object".to_string());
    };
    let mut pairs = Vec::new();
    for (name, field, value) in ordered(fields, map) {
        top_pairs(name, field, value, &mut pairs);
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        out.append_pair(key, value);
    }
    Ok(out.finish())
}

/// The pairs of one field: its style decides for a list of scalars (and
/// an unexploded object of scalars); anything nested goes in brackets.
fn top_pairs(name: &str, field: FormField, value: &Value, out: &mut Vec<(String, String)>) {
    let delimiter = match (field.style, field.explode) {
        (Style::DeepObject, _) => None,
        (Style::Form, true) => Some(""),
        (Style::Form, false) => Some(","),
        (Style::SpaceDelimited, _) => Some(" "),
        (Style::PipeDelimited, _) => Some("|"),
    };
    match (value, delimiter) {
        (Value::Array(items), Some(delimiter)) if items.iter().all(is_scalar) => {
            let texts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            if items.is_empty() {
                out.push((name.to_string(), String::new()));
            } else if texts.is_empty() {
                // Only nulls: nothing to send.
            } else if delimiter.is_empty() {
                out.extend(texts.into_iter().map(|t| (name.to_string(), t)));
            } else {
                out.push((name.to_string(), texts.join(delimiter)));
            }
        }
        (Value::Object(map), Some(",")) if !map.is_empty() && map.values().all(is_scalar) => {
            let texts: Vec<String> = map
                .iter()
                .filter_map(|(k, v)| scalar_text(v).map(|t| format!("{k},{t}")))
                .collect();
            out.push((name.to_string(), texts.join(",")));
        }
        _ => deep_pairs(name.to_string(), value, out),
    }
}

/// `key[b][c]=v` for objects, `key[0]=v` for lists, at any depth.
fn deep_pairs(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            if items.is_empty() {
                out.push((key, String::new()));
                return;
            }
            let kept = items.iter().filter(|v| !v.is_null());
            for (i, item) in kept.enumerate() {
                deep_pairs(format!("{key}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push((key, String::new()));
                return;
            }
            for (k, v) in map {
                deep_pairs(format!("{key}[{k}]"), v, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((key, text));
            }
        }
    }
}

/// `null` counts as a scalar (it is left out), lists and objects do not.
fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// A scalar's text: strings as they are, numbers and booleans as JSON
/// prints them; `None` for `null` (and for what is not a scalar).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Encodes the JSON object `body` as `multipart/form-data`: the declared
/// `fields` in their order, then any other property; `null` and absent
/// ones are left out; a list sends one part per item (RFC 7578, 4.3).
pub fn multipart(fields: &[FormField], body: &Value) -> Result<Encoded, String> {
    let Value::Object(map) = body else {
        return Err("a multipart body must be a JSON object".to_string());
    };
    let mut parts: Vec<(Cow<'_, str>, Part)> = Vec::new();
    for (name, field, value) in ordered(fields, map) {
        match value {
            Value::Null => {}
            value if field.binary => {
                parts.push((Cow::Borrowed(name), Part::File(bytes(name, value)?)))
            }
            Value::Array(_) | Value::Object(_) if field.style == Style::DeepObject => {
                // OpenAPI has `style` for urlencoded forms only; Stripe
                // gives it for multipart too, and reads these parts as it
                // reads its urlencoded forms: one per leaf, `a[b]`.
                let mut pairs = Vec::new();
                deep_pairs(name.to_string(), value, &mut pairs);
                for (key, text) in pairs {
                    parts.push((Cow::Owned(key), Part::Text { text, json: false }));
                }
            }
            Value::Array(items) => {
                for item in items {
                    parts.push((Cow::Borrowed(name), Part::text(item)));
                }
            }
            value => parts.push((Cow::Borrowed(name), Part::text(value))),
        }
    }
    let boundary = boundary(&parts);
    let mut out = Vec::new();
    for (name, part) in &parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = quoted(name);
        match part {
            Part::Text { text, json } => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
                );
                if *json {
                    out.extend_from_slice(b"Content-Type: application/json\r\n");
                }
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(text.as_bytes());
            }
            Part::File(bytes) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Encoded {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: out,
    })
}

enum Part {
    Text { text: String, json: bool },
    File(Vec<u8>),
}

impl Part {
    /// Strings as they are; numbers and booleans as their JSON text;
    /// objects and arrays as JSON, marked so.
    fn text(value: &Value) -> Part {
        match value {
            Value::String(s) => Part::Text {
                text: s.clone(),
                json: false,
            },
            Value::Object(_) | Value::Array(_) => Part::Text {
                text: value.to_string(),
                json: true,
            },
            other => Part::Text {
                text: other.to_string(),
                json: false,
            },
        }
    }

    fn contains(&self, needle: &[u8]) -> bool {
        let hay: &[u8] = match self {
            Part::Text { text, .. } => text.as_bytes(),
            Part::File(bytes) => bytes,
        };
        hay.windows(needle.len()).any(|w| w == needle)
    }
}

/// A file field's bytes: `Vec<u8>` serializes as an array of numbers.
fn bytes(name: &str, value: &Value) -> Result<Vec<u8>, String> {
    let Value::Array(items) = value else {
        return Err(format!("the file field `{name}` is not a list of bytes"));
    };
    items
        .iter()
        .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| format!("the file field `{name}` is not a list of bytes"))
}

/// A boundary that occurs in no part (RFC 2046: at most 70 characters).
fn boundary(parts: &[(Cow<'_, str>, Part)]) -> String {
    loop {
        let random: String = (0..24).map(|_| fastrand::alphanumeric()).collect();
        let boundary = format!("cloud-orgs-{random}");
        if parts.iter().all(|(_, p)| !p.contains(boundary.as_bytes())) {
            return boundary;
        }
    }
}

/// A field name inside `name="..."`: quotes and line breaks escaped as
/// RFC 7578 (4.2) and browsers do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_file_and_list_parts() {
        let fields = [
            FormField {
                binary: true,
                ..FormField::new("file")
            },
            FormField::new("title"),
        ];
        let body =
            json!({ "title": "a \"b\"", "file": [104, 105], "tags": ["x", "y"], "gone": null });
        let out = multipart(&fields, &body).unwrap();
        let boundary = out
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8(out.body).unwrap();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nhi\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\na \"b\"\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn multipart_deep_object_fields_are_one_part_per_leaf() {
        let fields = [deep("link")];
        let body = json!({ "link": { "create": true, "meta": { "k": "v" } }, "purpose": "x" });
        let out = multipart(&fields, &body).unwrap();
        let text = String::from_utf8(out.body).unwrap();
        let names: Vec<&str> = text
            .split("name=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(names, ["link[create]", "link[meta][k]", "purpose"]);
        assert!(
            text.contains("name=\"link[create]\"\r\n\r\ntrue\r\n"),
            "{text}"
        );
    }

    #[test]
    fn refuses_what_is_not_a_form() {
        assert!(multipart(&[], &json!([1])).is_err());
        assert!(urlencoded(&[], &json!("a=b")).is_err());
        let file = [FormField {
            binary: true,
            ..FormField::new("f")
        }];
        assert!(multipart(&file, &json!({ "f": "text" })).is_err());
        assert!(multipart(&file, &json!({ "f": [300] })).is_err());
    }

    fn deep(name: &'static str) -> FormField {
        FormField {
            style: Style::DeepObject,
            ..FormField::new(name)
        }
    }

    /// The pairs of an encoded form, decoded, to compare readably.
    fn pairs(encoded: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(encoded.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn decoded(fields: &[FormField], body: Value) -> Vec<String> {
        pairs(&urlencoded(fields, &body).unwrap())
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn urlencoded_nested_objects_and_lists_as_stripe_reads_them() {
        let fields = [FormField::new("email"), deep("metadata"), deep("items")];
        let body = json!({
            "items": [
                { "price": "p_1", "quantity": 2 },
                { "price": "p_2", "tax_rates": ["t_1", "t_2"] },
            ],
            "metadata": { "order": { "id": 7, "paid": true } },
            "email": "a@b.c",
        });
        assert_eq!(
            decoded(&fields, body),
            [
                "email=a@b.c",
                "metadata[order][id]=7",
                "metadata[order][paid]=true",
                "items[0][price]=p_1",
                "items[0][quantity]=2",
                "items[1][price]=p_2",
                "items[1][tax_rates][0]=t_1",
                "items[1][tax_rates][1]=t_2",
            ]
        );
    }

    #[test]
    fn urlencoded_list_styles() {
        let list = json!(["a", 1, true]);
        let with = |style, explode| FormField {
            style,
            explode,
            ..FormField::new("l")
        };
        let one = |field| decoded(&[field], json!({ "l": list }));
        assert_eq!(one(with(Style::Form, true)), ["l=a", "l=1", "l=true"]);
        assert_eq!(one(with(Style::Form, false)), ["l=a,1,true"]);
        assert_eq!(one(with(Style::SpaceDelimited, false)), ["l=a 1 true"]);
        assert_eq!(one(with(Style::PipeDelimited, false)), ["l=a|1|true"]);
        assert_eq!(
            one(with(Style::DeepObject, true)),
            ["l[0]=a", "l[1]=1", "l[2]=true"]
        );
        // An unexploded form object of scalars: OpenAPI's `l=k,v,...`.
        let object = decoded(
            &[with(Style::Form, false)],
            json!({ "l": { "r": 1, "g": 2 } }),
        );
        assert_eq!(object, ["l=g,2,r,1"]);
        // An undeclared field: form, exploded; an object still nests.
        assert_eq!(
            decoded(&[], json!({ "x": [1, 2], "y": { "z": 1 } })),
            ["x=1", "x=2", "y[z]=1"]
        );
    }

    #[test]
    fn urlencoded_nulls_empties_and_numbers() {
        let fields = [deep("list"), deep("hash"), FormField::new("flat")];
        let body = json!({
            "list": [],
            "hash": {},
            "flat": [],
            "gone": null,
            "blank": "",
            "sparse": [null, 1, null, 2],
            "inner": { "none": null, "n": -1.5, "big": 12345678901234u64 },
        });
        assert_eq!(
            decoded(&fields, body),
            [
                "list=",
                "hash=",
                "flat=",
                "blank=",
                "inner[big]=12345678901234",
                "inner[n]=-1.5",
                "sparse=1",
                "sparse=2",
            ]
        );
        assert_eq!(
            decoded(&[deep("s")], json!({ "s": [null, { "a": null }, 3] })),
            ["s[1]=3"]
        );
    }

    #[test]
    fn urlencoded_percent_encodes_keys_and_values() {
        let body = json!({
            "q": "a b&c=d+e/f?g#h%i",
            "name": "Zoë 東京 🚀",
            "m": { "k&=": "[x]" },
        });
        let encoded = urlencoded(&[FormField::new("q"), deep("m")], &body).unwrap();
        assert_eq!(
            encoded,
            "q=a+b%26c%3Dd%2Be%2Ff%3Fg%23h%25i\
             &m%5Bk%26%3D%5D=%5Bx%5D\
             &name=Zo%C3%AB+%E6%9D%B1%E4%BA%AC+%F0%9F%9A%80"
        );
        assert_eq!(
            pairs(&encoded),
            [
                ("q".to_string(), "a b&c=d+e/f?g#h%i".to_string()),
                ("m[k&=]".to_string(), "[x]".to_string()),
                ("name".to_string(), "Zoë 東京 🚀".to_string()),
            ]
        );
    }

    #[test]
    fn encode_picks_the_kind() {
        const FIELDS: &[FormField] = &[FormField::new("a")];
        let url = Form {
            kind: FormKind::UrlEncoded,
            fields: FIELDS,
        };
        let out = encode(&url, &json!({ "a": 1 })).unwrap();
        assert_eq!(out.content_type, "application/x-www-form-urlencoded");
        assert_eq!(out.body, b"a=1");
        let multi = Form {
            kind: FormKind::Multipart,
            ..url
        };
        let out = encode(&multi, &json!({ "a": 1 })).unwrap();
        assert!(
            out.content_type
                .starts_with("multipart/form-data; boundary=")
        );
    }
}
