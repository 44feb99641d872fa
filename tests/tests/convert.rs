//! Reading what vendors publish: each rule of the loader on a small fixture
//! of our own (`tests/fixtures/convert/`, see its README), with the OpenAPI
//! 3.0 document it must become, and the lint's findings placed at the
//! fixture's own lines.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::Value;
use xtask::lint::{self, Profile};
use xtask::spec::{self, SourceFormat};

const DIR: &str = "tests/fixtures/convert";

/// The expected 3.0 document of fixture `dir`, read as plain values.
fn expected(dir: &str) -> Value {
    let rel = format!("{DIR}/{dir}/expected.yaml");
    let bytes = std::fs::read(workspace_tests::root().join(&rel)).unwrap();
    spec::load(
        spec::Source::Text(Path::new(&rel), &bytes),
        spec::Policy::Read,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .value
}

/// Loads `dir/input` as `cargo xtask codegen` would, and compares it with
/// the expected document.
fn converts(dir: &str, input: &str, format: SourceFormat) {
    let rel = format!("{DIR}/{dir}/{input}");
    let spec = spec::load(
        spec::Source::Disk(&workspace_tests::root(), &rel),
        spec::Policy::Checked,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(spec.format, format, "{rel}");
    let want = expected(dir);
    assert!(
        spec.value == want,
        "{rel} converts to\n{}\nbut the expected document is\n{}",
        serde_json::to_string_pretty(&spec.value).unwrap(),
        serde_json::to_string_pretty(&want).unwrap()
    );
}

/// Every finding of the vendor-profile lint of `dir/input`, one a line.
fn findings(dir: &str, input: &str) -> String {
    let rel = format!("{DIR}/{dir}/{input}");
    let report = lint::lint(
        spec::Source::Disk(&workspace_tests::root(), &rel),
        Profile::Vendor,
    )
    .0;
    format!(
        "{report}{} error(s), {} warning(s)",
        report.errors(),
        report.warnings()
    )
}

#[test]
fn swagger2_becomes_openapi_3_0() {
    converts("swagger2", "input.yaml", SourceFormat::Swagger2);
}

#[test]
fn swagger2_findings_are_at_the_swagger_lines() {
    insta::assert_snapshot!(findings("swagger2", "input.yaml"));
}

#[test]
fn openapi31_becomes_openapi_3_0() {
    converts("openapi31", "input.json", SourceFormat::OpenApi31);
}

#[test]
fn openapi31_findings_are_at_the_json_lines() {
    insta::assert_snapshot!(findings("openapi31", "input.json"));
}

#[test]
fn multi_file_documents_are_bundled() {
    converts("multi-file", "input.yaml", SourceFormat::OpenApi30);
}

#[test]
fn multi_file_findings_name_the_file_they_are_in() {
    insta::assert_snapshot!(findings("multi-file", "input.yaml"));
}

#[test]
fn references_in_examples_and_extensions_are_data() {
    converts("example-refs", "input.yaml", SourceFormat::OpenApi30);
    let report = lint::lint(
        spec::Source::Disk(
            &workspace_tests::root(),
            &format!("{DIR}/example-refs/input.yaml"),
        ),
        Profile::Transcribed,
    )
    .0;
    let refs: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id().starts_with("ref-"))
        .collect();
    assert!(refs.is_empty(), "{refs:?}");
}

#[test]
fn numbers_beyond_64_bits_are_read() {
    converts("big-numbers", "input.yaml", SourceFormat::OpenApi30);
    insta::assert_snapshot!(findings("big-numbers", "input.yaml"));
}

#[test]
fn unreadable_references_are_errors_where_they_are_written() {
    let rel = format!("{DIR}/unreadable/input.yaml");
    let error = spec::load(
        spec::Source::Disk(&workspace_tests::root(), &rel),
        spec::Policy::Checked,
    )
    .unwrap_err();
    insta::assert_snapshot!("unreadable_load_error", format!("{error:#}"));
    insta::assert_snapshot!("unreadable_findings", findings("unreadable", "input.yaml"));
}

/// The same document as text (no other file read): a `$ref` into another
/// file is what the lint reports, for our specs and a vendor's alike.
#[test]
fn text_alone_reports_references_into_other_files() {
    let rel = format!("{DIR}/multi-file/input.yaml");
    let bytes = std::fs::read(workspace_tests::root().join(&rel)).unwrap();
    let report = lint::lint(
        spec::Source::Text(Path::new(&rel), &bytes),
        lint::Profile::Transcribed,
    )
    .0;
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == lint::Rule::RefLocal && f.severity == lint::Severity::Error),
        "{report}"
    );
}
