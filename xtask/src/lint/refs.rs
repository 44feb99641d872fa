//! `$ref`s: each resolves, stays in the file, does not loop; and every
//! component schema is reachable from something that is not itself a schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{Lint, Rule};

const SCHEMAS: &str = "/components/schemas/";

pub(super) fn check(lint: &mut Lint<'_>, doc: &Value) {
    let refs = crate::spec::walk::references(doc);
    for (at, target) in &refs {
        let at_ref = format!("{at}/$ref");
        let Some(target) = target else {
            lint.report(
                Rule::RefResolves,
                &at_ref,
                "`$ref` must be a string such as `#/components/schemas/Name`".to_string(),
            );
            continue;
        };
        match target.strip_prefix('#') {
            Some(pointer) if doc.pointer(pointer).is_some() => {}
            Some(pointer) => {
                let hint = suggestion(doc, pointer)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                lint.report(
                    Rule::RefResolves,
                    &at_ref,
                    format!("`$ref: {target}` points at nothing{hint}"),
                );
            }
            None => {
                let file = target.split('#').next().unwrap_or(target);
                lint.report(
                    Rule::RefLocal,
                    &at_ref,
                    format!(
                        "`$ref: {target}` points into another file (`{file}`); only references within this file (`#/...`) are supported, so copy the definition into components"
                    ),
                );
            }
        }
    }
    cycles(lint, doc, &refs);
    unused(lint, doc, &refs);
}

/// The sibling of the missing last segment with the closest name, if close.
fn suggestion(doc: &Value, pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let siblings = doc.pointer(parent)?.as_object()?;
    siblings
        .keys()
        .map(|k| (distance(k, last), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("#{parent}/{k}"))
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(ca != b[j]);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// What a node is made of without a level of indirection: its own `$ref`
/// target and its `allOf` members. A loop through these has no base case,
/// unlike recursion through `properties` or `items`, which is fine.
fn edges(doc: &Value, pointer: &str) -> Vec<String> {
    let Some(node) = doc.pointer(pointer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(target) = node.get("$ref").and_then(Value::as_str)
        && let Some(p) = target.strip_prefix('#')
        && doc.pointer(p).is_some()
    {
        out.push(p.to_string());
    }
    if let Some(Value::Array(members)) = node.get("allOf") {
        for i in 0..members.len() {
            out.push(format!("{pointer}/allOf/{i}"));
        }
    }
    out
}

fn cycles(lint: &mut Lint<'_>, doc: &Value, refs: &[(String, Option<String>)]) {
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state: HashMap<String, u8> = HashMap::new();
    let mut found: BTreeMap<BTreeSet<String>, Vec<String>> = BTreeMap::new();
    for (start, _) in refs {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Iterative DFS: (node, its edges, next edge index).
        let mut stack: Vec<(String, Vec<String>, usize)> = Vec::new();
        state.insert(start.clone(), 1);
        stack.push((start.clone(), edges(doc, start), 0));
        while let Some((_, out, next)) = stack.last_mut() {
            let Some(to) = out.get(*next).cloned() else {
                if let Some((node, ..)) = stack.pop() {
                    state.insert(node, 2);
                }
                continue;
            };
            *next += 1;
            match state.get(&to).copied().unwrap_or(0) {
                0 => {
                    state.insert(to.clone(), 1);
                    let e = edges(doc, &to);
                    stack.push((to, e, 0));
                }
                1 => {
                    let from = stack.iter().position(|(n, ..)| *n == to).unwrap_or(0);
                    let cycle: Vec<String> =
                        stack[from..].iter().map(|(n, ..)| n.clone()).collect();
                    let key: BTreeSet<String> = cycle.iter().cloned().collect();
                    found.entry(key).or_insert(cycle);
                }
                _ => {}
            }
        }
    }
    for cycle in found.into_values() {
        // Start the message at the smallest pointer, so it reads the same
        // whichever node the search started from.
        let first = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, p)| (*p).clone())
            .map_or(0, |(i, _)| i);
        let mut chain: Vec<String> = cycle[first..]
            .iter()
            .chain(&cycle[..first])
            .map(|p| format!("#{p}"))
            .collect();
        let at = chain[0].trim_start_matches('#').to_string();
        chain.push(chain[0].clone());
        let field = match doc.pointer(&at) {
            Some(node) if node.get("$ref").is_some() => format!("{at}/$ref"),
            Some(node) if node.get("allOf").is_some() => format!("{at}/allOf"),
            _ => at.clone(),
        };
        lint.report(
            Rule::RefCycle,
            &field,
            format!(
                "`$ref` cycle: {}; a schema cannot be, or extend, itself",
                chain.join(" -> ")
            ),
        );
    }
}

/// The component schema a pointer is in, as its escaped name.
fn schema_name(pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix(SCHEMAS)?;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn unused(lint: &mut Lint<'_>, doc: &Value, refs: &[(String, Option<String>)]) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let mut inside: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut queue: Vec<&str> = Vec::new();
    for (at, target) in refs {
        let Some(target) = target.as_deref().and_then(|t| t.strip_prefix('#')) else {
            continue;
        };
        let Some(to) = schema_name(target) else {
            continue;
        };
        match schema_name(at) {
            Some(from) => inside.entry(from).or_default().push(to),
            None => queue.push(to),
        }
    }
    let mut used: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = queue.pop() {
        if used.insert(name)
            && let Some(next) = inside.get(name)
        {
            queue.extend(next);
        }
    }
    for name in schemas.keys() {
        let escaped = crate::spec::escape_pointer(name);
        if !used.contains(escaped.as_str()) {
            lint.report(
                Rule::UnusedSchema,
                &format!("{SCHEMAS}{escaped}"),
                format!(
                    "component schema `{name}` is not used by any operation; remove it or `$ref` it"
                ),
            );
        }
    }
}
