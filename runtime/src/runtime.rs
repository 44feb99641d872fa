//! [`Runtime`]: the state every generated client carries (progenitor's
//! "inner type") and the two hooks it runs around every request.
//!
//! Each generated crate has one `impl ClientHooks<Runtime> for Client`,
//! written by codegen, whose `pre` and `exec` call [`Runtime::pre`] and
//! [`Runtime::exec`] with the operation's [`Operation`] facts. That is the
//! whole wiring: retries, deadlines, tracing and request rules apply to
//! every operation, present and future, with no code per operation.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use tracing::Instrument as _;

use crate::error::ValidationError;
use crate::operation::Operation;
use crate::response::{CallFacts, NoResponse};
use crate::retry::{RetryPolicy, retry_after_of};

/// Deadline of a whole call unless [`Runtime::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A check of a request that the spec cannot express (a rule the vendor
/// documents only in an error's meaning, say, or a parameter the spec makes
/// optional that callers must nevertheless decide), run before sending.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The operation it applies to (progenitor's name, e.g. `update_organization`).
    pub operation: &'static str,
    /// The check, on the request as it will be sent: its JSON body, path
    /// and query ([`RuleRequest`]).
    pub check: fn(&RuleRequest<'_>) -> Result<(), ValidationError>,
}

/// What a [`Rule`] sees of a request about to be sent: the JSON body, the
/// path and the query string. Nothing else (no headers, so no secret).
#[derive(Debug)]
pub struct RuleRequest<'a> {
    url: &'a reqwest::Url,
    body: serde_json::Value,
}

impl<'a> RuleRequest<'a> {
    /// The view of `request` a rule gets.
    pub fn new(request: &'a reqwest::Request) -> Self {
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or(serde_json::Value::Null);
        Self {
            url: request.url(),
            body,
        }
    }

    /// The JSON body as it will be sent; `Null` when there is none (or it
    /// is not JSON, or it streams).
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The values of the query parameter `name`, decoded, in order (empty
    /// when it is absent).
    pub fn query(&self, name: &str) -> Vec<String> {
        self.url
            .query_pairs()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .collect()
    }

    /// The URL's path as it will be sent (percent-encoded), base URL's
    /// path included: `/api/v1/organizations/o-1/members/a,b`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// Whether the query carries the parameter `name` at all.
    pub fn has_query(&self, name: &str) -> bool {
        self.url.query_pairs().any(|(key, _)| key == name)
    }
}

/// What a generated client does around each request: retry policy, the
/// call's deadline, the secret to keep out of errors, request rules, and
/// the name its spans carry.
///
/// Cheap to clone (shared). `Debug` never shows the secret.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Settings>,
}

#[derive(Clone)]
struct Settings {
    api: String,
    retry: RetryPolicy,
    timeout: Duration,
    secret: Option<Arc<str>>,
    rules: Vec<Rule>,
}

impl Default for Runtime {
    /// Default retry policy, [`DEFAULT_TIMEOUT`], no secret, no rules.
    fn default() -> Self {
        Self::new("api")
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("api", &self.inner.api)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("secret", &self.inner.secret.as_ref().map(|_| "<redacted>"))
            .field("rules", &self.inner.rules.len())
            .finish()
    }
}

impl Runtime {
    /// A runtime whose spans and messages name the API `api`.
    pub fn new(api: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Settings {
                api: api.into(),
                retry: RetryPolicy::default(),
                timeout: DEFAULT_TIMEOUT,
                secret: None,
                rules: Vec::new(),
            }),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(Arc::make_mut(&mut self.inner));
        self
    }

    /// When and how to retry.
    pub fn retry(self, policy: RetryPolicy) -> Self {
        self.with(|s| s.retry = policy)
    }

    /// Deadline for a whole call: every attempt and every backoff between
    /// them, body reading included. A retry that would end after it is not
    /// made.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|s| s.timeout = timeout)
    }

    /// The token or key the client sends, so that errors replace it with
    /// `<redacted>` wherever a server echoed it back.
    pub fn redact(self, secret: impl Into<String>) -> Self {
        let secret: String = secret.into();
        self.with(|s| s.secret = (!secret.is_empty()).then(|| Arc::from(secret)))
    }

    /// Adds a request rule.
    pub fn rule(self, rule: Rule) -> Self {
        self.with(|s| s.rules.push(rule))
    }

    /// The API name spans carry.
    pub fn api(&self) -> &str {
        &self.inner.api
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The call deadline.
    pub fn call_timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Runs before a request is sent: puts the vendor's media types on the
    /// wire where the spec has them (progenitor only knows JSON), and
    /// checks the request rules. An `Err` stops the call; it carries a
    /// [`ValidationError`] that the operation's error reports as
    /// [`crate::ErrorKind::Validation`].
    pub fn pre(&self, request: &mut reqwest::Request, operation: &Operation) -> Result<(), String> {
        // A form's Content-Type (with its boundary) is set below.
        let content_type = operation.content_type.filter(|_| operation.form.is_none());
        for (header, value) in [(CONTENT_TYPE, content_type), (ACCEPT, operation.accept)] {
            let Some(value) = value else { continue };
            // Content-Type only where there is a body to describe.
            if header == CONTENT_TYPE && request.body().is_none() {
                continue;
            }
            match HeaderValue::from_str(value) {
                Ok(value) => {
                    request.headers_mut().insert(header, value);
                }
                Err(_) => {
                    return Err(ValidationError::new(
                        header.as_str(),
                        "the spec's media type is not a valid header value",
                    )
                    .encode());
                }
            }
        }
        let mut rules = self
            .inner
            .rules
            .iter()
            .filter(|r| r.operation == operation.id)
            .peekable();
        // Rules see the JSON body, before it becomes a form.
        if rules.peek().is_some() {
            let view = RuleRequest::new(request);
            for rule in rules {
                (rule.check)(&view).map_err(|e| e.encode())?;
            }
        }
        if let Some(form) = operation.form
            && request.body().is_some()
        {
            let json = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(serde_json::from_slice::<serde_json::Value>);
            let form = match json {
                Some(Ok(json)) => crate::form::encode(form, &json),
                Some(Err(e)) => Err(format!("the body is not JSON: {e}")),
                None => Err("the body is a stream, not a form".to_string()),
            }
            .map_err(|reason| ValidationError::new("body", reason).encode())?;
            let content_type = HeaderValue::from_str(&form.content_type)
                .map_err(|_| ValidationError::new("body", "bad form content type").encode())?;
            request.headers_mut().insert(CONTENT_TYPE, content_type);
            *request.body_mut() = Some(form.body.into());
        }
        Ok(())
    }

    /// Sends a request, retrying per the policy within the call's deadline,
    /// in a `cloud_orgs.request` span (API, operation, method, path
    /// template, final status, attempts, latency; never a URL, a body or a
    /// header). Each attempt logs one event. The response carries what the
    /// call learnt (attempts, the secret to scrub) to the decoding.
    pub async fn exec(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "cloud_orgs.request",
            api = %self.inner.api,
            operation = operation.id,
            method = operation.method.as_str(),
            path = operation.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.attempts(client, request, operation)
            .instrument(span)
            .await
    }

    /// What the hooks do ([`Runtime::pre`], then [`Runtime::exec`]), for
    /// the operations `cargo xtask codegen` rewrote: one future whose type
    /// is the same for every operation, so that each operation's `send`
    /// awaits nothing compiled per operation and costs its crate little
    /// more than building its request.
    pub async fn exchange(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<reqwest::Response, NoResponse> {
        if let Err(message) = self.pre(&mut request, operation) {
            return Err(NoResponse::refused(operation, message));
        }
        self.exec(client, request, operation)
            .await
            .map_err(|e| NoResponse::transport(operation, e))
    }

    async fn attempts(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static Operation,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner.retry;
        let start = Instant::now();
        let deadline = start + self.inner.timeout;
        let may_retry = operation.idempotent || policy.retry_non_idempotent;
        let span = tracing::Span::current();
        let mut number: u32 = 0;
        loop {
            number += 1;
            let attempt_start = Instant::now();
            // A body that streams cannot be sent twice: no spare, no retry.
            let spare = (may_retry && number <= policy.max_retries)
                .then(|| request.try_clone())
                .flatten();
            // reqwest's per-request timeout runs until the body is read,
            // so the deadline covers the decoding after this hook too.
            *request.timeout_mut() = Some(deadline.saturating_duration_since(attempt_start));
            let result = client.execute(request).await;
            let latency_ms = millis(attempt_start.elapsed());
            span.record("attempts", number);
            span.record("latency_ms", millis(start.elapsed()));
            let status = result.as_ref().ok().map(|r| r.status().as_u16());
            if let Some(status) = status {
                span.record("status", status);
            }
            match &result {
                Ok(_) => tracing::info!(attempt = number, status, latency_ms, "response"),
                Err(e) => tracing::info!(
                    attempt = number,
                    latency_ms,
                    timeout = e.is_timeout(),
                    "request failed"
                ),
            }
            let retry = spare.filter(|_| RetryPolicy::is_retryable(result.as_ref()));
            let Some(next) = retry else {
                return self.hand_over(result, number);
            };
            let retry_after = result
                .as_ref()
                .ok()
                .and_then(|r| retry_after_of(r.headers()));
            let delay = policy.delay(number, retry_after);
            if Instant::now() + delay >= deadline {
                tracing::info!(
                    attempt = number,
                    delay_ms = millis(delay),
                    "not retrying: the wait would pass the deadline"
                );
                return self.hand_over(result, number);
            }
            tracing::info!(attempt = number, delay_ms = millis(delay), "retrying");
            drop(result);
            tokio::time::sleep(delay).await;
            request = next;
        }
    }
}

impl Runtime {
    /// The last attempt's outcome, with what the decoding needs to know.
    fn hand_over(
        &self,
        mut result: reqwest::Result<reqwest::Response>,
        attempts: u32,
    ) -> reqwest::Result<reqwest::Response> {
        match &mut result {
            Ok(response) => {
                response.extensions_mut().insert(CallFacts {
                    attempts,
                    secret: self.inner.secret.clone(),
                });
            }
            Err(_) => crate::response::note_transport_attempts(attempts),
        }
        result
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Method;

    static DELETE: Operation = Operation {
        id: "delete_things",
        method: Method::Delete,
        path: "/things/{ids}",
        ..Operation::UNKNOWN
    };
    static UPDATE: Operation = Operation {
        id: "update_thing",
        method: Method::Put,
        path: "/things/{id}",
        ..Operation::UNKNOWN
    };

    fn needs_force(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
        match request.query("force").as_slice() {
            [value] if value == "true" || value == "false" => Ok(()),
            _ => Err(ValidationError::new("force", "say true or false")),
        }
    }

    fn short_name(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
        match request.body().get("name").and_then(|n| n.as_str()) {
            Some(name) if name.len() > 3 => Err(ValidationError::new("name", "too long")),
            _ => Ok(()),
        }
    }

    fn runtime() -> Runtime {
        Runtime::new("test")
            .rule(Rule {
                operation: "delete_things",
                check: needs_force,
            })
            .rule(Rule {
                operation: "update_thing",
                check: short_name,
            })
    }

    fn request(method: reqwest::Method, url: &str, body: Option<&str>) -> reqwest::Request {
        let mut request = reqwest::Request::new(method, reqwest::Url::parse(url).unwrap());
        if let Some(body) = body {
            *request.body_mut() = Some(body.to_string().into());
        }
        request
    }

    #[test]
    fn a_rule_sees_the_query() {
        let rt = runtime();
        let mut absent = request(reqwest::Method::DELETE, "http://h/things/a,b", None);
        let error = rt.pre(&mut absent, &DELETE).unwrap_err();
        assert_eq!(
            ValidationError::decode(&error),
            Some(ValidationError::new("force", "say true or false"))
        );
        for ok in ["force=false", "x=1&force=true"] {
            let mut present = request(
                reqwest::Method::DELETE,
                &format!("http://h/things/a?{ok}"),
                None,
            );
            assert_eq!(rt.pre(&mut present, &DELETE), Ok(()), "{ok}");
        }
        let mut twice = request(
            reqwest::Method::DELETE,
            "http://h/things/a?force=true&force=false",
            None,
        );
        assert!(rt.pre(&mut twice, &DELETE).is_err());
    }

    #[test]
    fn a_rule_sees_the_json_body_and_only_its_operation() {
        let rt = runtime();
        let mut long = request(
            reqwest::Method::PUT,
            "http://h/things/1",
            Some(r#"{"name":"long"}"#),
        );
        assert!(rt.pre(&mut long, &UPDATE).is_err());
        let mut short = request(
            reqwest::Method::PUT,
            "http://h/things/1",
            Some(r#"{"name":"ok"}"#),
        );
        assert_eq!(rt.pre(&mut short, &UPDATE), Ok(()));
        // Another operation's rule does not apply; no body reads as Null.
        let mut other = request(
            reqwest::Method::DELETE,
            "http://h/things/1?force=true",
            Some(r#"{"name":"long"}"#),
        );
        assert_eq!(rt.pre(&mut other, &DELETE), Ok(()));
        let view_request = request(reqwest::Method::GET, "http://h/?a=1%2C2&a=3", None);
        let view = RuleRequest::new(&view_request);
        assert_eq!(view.body(), &serde_json::Value::Null);
        assert_eq!(view.query("a"), ["1,2", "3"]);
        assert!(view.has_query("a") && !view.has_query("b"));
        assert_eq!(view.path(), "/");
    }

    static FORM: crate::form::Form = crate::form::Form {
        kind: crate::form::FormKind::UrlEncoded,
        fields: &[crate::form::FormField {
            style: crate::form::Style::DeepObject,
            ..crate::form::FormField::new("metadata")
        }],
    };
    static CREATE_CUSTOMER: Operation = Operation {
        id: "post_customers",
        method: Method::Post,
        path: "/v1/customers",
        content_type: Some("application/x-www-form-urlencoded"),
        form: Some(&FORM),
        ..Operation::UNKNOWN
    };

    #[test]
    fn a_form_is_encoded_with_or_without_rules() {
        let body = r#"{"email":"a@b.c","metadata":{"k":"v w"}}"#;
        // No rule names the operation: the form is encoded all the same.
        for rt in [Runtime::new("plain"), runtime()] {
            let mut post = request(reqwest::Method::POST, "http://h/v1/customers", Some(body));
            assert_eq!(rt.pre(&mut post, &CREATE_CUSTOMER), Ok(()));
            assert_eq!(
                post.headers()[CONTENT_TYPE],
                "application/x-www-form-urlencoded"
            );
            let sent = post.body().and_then(reqwest::Body::as_bytes).unwrap();
            assert_eq!(sent, b"metadata%5Bk%5D=v+w&email=a%40b.c");
        }
        // Without a body (an optional one left out) there is nothing to encode.
        let mut empty = request(reqwest::Method::POST, "http://h/v1/customers", None);
        assert_eq!(Runtime::new("x").pre(&mut empty, &CREATE_CUSTOMER), Ok(()));
        assert!(empty.body().is_none() && empty.headers().get(CONTENT_TYPE).is_none());
        // A body that is not JSON is refused before anything is sent.
        let mut bad = request(reqwest::Method::POST, "http://h/v1/customers", Some("a=b"));
        let error = Runtime::new("x")
            .pre(&mut bad, &CREATE_CUSTOMER)
            .unwrap_err();
        assert_eq!(
            ValidationError::decode(&error).map(|e| e.field().to_string()),
            Some("body".to_string())
        );
    }
}
