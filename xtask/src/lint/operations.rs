//! Operations: identity (operationId), path parameters, and the
//! documentation every operation of a hand-transcribed spec must carry.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::spec::Method;

use super::{Lint, Profile, Rule, join};
use crate::spec::resolve::deref;

pub(super) fn check(lint: &mut Lint<'_>, doc: &Value) {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    let global_security = doc.get("security").is_some();
    let schemes: BTreeSet<&str> = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if let Some(requirements) = doc.get("security") {
        check_requirements(lint, requirements, "/security", &schemes);
    }
    // operationId -> first pointer; snake_case form -> (operationId, pointer).
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut snake: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (template, item) in paths {
        let item_at = join("/paths", template);
        let Some(item) = item.as_object() else {
            continue;
        };
        let in_template: Vec<String> = crate::spec::template_names(template)
            .into_iter()
            .map(str::to_string)
            .collect();
        let shared = item.get("parameters");
        for method in Method::ALL {
            let Some(op) = item.get(method.key()) else {
                continue;
            };
            let at = join(&item_at, method.key());
            let name = format!("{method} {template}");
            check_operation_id(lint, op, &at, &name, &mut ids, &mut snake);
            check_path_parameters(lint, doc, op, shared, &at, &item_at, &in_template);
            check_documentation(lint, op, &at, &name);
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                let success = responses
                    .keys()
                    .any(|code| code.starts_with('2') && code.len() == 3);
                if !success {
                    lint.report(
                        Rule::OperationSuccessResponse,
                        &format!("{at}/responses"),
                        format!("{name} has no 2xx response; document what it returns on success"),
                    );
                }
            }
            match op.get("security") {
                Some(requirements) => {
                    check_requirements(lint, requirements, &format!("{at}/security"), &schemes)
                }
                None if global_security => {}
                None => lint.report(
                    Rule::OperationSecurity,
                    &at,
                    format!(
                        "{name} has no security requirement and there is no global one; add `security`, or `security: []` if it needs no credentials"
                    ),
                ),
            }
        }
    }
}

fn check_operation_id(
    lint: &mut Lint<'_>,
    op: &Value,
    at: &str,
    name: &str,
    ids: &mut BTreeMap<String, String>,
    snake: &mut BTreeMap<String, (String, String)>,
) {
    let id_at = format!("{at}/operationId");
    let Some(id) = op.get("operationId").and_then(Value::as_str) else {
        lint.report(
            Rule::OperationIdMissing,
            at,
            format!(
                "{name} has no operationId; the Rust method is named after it, so every operation needs one"
            ),
        );
        return;
    };
    if !is_identifier(id) {
        lint.report(
            Rule::OperationIdInvalid,
            &id_at,
            format!(
                "operationId `{id}` is not an identifier: use ASCII letters and digits, starting with a letter, with single `_` or `-` between words"
            ),
        );
        // Our own specs fix the name first; a vendor's name is used as it
        // is, so it must still not clash.
        if lint.profile() == Profile::Transcribed {
            return;
        }
    }
    if let Some(first) = ids.get(id) {
        lint.report(
            Rule::OperationIdDuplicate,
            &id_at,
            format!("operationId `{id}` is already used by {first}"),
        );
        return;
    }
    ids.insert(id.to_string(), name.to_string());
    let key = crate::names::method_name(id);
    if let Some((other, first)) = snake.get(&key) {
        lint.report(
            Rule::OperationIdDuplicate,
            &id_at,
            format!(
                "operationId `{id}` and `{other}` (of {first}) both become the Rust method `{key}`"
            ),
        );
        return;
    }
    snake.insert(key, (id.to_string(), name.to_string()));
}

/// ASCII letter first, then letters and digits, `_` or `-` only between them.
fn is_identifier(id: &str) -> bool {
    let bytes = id.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        && !bytes
            .windows(2)
            .any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric())
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A declared parameter: name, `in`, whether required, and its pointer.
struct Declared {
    name: String,
    location: String,
    required: bool,
    at: String,
}

fn declared(doc: &Value, list: Option<&Value>, at: &str) -> Vec<Declared> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let at = format!("{at}/{i}");
            let (p, _) = deref(doc, p, &at);
            Some(Declared {
                name: p.get("name")?.as_str()?.to_string(),
                location: p.get("in")?.as_str()?.to_string(),
                required: p.get("required").and_then(Value::as_bool) == Some(true),
                at,
            })
        })
        .collect()
}

fn check_path_parameters(
    lint: &mut Lint<'_>,
    doc: &Value,
    op: &Value,
    shared: Option<&Value>,
    at: &str,
    item_at: &str,
    in_template: &[String],
) {
    let own = declared(doc, op.get("parameters"), &format!("{at}/parameters"));
    let shared = declared(doc, shared, &format!("{item_at}/parameters"));
    // An operation's parameter overrides a path-level one of the same name and place.
    let mut all: Vec<&Declared> = own.iter().collect();
    for p in &shared {
        if !own
            .iter()
            .any(|o| o.name == p.name && o.location == p.location)
        {
            all.push(p);
        }
    }
    for name in in_template {
        match all.iter().find(|p| p.location == "path" && p.name == *name) {
            None => lint.report(
                Rule::PathParamUndeclared,
                at,
                format!(
                    "path template parameter `{{{name}}}` is not declared; add a parameter with `name: {name}`, `in: path`, `required: true`"
                ),
            ),
            Some(p) if !p.required => lint.report(
                Rule::PathParamRequired,
                &p.at,
                format!("path parameter `{name}` must say `required: true`"),
            ),
            Some(_) => {}
        }
    }
    for p in all.iter().filter(|p| p.location == "path") {
        if !in_template.contains(&p.name) {
            lint.report(
                Rule::PathParamUnused,
                &p.at,
                format!(
                    "path parameter `{}` does not appear in the path template; the template has {}",
                    p.name,
                    if in_template.is_empty() {
                        "no parameters".to_string()
                    } else {
                        in_template
                            .iter()
                            .map(|n| format!("`{{{n}}}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            );
        }
    }
}

fn non_blank(op: &Value, key: &str) -> bool {
    op.get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

fn check_documentation(lint: &mut Lint<'_>, op: &Value, at: &str, name: &str) {
    if !non_blank(op, "summary") {
        lint.report(
            Rule::OperationSummary,
            at,
            format!("{name} has no summary; copy the title of its documentation page"),
        );
    }
    if !non_blank(op, "description") {
        lint.report(
            Rule::OperationDescription,
            at,
            format!("{name} has no description; say in our own words what it does"),
        );
    }
    let tagged = op
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    if !tagged {
        lint.report(
            Rule::OperationTags,
            at,
            format!("{name} has no tag; tag it with the section of the documentation it is in"),
        );
    }
    let docs = op.get("externalDocs").is_some_and(|d| non_blank(d, "url"));
    if !docs {
        lint.report(
            Rule::OperationExternalDocs,
            at,
            format!(
                "{name} has no `externalDocs` with a `url`; link the documentation page it was transcribed from"
            ),
        );
    }
}

/// Each requirement names declared security schemes.
fn check_requirements(
    lint: &mut Lint<'_>,
    requirements: &Value,
    at: &str,
    schemes: &BTreeSet<&str>,
) {
    let Some(list) = requirements.as_array() else {
        return;
    };
    for (i, requirement) in list.iter().enumerate() {
        let Some(map) = requirement.as_object() else {
            continue;
        };
        for scheme in map.keys() {
            if !schemes.contains(scheme.as_str()) {
                lint.report(
                    Rule::SecuritySchemeUnknown,
                    &join(&format!("{at}/{i}"), scheme),
                    format!(
                        "security scheme `{scheme}` is not declared in components/securitySchemes"
                    ),
                );
            }
        }
    }
}
