//! `#[deprecated]` on the `Client` method of every deprecated operation, so
//! callers see it in their compiler output, not only in the docs.

use std::collections::BTreeMap;

use syn::{Item, parse_quote};

use super::{OperationFacts, OperationPass, PassOutcome, PassReport, syntax};

/// Marks the methods of `item` (when it is `impl Client`); records the
/// operations marked (see [`unmarked`] for the others).
pub fn mark(
    item: &mut Item,
    facts: &BTreeMap<String, OperationFacts>,
    title: &str,
    report: &mut PassReport,
) {
    let Item::Impl(imp) = item else { return };
    let is_client =
        imp.trait_.is_none() && syntax::type_ident(&imp.self_ty).is_some_and(|i| i == "Client");
    if !is_client {
        return;
    }
    for member in imp.items.iter_mut() {
        let syn::ImplItem::Fn(f) = member else {
            continue;
        };
        let id = f.sig.ident.to_string();
        let Some(fact) = facts.get(&id).filter(|f| f.deprecated) else {
            continue;
        };
        let mut note = format!(
            "the {title} marks `{} {}` as deprecated: it may be removed in a later version of the API",
            fact.method.as_str(),
            fact.path
        );
        if let Some(url) = &fact.docs {
            note.push_str(&format!(" (see {url})"));
        }
        f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
        report.record(&id, OperationPass::Deprecate, PassOutcome::Transformed);
    }
}

/// Once every item is done: each deprecated operation without a marked
/// method is reported.
pub fn unmarked(facts: &BTreeMap<String, OperationFacts>, report: &mut PassReport) {
    for (id, _) in facts.iter().filter(|(_, f)| f.deprecated) {
        if !report
            .operations
            .get(id)
            .is_some_and(|p| p.contains_key(&OperationPass::Deprecate))
        {
            report.record(
                id,
                OperationPass::Deprecate,
                PassOutcome::Reported("no `Client` method of that name".to_string()),
            );
        }
    }
}
