//! Every OpenAPI 3.0 document of the vendor corpus (`../shared/corpus/`),
//! normalised, generates with raw progenitor: no panic, nothing refused
//! wholesale, at least 99% of its operations kept, every skipped one with
//! its reason. The corpus is beside the checkout in CI, where its absence
//! fails the test; elsewhere the test is skipped with a note.
//!
//! The documents are read straight into `openapiv3`, not through
//! `xtask::spec::parse`, whose checks are not what is tested here.

#![allow(clippy::unwrap_used)]

mod normalise_support;

use std::path::PathBuf;
use std::time::Instant;

/// The documents progenitor's model reads (3.0, one file); DigitalOcean
/// (many files), Discord (3.1) and Netlify (Swagger 2.0) need the loader.
const DOCUMENTS: &[&str] = &[
    "oxide.json",
    "sentry.json",
    "pagerduty.json",
    "mongodb-atlas.yaml",
    "clerk-bapi.yml",
];

fn corpus() -> Option<PathBuf> {
    let dir = workspace_tests::root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    // CI always has `../shared` beside the checkout.
    if std::env::var_os("CI").is_some() {
        panic!("{}: not found", dir.display());
    }
    eprintln!("skipped: {} is not available", dir.display());
    None
}

#[test]
fn every_corpus_document_generates_after_normalisation() {
    let Some(dir) = corpus() else {
        return;
    };
    let mut failures = Vec::new();
    for name in DOCUMENTS {
        let mut doc = normalise_support::read(&dir.join(name)).unwrap();
        let total = xtask::spec::operations(&doc).len();
        let started = Instant::now();
        let facts = xtask::normalise::normalise(&mut doc, name);
        let normalised_in = started.elapsed();
        let kept = xtask::spec::operations(&doc).len();
        let started = Instant::now();
        let generated = normalise_support::generate(&doc);
        eprintln!(
            "{name}: {kept} of {total} operations, {} skipped; normalised in {normalised_in:.1?}, generated in {:.1?}",
            facts.skipped.len(),
            started.elapsed()
        );
        for skipped in &facts.skipped {
            eprintln!("  skipped {}: {}", skipped.operation, skipped.reason);
            if skipped.reason.trim().is_empty() {
                failures.push(format!(
                    "{name}: {} skipped without a reason",
                    skipped.operation
                ));
            }
        }
        if let Err(e) = generated {
            failures.push(format!("{name}: does not generate: {e}"));
        }
        if kept + facts.skipped.len() < total {
            failures.push(format!(
                "{name}: {} operations gone without a record",
                total - kept - facts.skipped.len()
            ));
        }
        // At least 99% of the operations: kept * 100 >= total * 99.
        if kept * 100 < total * 99 {
            failures.push(format!("{name}: only {kept} of {total} operations kept"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
