//! The spec half of `cargo xtask diff`: what changed between two versions
//! of an OpenAPI document, and what each change means for a client.
//!
//! The rules follow the established OpenAPI diff tools (oasdiff,
//! openapi-diff): a change is judged from the caller's side, so the same
//! edit can be breaking in a request and harmless in a response (a new
//! required field must be sent, but may be ignored when received). The
//! documents are compared as JSON values with `$ref`s resolved, so moving a
//! schema into `components` is not a change, but editing one is reported at
//! every operation that uses it, where a reviewer needs to see it.
//!
//! Every rule is a [`Rule`], with its id, severity and reason in one table
//! here, so the rules can be compared at a glance; the code that finds
//! changes only says which rule each falls under and what changed. That
//! code is methods of one walker, [`Cx`], kept by what they compare:
//! [`document`] (servers, security schemes, which operations exist),
//! [`operation`] (one operation's parameters, bodies, responses, headers),
//! [`schema`] (types, enums, limits, properties, by direction); [`walk`]
//! reads the JSON documents for all of them.

use serde::Serialize;
use serde_json::Value;

mod document;
mod operation;
mod schema;
mod walk;

/// How a change affects existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Existing clients stop working (a request is rejected, a response no
    /// longer decodes or no longer carries what they read).
    Breaking,
    /// Existing clients may stop working, depending on how they use it.
    PotentiallyBreaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Impact {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::PotentiallyBreaking => "potentially breaking",
            Impact::NonBreaking => "non-breaking",
        }
    }
}

/// One change between two versions of a spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects existing clients: its rule's [`Rule::severity`].
    pub severity: Impact,
    /// Its rule's [`Rule::id`], for tools.
    pub rule: &'static str,
    /// Where: `PUT /organizations/{id}`, or `API` for document-wide changes.
    pub location: String,
    /// What changed, in a few words.
    pub change: String,
    /// Why it has this severity: its rule's [`Rule::reason`].
    pub reason: &'static str,
}

/// Every rule of the diff: one judgement of one kind of change. A few
/// changes are judged by the way data flows (a new `format` is a risk in
/// what clients send, harmless in what they receive): those are several
/// rules under one id, one per judgement, so each rule has exactly one
/// severity and one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    ServerRemoved,
    ServerAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
    SecuritySchemeAdded,
    OperationRemoved,
    OperationAdded,
    OperationDeprecated,
    OperationUndeprecated,
    OperationIdChanged,
    SecurityAdded,
    SecurityRemoved,
    SecurityRequirementRemoved,
    SecurityRequirementAdded,
    ParameterRemoved,
    ParameterBecameRequired,
    ParameterBecameOptional,
    RequiredParameterAdded,
    OptionalParameterAdded,
    RequestBodyRemoved,
    RequiredRequestBodyAdded,
    OptionalRequestBodyAdded,
    RequestBodyBecameRequired,
    RequestBodyBecameOptional,
    SuccessStatusRemoved,
    ErrorStatusRemoved,
    SuccessStatusAdded,
    ErrorStatusAdded,
    RequiredResponseHeaderRemoved,
    ResponseHeaderRemoved,
    ResponseHeaderAdded,
    RequestMediaTypeRemoved,
    ResponseMediaTypeRemoved,
    RequestMediaTypeAdded,
    ResponseMediaTypeAdded,
    /// A response that had no body now has one.
    ResponseBodyAdded,
    CompositionChanged,
    TypeChanged,
    /// From one format to another.
    FormatChanged,
    RequestFormatAdded,
    ResponseFormatRemoved,
    /// A format added to a response or removed from a request.
    FormatRelaxed,
    RequestNullableRemoved,
    ResponseNullableAdded,
    /// Added to a request or removed from a response.
    NullableChanged,
    PatternChanged,
    RequestEnumValueRemoved,
    ResponseEnumValueRemoved,
    RequestEnumValueAdded,
    ResponseEnumValueAdded,
    RequestLimitTightened,
    ResponseLimitTightened,
    RequestLimitLoosened,
    ResponseLimitLoosened,
    RequestFieldRemoved,
    RequiredResponseFieldRemoved,
    OptionalResponseFieldRemoved,
    RequestFieldBecameRequired,
    RequestFieldBecameOptional,
    ResponseFieldBecameRequired,
    ResponseFieldBecameOptional,
    RequiredRequestFieldAdded,
    OptionalRequestFieldAdded,
    ResponseFieldAdded,
}

impl Rule {
    /// The stable name reports give tools, such as `enum-value-removed`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::ServerRemoved => "server-removed",
            Rule::ServerAdded => "server-added",
            Rule::SecuritySchemeRemoved => "security-scheme-removed",
            Rule::SecuritySchemeChanged => "security-scheme-changed",
            Rule::SecuritySchemeAdded => "security-scheme-added",
            Rule::OperationRemoved => "operation-removed",
            Rule::OperationAdded => "operation-added",
            Rule::OperationDeprecated => "operation-deprecated",
            Rule::OperationUndeprecated => "operation-undeprecated",
            Rule::OperationIdChanged => "operation-id-changed",
            Rule::SecurityAdded => "security-added",
            Rule::SecurityRemoved => "security-removed",
            Rule::SecurityRequirementRemoved => "security-requirement-removed",
            Rule::SecurityRequirementAdded => "security-requirement-added",
            Rule::ParameterRemoved => "parameter-removed",
            Rule::ParameterBecameRequired => "parameter-became-required",
            Rule::ParameterBecameOptional => "parameter-became-optional",
            Rule::RequiredParameterAdded => "required-parameter-added",
            Rule::OptionalParameterAdded => "optional-parameter-added",
            Rule::RequestBodyRemoved => "request-body-removed",
            Rule::RequiredRequestBodyAdded => "required-request-body-added",
            Rule::OptionalRequestBodyAdded => "optional-request-body-added",
            Rule::RequestBodyBecameRequired => "request-body-became-required",
            Rule::RequestBodyBecameOptional => "request-body-became-optional",
            Rule::SuccessStatusRemoved => "success-status-removed",
            Rule::ErrorStatusRemoved => "error-status-removed",
            Rule::SuccessStatusAdded => "success-status-added",
            Rule::ErrorStatusAdded => "error-status-added",
            Rule::RequiredResponseHeaderRemoved => "required-response-header-removed",
            Rule::ResponseHeaderRemoved => "response-header-removed",
            Rule::ResponseHeaderAdded => "response-header-added",
            Rule::RequestMediaTypeRemoved | Rule::ResponseMediaTypeRemoved => "media-type-removed",
            Rule::RequestMediaTypeAdded
            | Rule::ResponseMediaTypeAdded
            | Rule::ResponseBodyAdded => "media-type-added",
            Rule::CompositionChanged => "composition-changed",
            Rule::TypeChanged => "type-changed",
            Rule::FormatChanged
            | Rule::RequestFormatAdded
            | Rule::ResponseFormatRemoved
            | Rule::FormatRelaxed => "format-changed",
            Rule::RequestNullableRemoved => "nullable-removed",
            Rule::ResponseNullableAdded => "nullable-added",
            Rule::NullableChanged => "nullable-changed",
            Rule::PatternChanged => "pattern-changed",
            Rule::RequestEnumValueRemoved | Rule::ResponseEnumValueRemoved => "enum-value-removed",
            Rule::RequestEnumValueAdded | Rule::ResponseEnumValueAdded => "enum-value-added",
            Rule::RequestLimitTightened | Rule::ResponseLimitTightened => "limit-tightened",
            Rule::RequestLimitLoosened | Rule::ResponseLimitLoosened => "limit-loosened",
            Rule::RequestFieldRemoved
            | Rule::RequiredResponseFieldRemoved
            | Rule::OptionalResponseFieldRemoved => "field-removed",
            Rule::RequestFieldBecameRequired => "request-field-became-required",
            Rule::RequestFieldBecameOptional => "request-field-became-optional",
            Rule::ResponseFieldBecameRequired => "response-field-became-required",
            Rule::ResponseFieldBecameOptional => "response-field-became-optional",
            Rule::RequiredRequestFieldAdded => "required-request-field-added",
            Rule::OptionalRequestFieldAdded => "optional-request-field-added",
            Rule::ResponseFieldAdded => "response-field-added",
        }
    }

    /// How a change of this kind affects existing clients.
    pub fn severity(self) -> Impact {
        match self {
            Rule::SecuritySchemeRemoved
            | Rule::SecuritySchemeChanged
            | Rule::OperationRemoved
            | Rule::SecurityAdded
            | Rule::SecurityRequirementRemoved
            | Rule::ParameterBecameRequired
            | Rule::RequiredParameterAdded
            | Rule::RequiredRequestBodyAdded
            | Rule::RequestBodyBecameRequired
            | Rule::SuccessStatusRemoved
            | Rule::RequiredResponseHeaderRemoved
            | Rule::RequestMediaTypeRemoved
            | Rule::ResponseMediaTypeRemoved
            | Rule::TypeChanged
            | Rule::FormatChanged
            | Rule::RequestNullableRemoved
            | Rule::ResponseNullableAdded
            | Rule::RequestEnumValueRemoved
            | Rule::RequestLimitTightened
            | Rule::RequiredResponseFieldRemoved
            | Rule::OptionalResponseFieldRemoved
            | Rule::RequestFieldBecameRequired
            | Rule::ResponseFieldBecameOptional
            | Rule::RequiredRequestFieldAdded => Impact::Breaking,
            Rule::ServerRemoved
            | Rule::OperationIdChanged
            | Rule::ParameterRemoved
            | Rule::RequestBodyRemoved
            | Rule::SuccessStatusAdded
            | Rule::ResponseHeaderRemoved
            | Rule::ResponseMediaTypeAdded
            | Rule::CompositionChanged
            | Rule::RequestFormatAdded
            | Rule::ResponseFormatRemoved
            | Rule::PatternChanged
            | Rule::ResponseLimitLoosened
            | Rule::RequestFieldRemoved => Impact::PotentiallyBreaking,
            Rule::ServerAdded
            | Rule::SecuritySchemeAdded
            | Rule::OperationAdded
            | Rule::OperationDeprecated
            | Rule::OperationUndeprecated
            | Rule::SecurityRemoved
            | Rule::SecurityRequirementAdded
            | Rule::ParameterBecameOptional
            | Rule::OptionalParameterAdded
            | Rule::OptionalRequestBodyAdded
            | Rule::RequestBodyBecameOptional
            | Rule::ErrorStatusRemoved
            | Rule::ErrorStatusAdded
            | Rule::ResponseHeaderAdded
            | Rule::RequestMediaTypeAdded
            | Rule::ResponseBodyAdded
            | Rule::FormatRelaxed
            | Rule::NullableChanged
            | Rule::ResponseEnumValueRemoved
            | Rule::RequestEnumValueAdded
            | Rule::ResponseEnumValueAdded
            | Rule::ResponseLimitTightened
            | Rule::RequestLimitLoosened
            | Rule::RequestFieldBecameOptional
            | Rule::ResponseFieldBecameRequired
            | Rule::OptionalRequestFieldAdded
            | Rule::ResponseFieldAdded => Impact::NonBreaking,
        }
    }

    /// Why a change of this kind has its severity, in one line.
    pub fn reason(self) -> &'static str {
        match self {
            Rule::ServerRemoved => {
                "callers configured with this base URL must move; the generated `Client::new` takes the URL from the caller, so code still compiles"
            }
            Rule::ServerAdded => "a new place to send requests; existing URLs are unaffected",
            Rule::SecuritySchemeRemoved => "clients that authenticate with it are rejected",
            Rule::SecuritySchemeChanged => "clients send credentials the old way and are rejected",
            Rule::SecuritySchemeAdded => {
                "defining a scheme changes nothing until an operation requires it"
            }
            Rule::OperationRemoved => "calls to it fail; the generated method disappears",
            Rule::OperationAdded => "new capability; existing calls are unaffected",
            Rule::OperationDeprecated => {
                "it still works; the generated method warns callers to migrate"
            }
            Rule::OperationUndeprecated => "it keeps working; the deprecation warning goes away",
            Rule::OperationIdChanged => {
                "the HTTP call is the same, but generated clients rename the method"
            }
            Rule::SecurityAdded => "calls without credentials are rejected",
            Rule::SecurityRemoved => "credentials are accepted and no longer needed",
            Rule::SecurityRequirementRemoved => "clients that authenticate this way are rejected",
            Rule::SecurityRequirementAdded => "a new way to authenticate; the old ones still work",
            Rule::ParameterRemoved => {
                "the server no longer reads it, so setting it has no effect; the generated setter disappears"
            }
            Rule::ParameterBecameRequired => "calls that leave it out are rejected",
            Rule::ParameterBecameOptional => "calls that send it keep working",
            Rule::RequiredParameterAdded => "calls without it are rejected",
            Rule::OptionalParameterAdded => "calls without it keep working",
            Rule::RequestBodyRemoved => {
                "the server ignores what clients send; the generated `body` setter disappears"
            }
            Rule::RequiredRequestBodyAdded | Rule::RequestBodyBecameRequired => {
                "calls without a body are rejected"
            }
            Rule::OptionalRequestBodyAdded => "calls without a body keep working",
            Rule::RequestBodyBecameOptional => "calls with a body keep working",
            Rule::SuccessStatusRemoved => {
                "clients that handle it no longer get it; the server answers differently"
            }
            Rule::ErrorStatusRemoved => {
                "one documented failure fewer; clients that handle it are unaffected"
            }
            Rule::SuccessStatusAdded => {
                "the server may now answer with it; clients generated from the old spec return `Error::UnexpectedResponse` for it"
            }
            Rule::ErrorStatusAdded => "a failure is now documented; it fails the call as before",
            Rule::RequiredResponseHeaderRemoved => {
                "it was always sent; clients that read it get nothing"
            }
            Rule::ResponseHeaderRemoved => "clients that read it get nothing",
            Rule::ResponseHeaderAdded => "clients that do not read it are unaffected",
            Rule::RequestMediaTypeRemoved => "clients that send it are rejected",
            Rule::ResponseMediaTypeRemoved => "clients that expect it get something else",
            Rule::RequestMediaTypeAdded => "one more format is accepted; existing ones still are",
            Rule::ResponseMediaTypeAdded => {
                "the server may answer in a format clients do not expect"
            }
            Rule::ResponseBodyAdded => {
                "the response now has a documented body; clients that ignored it are unaffected"
            }
            Rule::CompositionChanged => {
                "alternatives changed; check by hand which values are still valid"
            }
            Rule::TypeChanged => {
                "values of the old type are no longer valid; the generated Rust type changes"
            }
            Rule::FormatChanged => {
                "values in the old format are no longer valid; the generated Rust type may change"
            }
            Rule::RequestFormatAdded => {
                "the server may now reject values that do not match the format"
            }
            Rule::ResponseFormatRemoved => {
                "values may no longer match the old format; clients that parse them may fail"
            }
            Rule::FormatRelaxed | Rule::NullableChanged => "what was valid before still is",
            Rule::RequestNullableRemoved => "requests that send null are rejected",
            Rule::ResponseNullableAdded => "clients receive null where they expect a value",
            Rule::PatternChanged => {
                "the set of valid strings changed; check values clients send or read"
            }
            Rule::RequestEnumValueRemoved => {
                "requests that send it are rejected; the generated variant disappears"
            }
            Rule::ResponseEnumValueRemoved => {
                "the server no longer sends it; clients that handle it are unaffected"
            }
            Rule::RequestEnumValueAdded => "clients may send it; the old values are still accepted",
            Rule::ResponseEnumValueAdded => {
                "the generated enums are forward-compatible: an unknown value decodes as `Unknown(String)` instead of failing"
            }
            Rule::RequestLimitTightened => "requests that were valid may now be rejected",
            Rule::ResponseLimitTightened => "responses stay within what clients accepted before",
            Rule::RequestLimitLoosened => "every request that was valid still is",
            Rule::ResponseLimitLoosened => {
                "responses may exceed the old limit; generated types that check it when decoding reject them"
            }
            Rule::RequestFieldRemoved => {
                "the server ignores it now, so setting it has no effect; the generated field disappears"
            }
            Rule::RequiredResponseFieldRemoved => {
                "it was required: clients that read it get nothing, and old generated clients fail to decode the response"
            }
            Rule::OptionalResponseFieldRemoved => {
                "clients that read it get nothing from now on; the generated field disappears"
            }
            Rule::RequestFieldBecameRequired | Rule::RequiredRequestFieldAdded => {
                "requests without it are rejected"
            }
            Rule::RequestFieldBecameOptional => "requests that send it keep working",
            Rule::ResponseFieldBecameRequired => "it is now always sent; clients already handle it",
            Rule::ResponseFieldBecameOptional => {
                "clients that read it may get nothing; old generated clients fail to decode responses without it"
            }
            Rule::OptionalRequestFieldAdded => "requests without it keep working",
            Rule::ResponseFieldAdded => {
                "clients ignore fields they do not know; the generated structs do not deny unknown fields"
            }
        }
    }
}

/// Which way data flows through a schema: rules for what a client sends and
/// for what it receives are mirror images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

impl Dir {
    /// The rule (or anything) for this direction.
    fn pick<T>(self, request: T, response: T) -> T {
        match self {
            Dir::Request => request,
            Dir::Response => response,
        }
    }
}

/// Every change from `old` to `new` (whole documents), most severe first.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        out: Vec::new(),
    };
    cx.servers();
    cx.security_schemes();
    cx.operations();
    cx.out
        .sort_by(|a, b| (a.severity, &a.location).cmp(&(b.severity, &b.location)));
    cx.out
}

/// The walk over two documents, collecting changes as it goes.
struct Cx<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Change>,
}

impl Cx<'_> {
    /// Records one change found by `rule`.
    fn push(&mut self, rule: Rule, location: &str, change: impl Into<String>) {
        self.out.push(Change {
            severity: rule.severity(),
            rule: rule.id(),
            location: location.to_string(),
            change: change.into(),
            reason: rule.reason(),
        });
    }

    /// `what` (a parameter, a request body, a field) became required or
    /// optional, when its `required` flag went from `flags.0` to `flags.1`.
    fn required(&mut self, loc: &str, what: &str, flags: (bool, bool), became: [Rule; 2]) {
        let (rule, now) = match flags {
            (false, true) => (became[0], "required"),
            (true, false) => (became[1], "optional"),
            _ => return,
        };
        self.push(rule, loc, format!("{what} became {now}"));
    }
}
