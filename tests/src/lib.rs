//! Helpers shared by the workspace's integration tests (in `tests/tests/`).
//!
//! ```
//! let root = workspace_tests::root();
//! assert!(root.join("openapi").is_dir());
//! ```

use std::path::PathBuf;

pub mod prism;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::workspace::root()
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// `../shared/corpus` beside the workspace, when it is there. It is in CI,
/// where its absence fails the test; elsewhere a test that needs it is
/// skipped with a note.
pub fn corpus() -> Option<PathBuf> {
    let dir = xtask::catalogue::corpus_directory(&root());
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v != "true"),
        "{}: not found, and CI=true",
        dir.display()
    );
    eprintln!("skipped: {} is not available", dir.display());
    None
}
