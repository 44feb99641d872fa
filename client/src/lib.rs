//! Typed clients for the organization APIs of Astronomer and Elastic Cloud.
//!
//! The generated crates (`astronomer-platform`, `elastic-cloud`) speak the
//! APIs exactly as the specs describe them, and every one of their
//! operations goes through [`cloud_orgs_runtime`]: retries, the call's
//! deadline, tracing and one error type. This crate adds what using them
//! takes besides:
//!
//! - **construction** from the environment or from a [`Config`], with an
//!   https default base URL, connect and total timeouts, a `User-Agent`
//!   naming this crate, and rustls;
//! - **auth**: the token or API key sent as a sensitive default header, and
//!   kept out of every `Debug`, `Display`, error and `tracing` output;
//! - **every operation** of the generated client, callable on [`Client`]
//!   directly (it derefs to it), each returning an error that `?` turns
//!   into [`Error`];
//! - **rules the specs cannot express**, checked before sending (Elastic's
//!   2–30 character organization names, an explicit `force` when removing
//!   members, no empty list in a path);
//! - **what using the operations takes besides**: every Astronomer
//!   Organization as one bounded `Stream` ([`astronomer::AllOrganizations`]),
//!   and the audit-log download decoded line by line, gzip or not
//!   ([`astronomer::audit_log`]).
//!
//! The runtime retries with exponential backoff and jitter on 408, 429, 502,
//! 503, 504 and connection failures, for idempotent operations only unless
//! you opt in ([`RetryPolicy`]), honouring `Retry-After`, within the call's
//! deadline; each call is a `cloud_orgs.request` span with API, operation,
//! method, path template, status, attempts and latency, never a URL, body
//! or header.
//!
//! # Example
//!
//! Point a client at any base URL (a local mock server here) and update an
//! organization:
//!
//! ```no_run
//! use cloud_orgs::{Config, elastic};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), cloud_orgs::Error> {
//! let client = elastic::Client::new(
//!     Config::new("my-api-key").base_url("http://127.0.0.1:8080"),
//! )?;
//! #[allow(deprecated)] // Elastic has deprecated the operation, with no replacement yet.
//! let organization = client
//!     .update_organization()
//!     .organization_id("my-org")
//!     .body(elastic::types::OrganizationRequest::builder().name("Research".to_string()))
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{} is now called {}", organization.id, organization.name);
//! # Ok(())
//! # }
//! ```
//!
//! Errors say what happened in terms you can act on:
//!
//! ```
//! use cloud_orgs::{Error, elastic};
//!
//! // Checked locally: no request is sent.
//! let error = Error::from(elastic::check_organization_name("R").unwrap_err());
//! assert!(matches!(error, Error::Validation(_)));
//! assert_eq!(
//!     error.to_string(),
//!     "invalid name: must be 2 to 30 characters, got 1 (organization.invalid_name)"
//! );
//! ```
//!
//! # Environment
//!
//! | API | secret | base URL override |
//! |---|---|---|
//! | [`astronomer`] | `ASTRO_API_TOKEN` (as the Astro CLI) | `ASTRO_API_URL` |
//! | [`elastic`] | `EC_API_KEY` (as `ecctl`) | `EC_API_URL` (including `/api/v1`) |

pub mod astronomer;
pub mod config;
pub mod elastic;
mod facade;

pub use cloud_orgs_runtime::{
    ApiError, Details, Error, ErrorKind, RetryPolicy, ValidationError, retry::parse_retry_after,
};
pub use config::{Config, Secret};
pub use facade::{Api, Client};

/// The README's usage example, compiled by `cargo test` so it stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
