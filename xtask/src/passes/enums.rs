//! Open enums: a value the vendor adds later still deserializes.
//!
//! typify writes a string `enum` schema as a Rust enum of unit variants,
//! each `#[serde(rename = "value")]`, and deserializing any other string
//! fails the whole response. This pass adds
//! `#[serde(untagged)] Unknown(String)` as the last variant: serde falls
//! back to it for any string the named variants do not match, and
//! serializes it back as the same string. `FromStr`/`TryFrom<&str>` stay
//! strict, so a caller only gets an unknown value into a request by writing
//! `Unknown(..)` explicitly.

use std::collections::BTreeMap;

use quote::format_ident;

use syn::visit_mut::VisitMut;
use syn::{Fields, Ident, Item, parse_quote};

use super::syntax;

/// Opens `item` when it is a plain string enum; returns its name and the
/// name of its catch-all variant: `Unknown`, unless the vendor already has
/// a value that typify named so (`"UNKNOWN"`), then the first free of
/// `UnknownValue`, `UnknownValue2`, ...
pub fn open(item: &mut Item) -> Option<(String, String)> {
    let Item::Enum(e) = item else { return None };
    let is_string_enum = !e.variants.is_empty()
        && e.variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit) && syntax::has_serde_key(&v.attrs, "rename"));
    if !is_string_enum || !syntax::derives_trait(&e.attrs, "Deserialize") {
        return None;
    }
    // `Unknown(String)` is not `Copy`.
    syntax::remove_derive(&mut e.attrs, "Copy");
    let taken = |name: &str| e.variants.iter().any(|v| v.ident == name);
    let name = std::iter::once("Unknown".to_string())
        .chain((1..).map(|n| match n {
            1 => "UnknownValue".to_string(),
            n => format!("UnknownValue{n}"),
        }))
        .find(|name| !taken(name))
        .unwrap_or_default();
    let variant = format_ident!("{}", name);
    e.variants.push(parse_quote! {
        /// A value this client does not know: the vendor added it after
        /// the spec was written. Kept exactly as received, and sent back
        /// as is.
        #[serde(untagged)]
        #variant(::std::string::String)
    });
    Some((e.ident.to_string(), name))
}

/// typify's `Display` for an opened enum matches every variant: teach it
/// the new one. (`FromStr` keeps rejecting unknown strings on purpose.)
/// `opened` maps enum names to their catch-all variant.
pub fn display(item: &mut Item, opened: &BTreeMap<String, String>) {
    let Item::Impl(imp) = item else { return };
    let is_display = imp
        .trait_
        .as_ref()
        .is_some_and(|(path, _)| syntax::path_ends_with(path, &["Display"]));
    let variant = syntax::type_ident(&imp.self_ty).and_then(|i| opened.get(&i.to_string()));
    if let (true, Some(variant)) = (is_display, variant) {
        AddUnknownArm(format_ident!("{}", variant)).visit_item_impl_mut(imp);
    }
}

struct AddUnknownArm(Ident);

impl VisitMut for AddUnknownArm {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let variant = &self.0;
        m.arms.push(parse_quote! {
            Self::#variant(ref value) => f.write_str(value),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use quote::ToTokens as _;
    use syn::parse_quote;

    #[test]
    fn opens_string_enums_only() {
        let mut file: syn::File = parse_quote! {
            #[derive(Clone, Copy, Debug, ::serde::Deserialize)]
            pub enum Plan {
                #[serde(rename = "BASIC")]
                Basic,
            }
            impl ::std::fmt::Display for Plan {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Basic => f.write_str("BASIC") }
                }
            }
            #[derive(::serde::Deserialize)]
            pub enum Either { A(String), B(u32) }
            #[derive(::serde::Deserialize)]
            pub enum State {
                #[serde(rename = "UNKNOWN")]
                Unknown,
            }
        };
        let opened: BTreeMap<String, String> =
            file.items.iter_mut().filter_map(super::open).collect();
        for item in file.items.iter_mut() {
            super::display(item, &opened);
        }
        assert_eq!(opened.keys().collect::<Vec<_>>(), ["Plan", "State"]);
        assert_eq!(opened["State"], "UnknownValue");
        assert_eq!(opened["Plan"], "Unknown");
        let text = file.to_token_stream().to_string();
        assert!(text.contains("Unknown"));
        assert!(!text.contains("Copy"));
    }
}
