//! `cargo xtask <command>`: see `cargo xtask --help`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use xtask::{catalogue, codegen};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks for the OpenAPI client workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the crates in generated/ from the specs in openapi/.
    Codegen {
        /// Write nothing; fail with a diff if generated/ is not up to date.
        #[arg(long)]
        check: bool,
        /// Only these APIs (catalogue names); all by default.
        apis: Vec<String>,
    },
    /// Check specs for transcription mistakes; exit code 1 on any error.
    Lint(xtask::lint::Args),
    /// Report what the spec changes since a git revision do to clients:
    /// breaking or not, and the semver bump of each generated crate.
    Diff(xtask::diff::Args),
    /// Measure codegen speed and scale, generated-crate build cost and
    /// client overhead; write BENCHMARKS.md. Re-runs itself in release.
    Bench(xtask::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check, apis } => run_codegen(check, &apis),
        Command::Lint(args) => Ok(xtask::lint::run(&args)),
        Command::Diff(args) => xtask::diff::run(&args),
        Command::Bench(args) => xtask::bench::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(check: bool, names: &[String]) -> Result<ExitCode> {
    let apis = select(names)?;
    let mode = if check {
        codegen::Mode::Check
    } else {
        codegen::Mode::Write
    };
    let outcome = codegen::run(&codegen::workspace_root(), apis, mode)?;
    if check {
        for s in &outcome.stale {
            eprintln!("stale: {}\n{}", s.path, codegen::abbreviate(&s.diff, 200));
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
        return Ok(ExitCode::SUCCESS);
    }
    for g in &outcome.generated {
        let bytes: usize = g.files.iter().map(|f| f.contents.len()).sum();
        let written = outcome
            .written
            .iter()
            .filter(|(path, status)| {
                *status == codegen::WriteStatus::Written && g.files.iter().any(|f| &f.path == path)
            })
            .count();
        let status = match written {
            0 => "unchanged".to_string(),
            n => format!("{n} file(s) written"),
        };
        println!(
            "{:<22} {:>3} operation(s) {:>4} types {:>8} bytes  {status}  ({} ms)",
            g.api.name,
            g.operations,
            g.types,
            bytes,
            g.elapsed.as_millis()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The catalogue entries named on the command line (all when none are).
fn select(names: &[String]) -> Result<&'static [catalogue::Api]> {
    match names {
        [] => Ok(catalogue::APIS),
        [name] => match catalogue::APIS.iter().position(|a| a.name == name) {
            Some(i) => Ok(&catalogue::APIS[i..=i]),
            None => bail!("no API named `{name}` in the catalogue; known: {}", known()),
        },
        _ => bail!("name one API, or none for all; known: {}", known()),
    }
}

fn known() -> String {
    catalogue::APIS
        .iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}
