//! [`Client`]: a generated client, authenticated and configured, with every
//! one of its operations callable directly.
//!
//! The facade adds nothing per operation. It builds the generated crate's
//! `Client` with a `reqwest::Client` that authenticates, and with the
//! runtime ([`cloud_orgs_runtime::Runtime`]) that retries, enforces the
//! deadline, traces and maps errors for every operation; then it derefs to
//! it. A new operation in a spec is usable here after `cargo xtask codegen`
//! alone.

use std::fmt;
use std::ops::Deref;

use cloud_orgs_runtime::{Error, Rule, Runtime};

use crate::config::{Config, config_from_lookup};

/// What the facade needs to know about one API besides its generated crate.
pub trait Api: Sized {
    /// The name spans and messages use (`elastic`, `astronomer`).
    const NAME: &'static str;
    /// The base URL the spec gives.
    const DEFAULT_BASE_URL: &'static str;
    /// Environment variable holding the secret.
    const SECRET_VAR: &'static str;
    /// Environment variable overriding the base URL.
    const BASE_URL_VAR: &'static str;
    /// The `Authorization` scheme the secret is sent with (`Bearer`, `ApiKey`).
    const AUTH_SCHEME: &'static str;
    /// Rules the spec cannot express, checked before sending.
    const RULES: &'static [Rule] = &[];

    /// The generated client for this base URL, HTTP client and runtime.
    fn build(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self;
}

/// A client for the API `A` (see [`crate::elastic::Client`] and
/// [`crate::astronomer::Client`]).
///
/// Derefs to the generated client, so every operation is a method here:
/// `client.get_organization().organization_id(id).send().await?`. Each
/// returns `cloud_orgs_runtime::ApiError<E>` with the documented error body
/// `E`, which `?` turns into [`Error`].
///
/// Cheap to clone (the connection pool is shared); `Debug` shows the base
/// URL and settings, never the secret.
#[derive(Clone)]
pub struct Client<A> {
    generated: A,
    config: Config,
    base_url: String,
}

impl<A: Api> Client<A> {
    /// A client with explicit settings.
    pub fn new(config: Config) -> Result<Self, Error> {
        let base_url = config.resolved_base_url(A::DEFAULT_BASE_URL)?;
        let http = config.http_client(A::AUTH_SCHEME)?;
        let runtime = config.runtime(A::NAME, A::RULES);
        Ok(Self {
            generated: A::build(&base_url, http, runtime),
            config,
            base_url,
        })
    }

    /// A client configured from the API's environment variables (the
    /// secret, and optionally the base URL).
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Self::config_from_env_with(|name| std::env::var(name).ok())?)
    }

    /// Reads the settings `from_env` uses through `lookup` instead of the
    /// process environment (tests, or configuration from elsewhere).
    pub fn config_from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        config_from_lookup(lookup, A::SECRET_VAR, A::BASE_URL_VAR)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The generated client (also reachable through `Deref`).
    pub fn generated(&self) -> &A {
        &self.generated
    }
}

impl<A> Deref for Client<A> {
    type Target = A;

    fn deref(&self) -> &A {
        &self.generated
    }
}

impl<A: Api> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(&format!("{}::Client", A::NAME))
            .field("base_url", &self.base_url)
            .field("config", &self.config)
            .finish()
    }
}
