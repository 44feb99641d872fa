//! Elastic Cloud API, version 1.
//!
//! Authenticates with an Elastic Cloud API key (`Authorization: ApiKey <key>`).
//! [`Client::from_env`] reads:
//!
//! | variable | meaning |
//! |---|---|
//! | `EC_API_KEY` | the API key; the name `ecctl` and Elastic's curl examples use |
//! | `EC_API_URL` | optional base URL including `/api/v1`, default [`DEFAULT_BASE_URL`] |
//!
//! `ecctl`'s `EC_HOST` is deliberately not read: it holds a host without the
//! `/api/v1` path and often points at Elastic Cloud Enterprise, which does
//! not have the organization operations.
//!
//! Every operation of the generated [`elastic_cloud`] crate is a method of
//! [`Client`], with retries, the deadline, tracing and [`crate::Error`]:
//!
//! ```no_run
//! use cloud_orgs::elastic::{Client, types::OrganizationRequest};
//!
//! # async fn run() -> Result<(), cloud_orgs::Error> {
//! let client = Client::from_env()?;
//! #[allow(deprecated)] // Elastic has deprecated the operation, with no replacement yet.
//! let organization = client
//!     .update_organization()
//!     .organization_id("my-organization-id")
//!     .body(
//!         OrganizationRequest::builder()
//!             .name("Research".to_string())
//!             .billing_contacts(vec!["billing@example.com".to_string()])
//!             .operational_contacts(Vec::new()), // sends [] (clears the list)
//!     )
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("renamed {} to {}", organization.id, organization.name);
//! # Ok(())
//! # }
//! ```

use cloud_orgs_runtime::{Rule, RuleRequest, Runtime, ValidationError};
use serde_json::Value;

pub use elastic_cloud::types;

/// The base URL the spec gives.
pub const DEFAULT_BASE_URL: &str = "https://api.elastic-cloud.com/api/v1";
/// Environment variable holding the API key (`ecctl`'s name for it).
pub const API_KEY_VAR: &str = "EC_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_VAR: &str = "EC_API_URL";
/// The documented bounds of an organization name, in characters
/// (`organization.invalid_name`).
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=30;

/// A client for the Elastic Cloud API: [`crate::Client`] over
/// [`elastic_cloud::Client`].
pub type Client = crate::Client<elastic_cloud::Client>;

impl crate::facade::Api for elastic_cloud::Client {
    const NAME: &'static str = "elastic";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    const SECRET_VAR: &'static str = API_KEY_VAR;
    const BASE_URL_VAR: &'static str = BASE_URL_VAR;
    const AUTH_SCHEME: &'static str = "ApiKey";
    const RULES: &'static [Rule] = &[
        Rule {
            operation: "update_organization",
            check: check_organization_request,
        },
        Rule {
            operation: "delete_organization_memberships",
            check: check_force_is_explicit,
        },
    ];

    fn build(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self {
        elastic_cloud::Client::new_with_client(base_url, http, runtime)
    }
}

/// The rule Elastic documents only as the meaning of the error
/// `organization.invalid_name` (the schema has no length limits): a name,
/// when given, is 2 to 30 characters (characters, not bytes). Checked
/// before an update is sent.
pub fn check_organization_name(name: &str) -> Result<(), ValidationError> {
    let chars = name.chars().count();
    if NAME_CHARS.contains(&chars) {
        return Ok(());
    }
    Err(ValidationError::new(
        "name",
        format!(
            "must be {} to {} characters, got {chars} (organization.invalid_name)",
            NAME_CHARS.start(),
            NAME_CHARS.end()
        ),
    ))
}

/// [`check_organization_name`] on an update's JSON body.
fn check_organization_request(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
    match request.body().get("name") {
        Some(Value::String(name)) => check_organization_name(name),
        _ => Ok(()),
    }
}

/// Removing members says whether it forces the removal: the spec makes
/// `force` optional (default `false`), and this client refuses to send the
/// removal without it, so nobody relies on a default by accident. Checked
/// before sending (a [`Rule`]), so a call without `.force(..)` fails with
/// [`crate::Error::Validation`] on the field `force` and sends nothing.
fn check_force_is_explicit(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
    if request.has_query("force") {
        return Ok(());
    }
    Err(ValidationError::new(
        "force",
        "removing members needs an explicit .force(false) or .force(true)",
    ))
}
