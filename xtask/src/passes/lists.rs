//! Clearable lists: an optional array can be sent empty.
//!
//! typify writes an optional array property as
//! `#[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")] x: Vec<T>`,
//! collapsing "absent" and "empty". On an update request those mean "leave
//! the list alone" and "clear it". This pass turns such fields into
//! `Option<Vec<T>>` skipped only when `None`, so `Some(vec![])` sends `[]`,
//! and keeps typify's `types::builder` structs in step.

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{Fields, Item, Type, parse_quote};

use super::syntax::{self, SerdeArg};

const VEC_IS_EMPTY: &str = "::std::vec::Vec::is_empty";
const OPTION_IS_NONE: &str = "::std::option::Option::is_none";

/// The `(struct, field)` pairs made `Option<Vec<_>>`, for the builders
/// and the `defaults` module.
pub type Changed = BTreeSet<(String, String)>;

/// In an item of typify's `defaults` module, which builds default values
/// with struct literals (`transit_ips: vec![]`): a list literal for a field
/// that is now an `Option` becomes `Some(..)`, keeping the value typify
/// meant.
pub fn defaults(item: &mut Item, changed: &Changed) {
    Literals { changed }.visit_item_mut(item);
}

struct Literals<'a> {
    changed: &'a Changed,
}

impl VisitMut for Literals<'_> {
    fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
        if let Some(name) = s.path.segments.last().map(|seg| seg.ident.to_string()) {
            for field in s.fields.iter_mut() {
                let syn::Member::Named(member) = &field.member else {
                    continue;
                };
                if self.changed.contains(&(name.clone(), member.to_string()))
                    && is_list_literal(&field.expr)
                {
                    let value = &field.expr;
                    field.expr = parse_quote!(::std::option::Option::Some(#value));
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, s);
    }
}

/// `vec![..]` or `Vec::new()`.
fn is_list_literal(expr: &syn::Expr) -> bool {
    match syntax::unwrap_expr(expr) {
        syn::Expr::Macro(m) => syntax::path_ends_with(&m.mac.path, &["vec"]),
        other => syntax::call_to(other, &["Vec", "new"]).is_some_and(|args| args.is_empty()),
    }
}

/// Rewrites such fields of `item` (a struct of `types`); returns
/// `(struct, field)` of every field changed.
pub fn fields(item: &mut Item) -> Changed {
    let mut changed = Changed::new();
    {
        let Item::Struct(s) = item else {
            return changed;
        };
        let Fields::Named(named) = &mut s.fields else {
            return changed;
        };
        for field in named.named.iter_mut() {
            let mut rewrote = false;
            for attr in field.attrs.iter_mut() {
                let Some(mut args) = syntax::serde_args(attr) else {
                    continue;
                };
                let Some(skip) = args.iter_mut().find(|a| {
                    a.key == "skip_serializing_if" && a.value.as_deref() == Some(VEC_IS_EMPTY)
                }) else {
                    continue;
                };
                // Only this entry changes: the attribute may carry `rename`.
                *skip = SerdeArg {
                    key: skip.key.clone(),
                    value: Some(OPTION_IS_NONE.to_string()),
                };
                *attr = syntax::serde_attr(&args);
                rewrote = true;
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

/// In an item of typify's `types::builder`: the builder field and its
/// setter's `TryInto` bound get the same `Option`.
pub fn builder(item: &mut Item, changed: &Changed) {
    {
        match item {
            Item::Struct(s) => {
                let Fields::Named(named) = &mut s.fields else {
                    return;
                };
                for field in named.named.iter_mut() {
                    let Some(name) = &field.ident else { continue };
                    if changed.contains(&(s.ident.to_string(), name.to_string())) {
                        wrap_first_generic_in_option(&mut field.ty);
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(self_name) = syntax::type_ident(&imp.self_ty).map(ToString::to_string)
                else {
                    return;
                };
                for member in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = member else {
                        continue;
                    };
                    if !changed.contains(&(self_name.clone(), f.sig.ident.to_string())) {
                        continue;
                    }
                    // `where T: TryInto<Vec<..>>` -> `TryInto<Option<Vec<..>>>`
                    let Some(clause) = &mut f.sig.generics.where_clause else {
                        continue;
                    };
                    for predicate in clause.predicates.iter_mut() {
                        let syn::WherePredicate::Type(p) = predicate else {
                            continue;
                        };
                        for bound in p.bounds.iter_mut() {
                            if let syn::TypeParamBound::Trait(t) = bound
                                && let Some(last) = t.path.segments.last_mut()
                                && last.ident == "TryInto"
                            {
                                wrap_generic_args_in_option(&mut last.arguments);
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

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    #[test]
    fn optional_arrays_become_options_and_keep_rename() {
        let mut file: syn::File = parse_quote! {
            pub struct Org {
                #[serde(rename = "billingContacts", default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub billing_contacts: ::std::vec::Vec<::std::string::String>,
                pub name: ::std::string::String,
            }
        };
        let changed: super::Changed = file.items.iter_mut().flat_map(super::fields).collect();
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            [("Org".to_string(), "billing_contacts".to_string())]
        );
        let expected: syn::File = parse_quote! {
            pub struct Org {
                #[serde(rename = "billingContacts", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub billing_contacts: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
                pub name: ::std::string::String,
            }
        };
        assert_eq!(file, expected);
    }
}
