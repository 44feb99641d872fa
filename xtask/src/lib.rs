//! Maintainer tasks for the workspace, as a library so that the tests and
//! the benchmarks run exactly the code `cargo xtask` runs.
//!
//! ```no_run
//! let root = xtask::codegen::workspace_root();
//! let generated = xtask::codegen::generate_all(&root, xtask::catalogue::APIS)?;
//! for stale in xtask::codegen::stale(&root, &generated) {
//!     println!("{} is stale", stale.path);
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod bench;
pub mod catalogue;
pub mod codegen;
pub mod diff;
pub mod harden;
pub mod lint;
pub mod locate;
pub mod names;
pub mod normalise;
pub mod spec;
pub mod surface;
