//! Generates clients for the fixture specs the tests exercise on the wire,
//! with exactly the code `cargo xtask codegen` runs.

use std::path::Path;

const FIXTURES: &[(&str, &str)] = &[
    ("fixtures/multi-schema.yaml", "multi_schema.rs"),
    ("fixtures/unwrapped.yaml", "unwrapped.rs"),
    ("fixtures/normalise/forms.yaml", "forms.rs"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::var("OUT_DIR")?;
    for (spec, module) in FIXTURES {
        println!("cargo::rerun-if-changed={spec}");
        let bytes = std::fs::read(spec)?;
        let rel = format!("tests/{spec}");
        let spec = xtask::spec::load(
            xtask::spec::Source::Text(Path::new(&rel), &bytes),
            xtask::spec::Policy::Checked,
        )?;
        let settings = xtask::catalogue::Settings::DEFAULT;
        let code = xtask::pipeline::generate(&spec, &settings)?;
        std::fs::write(Path::new(&out).join(module), code.text)?;
    }
    Ok(())
}
