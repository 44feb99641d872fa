//! The two pieces that connect a generated crate to the runtime.
//!
//! progenitor is told (through its settings) that `Client` carries a
//! `cloud_orgs_runtime::Runtime` and must implement `ClientHooks` for it.
//! This module writes, per crate, the data and the one impl that satisfy
//! that: an `operations` module with the facts of every operation from the
//! spec, and `impl ClientHooks<Runtime> for Client` handing each request to
//! the runtime with its operation's facts.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Item, parse_quote};

use super::{OperationFacts, Plan};
use crate::normalise::{FormKind, FormStyle};

/// The items the crate gets besides progenitor's: the `operations` module
/// and the hooks impl (at the top), and the `use` that makes `operations`
/// visible in progenitor's `builder` module (at its start).
pub struct Wiring {
    /// Appended to the file.
    pub top: Vec<Item>,
    /// Put first in the `builder` module.
    pub builder: Item,
}

/// The wiring for these operations.
/// Each operation's entry is behind its tags' features (see
/// [`super::features`]), like its method.
pub fn wiring(plan: &Plan) -> Wiring {
    let consts: BTreeMap<&String, Ident> = plan
        .consts
        .iter()
        .map(|(id, name)| (id, format_ident!("{}", name)))
        .collect();
    let constants = plan.facts.iter().filter_map(|(id, fact)| {
        let name = consts.get(id)?;
        let cfg = plan.features.cfg_of(id);
        let constant = constant(id, name, fact);
        Some(quote!(#cfg #constant))
    });
    // Sorted by id: `Operation::find` searches it by halves.
    let all = plan.facts.keys().filter_map(|id| {
        let name = consts.get(id)?;
        let cfg = plan.features.cfg_of(id);
        Some(quote!(#cfg #name))
    });
    let module: Item = parse_quote! {
        /// The facts of every operation, from the spec: what the runtime
        /// needs to retry, trace and report errors, per operation.
        pub mod operations {
            #[allow(unused_imports)]
            use ::cloud_orgs_runtime::{Documented, Method, Operation};

            #(#constants)*

            /// Every operation, sorted by id.
            pub const ALL: &[Operation] = &[#(#all),*];

            /// The operation progenitor names `id` (`Operation::UNKNOWN`
            /// for an id the spec does not have).
            pub fn find(id: &str) -> &'static Operation {
                Operation::find(ALL, id)
            }
        }
    };
    let hooks: Item = parse_quote! {
        /// Every request goes through the runtime, with its operation's facts.
        impl ::progenitor_client::ClientHooks<::cloud_orgs_runtime::Runtime> for Client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                self.inner
                    .pre(request, operations::find(info.operation_id))
                    .map_err(::progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                self.inner
                    .exec(&self.client, request, operations::find(info.operation_id))
                    .await
            }
        }
    };
    Wiring {
        top: vec![module, hooks],
        builder: parse_quote! {
            #[allow(unused_imports)]
            use super::operations;
        },
    }
}

fn constant(id: &str, name: &Ident, fact: &OperationFacts) -> TokenStream {
    let method = format_ident!("{}", fact.method.variant());
    let path = &fact.path;
    let idempotent = fact.idempotent;
    let documented = fact.documented.iter().map(|d| match d {
        Documented::Code(c) => quote!(Documented::Code(#c)),
        Documented::Range(r) => quote!(Documented::Range(#r)),
        Documented::Default => quote!(Documented::Default),
    });
    let option = |value: &Option<String>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let content_type = option(&fact.content_type);
    let accept = option(&fact.accept);
    let form = match &fact.form {
        Some(form) => {
            let kind = format_ident!(
                "{}",
                match form.kind {
                    FormKind::Multipart => "Multipart",
                    FormKind::UrlEncoded => "UrlEncoded",
                }
            );
            // A urlencoded field with the defaults is sent as an
            // undeclared one would be: only the others are listed, which
            // keeps Stripe's tables a third of the size. A multipart form
            // lists every field (their order is the parts' order).
            let listed = form.fields.iter().filter(|f| {
                form.kind == FormKind::Multipart
                    || f.binary
                    || f.style != FormStyle::Form
                    || !f.explode
            });
            let fields = listed.map(|f| {
                let (name, binary, explode) = (&f.name, f.binary, f.explode);
                let style = format_ident!("{}", f.style.variant());
                quote!(::cloud_orgs_runtime::FormField {
                    name: #name,
                    binary: #binary,
                    style: ::cloud_orgs_runtime::Style::#style,
                    explode: #explode,
                })
            });
            quote!(Some(&::cloud_orgs_runtime::Form {
                kind: ::cloud_orgs_runtime::FormKind::#kind,
                fields: &[#(#fields),*],
            }))
        }
        None => quote!(None),
    };
    let doc = format!("`{} {}`", fact.method.as_str(), fact.path);
    quote! {
        #[doc = #doc]
        pub const #name: Operation = Operation {
            id: #id,
            method: Method::#method,
            path: #path,
            idempotent: #idempotent,
            documented: &[#(#documented),*],
            content_type: #content_type,
            accept: #accept,
            form: #form,
        };
    }
}

/// A documented status, as the runtime's `Documented`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Documented {
    /// One status.
    Code(u16),
    /// A class (`4XX` is 4).
    Range(u16),
    /// `default`.
    Default,
}
