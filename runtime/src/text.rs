//! Bounding text that came from a server before it reaches a message.
//!
//! A server decides what its error bodies, codes and messages say. Whatever
//! of it we keep is cut to a fixed length and kept on one line, so it cannot
//! stretch an error's `Display`, split a log line in two, or smuggle a
//! terminal escape into someone's console.

/// At most this many characters of any text taken from a response (body
/// excerpt, vendor message, cause) are kept.
pub const TEXT_LIMIT: usize = 256;

/// At most this many bytes of an unparsed body are kept, for diagnosis.
pub const EXCERPT_LIMIT: usize = 256;

/// The longest error code kept, in bytes (the longest documented one has 46).
pub const CODE_LIMIT: usize = 64;

/// At most `TEXT_LIMIT` characters of `text`, control characters replaced,
/// with `…` when something was cut.
pub fn bounded(text: &str) -> String {
    let mut out: String = text.chars().take(TEXT_LIMIT).map(one_line).collect();
    if text.chars().nth(TEXT_LIMIT).is_some() {
        out.push('…');
    }
    out
}

/// The first [`EXCERPT_LIMIT`] bytes of a body as text (a character cut in
/// two shows as U+FFFD), on one line.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_LIMIT)]);
    let mut out: String = text.chars().map(one_line).collect();
    if bytes.len() > EXCERPT_LIMIT {
        out.push('…');
    }
    out
}

/// `code` cut to [`CODE_LIMIT`] bytes on a character boundary, one line.
pub fn code(code: &str) -> String {
    let mut end = code.len().min(CODE_LIMIT);
    while !code.is_char_boundary(end) {
        end -= 1;
    }
    code[..end].chars().map(one_line).collect()
}

/// Replaces `secret` wherever it occurs, for text a server may have echoed
/// the request into (an error page quoting the headers, say).
pub fn scrub(text: &mut String, secret: &str) {
    if !secret.is_empty() && text.contains(secret) {
        *text = text.replace(secret, "<redacted>");
    }
}

fn one_line(c: char) -> char {
    if c.is_control() { ' ' } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_cuts_and_flattens() {
        assert_eq!(bounded("a\nb"), "a b");
        let long = "x".repeat(TEXT_LIMIT + 1);
        assert_eq!(bounded(&long).chars().count(), TEXT_LIMIT + 1);
        assert!(bounded(&long).ends_with('…'));
    }

    #[test]
    fn excerpt_never_splits_into_lines() {
        let body = "<html>\r\n<body>é".repeat(40);
        let out = excerpt(body.as_bytes());
        assert!(!out.contains('\n') && out.ends_with('…'));
    }

    #[test]
    fn code_cut_on_a_character_boundary() {
        let long = "é".repeat(40);
        assert!(code(&long).len() <= CODE_LIMIT);
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let mut text = "key=abc and abc".to_string();
        scrub(&mut text, "abc");
        assert_eq!(text, "key=<redacted> and <redacted>");
        scrub(&mut text, "");
        assert_eq!(text, "key=<redacted> and <redacted>");
    }
}
