//! `cargo xtask corpus` and `cargo xtask bench`: research apparatus that
//! lives in `tools/bench` (the `xtask-bench` package), not in this crate, so
//! that the tests, which depend on this library, do not compile it. That
//! crate depends on this one for the pipeline, so this one cannot call it:
//! the command is forwarded to its binary, every argument as given
//! (`--help` included), and its exit code is ours.
//!
//! The binary runs as a debug build, like this one: help and `--list` come
//! at once, and the corpus's times stay comparable with earlier runs. The
//! bench re-runs itself in release where it measures.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result};

/// Everything after the subcommand's name, unparsed: the `xtask-bench`
/// binary reads it.
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// The command's arguments (`--help` for its own).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}

/// Runs `cargo run -p xtask-bench -- <command> <args>` in the workspace.
pub fn run(command: &str, args: &Args) -> Result<ExitCode> {
    status(
        Command::new(crate::workspace::cargo())
            .current_dir(crate::workspace::root())
            .args(["run", "--quiet", "-p", "xtask-bench", "--", command])
            .args(&args.args),
    )
}

/// Runs `cmd` in our place: its output is ours as it comes, its exit code
/// is ours. Also how the bench re-runs itself in release.
pub fn status(cmd: &mut Command) -> Result<ExitCode> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
