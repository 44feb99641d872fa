//! The one error type of every client in this crate.
//!
//! Callers match on the [`Error`] variant (what went wrong, in terms they can
//! act on) and read [`Details`] for the facts: status, the vendor's error
//! codes and offending fields, request id, a bounded body excerpt. `Display`
//! is one short line: method, path template, what happened, status, codes.
//! It never holds a URL, a body, or a header other than the error codes, so
//! it cannot leak the secret (which is only ever in a request header).

use std::fmt::{self, Write as _};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::retry::Endpoint;

/// At most this many characters of any text taken from a response (body
/// excerpt, vendor message, cause) are kept.
pub const TEXT_LIMIT: usize = 256;

/// A failed call. [`Details`] are boxed to keep `Result<T, Error>` small.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the token or API key is missing, expired or wrong.
    #[error("{0}")]
    Unauthenticated(Box<Details>),
    /// 403: the credentials are fine but may not do this.
    #[error("{0}")]
    Forbidden(Box<Details>),
    /// 404: no such resource (or not visible to these credentials).
    #[error("{0}")]
    NotFound(Box<Details>),
    /// 400 and other 4xx: the server rejected the request. See
    /// [`Details::error_codes`] and [`Details::fields`].
    #[error("{0}")]
    InvalidRequest(Box<Details>),
    /// 429, after the retries the policy allows. See
    /// [`Details::retry_after`].
    #[error("{0}")]
    RateLimited(Box<Details>),
    /// 5xx, after the retries the policy allows.
    #[error("{0}")]
    Server(Box<Details>),
    /// The call's deadline passed, or the connection timed out.
    #[error("{0}")]
    Timeout(Box<Details>),
    /// No response: connection refused or reset, TLS failure, and the like.
    #[error("{0}")]
    Transport(Box<Details>),
    /// A response this client cannot use: a success body that does not
    /// match the spec, or an unexpected status such as a redirect.
    #[error("{0}")]
    InvalidResponse(Box<Details>),
    /// Checked locally before sending: nothing went on the wire.
    #[error("{0}")]
    Validation(ValidationError),
    /// The client could not be built: a missing environment variable, an
    /// unusable base URL or secret.
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The facts of the failed request, for every variant that made one.
    pub fn details(&self) -> Option<&Details> {
        match self {
            Self::Unauthenticated(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::InvalidRequest(d)
            | Self::RateLimited(d)
            | Self::Server(d)
            | Self::Timeout(d)
            | Self::Transport(d)
            | Self::InvalidResponse(d) => Some(d),
            Self::Validation(_) | Self::Config(_) => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.details().and_then(|d| d.status)
    }

    /// The vendor's machine-readable error codes (empty when none).
    pub fn error_codes(&self) -> &[String] {
        self.details().map_or(&[], |d| &d.codes)
    }

    /// Builds the error for a call whose last attempt failed with `failure`.
    pub(crate) fn from_failed(
        endpoint: Endpoint,
        failure: Failed,
        attempts: u32,
        retry_after: Option<Duration>,
    ) -> Self {
        let details = |what: &'static str, failure: Failed| {
            Box::new(Details {
                what,
                method: endpoint.method,
                path: endpoint.path,
                status: failure.status,
                codes: failure.codes,
                fields: failure.fields,
                messages: failure.messages,
                request_id: failure.request_id,
                retry_after,
                excerpt: failure.excerpt,
                detail: failure.detail,
                cause: failure.cause,
                attempts,
            })
        };
        match failure.class {
            Class::InvalidRequest => Self::Validation(ValidationError {
                field: "request",
                reason: bounded(
                    failure
                        .detail
                        .as_deref()
                        .unwrap_or("the request could not be built"),
                ),
            }),
            Class::Timeout => Self::Timeout(details("timed out", failure)),
            Class::Transport => Self::Transport(details("request failed", failure)),
            Class::InvalidBody => {
                Self::InvalidResponse(details("response does not match the spec", failure))
            }
            Class::Status => match failure.status.map(|s| s.as_u16()) {
                Some(401) => Self::Unauthenticated(details("unauthenticated", failure)),
                Some(403) => Self::Forbidden(details("forbidden", failure)),
                Some(404) => Self::NotFound(details("not found", failure)),
                Some(429) => Self::RateLimited(details("rate limited", failure)),
                Some(400..=499) => Self::InvalidRequest(details("invalid request", failure)),
                Some(500..=599) => Self::Server(details("server error", failure)),
                _ => Self::InvalidResponse(details("unexpected response", failure)),
            },
        }
    }

    /// The call's deadline passed while an attempt was in flight.
    pub(crate) fn deadline(endpoint: Endpoint, attempts: u32) -> Self {
        let failure = Failed::new(Class::Timeout);
        let mut error = Self::from_failed(endpoint, failure, attempts, None);
        if let Self::Timeout(d) = &mut error {
            d.cause = Some("the call's deadline passed".to_string());
        }
        error
    }
}

/// The facts of a failed request. Everything here came from the response or
/// the transport, bounded; nothing from the request but its method and path
/// template.
#[derive(Clone, Debug)]
pub struct Details {
    what: &'static str,
    method: &'static str,
    path: &'static str,
    status: Option<StatusCode>,
    codes: Vec<String>,
    fields: Vec<String>,
    messages: Vec<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    excerpt: Option<String>,
    detail: Option<String>,
    cause: Option<String>,
    attempts: u32,
}

impl Details {
    /// The HTTP method, e.g. `PUT`.
    pub fn method(&self) -> &'static str {
        self.method
    }
    /// The path template, e.g. `/organizations/{organization_id}`.
    pub fn path(&self) -> &'static str {
        self.path
    }
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
    /// The vendor's error codes: Elastic's `x-cloud-error-codes` header and
    /// body `code`s, Astronomer's `fieldErrors[].code`.
    pub fn error_codes(&self) -> &[String] {
        &self.codes
    }
    /// The request fields the server rejected (Elastic's `fields`,
    /// Astronomer's `fieldErrors[].field`).
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
    /// The vendor's messages for people, each at most [`TEXT_LIMIT`]
    /// characters. Not in `Display`: they may quote the request.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }
    /// The request id to quote to the vendor's support, when there is one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// How long the server asked to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// The start of a body that did not parse (at most 256 bytes).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }
    /// Why a body did not parse.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    /// The underlying transport error, as text, without the URL.
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }
    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for Details {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.method, self.path, self.what)?;
        if let Some(status) = self.status {
            write!(f, " ({status})")?;
        }
        if !self.codes.is_empty() {
            f.write_str(" [")?;
            write_list(f, &self.codes)?;
            f.write_str("]")?;
        }
        if !self.fields.is_empty() {
            f.write_str(" fields: ")?;
            write_list(f, &self.fields)?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

/// Writes the first few items of a server-supplied list, each cut short and
/// kept on one line: a server must not be able to stretch or split `Display`.
fn write_list(f: &mut fmt::Formatter<'_>, items: &[String]) -> fmt::Result {
    const SHOWN: usize = 3;
    const ITEM_LIMIT: usize = 64;
    for (i, item) in items.iter().take(SHOWN).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        let mut end = item.len().min(ITEM_LIMIT);
        while !item.is_char_boundary(end) {
            end -= 1;
        }
        for c in item[..end].chars() {
            f.write_char(if c.is_control() { ' ' } else { c })?;
        }
    }
    if items.len() > SHOWN {
        write!(f, ", +{} more", items.len() - SHOWN)?;
    }
    Ok(())
}

/// A request refused before sending because it breaks a documented rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct ValidationError {
    field: &'static str,
    reason: String,
}

impl ValidationError {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
    /// The offending field, by its Rust name (e.g. `name`).
    pub fn field(&self) -> &'static str {
        self.field
    }
    /// What is wrong with it. Never the value itself.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl From<ValidationError> for Error {
    fn from(value: ValidationError) -> Self {
        Self::Validation(value)
    }
}

/// What kind of failure one attempt was, independent of which generated
/// crate it came from (each has its own copy of `ApiError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// The generated client refused to build the request; nothing sent.
    InvalidRequest,
    /// No response (other than a timeout).
    Transport,
    Timeout,
    /// The server answered with a non-success status.
    Status,
    /// A success status whose body does not match the spec.
    InvalidBody,
}

/// One failed attempt, as the retry loop sees it. Each API module builds it
/// from its generated crate's `ApiError`.
#[derive(Debug)]
pub(crate) struct Failed {
    pub class: Class,
    pub status: Option<StatusCode>,
    /// Only the headers the generated crates keep (error codes, request
    /// ids, `Retry-After`, content type).
    pub headers: HeaderMap,
    pub codes: Vec<String>,
    pub fields: Vec<String>,
    pub messages: Vec<String>,
    pub request_id: Option<String>,
    pub excerpt: Option<String>,
    pub detail: Option<String>,
    pub cause: Option<String>,
}

impl Failed {
    pub fn new(class: Class) -> Self {
        Self {
            class,
            status: None,
            headers: HeaderMap::new(),
            codes: Vec::new(),
            fields: Vec::new(),
            messages: Vec::new(),
            request_id: None,
            excerpt: None,
            detail: None,
            cause: None,
        }
    }

    /// Replaces `secret` wherever a server echoed it back (say, an error
    /// page quoting the request headers), so it cannot reach a log.
    pub fn scrub(mut self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let clean = |text: &mut String| {
            if text.contains(secret) {
                *text = text.replace(secret, "<redacted>");
            }
        };
        self.codes.iter_mut().for_each(clean);
        self.fields.iter_mut().for_each(clean);
        self.messages.iter_mut().for_each(clean);
        [
            &mut self.request_id,
            &mut self.excerpt,
            &mut self.detail,
            &mut self.cause,
        ]
        .into_iter()
        .flatten()
        .for_each(clean);
        self
    }

    /// Takes the request id from the usual headers when the body had none.
    pub fn request_id_from_headers(&mut self) {
        if self.request_id.is_none() {
            self.request_id = ["x-request-id", "request-id", "x-amzn-requestid"]
                .iter()
                .find_map(|name| self.headers.get(*name))
                .and_then(|v| v.to_str().ok())
                .map(bounded);
        }
    }
}

/// The messages of `error`'s sources, joined with `: ` (the top level is the
/// generated crate's own one-line summary, already in our `Display`).
/// reqwest errors reach here with their URL already stripped.
pub(crate) fn cause_chain(error: &dyn std::error::Error) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut next = error.source();
    while let Some(e) = next {
        let text = e.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        next = e.source();
    }
    (!parts.is_empty()).then(|| bounded(&parts.join(": ")))
}

/// At most [`TEXT_LIMIT`] characters of `text`, on one line.
pub(crate) fn bounded(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(TEXT_LIMIT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(TEXT_LIMIT).is_some() {
        out.push('…');
    }
    out
}
