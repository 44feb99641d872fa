//! One cargo feature per OpenAPI tag, all on by default: a program that
//! uses a few tags of a big API builds only what those need.
//!
//! Each operation's `Client` method, its builder (struct and impls) and its
//! entry in the `operations` table get `#[cfg(feature = "<tag>")]` (or
//! `any(..)` of its tags' features). Every item of `types` (a type with its
//! builder and impls, a `defaults` function) gets the features of the
//! operations that reach it ([`super::reach`]): `#[cfg(feature = "a")]`
//! when one tag's operations need it, `#[cfg(any(feature = "a", feature =
//! "b"))]` when several do.
//!
//! Always on, never gated:
//! - untagged operations, and everything they reach: features only ever
//!   take tagged operations away, so `--no-default-features` still builds
//!   a crate with the untagged operations (and every type they need);
//! - types no operation reaches (they are public API all the same), and
//!   what they need;
//! - whatever the rest of the crate (outside operations and `types`)
//!   names.
//!
//! A crate whose operations have fewer than two tags gets no features: one
//! feature would only switch the whole client off.
//!
//! Feature names come from tag names ([`feature_names`]): lower case ASCII
//! letters and digits, every other run of characters one `-`; a name that
//! would be empty, `default`, or taken by an earlier tag (in tag-name
//! order) gets a `tag-` prefix or a `-2`, `-3`.. suffix.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, ImplItem, Item, parse_quote};

use super::reach::{self, Part, TypeGraph, Vertex};
use super::{OperationFacts, Place};

/// The feature of each tag of `tags`, deterministic: the same tags give the
/// same names whatever their order.
pub fn feature_names<'a>(tags: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let tags: BTreeSet<&str> = tags.into_iter().collect();
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for tag in tags {
        let mut base = String::new();
        for c in tag.chars() {
            if c.is_ascii_alphanumeric() {
                base.push(c.to_ascii_lowercase());
            } else if !base.is_empty() && !base.ends_with('-') {
                base.push('-');
            }
        }
        while base.ends_with('-') {
            base.pop();
        }
        if base.is_empty() || base == "default" {
            base = format!("tag-{base}").trim_end_matches('-').to_string();
        }
        let name = crate::names::unique(&base, "-", |n| !taken.contains(n));
        taken.insert(name.clone());
        out.insert(tag.to_string(), name);
    }
    out
}

/// The features of a crate, from the spec alone: known before any code is
/// read, so the `operations` table can be gated while the items are.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// The feature of each tag; empty when the crate gets none.
    by_tag: BTreeMap<String, String>,
    /// The features of each tagged operation (by progenitor's name).
    of_operation: BTreeMap<String, BTreeSet<String>>,
}

impl Features {
    /// The features of these operations: none when they have fewer than
    /// two tags.
    pub fn new(facts: &BTreeMap<String, OperationFacts>) -> Features {
        let by_tag = feature_names(
            facts
                .values()
                .flat_map(|f| f.tags.iter().map(String::as_str)),
        );
        if by_tag.len() < 2 {
            return Features::default();
        }
        let of_operation = facts
            .iter()
            .map(|(id, f)| {
                let features = f.tags.iter().filter_map(|t| by_tag.get(t)).cloned();
                (id.clone(), features.collect::<BTreeSet<_>>())
            })
            .filter(|(_, features)| !features.is_empty())
            .collect();
        Features {
            by_tag,
            of_operation,
        }
    }

    /// Whether the crate has features at all.
    pub fn enabled(&self) -> bool {
        !self.by_tag.is_empty()
    }

    /// The `#[cfg(..)]` of operation `id` (`None`: untagged, always on).
    pub fn cfg_of(&self, id: &str) -> Option<Attribute> {
        cfg(self.of_operation.get(id)?.iter().map(String::as_str))
    }

    /// Feature to the tag it stands for, for the manifest and the docs.
    pub fn table(&self) -> BTreeMap<String, String> {
        self.by_tag
            .iter()
            .map(|(tag, feature)| (feature.clone(), tag.clone()))
            .collect()
    }
}

/// Phase one, for one item: what it tells the graph of what needs what.
pub fn learn(item: &Item, place: Place) -> Vec<Part> {
    match place {
        Place::Types => reach::types_parts(item, &[]),
        Place::TypesBuilder => reach::types_parts(item, &["builder"]),
        Place::TypesDefaults => reach::types_parts(item, &["defaults"]),
        Place::Builder => reach::outside_parts(item, true),
        Place::Top | Place::Elsewhere => reach::outside_parts(item, false),
    }
}

/// What each item gets, once every item has been learnt.
#[derive(Clone, Debug, Default)]
pub struct Gates {
    graph: TypeGraph,
    /// The features of each node only tagged operations need.
    nodes: BTreeMap<Vertex, BTreeSet<String>>,
    /// The features of each `Client` method of a tagged operation.
    methods: BTreeMap<String, BTreeSet<String>>,
    /// The features of each builder of a tagged operation.
    builders: BTreeMap<String, BTreeSet<String>>,
}

/// Which items only tagged operations need, and their features: each
/// operation's roots are what its methods and builder name; always on is
/// what untagged operations, the rest of the crate and unreachable types
/// need.
pub fn gates(features: &Features, parts: &[Part], ids: &BTreeSet<String>) -> Gates {
    let graph = TypeGraph::from_parts(parts);
    let resolve = |names: &[reach::Candidate]| -> Vec<Vertex> {
        names.iter().filter_map(|c| graph.resolve(c)).collect()
    };
    let mut methods: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut builder_of: BTreeMap<&str, &str> = BTreeMap::new();
    let mut roots: BTreeMap<&str, BTreeSet<Vertex>> = BTreeMap::new();
    let mut always: BTreeSet<Vertex> = BTreeSet::new();
    for part in parts {
        match part {
            Part::Method {
                name,
                builder,
                names,
            } => match reach::operation_of(name, ids) {
                Some(op) => {
                    if let Some(features) = features.of_operation.get(op) {
                        methods.insert(name.clone(), features.clone());
                    }
                    if let Some(builder) = builder {
                        builder_of.insert(builder, op);
                    }
                    roots.entry(op).or_default().extend(resolve(names));
                }
                None => always.extend(resolve(names)),
            },
            Part::Other { names } => always.extend(resolve(names)),
            Part::Defines(_) | Part::Owned { .. } | Part::Builder { .. } => {}
        }
    }
    for part in parts {
        if let Part::Builder { builder, names } = part {
            match builder.as_deref().and_then(|b| builder_of.get(b)) {
                Some(op) => roots.entry(op).or_default().extend(resolve(names)),
                None => always.extend(resolve(names)),
            }
        }
    }
    let builders = builder_of
        .iter()
        .filter_map(|(builder, op)| {
            let features = features.of_operation.get(*op)?;
            Some((builder.to_string(), features.clone()))
        })
        .collect();

    let mut reached: BTreeSet<Vertex> = BTreeSet::new();
    for (op, nodes) in &roots {
        if !features.of_operation.contains_key(*op) {
            always.extend(nodes.iter().cloned());
        }
        reached.extend(graph.closure(nodes.iter().cloned()));
    }
    always.extend(
        graph
            .types()
            .map(|t| Vertex::Type(t.to_string()))
            .filter(|n| !reached.contains(n)),
    );
    let always = graph.closure(always);
    let mut nodes: BTreeMap<Vertex, BTreeSet<String>> = BTreeMap::new();
    for (op, roots) in &roots {
        let Some(op_features) = features.of_operation.get(*op) else {
            continue;
        };
        for node in graph.closure(roots.iter().cloned()) {
            if !always.contains(&node) {
                nodes
                    .entry(node)
                    .or_default()
                    .extend(op_features.iter().cloned());
            }
        }
    }
    Gates {
        graph,
        nodes,
        methods,
        builders,
    }
}

/// Phase two, for one item: its `#[cfg(..)]`, if only tagged operations
/// need it.
pub fn rewrite(item: &mut Item, place: Place, gates: &Gates) {
    match place {
        Place::Types | Place::TypesBuilder | Place::TypesDefaults => {
            let features = gates
                .graph
                .owner(item)
                .and_then(|node| gates.nodes.get(&node));
            if let (Some(attr), Some(attrs)) = (cfg_all(features), item_attrs(item)) {
                attrs.insert(0, attr);
            }
        }
        Place::Top => {
            let Item::Impl(imp) = item else { return };
            if !reach::is_client_impl(imp) {
                return;
            }
            for member in imp.items.iter_mut() {
                if let ImplItem::Fn(f) = member
                    && let Some(attr) = cfg_all(gates.methods.get(&f.sig.ident.to_string()))
                {
                    f.attrs.insert(0, attr);
                }
            }
        }
        Place::Builder => {
            let features =
                reach::builder_item_of(item).and_then(|b| gates.builders.get(&b.to_string()));
            if let (Some(attr), Some(attrs)) = (cfg_all(features), item_attrs(item)) {
                attrs.insert(0, attr);
            }
            // With every tag off, no builder names `types`.
            if let Item::Use(u) = item
                && !u.attrs.iter().any(|a| a.path().is_ident("allow"))
            {
                u.attrs.push(parse_quote!(#[allow(unused_imports)]));
            }
        }
        Place::Elsewhere => {}
    }
}

fn cfg_all(features: Option<&BTreeSet<String>>) -> Option<Attribute> {
    cfg(features?.iter().map(String::as_str))
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ..))]`.
fn cfg<'a>(features: impl IntoIterator<Item = &'a str>) -> Option<Attribute> {
    let features: BTreeSet<&str> = features.into_iter().collect();
    let conditions: Vec<TokenStream> = features.iter().map(|f| quote!(feature = #f)).collect();
    match conditions.as_slice() {
        [] => None,
        [one] => Some(parse_quote!(#[cfg(#one)])),
        many => Some(parse_quote!(#[cfg(any(#(#many),*))])),
    }
}

/// The attributes of the kinds of items [`TypeGraph::owner`] and
/// [`reach::builder_item_of`] attribute to a node or a builder.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Fn(f) => Some(&mut f.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs learn, gates and rewrite over `file` item by item, as the
    /// pipeline does.
    fn gate(file: &mut syn::File, tags: &[(&str, &[&str])]) {
        let by_tag = feature_names(tags.iter().flat_map(|(_, t)| t.iter().copied()));
        let features = Features {
            of_operation: tags
                .iter()
                .filter(|(_, t)| !t.is_empty())
                .map(|(op, t)| {
                    (
                        op.to_string(),
                        t.iter().map(|t| by_tag[*t].clone()).collect(),
                    )
                })
                .collect(),
            by_tag,
        };
        let mut parts = Vec::new();
        super::super::each_item(&mut file.items, &mut Vec::new(), &mut |item, place| {
            parts.extend(learn(item, place));
        });
        let ids = tags.iter().map(|(op, _)| op.to_string()).collect();
        let gates = gates(&features, &parts, &ids);
        super::super::each_item(&mut file.items, &mut Vec::new(), &mut |item, place| {
            rewrite(item, place, &gates);
        });
    }

    /// The `cfg` of each named item (types, their builders, builder
    /// structs and `Client` methods), as written.
    fn cfgs(file: &syn::File) -> BTreeMap<String, String> {
        fn walk(items: &[Item], prefix: &str, out: &mut BTreeMap<String, String>) {
            for item in items {
                let (name, attrs) = match item {
                    Item::Struct(s) => (s.ident.to_string(), &s.attrs),
                    Item::Enum(e) => (e.ident.to_string(), &e.attrs),
                    Item::Fn(f) => (f.sig.ident.to_string(), &f.attrs),
                    Item::Mod(m) => {
                        let inner = m.content.as_ref().map_or(&[][..], |(_, i)| i.as_slice());
                        walk(inner, &format!("{prefix}{}::", m.ident), out);
                        continue;
                    }
                    Item::Impl(imp) if reach::is_client_impl(imp) => {
                        for member in &imp.items {
                            if let ImplItem::Fn(f) = member {
                                out.insert(format!("Client::{}", f.sig.ident), cfg_text(&f.attrs));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                out.insert(format!("{prefix}{name}"), cfg_text(attrs));
            }
        }
        fn cfg_text(attrs: &[Attribute]) -> String {
            attrs
                .iter()
                .filter(|a| a.path().is_ident("cfg"))
                .map(|a| quote!(#a).to_string())
                .collect()
        }
        let mut out = BTreeMap::new();
        walk(&file.items, "", &mut out);
        out
    }

    #[test]
    fn each_item_gets_the_features_of_the_operations_that_need_it() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct A { pub shared: Shared }
                pub struct B { pub shared: Shared }
                pub struct Shared { pub n: i64 }
                pub struct U { pub n: i64 }
                pub struct Lone { pub n: i64 }
                pub mod builder {
                    pub struct A { shared: Result<super::Shared, String> }
                }
            }
            impl Client {
                pub fn new() -> Self { todo!() }
                pub fn get_a(&self) -> builder::GetA<'_> { todo!() }
                pub fn get_b(&self) -> builder::GetB<'_> { todo!() }
                pub fn get_u(&self) -> builder::GetU<'_> { todo!() }
            }
            pub mod builder {
                use super::types;
                pub struct GetA<'a> { body: types::builder::A }
                pub struct GetB<'a> { body: types::B }
                pub struct GetU<'a> { body: types::U }
            }
        };
        gate(
            &mut file,
            &[("get_a", &["Alpha"]), ("get_b", &["beta"]), ("get_u", &[])],
        );
        let cfgs = cfgs(&file);
        let a = r#"# [cfg (feature = "alpha")]"#;
        let both = r#"# [cfg (any (feature = "alpha" , feature = "beta"))]"#;
        assert_eq!(cfgs["types::A"], a);
        assert_eq!(cfgs["types::builder::A"], a);
        assert_eq!(cfgs["types::Shared"], both);
        // Untagged operations' types, and types nobody uses, are always on.
        assert_eq!(cfgs["types::U"], "");
        assert_eq!(cfgs["types::Lone"], "");
        assert_eq!(cfgs["Client::get_a"], a);
        assert_eq!(cfgs["Client::get_u"], "");
        assert_eq!(cfgs["Client::new"], "");
        assert_eq!(cfgs["builder::GetA"], a);
        assert_eq!(cfgs["builder::GetU"], "");
    }

    #[test]
    fn feature_names_are_sanitised_and_unique() {
        let names = feature_names([
            "system/networking",
            "Current User",
            "default",
            "a b",
            "a-b",
            "Пользователи",
            "--",
        ]);
        assert_eq!(names["system/networking"], "system-networking");
        assert_eq!(names["Current User"], "current-user");
        assert_eq!(names["default"], "tag-default");
        // In tag-name order: "a b" < "a-b".
        assert_eq!(names["a b"], "a-b");
        assert_eq!(names["a-b"], "a-b-2");
        assert_eq!(names["--"], "tag");
        assert_eq!(names["Пользователи"], "tag-2");
    }
}
