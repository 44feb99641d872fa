//! The real vendor documents of `../shared/corpus/` (read from there, never
//! copied: they are the vendors' text) are read and linted as vendor specs:
//! each loads with every operation, the lint finds no error (an error would
//! be something code generation refuses), and the grouped summary it prints
//! is snapshotted. Like the doc-example tests, the tests are skipped with a
//! note when `../shared` is absent, and fail instead under `CI=true`.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use xtask::lint::Profile;
use xtask::spec::{self, SourceFormat};

/// The corpus directory relative to the workspace root, or `None` (with a
/// note) when it is not beside the checkout.
fn corpus() -> Option<&'static str> {
    const DIR: &str = "../shared/corpus";
    let path = workspace_tests::root().join(DIR);
    if path.is_dir() {
        return Some(DIR);
    }
    // CI always has `../shared` beside the checkout: there, its absence is
    // a failure, not a reason to skip.
    if std::env::var_os("CI").is_some() {
        panic!("{} is not available", path.display());
    }
    eprintln!("skipped: {} is not available", path.display());
    None
}

/// Reads and lints one corpus document; returns the grouped summary.
fn read_and_lint(file: &str, format: SourceFormat, operations: usize) -> Option<String> {
    let dir = corpus()?;
    let rel = format!("{dir}/{file}");
    let root = workspace_tests::root();
    let (report, spec) = xtask::lint::lint(spec::Source::Disk(&root, &rel), Profile::Vendor);
    let Some(spec) = spec else {
        panic!("{rel} cannot be read:\n{report}");
    };
    assert_eq!(spec.format, format, "{rel}");
    assert_eq!(
        spec::operations(&spec.openapi).len(),
        operations,
        "{rel}: operations read (the corpus README's count)"
    );
    // What codegen checks after the lint: references and operationIds.
    spec::check(&spec).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        report.errors(),
        0,
        "{rel}: the vendor profile reports errors:\n{}",
        report.error_lines()
    );
    Some(report.grouped())
}

macro_rules! corpus_document {
    ($test:ident, $file:literal, $format:ident, $operations:literal) => {
        #[test]
        fn $test() {
            if let Some(summary) = read_and_lint($file, SourceFormat::$format, $operations) {
                insta::assert_snapshot!(stringify!($test), summary);
            }
        }
    };
}

// 315: the corpus README counts 313, leaving out the two HEAD operations.
corpus_document!(oxide, "oxide.json", OpenApi30, 315);
corpus_document!(sentry, "sentry.json", OpenApi30, 223);
corpus_document!(pagerduty, "pagerduty.json", OpenApi30, 465);
corpus_document!(mongodb_atlas, "mongodb-atlas.yaml", OpenApi30, 514);
corpus_document!(clerk, "clerk-bapi.yml", OpenApi30, 249);
corpus_document!(
    digitalocean,
    "digitalocean/specification/DigitalOcean-public.v2.yaml",
    OpenApi30,
    659
);
corpus_document!(discord, "discord-3.1.json", OpenApi31, 242);
corpus_document!(netlify, "netlify-swagger2.yml", Swagger2, 174);
