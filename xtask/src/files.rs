//! Writing generated files, or checking them: the one place that touches
//! `generated/`.
//!
//! Files are only written once every API has generated, each through a
//! temporary file and a rename, so a failure never leaves `generated/`
//! half-written; `--check` compares instead and writes nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

use crate::catalogue::Api;

/// A file `codegen` owns, with the contents it should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

/// What writing did to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteStatus {
    /// Contents were already right; the file was not touched.
    Unchanged,
    /// The file was replaced or created.
    Written,
}

/// A generated file whose committed contents differ from what the specs give.
#[derive(Clone, Debug)]
pub struct Stale {
    /// Path relative to the workspace root.
    pub path: String,
    /// Unified diff from the committed file (or nothing) to the expected one.
    pub diff: String,
}

/// Writes the generated files whose contents changed: first every new
/// version to a temporary file beside its target, then, only if all of those
/// succeeded, the renames. A full disk or a read-only file therefore leaves
/// `generated/` as it was, and a rename (atomic on one file system) is all
/// that can happen between the old and the new state.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<(String, WriteStatus)>> {
    let mut report = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf, &str)> = Vec::new();
    let mut failure = None;
    for file in files {
        let path = root.join(&file.path);
        if std::fs::read(&path).ok().as_deref() == Some(file.contents.as_bytes()) {
            report.push((file.path.clone(), WriteStatus::Unchanged));
            continue;
        }
        match stage(&path, file.contents.as_bytes()) {
            Ok(tmp) => staged.push((tmp, path, &file.path)),
            Err(e) => {
                failure = Some(e.context(format!("{}: cannot write", file.path)));
                break;
            }
        }
    }
    if let Some(e) = failure {
        for (tmp, _, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, path, rel) in staged {
        std::fs::rename(&tmp, &path).with_context(|| format!("{rel}: cannot replace"))?;
        report.push((rel.to_string(), WriteStatus::Written));
    }
    Ok(report)
}

/// Writes `contents` to a temporary file beside `path`; returns its path.
fn stage(path: &Path, contents: &[u8]) -> Result<PathBuf> {
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no parent directory", path.display()))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} has no file name", path.display()))?;
    let tmp = dir.join(format!(".{}.xtask-tmp", name.to_string_lossy()));
    if let Err(e) = std::fs::write(&tmp, contents) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(tmp)
}

/// Crate directories under `generated/` that no catalogue entry produces
/// (an API removed from the catalogue, a stray copy). Reported, never
/// deleted: they may hold someone's work.
pub fn strays(root: &Path, apis: &[Api<'_>]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("generated")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| format!("generated/{}", e.file_name().to_string_lossy()))
        .filter(|dir| apis.iter().all(|api| api.crate_dir != dir))
        .collect();
    out.sort();
    out
}

/// Compares the generated files with what is on disk; writes nothing.
pub fn stale(root: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    files
        .iter()
        .filter_map(|file| {
            let current = std::fs::read(root.join(&file.path))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .ok();
            if current.as_deref() == Some(file.contents.as_str()) {
                return None;
            }
            let old_name = match current {
                Some(_) => format!("a/{}", file.path),
                None => "/dev/null".to_string(),
            };
            let old = current.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_str(), file.contents.as_str())
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &format!("b/{}", file.path))
                .to_string();
            Some(Stale {
                path: file.path.clone(),
                diff,
            })
        })
        .collect()
}

/// The diff of one stale file, cut to `max_lines` so a big change stays readable.
pub fn abbreviate(diff: &str, max_lines: usize) -> String {
    let total = diff.lines().count();
    if total <= max_lines {
        return diff.to_string();
    }
    let mut out: String = diff
        .lines()
        .take(max_lines)
        .flat_map(|l| [l, "\n"])
        .collect();
    let _ = writeln!(out, "... {} more diff lines", total - max_lines);
    out
}
