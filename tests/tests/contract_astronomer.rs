//! The generated Astronomer Platform client against a local server: the
//! documented request and response, enum values the spec does not list,
//! every documented error, and what real servers send besides.

#![allow(clippy::unwrap_used)]

mod common;

use astronomer_platform::Client;
use astronomer_platform::types::{
    Error as ErrorBody, ManagedDomainStatus, Organization, OrganizationsPaginated, SubjectType,
    SupportPlan, UpdateOrganizationRequest, UpdateOrganizationRequestName,
};
use cloud_orgs_runtime::{ApiError, ErrorKind, RetryPolicy, Runtime};
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "openapi/astronomer-platform.v1beta1.yaml";
const OP: &str = "/paths/~1organizations~1{organizationId}/post";
const TEMPLATE: &str = "POST /organizations/{organizationId}";

fn example(pointer: &str) -> Value {
    spec_example(SPEC, &format!("{OP}{pointer}"))
}

fn documented_response() -> Value {
    example("/responses/200/content/application~1json/example")
}

fn client(server: &MockServer) -> Client {
    Client::new_with_client(
        &server.uri(),
        http_with_auth(&format!("Bearer {SECRET}")),
        no_retries(),
    )
}

/// The request built from the same values as the documentation's example.
fn example_request() -> UpdateOrganizationRequest {
    UpdateOrganizationRequest {
        billing_email: "billing@company.com".to_string(),
        is_scim_enabled: false,
        name: "My Organization".parse().unwrap(),
        allow_enhanced_support_access: Some(false),
        should_enforce_dedicated_clusters: Some(false),
    }
}

async fn update(client: &Client) -> Result<Organization, ApiError<ErrorBody>> {
    client
        .update_organization()
        .organization_id(AWKWARD_ID)
        .body(example_request())
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
    Mock::given(method("POST"))
        .and(path(format!("/organizations/{AWKWARD_ID_ENCODED}")))
        .and(header("content-type", "application/json"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(has_no_api_version)
        .and(body_json(example(
            "/requestBody/content/application~1json/example",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_response()))
        .expect(1)
        .mount(&server)
        .await;

    let organization = update(&client(&server)).await.unwrap();

    assert_eq!(
        serde_json::to_value(&organization).unwrap(),
        documented_response()
    );
    assert_eq!(organization.support_plan, SupportPlan::BusinessCritical);
    assert_eq!(
        organization.created_by.subject_type,
        Some(SubjectType::User)
    );
    let domains = organization.managed_domains.unwrap();
    assert_eq!(domains[0].status, ManagedDomainStatus::Pending);
    assert_eq!(
        organization.created_at.to_rfc3339(),
        "2022-11-22T04:37:12+00:00"
    );
}

#[tokio::test]
async fn enum_values_the_spec_does_not_list_are_kept() {
    let mut body = documented_response();
    body["supportPlan"] = json!("ENTERPRISE_V3");
    body["paymentMethod"] = json!("CRYPTO");
    body["createdBy"]["subjectType"] = json!("ROBOT");
    body["managedDomains"][0]["status"] = json!("REVOKED");
    body["productPlans"][0]["astronomerProduct"] = json!("ASTRO_PLUS");
    let server = answering(
        "POST",
        ResponseTemplate::new(200).set_body_json(body.clone()),
    )
    .await;

    let organization = update(&client(&server)).await.unwrap();

    assert_eq!(
        organization.support_plan,
        SupportPlan::Unknown("ENTERPRISE_V3".to_string())
    );
    assert_eq!(organization.support_plan.to_string(), "ENTERPRISE_V3");
    assert_eq!(
        organization.created_by.subject_type,
        Some(SubjectType::Unknown("ROBOT".into()))
    );
    assert_eq!(
        organization.managed_domains.as_ref().unwrap()[0].status,
        ManagedDomainStatus::Unknown("REVOKED".into())
    );
    // Nothing is lost: the response serialises back to what was received.
    assert_eq!(serde_json::to_value(&organization).unwrap(), body);
    // Parsing a string stays strict: an unknown value is only ever explicit.
    assert!("ENTERPRISE_V3".parse::<SupportPlan>().is_err());
    assert_eq!(
        "TEAM_V2".parse::<SupportPlan>().unwrap(),
        SupportPlan::TeamV2
    );
}

#[tokio::test]
async fn optional_fields_absent_or_empty_are_told_apart() {
    let mut body = documented_response();
    body.as_object_mut().unwrap().remove("managedDomains");
    body["productPlans"] = json!([]);
    let server = answering(
        "POST",
        ResponseTemplate::new(200).set_body_json(body.clone()),
    )
    .await;
    let organization = update(&client(&server)).await.unwrap();
    assert_eq!(organization.managed_domains, None);
    assert_eq!(organization.product_plans, Some(vec![]));
    assert_eq!(serde_json::to_value(&organization).unwrap(), body);
}

#[tokio::test]
async fn every_documented_error_is_typed() {
    for status in [400, 401, 403, 404, 500] {
        let mut body = json!({"message": "no", "requestId": "req-42", "statusCode": status});
        if status == 400 {
            body["fieldErrors"] =
                json!([{"code": "max_length", "field": "name", "message": "too long"}]);
        }
        let server = answering("POST", ResponseTemplate::new(status).set_body_json(body)).await;

        let error = update(&client(&server)).await.unwrap_err();

        assert!(error.is_documented(), "{status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let typed = error.body().unwrap();
        assert_eq!(typed.request_id, "req-42");
        assert_eq!(typed.status_code, i64::from(status));
        if status == 400 {
            assert_eq!(error.error_codes(), ["max_length"]);
            assert_eq!(typed.field_errors.as_ref().unwrap()[0].field, "name");
        }
        let display = error.to_string();
        assert!(
            !display.contains("too long"),
            "no body text in Display: {display}"
        );
        assert_error_is_presentable(&display, &format!("{error:?}"), TEMPLATE);
    }
}

#[tokio::test]
async fn undocumented_and_unparseable_responses_keep_their_status() {
    for (status, body, kind, documented) in [
        (502, "<html>Bad Gateway</html>", ErrorKind::Server, false),
        (503, "", ErrorKind::Server, false),
        (404, "not json", ErrorKind::NotFound, true),
        (200, r#"{"id": "x""#, ErrorKind::InvalidResponse, true),
    ] {
        let server = answering(
            "POST",
            ResponseTemplate::new(status).set_body_raw(body, "text/html"),
        )
        .await;
        let error = update(&client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), kind, "{status} {body}");
        assert_eq!(error.is_documented(), documented, "{status} {body}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let expected_excerpt = (!body.is_empty()).then_some(body);
        assert_eq!(error.body_excerpt(), expected_excerpt, "{status}");
        assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), TEMPLATE);
    }
}

#[tokio::test]
async fn a_name_over_the_documented_limit_is_refused_before_sending() {
    // typify turns `maxLength: 50` into a validating newtype, so the
    // generated client cannot send a longer name.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    assert!(
        "n".repeat(51)
            .parse::<UpdateOrganizationRequestName>()
            .is_err()
    );
    assert!(
        "n".repeat(50)
            .parse::<UpdateOrganizationRequestName>()
            .is_ok()
    );
    let error = client(&server)
        .update_organization()
        .organization_id("o")
        .body(
            UpdateOrganizationRequest::builder()
                .billing_email("billing@company.com")
                .is_scim_enabled(false)
                .name("n".repeat(51)),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(
        error.to_string().contains("longer than 50 characters"),
        "{error}"
    );
}

// ------------------------------------------------------------------------
// ListOrganizations, GetOrganization and the audit-log download against
// what real servers send besides the documentation.

const LIST_TEMPLATE: &str = "GET /organizations";

fn page(organizations: Vec<Value>, total: i64) -> Value {
    json!({"limit": 10, "offset": 0, "organizations": organizations, "totalCount": total})
}

async fn list(client: &Client) -> Result<OrganizationsPaginated, ApiError<ErrorBody>> {
    client
        .list_organizations()
        .limit(10)
        .send()
        .await
        .map(|v| v.into_inner())
}

#[tokio::test]
async fn a_list_with_no_organizations_and_with_values_the_spec_does_not_list() {
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_json(page(vec![], 0)),
    )
    .await;
    let empty = list(&client(&server)).await.unwrap();
    assert!(empty.organizations.is_empty());
    assert_eq!(empty.total_count, 0);

    let mut organization = documented_response();
    organization["supportPlan"] = json!("ENTERPRISE_V3");
    organization["productPlans"][0]["astronomerProduct"] = json!("ASTRO_PLUS");
    organization["managedDomains"] = json!([]);
    let body = page(vec![organization], 1);
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_json(body.clone()),
    )
    .await;
    let got = list(&client(&server)).await.unwrap();
    assert_eq!(
        got.organizations[0].support_plan,
        SupportPlan::Unknown("ENTERPRISE_V3".into())
    );
    assert_eq!(got.organizations[0].managed_domains, Some(vec![]));
    assert_eq!(serde_json::to_value(&got).unwrap(), body, "nothing is lost");
}

#[tokio::test]
async fn a_list_refuses_hostile_bodies_keeping_the_status() {
    for (name, status, body) in [
        ("an HTML page", 200, "<html>maintenance</html>"),
        (
            "a truncated page",
            200,
            r#"{"limit": 10, "offset": 0, "organizations": [{"id""#,
        ),
        (
            "a page without totalCount",
            200,
            r#"{"limit": 10, "offset": 0, "organizations": []}"#,
        ),
        ("an empty body", 200, ""),
    ] {
        let server = answering(
            "GET",
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        )
        .await;
        let error = list(&client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{name}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{name}");
        assert_error_is_presentable(&error.to_string(), &format!("{error:?}"), LIST_TEMPLATE);
    }
    // ListOrganizations documents no 404: a proxy's is undocumented.
    let server = answering(
        "GET",
        ResponseTemplate::new(404).set_body_raw("<html>no route</html>", "text/html"),
    )
    .await;
    let error = list(&client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(!error.is_documented());
    assert_eq!(error.body_excerpt(), Some("<html>no route</html>"));
}

#[tokio::test]
async fn a_get_sends_its_query_and_refuses_a_truncated_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/organizations/{AWKWARD_ID_ENCODED}")))
        .and(wiremock::matchers::query_param("isLookUpOnly", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_response()))
        .expect(1)
        .mount(&server)
        .await;
    let get = |client: Client| async move {
        client
            .get_organization()
            .organization_id(AWKWARD_ID)
            .is_look_up_only(true)
            .send()
            .await
    };
    let organization = get(client(&server)).await.unwrap().into_inner();
    assert_eq!(organization.id, "clmaxoarx000008l2c5ayb9pt");

    let text = documented_response().to_string();
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_raw(&text[..text.len() / 2], "application/json"),
    )
    .await;
    let error = get(client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert!(error.body_excerpt().unwrap().starts_with('{'));
}

#[tokio::test]
async fn the_audit_log_is_bytes_as_sent_and_its_errors_keep_status_and_excerpt() {
    use futures::TryStreamExt as _;
    let download = |client: Client| async move {
        client
            .get_organization_audit_logs()
            .organization_id("org-1")
            .send()
            .await
    };
    // Whatever comes with a 200 is the file, even an HTML page: the
    // client hands over bytes and never decodes them as one document.
    let page = "<html>not a log</html>";
    let server = answering(
        "GET",
        ResponseTemplate::new(200).set_body_raw(page, "text/html"),
    )
    .await;
    let bytes: Vec<bytes::Bytes> = download(client(&server))
        .await
        .unwrap()
        .into_inner_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(bytes.concat(), page.as_bytes());

    // No error status is documented: each is undocumented, untyped, with
    // its status and the start of its body.
    for (status, body, kind) in [
        (
            404,
            r#"{"message": "no", "requestId": "r", "statusCode": 404}"#,
            ErrorKind::NotFound,
        ),
        (403, "<html>Forbidden</html>", ErrorKind::Forbidden),
        (500, "", ErrorKind::Server),
    ] {
        let server = answering(
            "GET",
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        )
        .await;
        let Err(error) = download(client(&server)).await else {
            panic!("{status}: not an error")
        };
        assert_eq!(error.kind(), kind, "{status}");
        assert!(!error.is_documented());
        assert!(error.body().is_none());
        assert_eq!(error.body_excerpt(), (!body.is_empty()).then_some(body));
        assert_error_is_presentable(
            &error.to_string(),
            &format!("{error:?}"),
            "GET /organizations/{organizationId}/audit-logs",
        );
    }
}
