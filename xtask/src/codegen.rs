//! `cargo xtask codegen`: specs in `openapi/` to crates in `generated/`.
//!
//! The pipeline for one API is: load and check the spec ([`crate::spec`]),
//! run progenitor, parse its tokens, apply our post-processing passes
//! ([`crate::harden`]), format with prettyplease, and render the crate's
//! `lib.rs` and `Cargo.toml`. Everything happens in memory; files are only
//! written once every API has generated, each through a temporary file and a
//! rename, so a failure never leaves `generated/` half-written.

use std::cell::Cell;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use crate::catalogue::{Api, Interface, Settings};
use crate::spec::{self, OperationRef, Spec};

/// A file `codegen` owns, with the contents it should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

/// The in-memory result of generating one API.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The catalogue entry.
    pub api: &'static Api,
    /// `Cargo.toml` and `src/lib.rs` of the crate.
    pub files: Vec<GeneratedFile>,
    /// Operations in the spec.
    pub operations: usize,
    /// Types (structs and enums) in the generated `types` module.
    pub types: usize,
    /// Time spent loading, generating and formatting.
    pub elapsed: Duration,
}

/// What writing did to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteStatus {
    /// Contents were already right; the file was not touched.
    Unchanged,
    /// The file was replaced or created.
    Written,
}

/// A generated file whose committed contents differ from what the specs give.
#[derive(Clone, Debug)]
pub struct Stale {
    /// Path relative to the workspace root.
    pub path: String,
    /// Unified diff from the committed file (or nothing) to the expected one.
    pub diff: String,
}

/// The workspace root: the parent of the `xtask` crate.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Whether [`run`] writes `generated/` or only compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the files whose contents changed.
    Write,
    /// Write nothing; report stale files.
    Check,
}

/// What [`run`] did.
#[derive(Debug)]
pub struct Outcome {
    /// The generated APIs, in catalogue order.
    pub generated: Vec<Generated>,
    /// In [`Mode::Write`]: each file and whether it was written.
    pub written: Vec<(String, WriteStatus)>,
    /// In [`Mode::Check`]: the files that differ from what the specs give.
    pub stale: Vec<Stale>,
}

/// `cargo xtask codegen [--check]` without the printing: generate every API
/// in memory, then write (or compare) the files. If any API fails, nothing
/// is written.
pub fn run(root: &Path, apis: &'static [Api], mode: Mode) -> Result<Outcome> {
    let generated = generate_all(root, apis)?;
    let (written, stale) = match mode {
        Mode::Write => (write(root, &generated)?, Vec::new()),
        Mode::Check => {
            let mut stale = stale(root, &generated);
            stale.extend(strays(root, crate::catalogue::APIS).into_iter().map(|dir| Stale {
                diff: format!(
                    "{dir} is not produced by any entry of xtask/src/catalogue.rs: remove it, or add its API back\n"
                ),
                path: dir,
            }));
            (Vec::new(), stale)
        }
    };
    Ok(Outcome {
        generated,
        written,
        stale,
    })
}

/// Generates every API in memory. Reports every failing spec, not only the
/// first, and returns nothing unless all succeeded.
pub fn generate_all(root: &Path, apis: &'static [Api]) -> Result<Vec<Generated>> {
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for api in apis {
        match generate(root, api) {
            Ok(generated) => done.push(generated),
            Err(e) => failures.push(format!("{e:#}")),
        }
    }
    match failures.len() {
        0 => Ok(done),
        1 => Err(anyhow!("{}", failures.remove(0))),
        n => Err(anyhow!("{n} specs failed:\n{}", failures.join("\n"))),
    }
}

/// Generates one API in memory.
pub fn generate(root: &Path, api: &'static Api) -> Result<Generated> {
    let started = Instant::now();
    // The lint runs first: it reports every mistake with its line, where
    // generation would stop at the first one.
    let bytes =
        std::fs::read(root.join(api.spec)).with_context(|| format!("{}: cannot read", api.spec))?;
    let report = crate::lint::lint_source(Path::new(api.spec), &bytes);
    if report.errors() > 0 {
        bail!("{} does not pass `cargo xtask lint`:\n{report}", api.spec);
    }
    let spec = spec::parse(Path::new(api.spec), &bytes)?;
    let code = generate_code(&spec, &api.settings)?;
    let types = count_types(&code.file);
    let lib = render_lib(api, &spec, &code.text);
    let manifest = render_manifest(api, &spec, &code.text);
    Ok(Generated {
        api,
        files: vec![
            GeneratedFile {
                path: format!("{}/Cargo.toml", api.crate_dir),
                contents: manifest,
            },
            GeneratedFile {
                path: format!("{}/src/lib.rs", api.crate_dir),
                contents: lib,
            },
        ],
        operations: spec::operations(&spec.openapi).len(),
        types,
        elapsed: started.elapsed(),
    })
}

/// Formatted Rust code for a spec, and its syntax tree.
pub struct Code {
    /// The post-processed syntax tree.
    pub file: syn::File,
    /// `file` formatted by prettyplease.
    pub text: String,
}

/// Runs progenitor and our passes on a loaded spec: the part shared by the
/// xtask, the tests and the benchmarks.
pub fn generate_code(spec: &Spec, settings: &Settings) -> Result<Code> {
    let shown = spec.path.display().to_string();
    let mut normalised = spec.clone();
    let facts = crate::normalise::normalise(&mut normalised.openapi, &shown);
    crate::normalise::check_shapes(&spec.path, &normalised.openapi)?;
    let tokens = run_progenitor(&normalised, settings)?;
    let mut file: syn::File = syn::parse2(tokens).with_context(|| {
        format!(
            "{}: progenitor produced code that does not parse as Rust",
            spec.path.display()
        )
    })?;
    crate::harden::apply(&mut file, spec, &facts)?;
    let text = prettyplease::unparse(&file);
    Ok(Code { file, text })
}

fn progenitor_settings(settings: &Settings) -> progenitor::GenerationSettings {
    let mut out = progenitor::GenerationSettings::new();
    out.with_interface(match settings.interface {
        Interface::Builder => progenitor::InterfaceStyle::Builder,
        Interface::Positional => progenitor::InterfaceStyle::Positional,
    })
    .with_tag(progenitor::TagStyle::Merged)
    .with_timeout(settings.timeout_secs);
    for derive in settings.extra_derives {
        out.with_derive(*derive);
    }
    out
}

/// Calls progenitor, turning its panics into errors that name the operation.
fn run_progenitor(spec: &Spec, settings: &Settings) -> Result<TokenStream> {
    let settings = progenitor_settings(settings);
    let shown = spec.path.display();
    match catch_panic(|| progenitor::Generator::new(&settings).generate_tokens(&spec.openapi)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => bail!("{shown}: progenitor rejected the spec: {e}"),
        Err(message) => {
            // Find the operation by generating each one alone.
            let culprit = spec::operations(&spec.openapi)
                .into_iter()
                .map(|(op, _)| op)
                .find(|op| {
                    let alone = only_operation(&spec.openapi, op);
                    catch_panic(|| progenitor::Generator::new(&settings).generate_tokens(&alone))
                        .is_err()
                });
            match culprit {
                Some(op) => {
                    bail!("{shown}: progenitor cannot generate {op}: it panicked with `{message}`")
                }
                None => bail!("{shown}: progenitor panicked with `{message}`"),
            }
        }
    }
}

/// A copy of the document that keeps one operation and every component.
fn only_operation(openapi: &OpenAPI, keep: &OperationRef) -> OpenAPI {
    let mut alone = openapi.clone();
    alone.paths.paths.retain(|path, _| *path == keep.path);
    for item in alone.paths.paths.values_mut() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (method, slot) in spec::operation_slots(item) {
                if method != keep.method {
                    *slot = None;
                }
            }
        }
    }
    alone
}

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, returning a panic as its message. The panic is not printed:
/// the caller turns it into an error that says where it came from.
fn catch_panic<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// Structs and enums in the generated `types` module (builders excluded).
fn count_types(file: &syn::File) -> usize {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            items
                .iter()
                .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                .count()
        })
        .unwrap_or(0)
}

const HEADER: &str =
    "// @generated by `cargo xtask codegen`. Do not edit: change the spec and run it again.";

/// Workspace lints the generated code trips, allowed for this file only so
/// they stay strict for hand-written code: progenitor's `Client::new` unwraps
/// the reqwest builder. (progenitor already allows `clippy::all` on its
/// modules.)
///
/// rustfmt is told to skip the file: prettyplease is its formatter, and the
/// two would fight over every line.
const ALLOWS: &str = "#![allow(clippy::unwrap_used)]\n#![cfg_attr(rustfmt, rustfmt::skip)]";

fn render_lib(api: &Api, spec: &Spec, code: &str) -> String {
    let info = &spec.openapi.info;
    let mut doc = String::new();
    let _ = writeln!(
        doc,
        "Client for the {} (API version {}), generated by progenitor from `{}`.",
        info.title, info.version, api.spec
    );
    if let Some(description) = &info.description {
        let _ = write!(doc, "\n{}\n", description.trim());
    }
    let _ = writeln!(doc, "\n# Operations\n");
    for (op, operation) in spec::operations(&spec.openapi) {
        let method = op
            .operation_id
            .as_deref()
            .map(crate::names::method_name)
            .unwrap_or_default();
        let summary = operation.summary.as_deref().unwrap_or("");
        let deprecated = if operation.deprecated {
            " (deprecated)"
        } else {
            ""
        };
        let _ = write!(
            doc,
            "- [`Client::{method}`]: `{} {}`{deprecated}: {summary}",
            op.method, op.path
        );
        match &operation.external_docs {
            Some(docs) => {
                let _ = writeln!(doc, " ([documentation]({}))", docs.url);
            }
            None => doc.push('\n'),
        }
    }
    let _ = writeln!(doc, "\n# Example\n\n```no_run\n{}\n```", api.doc_example);

    let mut out = String::new();
    let _ = writeln!(out, "{HEADER}\n// Source: {}\n", api.spec);
    for line in doc.lines() {
        if line.is_empty() {
            out.push_str("//!\n");
        } else {
            let _ = writeln!(out, "//! {line}");
        }
    }
    let _ = writeln!(out, "\n{ALLOWS}\n");
    out.push_str(code);
    out
}

/// The generated crate's manifest: the generator knows which crates its code
/// uses, so it writes the dependency list; versions come from the workspace.
fn render_manifest(api: &Api, spec: &Spec, code: &str) -> String {
    let mut deps = vec!["progenitor-client", "reqwest", "serde", "serde_json"];
    for (needle, dep) in [
        ("chrono::", "chrono"),
        ("futures::", "futures"),
        ("uuid::", "uuid"),
        ("regress::", "regress"),
    ] {
        if code.contains(needle) {
            deps.push(dep);
        }
    }
    deps.sort_unstable();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# @generated by `cargo xtask codegen` from {}. Do not edit.",
        api.spec
    );
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = \"{}\"", api.package);
    let _ = writeln!(out, "version = \"{}\"", api.version);
    let _ = writeln!(
        out,
        "description = \"Generated Rust client for the {} (API version {}).\"",
        spec.openapi.info.title.replace('"', "'"),
        spec.openapi.info.version.replace('"', "'")
    );
    for key in ["edition", "rust-version", "license", "publish"] {
        let _ = writeln!(out, "{key}.workspace = true");
    }
    let _ = writeln!(out, "\n[dependencies]");
    for dep in deps {
        let _ = writeln!(out, "{dep}.workspace = true");
    }
    let _ = writeln!(out, "\n[lints]\nworkspace = true");
    out
}

/// Writes the generated files whose contents changed: first every new
/// version to a temporary file beside its target, then, only if all of those
/// succeeded, the renames. A full disk or a read-only file therefore leaves
/// `generated/` as it was, and a rename (atomic on one file system) is all
/// that can happen between the old and the new state.
pub fn write(root: &Path, generated: &[Generated]) -> Result<Vec<(String, WriteStatus)>> {
    let mut report = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf, &str)> = Vec::new();
    let mut failure = None;
    for file in generated.iter().flat_map(|g| &g.files) {
        let path = root.join(&file.path);
        if std::fs::read(&path).ok().as_deref() == Some(file.contents.as_bytes()) {
            report.push((file.path.clone(), WriteStatus::Unchanged));
            continue;
        }
        match stage(&path, file.contents.as_bytes()) {
            Ok(tmp) => staged.push((tmp, path, &file.path)),
            Err(e) => {
                failure = Some(e.context(format!("{}: cannot write", file.path)));
                break;
            }
        }
    }
    if let Some(e) = failure {
        for (tmp, _, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, path, rel) in staged {
        std::fs::rename(&tmp, &path).with_context(|| format!("{rel}: cannot replace"))?;
        report.push((rel.to_string(), WriteStatus::Written));
    }
    Ok(report)
}

/// Writes `contents` to a temporary file beside `path`; returns its path.
fn stage(path: &Path, contents: &[u8]) -> Result<PathBuf> {
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no parent directory", path.display()))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} has no file name", path.display()))?;
    let tmp = dir.join(format!(".{}.xtask-tmp", name.to_string_lossy()));
    if let Err(e) = std::fs::write(&tmp, contents) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(tmp)
}

/// Crate directories under `generated/` that no catalogue entry produces
/// (an API removed from the catalogue, a stray copy). Reported, never
/// deleted: they may hold someone's work.
pub fn strays(root: &Path, apis: &[Api]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("generated")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| format!("generated/{}", e.file_name().to_string_lossy()))
        .filter(|dir| apis.iter().all(|api| api.crate_dir != dir))
        .collect();
    out.sort();
    out
}

/// Compares the generated files with what is on disk; writes nothing.
pub fn stale(root: &Path, generated: &[Generated]) -> Vec<Stale> {
    generated
        .iter()
        .flat_map(|g| &g.files)
        .filter_map(|file| {
            let current = std::fs::read(root.join(&file.path))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .ok();
            if current.as_deref() == Some(file.contents.as_str()) {
                return None;
            }
            let old_name = match current {
                Some(_) => format!("a/{}", file.path),
                None => "/dev/null".to_string(),
            };
            let old = current.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_str(), file.contents.as_str())
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &format!("b/{}", file.path))
                .to_string();
            Some(Stale {
                path: file.path.clone(),
                diff,
            })
        })
        .collect()
}

/// The diff of one stale file, cut to `max_lines` so a big change stays readable.
pub fn abbreviate(diff: &str, max_lines: usize) -> String {
    let total = diff.lines().count();
    if total <= max_lines {
        return diff.to_string();
    }
    let mut out: String = diff
        .lines()
        .take(max_lines)
        .flat_map(|l| [l, "\n"])
        .collect();
    let _ = writeln!(out, "... {} more diff lines", total - max_lines);
    out
}
