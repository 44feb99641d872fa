//! The crates generated code may use, and which ones a crate does use.
//!
//! progenitor, typify and our passes name a known set of crates (`chrono`,
//! `uuid`, `regress`...); a generated crate depends on those its code
//! names, found from the first segment of its paths. One table gives each
//! crate's version for crates outside the workspace, and it must agree with
//! `[workspace.dependencies]`.

use std::collections::BTreeSet;

use syn::visit::Visit;

/// A crate generated code may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The package name.
    pub name: &'static str,
    /// How code names it.
    pub ident: &'static str,
    /// Its line outside the workspace (the same as the workspace's).
    pub standalone: &'static str,
}

/// Every crate progenitor, typify and our passes may name, and the
/// versions the workspace pins (`[workspace.dependencies]` must agree).
const DEPENDENCIES: &[Dependency] = &[
    Dependency {
        name: "base64",
        ident: "base64",
        standalone: "\"0.22\"",
    },
    Dependency {
        name: "bytes",
        ident: "bytes",
        standalone: "\"1\"",
    },
    Dependency {
        name: "chrono",
        ident: "chrono",
        standalone: "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\", \"clock\"] }",
    },
    Dependency {
        name: "cloud-orgs-runtime",
        ident: "cloud_orgs_runtime",
        standalone: "",
    },
    Dependency {
        name: "futures",
        ident: "futures",
        standalone: "\"0.3\"",
    },
    Dependency {
        name: "progenitor-client",
        ident: "progenitor_client",
        standalone: "\"0.15\"",
    },
    Dependency {
        name: "rand",
        ident: "rand",
        standalone: "\"0.9\"",
    },
    Dependency {
        name: "regress",
        ident: "regress",
        standalone: "\"0.10\"",
    },
    Dependency {
        name: "reqwest",
        ident: "reqwest",
        standalone: "{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"rustls\"] }",
    },
    Dependency {
        name: "serde",
        ident: "serde",
        standalone: "{ version = \"1\", features = [\"derive\"] }",
    },
    Dependency {
        name: "serde_json",
        ident: "serde_json",
        standalone: "\"1\"",
    },
    Dependency {
        name: "uuid",
        ident: "uuid",
        standalone: "{ version = \"1\", features = [\"serde\"] }",
    },
];

/// The crates of [`DEPENDENCIES`] that `item` names (the first segment of
/// any of its paths), added to `used`.
pub fn crates_named(item: &syn::Item, used: &mut BTreeSet<&'static str>) {
    struct Paths<'a>(&'a mut BTreeSet<&'static str>);
    impl Paths<'_> {
        fn first(&mut self, ident: &syn::Ident) {
            if let Some(dep) = DEPENDENCIES.iter().find(|d| ident == d.ident) {
                self.0.insert(dep.ident);
            }
        }
    }
    impl<'ast> Visit<'ast> for Paths<'_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if let Some(first) = path.segments.first() {
                self.first(&first.ident);
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
            if let syn::UseTree::Path(p) = tree {
                self.first(&p.ident);
            }
            syn::visit::visit_use_tree(self, tree);
        }
    }
    Paths(used).visit_item(item);
}

/// The dependencies of code naming the crates `named` (see
/// [`crates_named`]): those, and progenitor-client, reqwest, serde,
/// serde_json and the runtime, which generated code always uses.
pub fn dependencies(named: &BTreeSet<&'static str>) -> Vec<Dependency> {
    let always = [
        "progenitor_client",
        "reqwest",
        "serde",
        "serde_json",
        "cloud_orgs_runtime",
    ];
    DEPENDENCIES
        .iter()
        .filter(|d| always.contains(&d.ident) || named.contains(d.ident))
        .copied()
        .collect()
}
