//! Each version's [`Surface`], generated once and kept by content hash.
//!
//! A pull request's diff runs on every push against the same base
//! revision, so the base's generated API is the same each time: it is kept
//! in `target/xtask-diff-cache/`, named by a hash of everything it depends
//! on (the document, the settings, and this very build of the generator,
//! so a changed generator never reads an old entry). A missing, unreadable
//! or corrupt entry only costs the time to generate again.

use std::hash::{Hash as _, Hasher as _};
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use super::surface::{self, Entry, Surface};
use crate::catalogue::Settings;
use crate::spec::Spec;

/// Entries kept; the oldest beyond this are removed.
const KEEP: usize = 32;

/// The API `spec` generates, from the cache when it was generated before.
pub fn surface(spec: &Spec, settings: &Settings) -> Result<Surface> {
    let path = key(spec, settings).map(|k| dir().join(format!("{k:016x}.json")));
    if let Some(stored) = path.as_ref().and_then(|p| std::fs::read(p).ok())
        && let Ok(entries) = serde_json::from_slice::<Vec<((bool, String), Entry)>>(&stored)
    {
        return Ok(Surface {
            entries: entries.into_iter().collect(),
        });
    }
    let surface = generate(spec, settings)?;
    if let Some(path) = path {
        // A cache that cannot be written is no cache, not an error.
        let _ = store(&path, &surface);
    }
    Ok(surface)
}

/// Generates the code as `codegen` would and reads its API.
fn generate(spec: &Spec, settings: &Settings) -> Result<Surface> {
    let code = match crate::pipeline::catch_panic(|| crate::pipeline::generate(spec, settings)) {
        Ok(code) => code?,
        Err(message) => bail!("the generator panicked: {message}"),
    };
    // The pipeline's output is the formatted text `codegen` writes, so it
    // is parsed again: the surface is read from what users get.
    let file = syn::parse_file(&code.text).context("the generated code does not parse")?;
    Ok(surface::extract(&file))
}

/// A hash of what the surface depends on; `None` when this program's own
/// file cannot be read (then nothing is cached).
fn key(spec: &Spec, settings: &Settings) -> Option<u64> {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let mut hasher = std::hash::DefaultHasher::new();
    (exe.len(), exe.modified().ok()?).hash(&mut hasher);
    format!("{settings:?}").hash(&mut hasher);
    serde_json::to_writer(HashWriter(&mut hasher), &spec.value).ok()?;
    Some(hasher.finish())
}

/// Feeds what is written into a hasher.
struct HashWriter<'a>(&'a mut std::hash::DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| crate::workspace::root().join("target"), PathBuf::from)
        .join("xtask-diff-cache")
}

/// Writes an entry whole or not at all (a temporary file renamed), then
/// removes the oldest beyond [`KEEP`].
fn store(path: &std::path::Path, surface: &Surface) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(path);
    std::fs::create_dir_all(dir)?;
    let entries: Vec<_> = surface.entries.iter().collect();
    // Named by process and call, so parallel runs (and threads) never share
    // a temporary file.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("{}-{call}.tmp", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
    serde_json::to_writer(&mut file, &entries)?;
    file.flush()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    let mut all: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.metadata().ok()?.modified().ok()?, e.path()))
        })
        .collect();
    if all.len() > KEEP {
        all.sort();
        for (_, old) in &all[..all.len() - KEEP] {
            let _ = std::fs::remove_file(old);
        }
    }
    Ok(())
}
