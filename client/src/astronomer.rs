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
//! Every operation of the generated [`astronomer_platform`] crate is a method
//! of [`Client`], with retries, the deadline, tracing and [`crate::Error`].
//! The update replaces the name, the billing email and the SCIM setting
//! together, so the generated body builder requires all three:
//!
//! ```no_run
//! use cloud_orgs::astronomer::{Client, types::UpdateOrganizationRequest};
//!
//! # async fn run() -> Result<(), cloud_orgs::Error> {
//! let client = Client::from_env()?;
//! let organization = client
//!     .update_organization()
//!     .organization_id("clmaxoarx000008l2c5ayb9pt")
//!     .body(
//!         UpdateOrganizationRequest::builder()
//!             .name("Research")
//!             .billing_email("billing@example.com")
//!             .is_scim_enabled(false),
//!     )
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{} is on the {} plan", organization.name, organization.support_plan);
//! # Ok(())
//! # }
//! ```

use cloud_orgs_runtime::Runtime;

pub mod audit_log;
mod pages;

pub use astronomer_platform::{ByteStream, builder, types};
pub use pages::{AllOrganizations, DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE};

/// The base URL the spec gives.
pub const DEFAULT_BASE_URL: &str = "https://api.astronomer.io/platform/v1beta1";
/// Environment variable holding the API token (the Astro CLI's name for it).
pub const TOKEN_VAR: &str = "ASTRO_API_TOKEN";
/// Environment variable overriding the base URL.
pub const BASE_URL_VAR: &str = "ASTRO_API_URL";

/// A client for the Astronomer Platform API: [`crate::Client`] over
/// [`astronomer_platform::Client`].
pub type Client = crate::Client<astronomer_platform::Client>;

impl crate::facade::Api for astronomer_platform::Client {
    const NAME: &'static str = "astronomer";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    const SECRET_VAR: &'static str = TOKEN_VAR;
    const BASE_URL_VAR: &'static str = BASE_URL_VAR;
    const AUTH_SCHEME: &'static str = "Bearer";

    fn build(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self {
        astronomer_platform::Client::new_with_client(base_url, http, runtime)
    }
}
