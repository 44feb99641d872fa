//! The reader on small inline documents, one shape each, and (ignored by
//! default) on every vendor document of `../shared/corpus/`.

// Test set-up may unwrap: a failure there is a failed test with a line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use super::*;

/// Every document of the corpus reads; prints what was degraded.
/// `cargo test -p xtask --lib spec::tests::corpus -- --ignored --nocapture`
#[test]
#[ignore = "reads ../shared/corpus (tens of megabytes)"]
fn corpus_documents_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            (name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml"))
                .then_some(name)
        })
        .collect();
    files.push("digitalocean/specification/DigitalOcean-public.v2.yaml".into());
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let start = std::time::Instant::now();
        match read(&dir, file) {
            Ok(spec) => {
                println!(
                    "{file}: read, {} operations, {} notes, {:.1} s",
                    operations(&spec.openapi).len(),
                    spec.notes.len(),
                    start.elapsed().as_secs_f64()
                );
                for note in spec.notes.iter().take(20) {
                    println!("  {}: {}", note.pointer, note.message);
                }
            }
            Err(e) => {
                println!("{file}: CANNOT READ: {e}");
                failed.push(file.clone());
            }
        }
    }
    assert!(failed.is_empty(), "cannot read: {failed:?}");
}
