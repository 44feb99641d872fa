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
//!
//! # Invitations and members
//!
//! Deleting invitations or members takes a list in one path segment
//! (`/invitations/tok-1,tok-2`, `/members/u-1,u-2`). The generated setters
//! `invitation_tokens` and `user_ids` take anything that converts into a
//! `Vec<String>` (a `Vec`, an array, or a slice `&[String]`), and the
//! generated code encodes the list as Elastic documents it: each item
//! percent-encoded (its own commas and slashes too, so no item can split
//! the list), joined with literal commas. For `&str` items, convert them
//! (`ids.map(String::from)` on an array). No wrapper is needed, so none is
//! added. An empty list is refused before sending (it would be another
//! URL), and so is removing members without saying whether to force it:
//! call `.force(false)` (Elastic's default) or `.force(true)`.
//!
//! ```no_run
//! use cloud_orgs::elastic::{Client, types::OrganizationInvitationRequest};
//!
//! # async fn run(client: &Client, user_ids: &[String]) -> Result<(), cloud_orgs::Error> {
//! let invited = client
//!     .create_organization_invitations()
//!     .organization_id("my-org")
//!     .body(OrganizationInvitationRequest::builder().emails(vec!["jane@example.com".to_string()]))
//!     .send()
//!     .await?
//!     .into_inner();
//! let tokens: Vec<String> = invited.invitations.into_iter().map(|i| i.token).collect();
//! client
//!     .delete_organization_invitations()
//!     .organization_id("my-org")
//!     .invitation_tokens(tokens) // DELETE …/invitations/tok-1,tok-2
//!     .send()
//!     .await?;
//! client
//!     .delete_organization_memberships()
//!     .organization_id("my-org")
//!     .user_ids(user_ids) // a slice of the caller's
//!     .force(false)
//!     .send()
//!     .await?;
//! # Ok(())
//! # }
//! ```

use cloud_orgs_runtime::{Rule, RuleRequest, Runtime, ValidationError};
use serde_json::Value;

pub use elastic_cloud::{builder, types};

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
        Rule {
            operation: "delete_organization_memberships",
            check: check_user_ids_are_not_empty,
        },
        Rule {
            operation: "delete_organization_invitations",
            check: check_invitation_tokens_are_not_empty,
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

/// The two deletions take a list in their last path segment (`user_ids`,
/// `invitation_tokens`); an empty list would send
/// `DELETE /organizations/{id}/members/`, a different URL than any the spec
/// defines, so it is refused before sending.
fn check_list_is_not_empty(
    request: &RuleRequest<'_>,
    field: &'static str,
) -> Result<(), ValidationError> {
    if request.path().ends_with('/') {
        return Err(ValidationError::new(field, "must name at least one"));
    }
    Ok(())
}

fn check_user_ids_are_not_empty(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
    check_list_is_not_empty(request, "user_ids")
}

fn check_invitation_tokens_are_not_empty(request: &RuleRequest<'_>) -> Result<(), ValidationError> {
    check_list_is_not_empty(request, "invitation_tokens")
}
