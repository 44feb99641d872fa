//! The part of two versions of a document whose generated code can differ,
//! so that the Rust half generates only that.
//!
//! A pull request changes a few operations or schemas of a spec that may
//! have hundreds, and generating a whole big API takes seconds (Sentry's:
//! 18 MB of code). Code for an operation or a type depends only on what it
//! reaches through `$ref`s, so the rest generates the same on both sides
//! and cannot show in the comparison. Both versions are cut down alike to:
//!
//! - the operations whose JSON differs (or that exist on one side only), or
//!   that reach a component that differs;
//! - the components that differ, and every component the kept operations
//!   and components reach.
//!
//! Changes are found by JSON inequality, not by the spec rules, so what the
//! rules do not judge (a `default`, a discriminator, an extension) still
//! reaches the Rust half. What this can miss is a name progenitor or the
//! normalisation makes unique against the whole document (a new type whose
//! name collides with one neither side keeps): such a rename only shows
//! when the whole API is generated.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::spec::{Method, Spec, escape_pointer, unescape_pointer, walk};

/// A component by (kind, name): `("schemas", "Widget")`.
type Component = (String, String);

/// An operation by (path, method key).
type Operation = (String, &'static str);

/// Both versions cut down to what can differ; `None` when nothing would be
/// cut or a cut document does not read back (then the whole documents are
/// compared).
pub fn reduce(old: &Spec, new: &Spec) -> Option<(Spec, Spec)> {
    // What every operation's code may read (top-level `security`, servers,
    // extensions, security schemes) changed: nothing can be cut. `info`
    // only reaches doc text and a version literal, not the public API.
    if outside_operations(&old.value) != outside_operations(&new.value) {
        return None;
    }
    let (a, b) = (Parts::of(&old.value), Parts::of(&new.value));
    let changed: BTreeSet<Component> = a
        .components
        .keys()
        .chain(b.components.keys())
        .filter(|c| a.components.get(*c) != b.components.get(*c))
        .cloned()
        .collect();
    let (taint_a, taint_b) = (a.reaching(&changed), b.reaching(&changed));
    let reaches_change = |parts: &Parts<'_>, taint: &BTreeSet<Component>, op: &Operation| {
        parts
            .uses
            .get(&Owner::Operation(op.clone()))
            .is_some_and(|used| !used.is_disjoint(taint))
    };
    let operations: BTreeSet<Operation> = a
        .operations
        .keys()
        .chain(b.operations.keys())
        .filter(|op| {
            a.operations.get(*op) != b.operations.get(*op)
                || reaches_change(&a, &taint_a, op)
                || reaches_change(&b, &taint_b, op)
        })
        .cloned()
        .collect();
    // A change every operation reaches (a shared error type) keeps them
    // all: cutting would then only cost time.
    if [&a, &b]
        .iter()
        .all(|p| p.operations.keys().all(|op| operations.contains(op)))
    {
        return None;
    }
    // Both sides keep the same names, or a type one side happens not to
    // reach would read as added or removed: grow the set from both
    // documents until neither reaches anything more.
    let mut keep: BTreeSet<Component> = changed;
    for op in &operations {
        for parts in [&a, &b] {
            if let Some(used) = parts.uses.get(&Owner::Operation(op.clone())) {
                keep.extend(used.iter().cloned());
            }
        }
    }
    loop {
        let grown: BTreeSet<Component> = a
            .reach(Some(&keep))
            .union(&b.reach(Some(&keep)))
            .cloned()
            .collect();
        if grown.len() == keep.len() {
            break;
        }
        keep = grown;
    }
    Some((cut(old, &operations, &keep)?, cut(new, &operations, &keep)?))
}

/// The document without `info`, `paths` and the components `$ref`s reach,
/// which [`Parts`] follows one by one.
fn outside_operations(doc: &Value) -> Value {
    let mut rest = doc.clone();
    if let Value::Object(top) = &mut rest {
        top.remove("info");
        top.remove("paths");
        if let Some(Value::Object(components)) = top.get_mut("components") {
            components.retain(|kind, _| kind == "securitySchemes");
        }
    }
    rest
}

/// What holds a reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    Operation(Operation),
    Component(Component),
}

/// One document's operations and components, with what each refers to.
struct Parts<'a> {
    /// Each operation with its path item's shared parameters.
    operations: BTreeMap<Operation, (&'a Value, Option<&'a Value>)>,
    components: BTreeMap<Component, &'a Value>,
    uses: BTreeMap<Owner, BTreeSet<Component>>,
}

impl<'a> Parts<'a> {
    fn of(doc: &'a Value) -> Parts<'a> {
        let mut operations = BTreeMap::new();
        for (path, item) in object(doc.get("paths")) {
            for method in Method::ALL {
                if let Some(op) = item.get(method.key()) {
                    let shared = item.get("parameters");
                    operations.insert((path.clone(), method.key()), (op, shared));
                }
            }
        }
        let mut components = BTreeMap::new();
        for (kind, map) in object(doc.get("components")) {
            for (name, value) in object(Some(map)) {
                components.insert((kind.clone(), name.clone()), value);
            }
        }
        let mut uses: BTreeMap<Owner, BTreeSet<Component>> = BTreeMap::new();
        for (at, target) in walk::references(doc) {
            let Some(target) = target.as_deref().and_then(component_of) else {
                continue;
            };
            for owner in owners(doc, &at) {
                uses.entry(owner).or_default().insert(target.clone());
            }
        }
        Parts {
            operations,
            components,
            uses,
        }
    }

    /// Every component from which one of `targets` is reachable, `targets`
    /// included: one walk of the references backwards, not one per
    /// operation.
    fn reaching(&self, targets: &BTreeSet<Component>) -> BTreeSet<Component> {
        let mut used_by: BTreeMap<&Component, Vec<&Component>> = BTreeMap::new();
        for (owner, used) in &self.uses {
            if let Owner::Component(owner) = owner {
                for u in used {
                    used_by.entry(u).or_default().push(owner);
                }
            }
        }
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Component> = targets.iter().collect();
        while let Some(c) = stack.pop() {
            if seen.insert(c.clone())
                && let Some(owners) = used_by.get(c)
            {
                stack.extend(owners.iter().filter(|o| !seen.contains(**o)));
            }
        }
        seen
    }

    /// Every component reachable from `start`, `start` included.
    fn reach(&self, start: Option<&BTreeSet<Component>>) -> BTreeSet<Component> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Component> = start.into_iter().flatten().cloned().collect();
        while let Some(c) = stack.pop() {
            if seen.insert(c.clone())
                && let Some(next) = self.uses.get(&Owner::Component(c))
            {
                stack.extend(next.iter().filter(|n| !seen.contains(*n)).cloned());
            }
        }
        seen
    }
}

/// The component a local reference names (`#/components/schemas/X`).
fn component_of(reference: &str) -> Option<Component> {
    let mut parts = reference.strip_prefix("#/components/")?.split('/');
    let (kind, name) = (parts.next()?, parts.next()?);
    Some((unescape_pointer(kind), unescape_pointer(name)))
}

/// Who owns the value at `at`: its component, its operation, or, for a
/// path item's shared parameters, every operation of that path.
fn owners(doc: &Value, at: &str) -> Vec<Owner> {
    let segments: Vec<String> = at.split('/').skip(1).map(unescape_pointer).collect();
    match segments.as_slice() {
        [top, kind, name, ..] if top == "components" => {
            vec![Owner::Component((kind.clone(), name.clone()))]
        }
        [top, path, rest @ ..] if top == "paths" => {
            let item = doc.pointer(&format!("/paths/{}", escape_pointer(path)));
            let methods: Vec<&'static str> = match rest.first().and_then(|m| Method::from_key(m)) {
                Some(method) => vec![method.key()],
                // Shared parameters (or anything else of the path item)
                // belong to every operation of the path.
                None => Method::ALL
                    .into_iter()
                    .map(Method::key)
                    .filter(|m| item.is_some_and(|i| i.get(*m).is_some()))
                    .collect(),
            };
            methods
                .into_iter()
                .map(|m| Owner::Operation((path.clone(), m)))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// `spec` with only `operations` and `components`.
fn cut(
    spec: &Spec,
    operations: &BTreeSet<Operation>,
    components: &BTreeSet<Component>,
) -> Option<Spec> {
    let doc = &spec.value;

    let mut value = doc.clone();
    let Value::Object(top) = &mut value else {
        return None;
    };
    let mut paths = Map::new();
    for (path, item) in object(doc.get("paths")) {
        let mut kept = item.as_object()?.clone();
        kept.retain(|key, _| match Method::from_key(key) {
            Some(method) => operations.contains(&(path.clone(), method.key())),
            None => true,
        });
        if Method::ALL.iter().any(|m| kept.contains_key(m.key())) {
            paths.insert(path.clone(), Value::Object(kept));
        }
    }
    top.insert("paths".into(), Value::Object(paths));
    if let Some(Value::Object(all)) = top.get_mut("components") {
        for (kind, map) in all.iter_mut() {
            // Security schemes are the client's, not any operation's.
            if kind == "securitySchemes" {
                continue;
            }
            if let Value::Object(map) = map {
                map.retain(|name, _| components.contains(&(kind.clone(), name.clone())));
            }
        }
    }
    let openapi = serde_json::from_value(value.clone()).ok()?;
    Some(Spec {
        path: spec.path.clone(),
        value,
        openapi,
        format: spec.format,
        sources: Arc::clone(&spec.sources),
        notes: Vec::new(),
    })
}

fn object(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Value, json};

    use super::reduce;
    use crate::spec::{Policy, Source, Spec, load};

    fn spec(paths: Value, schemas: Value) -> Spec {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas},
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        load(Source::Text(Path::new("inline.json"), &bytes), Policy::Read).unwrap()
    }

    fn get(id: &str, schema: &str) -> Value {
        json!({"get": {"operationId": id, "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}},
        }}}})
    }

    fn names(spec: &Spec) -> (Vec<String>, Vec<String>) {
        let keys = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect()
        };
        (
            keys(spec.value.get("paths")),
            keys(spec.value.pointer("/components/schemas")),
        )
    }

    #[test]
    fn keeps_what_reaches_a_change_and_the_same_names_on_both_sides() {
        let schemas = |size: &str| {
            json!({
                "Widget": {"type": "object", "properties": {"part": {"$ref": "#/components/schemas/Part"}}},
                "Part": {"type": "object", "properties": {"size": {"type": size}}},
                "Gadget": {"type": "object", "properties": {"id": {"type": "string"}}},
            })
        };
        let old = spec(
            json!({"/widgets": get("widgets", "Widget"), "/gadgets": get("gadgets", "Gadget")}),
            schemas("integer"),
        );
        // `Part` changes, which `/widgets` reaches through `Widget`; a new
        // operation uses `Gadget`, which the old side must keep too, or it
        // would read as a type added.
        let new = spec(
            json!({
                "/widgets": get("widgets", "Widget"),
                "/gadgets": get("gadgets", "Gadget"),
                "/more-gadgets": get("more_gadgets", "Gadget"),
            }),
            schemas("string"),
        );
        let (a, b) = reduce(&old, &new).expect("something to cut");
        let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(&a),
            (all(&["/widgets"]), all(&["Gadget", "Part", "Widget"]))
        );
        assert_eq!(
            names(&b),
            (
                all(&["/more-gadgets", "/widgets"]),
                all(&["Gadget", "Part", "Widget"])
            )
        );
    }

    #[test]
    fn a_change_outside_operations_cuts_nothing() {
        let paths = json!({"/a": get("a", "Widget"), "/b": get("b", "Widget")});
        let schemas = json!({"Widget": {"type": "string"}});
        let old = spec(paths.clone(), schemas.clone());
        let mut new = spec(paths, schemas);
        new.value["security"] = json!([{"token": []}]);
        assert!(reduce(&old, &new).is_none());
    }

    #[test]
    fn a_change_every_operation_reaches_cuts_nothing() {
        let schemas = |t: &str| json!({"Widget": {"type": t}});
        let paths = json!({"/a": get("a", "Widget"), "/b": get("b", "Widget")});
        assert!(
            reduce(
                &spec(paths.clone(), schemas("string")),
                &spec(paths, schemas("integer"))
            )
            .is_none()
        );
    }
}
