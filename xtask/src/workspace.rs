//! Where the workspace is, and the cargo that builds it: what every command
//! that reads `openapi/` or builds a crate starts from.

use std::path::{Path, PathBuf};

/// The workspace root: the parent of the `xtask` crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The cargo that runs us, so that what xtask builds (`codegen --verify`'s,
/// the bench's and the corpus's scratch crates) uses the same toolchain.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}
