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
//! Every rule is a [`DiffRule`], with its id, impact and reason in one table
//! here, so the rules can be compared at a glance; the code that finds
//! changes only says which rule each falls under and what changed. That
//! code is methods of one walker, [`Cx`], kept by what they compare:
//! [`document`] (servers, security schemes, which operations exist),
//! [`operation`] (one operation's parameters, bodies, responses, headers),
//! [`schema`] (types, enums, limits, properties, by direction); [`read`]
//! reads the JSON documents for all of them.

use serde::Serialize;
use serde_json::Value;

mod document;
mod operation;
mod read;
mod schema;

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
    /// How it affects existing clients: its rule's [`DiffRule::class`]
    /// (`severity` for tools, as the diff tools call it).
    #[serde(rename = "severity")]
    pub impact: Impact,
    /// Its rule's [`DiffRule::id`], for tools.
    pub rule: &'static str,
    /// Where: `PUT /organizations/{id}`, or `API` for document-wide changes.
    pub location: String,
    /// What changed, in a few words.
    pub change: String,
    /// Why it has this impact: its rule's [`DiffRule::text`].
    pub reason: &'static str,
    /// Where it is in the new document, as a JSON pointer: a schema's
    /// change is where the schema is written (a component, when it is
    /// shared), and a removal is where the removed part was (located at its
    /// nearest ancestor still written).
    pub pointer: String,
    /// The file and 1-based line of [`Change::pointer`] in the new version,
    /// once [`locate`]d (what `--format github` annotates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Fills in each change's file and line from `new`'s source map.
pub fn locate(changes: &mut [Change], new: &crate::spec::Spec) {
    for change in changes {
        let at = new.locate(&change.pointer);
        change.file = Some(at.file);
        change.line = Some(at.line);
    }
}

crate::table::rule_table! {
    /// Every rule of the diff: one judgement of one kind of change. A few
    /// changes are judged by the way data flows (a new `format` is a risk
    /// in what clients send, harmless in what they receive): those are
    /// several rules under one id, one per judgement, so each rule has
    /// exactly one impact and one reason.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum DiffRule: Impact {
        ServerRemoved => "server-removed", Impact::PotentiallyBreaking,
            "callers configured with this base URL must move; the generated `Client::new` takes the URL from the caller, so code still compiles";
        ServerAdded => "server-added", Impact::NonBreaking,
            "a new place to send requests; existing URLs are unaffected";
        SecuritySchemeRemoved => "security-scheme-removed", Impact::Breaking,
            "clients that authenticate with it are rejected";
        SecuritySchemeChanged => "security-scheme-changed", Impact::Breaking,
            "clients send credentials the old way and are rejected";
        SecuritySchemeAdded => "security-scheme-added", Impact::NonBreaking,
            "defining a scheme changes nothing until an operation requires it";
        OperationRemoved => "operation-removed", Impact::Breaking,
            "calls to it fail; the generated method disappears";
        OperationAdded => "operation-added", Impact::NonBreaking,
            "new capability; existing calls are unaffected";
        OperationDeprecated => "operation-deprecated", Impact::NonBreaking,
            "it still works; the generated method warns callers to migrate";
        OperationUndeprecated => "operation-undeprecated", Impact::NonBreaking,
            "it keeps working; the deprecation warning goes away";
        OperationIdChanged => "operation-id-changed", Impact::PotentiallyBreaking,
            "the HTTP call is the same, but generated clients rename the method";
        /// The same URL template with another name for a path parameter,
        /// whose builder setter keeps its Rust name.
        PathParameterRenamed => "path-parameter-renamed", Impact::NonBreaking,
            "the URL is the same and the generated builder method keeps its name";
        PathParameterRenamedInRust => "path-parameter-renamed", Impact::Breaking,
            "the URL is the same, but the generated builder method is renamed, so calls to the old one no longer compile";
        SecurityAdded => "security-added", Impact::Breaking,
            "calls without credentials are rejected";
        SecurityRemoved => "security-removed", Impact::NonBreaking,
            "credentials are accepted and no longer needed";
        SecurityRequirementRemoved => "security-requirement-removed", Impact::Breaking,
            "clients that authenticate this way are rejected";
        SecurityRequirementAdded => "security-requirement-added", Impact::NonBreaking,
            "a new way to authenticate; the old ones still work";
        ParameterRemoved => "parameter-removed", Impact::PotentiallyBreaking,
            "the server no longer reads it, so setting it has no effect; the generated setter disappears";
        ParameterBecameRequired => "parameter-became-required", Impact::Breaking,
            "calls that leave it out are rejected";
        ParameterBecameOptional => "parameter-became-optional", Impact::NonBreaking,
            "calls that send it keep working";
        RequiredParameterAdded => "required-parameter-added", Impact::Breaking,
            "calls without it are rejected";
        OptionalParameterAdded => "optional-parameter-added", Impact::NonBreaking,
            "calls without it keep working";
        RequestBodyRemoved => "request-body-removed", Impact::PotentiallyBreaking,
            "the server ignores what clients send; the generated `body` setter disappears";
        RequiredRequestBodyAdded => "required-request-body-added", Impact::Breaking,
            "calls without a body are rejected";
        OptionalRequestBodyAdded => "optional-request-body-added", Impact::NonBreaking,
            "calls without a body keep working";
        RequestBodyBecameRequired => "request-body-became-required", Impact::Breaking,
            "calls without a body are rejected";
        RequestBodyBecameOptional => "request-body-became-optional", Impact::NonBreaking,
            "calls with a body keep working";
        SuccessStatusRemoved => "success-status-removed", Impact::Breaking,
            "clients that handle it no longer get it; the server answers differently";
        ErrorStatusRemoved => "error-status-removed", Impact::NonBreaking,
            "one documented failure fewer; clients that handle it are unaffected";
        SuccessStatusAdded => "success-status-added", Impact::PotentiallyBreaking,
            "the server may now answer with it; clients generated from the old spec return `Error::UnexpectedResponse` for it";
        ErrorStatusAdded => "error-status-added", Impact::NonBreaking,
            "a failure is now documented; it fails the call as before";
        RequiredResponseHeaderRemoved => "required-response-header-removed", Impact::Breaking,
            "it was always sent; clients that read it get nothing";
        ResponseHeaderRemoved => "response-header-removed", Impact::PotentiallyBreaking,
            "clients that read it get nothing";
        ResponseHeaderAdded => "response-header-added", Impact::NonBreaking,
            "clients that do not read it are unaffected";
        RequestMediaTypeRemoved => "media-type-removed", Impact::Breaking,
            "clients that send it are rejected";
        ResponseMediaTypeRemoved => "media-type-removed", Impact::Breaking,
            "clients that expect it get something else";
        RequestMediaTypeAdded => "media-type-added", Impact::NonBreaking,
            "one more format is accepted; existing ones still are";
        ResponseMediaTypeAdded => "media-type-added", Impact::PotentiallyBreaking,
            "the server may answer in a format clients do not expect";
        /// A response that had no body now has one.
        ResponseBodyAdded => "media-type-added", Impact::NonBreaking,
            "the response now has a documented body; clients that ignored it are unaffected";
        CompositionChanged => "composition-changed", Impact::PotentiallyBreaking,
            "alternatives changed; check by hand which values are still valid";
        RequestAlternativeRemoved => "alternative-removed", Impact::Breaking,
            "requests in that shape are rejected; the generated variant disappears";
        ResponseAlternativeRemoved => "alternative-removed", Impact::NonBreaking,
            "the server no longer answers in that shape; clients that handle it are unaffected";
        RequestAlternativeAdded => "alternative-added", Impact::NonBreaking,
            "one more shape is accepted; the old ones still are";
        ResponseAlternativeAdded => "alternative-added", Impact::PotentiallyBreaking,
            "the server may answer in a shape that clients generated from the old spec do not decode";
        /// A plain schema became a `oneOf`/`anyOf` of which one alternative
        /// continues it (compared with it on its own).
        RequestBecameAlternatives => "became-one-of", Impact::NonBreaking,
            "the old shape is still one of the accepted alternatives";
        ResponseBecameAlternatives => "became-one-of", Impact::Breaking,
            "the server may answer with any of the alternatives, and the generated type changes from one shape to an enum of them";
        RequestLeftAlternatives => "no-longer-one-of", Impact::PotentiallyBreaking,
            "only the remaining shape is accepted, and the generated enum of alternatives becomes one type";
        ResponseLeftAlternatives => "no-longer-one-of", Impact::PotentiallyBreaking,
            "the server answers in one of the old alternatives only; the generated enum becomes one type";
        TypeChanged => "type-changed", Impact::Breaking,
            "values of the old type are no longer valid; the generated Rust type changes";
        /// From one format to another.
        FormatChanged => "format-changed", Impact::Breaking,
            "values in the old format are no longer valid; the generated Rust type may change";
        RequestFormatAdded => "format-changed", Impact::PotentiallyBreaking,
            "the server may now reject values that do not match the format";
        ResponseFormatRemoved => "format-changed", Impact::PotentiallyBreaking,
            "values may no longer match the old format; clients that parse them may fail";
        /// A format added to a response or removed from a request.
        FormatRelaxed => "format-changed", Impact::NonBreaking,
            "what was valid before still is";
        RequestNullableRemoved => "nullable-removed", Impact::Breaking,
            "requests that send null are rejected";
        ResponseNullableAdded => "nullable-added", Impact::Breaking,
            "clients receive null where they expect a value";
        /// Added to a request or removed from a response.
        NullableChanged => "nullable-changed", Impact::NonBreaking,
            "what was valid before still is";
        PatternChanged => "pattern-changed", Impact::PotentiallyBreaking,
            "the set of valid strings changed; check values clients send or read";
        RequestEnumAdded => "enum-added", Impact::Breaking,
            "requests with values outside the list are rejected; the generated field becomes an enum";
        ResponseEnumAdded => "enum-added", Impact::NonBreaking,
            "the server sends only these values, which clients already accept";
        RequestEnumRemoved => "enum-removed", Impact::NonBreaking,
            "every value is accepted now, the listed ones included";
        ResponseEnumRemoved => "enum-removed", Impact::PotentiallyBreaking,
            "the server may send values outside the old list; code that handles only those must handle others";
        RequestEnumValueRemoved => "enum-value-removed", Impact::Breaking,
            "requests that send it are rejected; the generated variant disappears";
        ResponseEnumValueRemoved => "enum-value-removed", Impact::NonBreaking,
            "the server no longer sends it; clients that handle it are unaffected";
        RequestEnumValueAdded => "enum-value-added", Impact::NonBreaking,
            "clients may send it; the old values are still accepted";
        ResponseEnumValueAdded => "enum-value-added", Impact::NonBreaking,
            "the generated enums are forward-compatible: an unknown value decodes as `Unknown(String)` instead of failing";
        RequestLimitTightened => "limit-tightened", Impact::Breaking,
            "requests that were valid may now be rejected";
        ResponseLimitTightened => "limit-tightened", Impact::NonBreaking,
            "responses stay within what clients accepted before";
        RequestLimitLoosened => "limit-loosened", Impact::NonBreaking,
            "every request that was valid still is";
        ResponseLimitLoosened => "limit-loosened", Impact::PotentiallyBreaking,
            "responses may exceed the old limit; generated types that check it when decoding reject them";
        RequestFieldRemoved => "field-removed", Impact::PotentiallyBreaking,
            "the server ignores it now, so setting it has no effect; the generated field disappears";
        RequiredResponseFieldRemoved => "field-removed", Impact::Breaking,
            "it was required: clients that read it get nothing, and old generated clients fail to decode the response";
        OptionalResponseFieldRemoved => "field-removed", Impact::Breaking,
            "clients that read it get nothing from now on; the generated field disappears";
        RequestFieldBecameRequired => "request-field-became-required", Impact::Breaking,
            "requests without it are rejected";
        RequestFieldBecameOptional => "request-field-became-optional", Impact::NonBreaking,
            "requests that send it keep working";
        ResponseFieldBecameRequired => "response-field-became-required", Impact::NonBreaking,
            "it is now always sent; clients already handle it";
        ResponseFieldBecameOptional => "response-field-became-optional", Impact::Breaking,
            "clients that read it may get nothing; old generated clients fail to decode responses without it";
        RequiredRequestFieldAdded => "required-request-field-added", Impact::Breaking,
            "requests without it are rejected";
        OptionalRequestFieldAdded => "optional-request-field-added", Impact::NonBreaking,
            "requests without it keep working";
        ResponseFieldAdded => "response-field-added", Impact::NonBreaking,
            "clients ignore fields they do not know; the generated structs do not deny unknown fields";
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
        .sort_by(|a, b| (a.impact, &a.location).cmp(&(b.impact, &b.location)));
    cx.out
}

/// The walk over two documents, collecting changes as it goes.
struct Cx<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Change>,
}

impl Cx<'_> {
    /// Records one change found by `rule` at `location` (`PUT /x`), written
    /// at `pointer` of the new document.
    fn push(&mut self, rule: DiffRule, location: &str, pointer: &str, change: impl Into<String>) {
        self.out.push(Change {
            impact: rule.class(),
            rule: rule.id(),
            location: location.to_string(),
            change: change.into(),
            reason: rule.text(),
            pointer: pointer.to_string(),
            file: None,
            line: None,
        });
    }

    /// `what` (a parameter, a request body, a field) became required or
    /// optional, when its `required` flag went from `flags.0` to `flags.1`.
    fn required(
        &mut self,
        loc: &str,
        at: &str,
        what: &str,
        flags: (bool, bool),
        became: [DiffRule; 2],
    ) {
        let (rule, now) = match flags {
            (false, true) => (became[0], "required"),
            (true, false) => (became[1], "optional"),
            _ => return,
        };
        self.push(rule, loc, at, format!("{what} became {now}"));
    }
}
