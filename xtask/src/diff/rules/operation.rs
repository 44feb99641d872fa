//! Rules for one operation: deprecation, security, parameters, request
//! body, responses, headers and media types.

use std::collections::BTreeMap;

use serde_json::Value;

use super::walk::{Op, flag, join, obj, parameters, requirements, resolve};
use super::{Cx, Dir, Severity};

impl<'a> Cx<'a> {
    pub(super) fn operation(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
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

    pub(super) fn security(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
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

    pub(super) fn parameters(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
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

    pub(super) fn request_body(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
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

    pub(super) fn responses(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
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

    pub(super) fn headers(&mut self, loc: &str, code: &str, old: &'a Value, new: &'a Value) {
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
    pub(super) fn content(
        &mut self,
        loc: &str,
        what: &str,
        old: &'a Value,
        new: &'a Value,
        dir: Dir,
    ) {
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
}
