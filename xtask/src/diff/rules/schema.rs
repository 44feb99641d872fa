//! Rules for schemas, judged by the direction data flows: types and
//! formats, enums, limits, properties.

use serde_json::Value;

use super::read::{compact_json, flag, properties, ref_of, resolve, strip_docs};
use super::{Cx, DiffRule, Dir};

impl<'a> Cx<'a> {
    /// Compares two schemas at `what` (such as ``request body `name` ``).
    /// `seen` holds the `$ref` pairs being compared further up, so recursive
    /// schemas end.
    pub(super) fn schema(
        &mut self,
        loc: &str,
        what: &str,
        old: &'a Value,
        new: &'a Value,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        let pair = (ref_of(old).to_string(), ref_of(new).to_string());
        if (!pair.0.is_empty() || !pair.1.is_empty()) && seen.contains(&pair) {
            return;
        }
        seen.push(pair);
        let (o, n) = (resolve(self.old, old), resolve(self.new, new));
        self.scalar_rules(loc, what, o, n, dir);
        self.enum_rules(loc, what, o, n, dir);
        self.limit_rules(loc, what, o, n, dir);
        self.property_rules(loc, what, o, n, dir, seen);
        if let (Some(s), Some(t)) = (o.get("items"), n.get("items")) {
            self.schema(loc, &format!("{what}[]"), s, t, dir, seen);
        }
        if let (Some(s @ Value::Object(_)), Some(t @ Value::Object(_))) =
            (o.get("additionalProperties"), n.get("additionalProperties"))
        {
            self.schema(loc, &format!("{what}{{}}"), s, t, dir, seen);
        }
        for key in ["oneOf", "anyOf", "not"] {
            if o.get(key).map(strip_docs) != n.get(key).map(strip_docs) {
                let change = format!("{what}: `{key}` changed");
                self.push(DiffRule::CompositionChanged, loc, change);
            }
        }
        seen.pop();
    }

    pub(super) fn scalar_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        if let (Some(a), Some(b)) = (s(o, "type"), s(n, "type"))
            && a != b
        {
            self.push(
                DiffRule::TypeChanged,
                loc,
                format!("{what}: type {a} → {b}"),
            );
        }
        let (a, b) = (s(o, "format"), s(n, "format"));
        if a != b {
            let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".into());
            let rule = match (&a, &b, dir) {
                (Some(_), Some(_), _) => DiffRule::FormatChanged,
                (None, Some(_), Dir::Request) => DiffRule::RequestFormatAdded,
                (Some(_), None, Dir::Response) => DiffRule::ResponseFormatRemoved,
                _ => DiffRule::FormatRelaxed,
            };
            let change = format!("{what}: format {} → {}", show(&a), show(&b));
            self.push(rule, loc, change);
        }
        let nullable = match (flag(o, "nullable"), flag(n, "nullable"), dir) {
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
            self.push(rule, loc, format!("{what}: {change}"));
        }
        if o.get("pattern") != n.get("pattern") {
            let show = |v: &Value| {
                v.get("pattern")
                    .and_then(Value::as_str)
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| "none".into())
            };
            let change = format!("{what}: pattern {} → {}", show(o), show(n));
            self.push(DiffRule::PatternChanged, loc, change);
        }
    }

    pub(super) fn enum_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
        let values = |v: &Value| -> Option<Vec<String>> {
            v.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(compact_json).collect())
        };
        let (Some(a), Some(b)) = (values(o), values(n)) else {
            return;
        };
        for v in a.iter().filter(|v| !b.contains(v)) {
            let rule = dir.pick(
                DiffRule::RequestEnumValueRemoved,
                DiffRule::ResponseEnumValueRemoved,
            );
            self.push(rule, loc, format!("{what}: enum value {v} removed"));
        }
        for v in b.iter().filter(|v| !a.contains(v)) {
            let rule = dir.pick(
                DiffRule::RequestEnumValueAdded,
                DiffRule::ResponseEnumValueAdded,
            );
            self.push(rule, loc, format!("{what}: enum value {v} added"));
        }
    }

    pub(super) fn limit_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
        // (keyword, true for an upper bound)
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
        for (key, upper) in LIMITS {
            let (a, b) = (
                o.get(key).and_then(Value::as_f64),
                n.get(key).and_then(Value::as_f64),
            );
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
            self.push(rule, loc, change);
        }
    }

    pub(super) fn property_rules(
        &mut self,
        loc: &str,
        what: &str,
        o: &'a Value,
        n: &'a Value,
        dir: Dir,
        seen: &mut Vec<(String, String)>,
    ) {
        let (a, ra) = properties(self.old, o);
        let (b, rb) = properties(self.new, n);
        for (name, s) in &a {
            let field = format!("{what} field `{name}`");
            let Some(t) = b.get(name) else {
                let rule = match (dir, ra.contains(name)) {
                    (Dir::Request, _) => DiffRule::RequestFieldRemoved,
                    (Dir::Response, true) => DiffRule::RequiredResponseFieldRemoved,
                    (Dir::Response, false) => DiffRule::OptionalResponseFieldRemoved,
                };
                self.push(rule, loc, format!("{field} removed"));
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
            let flags = (ra.contains(name), rb.contains(name));
            self.required(loc, &field, flags, became);
            self.schema(loc, &field, s, t, dir, seen);
        }
        for name in b.keys().filter(|k| !a.contains_key(*k)) {
            let required = rb.contains(name);
            let rule = match (dir, required) {
                (Dir::Request, true) => DiffRule::RequiredRequestFieldAdded,
                (Dir::Request, false) => DiffRule::OptionalRequestFieldAdded,
                (Dir::Response, _) => DiffRule::ResponseFieldAdded,
            };
            let kind = if required { "required" } else { "optional" };
            self.push(rule, loc, format!("{kind} {what} field `{name}` added"));
        }
    }
}
