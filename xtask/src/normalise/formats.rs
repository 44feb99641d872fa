//! A `format` on a type that has none.
//!
//! OpenAPI 3.0 defines formats for strings, numbers and integers only. A
//! spec that writes one on an object, an array or a boolean (`type: object,
//! format: uri-map`, `type: object, format: object`) is read by openapiv3 as
//! a schema of no known kind, which progenitor refuses with a panic while
//! it reads the components: the whole document would be lost for an
//! annotation. JSON Schema makes `format` an annotation (it never changes
//! what validates on these types), so dropping it keeps the same JSON and
//! the schema becomes the object, array or boolean it says it is.

use openapiv3::SchemaKind;

use super::walk;
use super::{Rewrite, RewriteRule};

/// Types that have no format in OpenAPI 3.0.
const FORMATLESS: [&str; 3] = ["object", "array", "boolean"];

/// Drops every `format` on a type that has none; see the module docs.
pub(super) fn fix(openapi: &mut openapiv3::OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
        let SchemaKind::Any(any) = &mut schema.schema_kind else {
            return;
        };
        let (Some(typ), Some(format)) = (any.typ.as_deref(), any.format.as_deref()) else {
            return;
        };
        if !FORMATLESS.contains(&typ) {
            return;
        }
        let detail = format!("`format: {format}` on `type: {typ}` dropped (an annotation only)");
        any.format = None;
        // Without the format, the schema may now be a plain typed one:
        // give progenitor that kind, as if the spec had written it so.
        if let Ok(Ok(plain)) = serde_json::to_value(&*schema).map(serde_json::from_value) {
            *schema = plain;
        }
        log.push(Rewrite {
            rule: RewriteRule::Format,
            at: at.pointer(),
            detail,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapiv3::{ReferenceOr, Type};

    #[test]
    fn a_format_on_an_object_goes_and_the_object_stays() {
        let mut doc = crate::normalise::test_document(serde_json::json!({
            "A": {"type": "object", "properties": {
                "links": {"type": "object", "format": "uri-map"},
                "when": {"type": "string", "format": "date-time"}
            }}
        }));
        let mut log = Vec::new();
        fix(&mut doc, &mut log);
        assert_eq!(log.len(), 1, "{log:?}");
        assert!(log[0].detail.contains("uri-map"));
        let a = crate::normalise::test_component(&doc, "A");
        let SchemaKind::Type(Type::Object(object)) = &a.schema_kind else {
            panic!("A is an object");
        };
        let Some(ReferenceOr::Item(links)) = object.properties.get("links") else {
            panic!("links");
        };
        assert!(
            matches!(links.schema_kind, SchemaKind::Type(Type::Object(_))),
            "{links:?}"
        );
    }
}
