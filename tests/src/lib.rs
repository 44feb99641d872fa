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
    xtask::codegen::workspace_root()
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}
