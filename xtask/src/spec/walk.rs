//! What each value of an OpenAPI document is, by where it sits.
//!
//! A `$ref` means a reference only where the specification puts one: an
//! `example`, a `default`, an `enum` value or an `x-` extension is literal
//! data, whatever keys it holds (PagerDuty's examples contain `$ref`
//! objects), and a key named `$ref` under `properties` is a property name.
//! Every pass that looks for references (bundling, conversion, the checks of
//! the loader and the lint) asks [`child`] what a key holds instead of
//! treating every `$ref` key alike.
//!
//! The table covers Swagger 2.0, OpenAPI 3.0 and 3.1 at once: where they
//! differ they use different keys (`definitions` against `components`,
//! `prefixItems` only in 3.1), so one table reads all three.

use serde_json::Value;

use super::escape_pointer;

/// An object of the specification (or plain data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Object {
    /// The document itself.
    Root,
    /// `components` (3.x).
    Components,
    /// A path item (also each entry of a callback).
    PathItem,
    /// An operation.
    Operation,
    /// A parameter.
    Parameter,
    /// A request body (3.x).
    RequestBody,
    /// A response.
    Response,
    /// A header.
    Header,
    /// A media type (3.x).
    MediaType,
    /// An example object (3.x): its `value` is data.
    Example,
    /// An encoding object.
    Encoding,
    /// A link object.
    Link,
    /// A callback: a map of expressions to path items.
    Callback,
    /// A security scheme.
    SecurityScheme,
    /// A schema.
    Schema,
    /// Anything else of the specification (info, tags, servers...): a
    /// `$ref` there is not allowed by the specification, but bundlers
    /// resolve it, and so does ours.
    Other,
    /// Literal data: never looked into.
    Data,
}

/// What a value is: one object, or a map or list of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// One object.
    One(Object),
    /// A map whose every value is the node (its keys are names).
    Map(Object),
    /// A map of nodes that may also hold `x-` extensions (paths, responses).
    Extensible(Object),
    /// A list of nodes.
    List(Object),
}

impl Kind {
    /// The node of a value of this kind, when it is one object.
    pub fn node(self) -> Option<Object> {
        match self {
            Kind::One(node) => Some(node),
            _ => None,
        }
    }

    /// Whether a `{"$ref": ...}` value of this kind may be a reference.
    pub fn may_refer(self) -> bool {
        self != Kind::One(Object::Data)
    }
}

/// The target of `value` when it is a reference where it sits. In a map
/// (`properties`, `responses`) a key `$ref` is a name, unless its value is a
/// string: DigitalOcean writes `properties: {$ref: attributes.yml#/...}`,
/// and no schema is a string, so that is a reference to a whole map.
pub fn reference(value: &Value, kind: Kind) -> Option<&Value> {
    if !kind.may_refer() {
        return None;
    }
    let target = value.get("$ref")?;
    match kind {
        Kind::One(_) => Some(target),
        _ => target.is_string().then_some(target),
    }
}

/// The kind of the document itself.
pub const ROOT: Kind = Kind::One(Object::Root);

/// The kind of the value under `key` in a value of kind `kind`. Lists and
/// maps: the kind of their entries (for a list, `key` is the index).
pub fn child(kind: Kind, key: &str) -> Kind {
    match kind {
        Kind::One(node) => node_child(node, key),
        Kind::Map(node) | Kind::List(node) => Kind::One(node),
        Kind::Extensible(_) if key.starts_with("x-") => Kind::One(Object::Data),
        Kind::Extensible(node) => Kind::One(node),
    }
}

/// The kind of an item of an array met where `kind` was expected: a 3.1
/// tuple `items`, a list of tags.
pub fn item(kind: Kind) -> Kind {
    match kind {
        Kind::One(node) | Kind::Map(node) | Kind::Extensible(node) | Kind::List(node) => {
            Kind::One(node)
        }
    }
}

fn node_child(node: Object, key: &str) -> Kind {
    use Kind::{Extensible, List, Map, One};
    use Object::*;
    if node == Data || key.starts_with("x-") {
        return One(Data);
    }
    match (node, key) {
        (Root, "paths") => Extensible(PathItem),
        (Root, "webhooks") => Map(PathItem),
        (Root, "components") => One(Components),
        // Swagger 2.0's component sections sit at the top.
        (Root, "definitions") => Map(Schema),
        (Root, "parameters") => Map(Parameter),
        (Root, "responses") => Map(Response),
        (Root, "securityDefinitions") => Map(SecurityScheme),
        (Components, "schemas") => Map(Schema),
        (Components, "responses") => Map(Response),
        (Components, "parameters") => Map(Parameter),
        (Components, "examples") => Map(Example),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "securitySchemes") => Map(SecurityScheme),
        (Components, "links") => Map(Link),
        (Components, "callbacks") => Map(Callback),
        (Components, "pathItems") => Map(PathItem),
        (PathItem, key) if super::Method::from_key(key).is_some() => One(Operation),
        (PathItem | Operation, "parameters") => List(Parameter),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Extensible(Response),
        (Operation, "callbacks") => Map(Callback),
        (Callback, _) => One(PathItem),
        (Parameter | Header | MediaType, "schema") => One(Schema),
        // Swagger 2.0: a non-body parameter's (or header's) array items.
        (Parameter | Header, "items") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (Parameter | Header | MediaType, "examples") => Map(Example),
        (Parameter | Header | MediaType, "example" | "default" | "enum") => One(Data),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding, "headers") | (Response, "headers") => Map(Header),
        (Response, "links") => Map(Link),
        // Swagger 2.0: a response's schema, and its examples by media type.
        (Response, "schema") => One(Schema),
        (Response, "examples") => One(Data),
        (Example, "value") => One(Data),
        (Link, "parameters" | "requestBody") => One(Data),
        (
            Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => Map(Schema),
        (
            Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "additionalItems",
        ) => One(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Schema),
        (Schema, "example" | "examples" | "default" | "enum" | "const") => One(Data),
        _ => One(Other),
    }
}

/// Calls `found(value, kind, pointer)` for every value of the document that
/// is not data, parents before children.
pub fn visit<'a>(
    value: &'a Value,
    kind: Kind,
    at: &mut String,
    found: &mut impl FnMut(&'a Value, Kind, &str),
) {
    if kind == Kind::One(Object::Data) {
        return;
    }
    found(value, kind, at);
    let len = at.len();
    match value {
        Value::Object(map) => {
            let is_reference = reference(value, kind).is_some();
            for (key, child_value) in map {
                if key == "$ref" && is_reference {
                    continue;
                }
                at.push('/');
                at.push_str(&escape_pointer(key));
                visit(child_value, child(kind, key), at, found);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            let kind = item(kind);
            for (i, child_value) in items.iter().enumerate() {
                at.push('/');
                at.push_str(&i.to_string());
                visit(child_value, kind, at, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Deeper than any document a person wrote; a guard, not a limit met.
const MAX_DEPTH: usize = 256;

/// [`visit`] for a walk that changes what it visits: `found` may rewrite
/// each value before its children are visited (whether it is a reference
/// is decided before).
pub fn visit_mut(
    value: &mut Value,
    kind: Kind,
    at: &mut String,
    depth: usize,
    found: &mut impl FnMut(&mut Value, Kind, &str),
) {
    if kind == Kind::One(Object::Data) || depth > MAX_DEPTH {
        return;
    }
    let is_reference = reference(value, kind).is_some();
    found(value, kind, at);
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (key, child_value) in map.iter_mut() {
                if key == "$ref" && is_reference {
                    continue;
                }
                at.push('/');
                at.push_str(&escape_pointer(key));
                visit_mut(child_value, child(kind, key), at, depth + 1, found);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            let kind = item(kind);
            for (i, child_value) in items.iter_mut().enumerate() {
                at.push('/');
                at.push_str(&i.to_string());
                visit_mut(child_value, kind, at, depth + 1, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Every reference of the document: the pointer of the object holding the
/// `$ref`, and its target (`None` when it is not a string).
pub fn references(doc: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    visit(doc, ROOT, &mut String::new(), &mut |value, kind, at| {
        if let Some(target) = reference(value, kind) {
            out.push((at.to_string(), target.as_str().map(str::to_string)));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_and_names_are_not_references() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"content": {"application/json": {
                    "schema": {"properties": {"$ref": {"type": "string"}, "b": {"$ref": "#/b"}}},
                    "example": {"$ref": "#/not-a-reference"},
                    "examples": {"one": {"value": {"$ref": "#/nor-this"}}, "two": {"$ref": "#/c"}}
                }}},
                "x-extra": {"$ref": "#/data"}
            }}}},
            "components": {"schemas": {"E": {"enum": [{"$ref": "#/no"}], "default": {"$ref": "#/no"}}}}
        });
        let found: Vec<String> = references(&doc).into_iter().map(|(at, _)| at).collect();
        assert_eq!(
            found,
            [
                "/paths/~1a/get/responses/200/content/application~1json/examples/two",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/b",
            ]
        );
    }
}
