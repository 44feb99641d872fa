//! `cargo test` catches a spec edited without `cargo xtask codegen`, not
//! only CI's `--check`: it regenerates every API in-process, with the
//! xtask's own code, and compares.

use xtask::catalogue::APIS;
use xtask::codegen::{self, Mode};

#[test]
fn generated_crates_match_the_specs() {
    let root = workspace_tests::root();
    let outcome = match codegen::run(&root, APIS, Mode::Check) {
        Ok(outcome) => outcome,
        Err(e) => panic!("cargo xtask codegen fails: {e:#}"),
    };
    let report: String = outcome
        .stale
        .iter()
        .map(|s| format!("{}\n{}", s.path, xtask::files::abbreviate(&s.diff, 40)))
        .collect();
    assert!(
        outcome.stale.is_empty(),
        "generated/ is stale: run `cargo xtask codegen`\n{report}"
    );
}
