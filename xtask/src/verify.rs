//! `cargo xtask codegen --spec FILE --out DIR --verify`: the safety net
//! under "a spec that parses gives a crate that builds".
//!
//! The normalisation and the isolation of progenitor's failures keep what
//! is known to break out of the crate; a shape nobody has met yet can still
//! give code rustc refuses. With `--verify` the crate just written is
//! checked (`cargo check --message-format=json`), each compiler error is
//! placed in the generated syntax (by line, through `syn`'s spans) and
//! traced to what the spec made it from:
//!
//! - code of an operation (its `Client` method, its builder, a type named
//!   after it) leaves that operation out;
//! - a type of the `types` module (or its builder) makes its component
//!   schema any JSON value, the same degradation as a schema progenitor
//!   cannot take ([`crate::pipeline::isolate::neutralise`]);
//!
//! then the crate is generated and checked again, a bounded number of
//! rounds. What cannot be traced is reported as it is. The user gets a
//! crate that builds and the list of what was degraded, or the errors left.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};

use serde_json::Value;
use syn::spanned::Spanned as _;

/// One error of `cargo check`, where its primary span starts in `lib.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompilerError {
    /// 1-based line in the crate's `src/lib.rs`.
    pub line: usize,
    /// rustc's message, with its code: `E0428: the name `X` is defined ...`.
    pub message: String,
}

/// `cargo check` of the crate at `dir`: its errors in `src/lib.rs`, and
/// the number of errors elsewhere (none is expected: the manifest is ours).
pub fn check(dir: &Path) -> Result<(Vec<CompilerError>, usize)> {
    let output = Command::new(crate::workspace::cargo())
        .args([
            "check",
            "--quiet",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .output()
        .with_context(|| format!("cannot run cargo check on {}", dir.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut errors = Vec::new();
    let mut elsewhere = 0;
    for line in stdout.lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if value["reason"] != "compiler-message" || value["message"]["level"] != "error" {
            continue;
        }
        let message = &value["message"];
        let text = match message["code"]["code"].as_str() {
            Some(code) => format!("{code}: {}", message["message"].as_str().unwrap_or("")),
            None => message["message"].as_str().unwrap_or("").to_string(),
        };
        let primary = message["spans"].as_array().and_then(|spans| {
            spans.iter().find(|s| {
                s["is_primary"] == true
                    && s["file_name"]
                        .as_str()
                        .is_some_and(|f| f.ends_with("lib.rs"))
            })
        });
        match primary.and_then(|s| s["line_start"].as_u64()) {
            Some(line) => errors.push(CompilerError {
                line: usize::try_from(line).unwrap_or(usize::MAX),
                message: text,
            }),
            None => elsewhere += 1,
        }
    }
    Ok((errors, elsewhere))
}

/// What a line of the generated code belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Blame {
    /// An operation, by progenitor's method name.
    Operation(String),
    /// A component schema, by its name in the spec.
    Schema(String),
}

/// Traces each error to what it is blamed on ([`Blame`]): `components` are the document's
/// component schema names, `methods` progenitor's method names of its
/// operations. Errors that cannot be traced are returned as they are.
pub fn attribute(
    text: &str,
    errors: &[CompilerError],
    components: &[String],
    methods: &[String],
) -> (BTreeMap<Blame, String>, Vec<CompilerError>) {
    let Ok(file) = syn::parse_file(text) else {
        return (BTreeMap::new(), errors.to_vec());
    };
    let mut places = Vec::new();
    places_in(&file.items, &mut Vec::new(), &mut places);
    let by_type: BTreeMap<String, &String> = components
        .iter()
        .map(|c| (crate::names::type_name(c), c))
        .collect();
    let by_builder: BTreeMap<String, &String> = methods
        .iter()
        .map(|m| (crate::names::type_name(m), m))
        .collect();
    let mut owners = BTreeMap::new();
    let mut left = Vec::new();
    for error in errors {
        let owner = places
            .iter()
            .filter(|p| p.lines.0 <= error.line && error.line <= p.lines.1)
            // The innermost place: the shortest span holding the line.
            .min_by_key(|p| p.lines.1 - p.lines.0)
            .and_then(|place| owner_of(place, &by_type, &by_builder));
        match owner {
            Some(owner) => {
                owners.entry(owner).or_insert_with(|| error.message.clone());
            }
            None => left.push(error.clone()),
        }
    }
    (owners, left)
}

/// An item of the generated file: its module path, what it names, its lines.
struct Place {
    module: Vec<String>,
    kind: PlaceKind,
    lines: (usize, usize),
}

enum PlaceKind {
    /// A struct, enum or alias, or an `impl` for one: the type's name.
    Type(String),
    /// A method of `impl Client`.
    ClientMethod(String),
}

fn places_in(items: &[syn::Item], module: &mut Vec<String>, out: &mut Vec<Place>) {
    for item in items {
        let lines = (item.span().start().line, item.span().end().line);
        let mut push = |kind| {
            out.push(Place {
                module: module.clone(),
                kind,
                lines,
            });
        };
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    module.push(m.ident.to_string());
                    places_in(inner, module, out);
                    module.pop();
                }
            }
            syn::Item::Struct(s) => push(PlaceKind::Type(s.ident.to_string())),
            syn::Item::Enum(e) => push(PlaceKind::Type(e.ident.to_string())),
            syn::Item::Type(t) => push(PlaceKind::Type(t.ident.to_string())),
            syn::Item::Impl(imp) => {
                let Some(ty) =
                    crate::passes::syntax::type_ident(&imp.self_ty).map(|i| i.to_string())
                else {
                    continue;
                };
                if ty == "Client" && module.is_empty() {
                    for f in &imp.items {
                        if let syn::ImplItem::Fn(f) = f {
                            out.push(Place {
                                module: module.clone(),
                                kind: PlaceKind::ClientMethod(f.sig.ident.to_string()),
                                lines: (f.span().start().line, f.span().end().line),
                            });
                        }
                    }
                } else {
                    push(PlaceKind::Type(ty));
                }
            }
            _ => {}
        }
    }
}

/// The schema or operation a place was generated from: a type of `types`
/// (or `types::builder`) is its component's, or the component or operation
/// it is named after (typify and progenitor name inline types
/// `{Parent}{Part}`: the longest known prefix is the parent); a builder or
/// a `Client` method is its operation's.
fn owner_of(
    place: &Place,
    by_type: &BTreeMap<String, &String>,
    by_builder: &BTreeMap<String, &String>,
) -> Option<Blame> {
    let in_types = place.module.first().is_some_and(|m| m == "types");
    match &place.kind {
        PlaceKind::ClientMethod(method) => by_builder
            .values()
            .find(|m| **m == method)
            .map(|m| Blame::Operation((*m).clone())),
        PlaceKind::Type(name) if place.module == ["builder"] => {
            by_builder.get(name).map(|m| Blame::Operation((*m).clone()))
        }
        PlaceKind::Type(name) if in_types => {
            if let Some(schema) = by_type.get(name) {
                return Some(Blame::Schema((*schema).clone()));
            }
            let prefix = |map: &BTreeMap<String, &String>| {
                map.iter()
                    .filter(|(rust, _)| name.starts_with(rust.as_str()))
                    .max_by_key(|(rust, _)| rust.len())
                    .map(|(rust, spec)| (rust.len(), (*spec).clone()))
            };
            match (prefix(by_type), prefix(by_builder)) {
                (Some((a, schema)), Some((b, _))) if a >= b => Some(Blame::Schema(schema)),
                (_, Some((_, method))) => Some(Blame::Operation(method)),
                (Some((_, schema)), None) => Some(Blame::Schema(schema)),
                (None, None) => None,
            }
        }
        PlaceKind::Type(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
pub mod types {
    pub struct Widget {
        pub a: u8,
    }
    pub struct WidgetColour {
        pub b: u8,
    }
    pub struct ListWidgetsResponse {
        pub c: u8,
    }
}
pub struct Client {}
impl Client {
    pub fn list_widgets(&self) {
        let x = 1;
    }
}
pub mod builder {
    pub struct ListWidgets<'a> {
        client: &'a super::Client,
    }
}
";

    fn error(line: usize) -> CompilerError {
        CompilerError {
            line,
            message: format!("E0000: at {line}"),
        }
    }

    #[test]
    fn errors_are_traced_to_their_schema_or_operation() {
        let components = vec!["widget".to_string()];
        let methods = vec!["list_widgets".to_string()];
        let errors = [
            error(3),
            error(6),
            error(9),
            error(15),
            error(20),
            error(12),
        ];
        let (owners, left) = attribute(TEXT, &errors, &components, &methods);
        let owners: Vec<&Blame> = owners.keys().collect();
        assert_eq!(
            owners,
            [
                &Blame::Operation("list_widgets".to_string()),
                &Blame::Schema("widget".to_string()),
            ]
        );
        // `pub struct Client {}` is no one's.
        assert_eq!(left, [error(12)]);
    }
}
