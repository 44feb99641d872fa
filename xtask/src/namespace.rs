//! Names declared twice in one namespace of the generated code.
//!
//! progenitor and typify name items after the spec, and when two spec
//! things end up with one Rust name the crate does not compile (E0428 a
//! type defined twice, E0124 a field declared twice, E0592 a method
//! defined twice) or, worse, one type silently stands for two schemas.
//! [`collisions`] finds them in the syntax tree itself: idents compared
//! with idents, per namespace, per module (`types`, `types::builder`, the
//! top level...), per struct, per enum and per `impl`.

use std::collections::BTreeMap;

use syn::ext::IdentExt as _;
use syn::{Fields, File, Ident, ImplItem, Item, UseTree};

/// What is declared twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    /// Two items of one module in one namespace (types, values).
    Item,
    /// Two fields of one struct (or one struct-like enum variant).
    Field,
    /// Two variants of one enum.
    Variant,
    /// Two associated items (methods, consts) of one type's inherent impls,
    /// or of one trait impl.
    Method,
}

/// One name declared more than once in one scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The scope: a module path (`types`, `types::builder`; empty for the
    /// crate's top level), a type in it (`types::User`), a variant
    /// (`types::Shape::Circle`), or an impl (`types::User impl`,
    /// `impl Serialize for types::User`).
    pub scope: String,
    /// The name declared more than once.
    pub name: Ident,
    /// What kind of declaration.
    pub what: What,
    /// The kinds of the declarations, in source order (`struct`, `enum`,
    /// `fn`, `use`, `field`, `variant`...): one per declaration.
    pub kinds: Vec<&'static str>,
}

impl std::fmt::Display for Collision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scope = if self.scope.is_empty() {
            "the crate root"
        } else {
            &self.scope
        };
        write!(
            f,
            "`{}` declared {} times in {scope} ({})",
            self.name,
            self.kinds.len(),
            self.kinds.join(", ")
        )
    }
}

/// Every name declared twice in one scope of `file`; empty when the names
/// are all distinct.
pub fn collisions(file: &File) -> Vec<Collision> {
    let mut out = Vec::new();
    module(&file.items, "", &mut out);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Namespace {
    Type,
    Value,
}

/// Declarations of one scope, grouped by name, in source order.
#[derive(Default)]
struct Scope {
    seen: BTreeMap<(Namespace, Ident), Vec<&'static str>>,
    order: Vec<(Namespace, Ident)>,
}

impl Scope {
    fn declare(&mut self, ns: Namespace, ident: &Ident, kind: &'static str) {
        let key = (ns, ident.unraw());
        let entry = self.seen.entry(key.clone()).or_default();
        if entry.is_empty() {
            self.order.push(key);
        }
        entry.push(kind);
    }

    fn report(self, scope: &str, what: What, out: &mut Vec<Collision>) {
        let Scope { mut seen, order } = self;
        for key in order {
            if let Some(kinds) = seen.remove(&key)
                && kinds.len() > 1
            {
                out.push(Collision {
                    scope: scope.to_string(),
                    name: key.1,
                    what,
                    kinds,
                });
            }
        }
    }
}

fn join(scope: &str, name: &Ident) -> String {
    if scope.is_empty() {
        name.unraw().to_string()
    } else {
        format!("{scope}::{}", name.unraw())
    }
}

fn module(items: &[Item], scope: &str, out: &mut Vec<Collision>) {
    let mut names = Scope::default();
    // Inherent impls of one type share one namespace of associated items.
    let mut inherent: BTreeMap<Ident, Scope> = BTreeMap::new();
    let mut inherent_order: Vec<Ident> = Vec::new();
    for item in items {
        match item {
            Item::Struct(s) => {
                names.declare(Namespace::Type, &s.ident, "struct");
                if !matches!(s.fields, Fields::Named(_)) {
                    names.declare(Namespace::Value, &s.ident, "struct");
                }
                fields(&s.fields, &join(scope, &s.ident), out);
            }
            Item::Enum(e) => {
                names.declare(Namespace::Type, &e.ident, "enum");
                let at = join(scope, &e.ident);
                let mut variants = Scope::default();
                for v in &e.variants {
                    variants.declare(Namespace::Type, &v.ident, "variant");
                    fields(&v.fields, &join(&at, &v.ident), out);
                }
                variants.report(&at, What::Variant, out);
            }
            Item::Union(u) => names.declare(Namespace::Type, &u.ident, "union"),
            Item::Type(t) => names.declare(Namespace::Type, &t.ident, "type"),
            Item::Trait(t) => names.declare(Namespace::Type, &t.ident, "trait"),
            Item::Fn(f) => names.declare(Namespace::Value, &f.sig.ident, "fn"),
            Item::Const(c) => names.declare(Namespace::Value, &c.ident, "const"),
            Item::Static(s) => names.declare(Namespace::Value, &s.ident, "static"),
            Item::ExternCrate(c) => {
                let ident = c.rename.as_ref().map_or(&c.ident, |(_, r)| r);
                names.declare(Namespace::Type, ident, "extern crate");
            }
            Item::Use(u) => {
                let mut leaves = Vec::new();
                use_names(&u.tree, &mut leaves);
                for ident in leaves {
                    // What a `use` brings in may live in either namespace;
                    // a type or value of the same name clashes with it.
                    names.declare(Namespace::Type, ident, "use");
                }
            }
            Item::Mod(m) => {
                names.declare(Namespace::Type, &m.ident, "mod");
                if let Some((_, inner)) = &m.content {
                    module(inner, &join(scope, &m.ident), out);
                }
            }
            Item::Impl(i) => {
                let self_ty = match i.self_ty.as_ref() {
                    syn::Type::Path(p) if p.qself.is_none() => {
                        p.path.segments.last().map(|s| s.ident.clone())
                    }
                    _ => None,
                };
                match (&i.trait_, self_ty) {
                    (None, Some(ty)) => {
                        if !inherent.contains_key(&ty) {
                            inherent_order.push(ty.clone());
                        }
                        let members = inherent.entry(ty).or_default();
                        impl_items(&i.items, members);
                    }
                    (Some((path, _)), ty) => {
                        let mut members = Scope::default();
                        impl_items(&i.items, &mut members);
                        let trait_name = path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default();
                        let ty = ty.map(|t| join(scope, &t)).unwrap_or_default();
                        members.report(&format!("impl {trait_name} for {ty}"), What::Method, out);
                    }
                    (None, None) => {
                        let mut members = Scope::default();
                        impl_items(&i.items, &mut members);
                        members.report(&format!("{scope} impl"), What::Method, out);
                    }
                }
            }
            _ => {}
        }
    }
    names.report(scope, What::Item, out);
    for ty in inherent_order {
        if let Some(members) = inherent.remove(&ty) {
            members.report(&format!("{} impl", join(scope, &ty)), What::Method, out);
        }
    }
}

fn impl_items(items: &[ImplItem], members: &mut Scope) {
    for item in items {
        match item {
            ImplItem::Fn(f) => members.declare(Namespace::Value, &f.sig.ident, "fn"),
            ImplItem::Const(c) => members.declare(Namespace::Value, &c.ident, "const"),
            ImplItem::Type(t) => members.declare(Namespace::Type, &t.ident, "type"),
            _ => {}
        }
    }
}

fn fields(fields: &Fields, scope: &str, out: &mut Vec<Collision>) {
    let Fields::Named(named) = fields else {
        return;
    };
    let mut seen = Scope::default();
    for field in &named.named {
        if let Some(ident) = &field.ident {
            seen.declare(Namespace::Value, ident, "field");
        }
    }
    seen.report(scope, What::Field, out);
}

/// The names a `use` tree brings into scope (globs bring none we can see).
fn use_names<'a>(tree: &'a UseTree, out: &mut Vec<&'a Ident>) {
    match tree {
        UseTree::Path(p) => use_names(&p.tree, out),
        UseTree::Name(n) if n.ident != "self" => out.push(&n.ident),
        UseTree::Name(_) | UseTree::Glob(_) => {}
        UseTree::Rename(r) => {
            if r.rename != "_" {
                out.push(&r.rename);
            }
        }
        UseTree::Group(g) => {
            for t in &g.items {
                use_names(t, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{What, collisions};

    fn found(file: &syn::File) -> Vec<(String, String, What, Vec<&'static str>)> {
        collisions(file)
            .into_iter()
            .map(|c| (c.scope, c.name.to_string(), c.what, c.kinds))
            .collect()
    }

    #[test]
    fn distinct_names_collide_nowhere() {
        let file: syn::File = syn::parse_quote! {
            pub struct Client { baseurl: String }
            impl Client { pub fn new() -> Self { todo!() } pub fn get_user(&self) {} }
            pub mod types {
                pub struct User { pub id: String, pub name: String }
                pub enum Role { Admin, Member(String), Guest { since: u64 } }
                impl User { pub fn builder() {} }
                impl ::std::convert::From<&User> for User { fn from(v: &User) -> Self { v.clone() } }
                pub mod builder { pub struct User { id: Result<String, String> } }
            }
            pub mod builder { pub struct GetUser<'a> { client: &'a super::Client } }
        };
        assert_eq!(found(&file), vec![]);
    }

    #[test]
    fn two_types_of_one_name_in_a_module() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct SubscriptionSchedule { pub id: String }
                pub enum SubscriptionSchedule { String(String) }
                pub struct Other;
            }
        };
        assert_eq!(
            found(&file),
            vec![(
                "types".to_string(),
                "SubscriptionSchedule".to_string(),
                What::Item,
                vec!["struct", "enum"]
            )]
        );
    }

    #[test]
    fn a_named_struct_and_a_fn_live_in_different_namespaces() {
        let file: syn::File = syn::parse_quote! {
            pub struct Thing { pub a: u8 }
            pub fn Thing() {}
            pub struct Unit;
            pub fn Unit() {}
            pub use other::Thing;
        };
        assert_eq!(
            found(&file),
            vec![
                (
                    String::new(),
                    "Thing".to_string(),
                    What::Item,
                    vec!["struct", "use"]
                ),
                (
                    String::new(),
                    "Unit".to_string(),
                    What::Item,
                    vec!["struct", "fn"]
                ),
            ]
        );
    }

    #[test]
    fn builder_module_is_its_own_scope_but_collides_inside() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct A { pub x: u8 }
                pub mod builder {
                    pub struct A { x: u8 }
                    pub struct A { y: u8 }
                }
            }
        };
        let got = found(&file);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "types::builder");
        assert_eq!(got[0].1, "A");
    }

    #[test]
    fn fields_variants_and_methods() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct User { pub id: String, pub r#id: String }
                pub enum Shape { Circle { r: f64, r: f64 }, Square, Square }
                impl User { pub fn id(&self) {} }
                impl User { pub fn id(&self) {} }
                impl ::std::fmt::Display for User { fn fmt(&self) {} fn fmt(&self) {} }
            }
        };
        assert_eq!(
            found(&file),
            vec![
                (
                    "types::User".to_string(),
                    "id".to_string(),
                    What::Field,
                    vec!["field", "field"]
                ),
                (
                    "types::Shape::Circle".to_string(),
                    "r".to_string(),
                    What::Field,
                    vec!["field", "field"]
                ),
                (
                    "types::Shape".to_string(),
                    "Square".to_string(),
                    What::Variant,
                    vec!["variant", "variant"]
                ),
                (
                    "impl Display for types::User".to_string(),
                    "fmt".to_string(),
                    What::Method,
                    vec!["fn", "fn"]
                ),
                (
                    "types::User impl".to_string(),
                    "id".to_string(),
                    What::Method,
                    vec!["fn", "fn"]
                ),
            ]
        );
    }
}
