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
//! attributes and paths are matched by their parsed parts), so it keeps
//! working as the generator's output evolves. The operations are the
//! `Client` methods the crate's operations table names, with the method and
//! path the table gives them.

use std::collections::BTreeMap;
use std::fmt;

use quote::ToTokens as _;
use syn::{Attribute, Fields, ImplItem, Item, ReturnType, Type};

use crate::passes::syntax;
use crate::spec::Method;

/// Everything a caller of the generated crate can name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// The operations (by Rust method name) and the types of `mod types`
    /// (by name), keyed by (is a type, name): operations come first.
    pub entries: BTreeMap<(bool, String), Entry>,
}

/// One operation or type: its lines in the text form, with what
/// [`super::rust`] judges a change of it by.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The header line without ` [deprecated]`: `operation x: GET /x
    /// (builder)`, `struct X [markers]`, `newtype X(String)`.
    pub title: String,
    /// `#[deprecated]` on an operation's method, its builder or `send`.
    pub deprecated: bool,
    /// What the entry is to callers' code.
    pub kind: EntryKind,
    /// Parameters, body and results; fields; variants; or value checks; in
    /// declaration order, which progenitor makes alphabetical for fields.
    pub members: Vec<Member>,
}

/// What an entry is to callers' code, which decides what adding to it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EntryKind {
    /// An operation called through a builder
    /// (`client.op().param(x).send()`): a new optional setter breaks nothing.
    Builder,
    /// An operation called with its arguments (`client.op(x)`): a new one
    /// breaks every call.
    Positional,
    /// An enum: a new variant breaks exhaustive `match`es.
    Enum,
    /// A struct, newtype or alias: a new field breaks struct literals.
    Type,
}

/// One member line of an entry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Member {
    /// Its name in the entry: `param id`, `body`, `ok`, `err`, a field or
    /// variant, `check max_length`.
    pub key: String,
    /// Its line in the text form: `param id: String (path)`,
    /// `name: String = "name" (required)`, `Basic = "BASIC"`.
    pub line: String,
    /// The line as Rust code sees it, without the wire name; `None` for a
    /// value check, which only `TryFrom` and decoding see.
    pub rust: Option<String>,
    /// A parameter or body (an `Option<_>`) that callers may leave out.
    pub optional: bool,
}

impl Entry {
    /// The header line.
    pub fn header(&self) -> String {
        match self.deprecated {
            true => format!("{} [deprecated]", self.title),
            false => self.title.clone(),
        }
    }
}

/// The text form: each entry's header line with its member lines (indented
/// by two spaces), operations first, then types, each sorted by name.
impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in self.entries.values() {
            writeln!(f, "{}", entry.header())?;
            for member in &entry.members {
                writeln!(f, "  {}", member.line)?;
            }
        }
        Ok(())
    }
}

/// Reads the public API surface of one generated file.
pub fn extract(file: &syn::File) -> Surface {
    let types = module(file, "types");
    let mut checks: BTreeMap<String, Vec<Member>> = BTreeMap::new();
    for item in types {
        if let Some((name, found)) = from_str_checks(item) {
            checks.entry(name).or_default().extend(found);
        }
    }
    let mut entries: BTreeMap<(bool, String), Entry> = types
        .iter()
        .filter_map(|item| type_entry(item, &checks))
        .map(|(name, entry)| ((true, name), entry))
        .collect();
    let (builders, table) = (module(file, "builder"), table(module(file, "operations")));
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_named(&imp.self_ty, "Client") {
            continue;
        }
        for item in &imp.items {
            if let ImplItem::Fn(f) = item
                && let Some(entry) = operation(f, builders, &table)
            {
                entries.insert((false, f.sig.ident.to_string()), entry);
            }
        }
    }
    Surface { entries }
}

/// The items of the top-level module `name` (`types`, `builder`,
/// `operations`).
fn module<'a>(file: &'a syn::File, name: &str) -> &'a [Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| i.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

/// Method and path of each operation by its Rust method name, from the
/// operations table: `pub const X: Operation = Operation { id: "x", method:
/// Method::Get, path: "/x", .. }`.
fn table(items: &[Item]) -> BTreeMap<String, (String, String)> {
    let entry = |item: &Item| {
        let Item::Const(c) = item else { return None };
        let syn::Expr::Struct(s) = syntax::unwrap_expr(&c.expr) else {
            return None;
        };
        let field = |name: &str| {
            s.fields
                .iter()
                .find(|f| matches!(&f.member, syn::Member::Named(i) if i == name))
                .map(|f| &f.expr)
        };
        let syn::Expr::Path(method) = syntax::unwrap_expr(field("method")?) else {
            return None;
        };
        let variant = &method.path.segments.last()?.ident;
        let method = Method::ALL.into_iter().find(|m| variant == m.variant())?;
        let request = (method.as_str().to_string(), string(field("path")?)?);
        Some((string(field("id")?)?, request))
    };
    items.iter().filter_map(entry).collect()
}

fn type_entry(item: &Item, checks: &BTreeMap<String, Vec<Member>>) -> Option<(String, Entry)> {
    let entry = |title, kind, members| Entry {
        title,
        deprecated: false,
        kind,
        members,
    };
    match item {
        Item::Struct(s) if is_pub(&s.vis) => {
            let (name, markers) = (s.ident.to_string(), markers(&serde_args(&s.attrs)));
            let entry = match &s.fields {
                Fields::Named(named) => {
                    let fields = named.named.iter().filter_map(field).collect();
                    entry(format!("struct {name}{markers}"), EntryKind::Type, fields)
                }
                // A constrained newtype (a string with a maximum length) or
                // a wrapper: its `FromStr` says which values it takes.
                fields => {
                    let inner = list(fields.iter().map(|f| print_type(&f.ty)));
                    let checks = checks.get(&name).cloned().unwrap_or_default();
                    entry(
                        format!("newtype {name}({inner}){markers}"),
                        EntryKind::Type,
                        checks,
                    )
                }
            };
            Some((name, entry))
        }
        Item::Enum(e) if is_pub(&e.vis) => {
            let variants = e.variants.iter().map(|v| {
                let serde = serde_args(&v.attrs);
                let name = v.ident.to_string();
                let data = match &v.fields {
                    Fields::Unit => String::new(),
                    Fields::Unnamed(u) => {
                        format!("({})", list(u.unnamed.iter().map(|f| print_type(&f.ty))))
                    }
                    Fields::Named(n) => {
                        let fields = n.named.iter().map(|f| {
                            let name = f
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default();
                            format!("{name}: {}", print_type(&f.ty))
                        });
                        format!(" {{ {} }}", list(fields))
                    }
                };
                let markers = markers(&serde);
                let rust = format!("{name}{data}{markers}");
                // An untagged or `other` variant has no wire value of its
                // own: it takes whatever the named ones do not.
                let line = if serde
                    .iter()
                    .any(|a| matches!(a.key.as_str(), "untagged" | "other"))
                {
                    rust.clone()
                } else {
                    let wire = rename(&serde).unwrap_or_else(|| name.clone());
                    format!("{name}{data} = \"{wire}\"{markers}")
                };
                Member {
                    key: name,
                    line,
                    rust: Some(rust),
                    optional: false,
                }
            });
            let title = format!("enum {}{}", e.ident, markers(&serde_args(&e.attrs)));
            Some((
                e.ident.to_string(),
                entry(title, EntryKind::Enum, variants.collect()),
            ))
        }
        Item::Type(t) if is_pub(&t.vis) => {
            let title = format!("type {} = {}", t.ident, print_type(&t.ty));
            Some((
                t.ident.to_string(),
                entry(title, EntryKind::Type, Vec::new()),
            ))
        }
        _ => None,
    }
}

/// The value checks of a constrained newtype, read from its `FromStr`:
/// they change what `TryFrom` and decoding accept, without changing a type.
fn from_str_checks(item: &Item) -> Option<(String, Vec<Member>)> {
    let Item::Impl(imp) = item else { return None };
    let (path, _) = imp.trait_.as_ref()?;
    if !syntax::path_ends_with(path, &["FromStr"]) {
        return None;
    }
    Some((
        syntax::type_ident(&imp.self_ty)?.to_string(),
        value_checks(imp),
    ))
}

/// `value.chars().count() > N` / `< N` and `Regex::new("…")` in a
/// `FromStr` body, as `check max_length: N` members, found on the syntax tree.
fn value_checks(imp: &syn::ItemImpl) -> Vec<Member> {
    use syn::visit::Visit;

    struct Checks(Vec<Member>);
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
                self.0.push(check(name, n));
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Some([pattern]) =
                syntax::call_to(&syn::Expr::Call(c.clone()), &["Regex", "new"]).as_deref()
                && let Some(pattern) = string(pattern)
            {
                self.0.push(check("pattern", pattern));
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut checks = Checks(Vec::new());
    checks.visit_item_impl(imp);
    checks.0
}

/// A value check: only `TryFrom` and decoding see it, not Rust code.
fn check(name: &str, value: impl fmt::Display) -> Member {
    Member {
        key: format!("check {name}"),
        line: format!("check {name}: {value}"),
        rust: None,
        optional: false,
    }
}

/// A member whose line is all Rust code sees of it.
fn member(key: String, line: String, optional: bool) -> Member {
    let rust = Some(line.clone());
    Member {
        key,
        line,
        rust,
        optional,
    }
}

fn field(f: &syn::Field) -> Option<Member> {
    if !is_pub(&f.vis) {
        return None;
    }
    let name = f.ident.as_ref()?.to_string();
    let serde = serde_args(&f.attrs);
    let ty = print_type(&f.ty);
    let wire = rename(&serde).unwrap_or_else(|| name.clone());
    // `Option<_>` or `#[serde(default)]`: may be absent on the wire.
    let req = if is_option(&f.ty) || serde.iter().any(|a| a.key == "default") {
        "optional"
    } else {
        "required"
    };
    Some(Member {
        line: format!("{name}: {ty} = \"{wire}\" ({req})"),
        rust: Some(format!("{name}: {ty} ({req})")),
        key: name,
        optional: false,
    })
}

/// An operation, if `f` is one: the operations table names it, with its
/// method and path.
fn operation(
    f: &syn::ImplItemFn,
    builders: &[Item],
    table: &BTreeMap<String, (String, String)>,
) -> Option<Entry> {
    if !is_pub(&f.vis) {
        return None;
    }
    let (method, path) = table.get(&f.sig.ident.to_string())?;
    let mut deprecated = is_deprecated(&f.attrs);
    let builder = match &f.sig.output {
        ReturnType::Type(_, ty) if f.sig.asyncness.is_none() => {
            syntax::type_ident(ty).and_then(|name| find_builder(builders, &name.to_string()))
        }
        _ => None,
    };
    // The inputs by name and type, the code that sends them, and the result.
    let (kind, inputs, block, output): (_, Vec<(String, &Type)>, _, _) = match builder {
        Some((strukt, send, deprecated_impl)) => {
            deprecated |=
                deprecated_impl || is_deprecated(&strukt.attrs) || is_deprecated(&send.attrs);
            // Builder fields are `Result<T, String>`: T is the parameter.
            let fields = strukt.fields.iter().filter_map(|field| {
                let name = field.ident.as_ref()?.to_string();
                (name != "client").then(|| (name, first_generic(&field.ty).unwrap_or(&field.ty)))
            });
            (
                EntryKind::Builder,
                fields.collect(),
                &send.block,
                &send.sig.output,
            )
        }
        None => {
            let args = f.sig.inputs.iter().filter_map(|arg| match arg {
                syn::FnArg::Typed(arg) => match &*arg.pat {
                    syn::Pat::Ident(pat) => Some((pat.ident.to_string(), &*arg.ty)),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            });
            (
                EntryKind::Positional,
                args.collect(),
                &f.block,
                &f.sig.output,
            )
        }
    };
    let (mut members, mut body) = (Vec::new(), None);
    for (name, ty) in inputs {
        let shown = print_type(ty);
        if name == "body" {
            // `&X`, or `builder::X` (a body given through its builder), is `X`.
            let shown = shown.trim_start_matches('&');
            let shown = shown.strip_prefix("builder::").unwrap_or(shown);
            body = Some(member(name, format!("body: {shown}"), is_option(ty)));
        } else {
            let line = format!("param {name}: {shown} ({})", location(block, &name));
            members.push(member(format!("param {name}"), line, is_option(ty)));
        }
    }
    let (ok, err) = result_types(output);
    members.extend(body);
    members.push(member("ok".into(), format!("ok: {ok}"), false));
    members.push(member("err".into(), format!("err: {err}"), false));
    let style = if kind == EntryKind::Builder {
        "builder"
    } else {
        "positional"
    };
    Some(Entry {
        title: format!("operation {}: {method} {path} ({style})", f.sig.ident),
        deprecated,
        kind,
        members,
    })
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
        if imp.trait_.is_some() || !is_named(&imp.self_ty, name) {
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
                && let Some(wire) = string(wire)
            {
                self.found
                    .get_or_insert_with(|| format!("query \"{wire}\""));
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            if c.method == "append"
                && syntax::local(&c.receiver).is_some_and(|i| i == "header_map")
                && let Some(wire) = c.args.first().and_then(string)
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
            Some(inner) if is_named(t, "ResponseValue") => print_type(inner),
            _ => print_type(t),
        })
        .unwrap_or_default();
    let err = args.get(1).map(|t| print_type(t)).unwrap_or_default();
    (ok, err)
}

/// A string literal's value.
fn string(expr: &syn::Expr) -> Option<String> {
    match syntax::unwrap_expr(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn is_deprecated(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("deprecated"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Whether a type's last path segment is `name`: `builder::X<'_>` is `X`.
fn is_named(ty: &Type, name: &str) -> bool {
    syntax::type_ident(ty).is_some_and(|i| i == name)
}

/// `Option<T>`, in whatever path: a value callers may leave out.
fn is_option(ty: &Type) -> bool {
    is_named(ty, "Option") && first_generic(ty).is_some()
}

/// The entries of every `#[serde(...)]` attribute (one typify does not
/// write, with entries other than `key` and `key = "string"`, counts as
/// none rather than failing the whole report).
fn serde_args(attrs: &[Attribute]) -> Vec<syntax::SerdeArg> {
    attrs
        .iter()
        .filter_map(syntax::serde_args)
        .flatten()
        .collect()
}

fn rename(serde: &[syntax::SerdeArg]) -> Option<String> {
    serde
        .iter()
        .find(|a| a.key == "rename")
        .and_then(|a| a.value.clone())
}

/// ` [a, b]` after a name: the serde settings that change the wire format,
/// other than renames and the serialisation-only `skip_serializing_if`.
fn markers(serde: &[syntax::SerdeArg]) -> String {
    let shown: Vec<String> = serde
        .iter()
        .filter(|a| !matches!(a.key.as_str(), "rename" | "skip_serializing_if" | "default"))
        .map(|a| match &a.value {
            Some(v) => format!("{} = \"{v}\"", a.key),
            None => a.key.clone(),
        })
        .collect();
    match shown.as_slice() {
        [] => String::new(),
        m => format!(" [{}]", m.join(", ")),
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

/// Items joined with `, `.
fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn surface_of(api: &str) -> String {
        let path = crate::workspace::root().join(format!("generated/{api}/src/lib.rs"));
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
            pub mod operations {
                pub const GET_ORG: Operation = Operation {
                    id: "get_org",
                    method: Method::Get,
                    path: "/orgs/{id}",
                    idempotent: true,
                };
            }
            impl Client {
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
