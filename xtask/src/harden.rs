//! Post-processing passes over progenitor's output.
//!
//! Each pass fixes one way progenitor's default output breaks on real
//! servers or loses data. They run on the parsed syntax tree of every API in
//! the catalogue, so a new API gets them without any work:
//!
//! - [`open_enums`]: string enums get an `Unknown(String)` variant, so a value
//!   the vendor adds later still deserializes and round-trips.
//! - [`clearable_lists`]: optional arrays become `Option<Vec<_>>`, so
//!   `Some(vec![])` sends `[]` (clearing a list) and `None` sends nothing.
//! - [`rewrite_sends`]: every operation returns [`ApiError`](errors template)
//!   keeping status, headers, typed body or a bounded excerpt; the
//!   `api-version` header progenitor adds is dropped; deprecated operations
//!   are `#[deprecated]`.
//!
//! A pass that meets code it does not recognise fails with a message instead
//! of emitting code that would not compile.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};
use quote::{ToTokens, quote};
use syn::parse::Parser as _;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Fields, Item, ItemMod, Type, parse_quote};

use crate::normalise::Normalised;
use crate::spec::{self, Spec};

/// The errors module written into every generated crate.
const ERRORS_MODULE: &str = include_str!("../templates/errors.rs");

/// What the passes know about one operation, keyed by progenitor's method name.
#[derive(Clone, Debug)]
struct OperationFacts {
    method: String,
    path: String,
    deprecated: bool,
    docs: Option<String>,
}

/// Applies every pass to a generated file.
pub fn apply(file: &mut syn::File, spec: &Spec, normalised: &Normalised) -> Result<()> {
    let shown = spec.path.display().to_string();
    let types = types_module(file).with_context(|| format!("{shown}: no `types` module"))?;
    // Before the passes below change `types`: the unions are data enums,
    // which they leave alone.
    let unions = union_variants(types.iter(), normalised)
        .with_context(|| format!("{shown}: synthesised response unions"))?;
    open_enums(types);
    let changed = clearable_lists(types);
    clearable_builders(types, &changed);

    let facts = operation_facts(spec);
    rewrite_sends(file, &facts, &unions)
        .with_context(|| format!("{shown}: rewriting operations"))?;
    deprecate(file, &facts, &spec.openapi.info.title);
    add_errors_module(file).with_context(|| format!("{shown}: errors template"))?;
    Ok(())
}

fn types_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == "types" => Some(items),
        _ => None,
    })
}

fn operation_facts(spec: &Spec) -> BTreeMap<String, OperationFacts> {
    spec::operations(&spec.openapi)
        .into_iter()
        .filter_map(|(op, operation)| {
            let id = op.operation_id.as_deref()?;
            Some((
                crate::names::method_name(id),
                OperationFacts {
                    method: op.method.clone(),
                    path: op.path.clone(),
                    deprecated: operation.deprecated,
                    docs: operation.external_docs.as_ref().map(|d| d.url.clone()),
                },
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Forward-compatible enums

/// Adds `Unknown(String)` to every plain string enum (all variants unit and
/// serde-renamed, which is how typify writes a string `enum` schema).
///
/// `#[serde(untagged)]` on the last variant makes serde fall back to it for
/// any string the named variants do not match, and serialize it back as the
/// same string. `FromStr`/`TryFrom<&str>` stay strict, so a caller only gets
/// an unknown value into a request by writing `Unknown(..)` explicitly.
fn open_enums(types: &mut [Item]) {
    let mut opened = BTreeSet::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let is_string_enum = !e.variants.is_empty()
            && e.variants
                .iter()
                .all(|v| matches!(v.fields, Fields::Unit) && has_serde_rename(&v.attrs));
        if !is_string_enum || !derives(&e.attrs, "Deserialize") {
            continue;
        }
        remove_derive(&mut e.attrs, "Copy");
        e.variants.push(parse_quote! {
            /// A value this client does not know: the vendor added it after
            /// the spec was written. Kept exactly as received, and sent back
            /// as is.
            #[serde(untagged)]
            Unknown(::std::string::String)
        });
        opened.insert(e.ident.to_string());
    }
    // typify's `Display` for these enums matches every variant: teach it the
    // new one. (`FromStr` keeps rejecting unknown strings on purpose.)
    for item in types.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some((path, _)) = &imp.trait_ else {
            continue;
        };
        let is_display = path.segments.last().is_some_and(|s| s.ident == "Display");
        let self_name = imp.self_ty.to_token_stream().to_string();
        if !is_display || !opened.contains(&self_name) {
            continue;
        }
        AddUnknownArm.visit_item_impl_mut(imp);
    }
}

struct AddUnknownArm;

impl VisitMut for AddUnknownArm {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        m.arms.push(parse_quote! {
            Self::Unknown(ref value) => f.write_str(value),
        });
    }
}

fn has_serde_rename(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("rename"))
}

fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.to_token_stream()
                .to_string()
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|t| t == name)
    })
}

/// Removes one trait from `#[derive(...)]` lists.
fn remove_derive(attrs: &mut [Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<_> = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
}

// ---------------------------------------------------------------------------
// Clearable lists

/// Turns `#[serde(default, skip_serializing_if = "Vec::is_empty")] x: Vec<T>`
/// into `#[serde(default, skip_serializing_if = "Option::is_none")] x:
/// Option<Vec<T>>`. typify collapses "absent" and "empty" for optional
/// arrays; on an update request those mean "leave alone" and "clear".
/// Returns `(struct, field)` of every field changed.
fn clearable_lists(types: &mut [Item]) -> BTreeSet<(String, String)> {
    let mut changed = BTreeSet::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let mut rewrote = false;
            for attr in field
                .attrs
                .iter_mut()
                .filter(|a| a.path().is_ident("serde"))
            {
                // Only the `skip_serializing_if` value changes: the same
                // attribute may carry `rename`, which must stay.
                let text = attr.to_token_stream().to_string();
                let skip_vec = "skip_serializing_if = \"::std::vec::Vec::is_empty\"";
                if !text.contains(skip_vec) {
                    continue;
                }
                let fixed = text.replace(
                    skip_vec,
                    "skip_serializing_if = \"::std::option::Option::is_none\"",
                );
                if let Ok(Some(new_attr)) = Attribute::parse_outer
                    .parse_str(&fixed)
                    .map(|attrs| attrs.into_iter().next())
                {
                    *attr = new_attr;
                    rewrote = true;
                }
            }
            if !rewrote {
                continue;
            }
            let ty = &field.ty;
            field.ty = parse_quote!(::std::option::Option<#ty>);
            if let Some(name) = &field.ident {
                changed.insert((s.ident.to_string(), name.to_string()));
            }
        }
    }
    changed
}

/// Keeps typify's `types::builder` structs in step with [`clearable_lists`]:
/// the builder field and its setter's bound get the same `Option`.
fn clearable_builders(types: &mut [Item], changed: &BTreeSet<(String, String)>) {
    let Some(builder) = types.iter_mut().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == "builder" => Some(items),
        _ => None,
    }) else {
        return;
    };
    for item in builder.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Fields::Named(fields) = &mut s.fields else {
                    continue;
                };
                for field in fields.named.iter_mut() {
                    let Some(name) = &field.ident else { continue };
                    if changed.contains(&(s.ident.to_string(), name.to_string())) {
                        wrap_first_generic_in_option(&mut field.ty);
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let self_name = imp.self_ty.to_token_stream().to_string();
                for member in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = member else {
                        continue;
                    };
                    let key = (self_name.clone(), f.sig.ident.to_string());
                    if !changed.contains(&key) {
                        continue;
                    }
                    // `where T: TryInto<Vec<..>>` -> `TryInto<Option<Vec<..>>>`
                    if let Some(clause) = &mut f.sig.generics.where_clause {
                        for predicate in clause.predicates.iter_mut() {
                            let syn::WherePredicate::Type(p) = predicate else {
                                continue;
                            };
                            for bound in p.bounds.iter_mut() {
                                let syn::TypeParamBound::Trait(t) = bound else {
                                    continue;
                                };
                                if let Some(last) = t.path.segments.last_mut()
                                    && last.ident == "TryInto"
                                {
                                    wrap_generic_args_in_option(&mut last.arguments);
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// `Result<A, B>` -> `Result<Option<A>, B>`.
fn wrap_first_generic_in_option(ty: &mut Type) {
    if let Type::Path(p) = ty
        && let Some(last) = p.path.segments.last_mut()
    {
        wrap_generic_args_in_option(&mut last.arguments);
    }
}

fn wrap_generic_args_in_option(args: &mut syn::PathArguments) {
    if let syn::PathArguments::AngleBracketed(a) = args
        && let Some(syn::GenericArgument::Type(inner)) = a.args.first_mut()
    {
        let old = inner.clone();
        *inner = parse_quote!(::std::option::Option<#old>);
    }
}

// ---------------------------------------------------------------------------
// Operations: errors that keep their facts, no api-version header

/// Rewrites every async fn that ends in progenitor's
/// `match response.status().as_u16() { .. }`:
///
/// ```text
/// pub async fn send(self) -> Result<ResponseValue<T>, crate::ApiError<E>> {
///     const OPERATION: errors::Operation = ..;
///     let response = async move { /* progenitor's request code */ Ok(response) }
///         .await
///         .map_err(|e| crate::ApiError::from_progenitor(OPERATION, e))?;
///     match response.status().as_u16() {
///         200u16 => errors::success_json(OPERATION, response).await,
///         404u16 => Err(errors::documented(OPERATION, response).await),
///         _ => Err(errors::undocumented(OPERATION, response).await),
///     }
/// }
/// ```
fn rewrite_sends(
    file: &mut syn::File,
    facts: &BTreeMap<String, OperationFacts>,
    unions: &UnionVariants,
) -> Result<()> {
    let mut pass = RewriteSends {
        facts,
        unions,
        rewritten: 0,
        error: None,
    };
    pass.visit_file_mut(file);
    if let Some(e) = pass.error {
        return Err(e);
    }
    if pass.rewritten != facts.len() {
        bail!(
            "found {} operation bodies to rewrite for {} operations; progenitor's output changed shape",
            pass.rewritten,
            facts.len()
        );
    }
    Ok(())
}

struct RewriteSends<'a> {
    facts: &'a BTreeMap<String, OperationFacts>,
    unions: &'a UnionVariants,
    rewritten: usize,
    error: Option<anyhow::Error>,
}

impl VisitMut for RewriteSends<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if self.error.is_some() || f.sig.asyncness.is_none() {
            return;
        }
        let Some(Expr::Match(_)) = f.block.stmts.last().and_then(|s| match s {
            syn::Stmt::Expr(e, None) => Some(e),
            _ => None,
        }) else {
            return;
        };
        match rewrite_send(f, self.facts, self.unions) {
            Ok(true) => self.rewritten += 1,
            Ok(false) => {}
            Err(e) => self.error = Some(e),
        }
    }
}

fn rewrite_send(
    f: &mut syn::ImplItemFn,
    facts: &BTreeMap<String, OperationFacts>,
    unions: &UnionVariants,
) -> Result<bool> {
    let Some(syn::Stmt::Expr(Expr::Match(status_match), None)) = f.block.stmts.pop() else {
        return Ok(false);
    };
    if status_match
        .expr
        .to_token_stream()
        .to_string()
        .replace(' ', "")
        != "response.status().as_u16()"
    {
        f.block
            .stmts
            .push(syn::Stmt::Expr(Expr::Match(status_match), None));
        return Ok(false);
    }
    let id = operation_id_literal(&f.block)
        .context("no `OperationInfo { operation_id }` in a send body")?;
    let fact = facts
        .get(&id)
        .with_context(|| format!("operation `{id}` is not in the spec"))?;
    let (ok_ty, err_ty) =
        result_types(&f.sig.output).with_context(|| format!("`{id}`: unexpected return type"))?;

    // progenitor sends `api-version: <info.version>` on every request; the
    // documented APIs do not ask for it, and a server may reject unknown
    // values. Drop exactly that statement (the one reading `api_version()`),
    // never a header parameter the spec declares, even one of the same name.
    f.block.stmts.retain(|stmt| {
        !stmt
            .to_token_stream()
            .to_string()
            .contains("api_version ()")
    });
    // Without that header, `header_map` may get no other entry.
    for stmt in f.block.stmts.iter_mut() {
        if let syn::Stmt::Local(local) = stmt
            && local.pat.to_token_stream().to_string() == "mut header_map"
        {
            local.attrs.push(parse_quote!(#[allow(unused_mut)]));
        }
    }

    let prelude = std::mem::take(&mut f.block.stmts);
    let mut arms = Vec::new();
    for arm in status_match.arms {
        let body = arm.body.to_token_stream().to_string().replace(' ', "");
        let pat = &arm.pat;
        let pat_key = pat.to_token_stream().to_string().replace(' ', "");
        let variant = unions.get(&(id.clone(), pat_key));
        let new_body: Expr = match (body.as_str(), variant) {
            (
                "ResponseValue::from_response(response).await"
                | "{ResponseValue::from_response(response).await}",
                Some(variant),
            ) => parse_quote!(errors::success_json_as(OPERATION, response, #variant).await),
            (
                "{Err(Error::ErrorResponse(ResponseValue::from_response(response).await?,))}"
                | "{Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))}",
                Some(variant),
            ) => parse_quote!(Err(errors::documented_as(OPERATION, response, #variant).await)),
            (body, _) => match body {
                "ResponseValue::from_response(response).await" => {
                    parse_quote!(errors::success_json(OPERATION, response).await)
                }
                "{ResponseValue::from_response(response).await}" => {
                    parse_quote!(errors::success_json(OPERATION, response).await)
                }
                "Ok(ResponseValue::empty(response))"
                | "{Ok(ResponseValue::empty(response))}"
                | "Ok(ResponseValue::stream(response))"
                | "{Ok(ResponseValue::stream(response))}" => *arm.body.clone(),
                "{Err(Error::ErrorResponse(ResponseValue::from_response(response).await?,))}"
                | "{Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))}"
                | "{Err(Error::ErrorResponse(ResponseValue::empty(response)))}"
                | "Err(Error::ErrorResponse(ResponseValue::empty(response)))" => {
                    parse_quote!(Err(errors::documented(OPERATION, response).await))
                }
                "Err(Error::UnexpectedResponse(response))" => {
                    parse_quote!(Err(errors::undocumented(OPERATION, response).await))
                }
                other => bail!("`{id}`: unrecognised response handling `{other}`"),
            },
        };
        arms.push(quote!(#pat => #new_body,));
    }

    let method = &fact.method;
    let path = &fact.path;
    f.sig.output = parse_quote!(-> Result<#ok_ty, errors::ApiError<#err_ty>>);
    f.block = parse_quote!({
        const OPERATION: errors::Operation = errors::Operation {
            id: #id,
            method: #method,
            path: #path,
        };
        let response = async move {
            #(#prelude)*
            Ok::<_, Error<#err_ty>>(response)
        }
        .await
        .map_err(|e| errors::ApiError::from_progenitor(OPERATION, e))?;
        match response.status().as_u16() {
            #(#arms)*
        }
    });
    Ok(true)
}

/// The `operation_id: "..."` of the `OperationInfo` literal in a send body.
fn operation_id_literal(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path
                .segments
                .last()
                .is_some_and(|p| p.ident == "OperationInfo")
            {
                for field in &s.fields {
                    if let (syn::Member::Named(name), Expr::Lit(lit)) = (&field.member, &field.expr)
                        && name == "operation_id"
                        && let syn::Lit::Str(value) = &lit.lit
                    {
                        self.0 = Some(value.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// `-> Result<OK, Error<E>>` to `(OK, E)`.
fn result_types(output: &syn::ReturnType) -> Option<(Type, Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let args = generic_args(ty, "Result")?;
    let [ok, err] = args.as_slice() else {
        return None;
    };
    let err_args = generic_args(err, "Error")?;
    let [e] = err_args.as_slice() else {
        return None;
    };
    Some((ok.clone(), e.clone()))
}

fn generic_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    a.args
        .iter()
        .map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// `(method, status pattern)` to the path of the union variant to decode into.
type UnionVariants = BTreeMap<(String, String), syn::Path>;

/// Finds, for each status normalisation mapped to a union, the variant of
/// typify's enum that holds that status's schema. typify names variants
/// after their payload types but prunes common prefixes, so the variant is
/// found by its payload type, not by its name.
fn union_variants<'a>(
    types: impl Iterator<Item = &'a Item> + Clone,
    normalised: &Normalised,
) -> Result<UnionVariants> {
    let mut out = UnionVariants::new();
    for arm in &normalised.union_arms {
        let union = types
            .clone()
            .find_map(|item| match item {
                Item::Enum(e) if loose(&e.ident.to_string()) == loose(&arm.union) => Some(e),
                _ => None,
            })
            .with_context(|| format!("no enum generated for `{}`", arm.union))?;
        let schema = arm.schema.rsplit('/').next().unwrap_or_default();
        let variant = union
            .variants
            .iter()
            .find(|v| match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => f
                    .unnamed
                    .first()
                    .map(|field| field.ty.to_token_stream().to_string())
                    .and_then(|ty| ty.rsplit("::").next().map(|t| loose(t) == loose(schema)))
                    .unwrap_or(false),
                _ => false,
            })
            .with_context(|| format!("no variant of `{}` holds `{schema}`", union.ident))?;
        let (union_ident, variant_ident) = (&union.ident, &variant.ident);
        out.insert(
            (arm.method.clone(), status_pattern(&arm.status)),
            parse_quote!(types::#union_ident::#variant_ident),
        );
    }
    Ok(out)
}

/// The status as progenitor writes it in a match arm (`201u16`,
/// `400u16..=499u16`), as the match arms here are compared.
fn status_pattern(code: &openapiv3::StatusCode) -> String {
    match code {
        openapiv3::StatusCode::Code(c) => format!("{c}u16"),
        openapiv3::StatusCode::Range(r) => format!("{}u16..={}u16", r * 100, r * 100 + 99),
    }
}

/// Lower-case letters and digits only, to compare schema and Rust names.
fn loose(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

// ---------------------------------------------------------------------------
// Deprecation

/// Marks the `Client` method of every deprecated operation `#[deprecated]`,
/// so callers see it in their compiler output, not only in rustdoc.
fn deprecate(file: &mut syn::File, facts: &BTreeMap<String, OperationFacts>, title: &str) {
    for item in file.items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for member in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let Some(fact) = facts.get(&f.sig.ident.to_string()) else {
                continue;
            };
            if !fact.deprecated {
                continue;
            }
            let mut note = format!(
                "the {title} marks `{} {}` as deprecated: it may be removed in a later version of the API",
                fact.method, fact.path
            );
            if let Some(url) = &fact.docs {
                note.push_str(&format!(" (see {url})"));
            }
            f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
        }
    }
}

// ---------------------------------------------------------------------------
// The errors module

fn add_errors_module(file: &mut syn::File) -> Result<()> {
    let template: syn::File = syn::parse_str(ERRORS_MODULE).context("does not parse")?;
    let docs = template.attrs.iter().map(|a| {
        // `//!` inner docs become outer docs on the module item.
        let mut a = a.clone();
        a.style = syn::AttrStyle::Outer;
        a
    });
    let items = &template.items;
    let module: Item = parse_quote! {
        #(#docs)*
        pub mod errors {
            #(#items)*
        }
    };
    file.items.push(module);
    file.items.push(parse_quote! {
        pub use errors::{ApiError, ErrorKind};
    });
    // Builder-style `send()`s live in `mod builder`; paths stay relative so
    // the code also works `include!`d into a module (as the tests do).
    for item in file.items.iter_mut() {
        if let Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) = item
            && ident == "builder"
        {
            items.insert(
                0,
                parse_quote!(
                    #[allow(unused_imports)]
                    use super::errors;
                ),
            );
        }
    }
    Ok(())
}
