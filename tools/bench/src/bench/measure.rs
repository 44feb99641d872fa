//! Timing the codegen pipeline: end to end, phase by phase, and raw
//! progenitor doing the same job (read, generate, format, write).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use serde::{Deserialize, Serialize};

use xtask::catalogue::{Api, Settings};
use xtask::spec::Spec;
use xtask::{codegen, pipeline};

/// What one measurement runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `cargo xtask codegen` for one API: generate, then write what changed.
    Codegen,
    /// `cargo xtask codegen --check` for one API: generate, then compare.
    Check,
    /// Raw progenitor doing the same job: see [`raw`].
    Raw,
    /// Every phase of the pipeline timed on its own.
    Phases,
}

impl Kind {
    /// The name used on the command line of the child process.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Codegen => "codegen",
            Kind::Check => "check",
            Kind::Raw => "raw",
            Kind::Phases => "phases",
        }
    }

    /// The inverse of [`Kind::as_str`].
    pub fn parse(s: &str) -> Result<Kind> {
        [Kind::Codegen, Kind::Check, Kind::Raw, Kind::Phases]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| anyhow!("unknown measurement `{s}`: codegen, check, raw or phases"))
    }
}

/// The result of one measurement.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sample {
    /// Wall time of the measured work, in milliseconds.
    pub ms: f64,
    /// Peak RSS of the process that measured, in KiB, when known: taken by
    /// the parent ([`crate::child::measured`]), which runs each sample in a
    /// fresh process.
    pub peak_kib: Option<u64>,
    /// Lines of generated Rust code (`lib.rs` for the pipeline, the
    /// formatted token stream for raw progenitor).
    pub lines: usize,
    /// Per-phase times in milliseconds, in pipeline order ([`Kind::Phases`]).
    pub phases: Vec<(String, f64)>,
}

/// The phases of [`codegen::generate`], in order: reading the spec, then
/// [`pipeline::Phase`]'s, then rendering and comparing the files.
pub const PHASES: &[&str] = &[
    "load",
    "lint (beside)",
    "normalise",
    "generate",
    "parse+passes+format",
    "render+compare",
];

/// Runs `kind` once for `api`, whose spec and crate live under `root`.
pub fn measure(kind: Kind, root: &Path, api: &Api<'_>) -> Result<Sample> {
    match kind {
        Kind::Codegen | Kind::Check => end_to_end(kind, root, api),
        Kind::Raw => {
            let spec = normalised(root, api)?;
            raw(root, &spec, &api.settings)
        }
        Kind::Phases => phases(root, api),
    }
}

fn end_to_end(kind: Kind, root: &Path, api: &Api<'_>) -> Result<Sample> {
    let mode = match kind {
        Kind::Check => codegen::Mode::Check,
        _ => codegen::Mode::Write,
    };
    let started = Instant::now();
    let outcome = codegen::run(root, std::slice::from_ref(api), mode)?;
    let ms = millis(started.elapsed());
    Ok(Sample {
        ms,
        lines: lib_lines(&outcome.generated),
        ..Sample::default()
    })
}

fn lib_lines(generated: &[codegen::Generated]) -> usize {
    generated
        .iter()
        .flat_map(|g| &g.files)
        .filter(|f| f.path.ends_with("lib.rs"))
        .map(|f| f.contents.lines().count())
        .sum()
}

/// The spec as progenitor sees it inside the pipeline: parsed and
/// normalised. Raw progenitor gets exactly this, so the comparison is about
/// the work around progenitor, not about a different input.
fn normalised(root: &Path, api: &Api<'_>) -> Result<Spec> {
    let mut spec = xtask::spec::load(
        xtask::spec::Source::Disk(root, api.spec),
        xtask::spec::Policy::Checked,
    )?;
    xtask::normalise::normalise(&mut spec.openapi);
    Ok(spec)
}

/// The phase of a raw run that is progenitor, syn and prettyplease alone
/// (the baseline of the performance anchors), without reading or writing.
pub const RAW_CORE: &str = "generate+parse+format";

/// Raw progenitor doing the same job as `cargo xtask codegen`, the way a
/// program using progenitor alone does it (progenitor's documentation):
/// read the spec file into progenitor's model with serde, then
/// [`xtask::raw::code`] (`generate_tokens`, `syn::parse2` and
/// `prettyplease::unparse`), then write the file. It generates from the pipeline's parsed, normalised model
/// (`spec`), so that both make the same code; the read is timed on the
/// file as published. Phases: `read`, [`RAW_CORE`], `write`.
pub fn raw(root: &Path, spec: &Spec, settings: &Settings) -> Result<Sample> {
    let path = root.join(&spec.path);
    let started = Instant::now();
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let read: openapiv3::OpenAPI = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(anyhow::Error::from)
    } else {
        serde_yaml_ng::from_str(&text).map_err(anyhow::Error::from)
    }
    .with_context(|| format!("{}: progenitor's model cannot read it", spec.path.display()))?;
    let read_ms = millis(started.elapsed());
    drop((text, read));
    let core = Instant::now();
    let code = xtask::raw::code(&spec.openapi, settings)
        .map_err(|e| anyhow!("{}: {e}", spec.path.display()))?;
    let core_ms = millis(core.elapsed());
    let write = Instant::now();
    let out = std::env::temp_dir().join(format!("raw-progenitor-{}.rs", std::process::id()));
    std::fs::write(&out, &code).with_context(|| format!("cannot write {}", out.display()))?;
    let write_ms = millis(write.elapsed());
    let ms = millis(started.elapsed());
    let _ = std::fs::remove_file(&out);
    Ok(Sample {
        ms,
        lines: code.lines().count(),
        phases: vec![
            ("read".to_string(), read_ms),
            (RAW_CORE.to_string(), core_ms),
            ("write".to_string(), write_ms),
        ],
        ..Sample::default()
    })
}

/// Each phase of `codegen::generate` in one run of it: lint and load timed
/// here, the pipeline's phases as [`pipeline::Code::timings`] gives them
/// (the same function codegen calls), and render+compare as the rest of
/// a `codegen::generate` plus `files::stale` measured around the same spec.
fn phases(root: &Path, api: &Api<'_>) -> Result<Sample> {
    let mut out: Vec<(String, f64)> = Vec::new();
    let t = Instant::now();
    let spec = xtask::lint::load(xtask::spec::Source::Disk(root, api.spec), api.profile)
        .map_err(|report| anyhow!("{} cannot be read:\n{}", api.spec, report.error_lines()))?;
    out.push(("load".to_string(), millis(t.elapsed())));
    // codegen runs the lint on another core, beside the pipeline; timed
    // alone here, it is not on the critical path.
    let t = Instant::now();
    let report = xtask::lint::lint_errors(&spec, api.profile);
    out.push(("lint (beside)".to_string(), millis(t.elapsed())));
    if report.errors() > 0 {
        anyhow::bail!(
            "{} does not lint clean:\n{}",
            api.spec,
            report.error_lines()
        );
    }
    let code = pipeline::generate(&spec, &api.settings)?;
    for (phase, took) in &code.timings {
        out.push((phase.name().to_string(), millis(*took)));
    }
    let lines = code.text.lines().count();
    drop(code);

    let t = Instant::now();
    let generated = codegen::generate(root, api)?;
    let _ = xtask::files::stale(root, &generated.files);
    let whole = millis(t.elapsed());
    let parts: f64 = out
        .iter()
        .filter(|(name, _)| name != "lint (beside)")
        .map(|(_, ms)| ms)
        .sum();
    out.push(("render+compare".to_string(), (whole - parts).max(0.0)));
    Ok(Sample {
        ms: whole,
        lines,
        phases: out,
        ..Sample::default()
    })
}

/// A duration in milliseconds, with fractions.
pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of some numbers (the upper one of the middle two).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}
