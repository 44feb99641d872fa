//! `cargo xtask bench` and `cargo xtask corpus`, which forward here (see
//! `xtask::forward`). This file only dispatches.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The xtask's allocator (see its `main.rs`): the bench times the pipeline
/// in this binary, and raw progenitor beside it gets the same allocator, so
/// the ratios compare like with like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "The xtask's benchmarks and corpus run (tools/bench)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every document of ../shared/corpus through the pipeline, build
    /// each crate, and write CORPUS.md.
    Corpus(xtask_bench::corpus::Args),
    /// Measure codegen speed and scale, generated-crate build cost and
    /// client overhead; write BENCHMARKS.md. Re-runs itself in release.
    Bench(xtask_bench::bench::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Bench(args) => xtask_bench::bench::run(&args),
        Command::Corpus(args) => xtask_bench::corpus::run(&args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
