//! Document-wide rules: servers, security schemes, and which operations
//! exist (each pair then compared by [`super::operation`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::{compact_json, flag, list, obj, operations, resolve, strip_docs};
use super::{Cx, Severity};

impl<'a> Cx<'a> {
    pub(super) fn servers(&mut self) {
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

    pub(super) fn security_schemes(&mut self) {
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

    pub(super) fn operations(&mut self) {
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
}
