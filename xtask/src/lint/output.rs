//! The text report for people: findings grouped by rule.
//!
//! A vendor's spec can carry thousands of warnings (Oxide: 287 inline enums
//! alone); one line each buries the few errors that matter. The grouped
//! form prints one header per rule with its count and what it checks, then
//! the first few places (every error up to [`ERRORS_SHOWN`], a few warnings),
//! errors first. `cargo xtask lint --all` prints every finding, one a line;
//! `--format json` keeps them all too.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Finding, LintReport, Rule, Severity};

/// How many errors of one rule are printed before "and N more".
pub const ERRORS_SHOWN: usize = 10;

/// How many warnings of one rule are printed before "and N more".
pub const WARNINGS_SHOWN: usize = 3;

impl LintReport {
    /// The report as `cargo xtask lint` prints it: a line for the spec,
    /// then each rule's findings, errors first.
    pub fn grouped(&self) -> String {
        let mut out = String::new();
        let profile = self
            .profile
            .map_or(String::new(), |p| format!(", {} profile", profile_name(p)));
        let format = self
            .format
            .map_or(String::new(), |f| format!(", read as {}", f.label()));
        let _ = writeln!(
            out,
            "{}{profile}{format}: {} error(s), {} warning(s)",
            self.file,
            self.errors(),
            self.warnings()
        );
        let mut groups: BTreeMap<(Severity, &'static str), (Rule, Vec<&Finding>)> = BTreeMap::new();
        for f in &self.findings {
            groups
                .entry((f.severity, f.rule.id()))
                .or_insert_with(|| (f.rule, Vec::new()))
                .1
                .push(f);
        }
        for ((severity, id), (rule, findings)) in groups {
            let shown = match severity {
                Severity::Error => ERRORS_SHOWN,
                Severity::Warning => WARNINGS_SHOWN,
            };
            let _ = writeln!(
                out,
                "  {}[{id}] ×{}: {}",
                severity.as_str(),
                findings.len(),
                rule.text()
            );
            for f in findings.iter().take(shown) {
                let _ = writeln!(
                    out,
                    "    {}:{}:{}: {} (at {})",
                    f.file, f.line, f.column, f.message, f.pointer
                );
            }
            if findings.len() > shown {
                let _ = writeln!(
                    out,
                    "    … and {} more (`--all` prints every one)",
                    findings.len() - shown
                );
            }
        }
        out
    }
}

fn profile_name(profile: super::Profile) -> &'static str {
    match profile {
        super::Profile::Transcribed => "transcribed",
        super::Profile::Vendor => "vendor",
    }
}
