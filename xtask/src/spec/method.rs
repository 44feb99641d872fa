//! The HTTP methods a path item holds: the one list every reader of a
//! document (lint, normalise, passes, diff) walks, so that a method added
//! here is seen everywhere at once.

use std::cmp::Ordering;
use std::fmt;

use openapiv3::{Operation, PathItem};

/// One of the eight operation slots of an OpenAPI path item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order OpenAPI lists a path item's fields.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// From a method name in either case (`GET`, `get`).
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.key().eq_ignore_ascii_case(name))
    }

    /// Lower case: the path item's key, and the JSON pointer segment.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// Upper case, as on the wire and in every message.
    pub fn as_str(self) -> &'static str {
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

    /// The variant name of the runtime's `Method`, which mirrors this one.
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Put => "Put",
            Method::Post => "Post",
            Method::Delete => "Delete",
            Method::Options => "Options",
            Method::Head => "Head",
            Method::Patch => "Patch",
            Method::Trace => "Trace",
        }
    }

    /// RFC 9110's idempotent methods.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    /// The operation `item` holds for this method.
    pub fn of(self, item: &PathItem) -> Option<&Operation> {
        match self {
            Method::Get => item.get.as_ref(),
            Method::Put => item.put.as_ref(),
            Method::Post => item.post.as_ref(),
            Method::Delete => item.delete.as_ref(),
            Method::Options => item.options.as_ref(),
            Method::Head => item.head.as_ref(),
            Method::Patch => item.patch.as_ref(),
            Method::Trace => item.trace.as_ref(),
        }
    }

    /// The slot of `item` for this method, to fill or empty.
    pub fn slot(self, item: &mut PathItem) -> &mut Option<Operation> {
        match self {
            Method::Get => &mut item.get,
            Method::Put => &mut item.put,
            Method::Post => &mut item.post,
            Method::Delete => &mut item.delete,
            Method::Options => &mut item.options,
            Method::Head => &mut item.head,
            Method::Patch => &mut item.patch,
            Method::Trace => &mut item.trace,
        }
    }
}

/// Every slot of `item` with its method, for code that fills or empties
/// operations while it walks them.
pub fn slots(item: &mut PathItem) -> [(Method, &mut Option<Operation>); 8] {
    [
        (Method::Get, &mut item.get),
        (Method::Put, &mut item.put),
        (Method::Post, &mut item.post),
        (Method::Delete, &mut item.delete),
        (Method::Options, &mut item.options),
        (Method::Head, &mut item.head),
        (Method::Patch, &mut item.patch),
        (Method::Trace, &mut item.trace),
    ]
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// By name, as the upper-case strings that methods were before this type:
/// lists of operations sort by (path, method) into the order reports and
/// crate docs have always shown.
impl Ord for Method {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Method {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
