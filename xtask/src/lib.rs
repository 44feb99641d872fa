//! Maintainer tasks for the workspace, as a library so that the tests and
//! the benchmarks run exactly the code `cargo xtask` runs.
//!
//! ```no_run
//! let root = xtask::codegen::workspace_root();
//! let generated = xtask::codegen::generate_all(&root, xtask::catalogue::APIS)?;
//! for stale in xtask::files::stale(&root, &xtask::codegen::all_files(&generated)) {
//!     println!("{} is stale", stale.path);
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod bench;
pub mod catalogue;
pub mod codegen;
pub mod corpus;
pub mod deps;
pub mod diff;
pub mod files;
pub mod lint;
pub mod names;
pub mod namespace;
pub mod normalise;
pub mod passes;
pub mod pipeline;
pub mod render;
pub mod spec;
pub mod verify;
pub mod workspace;
