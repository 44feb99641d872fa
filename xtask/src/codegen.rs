//! `cargo xtask codegen`: specs in `openapi/` to crates in `generated/`.
//!
//! For each API of the catalogue: load the spec ([`crate::spec`]), lint it
//! with the API's profile ([`crate::lint`]), run the one pipeline
//! ([`crate::pipeline`]), render the crate's files ([`crate::render`]).
//! Everything happens in memory; [`crate::files`] writes only once every API
//! has generated, so a failure never leaves `generated/` half-written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};

use crate::catalogue::{self, Api};
use crate::files::{GeneratedFile, Stale, WriteStatus};
use crate::normalise::{Degraded, Skipped};
use crate::pipeline;
use crate::pipeline::Forced;
use crate::render;
use crate::spec;

/// Command-line arguments of `cargo xtask codegen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write nothing; fail with a diff if generated/ is not up to date.
    #[arg(long, conflicts_with = "spec")]
    pub check: bool,
    /// Only these APIs (catalogue names); all by default.
    #[arg(conflicts_with = "spec")]
    pub apis: Vec<String>,
    /// Try a spec without adding it to the catalogue: run the same pipeline
    /// on this document (any format the loader reads, vendor lint profile)...
    #[arg(long, requires = "out", value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// ...and write a crate here that builds on its own (`cargo check
    /// --manifest-path DIR/Cargo.toml`), wherever DIR is.
    #[arg(long, requires = "spec", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// ...then `cargo check` it; trace each compiler error to its operation
    /// or schema, degrade that, and generate and check again (a few rounds):
    /// the safety net for shapes the pipeline does not know yet.
    #[arg(long, requires = "out")]
    pub verify: bool,
}

/// How many check-and-degrade rounds `--verify` makes at most.
const VERIFY_ROUNDS: usize = 4;

/// The in-memory result of generating one API.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The API's name ([`Api::name`]).
    pub name: String,
    /// `Cargo.toml` and `src/lib.rs` of the crate.
    pub files: Vec<GeneratedFile>,
    /// Operations in the spec.
    pub operations: usize,
    /// Operations left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Component schemas degraded (their defaults dropped, or made any
    /// JSON value), with the reason.
    pub degraded: Vec<Degraded>,
    /// What reading the document changed or left out ([`spec::Note`]).
    pub notes: Vec<spec::Note>,
    /// The component schemas progenitor was given (after normalisation).
    pub components: Vec<String>,
    /// What the post-processing passes did to each generated operation
    /// (by progenitor's method name), and what they left alone.
    pub passes: crate::passes::PassReport,
    /// Types (structs and enums) in the generated `types` module.
    pub types: usize,
    /// Time spent loading, generating and formatting.
    pub elapsed: Duration,
}

impl Generated {
    /// progenitor's method names of the generated operations.
    pub fn methods(&self) -> Vec<String> {
        self.passes.operations.keys().cloned().collect()
    }
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
pub struct CodegenOutcome {
    /// The generated APIs, in catalogue order.
    pub generated: Vec<Generated>,
    /// In [`Mode::Write`]: each file and whether it was written.
    pub written: Vec<(String, WriteStatus)>,
    /// In [`Mode::Check`]: the files that differ from what the specs give.
    pub stale: Vec<Stale>,
}

/// `cargo xtask codegen [--check] [API]`: run, print, pick the exit status.
pub fn command(args: &Args) -> Result<ExitCode> {
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        if args.verify {
            return verified(spec, out);
        }
        let generated = one_off(spec, out, &Forced::default())?;
        let written = crate::files::write(out, &generated.files)?;
        print_summary(&generated, &written, Mode::Write);
        println!(
            "wrote {}: cargo check --manifest-path {}",
            out.display(),
            out.join("Cargo.toml").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let apis = select(&args.apis)?;
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let outcome = run(&crate::workspace::root(), apis, mode)?;
    for g in &outcome.generated {
        print_summary(g, &outcome.written, mode);
    }
    if mode == Mode::Write {
        return Ok(ExitCode::SUCCESS);
    }
    for s in &outcome.stale {
        eprintln!(
            "stale: {}\n{}",
            s.path,
            crate::files::abbreviate(&s.diff, 200)
        );
    }
    if !outcome.stale.is_empty() {
        eprintln!(
            "generated/ is stale ({} file(s)): run `cargo xtask codegen` and commit the result with the spec change",
            outcome.stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "generated/ is up to date ({} APIs)",
        outcome.generated.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--spec FILE --out DIR --verify`: write, `cargo check`, degrade what
/// the compiler refuses ([`crate::verify`]), again until it builds.
fn verified(spec: &Path, out: &Path) -> Result<ExitCode> {
    let mut forced = Forced::default();
    for round in 1..=VERIFY_ROUNDS {
        let generated = one_off(spec, out, &forced)?;
        let written = crate::files::write(out, &generated.files)?;
        if round == 1 {
            print_summary(&generated, &written, Mode::Write);
        }
        let (errors, elsewhere) = crate::verify::check(out)?;
        if errors.is_empty() && elsewhere == 0 {
            if round > 1 {
                print_summary(&generated, &written, Mode::Write);
            }
            println!(
                "wrote {}: cargo check passes (check {round} of at most {VERIFY_ROUNDS})",
                out.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        let text = generated
            .files
            .iter()
            .find(|f| f.path.ends_with("lib.rs"))
            .map_or("", |f| f.contents.as_str());
        let (owners, left) =
            crate::verify::attribute(text, &errors, &generated.components, &generated.methods());
        let mut progress = false;
        for (owner, message) in owners {
            let slot = match &owner {
                crate::verify::Blame::Schema(name) => forced.schemas.entry(name.clone()),
                crate::verify::Blame::Operation(name) => forced.operations.entry(name.clone()),
            };
            if let std::collections::btree_map::Entry::Vacant(v) = slot {
                println!("    check {round}: {owner:?} does not compile ({message}): degrading it");
                v.insert(message);
                progress = true;
            }
        }
        if !progress {
            for e in &left {
                eprintln!(
                    "{}:{}: error {}",
                    out.join("src/lib.rs").display(),
                    e.line,
                    e.message
                );
            }
            bail!(
                "{}: cargo check finds {} error(s) ({} outside src/lib.rs) that cannot be traced to an operation or schema",
                out.display(),
                errors.len() + elsewhere,
                elsewhere
            );
        }
    }
    bail!(
        "{}: still does not build after {VERIFY_ROUNDS} checks",
        out.display()
    )
}

/// One line per API (`N of M operations`), then every operation left out
/// or left alone, with the reason.
fn print_summary(g: &Generated, written: &[(String, WriteStatus)], mode: Mode) {
    let bytes: usize = g.files.iter().map(|f| f.contents.len()).sum();
    let status = match mode {
        Mode::Check => "checked".to_string(),
        Mode::Write => {
            let n = written
                .iter()
                .filter(|(path, status)| {
                    *status == WriteStatus::Written && g.files.iter().any(|f| &f.path == path)
                })
                .count();
            match n {
                0 => "unchanged".to_string(),
                n => format!("{n} file(s) written"),
            }
        }
    };
    println!(
        "{:<22} {:>3} of {:>3} operation(s) {:>4} types {:>8} bytes  {status}  ({} ms)",
        g.name,
        g.operations - g.skipped.len(),
        g.operations,
        g.types,
        bytes,
        g.elapsed.as_millis()
    );
    for s in &g.skipped {
        println!("    skipped {}: {}", s.operation, s.reason);
    }
    for n in &g.notes {
        if matches!(n.effect, spec::Effect::Opaque | spec::Effect::Removed) {
            println!("    degraded {} while reading: {}", n.pointer, n.message);
        }
    }
    let dropped = g
        .notes
        .iter()
        .filter(|n| matches!(n.effect, spec::Effect::Dropped | spec::Effect::Rewritten))
        .count();
    if dropped > 0 {
        println!(
            "    {dropped} construct(s) dropped or rewritten while reading (listed in the crate docs)"
        );
    }
    for d in &g.degraded {
        let reason = d.reason.lines().next().unwrap_or_default();
        println!("    degraded schema `{}` {}: {reason}", d.schema, d.to);
    }
    for (id, pass, reason) in g.passes.unhandled() {
        println!("    left alone by {pass}: `{id}`: {reason}");
    }
}

/// `cargo xtask codegen [--check]` without the printing: generate every API
/// in memory, then write (or compare) the files. If any API fails, nothing
/// is written.
pub fn run(root: &Path, apis: &[Api<'_>], mode: Mode) -> Result<CodegenOutcome> {
    let generated = generate_all(root, apis)?;
    let (written, stale) = match mode {
        Mode::Write => (
            crate::files::write(root, &all_files(&generated))?,
            Vec::new(),
        ),
        Mode::Check => {
            let mut stale = crate::files::stale(root, &all_files(&generated));
            stale.extend(crate::files::strays(root, catalogue::APIS).into_iter().map(|dir| Stale {
                diff: format!(
                    "{dir} is not produced by any entry of xtask/src/catalogue.rs: remove it, or add its API back\n"
                ),
                path: dir,
            }));
            (Vec::new(), stale)
        }
    };
    Ok(CodegenOutcome {
        generated,
        written,
        stale,
    })
}

/// Every file of every generated API.
pub fn all_files(generated: &[Generated]) -> Vec<GeneratedFile> {
    generated
        .iter()
        .flat_map(|g| g.files.iter().cloned())
        .collect()
}

/// Generates every API in memory. Reports every failing spec, not only the
/// first, and returns nothing unless all succeeded.
pub fn generate_all(root: &Path, apis: &[Api<'_>]) -> Result<Vec<Generated>> {
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

/// Generates one API of the catalogue in memory.
pub fn generate(root: &Path, api: &Api<'_>) -> Result<Generated> {
    generate_with(
        root,
        api,
        render::Dependencies::Workspace,
        api.crate_dir,
        &Forced::default(),
    )
}

/// `--spec FILE --out DIR`: a catalogue entry made up for the file, with the
/// vendor profile, rendered as a crate that stands alone at `out`.
pub fn one_off(spec: &Path, out: &Path, forced: &Forced) -> Result<Generated> {
    let root = crate::workspace::root();
    let stem = out
        .file_name()
        .or_else(|| spec.file_stem())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "api".to_string());
    let package: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let package = if package.starts_with(|c: char| c.is_ascii_alphabetic()) {
        package
    } else {
        format!("api-{package}")
    };
    let ident = package.replace('-', "_");
    let spec = spec.display().to_string();
    let doc_example = format!(
        "let client = {ident}::Client::new(\"https://example.invalid\", cloud_orgs_runtime::Runtime::default());\nlet _ = client;"
    );
    let api = Api {
        name: &package,
        spec: &spec,
        crate_dir: "",
        package: &package,
        version: "0.1.0",
        doc_example: &doc_example,
        settings: catalogue::Settings::DEFAULT,
        profile: catalogue::Profile::Vendor,
    };
    let runtime = root.join("runtime");
    generate_with(
        Path::new(""),
        &api,
        render::Dependencies::Standalone { runtime: &runtime },
        "",
        forced,
    )
}

/// Load, lint, the pipeline, render: the one sequence for catalogue
/// entries and one-off specs; `crate_dir` prefixes the files' paths.
fn generate_with(
    root: &Path,
    api: &Api<'_>,
    deps: render::Dependencies<'_>,
    crate_dir: &str,
    forced: &Forced,
) -> Result<Generated> {
    let started = Instant::now();
    // One read of the document, shared by the lint and the pipeline.
    let spec = crate::lint::load(spec::Source::Disk(root, api.spec), api.profile)
        .map_err(|report| anyhow!("{} cannot be read:\n{}", api.spec, report.error_lines()))?;
    // The lint (under the API's profile) decides whether the document may
    // be generated, and reports every mistake with its line where
    // generation would stop at the first one. It only reads the document,
    // so it runs beside the pipeline, on the other core, and its verdict
    // comes first.
    let (report, code) = std::thread::scope(|scope| {
        let lint = scope.spawn(|| crate::lint::lint_errors(&spec, api.profile));
        // Our own specs must be exact; a vendor's missing or repeated
        // operationIds and dangling references are repaired by the
        // normalisation (and reported by the lint as warnings).
        let checked = match api.profile {
            catalogue::Profile::Transcribed => spec::check(&spec).map_err(anyhow::Error::from),
            catalogue::Profile::Vendor => Ok(()),
        };
        let code = checked.and_then(|()| {
            let run = pipeline::Run {
                forced: forced.clone(),
                ..pipeline::Run::default()
            };
            pipeline::generate_with(&spec, &api.settings, &run)
        });
        (lint.join(), code)
    });
    let report = report.map_err(|_| anyhow!("{}: the lint panicked", api.spec))?;
    if report.errors() > 0 {
        bail!(
            "{} does not pass `cargo xtask lint`:\n{}",
            api.spec,
            report.error_lines()
        );
    }
    let code = code?;
    let lib = render::lib(api, &spec, &code);
    let manifest = render::manifest(api, &spec, &code, deps);
    let file = |name: &str| match crate_dir {
        "" => name.to_string(),
        dir => format!("{dir}/{name}"),
    };
    Ok(Generated {
        name: api.name.to_string(),
        files: vec![
            GeneratedFile {
                path: file("Cargo.toml"),
                contents: manifest,
            },
            GeneratedFile {
                path: file("src/lib.rs"),
                contents: lib,
            },
        ],
        operations: code.operations,
        skipped: code.skipped,
        degraded: code.normalised.degraded,
        notes: spec.notes.clone(),
        passes: code.passes,
        components: code.components,
        types: code.types,
        elapsed: started.elapsed(),
    })
}

/// The catalogue entries named on the command line (all when none are).
fn select(names: &[String]) -> Result<&'static [Api<'static>]> {
    let known = || {
        catalogue::APIS
            .iter()
            .map(|a| a.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match names {
        [] => Ok(catalogue::APIS),
        [name] => match catalogue::APIS.iter().position(|a| a.name == name) {
            Some(i) => Ok(&catalogue::APIS[i..=i]),
            None => bail!("no API named `{name}` in the catalogue; known: {}", known()),
        },
        _ => bail!("name one API, or none for all; known: {}", known()),
    }
}
