//! The public API of each generated crate as a short text snapshot: a spec
//! change shows up in review as a diff of a few lines here, instead of
//! hundreds of lines of generated code. Derived from the generated code
//! (parsed with syn), so it shows what users actually get.
//!
//! After `cargo xtask codegen`, review changes with `cargo insta review`.

use xtask::catalogue::APIS;

#[test]
fn public_api_of_each_generated_crate() {
    let root = workspace_tests::root();
    for api in APIS {
        let path = root.join(api.crate_dir).join("src/lib.rs");
        let text = std::fs::read_to_string(&path).expect("generated crate");
        let file = syn::parse_file(&text).expect("generated code parses");
        let surface = xtask::diff::surface::extract(&file);
        insta::assert_snapshot!(api.name, surface.to_string());
    }
}
