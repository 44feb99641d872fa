//! Reading the document as `openapiv3`'s model when some of it cannot be
//! read: the one value at fault is made looser or left out, and the rest
//! of the document is read as written.
//!
//! A vendor's document is a few thousand independent descriptions; one of
//! them in a shape `openapiv3` refuses (a response written as a list, a
//! schema keyword of the wrong type) must not cost the client every other
//! operation. Each round deserializes the document; on a failure, the
//! innermost value that cannot be read is found (serde stops at the
//! outermost `$ref`-or-value, so each typed value under it is tried on its
//! own), and the smallest unit around it that a client can do without is
//! changed:
//!
//! | where | becomes | [`Effect`] |
//! |---|---|---|
//! | a schema | `{description: why}`: any JSON value | `Opaque` |
//! | an `example`/`examples` | left out | `Dropped` |
//! | a link, an encoding, a callback, a security scheme | left out | `Dropped` |
//! | a parameter (of an operation or path), a header | left out | `Removed` |
//! | a response of an operation | left out | `Removed` |
//! | a response of `components` | `{description: why}`: no body | `Removed` |
//! | a parameter of `components` | its schema `{description: why}` | `Opaque` |
//! | anything else of an operation | the operation left out | `Removed` |
//! | anything else of a path item | the path left out | `Removed` |
//!
//! What is in no such unit (the root, `info`, `paths` itself) stays the
//! error it was. Rounds are bounded ([`MAX_ROUNDS`]), and a round that
//! changes nothing ends them: reading never loops.

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::walk::{self, Kind, Object};
use super::{Effect, Note, escape_pointer, pointer_from_serde_path, unescape_pointer};

/// Rounds of deserialization before giving up: far more values than any
/// document has broken ones, far fewer than would take minutes.
pub(crate) const MAX_ROUNDS: usize = 10_000;

/// A failed deserialization, from `serde_path_to_error`.
pub(crate) type DeserializeError = serde_path_to_error::Error<serde_json::Error>;

/// `doc` as `openapiv3`'s model, each value that cannot be read degraded
/// (and noted in `notes`); the first failure that cannot be degraded is
/// returned as it is.
pub(crate) fn deserialize(
    doc: &mut Value,
    notes: &mut Vec<Note>,
) -> Result<OpenAPI, DeserializeError> {
    for _ in 0..MAX_ROUNDS {
        let failure = match serde_path_to_error::deserialize::<_, OpenAPI>(&*doc) {
            Ok(openapi) => return Ok(openapi),
            Err(e) => e,
        };
        let pointer = pointer_from_serde_path(failure.path());
        match degrade(doc, &pointer, &failure.inner().to_string()) {
            Some(note) => notes.push(note),
            None => return Err(failure),
        }
    }
    serde_path_to_error::deserialize(&*doc)
}

/// One value of the document and what it is.
struct Step {
    pointer: String,
    kind: Kind,
}

/// The values from the root to `pointer` (as far as they exist), with their
/// kinds; the root first.
fn chain(doc: &Value, pointer: &str) -> Vec<Step> {
    let mut out = vec![Step {
        pointer: String::new(),
        kind: walk::ROOT,
    }];
    let mut value = doc;
    let mut kind = walk::ROOT;
    let mut at = String::new();
    for segment in pointer.split('/').skip(1).filter(|s| !s.is_empty()) {
        let key = unescape_pointer(segment);
        let (next, next_kind) = match value {
            Value::Object(map) => match map.get(&key) {
                Some(v) => (v, walk::child(kind, &key)),
                None => break,
            },
            Value::Array(items) => match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(v) => (
                    v,
                    match kind {
                        Kind::List(node) => Kind::One(node),
                        other => walk::item(other),
                    },
                ),
                None => break,
            },
            _ => break,
        };
        at.push('/');
        at.push_str(&escape_pointer(&key));
        value = next;
        kind = next_kind;
        out.push(Step {
            pointer: at.clone(),
            kind,
        });
    }
    out
}

fn read_as<T: DeserializeOwned>(value: &Value) -> Result<(), DeserializeError> {
    serde_path_to_error::deserialize::<_, T>(value).map(drop)
}

/// Reads `value` as the `openapiv3` type of `node`: `None` when the node
/// has no type of its own (containers, the root, data).
fn try_read(node: Object, value: &Value) -> Option<Result<(), DeserializeError>> {
    use openapiv3 as o;
    use openapiv3::ReferenceOr as R;
    Some(match node {
        Object::Schema => read_as::<R<o::Schema>>(value),
        Object::PathItem => read_as::<R<o::PathItem>>(value),
        Object::Operation => read_as::<o::Operation>(value),
        Object::Parameter => read_as::<R<o::Parameter>>(value),
        Object::RequestBody => read_as::<R<o::RequestBody>>(value),
        Object::Response => read_as::<R<o::Response>>(value),
        Object::Header => read_as::<R<o::Header>>(value),
        Object::MediaType => read_as::<o::MediaType>(value),
        Object::Example => read_as::<R<o::Example>>(value),
        Object::Encoding => read_as::<o::Encoding>(value),
        Object::Link => read_as::<R<o::Link>>(value),
        Object::Callback => read_as::<R<o::Callback>>(value),
        Object::SecurityScheme => read_as::<R<o::SecurityScheme>>(value),
        Object::Root | Object::Components | Object::Other | Object::Data => return None,
    })
}

/// The first typed value under `value` (of `kind`, at `at`) that cannot be
/// read on its own: its pointer, with serde's path inside it, and why.
fn failing_child(value: &Value, kind: Kind, at: &str, depth: usize) -> Option<(String, String)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let is_reference = walk::reference(value, kind).is_some();
    let children: Vec<(String, &Value, Kind)> = match value {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| !(is_reference && key.as_str() == "$ref"))
            .map(|(key, v)| (escape_pointer(key), v, walk::child(kind, key)))
            .collect(),
        Value::Array(items) => {
            let item_kind = match kind {
                Kind::List(node) => Kind::One(node),
                other => walk::item(other),
            };
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v, item_kind))
                .collect()
        }
        _ => return None,
    };
    for (segment, child, child_kind) in children {
        if child_kind == Kind::One(Object::Data) {
            continue;
        }
        let child_at = format!("{at}/{segment}");
        match child_kind.node().and_then(|node| try_read(node, child)) {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                let inside = pointer_from_serde_path(e.path());
                let inside = if inside == "/" { "" } else { inside.as_str() };
                return Some((format!("{child_at}{inside}"), e.inner().to_string()));
            }
            None => {
                if let Some(found) = failing_child(child, child_kind, &child_at, depth + 1) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// Deeper than any document a person wrote; a guard, not a limit met.
const MAX_DEPTH: usize = 256;

/// The innermost value at or under `pointer` that cannot be read: its
/// chain from the root, and why.
fn culprit(doc: &Value, pointer: &str, why: &str) -> (Vec<Step>, String) {
    let mut steps = chain(doc, pointer);
    let mut why = why.to_string();
    for _ in 0..MAX_DEPTH {
        let Some(last) = steps.last() else { break };
        let Some(value) = doc.pointer(&last.pointer) else {
            break;
        };
        let Some((deeper, reason)) = failing_child(value, last.kind, &last.pointer, 0) else {
            break;
        };
        let next = chain(doc, &deeper);
        if next.len() <= steps.len() {
            break;
        }
        steps = next;
        why = reason;
    }
    (steps, why)
}

/// Changes the smallest unit around the value at `pointer` that cannot be
/// read; `None` when there is none (the error stands).
fn degrade(doc: &mut Value, pointer: &str, why: &str) -> Option<Note> {
    let (steps, why) = culprit(doc, pointer, why);
    for i in (1..steps.len()).rev() {
        let step = &steps[i];
        let parent = &steps[i - 1];
        let key = step
            .pointer
            .rsplit('/')
            .next()
            .map(unescape_pointer)
            .unwrap_or_default();
        let at = step.pointer.as_str();
        let parent_node = parent.kind.node();
        // A component is `$ref`ed: it is kept, in a form that reads.
        let component = i >= 2 && steps[i - 2].kind == Kind::One(Object::Components);
        if component && let Some(note) = degrade_component(doc, step, &key, &why) {
            return Some(note);
        }
        let change = match step.kind {
            Kind::One(Object::Schema) => {
                set(
                    doc,
                    at,
                    json!({ "description": format!("Any JSON value: the vendor's schema here cannot be read as OpenAPI 3.0 ({why}).") }),
                )
                .then(|| Note::new(at, Effect::Opaque, format!(
                    "this schema cannot be read as OpenAPI 3.0 ({why}): read as any JSON value, so the client neither checks nor types this value"
                )))
            }
            _ if matches!(key.as_str(), "example" | "examples")
                && matches!(
                    parent_node,
                    Some(Object::MediaType | Object::Parameter | Object::Header | Object::Schema)
                ) =>
            {
                remove(doc, at).then(|| Note::new(at, Effect::Dropped, format!(
                    "`{key}` cannot be read ({why}): left out; examples have no part in the client"
                )))
            }
            Kind::One(Object::Example) => remove(doc, at).then(|| {
                Note::new(at, Effect::Dropped, format!(
                    "example `{key}` cannot be read ({why}): left out; examples have no part in the client"
                ))
            }),
            Kind::One(node @ (Object::Link | Object::Encoding | Object::Callback | Object::SecurityScheme)) => {
                remove(doc, at).then(|| Note::new(at, Effect::Dropped, format!(
                    "this {} cannot be read ({why}): left out of the client",
                    match node {
                        Object::Link => "link",
                        Object::Encoding => "encoding",
                        Object::Callback => "callback",
                        _ => "security scheme",
                    }
                )))
            }
            Kind::One(Object::Parameter) if matches!(parent.kind, Kind::List(_)) => {
                let name = parameter_name(doc, at);
                remove(doc, at).then(|| Note::new(at, Effect::Removed, format!(
                    "parameter {name}cannot be read ({why}): left out, so the client cannot send it"
                )))
            }
            Kind::One(Object::Header) => remove(doc, at).then(|| {
                Note::new(at, Effect::Removed, format!(
                    "header `{key}` cannot be read ({why}): left out, so the client does not read it"
                ))
            }),
            Kind::One(Object::Response) if matches!(parent.kind, Kind::Extensible(_)) => {
                remove(doc, at).then(|| Note::new(at, Effect::Removed, format!(
                    "response `{key}` cannot be read ({why}): left out, so the client treats it as an undocumented response"
                )))
            }
            Kind::One(Object::Operation) => remove(doc, at).then(|| {
                Note::new(at, Effect::Removed, format!(
                    "operation {} cannot be read ({why}): left out of the client",
                    key.to_ascii_uppercase()
                ))
            }),
            Kind::One(Object::PathItem) if matches!(parent.kind, Kind::Extensible(_)) => {
                remove(doc, at).then(|| Note::new(at, Effect::Removed, format!(
                    "path `{key}` cannot be read ({why}): its operations are left out of the client"
                )))
            }
            _ => None,
        };
        if change.is_some() {
            return change;
        }
    }
    None
}

/// A component that cannot be read, replaced by the smallest value of its
/// kind that reads (removing it would break every `$ref` to it).
fn degrade_component(doc: &mut Value, step: &Step, key: &str, why: &str) -> Option<Note> {
    let at = step.pointer.as_str();
    let said = format!("The vendor's value here cannot be read as OpenAPI 3.0 ({why}).");
    let any = json!({ "description": said });
    let (value, effect, message) = match step.kind.node()? {
        Object::Response => (
            any,
            Effect::Removed,
            format!(
                "response `{key}` cannot be read ({why}): read as a response without body or headers, so the client does not see them"
            ),
        ),
        Object::Parameter => (
            opaque_parameter(doc, at, &said)?,
            Effect::Opaque,
            format!(
                "parameter `{key}` cannot be read ({why}): its value is read as any JSON value"
            ),
        ),
        Object::Header => (
            json!({ "description": said, "schema": any }),
            Effect::Opaque,
            format!("header `{key}` cannot be read ({why}): its value is read as any JSON value"),
        ),
        Object::RequestBody => {
            let media: Vec<String> = doc
                .pointer(at)
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .map(|c| c.keys().cloned().collect())
                .filter(|keys: &Vec<String>| !keys.is_empty())
                .unwrap_or_else(|| vec!["application/json".to_string()]);
            let content: serde_json::Map<String, Value> = media
                .into_iter()
                .map(|m| (m, json!({ "schema": any })))
                .collect();
            (
                json!({ "description": said, "content": content }),
                Effect::Opaque,
                format!(
                    "request body `{key}` cannot be read ({why}): the body is read as any JSON value"
                ),
            )
        }
        Object::Example => (
            any,
            Effect::Dropped,
            format!(
                "example `{key}` cannot be read ({why}): left out; examples have no part in the client"
            ),
        ),
        Object::Callback => (
            json!({}),
            Effect::Dropped,
            format!(
                "callback `{key}` cannot be read ({why}): left out; callbacks have no part in the client"
            ),
        ),
        _ => return None,
    };
    set(doc, at, value).then(|| Note::new(at, effect, message))
}

/// `` `name` (in) `` of the parameter at `at`, or nothing.
fn parameter_name(doc: &Value, at: &str) -> String {
    let p = doc.pointer(at);
    let field = |k: &str| p.and_then(|p| p.get(k)).and_then(Value::as_str);
    match (field("name"), field("in")) {
        (Some(name), Some(place)) => format!("`{name}` ({place}) "),
        (Some(name), None) => format!("`{name}` "),
        _ => String::new(),
    }
}

/// A component parameter with its name and place, its value any JSON
/// value; `None` when even its name and place cannot be read.
fn opaque_parameter(doc: &Value, at: &str, said: &str) -> Option<Value> {
    let p = doc.pointer(at)?;
    let name = p.get("name")?.as_str()?;
    let place = p.get("in")?.as_str()?;
    if !matches!(place, "query" | "header" | "path" | "cookie") {
        return None;
    }
    let required = place == "path" || p.get("required").and_then(Value::as_bool) == Some(true);
    Some(json!({
        "name": name,
        "in": place,
        "required": required,
        "schema": { "description": said },
    }))
}

/// Replaces the value at `at`; false when it is not there or already that.
fn set(doc: &mut Value, at: &str, value: Value) -> bool {
    match doc.pointer_mut(at) {
        Some(slot) if *slot != value => {
            *slot = value;
            true
        }
        _ => false,
    }
}

/// Removes the value at `at` from its map or list; false when not there.
fn remove(doc: &mut Value, at: &str) -> bool {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return false;
    };
    let key = unescape_pointer(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}
