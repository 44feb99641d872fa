//! `cargo xtask lint`: how far a spec is from what we want, as findings at
//! the vendor's own file and line.
//!
//! Two profiles ([`Profile`]): a spec we transcribe by hand gets every house
//! rule as an error (a `$ref` typo, an undeclared path parameter, an example
//! that no longer fits its schema, a missing documentation link); a spec as
//! its vendor publishes it gets an error only for what would stop code
//! generation or make the client wrong, and the house rules as warnings
//! (the table is [`Rule::severity`]).
//!
//! The lint works on the document [`crate::spec`] reads: converted to
//! OpenAPI 3.0 and bundled, so that it sees exactly what code generation
//! sees, with each finding placed back where the vendor wrote it. It never
//! panics and never stops at the first finding, except when the document
//! cannot be read at all: then the reasons it cannot are the report.

mod examples;
mod operations;
mod output;
mod refs;
mod rules;
mod schemas;

use std::fmt;
use std::io::Write as _;
use std::process::ExitCode;

use serde_json::{Value, json};

pub use crate::catalogue::Profile;
use crate::spec::{self, LoadError, Policy, ProblemKind, Source, SourceFormat, Spec};
pub use rules::Rule;

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

/// One problem, at one place in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The file the vendor wrote it in, as given (relative to the workspace
    /// root for catalogue specs).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong and, where it is not obvious, what to do.
    pub message: String,
    /// JSON pointer of the offending value in that file (`/` for the whole
    /// file).
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
            "rule": self.rule.id(),
            "message": self.message,
            "pointer": self.pointer,
        })
    }
}

/// Every finding of one spec, in the order of the text.
#[derive(Clone, Debug, Default)]
pub struct LintReport {
    /// The spec linted, as given.
    pub file: String,
    /// The profile it was linted with.
    pub profile: Option<Profile>,
    /// What the vendor published, when the document could be read.
    pub format: Option<SourceFormat>,
    /// The findings, sorted by file, line and column.
    pub findings: Vec<Finding>,
}

impl LintReport {
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

    /// The errors alone, one a line: what codegen quotes when it refuses.
    pub fn error_lines(&self) -> String {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{f}\n"))
            .collect()
    }
}

/// One finding per line, as `cargo xtask lint --all` prints them.
impl fmt::Display for LintReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

/// Command-line arguments of `cargo xtask lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `text` (findings grouped by rule) or `json` (every finding).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// How strictly to judge: the catalogue's profile for its specs,
    /// `vendor` for any other file, unless given here.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Print every finding, one a line, instead of a few per rule.
    #[arg(long)]
    pub all: bool,
    /// Spec files, relative to the workspace root; all catalogue specs by default.
    pub specs: Vec<String>,
}

/// The profile of a spec: the catalogue's for its own specs, `vendor` for
/// anything else.
pub fn profile_of(rel: &str) -> Profile {
    let rel = rel.trim_start_matches("./");
    crate::catalogue::APIS
        .iter()
        .find(|api| api.spec == rel)
        .map_or(Profile::Vendor, |api| api.profile)
}

/// `cargo xtask lint`: lint, print, pick the exit status (1 on any error).
pub fn run(args: &Args) -> ExitCode {
    let root = crate::workspace::root();
    let specs: Vec<&str> = match args.specs.as_slice() {
        [] => crate::catalogue::APIS.iter().map(|a| a.spec).collect(),
        named => named.iter().map(String::as_str).collect(),
    };
    let reports: Vec<LintReport> = specs
        .iter()
        .map(|s| {
            lint(
                Source::Disk(&root, s),
                args.profile.unwrap_or_else(|| profile_of(s)),
            )
            .0
        })
        .collect();
    let errors: usize = reports.iter().map(LintReport::errors).sum();
    let warnings: usize = reports.iter().map(LintReport::warnings).sum();
    let mut out = String::new();
    if args.format == "json" {
        let findings: Vec<_> = reports
            .iter()
            .flat_map(|r| r.findings.iter().map(Finding::to_json))
            .collect();
        let json =
            serde_json::json!({ "findings": findings, "errors": errors, "warnings": warnings });
        out = format!("{json:#}\n");
    } else {
        for report in &reports {
            if args.all {
                out.push_str(&report.to_string());
            } else {
                out.push_str(&report.grouped());
            }
        }
        out.push_str(&format!(
            "{} spec(s) linted: {errors} error(s), {warnings} warning(s)\n",
            specs.len()
        ));
    }
    // `cargo xtask lint | head` closes the pipe early: not worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads the document `source` names and lints it with `profile`: the
/// report, and the spec when it could be read (code generation goes on with
/// it when the report has no error). A document that cannot be read is
/// reported as findings saying why.
pub fn lint(source: Source<'_>, profile: Profile) -> (LintReport, Option<Spec>) {
    match load(source, profile) {
        Ok(spec) => (lint_spec(&spec, profile), Some(spec)),
        Err(report) => (report, None),
    }
}

/// Reads the document `source` names the way `profile` reads it; when it
/// cannot be read, the report that says why (every reason, at its line).
///
/// A transcribed spec is one self-contained file (`$ref`s into other files
/// are the `ref-local` error), so only its own text is read; a vendor's
/// document is read with every file it refers to.
pub fn load(source: Source<'_>, profile: Profile) -> Result<Spec, LintReport> {
    let source = match (source, profile) {
        (Source::Disk(root, rel), Profile::Transcribed) => Source::Alone(root, rel),
        (source, _) => source,
    };
    spec::load(source, Policy::Read).map_err(|e| unreadable(&source.name(), profile, &e))
}

/// Lints a spec already read (no second parse) with `profile`.
pub fn lint_spec(spec: &Spec, profile: Profile) -> LintReport {
    run_lint(spec, profile, false)
}

/// [`lint_spec`] keeping only the errors: what codegen needs to decide.
/// Warnings are not even located (finding a vendor's line for each of
/// thousands of warnings is most of the lint's cost).
pub fn lint_errors(spec: &Spec, profile: Profile) -> LintReport {
    run_lint(spec, profile, true)
}

fn run_lint(spec: &Spec, profile: Profile, errors_only: bool) -> LintReport {
    let mut lint = Lint {
        spec,
        profile,
        errors_only,
        findings: Vec::new(),
    };
    lint.check();
    lint.finish()
}

/// The report of a document that cannot be read: one finding per reason.
fn unreadable(file: &str, profile: Profile, error: &LoadError) -> LintReport {
    let mut findings: Vec<Finding> = error
        .problems
        .iter()
        .map(|p| {
            let rule = match p.kind {
                ProblemKind::Read => Rule::Read,
                ProblemKind::Utf8 => Rule::Utf8,
                ProblemKind::Empty => Rule::Empty,
                ProblemKind::Yaml => Rule::Yaml,
                ProblemKind::Version => Rule::OpenapiVersion,
                ProblemKind::Conversion => Rule::Conversion,
                ProblemKind::RefFile => Rule::RefFile,
                ProblemKind::RefUrl => Rule::RefUrl,
                ProblemKind::RefExternal => Rule::RefLocal,
                ProblemKind::RefCycle => Rule::RefCycle,
                // The lint reads with `Policy::Read`, which refuses nothing.
                ProblemKind::Structure | ProblemKind::Refused => Rule::Structure,
            };
            Finding {
                file: p.location.file.clone(),
                line: p.location.line,
                column: p.location.column,
                severity: rule.severity(profile),
                rule,
                message: p.message.clone(),
                pointer: slash(&p.location.pointer),
            }
        })
        .collect();
    sort(&mut findings);
    LintReport {
        file: file.to_string(),
        profile: Some(profile),
        format: None,
        findings,
    }
}

/// `/` for the whole document, else the pointer.
fn slash(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".to_string()
    } else {
        pointer.to_string()
    }
}

fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            &a.file,
            a.line,
            a.column,
            a.severity,
            a.rule.id(),
            &a.pointer,
            &a.message,
        )
            .cmp(&(
                &b.file,
                b.line,
                b.column,
                b.severity,
                b.rule.id(),
                &b.pointer,
                &b.message,
            ))
    });
    findings.dedup();
}

/// The state of one run: the spec, the profile, what was found.
pub(crate) struct Lint<'a> {
    spec: &'a Spec,
    profile: Profile,
    /// Drop warnings as they are found.
    errors_only: bool,
    findings: Vec<Finding>,
}

impl Lint<'_> {
    /// Adds a finding of `rule` about the value at `pointer` of the
    /// converted document, with the severity the profile gives the rule.
    pub(crate) fn report(&mut self, rule: Rule, pointer: &str, message: String) {
        if self.errors_only && rule.severity(self.profile) != Severity::Error {
            return;
        }
        let at = self.spec.locate(pointer);
        self.findings.push(Finding {
            file: at.file,
            line: at.line,
            column: at.column,
            severity: rule.severity(self.profile),
            rule,
            message,
            pointer: slash(&at.pointer),
        });
    }

    /// The profile the spec is linted with.
    pub(crate) fn profile(&self) -> Profile {
        self.profile
    }

    fn finish(mut self) -> LintReport {
        sort(&mut self.findings);
        LintReport {
            file: self.spec.path.display().to_string().replace('\\', "/"),
            profile: Some(self.profile),
            format: Some(self.spec.format),
            findings: self.findings,
        }
    }

    fn check(&mut self) {
        let spec = self.spec;
        if self.profile == Profile::Transcribed {
            self.version();
        }
        for note in &spec.notes {
            self.report(Rule::Converted, &note.pointer, note.message.clone());
        }
        let doc = &spec.value;
        refs::check(self, doc);
        operations::check(self, doc);
        schemas::check(self, doc);
    }

    /// Our own specs are written as OpenAPI 3.0.x, even though Swagger 2.0
    /// and 3.1 are read.
    fn version(&mut self) {
        let written = match self.spec.format {
            SourceFormat::OpenApi30 => return,
            SourceFormat::Swagger2 => "this is a Swagger 2.0 document".to_string(),
            SourceFormat::OpenApi31 => "this is an OpenAPI 3.1 document".to_string(),
        };
        self.report(
            Rule::OpenapiVersion,
            "/openapi",
            format!(
                "{written}; a transcribed spec is written as OpenAPI 3.0.3 (vendor documents are converted when read)"
            ),
        );
    }
}

pub(crate) use crate::spec::{display_scalar as scalar, join_pointer as join};
