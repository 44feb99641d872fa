//! `cargo xtask lint`: the real specs are clean, each bad spec gives its one
//! precise finding at the right line, and no input makes lint or codegen
//! panic.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use proptest::prelude::*;
use xtask::catalogue::APIS;
use xtask::lint::{self, LintReport};
use xtask::spec;

/// What `cargo xtask lint SPEC` prints for it, with the totals line.
fn rendered(report: &LintReport) -> String {
    format!(
        "{report}{} error(s), {} warning(s)",
        report.errors(),
        report.warnings()
    )
}

/// spec::load then codegen, as `cargo xtask codegen` runs them: an error
/// or a success is fine, a panic is a bug in our code.
fn codegen_never_panics(rel: &str, bytes: &[u8]) {
    let settings = APIS[0].settings;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        spec::load(
            spec::Source::Text(Path::new(rel), bytes),
            spec::Policy::Checked,
        )
        .map_err(anyhow::Error::from)
        .and_then(|spec| xtask::pipeline::generate(&spec, &settings).map(|_| ()))
    }));
    assert!(outcome.is_ok(), "spec::load or codegen panicked on {rel}");
}

fn lint_fixture(name: &str) -> String {
    let rel = format!("tests/fixtures/bad-specs/{name}");
    let bytes = std::fs::read(workspace_tests::fixture(&format!("bad-specs/{name}"))).unwrap();
    let report = lint::lint(
        spec::Source::Text(Path::new(&rel), &bytes),
        lint::Profile::Transcribed,
    )
    .0;
    assert!(
        !report.is_clean(),
        "{name} is meant to be broken, but lints clean"
    );
    codegen_never_panics(&rel, &bytes);
    rendered(&report)
}

macro_rules! bad_spec {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), lint_fixture($file));
        }
    };
}

// The codegen fixtures: the lint finds what codegen refuses, and more.
bad_spec!(openapi_3_1, "openapi-3-1.yaml");
bad_spec!(swagger_2, "swagger-2.yaml");
bad_spec!(missing_operation_id, "missing-operation-id.yaml");
bad_spec!(invalid_yaml, "invalid-yaml.yaml");
bad_spec!(dangling_ref, "dangling-ref.yaml");
bad_spec!(undeclared_path_parameter, "undeclared-path-parameter.yaml");
bad_spec!(mixed_success_schemas, "mixed-success-schemas.yaml");
bad_spec!(
    bodyless_error_beside_bodied,
    "bodyless-error-beside-bodied.yaml"
);
// One mistake each, in an otherwise clean spec.
bad_spec!(operation_id_duplicate, "lint-operation-id-duplicate.yaml");
bad_spec!(operation_id_invalid, "lint-operation-id-invalid.yaml");
bad_spec!(path_param_undeclared, "lint-path-param-undeclared.yaml");
bad_spec!(path_param_unused, "lint-path-param-unused.yaml");
bad_spec!(path_param_optional, "lint-path-param-optional.yaml");
bad_spec!(missing_summary, "lint-missing-summary.yaml");
bad_spec!(missing_description, "lint-missing-description.yaml");
bad_spec!(missing_tags, "lint-missing-tags.yaml");
bad_spec!(no_success_response, "lint-no-success-response.yaml");
bad_spec!(no_security, "lint-no-security.yaml");
bad_spec!(security_scheme_unknown, "lint-security-scheme-unknown.yaml");
bad_spec!(missing_external_docs, "lint-missing-external-docs.yaml");
bad_spec!(property_without_type, "lint-property-without-type.yaml");
bad_spec!(required_unknown, "lint-required-unknown.yaml");
bad_spec!(enum_inline, "lint-enum-inline.yaml");
bad_spec!(enum_duplicate, "lint-enum-duplicate.yaml");
bad_spec!(schema_format, "lint-schema-format.yaml");
bad_spec!(unused_schema, "lint-unused-schema.yaml");
bad_spec!(example_max_length, "lint-example-max-length.yaml");
bad_spec!(example_required, "lint-example-required.yaml");
bad_spec!(example_type, "lint-example-type.yaml");
bad_spec!(example_enum, "lint-example-enum.yaml");
bad_spec!(example_date_time, "lint-example-date-time.yaml");
bad_spec!(ref_cycle, "lint-ref-cycle.yaml");
bad_spec!(ref_missing_file, "lint-ref-missing-file.yaml");
bad_spec!(tab_indented, "lint-tab-indented.yaml");
bad_spec!(empty, "lint-empty.yaml");
bad_spec!(not_utf8, "lint-not-utf8.yaml");
bad_spec!(deeply_nested, "lint-deeply-nested.yaml");

#[test]
fn real_specs_lint_clean() {
    let root = workspace_tests::root();
    for api in APIS {
        let report = lint::lint(spec::Source::Disk(&root, api.spec), api.profile).0;
        assert!(report.is_clean(), "{}:\n{report}", api.spec);
    }
}

/// The one-mistake fixtures are this spec plus their mistake.
const CLEAN: &str = r#"openapi: 3.0.3
info:
  title: Fixture
  version: '1'
security:
  - token: []
paths:
  /things/{thingId}:
    put:
      operationId: updateThing
      tags:
        - Things
      summary: Update a thing
      description: Changes one thing and returns it.
      externalDocs:
        url: https://example.com/docs/update-thing
      parameters:
        - name: thingId
          in: path
          required: true
          schema:
            type: string
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Thing'
            example:
              name: Short name
      responses:
        '200':
          description: The thing after the update.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
components:
  securitySchemes:
    token:
      type: http
      scheme: bearer
  schemas:
    Thing:
      type: object
      required:
        - name
      properties:
        name:
          type: string
          maxLength: 50
          example: Short name
"#;

#[test]
fn the_fixture_base_is_clean() {
    let report = lint::lint(
        spec::Source::Text(Path::new("clean.yaml"), CLEAN.as_bytes()),
        lint::Profile::Transcribed,
    )
    .0;
    assert!(report.is_clean(), "{report}");
}

/// `count` operations like the fixture's, each on its own path.
fn many_operations(count: usize) -> String {
    let (head, rest) = CLEAN.split_once("paths:\n").unwrap();
    let (path_item, components) = rest.split_once("components:\n").unwrap();
    let mut out = format!("{head}paths:\n");
    for i in 0..count {
        out.push_str(
            &path_item
                .replace("/things/{thingId}", &format!("/things{i}/{{thingId}}"))
                .replace("updateThing", &format!("updateThing{i}")),
        );
    }
    out.push_str("components:\n");
    out.push_str(components);
    out
}

/// A 5 MB spec whose last operation reuses the first one's operationId: the
/// finding must carry the right line, and lint must stay fast.
#[test]
fn five_megabyte_spec() {
    let mut text = many_operations(6500);
    let last = text.rfind("operationId: updateThing6499").unwrap();
    text.replace_range(
        last..last + "operationId: updateThing6499".len(),
        "operationId: updateThing0",
    );
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    let line = text[..last].matches('\n').count() + 1;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), &text).unwrap();
    let started = Instant::now();
    let report = lint::lint(
        spec::Source::Disk(dir.path(), "big.yaml"),
        lint::Profile::Transcribed,
    )
    .0;
    let elapsed = started.elapsed();
    assert_eq!(report.findings.len(), 1, "{report}");
    assert_eq!(report.findings[0].line, line);
    assert_eq!(report.findings[0].column, 7);
    insta::assert_snapshot!(rendered(&report));
    // Debug build, shared machine: generous, but catches a quadratic walk.
    assert!(elapsed.as_secs() < 20, "lint took {elapsed:?}");
    codegen_never_panics("big.yaml", text.as_bytes());
}

#[test]
fn json_output_has_the_same_findings() {
    let bytes = std::fs::read(workspace_tests::fixture(
        "bad-specs/lint-example-max-length.yaml",
    ))
    .unwrap();
    let report = lint::lint(
        spec::Source::Text(Path::new("x.yaml"), &bytes),
        lint::Profile::Transcribed,
    )
    .0;
    let json = report.findings[0].to_json();
    assert_eq!(json["rule"], "example-invalid");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["line"], report.findings[0].line);
    assert_eq!(json["pointer"], report.findings[0].pointer.as_str());
}

/// One way to break a spec's text.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceChar(usize, char),
    InsertText(usize, &'static str),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let chars = prop::sample::select(vec![
        ':', '{', '}', '[', '-', '\t', '#', '"', '\'', ' ', 'x', '&', '*', '$', '\n', 'é',
    ]);
    let snippets = prop::sample::select(vec![
        "$ref: '#/components/schemas/Nope'\n",
        "  - ",
        "enum: [a, a]\n",
        "example: 12\n",
        "type: strin\n",
        "{",
        "!!binary ",
        "&a ",
        "*a\n",
        "? [x]\n",
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), chars).prop_map(|(i, c)| Mutation::ReplaceChar(i, c)),
        (any::<usize>(), snippets).prop_map(|(i, s)| Mutation::InsertText(i, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let n = lines.len().max(1);
    // Mutation offsets land on char boundaries.
    let boundary = |i: usize| {
        let mut i = i % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match *m {
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
            lines.concat()
        }
        Mutation::DuplicateLine(i) => {
            if let Some(l) = lines.get(i % n).copied() {
                lines.insert(i % n, l);
            }
            lines.concat()
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.concat()
        }
        Mutation::ReplaceChar(i, c) => {
            let i = boundary(i);
            let mut out = text.to_string();
            if let Some(old) = out[i..].chars().next() {
                out.replace_range(i..i + old.len_utf8(), &c.to_string());
            }
            out
        }
        Mutation::InsertText(i, s) => {
            let mut out = text.to_string();
            out.insert_str(boundary(i), s);
            out
        }
        Mutation::Truncate(i) => text[..boundary(i)].to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Mutated real specs: lint, spec::load and codegen answer with an
    /// error or a success, never a panic.
    #[test]
    fn mutated_specs_never_panic(
        which in 0..APIS.len(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let api = &APIS[which];
        let original = std::fs::read_to_string(workspace_tests::root().join(api.spec)).unwrap();
        let mut text = original;
        for m in &mutations {
            text = apply(&text, m);
        }
        let report = panic::catch_unwind(|| lint::lint(spec::Source::Text(Path::new(api.spec), text.as_bytes()), lint::Profile::Transcribed).0);
        prop_assert!(report.is_ok(), "lint panicked");
        codegen_never_panics(api.spec, text.as_bytes());
    }
}

/// Our own specs are linted as transcribed: every house rule, broken on
/// the loaded spec, is an error for them, and only a warning for a vendor.
#[test]
fn catalogue_specs_get_every_house_rule_as_an_error() {
    use serde_json::json;
    use xtask::lint::{Profile, Rule, Severity};

    let root = workspace_tests::root();
    let house_rules = [
        Rule::OperationIdInvalid,
        Rule::OperationSummary,
        Rule::OperationDescription,
        Rule::OperationTags,
        Rule::OperationSecurity,
        Rule::OperationExternalDocs,
        Rule::SchemaPropertyType,
        Rule::SchemaRequiredUnknown,
        Rule::EnumInline,
        Rule::SchemaFormat,
        Rule::ExampleInvalid,
    ];
    for api in APIS {
        assert_eq!(api.profile, Profile::Transcribed, "{}", api.name);
        assert_eq!(lint::profile_of(api.spec), Profile::Transcribed);
        let mut spec =
            spec::load(spec::Source::Disk(&root, api.spec), spec::Policy::Checked).unwrap();
        let op = spec::operations(&spec.openapi).remove(0).at();
        let at = format!(
            "/paths/{}/{}",
            spec::escape_pointer(&op.path),
            op.method.unwrap().key()
        );
        let doc = &mut spec.value;
        doc.as_object_mut().unwrap().remove("security");
        let operation = doc.pointer_mut(&at).unwrap().as_object_mut().unwrap();
        for key in ["summary", "description", "tags", "externalDocs", "security"] {
            operation.remove(key);
        }
        operation.insert("operationId".into(), json!("not an identifier"));
        let schemas = doc
            .pointer_mut("/components/schemas")
            .unwrap()
            .as_object_mut()
            .unwrap();
        schemas.insert(
            "Broken".into(),
            json!({
                "type": "object",
                "required": ["missing"],
                "properties": {
                    "colour": {"type": "string", "enum": ["red"]},
                    "untyped": {"description": "no type"},
                    "when": {"type": "string", "format": "datetime"},
                    "short": {"type": "string", "maxLength": 1, "example": "too long"}
                }
            }),
        );
        for (profile, severity) in [
            (api.profile, Severity::Error),
            (Profile::Vendor, Severity::Warning),
        ] {
            let report = lint::lint_spec(&spec, profile);
            for rule in house_rules {
                assert!(
                    report
                        .findings
                        .iter()
                        .any(|f| f.rule == rule && f.severity == severity),
                    "{}: no {} {rule} under {profile:?}:\n{report}",
                    api.name,
                    severity.as_str()
                );
            }
        }
    }
}

/// The bad-spec corpus read from disk with the transcribed profile gives
/// exactly what the snapshots above show (`lint::lint` of the text); with the vendor
/// profile, the same house-rule findings as warnings.
#[test]
fn bad_specs_keep_their_findings_and_vendors_get_warnings() {
    use xtask::lint::{Profile, Severity};

    let root = workspace_tests::root();
    let dir = workspace_tests::fixture("bad-specs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let rel = format!("tests/fixtures/bad-specs/{name}");
        let bytes = std::fs::read(root.join(&rel)).unwrap();
        let source = lint::lint(
            spec::Source::Text(Path::new(&rel), &bytes),
            lint::Profile::Transcribed,
        )
        .0;
        let transcribed = lint::lint(spec::Source::Disk(&root, &rel), Profile::Transcribed).0;
        assert_eq!(source.findings, transcribed.findings, "{rel}");
        let vendor = lint::lint(spec::Source::Disk(&root, &rel), Profile::Vendor).0;
        for f in &transcribed.findings {
            if f.rule.severity(Profile::Vendor) == Severity::Warning {
                let demoted = lint::Finding {
                    severity: Severity::Warning,
                    ..f.clone()
                };
                assert!(
                    vendor.findings.contains(&demoted),
                    "{rel}: {f} is not a warning for a vendor:\n{vendor}"
                );
            }
        }
    }
}
