//! What each operation needs of the generated code, on the syntax tree.
//!
//! The `types` module is read as a graph: a node per generated type (its
//! struct, enum or alias, its builder in `types::builder`, and every impl
//! whose self type is it) and per function of `types::defaults`; an edge
//! wherever one of those items names another node (field types, variants,
//! impl bodies, `#[serde(default = "defaults::..")]`). An operation's roots
//! are the nodes its `Client` method and its builder (struct, setters,
//! `send`) name; what it needs is their closure.
//!
//! Names are matched as paths: inside `types` a generated name is a
//! relative path (`Foo`, `super::Foo`, `builder::Foo`,
//! `super::defaults::foo`); outside it, a path through `types`
//! (`types::Foo`, `types::builder::Foo`). Absolute paths (`::std::..`) are
//! never generated names. An unknown shape makes the closure larger, never
//! smaller: a name that cannot be resolved is not an edge, and an item
//! this module cannot attribute to a node is left to the caller.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Ident, ImplItem, Item, Token};

use super::syntax;

/// A node of the types graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vertex {
    /// A generated type of `types` (with its builder and impls).
    Type(String),
    /// A function of `types::defaults`.
    Default(String),
}

/// Where a path is read: inside `types`, or outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// In `types` or one of its modules.
    Types,
    /// In the rest of the crate: generated names go through `types`.
    Outside,
}

/// A path that may name a node: its segments up to the first that is not
/// a module prefix. Read before the nodes are known (each item on its own
/// thread), resolved once they are ([`TypeGraph::resolve`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    scope: Scope,
    segments: Vec<String>,
}

/// Who an item of `types` belongs to, before the nodes are known.
#[derive(Clone, Debug)]
pub enum Owner {
    /// A type's definition or builder struct, a default function.
    Vertex(Vertex),
    /// An impl: its self type's node, else the first node its trait names.
    Impl {
        self_ty: Vec<Candidate>,
        trait_: Vec<Candidate>,
    },
}

/// What one item tells the graph, read from the item alone.
#[derive(Clone, Debug)]
pub enum Part {
    /// A node is defined: a type at the top of `types`, a function of
    /// `types::defaults`.
    Defines(Vertex),
    /// An item of `types` (or its `builder`, `defaults`): its owner and the
    /// paths it names.
    Owned { owner: Owner, names: Vec<Candidate> },
    /// A method of the inherent `impl Client`, with the builder it returns.
    Method {
        name: String,
        builder: Option<String>,
        names: Vec<Candidate>,
    },
    /// An item of the top `builder` module, with the builder it is or
    /// belongs to.
    Builder {
        builder: Option<String>,
        names: Vec<Candidate>,
    },
    /// Anything else outside `types`.
    Other { names: Vec<Candidate> },
}

/// The `types` module as a graph of what each node needs.
#[derive(Clone, Debug, Default)]
pub struct TypeGraph {
    types: BTreeSet<String>,
    defaults: BTreeSet<String>,
    needs: BTreeMap<Vertex, BTreeSet<Vertex>>,
}

/// Modules a relative path to a generated name may go through.
const PREFIXES: &[&str] = &["super", "self", "crate", "types", "builder", "defaults"];

/// Serde attribute keys whose string value is a path.
const SERDE_PATH_KEYS: &[&str] = &[
    "default",
    "deserialize_with",
    "serialize_with",
    "with",
    "skip_serializing_if",
    "from",
    "try_from",
    "into",
];

/// The parts one item of `types` (at `inside`: `[]` for the module's own
/// items, `["builder"]` or `["defaults"]` below it) gives the graph.
pub fn types_parts(item: &Item, inside: &[&str]) -> Vec<Part> {
    let mut parts = Vec::new();
    let Some(owner) = owner_of(item) else {
        return parts;
    };
    if let Owner::Vertex(node) = &owner {
        let defines = match (node, inside) {
            (Vertex::Type(_), []) => !matches!(item, Item::Fn(_)),
            (Vertex::Default(_), ["defaults"]) => true,
            _ => false,
        };
        if defines {
            parts.push(Part::Defines(node.clone()));
        }
    }
    parts.push(Part::Owned {
        owner,
        names: candidates(item, Scope::Types),
    });
    parts
}

/// Who an item of `types` belongs to, as far as the item alone tells.
fn owner_of(item: &Item) -> Option<Owner> {
    Some(match item {
        Item::Struct(s) => Owner::Vertex(Vertex::Type(s.ident.to_string())),
        Item::Enum(e) => Owner::Vertex(Vertex::Type(e.ident.to_string())),
        Item::Type(t) => Owner::Vertex(Vertex::Type(t.ident.to_string())),
        Item::Fn(f) => Owner::Vertex(Vertex::Default(f.sig.ident.to_string())),
        Item::Impl(imp) => Owner::Impl {
            self_ty: candidates(&*imp.self_ty, Scope::Types),
            trait_: imp
                .trait_
                .as_ref()
                .map(|(path, _)| candidates(path, Scope::Types))
                .unwrap_or_default(),
        },
        _ => return None,
    })
}

/// The parts an item outside `types` gives: each method of the inherent
/// `impl Client` (at the top), each item of the `builder` module, or the
/// item as a whole.
pub fn outside_parts(item: &Item, in_builder: bool) -> Vec<Part> {
    if in_builder {
        return vec![Part::Builder {
            builder: builder_item_of(item).map(Ident::to_string),
            names: candidates(item, Scope::Outside),
        }];
    }
    if let Item::Impl(imp) = item
        && is_client_impl(imp)
    {
        return imp
            .items
            .iter()
            .map(|member| match member {
                ImplItem::Fn(f) => Part::Method {
                    name: f.sig.ident.to_string(),
                    builder: returned_builder(&f.sig.output).map(Ident::to_string),
                    names: candidates(member, Scope::Outside),
                },
                other => Part::Other {
                    names: candidates(other, Scope::Outside),
                },
            })
            .collect();
    }
    vec![Part::Other {
        names: candidates(item, Scope::Outside),
    }]
}

/// Whether `imp` is the inherent `impl Client` operations are methods of.
pub fn is_client_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.is_none() && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client")
}

/// `builder::Foo` (with any generics) returned by a method: its builder.
fn returned_builder(output: &syn::ReturnType) -> Option<&Ident> {
    if let syn::ReturnType::Type(_, ty) = output
        && let syn::Type::Path(p) = &**ty
        && p.path.segments.len() == 2
        && p.path.segments[0].ident == "builder"
    {
        return Some(&p.path.segments[1].ident);
    }
    None
}

impl TypeGraph {
    /// The graph of the `types` module's items (a whole module at once).
    pub fn of(types: &[Item]) -> TypeGraph {
        let mut parts = Vec::new();
        for item in types {
            match item {
                Item::Mod(m) if m.ident == "builder" || m.ident == "defaults" => {
                    let inside = if m.ident == "builder" {
                        "builder"
                    } else {
                        "defaults"
                    };
                    for inner in module_contents(m) {
                        parts.extend(types_parts(inner, &[inside]));
                    }
                }
                other => parts.extend(types_parts(other, &[])),
            }
        }
        TypeGraph::from_parts(&parts)
    }

    /// The graph the parts of `types` describe (other parts are ignored).
    pub fn from_parts<'p>(parts: impl IntoIterator<Item = &'p Part> + Clone) -> TypeGraph {
        let mut graph = TypeGraph::default();
        for part in parts.clone() {
            match part {
                Part::Defines(Vertex::Type(t)) => {
                    graph.types.insert(t.clone());
                }
                Part::Defines(Vertex::Default(d)) => {
                    graph.defaults.insert(d.clone());
                }
                _ => {}
            }
        }
        for part in parts {
            let Part::Owned { owner, names } = part else {
                continue;
            };
            let Some(owner) = graph.resolve_owner(owner) else {
                continue;
            };
            let mentions: BTreeSet<Vertex> = names
                .iter()
                .filter_map(|c| graph.resolve(c))
                .filter(|n| *n != owner)
                .collect();
            graph.needs.entry(owner).or_default().extend(mentions);
        }
        graph
    }

    fn is_node(&self, node: &Vertex) -> bool {
        match node {
            Vertex::Type(t) => self.types.contains(t),
            Vertex::Default(d) => self.defaults.contains(d),
        }
    }

    /// The node a candidate path names, if it names one.
    pub fn resolve(&self, candidate: &Candidate) -> Option<Vertex> {
        let mut through_types = false;
        let mut after_defaults = false;
        for ident in &candidate.segments {
            let node = if after_defaults {
                Vertex::Default(ident.clone())
            } else {
                Vertex::Type(ident.clone())
            };
            if (candidate.scope == Scope::Types || through_types) && self.is_node(&node) {
                return Some(node);
            }
            through_types |= ident == "types";
            after_defaults = ident == "defaults";
        }
        None
    }

    /// The node an owner stands for: a defined node, or the node of an
    /// impl's self type, else the first its trait names (`impl From<Foo>
    /// for String`).
    pub fn resolve_owner(&self, owner: &Owner) -> Option<Vertex> {
        match owner {
            Owner::Vertex(node) => self.is_node(node).then(|| node.clone()),
            Owner::Impl { self_ty, trait_ } => {
                self_ty.iter().chain(trait_).find_map(|c| self.resolve(c))
            }
        }
    }

    /// Every generated type.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(String::as_str)
    }

    /// The node an item of `types` (or of its `builder` and `defaults`
    /// modules) belongs to: a type's definition, builder and impls belong to
    /// the type, a default function to itself. `None` for anything else
    /// (`use` items, the `error` module).
    pub fn owner(&self, item: &Item) -> Option<Vertex> {
        self.resolve_owner(&owner_of(item)?)
    }

    /// The nodes `node` (any syntax) names, read in `scope`.
    pub fn mentions<T: Visitable + ?Sized>(&self, node: &T, scope: Scope) -> BTreeSet<Vertex> {
        candidates(node, scope)
            .iter()
            .filter_map(|c| self.resolve(c))
            .collect()
    }

    /// `roots` and everything they need, transitively.
    pub fn closure(&self, roots: impl IntoIterator<Item = Vertex>) -> BTreeSet<Vertex> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<Vertex> = roots.into_iter().collect();
        while let Some(node) = todo.pop() {
            if !seen.insert(node.clone()) {
                continue;
            }
            if let Some(needs) = self.needs.get(&node) {
                todo.extend(needs.iter().filter(|n| !seen.contains(*n)).cloned());
            }
        }
        seen
    }
}

/// The paths of `node` that may name a generated node, read in `scope`.
pub fn candidates<T: Visitable + ?Sized>(node: &T, scope: Scope) -> Vec<Candidate> {
    let mut paths = Paths {
        scope,
        found: Vec::new(),
    };
    node.visit(&mut paths);
    paths.found
}

/// Syntax [`candidates`] can read.
pub trait Visitable {
    /// Walks `self` with `visitor`.
    fn visit(&self, visitor: &mut Paths);
}

macro_rules! visitable {
    ($($ty:ty => $method:ident),* $(,)?) => {
        $(impl Visitable for $ty {
            fn visit(&self, visitor: &mut Paths) {
                visitor.$method(self);
            }
        })*
    };
}

visitable!(
    Item => visit_item,
    ImplItem => visit_impl_item,
    syn::ImplItemFn => visit_impl_item_fn,
    syn::ItemImpl => visit_item_impl,
    syn::ItemStruct => visit_item_struct,
    syn::Type => visit_type,
    syn::Path => visit_path,
);

/// Collects the paths a piece of syntax names that may be generated names.
pub struct Paths {
    scope: Scope,
    found: Vec<Candidate>,
}

impl Paths {
    fn note(&mut self, path: &syn::Path) {
        if path.leading_colon.is_some() {
            return;
        }
        let mut segments = Vec::new();
        let mut through_types = false;
        for segment in &path.segments {
            let ident = segment.ident.to_string();
            let prefix = PREFIXES.contains(&ident.as_str());
            through_types |= ident == "types";
            segments.push(ident);
            if !prefix {
                break;
            }
        }
        // Outside `types`, only a path through it can name a node.
        if self.scope == Scope::Types || through_types {
            self.found.push(Candidate {
                scope: self.scope,
                segments,
            });
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.note(path);
        syn::visit::visit_path(self, path);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        for arg in syntax::serde_args(attr).unwrap_or_default() {
            if SERDE_PATH_KEYS.contains(&arg.key.as_str())
                && let Some(value) = arg.value
                && let Ok(path) = syn::parse_str::<syn::Path>(&value)
            {
                self.note(&path);
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `format!(..)`, `write!(..)`: arguments that parse as expressions
        // are read like any code.
        if let Ok(args) = mac.parse_body_with(Punctuated::<syn::Expr, Token![,]>::parse_terminated)
        {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn module_contents(m: &syn::ItemMod) -> &[Item] {
    m.content
        .as_ref()
        .map_or(&[], |(_, items)| items.as_slice())
}

/// The items of one operation outside `types`: its `Client` methods and
/// its builder in the `builder` module (builder style).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationItems {
    /// Methods of `impl Client` for it: the operation itself and, in
    /// positional style, its `_stream` companion.
    pub methods: Vec<Ident>,
    /// Its builder struct in `builder` (with that struct's impls).
    pub builder: Option<Ident>,
}

/// The items of each operation of `ids` (progenitor's method names): a
/// method of an inherent `impl Client` named as the operation, or named
/// `<operation>_stream` and calling it; the builder its method returns.
pub fn operation_items(
    file: &syn::File,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, OperationItems> {
    let mut out: BTreeMap<String, OperationItems> = BTreeMap::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if !is_client_impl(imp) {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            let Some(id) = operation_of(&f.sig.ident.to_string(), ids) else {
                continue;
            };
            let entry = out.entry(id.to_string()).or_default();
            entry.methods.push(f.sig.ident.clone());
            if let Some(builder) = returned_builder(&f.sig.output) {
                entry.builder = Some(builder.clone());
            }
        }
    }
    out
}

/// The operation of `ids` a `Client` method is for: the one it is named
/// after, or, for `<operation>_stream`, the one it streams.
pub fn operation_of<'i>(method: &str, ids: &'i BTreeSet<String>) -> Option<&'i str> {
    ids.get(method)
        .or_else(|| method.strip_suffix("_stream").and_then(|op| ids.get(op)))
        .map(String::as_str)
}

/// What each operation names outside `types` (its methods and builder),
/// read in [`Scope::Outside`]: its roots in the graph.
pub fn operation_roots(
    file: &syn::File,
    graph: &TypeGraph,
    items: &BTreeMap<String, OperationItems>,
) -> BTreeMap<String, BTreeSet<Vertex>> {
    let mut out: BTreeMap<String, BTreeSet<Vertex>> = BTreeMap::new();
    let builders: Vec<&Item> = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => Some(module_contents(m)),
            _ => None,
        })
        .unwrap_or(&[])
        .iter()
        .collect();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if !is_client_impl(imp) {
            continue;
        }
        for member in &imp.items {
            let ImplItem::Fn(f) = member else { continue };
            for (id, op) in items {
                if op.methods.contains(&f.sig.ident) {
                    out.entry(id.clone())
                        .or_default()
                        .extend(graph.mentions(member, Scope::Outside));
                }
            }
        }
    }
    for (id, op) in items {
        let Some(builder) = &op.builder else { continue };
        for item in &builders {
            if builder_item_of(item).is_some_and(|i| i == builder) {
                out.entry(id.clone())
                    .or_default()
                    .extend(graph.mentions(*item, Scope::Outside));
            }
        }
    }
    out
}

/// The builder an item of the `builder` module is (a struct) or belongs
/// to (an impl whose self type it is).
pub fn builder_item_of(item: &Item) -> Option<&Ident> {
    match item {
        Item::Struct(s) => Some(&s.ident),
        Item::Impl(imp) => syntax::type_ident(&imp.self_ty),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn graph() -> (syn::File, TypeGraph) {
        let file: syn::File = parse_quote! {
            pub mod types {
                pub mod error {
                    pub struct ConversionError(String);
                }
                pub struct A { pub b: B, pub s: ::std::string::String }
                pub struct B { #[serde(default = "defaults::b_c")] pub c: Option<C> }
                pub enum C { X }
                pub struct Lone { pub n: i64 }
                pub struct String(pub ::std::string::String);
                impl ::std::convert::From<&A> for A {
                    fn from(value: &A) -> Self { value.clone() }
                }
                impl ::std::convert::From<Lone> for ::std::string::String {
                    fn from(value: Lone) -> Self { value.n.to_string() }
                }
                pub mod builder {
                    pub struct A { b: Result<super::B, ::std::string::String> }
                    impl ::std::convert::TryFrom<A> for super::A {
                        type Error = super::error::ConversionError;
                        fn try_from(value: A) -> Result<Self, Self::Error> { todo!() }
                    }
                }
                pub mod defaults {
                    pub(super) fn b_c() -> Option<super::C> { Some(super::C::X) }
                }
            }
            impl Client {
                pub fn get_a(&self) -> builder::GetA<'_> { builder::GetA::new(self) }
                pub fn get_lone(&self) -> builder::GetLone<'_> { builder::GetLone::new(self) }
            }
            pub mod builder {
                pub struct GetA<'a> { client: &'a super::Client, body: Result<types::builder::A, String> }
                impl<'a> GetA<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::A>, Error<()>> { todo!() }
                }
                pub struct GetLone<'a> { client: &'a super::Client }
                impl<'a> GetLone<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Lone>, Error<String>> { todo!() }
                }
            }
        };
        let types = match &file.items[0] {
            Item::Mod(m) => m
                .content
                .as_ref()
                .map(|(_, i)| i.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let graph = TypeGraph::of(&types);
        (file, graph)
    }

    fn ty(name: &str) -> Vertex {
        Vertex::Type(name.to_string())
    }

    #[test]
    fn closure_follows_fields_serde_defaults_and_builders() {
        let (_, graph) = graph();
        let reached = graph.closure([ty("A")]);
        assert_eq!(
            reached,
            [
                ty("A"),
                ty("B"),
                ty("C"),
                Vertex::Default("b_c".to_string())
            ]
            .into_iter()
            .collect()
        );
        // An absolute path never names a generated type, even one called
        // `String`; the impl into `::std::string::String` belongs to Lone.
        assert!(!reached.contains(&ty("String")));
        assert_eq!(
            graph.closure([ty("Lone")]),
            [ty("Lone")].into_iter().collect()
        );
    }

    #[test]
    fn operations_are_found_with_their_builders_and_roots() {
        let (file, graph) = graph();
        let ids: BTreeSet<String> = ["get_a".to_string(), "get_lone".to_string()].into();
        let items = operation_items(&file, &ids);
        assert_eq!(
            items["get_a"]
                .builder
                .as_ref()
                .map(Ident::to_string)
                .as_deref(),
            Some("GetA")
        );
        let roots = operation_roots(&file, &graph, &items);
        assert_eq!(roots["get_a"], [ty("A")].into_iter().collect());
        // `String` outside `types` is std's, not the generated one.
        assert_eq!(roots["get_lone"], [ty("Lone")].into_iter().collect());
    }
}
