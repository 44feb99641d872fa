//! Following `$ref`s: the one place that knows how, for the JSON values
//! (lint, diff) and for the typed `openapiv3` model (normalise, passes).
//!
//! Only local references (`#/...`) are followed: the bundler has already
//! brought other files' into the document. Every chain is bounded, so a
//! reference cycle (which the lint reports) ends instead of looping.

use indexmap::IndexMap;
use openapiv3::{Components, Header, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde_json::Value;

/// Hops followed before a chain counts as a cycle.
const HOPS: usize = 32;

/// What a local `$ref` (`#/...`) points at in `doc`; `None` for any other
/// reference, or nothing there.
pub fn target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `value`, or what its `$ref` chain ends at, with the JSON pointer it was
/// found at (`pointer` when `value` is no reference). A dangling reference
/// ends the chain where it stands.
pub fn deref<'a>(doc: &'a Value, value: &'a Value, pointer: &str) -> (&'a Value, String) {
    let mut current = value;
    let mut at = pointer.to_string();
    for _ in 0..HOPS {
        let Some(Value::String(reference)) = current.get("$ref") else {
            break;
        };
        let Some(next) = target(doc, reference) else {
            break;
        };
        current = next;
        at = reference.trim_start_matches('#').to_string();
    }
    (current, at)
}

/// [`deref()`] without the pointer.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    deref(doc, value, "").0
}

/// A kind of reusable object a `$ref` can name in `components`.
pub trait Component: Sized {
    /// Its key in `components` (`schemas`, `parameters`, ...).
    const KIND: &'static str;
    /// Its map in `components`.
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($($ty:ty => $kind:literal, $field:ident;)*) => {$(
        impl Component for $ty {
            const KIND: &'static str = $kind;
            fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    )*};
}

component! {
    Schema => "schemas", schemas;
    Parameter => "parameters", parameters;
    Response => "responses", responses;
    RequestBody => "requestBodies", request_bodies;
    Header => "headers", headers;
}

/// The component a reference (`#/components/{kind}/{name}`) names, its own
/// references followed; `None` when it names another kind, nothing, or a
/// cycle.
pub fn component<'a, T: Component>(
    components: Option<&'a Components>,
    reference: &str,
) -> Option<&'a T> {
    let all = T::all(components?);
    let mut reference = reference;
    for _ in 0..HOPS {
        let name = reference
            .strip_prefix("#/components/")?
            .strip_prefix(T::KIND)?
            .strip_prefix('/')?;
        match all.get(name)? {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}

/// A value given in place, or the component its reference names.
pub fn item<'a, T: Component>(
    components: Option<&'a Components>,
    value: &'a ReferenceOr<T>,
) -> Option<&'a T> {
    match value {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => component(components, reference),
    }
}
