//! Every HTTP method sends, `OPTIONS` and `TRACE` included.
//!
//! progenitor builds each request with the `reqwest::Client` method named
//! after the HTTP method (`client.client.get(url)`), and `reqwest::Client`
//! has no `options` or `trace`: an API with one such operation would not
//! compile. This pass rewrites exactly that call, `<expr>.client.options(url)`
//! (or `trace`), into `<expr>.client.request(::reqwest::Method::OPTIONS, url)`,
//! which is what reqwest's own shorthands do: the same request on the wire.
//! Any other call is left alone.

use syn::visit_mut::VisitMut;
use syn::{Expr, ExprMethodCall, Member, parse_quote};

/// Rewrites every `OPTIONS`/`TRACE` request built in `item`; returns how
/// many calls were rewritten.
pub fn rewrite(item: &mut syn::Item) -> usize {
    let mut pass = Methods(0);
    pass.visit_item_mut(item);
    pass.0
}

struct Methods(usize);

impl VisitMut for Methods {
    fn visit_expr_method_call_mut(&mut self, call: &mut ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        let constant: syn::Ident = if call.method == "options" {
            parse_quote!(OPTIONS)
        } else if call.method == "trace" {
            parse_quote!(TRACE)
        } else {
            return;
        };
        let on_client = matches!(
            &*call.receiver,
            Expr::Field(f) if matches!(&f.member, Member::Named(m) if m == "client")
        );
        if !on_client || call.args.len() != 1 || call.turbofish.is_some() {
            return;
        }
        let url = call.args.clone();
        call.method = parse_quote!(request);
        call.args = parse_quote!(::reqwest::Method::#constant, #url);
        self.0 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(item: syn::Item) -> (String, usize) {
        let mut item = item;
        let n = rewrite(&mut item);
        (prettyplease::unparse(&parse_quote!(#item)), n)
    }

    #[test]
    fn options_and_trace_become_request_with_the_method() {
        let (text, n) = rewritten(parse_quote! {
            fn f() {
                let a = client.client.options(url).header(ACCEPT, v);
                let b = client.client.trace(format!("{}/x", base));
            }
        });
        assert_eq!(n, 2);
        let expected: syn::Item = parse_quote! {
            fn f() {
                let a = client.client.request(::reqwest::Method::OPTIONS, url).header(ACCEPT, v);
                let b = client.client.request(::reqwest::Method::TRACE, format!("{}/x", base));
            }
        };
        assert_eq!(text, prettyplease::unparse(&parse_quote!(#expected)));
    }

    #[test]
    fn other_calls_are_left_alone() {
        let item: syn::Item = parse_quote! {
            fn f() {
                let a = client.client.get(url);
                let b = builder.options(url);
                let c = client.client.options(a, b);
            }
        };
        let before = prettyplease::unparse(&parse_quote!(#item));
        let (after, n) = rewritten(item);
        assert_eq!(n, 0);
        assert_eq!(after, before);
    }
}
