//! An open enum spelt as a union: `anyOf: [{type: string}, {type: string,
//! enum: [...]}]`.
//!
//! Generated SDK specs (OpenAI's, Stainless-made ones) write "one of these
//! values, or any other string" so. typify cannot tell that the arms
//! overlap into one type: it makes a struct of two `#[serde(flatten)]`
//! `Option<String>` fields, which serde cannot read or write (a string is
//! not a map), and it refuses every `default` given on it ("value does not
//! conform"), which costs the schema. The union accepts exactly the strings
//! its unconstrained arm accepts, so that arm alone is the same schema: a
//! plain `String`, with the union's description, default and nullability,
//! and the enum arms' values listed as known values.

use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type, VariantOrUnknownOrEmpty,
};

use super::walk;
use super::{Rewrite, RewriteRule};

/// Rewrites every open-enum union of the document; see the module docs.
pub(super) fn fix(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
        let arms = match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::Any(a)
                if matches!(a.typ.as_deref(), None | Some("string"))
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.all_of.is_empty()
                    && a.one_of.is_empty()
                    && a.enumeration.is_empty() =>
            {
                &a.any_of
            }
            _ => return,
        };
        let Some((known, nullable)) = open_enum(arms) else {
            return;
        };
        let note = (!known.is_empty()).then(|| {
            let list = known
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("Known values: {list}; any other string is accepted too.")
        });
        let data = &mut schema.schema_data;
        data.nullable |= nullable;
        if let Some(note) = note {
            super::append_note(&mut data.description, &note);
        }
        schema.schema_kind = SchemaKind::Type(Type::String(StringType::default()));
        log.push(Rewrite {
            rule: RewriteRule::OpenUnion,
            at: at.pointer(),
            detail: format!(
                "`anyOf` of any string and {} known value(s): a plain string",
                known.len()
            ),
        });
    });
}

/// When `arms` are strings given in place, one of them any string: the
/// other arms' enum values, and whether an arm is nullable.
fn open_enum(arms: &[ReferenceOr<Schema>]) -> Option<(Vec<String>, bool)> {
    let strings: Vec<(&Schema, &StringType)> = arms
        .iter()
        .map(|arm| match arm {
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Type(Type::String(st)) => Some((s, st)),
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        })
        .collect::<Option<_>>()?;
    let unconstrained = |st: &StringType| {
        st.enumeration.is_empty()
            && st.pattern.is_none()
            && st.min_length.is_none()
            && st.max_length.is_none()
            && matches!(st.format, VariantOrUnknownOrEmpty::Empty)
    };
    if strings.len() < 2 || !strings.iter().any(|(_, st)| unconstrained(st)) {
        return None;
    }
    let mut known = Vec::new();
    for (_, st) in &strings {
        for v in st.enumeration.iter().flatten() {
            if !known.contains(v) {
                known.push(v.clone());
            }
        }
    }
    let nullable = strings
        .iter()
        .any(|(s, st)| s.schema_data.nullable || st.enumeration.iter().any(Option::is_none));
    Some((known, nullable))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::test_component as component;

    #[test]
    fn any_string_or_known_values_is_a_string() {
        let mut doc = crate::normalise::test_document(serde_json::json!({
            "Model": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}],
                      "default": "a", "nullable": true, "description": "The model."},
            "Closed": {"anyOf": [{"type": "string", "enum": ["x"]}, {"type": "string", "enum": ["y"]}]},
            "Mixed": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
        }));
        let mut log = Vec::new();
        fix(&mut doc, &mut log);
        assert_eq!(log.len(), 1, "{log:?}");
        let model = component(&doc, "Model");
        assert!(matches!(
            model.schema_kind,
            SchemaKind::Type(Type::String(_))
        ));
        assert!(model.schema_data.nullable);
        assert_eq!(model.schema_data.default, Some(serde_json::json!("a")));
        let description = model.schema_data.description.unwrap_or_default();
        assert!(description.starts_with("The model."), "{description}");
        assert!(description.contains("`a`, `b`"), "{description}");
        // Neither is an open enum: no arm takes any string.
        assert!(matches!(
            component(&doc, "Closed").schema_kind,
            SchemaKind::AnyOf { .. }
        ));
        assert!(matches!(
            component(&doc, "Mixed").schema_kind,
            SchemaKind::AnyOf { .. }
        ));
    }
}
