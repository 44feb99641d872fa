//! Build cost of generated crates: cold and incremental `cargo build` of the
//! real generated crates and of synthetic ones in several generation styles.
//!
//! Everything builds in a scratch workspace under `target/bench/build-ws`
//! (the real workspace's manifest and lock file with other members) with
//! one shared `CARGO_TARGET_DIR`, so the dependencies build once and each
//! measurement is the generated crate alone.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::{synthetic_api_with, write_synthetic_spec};
use crate::catalogue::{self, Api, Interface};
use crate::codegen;

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
pub fn section(root: &Path, work: &Path, full: bool) -> Result<String> {
    let ws = work.join("build-ws");
    let target = work.join("build-target");
    if ws.exists() {
        std::fs::remove_dir_all(&ws).with_context(|| format!("{}", ws.display()))?;
    }
    std::fs::create_dir_all(&ws).with_context(|| format!("{}", ws.display()))?;

    let mut subjects = Vec::new();
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
        let ops = crate::spec::load(root, api.spec)
            .map(|s| crate::spec::operations(&s.openapi).len())
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
    let mut variants: Vec<(
        usize,
        Interface,
        &'static [&'static str],
        &str,
        &'static str,
    )> = vec![
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
    if full {
        variants.push((1000, Interface::Builder, &["PartialEq"], "", "builder"));
        variants.push((
            1000,
            Interface::Positional,
            &["PartialEq"],
            "",
            "positional",
        ));
    }
    let mut apis: Vec<&'static Api> = Vec::new();
    for (ops, interface, derives, suffix, style) in variants {
        write_synthetic_spec(&ws, ops)?;
        let api = synthetic_api_with(ops, interface, derives, suffix);
        apis.push(api);
        subjects.push(Subject {
            package: api.package.to_string(),
            dir: api.crate_dir.to_string(),
            ops,
            style,
        });
    }
    for api in &apis {
        let generated = codegen::generate(&ws, api)?;
        crate::files::write(&ws, &generated.files)?;
    }
    write_manifest(root, &ws, &subjects)?;

    // Dependencies once, measured for the record.
    let started = Instant::now();
    cargo_build(&ws, &target, &subjects[0].package, None)?;
    let deps_s = started.elapsed().as_secs_f64();

    let mut built = Vec::new();
    for subject in subjects {
        eprintln!("bench:   cargo build -p {}", subject.package);
        let lib = ws.join(&subject.dir).join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).with_context(|| format!("{}", lib.display()))?;
        clean(&ws, &target, &subject.package)?;
        let (cold_s, cold_mib) = timed_build(&ws, &target, &subject.package)?;
        // Same contents, new mtime: cargo rebuilds with a warm incremental cache.
        std::fs::write(&lib, &text).with_context(|| format!("{}", lib.display()))?;
        let (incremental_s, incremental_mib) = timed_build(&ws, &target, &subject.package)?;
        built.push(Built {
            lines: text.lines().count(),
            subject,
            cold_s,
            cold_mib,
            incremental_s,
            incremental_mib,
        });
    }
    Ok(render(&built, deps_s, full))
}

fn write_manifest(root: &Path, ws: &Path, subjects: &[Subject]) -> Result<()> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).context("root Cargo.toml")?;
    let members = subjects
        .iter()
        .map(|s| format!("{:?}", s.dir))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = String::new();
    let mut replaced = false;
    for line in manifest.lines() {
        if line.trim_start().starts_with("members") {
            let _ = writeln!(out, "members = [{members}]");
            replaced = true;
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    if !replaced {
        bail!("root Cargo.toml has no `members = [...]` line to replace");
    }
    std::fs::write(ws.join("Cargo.toml"), out)?;
    // The same lock file, so the dependencies are the versions users get.
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).context("Cargo.lock")?;
    Ok(())
}

fn cargo_build(ws: &Path, target: &Path, package: &str, rss_file: Option<&Path>) -> Result<()> {
    let mut cmd = match rss_file {
        // GNU time's %M is the peak RSS of cargo and everything it waited
        // for, i.e. of the biggest rustc.
        Some(file) if Path::new("/usr/bin/time").exists() => {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M", "-o"])
                .arg(file)
                .arg(crate::catalogue::cargo());
            c
        }
        _ => Command::new(crate::catalogue::cargo()),
    };
    cmd.current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--quiet", "-p", package]);
    let output = cmd.output().context("cannot run cargo build")?;
    if !output.status.success() {
        bail!(
            "cargo build -p {package} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn timed_build(ws: &Path, target: &Path, package: &str) -> Result<(f64, Option<u64>)> {
    let rss = target.join(format!("{package}.maxrss"));
    let started = Instant::now();
    cargo_build(ws, target, package, Some(&rss))?;
    let secs = started.elapsed().as_secs_f64();
    let mib = std::fs::read_to_string(&rss)
        .ok()
        .and_then(|s| s.trim().lines().last()?.trim().parse::<u64>().ok())
        .map(|kib| kib / 1024);
    Ok((secs, mib))
}

/// Removes the package's artifacts and its incremental cache, keeping the
/// dependencies: the next build is a cold build of this crate alone.
fn clean(ws: &Path, target: &Path, package: &str) -> Result<()> {
    let status = Command::new(crate::catalogue::cargo())
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .args(["clean", "--quiet", "-p", package])
        .status()
        .context("cannot run cargo clean")?;
    if !status.success() {
        bail!("cargo clean -p {package} failed");
    }
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

fn render(built: &[Built], deps_s: f64, full: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Build cost of generated crates (debug `cargo build`)\n"
    );
    let _ = writeln!(
        out,
        "Cold: the crate's artifacts and incremental cache removed, dependencies built. \
         Incremental: `lib.rs` rewritten unchanged (new mtime), warm incremental cache. \
         Peak RSS is that of the biggest process cargo ran (rustc). The dependencies took \
         {deps_s:.0} s to build once (first build of the scratch workspace; 0 if already built).{}\n",
        if full {
            ""
        } else {
            " The 1000-operation crates are built only with `--full`."
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
