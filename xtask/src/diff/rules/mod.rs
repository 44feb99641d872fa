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
//! The rules are methods of one walker, [`Cx`], kept by what they compare:
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
pub enum Severity {
    /// Existing clients stop working (a request is rejected, a response no
    /// longer decodes or no longer carries what they read).
    Breaking,
    /// Existing clients may stop working, depending on how they use it.
    PotentiallyBreaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Severity {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::PotentiallyBreaking => "potentially breaking",
            Severity::NonBreaking => "non-breaking",
        }
    }
}

/// One change between two versions of a spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects existing clients.
    pub severity: Severity,
    /// Stable identifier of the rule that found it, for tools.
    pub rule: &'static str,
    /// Where: `PUT /organizations/{id}`, or `API` for document-wide changes.
    pub location: String,
    /// What changed, in a few words.
    pub change: String,
    /// Why it has this severity, in one line.
    pub reason: String,
}

/// Which way data flows through a schema: rules for what a client sends and
/// for what it receives are mirror images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
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

impl<'a> Cx<'a> {
    /// Records one change.
    fn push(
        &mut self,
        severity: Severity,
        rule: &'static str,
        location: &str,
        change: String,
        reason: &str,
    ) {
        self.out.push(Change {
            severity,
            rule,
            location: location.to_string(),
            change,
            reason: reason.to_string(),
        });
    }
}
