//! `tracing` output: spans with method, path template, status, attempt and
//! latency; never the secret, a URL or a body.
//!
//! A test binary of its own with a single test: tracing caches per call
//! site whether anyone listens, and a test running on another thread
//! without a subscriber would make these call sites silent here.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_orgs::Error;
use common::{
    SECRET, astronomer_changes, astronomer_client, astronomer_organization, capture_tracing,
    elastic_changes, elastic_client, elastic_organization, update_astronomer, update_elastic,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One thread, so the thread-local subscriber sees every span and event.
#[tokio::test(flavor = "current_thread")]
async fn tracing_records_requests_but_never_the_secret_or_the_url() {
    let (captured, _guard) = capture_tracing();

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(elastic_organization()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "message": format!("bad token {SECRET}"),
            "requestId": "r-1",
            "statusCode": 401
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(astronomer_organization()))
        .mount(&server)
        .await;

    update_elastic(
        &elastic_client(&server.uri()),
        "my-secret-org-id",
        elastic_changes().name("Research".to_string()),
    )
    .await
    .unwrap();
    let astro = astronomer_client(&server.uri());
    let error = update_astronomer(&astro, "my-secret-org-id", astronomer_changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthenticated(_)));
    update_astronomer(&astro, "my-secret-org-id", astronomer_changes())
        .await
        .unwrap();

    let text = captured.text();
    assert!(
        !text.contains(SECRET) && !text.contains("do-not-print"),
        "{text}"
    );
    // Path templates, never URLs with identifiers; no bodies.
    assert!(!text.contains("my-secret-org-id"), "{text}");
    assert!(!text.contains("Research"), "{text}");
    for expected in [
        "cloud_orgs.request",
        "api=elastic",
        "operation=\"update_organization\"",
        "method=\"PUT\"",
        "path=\"/organizations/{organization_id}\"",
        "method=\"POST\"",
        "path=\"/organizations/{organizationId}\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "status=401",
        "latency_ms=",
        "retrying",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
