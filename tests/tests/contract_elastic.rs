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

// ------------------------------------------------------------------------
// The other nine operations: one representative of each response shape
// (list, get, create, delete answering `EmptyResponse`) against what real
// servers send besides the documentation.

fn membership(user_id: &str) -> Value {
    json!({
        "organization_id": "org-1",
        "user_id": user_id,
        "member_since": "2024-01-01T00:00:00Z",
    })
}

fn invitation(token: &str) -> Value {
    json!({
        "token": token,
        "email": "jane.doe@example.com",
        "created_at": "2024-01-01T00:00:00Z",
        "expires_at": "2024-01-04T00:00:00Z",
        "expired": false,
        "organization": {"id": "org-1", "name": "Research"},
    })
}

/// What real servers answer instead of the documented body.
fn hostile_bodies() -> [(&'static str, ResponseTemplate); 4] {
    [
        (
            "an HTML page",
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Service Unavailable</body></html>", "text/html"),
        ),
        (
            "a truncated body",
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"members": [{"user_id""#, "application/json"),
        ),
        (
            "an empty body",
            ResponseTemplate::new(200).set_body_raw("", "application/json"),
        ),
        (
            "JSON of another shape",
            ResponseTemplate::new(200).set_body_json(json!(["not", "an", "object"])),
        ),
    ]
}

async fn list_members(
    client: &Client,
) -> Result<elastic_cloud::types::OrganizationMemberships, ApiError<BasicFailedReply>> {
    client
        .list_organization_members()
        .organization_id("org-1")
        .send()
        .await
        .map(|v| v.into_inner())
}

#[tokio::test]
async fn a_list_parses_empty_lists_unknown_fields_and_refuses_hostile_bodies() {
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_json(json!({"members": []})),
    )
    .await;
    assert!(
        list_members(&client(&server))
            .await
            .unwrap()
            .members
            .is_empty()
    );

    let mut member = membership("u-1");
    member["added_later"] = json!({"x": 1});
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_json(json!({"members": [member], "next": "later"})),
    )
    .await;
    let members = list_members(&client(&server)).await.unwrap().members;
    assert_eq!(members[0].user_id, "u-1");
    assert_eq!(members[0].role_assignments, None);

    for (name, response) in hostile_bodies() {
        let server = answering("GET", response).await;
        let error = list_members(&client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{name}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{name}");
        assert!(error.detail().is_some(), "{name}");
        assert_error_is_presentable(
            &error.to_string(),
            &format!("{error:?}"),
            "GET /organizations/{organization_id}/members",
        );
    }
}

#[tokio::test]
async fn a_get_keeps_an_error_code_the_definition_does_not_list() {
    let server = answering(
        "GET",
        ResponseTemplate::new(404)
            .insert_header("x-cloud-error-codes", "organization.invitation_gone_forever")
            .set_body_json(json!({"errors": [{"code": "organization.invitation_gone_forever", "message": "gone"}]})),
    )
    .await;
    let error = client(&server)
        .get_organization_invitation()
        .invitation_token("tok/1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.is_documented());
    assert_eq!(
        error.error_codes(),
        ["organization.invitation_gone_forever"]
    );
    assert_eq!(error.body().unwrap().errors[0].message, "gone");

    // The success, with an accepted_at the definition makes optional.
    let mut body = invitation("tok-1");
    body["accepted_at"] = json!("2024-01-02T00:00:00Z");
    let server = answering("GET", ResponseTemplate::new(200).set_body_json(body)).await;
    let got = client(&server)
        .get_organization_invitation()
        .invitation_token("tok-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(got.accepted_at.is_some());
    assert_eq!(got.organization.name, "Research");
}

#[tokio::test]
async fn a_create_reads_its_201_and_a_429_is_not_retried() {
    use elastic_cloud::types::OrganizationInvitationRequest;
    let create = |client: Client| async move {
        client
            .create_organization_invitations()
            .organization_id("org-1")
            .body(
                OrganizationInvitationRequest::builder().emails(vec!["a@example.com".to_string()]),
            )
            .send()
            .await
    };
    let server = answering(
        "POST",
        ResponseTemplate::new(201).set_body_json(json!({"invitations": [invitation("tok-1")]})),
    )
    .await;
    let created = create(client(&server)).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.into_inner().invitations[0].token, "tok-1");

    // A 201 whose body is a proxy's page: the status is kept.
    let server = answering(
        "POST",
        ResponseTemplate::new(201).set_body_raw("<html>ok</html>", "text/html"),
    )
    .await;
    let error = create(client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
    assert_eq!(error.body_excerpt(), Some("<html>ok</html>"));

    // Rate limited: documented, with Retry-After; a POST is not retried.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .insert_header("x-cloud-error-codes", "organization.invitation_rate_limit")
                .set_body_json(json!({"errors": [{"code": "organization.invitation_rate_limit", "message": "slow down"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let retrying = Client::new_with_client(
        &server.uri(),
        http_with_auth(&format!("ApiKey {SECRET}")),
        Runtime::new("test"),
    );
    let error = create(retrying).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert!(error.is_documented());
    assert_eq!(
        error.details().retry_after(),
        Some(std::time::Duration::from_secs(7))
    );
    assert_eq!(error.details().attempts(), 1);
}

#[tokio::test]
async fn a_delete_answering_an_empty_object_and_what_else_may_come() {
    let delete = |client: Client| async move {
        client
            .delete_organization_memberships()
            .organization_id("org-1")
            .user_ids(vec!["u-1".to_string(), "u-2".to_string()])
            .force(true)
            .send()
            .await
    };
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/organizations/org-1/members/u-1,u-2"))
        .and(wiremock::matchers::query_param("force", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    assert!(delete(client(&server)).await.unwrap().is_empty());

    // Fields the definition does not list are kept in the map.
    let server = answering(
        "DELETE",
        ResponseTemplate::new(200).set_body_json(json!({"deleted": 2})),
    )
    .await;
    assert_eq!(
        delete(client(&server)).await.unwrap().get("deleted"),
        Some(&json!(2))
    );

    // A 200 without the object: the deletion happened (the status says
    // so), the body is not what the definition promises.
    for (name, response) in hostile_bodies() {
        let server = answering("DELETE", response).await;
        let error = delete(client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{name}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{name}");
    }

    // The documented 404, with the code the definition lists first.
    let server = answering(
        "DELETE",
        ResponseTemplate::new(404)
            .insert_header("x-cloud-error-codes", "user.not_found")
            .set_body_raw("<html>not found</html>", "text/html"),
    )
    .await;
    let error = delete(client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.error_codes(), ["user.not_found"]);
    assert!(error.body().is_none());
    assert_eq!(error.body_excerpt(), Some("<html>not found</html>"));
}
