//! Build cost of generated crates, in two tables:
//!
//! 1. **Ours against raw progenitor** (issue 17): cold `cargo check` and
//!    cold `cargo build` (debug) of the crate the pipeline writes and of
//!    raw progenitor's builder output for the same spec (Oxide's published
//!    spec, and the synthetic spec: 100 operations by default, 1000 with
//!    `--full`), plus Oxide's crate with one tag's feature against the
//!    whole crate.
//! 2. **The catalogue crates and generation styles**: cold and incremental
//!    `cargo build` of the real generated crates and of synthetic ones in
//!    several styles.
//!
//! Everything builds in a scratch workspace under `target/bench/build-ws`
//! (the real workspace's manifest and lock file with other members) with
//! one shared `CARGO_TARGET_DIR`, so the dependencies build once and each
//! measurement is the generated crate alone: "cold" is that crate's
//! artifacts and incremental cache removed (`cargo clean -p` and its
//! `incremental/` directories), its dependencies built. Each subject of
//! table 1 has a sibling `<name>-deps` crate with the same dependency
//! lines and an empty `lib.rs`: building and checking it first builds
//! exactly the dependencies the subject needs, without the subject.
//!
//! Peak memory and CPU time are GNU time's, of cargo ([`child::measured`]):
//! the peak RSS is that of the biggest process it waited for, rustc.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use super::ablate::Ablation;
use super::{Synthetic, write_synthetic_spec};
use crate::child;
use xtask::catalogue::{self, Interface, Settings};
use xtask::codegen;

/// What [`section`] measures.
#[derive(Clone, Debug)]
pub struct Options {
    /// The 1000-operation crates (several minutes and GBs each).
    pub full: bool,
    /// Runs per cold measurement of table 1 (medians reported).
    pub runs: usize,
    /// Only table 1 (ours against raw progenitor).
    pub compare_only: bool,
    /// Also Oxide's crate with each [`Ablation`] (table 1 only).
    pub ablations: bool,
}

/// One crate to build.
struct Subject {
    package: String,
    dir: String,
    ops: usize,
    style: &'static str,
}

/// One crate's numbers.
struct Built {
    subject: Subject,
    lines: usize,
    cold_s: f64,
    cold_mib: Option<u64>,
    incremental_s: f64,
    incremental_mib: Option<u64>,
}

/// Builds the scratch workspace and returns the report section.
pub fn section(root: &Path, work: &Path, options: &Options) -> Result<String> {
    let ws = work.join("build-ws");
    let target = work.join("build-target");
    if ws.exists() {
        std::fs::remove_dir_all(&ws).with_context(|| format!("{}", ws.display()))?;
    }
    std::fs::create_dir_all(&ws).with_context(|| format!("{}", ws.display()))?;

    let mut comparison = Comparison::write(root, &ws, options.full)?;
    if options.ablations {
        comparison.ablations = ablations(&ws, "oxide")?;
    }
    let mut subjects = Vec::new();
    let mut synthetic = Vec::new();
    if !options.compare_only {
        styles(root, &ws, &mut subjects, &mut synthetic)?;
    }
    for crate_ in &synthetic {
        let generated = codegen::generate(&ws, &crate_.api())?;
        xtask::files::write(&ws, &generated.files)?;
    }
    let mut members: Vec<String> = subjects.iter().map(|s| s.dir.clone()).collect();
    members.extend(comparison.members());
    write_manifest(root, &ws, &members)?;

    let mut out = String::new();
    out.push_str(&comparison.measure(&ws, &target, options.runs)?);
    if options.compare_only {
        return Ok(out);
    }

    // Dependencies once, measured for the record.
    let deps_s = cargo(&ws, &target, Cargo::Build, &subjects[0].package, &[])?;

    let mut built = Vec::new();
    for subject in subjects {
        eprintln!("bench:   cargo build -p {}", subject.package);
        let lib = ws.join(&subject.dir).join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).with_context(|| format!("{}", lib.display()))?;
        let cold = cold(&ws, &target, Cargo::Build, &subject.package, &[])?;
        // Same contents, new mtime: cargo rebuilds with a warm incremental cache.
        std::fs::write(&lib, &text).with_context(|| format!("{}", lib.display()))?;
        let incremental = timed(&ws, &target, Cargo::Build, &subject.package, &[])?;
        let (cold_s, cold_mib) = (cold.secs, cold.mib);
        let (incremental_s, incremental_mib) = (incremental.secs, incremental.mib);
        built.push(Built {
            lines: text.lines().count(),
            subject,
            cold_s,
            cold_mib,
            incremental_s,
            incremental_mib,
        });
    }
    out.push_str(&render_styles(&built, deps_s, options.full));
    Ok(out)
}

/// Table 2's subjects: the catalogue crates as committed, and synthetic
/// crates in the styles to compare.
fn styles(
    root: &Path,
    ws: &Path,
    subjects: &mut Vec<Subject>,
    synthetic: &mut Vec<Synthetic>,
) -> Result<()> {
    for api in catalogue::APIS {
        for file in ["Cargo.toml", "src/lib.rs"] {
            let from = root.join(api.crate_dir).join(file);
            let to = ws.join(api.package).join(file);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&from, &to)
                .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        }
        let ops = xtask::spec::load(
            xtask::spec::Source::Disk(root, api.spec),
            xtask::spec::Policy::Checked,
        )
        .map(|s| xtask::spec::operations(&s.openapi).len())
        .unwrap_or(0);
        subjects.push(Subject {
            package: api.package.to_string(),
            dir: api.package.to_string(),
            ops,
            style: "builder",
        });
    }
    // The styles to compare: the catalogue default (builder, PartialEq),
    // builder without the extra derive, and positional.
    type Variant = (
        usize,
        Interface,
        &'static [&'static str],
        &'static str,
        &'static str,
    );
    // At 1000 operations the builder crate is measured once, cold, in the
    // comparison with raw progenitor (`--full`); building it again here, and
    // a positional one, would take a quarter of `--full`'s 30 minutes.
    let variants: Vec<Variant> = vec![
        (100, Interface::Builder, &["PartialEq"], "", "builder"),
        (
            100,
            Interface::Builder,
            &[],
            "-noeq",
            "builder, no PartialEq",
        ),
        (100, Interface::Positional, &["PartialEq"], "", "positional"),
    ];
    for (ops, interface, derives, suffix, style) in variants {
        write_synthetic_spec(ws, ops)?;
        let crate_ = Synthetic::with(ops, interface, derives, suffix);
        let api = crate_.api();
        subjects.push(Subject {
            package: api.package.to_string(),
            dir: api.crate_dir.to_string(),
            ops,
            style,
        });
        synthetic.push(crate_);
    }
    Ok(())
}

/// The scratch workspace's manifest: the root one with other members, and
/// the runtime's path dependency pointing at the real `runtime/`.
fn write_manifest(root: &Path, ws: &Path, members: &[String]) -> Result<()> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).context("root Cargo.toml")?;
    let members = members
        .iter()
        .map(|m| format!("{m:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let runtime = root.join("runtime");
    let mut out = String::new();
    let mut replaced = false;
    let mut runtime_line = false;
    for line in manifest.lines() {
        let key = line.split('=').next().unwrap_or_default().trim();
        if key == "members" {
            let _ = writeln!(out, "members = [{members}]");
            replaced = true;
        } else if key == "cloud-orgs-runtime" {
            // Relative in the root manifest; the scratch workspace is
            // elsewhere.
            let _ = writeln!(
                out,
                "cloud-orgs-runtime = {{ path = {:?} }}",
                runtime.display().to_string()
            );
            runtime_line = true;
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    if !replaced || !runtime_line {
        bail!(
            "root Cargo.toml has no `members = [...]` line or no `cloud-orgs-runtime` \
             workspace dependency to replace"
        );
    }
    std::fs::write(ws.join("Cargo.toml"), out)?;
    // The same lock file, so the dependencies are the versions users get.
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).context("Cargo.lock")?;
    Ok(())
}

/// `cargo check` or `cargo build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cargo {
    Check,
    Build,
}

impl Cargo {
    fn as_str(self) -> &'static str {
        match self {
            Cargo::Check => "check",
            Cargo::Build => "build",
        }
    }
}

/// `cargo check|build -p package [features]` in the scratch workspace, as
/// run ([`cargo`]) or timed ([`timed`]).
fn command(ws: &Path, target: &Path, what: Cargo, package: &str, features: &[String]) -> Command {
    let mut cmd = child::cargo();
    cmd.current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .args([what.as_str(), "--quiet", "-p", package])
        .args(features);
    cmd
}

fn describe(what: Cargo, package: &str, features: &[String]) -> String {
    format!(
        "cargo {} -p {package} {}",
        what.as_str(),
        features.join(" ")
    )
}

/// Runs the [`command`]; its wall time.
fn cargo(ws: &Path, target: &Path, what: Cargo, package: &str, features: &[String]) -> Result<f64> {
    let ran = child::run(&mut command(ws, target, what, package, features))?
        .succeeded(&describe(what, package, features))?;
    Ok(ran.secs)
}

/// One timed cargo run.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    /// Wall-clock seconds.
    secs: f64,
    /// User + system CPU seconds of cargo and its children (rustc): less
    /// sensitive than `secs` to other work on the machine.
    cpu: Option<f64>,
    /// Peak RSS of the biggest process (rustc), MiB.
    mib: Option<u64>,
}

/// Runs the [`command`] measured ([`child::measured`]).
fn timed(
    ws: &Path,
    target: &Path,
    what: Cargo,
    package: &str,
    features: &[String],
) -> Result<Sample> {
    let ran = child::measured(&mut command(ws, target, what, package, features))?
        .succeeded(&describe(what, package, features))?;
    Ok(Sample {
        secs: ran.secs,
        cpu: ran.cpu_secs,
        mib: ran.peak_mib(),
    })
}

/// A cold `cargo check` or `cargo build` of `package` alone.
fn cold(
    ws: &Path,
    target: &Path,
    what: Cargo,
    package: &str,
    features: &[String],
) -> Result<Sample> {
    clean(ws, target, package)?;
    timed(ws, target, what, package, features)
}

/// Removes the package's artifacts and its incremental cache, keeping the
/// dependencies: the next build is a cold build of this crate alone.
fn clean(ws: &Path, target: &Path, package: &str) -> Result<()> {
    child::run(
        child::cargo()
            .current_dir(ws)
            .env("CARGO_TARGET_DIR", target)
            .args(["clean", "--quiet", "-p", package]),
    )?
    .succeeded(&format!("cargo clean -p {package}"))?;
    let incremental = target.join("debug/incremental");
    let prefix = format!("{}-", package.replace('-', "_"));
    if let Ok(entries) = std::fs::read_dir(&incremental) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(())
}

fn render_styles(built: &[Built], deps_s: f64, full: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Catalogue crates and generation styles (debug `cargo build`)\n"
    );
    let _ = writeln!(
        out,
        "Cold: the crate's artifacts and incremental cache removed, dependencies built. \
         Incremental: `lib.rs` rewritten unchanged (new mtime), warm incremental cache. \
         Peak RSS is that of the biggest process cargo ran (rustc). The dependencies took \
         {deps_s:.0} s to build once (first build of the scratch workspace; 0 if already built).{}\n",
        if full {
            " The 1000-operation crate is in the comparison with raw progenitor above."
        } else {
            " The 1000-operation crates are built only with `--full`, in the comparison above."
        }
    );
    let _ = writeln!(
        out,
        "| crate | style | ops | lines | cold s | cold s/op | cold RSS MiB | incremental s | incr. s/op | incr. RSS MiB |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for b in built {
        let ops = b.subject.ops.max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} | {:.3} | {} | {:.1} | {:.3} | {} |",
            b.subject.package,
            b.subject.style,
            b.subject.ops,
            b.lines,
            b.cold_s,
            b.cold_s / ops,
            b.cold_mib.map(|m| m.to_string()).unwrap_or_default(),
            b.incremental_s,
            b.incremental_s / ops,
            b.incremental_mib.map(|m| m.to_string()).unwrap_or_default(),
        );
    }
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------
// Table 1: ours against raw progenitor.

/// One spec of table 1: our crate and raw progenitor's, side by side.
struct Pair {
    /// What the table calls it.
    name: String,
    ops: usize,
    ours: Crate,
    raw: Crate,
    /// Features of our crate to build on their own, besides the whole crate.
    tags: Vec<String>,
}

/// One crate of the scratch workspace.
struct Crate {
    package: String,
    lines: usize,
}

/// Table 1's crates, written into the scratch workspace.
struct Comparison {
    pairs: Vec<Pair>,
    /// Variants of Oxide's crate: `(ablation, package)`.
    ablations: Vec<(Ablation, String)>,
}

/// Oxide's tags measured alone: a small one and the biggest.
const OXIDE_TAGS: &[&str] = &["projects", "system-networking"];

impl Comparison {
    fn write(root: &Path, ws: &Path, full: bool) -> Result<Comparison> {
        let mut pairs = Vec::new();
        let oxide = xtask::catalogue::corpus_directory(root).join("oxide.json");
        pairs.push(pair(ws, "oxide", &oxide, "Oxide (`oxide.json`)")?);
        let ops = if full { 1000 } else { 100 };
        write_synthetic_spec(ws, ops)?;
        let synthetic = ws.join(format!("specs/synthetic-{ops}.yaml"));
        pairs.push(pair(
            ws,
            &format!("synth-{ops}"),
            &synthetic,
            &format!("synthetic, {ops} operations"),
        )?);
        // Before the crates had one feature per tag there is nothing to
        // measure alone.
        if let Some(oxide) = pairs.first_mut()
            && std::fs::read_to_string(ws.join("oxide/Cargo.toml"))
                .is_ok_and(|m| m.lines().any(|l| l.trim() == "[features]"))
        {
            oxide.tags = OXIDE_TAGS.iter().map(|t| t.to_string()).collect();
        }
        Ok(Comparison {
            pairs,
            ablations: Vec::new(),
        })
    }

    fn members(&self) -> Vec<String> {
        self.pairs
            .iter()
            .flat_map(|p| [&p.ours.package, &p.raw.package])
            .flat_map(|package| [package.clone(), format!("{package}-deps")])
            .chain(self.ablations.iter().map(|(_, package)| package.clone()))
            .collect()
    }

    fn measure(&self, ws: &Path, target: &Path, runs: usize) -> Result<String> {
        // The dependencies of every crate, checked and built once.
        let mut deps_s = 0.0;
        for p in &self.pairs {
            for c in [&p.ours, &p.raw] {
                let deps = format!("{}-deps", c.package);
                eprintln!("bench:   dependencies of {}", c.package);
                deps_s += cargo(ws, target, Cargo::Check, &deps, &[])?;
                deps_s += cargo(ws, target, Cargo::Build, &deps, &[])?;
            }
        }
        let mut rows = Vec::new();
        for p in &self.pairs {
            let mut cells = Cells::default();
            // Interleaved, so that a slow spell of the machine hits both.
            for run in 0..runs.max(1) {
                for what in [Cargo::Check, Cargo::Build] {
                    for (c, slot) in [(&p.ours, &mut cells.ours), (&p.raw, &mut cells.raw)] {
                        eprintln!(
                            "bench:   cold cargo {} -p {} ({}/{})",
                            what.as_str(),
                            c.package,
                            run + 1,
                            runs.max(1)
                        );
                        slot.push(what, cold(ws, target, what, &c.package, &[])?);
                    }
                }
            }
            let mut tags = Vec::new();
            for tag in &p.tags {
                let features = vec![
                    "--no-default-features".to_string(),
                    "--features".to_string(),
                    tag.clone(),
                ];
                let mut m = Measured::default();
                for run in 0..runs.max(1) {
                    for what in [Cargo::Check, Cargo::Build] {
                        eprintln!(
                            "bench:   cold cargo {} -p {} --features {tag} ({}/{})",
                            what.as_str(),
                            p.ours.package,
                            run + 1,
                            runs.max(1)
                        );
                        m.push(what, cold(ws, target, what, &p.ours.package, &features)?);
                    }
                }
                tags.push((tag.clone(), m));
            }
            rows.push((p, cells, tags));
        }
        let mut out = render_comparison(&rows, deps_s, runs.max(1));
        if !self.ablations.is_empty() {
            let mut measured = Vec::new();
            for (ablation, package) in &self.ablations {
                let mut m = Measured::default();
                'runs: for run in 0..runs.max(1) {
                    for what in [Cargo::Check, Cargo::Build] {
                        eprintln!(
                            "bench:   cold cargo {} -p {package} ({}/{})",
                            what.as_str(),
                            run + 1,
                            runs.max(1)
                        );
                        // A variant that does not compile is a finding, not
                        // the end of the bench.
                        match cold(ws, target, what, package, &[]) {
                            Ok(sample) => m.push(what, sample),
                            Err(e) => {
                                eprintln!("bench:   {package} does not compile: {e:#}");
                                break 'runs;
                            }
                        }
                    }
                }
                // Each variant's artifacts take GBs: gone once measured.
                clean(ws, target, package)?;
                let lines = std::fs::read_to_string(ws.join(package).join("src/lib.rs"))
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
                measured.push((*ablation, lines, m));
            }
            let whole = rows
                .first()
                .map(|(p, cells, _)| (p.ours.lines, cells.ours.medians()));
            out.push_str(&render_ablations(whole, &measured));
        }
        Ok(out)
    }
}

/// Our crate and raw progenitor's for `spec`, each with its `-deps`
/// sibling, written under `ws`.
fn pair(ws: &Path, package: &str, spec: &Path, name: &str) -> Result<Pair> {
    // Ours: exactly `cargo xtask codegen --spec .. --out ..`.
    let generated = codegen::one_off(spec, Path::new(package), &Default::default())?;
    let mut lines = 0;
    for file in &generated.files {
        let to = ws.join(package).join(&file.path);
        let contents = if file.path == "Cargo.toml" {
            member_manifest(&file.contents)
        } else {
            lines = file.contents.lines().count();
            file.contents.clone()
        };
        write(&to, &contents)?;
    }
    write_deps(ws, package, &member_manifest(&generated.files[0].contents))?;
    let ours = Crate {
        package: package.to_string(),
        lines,
    };
    let raw = raw_crate(ws, &format!("{package}-raw"), spec)?;
    Ok(Pair {
        name: name.to_string(),
        ops: generated.operations - generated.skipped.len(),
        ours,
        raw,
        tags: Vec::new(),
    })
}

/// Raw progenitor's builder output for `spec` as a crate: the same
/// progenitor settings as ours ([`xtask::raw`]) without the runtime, on the
/// same normalised document, formatted by prettyplease; its dependencies
/// are the crates the code names.
fn raw_crate(ws: &Path, package: &str, spec: &Path) -> Result<Crate> {
    let mut loaded = xtask::spec::load(
        xtask::spec::Source::Disk(Path::new(""), &spec.display().to_string()),
        xtask::spec::Policy::Checked,
    )?;
    let shown = spec.display().to_string();
    xtask::normalise::normalise(&mut loaded.openapi);
    let file = xtask::raw::generate(&loaded.openapi, &Settings::DEFAULT)
        .map_err(|e| anyhow::anyhow!("{shown}: raw progenitor: {e}"))?;
    let text = prettyplease::unparse(&file);
    let mut manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n"
    );
    let mut named = std::collections::BTreeSet::new();
    for item in &file.items {
        xtask::deps::crates_named(item, &mut named);
    }
    for dep in xtask::deps::dependencies(&named) {
        if dep.name != "cloud-orgs-runtime" {
            let _ = writeln!(manifest, "{} = {}", dep.name, dep.standalone);
        }
    }
    write(&ws.join(package).join("Cargo.toml"), &manifest)?;
    write(&ws.join(package).join("src/lib.rs"), &text)?;
    write_deps(ws, package, &manifest)?;
    Ok(Crate {
        package: package.to_string(),
        lines: text.lines().count(),
    })
}

/// A standalone crate's manifest as a member of the scratch workspace:
/// without its own `[workspace]` table.
fn member_manifest(manifest: &str) -> String {
    let mut out = String::new();
    for line in manifest.lines() {
        if line.trim() != "[workspace]" {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `<package>-deps`: the same `[dependencies]` as `manifest`, an empty
/// library and no features.
fn write_deps(ws: &Path, package: &str, manifest: &str) -> Result<()> {
    let mut out = String::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_deps = line.trim() == "[dependencies]";
            if in_deps {
                let _ = writeln!(
                    out,
                    "[package]\nname = \"{package}-deps\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]"
                );
            }
            continue;
        }
        if in_deps && !line.trim().is_empty() {
            let _ = writeln!(out, "{line}");
        }
    }
    let dir = ws.join(format!("{package}-deps"));
    write(&dir.join("Cargo.toml"), &out)?;
    write(&dir.join("src/lib.rs"), "")
}

fn write(path: &PathBuf, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("{}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("{}", path.display()))
}

/// Cold check and build samples of one crate.
#[derive(Default)]
struct Measured {
    check: Vec<Sample>,
    build: Vec<Sample>,
}

impl Measured {
    fn push(&mut self, what: Cargo, sample: Sample) {
        match what {
            Cargo::Check => self.check.push(sample),
            Cargo::Build => self.build.push(sample),
        }
    }

    /// The median of each field of check's samples, then of build's.
    fn medians(&self) -> [Sample; 2] {
        [&self.check, &self.build].map(|samples| {
            let secs: Vec<f64> = samples.iter().map(|s| s.secs).collect();
            let cpu: Vec<f64> = samples.iter().filter_map(|s| s.cpu).collect();
            let mut mib: Vec<u64> = samples.iter().filter_map(|s| s.mib).collect();
            mib.sort_unstable();
            Sample {
                secs: super::measure::median(&secs),
                cpu: (!cpu.is_empty()).then(|| super::measure::median(&cpu)),
                mib: mib.get(mib.len() / 2).copied(),
            }
        })
    }
}

#[derive(Default)]
struct Cells {
    ours: Measured,
    raw: Measured,
}

/// Oxide's crate (`package` in `ws`) once per [`Ablation`], as sibling
/// packages `<package>-<ablation>`.
fn ablations(ws: &Path, package: &str) -> Result<Vec<(Ablation, String)>> {
    let dir = ws.join(package);
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).context("the crate to ablate")?;
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    let mut out = Vec::new();
    for ablation in Ablation::ALL {
        let mut file: syn::File = syn::parse_file(&lib).context("the generated crate")?;
        ablation.apply(&mut file);
        let name = format!("{package}-{}", ablation.name());
        let renamed: String = manifest
            .lines()
            .map(|line| {
                if line.split('=').next().is_some_and(|k| k.trim() == "name") {
                    format!("name = \"{name}\"\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        write(&ws.join(&name).join("Cargo.toml"), &renamed)?;
        write(
            &ws.join(&name).join("src/lib.rs"),
            &prettyplease::unparse(&file),
        )?;
        out.push((*ablation, name));
    }
    Ok(out)
}

fn render_ablations(
    whole: Option<(usize, [Sample; 2])>,
    rows: &[(Ablation, usize, Measured)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nWhat costs what in our Oxide crate, by ablation (each variant is the crate with one \
         class of items taken out, or stubbed so that it still compiles; none is shipped). \
         Saved: the whole crate's median minus the variant's, in CPU seconds (user + system \
         of rustc, steadier than wall time on a shared machine).\n"
    );
    let _ = writeln!(
        out,
        "| variant: without | lines | check s | check CPU s | build s | build CPU s | build MiB | check CPU saved | build CPU saved |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    if let Some((lines, [c, b])) = whole {
        let _ = writeln!(
            out,
            "| (nothing: the crate as generated) | {lines} | {:.1} | {} | {:.1} | {} | {} | | |",
            c.secs,
            cpu(c.cpu),
            b.secs,
            cpu(b.cpu),
            mib(b.mib)
        );
    }
    for (ablation, lines, m) in rows {
        if m.check.is_empty() || m.build.is_empty() {
            let _ = writeln!(
                out,
                "| {} | {lines} | does not compile | | | | | | |",
                ablation.description()
            );
            continue;
        }
        let [c, b] = m.medians();
        let saved = |x: Option<f64>, i: usize| match (whole.and_then(|(_, w)| w[i].cpu), x) {
            (Some(w), Some(x)) => format!("{:.1}", w - x),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {lines} | {:.1} | {} | {:.1} | {} | {} | {} | {} |",
            ablation.description(),
            c.secs,
            cpu(c.cpu),
            b.secs,
            cpu(b.cpu),
            mib(b.mib),
            saved(c.cpu, 0),
            saved(b.cpu, 1)
        );
    }
    out
}

fn mib(m: Option<u64>) -> String {
    m.map_or("?".to_string(), |m| m.to_string())
}

fn cpu(c: Option<f64>) -> String {
    c.map_or("?".to_string(), |c| format!("{c:.1}"))
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "?".to_string()
    }
}

fn opt_ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => ratio(a, b),
        _ => "?".to_string(),
    }
}

type Row<'a> = (&'a Pair, Cells, Vec<(String, Measured)>);

fn render_comparison(rows: &[Row<'_>], deps_s: f64, runs: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Build cost of generated crates\n");
    let _ = writeln!(
        out,
        "### Ours against raw progenitor (debug, cold)\n\n\
         Our crate is `cargo xtask codegen --spec .. --out ..`; raw progenitor's is \
         `generate_tokens` with the same settings (builder style, merged tags, `PartialEq`) \
         without the runtime, on the same normalised document, formatted by prettyplease, \
         in a crate depending on what it names. Cold: the crate's artifacts and incremental \
         cache removed, its dependencies built (they took {deps_s:.0} s, once). Medians of \
         {runs} run(s), ours and raw interleaved. s: wall clock; CPU s: user + system of \
         cargo and rustc; MiB: rustc's peak RSS. Targets: ours at most 0.6× raw in build \
         time and memory; one tag of Oxide at least 5× faster to build than the whole crate.\n"
    );
    let _ = writeln!(
        out,
        "| spec | ops | crate | lines | check s | check CPU s | check MiB | build s | build CPU s | build MiB | × raw: check s | build s | build CPU s | build MiB |"
    );
    let _ = writeln!(
        out,
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (pair, cells, _) in rows {
        let [rc, rb] = cells.raw.medians();
        let [oc, ob] = cells.ours.medians();
        let _ = writeln!(
            out,
            "| {} | {} | raw progenitor | {} | {:.1} | {} | {} | {:.1} | {} | {} | | | | |",
            pair.name,
            pair.ops,
            pair.raw.lines,
            rc.secs,
            cpu(rc.cpu),
            mib(rc.mib),
            rb.secs,
            cpu(rb.cpu),
            mib(rb.mib)
        );
        let _ = writeln!(
            out,
            "| {} | {} | ours | {} | {:.1} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {} |",
            pair.name,
            pair.ops,
            pair.ours.lines,
            oc.secs,
            cpu(oc.cpu),
            mib(oc.mib),
            ob.secs,
            cpu(ob.cpu),
            mib(ob.mib),
            ratio(oc.secs, rc.secs),
            ratio(ob.secs, rb.secs),
            opt_ratio(ob.cpu, rb.cpu),
            opt_ratio(ob.mib.map(|m| m as f64), rb.mib.map(|m| m as f64)),
        );
    }
    if rows.iter().any(|(_, _, tags)| !tags.is_empty()) {
        let _ = writeln!(
            out,
            "\nOne tag alone (`--no-default-features --features TAG`) against the whole crate \
             (every tag: the default):\n"
        );
        let _ = writeln!(
            out,
            "| spec | feature | check s | check MiB | build s | build CPU s | build MiB | whole ÷ tag: build s | build CPU s |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (pair, cells, tags) in rows {
            let [_, whole] = cells.ours.medians();
            for (tag, m) in tags {
                let [c, b] = m.medians();
                let _ = writeln!(
                    out,
                    "| {} | `{tag}` | {:.1} | {} | {:.1} | {} | {} | {} | {} |",
                    pair.name,
                    c.secs,
                    mib(c.mib),
                    b.secs,
                    cpu(b.cpu),
                    mib(b.mib),
                    ratio(whole.secs, b.secs),
                    opt_ratio(whole.cpu, b.cpu)
                );
            }
        }
    }
    out.push('\n');
    out
}
