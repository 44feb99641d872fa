//! Document-wide rules: servers, security schemes, and which operations
//! exist (each pair then compared by [`super::operation`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::read::{
    Op, compact_json, flag, join_pointer, list, obj, operations, path_names, resolve, strip_docs,
    template,
};
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
            self.push(DiffRule::ServerRemoved, "API", "/servers", change);
        }
        for url in new.difference(&old) {
            let change = format!("server URL `{url}` added");
            self.push(DiffRule::ServerAdded, "API", "/servers", change);
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
            let at = join_pointer("/components/securitySchemes", name);
            self.push(
                rule,
                "API",
                &at,
                format!("security scheme `{name}` {change}"),
            );
        }
        for name in new.keys().filter(|k| !old.contains_key(*k)) {
            let change = format!("security scheme `{name}` added");
            let at = join_pointer("/components/securitySchemes", name);
            self.push(DiffRule::SecuritySchemeAdded, "API", &at, change);
        }
    }

    /// Pairs the operations of both sides by method and path, then by
    /// method and path template (a path parameter renamed is the same URL),
    /// and compares each pair; the rest were removed or added.
    pub(super) fn operations(&mut self) {
        let (old_ops, mut new_ops) = (operations(self.old), operations(self.new));
        let location =
            |(path, method): &(String, String)| format!("{} {path}", method.to_ascii_uppercase());
        let mut removed = Vec::new();
        for (key, old_op) in &old_ops {
            match new_ops.remove(key) {
                Some(new_op) => self.operation(&location(key), old_op, &new_op, &BTreeMap::new()),
                None => removed.push((key, old_op)),
            }
        }
        for (key, old_op) in removed {
            let same_url: Vec<_> = new_ops
                .keys()
                .filter(|k| k.1 == key.1 && template(&k.0) == template(&key.0))
                .cloned()
                .collect();
            if let [new_key] = same_url.as_slice()
                && let Some(new_op) = new_ops.remove(new_key)
            {
                let loc = location(new_key);
                let renamed = self.renamed(&loc, &key.0, &new_key.0, &new_op);
                self.operation(&loc, old_op, &new_op, &renamed);
                continue;
            }
            let was = if flag(old_op.op, "deprecated") {
                " (it was deprecated)"
            } else {
                ""
            };
            let change = format!("operation removed{was}");
            self.push(
                DiffRule::OperationRemoved,
                &location(key),
                &old_op.at,
                change,
            );
        }
        for (key, new_op) in &new_ops {
            let loc = location(key);
            self.push(
                DiffRule::OperationAdded,
                &loc,
                &new_op.at,
                "operation added",
            );
        }
    }

    /// Reports the path parameters renamed from `old` to `new` (one URL
    /// template), and returns the old names mapped to the new ones.
    fn renamed(
        &mut self,
        loc: &str,
        old: &str,
        new: &str,
        op: &Op<'a>,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (a, b) in path_names(old).into_iter().zip(path_names(new)) {
            if a == b {
                continue;
            }
            // The builder's setter is named after the parameter, as
            // progenitor names it.
            let (x, y) = (crate::names::method_name(a), crate::names::method_name(b));
            let (rule, rust) = if x == y {
                (DiffRule::PathParameterRenamed, String::new())
            } else {
                (
                    DiffRule::PathParameterRenamedInRust,
                    format!("; builder method `{x}` → `{y}`"),
                )
            };
            let change = format!("path parameter `{a}` renamed `{b}` (was `{old}`){rust}");
            self.push(rule, loc, &op.item_at, change);
            out.insert(a.to_string(), b.to_string());
        }
        out
    }
}
