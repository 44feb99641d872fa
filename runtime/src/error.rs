//! The one error type of every generated operation, and its classification.
//!
//! Every operation of every generated crate returns [`ApiError<E>`], where
//! `E` is the operation's documented error body. It converts with `?` into
//! [`Error`], the same facts without the typed body, to match on. Both say
//! what happened in terms a caller can act on ([`ErrorKind`]) and keep the
//! facts in [`Details`]: status, the vendor's codes, offending fields,
//! request id, a bounded excerpt of a body that did not parse.
//!
//! `Display` is one short line: method, path template, what happened,
//! status, codes. It never holds a URL, a body, or a header other than the
//! error codes, so it cannot leak a secret (which only ever travels in a
//! request header).

use std::fmt::{self, Write as _};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::operation::Operation;

/// What kind of failure an error is: the decision a caller makes on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the token or API key is missing, expired or wrong.
    Unauthenticated,
    /// 403: the credentials are fine but may not do this.
    Forbidden,
    /// 404: no such resource (or not visible to these credentials).
    NotFound,
    /// 400 and other 4xx: the server rejected the request.
    InvalidRequest,
    /// 429, after the retries the policy allows.
    RateLimited,
    /// 5xx, after the retries the policy allows.
    Server,
    /// The call's deadline passed, or the connection timed out.
    Timeout,
    /// No response: connection refused or reset, TLS failure, and the like.
    Transport,
    /// A response this client cannot use: a success body that does not
    /// match the spec, or an unexpected status such as a redirect.
    InvalidResponse,
    /// Refused before sending: a parameter missing or breaking a documented
    /// rule. Nothing went on the wire.
    Validation,
}

impl ErrorKind {
    /// The kind of an answer with this (non-success) status.
    pub fn of_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthenticated,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            429 => Self::RateLimited,
            400..=499 => Self::InvalidRequest,
            500..=599 => Self::Server,
            _ => Self::InvalidResponse,
        }
    }

    /// What `Display` says for this kind.
    fn what(self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not found",
            Self::InvalidRequest => "invalid request",
            Self::RateLimited => "rate limited",
            Self::Server => "server error",
            Self::Timeout => "timed out",
            Self::Transport => "request failed",
            Self::InvalidResponse => "response does not match the spec",
            Self::Validation => "refused before sending",
        }
    }
}

/// A failed call, without the typed error body: the type to match on.
/// [`Details`] are boxed to keep `Result<T, Error>` small.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// See [`ErrorKind::Unauthenticated`].
    #[error("{0}")]
    Unauthenticated(Box<Details>),
    /// See [`ErrorKind::Forbidden`].
    #[error("{0}")]
    Forbidden(Box<Details>),
    /// See [`ErrorKind::NotFound`].
    #[error("{0}")]
    NotFound(Box<Details>),
    /// See [`ErrorKind::InvalidRequest`] and [`Details::error_codes`],
    /// [`Details::fields`].
    #[error("{0}")]
    InvalidRequest(Box<Details>),
    /// See [`ErrorKind::RateLimited`] and [`Details::retry_after`].
    #[error("{0}")]
    RateLimited(Box<Details>),
    /// See [`ErrorKind::Server`].
    #[error("{0}")]
    Server(Box<Details>),
    /// See [`ErrorKind::Timeout`].
    #[error("{0}")]
    Timeout(Box<Details>),
    /// See [`ErrorKind::Transport`].
    #[error("{0}")]
    Transport(Box<Details>),
    /// See [`ErrorKind::InvalidResponse`].
    #[error("{0}")]
    InvalidResponse(Box<Details>),
    /// Checked before sending: nothing went on the wire.
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

    /// What kind of failure this is (`None` for [`Error::Config`]).
    pub fn kind(&self) -> Option<ErrorKind> {
        Some(match self {
            Self::Unauthenticated(_) => ErrorKind::Unauthenticated,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::InvalidRequest(_) => ErrorKind::InvalidRequest,
            Self::RateLimited(_) => ErrorKind::RateLimited,
            Self::Server(_) => ErrorKind::Server,
            Self::Timeout(_) => ErrorKind::Timeout,
            Self::Transport(_) => ErrorKind::Transport,
            Self::InvalidResponse(_) => ErrorKind::InvalidResponse,
            Self::Validation(_) => ErrorKind::Validation,
            Self::Config(_) => return None,
        })
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.details().and_then(|d| d.status)
    }

    /// The vendor's machine-readable error codes (empty when none).
    pub fn error_codes(&self) -> &[String] {
        self.details().map_or(&[], |d| &d.codes)
    }

    fn from_parts(kind: ErrorKind, details: Box<Details>) -> Self {
        match kind {
            ErrorKind::Unauthenticated => Self::Unauthenticated(details),
            ErrorKind::Forbidden => Self::Forbidden(details),
            ErrorKind::NotFound => Self::NotFound(details),
            ErrorKind::InvalidRequest => Self::InvalidRequest(details),
            ErrorKind::RateLimited => Self::RateLimited(details),
            ErrorKind::Server => Self::Server(details),
            ErrorKind::Timeout => Self::Timeout(details),
            ErrorKind::Transport => Self::Transport(details),
            ErrorKind::InvalidResponse => Self::InvalidResponse(details),
            ErrorKind::Validation => Self::Validation(ValidationError::from_details(&details)),
        }
    }
}

/// The facts of a failed request. Everything here came from the response or
/// the transport, bounded ([`crate::text`]); nothing from the request but
/// the operation's method and path template.
#[derive(Clone, Debug)]
pub struct Details {
    pub(crate) kind: ErrorKind,
    pub(crate) operation: &'static Operation,
    pub(crate) status: Option<StatusCode>,
    pub(crate) documented: bool,
    pub(crate) headers: HeaderMap,
    pub(crate) codes: Vec<String>,
    pub(crate) fields: Vec<String>,
    pub(crate) messages: Vec<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) excerpt: Option<String>,
    pub(crate) detail: Option<String>,
    pub(crate) cause: Option<String>,
    pub(crate) attempts: u32,
}

impl Details {
    pub(crate) fn new(kind: ErrorKind, operation: &'static Operation) -> Self {
        Self {
            kind,
            operation,
            status: None,
            documented: false,
            headers: HeaderMap::new(),
            codes: Vec::new(),
            fields: Vec::new(),
            messages: Vec::new(),
            request_id: None,
            retry_after: None,
            excerpt: None,
            detail: None,
            cause: None,
            attempts: 1,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The operation that failed.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
    /// The HTTP method, e.g. `PUT`.
    pub fn method(&self) -> &'static str {
        self.operation.method.as_str()
    }
    /// The path template, e.g. `/organizations/{organization_id}`.
    pub fn path(&self) -> &'static str {
        self.operation.path
    }
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
    /// Whether the spec documents the status (an undocumented one often
    /// comes from a proxy, not from the API).
    pub fn is_documented(&self) -> bool {
        self.documented
    }
    /// The response headers kept (see [`crate::response::KEPT_HEADERS`]).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The vendor's error codes: from `x-cloud-error-codes`-style headers,
    /// then every `code` string of the body, once each.
    pub fn error_codes(&self) -> &[String] {
        &self.codes
    }
    /// The request fields the server rejected (every `field` string and
    /// `fields` list of the body).
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
    /// The vendor's messages for people, each at most
    /// [`crate::text::TEXT_LIMIT`] characters. Not in `Display`: they may
    /// quote the request.
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
    /// Why a body did not parse, or why the request could not be built.
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

    /// Replaces `secret` in everything a server could have echoed it into.
    pub(crate) fn scrub(&mut self, secret: &str) {
        let clean = |text: &mut String| crate::text::scrub(text, secret);
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
    }
}

impl fmt::Display for Details {
    /// One line: `PUT /organizations/{organization_id}: invalid request
    /// (400 Bad Request) [organization.invalid_name] fields: name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.kind.what())?;
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
        for c in item.chars().take(ITEM_LIMIT) {
            f.write_char(if c.is_control() { ' ' } else { c })?;
        }
    }
    if items.len() > SHOWN {
        write!(f, ", +{} more", items.len() - SHOWN)?;
    }
    Ok(())
}

/// A request refused before sending because it breaks a documented rule
/// (or the generated builder could not build it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct ValidationError {
    field: String,
    reason: String,
}

impl ValidationError {
    /// `field` breaks a rule; `reason` says which, never quoting the value.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
    /// The offending field, by its name in the API (`name`), or `request`
    /// when the generated builder refused (the reason then names it).
    pub fn field(&self) -> &str {
        &self.field
    }
    /// What is wrong with it. Never the value itself.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// A request rule's failure travels through progenitor's hooks as the
    /// text of `Error::Custom`; this prefix marks it as ours so the field
    /// survives the trip ([`ValidationError::decode`]).
    const MARK: &'static str = "\u{1f}validation\u{1f}";

    pub(crate) fn encode(&self) -> String {
        format!("{}{}\u{1f}{}", Self::MARK, self.field, self.reason)
    }

    pub(crate) fn decode(text: &str) -> Option<Self> {
        let (field, reason) = text.strip_prefix(Self::MARK)?.split_once('\u{1f}')?;
        Some(Self::new(field, reason))
    }

    fn from_details(details: &Details) -> Self {
        details
            .detail
            .as_deref()
            .and_then(Self::decode)
            .unwrap_or_else(|| {
                Self::new(
                    "request",
                    details
                        .detail
                        .clone()
                        .unwrap_or_else(|| "the request could not be built".to_string()),
                )
            })
    }
}

/// A failed operation, with its documented error body when it parsed.
///
/// What generated operations return; `?` turns it into [`Error`].
pub struct ApiError<E> {
    pub(crate) details: Box<Details>,
    pub(crate) body: Option<E>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl<E> ApiError<E> {
    pub(crate) fn new(kind: ErrorKind, operation: &'static Operation) -> Self {
        Self {
            details: Box::new(Details::new(kind, operation)),
            body: None,
            source: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.details.kind
    }
    /// The facts of the failure.
    pub fn details(&self) -> &Details {
        &self.details
    }
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.details.status
    }
    /// The vendor's error codes.
    pub fn error_codes(&self) -> &[String] {
        &self.details.codes
    }
    /// The response headers kept (see [`crate::response::KEPT_HEADERS`]).
    pub fn headers(&self) -> &HeaderMap {
        &self.details.headers
    }
    /// The values of one kept header, split on commas (`x-cloud-error-codes`
    /// may list several codes).
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.details
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }
    /// The start of a body that did not parse (see [`Details::body_excerpt`]).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.details.excerpt.as_deref()
    }
    /// Why a body did not parse, or why the request could not be built.
    pub fn detail(&self) -> Option<&str> {
        self.details.detail.as_deref()
    }
    /// Whether the spec documents the status.
    pub fn is_documented(&self) -> bool {
        self.details.documented
    }
    /// The typed error body, when the body parsed as the documented schema.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }
    /// Takes the typed error body out.
    pub fn into_body(self) -> Option<E> {
        self.body
    }
    /// True when sending the same request again may succeed: transport
    /// failures and the statuses of [`crate::retry::RETRY_STATUSES`]. The
    /// runtime has already retried what its policy allows.
    pub fn is_transient(&self) -> bool {
        self.details.kind == ErrorKind::Transport
            || self
                .details
                .status
                .is_some_and(|s| crate::retry::RETRY_STATUSES.contains(&s.as_u16()))
    }

    /// The same error with its body turned into another type (the variant
    /// of an operation's error union, say).
    pub fn map_body<F>(self, f: impl FnOnce(E) -> F) -> ApiError<F> {
        ApiError {
            details: self.details,
            body: self.body.map(f),
            source: self.source,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Self::Validation(error)
    }
}

impl<E> From<ApiError<E>> for Error {
    fn from(error: ApiError<E>) -> Self {
        Error::from_parts(error.details.kind, error.details)
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.details.kind {
            ErrorKind::Validation => {
                write!(f, "{}: ", self.details.operation)?;
                fmt::Display::fmt(&ValidationError::from_details(&self.details), f)
            }
            _ => fmt::Display::fmt(&self.details, f),
        }
    }
}

impl<E> fmt::Debug for ApiError<E> {
    /// The details (bounded), and whether a typed body is there, not the
    /// body itself (which `body()` gives).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("details", &self.details)
            .field("has_typed_body", &self.body.is_some())
            .finish()
    }
}

impl<E> std::error::Error for ApiError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "update_organization",
        method: crate::Method::Put,
        path: "/organizations/{organization_id}",
        ..Operation::UNKNOWN
    };

    #[test]
    fn statuses_map_to_kinds() {
        let kind = |s: u16| ErrorKind::of_status(StatusCode::from_u16(s).unwrap_or_default());
        assert_eq!(kind(401), ErrorKind::Unauthenticated);
        assert_eq!(kind(403), ErrorKind::Forbidden);
        assert_eq!(kind(404), ErrorKind::NotFound);
        assert_eq!(kind(409), ErrorKind::InvalidRequest);
        assert_eq!(kind(429), ErrorKind::RateLimited);
        assert_eq!(kind(503), ErrorKind::Server);
        assert_eq!(kind(302), ErrorKind::InvalidResponse);
    }

    #[test]
    fn display_is_one_bounded_line() {
        let mut e = ApiError::<()>::new(ErrorKind::InvalidRequest, &OP);
        e.details.status = Some(StatusCode::BAD_REQUEST);
        e.details.codes = vec!["a\nb".into(), "c".into(), "d".into(), "e".into()];
        e.details.fields = vec!["name".into()];
        e.details.attempts = 2;
        assert_eq!(
            e.to_string(),
            "PUT /organizations/{organization_id}: invalid request (400 Bad Request) \
             [a b, c, d, +1 more] fields: name after 2 attempts"
        );
        let erased = Error::from(e);
        assert!(matches!(erased, Error::InvalidRequest(_)));
        assert_eq!(erased.status(), Some(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn validation_keeps_its_field_through_the_hooks() {
        let rule = ValidationError::new("name", "must be 2 to 30 characters, got 1");
        let mut e = ApiError::<()>::new(ErrorKind::Validation, &OP);
        e.details.detail = Some(rule.encode());
        assert_eq!(
            e.to_string(),
            "PUT /organizations/{organization_id}: invalid name: must be 2 to 30 characters, got 1"
        );
        let Error::Validation(v) = Error::from(e) else {
            panic!("not a validation error")
        };
        assert_eq!(v, rule);
        assert_eq!(ValidationError::decode("plain text"), None);
    }

    #[test]
    fn scrub_reaches_every_text() {
        let mut d = Details::new(ErrorKind::Server, &OP);
        d.excerpt = Some("echo: Bearer s3cret".into());
        d.messages = vec!["s3cret".into()];
        d.scrub("s3cret");
        assert_eq!(d.excerpt.as_deref(), Some("echo: Bearer <redacted>"));
        assert_eq!(d.messages, ["<redacted>"]);
    }
}
