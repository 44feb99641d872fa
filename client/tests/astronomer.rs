//! Astronomer against a mock server on 127.0.0.1.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_orgs::astronomer;
use cloud_orgs::{Error, RetryPolicy};
use common::{
    SECRET, astronomer_changes as changes, astronomer_client, astronomer_failure,
    astronomer_organization, config, fast_retry, update_astronomer,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/organizations/clmaxoarx000008l2c5ayb9pt";
const ID: &str = "clmaxoarx000008l2c5ayb9pt";

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(astronomer_organization())
}

#[tokio::test]
async fn sends_bearer_token_and_the_full_settings() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(body_json(json!({
            "name": "Research",
            "billingEmail": "billing@company.com",
            "isScimEnabled": false,
            "shouldEnforceDedicatedClusters": true
        })))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let organization = update_astronomer(
        &astronomer_client(&server.uri()),
        ID,
        changes().should_enforce_dedicated_clusters(true),
    )
    .await
    .unwrap();
    assert_eq!(organization.id, ID);
    assert_eq!(organization.name, "Research");
    assert_eq!(organization.support_plan.to_string(), "BUSINESS_CRITICAL");
}

#[tokio::test]
async fn the_generated_builder_refuses_locally_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;
    let client = astronomer_client(&server.uri());
    let builder = astronomer::types::UpdateOrganizationRequest::builder;
    let cases = [
        // maxLength 50 in the spec: counted in characters, not bytes.
        (changes().name("x".repeat(51)), "name"),
        (changes().name("é".repeat(51)), "name"),
        // The update replaces all three: none may be left out.
        (
            builder().billing_email("b@c.com").is_scim_enabled(true),
            "name",
        ),
        (
            builder().name("Research").is_scim_enabled(true),
            "billing_email",
        ),
        (
            builder().name("Research").billing_email("b@c.com"),
            "is_scim_enabled",
        ),
    ];
    for (changes, field) in cases {
        let error = update_astronomer(&client, ID, changes).await.unwrap_err();
        let Error::Validation(v) = &error else {
            panic!("{error:?}")
        };
        assert!(v.reason().contains(field), "{field}: {error}");
    }
    // 50 two-byte characters (100 bytes) are within the limit.
    assert!(astronomer::types::UpdateOrganizationRequestName::try_from("é".repeat(50)).is_ok());
}

async fn bad_request_with_field_errors() -> Error {
    let server = MockServer::start().await;
    let mut body = astronomer_failure(400, "Invalid request");
    body["fieldErrors"] = json!([
        { "code": "invalid_email", "field": "billingEmail", "message": "must be an email address" }
    ]);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    update_astronomer(
        &astronomer_client(&server.uri()),
        ID,
        changes().billing_email("not-an-email"),
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn bad_request_carries_codes_and_request_id() {
    let error = bad_request_with_field_errors().await;
    let Error::InvalidRequest(details) = &error else {
        panic!("{error:?}")
    };
    // Codes are collected from the raw JSON, so fieldErrors[].code is here.
    assert_eq!(details.error_codes(), ["invalid_email"]);
    assert_eq!(
        details.request_id(),
        Some("c7a8b2f0-5e1d-4f7a-9a41-0d2b6f1e9a3c")
    );
    assert!(details.messages().iter().any(|m| m == "Invalid request"));
    assert!(
        error
            .to_string()
            .starts_with("POST /organizations/{organizationId}: invalid request (400 Bad Request) [invalid_email]"),
        "{error}"
    );
}

#[tokio::test]
async fn bad_request_names_the_offending_fields() {
    let error = bad_request_with_field_errors().await;
    let details = error.details().unwrap();
    assert_eq!(details.fields(), ["billingEmail"]);
    assert!(
        details
            .messages()
            .iter()
            .any(|m| m == "must be an email address")
    );
    assert_eq!(
        error.to_string(),
        "POST /organizations/{organizationId}: invalid request (400 Bad Request) \
         [invalid_email] fields: billingEmail"
    );
}

#[tokio::test]
async fn status_kinds() {
    for (status, check) in [
        (
            401,
            (|e| matches!(e, Error::Unauthenticated(_))) as fn(&Error) -> bool,
        ),
        (403, |e| matches!(e, Error::Forbidden(_))),
        (404, |e| matches!(e, Error::NotFound(_))),
        (500, |e| matches!(e, Error::Server(_))),
        (429, |e| matches!(e, Error::RateLimited(_))),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(astronomer_failure(status, "nope")),
            )
            .expect(1)
            .mount(&server)
            .await;
        let error = update_astronomer(&astronomer_client(&server.uri()), ID, changes())
            .await
            .unwrap_err();
        assert!(check(&error), "{status}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let error = update_astronomer(&astronomer_client(&server.uri()), ID, changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(error.details().unwrap().attempts(), 1);
}

#[tokio::test]
async fn post_is_retried_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = astronomer::Client::new(config(&server.uri()).retry(RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retry(2)
    }))
    .unwrap();
    update_astronomer(&client, ID, changes()).await.unwrap();
}
