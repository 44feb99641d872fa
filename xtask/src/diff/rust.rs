//! The Rust half of `cargo xtask diff`: what changes in the generated
//! crate's public API, and the semver bump a release of it needs.
//!
//! Both sides are [`Surface`]s extracted from code generated in memory, so
//! this sees exactly what progenitor makes of each spec version. Bumps
//! follow the Cargo SemVer reference: the generated structs have only
//! public fields and no `#[non_exhaustive]`, and the enums are exhaustive,
//! so adding a field or a variant breaks struct literals and `match`es and
//! needs a major release, even where the wire change is harmless.

use std::collections::BTreeMap;

use serde::Serialize;

use super::surface::Surface;

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
    let (a, b) = (keyed(old), keyed(new));
    let mut out = Vec::new();
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (Some((header, members)), None) => out.push(ItemChange {
                bump: Bump::Major,
                item: header.clone(),
                kind: "removed",
                lines: members.iter().map(|m| format!("-  {m}")).collect(),
                reason: "removed: code that uses it no longer compiles".into(),
            }),
            (None, Some((header, members))) => out.push(ItemChange {
                bump: Bump::Minor,
                item: header.clone(),
                kind: "added",
                lines: members.iter().map(|m| format!("+  {m}")).collect(),
                reason: "added: new public item".into(),
            }),
            (Some(old), Some(new)) if old != new => out.push(changed(old, new)),
            _ => {}
        }
    }
    out
}

/// The largest bump of a set of changes.
pub fn bump(changes: &[ItemChange]) -> Bump {
    changes.iter().map(|c| c.bump).max().unwrap_or_default()
}

type Item = (String, Vec<String>);

/// Items by a key that survives header changes: `operation name`, or the
/// type's name.
fn keyed(surface: &Surface) -> BTreeMap<String, Item> {
    surface
        .items()
        .into_iter()
        .map(|(header, members)| {
            let key = if let Some(rest) = header.strip_prefix("operation ") {
                format!("0 {}", rest.split(':').next().unwrap_or(rest))
            } else {
                let name = header.split_whitespace().nth(1).unwrap_or(&header);
                format!("1 {}", name.split(['(', '<']).next().unwrap_or(name))
            };
            (key, (header, members))
        })
        .collect()
}

/// The name of a member line: `param x`, `body`, `ok`, a field or variant.
fn member_key(line: &str) -> &str {
    line.split([':', ' ', '(', '='])
        .next()
        .map(|first| {
            if first == "param" || first == "check" {
                line.split(':').next().unwrap_or(line)
            } else {
                first
            }
        })
        .unwrap_or(line)
}

/// A member line without its wire name (`= "wire"`): what the Rust code sees.
fn without_wire(line: &str) -> String {
    match line.find(" = \"") {
        Some(at) => {
            let rest = &line[at + 4..];
            match rest.find('"') {
                Some(end) => format!("{}{}", &line[..at], &rest[end + 1..]),
                None => line.to_string(),
            }
        }
        None => line.to_string(),
    }
}

fn changed(old: &Item, new: &Item) -> ItemChange {
    let (old_header, old_members) = old;
    let (new_header, new_members) = new;
    let is_op = new_header.starts_with("operation ");
    let positional = new_header.contains("(positional)");
    let mut lines = Vec::new();
    let mut bumps: Vec<(Bump, String)> = Vec::new();
    if old_header != new_header {
        lines.push(format!("-{old_header}"));
        lines.push(format!("+{new_header}"));
        let deprecation = |h: &str| h.ends_with("[deprecated]");
        let bare = |h: &str| h.trim_end_matches(" [deprecated]").to_string();
        if bare(old_header) == bare(new_header) {
            bumps.push((
                Bump::Minor,
                if deprecation(new_header) {
                    "deprecated: callers get a warning, code still compiles".into()
                } else {
                    "no longer deprecated".into()
                },
            ));
        } else if is_op {
            bumps.push((
                Bump::Patch,
                "same Rust signature, different HTTP request".into(),
            ));
        } else {
            bumps.push((
                Bump::Major,
                "the kind or serde shape of the type changed".into(),
            ));
        }
    }
    let index = |members: &[String]| -> BTreeMap<String, String> {
        members
            .iter()
            .map(|m| (member_key(m).to_string(), m.clone()))
            .collect()
    };
    let (a, b) = (index(old_members), index(new_members));
    // Keep declaration order: old members first, then the new ones.
    let mut order: Vec<String> = Vec::new();
    for m in old_members.iter().chain(new_members) {
        let key = member_key(m).to_string();
        if !order.contains(&key) {
            order.push(key);
        }
    }
    for key in &order {
        match (a.get(key), b.get(key)) {
            (Some(m), None) => {
                lines.push(format!("-  {m}"));
                bumps.push((Bump::Major, format!("`{key}` removed")));
            }
            (None, Some(m)) => {
                lines.push(format!("+  {m}"));
                let (bump, why) = if new_header.starts_with("enum ") {
                    (
                        Bump::Major,
                        format!("`{key}` added: exhaustive `match`es no longer compile"),
                    )
                } else if !is_op {
                    (
                        Bump::Major,
                        format!("`{key}` added: struct literals no longer compile"),
                    )
                } else if positional {
                    (Bump::Major, format!("`{key}` added: a new argument"))
                } else if m.contains(": Option<") {
                    (Bump::Minor, format!("optional `{key}` added"))
                } else {
                    (
                        Bump::Major,
                        format!("required `{key}` added: calls without it fail"),
                    )
                };
                bumps.push((bump, why));
            }
            (Some(m), Some(n)) if m != n => {
                lines.push(format!("-  {m}"));
                lines.push(format!("+  {n}"));
                if key.starts_with("check ") {
                    bumps.push((
                        Bump::Patch,
                        format!("`{key}` changed: `TryFrom` and decoding accept other values; code still compiles"),
                    ));
                } else if without_wire(m) == without_wire(n) {
                    bumps.push((
                        Bump::Patch,
                        format!("`{key}` has a new wire name; Rust code is unchanged"),
                    ));
                } else {
                    bumps.push((Bump::Major, format!("`{key}` changed type")));
                }
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
        item: new_header.clone(),
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
