//! The examples in `openapi/` are the documentation's, byte for byte: each
//! one is compared with the JSON on the captured documentation page in
//! `../shared/docs/seeds/` (present beside the checkout in CI, where its
//! absence fails the test; elsewhere the test is skipped with a note).

#![allow(clippy::unwrap_used)]

use serde_json::Value;

const ASTRONOMER_PAGE: &str = "astronomer-platform-v1beta1-update-organization.txt";
const ELASTIC_PAGE: &str = "elastic-cloud-v1-update-organization.txt";

/// The seed page, or `None` when `../shared` is not beside the checkout.
fn page(name: &str) -> Option<String> {
    let path = workspace_tests::root()
        .join("../shared/docs/seeds")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        // CI always has `../shared` beside the checkout: there, a missing
        // page is a failure, not a reason to skip.
        Err(e) if std::env::var_os("CI").is_some() => panic!("{}: {e}", path.display()),
        Err(_) => {
            eprintln!("skipped: {} is not available", path.display());
            None
        }
    }
}

/// The text of the JSON object that starts at the first `{` after `marker`.
fn json_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap() + marker.len();
    let open = start + text[start..].find('{').unwrap();
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..=open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced JSON after {marker:?}");
}

/// The spec's example text must be the page's JSON, up to indentation.
fn assert_same(spec: &str, pointer: &str, page_json: &str) {
    let root = workspace_tests::root();
    let value = xtask::spec::load(
        xtask::spec::Source::Disk(&root, spec),
        xtask::spec::Policy::Checked,
    )
    .unwrap()
    .value;
    let example = value.pointer(pointer).unwrap();
    let page_value: Value = serde_json::from_str(page_json).unwrap();
    assert_eq!(example, &page_value, "{spec}{pointer}");
    // Same text too: key order and spelling, not only the same values.
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let source = std::fs::read_to_string(root.join(spec)).unwrap();
    assert!(
        squash(&source).contains(&squash(page_json)),
        "{spec}{pointer}: the example text differs from the page"
    );
}

#[test]
fn astronomer_examples_are_the_pages() {
    let Some(text) = page(ASTRONOMER_PAGE) else {
        return;
    };
    let spec = "openapi/astronomer-platform.v1beta1.yaml";
    let op = "/paths/~1organizations~1{organizationId}/post";
    assert_same(
        spec,
        &format!("{op}/requestBody/content/application~1json/example"),
        json_after(&text, "--data '"),
    );
    let after_request = &text[text.find("--data '").unwrap()..];
    let response = json_after(&after_request[after_request.find("}\n'").unwrap()..], "'");
    assert_same(
        spec,
        &format!("{op}/responses/200/content/application~1json/example"),
        response,
    );
}

#[test]
fn elastic_examples_are_the_pages() {
    let Some(text) = page(ELASTIC_PAGE) else {
        return;
    };
    let spec = "openapi/elastic-cloud.v1.yaml";
    let op = "/paths/~1organizations~1{organization_id}/put";
    assert_same(
        spec,
        &format!("{op}/requestBody/content/application~1json/example"),
        json_after(&text, "Request examples"),
    );
    assert_same(
        spec,
        &format!("{op}/responses/200/content/application~1json/example"),
        json_after(&text, "Response examples (200)"),
    );
    for status in [400, 401, 403, 404] {
        let body = json_after(&text, &format!("Response examples ({status})"));
        assert_same(
            spec,
            &format!("{op}/responses/{status}/content/application~1json/example"),
            body,
        );
    }
}
