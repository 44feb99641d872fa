//! The facts of one operation, as the spec states them.
//!
//! `cargo xtask codegen` writes one [`Operation`] constant per operation into
//! each generated crate (its `operations` module), from the spec: nothing
//! here is written by hand per operation. The runtime reads them to decide
//! whether a request may be retried, what to put in a span or an error
//! message, and which media types go on the wire.

use std::fmt;

/// An HTTP method, as an OpenAPI path item names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl Method {
    /// The upper-case name, as on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Whether HTTP defines the method as idempotent (RFC 9110, 9.2.2):
    /// sending the request twice has the effect of sending it once, so a
    /// request whose response was lost may be sent again.
    pub const fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response status the spec documents for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Documented {
    /// One status, such as `404`.
    Code(u16),
    /// A class, such as `4XX` (stored as `4`).
    Range(u16),
    /// The `default` response.
    Default,
}

impl Documented {
    /// Whether `status` is this one.
    pub const fn matches(self, status: u16) -> bool {
        match self {
            Documented::Code(code) => code == status,
            Documented::Range(class) => status / 100 == class,
            Documented::Default => true,
        }
    }
}

/// One operation of a generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// progenitor's name for it (the Rust method), e.g. `update_organization`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/organizations/{organization_id}`: what
    /// errors and spans show instead of the URL, which holds identifiers.
    pub path: &'static str,
    /// Whether a failed attempt may be sent again without the caller
    /// opting in: the method's idempotency, unless the spec says otherwise
    /// with `x-idempotent`.
    pub idempotent: bool,
    /// The statuses the spec documents, success and error alike.
    pub documented: &'static [Documented],
    /// The request's `Content-Type` on the wire, when it is not the
    /// `application/json` progenitor sends (a vendor media type such as
    /// `application/vnd.atlas.2023-01-01+json`).
    pub content_type: Option<&'static str>,
    /// The `Accept` value to send, when it is not the one progenitor sends.
    pub accept: Option<&'static str>,
    /// For a form body (`multipart/form-data` or
    /// `application/x-www-form-urlencoded`, generated as typed JSON): its
    /// kind and fields; the runtime sends the JSON as that form.
    pub form: Option<&'static crate::form::Form>,
}

impl Operation {
    /// Stands in for an operation a table does not have (a client built
    /// from a different spec than its table). Never retried without opt-in.
    pub const UNKNOWN: Operation = Operation {
        id: "unknown",
        method: Method::Post,
        path: "(unknown operation)",
        idempotent: false,
        documented: &[],
        content_type: None,
        accept: None,
        form: None,
    };

    /// The operation named `id` in `table`, which codegen sorts by id.
    pub fn find(table: &'static [Operation], id: &str) -> &'static Operation {
        match table.binary_search_by(|op| op.id.cmp(id)) {
            Ok(i) => &table[i],
            Err(_) => &Operation::UNKNOWN,
        }
    }

    /// Whether the spec documents `status` for this operation.
    pub fn documents(&self, status: u16) -> bool {
        self.documented.iter().any(|d| d.matches(status))
    }
}

impl fmt::Display for Operation {
    /// `PUT /organizations/{organization_id}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[Operation] = &[
        Operation {
            id: "a",
            ..Operation::UNKNOWN
        },
        Operation {
            id: "b",
            method: Method::Get,
            path: "/b",
            idempotent: true,
            documented: &[Documented::Code(200), Documented::Range(4)],
            content_type: None,
            accept: None,
            form: None,
        },
    ];

    #[test]
    fn finds_by_id_or_stands_in() {
        assert_eq!(Operation::find(TABLE, "b").path, "/b");
        assert_eq!(Operation::find(TABLE, "zzz"), &Operation::UNKNOWN);
    }

    #[test]
    fn documented_statuses() {
        let b = Operation::find(TABLE, "b");
        assert!(b.documents(200) && b.documents(404) && !b.documents(500));
        assert_eq!(b.to_string(), "GET /b");
    }

    #[test]
    fn idempotency_follows_rfc_9110() {
        assert!(Method::Put.is_idempotent() && Method::Delete.is_idempotent());
        assert!(!Method::Post.is_idempotent() && !Method::Patch.is_idempotent());
    }
}
