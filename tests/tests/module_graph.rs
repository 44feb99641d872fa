//! No module of the hand-written crates imports a module that imports it
//! back (issue 14): each concept has one room, and a newcomer can read
//! them in dependency order.
//!
//! The graph is read from the syntax tree: every `crate::<module>` path and
//! `use crate::<module>` (a module's `super::<sibling>` too), per top-level
//! module of `xtask`, `runtime` and `client`. Doc comments are not paths,
//! so intra-doc links do not count.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::Visit;

/// Top-level module name -> the top-level modules it names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if top == "lib" || top == "main" {
                continue;
            }
            let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let mut names = Names {
                top_level_file: rel.components().count() == 1,
                found: BTreeSet::new(),
            };
            names.visit_file(&file);
            names.found.remove(&top);
            out.entry(top).or_default().extend(names.found);
        }
    }
    out
}

struct Names {
    /// `super::x` in a top-level module's file names the sibling `x`.
    top_level_file: bool,
    found: BTreeSet<String>,
}

impl Names {
    fn first_after(&mut self, segments: &[String]) {
        match segments {
            [head, module, ..] if head == "crate" => {
                self.found.insert(module.clone());
            }
            [head, module, ..] if head == "super" && self.top_level_file => {
                self.found.insert(module.clone());
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.first_after(&segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut prefix = Vec::new();
        let mut tree = &item.tree;
        loop {
            match tree {
                syn::UseTree::Path(p) => {
                    prefix.push(p.ident.to_string());
                    tree = &p.tree;
                }
                syn::UseTree::Name(n) => {
                    prefix.push(n.ident.to_string());
                    break;
                }
                syn::UseTree::Group(g) => {
                    for branch in &g.items {
                        let mut names = prefix.clone();
                        if let syn::UseTree::Path(p) = branch {
                            names.push(p.ident.to_string());
                        } else if let syn::UseTree::Name(n) = branch {
                            names.push(n.ident.to_string());
                        }
                        self.first_after(&names);
                    }
                    break;
                }
                _ => break,
            }
        }
        self.first_after(&prefix);
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = workspace_tests::root();
    for krate in ["xtask", "runtime", "client"] {
        let graph = graph(&root.join(krate).join("src"));
        assert!(graph.len() > 2, "{krate}: too few modules read: {graph:?}");
        let cycles: Vec<(&String, &String)> = graph
            .iter()
            .flat_map(|(a, deps)| deps.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a < b && graph.get(*b).is_some_and(|d| d.contains(*a)))
            .collect();
        assert!(
            cycles.is_empty(),
            "{krate}: modules that import each other: {cycles:?}"
        );
    }
}
