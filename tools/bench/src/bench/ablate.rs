//! What each class of generated items costs rustc, by ablation: the
//! crate with one class removed (or stubbed so it still compiles), built
//! cold, against the crate as generated. rustc's own profiler (`-Z
//! self-profile`) is not on stable, so the bench measures by taking things
//! out.
//!
//! Each variant is a transformation of the generated crate's syntax tree
//! (`src/lib.rs` parsed again); none is meant to be shipped: some take away
//! API (that is the point: to see what it costs).

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item, parse_quote};

use xtask::passes::reach::{self, Scope, TypeGraph, Vertex};
use xtask::passes::syntax;

/// One ablation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ablation {
    /// Every `#[doc]` attribute and `//!` line removed.
    NoDocs,
    /// `PartialEq` no longer derived (where `Eq` is not derived too).
    NoPartialEq,
    /// `Serialize` not derived on types no request carries.
    NoSerializeResponseOnly,
    /// `Deserialize` not derived on types no response carries.
    NoDeserializeRequestOnly,
    /// typify's `types::builder` structs (and `builder()`, the conversions)
    /// removed for the types no request carries.
    NoBuildersResponseOnly,
    /// Every operation's `send` body replaced by `unimplemented!()`: the
    /// bound of what the sends cost.
    StubSends,
    /// No operation at all: the `Client` methods and the builders removed
    /// (types, `Client`, the table and the hooks remain).
    NoOperations,
}

impl Ablation {
    /// Every ablation, in the order the bench runs them.
    pub const ALL: &'static [Ablation] = &[
        Ablation::NoDocs,
        Ablation::NoPartialEq,
        Ablation::NoSerializeResponseOnly,
        Ablation::NoDeserializeRequestOnly,
        Ablation::NoBuildersResponseOnly,
        Ablation::StubSends,
        Ablation::NoOperations,
    ];

    /// A short name (the crate's package suffix).
    pub fn name(self) -> &'static str {
        match self {
            Ablation::NoDocs => "no-docs",
            Ablation::NoPartialEq => "no-partialeq",
            Ablation::NoSerializeResponseOnly => "no-ser-response-only",
            Ablation::NoDeserializeRequestOnly => "no-de-request-only",
            Ablation::NoBuildersResponseOnly => "no-builders-response-only",
            Ablation::StubSends => "stub-sends",
            Ablation::NoOperations => "no-operations",
        }
    }

    /// What it takes out, for the table.
    pub fn description(self) -> &'static str {
        match self {
            Ablation::NoDocs => "every doc comment",
            Ablation::NoPartialEq => "`PartialEq` derives",
            Ablation::NoSerializeResponseOnly => "`Serialize` on types only responses carry",
            Ablation::NoDeserializeRequestOnly => "`Deserialize` on types only requests carry",
            Ablation::NoBuildersResponseOnly => {
                "`types::builder` (and `builder()`, conversions) for types only responses carry"
            }
            Ablation::StubSends => "every `send` body (`unimplemented!()`)",
            Ablation::NoOperations => "every operation (methods and builders)",
        }
    }

    /// Applies the ablation to `file`.
    pub fn apply(self, file: &mut syn::File) {
        let directions = Directions::of(file);
        match self {
            Ablation::NoDocs => {
                file.attrs.retain(|a| !a.path().is_ident("doc"));
                NoDocs.visit_file_mut(file);
            }
            Ablation::NoPartialEq => {
                DeriveEdit {
                    remove: "PartialEq",
                    keep_if: "Eq",
                    only: None,
                }
                .visit_file_mut(file);
            }
            Ablation::NoSerializeResponseOnly => {
                let only = directions
                    .all
                    .difference(&directions.request)
                    .cloned()
                    .collect();
                edit_types(file, |items| {
                    DeriveEdit {
                        remove: "Serialize",
                        keep_if: "",
                        only: Some(&only),
                    }
                    .visit_items(items)
                });
            }
            Ablation::NoDeserializeRequestOnly => {
                let only = directions
                    .all
                    .difference(&directions.response)
                    .cloned()
                    .collect();
                edit_types(file, |items| {
                    DeriveEdit {
                        remove: "Deserialize",
                        keep_if: "",
                        only: Some(&only),
                    }
                    .visit_items(items)
                });
            }
            Ablation::NoBuildersResponseOnly => {
                let drop: BTreeSet<String> = directions
                    .all
                    .difference(&directions.request)
                    .cloned()
                    .collect();
                edit_types(file, |items| drop_builders(items, &drop));
            }
            Ablation::StubSends => {
                if let Some(builders) = syntax::module_items(&mut file.items, "builder") {
                    for item in builders.iter_mut() {
                        let Item::Impl(imp) = item else { continue };
                        for member in imp.items.iter_mut() {
                            if let ImplItem::Fn(f) = member
                                && f.sig.ident == "send"
                            {
                                f.block = parse_quote!({ unimplemented!() });
                            }
                        }
                    }
                }
            }
            Ablation::NoOperations => {
                let ops: BTreeSet<String> = directions.operations.clone();
                for item in file.items.iter_mut() {
                    if let Item::Impl(imp) = item
                        && imp.trait_.is_none()
                        && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client")
                    {
                        imp.items.retain(|m| match m {
                            ImplItem::Fn(f) => !ops.contains(&f.sig.ident.to_string()),
                            _ => true,
                        });
                    }
                }
                if let Some(builders) = syntax::module_items(&mut file.items, "builder") {
                    builders.retain(|item| !matches!(item, Item::Struct(_) | Item::Impl(_)));
                }
            }
        }
    }
}

/// Which types requests and responses carry, transitively.
struct Directions {
    all: BTreeSet<String>,
    request: BTreeSet<String>,
    response: BTreeSet<String>,
    operations: BTreeSet<String>,
}

impl Directions {
    fn of(file: &syn::File) -> Directions {
        let types: Vec<Item> = file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let graph = TypeGraph::of(&types);
        // Every method of `impl Client` that returns a builder is an
        // operation.
        let mut ids = BTreeSet::new();
        for item in &file.items {
            if let Item::Impl(imp) = item
                && imp.trait_.is_none()
                && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client")
            {
                for member in &imp.items {
                    if let ImplItem::Fn(f) = member
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                        && let syn::Type::Path(p) = &**ty
                        && p.path
                            .segments
                            .first()
                            .is_some_and(|s| s.ident == "builder")
                    {
                        ids.insert(f.sig.ident.to_string());
                    }
                }
            }
        }
        let items = reach::operation_items(file, &ids);
        let builders: Vec<Item> = file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let mut request_roots = BTreeSet::new();
        let mut response_roots = BTreeSet::new();
        for op in items.values() {
            let Some(builder) = &op.builder else { continue };
            for item in &builders {
                match item {
                    Item::Struct(s) if s.ident == *builder => {
                        request_roots.extend(graph.mentions(item, Scope::Outside));
                    }
                    Item::Impl(imp)
                        if syntax::type_ident(&imp.self_ty).is_some_and(|i| i == builder) =>
                    {
                        for member in &imp.items {
                            if let ImplItem::Fn(f) = member
                                && f.sig.ident == "send"
                            {
                                let output = match &f.sig.output {
                                    syn::ReturnType::Type(_, ty) => (**ty).clone(),
                                    syn::ReturnType::Default => parse_quote!(()),
                                };
                                response_roots.extend(graph.mentions(&output, Scope::Outside));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let names = |nodes: BTreeSet<Vertex>| -> BTreeSet<String> {
            nodes
                .into_iter()
                .filter_map(|n| match n {
                    Vertex::Type(t) => Some(t),
                    Vertex::Default(_) => None,
                })
                .collect()
        };
        Directions {
            all: graph.types().map(str::to_string).collect(),
            request: names(graph.closure(request_roots)),
            response: names(graph.closure(response_roots)),
            operations: ids,
        }
    }
}

fn edit_types(file: &mut syn::File, edit: impl FnOnce(&mut Vec<Item>)) {
    if let Some(types) = syntax::module_items(&mut file.items, "types") {
        edit(types);
    }
}

struct NoDocs;

impl VisitMut for NoDocs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| !a.path().is_ident("doc"));
    }
}

/// Removes a derive, from the types in `only` when given.
struct DeriveEdit<'a> {
    remove: &'static str,
    /// Keep it where this is derived too (`PartialEq` under `Eq`).
    keep_if: &'static str,
    only: Option<&'a BTreeSet<String>>,
}

impl DeriveEdit<'_> {
    fn visit_items(&mut self, items: &mut [Item]) {
        for item in items.iter_mut() {
            match item {
                Item::Mod(_) => {}
                other => self.visit_item_mut(other),
            }
        }
    }

    fn edit(&self, ident: &syn::Ident, attrs: &mut [syn::Attribute]) {
        if self
            .only
            .is_some_and(|only| !only.contains(&ident.to_string()))
        {
            return;
        }
        if !self.keep_if.is_empty() && syntax::derives_trait(attrs, self.keep_if) {
            return;
        }
        syntax::remove_derive(attrs, self.remove);
    }
}

impl VisitMut for DeriveEdit<'_> {
    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        self.edit(&s.ident.clone(), &mut s.attrs);
        if !serde_derived(&s.attrs) {
            NoSerdeAttrs.visit_item_struct_mut(s);
        }
    }
    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        self.edit(&e.ident.clone(), &mut e.attrs);
        if !serde_derived(&e.attrs) {
            NoSerdeAttrs.visit_item_enum_mut(e);
        }
    }
}

fn serde_derived(attrs: &[syn::Attribute]) -> bool {
    syntax::derives_trait(attrs, "Serialize") || syntax::derives_trait(attrs, "Deserialize")
}

/// `#[serde(..)]` attributes need a serde derive on their item.
struct NoSerdeAttrs;

impl VisitMut for NoSerdeAttrs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| !a.path().is_ident("serde"));
    }
}

/// Removes the builders of `drop` from `types::builder`, their conversions
/// and the `builder()` functions of the types.
fn drop_builders(types: &mut Vec<Item>, drop: &BTreeSet<String>) {
    let graph = TypeGraph::of(types);
    let owned_by_dropped =
        |item: &Item| matches!(graph.owner(item), Some(Vertex::Type(t)) if drop.contains(&t));
    for item in types.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    items.retain(|i| !owned_by_dropped(i));
                }
            }
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && syntax::type_ident(&imp.self_ty)
                        .is_some_and(|i| drop.contains(&i.to_string())) =>
            {
                imp.items
                    .retain(|m| !matches!(m, ImplItem::Fn(f) if f.sig.ident == "builder"));
            }
            _ => {}
        }
    }
    types.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.items.is_empty() && imp.trait_.is_none()),
    );
}
