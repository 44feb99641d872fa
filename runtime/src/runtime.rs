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
use crate::response::CallFacts;
use crate::retry::{RetryPolicy, retry_after_of};

/// Deadline of a whole call unless [`Runtime::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A check of a request body that the spec cannot express (a rule the
/// vendor documents only in an error's meaning, say), run before sending.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The operation it applies to (progenitor's name, e.g. `update_organization`).
    pub operation: &'static str,
    /// The check, on the JSON body as it will be sent.
    pub check: fn(&serde_json::Value) -> Result<(), ValidationError>,
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
        let rules = self
            .inner
            .rules
            .iter()
            .filter(|r| r.operation == operation.id);
        for rule in rules {
            let body = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .and_then(|bytes| serde_json::from_slice(bytes).ok())
                .unwrap_or(serde_json::Value::Null);
            (rule.check)(&body).map_err(|e| e.encode())?;
        }
        if let Some(fields) = operation.form {
            let json = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(serde_json::from_slice::<serde_json::Value>);
            let form = match json {
                Some(Ok(json)) => crate::form::encode(fields, &json),
                Some(Err(e)) => Err(format!("the body is not JSON: {e}")),
                None => Err("the body is a stream, not a form".to_string()),
            }
            .map_err(|reason| ValidationError::new("body", reason).encode())?;
            let content_type = HeaderValue::from_str(&form.content_type)
                .map_err(|_| ValidationError::new("body", "bad boundary").encode())?;
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
