//! Each rewrite rule of `xtask::normalise` on a small document of our own
//! (`tests/fixtures/normalise/`): what it records, and that raw progenitor
//! then generates the whole document.

#![allow(clippy::unwrap_used)]

mod normalise_support;

use openapiv3::StatusCode;
use quote::ToTokens as _;
use xtask::normalise::{Bodiless, Media, Normalised, normalise};

/// Normalises a fixture and generates it; returns both.
fn run(name: &str) -> (openapiv3::OpenAPI, Normalised, String) {
    let path = workspace_tests::root()
        .join("tests/fixtures/normalise")
        .join(name);
    let raw = normalise_support::read(&path).unwrap();
    let mut doc = raw.clone();
    let facts = normalise(&mut doc);
    let file = normalise_support::generate(&doc)
        .unwrap_or_else(|e| panic!("{name}: the normalised document does not generate: {e}"));
    // Normalising twice changes nothing more: every rule leaves a shape it
    // accepts.
    let mut again = doc.clone();
    let second = normalise(&mut again);
    assert_eq!(
        again, doc,
        "{name}: a second normalisation changed the document"
    );
    assert!(second.skipped.is_empty(), "{name}: {:?}", second.skipped);
    (doc, facts, file.into_token_stream().to_string())
}

fn media(content_type: Option<&str>, accept: Option<&str>) -> Media {
    Media {
        content_type: content_type.map(str::to_string),
        accept: accept.map(str::to_string),
    }
}

#[test]
fn vendor_media_types_are_json_and_recorded() {
    let (doc, facts, code) = run("media.yaml");
    assert!(facts.skipped.is_empty(), "{:?}", facts.skipped);
    assert_eq!(
        facts.media.get("createThing"),
        Some(&media(
            Some("application/vnd.acme.2024-01-01+json"),
            Some("application/vnd.acme.2024-01-01+json")
        ))
    );
    // Several media types: JSON is generated, nothing to record.
    assert_eq!(facts.media.get("importThings"), None);
    // Text and binary bodies: sent as progenitor can, with the vendor's type.
    assert_eq!(
        facts.media.get("importCsv"),
        Some(&media(Some("text/csv"), None))
    );
    assert_eq!(
        facts.media.get("putLogo"),
        Some(&media(Some("image/png"), None))
    );
    assert_eq!(
        facts.media.get("exportThings"),
        Some(&media(None, Some("application/vnd.acme.2024-01-01+gzip")))
    );
    let body = |path: &str| {
        let openapiv3::ReferenceOr::Item(item) = &doc.paths.paths[path] else {
            panic!("{path}")
        };
        let op = item.iter().next().unwrap().1;
        let Some(openapiv3::ReferenceOr::Item(body)) = &op.request_body else {
            panic!("{path}: no body")
        };
        body.content.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(body("/things"), ["application/json"]);
    assert_eq!(body("/imports"), ["application/json"]);
    assert_eq!(body("/csv"), ["text/plain"]);
    assert_eq!(body("/logo"), ["application/octet-stream"]);
    // The 400 `application/problem+json` error is typed.
    assert!(code.contains("Error < types :: Problem >"), "{code}");
}

#[test]
fn per_status_bodies_become_one_type_the_status_decides() {
    let (doc, facts, code) = run("responses.yaml");
    assert!(facts.skipped.is_empty(), "{:?}", facts.skipped);
    let arms: Vec<(String, StatusCode, String, String)> = facts
        .union_arms
        .iter()
        .map(|a| {
            (
                a.method.clone(),
                a.status.clone(),
                a.union.clone(),
                a.schema.clone(),
            )
        })
        .collect();
    let arm = |status: StatusCode, union: &str, schema: &str| {
        (
            "start_job".to_string(),
            status,
            union.to_string(),
            format!("#/components/schemas/{schema}"),
        )
    };
    assert_eq!(
        arms,
        [
            arm(StatusCode::Code(200), "StartJobSuccess", "Result"),
            // The inline 202 body got a name, so it can be a variant.
            arm(
                StatusCode::Code(202),
                "StartJobSuccess",
                "StartJob202Response"
            ),
            arm(StatusCode::Code(404), "StartJobErrorBody", "NotFound"),
            arm(StatusCode::Code(409), "StartJobErrorBody", "Conflict"),
        ]
    );
    let components = doc.components.as_ref().unwrap();
    assert!(components.schemas.contains_key("StartJob202Response"));
    assert!(components.schemas.contains_key("StartJobSuccess"));
    // The HTML 500, the body-less 204 and 401 are decoded without a body.
    let bodiless = |method: &str, status: StatusCode| Bodiless {
        method: method.to_string(),
        status,
    };
    assert_eq!(
        facts.bodiless,
        [
            bodiless("start_job", StatusCode::Code(500)),
            bodiless("delete_job", StatusCode::Code(204)),
            bodiless("delete_job", StatusCode::Code(401)),
        ]
    );
    // 200-or-204: an optional body.
    assert!(
        code.contains("ResponseValue < :: std :: option :: Option < types :: Result > >"),
        "{code}"
    );
    // `429` beside `4XX`: the range decodes both (progenitor sorts a range
    // as 400, before 429), into the union of both bodies.
    let openapiv3::ReferenceOr::Item(limits) = &doc.paths.paths["/limits"] else {
        panic!()
    };
    let get = limits.get.as_ref().unwrap();
    let codes: Vec<String> = get
        .responses
        .responses
        .keys()
        .map(ToString::to_string)
        .collect();
    assert_eq!(codes, ["200", "4XX"]);
    assert!(facts.union_arms.iter().all(|a| a.method != "get_limits"));
    assert!(code.contains("GetLimitsErrorBody"), "{code}");
    // `default` beside a success became 4XX and 5XX.
    let openapiv3::ReferenceOr::Item(item) = &doc.paths.paths["/jobs/{id}"] else {
        panic!()
    };
    let delete = item.delete.as_ref().unwrap();
    assert!(delete.responses.default.is_none());
    assert!(
        delete
            .responses
            .responses
            .contains_key(&StatusCode::Range(5))
    );
}

#[test]
fn schema_constructs_are_rewritten_with_the_same_values() {
    let (doc, facts, code) = run("schemas.yaml");
    assert!(facts.skipped.is_empty(), "{:?}", facts.skipped);
    // Colliding names: a plain string, every value listed.
    assert_eq!(facts.opened_enums.len(), 1);
    assert_eq!(
        facts.opened_enums[0].values,
        ["Etc/GMT+1", "Etc/GMT-1", "UTC"]
    );
    assert_eq!(
        facts.opened_enums[0].at,
        "/components/schemas/Zone/properties/tz"
    );
    // Only duplicates: still an enum, each value once.
    assert!(code.contains("enum ZoneKind"), "{code}");
    // Deep references hoisted to named components.
    assert_eq!(
        facts
            .hoisted
            .get("#/components/schemas/Tag/allOf/0")
            .map(String::as_str),
        Some("#/components/schemas/TagAllOf0")
    );
    assert_eq!(
        facts
            .hoisted
            .get("#/components/responses/Other/content/application~1json/schema")
            .map(String::as_str),
        Some("#/components/schemas/OtherResponse")
    );
    let names: Vec<&String> = doc.components.as_ref().unwrap().schemas.keys().collect();
    assert!(names.iter().any(|n| *n == "TagAllOf0"), "{names:?}");
    // `type: null`, `type: file` and the bad default are in the record.
    let rules: Vec<xtask::normalise::RewriteRule> = facts.rewrites.iter().map(|r| r.rule).collect();
    assert!(rules.contains(&xtask::normalise::RewriteRule::NullType));
    assert!(rules.contains(&xtask::normalise::RewriteRule::Default));
    assert!(rules.contains(&xtask::normalise::RewriteRule::TypeBesideComposite));
    // `minLength: 0` is no check (typify's `< 0usize` is a warning).
    assert!(
        code.contains("> 10usize") && !code.contains("< 0usize"),
        "{code}"
    );
    // `User.role` would be typify's `UserRole`, a component's name.
    assert!(code.contains("pub enum UserRole2"), "{code}");
    assert!(code.contains("pub struct UserRole"), "{code}");
    // `isGlobal` and the deprecated `is_global`: one field.
    assert_eq!(code.matches("pub is_global").count(), 1, "{code}");
    // The nullable oneOf: an Option of a type of its own.
    assert!(names.iter().any(|n| *n == "GrantValue"), "{names:?}");
}

#[test]
fn operations_are_fixed_or_skipped_alone() {
    let (doc, facts, _) = run("operations.yaml");
    let skipped: Vec<(&str, &str)> = facts
        .skipped
        .iter()
        .map(|s| {
            (
                s.operation.operation_id.as_deref().unwrap_or_default(),
                s.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].0, "patchUser");
    assert!(skipped[0].1.contains("cookie"), "{}", skipped[0].1);
    assert_eq!(skipped[1].0, "putNotes");
    assert!(skipped[1].1.contains("multipart"), "{}", skipped[1].1);
    // The rest stays: renamed and synthesised operationIds.
    let ids = xtask::spec::operation_ids(&doc);
    assert!(
        ids.contains("getUser") && ids.contains("get_user_2"),
        "{ids:?}"
    );
    assert!(ids.contains("post_users_id"), "{ids:?}");
    assert_eq!(
        facts.renamed_operations.get("get_user_2"),
        Some(&Some("get_user".to_string()))
    );
    assert_eq!(facts.renamed_operations.get("post_users_id"), Some(&None));
    // Dropped parameters, and the unexploded array sent as one string.
    let notes: Vec<&str> = facts
        .rewrites
        .iter()
        .filter(|r| r.at.contains("getUser"))
        .map(|r| r.detail.as_str())
        .collect();
    for expected in [
        "cookie parameter `session` is the `Cookie` header",
        "optional parameter `filter` dropped",
        "optional parameter `frontendApi` dropped",
        "query parameter `ids` (an array, `explode: false`) is a comma-separated string",
    ] {
        assert!(
            notes.iter().any(|n| n.starts_with(expected)),
            "{expected}: {notes:?}"
        );
    }
    // The multipart form: a typed JSON body, its fields recorded.
    let form = &facts.forms["putAvatar"];
    let fields: Vec<(&str, bool)> = form
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.binary))
        .collect();
    // In the order the model holds them (JSON objects read sorted).
    assert_eq!(fields, [("caption", false), ("file", true)]);
    assert_eq!(
        facts.media["putAvatar"].content_type.as_deref(),
        Some("multipart/form-data")
    );
}

static AUDIT_LOGS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| "GetOrganizationAuditLogs".to_string());

#[test]
fn our_own_specs_are_left_alone() {
    // Neither seed spec needs a rewrite beyond what they always had: no
    // operation skipped, and no media recorded but the audit log's `Accept`
    // (its body is `application/octet-stream`, not JSON).
    for api in xtask::catalogue::APIS {
        let path = workspace_tests::root().join(api.spec);
        let mut doc = normalise_support::read(&path).unwrap();
        let facts = normalise(&mut doc);
        assert!(
            facts.skipped.is_empty(),
            "{}: {:?}",
            api.name,
            facts.skipped
        );
        let media: Vec<(&String, Option<&str>, Option<&str>)> = facts
            .media
            .iter()
            .map(|(id, m)| (id, m.content_type.as_deref(), m.accept.as_deref()))
            .collect();
        let expected: Vec<(&String, Option<&str>, Option<&str>)> = match api.name {
            "astronomer-platform" => vec![(&AUDIT_LOGS, None, Some("application/octet-stream"))],
            _ => Vec::new(),
        };
        assert_eq!(media, expected, "{}", api.name);
    }
}

#[test]
fn forms_and_deep_object_queries_are_typed_and_recorded() {
    use xtask::normalise::{FormKind, FormStyle};
    let (doc, facts, code) = run("forms.yaml");
    assert!(facts.skipped.is_empty(), "{:?}", facts.skipped);
    // The urlencoded form with an `encoding`: typed JSON, each field's style.
    let form = &facts.forms["createCustomer"];
    assert_eq!(form.kind, FormKind::UrlEncoded);
    let styles: Vec<(&str, FormStyle, bool)> = form
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.style, f.explode))
        .collect();
    assert_eq!(
        styles,
        // In the order the model holds them (JSON objects read sorted).
        [
            ("address", FormStyle::DeepObject, true),
            ("balance", FormStyle::Form, true),
            ("email", FormStyle::Form, true),
            ("items", FormStyle::DeepObject, true),
            ("metadata", FormStyle::DeepObject, true),
            ("preferred_locales", FormStyle::Form, true),
            ("tax_ids", FormStyle::Form, false),
        ]
    );
    assert_eq!(
        facts.media["createCustomer"].content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    // A `$ref` to an object, without an `encoding`: the same, defaults.
    let update = &facts.forms["updateCustomer"];
    assert_eq!(update.kind, FormKind::UrlEncoded);
    assert_eq!(update.fields.len(), 2);
    // Multipart: an allOf of objects merged, its file a byte array; a bare
    // binary body is one file part named `file`.
    let upload = &facts.forms["uploadFile"];
    assert_eq!(upload.kind, FormKind::Multipart);
    let fields: Vec<(&str, bool, FormStyle)> = upload
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.binary, f.style))
        .collect();
    assert_eq!(
        fields,
        [
            ("file", true, FormStyle::Form),
            ("purpose", false, FormStyle::Form),
            ("link", false, FormStyle::DeepObject),
        ]
    );
    let image = &facts.forms["putImage"];
    assert_eq!(
        (
            image.kind,
            image.fields[0].name.as_str(),
            image.fields[0].binary
        ),
        (FormKind::Multipart, "file", true)
    );
    // Every form body is JSON to progenitor now.
    for path in ["/customers", "/customers/{id}", "/files", "/images"] {
        let openapiv3::ReferenceOr::Item(item) = &doc.paths.paths[path] else {
            panic!("{path}")
        };
        for (_, op) in item.iter() {
            if let Some(openapiv3::ReferenceOr::Item(body)) = &op.request_body {
                let keys: Vec<&String> = body.content.keys().collect();
                assert_eq!(keys, ["application/json"], "{path}");
            }
        }
    }
    // deepObject query parameters: one form parameter per leaf, by its
    // wire name; a map's keys are not fixed, so it is dropped.
    let openapiv3::ReferenceOr::Item(item) = &doc.paths.paths["/customers"] else {
        panic!()
    };
    let list = item.get.as_ref().unwrap();
    let names: Vec<&str> = list
        .parameters
        .iter()
        .map(|p| match p {
            openapiv3::ReferenceOr::Item(p) => p.parameter_data_ref().name.as_str(),
            openapiv3::ReferenceOr::Reference { .. } => panic!("a reference"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "created[gt]",
            "created[lte]",
            "created",
            "expand[]",
            "filter[age][gt]",
            "filter[status]",
            "tags",
        ]
    );
    let notes: Vec<&str> = facts
        .rewrites
        .iter()
        .filter(|r| r.at.contains("listCustomers"))
        .map(|r| r.detail.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("optional parameter `labels` dropped")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("`pipeDelimited`")),
        "{notes:?}"
    );
    // progenitor's builder has one setter per leaf.
    for setter in [
        "fn created_gt",
        "fn created",
        "fn expand",
        "fn filter_age_gt",
    ] {
        assert!(code.contains(setter), "{setter}");
    }
}
