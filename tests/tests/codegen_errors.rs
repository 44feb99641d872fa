//! Bad specs end in one clear error naming the file and the operation, and
//! never in a panic or a half-written `generated/`.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use xtask::catalogue::{APIS, Settings};
use xtask::codegen::{self, Mode};
use xtask::spec;

/// The error `cargo xtask codegen` gives for a fixture spec.
fn codegen_error(name: &str) -> String {
    let rel = format!("tests/fixtures/bad-specs/{name}");
    let bytes = std::fs::read(workspace_tests::fixture(&format!("bad-specs/{name}"))).unwrap();
    let settings = Settings::DEFAULT;
    let result = spec::load(
        spec::Source::Text(Path::new(&rel), &bytes),
        spec::Policy::Checked,
    )
    .map_err(anyhow::Error::from)
    .and_then(|spec| xtask::pipeline::generate(&spec, &settings).map(|_| ()));
    match result {
        Ok(()) => panic!("{name} generated without an error"),
        Err(e) => format!("{e:#}"),
    }
}

macro_rules! bad_spec {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), codegen_error($file));
        }
    };
}

bad_spec!(openapi_3_1_is_refused, "openapi-3-1.yaml");
bad_spec!(swagger_2_is_refused, "swagger-2.yaml");
bad_spec!(missing_operation_id, "missing-operation-id.yaml");
bad_spec!(invalid_yaml, "invalid-yaml.yaml");
bad_spec!(dangling_ref, "dangling-ref.yaml");

/// Shapes that once stopped codegen and that the normalisation now rewrites
/// (an optional success body, a body-less error beside a text one, a path
/// parameter added from the path): they generate. The lint still reports
/// the undeclared parameter for our own specs, since codegen lints first.
#[test]
fn normalised_shapes_generate() {
    for name in [
        "success-body-beside-no-body.yaml",
        "json-error-beside-text-error.yaml",
        "undeclared-path-parameter.yaml",
    ] {
        let rel = format!("tests/fixtures/bad-specs/{name}");
        let bytes = std::fs::read(workspace_tests::fixture(&format!("bad-specs/{name}"))).unwrap();
        let spec = spec::load(
            spec::Source::Text(Path::new(&rel), &bytes),
            spec::Policy::Checked,
        )
        .unwrap();
        let code = xtask::pipeline::generate(&spec, &Settings::DEFAULT)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        assert!(code.skipped.is_empty(), "{name}: {:?}", code.skipped);
    }
}

/// A copy of the workspace's specs and generated crates in a temporary
/// directory, so a test can break a spec without touching the real tree.
fn scratch_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace_tests::root();
    for api in APIS {
        for rel in [
            api.spec.to_string(),
            format!("{}/Cargo.toml", api.crate_dir),
            format!("{}/src/lib.rs", api.crate_dir),
        ] {
            let to = dir.path().join(&rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(&rel), &to).unwrap();
        }
    }
    dir
}

fn snapshot_of_generated(root: &Path) -> Vec<(String, Vec<u8>)> {
    APIS.iter()
        .flat_map(|api| {
            ["Cargo.toml", "src/lib.rs"].map(|f| {
                let rel = format!("{}/{f}", api.crate_dir);
                let bytes = std::fs::read(root.join(&rel)).unwrap();
                (rel, bytes)
            })
        })
        .collect()
}

#[test]
fn one_broken_spec_writes_nothing_for_any_api() {
    let scratch = scratch_workspace();
    let root = scratch.path();
    // Break the second spec and change the first: a run that wrote as it
    // went would have rewritten the first crate before failing.
    let first = root.join(APIS[0].spec);
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(
        &first,
        text.replace("Update an Organization", "Update one Organization"),
    )
    .unwrap();
    let broken = root.join(APIS[1].spec);
    std::fs::write(
        &broken,
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
    )
    .unwrap();

    let before = snapshot_of_generated(root);
    let error = codegen::run(root, APIS, Mode::Write).unwrap_err();
    assert!(format!("{error:#}").contains(APIS[1].spec), "{error:#}");
    assert_eq!(
        snapshot_of_generated(root),
        before,
        "generated/ was touched"
    );
    let leftovers: Vec<_> = walk(root)
        .into_iter()
        .filter(|p| p.contains("xtask-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn check_names_the_stale_file_and_writes_nothing() {
    let scratch = scratch_workspace();
    let root = scratch.path();
    let spec = root.join(APIS[1].spec);
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("Display name of the organization.", "Shown name."),
    )
    .unwrap();

    let before = snapshot_of_generated(root);
    let outcome = codegen::run(root, APIS, Mode::Check).unwrap();
    let stale: Vec<_> = outcome.stale.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(stale, [format!("{}/src/lib.rs", APIS[1].crate_dir)]);
    assert!(
        outcome.stale[0].diff.contains("+        ///Shown name."),
        "{}",
        outcome.stale[0].diff
    );
    assert_eq!(snapshot_of_generated(root), before);

    // Writing then makes the check pass.
    codegen::run(root, APIS, Mode::Write).unwrap();
    assert!(
        codegen::run(root, APIS, Mode::Check)
            .unwrap()
            .stale
            .is_empty()
    );
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_tests::root();
    let first = codegen::generate_all(&root, APIS).unwrap();
    let second = codegen::generate_all(&root, APIS).unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.files, b.files, "{} differs between two runs", a.name);
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

/// Every bad spec in the corpus, put in place of a real one, stops
/// `cargo xtask codegen` with the lint's own message and writes nothing.
#[test]
fn every_corpus_spec_with_lint_errors_stops_codegen_and_writes_nothing() {
    let scratch = scratch_workspace();
    let root = scratch.path();
    let before = snapshot_of_generated(root);
    let dir = workspace_tests::fixture("bad-specs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut checked = 0;
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        std::fs::write(root.join(APIS[1].spec), &bytes).unwrap();
        let report = xtask::lint::lint(spec::Source::Disk(root, APIS[1].spec), APIS[1].profile).0;
        if report.errors() == 0 {
            continue; // warnings only: codegen may go ahead
        }
        let error = match codegen::run(root, APIS, Mode::Write) {
            Ok(_) => panic!("{name}: codegen succeeded despite lint errors"),
            Err(e) => format!("{e:#}"),
        };
        let first = report
            .findings
            .iter()
            .find(|f| f.to_string().contains("error["))
            .unwrap();
        assert!(
            error.contains(&first.to_string()),
            "{name}: codegen said\n{error}\nlint said\n{first}"
        );
        assert_eq!(
            snapshot_of_generated(root),
            before,
            "{name}: generated/ was touched"
        );
        checked += 1;
    }
    assert!(
        checked >= 20,
        "only {checked} corpus specs have lint errors"
    );
}

#[test]
fn check_reports_a_crate_no_catalogue_entry_produces_and_write_keeps_it() {
    let scratch = scratch_workspace();
    let root = scratch.path();
    let stray = root.join("generated/retired-api/src");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::write(stray.join("lib.rs"), "// someone's work\n").unwrap();

    let outcome = codegen::run(root, APIS, Mode::Check).unwrap();
    let paths: Vec<_> = outcome.stale.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["generated/retired-api"]);
    assert!(outcome.stale[0].diff.contains("not produced by any entry"));

    codegen::run(root, APIS, Mode::Write).unwrap();
    assert!(
        stray.join("lib.rs").exists(),
        "codegen must never delete files it did not write"
    );
}
