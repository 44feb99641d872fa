//! The secret never shows: not in `Debug`, not in errors (even when a server
//! echoes it back), not in `tracing` output.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_orgs::{Config, Error, Secret, astronomer, elastic};
use common::{SECRET, config, elastic_changes, elastic_client, elastic_failure, update_elastic};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_hidden(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked into: {text}");
    // Not even a recognisable part of it.
    assert!(!text.contains("do-not-print"), "secret leaked into: {text}");
}

#[test]
fn debug_of_secret_config_and_clients() {
    assert_eq!(format!("{:?}", Secret::new(SECRET)), "Secret(<redacted>)");
    let config = config("http://127.0.0.1:9");
    assert_hidden(&format!("{config:?} {config:#?}"));
    let client = elastic::Client::new(config.clone()).unwrap();
    assert_hidden(&format!("{client:?} {client:#?}"));
    let client = astronomer::Client::new(config).unwrap();
    assert_hidden(&format!("{client:?} {client:#?}"));
    // The generated client's Debug shows reqwest's default headers: the
    // sensitive flag keeps the value out.
    assert_hidden(&format!("{:?}", client.generated()));
    let from_env = elastic::Client::config_from_env_with(|name| {
        (name == "EC_API_KEY").then(|| SECRET.to_string())
    })
    .unwrap();
    assert_hidden(&format!("{from_env:?}"));
}

async fn error_from(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(response)
        .mount(&server)
        .await;
    update_elastic(&elastic_client(&server.uri()), "my-org", elastic_changes())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn errors_do_not_show_a_secret_the_server_echoes() {
    let page = format!("<html><pre>Authorization: ApiKey {SECRET}</pre></html>");
    let error = error_from(ResponseTemplate::new(400).set_body_raw(page, "text/html")).await;
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_hidden(&format!("{error} {error:?} {error:#?}"));
    let excerpt = error.details().unwrap().body_excerpt().unwrap();
    assert!(excerpt.contains("ApiKey <redacted>"), "{excerpt}");

    let body = elastic_failure(
        "root.unauthenticated",
        &format!("The API key {SECRET} is not valid"),
        &[],
    );
    let error = error_from(ResponseTemplate::new(401).set_body_json(body)).await;
    assert!(matches!(error, Error::Unauthenticated(_)), "{error:?}");
    assert_hidden(&format!("{error} {error:?}"));
    assert_hidden(&error.details().unwrap().messages().join(" "));
}

#[tokio::test]
async fn errors_of_every_kind_do_not_show_the_secret() {
    for status in [401, 403, 404, 429, 500, 502] {
        let error = error_from(ResponseTemplate::new(status).set_body_json(elastic_failure(
            "some.code",
            "no",
            &[],
        )))
        .await;
        assert_hidden(&format!("{error} {error:?}"));
    }
    let validation = update_elastic(
        &elastic_client("http://127.0.0.1:9"),
        "my-org",
        elastic_changes().name("x".to_string()),
    )
    .await
    .unwrap_err();
    assert_hidden(&format!("{validation} {validation:?}"));
    let config_error =
        elastic::Client::new(Config::new(SECRET).base_url("http://example.test")).unwrap_err();
    assert_hidden(&format!("{config_error} {config_error:?}"));
}
