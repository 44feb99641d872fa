//! `cargo xtask bench` harness on a tiny input: it must run and produce a
//! table. No timing is asserted; the numbers live in `BENCHMARKS.md`.

#![allow(clippy::unwrap_used)]

#[test]
fn bench_harness_produces_a_table_for_a_tiny_synthetic_spec() {
    let dir = tempfile::tempdir().unwrap();
    let table = xtask_bench::bench::tiny(dir.path()).unwrap();
    assert!(table.contains("| ops | lines | codegen ms"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("| 10 |"))
        .unwrap_or_else(|| panic!("no row for 10 operations:\n{table}"));
    // Every cell of the row is filled in.
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    let inner = &cells[1..cells.len() - 1];
    assert!(inner.iter().all(|c| !c.is_empty() && *c != "?"), "{row}");
    // The synthetic crate was generated like a catalogue crate.
    let lib = dir.path().join("synthetic-10-builder/src/lib.rs");
    assert!(
        std::fs::read_to_string(lib)
            .unwrap()
            .contains("update_widget10")
    );
}
