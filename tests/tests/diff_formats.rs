//! `cargo xtask diff --old --new` reads both sides as the loader does: a
//! Swagger 2.0 old side against an OpenAPI 3.0 new side compares what the
//! two documents mean, not how they are written.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use xtask::diff;

#[test]
fn swagger2_old_side_against_openapi3_new_side() {
    let old = workspace_tests::fixture("diff-formats/old-swagger2.yaml");
    let new = workspace_tests::fixture("diff-formats/new-openapi3.yaml");
    let report = diff::compare_files(&old, &new).unwrap_or_else(|e| panic!("{e:#}"));
    // The paths in the heading depend on the checkout's place.
    let fixtures = workspace_tests::fixture("").display().to_string();
    let markdown = report.markdown().replace(&fixtures, "tests/fixtures/");
    insta::assert_snapshot!(markdown);
}
