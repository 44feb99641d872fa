//! The Rust half of `cargo xtask diff`: what changes in the generated
//! crate's public API, and the semver bump a release of it needs.
//!
//! Both sides are [`Surface`]s extracted from code generated in memory, so
//! this sees exactly what progenitor makes of each spec version. Bumps
//! follow the Cargo SemVer reference: the generated structs have only
//! public fields and no `#[non_exhaustive]`, and the enums are exhaustive,
//! so adding a field or a variant breaks struct literals and `match`es and
//! needs a major release, even where the wire change is harmless.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::surface::{Entry, EntryKind, Member, Surface};

/// A semver bump, smallest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing a caller can see changed.
    #[default]
    None,
    /// Same API, different behaviour on the wire.
    Patch,
    /// Additions only.
    Minor,
    /// Code that compiled may not compile or work any more.
    Major,
}

impl Bump {
    /// The word used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The next version of a crate at `version` (Cargo's rules: below 1.0
    /// the minor number is the breaking one). `None` when `version` is not
    /// `x.y.z` or nothing changed.
    pub fn next(self, version: &str) -> Option<String> {
        let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(x)), Some(Some(y)), Some(Some(z)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let next = match (self, x) {
            (Bump::None, _) => return None,
            (Bump::Major, 0) => (0, y + 1, 0),
            (Bump::Major, _) => (x + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (x, y, z + 1),
            (Bump::Minor, _) => (x, y + 1, 0),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

/// One changed item of the public API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// The bump this change needs on its own.
    pub bump: Bump,
    /// The item's header line in the surface text (`struct Organization`).
    pub item: String,
    /// `added`, `removed` or `changed`.
    pub kind: &'static str,
    /// Diff lines of its members: `+  line`, `-  line`.
    pub lines: Vec<String>,
    /// Why the bump, in one line.
    pub reason: String,
}

/// The changed items, in surface order (operations, then types by name).
pub fn compare(old: &Surface, new: &Surface) -> Vec<ItemChange> {
    let (a, b) = (&old.entries, &new.entries);
    let keys: BTreeSet<&(bool, String)> = a.keys().chain(b.keys()).collect();
    let whole = |item: &Entry, bump, kind, sign, reason: &str| ItemChange {
        bump,
        item: item.header(),
        kind,
        lines: item
            .members
            .iter()
            .map(|m| format!("{sign}  {}", m.line))
            .collect(),
        reason: reason.into(),
    };
    keys.into_iter()
        .filter_map(|key| match (a.get(key), b.get(key)) {
            (Some(old), None) => Some(whole(
                old,
                Bump::Major,
                "removed",
                '-',
                "removed: code that uses it no longer compiles",
            )),
            (None, Some(new)) => Some(whole(
                new,
                Bump::Minor,
                "added",
                '+',
                "added: new public item",
            )),
            (Some(old), Some(new)) if old != new => Some(changed(old, new)),
            _ => None,
        })
        .collect()
}

/// The largest bump of a set of changes.
pub fn bump(changes: &[ItemChange]) -> Bump {
    changes.iter().map(|c| c.bump).max().unwrap_or_default()
}

/// An entry both sides have but not alike: its diff lines, and the largest
/// bump its changes need (with their reasons).
fn changed(old: &Entry, new: &Entry) -> ItemChange {
    let (old_header, new_header) = (old.header(), new.header());
    let mut lines = Vec::new();
    let mut bumps: Vec<(Bump, String)> = Vec::new();
    if old_header != new_header {
        lines.push(format!("-{old_header}"));
        lines.push(format!("+{new_header}"));
        let (bump, why) = if old.title != new.title {
            match new.kind {
                EntryKind::Builder | EntryKind::Positional => {
                    (Bump::Patch, "same Rust signature, different HTTP request")
                }
                EntryKind::Enum | EntryKind::Type => {
                    (Bump::Major, "the kind or serde shape of the type changed")
                }
            }
        } else if new.deprecated {
            (
                Bump::Minor,
                "deprecated: callers get a warning, code still compiles",
            )
        } else {
            (Bump::Minor, "no longer deprecated")
        };
        bumps.push((bump, why.into()));
    }
    fn index(members: &[Member]) -> BTreeMap<&str, &Member> {
        members.iter().map(|m| (m.key.as_str(), m)).collect()
    }
    let (a, b) = (index(&old.members), index(&new.members));
    // Keep declaration order: old members first, then the new ones.
    let mut order: Vec<&str> = Vec::new();
    for m in old.members.iter().chain(&new.members) {
        if !order.contains(&m.key.as_str()) {
            order.push(&m.key);
        }
    }
    for key in order {
        match (a.get(key), b.get(key)) {
            (Some(m), None) => {
                lines.push(format!("-  {}", m.line));
                bumps.push((Bump::Major, format!("`{key}` removed")));
            }
            (None, Some(m)) => {
                lines.push(format!("+  {}", m.line));
                bumps.push(match new.kind {
                    EntryKind::Enum => (
                        Bump::Major,
                        format!("`{key}` added: exhaustive `match`es no longer compile"),
                    ),
                    EntryKind::Type => (
                        Bump::Major,
                        format!("`{key}` added: struct literals no longer compile"),
                    ),
                    EntryKind::Positional => {
                        (Bump::Major, format!("`{key}` added: a new argument"))
                    }
                    EntryKind::Builder if m.optional => {
                        (Bump::Minor, format!("optional `{key}` added"))
                    }
                    EntryKind::Builder => (
                        Bump::Major,
                        format!("required `{key}` added: calls without it fail"),
                    ),
                });
            }
            (Some(m), Some(n)) if m.line != n.line => {
                lines.push(format!("-  {}", m.line));
                lines.push(format!("+  {}", n.line));
                bumps.push(if m.rust.is_none() {
                    (
                        Bump::Patch,
                        format!("`{key}` changed: `TryFrom` and decoding accept other values; code still compiles"),
                    )
                } else if m.rust == n.rust {
                    (
                        Bump::Patch,
                        format!("`{key}` has a new wire name; Rust code is unchanged"),
                    )
                } else {
                    (Bump::Major, format!("`{key}` changed type"))
                });
            }
            _ => {}
        }
    }
    let top = bumps.iter().map(|(b, _)| *b).max().unwrap_or_default();
    let reason = bumps
        .iter()
        .filter(|(b, _)| *b == top)
        .map(|(_, r)| r.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    ItemChange {
        bump: top,
        item: new_header,
        kind: "changed",
        lines,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::Bump;

    #[test]
    fn next_versions_follow_cargo() {
        assert_eq!(Bump::Major.next("0.1.0").as_deref(), Some("0.2.0"));
        assert_eq!(Bump::Minor.next("0.1.0").as_deref(), Some("0.1.1"));
        assert_eq!(Bump::Major.next("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.next("1.2.3").as_deref(), Some("1.3.0"));
        assert_eq!(Bump::Patch.next("1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(Bump::None.next("1.2.3"), None);
    }
}
