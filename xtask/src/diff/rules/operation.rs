//! Rules for one operation: deprecation, security, parameters, request
//! body, responses, headers and media types.

use std::collections::BTreeMap;

use serde_json::Value;

use super::read::{Op, deref, flag, join, join_pointer, obj, parameters, requirements};
use super::{Cx, DiffRule, Dir};

impl<'a> Cx<'a> {
    /// Compares one operation; `renamed` maps the old path's parameter
    /// names to the new one's, when the path was matched by its template.
    pub(super) fn operation(
        &mut self,
        loc: &str,
        old: &Op<'a>,
        new: &Op<'a>,
        renamed: &BTreeMap<String, String>,
    ) {
        let at = new.at.as_str();
        let deprecation = match (flag(old.op, "deprecated"), flag(new.op, "deprecated")) {
            (false, true) => Some((DiffRule::OperationDeprecated, "operation deprecated")),
            (true, false) => Some((
                DiffRule::OperationUndeprecated,
                "operation no longer deprecated",
            )),
            _ => None,
        };
        if let Some((rule, change)) = deprecation {
            self.push(rule, loc, at, change);
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
            self.push(DiffRule::OperationIdChanged, loc, at, change);
        }
        self.security(loc, old, new);
        self.parameters(loc, old, new, renamed);
        self.request_body(loc, old.op, new);
        self.responses(loc, old.op, new);
    }

    pub(super) fn security(&mut self, loc: &str, old: &Op<'a>, new: &Op<'a>) {
        let (a, b) = (
            requirements(self.old, old.op),
            requirements(self.new, new.op),
        );
        if a == b {
            return;
        }
        let at = &join_pointer(&new.at, "security");
        if a.is_empty() {
            let change = format!("now requires authentication ({})", join(&b));
            self.push(DiffRule::SecurityAdded, loc, at, change);
        } else if b.is_empty() {
            let change = format!("no longer requires authentication (was {})", join(&a));
            self.push(DiffRule::SecurityRemoved, loc, at, change);
        } else {
            for r in a.difference(&b) {
                let change = format!("security requirement `{r}` removed");
                self.push(DiffRule::SecurityRequirementRemoved, loc, at, change);
            }
            for r in b.difference(&a) {
                let change = format!("security requirement `{r}` added as an alternative");
                self.push(DiffRule::SecurityRequirementAdded, loc, at, change);
            }
        }
    }

    pub(super) fn parameters(
        &mut self,
        loc: &str,
        old: &Op<'a>,
        new: &Op<'a>,
        renamed: &BTreeMap<String, String>,
    ) {
        let a = parameters(self.old, old, renamed);
        let b = parameters(self.new, new, &BTreeMap::new());
        for (key, (p, _)) in &a {
            let what = format!("{} parameter `{}`", key.0, key.1);
            let Some((q, at)) = b.get(key) else {
                let change = format!("{what} removed");
                self.push(DiffRule::ParameterRemoved, loc, &new.at, change);
                continue;
            };
            let flags = (flag(p, "required"), flag(q, "required"));
            let became = [
                DiffRule::ParameterBecameRequired,
                DiffRule::ParameterBecameOptional,
            ];
            self.required(loc, at, &what, flags, became);
            self.schemas(loc, &what, p, (q, at), Dir::Request);
        }
        for (key, (q, at)) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
            let (rule, kind) = if flag(q, "required") {
                (DiffRule::RequiredParameterAdded, "required")
            } else {
                (DiffRule::OptionalParameterAdded, "optional")
            };
            let change = format!("{kind} {} parameter `{}` added", key.0, key.1);
            self.push(rule, loc, at, change);
        }
    }

    pub(super) fn request_body(&mut self, loc: &str, old: &'a Value, new: &Op<'a>) {
        let a = old.get("requestBody").map(|b| deref(self.old, b, "").0);
        let here = join_pointer(&new.at, "requestBody");
        let b = new.op.get("requestBody").map(|b| deref(self.new, b, &here));
        let (a, (b, at)) = match (a, b) {
            (Some(a), Some(b)) => (a, b),
            (None, None) => return,
            (Some(_), None) => {
                let change = "request body removed";
                return self.push(DiffRule::RequestBodyRemoved, loc, &new.at, change);
            }
            (None, Some((b, at))) => {
                let rule = if flag(b, "required") {
                    DiffRule::RequiredRequestBodyAdded
                } else {
                    DiffRule::OptionalRequestBodyAdded
                };
                return self.push(rule, loc, &at, "request body added");
            }
        };
        let flags = (flag(a, "required"), flag(b, "required"));
        let became = [
            DiffRule::RequestBodyBecameRequired,
            DiffRule::RequestBodyBecameOptional,
        ];
        self.required(loc, &at, "request body", flags, became);
        self.content(loc, "request body", a, (b, &at), Dir::Request);
    }

    pub(super) fn responses(&mut self, loc: &str, old: &'a Value, new: &Op<'a>) {
        let (a, b) = (obj(old.get("responses")), obj(new.op.get("responses")));
        let here = join_pointer(&new.at, "responses");
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
                self.push(rule, loc, &here, format!("{what} {code} removed"));
                continue;
            };
            let r = deref(self.old, r, "").0;
            let (s, at) = deref(self.new, s, &join_pointer(&here, code));
            self.headers(loc, code, r, (s, &at));
            self.content(loc, &format!("response {code}"), r, (s, &at), Dir::Response);
        }
        for code in b.keys().filter(|c| !a.contains_key(*c)) {
            let (rule, what) = status(
                code,
                [DiffRule::SuccessStatusAdded, DiffRule::ErrorStatusAdded],
            );
            self.push(
                rule,
                loc,
                &join_pointer(&here, code),
                format!("{what} {code} added"),
            );
        }
    }

    pub(super) fn headers(
        &mut self,
        loc: &str,
        code: &str,
        old: &'a Value,
        (new, at): (&'a Value, &str),
    ) {
        // Header names are case-insensitive.
        let names = |root: &'a Value, r: &'a Value, at: &str| {
            let at = join_pointer(at, "headers");
            obj(r.get("headers"))
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        deref(root, v, &join_pointer(&at, k)),
                    )
                })
                .collect::<BTreeMap<_, _>>()
        };
        let (a, b) = (names(self.old, old, ""), names(self.new, new, at));
        for (name, (h, _)) in &a {
            let what = format!("response {code} header `{name}`");
            match b.get(name) {
                Some((g, here)) => self.schemas(loc, &what, h, (g, here), Dir::Response),
                None => {
                    let rule = if flag(h, "required") {
                        DiffRule::RequiredResponseHeaderRemoved
                    } else {
                        DiffRule::ResponseHeaderRemoved
                    };
                    self.push(rule, loc, at, format!("{what} removed"));
                }
            }
        }
        for (name, (_, here)) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
            let change = format!("response {code} header `{name}` added");
            self.push(DiffRule::ResponseHeaderAdded, loc, here, change);
        }
    }

    /// The media types of a request body or response, and their schemas.
    pub(super) fn content(
        &mut self,
        loc: &str,
        what: &str,
        old: &'a Value,
        (new, at): (&'a Value, &str),
        dir: Dir,
    ) {
        let (a, b) = (obj(old.get("content")), obj(new.get("content")));
        let here = join_pointer(at, "content");
        for (media, m) in a {
            match b.get(media) {
                Some(n) => {
                    let at = join_pointer(&here, media);
                    self.schemas(loc, what, m, (n, &at), dir);
                }
                None => {
                    let rule = dir.pick(
                        DiffRule::RequestMediaTypeRemoved,
                        DiffRule::ResponseMediaTypeRemoved,
                    );
                    let change = format!("{what}: media type `{media}` removed");
                    self.push(rule, loc, at, change);
                }
            }
        }
        for media in b.keys().filter(|k| !a.contains_key(*k)) {
            let rule = match (dir, a.is_empty()) {
                (Dir::Request, _) => DiffRule::RequestMediaTypeAdded,
                (Dir::Response, false) => DiffRule::ResponseMediaTypeAdded,
                (Dir::Response, true) => DiffRule::ResponseBodyAdded,
            };
            let at = join_pointer(&here, media);
            self.push(
                rule,
                loc,
                &at,
                format!("{what}: media type `{media}` added"),
            );
        }
    }

    /// The `schema`s of a parameter, header or media type, when both have one.
    fn schemas(
        &mut self,
        loc: &str,
        what: &str,
        old: &'a Value,
        (new, at): (&'a Value, &str),
        dir: Dir,
    ) {
        if let (Some(s), Some(t)) = (old.get("schema"), new.get("schema")) {
            let at = join_pointer(at, "schema");
            self.schema(loc, what, s, t, &at, dir, &mut Vec::new());
        }
    }
}
