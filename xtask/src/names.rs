//! The Rust names progenitor gives to things of a spec.
//!
//! Everything that must agree with progenitor's output (the lint's name-clash
//! rule, the normalisation's synthesised type names, the post-processing
//! passes that find an operation's method) asks here, so there is one
//! definition and it is progenitor's: `progenitor_impl::util::sanitize` is
//! private, so its steps are repeated exactly, with the same crates (heck for
//! the case, unicode-ident for what an identifier may hold).

use heck::{ToPascalCase as _, ToSnakeCase as _};

/// progenitor's Rust method name for an operationId: `UpdateOrganization`,
/// `updateOrganization` and `update-organization` all give
/// `update_organization`; acronyms follow heck (`getAPIKeys` ->
/// `get_api_keys`); a keyword gets a trailing `_` (`type` -> `type_`).
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, Case::Snake)
}

/// progenitor's Rust type name for an operationId, as it names the builder
/// struct and inline types (`update_organization` -> `UpdateOrganization`).
pub fn type_name(operation_id: &str) -> String {
    sanitize(operation_id, Case::Pascal)
}

/// typify's Rust type name for a schema's name or title
/// (`typify_impl::util::sanitize(_, Case::Pascal)`): [`type_name`] except
/// that a name that cannot start an identifier gets `X`, not `_`
/// (`2fa` -> `X2fa`).
pub fn typify_type_name(name: &str) -> String {
    sanitize_as(name, Case::Pascal, Prefix::X)
}

/// typify's Rust field name for a property (`sanitize(_, Case::Snake)`):
/// [`method_name`] except that a leading digit gets `x` (`2fa` -> `x2fa`).
pub fn typify_field_name(name: &str) -> String {
    sanitize_as(name, Case::Snake, Prefix::X)
}

/// `base` when `free` says it is, else the first free one of `{base}{sep}2`,
/// `{base}{sep}3`, ...: the one way a name taken by another thing (a file's
/// component, an operationId, a feature, a constant) gets a new one.
pub fn unique(base: &str, sep: &str, mut free: impl FnMut(&str) -> bool) -> String {
    let mut candidate = base.to_string();
    let mut n = 2u64;
    while !free(&candidate) {
        candidate = format!("{base}{sep}{n}");
        n += 1;
    }
    candidate
}

#[derive(Clone, Copy)]
enum Case {
    Snake,
    Pascal,
}

/// What goes before a name that cannot start an identifier.
#[derive(Clone, Copy)]
enum Prefix {
    /// progenitor's `_`.
    Underscore,
    /// typify's `x` (in the case asked for).
    X,
}

/// `progenitor_impl::util::sanitize`, step for step.
fn sanitize(input: &str, case: Case) -> String {
    sanitize_as(input, case, Prefix::Underscore)
}

/// progenitor's and typify's `sanitize`, which differ only in [`Prefix`].
fn sanitize_as(input: &str, case: Case, prefix: Prefix) -> String {
    let to_case = |s: &str| match case {
        Case::Snake => s.to_snake_case(),
        Case::Pascal => s.to_pascal_case(),
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => match prefix {
            Prefix::Underscore => format!("_{out}"),
            Prefix::X => format!("{}{out}", to_case("x")),
        },
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// The words typify's `accept_as_ident` refuses (Rust's keywords, strict and
/// reserved, and `gen`).
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::{method_name, type_name, typify_field_name, typify_type_name};

    #[test]
    fn method_names_match_progenitor() {
        assert_eq!(method_name("UpdateOrganization"), "update_organization");
        assert_eq!(method_name("updateOrganization"), "update_organization");
        assert_eq!(method_name("update-organization"), "update_organization");
        assert_eq!(method_name("listV2Items"), "list_v2_items");
        assert_eq!(method_name("getAPIKeys"), "get_api_keys");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(method_name("gen"), "gen_");
        assert_eq!(method_name("2fa"), "_2fa");
        assert_eq!(method_name("a.b/c"), "a_b_c");
        assert_eq!(method_name(""), "x");
    }

    #[test]
    fn type_names_match_progenitor() {
        assert_eq!(type_name("update_organization"), "UpdateOrganization");
        assert_eq!(type_name("getAPIKeys"), "GetApiKeys");
    }

    #[test]
    fn typify_names_prefix_x() {
        assert_eq!(
            typify_type_name("financial_connections.account_ownership"),
            "FinancialConnectionsAccountOwnership"
        );
        assert_eq!(
            typify_type_name("FinancialConnectionsAccount_ownership"),
            "FinancialConnectionsAccountOwnership"
        );
        assert_eq!(typify_type_name("2fa"), "X2fa");
        assert_eq!(typify_field_name("2fa"), "x2fa");
        assert_eq!(typify_field_name("ID"), "id");
        assert_eq!(typify_field_name("foo-bar"), "foo_bar");
        assert_eq!(typify_field_name("type"), "type_");
    }
}
