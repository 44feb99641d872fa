//! The spec half of `cargo xtask diff`: what changed between two versions
//! of an OpenAPI document, and what each change means for a client.
//!
//! The rules follow the established OpenAPI diff tools (oasdiff,
//! openapi-diff): a change is judged from the caller's side, so the same
//! edit can be breaking in a request and harmless in a response (a new
//! required field must be sent, but may be ignored when received). The
//! documents are compared as JSON values with `$ref`s resolved, so moving a
//! schema into `components` is not a change, but editing one is reported at
//! every operation that uses it, where a reviewer needs to see it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

/// How a change affects existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing clients stop working (a request is rejected, a response no
    /// longer decodes or no longer carries what they read).
    Breaking,
    /// Existing clients may stop working, depending on how they use it.
    PotentiallyBreaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Severity {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::PotentiallyBreaking => "potentially breaking",
            Severity::NonBreaking => "non-breaking",
        }
    }
}

/// One change between two versions of a spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects existing clients.
    pub severity: Severity,
    /// Stable identifier of the rule that found it, for tools.
    pub rule: &'static str,
    /// Where: `PUT /organizations/{id}`, or `API` for document-wide changes.
    pub location: String,
    /// What changed, in a few words.
    pub change: String,
    /// Why it has this severity, in one line.
    pub reason: String,
}

/// Which way data flows through a schema: rules for what a client sends and
/// for what it receives are mirror images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every change from `old` to `new` (whole documents), most severe first.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        out: Vec::new(),
    };
    cx.servers();
    cx.security_schemes();
    cx.operations();
    cx.out
        .sort_by(|a, b| (a.severity, &a.location).cmp(&(b.severity, &b.location)));
    cx.out
}

struct Cx<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Change>,
}

impl<'a> Cx<'a> {
    fn push(
        &mut self,
        severity: Severity,
        rule: &'static str,
        location: &str,
        change: String,
        reason: &str,
    ) {
        self.out.push(Change {
            severity,
            rule,
            location: location.to_string(),
            change,
            reason: reason.to_string(),
        });
    }

    fn servers(&mut self) {
        let urls = |doc: &Value| -> BTreeSet<String> {
            list(doc.get("servers"))
                .iter()
                .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_string))
                .collect()
        };
        let (old, new) = (urls(self.old), urls(self.new));
        for url in old.difference(&new) {
            self.push(
                Severity::PotentiallyBreaking,
                "server-removed",
                "API",
                format!("server URL `{url}` removed"),
                "callers configured with this base URL must move; the generated `Client::new` takes the URL from the caller, so code still compiles",
            );
        }
        for url in new.difference(&old) {
            self.push(
                Severity::NonBreaking,
                "server-added",
                "API",
                format!("server URL `{url}` added"),
                "a new place to send requests; existing URLs are unaffected",
            );
        }
    }

    fn security_schemes(&mut self) {
        let schemes = |doc: &'a Value| -> BTreeMap<String, Value> {
            obj(doc.pointer("/components/securitySchemes"))
                .iter()
                .map(|(k, v)| (k.clone(), strip_docs(resolve(doc, v))))
                .collect()
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        for (name, def) in &old {
            match new.get(name) {
                None => self.push(
                    Severity::Breaking,
                    "security-scheme-removed",
                    "API",
                    format!("security scheme `{name}` removed"),
                    "clients that authenticate with it are rejected",
                ),
                Some(d) if d != def => self.push(
                    Severity::Breaking,
                    "security-scheme-changed",
                    "API",
                    format!(
                        "security scheme `{name}` changed: {} → {}",
                        compact_json(def),
                        compact_json(d)
                    ),
                    "clients send credentials the old way and are rejected",
                ),
                Some(_) => {}
            }
        }
        for name in new.keys().filter(|k| !old.contains_key(*k)) {
            self.push(
                Severity::NonBreaking,
                "security-scheme-added",
                "API",
                format!("security scheme `{name}` added"),
                "defining a scheme changes nothing until an operation requires it",
            );
        }
    }

    fn operations(&mut self) {
        let (old_ops, new_ops) = (operations(self.old), operations(self.new));
        for (key, old_op) in &old_ops {
            let location = format!("{} {}", key.1.to_ascii_uppercase(), key.0);
            match new_ops.get(key) {
                None => {
                    let was = if flag(old_op.op, "deprecated") {
                        " (it was deprecated)"
                    } else {
                        ""
                    };
                    self.push(
                        Severity::Breaking,
                        "operation-removed",
                        &location,
                        format!("operation removed{was}"),
                        "calls to it fail; the generated method disappears",
                    );
                }
                Some(new_op) => self.operation(&location, old_op, new_op),
            }
        }
        for key in new_ops.keys().filter(|k| !old_ops.contains_key(*k)) {
            self.push(
                Severity::NonBreaking,
                "operation-added",
                &format!("{} {}", key.1.to_ascii_uppercase(), key.0),
                "operation added".into(),
                "new capability; existing calls are unaffected",
            );
        }
    }

    fn operation(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        match (flag(old.op, "deprecated"), flag(new.op, "deprecated")) {
            (false, true) => self.push(
                Severity::NonBreaking,
                "operation-deprecated",
                loc,
                "operation deprecated".into(),
                "it still works; the generated method warns callers to migrate",
            ),
            (true, false) => self.push(
                Severity::NonBreaking,
                "operation-undeprecated",
                loc,
                "operation no longer deprecated".into(),
                "it keeps working; the deprecation warning goes away",
            ),
            _ => {}
        }
        let id = |op: &Value| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        if let (Some(a), Some(b)) = (id(old.op), id(new.op))
            && a != b
        {
            self.push(
                Severity::PotentiallyBreaking,
                "operation-id-changed",
                loc,
                format!("operationId `{a}` → `{b}`"),
                "the HTTP call is the same, but generated clients rename the method",
            );
        }
        self.security(loc, old, new);
        self.parameters(loc, old, new);
        self.request_body(loc, old.op, new.op);
        self.responses(loc, old.op, new.op);
    }

    fn security(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        let (a, b) = (
            requirements(self.old, old.op),
            requirements(self.new, new.op),
        );
        if a == b {
            return;
        }
        if a.is_empty() {
            self.push(
                Severity::Breaking,
                "security-added",
                loc,
                format!("now requires authentication ({})", join(&b)),
                "calls without credentials are rejected",
            );
            return;
        }
        if b.is_empty() {
            self.push(
                Severity::NonBreaking,
                "security-removed",
                loc,
                format!("no longer requires authentication (was {})", join(&a)),
                "credentials are accepted and no longer needed",
            );
            return;
        }
        for r in a.difference(&b) {
            self.push(
                Severity::Breaking,
                "security-requirement-removed",
                loc,
                format!("security requirement `{r}` removed"),
                "clients that authenticate this way are rejected",
            );
        }
        for r in b.difference(&a) {
            self.push(
                Severity::NonBreaking,
                "security-requirement-added",
                loc,
                format!("security requirement `{r}` added as an alternative"),
                "a new way to authenticate; the old ones still work",
            );
        }
    }

    fn parameters(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        let (a, b) = (parameters(self.old, old), parameters(self.new, new));
        for (key, p) in &a {
            let what = format!("{} parameter `{}`", key.0, key.1);
            let Some(q) = b.get(key) else {
                self.push(
                    Severity::PotentiallyBreaking,
                    "parameter-removed",
                    loc,
                    format!("{what} removed"),
                    "the server no longer reads it, so setting it has no effect; the generated setter disappears",
                );
                continue;
            };
            match (flag(p, "required"), flag(q, "required")) {
                (false, true) => self.push(
                    Severity::Breaking,
                    "parameter-became-required",
                    loc,
                    format!("{what} became required"),
                    "calls that leave it out are rejected",
                ),
                (true, false) => self.push(
                    Severity::NonBreaking,
                    "parameter-became-optional",
                    loc,
                    format!("{what} became optional"),
                    "calls that send it keep working",
                ),
                _ => {}
            }
            if let (Some(s), Some(t)) = (p.get("schema"), q.get("schema")) {
                self.schema(loc, &what, s, t, Dir::Request, &mut Vec::new());
            }
        }
        for (key, q) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
            let what = format!("{} parameter `{}`", key.0, key.1);
            if flag(q, "required") {
                self.push(
                    Severity::Breaking,
                    "required-parameter-added",
                    loc,
                    format!("required {what} added"),
                    "calls without it are rejected",
                );
            } else {
                self.push(
                    Severity::NonBreaking,
                    "optional-parameter-added",
                    loc,
                    format!("optional {what} added"),
                    "calls without it keep working",
                );
            }
        }
    }

    fn request_body(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
        let a = old.get("requestBody").map(|b| resolve(self.old, b));
        let b = new.get("requestBody").map(|b| resolve(self.new, b));
        let (a, b) = match (a, b) {
            (None, None) => return,
            (Some(_), None) => {
                self.push(
                    Severity::PotentiallyBreaking,
                    "request-body-removed",
                    loc,
                    "request body removed".into(),
                    "the server ignores what clients send; the generated `body` setter disappears",
                );
                return;
            }
            (None, Some(b)) => {
                let (severity, rule, reason) = if flag(b, "required") {
                    (
                        Severity::Breaking,
                        "required-request-body-added",
                        "calls without a body are rejected",
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        "optional-request-body-added",
                        "calls without a body keep working",
                    )
                };
                self.push(severity, rule, loc, "request body added".into(), reason);
                return;
            }
            (Some(a), Some(b)) => (a, b),
        };
        match (flag(a, "required"), flag(b, "required")) {
            (false, true) => self.push(
                Severity::Breaking,
                "request-body-became-required",
                loc,
                "request body became required".into(),
                "calls without a body are rejected",
            ),
            (true, false) => self.push(
                Severity::NonBreaking,
                "request-body-became-optional",
                loc,
                "request body became optional".into(),
                "calls with a body keep working",
            ),
            _ => {}
        }
        self.content(loc, "request body", a, b, Dir::Request);
    }

    fn responses(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
        let (a, b) = (obj(old.get("responses")), obj(new.get("responses")));
        for (code, r) in a {
            let success = code.starts_with('2');
            let Some(s) = b.get(code) else {
                if success {
                    self.push(
                        Severity::Breaking,
                        "success-status-removed",
                        loc,
                        format!("success response {code} removed"),
                        "clients that handle it no longer get it; the server answers differently",
                    );
                } else {
                    self.push(
                        Severity::NonBreaking,
                        "error-status-removed",
                        loc,
                        format!("response {code} removed"),
                        "one documented failure fewer; clients that handle it are unaffected",
                    );
                }
                continue;
            };
            let (r, s) = (resolve(self.old, r), resolve(self.new, s));
            self.headers(loc, code, r, s);
            self.content(loc, &format!("response {code}"), r, s, Dir::Response);
        }
        for code in b.keys().filter(|c| !a.contains_key(*c)) {
            if code.starts_with('2') {
                self.push(
                    Severity::PotentiallyBreaking,
                    "success-status-added",
                    loc,
                    format!("success response {code} added"),
                    "the server may now answer with it; clients generated from the old spec return `Error::UnexpectedResponse` for it",
                );
            } else {
                self.push(
                    Severity::NonBreaking,
                    "error-status-added",
                    loc,
                    format!("response {code} added"),
                    "a failure is now documented; it fails the call as before",
                );
            }
        }
    }

    fn headers(&mut self, loc: &str, code: &str, old: &'a Value, new: &'a Value) {
        // Header names are case-insensitive.
        let names = |root: &'a Value, r: &'a Value| -> BTreeMap<String, &'a Value> {
            obj(r.get("headers"))
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), resolve(root, v)))
                .collect()
        };
        let (a, b) = (names(self.old, old), names(self.new, new));
        for (name, h) in &a {
            let what = format!("response {code} header `{name}`");
            match b.get(name) {
                None if flag(h, "required") => self.push(
                    Severity::Breaking,
                    "required-response-header-removed",
                    loc,
                    format!("{what} removed"),
                    "it was always sent; clients that read it get nothing",
                ),
                None => self.push(
                    Severity::PotentiallyBreaking,
                    "response-header-removed",
                    loc,
                    format!("{what} removed"),
                    "clients that read it get nothing",
                ),
                Some(g) => {
                    if let (Some(s), Some(t)) = (h.get("schema"), g.get("schema")) {
                        self.schema(loc, &what, s, t, Dir::Response, &mut Vec::new());
                    }
                }
            }
        }
        for name in b.keys().filter(|k| !a.contains_key(*k)) {
            self.push(
                Severity::NonBreaking,
                "response-header-added",
                loc,
                format!("response {code} header `{name}` added"),
                "clients that do not read it are unaffected",
            );
        }
    }

    /// The media types of a request body or response, and their schemas.
    fn content(&mut self, loc: &str, what: &str, old: &'a Value, new: &'a Value, dir: Dir) {
        let (a, b) = (obj(old.get("content")), obj(new.get("content")));
        for (media, m) in a {
            match b.get(media) {
                None => {
                    let reason = match dir {
                        Dir::Request => "clients that send it are rejected",
                        Dir::Response => "clients that expect it get something else",
                    };
                    self.push(
                        Severity::Breaking,
                        "media-type-removed",
                        loc,
                        format!("{what}: media type `{media}` removed"),
                        reason,
                    );
                }
                Some(n) => {
                    if let (Some(s), Some(t)) = (m.get("schema"), n.get("schema")) {
                        self.schema(loc, what, s, t, dir, &mut Vec::new());
                    }
                }
            }
        }
        for media in b.keys().filter(|k| !a.contains_key(*k)) {
            let (severity, reason) = match (dir, a.is_empty()) {
                (Dir::Response, false) => (
                    Severity::PotentiallyBreaking,
                    "the server may answer in a format clients do not expect",
                ),
                (Dir::Response, true) => (
                    Severity::NonBreaking,
                    "the response now has a documented body; clients that ignored it are unaffected",
                ),
                (Dir::Request, _) => (
                    Severity::NonBreaking,
                    "one more format is accepted; existing ones still are",
                ),
            };
            self.push(
                severity,
                "media-type-added",
                loc,
                format!("{what}: media type `{media}` added"),
                reason,
            );
        }
    }

    /// Compares two schemas at `what` (such as ``request body `name` ``).
    /// `seen` holds the `$ref` pairs being compared further up, so recursive
    /// schemas end.
    fn schema(
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

    fn scalar_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
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

    fn enum_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
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

    fn limit_rules(&mut self, loc: &str, what: &str, o: &Value, n: &Value, dir: Dir) {
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

    fn property_rules(
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

/// An operation with the path item it belongs to (for shared parameters).
struct Op<'a> {
    item: &'a Value,
    op: &'a Value,
}

/// Operations by (path, method).
fn operations(doc: &Value) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in obj(doc.get("paths")) {
        let item = resolve(doc, item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert((path.clone(), method.to_string()), Op { item, op });
            }
        }
    }
    out
}

/// Parameters by (location, name): the path item's, overridden by the
/// operation's.
fn parameters<'a>(doc: &'a Value, op: &Op<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for p in list(op.item.get("parameters"))
        .iter()
        .chain(list(op.op.get("parameters")))
    {
        let p = resolve(doc, p);
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        out.insert((s("in"), s("name")), p);
    }
    out
}

/// The effective security requirements of an operation, each alternative as
/// text (`a + b[scope]`); empty when none is needed.
fn requirements(doc: &Value, op: &Value) -> BTreeSet<String> {
    let reqs = op.get("security").or_else(|| doc.get("security"));
    list(reqs)
        .iter()
        .filter_map(|alt| {
            let alt = alt.as_object()?;
            if alt.is_empty() {
                // `{}`: anonymous access is one of the alternatives.
                return Some("none".to_string());
            }
            Some(
                alt.iter()
                    .map(|(name, scopes)| {
                        let scopes: Vec<String> = list(Some(scopes))
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect();
                        if scopes.is_empty() {
                            name.clone()
                        } else {
                            format!("{name}[{}]", scopes.join(", "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" + "),
            )
        })
        .collect()
}

/// Properties and required names of an object schema, with `allOf`
/// members merged in.
fn properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
) -> (BTreeMap<String, &'a Value>, BTreeSet<String>) {
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    let mut stack = vec![schema];
    let mut depth = 0;
    while let Some(s) = stack.pop() {
        depth += 1;
        if depth > 64 {
            break;
        }
        let s = resolve(doc, s);
        for (k, v) in obj(s.get("properties")) {
            props.insert(k.clone(), v);
        }
        for r in list(s.get("required")) {
            if let Some(r) = r.as_str() {
                required.insert(r.to_string());
            }
        }
        stack.extend(list(s.get("allOf")));
    }
    (props, required)
}

/// Follows local `$ref`s (bounded, so a reference cycle ends).
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        match target.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(next) => v = next,
            None => return v,
        }
    }
    v
}

fn ref_of(v: &Value) -> &str {
    v.get("$ref").and_then(Value::as_str).unwrap_or("")
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn obj(v: Option<&Value>) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    v.and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn compact_json(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// A value without the parts that are documentation only.
fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description"
                            | "example"
                            | "examples"
                            | "externalDocs"
                            | "summary"
                            | "title"
                    ) && !k.starts_with("x-")
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}
