//! The generated Elastic Cloud client against a local server: the
//! documented request and responses, every documented error, and what real
//! servers send that the documentation never shows.

#![allow(clippy::unwrap_used)]

mod common;

use cloud_orgs_runtime::{ApiError, ErrorKind, RetryPolicy, Runtime};
use common::*;
use elastic_cloud::Client;
use elastic_cloud::types::{BasicFailedReply, Organization, OrganizationRequest};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "openapi/elastic-cloud.v1.yaml";
const OP: &str = "/paths/~1organizations~1{organization_id}/put";
const TEMPLATE: &str = "PUT /organizations/{organization_id}";

fn example(pointer: &str) -> Value {
    spec_example(SPEC, &format!("{OP}{pointer}"))
}

fn client(server: &MockServer) -> Client {
    Client::new_with_client(
        &server.uri(),
        http_with_auth(&format!("ApiKey {SECRET}")),
        no_retries(),
    )
}

/// The request body built from the same values as the documentation's
/// example request.
fn example_request() -> OrganizationRequest {
    let one = || Some(vec!["string".to_string()]);
    OrganizationRequest {
        name: Some("string".to_string()),
        default_disk_usage_alerts_enabled: Some(true),
        notifications_allowed_email_domains: one(),
        billing_contacts: one(),
        operational_contacts: one(),
    }
}

#[allow(deprecated)] // Elastic has deprecated the operation; we still test it.
async fn update(
    client: &Client,
    body: OrganizationRequest,
) -> Result<Organization, ApiError<BasicFailedReply>> {
    client
        .update_organization()
        .organization_id(AWKWARD_ID)
        .body(body)
        .send()
        .await
        .map(|v| v.into_inner())
}

/// The generated client alone, without retries: these tests are about
/// what one response becomes.
fn no_retries() -> Runtime {
    Runtime::new("test").retry(RetryPolicy::none())
}

#[tokio::test]
async fn the_documented_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("/organizations/{AWKWARD_ID_ENCODED}")))
        .and(header("content-type", "application/json"))
        .and(header("authorization", format!("ApiKey {SECRET}").as_str()))
        .and(has_no_api_version)
        .and(body_json(example(
            "/requestBody/content/application~1json/example",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(example("/responses/200/content/application~1json/example")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let organization = update(&client(&server), example_request()).await.unwrap();

    // Every field survives: serialising again gives the documented JSON.
    let documented = example("/responses/200/content/application~1json/example");
    assert_eq!(serde_json::to_value(&organization).unwrap(), documented);
    assert_eq!(
        organization.billing_contacts,
        Some(vec!["string".to_string()])
    );
}

#[tokio::test]
async fn lists_can_be_cleared_and_unset_fields_are_not_sent() {
    let server = MockServer::start().await;
    let ok = ResponseTemplate::new(200).set_body_json(json!({"id": "o", "name": "n"}));
    // An empty list is sent as `[]`, a `false` as `false`; nothing else.
    Mock::given(method("PUT"))
        .and(body_json(
            json!({"billing_contacts": [], "default_disk_usage_alerts_enabled": false}),
        ))
        .respond_with(ok.clone())
        .expect(1)
        .mount(&server)
        .await;
    // An untouched request sends an empty object.
    Mock::given(method("PUT"))
        .and(body_json(json!({})))
        .respond_with(ok)
        .expect(1)
        .mount(&server)
        .await;

    let clear = OrganizationRequest::builder()
        .billing_contacts(Vec::<String>::new())
        .default_disk_usage_alerts_enabled(false);
    update(&client(&server), clear.try_into().unwrap())
        .await
        .unwrap();
    update(&client(&server), OrganizationRequest::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn every_documented_error_is_typed_with_status_codes_and_header() {
    for (status, header_code) in [
        (400, Some("organization.invalid_name")),
        (401, None),
        (403, Some("organization.invalid_access")),
        (404, Some("organization.not_found")),
    ] {
        let body = example(&format!(
            "/responses/{status}/content/application~1json/example"
        ));
        let mut response = ResponseTemplate::new(status).set_body_json(body);
        if let Some(code) = header_code {
            response = response.insert_header("x-cloud-error-codes", code);
        }
        let server = answering("PUT", response).await;

        let error = update(&client(&server), example_request())
            .await
            .unwrap_err();

        assert!(error.is_documented(), "{status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let typed = error.body().expect("the documented body parses");
        assert_eq!(typed.errors[0].code, "string");
        let mut codes: Vec<&str> = header_code.into_iter().collect();
        codes.push("string");
        assert_eq!(error.error_codes(), codes.as_slice(), "{status}");
        assert_eq!(
            error.header_values("x-cloud-error-codes"),
            header_code.into_iter().collect::<Vec<_>>()
        );
        assert!(
            error.body_excerpt().is_none(),
            "a parsed body needs no excerpt"
        );

        let display = error.to_string();
        assert_error_is_presentable(&display, &format!("{error:?}"), TEMPLATE);
        assert!(display.contains(&status.to_string()), "{display}");
        if let Some(code) = header_code {
            assert!(display.contains(code), "{display}");
        }
    }
}

#[tokio::test]
async fn several_codes_in_one_header_are_split() {
    let server = answering("PUT", 
        ResponseTemplate::new(400)
            .insert_header("x-cloud-error-codes", "organization.invalid_name, organization.user_organization_already_exists")
            .set_body_json(json!({"errors": [{"code": "organization.invalid_name", "message": "too short", "fields": ["name"]}]})),
    )
    .await;
    let error = update(&client(&server), example_request())
        .await
        .unwrap_err();
    assert_eq!(
        error.error_codes(),
        [
            "organization.invalid_name",
            "organization.user_organization_already_exists"
        ]
    );
    assert_eq!(
        error.body().unwrap().errors[0].fields,
        Some(vec!["name".to_string()])
    );
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_typed_body() {
    for status in [500, 502, 503] {
        let server = answering(
            "PUT",
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "req-123")
                .insert_header("set-cookie", "session=abc")
                .set_body_json(json!({"errors": [{"code": "server.error", "message": "boom"}]})),
        )
        .await;
        let error = update(&client(&server), example_request())
            .await
            .unwrap_err();
        assert!(!error.is_documented());
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.error_codes(), ["server.error"]);
        assert_eq!(error.body().unwrap().errors[0].message, "boom");
        assert_eq!(error.header_values("x-request-id"), ["req-123"]);
        assert!(
            error.headers().get("set-cookie").is_none(),
            "only useful headers are kept"
        );
        assert_eq!(error.is_transient(), status != 500);
        assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), TEMPLATE);
    }
}

#[tokio::test]
async fn an_html_error_page_from_a_proxy_keeps_status_and_an_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(100_000)
    );
    let server = answering(
        "PUT",
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;
    let error = update(&client(&server), example_request())
        .await
        .unwrap_err();
    assert!(!error.is_documented());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    let excerpt = error.body_excerpt().unwrap();
    assert!(
        excerpt.starts_with("<html><head><title>502 Bad Gateway"),
        "{excerpt}"
    );
    assert!(excerpt.len() <= cloud_orgs_runtime::text::EXCERPT_LIMIT + '…'.len_utf8());
    assert!(error.body().is_none());
    let display = error.to_string();
    assert!(!display.contains("<html>"), "{display}");
    assert_error_is_presentable(&display, &format!("{error:?}"), TEMPLATE);
}

#[tokio::test]
async fn a_documented_status_with_a_non_json_body_keeps_its_status() {
    let server = answering(
        "PUT",
        ResponseTemplate::new(404).set_body_raw("Not Found", "text/plain"),
    )
    .await;
    let error = update(&client(&server), example_request())
        .await
        .unwrap_err();
    assert!(error.is_documented());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.body_excerpt(), Some("Not Found"));
}

#[tokio::test]
async fn broken_success_bodies_are_errors_with_status_and_excerpt() {
    for (name, body) in [
        ("empty", ""),
        ("invalid JSON", "{not json"),
        ("truncated", r#"{"id": "o", "name": "Rese"#),
        ("missing a required field", r#"{"id": "o"}"#),
    ] {
        let server = answering(
            "PUT",
            ResponseTemplate::new(200).set_body_raw(body, "application/json"),
        )
        .await;
        let error = update(&client(&server), example_request())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{name}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{name}");
        assert_eq!(error.body_excerpt(), Some(body), "{name}");
        assert!(error.detail().is_some(), "{name}: the parse error is kept");
        assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), TEMPLATE);
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let mut body = example("/responses/200/content/application~1json/example");
    body["sso_login_identifier"] = json!("added-later");
    body["nested"] = json!({"anything": [1, 2]});
    let server = answering("PUT", ResponseTemplate::new(200).set_body_json(body)).await;
    let organization = update(&client(&server), example_request()).await.unwrap();
    assert_eq!(organization.id, "string");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_without_the_url() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new_with_client(
        &format!("http://127.0.0.1:{port}"),
        http_with_auth(&format!("ApiKey {SECRET}")),
        no_retries(),
    );
    let error = update(&client, example_request()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.status().is_none());
    assert!(error.is_transient());
    assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), TEMPLATE);
}

#[tokio::test]
async fn a_missing_parameter_is_an_invalid_request_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    #[allow(deprecated)]
    let error = client(&server)
        .update_organization()
        .body(example_request())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(
        error.to_string(),
        "PUT /organizations/{organization_id}: invalid request: organization_id was not initialized"
    );
}

#[test]
fn the_deprecated_operation_is_deprecated_in_rust() {
    let attributes = client_method_attributes("generated/elastic-cloud", "update_organization");
    let deprecated: Vec<_> = attributes
        .iter()
        .filter(|a| a.starts_with("# [deprecated"))
        .collect();
    assert_eq!(deprecated.len(), 1, "{attributes:?}");
    assert!(
        deprecated[0].contains("may be removed"),
        "{}",
        deprecated[0]
    );
}

#[tokio::test]
async fn error_codes_from_the_server_are_bounded_and_stay_on_one_line() {
    let mut errors: Vec<Value> = (0..20)
        .map(|i| json!({"code": format!("code.{i}"), "message": "m"}))
        .collect();
    errors.insert(0, json!({"code": "evil\ninjected: line", "message": "m"}));
    errors.insert(1, json!({"code": "x".repeat(500), "message": "m"}));
    let server = answering(
        "PUT",
        ResponseTemplate::new(400).set_body_json(json!({"errors": errors})),
    )
    .await;
    let error = update(&client(&server), example_request())
        .await
        .unwrap_err();
    let codes = error.error_codes();
    assert_eq!(codes.len(), cloud_orgs_runtime::response::MAX_CODES);
    assert!(
        codes
            .iter()
            .all(|c| !c.contains('\n') && c.len() <= cloud_orgs_runtime::text::CODE_LIMIT),
        "{codes:?}"
    );
    assert_eq!(codes[0], "evil injected: line");
    assert_eq!(
        error.body().unwrap().errors.len(),
        22,
        "the typed body keeps everything"
    );
    assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), TEMPLATE);
}
