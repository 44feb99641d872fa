//! What a generated operation does with the response it got.
//!
//! `cargo xtask codegen` rewrites each arm of progenitor's
//! `match response.status().as_u16() { .. }` into a call of one of these
//! functions, chosen by the arm's shape (typed success, documented error
//! with or without a typed body, undocumented status) and never by the
//! operation: the decoding, the bounds and the classification live here
//! once, for every operation of every generated crate.

use progenitor_client::ResponseValue;
use reqwest::header::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, Details, ErrorKind};
use crate::operation::Operation;
use crate::text;

/// Error bodies are read up to this size; the rest is not downloaded.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// At most this many error codes are kept.
pub const MAX_CODES: usize = 8;

/// Response headers whose values are error codes (comma-separated).
pub const CODE_HEADERS: &[&str] = &["x-cloud-error-codes"];

/// Response headers that carry a request id for the vendor's support.
pub const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "request-id", "x-amzn-requestid"];

/// Response headers an error keeps: error codes, request ids, what a retry
/// needs, and the content type. Nothing else, so nothing sensitive.
pub const KEPT_HEADERS: &[&str] = &[
    "x-cloud-error-codes",
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "retry-after",
    "content-type",
];

/// What [`crate::Runtime::exec`] knew about the call, handed to the
/// decoding through the response's extensions: the only channel from
/// progenitor's `exec` hook to the code that reads the body.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallFacts {
    pub attempts: u32,
    /// Replaced by `<redacted>` wherever a server echoed it.
    pub secret: Option<std::sync::Arc<str>>,
}

/// A success response's body, read whole.
///
/// Reading it is one future whose type is the same for every operation
/// ([`read_success`]); only [`SuccessBody::decode`], which is not async, is
/// compiled once per response type. Each generated `send` thus awaits
/// nothing generic, which keeps the crates that hold hundreds of them cheap
/// to build.
pub struct SuccessBody {
    status: reqwest::StatusCode,
    headers: HeaderMap,
    facts: CallFacts,
    bytes: reqwest::Result<bytes::Bytes>,
}

/// Reads a documented success response's body.
pub async fn read_success(response: reqwest::Response) -> SuccessBody {
    let status = response.status();
    let headers = response.headers().clone();
    let facts = facts_of(&response);
    SuccessBody {
        status,
        headers,
        facts,
        bytes: response.bytes().await,
    }
}

impl SuccessBody {
    /// The body as the documented JSON schema `T`.
    pub fn decode<T, E>(
        self,
        operation: &'static Operation,
    ) -> Result<ResponseValue<T>, ApiError<E>>
    where
        T: DeserializeOwned,
    {
        let bytes = match self.bytes {
            Ok(bytes) => bytes,
            Err(e) => return Err(transport(operation, e)),
        };
        match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => Ok(ResponseValue::new(value, self.status, self.headers)),
            Err(e) => {
                let mut out = ApiError::new(ErrorKind::InvalidResponse, operation);
                out.details.status = Some(self.status);
                out.details.documented = true;
                out.details.headers = kept_headers(&self.headers);
                out.details.excerpt = Some(text::excerpt(&bytes));
                out.details.detail = Some(text::bounded(&e.to_string()));
                Err(finish(out, &self.facts))
            }
        }
    }

    /// The body as one variant of the operation's success type (for
    /// operations whose statuses have different schemas): the status, not
    /// guesswork, picks the variant.
    pub fn decode_as<V, T, E>(
        self,
        operation: &'static Operation,
        variant: fn(V) -> T,
    ) -> Result<ResponseValue<T>, ApiError<E>>
    where
        V: DeserializeOwned,
    {
        let value = self.decode::<V, E>(operation)?;
        let (status, headers) = (value.status(), value.headers().clone());
        Ok(ResponseValue::new(
            variant(value.into_inner()),
            status,
            headers,
        ))
    }
}

/// A documented success status the spec gives without a body, beside
/// others with one (the success type is then optional): `T::default()`,
/// that is `None`, and the body is not read.
pub fn success_empty<T, E>(
    _operation: &'static Operation,
    response: reqwest::Response,
) -> Result<ResponseValue<T>, ApiError<E>>
where
    T: Default,
{
    Ok(ResponseValue::new(
        T::default(),
        response.status(),
        response.headers().clone(),
    ))
}

/// A call that ended without a response: the request was refused before
/// sending, or the transport failed. Not generic, so that the future
/// returning it ([`crate::Runtime::exchange`]) is one type for every
/// operation; `?` turns it into the operation's [`ApiError`].
pub struct NoResponse(ApiError<std::convert::Infallible>);

impl<E> From<NoResponse> for ApiError<E> {
    fn from(failure: NoResponse) -> Self {
        failure.0.map_body(|never| match never {})
    }
}

impl NoResponse {
    /// A request [`crate::Runtime::pre`] refused.
    pub(crate) fn refused(operation: &'static Operation, message: String) -> Self {
        Self(from_progenitor(
            operation,
            progenitor_client::Error::Custom(message),
        ))
    }

    /// A request that got no response.
    pub(crate) fn transport(operation: &'static Operation, error: reqwest::Error) -> Self {
        Self(transport(operation, error))
    }
}

/// The error for the steps progenitor runs before a response arrives
/// (building the request, the hooks, sending) and for its upgrade handling.
pub fn from_progenitor<E>(
    operation: &'static Operation,
    error: progenitor_client::Error<E>,
) -> ApiError<E> {
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(message) | P::Custom(message) => {
            let mut out = ApiError::new(ErrorKind::Validation, operation);
            out.details.detail = Some(message);
            out
        }
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
            transport(operation, e)
        }
        P::ErrorResponse(value) => {
            let mut out = ApiError::new(ErrorKind::of_status(value.status()), operation);
            out.details.status = Some(value.status());
            out.details.documented = true;
            out.details.headers = kept_headers(value.headers());
            out.body = Some(value.into_inner());
            out
        }
        P::InvalidResponsePayload(bytes, e) => {
            let mut out = ApiError::new(ErrorKind::InvalidResponse, operation);
            out.details.excerpt = Some(text::excerpt(&bytes));
            out.details.detail = Some(text::bounded(&e.to_string()));
            out
        }
        P::UnexpectedResponse(response) => {
            let mut out = ApiError::new(ErrorKind::of_status(response.status()), operation);
            out.details.status = Some(response.status());
            out.details.headers = kept_headers(response.headers());
            finish(out, &facts_of(&response))
        }
    }
}

std::thread_local! {
    /// The attempts of a call that ended without a response. A
    /// `reqwest::Error` cannot carry them from `Runtime::exec` to the error
    /// conversion, but nothing yields in between: `Runtime::exchange` maps
    /// the `Err` as it comes, and progenitor's own code (operations the
    /// rewrite left alone) goes from the `exec` hook's `Err` through the
    /// default `post` hook, which completes at once, to [`from_progenitor`];
    /// so within the same poll, on the same thread, where it is taken.
    static TRANSPORT_ATTEMPTS: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

/// Called by the runtime when a call's last attempt got no response.
pub(crate) fn note_transport_attempts(attempts: u32) {
    TRANSPORT_ATTEMPTS.with(|cell| cell.set(Some(attempts)));
}

pub(crate) fn transport<E>(operation: &'static Operation, error: reqwest::Error) -> ApiError<E> {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    let mut out = ApiError::new(kind, operation);
    out.details.status = error.status();
    // The URL holds identifiers and maybe query secrets: drop it.
    let error = error.without_url();
    out.details.cause = cause_chain(&error);
    out.details.attempts = TRANSPORT_ATTEMPTS.with(|cell| cell.take()).unwrap_or(1);
    out.source = Some(Box::new(error));
    out
}

/// An error response's body, read (bounded) but not yet typed: what
/// [`read_error`] gives, by a future that is the same type for every
/// operation; typing it is not async.
pub struct ErrorBody {
    details: Box<Details>,
    parsed: Option<Value>,
    bytes: Vec<u8>,
    facts: CallFacts,
}

impl ErrorBody {
    /// Without a typed body (a status documented without a JSON schema, or
    /// an operation whose error type is not JSON): the facts, codes and
    /// excerpt; the excerpt keeps the start of whatever came.
    pub fn untyped<E>(self) -> ApiError<E> {
        let mut out = ApiError {
            details: self.details,
            body: None,
            source: None,
        };
        if !self.bytes.is_empty() {
            out.details.excerpt = Some(text::excerpt(&self.bytes));
        }
        finish(out, &self.facts)
    }

    /// With the body parsed as `E` when it is JSON of that shape.
    /// Undocumented errors often still carry the API's usual error body, so
    /// it is tried for them too.
    pub fn typed<E: DeserializeOwned>(self) -> ApiError<E> {
        let mut out = ApiError {
            details: self.details,
            body: None,
            source: None,
        };
        if let Some(value) = self.parsed {
            match serde_json::from_value::<E>(value) {
                Ok(body) => out.body = Some(body),
                Err(e) => out.details.detail = Some(text::bounded(&e.to_string())),
            }
        }
        if out.body.is_none() && !self.bytes.is_empty() {
            out.details.excerpt = Some(text::excerpt(&self.bytes));
        }
        finish(out, &self.facts)
    }

    /// With the body parsed as `V`, one variant of the operation's error
    /// union `E` (for a status whose schema differs from the others').
    pub fn typed_as<V: DeserializeOwned, E>(self, variant: fn(V) -> E) -> ApiError<E> {
        self.typed::<V>().map_body(variant)
    }
}

/// Reads an error response: `documented` says whether the spec lists its
/// status for the operation.
pub async fn read_error(
    operation: &'static Operation,
    mut response: reqwest::Response,
    documented: bool,
) -> ErrorBody {
    let status = response.status();
    let facts = facts_of(&response);
    let mut details = Box::new(Details::new(ErrorKind::of_status(status), operation));
    details.status = Some(status);
    details.documented = documented;
    details.headers = kept_headers(response.headers());
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
                details.detail = Some(text::bounded(&format!(
                    "reading the body failed: {}",
                    e.without_url()
                )));
                break;
            }
        }
    }
    let parsed = if complete && !bytes.is_empty() {
        serde_json::from_slice::<Value>(&bytes).ok()
    } else {
        None
    };
    for header in CODE_HEADERS {
        for value in details.headers.get_all(*header) {
            for code in value.to_str().unwrap_or_default().split(',') {
                push_unique(&mut details.codes, code.trim(), MAX_CODES, text::code);
            }
        }
    }
    if let Some(value) = &parsed {
        read_facts(value, &mut details);
    }
    if details.request_id.is_none() {
        details.request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| details.headers.get(*name))
            .and_then(|v| v.to_str().ok())
            .map(text::bounded);
    }
    details.retry_after = crate::retry::retry_after_of(&details.headers);
    ErrorBody {
        details,
        parsed,
        bytes,
        facts,
    }
}

/// How many strings of each kind an error keeps from a body.
const MAX_ITEMS: usize = 8;

/// Collects what vendors put in error bodies, whatever their schema: every
/// `code` string, every `field` string and `fields` list, every `message`,
/// and a `requestId`/`request_id`, in document order, bounded.
fn read_facts(value: &Value, details: &mut crate::error::Details) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("code", Value::String(code)) => {
                        push_unique(&mut details.codes, code, MAX_CODES, text::code);
                    }
                    ("field", Value::String(field)) => {
                        push_unique(&mut details.fields, field, MAX_ITEMS, text::bounded);
                    }
                    ("fields", Value::Array(items)) => {
                        for field in items.iter().filter_map(Value::as_str) {
                            push_unique(&mut details.fields, field, MAX_ITEMS, text::bounded);
                        }
                    }
                    ("message", Value::String(message)) => {
                        push_unique(&mut details.messages, message, MAX_ITEMS, text::bounded);
                    }
                    ("requestId" | "request_id", Value::String(id))
                        if details.request_id.is_none() =>
                    {
                        details.request_id = Some(text::bounded(id));
                    }
                    _ => read_facts(child, details),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| read_facts(v, details)),
        _ => {}
    }
}

fn push_unique(list: &mut Vec<String>, item: &str, max: usize, bound: fn(&str) -> String) {
    if list.len() >= max {
        return;
    }
    let item = bound(item);
    if !item.trim().is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

fn facts_of(response: &reqwest::Response) -> CallFacts {
    response
        .extensions()
        .get::<CallFacts>()
        .cloned()
        .unwrap_or_default()
}

fn finish<E>(mut out: ApiError<E>, facts: &CallFacts) -> ApiError<E> {
    out.details.attempts = facts.attempts.max(1);
    if let Some(secret) = &facts.secret {
        out.details.scrub(secret);
    }
    out
}

fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in KEPT_HEADERS {
        for value in headers.get_all(*name) {
            out.append(HeaderName::from_static(name), value.clone());
        }
    }
    out
}

/// The messages of `error` and its sources, joined with `: `, bounded.
/// reqwest errors reach here with their URL already stripped.
fn cause_chain(error: &dyn std::error::Error) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        next = e.source();
    }
    (!parts.is_empty()).then(|| text::bounded(&parts.join(": ")))
}
