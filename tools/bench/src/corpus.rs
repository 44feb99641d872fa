//! `cargo xtask corpus`: every real vendor document in `../shared/corpus/`
//! through the pipeline, each crate built, and `CORPUS.md` written.
//!
//! The corpus is the test of the generator: specs nobody here wrote. Per
//! document the report gives operations generated of the total, what was
//! skipped and why, generated lines, codegen time and peak memory, what raw
//! progenitor makes of the same document (and how long it takes), and the
//! `cargo check` of our crate: time, peak memory, errors and warnings.
//!
//! The crates go to `target/corpus/<name>/` (out of git), built with one
//! shared target directory, `target/corpus-target/`. `--only NAME` runs one
//! document and leaves `CORPUS.md` alone (CI checks Oxide's crate this way).
//! Codegen and raw progenitor each run in a child process of this binary
//! (`--stage`), so that a crash is a row of the table and each one's peak
//! memory is its own ([`child::measured`]).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use xtask::catalogue::{CORPUS, Document, Settings};
use xtask::raw::Failure;

use crate::child;

/// Command-line arguments of `cargo xtask corpus`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only this document (a name of the table in `../shared/corpus/README.md`
    /// as listed by `--list`); `CORPUS.md` is then not written.
    #[arg(long)]
    pub only: Option<String>,
    /// Generate only; skip `cargo check`.
    #[arg(long)]
    pub no_build: bool,
    /// Check each crate whole only, not also each per-tag feature alone
    /// (one check per tag: most of the run on specs with many tags).
    #[arg(long)]
    pub no_subsets: bool,
    /// List the documents and exit.
    #[arg(long)]
    pub list: bool,
    /// Internal: run one stage for `--only` and print its result as JSON
    /// (the parent runs each stage in a process of its own, so that its
    /// peak memory is its own).
    #[arg(long, hide = true, requires = "only")]
    pub stage: Option<Stage>,
}

/// A measured stage of one document, run in a child process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    /// Our pipeline (`codegen --spec .. --out ..`).
    Codegen,
    /// Raw progenitor on the document as published.
    Raw,
}

/// `cargo xtask corpus`.
pub fn run(args: &Args) -> Result<ExitCode> {
    if args.list {
        for doc in CORPUS {
            println!("{:<14} {}", doc.name, doc.file);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let root = xtask::workspace::root();
    let corpus = xtask::catalogue::corpus_directory(&root);
    if !corpus.is_dir() {
        bail!(
            "{} is not there: the corpus lives in ../shared/corpus beside the workspace",
            corpus.display()
        );
    }
    let docs: Vec<&Document> = match &args.only {
        None => CORPUS.iter().collect(),
        Some(name) => match CORPUS.iter().find(|d| d.name == name) {
            Some(doc) => vec![doc],
            None => bail!(
                "no corpus document named `{name}`; known: {}",
                CORPUS.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
            ),
        },
    };
    let out = root.join("target/corpus");
    let target = root.join("target/corpus-target");
    if let (Some(stage), [doc]) = (args.stage, docs.as_slice()) {
        let spec = corpus.join(doc.file);
        let json = match stage {
            Stage::Codegen => serde_json::to_string(&codegen(&spec, &out.join(doc.name)))?,
            Stage::Raw => serde_json::to_string(&raw_progenitor(&spec))?,
        };
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = Vec::new();
    for doc in docs {
        eprintln!("corpus: {} ({})", doc.name, doc.file);
        let row = measure(
            &out.join(doc.name),
            &target,
            doc,
            !args.no_build,
            !args.no_subsets,
        )?;
        eprintln!("  {}", row.summary());
        rows.push(row);
    }
    let failed = rows.iter().any(Row::failed);
    if args.only.is_none() {
        let text = render(&rows, !args.no_build);
        std::fs::write(root.join("CORPUS.md"), text).context("cannot write CORPUS.md")?;
        eprintln!("corpus: wrote CORPUS.md");
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What happened to one document.
#[derive(Clone, Debug)]
pub struct Row {
    file: String,
    /// The error, when the pipeline refused the document.
    codegen: Result<Generated, String>,
    raw: Raw,
    build: Option<Build>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Generated {
    operations: usize,
    skipped: Vec<(String, String)>,
    /// Component schemas degraded: ("`schema` how", reason).
    #[serde(default)]
    degraded: Vec<(String, String)>,
    unhandled: usize,
    lines: usize,
    seconds: f64,
    peak_mib: Option<u64>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Raw {
    outcome: String,
    seconds: f64,
    peak_mib: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Build {
    ok: bool,
    seconds: f64,
    peak_mib: Option<u64>,
    errors: usize,
    warnings: usize,
    /// The crate's per-tag features, each checked alone (and none at all):
    /// how many of those checks passed, of how many, and the slowest.
    subsets: Option<Subsets>,
    /// `--no-subsets`: the features were not checked alone.
    subsets_skipped: bool,
}

#[derive(Clone, Debug, Default)]
struct Subsets {
    ok: usize,
    checked: usize,
    slowest: f64,
}

impl Row {
    fn failed(&self) -> bool {
        self.codegen.is_err()
            || self.build.as_ref().is_some_and(|b| {
                !b.ok || b.warnings > 0 || b.subsets.as_ref().is_some_and(|s| s.ok < s.checked)
            })
    }

    fn summary(&self) -> String {
        match &self.codegen {
            Err(e) => format!("codegen failed: {}", first_line(e)),
            Ok(g) => {
                let mut s = format!(
                    "{} of {} operations, {} lines, {:.1} s",
                    g.operations - g.skipped.len(),
                    g.operations,
                    g.lines,
                    g.seconds
                );
                if let Some(b) = &self.build {
                    let _ = write!(
                        s,
                        "; cargo check {:.0} s, {} error(s), {} warning(s)",
                        b.seconds, b.errors, b.warnings
                    );
                    if let Some(t) = &b.subsets {
                        let _ = write!(
                            s,
                            "; tags alone: {} of {} ok, slowest {:.1} s",
                            t.ok, t.checked, t.slowest
                        );
                    }
                }
                s
            }
        }
    }
}

fn measure(out: &Path, target: &Path, doc: &Document, build: bool, subsets: bool) -> Result<Row> {
    // A stage whose process dies (a stack overflow, say) is a result too.
    let codegen = match in_child::<Result<Generated, String>>(doc, Stage::Codegen) {
        Ok((codegen, peak)) => codegen.map(|g| Generated {
            peak_mib: peak,
            ..g
        }),
        Err(e) => Err(format!("{e:#}")),
    };
    let raw = match in_child::<Raw>(doc, Stage::Raw) {
        Ok((raw, peak)) => Raw {
            peak_mib: peak,
            ..raw
        },
        Err(e) => Raw {
            outcome: format!("crashes ({})", first_line(&format!("{e:#}"))),
            ..Raw::default()
        },
    };
    let build = match (&codegen, build) {
        (Ok(_), true) => Some(cargo_check(out, target, subsets)?),
        _ => None,
    };
    Ok(Row {
        file: doc.file.to_string(),
        codegen,
        raw,
        build,
    })
}

/// Runs `stage` of `doc` in a child process (this binary, `corpus --only
/// NAME --stage ..`), measured for its peak RSS; its JSON result.
fn in_child<T: serde::de::DeserializeOwned>(
    doc: &Document,
    stage: Stage,
) -> Result<(T, Option<u64>)> {
    let exe = std::env::current_exe().context("cannot find this program")?;
    let name = match stage {
        Stage::Codegen => "codegen",
        Stage::Raw => "raw",
    };
    let what = format!("{}: the {name} stage", doc.name);
    let ran =
        child::measured(Command::new(&exe).args(["corpus", "--only", doc.name, "--stage", name]))?
            .succeeded(&what)?;
    Ok((ran.json(&what)?, ran.peak_mib()))
}

/// `cargo xtask codegen --spec .. --out ..` (in the stage's own process).
fn codegen(spec: &Path, out: &Path) -> Result<Generated, String> {
    let started = Instant::now();
    let generated =
        xtask::codegen::one_off(spec, out, &Default::default()).map_err(|e| format!("{e:#}"))?;
    xtask::files::write(out, &generated.files).map_err(|e| format!("{e:#}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let lines = generated
        .files
        .iter()
        .filter(|f| f.path.ends_with("lib.rs"))
        .map(|f| f.contents.lines().count())
        .sum();
    Ok(Generated {
        operations: generated.operations,
        skipped: generated
            .skipped
            .iter()
            .map(|s| (s.operation.to_string(), s.reason.clone()))
            .collect(),
        degraded: generated
            .degraded
            .iter()
            .map(|d| (format!("`{}` {}", d.schema, d.to), d.reason.clone()))
            .collect(),
        unhandled: generated.passes.unhandled().len(),
        lines,
        seconds,
        peak_mib: None,
    })
}

/// Raw progenitor on the document as it is: `openapiv3` parse, then
/// [`xtask::raw::code`] (`generate_tokens`, `syn`, prettyplease); nothing
/// else of ours.
fn raw_progenitor(spec: &Path) -> Raw {
    let started = Instant::now();
    let outcome = match raw_attempt(spec) {
        Ok(()) => "generates".to_string(),
        Err(e) => e,
    };
    Raw {
        outcome,
        seconds: started.elapsed().as_secs_f64(),
        peak_mib: None,
    }
}

fn raw_attempt(spec: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read it ({e})"))?;
    let value: serde_json::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
        format!(
            "cannot read it (not YAML/JSON: {})",
            first_line(&e.to_string())
        )
    })?;
    if value.get("swagger").is_some() {
        return Err("cannot read it (Swagger 2.0)".to_string());
    }
    if value
        .get("openapi")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
    {
        return Err("cannot read it (OpenAPI 3.1)".to_string());
    }
    let openapi: openapiv3::OpenAPI = serde_json::from_value(value)
        .map_err(|e| format!("cannot read it ({})", first_line(&e.to_string())))?;
    match xtask::raw::code(&openapi, &Settings::DEFAULT) {
        Ok(_) => Ok(()),
        Err(Failure::NotRust(e)) => Err(format!("output does not parse ({e})")),
        Err(Failure::Rejects(e)) => Err(format!("rejects the spec ({})", first_line(&e))),
        Err(Failure::Panics(message)) => Err(format!("panics ({})", first_line(&message))),
    }
}

fn cargo_check(crate_dir: &Path, target: &Path, subsets: bool) -> Result<Build> {
    // A cold check of this crate (its dependencies stay built): what a user
    // pays after each regeneration.
    let manifest = crate_dir.join("Cargo.toml");
    let package = crate_dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let _ = child::run(
        child::cargo()
            .args(["clean", "--quiet", "-p", &package, "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", target),
    );
    let ran = child::measured(
        child::cargo()
            .arg("check")
            .arg("--manifest-path")
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_TERM_COLOR", "never"),
    )?;
    let stderr = ran.stderr();
    let mut build = Build {
        ok: ran.success(),
        seconds: ran.secs,
        peak_mib: ran.peak_mib(),
        errors: diagnostics(&stderr, "error"),
        warnings: diagnostics(&stderr, "warning"),
        subsets: None,
        subsets_skipped: !subsets,
    };
    if build.ok && subsets {
        build.subsets = check_subsets(&manifest, target, &mut build)?;
    }
    Ok(build)
}

/// How many `error`/`warning` diagnostics (by `kind`) cargo's stderr
/// holds, without its summary lines ("`x` generated 3 warnings", "could
/// not compile").
fn diagnostics(stderr: &str, kind: &str) -> usize {
    stderr
        .lines()
        .filter(|l| {
            l.starts_with(kind) && !l.contains("generated") && !l.contains("could not compile")
        })
        .count()
}

/// With per-tag features, the crate must build with any of them alone,
/// and with none: each is checked (warnings and errors count as the whole
/// crate's do).
fn check_subsets(manifest: &Path, target: &Path, build: &mut Build) -> Result<Option<Subsets>> {
    let text = std::fs::read_to_string(manifest)?;
    let features: Vec<String> = text
        .lines()
        .skip_while(|l| l.trim() != "[features]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once(" = ").map(|(name, _)| name.trim().to_string()))
        .filter(|name| name != "default")
        .collect();
    if features.is_empty() {
        return Ok(None);
    }
    let mut subsets = Subsets::default();
    for feature in std::iter::once(None).chain(features.iter().map(Some)) {
        let mut cmd = child::cargo();
        cmd.args(["check", "--no-default-features", "--manifest-path"])
            .arg(manifest)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_TERM_COLOR", "never");
        if let Some(feature) = feature {
            cmd.args(["--features", feature]);
        }
        let ran = child::run(&mut cmd)?;
        subsets.slowest = subsets.slowest.max(ran.secs);
        subsets.checked += 1;
        let stderr = ran.stderr();
        let warnings = diagnostics(&stderr, "warning");
        build.warnings += warnings;
        if ran.success() && warnings == 0 {
            subsets.ok += 1;
        } else {
            build.errors += usize::from(!ran.success());
            eprintln!(
                "corpus: cargo check --no-default-features{} failed:\n{}",
                feature
                    .map(|f| format!(" --features {f}"))
                    .unwrap_or_default(),
                stderr.lines().take(20).collect::<Vec<_>>().join("\n")
            );
        }
    }
    Ok(Some(subsets))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(160).collect();
    if line.chars().count() > 160 {
        out.push('…');
    }
    out
}

fn render(rows: &[Row], built: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# The corpus: real vendor specs through the pipeline\n\n\
         Written by `cargo xtask corpus` (do not edit): every document of \
         `../shared/corpus/` generated with `cargo xtask codegen --spec .. --out \
         target/corpus/<name>`, then `cargo check` of that crate (one shared target \
         directory, dependencies built by the first). Raw progenitor is \
         `generate_tokens` + syn + prettyplease on the document as published. \
         Codegen and raw progenitor each run in a process of their own; peak \
         memory is GNU time's maximum RSS of that process (for `cargo check`, \
         of its biggest child, rustc). A crate with per-tag features is also \
         checked with `--no-default-features` alone and with each feature alone \
         (\"tags alone\"). Times are wall-clock on the 2-core machine."
    );
    let _ = writeln!(
        out,
        "\n| document | operations | skipped | degraded schemas | generated lines | codegen s | codegen peak MiB | raw progenitor | raw s | raw peak MiB | cargo check s | check peak MiB | tags alone | errors | warnings |\n|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|"
    );
    for row in rows {
        let mib = |m: Option<u64>| m.map_or("–".to_string(), |m| m.to_string());
        match &row.codegen {
            Ok(g) => {
                let dash = || "–".to_string();
                let (check, check_mib, alone, errors, warnings) = match &row.build {
                    Some(b) => (
                        format!("{:.0}", b.seconds),
                        mib(b.peak_mib),
                        b.subsets.as_ref().map_or(
                            if b.subsets_skipped {
                                "not checked"
                            } else {
                                "no features"
                            }
                            .to_string(),
                            |s| format!("{} of {} ok, slowest {:.1} s", s.ok, s.checked, s.slowest),
                        ),
                        b.errors.to_string(),
                        b.warnings.to_string(),
                    ),
                    None if built => ("not built".into(), dash(), dash(), dash(), dash()),
                    None => (dash(), dash(), dash(), dash(), dash()),
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} of {} | {} | {} | {} | {:.1} | {} | {} | {:.1} | {} | {check} | {check_mib} | {alone} | {errors} | {warnings} |",
                    row.file,
                    g.operations - g.skipped.len(),
                    g.operations,
                    g.skipped.len(),
                    g.degraded.len(),
                    g.lines,
                    g.seconds,
                    mib(g.peak_mib),
                    cell(&row.raw.outcome),
                    row.raw.seconds,
                    mib(row.raw.peak_mib),
                );
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "| `{}` | refused: {} | | | | | | {} | {:.1} | {} | | | | | |",
                    row.file,
                    cell(&first_line(e)),
                    cell(&row.raw.outcome),
                    row.raw.seconds,
                    mib(row.raw.peak_mib)
                );
            }
        }
    }
    for row in rows {
        let Ok(g) = &row.codegen else { continue };
        if g.skipped.is_empty() && g.degraded.is_empty() && g.unhandled == 0 {
            continue;
        }
        let _ = writeln!(out, "\n## `{}`\n", row.file);
        for (op, reason) in &g.skipped {
            let _ = writeln!(out, "- skipped {op}: {}", first_line(reason));
        }
        for (schema, reason) in &g.degraded {
            let _ = writeln!(out, "- degraded schema {schema}: {}", first_line(reason));
        }
        if g.unhandled > 0 {
            let _ = writeln!(
                out,
                "- {} operation(s) left as progenitor made them by a pass (see the crate docs)",
                g.unhandled
            );
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
