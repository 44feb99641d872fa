//! Recognising the shapes progenitor and typify emit, on the syntax tree.
//!
//! Every pass asks these questions instead of comparing token text: a path
//! is matched by its segments' identifiers, a literal by its value, an
//! attribute by its parsed arguments. A shape these functions do not know
//! is answered with `None`, and the pass leaves that code alone.

use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Item, ItemMod, Pat, Path, Token, Type};

/// The identifier of a type's last path segment: `types::Foo<T>` -> `Foo`.
pub fn type_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        Type::Group(g) => type_ident(&g.elem),
        Type::Paren(p) => type_ident(&p.elem),
        _ => None,
    }
}

/// Whether `path` ends with the identifiers `tail` (`ResponseValue`,
/// `from_response` matches `ResponseValue::from_response` and
/// `progenitor_client::ResponseValue::from_response`).
pub fn path_ends_with(path: &Path, tail: &[&str]) -> bool {
    path.segments.len() >= tail.len()
        && path
            .segments
            .iter()
            .rev()
            .zip(tail.iter().rev())
            .all(|(segment, want)| segment.ident == want)
}

/// `expr` without the blocks and parentheses around it: `{ { x } }` -> `x`.
pub fn unwrap_expr(expr: &Expr) -> &Expr {
    match expr {
        Expr::Block(b) if b.block.stmts.len() == 1 && b.label.is_none() => {
            match &b.block.stmts[0] {
                syn::Stmt::Expr(inner, None) => unwrap_expr(inner),
                _ => expr,
            }
        }
        Expr::Paren(p) => unwrap_expr(&p.expr),
        Expr::Group(g) => unwrap_expr(&g.expr),
        _ => expr,
    }
}

/// A call of a function path ending in `tail`, and its arguments.
pub fn call_to<'a>(expr: &'a Expr, tail: &[&str]) -> Option<Vec<&'a Expr>> {
    match unwrap_expr(expr) {
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if path_ends_with(&p.path, tail) => Some(call.args.iter().collect()),
            _ => None,
        },
        _ => None,
    }
}

/// The single argument of a call of a function path ending in `tail`.
pub fn call_with_one<'a>(expr: &'a Expr, tail: &[&str]) -> Option<&'a Expr> {
    match call_to(expr, tail)?.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// `inner.await` -> `inner`.
pub fn awaited(expr: &Expr) -> Option<&Expr> {
    match unwrap_expr(expr) {
        Expr::Await(a) => Some(&a.base),
        _ => None,
    }
}

/// `inner?` -> `inner`.
pub fn tried(expr: &Expr) -> Option<&Expr> {
    match unwrap_expr(expr) {
        Expr::Try(t) => Some(&t.expr),
        _ => None,
    }
}

/// An expression that is one plain identifier (a local variable).
pub fn local(expr: &Expr) -> Option<&Ident> {
    match unwrap_expr(expr) {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
        _ => None,
    }
}

/// The value of an integer literal pattern or expression (`404u16` -> 404),
/// when it fits `N`.
pub fn int_value<N>(expr: &Expr) -> Option<N>
where
    N: std::str::FromStr,
    N::Err: std::fmt::Display,
{
    match unwrap_expr(expr) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

/// A status pattern of a `match` arm, as the statuses it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusPattern {
    /// `404u16`
    Code(u16),
    /// `400u16..=499u16`
    Range(u16, u16),
    /// `_`
    Any,
}

/// Reads a status pattern; `None` for shapes progenitor does not write.
pub fn status_pattern(pat: &Pat) -> Option<StatusPattern> {
    match pat {
        Pat::Wild(_) => Some(StatusPattern::Any),
        Pat::Lit(lit) => {
            let expr = Expr::Lit(lit.clone());
            int_value::<u16>(&expr).map(StatusPattern::Code)
        }
        Pat::Range(range) => {
            let start = int_value::<u16>(range.start.as_deref()?)?;
            let end = int_value::<u16>(range.end.as_deref()?)?;
            match range.limits {
                syn::RangeLimits::Closed(_) => Some(StatusPattern::Range(start, end)),
                syn::RangeLimits::HalfOpen(_) => Some(StatusPattern::Range(start, end - 1)),
            }
        }
        Pat::Paren(p) => status_pattern(&p.pat),
        _ => None,
    }
}

/// The paths listed by `#[derive(...)]` attributes.
pub fn derives(attrs: &[Attribute]) -> Vec<Path> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Whether some `#[derive(...)]` lists a trait whose last segment is `name`.
pub fn derives_trait(attrs: &[Attribute], name: &str) -> bool {
    derives(attrs)
        .iter()
        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
}

/// Removes one trait from `#[derive(...)]` lists.
pub fn remove_derive(attrs: &mut [Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<Path> = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// One `key` or `key = "value"` entry of a `#[serde(...)]` attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerdeArg {
    /// `rename`, `default`, `skip_serializing_if`...
    pub key: String,
    /// The string value, when the entry has one.
    pub value: Option<String>,
}

/// The entries of a `#[serde(...)]` attribute, when every entry is a plain
/// `key` or `key = "string"` (how typify writes them); `None` otherwise.
pub fn serde_args(attr: &Attribute) -> Option<Vec<SerdeArg>> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    let mut out = Vec::new();
    attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(Ident::to_string)
            .ok_or_else(|| meta.error("not a plain serde key"))?;
        let value = if meta.input.peek(Token![=]) {
            let lit: syn::LitStr = meta.value()?.parse()?;
            Some(lit.value())
        } else {
            None
        };
        out.push(SerdeArg { key, value });
        Ok(())
    })
    .ok()?;
    Some(out)
}

/// A `#[serde(...)]` attribute with these entries.
pub fn serde_attr(args: &[SerdeArg]) -> Attribute {
    let entries = args.iter().map(|arg| {
        let key = Ident::new(&arg.key, proc_macro2::Span::call_site());
        match &arg.value {
            Some(value) => quote::quote!(#key = #value),
            None => quote::quote!(#key),
        }
    });
    syn::parse_quote!(#[serde(#(#entries),*)])
}

/// Whether any `#[serde(...)]` attribute has an entry `key`.
pub fn has_serde_key(attrs: &[Attribute], key: &str) -> bool {
    attrs
        .iter()
        .filter_map(serde_args)
        .flatten()
        .any(|arg| arg.key == key)
}

/// The items of the inline module `name` among `items`.
pub fn module_items<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn recognises_calls_through_blocks() {
        let e: Expr = parse_quote!({ ResponseValue::from_response(response).await });
        let inner = awaited(&e).expect("an await");
        let arg = call_with_one(inner, &["ResponseValue", "from_response"]).expect("a call");
        assert_eq!(
            local(arg).map(Ident::to_string).as_deref(),
            Some("response")
        );
        assert!(call_to(inner, &["ResponseValue", "stream"]).is_none());
    }

    #[test]
    fn reads_status_patterns() {
        let arm: syn::Arm = parse_quote!(400u16..=499u16 => {});
        assert_eq!(
            status_pattern(&arm.pat),
            Some(StatusPattern::Range(400, 499))
        );
        let arm: syn::Arm = parse_quote!(404u16 => {});
        assert_eq!(status_pattern(&arm.pat), Some(StatusPattern::Code(404)));
        let arm: syn::Arm = parse_quote!(_ => {});
        assert_eq!(status_pattern(&arm.pat), Some(StatusPattern::Any));
    }

    #[test]
    fn serde_attributes_round_trip() {
        let attr: Attribute = parse_quote!(#[serde(rename = "a b", default)]);
        let args = serde_args(&attr).expect("plain entries");
        assert_eq!(args[0].value.as_deref(), Some("a b"));
        assert_eq!(serde_attr(&args), attr);
        let odd: Attribute = parse_quote!(#[serde(with = some::path)]);
        assert_eq!(serde_args(&odd), None);
    }

    #[test]
    fn derive_lists() {
        let mut attrs: Vec<Attribute> =
            vec![parse_quote!(#[derive(Clone, Copy, ::serde::Deserialize)])];
        assert!(derives_trait(&attrs, "Deserialize"));
        remove_derive(&mut attrs, "Copy");
        assert!(!derives_trait(&attrs, "Copy") && derives_trait(&attrs, "Clone"));
    }
}
