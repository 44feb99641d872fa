//! `cargo xtask <command>`: see `cargo xtask --help`. This file only
//! dispatches; each command's flags and work live in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Codegen allocates and frees millions of small syntax nodes on every
/// core; with glibc's allocator that was a third of its time (perf, on the
/// 1000-operation spec). Raw progenitor, timed by the bench in this same
/// binary, gets the same allocator: the ratios compare like with like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Codegen(xtask::codegen::Args),
    /// Check specs for transcription mistakes; exit code 1 on any error.
    Lint(xtask::lint::Args),
    /// Report what the spec changes since a git revision do to clients:
    /// breaking or not, and the semver bump of each generated crate.
    Diff(xtask::diff::Args),
    /// Run every document of ../shared/corpus through the pipeline, build
    /// each crate, and write CORPUS.md.
    Corpus(xtask::corpus::Args),
    /// Measure codegen speed and scale, generated-crate build cost and
    /// client overhead; write BENCHMARKS.md. Re-runs itself in release.
    Bench(xtask::bench::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen(args) => xtask::codegen::command(&args),
        Command::Lint(args) => Ok(xtask::lint::run(&args)),
        Command::Diff(args) => xtask::diff::run(&args),
        Command::Bench(args) => xtask::bench::run(&args),
        Command::Corpus(args) => xtask::corpus::run(&args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
