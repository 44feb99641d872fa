//! When to send a request again, and how long to wait first.
//!
//! The policy is a plain struct and [`RetryPolicy::delay`] a function of its
//! arguments (plus jitter), so backoff is tested without sleeping. The loop
//! that applies it is [`crate::Runtime::exec`], which every generated
//! operation goes through.
//!
//! The schedule is written here rather than taken from a backoff crate:
//! it is a few lines, and the well-kept ones either add their jitter on top
//! of the delay (backon: up to twice the delay, past any cap) or own the
//! retry loop around an error type, where this one decides on responses
//! (a 503 is a response, not an error, inside the hook) and must honour
//! `Retry-After` and the call's deadline.

use std::time::{Duration, SystemTime};

/// Statuses worth retrying, the one list: request timeout, rate limited,
/// and the gateway errors a load balancer returns while a backend restarts.
/// [`crate::ApiError::is_transient`] reads the same list.
pub const RETRY_STATUSES: [u16; 5] = [408, 429, 502, 503, 504];

/// When and how to retry a failed request.
///
/// Requests are retried on [`RETRY_STATUSES`] and on connection failures
/// (no response at all), and only when the operation is idempotent (per the
/// spec: its method, or `x-idempotent`) unless
/// [`RetryPolicy::retry_non_idempotent`] is set: retrying a `POST` whose
/// response was lost may apply it twice. Timeouts are not retried, as the
/// call's deadline is then spent.
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
    /// Also retry non-idempotent operations (`POST`, `PATCH`). Off by default.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, backoff from 200 ms doubling up to 5 s, `Retry-After`
    /// honoured up to 30 s, `POST` not retried. The call's deadline bounds
    /// the total in any case.
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
    /// failed together do not retry together ("equal jitter").
    pub fn backoff_bounds(&self, retry: u32) -> (Duration, Duration) {
        let exponent = retry.saturating_sub(1).min(31);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        (cap / 2, cap)
    }

    /// How long to wait before retry number `retry` (1 for the first). A
    /// server's `Retry-After` wins over the backoff, bounded by
    /// `max_retry_after`; otherwise a jittered exponential backoff (see
    /// [`RetryPolicy::backoff_bounds`]).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let (low, high) = self.backoff_bounds(retry);
        low + high.saturating_sub(low).mul_f64(fastrand::f64())
    }

    /// Whether an attempt with this outcome is worth sending again (the
    /// policy's count and the operation's idempotency aside).
    pub fn is_retryable(outcome: Result<&reqwest::Response, &reqwest::Error>) -> bool {
        match outcome {
            Ok(response) => RETRY_STATUSES.contains(&response.status().as_u16()),
            // No response: refused, reset, closed early. A timeout spent
            // the deadline; a builder error will fail the same way again.
            Err(e) => !e.is_timeout() && !e.is_builder() && !e.is_redirect(),
        }
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

/// The `Retry-After` of a response, relative to now.
pub(crate) fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}
