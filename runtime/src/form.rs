//! Multipart bodies, sent from the typed JSON body progenitor builds.
//!
//! progenitor cannot send `multipart/form-data`; codegen's normalisation
//! generates such a body as a typed JSON object instead, and records the
//! form's fields ([`FormField`]) in the operation's facts. The runtime's
//! `pre` hook turns the JSON into the form (RFC 7578) before sending: one
//! part per property, files as raw bytes.
//!
//! Encoded here rather than with `reqwest::multipart`: that form can only
//! be attached to a `RequestBuilder`, and the hook gets a built `Request`.
//! The encoding is small and fully determined by the fields.

use serde_json::Value;

/// One field of a multipart form, as the spec declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FormField {
    /// The part's name (the JSON property's name).
    pub name: &'static str,
    /// A file: its JSON value is an array of bytes, sent as the raw content
    /// of a part with a `filename`.
    pub binary: bool,
}

/// A form ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// `multipart/form-data; boundary=...`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// Encodes the JSON object `body` as `multipart/form-data`: the declared
/// `fields` in their order, then any other property; `null` and absent
/// ones are left out; a list sends one part per item (RFC 7578, 4.3).
pub fn encode(fields: &[FormField], body: &Value) -> Result<Encoded, String> {
    let Value::Object(map) = body else {
        return Err("a multipart body must be a JSON object".to_string());
    };
    let mut parts: Vec<(&str, Part)> = Vec::new();
    let declared = fields.iter().map(|f| (f.name, f.binary));
    let others = map
        .keys()
        .filter(|k| fields.iter().all(|f| f.name != k.as_str()))
        .map(|k| (k.as_str(), false));
    for (name, binary) in declared.chain(others) {
        match map.get(name) {
            None | Some(Value::Null) => {}
            Some(value) if binary => parts.push((name, Part::File(bytes(name, value)?))),
            Some(Value::Array(items)) => {
                for item in items {
                    parts.push((name, Part::text(item)));
                }
            }
            Some(value) => parts.push((name, Part::text(value))),
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
fn boundary(parts: &[(&str, Part)]) -> String {
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
                name: "file",
                binary: true,
            },
            FormField {
                name: "title",
                binary: false,
            },
        ];
        let body =
            json!({ "title": "a \"b\"", "file": [104, 105], "tags": ["x", "y"], "gone": null });
        let out = encode(&fields, &body).unwrap();
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
    fn refuses_what_is_not_a_form() {
        assert!(encode(&[], &json!([1])).is_err());
        let file = [FormField {
            name: "f",
            binary: true,
        }];
        assert!(encode(&file, &json!({ "f": "text" })).is_err());
        assert!(encode(&file, &json!({ "f": [300] })).is_err());
    }
}
