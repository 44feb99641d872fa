//! A table of rules, one row a rule: the lint's ([`crate::lint::Rule`]) and
//! the diff's ([`crate::diff::rules::DiffRule`]) are written this way, so
//! that each rule's id, class and text stand on one line and cannot drift
//! apart (an enum and three `match`es each listing every rule did).

/// `enum Name: Class { Variant => "id", class, "text"; ... }`: the enum
/// (each variant documented by its text), `ALL` in the table's order, and
/// `id`, `text` and `class` of each rule.
macro_rules! rule_table {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $class:ty {
            $($(#[$vmeta:meta])* $variant:ident => $id:literal, $kind:expr, $text:literal;)*
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$vmeta])* #[doc = $text] $variant,)*
        }

        impl $name {
            /// Every rule, in the table's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable name printed in reports, such as `example-invalid`.
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)*
                }
            }

            /// What the rule says, in a few words.
            pub fn text(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The rule's class: how bad a finding of it is.
            pub fn class(self) -> $class {
                match self {
                    $($name::$variant => $kind,)*
                }
            }
        }
    };
}

pub(crate) use rule_table;
