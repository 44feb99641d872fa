//! What every operation of every generated client does the same way.
//!
//! The crates in `generated/` are progenitor's output for our specs. They
//! carry a [`Runtime`] as progenitor's inner type, and codegen writes one
//! `impl ClientHooks<Runtime> for Client` per crate that hands every request
//! to it, with the operation's facts from the spec ([`Operation`]). Each
//! operation's `send` calls [`Runtime::exchange`], which does what those
//! hooks do as one future shared by all operations (cheaper to compile than
//! progenitor's generic hook calls in every body), then decodes with
//! [`response`]. So every operation, present and future, gets:
//!
//! - **one error type**: [`ApiError<E>`] (with the documented error body
//!   `E`), converting with `?` into [`Error`], classified by what a caller
//!   does about it ([`ErrorKind`]), one bounded line in `Display`;
//! - **retries** on [`retry::RETRY_STATUSES`] and connection failures, for
//!   idempotent operations unless the caller opts in, honouring
//!   `Retry-After`, with jittered exponential backoff ([`RetryPolicy`]);
//! - **a deadline** for the whole call, retries and body included;
//! - **tracing**: a `cloud_orgs.request` span per call with the API,
//!   operation, method, path template, status, attempts and latency, never
//!   a URL, body or header;
//! - **request rules** the spec cannot express ([`Rule`]), checked before
//!   anything is sent, and the vendor's media types on the wire.
//!
//! Nothing of this is copied into the generated crates: they depend on this
//! one, and its behaviour is tested here as ordinary code.

pub mod error;
pub mod form;
pub mod operation;
pub mod path;
pub mod response;
pub mod retry;
mod runtime;
pub mod text;

pub use error::{ApiError, Details, Error, ErrorKind, ValidationError};
pub use form::{Form, FormField, FormKind, Style};
pub use operation::{Documented, Method, Operation};
pub use retry::RetryPolicy;
pub use runtime::{DEFAULT_TIMEOUT, Rule, RuleRequest, Runtime};
