//! When to retry, how long to wait, and the loop that does it.
//!
//! The policy is a plain struct, and [`RetryPolicy::delay`] a function of
//! its arguments (plus jitter), so backoff can be tested without sleeping.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use tracing::Instrument;

use crate::error::{Class, Error, Failed};

/// Statuses worth retrying: rate limited, and the gateway errors a load
/// balancer returns while a backend restarts.
pub const RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// When and how to retry a failed request.
///
/// Requests are retried on [`RETRY_STATUSES`] and on connection failures
/// (no response at all), and only when the method is idempotent (`PUT`)
/// unless [`RetryPolicy::retry_non_idempotent`] is set: retrying a `POST`
/// whose response was lost may apply it twice. Timeouts are not retried, as
/// the call's deadline is then spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// Backoff before the first retry; it doubles for each further retry.
    pub initial_backoff: Duration,
    /// Upper bound of the exponential backoff.
    pub max_backoff: Duration,
    /// Upper bound of a wait the server asks for with `Retry-After`.
    pub max_retry_after: Duration,
    /// Also retry non-idempotent methods (`POST`). Off by default.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, backoff from 200 ms doubling up to 5 s, `Retry-After`
    /// honoured up to 30 s, `POST` not retried. The call's deadline
    /// ([`crate::Config::timeout`]) bounds the total in any case.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The range the jittered backoff before retry number `retry` (1 for the
    /// first retry) falls in: `[cap / 2, cap]`, where `cap` is
    /// `initial_backoff * 2^(retry - 1)` bounded by `max_backoff`. Half is
    /// fixed so retries never bunch at zero, half random so clients that
    /// failed together do not retry together.
    pub fn backoff_bounds(&self, retry: u32) -> (Duration, Duration) {
        let exponent = retry.saturating_sub(1).min(31);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        (cap / 2, cap)
    }

    /// How long to wait before retry number `retry` (1 for the first).
    /// A server's `Retry-After` wins over the backoff, bounded by
    /// `max_retry_after`; otherwise a jittered exponential backoff (see
    /// [`RetryPolicy::backoff_bounds`]).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let (low, high) = self.backoff_bounds(retry);
        let spread = high.saturating_sub(low);
        low + spread.mul_f64(fastrand::f64())
    }
}

/// Parses a `Retry-After` value: either delay-seconds (`120`) or an
/// HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`), relative to `now`. A date
/// in the past means "now"; anything else unparsable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: seconds. Absurdly long values saturate, and the cap
        // applies later.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The facts of one operation the retry loop and its spans need.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Endpoint {
    /// `astronomer` or `elastic`.
    pub api: &'static str,
    pub method: &'static str,
    /// The path template, never the URL (which holds identifiers).
    pub path: &'static str,
    /// Whether sending the request twice has the effect of sending it once.
    pub idempotent: bool,
}

/// Sends a request with `attempt` until it succeeds, fails for good, the
/// policy says stop, or the deadline `timeout` (for the whole call) passes.
///
/// Everything runs in a `cloud_orgs.request` span (API, method, path
/// template, final status, attempts, latency); each attempt logs one event
/// with its number, status and latency. No URL, body or header is recorded.
pub(crate) async fn send_with_retries<T, F, Fut>(
    endpoint: Endpoint,
    policy: &RetryPolicy,
    timeout: Duration,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(T, u16), Failed>>,
{
    let span = tracing::info_span!(
        "cloud_orgs.request",
        api = endpoint.api,
        method = endpoint.method,
        path = endpoint.path,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let call = async {
        let start = Instant::now();
        let deadline = start + timeout;
        let may_retry = endpoint.idempotent || policy.retry_non_idempotent;
        let mut number: u32 = 0;
        loop {
            number += 1;
            let attempt_start = Instant::now();
            let remaining = deadline.saturating_duration_since(attempt_start);
            let outcome = tokio::time::timeout(remaining, attempt()).await;
            let latency_ms = millis(attempt_start.elapsed());
            let span = tracing::Span::current();
            span.record("attempts", number);
            span.record("latency_ms", millis(start.elapsed()));
            let failure = match outcome {
                Err(_) => {
                    tracing::warn!(attempt = number, latency_ms, "timed out");
                    return Err(Error::deadline(endpoint, number));
                }
                Ok(Ok((value, status))) => {
                    span.record("status", status);
                    tracing::info!(attempt = number, status, latency_ms, "response");
                    return Ok(value);
                }
                Ok(Err(failure)) => failure,
            };
            let status = failure.status.map(|s| s.as_u16());
            if let Some(status) = status {
                span.record("status", status);
            }
            tracing::info!(
                attempt = number,
                status,
                kind = ?failure.class,
                latency_ms,
                "request failed"
            );
            let retry_after = retry_after_of(&failure);
            if !(may_retry && number <= policy.max_retries && is_retryable(&failure)) {
                return Err(Error::from_failed(endpoint, failure, number, retry_after));
            }
            let delay = policy.delay(number, retry_after);
            if Instant::now() + delay >= deadline {
                tracing::info!(
                    attempt = number,
                    delay_ms = millis(delay),
                    "not retrying: the wait would pass the deadline"
                );
                return Err(Error::from_failed(endpoint, failure, number, retry_after));
            }
            tracing::info!(attempt = number, delay_ms = millis(delay), "retrying");
            tokio::time::sleep(delay).await;
        }
    };
    call.instrument(span).await
}

/// Retry-worthy: a status in [`RETRY_STATUSES`], or a transport failure that
/// is not a timeout (connection refused, reset, closed before a response).
fn is_retryable(failure: &Failed) -> bool {
    match failure.class {
        Class::Transport => true,
        Class::Status => failure
            .status
            .is_some_and(|s| RETRY_STATUSES.contains(&s.as_u16())),
        Class::InvalidRequest | Class::Timeout | Class::InvalidBody => false,
    }
}

fn retry_after_of(failure: &Failed) -> Option<Duration> {
    failure
        .headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
