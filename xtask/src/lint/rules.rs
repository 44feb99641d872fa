//! Every rule of the lint, and how bad a finding of it is in each profile.
//!
//! Under [`Profile::Vendor`] an error is exactly what stops code generation
//! or makes the generated client wrong; under [`Profile::Transcribed`] the
//! house rules of hand transcription are errors too. The table is here, in
//! one `match`, so the two profiles can be compared at a glance.

use std::fmt;

use crate::catalogue::Profile;

use super::Severity;

/// A lint rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The file can be read.
    Read,
    /// The file is UTF-8 text.
    Utf8,
    /// The file is not empty.
    Empty,
    /// The file is valid YAML.
    Yaml,
    /// The document is Swagger 2.0, OpenAPI 3.0 or 3.1 (transcribed: 3.0).
    OpenapiVersion,
    /// What a Swagger 2.0 or OpenAPI 3.1 document says has an OpenAPI 3.0
    /// meaning.
    Conversion,
    /// The document has the shape of an OpenAPI 3.0 document.
    Structure,
    /// Every local `$ref` points at something.
    RefResolves,
    /// No `$ref` points into another file (a document given as text).
    RefLocal,
    /// A `$ref` into another file names a readable file and a place in it.
    RefFile,
    /// No `$ref` points at a URL.
    RefUrl,
    /// No `$ref`/`allOf` chain leads back to itself.
    RefCycle,
    /// Every component schema is used.
    UnusedSchema,
    /// Every operation has an operationId.
    OperationIdMissing,
    /// operationIds are plain identifiers.
    OperationIdInvalid,
    /// No two operationIds are equal, also as Rust method names.
    OperationIdDuplicate,
    /// Every `{name}` of a path template is a declared path parameter.
    PathParamUndeclared,
    /// Every declared path parameter appears in the template.
    PathParamUnused,
    /// Path parameters say `required: true`.
    PathParamRequired,
    /// Every operation has a summary.
    OperationSummary,
    /// Every operation has a description.
    OperationDescription,
    /// Every operation has a tag.
    OperationTags,
    /// Every operation has a 2xx response.
    OperationSuccessResponse,
    /// Every operation has a security requirement.
    OperationSecurity,
    /// Security requirements name declared schemes.
    SecuritySchemeUnknown,
    /// Every operation links to its documentation page.
    OperationExternalDocs,
    /// Every schema property has a type.
    SchemaPropertyType,
    /// `required` lists only properties the schema has.
    SchemaRequiredUnknown,
    /// Enums are named component schemas.
    EnumInline,
    /// Enum values are unique.
    EnumDuplicate,
    /// A known format is used with its type (and not misspelt).
    SchemaFormat,
    /// A format nobody here knows (OpenAPI leaves formats open).
    SchemaFormatUnknown,
    /// Integer bounds fit in 64 bits.
    SchemaNumberRange,
    /// The conversion to 3.0 left something out.
    Converted,
    /// Every example validates against its schema.
    ExampleInvalid,
}

impl Rule {
    /// Every rule, in the order of [`Rule::id`]'s listing.
    pub const ALL: &'static [Rule] = &[
        Rule::Read,
        Rule::Utf8,
        Rule::Empty,
        Rule::Yaml,
        Rule::OpenapiVersion,
        Rule::Conversion,
        Rule::Structure,
        Rule::RefResolves,
        Rule::RefLocal,
        Rule::RefFile,
        Rule::RefUrl,
        Rule::RefCycle,
        Rule::UnusedSchema,
        Rule::OperationIdMissing,
        Rule::OperationIdInvalid,
        Rule::OperationIdDuplicate,
        Rule::PathParamUndeclared,
        Rule::PathParamUnused,
        Rule::PathParamRequired,
        Rule::OperationSummary,
        Rule::OperationDescription,
        Rule::OperationTags,
        Rule::OperationSuccessResponse,
        Rule::OperationSecurity,
        Rule::SecuritySchemeUnknown,
        Rule::OperationExternalDocs,
        Rule::SchemaPropertyType,
        Rule::SchemaRequiredUnknown,
        Rule::EnumInline,
        Rule::EnumDuplicate,
        Rule::SchemaFormat,
        Rule::SchemaFormatUnknown,
        Rule::SchemaNumberRange,
        Rule::Converted,
        Rule::ExampleInvalid,
    ];

    /// The stable name printed in findings, such as `example-invalid`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::Read => "read",
            Rule::Utf8 => "utf8",
            Rule::Empty => "empty",
            Rule::Yaml => "yaml",
            Rule::OpenapiVersion => "openapi-version",
            Rule::Conversion => "conversion",
            Rule::Structure => "structure",
            Rule::RefResolves => "ref-resolves",
            Rule::RefLocal => "ref-local",
            Rule::RefFile => "ref-file",
            Rule::RefUrl => "ref-url",
            Rule::RefCycle => "ref-cycle",
            Rule::UnusedSchema => "unused-schema",
            Rule::OperationIdMissing => "operation-id-missing",
            Rule::OperationIdInvalid => "operation-id-invalid",
            Rule::OperationIdDuplicate => "operation-id-duplicate",
            Rule::PathParamUndeclared => "path-param-undeclared",
            Rule::PathParamUnused => "path-param-unused",
            Rule::PathParamRequired => "path-param-required",
            Rule::OperationSummary => "operation-summary",
            Rule::OperationDescription => "operation-description",
            Rule::OperationTags => "operation-tags",
            Rule::OperationSuccessResponse => "operation-success-response",
            Rule::OperationSecurity => "operation-security",
            Rule::SecuritySchemeUnknown => "security-scheme-unknown",
            Rule::OperationExternalDocs => "operation-external-docs",
            Rule::SchemaPropertyType => "schema-property-type",
            Rule::SchemaRequiredUnknown => "schema-required-unknown",
            Rule::EnumInline => "enum-inline",
            Rule::EnumDuplicate => "enum-duplicate",
            Rule::SchemaFormat => "schema-format",
            Rule::SchemaFormatUnknown => "schema-format-unknown",
            Rule::SchemaNumberRange => "schema-number-range",
            Rule::Converted => "converted",
            Rule::ExampleInvalid => "example-invalid",
        }
    }

    /// What the rule checks, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Rule::Read => "the file can be read",
            Rule::Utf8 => "the file is UTF-8 text",
            Rule::Empty => "the file is not empty",
            Rule::Yaml => "the file is valid YAML",
            Rule::OpenapiVersion => {
                "the document is Swagger 2.0 or OpenAPI 3.0/3.1 (a transcribed spec: OpenAPI 3.0.x)"
            }
            Rule::Conversion => {
                "what a Swagger 2.0 or OpenAPI 3.1 document says has an OpenAPI 3.0 meaning"
            }
            Rule::Structure => "the document has the shape of an OpenAPI 3.0 document",
            Rule::RefResolves => "every local `$ref` points at something",
            Rule::RefLocal => "no `$ref` points into another file",
            Rule::RefFile => {
                "every `$ref` into another file names a readable file and a place in it"
            }
            Rule::RefUrl => "no `$ref` points at a URL (they are not fetched)",
            Rule::RefCycle => "no `$ref`/`allOf` chain leads back to itself",
            Rule::UnusedSchema => "every component schema is used",
            Rule::OperationIdMissing => "every operation has an operationId",
            Rule::OperationIdInvalid => {
                "operationIds are identifiers: ASCII letters and digits, single `_` or `-` between"
            }
            Rule::OperationIdDuplicate => {
                "no two operationIds are equal, also after conversion to snake_case"
            }
            Rule::PathParamUndeclared => {
                "every `{name}` of a path template is a declared path parameter"
            }
            Rule::PathParamUnused => "every declared path parameter appears in the template",
            Rule::PathParamRequired => "path parameters say `required: true`",
            Rule::OperationSummary => "every operation has a summary",
            Rule::OperationDescription => "every operation has a description",
            Rule::OperationTags => "every operation has at least one tag",
            Rule::OperationSuccessResponse => "every operation has a 2xx response",
            Rule::OperationSecurity => {
                "every operation has a security requirement (its own or the global one; `[]` for none)"
            }
            Rule::SecuritySchemeUnknown => "security requirements name declared security schemes",
            Rule::OperationExternalDocs => "every operation links to its documentation page",
            Rule::SchemaPropertyType => "every schema property has a `type` or a `$ref`",
            Rule::SchemaRequiredUnknown => "`required` lists only properties the schema has",
            Rule::EnumInline => "enums are named component schemas",
            Rule::EnumDuplicate => "enum values are unique",
            Rule::SchemaFormat => "known formats are used with their type, and not misspelt",
            Rule::SchemaFormatUnknown => {
                "formats are ones code generation knows (OpenAPI leaves them open)"
            }
            Rule::SchemaNumberRange => "integer bounds fit in 64 bits",
            Rule::Converted => "the conversion to OpenAPI 3.0 left nothing out",
            Rule::ExampleInvalid => "every example validates against its schema",
        }
    }

    /// How bad a finding of this rule is under `profile`.
    pub fn severity(self, profile: Profile) -> Severity {
        match self {
            // Worth knowing, never a reason to stop.
            Rule::UnusedSchema
            | Rule::SchemaFormatUnknown
            | Rule::SchemaNumberRange
            | Rule::Converted => Severity::Warning,
            // What the pipeline repairs before progenitor, with the same
            // requests on the wire (`normalise`): an operationId added or
            // made distinct (ids are never sent), a path parameter declared,
            // dropped or marked required to match its template, duplicate
            // enum values removed, a schema reference that points at
            // nothing (or at a URL, which is not fetched) made any JSON
            // value. A vendor's spec generates anyway, so a warning; in our
            // own specs the house rule stands.
            Rule::RefResolves
            | Rule::RefUrl
            | Rule::OperationIdMissing
            | Rule::OperationIdDuplicate
            | Rule::PathParamUndeclared
            | Rule::PathParamUnused
            | Rule::PathParamRequired
            | Rule::EnumDuplicate => match profile {
                Profile::Transcribed => Severity::Error,
                Profile::Vendor => Severity::Warning,
            },
            // The document cannot be read, or a reference cannot be
            // followed: errors whoever wrote the spec.
            Rule::Read
            | Rule::Utf8
            | Rule::Empty
            | Rule::Yaml
            | Rule::OpenapiVersion
            | Rule::Conversion
            | Rule::Structure
            | Rule::RefLocal
            | Rule::RefFile
            | Rule::RefCycle => Severity::Error,
            // House rules of transcription: a vendor's spec is what it is.
            Rule::OperationIdInvalid
            | Rule::OperationSummary
            | Rule::OperationDescription
            | Rule::OperationTags
            | Rule::OperationSuccessResponse
            | Rule::OperationSecurity
            | Rule::SecuritySchemeUnknown
            | Rule::OperationExternalDocs
            | Rule::SchemaPropertyType
            | Rule::SchemaRequiredUnknown
            | Rule::EnumInline
            | Rule::SchemaFormat
            | Rule::ExampleInvalid => match profile {
                Profile::Transcribed => Severity::Error,
                Profile::Vendor => Severity::Warning,
            },
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
