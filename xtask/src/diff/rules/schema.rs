//! Rules for schemas, judged by the direction data flows: types and
//! formats, enums, limits, properties, and the alternatives of a `oneOf` or
//! `anyOf`.
//!
//! Both sides are read as a [`View`] first: `$ref`s followed and `allOf`
//! members merged in, so the wrappers specs put around a described
//! reference (`allOf: [$ref]`, as Oxide's does for every one) are looked
//! through, and a change behind one is judged like any other. The
//! alternatives of a `oneOf`/`anyOf` are paired (by reference, else by the
//! closest shape) and each pair is compared with the same rules; a plain
//! schema counts as the one alternative it is, so a type that becomes a
//! `oneOf` is compared with the alternative that continues it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::read::{compact_json, flag, list, obj, strip_docs};
use super::{Cx, DiffRule, Dir};
use crate::spec::join_pointer;
use crate::spec::resolve::target;

/// Hops through `$ref`s and `allOf`s before a view stops merging: a guard
/// against cycles, far deeper than real specs go.
const DEPTH: usize = 32;

/// A schema and where it is written (a JSON pointer into its document).
type Placed<'a> = (&'a Value, String);

/// How alternatives combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    OneOf,
    AnyOf,
}

impl Choice {
    fn key(self) -> &'static str {
        match self {
            Choice::OneOf => "oneOf",
            Choice::AnyOf => "anyOf",
        }
    }
}

/// A schema as the rules see it: `$ref`s followed and `allOf` members
/// merged (properties and `required` joined, the first type, format and
/// alternatives kept, enums intersected, the tightest limits kept).
#[derive(Default)]
struct View<'a> {
    /// Where the schema (or the first thing its references reach) is
    /// written.
    at: String,
    /// The references followed, in order: the first names the schema for
    /// people and for pairing alternatives.
    refs: Vec<&'a str>,
    ty: Option<&'a str>,
    format: Option<&'a str>,
    pattern: Option<&'a str>,
    nullable: bool,
    enumeration: Option<Vec<&'a Value>>,
    limits: BTreeMap<&'static str, f64>,
    properties: BTreeMap<&'a str, Placed<'a>>,
    required: BTreeSet<&'a str>,
    items: Option<Placed<'a>>,
    additional: Option<Placed<'a>>,
    alternatives: Option<(Choice, Vec<Placed<'a>>)>,
    not: Option<&'a Value>,
}

/// (keyword, true for an upper bound)
const LIMITS: [(&str, bool); 8] = [
    ("maxLength", true),
    ("maxItems", true),
    ("maximum", true),
    ("maxProperties", true),
    ("minLength", false),
    ("minItems", false),
    ("minimum", false),
    ("minProperties", false),
];

impl<'a> View<'a> {
    fn of(doc: &'a Value, schema: &'a Value, at: &str) -> View<'a> {
        let mut view = View {
            at: at.to_string(),
            ..View::default()
        };
        view.merge(doc, schema, at.to_string(), 0, true);
        view
    }

    fn merge(&mut self, doc: &'a Value, mut s: &'a Value, mut at: String, depth: usize, top: bool) {
        if depth > DEPTH {
            return;
        }
        while let Some(Value::String(r)) = s.get("$ref") {
            if self.refs.contains(&r.as_str()) || self.refs.len() > DEPTH {
                return;
            }
            self.refs.push(r);
            let Some(next) = target(doc, r) else { return };
            s = next;
            at = r.trim_start_matches('#').to_string();
            if top && self.refs.len() == 1 {
                self.at.clone_from(&at);
            }
        }
        let text = |k: &str| s.get(k).and_then(Value::as_str);
        self.ty = self.ty.or(text("type"));
        self.format = self.format.or(text("format"));
        self.pattern = self.pattern.or(text("pattern"));
        // `nullable` beside an `allOf` is how 3.0 specs make a reference
        // nullable, so any member saying so counts.
        self.nullable |= flag(s, "nullable");
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            self.enumeration = Some(match self.enumeration.take() {
                None => values.iter().collect(),
                Some(had) => had.into_iter().filter(|v| values.contains(v)).collect(),
            });
        }
        for (key, upper) in LIMITS {
            if let Some(x) = s.get(key).and_then(Value::as_f64) {
                let tighter = |y: f64| if upper { x.min(y) } else { x.max(y) };
                let merged = self.limits.get(key).map_or(x, |&y| tighter(y));
                self.limits.insert(key, merged);
            }
        }
        let props = join_pointer(&at, "properties");
        for (name, p) in obj(s.get("properties")) {
            self.properties
                .entry(name.as_str())
                .or_insert_with(|| (p, join_pointer(&props, name)));
        }
        self.required
            .extend(list(s.get("required")).iter().filter_map(Value::as_str));
        if self.items.is_none() {
            self.items = s.get("items").map(|i| (i, join_pointer(&at, "items")));
        }
        if self.additional.is_none()
            && let Some(a @ Value::Object(_)) = s.get("additionalProperties")
        {
            self.additional = Some((a, join_pointer(&at, "additionalProperties")));
        }
        if self.alternatives.is_none() {
            for choice in [Choice::OneOf, Choice::AnyOf] {
                if let Some(members) = s.get(choice.key()).and_then(Value::as_array) {
                    let base = join_pointer(&at, choice.key());
                    let placed = members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (m, join_pointer(&base, &i.to_string())))
                        .collect();
                    self.alternatives = Some((choice, placed));
                    break;
                }
            }
        }
        self.not = self.not.or(s.get("not"));
        let all = join_pointer(&at, "allOf");
        for (i, member) in list(s.get("allOf")).iter().enumerate() {
            self.merge(
                doc,
                member,
                join_pointer(&all, &i.to_string()),
                depth + 1,
                false,
            );
        }
    }

    /// The schema's name: the last segment of its first reference.
    fn name(&self) -> Option<&'a str> {
        self.refs.first().and_then(|r| r.rsplit('/').next())
    }

    /// A property that tells alternatives apart (a single-value enum, such
    /// as `type: [ip]`), as `name: value`.
    fn tags(&self, doc: &'a Value) -> BTreeSet<String> {
        self.properties
            .iter()
            .filter_map(|(name, (p, at))| {
                let p = View::of(doc, p, at);
                match p.enumeration.as_deref() {
                    Some([only]) => Some(format!("{name}: {}", compact_json(only))),
                    _ => None,
                }
            })
            .collect()
    }

    /// How this alternative is named in a report.
    fn label(&self, doc: &'a Value, index: usize) -> String {
        if let Some(name) = self.name() {
            return format!("`{name}`");
        }
        match self.tags(doc).into_iter().next() {
            Some(tag) => format!("({tag})"),
            None => format!("#{}", index + 1),
        }
    }
}

/// How alike two alternatives are, for pairing them: `None` when they
/// cannot be the same one (different types, or objects that share no
/// property and no tag).
fn affinity<'a>(old: (&'a Value, &View<'a>), new: (&'a Value, &View<'a>)) -> Option<u32> {
    let ((od, o), (nd, n)) = (old, new);
    if o.name().is_some() && o.name() == n.name() {
        return Some(10_000);
    }
    if let (Some(a), Some(b)) = (o.ty, n.ty)
        && a != b
    {
        return None;
    }
    let (a, b) = (o.tags(od), n.tags(nd));
    if !a.is_empty() && !b.is_empty() {
        return (!a.is_disjoint(&b)).then_some(1_000);
    }
    let shared = o
        .properties
        .keys()
        .filter(|k| n.properties.contains_key(*k))
        .count();
    if shared == 0 && !(o.properties.is_empty() && n.properties.is_empty()) {
        return None;
    }
    let format = u32::from(o.format == n.format);
    Some(1 + 2 * format + 4 * u32::try_from(shared).unwrap_or(u32::MAX / 8))
}

/// Pairs old and new alternatives, best first: (old index, new index).
fn pair<'a>(old: &[(&'a Value, View<'a>)], new: &[(&'a Value, View<'a>)]) -> Vec<(usize, usize)> {
    let mut scored = Vec::new();
    for (i, (od, o)) in old.iter().enumerate() {
        for (j, (nd, n)) in new.iter().enumerate() {
            if let Some(score) = affinity((od, o), (nd, n)) {
                scored.push((score, i, j));
            }
        }
    }
    // Best first; ties keep the documents' order.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let (mut used_old, mut used_new) = (BTreeSet::new(), BTreeSet::new());
    let mut out = Vec::new();
    for (_, i, j) in scored {
        if !used_old.contains(&i) && !used_new.contains(&j) {
            used_old.insert(i);
            used_new.insert(j);
            out.push((i, j));
        }
    }
    out.sort_unstable();
    out
}

impl<'a> Cx<'a> {
    /// Compares two schemas at `what` (such as ``request body `name` ``);
    /// `at` is where the new one is written. `seen` holds the `$ref` pairs
    /// being compared further up, so recursive schemas end.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn schema(
        &mut self,
        loc: &str,
        what: &str,
        old: &'a Value,
        new: &'a Value,
        at: &str,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        let (o, n) = (View::of(self.old, old, ""), View::of(self.new, new, at));
        self.views(loc, what, &o, &n, dir, seen);
    }

    fn views(
        &mut self,
        loc: &str,
        what: &str,
        o: &View<'a>,
        n: &View<'a>,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        let pair = (o.refs.join(" "), n.refs.join(" "));
        if (!pair.0.is_empty() || !pair.1.is_empty()) && seen.contains(&pair) {
            return;
        }
        seen.push(pair);
        match (&o.alternatives, &n.alternatives) {
            (Some(a), Some(b)) => {
                self.shape(loc, what, o, n, dir, seen);
                if a.0 != b.0 {
                    let change = format!("{what}: `{}` → `{}`", a.0.key(), b.0.key());
                    self.push(DiffRule::CompositionChanged, loc, &n.at, change);
                }
                self.alternatives(loc, what, &a.1, &b.1, &n.at, dir, seen);
            }
            (None, Some((choice, b))) => {
                let matched = self.continues(loc, what, o, b, &n.at, dir, seen);
                let key = choice.key();
                let (rule, change) = if matched {
                    (
                        dir.pick(
                            DiffRule::RequestBecameAlternatives,
                            DiffRule::ResponseBecameAlternatives,
                        ),
                        format!("{what}: became a `{key}`"),
                    )
                } else {
                    (
                        DiffRule::TypeChanged,
                        format!("{what}: became a `{key}` of other shapes"),
                    )
                };
                self.push(rule, loc, &n.at, change);
            }
            (Some((choice, a)), None) => {
                let matched = self.continued(loc, what, a, n, dir, seen);
                let key = choice.key();
                let (rule, change) = if matched {
                    (
                        dir.pick(
                            DiffRule::RequestLeftAlternatives,
                            DiffRule::ResponseLeftAlternatives,
                        ),
                        format!("{what}: no longer a `{key}`"),
                    )
                } else {
                    (
                        DiffRule::TypeChanged,
                        format!("{what}: a `{key}` became another shape"),
                    )
                };
                self.push(rule, loc, &n.at, change);
            }
            (None, None) => self.shape(loc, what, o, n, dir, seen),
        }
        if o.not.map(strip_docs) != n.not.map(strip_docs) {
            let change = format!("{what}: `not` changed");
            self.push(DiffRule::CompositionChanged, loc, &n.at, change);
        }
        seen.pop();
    }

    /// Everything but the alternatives.
    fn shape(
        &mut self,
        loc: &str,
        what: &str,
        o: &View<'a>,
        n: &View<'a>,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        self.scalar_rules(loc, what, o, n, dir);
        self.enum_rules(loc, what, o, n, dir);
        self.limit_rules(loc, what, o, n, dir);
        self.property_rules(loc, what, o, n, dir, seen);
        if let (Some(s), Some(t)) = (&o.items, &n.items) {
            self.schema(loc, &format!("{what}[]"), s.0, t.0, &t.1, dir, seen);
        }
        if let (Some(s), Some(t)) = (&o.additional, &n.additional) {
            self.schema(loc, &format!("{what}{{}}"), s.0, t.0, &t.1, dir, seen);
        }
    }

    /// Pairs the alternatives of both sides, compares each pair, and
    /// reports the ones without a partner.
    #[allow(clippy::too_many_arguments)]
    fn alternatives(
        &mut self,
        loc: &str,
        what: &str,
        a: &[Placed<'a>],
        b: &[Placed<'a>],
        at: &str,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        let old: Vec<_> = a
            .iter()
            .map(|(s, _)| (self.old, View::of(self.old, s, "")))
            .collect();
        let new: Vec<_> = b
            .iter()
            .map(|(s, p)| (self.new, View::of(self.new, s, p)))
            .collect();
        let pairs = pair(&old, &new);
        for &(i, j) in &pairs {
            let label = new[j].1.label(self.new, j);
            let inner = format!("{what} alternative {label}");
            self.views(loc, &inner, &old[i].1, &new[j].1, dir, seen);
        }
        for (i, (_, o)) in old.iter().enumerate() {
            if !pairs.iter().any(|p| p.0 == i) {
                let rule = dir.pick(
                    DiffRule::RequestAlternativeRemoved,
                    DiffRule::ResponseAlternativeRemoved,
                );
                let change = format!("{what}: alternative {} removed", o.label(self.old, i));
                self.push(rule, loc, at, change);
            }
        }
        for (j, (_, n)) in new.iter().enumerate() {
            if !pairs.iter().any(|p| p.1 == j) {
                let rule = dir.pick(
                    DiffRule::RequestAlternativeAdded,
                    DiffRule::ResponseAlternativeAdded,
                );
                let change = format!("{what}: alternative {} added", n.label(self.new, j));
                self.push(rule, loc, &n.at, change);
            }
        }
    }

    /// A plain old schema against new alternatives: compares it with the
    /// one that continues it, if any, and reports the others as added.
    #[allow(clippy::too_many_arguments)]
    fn continues(
        &mut self,
        loc: &str,
        what: &str,
        o: &View<'a>,
        b: &[Placed<'a>],
        at: &str,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) -> bool {
        let new: Vec<_> = b
            .iter()
            .map(|(s, p)| (self.new, View::of(self.new, s, p)))
            .collect();
        let best = new
            .iter()
            .enumerate()
            .filter_map(|(j, (nd, n))| Some((affinity((self.old, o), (nd, n))?, j)))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        for (j, (_, n)) in new.iter().enumerate() {
            if best.is_some_and(|b| b.1 == j) {
                self.views(loc, what, o, n, dir, seen);
            } else {
                let rule = dir.pick(
                    DiffRule::RequestAlternativeAdded,
                    DiffRule::ResponseAlternativeAdded,
                );
                let change = format!("{what}: alternative {} added", n.label(self.new, j));
                self.push(rule, loc, at, change);
            }
        }
        best.is_some()
    }

    /// Old alternatives against a plain new schema: the mirror of
    /// [`Cx::continues`].
    fn continued(
        &mut self,
        loc: &str,
        what: &str,
        a: &[Placed<'a>],
        n: &View<'a>,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) -> bool {
        let old: Vec<_> = a
            .iter()
            .map(|(s, _)| (self.old, View::of(self.old, s, "")))
            .collect();
        let best = old
            .iter()
            .enumerate()
            .filter_map(|(i, (od, o))| Some((affinity((od, o), (self.new, n))?, i)))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        for (i, (_, o)) in old.iter().enumerate() {
            if best.is_some_and(|b| b.1 == i) {
                self.views(loc, what, o, n, dir, seen);
            } else {
                let rule = dir.pick(
                    DiffRule::RequestAlternativeRemoved,
                    DiffRule::ResponseAlternativeRemoved,
                );
                let change = format!("{what}: alternative {} removed", o.label(self.old, i));
                self.push(rule, loc, &n.at, change);
            }
        }
        best.is_some()
    }

    fn scalar_rules(&mut self, loc: &str, what: &str, o: &View<'a>, n: &View<'a>, dir: Dir) {
        let at = &n.at;
        if let (Some(a), Some(b)) = (o.ty, n.ty)
            && a != b
        {
            let change = format!("{what}: type {a} → {b}");
            self.push(DiffRule::TypeChanged, loc, at, change);
        }
        let (a, b) = (o.format, n.format);
        if a != b {
            let rule = match (a, b, dir) {
                (Some(_), Some(_), _) => DiffRule::FormatChanged,
                (None, Some(_), Dir::Request) => DiffRule::RequestFormatAdded,
                (Some(_), None, Dir::Response) => DiffRule::ResponseFormatRemoved,
                _ => DiffRule::FormatRelaxed,
            };
            let show = |f: Option<&str>| f.unwrap_or("none").to_string();
            let change = format!("{what}: format {} → {}", show(a), show(b));
            self.push(rule, loc, at, change);
        }
        let nullable = match (o.nullable, n.nullable, dir) {
            (true, false, Dir::Request) => Some((
                DiffRule::RequestNullableRemoved,
                "no longer nullable".into(),
            )),
            (false, true, Dir::Response) => {
                Some((DiffRule::ResponseNullableAdded, "now nullable".into()))
            }
            (a, b, _) if a != b => Some((DiffRule::NullableChanged, format!("nullable {a} → {b}"))),
            _ => None,
        };
        if let Some((rule, change)) = nullable {
            self.push(rule, loc, at, format!("{what}: {change}"));
        }
        if o.pattern != n.pattern {
            let show = |p: Option<&str>| p.map_or_else(|| "none".into(), |p| format!("`{p}`"));
            let change = format!("{what}: pattern {} → {}", show(o.pattern), show(n.pattern));
            self.push(DiffRule::PatternChanged, loc, at, change);
        }
    }

    fn enum_rules(&mut self, loc: &str, what: &str, o: &View<'a>, n: &View<'a>, dir: Dir) {
        let at = &n.at;
        let values = |v: &View<'_>| -> Option<Vec<String>> {
            v.enumeration
                .as_ref()
                .map(|a| a.iter().map(|v| compact_json(v)).collect())
        };
        let (a, b) = match (values(o), values(n)) {
            (Some(a), Some(b)) => (a, b),
            (None, None) => return,
            (None, Some(b)) => {
                let rule = dir.pick(DiffRule::RequestEnumAdded, DiffRule::ResponseEnumAdded);
                let change = format!("{what}: now an enum of {}", b.join(", "));
                return self.push(rule, loc, at, change);
            }
            (Some(a), None) => {
                let rule = dir.pick(DiffRule::RequestEnumRemoved, DiffRule::ResponseEnumRemoved);
                let change = format!("{what}: no longer an enum (was {})", a.join(", "));
                return self.push(rule, loc, at, change);
            }
        };
        for v in a.iter().filter(|v| !b.contains(v)) {
            let rule = dir.pick(
                DiffRule::RequestEnumValueRemoved,
                DiffRule::ResponseEnumValueRemoved,
            );
            self.push(rule, loc, at, format!("{what}: enum value {v} removed"));
        }
        for v in b.iter().filter(|v| !a.contains(v)) {
            let rule = dir.pick(
                DiffRule::RequestEnumValueAdded,
                DiffRule::ResponseEnumValueAdded,
            );
            self.push(rule, loc, at, format!("{what}: enum value {v} added"));
        }
    }

    fn limit_rules(&mut self, loc: &str, what: &str, o: &View<'a>, n: &View<'a>, dir: Dir) {
        for (key, upper) in LIMITS {
            let (a, b) = (o.limits.get(key).copied(), n.limits.get(key).copied());
            let tightened = match (a, b) {
                (None, None) => continue,
                (Some(a), Some(b)) if a == b => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => (b < a) == upper,
            };
            let show = |x: Option<f64>| x.map_or_else(|| "none".to_string(), |x| x.to_string());
            let (rule, verb) = if tightened {
                let rule = dir.pick(
                    DiffRule::RequestLimitTightened,
                    DiffRule::ResponseLimitTightened,
                );
                (rule, "tightened")
            } else {
                let rule = dir.pick(
                    DiffRule::RequestLimitLoosened,
                    DiffRule::ResponseLimitLoosened,
                );
                (rule, "loosened")
            };
            let change = format!("{what}: {key} {} → {} ({verb})", show(a), show(b));
            self.push(rule, loc, &n.at, change);
        }
    }

    fn property_rules(
        &mut self,
        loc: &str,
        what: &str,
        o: &View<'a>,
        n: &View<'a>,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        for (name, (s, _)) in &o.properties {
            let field = format!("{what} field `{name}`");
            let Some((t, at)) = n.properties.get(name) else {
                let rule = match (dir, o.required.contains(name)) {
                    (Dir::Request, _) => DiffRule::RequestFieldRemoved,
                    (Dir::Response, true) => DiffRule::RequiredResponseFieldRemoved,
                    (Dir::Response, false) => DiffRule::OptionalResponseFieldRemoved,
                };
                self.push(rule, loc, &n.at, format!("{field} removed"));
                continue;
            };
            let became = dir.pick(
                [
                    DiffRule::RequestFieldBecameRequired,
                    DiffRule::RequestFieldBecameOptional,
                ],
                [
                    DiffRule::ResponseFieldBecameRequired,
                    DiffRule::ResponseFieldBecameOptional,
                ],
            );
            let flags = (o.required.contains(name), n.required.contains(name));
            self.required(loc, at, &field, flags, became);
            self.schema(loc, &field, s, t, at, dir, seen);
        }
        for (name, (_, at)) in n
            .properties
            .iter()
            .filter(|(k, _)| !o.properties.contains_key(*k))
        {
            let required = n.required.contains(name);
            let rule = match (dir, required) {
                (Dir::Request, true) => DiffRule::RequiredRequestFieldAdded,
                (Dir::Request, false) => DiffRule::OptionalRequestFieldAdded,
                (Dir::Response, _) => DiffRule::ResponseFieldAdded,
            };
            let kind = if required { "required" } else { "optional" };
            self.push(rule, loc, at, format!("{kind} {what} field `{name}` added"));
        }
    }
}
