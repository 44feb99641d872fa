//! String enums whose values collide after Rust naming.
//!
//! typify names a variant after its value (`Etc/GMT+1` -> `EtcGmt1`); when
//! two values give one name it retries with every elided character spelled
//! `X`, and when they still collide (`Etc/GMT+1` and `Etc/GMT-1` both give
//! `EtcXgmtx1`) it panics while reading the components, which costs the
//! whole document. typify 0.8 has no way to name a variant other than after
//! its value (no `x-enum-varnames` or similar: its variants come from the
//! values alone), so no choice of names can be handed to it.
//!
//! What keeps the wire: exact duplicates are dropped (the same JSON value
//! twice is one value). If names still collide, the `enum` is removed and
//! the schema stays a `string`: every value the server sends or accepts is
//! still sent and accepted, as a `String`; the allowed values go into the
//! description, and [`super::Normalised::opened_enums`] lists them.

use std::collections::BTreeSet;

use openapiv3::{SchemaKind, Type};
use serde_json::Value;

use super::walk;
use super::{Rewrite, RewriteRule};
use crate::names::typify_type_name;

/// A string enum made a plain string because its values' Rust names collide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedEnum {
    /// JSON pointer of the schema in the (normalised) document.
    pub at: String,
    /// Its values, in the document's order.
    pub values: Vec<String>,
}

/// Rewrites every colliding enum of the document; see the module docs.
pub(super) fn fix(
    openapi: &mut openapiv3::OpenAPI,
    log: &mut Vec<Rewrite>,
    opened: &mut Vec<OpenedEnum>,
) {
    walk::schemas(openapi, &mut |schema, at| {
        let description = &mut schema.schema_data.description;
        let (values, open): (Vec<String>, bool) = match &mut schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if s.enumeration.len() < 2 {
                    return;
                }
                let before = s.enumeration.len();
                dedup(&mut s.enumeration);
                if s.enumeration.len() != before {
                    log.push(Rewrite {
                        rule: RewriteRule::EnumNames,
                        at: at.pointer(),
                        detail: "duplicate enum values removed".to_string(),
                    });
                }
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if unique_names(&values) {
                    return;
                }
                s.enumeration.clear();
                (values, true)
            }
            SchemaKind::Any(any)
                if matches!(any.typ.as_deref(), None | Some("string"))
                    && any.enumeration.len() >= 2
                    && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                let before = any.enumeration.len();
                dedup(&mut any.enumeration);
                if any.enumeration.len() != before {
                    log.push(Rewrite {
                        rule: RewriteRule::EnumNames,
                        at: at.pointer(),
                        detail: "duplicate enum values removed".to_string(),
                    });
                }
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                if unique_names(&values) {
                    return;
                }
                let had_null = any.enumeration.iter().any(Value::is_null);
                any.enumeration.clear();
                any.typ = Some("string".to_string());
                if had_null {
                    schema.schema_data.nullable = true;
                }
                (values, true)
            }
            _ => return,
        };
        if !open {
            return;
        }
        let list = values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let note = format!("One of: {list}.");
        super::append_note(description, &note);
        log.push(Rewrite {
            rule: RewriteRule::OpenedEnum,
            at: at.pointer(),
            detail: format!(
                "{} values whose Rust names collide: now a plain string",
                values.len()
            ),
        });
        opened.push(OpenedEnum {
            at: at.pointer(),
            values,
        });
    });
}

fn dedup<T: PartialEq + Clone>(values: &mut Vec<T>) {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values.drain(..) {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    *values = out;
}

/// Whether typify can name every value: its first naming, or its second
/// (elided characters as `X`), gives distinct names.
fn unique_names(values: &[String]) -> bool {
    let distinct = |names: Vec<String>| {
        let n = names.len();
        names.into_iter().collect::<BTreeSet<_>>().len() == n
    };
    distinct(values.iter().map(|v| typify_type_name(v)).collect())
        || distinct(
            values
                .iter()
                .map(|v| {
                    typify_type_name(&v.replace(
                        |c: char| c == '_' || !unicode_ident::is_xid_continue(c),
                        "X",
                    ))
                })
                .collect(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typify_names() {
        assert_eq!(typify_type_name("Etc/GMT+1"), "EtcGmt1");
        assert_eq!(typify_type_name("+1"), "plus1");
        assert_eq!(typify_type_name("2fa"), "X2fa");
        assert_eq!(typify_type_name(""), "X");
        assert_eq!(typify_type_name("Self"), "Self_");
    }

    #[test]
    fn collisions() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(unique_names(&v(&["a", "b"])));
        // First naming collides, the X spelling does not.
        assert!(unique_names(&v(&["A-1", "a1"])));
        assert!(!unique_names(&v(&["Etc/GMT+1", "Etc/GMT-1"])));
    }
}
