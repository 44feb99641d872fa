//! A `pattern` the generated code could not compile.
//!
//! typify checks every string `pattern` with `regress`, the ECMAScript
//! engine its generated code validates with, and rejects the schema when
//! the engine refuses it. Vendors write patterns for other engines too:
//! inline flags (`(?i)^[a-z]+$`, Okta), possessive quantifiers, `\Z`. One
//! such pattern cost its schema (or the operation it sits in). A pattern
//! only narrows which strings are valid, so dropping it keeps every
//! request and response the vendor accepts; the caller loses the check on
//! construction, not a value. The engine decides, the same build of it
//! typify uses, so this rule and typify cannot disagree.

use openapiv3::{OpenAPI, SchemaKind, Type};

use super::walk;
use super::{Rewrite, RewriteRule};

/// Drops every `pattern` that `regress` cannot compile; see the module docs.
pub(super) fn fix(openapi: &mut OpenAPI, log: &mut Vec<Rewrite>) {
    walk::schemas(openapi, &mut |schema, at| {
        let pattern = match &mut schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => &mut s.pattern,
            SchemaKind::Any(a) => &mut a.pattern,
            _ => return,
        };
        let Some(p) = pattern.as_deref() else {
            return;
        };
        let Err(error) = regress::Regex::new(p) else {
            return;
        };
        let detail = format!(
            "`pattern: {p}` dropped: the generated code's regex engine (ECMAScript, `regress`) cannot compile it ({error}); it only narrowed the strings accepted"
        );
        *pattern = None;
        log.push(Rewrite {
            rule: RewriteRule::Pattern,
            at: at.pointer(),
            detail,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapiv3::ReferenceOr;

    #[test]
    fn only_the_pattern_the_engine_refuses_goes() {
        let mut doc = crate::normalise::test_document(serde_json::json!({
            "A": {"type": "object", "properties": {
                "code": {"type": "string", "pattern": "(?i)^ab[0-9]+$"},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"}
            }}
        }));
        let mut log = Vec::new();
        fix(&mut doc, &mut log);
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].at, "/components/schemas/A/properties/code");
        let a = crate::normalise::test_component(&doc, "A");
        let SchemaKind::Type(Type::Object(object)) = &a.schema_kind else {
            panic!("A is an object");
        };
        let pattern = |name: &str| match object.properties.get(name) {
            Some(ReferenceOr::Item(s)) => match &s.schema_kind {
                SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
                _ => panic!("{name} is a string"),
            },
            _ => panic!("{name}"),
        };
        assert_eq!(pattern("code"), None);
        assert_eq!(pattern("zip").as_deref(), Some("^[0-9]{5}$"));
    }
}
