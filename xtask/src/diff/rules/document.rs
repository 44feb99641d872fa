//! Document-wide rules: servers, security schemes, and which operations
//! exist (each pair then compared by [`super::operation`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::read::{compact_json, flag, list, obj, operations, resolve, strip_docs};
use super::{Cx, DiffRule};

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
            let change = format!("server URL `{url}` removed");
            self.push(DiffRule::ServerRemoved, "API", change);
        }
        for url in new.difference(&old) {
            let change = format!("server URL `{url}` added");
            self.push(DiffRule::ServerAdded, "API", change);
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
            let (rule, change) = match new.get(name) {
                None => (DiffRule::SecuritySchemeRemoved, "removed".into()),
                Some(d) if d != def => (
                    DiffRule::SecuritySchemeChanged,
                    format!("changed: {} → {}", compact_json(def), compact_json(d)),
                ),
                Some(_) => continue,
            };
            self.push(rule, "API", format!("security scheme `{name}` {change}"));
        }
        for name in new.keys().filter(|k| !old.contains_key(*k)) {
            let change = format!("security scheme `{name}` added");
            self.push(DiffRule::SecuritySchemeAdded, "API", change);
        }
    }

    pub(super) fn operations(&mut self) {
        let (old_ops, new_ops) = (operations(self.old), operations(self.new));
        let location =
            |(path, method): &(String, String)| format!("{} {path}", method.to_ascii_uppercase());
        for (key, old_op) in &old_ops {
            match new_ops.get(key) {
                Some(new_op) => self.operation(&location(key), old_op, new_op),
                None => {
                    let was = if flag(old_op.op, "deprecated") {
                        " (it was deprecated)"
                    } else {
                        ""
                    };
                    let change = format!("operation removed{was}");
                    self.push(DiffRule::OperationRemoved, &location(key), change);
                }
            }
        }
        for key in new_ops.keys().filter(|k| !old_ops.contains_key(*k)) {
            self.push(DiffRule::OperationAdded, &location(key), "operation added");
        }
    }
}
