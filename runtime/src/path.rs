//! Path parameters progenitor cannot encode on its own.
//!
//! progenitor writes every path parameter as `encode_path(&x.to_string())`,
//! and a list has no `to_string`. OpenAPI's default path style (`simple`)
//! sends a list as its items joined with commas in one segment
//! (`/invitations/a,b`); codegen rewrites those calls into [`encode_list`].

use std::fmt::Display;

/// A list path parameter in `simple` style: each item percent-encoded as a
/// path segment (its own commas too, so they cannot split it), joined with
/// literal commas.
pub fn encode_list<T: Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| progenitor_client::encode_path(&item.to_string()).replace(',', "%2C"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::encode_list;

    #[test]
    fn items_are_encoded_and_joined_with_commas() {
        assert_eq!(encode_list(&["a", "b"]), "a,b");
        assert_eq!(encode_list(&["x/y", "c,d", "é"]), "x%2Fy,c%2Cd,%C3%A9");
        assert_eq!(encode_list::<&str>(&[]), "");
    }
}
