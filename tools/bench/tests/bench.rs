//! `cargo xtask bench` harness on a tiny input: it must run and produce a
//! table. No timing is asserted; the numbers live in `BENCHMARKS.md`.

#![allow(clippy::unwrap_used)]

#[test]
fn bench_harness_produces_a_table_for_a_tiny_synthetic_spec() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_xtask-bench"));
    let table = xtask_bench::bench::tiny(dir.path(), exe).unwrap();
    assert!(table.contains("| ops | lines | codegen ms"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("| 10 |"))
        .unwrap_or_else(|| panic!("no row for 10 operations:\n{table}"));
    // Every cell of the row is filled in. Peak memory is GNU time's: on a
    // machine without it, the memory columns (RSS) say they are unknown.
    let cells = |line: &str| -> Vec<String> {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        cells[1..cells.len() - 1]
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    let header = table
        .lines()
        .find(|l| l.starts_with("| ops | lines"))
        .unwrap();
    let gnu_time = std::path::Path::new("/usr/bin/time").exists();
    for (column, cell) in cells(header).iter().zip(cells(row)) {
        let unknown_allowed = !gnu_time && column.contains("RSS");
        assert!(
            !cell.is_empty() && (cell != "?" || unknown_allowed),
            "{column}: {row}"
        );
    }
    // The synthetic crate was generated like a catalogue crate.
    let lib = dir.path().join("synthetic-10-builder/src/lib.rs");
    assert!(
        std::fs::read_to_string(lib)
            .unwrap()
            .contains("update_widget10")
    );
}
