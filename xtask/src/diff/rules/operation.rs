//! Rules for one operation: deprecation, security, parameters, request
//! body, responses, headers and media types.

use std::collections::BTreeMap;

use serde_json::Value;

use super::read::{Op, flag, join, obj, parameters, requirements, resolve};
use super::{Cx, DiffRule, Dir};

impl<'a> Cx<'a> {
    pub(super) fn operation(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        let deprecation = match (flag(old.op, "deprecated"), flag(new.op, "deprecated")) {
            (false, true) => Some((DiffRule::OperationDeprecated, "operation deprecated")),
            (true, false) => Some((
                DiffRule::OperationUndeprecated,
                "operation no longer deprecated",
            )),
            _ => None,
        };
        if let Some((rule, change)) = deprecation {
            self.push(rule, loc, change);
        }
        let id = |op: &Value| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        if let (Some(a), Some(b)) = (id(old.op), id(new.op))
            && a != b
        {
            let change = format!("operationId `{a}` → `{b}`");
            self.push(DiffRule::OperationIdChanged, loc, change);
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
            let change = format!("now requires authentication ({})", join(&b));
            self.push(DiffRule::SecurityAdded, loc, change);
        } else if b.is_empty() {
            let change = format!("no longer requires authentication (was {})", join(&a));
            self.push(DiffRule::SecurityRemoved, loc, change);
        } else {
            for r in a.difference(&b) {
                let change = format!("security requirement `{r}` removed");
                self.push(DiffRule::SecurityRequirementRemoved, loc, change);
            }
            for r in b.difference(&a) {
                let change = format!("security requirement `{r}` added as an alternative");
                self.push(DiffRule::SecurityRequirementAdded, loc, change);
            }
        }
    }

    pub(super) fn parameters(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        let (a, b) = (parameters(self.old, old), parameters(self.new, new));
        for (key, p) in &a {
            let what = format!("{} parameter `{}`", key.0, key.1);
            let Some(q) = b.get(key) else {
                self.push(DiffRule::ParameterRemoved, loc, format!("{what} removed"));
                continue;
            };
            let flags = (flag(p, "required"), flag(q, "required"));
            let became = [
                DiffRule::ParameterBecameRequired,
                DiffRule::ParameterBecameOptional,
            ];
            self.required(loc, &what, flags, became);
            self.schemas(loc, &what, p, q, Dir::Request);
        }
        for (key, q) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
            let (rule, kind) = if flag(q, "required") {
                (DiffRule::RequiredParameterAdded, "required")
            } else {
                (DiffRule::OptionalParameterAdded, "optional")
            };
            let change = format!("{kind} {} parameter `{}` added", key.0, key.1);
            self.push(rule, loc, change);
        }
    }

    pub(super) fn request_body(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
        let a = old.get("requestBody").map(|b| resolve(self.old, b));
        let b = new.get("requestBody").map(|b| resolve(self.new, b));
        let (a, b) = match (a, b) {
            (Some(a), Some(b)) => (a, b),
            (None, None) => return,
            (Some(_), None) => {
                return self.push(DiffRule::RequestBodyRemoved, loc, "request body removed");
            }
            (None, Some(b)) => {
                let rule = if flag(b, "required") {
                    DiffRule::RequiredRequestBodyAdded
                } else {
                    DiffRule::OptionalRequestBodyAdded
                };
                return self.push(rule, loc, "request body added");
            }
        };
        let flags = (flag(a, "required"), flag(b, "required"));
        let became = [
            DiffRule::RequestBodyBecameRequired,
            DiffRule::RequestBodyBecameOptional,
        ];
        self.required(loc, "request body", flags, became);
        self.content(loc, "request body", a, b, Dir::Request);
    }

    pub(super) fn responses(&mut self, loc: &str, old: &'a Value, new: &'a Value) {
        let (a, b) = (obj(old.get("responses")), obj(new.get("responses")));
        // A success the client decodes, or a failure it reports either way.
        let status = |code: &str, [success, failure]: [DiffRule; 2]| {
            if code.starts_with('2') {
                (success, "success response")
            } else {
                (failure, "response")
            }
        };
        for (code, r) in a {
            let Some(s) = b.get(code) else {
                let removed = [DiffRule::SuccessStatusRemoved, DiffRule::ErrorStatusRemoved];
                let (rule, what) = status(code, removed);
                self.push(rule, loc, format!("{what} {code} removed"));
                continue;
            };
            let (r, s) = (resolve(self.old, r), resolve(self.new, s));
            self.headers(loc, code, r, s);
            self.content(loc, &format!("response {code}"), r, s, Dir::Response);
        }
        for code in b.keys().filter(|c| !a.contains_key(*c)) {
            let (rule, what) = status(
                code,
                [DiffRule::SuccessStatusAdded, DiffRule::ErrorStatusAdded],
            );
            self.push(rule, loc, format!("{what} {code} added"));
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
                Some(g) => self.schemas(loc, &what, h, g, Dir::Response),
                None => {
                    let rule = if flag(h, "required") {
                        DiffRule::RequiredResponseHeaderRemoved
                    } else {
                        DiffRule::ResponseHeaderRemoved
                    };
                    self.push(rule, loc, format!("{what} removed"));
                }
            }
        }
        for name in b.keys().filter(|k| !a.contains_key(*k)) {
            let change = format!("response {code} header `{name}` added");
            self.push(DiffRule::ResponseHeaderAdded, loc, change);
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
                Some(n) => self.schemas(loc, what, m, n, dir),
                None => {
                    let rule = dir.pick(
                        DiffRule::RequestMediaTypeRemoved,
                        DiffRule::ResponseMediaTypeRemoved,
                    );
                    self.push(rule, loc, format!("{what}: media type `{media}` removed"));
                }
            }
        }
        for media in b.keys().filter(|k| !a.contains_key(*k)) {
            let rule = match (dir, a.is_empty()) {
                (Dir::Request, _) => DiffRule::RequestMediaTypeAdded,
                (Dir::Response, false) => DiffRule::ResponseMediaTypeAdded,
                (Dir::Response, true) => DiffRule::ResponseBodyAdded,
            };
            self.push(rule, loc, format!("{what}: media type `{media}` added"));
        }
    }

    /// The `schema`s of a parameter, header or media type, when both have one.
    fn schemas(&mut self, loc: &str, what: &str, old: &'a Value, new: &'a Value, dir: Dir) {
        if let (Some(s), Some(t)) = (old.get("schema"), new.get("schema")) {
            self.schema(loc, what, s, t, dir, &mut Vec::new());
        }
    }
}
