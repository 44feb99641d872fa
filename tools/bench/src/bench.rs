//! `cargo xtask bench`: how fast codegen is against raw progenitor, how it
//! scales, what the generated crates cost to build, and what the generated
//! client costs per request. Writes `BENCHMARKS.md` at the workspace root.
//!
//! `cargo xtask bench` forwards to a debug build of this crate's binary,
//! which would measure the optimiser, not the code; so the bench re-runs
//! itself, arguments as given, through `cargo run --release -p xtask-bench`.
//! Scale measurements run in a fresh child process each (`bench --measure
//! ...`, [`child::measured`]), so that each one's peak RSS is its own and
//! not the maximum of everything before.
//!
//! Nothing here is asserted in tests: `cargo test` only checks that the
//! harness produces a table on a tiny input ([`tiny`]).

pub mod ablate;
pub mod build;
pub mod client;
pub mod measure;
pub mod synthetic;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result, bail};

use xtask::catalogue::{self, Api, Interface, Settings};
use xtask::codegen;

use crate::child;
use measure::{Kind, Sample, median, millis};

/// Command-line arguments of `cargo xtask bench`.
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// Include the slow parts: the 3000-operation codegen and the
    /// 1000-operation crate builds (several minutes and ~9 GB for rustc).
    /// The default (`--quick`) skips them.
    #[arg(long)]
    pub full: bool,
    /// The default; accepted for symmetry with `--full`.
    #[arg(long, conflicts_with = "full")]
    pub quick: bool,
    /// Runs per measurement; medians are reported (big sizes run at most 3).
    #[arg(long, default_value_t = 5)]
    pub iterations: usize,
    /// Skip the `cargo build` measurements.
    #[arg(long)]
    pub no_build: bool,
    /// Skip the client-overhead measurement.
    #[arg(long)]
    pub no_client: bool,
    /// Only the build cost of generated crates against raw progenitor's
    /// (no codegen, no client, no style table).
    #[arg(long, conflicts_with = "no_build")]
    pub build_only: bool,
    /// Runs per cold build measurement against raw progenitor (medians).
    #[arg(long, default_value_t = 1)]
    pub build_runs: usize,
    /// Also build Oxide's crate with each class of items taken out (what
    /// costs what in rustc).
    #[arg(long)]
    pub ablations: bool,
    /// Where to write the report, relative to the workspace root.
    #[arg(long, default_value = "BENCHMARKS.md")]
    pub output: PathBuf,
    /// Internal: run one measurement (codegen, check, raw, phases) and print
    /// it as JSON; used for the fresh child process of each scale sample.
    #[arg(long, hide = true, requires_all = ["ops", "root"])]
    pub measure: Option<String>,
    /// Internal: operations of the synthetic spec to measure.
    #[arg(long, hide = true)]
    pub ops: Option<usize>,
    /// Internal: directory holding the synthetic spec and crate.
    #[arg(long, hide = true)]
    pub root: Option<PathBuf>,
}

/// The heading of the report's hand-written part: what bounds each target
/// not met, read from profiles (perf, `rustc -Ztime-passes`) that the bench
/// does not take itself. Everything above it is rewritten on each run;
/// from it to the end is kept as it was.
pub const ANALYSIS_HEADING: &str = "## Analysis";

/// The hand-written analysis at the end of the existing report, if any.
fn kept_analysis(report: &Path) -> Option<String> {
    let text = std::fs::read_to_string(report).ok()?;
    let at = text.find(&format!("\n{ANALYSIS_HEADING}"))?;
    Some(text[at..].to_string())
}

/// `cargo xtask bench`.
pub fn run(args: &Args) -> Result<ExitCode> {
    if let (Some(kind), Some(ops), Some(root)) = (&args.measure, args.ops, &args.root) {
        let synthetic = Synthetic::new(ops, Interface::Builder);
        let sample = measure::measure(Kind::parse(kind)?, root, &synthetic.api())?;
        println!("{}", serde_json::to_string(&sample)?);
        return Ok(ExitCode::SUCCESS);
    }
    if cfg!(debug_assertions) {
        return in_release();
    }
    let root = xtask::workspace::root();
    let mut report = full_report(&root, args)?;
    print!("{report}");
    let out = root.join(&args.output);
    if let Some(analysis) = kept_analysis(&out) {
        report.push_str(&analysis);
    }
    std::fs::write(&out, &report).with_context(|| format!("{}: cannot write", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// This command again, every argument as given, in a release build.
fn in_release() -> Result<ExitCode> {
    let mut cmd = child::cargo();
    cmd.current_dir(xtask::workspace::root())
        .args(["run", "--release", "--quiet", "-p", "xtask-bench", "--"])
        .args(std::env::args_os().skip(1));
    eprintln!("bench: re-running in release: {cmd:?}");
    xtask::forward::status(&mut cmd)
}

/// Synthetic operation counts measured in each mode.
fn sizes(full: bool) -> &'static [usize] {
    if full {
        &[10, 100, 1000, 3000]
    } else {
        &[10, 100, 1000]
    }
}

fn full_report(root: &Path, args: &Args) -> Result<String> {
    let work = root.join("target/bench");
    let iterations = args.iterations.max(1);
    let mut out = header(args, iterations);
    let options = build::Options {
        full: args.full,
        runs: args.build_runs,
        compare_only: args.build_only,
        ablations: args.ablations,
    };
    if args.build_only {
        eprintln!("bench: build cost only (cargo check and build; minutes)");
        out.push_str(&build::section(root, &work, &options)?);
        return Ok(out);
    }

    eprintln!("bench: codegen of the real specs");
    let real = real_specs(root, iterations)?;
    out.push_str(&real);

    eprintln!("bench: the command as users run it");
    out.push_str(&as_users_run_it(root, iterations, args.full)?);

    eprintln!("bench: scale");
    let scale_dir = work.join("scale");
    let exe = std::env::current_exe().context("cannot find this binary")?;
    let rows = scale(&scale_dir, sizes(args.full), iterations, &exe)?;
    out.push_str(&scale_tables(&rows));

    if !args.no_build {
        eprintln!("bench: build cost (cargo build; minutes)");
        out.push_str(&build::section(root, &work, &options)?);
    }
    if !args.no_client {
        eprintln!("bench: client overhead");
        // A client that fails to build or run is a finding in the report,
        // not the loss of the half hour of measurements before it.
        match client::section(root) {
            Ok(section) => out.push_str(&section),
            Err(e) => {
                let _ = writeln!(out, "\n## Client overhead\n\nNot measured: {e:#}");
            }
        }
    }
    Ok(out)
}

fn header(args: &Args, iterations: usize) -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "unknown".to_string());
    let rustc = child::run(Command::new("rustc").arg("--version"))
        .ok()
        .map(|r| String::from_utf8_lossy(&r.output.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench{}` (release build of the xtask). Machine: {cores} core(s), `{rustc}`. \
         Times are medians of {iterations} run(s) (at most 3 for 1000+ operations); \
         peak RSS is GNU time's maximum RSS of a fresh process per run.\n",
        if args.full { " --full" } else { "" }
    );
    out
}

// ---------------------------------------------------------------------------
// 1. Real specs: the workspace's codegen against raw progenitor.

/// Oxide's published spec (the corpus document raw progenitor can
/// generate), generated into `target/bench/oxide` with the vendor profile.
static OXIDE: Api<'static> = Api {
    name: "oxide (published)",
    spec: "../shared/corpus/oxide.json",
    crate_dir: "target/bench/oxide",
    package: "oxide-bench",
    version: "0.1.0",
    doc_example: "let _ = ();",
    settings: Settings::DEFAULT,
    profile: catalogue::Profile::Vendor,
};

/// The real specs measured: the catalogue's, and [`OXIDE`] when `../shared`
/// is there.
fn real_subjects(root: &Path) -> Vec<&'static Api<'static>> {
    let mut subjects: Vec<&'static Api<'static>> = catalogue::APIS.iter().collect();
    let oxide = xtask::catalogue::corpus_directory(root).join("oxide.json");
    if oxide.is_file() {
        subjects.push(&OXIDE);
    } else {
        eprintln!("bench: ../shared/corpus/oxide.json is not there; Oxide is left out");
    }
    subjects
}

fn real_specs(root: &Path, iterations: usize) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(out, "## Codegen of real specs: ours vs raw progenitor\n");
    let _ = writeln!(
        out,
        "`codegen` is what `cargo xtask codegen --check` does for one API (load, lint beside the \
         pipeline on another core, normalise, generate, then parse + passes + format item by item \
         on every core, render, compare with disk); `raw` is the same job done with progenitor \
         alone, as its documentation shows: read the file into progenitor's model with serde, \
         `generate_tokens` + `syn::parse2` + `prettyplease::unparse` (from the same normalised \
         model, so that both make the same code), write the file. `raw core` is that without the \
         read and the write: the baseline of the performance anchors. Targets: ratio ≤ 1.20 on \
         our two specs, ≤ 1.00 on Oxide's.\n"
    );
    let _ = writeln!(
        out,
        "| API | ops | lines | codegen ms | raw ms | ratio | raw core ms | {} |",
        measure::PHASES.join(" ms | ") + " ms"
    );
    let _ = writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|{}",
        "---:|".repeat(measure::PHASES.len())
    );
    for api in real_subjects(root) {
        if !catalogue::APIS.iter().any(|a| a.name == api.name) {
            // Its crate is not committed: write it once, so the timed runs
            // find it up to date like the catalogue's.
            codegen::run(root, std::slice::from_ref(api), codegen::Mode::Write)?;
        }
        let mut codegen_ms = Vec::new();
        let mut raw_ms = Vec::new();
        let mut raw_core_ms = Vec::new();
        let mut phase_runs: Vec<Vec<(String, f64)>> = Vec::new();
        let mut lines = 0;
        let mut ops = 0;
        for _ in 0..iterations {
            let started = std::time::Instant::now();
            let generated = codegen::generate(root, api)?;
            let stale = xtask::files::stale(root, &generated.files);
            codegen_ms.push(millis(started.elapsed()));
            if !stale.is_empty() {
                bail!(
                    "{} is stale: run `cargo xtask codegen` before benchmarking",
                    api.name
                );
            }
            ops = generated.operations;
            let sample = measure::measure(Kind::Raw, root, api)?;
            raw_ms.push(sample.ms);
            raw_core_ms.extend(raw_core(&sample));
            lines = sample.lines;
            phase_runs.push(measure::measure(Kind::Phases, root, api)?.phases);
        }
        let (c, r) = (median(&codegen_ms), median(&raw_ms));
        let _ = writeln!(
            out,
            "| {} | {ops} | {lines} | {c:.1} | {r:.1} | {:.2} | {:.1} | {} |",
            api.name,
            c / r,
            median(&raw_core_ms),
            phase_medians(&phase_runs)
                .iter()
                .map(|ms| format!("{ms:.1}"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out.push('\n');
    Ok(out)
}

/// The [`measure::RAW_CORE`] phase of a raw run.
fn raw_core(sample: &Sample) -> Option<f64> {
    sample
        .phases
        .iter()
        .find(|(name, _)| name == measure::RAW_CORE)
        .map(|(_, ms)| *ms)
}

/// The median of each phase over several runs, in [`measure::PHASES`] order.
fn phase_medians(runs: &[Vec<(String, f64)>]) -> Vec<f64> {
    measure::PHASES
        .iter()
        .map(|phase| {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.iter().find(|(n, _)| n == phase).map(|(_, ms)| *ms))
                .collect();
            median(&values)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The command as the README runs it.

/// `cargo xtask codegen` as users type it runs a debug build of the xtask
/// (through cargo's alias, with cargo's own start-up); the release figures
/// above are the same code optimised. Both, side by side, on our specs and
/// (when `../shared` is there) Oxide's.
fn as_users_run_it(root: &Path, iterations: usize, full: bool) -> Result<String> {
    // The release xtask lands beside this (release) binary.
    let release = std::env::current_exe()
        .context("cannot find this binary")?
        .with_file_name(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    for profile in [&["--release"][..], &[]] {
        child::run(
            child::cargo()
                .current_dir(root)
                .args(["build", "--quiet", "-p", "xtask"])
                .args(profile),
        )?
        .succeeded(&format!("cargo build -p xtask {}", profile.join(" ")))?;
    }
    let mut runs: Vec<(&str, Vec<String>)> = vec![(
        "`cargo xtask codegen --check` (our two specs)",
        vec!["codegen".into(), "--check".into()],
    )];
    let oxide = xtask::catalogue::corpus_directory(root).join("oxide.json");
    if oxide.is_file() {
        runs.push((
            "`cargo xtask codegen --spec ../shared/corpus/oxide.json --out ..`",
            vec![
                "codegen".into(),
                "--spec".into(),
                "../shared/corpus/oxide.json".into(),
                "--out".into(),
                "target/bench/oxide-cli".into(),
            ],
        ));
    }
    let timed = |program: &Path, prefix: &[&str], args: &[String]| -> Result<f64> {
        let mut samples = Vec::new();
        for _ in 0..iterations {
            let ran = child::run(
                Command::new(program)
                    .current_dir(root)
                    .args(prefix)
                    .args(args),
            )?
            .succeeded(&format!("{} {args:?}", program.display()))?;
            samples.push(ran.secs * 1000.0);
        }
        Ok(median(&samples))
    };
    let mut out = String::new();
    let _ = writeln!(out, "## The command as users run it\n");
    let _ = writeln!(
        out,
        "The README's `cargo xtask codegen` goes through cargo's alias to a **debug** build of \
         the xtask, in which the generator's heavy dependencies (progenitor, typify, syn, \
         prettyplease, serde_json, ...) are optimised anyway (`[profile.dev.package.*]` in the \
         root `Cargo.toml`), so that what users run is close to the release figures. Wall time \
         of the whole command, cargo's start-up included for the alias, median of {iterations}.\n"
    );
    let _ = writeln!(
        out,
        "| command | as users run it (debug, via cargo) ms | release binary ms | ratio |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|");
    let cargo_program = PathBuf::from(xtask::workspace::cargo());
    for (label, args) in &runs {
        let debug = timed(&cargo_program, &["xtask"], args)?;
        let fast = timed(&release, &[], args)?;
        let _ = writeln!(
            out,
            "| {label} | {debug:.0} | {fast:.0} | {:.2} |",
            debug / fast
        );
    }
    if full {
        // What the optimised dependencies cost once: a cold debug build of
        // the xtask and everything it uses, in a target directory of its own.
        let target = root.join("target/bench/xtask-cold");
        let _ = std::fs::remove_dir_all(&target);
        let ran = child::run(
            child::cargo()
                .current_dir(root)
                .env("CARGO_TARGET_DIR", &target)
                .args(["build", "--quiet", "-p", "xtask"]),
        )?;
        if ran.success() {
            let _ = writeln!(
                out,
                "\nCold debug build of the xtask and all its dependencies (the one-time cost): {:.0} s.",
                ran.secs
            );
        }
        let _ = std::fs::remove_dir_all(&target);
    }
    out.push('\n');
    Ok(out)
}

// ---------------------------------------------------------------------------
// 2. Scale: synthetic specs.

/// A synthetic crate under a bench directory: the spec of `ops` operations
/// (`specs/synthetic-{ops}.yaml`, [`write_synthetic_spec`]) generated in one
/// style into `synthetic-{ops}-{style}{suffix}/`. It owns the names its
/// catalogue entry ([`Synthetic::api`]) borrows.
#[derive(Clone, Debug)]
pub struct Synthetic {
    name: String,
    spec: String,
    settings: Settings,
}

impl Synthetic {
    /// In the catalogue's settings (builder style, `PartialEq`).
    pub fn new(ops: usize, interface: Interface) -> Synthetic {
        Synthetic::with(ops, interface, &["PartialEq"], "")
    }

    /// With other derives and a name suffix, for the build-cost variants.
    pub fn with(
        ops: usize,
        interface: Interface,
        extra_derives: &'static [&'static str],
        suffix: &str,
    ) -> Synthetic {
        let style = match interface {
            Interface::Builder => "builder",
            Interface::Positional => "positional",
        };
        Synthetic {
            name: format!("synthetic-{ops}-{style}{suffix}"),
            spec: format!("specs/synthetic-{ops}.yaml"),
            settings: Settings {
                interface,
                extra_derives,
                ..Settings::DEFAULT
            },
        }
    }

    /// Its catalogue entry: package and directory are its name.
    pub fn api(&self) -> Api<'_> {
        Api {
            name: &self.name,
            spec: &self.spec,
            crate_dir: &self.name,
            package: &self.name,
            version: "0.1.0",
            doc_example: "let _ = ();",
            settings: self.settings,
            profile: catalogue::Profile::Transcribed,
        }
    }
}

/// Writes the synthetic spec of `ops` operations under `dir/specs/`.
pub fn write_synthetic_spec(dir: &Path, ops: usize) -> Result<()> {
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).with_context(|| format!("{}", specs.display()))?;
    let path = specs.join(format!("synthetic-{ops}.yaml"));
    std::fs::write(&path, synthetic::spec(ops)).with_context(|| format!("{}", path.display()))
}

/// One size of the scale table.
#[derive(Clone, Debug)]
pub struct ScaleRow {
    /// Operations in the synthetic spec.
    pub ops: usize,
    /// Median `codegen` (write) run.
    pub codegen: Sample,
    /// Median `codegen --check` run.
    pub check: Sample,
    /// Median raw progenitor run.
    pub raw: Sample,
    /// One run phase by phase.
    pub phases: Vec<(String, f64)>,
}

/// Measures each size, each sample in a fresh child process of `exe`
/// (this crate's binary: `bench --measure ..`), so that its peak RSS is
/// its own.
pub fn scale(dir: &Path, sizes: &[usize], iterations: usize, exe: &Path) -> Result<Vec<ScaleRow>> {
    let mut rows = Vec::new();
    for &ops in sizes {
        eprintln!("bench:   {ops} operations");
        write_synthetic_spec(dir, ops)?;
        let synthetic = Synthetic::new(ops, Interface::Builder);
        // The first write creates the crate; the measured writes then find
        // it up to date, like a re-run after a spec edit elsewhere.
        let _ = codegen::run(dir, &[synthetic.api()], codegen::Mode::Write)?;
        let runs = if ops >= 1000 {
            iterations.min(3)
        } else {
            iterations
        };
        let one = |kind: Kind| -> Result<Sample> {
            let mut samples = Vec::new();
            for _ in 0..runs {
                samples.push(in_child(exe, kind, ops, dir)?);
            }
            Ok(median_sample(samples))
        };
        let codegen = one(Kind::Codegen)?;
        let check = one(Kind::Check)?;
        let raw = one(Kind::Raw)?;
        let phases = in_child(exe, Kind::Phases, ops, dir)?.phases;
        rows.push(ScaleRow {
            ops,
            codegen,
            check,
            raw,
            phases,
        });
    }
    Ok(rows)
}

/// One measurement in a child process of `exe`, its peak RSS taken.
fn in_child(exe: &Path, kind: Kind, ops: usize, dir: &Path) -> Result<Sample> {
    let what = format!("measuring {} of {ops} operations", kind.as_str());
    let ran = child::measured(
        Command::new(exe)
            .args(["bench", "--measure", kind.as_str(), "--ops"])
            .arg(ops.to_string())
            .arg("--root")
            .arg(dir),
    )?
    .succeeded(&what)?;
    Ok(Sample {
        peak_kib: ran.peak_kib,
        ..ran.json(&what)?
    })
}

/// The sample with the median time, carrying the highest peak RSS seen, so
/// the memory column is an upper bound and not a lucky run.
fn median_sample(mut samples: Vec<Sample>) -> Sample {
    let peak = samples.iter().filter_map(|s| s.peak_kib).max();
    samples.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    let mid = samples.len() / 2;
    let mut chosen = samples.swap_remove(mid);
    chosen.peak_kib = peak;
    chosen
}

fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{}", k / 1024))
        .unwrap_or_else(|| "?".to_string())
}

/// The scale tables: time, memory and time per operation, then phases.
pub fn scale_tables(rows: &[ScaleRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Scale: synthetic specs (builder style)\n");
    let _ = writeln!(
        out,
        "Shapes as in the performance anchors (path parameter, JSON body with a nested object, \
         200 response of 8 properties with date-times and a 6-value enum, 400/404 sharing one \
         Error schema). `codegen` writes the crate (finding it up to date), `--check` compares \
         it; `raw` is the same job with progenitor alone (read, generate, parse, format, write; \
         as above), `raw core` without the read and the write. Targets: codegen/raw ≤ 1.00 at \
         1000 operations; at 3000, time per operation within 1.15× of 1000's (linear) and peak \
         memory below raw progenitor's.\n"
    );
    let _ = writeln!(
        out,
        "| ops | lines | codegen ms | ms/op | per op vs 1000 | peak RSS MiB | --check ms | --check RSS MiB | raw ms | raw core ms | raw ms/op | raw RSS MiB | codegen/raw | RSS/raw |"
    );
    let _ = writeln!(
        out,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let per_op_1000 = rows
        .iter()
        .find(|r| r.ops == 1000)
        .map(|r| r.codegen.ms / 1000.0);
    for r in rows {
        let ops = r.ops as f64;
        let vs_1000 = per_op_1000.map_or("–".to_string(), |base| {
            format!("{:.2}", r.codegen.ms / ops / base)
        });
        let rss_ratio = match (r.codegen.peak_kib, r.raw.peak_kib) {
            (Some(ours), Some(raw)) if raw > 0 => format!("{:.2}", ours as f64 / raw as f64),
            _ => "?".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.2} | {vs_1000} | {} | {:.1} | {} | {:.1} | {} | {:.2} | {} | {:.2} | {rss_ratio} |",
            r.ops,
            r.codegen.lines,
            r.codegen.ms,
            r.codegen.ms / ops,
            mib(r.codegen.peak_kib),
            r.check.ms,
            mib(r.check.peak_kib),
            r.raw.ms,
            raw_core(&r.raw).map_or("?".to_string(), |ms| format!("{ms:.1}")),
            r.raw.ms / ops,
            mib(r.raw.peak_kib),
            r.codegen.ms / r.raw.ms
        );
    }
    let _ = writeln!(
        out,
        "\nWhere the time goes (one run, ms; render+compare is the rest of a separate end-to-end run beyond the other phases' sum, so it is approximate and shows 0 when noise exceeds it):\n"
    );
    let _ = writeln!(out, "| ops | {} |", measure::PHASES.join(" | "));
    let _ = writeln!(out, "|---:|{}", "---:|".repeat(measure::PHASES.len()));
    for r in rows {
        let cells: Vec<String> = measure::PHASES
            .iter()
            .map(|p| {
                r.phases
                    .iter()
                    .find(|(n, _)| n == p)
                    .map(|(_, ms)| format!("{ms:.1}"))
                    .unwrap_or_default()
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", r.ops, cells.join(" | "));
    }
    out.push('\n');
    out
}

/// The harness on a tiny input: a 10-operation synthetic spec, one run,
/// measured by `exe` (this crate's binary, as a test finds it). `cargo
/// test` runs this to keep the harness working without asserting any
/// timing.
pub fn tiny(dir: &Path, exe: &Path) -> Result<String> {
    let rows = scale(dir, &[10], 1, exe)?;
    Ok(scale_tables(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthetic_crate_is_named_after_its_size_and_style() {
        let noeq = Synthetic::with(100, Interface::Builder, &[], "-noeq");
        let api = noeq.api();
        assert_eq!(api.spec, "specs/synthetic-100.yaml");
        for name in [api.name, api.crate_dir, api.package] {
            assert_eq!(name, "synthetic-100-builder-noeq");
        }
        assert!(api.settings.extra_derives.is_empty());
        let positional = Synthetic::new(10, Interface::Positional);
        assert_eq!(positional.api().name, "synthetic-10-positional");
        assert_eq!(positional.api().settings.extra_derives, ["PartialEq"]);
    }

    #[test]
    fn the_hand_written_analysis_is_kept() {
        let dir = std::env::temp_dir().join(format!("bench-analysis-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let report = dir.join("BENCHMARKS.md");
        std::fs::write(&report, "# Benchmarks\n\n| a |\n\n## Analysis\n\nWhy.\n").unwrap();
        assert_eq!(
            kept_analysis(&report).as_deref(),
            Some("\n## Analysis\n\nWhy.\n")
        );
        std::fs::write(&report, "# Benchmarks\n\n| a |\n").unwrap();
        assert_eq!(kept_analysis(&report), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
