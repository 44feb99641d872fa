//! The xtask's research apparatus: `cargo xtask bench` (codegen speed and
//! scale against raw progenitor, build cost of the generated crates, client
//! overhead; `BENCHMARKS.md`) and `cargo xtask corpus` (every vendor
//! document of `../shared/corpus/` generated and checked; `CORPUS.md`).
//!
//! It is a crate of its own so that the tests, which depend on the `xtask`
//! library, do not compile it; it depends on that library for the pipeline
//! it measures. `cargo xtask bench|corpus` forwards to this crate's binary
//! (`xtask::forward`).

pub mod bench;
pub mod child;
pub mod corpus;
