//! Every rule of the lint, and how bad a finding of it is in each profile.
//!
//! Under [`Profile::Vendor`] an error is exactly what stops code generation
//! or makes the generated client wrong; under [`Profile::Transcribed`] the
//! house rules of hand transcription are errors too. The table is here, a
//! row a rule with its [`Class`], so the two profiles can be compared at a
//! glance.

use std::fmt;

use crate::catalogue::Profile;

use super::Severity;

/// How bad a finding of a rule is, by profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Worth knowing, never a reason to stop.
    Note,
    /// What the pipeline repairs before progenitor, with the same requests
    /// on the wire (`normalise`): an operationId added or made distinct
    /// (ids are never sent), a path parameter declared, dropped or marked
    /// required to match its template, duplicate enum values removed, a
    /// schema reference that points at nothing (or at a URL, which is not
    /// fetched) made any JSON value. A vendor's spec generates anyway, so a
    /// warning; in our own specs the house rule stands.
    Repaired,
    /// The document cannot be read, or a reference cannot be followed:
    /// errors whoever wrote the spec.
    Fatal,
    /// House rules of transcription: a vendor's spec is what it is.
    House,
}

crate::table::rule_table! {
    /// A lint rule.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Rule: Class {
        Read => "read", Class::Fatal, "the file can be read";
        Utf8 => "utf8", Class::Fatal, "the file is UTF-8 text";
        Empty => "empty", Class::Fatal, "the file is not empty";
        Yaml => "yaml", Class::Fatal, "the file is valid YAML";
        OpenapiVersion => "openapi-version", Class::Fatal,
            "the document is Swagger 2.0 or OpenAPI 3.0/3.1 (a transcribed spec: OpenAPI 3.0.x)";
        Conversion => "conversion", Class::Fatal,
            "what a Swagger 2.0 or OpenAPI 3.1 document says has an OpenAPI 3.0 meaning";
        Structure => "structure", Class::Fatal,
            "the document has the shape of an OpenAPI 3.0 document";
        RefResolves => "ref-resolves", Class::Repaired, "every local `$ref` points at something";
        RefLocal => "ref-local", Class::Fatal, "no `$ref` points into another file";
        RefFile => "ref-file", Class::Fatal,
            "every `$ref` into another file names a readable file and a place in it";
        RefUrl => "ref-url", Class::Repaired, "no `$ref` points at a URL (they are not fetched)";
        RefCycle => "ref-cycle", Class::Fatal, "no `$ref`/`allOf` chain leads back to itself";
        UnusedSchema => "unused-schema", Class::Note, "every component schema is used";
        OperationIdMissing => "operation-id-missing", Class::Repaired,
            "every operation has an operationId";
        OperationIdInvalid => "operation-id-invalid", Class::House,
            "operationIds are identifiers: ASCII letters and digits, single `_` or `-` between";
        OperationIdDuplicate => "operation-id-duplicate", Class::Repaired,
            "no two operationIds are equal, also after conversion to snake_case";
        PathParamUndeclared => "path-param-undeclared", Class::Repaired,
            "every `{name}` of a path template is a declared path parameter";
        PathParamUnused => "path-param-unused", Class::Repaired,
            "every declared path parameter appears in the template";
        PathParamRequired => "path-param-required", Class::Repaired,
            "path parameters say `required: true`";
        OperationSummary => "operation-summary", Class::House, "every operation has a summary";
        OperationDescription => "operation-description", Class::House,
            "every operation has a description";
        OperationTags => "operation-tags", Class::House, "every operation has at least one tag";
        OperationSuccessResponse => "operation-success-response", Class::House,
            "every operation has a 2xx response";
        OperationSecurity => "operation-security", Class::House,
            "every operation has a security requirement (its own or the global one; `[]` for none)";
        SecuritySchemeUnknown => "security-scheme-unknown", Class::House,
            "security requirements name declared security schemes";
        OperationExternalDocs => "operation-external-docs", Class::House,
            "every operation links to its documentation page";
        SchemaPropertyType => "schema-property-type", Class::House,
            "every schema property has a `type` or a `$ref`";
        SchemaRequiredUnknown => "schema-required-unknown", Class::House,
            "`required` lists only properties the schema has";
        EnumInline => "enum-inline", Class::House, "enums are named component schemas";
        EnumDuplicate => "enum-duplicate", Class::Repaired, "enum values are unique";
        SchemaFormat => "schema-format", Class::House,
            "known formats are used with their type, and not misspelt";
        SchemaFormatUnknown => "schema-format-unknown", Class::Note,
            "formats are ones code generation knows (OpenAPI leaves them open)";
        SchemaNumberRange => "schema-number-range", Class::Note, "integer bounds fit in 64 bits";
        Converted => "converted", Class::Note, "the conversion to OpenAPI 3.0 left nothing out";
        ExampleInvalid => "example-invalid", Class::House,
            "every example validates against its schema";
    }
}

impl Rule {
    /// How bad a finding of this rule is under `profile`.
    pub fn severity(self, profile: Profile) -> Severity {
        match (self.class(), profile) {
            (Class::Note, _) | (Class::Repaired | Class::House, Profile::Vendor) => {
                Severity::Warning
            }
            (Class::Fatal, _) | (Class::Repaired | Class::House, Profile::Transcribed) => {
                Severity::Error
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_all_is_complete() {
        let ids: std::collections::BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
        // Every house rule is an error for our own specs.
        for rule in Rule::ALL {
            if rule.severity(Profile::Vendor) == Severity::Error {
                assert_eq!(
                    rule.severity(Profile::Transcribed),
                    Severity::Error,
                    "{rule}"
                );
            }
        }
    }
}
