//! Media types: which ones are JSON, and which one of several to generate.
//!
//! progenitor types a body only under the exact key `application/json`
//! (responses also `application/json;...`); any other JSON media type
//! (`application/problem+json`, `application/vnd.atlas.2023-01-01+json`) is
//! a request body it rejects or a response it leaves as raw bytes, and a
//! request body with more than one media type is a `todo!()` panic. The
//! rewrites here rename the JSON media type to `application/json`, so
//! progenitor types it, and record the vendor's own in
//! [`super::Media`]: the runtime sends that `Content-Type` and `Accept`, so
//! the request on the wire is the one the vendor documents.

/// What a media type is to the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    /// JSON in any spelling: serialised and parsed with serde_json.
    Json,
    /// `application/x-www-form-urlencoded`: progenitor encodes a typed body.
    Form,
    /// `text/*`: a string body.
    Text,
    /// Anything else: bytes as they are.
    Binary,
    /// `multipart/form-data`: progenitor cannot encode it; the last choice.
    Multipart,
}

/// The media type without parameters, lower case (`Application/JSON;
/// charset=utf-8` -> `application/json`).
pub fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Classifies a media type. JSON: `application/json`, `text/json`, any
/// `+json` suffix (`application/problem+json`, `application/vnd.x+json`),
/// and `application/vnd.*` without a structured suffix (vendors' versioned
/// JSON such as `application/vnd.github.v3`); `application/vnd.x+gzip` or
/// `+csv` are not.
pub fn kind(media: &str) -> MediaKind {
    let e = essence(media);
    if e == "application/json"
        || e == "text/json"
        || e.ends_with("+json")
        || (e.starts_with("application/vnd.") && !e.contains('+'))
    {
        MediaKind::Json
    } else if e == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if e == "multipart/form-data" || e.starts_with("multipart/") {
        MediaKind::Multipart
    } else if e.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Of several media types for one body, the one to generate: JSON first
/// (`application/json` itself before other JSON spellings), then what
/// progenitor sends natively (a form, text, bytes), multipart last; in
/// document order within a kind.
pub fn choose<'a>(media: impl IntoIterator<Item = &'a String>) -> Option<&'a String> {
    media
        .into_iter()
        .enumerate()
        .min_by_key(|(i, m)| {
            let exact = essence(m) == "application/json";
            (kind(m), !exact, *i)
        })
        .map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("application/json"), MediaKind::Json);
        assert_eq!(kind("application/json; charset=utf-8"), MediaKind::Json);
        assert_eq!(kind("application/problem+json"), MediaKind::Json);
        assert_eq!(
            kind("application/vnd.atlas.2023-01-01+json"),
            MediaKind::Json
        );
        assert_eq!(kind("application/vnd.github.v3"), MediaKind::Json);
        assert_eq!(
            kind("application/vnd.atlas.2023-01-01+gzip"),
            MediaKind::Binary
        );
        assert_eq!(
            kind("application/vnd.atlas.2023-01-01+csv"),
            MediaKind::Binary
        );
        assert_eq!(kind("multipart/form-data"), MediaKind::Multipart);
        assert_eq!(kind("text/csv"), MediaKind::Text);
        assert_eq!(kind("application/x-www-form-urlencoded"), MediaKind::Form);
        assert_eq!(kind("*/*"), MediaKind::Binary);
    }

    #[test]
    fn choice() {
        let m = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let pick = |s: &[&str]| choose(&m(s)).cloned();
        assert_eq!(
            pick(&["multipart/form-data", "text/csv", "application/json"]).as_deref(),
            Some("application/json")
        );
        assert_eq!(
            pick(&["application/vnd.a+json", "application/json"]).as_deref(),
            Some("application/json")
        );
        assert_eq!(
            pick(&["multipart/form-data", "text/csv"]).as_deref(),
            Some("text/csv")
        );
        assert_eq!(pick(&[]), None);
    }
}
