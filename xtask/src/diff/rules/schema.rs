//! Rules for schemas, judged by the direction data flows: types and
//! formats, enums, limits, properties.

use serde_json::Value;

use super::walk::{compact_json, flag, properties, ref_of, resolve, strip_docs};
use super::{Cx, Dir, Severity};

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
            let (s, t) = (o.get(key).map(strip_docs), n.get(key).map(strip_docs));
            if s != t {
                self.push(
                    Severity::PotentiallyBreaking,
                    "composition-changed",
                    loc,
                    format!("{what}: `{key}` changed"),
                    "alternatives changed; check by hand which values are still valid",
                );
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
                Severity::Breaking,
                "type-changed",
                loc,
                format!("{what}: type {a} → {b}"),
                "values of the old type are no longer valid; the generated Rust type changes",
            );
        }
        let (a, b) = (s(o, "format"), s(n, "format"));
        if a != b {
            let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".into());
            let (severity, reason) = match (&a, &b, dir) {
                (Some(_), Some(_), _) => (
                    Severity::Breaking,
                    "values in the old format are no longer valid; the generated Rust type may change",
                ),
                (None, Some(_), Dir::Request) => (
                    Severity::PotentiallyBreaking,
                    "the server may now reject values that do not match the format",
                ),
                (Some(_), None, Dir::Response) => (
                    Severity::PotentiallyBreaking,
                    "values may no longer match the old format; clients that parse them may fail",
                ),
                _ => (Severity::NonBreaking, "what was valid before still is"),
            };
            self.push(
                severity,
                "format-changed",
                loc,
                format!("{what}: format {} → {}", show(&a), show(&b)),
                reason,
            );
        }
        match (flag(o, "nullable"), flag(n, "nullable"), dir) {
            (true, false, Dir::Request) => self.push(
                Severity::Breaking,
                "nullable-removed",
                loc,
                format!("{what}: no longer nullable"),
                "requests that send null are rejected",
            ),
            (false, true, Dir::Response) => self.push(
                Severity::Breaking,
                "nullable-added",
                loc,
                format!("{what}: now nullable"),
                "clients receive null where they expect a value",
            ),
            (a, b, _) if a != b => self.push(
                Severity::NonBreaking,
                "nullable-changed",
                loc,
                format!("{what}: nullable {a} → {b}"),
                "what was valid before still is",
            ),
            _ => {}
        }
        if o.get("pattern") != n.get("pattern") {
            let show = |v: &Value| {
                v.get("pattern")
                    .and_then(Value::as_str)
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| "none".into())
            };
            self.push(
                Severity::PotentiallyBreaking,
                "pattern-changed",
                loc,
                format!("{what}: pattern {} → {}", show(o), show(n)),
                "the set of valid strings changed; check values clients send or read",
            );
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
            let (severity, reason) = match dir {
                Dir::Request => (
                    Severity::Breaking,
                    "requests that send it are rejected; the generated variant disappears",
                ),
                Dir::Response => (
                    Severity::NonBreaking,
                    "the server no longer sends it; clients that handle it are unaffected",
                ),
            };
            self.push(
                severity,
                "enum-value-removed",
                loc,
                format!("{what}: enum value {v} removed"),
                reason,
            );
        }
        for v in b.iter().filter(|v| !a.contains(v)) {
            let reason = match dir {
                Dir::Request => "clients may send it; the old values are still accepted",
                Dir::Response => {
                    "the generated enums are forward-compatible: an unknown value decodes as `Unknown(String)` instead of failing"
                }
            };
            self.push(
                Severity::NonBreaking,
                "enum-value-added",
                loc,
                format!("{what}: enum value {v} added"),
                reason,
            );
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
            let (severity, reason) = match (dir, tightened) {
                (Dir::Request, true) => (
                    Severity::Breaking,
                    "requests that were valid may now be rejected",
                ),
                (Dir::Request, false) => (
                    Severity::NonBreaking,
                    "every request that was valid still is",
                ),
                (Dir::Response, true) => (
                    Severity::NonBreaking,
                    "responses stay within what clients accepted before",
                ),
                (Dir::Response, false) => (
                    Severity::PotentiallyBreaking,
                    "responses may exceed the old limit; generated types that check it when decoding reject them",
                ),
            };
            let verb = if tightened { "tightened" } else { "loosened" };
            self.push(
                severity,
                if tightened {
                    "limit-tightened"
                } else {
                    "limit-loosened"
                },
                loc,
                format!("{what}: {key} {} → {} ({verb})", show(a), show(b)),
                reason,
            );
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
                let (severity, reason) = match (dir, ra.contains(name)) {
                    (Dir::Request, _) => (
                        Severity::PotentiallyBreaking,
                        "the server ignores it now, so setting it has no effect; the generated field disappears",
                    ),
                    (Dir::Response, true) => (
                        Severity::Breaking,
                        "it was required: clients that read it get nothing, and old generated clients fail to decode the response",
                    ),
                    (Dir::Response, false) => (
                        Severity::Breaking,
                        "clients that read it get nothing from now on; the generated field disappears",
                    ),
                };
                self.push(
                    severity,
                    "field-removed",
                    loc,
                    format!("{field} removed"),
                    reason,
                );
                continue;
            };
            match (ra.contains(name), rb.contains(name), dir) {
                (false, true, Dir::Request) => self.push(
                    Severity::Breaking,
                    "request-field-became-required",
                    loc,
                    format!("{field} became required"),
                    "requests without it are rejected",
                ),
                (true, false, Dir::Request) => self.push(
                    Severity::NonBreaking,
                    "request-field-became-optional",
                    loc,
                    format!("{field} became optional"),
                    "requests that send it keep working",
                ),
                (true, false, Dir::Response) => self.push(
                    Severity::Breaking,
                    "response-field-became-optional",
                    loc,
                    format!("{field} became optional"),
                    "clients that read it may get nothing; old generated clients fail to decode responses without it",
                ),
                (false, true, Dir::Response) => self.push(
                    Severity::NonBreaking,
                    "response-field-became-required",
                    loc,
                    format!("{field} became required"),
                    "it is now always sent; clients already handle it",
                ),
                _ => {}
            }
            self.schema(loc, &field, s, t, dir, seen);
        }
        for (name, _) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
            let field = format!("{what} field `{name}`");
            let (severity, rule, change, reason) = match (dir, rb.contains(name)) {
                (Dir::Request, true) => (
                    Severity::Breaking,
                    "required-request-field-added",
                    format!("required {field} added"),
                    "requests without it are rejected",
                ),
                (Dir::Request, false) => (
                    Severity::NonBreaking,
                    "optional-request-field-added",
                    format!("optional {field} added"),
                    "requests without it keep working",
                ),
                (Dir::Response, required) => (
                    Severity::NonBreaking,
                    "response-field-added",
                    format!(
                        "{} {field} added",
                        if required { "required" } else { "optional" }
                    ),
                    "clients ignore fields they do not know; the generated structs do not deny unknown fields",
                ),
            };
            self.push(severity, rule, loc, change, reason);
        }
    }
}
