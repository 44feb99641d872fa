//! List path parameters: `encode_path(&x.to_string())` on a `Vec` does not
//! compile, so each such call becomes the runtime's `path::encode_list(&x)`
//! (items percent-encoded, joined with commas: OpenAPI's `simple` style).
//!
//! progenitor builds the URL in a `format!`; its arguments are parsed as
//! expressions, rewritten, and put back.

use std::collections::BTreeMap;

use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Token, parse_quote};

use super::{OperationFacts, OperationPass, PassOutcome, PassReport, syntax};

/// Rewrites the URL of every operation with list path parameters.
pub fn rewrite(
    item: &mut syn::Item,
    facts: &BTreeMap<String, OperationFacts>,
    report: &mut PassReport,
) {
    let mut pass = Rewrite { facts, report };
    pass.visit_item_mut(item);
}

struct Rewrite<'a> {
    facts: &'a BTreeMap<String, OperationFacts>,
    report: &'a mut PassReport,
}

impl VisitMut for Rewrite<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        // Operations are async; the many other fns need no reading.
        if f.sig.asyncness.is_none() {
            return;
        }
        let Some(id) = super::sends::operation_id(&f.block) else {
            return;
        };
        let Some(lists) = self
            .facts
            .get(&id)
            .map(|fact| &fact.list_path_params)
            .filter(|lists| !lists.is_empty())
        else {
            return;
        };
        let mut urls = Urls {
            lists,
            rewritten: Vec::new(),
        };
        urls.visit_block_mut(&mut f.block);
        let missing: Vec<&String> = lists
            .iter()
            .filter(|name| !urls.rewritten.contains(name))
            .collect();
        let outcome = if missing.is_empty() {
            PassOutcome::Transformed
        } else {
            PassOutcome::Reported(format!(
                "no `encode_path(&{}.to_string())` found for the list path parameter(s) {missing:?}",
                missing[0]
            ))
        };
        self.report.record(&id, OperationPass::PathLists, outcome);
    }
}

struct Urls<'a> {
    lists: &'a [String],
    rewritten: Vec<String>,
}

impl VisitMut for Urls<'_> {
    fn visit_expr_macro_mut(&mut self, m: &mut syn::ExprMacro) {
        if !syntax::path_ends_with(&m.mac.path, &["format"]) {
            return;
        }
        let Ok(mut args) = m
            .mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        else {
            return;
        };
        let before = self.rewritten.len();
        for arg in args.iter_mut() {
            self.visit_expr_mut(arg);
        }
        if self.rewritten.len() > before {
            m.mac.tokens = quote!(#args);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(name) = list_argument(expr, self.lists) {
            let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
            *expr = parse_quote!(::cloud_orgs_runtime::path::encode_list(&#ident));
            self.rewritten.push(name);
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// `encode_path(&x.to_string())` where `x` is one of `lists`.
fn list_argument(expr: &Expr, lists: &[String]) -> Option<String> {
    let arg = syntax::call_with_one(expr, &["encode_path"])?;
    let Expr::Reference(reference) = syntax::unwrap_expr(arg) else {
        return None;
    };
    let Expr::MethodCall(call) = syntax::unwrap_expr(&reference.expr) else {
        return None;
    };
    if call.method != "to_string" || !call.args.is_empty() {
        return None;
    }
    let name = syntax::local(&call.receiver)?.to_string();
    lists.contains(&name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_list_parameters_are_rewritten() {
        let lists = vec!["tokens".to_string()];
        let mut urls = Urls {
            lists: &lists,
            rewritten: Vec::new(),
        };
        let mut block: syn::Block = parse_quote!({
            let url = format!(
                "{}/o/{}/i/{}",
                client.baseurl,
                encode_path(&organization_id.to_string()),
                encode_path(&tokens.to_string()),
            );
        });
        urls.visit_block_mut(&mut block);
        assert_eq!(urls.rewritten, ["tokens"]);
        let expected: syn::Block = parse_quote!({
            let url = format!(
                "{}/o/{}/i/{}",
                client.baseurl,
                encode_path(&organization_id.to_string()),
                ::cloud_orgs_runtime::path::encode_list(&tokens),
            );
        });
        assert_eq!(block, expected);
    }
}
