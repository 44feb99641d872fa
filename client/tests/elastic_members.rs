//! Elastic's invitations and members through the facade: the comma-joined
//! path lists on the wire, `force` made explicit, empty lists refused, and
//! `Config::header` reaching every request.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_orgs::elastic::types::OrganizationInvitationRequest;
use cloud_orgs::{Error, elastic};
use common::{config, elastic_client, elastic_organization};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn empty_object() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({}))
}

async fn nothing_may_arrive() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(empty_object())
        .expect(0)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn invitation_tokens_are_joined_with_commas_each_encoded() {
    let server = MockServer::start().await;
    for wire in [
        "/organizations/my-org/invitations/a,b",
        "/organizations/my-org/invitations/x%2Fy,c%2Cd,%C3%A9",
    ] {
        Mock::given(method("DELETE"))
            .and(path(wire))
            .respond_with(empty_object())
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = elastic_client(&server.uri());
    // An array of Strings.
    let empty = client
        .delete_organization_invitations()
        .organization_id("my-org")
        .invitation_tokens(["a", "b"].map(String::from))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(empty.is_empty(), "EmptyResponse derefs to the (empty) map");
    // A slice of the caller's: an item's own comma and slash are encoded.
    let tokens: Vec<String> = vec!["x/y".into(), "c,d".into(), "é".into()];
    let slice: &[String] = &tokens;
    client
        .delete_organization_invitations()
        .organization_id("my-org")
        .invitation_tokens(slice)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn user_ids_are_joined_and_force_is_sent_as_given() {
    let server = MockServer::start().await;
    for force in ["false", "true"] {
        Mock::given(method("DELETE"))
            .and(path("/organizations/my-org/members/u-1,u%2C2"))
            .and(query_param("force", force))
            .respond_with(empty_object())
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = elastic_client(&server.uri());
    let ids = ["u-1".to_string(), "u,2".to_string()];
    for force in [false, true] {
        client
            .delete_organization_memberships()
            .organization_id("my-org")
            .user_ids(&ids[..])
            .force(force)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn removing_members_without_force_is_refused_and_sends_nothing() {
    let server = nothing_may_arrive().await;
    let error: Error = elastic_client(&server.uri())
        .delete_organization_memberships()
        .organization_id("my-org")
        .user_ids(vec!["u-1".to_string()])
        .send()
        .await
        .unwrap_err()
        .into();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(v.field(), "force");
    assert!(error.to_string().contains(".force(false)"), "{error}");
}

#[tokio::test]
async fn empty_lists_are_refused_and_send_nothing() {
    let server = nothing_may_arrive().await;
    let client = elastic_client(&server.uri());
    let error: Error = client
        .delete_organization_memberships()
        .organization_id("my-org")
        .user_ids(Vec::<String>::new())
        .force(false)
        .send()
        .await
        .unwrap_err()
        .into();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(v.field(), "user_ids");
    let error: Error = client
        .delete_organization_invitations()
        .organization_id("my-org")
        .invitation_tokens(Vec::<String>::new())
        .send()
        .await
        .unwrap_err()
        .into();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(v.field(), "invitation_tokens");
}

fn invitation(token: &str, email: &str) -> serde_json::Value {
    json!({
        "token": token,
        "email": email,
        "created_at": "2024-01-01T00:00:00Z",
        "expires_at": "2024-01-04T00:00:00Z",
        "expired": false,
        "organization": elastic_organization(),
    })
}

#[tokio::test]
async fn inviting_members_posts_the_emails_and_reads_the_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations/my-org/invitations"))
        .and(body_json(
            json!({"emails": ["jane@example.com"], "expires_in": "7d"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "invitations": [invitation("tok-1", "jane@example.com")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let invited = elastic_client(&server.uri())
        .create_organization_invitations()
        .organization_id("my-org")
        .body(
            OrganizationInvitationRequest::builder()
                .emails(vec!["jane@example.com".to_string()])
                .expires_in(Some("7d".to_string())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status().as_u16(), 201);
    let invited = invited.into_inner();
    assert_eq!(invited.invitations[0].token, "tok-1");
    assert!(!invited.invitations[0].expired);
}

#[tokio::test]
async fn a_configured_header_goes_with_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("prefer", "code=200"))
        .and(header("x-correlation-id", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"organizations": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = elastic::Client::new(
        config(&server.uri())
            .header("Prefer", "code=200")
            .header("X-Correlation-Id", "abc"),
    )
    .unwrap();
    let list = client
        .list_organizations()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(list.organizations.is_empty());
}
