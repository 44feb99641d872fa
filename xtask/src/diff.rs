//! `cargo xtask diff`: what a spec change does to the people who use the
//! generated clients, as a report for the pull request that makes it.
//!
//! For each API of the catalogue it compares the spec at a base revision
//! (read with `git show`, so the working tree is never touched) with the
//! spec in the working tree, twice:
//!
//! - [`rules`]: the specs themselves, change by change, each the finding of
//!   one [`rules::Rule`] of a table that says how it affects a client
//!   (breaking, potentially breaking or non-breaking) and why;
//! - [`rust`]: the public API of the crate generated (in memory) from each
//!   version, as [`surface`] reads it from the code, and the semver bump its
//!   next release needs.

mod cache;
mod reduce;
pub mod rules;
pub mod rust;
pub mod surface;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use crate::catalogue::{self, Settings};
use crate::spec::{self, Policy, Source, Spec};

// The spec half needs neither operationIds nor descriptions, so both
// versions are read without the checks codegen needs
// ([`Policy::Read`]); what codegen then cannot do, the Rust half reports.

pub use rules::{Change, Impact};
pub use rust::{Bump, ItemChange};

/// Command-line arguments of `cargo xtask diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Git revision to compare the working tree with (default: the
    /// merge-base of HEAD and `main`).
    #[arg(conflicts_with_all = ["old", "new"])]
    pub base: Option<String>,
    /// Compare two spec files instead: the old one...
    #[arg(long, requires = "new", value_name = "SPEC")]
    pub old: Option<PathBuf>,
    /// ...and the new one.
    #[arg(long, requires = "old", value_name = "SPEC")]
    pub new: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Exit with a failure status when a change this severe (or worse) exists.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
}

/// How the report is printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For a pull-request comment.
    Markdown,
    /// For tools.
    Json,
    /// GitHub Actions annotations at the spec lines of breaking changes.
    Github,
}

/// The `--fail-on` threshold.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Fail only on breaking changes.
    Breaking,
    /// Fail on breaking and potentially breaking changes.
    PotentiallyBreaking,
}

/// The whole report: one entry per API.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// What was compared with what, for people: "`main` → working tree".
    pub compared: String,
    /// One per API, in catalogue order.
    pub apis: Vec<ApiReport>,
}

/// The report for one API.
#[derive(Clone, Debug, Serialize)]
pub struct ApiReport {
    /// Catalogue name (or the spec file's name when comparing files).
    pub api: String,
    /// Why there is nothing to compare, when there is not.
    pub note: Option<String>,
    /// Spec changes, most severe first.
    pub changes: Vec<Change>,
    /// Changed items of the generated crate's public API.
    pub rust: Vec<ItemChange>,
    /// Why the generated crate's API could not be compared, when it could
    /// not (a version that does not generate); the spec changes are
    /// complete all the same.
    pub rust_missing: Option<String>,
    /// The bump the generated crate's next release needs.
    pub bump: Bump,
    /// The generated crate's version now, when known.
    pub version: Option<String>,
    /// The version a release with these changes should have.
    pub next_version: Option<String>,
}

impl ApiReport {
    fn count(&self, severity: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == severity).count()
    }
}

/// `cargo xtask diff`: build the report, print it, pick the exit status.
pub fn run(args: &Args) -> Result<ExitCode> {
    let report = match (&args.old, &args.new) {
        (Some(old), Some(new)) => compare_files(old, new)?,
        _ => against_revision(&crate::workspace::root(), args.base.as_deref())?,
    };
    let text = match args.format {
        Format::Markdown => report.markdown(),
        Format::Json => report.json()? + "\n",
        Format::Github => report.github(),
    };
    // `cargo xtask diff | head` closes the pipe early; that is not an error.
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(e).context("cannot write the report");
        }
        _ => {}
    }
    Ok(if report.fails(args.fail_on) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

impl DiffReport {
    /// Whether `--fail-on` asks for a failure status.
    pub fn fails(&self, fail_on: Option<FailOn>) -> bool {
        let worst = match fail_on {
            None => return false,
            Some(FailOn::Breaking) => Impact::Breaking,
            Some(FailOn::PotentiallyBreaking) => Impact::PotentiallyBreaking,
        };
        self.apis
            .iter()
            .flat_map(|a| &a.changes)
            .any(|c| c.impact <= worst)
    }

    /// The report as pretty-printed JSON.
    pub fn json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).context("cannot serialise the report")
    }

    /// The report as Markdown for a pull-request comment: a summary table,
    /// then, for each API that changed, its spec changes grouped by
    /// severity (the breaking ones open, the rest folded) and the generated
    /// API's diff (folded).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## API changes: {}\n", self.compared);
        let _ = writeln!(
            out,
            "| API | breaking | potentially breaking | non-breaking | generated crate |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---|");
        for api in &self.apis {
            let crate_cell = match (&api.note, &api.rust_missing, api.bump) {
                (Some(note), _, _) => note.clone(),
                (None, Some(_), _) => "not compared (see below)".to_string(),
                (None, None, Bump::None) => "unchanged".to_string(),
                (None, None, bump) => match (&api.version, &api.next_version) {
                    (Some(v), Some(n)) => format!("{} ({v} → {n})", bump.label()),
                    _ => bump.label().to_string(),
                },
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                api.api,
                api.count(Impact::Breaking),
                api.count(Impact::PotentiallyBreaking),
                api.count(Impact::NonBreaking),
                cell(&crate_cell)
            );
        }
        for api in &self.apis {
            if api.changes.is_empty() && api.rust.is_empty() && api.rust_missing.is_none() {
                continue;
            }
            let _ = writeln!(out, "\n### {}\n", api.api);
            if api.changes.is_empty() {
                let _ = writeln!(out, "No spec changes.\n");
            }
            for impact in [
                Impact::Breaking,
                Impact::PotentiallyBreaking,
                Impact::NonBreaking,
            ] {
                let changes: Vec<_> = api.changes.iter().filter(|c| c.impact == impact).collect();
                if changes.is_empty() {
                    continue;
                }
                let open = if impact == Impact::Breaking {
                    " open"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "<details{open}><summary><b>{}</b>: {}</summary>\n",
                    capitalised(impact.label()),
                    changes.len()
                );
                let _ = writeln!(out, "| where | change | rule | why |");
                let _ = writeln!(out, "|---|---|---|---|");
                for c in changes {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | `{}` | {} |",
                        cell(&c.location),
                        cell(&c.change),
                        c.rule,
                        cell(c.reason)
                    );
                }
                let _ = writeln!(out, "\n</details>\n");
            }
            if let Some(why) = &api.rust_missing {
                let _ = writeln!(out, "Generated Rust API: not compared, because {why}.");
                continue;
            }
            if api.rust.is_empty() {
                let _ = writeln!(out, "Generated Rust API: unchanged.");
                continue;
            }
            let version = match (&api.version, &api.next_version) {
                (Some(v), Some(n)) => format!(" ({v} → {n})"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "<details><summary>Generated Rust API: needs a <b>{}</b> release{version}</summary>\n\n```diff",
                api.bump.label()
            );
            for item in &api.rust {
                let _ = writeln!(
                    out,
                    " {}  // {}: {}",
                    item.item,
                    item.bump.label(),
                    item.reason
                );
                for line in &item.lines {
                    let _ = writeln!(out, "{line}");
                }
            }
            let _ = writeln!(out, "```\n\n</details>");
        }
        out
    }

    /// The report as GitHub Actions workflow commands: an error annotation
    /// at the spec line of each breaking change, a warning at each
    /// potentially breaking one, and a warning for a Rust half not
    /// compared. Non-breaking changes are left to the Markdown report.
    pub fn github(&self) -> String {
        let mut out = String::new();
        let mut seen = std::collections::BTreeSet::new();
        for api in &self.apis {
            for c in &api.changes {
                let level = match c.impact {
                    Impact::Breaking => "error",
                    Impact::PotentiallyBreaking => "warning",
                    Impact::NonBreaking => continue,
                };
                let mut place = String::new();
                if let (Some(file), Some(line)) = (&c.file, c.line) {
                    place = format!("file={},line={line},", property(file));
                }
                let title = property(&format!("{} ({})", c.rule, api.api));
                let message = data(&format!("{}: {} ({})", c.location, c.change, c.reason));
                let line = format!("::{level} {place}title={title}::{message}");
                // A shared schema's change is found at every operation
                // that uses it, at one line: one annotation says it.
                if seen.insert(line.clone()) {
                    let _ = writeln!(out, "{line}");
                }
            }
            if let Some(why) = &api.rust_missing {
                let title = property(&format!("generated API not compared ({})", api.api));
                let _ = writeln!(out, "::warning title={title}::{}", data(why));
            }
        }
        out
    }
}

/// "Potentially breaking" from "potentially breaking".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A workflow command's message, escaped as the runner reads it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`file=`, `title=`), escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Compares every catalogue spec at git revision `base` (default: the
/// merge-base of HEAD and `main`) with the working tree under `root`.
pub fn against_revision(root: &Path, base: Option<&str>) -> Result<DiffReport> {
    let (rev, label) = match base {
        Some(rev) => (rev.to_string(), format!("`{rev}`")),
        None => (merge_base(root)?, "the merge-base with `main`".to_string()),
    };
    verify_revision(root, &rev)?;
    let mut apis = Vec::new();
    for api in catalogue::APIS {
        let new_exists = match std::fs::metadata(root.join(api.spec)) {
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read", api.spec)),
        };
        let old_exists = git(root, &["cat-file", "-e", &format!("{rev}:./{}", api.spec)])?
            .status
            .success();
        if !(old_exists && new_exists) {
            let note = match (old_exists, new_exists) {
                (false, false) => "no spec at either revision",
                (false, true) => "new API: not in the base revision",
                _ => "spec removed from the working tree",
            };
            apis.push(ApiReport {
                api: api.name.to_string(),
                note: Some(note.to_string()),
                changes: Vec::new(),
                rust: Vec::new(),
                rust_missing: None,
                bump: Bump::None,
                version: Some(api.version.to_string()),
                next_version: None,
            });
            continue;
        }
        // Both sides are read the same way (multi-file, Swagger 2.0 and 3.1
        // included): the old one from git, the new one from disk.
        let at_revision = GitFiles { root, rev: &rev };
        let old = spec::load(Source::Files(&at_revision, api.spec), Policy::Read)
            .with_context(|| format!("{} at {label}", api.spec))?;
        let new = spec::load(Source::Disk(root, api.spec), Policy::Read)
            .with_context(|| format!("{} in the working tree", api.spec))?;
        apis.push(compare_api(
            api.name,
            &old,
            &new,
            &api.settings,
            Some(api.version),
        ));
    }
    Ok(DiffReport {
        compared: format!("{label} → working tree"),
        apis,
    })
}

/// Compares two spec files. Generation settings and crate version come from
/// the catalogue entry whose spec has the new file's name, if any.
pub fn compare_files(old_path: &Path, new_path: &Path) -> Result<DiffReport> {
    // Any format the loader reads, on either side: a Swagger 2.0 old side
    // against an OpenAPI 3.0 new side compares their 3.0 forms.
    let load = |path: &Path| {
        spec::load(
            Source::Disk(Path::new(""), &path.display().to_string()),
            Policy::Read,
        )
    };
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| load(old_path));
        let new = load(new_path);
        (old.join(), new)
    });
    let old = old.map_err(|_| anyhow::anyhow!("reading {} panicked", old_path.display()))??;
    let new = new?;
    let file_name = new_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string());
    let entry = catalogue::APIS.iter().find(|api| {
        Path::new(api.spec)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            == file_name
    });
    let (name, settings, version) = match entry {
        Some(api) => (api.name.to_string(), api.settings, Some(api.version)),
        None => (
            file_name.unwrap_or_else(|| new_path.display().to_string()),
            Settings::DEFAULT,
            None,
        ),
    };
    let api = compare_api(&name, &old, &new, &settings, version);
    Ok(DiffReport {
        compared: format!("`{}` → `{}`", old_path.display(), new_path.display()),
        apis: vec![api],
    })
}

/// Compares two loaded versions of one API's spec: the spec rules, then the
/// public API of the code each version generates.
///
/// The halves are independent: the spec half reads only the documents, so
/// it is complete even when a version does not generate (the report then
/// says why its Rust half is missing). Only the operations and schemas
/// that can differ are generated ([`reduce`]), the two versions on two
/// threads at once, and a version generated before (the base revision, on
/// every run of a pull request) comes from [`cache`].
pub fn compare_api(
    name: &str,
    old: &Spec,
    new: &Spec,
    settings: &Settings,
    version: Option<&str>,
) -> ApiReport {
    // Only what can differ is generated (both sides cut alike).
    let reduced = reduce::reduce(old, new);
    let (old_part, new_part) = reduced.as_ref().map_or((old, new), |(a, b)| (a, b));
    let (changes, before, after) = std::thread::scope(|scope| {
        let before = scope.spawn(|| cache::surface(old_part, settings));
        let after = scope.spawn(|| cache::surface(new_part, settings));
        let mut changes = rules::compare(&old.value, &new.value);
        rules::locate(&mut changes, new);
        // `cache::surface` catches the generator's panics; a thread that
        // panics all the same is reported like them.
        let join = |side: std::thread::ScopedJoinHandle<'_, Result<surface::Surface>>| {
            side.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the generator panicked")))
        };
        (changes, join(before), join(after))
    });
    let (rust, missing) = match (before, after) {
        (Ok(a), Ok(b)) => (rust::compare(&a, &b), None),
        (Err(e), _) => (
            Vec::new(),
            Some(format!("the old version does not generate: {e:#}")),
        ),
        (_, Err(e)) => (
            Vec::new(),
            Some(format!("the new version does not generate: {e:#}")),
        ),
    };
    let bump = rust::bump(&rust);
    ApiReport {
        api: name.to_string(),
        note: None,
        changes,
        rust,
        rust_missing: missing,
        bump,
        version: version.map(str::to_string),
        next_version: version.and_then(|v| bump.next(v)),
    }
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .with_context(|| format!("cannot run `git {}`", args.join(" ")))
}

/// The merge-base of HEAD with `main`, or with `origin/main` in clones
/// (CI, forks) that have no local `main` branch.
fn merge_base(root: &Path) -> Result<String> {
    let mut last_error = String::new();
    for base in ["main", "origin/main"] {
        let out = git(root, &["merge-base", base, "HEAD"])?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        last_error = String::from_utf8_lossy(&out.stderr).trim().to_string();
    }
    bail!(
        "cannot find the merge-base of HEAD with `main` or `origin/main` (give a revision instead): {last_error}"
    )
}

fn verify_revision(root: &Path, rev: &str) -> Result<()> {
    let out = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !out.status.success() {
        bail!(
            "`{rev}` is not a commit in the repository at {}",
            root.display()
        );
    }
    Ok(())
}

/// The files of a git revision, read with `git show` (nothing is checked
/// out), for a spec whose `$ref`s name other files.
struct GitFiles<'a> {
    root: &'a Path,
    rev: &'a str,
}

impl spec::Files for GitFiles<'_> {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        // `./` makes the path relative to `root`, not to the repository's top.
        let object = format!("{}:./{path}", self.rev);
        let out = git(self.root, &["show", &object]).map_err(std::io::Error::other)?;
        if !out.status.success() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "`git show {object}` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            ));
        }
        Ok(out.stdout)
    }
}
