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
use syn::{Attribute, Expr, ImplItem, Item, parse_quote};

use super::reach::{self, Node, Scope, TypeGraph};
use super::{OperationFacts, syntax};

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
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.insert(tag.to_string(), name);
    }
    out
}

/// What the pass did, for the crate's manifest and docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gated {
    /// Feature name to the tag it stands for.
    pub features: BTreeMap<String, String>,
}

/// Gates every tagged operation and what only tagged operations need
/// behind its tags' features. Returns the features (none when the
/// operations have fewer than two tags, or when the crate has a shape this
/// pass cannot attribute; then `notes` says why and nothing is gated).
pub fn gate(
    file: &mut syn::File,
    facts: &BTreeMap<String, OperationFacts>,
    consts: &BTreeMap<String, syn::Ident>,
    notes: &mut Vec<String>,
) -> Gated {
    let names = feature_names(
        facts
            .values()
            .flat_map(|f| f.tags.iter().map(String::as_str)),
    );
    if names.len() < 2 {
        return Gated::default();
    }
    // The features of each operation (empty: untagged, always on).
    let op_features: BTreeMap<&str, BTreeSet<&str>> = facts
        .iter()
        .map(|(id, f)| {
            let features = f
                .tags
                .iter()
                .filter_map(|t| names.get(t))
                .map(String::as_str);
            (id.as_str(), features.collect())
        })
        .collect();

    let types: Vec<Item> = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let graph = TypeGraph::of(&types);
    let ids: BTreeSet<String> = facts.keys().cloned().collect();
    let items = reach::operation_items(file, &ids);
    let missing: Vec<&str> = facts
        .keys()
        .filter(|id| !items.contains_key(*id))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "no per-tag features: no `Client` method found for {}",
            missing.join(", ")
        ));
        return Gated::default();
    }
    let roots = reach::operation_roots(file, &graph, &items);

    // Always on: what untagged operations, the rest of the crate and
    // unreachable types need.
    let mut always: BTreeSet<Node> = BTreeSet::new();
    for (id, features) in &op_features {
        if features.is_empty() {
            always.extend(roots.get(*id).into_iter().flatten().cloned());
        }
    }
    always.extend(outside_operations(file, &graph, &items));
    let mut reached: BTreeSet<Node> = BTreeSet::new();
    for nodes in roots.values() {
        reached.extend(graph.closure(nodes.iter().cloned()));
    }
    always.extend(
        graph
            .types()
            .map(|t| Node::Type(t.to_string()))
            .filter(|n| !reached.contains(n)),
    );
    let always = graph.closure(always);

    let mut node_features: BTreeMap<Node, BTreeSet<&str>> = BTreeMap::new();
    for (id, nodes) in &roots {
        let features = &op_features[id.as_str()];
        if features.is_empty() {
            continue;
        }
        for node in graph.closure(nodes.iter().cloned()) {
            if !always.contains(&node) {
                node_features
                    .entry(node)
                    .or_default()
                    .extend(features.iter().copied());
            }
        }
    }

    gate_types(file, &graph, &node_features);
    gate_operations(file, &items, &op_features, consts);
    Gated {
        features: names
            .into_iter()
            .map(|(tag, feature)| (feature, tag))
            .collect(),
    }
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

/// The nodes named by everything outside `types` that belongs to no
/// operation: `Client`'s other methods, the rest of the `builder` module,
/// the other items of the crate.
fn outside_operations(
    file: &syn::File,
    graph: &TypeGraph,
    items: &BTreeMap<String, reach::OperationItems>,
) -> BTreeSet<Node> {
    let methods: BTreeSet<&syn::Ident> = items.values().flat_map(|o| &o.methods).collect();
    let builders: BTreeSet<&syn::Ident> =
        items.values().filter_map(|o| o.builder.as_ref()).collect();
    let mut out = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {}
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.as_ref().map_or(&[][..], |(_, i)| i.as_slice()) {
                    if !reach::builder_item_of(inner).is_some_and(|b| builders.contains(b)) {
                        out.extend(graph.mentions(inner, Scope::Outside));
                    }
                }
            }
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client") =>
            {
                for member in &imp.items {
                    let ours = matches!(member, ImplItem::Fn(f) if methods.contains(&f.sig.ident));
                    if !ours {
                        out.extend(graph.mentions(member, Scope::Outside));
                    }
                }
            }
            other => out.extend(graph.mentions(other, Scope::Outside)),
        }
    }
    out
}

fn gate_types(
    file: &mut syn::File,
    graph: &TypeGraph,
    node_features: &BTreeMap<Node, BTreeSet<&str>>,
) {
    let Some(types) = syntax::module_items(&mut file.items, "types") else {
        return;
    };
    let gate = |item: &mut Item| {
        let Some(node) = graph.owner(item) else {
            return;
        };
        let Some(features) = node_features.get(&node) else {
            return;
        };
        if let (Some(attr), Some(attrs)) = (cfg(features.iter().copied()), item_attrs(item)) {
            attrs.insert(0, attr);
        }
    };
    for item in types.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "builder" || m.ident == "defaults" => {
                if let Some((_, inner)) = &mut m.content {
                    inner.iter_mut().for_each(gate);
                }
            }
            other => gate(other),
        }
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

fn gate_operations(
    file: &mut syn::File,
    items: &BTreeMap<String, reach::OperationItems>,
    op_features: &BTreeMap<&str, BTreeSet<&str>>,
    consts: &BTreeMap<String, syn::Ident>,
) {
    let mut by_method: BTreeMap<syn::Ident, Attribute> = BTreeMap::new();
    let mut by_builder: BTreeMap<syn::Ident, Attribute> = BTreeMap::new();
    let mut by_const: BTreeMap<syn::Ident, Attribute> = BTreeMap::new();
    for (id, op) in items {
        let Some(attr) = cfg(op_features[id.as_str()].iter().copied()) else {
            continue;
        };
        for method in &op.methods {
            by_method.insert(method.clone(), attr.clone());
        }
        if let Some(builder) = &op.builder {
            by_builder.insert(builder.clone(), attr.clone());
        }
        if let Some(constant) = consts.get(id) {
            by_const.insert(constant.clone(), attr.clone());
        }
    }
    for item in file.items.iter_mut() {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client") =>
            {
                for member in imp.items.iter_mut() {
                    if let ImplItem::Fn(f) = member
                        && let Some(attr) = by_method.get(&f.sig.ident)
                    {
                        f.attrs.insert(0, attr.clone());
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                let Some((_, inner)) = &mut m.content else {
                    continue;
                };
                for item in inner.iter_mut() {
                    if let Some(attr) = reach::builder_item_of(item).and_then(|b| by_builder.get(b))
                        && let Some(attrs) = item_attrs(item)
                    {
                        attrs.insert(0, attr.clone());
                    }
                    // With every tag off, no builder names `types`.
                    if let Item::Use(u) = item
                        && !u.attrs.iter().any(|a| a.path().is_ident("allow"))
                    {
                        u.attrs.push(parse_quote!(#[allow(unused_imports)]));
                    }
                }
            }
            Item::Mod(m) if m.ident == "operations" => {
                let Some((_, inner)) = &mut m.content else {
                    continue;
                };
                for item in inner.iter_mut() {
                    let Item::Const(c) = item else { continue };
                    if let Some(attr) = by_const.get(&c.ident) {
                        c.attrs.insert(0, attr.clone());
                    } else if let Expr::Reference(r) = &mut *c.expr
                        && let Expr::Array(all) = &mut *r.expr
                    {
                        // `ALL`: each element as its constant.
                        for element in all.elems.iter_mut() {
                            if let Expr::Path(p) = element
                                && let Some(attr) = p.path.get_ident().and_then(|i| by_const.get(i))
                            {
                                p.attrs.insert(0, attr.clone());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
