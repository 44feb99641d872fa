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
//! ```no_run
//! use cloud_orgs::elastic::{Client, OrganizationChanges};
//!
//! # async fn run() -> Result<(), cloud_orgs::Error> {
//! let client = Client::from_env()?;
//! let organization = client
//!     .update_organization(
//!         "my-organization-id",
//!         OrganizationChanges::new()
//!             .name("Research")
//!             .billing_contacts(["billing@example.com"])
//!             .operational_contacts(Vec::<String>::new()), // sends [] (clears the list)
//!     )
//!     .await?;
//! println!("renamed {} to {}", organization.id, organization.name);
//! # Ok(())
//! # }
//! ```

use std::fmt;

pub use elastic_cloud::types;
pub use elastic_cloud::types::Organization;

use crate::config::{Config, config_from_lookup};
use crate::error::{Class, Error, Failed, ValidationError, bounded, cause_chain};
use crate::retry::{Endpoint, send_with_retries};

/// The base URL the spec gives.
pub const DEFAULT_BASE_URL: &str = "https://api.elastic-cloud.com/api/v1";
/// Environment variable holding the API key (`ecctl`'s name for it).
pub const API_KEY_VAR: &str = "EC_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_VAR: &str = "EC_API_URL";
/// The documented bounds of an organization name, in characters
/// (`organization.invalid_name`).
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=30;

const UPDATE_ORGANIZATION: Endpoint = Endpoint {
    api: "elastic",
    method: "PUT",
    path: "/organizations/{organization_id}",
    // A PUT of the same settings twice leaves the same organization.
    idempotent: true,
};

/// A client for the Elastic Cloud API.
///
/// Cheap to clone (the connection pool is shared); `Debug` shows the base
/// URL and settings, never the API key.
#[derive(Clone)]
pub struct Client {
    inner: elastic_cloud::Client,
    config: Config,
    base_url: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("elastic::Client")
            .field("base_url", &self.base_url)
            .field("config", &self.config)
            .finish()
    }
}

impl Client {
    /// A client with explicit settings.
    pub fn new(config: Config) -> Result<Self, Error> {
        let base_url = config.resolved_base_url(DEFAULT_BASE_URL)?;
        let http = config.http_client("ApiKey")?;
        Ok(Self {
            inner: elastic_cloud::Client::new_with_client(&base_url, http),
            config,
            base_url,
        })
    }

    /// A client configured from `EC_API_KEY` and, optionally, `EC_API_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(config_from_env_with(|name| std::env::var(name).ok())?)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The generated client, authenticated, for operations this facade does
    /// not wrap yet (no retries, validation or error mapping there).
    pub fn generated(&self) -> &elastic_cloud::Client {
        &self.inner
    }

    /// Changes the settings given in `changes` (the others stay as they
    /// are) and returns the organization after the change.
    ///
    /// Elastic has deprecated this operation; it is wrapped because it is
    /// still the only way to change these settings. A `PUT`, so failed
    /// attempts are retried per the config's [`RetryPolicy`](crate::RetryPolicy).
    pub async fn update_organization(
        &self,
        organization_id: impl Into<String>,
        changes: OrganizationChanges,
    ) -> Result<Organization, Error> {
        let organization_id = organization_id.into();
        changes.validate()?;
        let body = changes.request;
        let policy = self.config.retry_policy();
        let secret = self.config.secret().expose();
        send_with_retries(
            UPDATE_ORGANIZATION,
            policy,
            self.config.call_timeout(),
            || async {
                // Deprecated by Elastic (see the doc comment); no replacement yet.
                #[allow(deprecated)]
                let builder = self.inner.update_organization();
                builder
                    .organization_id(organization_id.as_str())
                    .body(body.clone())
                    .send()
                    .await
                    .map(|r| {
                        let status = r.status().as_u16();
                        (r.into_inner(), status)
                    })
                    .map_err(|e| failed(e).scrub(secret))
            },
        )
        .await
    }
}

/// Reads the settings `from_env` uses through `lookup` instead of the
/// process environment (tests, or configuration from elsewhere).
pub fn config_from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
    config_from_lookup(lookup, API_KEY_VAR, BASE_URL_VAR)
}

/// The settings to change; everything not set stays as it is.
///
/// A list setter with an empty list sends `[]`, which clears the list:
/// `.billing_contacts(Vec::<String>::new())`.
#[derive(Clone, Debug, Default)]
pub struct OrganizationChanges {
    request: types::OrganizationRequest,
}

impl OrganizationChanges {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New display name, 2 to 30 characters.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.request.name = Some(name.into());
        self
    }

    /// Turns the default disk-usage alerts on or off.
    pub fn default_disk_usage_alerts_enabled(mut self, enabled: bool) -> Self {
        self.request.default_disk_usage_alerts_enabled = Some(enabled);
        self
    }

    /// Email domains notification emails may be sent to (replaces the list).
    pub fn notifications_allowed_email_domains<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.request.notifications_allowed_email_domains = Some(collect(domains));
        self
    }

    /// Addresses that receive billing notifications (replaces the list).
    pub fn billing_contacts<I, S>(mut self, contacts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.request.billing_contacts = Some(collect(contacts));
        self
    }

    /// Addresses that receive operational notifications (replaces the list).
    pub fn operational_contacts<I, S>(mut self, contacts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.request.operational_contacts = Some(collect(contacts));
        self
    }

    /// The request body these changes make.
    pub fn as_request(&self) -> &types::OrganizationRequest {
        &self.request
    }

    /// Checks the documented rule: a name, when given, is 2 to 30
    /// characters (characters, not bytes).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(name) = &self.request.name {
            let chars = name.chars().count();
            if !NAME_CHARS.contains(&chars) {
                return Err(ValidationError::new(
                    "name",
                    format!(
                        "must be {} to {} characters, got {chars} (organization.invalid_name)",
                        NAME_CHARS.start(),
                        NAME_CHARS.end()
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn collect<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// One failed attempt, in the terms the retry loop and [`Error`] use.
fn failed(e: elastic_cloud::ApiError<types::BasicFailedReply>) -> Failed {
    use elastic_cloud::ErrorKind;
    let class = match e.kind() {
        ErrorKind::InvalidRequest => Class::InvalidRequest,
        ErrorKind::Transport if e.is_timeout() => Class::Timeout,
        ErrorKind::Transport => Class::Transport,
        ErrorKind::Documented | ErrorKind::Undocumented => Class::Status,
        _ => Class::InvalidBody,
    };
    let mut out = Failed::new(class);
    out.status = e.status();
    out.headers = e.headers().clone();
    out.codes = e.error_codes().to_vec();
    out.excerpt = e.body_excerpt().map(str::to_string);
    out.detail = e.detail().map(bounded);
    out.cause = cause_chain(&e);
    if let Some(body) = e.body() {
        for error in &body.errors {
            out.messages.push(bounded(&error.message));
            for field in error.fields.iter().flatten() {
                if !out.fields.contains(field) {
                    out.fields.push(bounded(field));
                }
            }
        }
    }
    out.request_id_from_headers();
    out
}
