//! Every child process the bench and the corpus start, run one way: cargo
//! (clean, check, build, run), this binary again for a measurement of its
//! own, the xtask as users run it. Output is captured and the wall time
//! taken; a failed child is a [`Ran`] like any other, and
//! [`Ran::succeeded`] makes it an error carrying its stderr where failing
//! is not a result.
//!
//! Peak memory is read one way too: GNU time's `%M`, the maximum RSS of
//! the child (for cargo, of the biggest process it waited for: rustc),
//! with `%U %S`, its CPU time and its children's. A fresh process per
//! measurement makes the peak that measurement's own, not the maximum of
//! everything before it. Without `/usr/bin/time` the peaks are unknown.

use std::borrow::Cow;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use serde::de::DeserializeOwned;

/// GNU time, where Debian and Ubuntu put it (`apt-get install time`).
const GNU_TIME: &str = "/usr/bin/time";

/// The cargo that runs us (`xtask::workspace::cargo`), so that what the
/// bench and the corpus build uses the same toolchain.
pub fn cargo() -> Command {
    Command::new(xtask::workspace::cargo())
}

/// A child that ran to its end.
#[derive(Debug)]
pub struct Ran {
    /// Its status, stdout and stderr.
    pub output: Output,
    /// Wall-clock seconds from start to exit.
    pub secs: f64,
    /// Peak RSS in KiB ([`measured`] only, with GNU time).
    pub peak_kib: Option<u64>,
    /// User + system CPU seconds of it and the children it waited for
    /// ([`measured`] only, with GNU time): less sensitive than `secs` to
    /// other work on the machine.
    pub cpu_secs: Option<f64>,
}

impl Ran {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    /// Its stderr, as text.
    pub fn stderr(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.output.stderr)
    }

    /// Itself if it succeeded; else an error naming `what` and its status,
    /// its stderr beginning on the same line (the corpus table quotes the
    /// first line of a crashed stage).
    pub fn succeeded(self, what: &str) -> Result<Ran> {
        if !self.success() {
            bail!(
                "{what} failed ({}): {}",
                self.output.status,
                self.stderr().trim_start()
            );
        }
        Ok(self)
    }

    /// The JSON value on the last line of its stdout: what this binary's
    /// measurement stages and `client_overhead` print, after anything else.
    pub fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T> {
        let stdout = String::from_utf8_lossy(&self.output.stdout);
        let line = stdout.lines().last().unwrap_or_default();
        serde_json::from_str(line).with_context(|| format!("{what} printed no result: {line:?}"))
    }

    /// [`Ran::peak_kib`] in MiB.
    pub fn peak_mib(&self) -> Option<u64> {
        self.peak_kib.map(|kib| kib / 1024)
    }
}

/// Runs `cmd` to its end, its output captured.
pub fn run(cmd: &mut Command) -> Result<Ran> {
    let started = Instant::now();
    let output = cmd
        .output()
        .with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))?;
    Ok(Ran {
        output,
        secs: started.elapsed().as_secs_f64(),
        peak_kib: None,
        cpu_secs: None,
    })
}

/// [`run`] under GNU time, when it is there: also the child's peak RSS
/// and CPU time.
pub fn measured(cmd: &mut Command) -> Result<Ran> {
    if !std::path::Path::new(GNU_TIME).exists() {
        return run(cmd);
    }
    let file = time_file();
    let mut timed = Command::new(GNU_TIME);
    timed
        .args(["-f", "%M %U %S", "-o"])
        .arg(&file)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    let ran = run(&mut timed);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    let (peak_kib, cpu_secs) = parse_time(&text);
    Ok(Ran {
        peak_kib,
        cpu_secs,
        ..ran?
    })
}

/// A file of its own for each GNU time run (measurements may run from
/// several threads of the tests).
fn time_file() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "xtask-bench-{}-{}.time",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// GNU time's `%M %U %S`, on the last line of its file (it writes a note
/// above when the command fails): peak KiB and user + system seconds.
fn parse_time(text: &str) -> (Option<u64>, Option<f64>) {
    let fields: Vec<&str> = text
        .trim()
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let peak = fields.first().and_then(|f| f.parse::<u64>().ok());
    let cpu = match fields.as_slice() {
        [_, user, system] => match (user.parse::<f64>(), system.parse::<f64>()) {
            (Ok(u), Ok(s)) => Some(u + s),
            _ => None,
        },
        _ => None,
    };
    (peak, cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gnu_time_is_read_from_its_last_line() {
        assert_eq!(parse_time("51200 1.50 0.25\n"), (Some(51200), Some(1.75)));
        assert_eq!(
            parse_time("Command exited with non-zero status 1\n2048 0.00 0.01\n"),
            (Some(2048), Some(0.01))
        );
        assert_eq!(parse_time(""), (None, None));
    }

    #[test]
    fn a_measured_child_keeps_its_environment_and_directory() {
        let dir = std::env::temp_dir();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "pwd; echo \"$XTASK_BENCH_PROBE\""])
            .env("XTASK_BENCH_PROBE", "set")
            .current_dir(&dir);
        let ran = measured(&mut cmd)
            .and_then(|r| r.succeeded("sh"))
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&ran.output.stdout).to_string();
        assert!(stdout.ends_with("set\n"), "{stdout}");
        if std::path::Path::new(GNU_TIME).exists() {
            assert!(ran.peak_kib.is_some_and(|k| k > 0), "{ran:?}");
        }
        let failed = run(Command::new("sh").args(["-c", "echo oops >&2; exit 3"]))
            .expect("sh runs")
            .succeeded("sh -c");
        let message = format!("{:#}", failed.expect_err("exit 3 is a failure"));
        assert!(
            message.starts_with("sh -c failed (exit status: 3): oops"),
            "{message}"
        );
    }
}
