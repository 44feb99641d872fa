//! Errors of the generated operations.
//!
//! progenitor's own `Error` loses the status when a body is not JSON, puts
//! whole bodies in `Display`, and turns undocumented statuses into an opaque
//! response. [`ApiError`] keeps what a caller needs instead: the operation,
//! the status, the headers that matter, the typed error body when it parses
//! and otherwise a short excerpt of the raw body. Its `Display` is one line.
//!
//! This module is written into every generated crate by `cargo xtask
//! codegen` (template: `xtask/templates/errors.rs`).

use std::fmt;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// At most this many bytes of an unparsed body are kept, for diagnosis.
pub const EXCERPT_LIMIT: usize = 256;

/// Error bodies are read up to this size; the rest is not downloaded.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// At most this many error codes are kept, each at most [`CODE_LIMIT`]
/// bytes: codes come from the server and end up in one-line messages.
pub const MAX_CODES: usize = 8;

/// The longest error code kept, in bytes (the longest documented one has 46).
pub const CODE_LIMIT: usize = 64;

/// `Display` names at most this many codes; `error_codes()` has them all.
const DISPLAYED_CODES: usize = 3;

/// Response headers an error keeps: error codes, request ids for support
/// tickets, and what a retry needs. Nothing else, so nothing sensitive.
pub const KEPT_HEADERS: &[&str] = &[
    "x-cloud-error-codes",
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "retry-after",
    "content-type",
];

/// The operation an error came from: its id and its path template (never
/// the URL, which holds identifiers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation's Rust name, e.g. `update_organization`.
    pub id: &'static str,
    /// The HTTP method, e.g. `PUT`.
    pub method: &'static str,
    /// The path template, e.g. `/organizations/{organization_id}`.
    pub path: &'static str,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// What kind of failure an [`ApiError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be built (a parameter missing or invalid);
    /// nothing was sent.
    InvalidRequest,
    /// Connecting, sending or receiving failed or timed out; there may be
    /// no status.
    Transport,
    /// The server answered with an error status the spec documents.
    Documented,
    /// The server answered with a status the spec does not list.
    Undocumented,
    /// A success status whose body does not match the documented schema.
    InvalidBody,
}

/// A failed operation, with the facts of the response when there was one.
pub struct ApiError<E> {
    kind: ErrorKind,
    operation: Operation,
    status: Option<StatusCode>,
    headers: HeaderMap,
    body: Option<E>,
    codes: Vec<String>,
    excerpt: Option<String>,
    detail: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl<E> ApiError<E> {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The operation that failed.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The response headers kept (see [`KEPT_HEADERS`]).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The values of one kept header, split on commas: `x-cloud-error-codes`
    /// may list several codes.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The vendor's error codes: from the `x-cloud-error-codes` header, then
    /// every `code` field of the body, without duplicates.
    pub fn error_codes(&self) -> &[String] {
        &self.codes
    }

    /// The typed error body, when the body parsed as the documented schema.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// Takes the typed error body out.
    pub fn into_body(self) -> Option<E> {
        self.body
    }

    /// The start of a body that did not parse (at most [`EXCERPT_LIMIT`]
    /// bytes, control characters replaced).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }

    /// Why the request could not be built, or why the body did not parse.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// True when retrying the same request may succeed: transport failures
    /// and 408, 429, 502, 503, 504. Whether it is safe to retry (the method
    /// is idempotent) is the caller's call.
    pub fn is_transient(&self) -> bool {
        match self.kind {
            ErrorKind::Transport => true,
            _ => self.status.is_some_and(|s| {
                matches!(s.as_u16(), 408 | 429 | 502 | 503 | 504)
            }),
        }
    }

    /// True when the failure is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.source
            .as_deref()
            .and_then(|e| e.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout)
    }

    fn new(kind: ErrorKind, operation: Operation) -> Self {
        Self {
            kind,
            operation,
            status: None,
            headers: HeaderMap::new(),
            body: None,
            codes: Vec::new(),
            excerpt: None,
            detail: None,
            source: None,
        }
    }

    fn transport(operation: Operation, error: reqwest::Error) -> Self {
        let mut out = Self::new(ErrorKind::Transport, operation);
        out.status = error.status();
        // The URL holds identifiers and maybe query secrets: drop it.
        out.source = Some(Box::new(error.without_url()));
        out
    }

    /// Converts progenitor's error for the steps before a response arrives
    /// (building the request, sending it, hooks).
    pub fn from_progenitor(operation: Operation, error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) | P::Custom(message) => {
                let mut out = Self::new(ErrorKind::InvalidRequest, operation);
                out.detail = Some(message);
                out
            }
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
                Self::transport(operation, e)
            }
            P::ErrorResponse(value) => {
                let mut out = Self::new(ErrorKind::Documented, operation);
                out.status = Some(value.status());
                out.headers = kept_headers(value.headers());
                out.body = Some(value.into_inner());
                out
            }
            P::InvalidResponsePayload(bytes, e) => {
                let mut out = Self::new(ErrorKind::InvalidBody, operation);
                out.excerpt = Some(excerpt(&bytes));
                out.detail = Some(excerpt(e.to_string().as_bytes()));
                out
            }
            P::UnexpectedResponse(response) => {
                let mut out = Self::new(ErrorKind::Undocumented, operation);
                out.status = Some(response.status());
                out.headers = kept_headers(response.headers());
                out
            }
        }
    }
}

impl<E> fmt::Display for ApiError<E> {
    /// One line: operation, what happened, status, error codes. Never a
    /// body, a URL or a header value other than the codes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match self.kind {
            ErrorKind::InvalidRequest => f.write_str("invalid request")?,
            ErrorKind::Transport if self.is_timeout() => f.write_str("timed out")?,
            ErrorKind::Transport => f.write_str("request failed")?,
            ErrorKind::Documented => f.write_str("error response")?,
            ErrorKind::Undocumented => f.write_str("undocumented response")?,
            ErrorKind::InvalidBody => f.write_str("response body does not match the spec")?,
        }
        if let Some(status) = self.status {
            write!(f, " {status}")?;
        }
        if !self.codes.is_empty() {
            let shown = &self.codes[..self.codes.len().min(DISPLAYED_CODES)];
            write!(f, " [{}", shown.join(", "))?;
            match self.codes.len() - shown.len() {
                0 => f.write_str("]")?,
                more => write!(f, ", +{more} more]")?,
            }
        }
        if self.kind == ErrorKind::InvalidRequest
            && let Some(detail) = &self.detail
        {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl<E> fmt::Debug for ApiError<E> {
    /// Like `Display`, plus the kept headers and the excerpt: bounded, and
    /// without the typed body (which `body()` gives).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("kind", &self.kind)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("error_codes", &self.codes)
            .field("headers", &self.headers)
            .field("has_typed_body", &self.body.is_some())
            .field("body_excerpt", &self.excerpt)
            .field("detail", &self.detail)
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

/// Decodes a documented success response with a JSON body.
pub async fn success_json<T, E>(
    operation: Operation,
    response: reqwest::Response,
) -> Result<ResponseValue<T>, ApiError<E>>
where
    T: serde::de::DeserializeOwned,
{
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ApiError::transport(operation, e))?;
    match serde_json::from_slice::<T>(&bytes) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => {
            let mut out = ApiError::new(ErrorKind::InvalidBody, operation);
            out.status = Some(status);
            out.headers = kept_headers(&headers);
            out.excerpt = Some(excerpt(&bytes));
            out.detail = Some(excerpt(e.to_string().as_bytes()));
            Err(out)
        }
    }
}

/// Decodes a documented success response into one variant of the
/// operation's success type (for operations whose statuses have different
/// schemas): the status, not guesswork, picks the variant.
pub async fn success_json_as<V, T, E>(
    operation: Operation,
    response: reqwest::Response,
    variant: fn(V) -> T,
) -> Result<ResponseValue<T>, ApiError<E>>
where
    V: serde::de::DeserializeOwned,
{
    let value = success_json::<V, E>(operation, response).await?;
    let status = value.status();
    let headers = value.headers().clone();
    Ok(ResponseValue::new(variant(value.into_inner()), status, headers))
}

/// Builds the error for a status the spec documents as an error.
pub async fn documented<E>(operation: Operation, response: reqwest::Response) -> ApiError<E>
where
    E: serde::de::DeserializeOwned,
{
    error_from_response(ErrorKind::Documented, operation, response).await
}

/// Builds the error for a documented error status whose schema is one
/// variant of the operation's error type (see `success_json_as`).
pub async fn documented_as<V, E>(
    operation: Operation,
    response: reqwest::Response,
    variant: fn(V) -> E,
) -> ApiError<E>
where
    V: serde::de::DeserializeOwned,
{
    let error = error_from_response::<V>(ErrorKind::Documented, operation, response).await;
    ApiError {
        kind: error.kind,
        operation: error.operation,
        status: error.status,
        headers: error.headers,
        body: error.body.map(variant),
        codes: error.codes,
        excerpt: error.excerpt,
        detail: error.detail,
        source: error.source,
    }
}

/// Builds the error for a status the spec does not list. Undocumented
/// errors often still carry the API's usual error body, so it is tried.
pub async fn undocumented<E>(operation: Operation, response: reqwest::Response) -> ApiError<E>
where
    E: serde::de::DeserializeOwned,
{
    error_from_response(ErrorKind::Undocumented, operation, response).await
}

async fn error_from_response<E>(
    kind: ErrorKind,
    operation: Operation,
    mut response: reqwest::Response,
) -> ApiError<E>
where
    E: serde::de::DeserializeOwned,
{
    let mut out = ApiError::new(kind, operation);
    out.status = Some(response.status());
    out.headers = kept_headers(response.headers());
    let mut bytes = Vec::new();
    let mut complete = true;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = ERROR_BODY_LIMIT.saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    complete = false;
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                // Keep the status: a body cut off mid-way is still a 5xx.
                complete = false;
                out.detail = Some(format!("reading the body failed: {}", e.without_url()));
                break;
            }
        }
    }
    let parsed = if complete {
        serde_json::from_slice::<serde_json::Value>(&bytes).ok()
    } else {
        None
    };
    let mut codes = Vec::new();
    for code in out.header_values("x-cloud-error-codes") {
        push_code(&mut codes, code);
    }
    if let Some(value) = &parsed {
        collect_codes(value, &mut codes);
    }
    out.codes = codes;
    if let Some(value) = parsed {
        match serde_json::from_value::<E>(value) {
            Ok(body) => out.body = Some(body),
            Err(e) => out.detail = Some(excerpt(e.to_string().as_bytes())),
        }
    }
    if out.body.is_none() && !bytes.is_empty() {
        out.excerpt = Some(excerpt(&bytes));
    }
    out
}

/// Every string under a `code` key, in document order, once each.
fn collect_codes(value: &serde_json::Value, codes: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                match child {
                    serde_json::Value::String(code) if key == "code" => push_code(codes, code),
                    _ => collect_codes(child, codes),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_codes(v, codes)),
        _ => {}
    }
}

/// Adds a code once, bounded: at most [`MAX_CODES`], each cut to
/// [`CODE_LIMIT`] bytes with control characters replaced, so a server
/// cannot stretch a one-line message or break it into several.
fn push_code(codes: &mut Vec<String>, code: &str) {
    if codes.len() >= MAX_CODES {
        return;
    }
    let mut end = code.len().min(CODE_LIMIT);
    while !code.is_char_boundary(end) {
        end -= 1;
    }
    let code: String = code[..end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if !code.is_empty() && !codes.contains(&code) {
        codes.push(code);
    }
}

fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in KEPT_HEADERS {
        for value in headers.get_all(*name) {
            if let Ok(name) = reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                out.append(name, value.clone());
            }
        }
    }
    out
}

/// The first [`EXCERPT_LIMIT`] bytes as text (a character cut in two shows
/// as U+FFFD), control characters replaced so the excerpt stays on one line.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_LIMIT)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if bytes.len() > EXCERPT_LIMIT {
        out.push('…');
    }
    out
}
