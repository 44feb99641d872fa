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

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{Fields, Item, parse_quote};

use super::syntax;

/// Opens every plain string enum of `types`; returns their names.
pub fn open(types: &mut [Item]) -> BTreeSet<String> {
    let mut opened = BTreeSet::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let is_string_enum = !e.variants.is_empty()
            && e.variants.iter().all(|v| {
                matches!(v.fields, Fields::Unit) && syntax::has_serde_key(&v.attrs, "rename")
            });
        if !is_string_enum || !syntax::derives_trait(&e.attrs, "Deserialize") {
            continue;
        }
        // `Unknown(String)` is not `Copy`.
        syntax::remove_derive(&mut e.attrs, "Copy");
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
        let is_display = imp
            .trait_
            .as_ref()
            .is_some_and(|(path, _)| syntax::path_ends_with(path, &["Display"]));
        let for_opened =
            syntax::type_ident(&imp.self_ty).is_some_and(|i| opened.contains(&i.to_string()));
        if is_display && for_opened {
            AddUnknownArm.visit_item_impl_mut(imp);
        }
    }
    opened
}

struct AddUnknownArm;

impl VisitMut for AddUnknownArm {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        m.arms.push(parse_quote! {
            Self::Unknown(ref value) => f.write_str(value),
        });
    }
}

#[cfg(test)]
mod tests {
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
        };
        let opened = super::open(&mut file.items);
        assert_eq!(opened.into_iter().collect::<Vec<_>>(), ["Plan"]);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("Unknown"));
        assert!(!text.contains("Copy"));
    }
}
