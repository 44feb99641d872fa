//! Astronomer (Astro) Platform API, version v1beta1.
//!
//! Authenticates with an Astro API token (`Authorization: Bearer <token>`).
//! [`Client::from_env`] reads:
//!
//! | variable | meaning |
//! |---|---|
//! | `ASTRO_API_TOKEN` | the API token; the name the Astro CLI reads in automation |
//! | `ASTRO_API_URL` | optional base URL, default [`DEFAULT_BASE_URL`] (ours: the CLI has no such variable) |
//!
//! ```no_run
//! use cloud_orgs::astronomer::{Client, OrganizationChanges};
//!
//! # async fn run() -> Result<(), cloud_orgs::Error> {
//! let client = Client::from_env()?;
//! let organization = client
//!     .update_organization(
//!         "clmaxoarx000008l2c5ayb9pt",
//!         OrganizationChanges::new()
//!             .name("Research")
//!             .billing_email("billing@example.com")
//!             .scim_enabled(false),
//!     )
//!     .await?;
//! println!("{} is on the {} plan", organization.name, organization.support_plan);
//! # Ok(())
//! # }
//! ```

use std::fmt;

pub use astronomer_platform::types;
pub use astronomer_platform::types::Organization;

use crate::config::{Config, config_from_lookup};
use crate::error::{Class, Error, Failed, ValidationError, bounded, cause_chain};
use crate::retry::{Endpoint, send_with_retries};

/// The base URL the spec gives.
pub const DEFAULT_BASE_URL: &str = "https://api.astronomer.io/platform/v1beta1";
/// Environment variable holding the API token (the Astro CLI's name for it).
pub const TOKEN_VAR: &str = "ASTRO_API_TOKEN";
/// Environment variable overriding the base URL.
pub const BASE_URL_VAR: &str = "ASTRO_API_URL";
/// The longest organization name the API accepts, in characters.
pub const NAME_MAX_CHARS: usize = 50;

const UPDATE_ORGANIZATION: Endpoint = Endpoint {
    api: "astronomer",
    method: "POST",
    path: "/organizations/{organizationId}",
    // A POST: the API does not promise that sending it twice is harmless.
    idempotent: false,
};

/// A client for the Astronomer Platform API.
///
/// Cheap to clone (the connection pool is shared); `Debug` shows the base
/// URL and settings, never the token.
#[derive(Clone)]
pub struct Client {
    inner: astronomer_platform::Client,
    config: Config,
    base_url: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("astronomer::Client")
            .field("base_url", &self.base_url)
            .field("config", &self.config)
            .finish()
    }
}

impl Client {
    /// A client with explicit settings.
    pub fn new(config: Config) -> Result<Self, Error> {
        let base_url = config.resolved_base_url(DEFAULT_BASE_URL)?;
        let http = config.http_client("Bearer")?;
        Ok(Self {
            inner: astronomer_platform::Client::new_with_client(&base_url, http),
            config,
            base_url,
        })
    }

    /// A client configured from `ASTRO_API_TOKEN` and, optionally,
    /// `ASTRO_API_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(config_from_env_with(|name| std::env::var(name).ok())?)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The generated client, authenticated, for operations this facade does
    /// not wrap yet (no retries, validation or error mapping there).
    pub fn generated(&self) -> &astronomer_platform::Client {
        &self.inner
    }

    /// Updates an Organization and returns it as the API reports it after
    /// the change. The API replaces name, billing email and SCIM setting on
    /// every call, so all three must be given; see [`OrganizationChanges`].
    ///
    /// A `POST`: not retried unless the config's
    /// [`RetryPolicy::retry_non_idempotent`](crate::RetryPolicy) is set.
    pub async fn update_organization(
        &self,
        organization_id: impl Into<String>,
        changes: OrganizationChanges,
    ) -> Result<Organization, Error> {
        let organization_id = organization_id.into();
        let body = changes.into_request()?;
        let policy = self.config.retry_policy();
        let secret = self.config.secret().expose();
        send_with_retries(
            UPDATE_ORGANIZATION,
            policy,
            self.config.call_timeout(),
            || async {
                self.inner
                    .update_organization()
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
    config_from_lookup(lookup, TOKEN_VAR, BASE_URL_VAR)
}

/// The new settings of an Organization.
///
/// The API's update replaces the name, billing email and SCIM setting every
/// time, so those three are required: leaving one out is a
/// [`ValidationError`] rather than a silent reset. The other two are left
/// as they are unless set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationChanges {
    name: Option<String>,
    billing_email: Option<String>,
    is_scim_enabled: Option<bool>,
    allow_enhanced_support_access: Option<bool>,
    should_enforce_dedicated_clusters: Option<bool>,
}

impl OrganizationChanges {
    /// No settings yet; name, billing email and SCIM must be set before
    /// sending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Display name, at most [`NAME_MAX_CHARS`] characters. Required.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Address that receives invoices. Required.
    pub fn billing_email(mut self, email: impl Into<String>) -> Self {
        self.billing_email = Some(email.into());
        self
    }

    /// SCIM user provisioning on or off. Required.
    pub fn scim_enabled(mut self, enabled: bool) -> Self {
        self.is_scim_enabled = Some(enabled);
        self
    }

    /// Lets Astronomer support engineers see the Organization's resources.
    pub fn allow_enhanced_support_access(mut self, allow: bool) -> Self {
        self.allow_enhanced_support_access = Some(allow);
        self
    }

    /// Restricts new Deployments to dedicated clusters (Team tier and up).
    pub fn enforce_dedicated_clusters(mut self, enforce: bool) -> Self {
        self.should_enforce_dedicated_clusters = Some(enforce);
        self
    }

    /// Checks the documented rules: required fields present and non-empty,
    /// name at most 50 characters (characters, not bytes).
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.checked().map(|_| ())
    }

    fn checked(&self) -> Result<(&str, &str, bool), ValidationError> {
        let name = self
            .name
            .as_deref()
            .ok_or_else(|| ValidationError::new("name", "is required"))?;
        if name.trim().is_empty() {
            return Err(ValidationError::new("name", "must not be empty"));
        }
        let chars = name.chars().count();
        if chars > NAME_MAX_CHARS {
            return Err(ValidationError::new(
                "name",
                format!("must be at most {NAME_MAX_CHARS} characters, got {chars}"),
            ));
        }
        let email = self
            .billing_email
            .as_deref()
            .ok_or_else(|| ValidationError::new("billing_email", "is required"))?;
        if email.trim().is_empty() {
            return Err(ValidationError::new("billing_email", "must not be empty"));
        }
        let scim = self.is_scim_enabled.ok_or_else(|| {
            ValidationError::new(
                "is_scim_enabled",
                "is required (the API replaces it on every update); call scim_enabled(..)",
            )
        })?;
        Ok((name, email, scim))
    }

    fn into_request(self) -> Result<types::UpdateOrganizationRequest, Error> {
        let (name, email, scim) = self.checked()?;
        let name = types::UpdateOrganizationRequestName::try_from(name)
            .map_err(|e| ValidationError::new("name", e.to_string()))?;
        Ok(types::UpdateOrganizationRequest {
            name,
            billing_email: email.to_string(),
            is_scim_enabled: scim,
            allow_enhanced_support_access: self.allow_enhanced_support_access,
            should_enforce_dedicated_clusters: self.should_enforce_dedicated_clusters,
        })
    }
}

/// One failed attempt, in the terms the retry loop and [`Error`] use.
fn failed(e: astronomer_platform::ApiError<types::Error>) -> Failed {
    use astronomer_platform::ErrorKind;
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
        out.messages.push(bounded(&body.message));
        out.request_id = Some(bounded(&body.request_id));
        for field in body.field_errors.iter().flatten() {
            if !out.fields.contains(&field.field) {
                out.fields.push(bounded(&field.field));
            }
            out.messages.push(bounded(&field.message));
        }
    }
    out.request_id_from_headers();
    out
}
