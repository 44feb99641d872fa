//! Every real vendor document of `../shared/corpus/` through the whole
//! pipeline, as `cargo xtask codegen --spec` runs it (no build: that is
//! `cargo xtask corpus`, and CI checks Oxide's crate):
//!
//! - the loader reads it and the vendor lint reports an error exactly when
//!   codegen refuses it (issue 13's invariant);
//! - nothing fails wholesale and nothing panics; at least 99% of the
//!   operations generate, and every skipped one carries its reason;
//! - every post-processing pass that acts per operation either transforms
//!   each generated operation or reports it with a reason: none is left
//!   without an outcome.
//!
//! The corpus is beside the checkout in CI, where its absence fails the
//! test; elsewhere the test is skipped with a note.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use xtask::catalogue::{CORPUS, Profile, Settings};
use xtask::passes::{OperationPass, PassOutcome};

use workspace_tests::corpus;

#[test]
fn every_document_generates_operation_by_operation() {
    let Some(dir) = corpus() else {
        return;
    };
    let mut summary = String::new();
    let mut problems = Vec::new();
    for doc in CORPUS {
        let file = dir.join(doc.file);
        let rel = file.to_string_lossy().to_string();
        let (report, spec) = xtask::lint::lint(
            xtask::spec::Source::Disk(Path::new(""), &rel),
            Profile::Vendor,
        );
        let generated = spec
            .ok_or_else(|| "cannot be read".to_string())
            .and_then(|spec| {
                xtask::pipeline::generate(&spec, &Settings::DEFAULT).map_err(|e| format!("{e:#}"))
            });
        // Issue 13's invariant: under the vendor profile, an error exactly
        // when codegen (which lints first, then runs the pipeline) refuses.
        // Both ways: the pipeline never fails where the lint passes, and
        // the lint never errs where the pipeline generates (a repair the
        // pipeline makes is a warning, not an error).
        match (report.errors() > 0, &generated) {
            (false, Err(e)) => problems.push(format!(
                "{}: lint has no error, but codegen refuses it: {e}",
                doc.name
            )),
            (true, Ok(_)) => problems.push(format!(
                "{}: the pipeline generates it, but the vendor lint reports {} error(s): {}",
                doc.name,
                report.errors(),
                report.error_lines()
            )),
            _ => {}
        }
        let code = match generated {
            Ok(code) => code,
            Err(e) => {
                problems.push(format!("{}: refused: {e}", doc.name));
                continue;
            }
        };
        if code.strategy != xtask::pipeline::Strategy::Items {
            problems.push(format!("{}: not processed item by item", doc.name));
        }
        let total = code.operations;
        let kept = code.generated();
        if kept * 100 < total * 99 {
            problems.push(format!("{}: only {kept} of {total} operations", doc.name));
        }
        for d in &code.normalised.degraded {
            if d.reason.trim().is_empty() {
                problems.push(format!(
                    "{}: schema `{}` degraded without a reason",
                    doc.name, d.schema
                ));
            }
        }
        for s in &code.skipped {
            if s.reason.trim().is_empty() {
                problems.push(format!(
                    "{}: {} skipped without a reason",
                    doc.name, s.operation
                ));
            }
        }
        // Every generated operation has an outcome of each per-operation
        // pass, and a report says why.
        let mut reported = 0;
        for (id, passes) in &code.passes.operations {
            for pass in [OperationPass::Errors, OperationPass::ApiVersion] {
                match passes.get(&pass) {
                    None => problems.push(format!("{}: `{id}` has no {pass} outcome", doc.name)),
                    Some(PassOutcome::Reported(reason)) if reason.trim().is_empty() => problems
                        .push(format!(
                            "{}: `{id}` reported by {pass} without a reason",
                            doc.name
                        )),
                    Some(PassOutcome::Reported(_)) => reported += 1,
                    Some(PassOutcome::Transformed) => {}
                }
            }
        }
        if code.passes.operations.len() != kept {
            problems.push(format!(
                "{}: the passes saw {} operations, the crate has {kept}",
                doc.name,
                code.passes.operations.len()
            ));
        }
        let _ = writeln!(
            summary,
            "{}: {kept} of {total} operations, {} skipped, {} schema(s) degraded, {reported} left as progenitor made them, lint {} error(s)",
            doc.name,
            code.skipped.len(),
            code.normalised.degraded.len(),
            report.errors()
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    insta::assert_snapshot!(summary);
}

/// `cargo xtask diff` on two versions of Oxide's published spec: the
/// published one, and one with a deleted operation, a new optional query
/// parameter and a new required request field (made in a temporary file).
#[test]
fn diff_works_on_two_versions_of_oxides_spec() {
    let Some(dir) = corpus() else {
        return;
    };
    let old_path = dir.join("oxide.json");
    let mut new: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&old_path).unwrap()).unwrap();
    let paths = new["paths"].as_object_mut().unwrap();
    paths["/v1/projects/{project}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    paths["/v1/projects"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "in": "query", "name": "label", "required": false,
            "schema": { "type": "string" }
        }));
    let create = &mut new["components"]["schemas"]["ProjectCreate"];
    create["properties"]["region"] = serde_json::json!({ "type": "string" });
    create["required"]
        .as_array_mut()
        .unwrap()
        .push("region".into());
    let tmp = tempfile::tempdir().unwrap();
    let new_path = tmp.path().join("oxide.json");
    std::fs::write(&new_path, serde_json::to_string(&new).unwrap()).unwrap();

    let report = xtask::diff::compare_files(&old_path, &new_path).unwrap();
    let api = &report.apis[0];
    let spec_changes: Vec<String> = api
        .changes
        .iter()
        .map(|c| format!("{} {}: {}", c.impact.label(), c.location, c.change))
        .collect();
    let text = spec_changes.join("\n");
    for expected in [
        "DELETE /v1/projects/{project}",
        "GET /v1/projects",
        "region",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let rust: Vec<&str> = api.rust.iter().map(|c| c.item.as_str()).collect();
    assert!(
        rust.iter().any(|i| i.contains("project_delete")),
        "the removed method is in the Rust API diff: {rust:?}"
    );
    assert_eq!(api.bump, xtask::diff::Bump::Major, "{rust:?}");
}

/// The item-by-item, every-core way of parsing, post-processing and
/// formatting gives exactly what the whole file in one piece gives, on our
/// two specs and on Oxide's.
#[test]
fn items_on_every_core_match_the_whole_file() {
    use xtask::pipeline::{Run, Strategy, generate_with};
    let root = workspace_tests::root();
    let mut specs: Vec<(String, xtask::spec::Spec)> = xtask::catalogue::APIS
        .iter()
        .map(|api| {
            (
                api.name.to_string(),
                xtask::spec::load(
                    xtask::spec::Source::Disk(&root, api.spec),
                    xtask::spec::Policy::Checked,
                )
                .unwrap(),
            )
        })
        .collect();
    if let Some(dir) = corpus() {
        let rel = dir.join("oxide.json").to_string_lossy().to_string();
        let spec = xtask::lint::load(
            xtask::spec::Source::Disk(Path::new(""), &rel),
            Profile::Vendor,
        )
        .unwrap();
        specs.push(("oxide".to_string(), spec));
    }
    for (name, spec) in &specs {
        let by_items = generate_with(
            spec,
            &Settings::DEFAULT,
            &Run {
                strategy: Strategy::Items,
                ..Run::default()
            },
        )
        .unwrap();
        let whole = generate_with(
            spec,
            &Settings::DEFAULT,
            &Run {
                strategy: Strategy::WholeFile,
                ..Run::default()
            },
        )
        .unwrap();
        assert_eq!(by_items.strategy, Strategy::Items, "{name}: fell back");
        assert!(by_items.text == whole.text, "{name}: the two ways differ");
        assert_eq!(by_items.types, whole.types, "{name}");
        assert_eq!(
            by_items
                .dependencies
                .iter()
                .map(|d| d.name)
                .collect::<Vec<_>>(),
            whole
                .dependencies
                .iter()
                .map(|d| d.name)
                .collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(
            by_items.passes.unhandled(),
            whole.passes.unhandled(),
            "{name}"
        );
    }
}
