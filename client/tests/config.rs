//! Configuration from the environment (through a lookup closure, so tests
//! never touch the process environment) and from explicit values.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use cloud_orgs::{Config, Error, astronomer, elastic};
use common::SECRET;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn astronomer_reads_the_cli_token_and_defaults_to_the_spec_url() {
    let config =
        astronomer::Client::config_from_env_with(env(&[("ASTRO_API_TOKEN", SECRET)])).unwrap();
    assert_eq!(config.base_url_override(), None);
    let client = astronomer::Client::new(config).unwrap();
    assert_eq!(
        client.base_url(),
        "https://api.astronomer.io/platform/v1beta1"
    );
}

#[test]
fn elastic_reads_the_ecctl_key_and_defaults_to_the_spec_url() {
    let config = elastic::Client::config_from_env_with(env(&[("EC_API_KEY", SECRET)])).unwrap();
    let client = elastic::Client::new(config).unwrap();
    assert_eq!(client.base_url(), "https://api.elastic-cloud.com/api/v1");
}

#[test]
fn base_url_override_from_env() {
    let config = elastic::Client::config_from_env_with(env(&[
        ("EC_API_KEY", SECRET),
        ("EC_API_URL", "http://127.0.0.1:9/api/v1/"),
    ]))
    .unwrap();
    let client = elastic::Client::new(config).unwrap();
    // Trailing slash dropped: the generated client appends "/organizations".
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api/v1");

    let config = astronomer::Client::config_from_env_with(env(&[
        ("ASTRO_API_TOKEN", SECRET),
        (
            "ASTRO_API_URL",
            "https://astro.example.test/platform/v1beta1",
        ),
    ]))
    .unwrap();
    assert_eq!(
        config.base_url_override(),
        Some("https://astro.example.test/platform/v1beta1")
    );
}

#[test]
fn missing_or_empty_secret_is_a_config_error_naming_the_variable() {
    for lookup in [env(&[]), env(&[("EC_API_KEY", "  ")])] {
        let error = elastic::Client::config_from_env_with(lookup).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains("EC_API_KEY"), "{error}");
    }
    // The other vendor's variable does not count.
    let error =
        astronomer::Client::config_from_env_with(env(&[("EC_API_KEY", SECRET)])).unwrap_err();
    assert!(error.to_string().contains("ASTRO_API_TOKEN"), "{error}");
}

#[test]
fn plain_http_only_for_loopback_unless_allowed() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:8080/api/v1",
        "http://[::1]:8080",
        "https://proxy.example.test/api/v1",
    ] {
        assert!(
            elastic::Client::new(Config::new(SECRET).base_url(ok)).is_ok(),
            "{ok}"
        );
    }
    let error =
        elastic::Client::new(Config::new(SECRET).base_url("http://mock.example.test")).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        elastic::Client::new(
            Config::new(SECRET)
                .base_url("http://mock.example.test")
                .allow_http(true)
        )
        .is_ok()
    );
    for bad in [
        "not a url",
        "ftp://127.0.0.1/",
        "https://user:pw@example.test/",
    ] {
        let error = elastic::Client::new(Config::new(SECRET).base_url(bad)).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{bad}: {error:?}");
    }
}

#[test]
fn unusable_secrets_are_refused_without_echoing_them() {
    let error = astronomer::Client::new(Config::new("")).unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let bad = "line\nbreak-SeCrEt";
    let error = astronomer::Client::new(Config::new(bad)).unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    assert!(!format!("{error} {error:?}").contains("SeCrEt"));
}

#[test]
fn explicit_settings_are_kept() {
    let config = Config::new(SECRET)
        .timeout(Duration::from_secs(7))
        .retry(cloud_orgs::RetryPolicy::none());
    assert_eq!(config.call_timeout(), Duration::from_secs(7));
    assert_eq!(config.retry_policy().max_retries, 0);
    assert_eq!(
        Config::new(SECRET).call_timeout(),
        cloud_orgs::config::DEFAULT_TIMEOUT
    );
    assert_eq!(cloud_orgs::config::DEFAULT_USER_AGENT, "cloud-orgs/0.1.0");
}

#[test]
fn extra_headers_are_checked_when_the_client_is_built() {
    for (name, value) in [
        ("Authorization", "Bearer other"),
        ("authorization", "x"),
        ("bad name", "x"),
        ("x-ok", "line\nbreak-hidden-value"),
    ] {
        let config = Config::new(SECRET).header(name, value);
        let error = elastic::Client::new(config).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{name}: {error:?}");
        assert!(!error.to_string().contains("hidden-value"), "{error}");
    }
    let config = Config::new(SECRET).header("Prefer", "code=404");
    // Debug names the header, never its value.
    let debug = format!("{config:?}");
    assert!(
        debug.contains("Prefer") && !debug.contains("code=404"),
        "{debug}"
    );
    assert!(astronomer::Client::new(config).is_ok());
}
