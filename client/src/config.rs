//! Settings shared by every API's client: the secret, the base URL, timeouts,
//! the retry policy and the `User-Agent`.
//!
//! [`Config`] is a plain value with builder-style setters. Each API module
//! reads it from the environment (`from_env`) or takes it from the caller
//! (`Client::new`), and turns it into a `reqwest::Client` with
//! [`Config::http_client`].

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use cloud_orgs_runtime::{Error, RetryPolicy, Runtime};

/// The `User-Agent` sent unless [`Config::user_agent`] overrides it:
/// `cloud-orgs/<version>`, so the vendors can tell this client's traffic
/// apart when someone asks them about it.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Time allowed to open a TCP and TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed for a whole call, every retry and backoff included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A token or API key. Its `Debug` never shows the value, so a `Config` or a
/// `Client` can be logged with `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token or API key.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

/// How to reach one API: everything a client needs besides the API itself.
///
/// ```
/// use std::time::Duration;
/// use cloud_orgs::{Config, RetryPolicy};
///
/// let config = Config::new("my-api-key")
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::none());
/// assert!(!format!("{config:?}").contains("my-api-key"));
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    secret: Secret,
    base_url: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    allow_http: bool,
    headers: ExtraHeaders,
}

/// Headers added to every request ([`Config::header`]). `Debug` shows their
/// names only: a value may be a credential of a proxy in between.
#[derive(Clone, Default)]
struct ExtraHeaders(Vec<(String, String)>);

impl fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

impl Config {
    /// Settings with the defaults: the API's documented https base URL,
    /// [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`],
    /// [`RetryPolicy::default`] and [`DEFAULT_USER_AGENT`].
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
            base_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            allow_http: false,
            headers: ExtraHeaders::default(),
        }
    }

    /// Sends requests here instead of the API's documented base URL, e.g. to
    /// a mock server or a proxy. Plain `http` is only accepted for loopback
    /// addresses (127.0.0.1, ::1, localhost) unless [`Config::allow_http`]
    /// says otherwise, so a typo cannot send the secret in clear text.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Accepts `http://` base URLs on any host (say, a mock server in
    /// another container). The secret then travels unencrypted.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Time allowed to connect (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Deadline for a whole call: every attempt and every backoff between
    /// them. A retry that would end after it is not made.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how to retry.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the `User-Agent` (say, to add your application's name).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends this header with every request of every operation: a proxy's
    /// routing header, a correlation id, or `Prefer: code=404` to make a
    /// mock server such as Prism answer with a documented error. Added to
    /// the ones already given (a header named twice is sent twice). Checked
    /// when the client is built: a name or value a header cannot carry, or
    /// `Authorization` (the secret's place, see [`Config::new`]), is an
    /// [`Error::Config`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.0.push((name.into(), value.into()));
        self
    }

    /// The base URL override, if one was set.
    pub fn base_url_override(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// The deadline of one call.
    pub fn call_timeout(&self) -> Duration {
        self.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The base URL to use, checked, without a trailing slash (the generated
    /// clients append `/organizations/...` to it).
    pub(crate) fn resolved_base_url(&self, default: &str) -> Result<String, Error> {
        let raw = self.base_url.as_deref().unwrap_or(default).trim();
        let url = reqwest::Url::parse(raw)
            .map_err(|e| Error::Config(format!("base URL is not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http || is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(
                    "base URL uses http on a non-loopback host; use https, or allow_http(true) \
                     to send the secret unencrypted"
                        .to_string(),
                ));
            }
            other => {
                return Err(Error::Config(format!(
                    "base URL scheme must be https or http, not {other:?}"
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(
                "base URL must not carry credentials; pass the secret to Config::new".to_string(),
            ));
        }
        Ok(raw.trim_end_matches('/').to_string())
    }

    /// A `reqwest::Client` that sends `Authorization: <scheme> <secret>`
    /// (marked sensitive, so reqwest and hyper never print it), the
    /// `User-Agent`, and uses the timeouts.
    pub(crate) fn http_client(&self, auth_scheme: &str) -> Result<reqwest::Client, Error> {
        let secret = self.secret.expose();
        if secret.trim().is_empty() {
            return Err(Error::Config("the token or API key is empty".to_string()));
        }
        // The error of `from_str` does not contain the value.
        let mut auth = HeaderValue::from_str(&format!("{auth_scheme} {secret}")).map_err(|_| {
            Error::Config(
                "the token or API key contains characters a header cannot carry".to_string(),
            )
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers.0 {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))?;
            if name == AUTHORIZATION {
                return Err(Error::Config(
                    "the Authorization header carries the secret; pass it to Config::new"
                        .to_string(),
                ));
            }
            // The error does not contain the value, which is not echoed.
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "the value of header {name} is not a valid header value"
                ))
            })?;
            headers.append(name, value);
        }
        headers.insert(AUTHORIZATION, auth);
        reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(self.user_agent.as_str())
            .connect_timeout(self.connect_timeout)
            // Belt and braces: the runtime also sets each attempt's timeout
            // to what is left of the call's deadline.
            .timeout(self.timeout)
            .build()
            .map_err(|e| {
                Error::Config(format!(
                    "building the HTTP client failed: {}",
                    e.without_url()
                ))
            })
    }
}

impl Config {
    /// The runtime every operation of a client goes through: this config's
    /// retry policy and deadline, its secret kept out of errors, and the
    /// API's request rules.
    pub(crate) fn runtime(&self, api: &str, rules: &[cloud_orgs_runtime::Rule]) -> Runtime {
        rules.iter().fold(
            Runtime::new(api)
                .retry(self.retry.clone())
                .timeout(self.timeout)
                .redact(self.secret.expose()),
            |runtime, rule| runtime.rule(*rule),
        )
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads a [`Config`] through `lookup` (a stand-in for `std::env::var`, so
/// tests need not touch the process environment): the secret from
/// `secret_var`, the optional base URL from `url_var`. Empty values count as
/// unset.
pub(crate) fn config_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
    secret_var: &str,
    url_var: &str,
) -> Result<Config, Error> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let secret = get(secret_var)
        .ok_or_else(|| Error::Config(format!("environment variable {secret_var} is not set")))?;
    let mut config = Config::new(secret);
    if let Some(url) = get(url_var) {
        config = config.base_url(url);
    }
    Ok(config)
}
