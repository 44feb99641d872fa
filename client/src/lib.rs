//! Typed clients for the organization APIs of Astronomer and Elastic Cloud.
//!
//! The generated crates (`astronomer-platform`, `elastic-cloud`) speak the
//! APIs exactly as the specs describe them. This crate adds what using them
//! safely takes:
//!
//! - **construction** from the environment or from a [`Config`], with an
//!   https default base URL, connect and total timeouts, a `User-Agent`
//!   naming this crate, and rustls;
//! - **auth**: the token or API key sent as a sensitive default header, and
//!   kept out of every `Debug`, `Display`, error and `tracing` output;
//! - **retries** with exponential backoff and jitter on 429, 502, 503, 504
//!   and connection failures, for idempotent methods only unless you opt in,
//!   honouring `Retry-After`, within the call's deadline ([`RetryPolicy`]);
//! - **one error type**, [`Error`], to match on;
//! - **local validation** of documented limits, before anything is sent;
//! - **tracing**: a `cloud_orgs.request` span per call with method, path
//!   template, status, attempts and latency; never a URL, body or header.
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
//! let organization = client
//!     .update_organization(
//!         "my-org",
//!         elastic::OrganizationChanges::new().name("Research"),
//!     )
//!     .await?;
//! println!("{} is now called {}", organization.id, organization.name);
//! # Ok(())
//! # }
//! ```
//!
//! Errors say what happened in terms you can act on:
//!
//! ```
//! use cloud_orgs::{Error, astronomer::OrganizationChanges};
//!
//! // Checked locally: no request is sent.
//! let changes = OrganizationChanges::new()
//!     .name("x".repeat(51))
//!     .billing_email("billing@example.com")
//!     .scim_enabled(false);
//! let error = Error::from(changes.validate().unwrap_err());
//! assert!(matches!(error, Error::Validation(_)));
//! assert_eq!(error.to_string(), "invalid name: must be at most 50 characters, got 51");
//! ```
//!
//! # Environment
//!
//! | API | secret | base URL override |
//! |---|---|---|
//! | [`astronomer`] | `ASTRO_API_TOKEN` (as the Astro CLI) | `ASTRO_API_URL` |
//! | [`elastic`] | `EC_API_KEY` (as `ecctl`) | `EC_API_URL` (including `/api/v1`) |
//!
//! # Adding operations
//!
//! An operation is a method on the API's `Client` that validates its input,
//! then hands a closure calling the generated builder to the shared retry
//! loop with the operation's method, path template and idempotency. Until
//! one is wrapped, `Client::generated()` gives the authenticated generated
//! client. A paginated list would be one such call per page (each page
//! retried on its own), returned as a page type holding the next cursor.

pub mod astronomer;
pub mod config;
pub mod elastic;
pub mod error;
pub mod retry;

pub use config::{Config, Secret};
pub use error::{Details, Error, ValidationError};
pub use retry::RetryPolicy;

/// The README's usage example, compiled by `cargo test` so it stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
