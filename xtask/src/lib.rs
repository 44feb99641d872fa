//! Maintainer tasks for the workspace, as a library so that the tests and
//! the benchmarks run exactly the code `cargo xtask` runs. The benchmarks
//! and the corpus run are not in it: they are `tools/bench`, which depends
//! on this library, and `cargo xtask bench`/`corpus` forward to it
//! ([`forward`]), so the tests do not compile them.
//!
//! ```no_run
//! let root = xtask::workspace::root();
//! let generated = xtask::codegen::generate_all(&root, xtask::catalogue::APIS)?;
//! for stale in xtask::files::stale(&root, &xtask::codegen::all_files(&generated)) {
//!     println!("{} is stale", stale.path);
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod catalogue;
pub mod codegen;
pub mod deps;
pub mod diff;
pub mod files;
pub mod forward;
pub mod lint;
pub mod names;
pub mod namespace;
pub mod normalise;
pub mod passes;
pub mod pipeline;
pub mod raw;
pub mod render;
pub mod spec;
mod table;
pub mod verify;
pub mod workspace;
