//! The retry policy as pure functions: no sleeping, no server.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use cloud_orgs_runtime::RetryPolicy;
use cloud_orgs_runtime::retry::parse_retry_after;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 5,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(1000),
        max_retry_after: Duration::from_secs(10),
        retry_non_idempotent: false,
    }
}

#[test]
fn defaults_are_bounded_and_leave_post_alone() {
    let p = RetryPolicy::default();
    assert_eq!(p.max_retries, 3);
    assert_eq!(p.initial_backoff, Duration::from_millis(200));
    assert_eq!(p.max_backoff, Duration::from_secs(5));
    assert_eq!(p.max_retry_after, Duration::from_secs(30));
    assert!(!p.retry_non_idempotent);
    assert_eq!(RetryPolicy::none().max_retries, 0);
}

#[test]
fn backoff_doubles_then_caps() {
    let p = policy();
    let ms = Duration::from_millis;
    assert_eq!(p.backoff_bounds(1), (ms(50), ms(100)));
    assert_eq!(p.backoff_bounds(2), (ms(100), ms(200)));
    assert_eq!(p.backoff_bounds(3), (ms(200), ms(400)));
    assert_eq!(p.backoff_bounds(4), (ms(400), ms(800)));
    assert_eq!(p.backoff_bounds(5), (ms(500), ms(1000)));
    // No overflow, however many retries.
    assert_eq!(p.backoff_bounds(u32::MAX), (ms(500), ms(1000)));
    assert_eq!(p.backoff_bounds(0), (ms(50), ms(100)));
}

#[test]
fn jittered_delay_stays_within_bounds_and_varies() {
    let p = policy();
    for retry in 1..=6 {
        let (low, high) = p.backoff_bounds(retry);
        let delays: Vec<Duration> = (0..200).map(|_| p.delay(retry, None)).collect();
        assert!(
            delays.iter().all(|d| *d >= low && *d <= high),
            "retry {retry}: {delays:?}"
        );
        assert!(
            delays.iter().any(|d| *d != delays[0]),
            "no jitter at retry {retry}"
        );
    }
}

#[test]
fn retry_after_wins_and_is_capped() {
    let p = policy();
    assert_eq!(
        p.delay(1, Some(Duration::from_secs(3))),
        Duration::from_secs(3)
    );
    assert_eq!(p.delay(4, Some(Duration::ZERO)), Duration::ZERO);
    assert_eq!(
        p.delay(1, Some(Duration::from_secs(3600))),
        Duration::from_secs(10)
    );
}

#[test]
fn retry_after_seconds() {
    let now = SystemTime::now();
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("99999999999999999999999", now),
        Some(Duration::from_secs(u64::MAX))
    );
    assert_eq!(parse_retry_after("", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
    assert_eq!(parse_retry_after("1.5", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
}

#[test]
fn retry_after_http_date() {
    // Wed, 21 Oct 2015 07:28:00 GMT
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    let now = date - Duration::from_secs(90);
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
        Some(Duration::from_secs(90))
    );
    // Obsolete formats HTTP still allows.
    assert_eq!(
        parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        parse_retry_after("Wed Oct 21 07:28:00 2015", now),
        Some(Duration::from_secs(90))
    );
    // In the past: retry now.
    let later = date + Duration::from_secs(60);
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", later),
        Some(Duration::ZERO)
    );
    assert_eq!(
        parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", now),
        None
    );
}
