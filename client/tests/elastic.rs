//! Elastic Cloud against a mock server on 127.0.0.1.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use cloud_orgs::elastic;
use cloud_orgs::{Config, Error};
use common::{
    SECRET, config, elastic_changes, elastic_client, elastic_failure, elastic_organization,
    fast_retry, update_elastic,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/organizations/my-org";

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(elastic_organization())
}

#[tokio::test]
async fn sends_api_key_user_agent_and_only_the_changes() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(PATH))
        .and(header("authorization", format!("ApiKey {SECRET}").as_str()))
        .and(header("user-agent", "cloud-orgs/0.1.0"))
        // None is left out, an empty list is sent as [] (clears it).
        .and(body_json(
            json!({ "name": "Research", "billing_contacts": [] }),
        ))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let changes = elastic_changes()
        .name("Research".to_string())
        .billing_contacts(Vec::<String>::new());
    let organization = update_elastic(&elastic_client(&server.uri()), "my-org", changes)
        .await
        .unwrap();
    assert_eq!(organization.id, "my-org");
    assert_eq!(organization.name, "Research");
}

#[tokio::test]
async fn path_parameter_is_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/organizations/a%2Fb"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    update_elastic(&elastic_client(&server.uri()), "a/b", elastic_changes())
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_name_is_refused_locally_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;
    let client = elastic_client(&server.uri());
    for name in ["R".to_string(), "x".repeat(31)] {
        let error = update_elastic(&client, "my-org", elastic_changes().name(name))
            .await
            .unwrap_err();
        let Error::Validation(v) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(v.field(), "name");
        assert!(error.to_string().contains("2 to 30 characters"), "{error}");
    }
    // Characters, not bytes: 30 two-byte characters are fine locally.
    let name = "é".repeat(30);
    assert!(elastic::check_organization_name(&name).is_ok());
    assert!(elastic::check_organization_name("ab").is_ok());
}

async fn error_for(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(response)
        .mount(&server)
        .await;
    update_elastic(
        &elastic_client(&server.uri()),
        "my-org",
        elastic_changes().name("Research".to_string()),
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn bad_request_carries_codes_and_fields() {
    let error = error_for(
        ResponseTemplate::new(400)
            .insert_header("x-cloud-error-codes", "organization.invalid_name")
            .set_body_json(elastic_failure(
                "organization.invalid_name",
                "The organization name must be between 2 and 30 characters",
                &["name"],
            )),
    )
    .await;
    let Error::InvalidRequest(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.error_codes(), ["organization.invalid_name"]);
    assert_eq!(details.fields(), ["name"]);
    assert_eq!(details.attempts(), 1);
    assert_eq!(
        error.to_string(),
        "PUT /organizations/{organization_id}: invalid request (400 Bad Request) \
         [organization.invalid_name] fields: name"
    );
    assert!(details.messages()[0].contains("between 2 and 30"));
}

#[tokio::test]
async fn unauthorized_forbidden_not_found() {
    let error = error_for(ResponseTemplate::new(401).set_body_json(elastic_failure(
        "root.unauthenticated",
        "The supplied authentication is invalid",
        &[],
    )))
    .await;
    assert!(matches!(error, Error::Unauthenticated(_)), "{error:?}");
    assert_eq!(error.error_codes(), ["root.unauthenticated"]);

    let error = error_for(
        ResponseTemplate::new(403)
            .insert_header("x-cloud-error-codes", "organization.invalid_access")
            .set_body_json(elastic_failure(
                "organization.invalid_access",
                "You do not have access to this organization",
                &[],
            )),
    )
    .await;
    assert!(matches!(error, Error::Forbidden(_)), "{error:?}");
    assert_eq!(error.error_codes(), ["organization.invalid_access"]);

    let error = error_for(
        ResponseTemplate::new(404)
            .insert_header("x-cloud-error-codes", "organization.not_found")
            .insert_header("x-request-id", "req-42")
            .set_body_json(elastic_failure(
                "organization.not_found",
                "Organization my-org not found",
                &[],
            )),
    )
    .await;
    let Error::NotFound(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.error_codes(), ["organization.not_found"]);
    assert_eq!(details.request_id(), Some("req-42"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn html_bad_gateway_is_retried_then_a_server_error_with_an_excerpt() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "x".repeat(1000)
    );
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .expect(3)
        .mount(&server)
        .await;
    let error = update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap_err();
    let Error::Server(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.attempts(), 3);
    let excerpt = details.body_excerpt().unwrap();
    assert!(excerpt.starts_with("<html><body><h1>502 Bad Gateway"));
    assert!(excerpt.len() <= 256 + '…'.len_utf8());
    // Display stays one short line without the body.
    let line = error.to_string();
    assert!(!line.contains("<html>") && !line.contains('\n'), "{line}");
    assert!(
        line.contains("502 Bad Gateway") && line.contains("after 3 attempts"),
        "{line}"
    );
}

#[tokio::test]
async fn put_is_retried_with_backoff_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let policy = fast_retry(3);
    let (first, _) = policy.backoff_bounds(1);
    let (second, _) = policy.backoff_bounds(2);
    let client = elastic::Client::new(config(&server.uri()).retry(policy)).unwrap();
    let start = Instant::now();
    update_elastic(&client, "my-org", elastic_changes())
        .await
        .unwrap();
    // The two backoffs were slept (a lower bound only: upper bounds under
    // a loaded CI machine are not worth a flaky test).
    assert!(start.elapsed() >= first + second);
}

#[tokio::test]
async fn retries_are_bounded_and_not_made_for_other_errors() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(504))
        .expect(3) // 1 + max_retries (2)
        .mount(&server)
        .await;
    let error = update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let error = update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let start = Instant::now();
    update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap();
    // The backoff alone would have been at most 5 ms.
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn rate_limited_after_retries_reports_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(elastic_failure(
                    "root.rate_limited",
                    "Too many requests",
                    &[],
                )),
        )
        .expect(3)
        .mount(&server)
        .await;
    let error = update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap_err();
    let Error::RateLimited(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.retry_after(), Some(Duration::ZERO));
    assert_eq!(details.attempts(), 3);
}

#[tokio::test]
async fn a_wait_past_the_deadline_is_not_made() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "10"))
        .expect(1)
        .mount(&server)
        .await;
    let client = elastic::Client::new(
        config(&server.uri())
            .timeout(Duration::from_millis(500))
            .retry(cloud_orgs::RetryPolicy {
                max_retry_after: Duration::from_secs(30),
                ..fast_retry(3)
            }),
    )
    .unwrap();
    let start = Instant::now();
    let error = update_elastic(&client, "my-org", elastic_changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn timeout_fires() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ok().set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let client =
        elastic::Client::new(config(&server.uri()).timeout(Duration::from_millis(200))).unwrap();
    let start = Instant::now();
    let error = update_elastic(&client, "my-org", elastic_changes())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(start.elapsed() < Duration::from_millis(700));
}

#[tokio::test]
async fn connection_failures_are_retried_then_a_transport_error() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = elastic::Client::new(
        Config::new(SECRET)
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry(fast_retry(2)),
    )
    .unwrap();
    let error = update_elastic(&client, "my-org", elastic_changes())
        .await
        .unwrap_err();
    let Error::Transport(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.attempts(), 3);
    assert!(details.status().is_none());
    assert!(!error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn success_body_not_matching_the_spec_is_an_invalid_response() {
    let error = error_for(ResponseTemplate::new(200).set_body_json(json!({ "id": 7 }))).await;
    let Error::InvalidResponse(details) = &error else {
        panic!("{error:?}")
    };
    assert!(details.detail().is_some());
    assert!(details.body_excerpt().unwrap().contains("\"id\""));
}
