//! `cargo xtask <command>`: see `cargo xtask --help`. This file only
//! dispatches; each command's flags and work live in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Codegen allocates and frees millions of small syntax nodes on every
/// core; with glibc's allocator that was a third of its time (perf, on the
/// 1000-operation spec). The bench's binary (`tools/bench`) uses the same
/// allocator, so what it times is what this binary does.
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
    /// each crate, and write CORPUS.md (tools/bench; `--help` for its flags).
    #[command(disable_help_flag = true)]
    Corpus(xtask::forward::Args),
    /// Measure codegen speed and scale, generated-crate build cost and
    /// client overhead; write BENCHMARKS.md (tools/bench, in release;
    /// `--help` for its flags).
    #[command(disable_help_flag = true)]
    Bench(xtask::forward::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen(args) => xtask::codegen::command(&args),
        Command::Lint(args) => Ok(xtask::lint::run(&args)),
        Command::Diff(args) => xtask::diff::run(&args),
        Command::Bench(args) => xtask::forward::run("bench", &args),
        Command::Corpus(args) => xtask::forward::run("corpus", &args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
