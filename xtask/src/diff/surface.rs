//! The public API surface of a generated crate, read from its syntax tree.
//!
//! A reviewer of a spec change wants to know what changes for the people who
//! call the generated client, without reading the thousands of lines
//! progenitor writes. [`extract`] reduces a generated file to the items a
//! caller can touch (operations with their parameters and result types, and
//! the types in `mod types` with their fields and wire names), and its
//! [`Display`](fmt::Display) form prints one line per field, variant or
//! parameter, sorted, so that a one-field change in a spec is a few-line
//! diff of this text.
//!
//! It reads the generated code, not the spec, on purpose: it describes what
//! progenitor and our passes actually produced. It is written against shapes
//! rather than exact texts (types are printed with a normalising printer,
//! operations are found by the "Sends a `METHOD` request" doc line), so it
//! keeps working as the generator's output evolves.

use std::collections::BTreeMap;
use std::fmt;

use quote::ToTokens as _;
use syn::{Attribute, Fields, ImplItem, Item, ReturnType, Type};

/// Everything a caller of the generated crate can name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// The operations, by Rust method name.
    pub operations: BTreeMap<String, Operation>,
    /// The types of `mod types`, by name.
    pub types: BTreeMap<String, TypeDef>,
}

/// One API operation as the generated client exposes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// Rust method name on `Client`.
    pub name: String,
    /// Upper-case HTTP method, from the "Sends a `PUT` request" doc line.
    pub method: String,
    /// Path template, such as `/organizations/{organization_id}`.
    pub path: String,
    /// `builder` (`client.op().param(x).send()`) or `positional` (`client.op(x)`).
    pub style: String,
    /// Parameters other than the body, in declaration order.
    pub params: Vec<Param>,
    /// The request body type, when the operation has one.
    pub body: Option<String>,
    /// The type a successful call returns inside `ResponseValue`.
    pub ok: String,
    /// The error type of the call.
    pub err: String,
    /// `#[deprecated]` on the method, its builder or `send`.
    pub deprecated: bool,
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Rust name (setter or argument).
    pub name: String,
    /// Rust type, normalised.
    pub ty: String,
    /// Where it goes: `path`, `query "wire"`, `header "wire"`, or `unknown`.
    pub location: String,
}

/// One type of `mod types`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct {
        /// Struct-level serde markers, such as `deny_unknown_fields`.
        markers: Vec<String>,
        /// Fields in declaration order.
        fields: Vec<Field>,
    },
    /// A tuple struct: a constrained newtype such as a string with a maximum
    /// length, or a wrapper.
    Newtype {
        /// Its field types.
        inner: Vec<String>,
        /// Struct-level serde markers, such as `transparent`.
        markers: Vec<String>,
        /// The checks its `FromStr` makes: `max_length: 50`, `pattern: ...`.
        checks: Vec<String>,
    },
    /// An enum.
    Enum {
        /// Enum-level serde markers: `untagged`, `tag = "kind"`, ...
        markers: Vec<String>,
        /// Variants in declaration order.
        variants: Vec<Variant>,
    },
    /// `pub type X = Y;`
    Alias(String),
}

/// One field of a generated struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Rust field name.
    pub name: String,
    /// Rust type, normalised.
    pub ty: String,
    /// Name on the wire: `#[serde(rename)]`, else the field name.
    pub wire: String,
    /// `Option<_>` or `#[serde(default)]`: may be absent on the wire.
    pub optional: bool,
}

/// One variant of a generated enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// Field types of a tuple variant (`Unknown(String)`), or `{ a: T }` text.
    pub data: Option<String>,
    /// Wire value: `#[serde(rename)]`, else the variant name.
    pub wire: String,
    /// Variant-level serde markers: `untagged`, `other`, ...
    pub markers: Vec<String>,
}

/// Reads the public API surface of one generated file.
pub fn extract(file: &syn::File) -> Surface {
    let mut surface = Surface::default();
    let builders = builder_module(file);
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &m.content {
                    for item in items {
                        if let Some((name, def)) = type_def(item) {
                            surface.types.insert(name, def);
                        }
                    }
                    for item in items {
                        add_checks(item, &mut surface.types);
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() && type_name(&imp.self_ty) == "Client" => {
                for item in &imp.items {
                    let ImplItem::Fn(f) = item else { continue };
                    if let Some(op) = operation(f, builders) {
                        surface.operations.insert(op.name.clone(), op);
                    }
                }
            }
            _ => {}
        }
    }
    surface
}

/// The items of the top-level `mod builder` (builder-style operations).
fn builder_module(file: &syn::File) -> &[Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

fn type_def(item: &Item) -> Option<(String, TypeDef)> {
    match item {
        Item::Struct(s) if is_pub(&s.vis) => {
            let markers = serde_markers(&s.attrs);
            let def = match &s.fields {
                Fields::Named(named) => TypeDef::Struct {
                    markers,
                    fields: named.named.iter().filter_map(field).collect(),
                },
                Fields::Unnamed(unnamed) => TypeDef::Newtype {
                    inner: unnamed.unnamed.iter().map(|f| print_type(&f.ty)).collect(),
                    markers,
                    checks: Vec::new(),
                },
                Fields::Unit => TypeDef::Newtype {
                    inner: Vec::new(),
                    markers,
                    checks: Vec::new(),
                },
            };
            Some((s.ident.to_string(), def))
        }
        Item::Enum(e) if is_pub(&e.vis) => {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let serde = serde_args(&v.attrs);
                    Variant {
                        name: v.ident.to_string(),
                        data: match &v.fields {
                            Fields::Unit => None,
                            Fields::Unnamed(u) => Some(format!(
                                "({})",
                                u.unnamed
                                    .iter()
                                    .map(|f| print_type(&f.ty))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                            Fields::Named(n) => Some(format!(
                                " {{ {} }}",
                                n.named
                                    .iter()
                                    .map(|f| format!(
                                        "{}: {}",
                                        f.ident
                                            .as_ref()
                                            .map(ToString::to_string)
                                            .unwrap_or_default(),
                                        print_type(&f.ty)
                                    ))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        },
                        wire: rename(&serde).unwrap_or_else(|| v.ident.to_string()),
                        markers: markers_of(&serde),
                    }
                })
                .collect();
            Some((
                e.ident.to_string(),
                TypeDef::Enum {
                    markers: serde_markers(&e.attrs),
                    variants,
                },
            ))
        }
        Item::Type(t) if is_pub(&t.vis) => {
            Some((t.ident.to_string(), TypeDef::Alias(print_type(&t.ty))))
        }
        _ => None,
    }
}

/// The value checks of a constrained newtype, read from its `FromStr`:
/// they change what `TryFrom` and decoding accept, without changing a type.
fn add_checks(item: &Item, types: &mut BTreeMap<String, TypeDef>) {
    let Item::Impl(imp) = item else { return };
    let is_from_str = imp
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "FromStr");
    if !is_from_str {
        return;
    }
    let Some(TypeDef::Newtype { checks, .. }) = types.get_mut(&type_name(&imp.self_ty)) else {
        return;
    };
    checks.extend(value_checks(imp));
}

/// `value.chars().count() > N` / `< N` and `Regex::new("…")` in a
/// `FromStr` body, as `check max_length: N` lines, found on the syntax tree.
fn value_checks(imp: &syn::ItemImpl) -> Vec<String> {
    use crate::passes::syntax;
    use syn::visit::Visit;

    struct Checks(Vec<String>);
    impl<'ast> Visit<'ast> for Checks {
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            let counts_chars = match syntax::unwrap_expr(&b.left) {
                syn::Expr::MethodCall(count) if count.method == "count" => {
                    matches!(syntax::unwrap_expr(&count.receiver), syn::Expr::MethodCall(chars) if chars.method == "chars")
                }
                _ => false,
            };
            let name = match b.op {
                syn::BinOp::Gt(_) => Some("max_length"),
                syn::BinOp::Lt(_) => Some("min_length"),
                _ => None,
            };
            if counts_chars
                && let Some(name) = name
                && let Some(n) = syntax::int_value::<u64>(&b.right)
            {
                self.0.push(format!("check {name}: {n}"));
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Some([pattern]) =
                syntax::call_to(&syn::Expr::Call(c.clone()), &["Regex", "new"]).as_deref()
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = syntax::unwrap_expr(pattern)
            {
                self.0.push(format!("check pattern: {}", s.value()));
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut checks = Checks(Vec::new());
    checks.visit_item_impl(imp);
    checks.0
}

fn field(f: &syn::Field) -> Option<Field> {
    if !is_pub(&f.vis) {
        return None;
    }
    let name = f.ident.as_ref()?.to_string();
    let serde = serde_args(&f.attrs);
    let ty = print_type(&f.ty);
    let optional = ty.starts_with("Option<") || serde.iter().any(|(k, _)| k == "default");
    Some(Field {
        wire: rename(&serde).unwrap_or_else(|| name.clone()),
        name,
        ty,
        optional,
    })
}

/// An operation, if `f` is one: its doc says which request it sends.
fn operation(f: &syn::ImplItemFn, builders: &[Item]) -> Option<Operation> {
    if !is_pub(&f.vis) {
        return None;
    }
    let (method, path) = sends(&doc(&f.attrs))?;
    let mut op = Operation {
        name: f.sig.ident.to_string(),
        method,
        path,
        deprecated: is_deprecated(&f.attrs),
        ..Operation::default()
    };
    let returned = match &f.sig.output {
        ReturnType::Type(_, ty) => Some(ty.as_ref()),
        ReturnType::Default => None,
    };
    let builder = returned
        .filter(|_| f.sig.asyncness.is_none())
        .map(type_name)
        .and_then(|name| find_builder(builders, &name));
    match builder {
        Some((strukt, send, deprecated_impl)) => {
            op.style = "builder".into();
            op.deprecated |=
                deprecated_impl || is_deprecated(&strukt.attrs) || is_deprecated(&send.attrs);
            if let Fields::Named(named) = &strukt.fields {
                for field in &named.named {
                    let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
                        continue;
                    };
                    if name == "client" {
                        continue;
                    }
                    // Builder fields are `Result<T, String>`: T is the parameter.
                    let ty = first_generic(&field.ty)
                        .map(print_type)
                        .unwrap_or_else(|| print_type(&field.ty));
                    if name == "body" {
                        op.body = Some(strip_builder(&ty));
                    } else {
                        op.params.push(Param {
                            location: location(&send.block, &name),
                            name,
                            ty,
                        });
                    }
                }
            }
            (op.ok, op.err) = result_types(&send.sig.output);
        }
        None => {
            op.style = "positional".into();
            for arg in &f.sig.inputs {
                let syn::FnArg::Typed(arg) = arg else {
                    continue;
                };
                let syn::Pat::Ident(pat) = &*arg.pat else {
                    continue;
                };
                let name = pat.ident.to_string();
                let ty = print_type(&arg.ty);
                if name == "body" {
                    op.body = Some(ty.trim_start_matches('&').to_string());
                } else {
                    op.params.push(Param {
                        location: location(&f.block, &name),
                        name,
                        ty,
                    });
                }
            }
            (op.ok, op.err) = result_types(&f.sig.output);
        }
    }
    Some(op)
}

/// The builder struct named `name`, its `send` method, and whether its impl
/// block is deprecated.
fn find_builder<'a>(
    builders: &'a [Item],
    name: &str,
) -> Option<(&'a syn::ItemStruct, &'a syn::ImplItemFn, bool)> {
    let strukt = builders.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })?;
    builders.iter().find_map(|item| {
        let Item::Impl(imp) = item else { return None };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != name {
            return None;
        }
        imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send" => {
                Some((strukt, f, is_deprecated(&imp.attrs)))
            }
            _ => None,
        })
    })
}

/// Where progenitor puts a parameter, read from the code that sends it:
/// the calls that encode it into the path, a query pair or a header.
fn location(block: &syn::Block, name: &str) -> String {
    use crate::passes::syntax;
    use syn::visit::Visit;

    struct Find<'a> {
        name: &'a str,
        /// Inside `if let Some(value) = <name> { .. }`: `value` is it.
        alias: Option<String>,
        found: Option<String>,
    }
    impl Find<'_> {
        fn is_it(&self, expr: &syn::Expr) -> bool {
            struct Mentions<'b>(&'b str, Option<&'b str>, bool);
            impl<'ast> Visit<'ast> for Mentions<'_> {
                fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                    if p.path
                        .get_ident()
                        .is_some_and(|i| i == self.0 || Some(i.to_string().as_str()) == self.1)
                    {
                        self.2 = true;
                    }
                }
            }
            let mut m = Mentions(self.name, self.alias.as_deref(), false);
            m.visit_expr(expr);
            m.2
        }
        fn wire(expr: &syn::Expr) -> Option<String> {
            match syntax::unwrap_expr(expr) {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        }
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr_macro(&mut self, m: &'ast syn::ExprMacro) {
            if syntax::path_ends_with(&m.mac.path, &["format"])
                && let Ok(args) = m.mac.parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
            {
                args.iter().for_each(|a| self.visit_expr(a));
            }
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            let syn::Expr::Path(func) = &*c.func else {
                return syn::visit::visit_expr_call(self, c);
            };
            let args: Vec<&syn::Expr> = c.args.iter().collect();
            let path = &func.path;
            if (syntax::path_ends_with(path, &["encode_path"])
                || syntax::path_ends_with(path, &["encode_list"]))
                && args.first().is_some_and(|a| self.is_it(a))
            {
                self.found.get_or_insert_with(|| "path".to_string());
            }
            if syntax::path_ends_with(path, &["QueryParam", "new"])
                && let [wire, value] = args.as_slice()
                && self.is_it(value)
                && let Some(wire) = Self::wire(wire)
            {
                self.found
                    .get_or_insert_with(|| format!("query \"{wire}\""));
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            if c.method == "append"
                && syntax::local(&c.receiver).is_some_and(|i| i == "header_map")
                && let Some(wire) = c.args.first().and_then(Self::wire)
                && c.args.iter().nth(1).is_some_and(|v| self.is_it(v))
            {
                self.found
                    .get_or_insert_with(|| format!("header \"{wire}\""));
            }
            syn::visit::visit_expr_method_call(self, c);
        }
        fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
            // `if let Some(value) = name { header_map.append("wire", value..) }`
            if let syn::Expr::Let(l) = &*e.cond
                && syntax::local(&l.expr).is_some_and(|i| i == self.name)
                && let syn::Pat::TupleStruct(t) = &*l.pat
                && let Some(syn::Pat::Ident(value)) = t.elems.first()
            {
                let outer = self.alias.replace(value.ident.to_string());
                self.visit_block(&e.then_branch);
                self.alias = outer;
                return;
            }
            syn::visit::visit_expr_if(self, e);
        }
    }
    let mut find = Find {
        name,
        alias: None,
        found: None,
    };
    find.visit_block(block);
    find.found.unwrap_or_else(|| "unknown".into())
}

/// `Result<ResponseValue<T>, E>` to `(T, E)`.
fn result_types(output: &ReturnType) -> (String, String) {
    let ReturnType::Type(_, ty) = output else {
        return ("()".into(), "()".into());
    };
    let args = generics(ty);
    let ok = args
        .first()
        .map(|t| match first_generic(t) {
            Some(inner) if type_name(t) == "ResponseValue" => print_type(inner),
            _ => print_type(t),
        })
        .unwrap_or_default();
    let err = args.get(1).map(|t| print_type(t)).unwrap_or_default();
    (ok, err)
}

/// ``Sends a `PUT` request to `/path` `` in a doc comment.
fn sends(doc: &str) -> Option<(String, String)> {
    let rest = &doc[doc.find("Sends a `")? + "Sends a `".len()..];
    let (method, rest) = rest.split_once('`')?;
    let rest = &rest[rest.find('`')? + 1..];
    let (path, _) = rest.split_once('`')?;
    Some((method.to_ascii_uppercase(), path.to_string()))
}

fn doc(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for attr in attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            out.push_str(&s.value());
            out.push('\n');
        }
    }
    out
}

fn is_deprecated(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("deprecated"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// `(key, value)` pairs of every `#[serde(...)]` attribute.
fn serde_args(attrs: &[Attribute]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // A shape we do not understand is shown as nothing rather than
        // failing the whole report.
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::");
            let value = match meta.value() {
                Ok(v) => match v.parse::<syn::Lit>()? {
                    syn::Lit::Str(s) => Some(s.value()),
                    other => Some(compact(&other.to_token_stream().to_string())),
                },
                Err(_) => None,
            };
            out.push((key, value));
            Ok(())
        });
    }
    out
}

fn rename(serde: &[(String, Option<String>)]) -> Option<String> {
    serde
        .iter()
        .find(|(k, _)| k == "rename")
        .and_then(|(_, v)| v.clone())
}

/// Serde settings that change the wire format, other than renames and the
/// serialisation-only `skip_serializing_if`.
fn markers_of(serde: &[(String, Option<String>)]) -> Vec<String> {
    serde
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "rename" | "skip_serializing_if" | "default"))
        .map(|(k, v)| match v {
            Some(v) => format!("{k} = \"{v}\""),
            None => k.clone(),
        })
        .collect()
}

fn serde_markers(attrs: &[Attribute]) -> Vec<String> {
    markers_of(&serde_args(attrs))
}

/// The last path segment's name: `builder::UpdateOrganization<'_>` gives
/// `UpdateOrganization`.
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        // Code parsed from progenitor's tokens (not from text) keeps the
        // invisible groups of interpolated types.
        Type::Group(g) => type_name(&g.elem),
        Type::Paren(p) => type_name(&p.elem),
        _ => String::new(),
    }
}

fn generics(ty: &Type) -> Vec<&Type> {
    let p = match ty {
        Type::Path(p) => p,
        Type::Group(g) => return generics(&g.elem),
        _ => return Vec::new(),
    };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn first_generic(ty: &Type) -> Option<&Type> {
    generics(ty).into_iter().next()
}

/// `builder::X` (a body given through its builder) is shown as `X`.
fn strip_builder(ty: &str) -> String {
    ty.strip_prefix("builder::").unwrap_or(ty).to_string()
}

/// Prints a type without the noise of fully qualified paths:
/// `::std::option::Option<::std::vec::Vec<::std::string::String>>` is
/// `Option<Vec<String>>`, `types::Organization` is `Organization`, and
/// lifetimes are left out. Paths into other crates (`chrono::DateTime`)
/// keep their crate, which says something a reader needs.
pub fn print_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
            let first = segments
                .first()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let skip = match first.as_str() {
                // The standard library: the last segment is the name everyone uses.
                "std" | "core" | "alloc" => segments.len().saturating_sub(1),
                "types" | "self" | "super" | "crate" => 1,
                _ => 0,
            };
            let mut shown: Vec<&syn::PathSegment> = segments[skip..].to_vec();
            // `super::types::X`
            if shown.len() > 1 && shown[0].ident == "types" {
                shown.remove(0);
            }
            shown
                .iter()
                .map(|s| {
                    let mut out = s.ident.to_string();
                    if let syn::PathArguments::AngleBracketed(a) = &s.arguments {
                        let args: Vec<String> = a
                            .args
                            .iter()
                            .filter_map(|arg| match arg {
                                syn::GenericArgument::Lifetime(_) => None,
                                syn::GenericArgument::Type(t) => Some(print_type(t)),
                                other => Some(compact(&other.to_token_stream().to_string())),
                            })
                            .collect();
                        if !args.is_empty() {
                            out.push('<');
                            out.push_str(&args.join(", "));
                            out.push('>');
                        }
                    }
                    out
                })
                .collect::<Vec<_>>()
                .join("::")
        }
        Type::Reference(r) => {
            let m = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{m}{}", print_type(&r.elem))
        }
        Type::Slice(s) => format!("[{}]", print_type(&s.elem)),
        Type::Tuple(t) => format!(
            "({})",
            t.elems
                .iter()
                .map(print_type)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Paren(p) => print_type(&p.elem),
        Type::Group(g) => print_type(&g.elem),
        other => compact(&other.to_token_stream().to_string()),
    }
}

/// Token text without the spaces proc-macro2 puts between tokens, except
/// between two words (`dyn Trait`).
fn compact(tokens: &str) -> String {
    let chars: Vec<char> = tokens.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            if let (Some(p), Some(n)) = (prev, next)
                && word(p)
                && word(n)
            {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.lines() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl Surface {
    /// The text form, item by item: each item's header line (`operation x:
    /// ...`, `struct X`) with its member lines (indented by two spaces).
    /// Operations come first, then types, each sorted by name; members keep
    /// declaration order, which progenitor makes alphabetical for fields.
    pub fn items(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for op in self.operations.values() {
            let deprecated = if op.deprecated { " [deprecated]" } else { "" };
            let header = format!(
                "operation {}: {} {} ({}){deprecated}",
                op.name, op.method, op.path, op.style
            );
            let mut members: Vec<String> = op
                .params
                .iter()
                .map(|p| format!("param {}: {} ({})", p.name, p.ty, p.location))
                .collect();
            if let Some(body) = &op.body {
                members.push(format!("body: {body}"));
            }
            members.push(format!("ok: {}", op.ok));
            members.push(format!("err: {}", op.err));
            out.push((header, members));
        }
        for (name, def) in &self.types {
            let with = |kind: &str, markers: &[String]| match markers {
                [] => format!("{kind} {name}"),
                m => format!("{kind} {name} [{}]", m.join(", ")),
            };
            let (header, members) = match def {
                TypeDef::Struct { markers, fields } => (
                    with("struct", markers),
                    fields
                        .iter()
                        .map(|f| {
                            let req = if f.optional { "optional" } else { "required" };
                            format!("{}: {} = \"{}\" ({req})", f.name, f.ty, f.wire)
                        })
                        .collect(),
                ),
                TypeDef::Newtype {
                    inner,
                    markers,
                    checks,
                } => {
                    let header = with("newtype", markers);
                    // `newtype Name(Inner) [markers]`
                    let at = "newtype ".len() + name.len();
                    let header =
                        format!("{}({}){}", &header[..at], inner.join(", "), &header[at..]);
                    (header, checks.clone())
                }
                TypeDef::Enum { markers, variants } => (
                    with("enum", markers),
                    variants
                        .iter()
                        .map(|v| {
                            let data = v.data.as_deref().unwrap_or("");
                            let markers = match v.markers.as_slice() {
                                [] => String::new(),
                                m => format!(" [{}]", m.join(", ")),
                            };
                            // An untagged or `other` variant has no wire value of its own:
                            // it takes whatever the named ones do not.
                            if v.markers.iter().any(|m| m == "untagged" || m == "other") {
                                format!("{}{data}{markers}", v.name)
                            } else {
                                format!("{}{data} = \"{}\"{markers}", v.name, v.wire)
                            }
                        })
                        .collect(),
                ),
                TypeDef::Alias(ty) => (format!("type {name} = {ty}"), Vec::new()),
            };
            out.push((header, members));
        }
        out
    }

    /// Every line of the text form, members indented.
    pub fn lines(&self) -> Vec<String> {
        self.items()
            .into_iter()
            .flat_map(|(header, members)| {
                std::iter::once(header).chain(members.into_iter().map(|m| format!("  {m}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn surface_of(api: &str) -> String {
        let path = crate::codegen::workspace_root().join(format!("generated/{api}/src/lib.rs"));
        let text = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap();
        extract(&file).to_string()
    }

    fn assert_has(text: &str, line: &str) {
        assert!(
            text.lines().any(|l| l == line),
            "missing line {line:?} in:\n{text}"
        );
    }

    #[test]
    fn elastic_cloud_surface() {
        let text = surface_of("elastic-cloud");
        assert_has(
            &text,
            "operation update_organization: PUT /organizations/{organization_id} (builder) [deprecated]",
        );
        assert_has(&text, "  param organization_id: String (path)");
        assert_has(&text, "  body: OrganizationRequest");
        assert_has(&text, "  ok: Organization");
        assert_has(
            &text,
            "  err: cloud_orgs_runtime::ApiError<BasicFailedReply>",
        );
        assert_has(&text, "struct Organization");
        assert_has(
            &text,
            "  billing_contacts: Option<Vec<String>> = \"billing_contacts\" (optional)",
        );
        assert_has(&text, "  id: String = \"id\" (required)");
        assert_has(
            &text,
            "  OrganizationInvalidName = \"organization.invalid_name\"",
        );
        // Builders and the error helpers are not part of the surface.
        assert!(!text.contains("ConversionError"), "{text}");
    }

    #[test]
    fn astronomer_surface() {
        let text = surface_of("astronomer-platform");
        assert_has(
            &text,
            "operation update_organization: POST /organizations/{organizationId} (builder)",
        );
        assert_has(&text, "  err: cloud_orgs_runtime::ApiError<Error>");
        assert_has(&text, "  Unknown(String) [untagged]");
        assert_has(&text, "enum SupportPlan");
        assert_has(&text, "  BusinessCritical = \"BUSINESS_CRITICAL\"");
        assert_has(
            &text,
            "  billing_email: String = \"billingEmail\" (required)",
        );
        assert_has(
            &text,
            "  created_at: chrono::DateTime<chrono::offset::Utc> = \"createdAt\" (required)",
        );
        assert_has(
            &text,
            "newtype UpdateOrganizationRequestName(String) [transparent]",
        );
        assert_has(&text, "  check max_length: 50");
    }

    #[test]
    fn future_generator_shapes() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                #[serde(untagged)]
                pub enum Plan {
                    #[serde(rename = "BASIC")]
                    Basic,
                    #[serde(untagged)]
                    Unknown(::std::string::String),
                }
                pub struct Org {
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
                }
            }
            impl Client {
                #[doc = "Sends a `GET` request to `/orgs/{id}`"]
                #[deprecated(note = "gone soon")]
                pub async fn get_org<'a>(&'a self, id: &'a str, limit: Option<u32>)
                    -> Result<ResponseValue<types::Org>, Error<()>> {
                    let url = format!("{}/orgs/{}", self.baseurl, encode_path(&id.to_string()));
                    let q = [&progenitor_client::QueryParam::new("limit", &limit)];
                    todo!()
                }
            }
        };
        let text = extract(&file).to_string();
        assert_has(
            &text,
            "operation get_org: GET /orgs/{id} (positional) [deprecated]",
        );
        assert_has(&text, "  param id: &str (path)");
        assert_has(&text, "  param limit: Option<u32> (query \"limit\")");
        assert_has(&text, "  err: Error<()>");
        assert_has(&text, "enum Plan [untagged]");
        assert_has(&text, "  Unknown(String) [untagged]");
        assert_has(&text, "  tags: Option<Vec<String>> = \"tags\" (optional)");
    }
}
