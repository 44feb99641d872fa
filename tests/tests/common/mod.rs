//! Helpers shared by the contract tests.

#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A recognisable secret: no output may ever contain it.
pub const SECRET: &str = "sk-test-SECRET-4f9a2c";

/// An organization id that needs percent-encoding in a path.
pub const AWKWARD_ID: &str = "org/1 x";
/// `AWKWARD_ID` as it must appear on the wire.
pub const AWKWARD_ID_ENCODED: &str = "org%2F1%20x";

/// A reqwest client that sends `Authorization: <value>` (marked sensitive),
/// the way users and the facade configure the generated clients.
pub fn http_with_auth(value: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut auth = reqwest::header::HeaderValue::from_str(value).unwrap();
    auth.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap()
}

/// An example from a spec in `openapi/`, by JSON pointer: the examples there
/// are the documentation's, copied verbatim.
pub fn spec_example(spec: &str, pointer: &str) -> Value {
    let root = workspace_tests::root();
    let loaded = xtask::spec::load(
        xtask::spec::Source::Disk(&root, spec),
        xtask::spec::Policy::Checked,
    )
    .unwrap();
    loaded
        .value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no example at {pointer} in {spec}"))
        .clone()
}

/// progenitor sends `api-version` from `info.version`; the documented APIs
/// do not ask for it, so the generated clients must not send it.
pub fn has_no_api_version(request: &Request) -> bool {
    !request.headers.contains_key("api-version")
}

/// The checks every error's `Display` and `Debug` must pass: one short
/// line, the path template and not the URL, no secret, no whole body.
pub fn assert_error_is_presentable(display: &str, debug: &str, template: &str) {
    assert!(
        !display.contains('\n'),
        "Display is not one line: {display}"
    );
    assert!(
        display.len() <= 200,
        "Display is too long ({}): {display}",
        display.len()
    );
    assert!(
        display.contains(template),
        "Display lacks the path template: {display}"
    );
    for text in [display, debug] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(
            !text.contains(AWKWARD_ID_ENCODED),
            "URL with ids leaked: {text}"
        );
        assert!(!text.contains("127.0.0.1"), "URL leaked: {text}");
    }
}

/// The attributes of `Client::<method>` in a generated crate, as text.
pub fn client_method_attributes(crate_dir: &str, method: &str) -> Vec<String> {
    use quote::ToTokens;
    let path = workspace_tests::root().join(crate_dir).join("src/lib.rs");
    let file = syn::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap();
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| imp.self_ty.to_token_stream().to_string() == "Client")
        .flat_map(|imp| &imp.items)
        .filter_map(|member| match member {
            syn::ImplItem::Fn(f) if f.sig.ident == method => Some(f),
            _ => None,
        })
        .flat_map(|f| f.attrs.iter().map(|a| a.to_token_stream().to_string()))
        .collect()
}

/// A local server answering every `verb` request with `response`.
pub async fn answering(verb: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}
