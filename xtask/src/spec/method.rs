//! The HTTP methods a path item holds: the one list every reader of a
//! document (lint, normalise, passes, diff) walks, so that a method added
//! here is seen everywhere at once.

use std::cmp::Ordering;
use std::fmt;

use openapiv3::{Operation, PathItem};

/// The enum, its name in every spelling, and its slot in a path item, from
/// one row a method: the field is the path item's key, the variant the
/// runtime's `Method`'s.
macro_rules! methods {
    ($($variant:ident $field:ident $wire:literal;)*) => {
        /// One of the eight operation slots of an OpenAPI path item.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Method {
            $(#[doc = $wire] $variant,)*
        }

        impl Method {
            /// Every method, in the order OpenAPI lists a path item's fields.
            pub const ALL: [Method; 8] = [$(Method::$variant),*];

            /// Lower case: the path item's key, and the JSON pointer segment.
            pub fn key(self) -> &'static str {
                match self {
                    $(Method::$variant => stringify!($field),)*
                }
            }

            /// Upper case, as on the wire and in every message.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Method::$variant => $wire,)*
                }
            }

            /// The variant name of the runtime's `Method`, which mirrors this one.
            pub fn variant(self) -> &'static str {
                match self {
                    $(Method::$variant => stringify!($variant),)*
                }
            }

            /// The operation `item` holds for this method.
            pub fn of(self, item: &PathItem) -> Option<&Operation> {
                match self {
                    $(Method::$variant => item.$field.as_ref(),)*
                }
            }

            /// The slot of `item` for this method, to fill or empty.
            pub fn slot(self, item: &mut PathItem) -> &mut Option<Operation> {
                match self {
                    $(Method::$variant => &mut item.$field,)*
                }
            }
        }

        /// Every slot of `item` with its method, for code that fills or
        /// empties operations while it walks them.
        pub fn slots(item: &mut PathItem) -> [(Method, &mut Option<Operation>); 8] {
            [$((Method::$variant, &mut item.$field)),*]
        }
    };
}

methods! {
    Get get "GET";
    Put put "PUT";
    Post post "POST";
    Delete delete "DELETE";
    Options options "OPTIONS";
    Head head "HEAD";
    Patch patch "PATCH";
    Trace trace "TRACE";
}

impl Method {
    /// From a method name in either case (`GET`, `get`).
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.key().eq_ignore_ascii_case(name))
    }

    /// From a path item's key, exactly (`get`, not `GET`).
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }

    /// RFC 9110's idempotent methods.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
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
