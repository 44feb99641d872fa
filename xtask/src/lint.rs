//! `cargo xtask lint`: the quality gate for hand-transcribed specs.
//!
//! `spec::parse` only refuses what progenitor cannot generate; this module
//! catches the mistakes a transcriber makes and a reviewer misses (a `$ref`
//! typo, an undeclared path parameter, an example that no longer fits its
//! schema) and points at the line. It works on the document as JSON values so
//! that it sees exactly what `spec::parse` sees, and takes positions from a
//! second, position-keeping parse ([`crate::locate`]).
//!
//! [`lint_source`] never panics and never stops at the first finding, except
//! when the text is not an OpenAPI 3.0 document at all (not UTF-8, not YAML,
//! wrong version, wrong shape): then that one finding is the report.

mod examples;
mod operations;
mod refs;
mod schemas;

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::locate::{Position, Positions};
use crate::spec::escape_pointer;

/// How bad a finding is: errors fail the lint, warnings are printed only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails `cargo xtask lint` (exit code 1) and codegen.
    Error,
    /// Worth fixing; does not fail anything.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, at one place in one spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The spec, as given (relative to the workspace root for catalogue specs).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule name, such as `example-invalid`; see [`RULES`].
    pub rule: &'static str,
    /// What is wrong and, where it is not obvious, what to do.
    pub message: String,
    /// JSON pointer of the offending value (`/` for the whole document).
    pub pointer: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {} (at {})",
            self.file,
            self.line,
            self.column,
            self.severity.as_str(),
            self.rule,
            self.message,
            self.pointer
        )
    }
}

impl Finding {
    /// The finding as a JSON object, for `--format json`.
    pub fn to_json(&self) -> Value {
        json!({
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.as_str(),
            "rule": self.rule,
            "message": self.message,
            "pointer": self.pointer,
        })
    }
}

/// Every finding of one spec, in the order of the text.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The findings, sorted by line and column.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Whether there is nothing at all to report.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// One finding per line, as printed by `cargo xtask lint`.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

/// Every rule id, with what it checks (for `--help`-like listings and docs).
pub const RULES: &[(&str, &str)] = &[
    ("read", "the file can be read"),
    ("utf8", "the file is UTF-8 text"),
    ("empty", "the file is not empty"),
    ("yaml", "the file is valid YAML"),
    ("openapi-version", "the document is OpenAPI 3.0.x"),
    (
        "structure",
        "the document has the shape of an OpenAPI 3.0 document",
    ),
    ("ref-resolves", "every local `$ref` points at something"),
    ("ref-local", "no `$ref` points into another file"),
    ("ref-cycle", "no `$ref`/`allOf` chain leads back to itself"),
    ("unused-schema", "every component schema is used (warning)"),
    ("operation-id-missing", "every operation has an operationId"),
    (
        "operation-id-invalid",
        "operationIds are identifiers: ASCII letters and digits, single `_` or `-` between",
    ),
    (
        "operation-id-duplicate",
        "no two operationIds are equal, also after conversion to snake_case",
    ),
    (
        "path-param-undeclared",
        "every `{name}` of a path template is a declared path parameter",
    ),
    (
        "path-param-unused",
        "every declared path parameter appears in the template",
    ),
    (
        "path-param-required",
        "path parameters say `required: true`",
    ),
    ("operation-summary", "every operation has a summary"),
    ("operation-description", "every operation has a description"),
    ("operation-tags", "every operation has at least one tag"),
    (
        "operation-success-response",
        "every operation has a 2xx response",
    ),
    (
        "operation-security",
        "every operation has a security requirement (its own or the global one; `[]` for none)",
    ),
    (
        "security-scheme-unknown",
        "security requirements name declared security schemes",
    ),
    (
        "operation-external-docs",
        "every operation links to its documentation page",
    ),
    (
        "schema-property-type",
        "every schema property has a `type` or a `$ref`",
    ),
    (
        "schema-required-unknown",
        "`required` lists only properties the schema has",
    ),
    ("enum-inline", "enums are named component schemas"),
    ("enum-duplicate", "enum values are unique"),
    ("schema-format", "formats are known ones for their type"),
    (
        "example-invalid",
        "every example validates against its schema",
    ),
];

/// Command-line arguments of `cargo xtask lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `text` (one finding a line) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Spec files, relative to the workspace root; all catalogue specs by default.
    pub specs: Vec<String>,
}

/// `cargo xtask lint`: lint, print, pick the exit status (1 on any error).
pub fn run(args: &Args) -> ExitCode {
    let (format, specs) = (args.format.as_str(), args.specs.as_slice());
    let root = crate::codegen::workspace_root();
    let specs: Vec<&str> = match specs {
        [] => crate::catalogue::APIS.iter().map(|a| a.spec).collect(),
        named => named.iter().map(String::as_str).collect(),
    };
    let reports: Vec<Report> = specs.iter().map(|s| lint_file(&root, s)).collect();
    let errors: usize = reports.iter().map(Report::errors).sum();
    let warnings: usize = reports.iter().map(Report::warnings).sum();
    if format == "json" {
        let findings: Vec<_> = reports
            .iter()
            .flat_map(|r| r.findings.iter().map(Finding::to_json))
            .collect();
        let out =
            serde_json::json!({ "findings": findings, "errors": errors, "warnings": warnings });
        println!("{out:#}");
    } else {
        for report in &reports {
            print!("{report}");
        }
        println!(
            "{} spec(s) linted: {errors} error(s), {warnings} warning(s)",
            specs.len()
        );
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Lints the spec at `root/rel`; the report names the file `rel`.
pub fn lint_file(root: &Path, rel: &str) -> Report {
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => lint_source(Path::new(rel), &bytes),
        Err(e) => Report {
            findings: vec![Finding {
                file: rel.to_string(),
                line: 1,
                column: 1,
                severity: Severity::Error,
                rule: "read",
                message: format!("cannot read the file: {e}"),
                pointer: "/".to_string(),
            }],
        },
    }
}

/// Lints spec text; `path` is only used in findings. Codegen calls this
/// before generating and refuses to go on if [`Report::errors`] is not zero.
pub fn lint_source(path: &Path, bytes: &[u8]) -> Report {
    let file = path.display().to_string().replace('\\', "/");
    let mut lint = Lint {
        file,
        positions: Positions::default(),
        findings: Vec::new(),
    };
    if let Some(doc) = lint.load(bytes) {
        lint.check(&doc);
    }
    lint.finish()
}

/// The state of one run: where things are and what was found.
pub(crate) struct Lint {
    file: String,
    positions: Positions,
    findings: Vec<Finding>,
}

impl Lint {
    /// Adds an error at `pointer`.
    pub(crate) fn error(&mut self, rule: &'static str, pointer: &str, message: String) {
        self.push(Severity::Error, rule, pointer, message);
    }

    /// Adds a warning at `pointer`.
    pub(crate) fn warn(&mut self, rule: &'static str, pointer: &str, message: String) {
        self.push(Severity::Warning, rule, pointer, message);
    }

    fn push(&mut self, severity: Severity, rule: &'static str, pointer: &str, message: String) {
        let Position { line, column } = self.positions.locate(pointer);
        self.at(line, column, severity, rule, pointer, message);
    }

    fn at(
        &mut self,
        line: usize,
        column: usize,
        severity: Severity,
        rule: &'static str,
        pointer: &str,
        message: String,
    ) {
        self.findings.push(Finding {
            file: self.file.clone(),
            line,
            column,
            severity,
            rule,
            message,
            pointer: if pointer.is_empty() {
                "/".to_string()
            } else {
                pointer.to_string()
            },
        });
    }

    fn finish(mut self) -> Report {
        self.findings.sort_by(|a, b| {
            (a.line, a.column, a.severity, a.rule, &a.pointer, &a.message)
                .cmp(&(b.line, b.column, b.severity, b.rule, &b.pointer, &b.message))
        });
        self.findings.dedup();
        Report {
            findings: self.findings,
        }
    }

    /// Text to document, or the one finding that says why not.
    fn load(&mut self, bytes: &[u8]) -> Option<Value> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.valid_up_to();
                let before = &bytes[..offset];
                let line = before.iter().filter(|b| **b == b'\n').count() + 1;
                let line_start = before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&before[line_start..])
                    .chars()
                    .count()
                    + 1;
                self.at(
                    line,
                    column,
                    Severity::Error,
                    "utf8",
                    "",
                    format!("not UTF-8 text (invalid byte 0x{:02x} at offset {offset}); save the spec as UTF-8", bytes.get(offset).copied().unwrap_or(0)),
                );
                return None;
            }
        };
        if text.trim().is_empty() {
            self.at(
                1,
                1,
                Severity::Error,
                "empty",
                "",
                "the file is empty; expected an OpenAPI 3.0.x document".to_string(),
            );
            return None;
        }
        let doc: Value = match serde_yaml_ng::from_str(text) {
            Ok(doc) => doc,
            Err(e) => {
                let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                let message = e.to_string();
                let suffix = format!(" at line {line} column {column}");
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                let hint = yaml_hint(text, line, message);
                self.at(
                    line,
                    column,
                    Severity::Error,
                    "yaml",
                    "",
                    format!("invalid YAML: {message}{hint}"),
                );
                return None;
            }
        };
        self.positions = Positions::of_yaml(text);
        if !self.check_version(&doc) {
            return None;
        }
        if let Err(e) = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc) {
            let pointer = pointer_of(e.path());
            self.error(
                "structure",
                &pointer,
                format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            );
            return None;
        }
        Some(doc)
    }

    /// progenitor reads OpenAPI 3.0.x only: say so plainly for 2.0 and 3.1.
    fn check_version(&mut self, doc: &Value) -> bool {
        let Some(map) = doc.as_object() else {
            self.error(
                "openapi-version",
                "",
                "expected a YAML mapping with `openapi: 3.0.x` at the top".to_string(),
            );
            return false;
        };
        if let Some(swagger) = map.get("swagger") {
            self.error(
                "openapi-version",
                "/swagger",
                format!(
                    "this is a Swagger {} document; only OpenAPI 3.0.x is supported: convert it to 3.0.3 first",
                    scalar(swagger)
                ),
            );
            return false;
        }
        match map.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0.") => true,
            Some(Value::String(v)) if v.starts_with("3.1") => {
                self.error(
                    "openapi-version",
                    "/openapi",
                    format!(
                        "OpenAPI {v} is not supported: progenitor reads OpenAPI 3.0.x only; write the spec as 3.0.3"
                    ),
                );
                false
            }
            None => {
                self.error(
                    "openapi-version",
                    "",
                    "missing the `openapi` field; expected `openapi: 3.0.3`".to_string(),
                );
                false
            }
            Some(other) => {
                self.error(
                    "openapi-version",
                    "/openapi",
                    format!(
                        "unsupported OpenAPI version {}; expected a string `3.0.x`",
                        scalar(other)
                    ),
                );
                false
            }
        }
    }

    fn check(&mut self, doc: &Value) {
        refs::check(self, doc);
        operations::check(self, doc);
        schemas::check(self, doc);
    }
}

/// What to do about the YAML errors people make most.
fn yaml_hint(text: &str, line: usize, message: &str) -> &'static str {
    let tab = text
        .lines()
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.trim_start_matches(' ').starts_with('\t'));
    if tab {
        "; the line is indented with a tab, and YAML allows only spaces"
    } else if message.contains("recursion limit") {
        "; the document nests more than 128 levels deep"
    } else {
        ""
    }
}

/// `a` + `/` + escaped `segment`.
pub(crate) fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_pointer(segment))
}

/// A scalar as a person would write it (strings without quotes).
pub(crate) fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Follows a local `$ref` (`#/...`); `None` for anything else or nothing there.
pub(crate) fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `value`, or what its `$ref` chain ends at (at most 32 hops, so a cycle
/// ends too), with the pointer it was found at.
pub(crate) fn deref<'a>(doc: &'a Value, value: &'a Value, pointer: &str) -> (&'a Value, String) {
    let mut current = value;
    let mut at = pointer.to_string();
    for _ in 0..32 {
        let Some(Value::String(reference)) = current.get("$ref") else {
            return (current, at);
        };
        match resolve(doc, reference) {
            Some(target) => {
                current = target;
                at = reference.trim_start_matches('#').to_string();
            }
            None => return (current, at),
        }
    }
    (current, at)
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out = join(&out, key),
            Segment::Enum { variant } => out = join(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}
