//! Swagger 2.0 -> OpenAPI 3.0, in memory.
//!
//! Netlify (and Elastic, for its own machine-readable definition) publish
//! Swagger 2.0. The conversion follows the mapping of the specification's
//! authors (the 3.0 "upgrade" notes, as swagger2openapi implements them):
//!
//! | 2.0 | 3.0 |
//! |---|---|
//! | `host`, `basePath`, `schemes` | `servers` |
//! | `consumes`/`produces` (global or per operation) | the media types of `requestBody` and response `content` |
//! | `in: body` parameter | `requestBody` (a global one: `components/requestBodies`) |
//! | `in: formData` parameters | one form `requestBody` (`multipart/form-data` when a file is sent) |
//! | `type`, `format`, `items`... on a parameter or header | its `schema` |
//! | `collectionFormat` | `style` and `explode` |
//! | `definitions`, `parameters`, `responses`, `securityDefinitions` | `components` |
//! | `x-nullable` | `nullable` |
//! | `type: file` | `type: string, format: binary` |
//! | `discriminator: name` | `discriminator: {propertyName: name}` |
//!
//! Hand-written rather than taken from a crate: the Rust converters found
//! either produce another fork's types (`openapiv3-extended`,
//! `paperclip-core` with `openapiv3-paper`), not `openapiv3` 2, or come
//! inside a mock server (`mockforge-openapi`, with axum and tokio), and none
//! says where each converted value came from, which every message needs
//! (the [`Layer`] this module fills).
//!
//! What 3.0 cannot say (`collectionFormat: tsv`, or a non-`csv` format on
//! a path or header parameter) is a clear error naming the parameter.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::source::Layer;
use super::{Unconvertible, escape_pointer, join_pointer, unescape_pointer, walk};

/// The 3.0 form of the Swagger 2.0 document `doc`, and where each moved
/// value was.
pub(crate) fn convert(doc: &Value) -> Result<(Value, Layer), Vec<Unconvertible>> {
    let mut c = Converter {
        doc,
        layer: Layer::default(),
        problems: Vec::new(),
        consumes: media_types(doc.get("consumes")),
        produces: media_types(doc.get("produces")),
    };
    let out = c.document();
    if c.problems.is_empty() {
        Ok((out, c.layer))
    } else {
        Err(c.problems)
    }
}

struct Converter<'a> {
    doc: &'a Value,
    layer: Layer,
    problems: Vec<Unconvertible>,
    consumes: Vec<String>,
    produces: Vec<String>,
}

/// Keys of a parameter (or header, or items object) that go into its schema.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

fn media_types(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A 2.0 `$ref` target as 3.0 names it.
fn rewrite_ref(target: &str) -> String {
    for (old, new) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/responses/", "#/components/responses/"),
        ("#/parameters/", "#/components/parameters/"),
    ] {
        if let Some(rest) = target.strip_prefix(old) {
            return format!("{new}{rest}");
        }
    }
    target.to_string()
}

/// The name of a global parameter a `$ref` names, if it names one.
fn global_parameter(target: &str) -> Option<String> {
    let rest = target.strip_prefix("#/parameters/")?;
    (!rest.contains('/')).then(|| unescape_pointer(rest))
}

/// A parameter as written, or the global one its `$ref` names (with its
/// pointer in the 2.0 document).
struct Param<'a> {
    value: &'a Value,
    at: String,
    /// Set when the parameter is a `$ref` to a global one.
    global: Option<String>,
}

impl Param<'_> {
    fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or("")
    }

    fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }
}

impl<'a> Converter<'a> {
    fn problem(&mut self, at: &str, message: String) {
        self.problems.push((at.to_string(), message));
    }

    fn document(&mut self) -> Value {
        let doc = self.doc;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        self.layer.moved("/openapi", "/swagger");
        for key in ["info", "tags", "externalDocs", "security"] {
            if let Some(v) = doc.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        if let Some(servers) = self.servers() {
            out.insert("servers".into(), servers);
        }
        let mut paths = Map::new();
        if let Some(Value::Object(items)) = doc.get("paths") {
            for (template, item) in items {
                let at = join_pointer("/paths", template);
                let value = if template.starts_with("x-") {
                    item.clone()
                } else {
                    self.path_item(item, &at)
                };
                paths.insert(template.clone(), value);
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        for (key, v) in doc.as_object().into_iter().flatten() {
            if key.starts_with("x-") {
                out.insert(key.clone(), v.clone());
            }
        }
        Value::Object(out)
    }

    /// `servers` from `schemes`, `host` and `basePath`: one per scheme
    /// (https when none is given), a relative URL without a host.
    fn servers(&mut self) -> Option<Value> {
        let doc = self.doc;
        let host = doc.get("host").and_then(Value::as_str);
        let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
        if host.is_none() && base.is_empty() {
            return None;
        }
        let mut schemes = media_types(doc.get("schemes"));
        if schemes.is_empty() {
            schemes.push("https".to_string());
        }
        let urls: Vec<Value> = match host {
            Some(host) => schemes
                .iter()
                .map(|s| json!({ "url": format!("{s}://{host}{base}") }))
                .collect(),
            None => vec![json!({ "url": base })],
        };
        self.layer.moved(
            "/servers",
            if host.is_some() { "/host" } else { "/basePath" },
        );
        Some(Value::Array(urls))
    }

    fn components(&mut self) -> Map<String, Value> {
        let doc = self.doc;
        let mut out = Map::new();
        if let Some(Value::Object(defs)) = doc.get("definitions") {
            let mut schemas = Map::new();
            for (name, schema) in defs {
                let (old, new) = (
                    join_pointer("/definitions", name),
                    join_pointer("/components/schemas", name),
                );
                self.layer.moved(&new, &old);
                schemas.insert(name.clone(), self.schema(schema, &old, &new));
            }
            out.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(Value::Object(params)) = doc.get("parameters") {
            let mut parameters = Map::new();
            let mut bodies = Map::new();
            for (name, p) in params {
                let old = join_pointer("/parameters", name);
                match p.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let new = join_pointer("/components/requestBodies", name);
                        let consumes = self.consumes.clone();
                        let body = self.body(p, &old, &new, &consumes);
                        bodies.insert(name.clone(), body);
                    }
                    // A form field is not a parameter in 3.0: each operation
                    // that `$ref`s it puts it in its own form body.
                    Some("formData") => {}
                    _ => {
                        let new = join_pointer("/components/parameters", name);
                        self.layer.moved(&new, &old);
                        parameters.insert(name.clone(), self.parameter(p, &old, &new));
                    }
                }
            }
            if !parameters.is_empty() {
                out.insert("parameters".into(), Value::Object(parameters));
            }
            if !bodies.is_empty() {
                out.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = doc.get("responses") {
            let mut converted = Map::new();
            let produces = self.produces.clone();
            for (name, r) in responses {
                let (old, new) = (
                    join_pointer("/responses", name),
                    join_pointer("/components/responses", name),
                );
                self.layer.moved(&new, &old);
                converted.insert(name.clone(), self.response(r, &old, &new, &produces));
            }
            out.insert("responses".into(), Value::Object(converted));
        }
        if let Some(Value::Object(schemes)) = doc.get("securityDefinitions") {
            let mut converted = Map::new();
            for (name, s) in schemes {
                let (old, new) = (
                    join_pointer("/securityDefinitions", name),
                    join_pointer("/components/securitySchemes", name),
                );
                self.layer.moved(&new, &old);
                converted.insert(name.clone(), self.security_scheme(s, &old));
            }
            out.insert("securitySchemes".into(), Value::Object(converted));
        }
        out
    }

    fn security_scheme(&mut self, s: &Value, at: &str) -> Value {
        let mut out = Map::new();
        let kind = s.get("type").and_then(Value::as_str).unwrap_or("");
        for (key, v) in s.as_object().into_iter().flatten() {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), v.clone());
            }
        }
        match kind {
            "basic" => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            "apiKey" => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(v) = s.get(key) {
                        out.insert(key.into(), v.clone());
                    }
                }
            }
            "oauth2" => {
                let flow = s.get("flow").and_then(Value::as_str).unwrap_or("");
                let name = match flow {
                    "implicit" => "implicit",
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => {
                        self.problem(
                            &format!("{at}/flow"),
                            format!(
                                "OAuth2 flow `{other}` is not one of implicit, password, application, accessCode"
                            ),
                        );
                        return Value::Object(out);
                    }
                };
                let mut f = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(v) = s.get(key) {
                        f.insert(key.into(), v.clone());
                    }
                }
                f.insert(
                    "scopes".into(),
                    s.get("scopes").cloned().unwrap_or_else(|| json!({})),
                );
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ name: f }));
            }
            other => {
                self.problem(
                    &format!("{at}/type"),
                    format!("security scheme type `{other}` is not one of basic, apiKey, oauth2"),
                );
            }
        }
        Value::Object(out)
    }

    /// A schema, with its `$ref`s, `x-nullable`, `type: file` and
    /// `discriminator` rewritten, everywhere inside it.
    fn schema(&mut self, value: &Value, old: &str, new: &str) -> Value {
        self.schema_of(value, walk::Kind::One(walk::Object::Schema), old, new)
    }

    fn schema_of(&mut self, value: &Value, kind: walk::Kind, old: &str, new: &str) -> Value {
        match (value, kind) {
            (_, walk::Kind::One(walk::Object::Data)) => value.clone(),
            (Value::Array(items), _) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        self.schema_of(
                            v,
                            walk::item(kind),
                            &format!("{old}/{i}"),
                            &format!("{new}/{i}"),
                        )
                    })
                    .collect(),
            ),
            (Value::Object(map), walk::Kind::One(walk::Object::Schema)) => {
                let mut out = Map::new();
                for (key, v) in map {
                    let (o, n) = (join_pointer(old, key), join_pointer(new, key));
                    match key.as_str() {
                        "$ref" => {
                            out.insert(key.clone(), json!(rewrite_ref(v.as_str().unwrap_or(""))));
                        }
                        "x-nullable" => {
                            out.insert("nullable".into(), v.clone());
                            self.layer.moved(&join_pointer(new, "nullable"), &o);
                        }
                        "type" if v == "file" => {
                            out.insert("type".into(), json!("string"));
                            out.insert("format".into(), json!("binary"));
                        }
                        "discriminator" if v.is_string() => {
                            out.insert(key.clone(), json!({ "propertyName": v }));
                            self.layer.moved(&join_pointer(&n, "propertyName"), &o);
                        }
                        _ => {
                            let child = self.schema_of(v, walk::child(kind, key), &o, &n);
                            out.insert(key.clone(), child);
                        }
                    }
                }
                Value::Object(out)
            }
            (Value::Object(map), _) => {
                let mut out = Map::new();
                for (key, v) in map {
                    let child = self.schema_of(
                        v,
                        walk::child(kind, key),
                        &join_pointer(old, key),
                        &join_pointer(new, key),
                    );
                    out.insert(key.clone(), child);
                }
                Value::Object(out)
            }
            _ => value.clone(),
        }
    }

    /// The schema of a non-body parameter, a header or an items object:
    /// its type keys, `items` converted the same way.
    fn simple_schema(&mut self, value: &Value, old: &str, new: &str) -> Value {
        let mut out = Map::new();
        for key in SCHEMA_KEYS {
            let Some(v) = value.get(*key) else { continue };
            match *key {
                "type" if v == "file" => {
                    out.insert("type".into(), json!("string"));
                    out.insert("format".into(), json!("binary"));
                }
                "items" => {
                    let (o, n) = (join_pointer(old, key), join_pointer(new, key));
                    out.insert("items".into(), self.simple_schema(v, &o, &n));
                }
                _ => {
                    out.insert((*key).into(), v.clone());
                }
            }
        }
        if let Some(v) = value.get("x-nullable") {
            out.insert("nullable".into(), v.clone());
            self.layer.moved(
                &join_pointer(new, "nullable"),
                &join_pointer(old, "x-nullable"),
            );
        }
        // An items object may `$ref` a definition (swagger allows it).
        if let Some(Value::String(target)) = value.get("$ref") {
            out.insert("$ref".into(), json!(rewrite_ref(target)));
        }
        Value::Object(out)
    }

    /// A non-body, non-form parameter (or its `$ref`).
    fn parameter(&mut self, p: &Value, old: &str, new: &str) -> Value {
        if let Some(Value::String(target)) = p.get("$ref") {
            return json!({ "$ref": rewrite_ref(target) });
        }
        let mut out = Map::new();
        for (key, v) in p.as_object().into_iter().flatten() {
            match key.as_str() {
                "name" | "in" | "description" | "required" | "allowEmptyValue" => {
                    out.insert(key.clone(), v.clone());
                }
                k if k.starts_with("x-") && k != "x-nullable" => {
                    out.insert(key.clone(), v.clone());
                }
                _ => {}
            }
        }
        let schema_at = format!("{new}/schema");
        self.layer.moved(&schema_at, old);
        out.insert("schema".into(), self.simple_schema(p, old, &schema_at));
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let is_array = p.get("type").and_then(Value::as_str) == Some("array");
        let format = p
            .get("collectionFormat")
            .and_then(Value::as_str)
            .unwrap_or("csv");
        if is_array {
            let style = match (location, format) {
                ("query", "csv") => Some(("form", false)),
                ("query", "multi") => Some(("form", true)),
                ("query", "ssv") => Some(("spaceDelimited", false)),
                ("query", "pipes") => Some(("pipeDelimited", false)),
                (_, "csv") => None,
                _ => {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                    self.problem(
                        &format!("{old}/collectionFormat"),
                        format!(
                            "parameter `{name}` ({location}) uses `collectionFormat: {format}`, which OpenAPI 3.0 cannot express (it has `csv`, and `ssv`, `pipes`, `multi` in queries)"
                        ),
                    );
                    None
                }
            };
            if let Some((style, explode)) = style {
                out.insert("style".into(), json!(style));
                out.insert("explode".into(), json!(explode));
                let at = join_pointer(old, "collectionFormat");
                self.layer.moved(&join_pointer(new, "style"), &at);
                self.layer.moved(&join_pointer(new, "explode"), &at);
            }
        }
        Value::Object(out)
    }

    /// A body parameter as a request body, one media type per `consumes`.
    fn body(&mut self, p: &Value, old: &str, new: &str, consumes: &[String]) -> Value {
        self.layer.moved(new, old);
        let mut out = Map::new();
        for (key, v) in p.as_object().into_iter().flatten() {
            if key == "description" || key == "required" || key.starts_with("x-") {
                out.insert(key.clone(), v.clone());
            }
        }
        let default = ["application/json".to_string()];
        let types = if consumes.is_empty() {
            &default[..]
        } else {
            consumes
        };
        let mut content = Map::new();
        let schema_old = format!("{old}/schema");
        for media in types {
            let at = format!(
                "{}/schema",
                join_pointer(&join_pointer(new, "content"), media)
            );
            self.layer.moved(&at, &schema_old);
            let schema = match p.get("schema") {
                Some(s) => self.schema(s, &schema_old, &at),
                None => json!({}),
            };
            content.insert(media.clone(), json!({ "schema": schema }));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    /// The form fields of an operation as one request body.
    fn form(&mut self, fields: &[Param<'_>], new: &str, consumes: &[String]) -> Value {
        let has_file = fields
            .iter()
            .any(|f| f.value.get("type").and_then(Value::as_str) == Some("file"));
        let mut types: Vec<String> = consumes
            .iter()
            .filter(|c| c.as_str() == MULTIPART || c.as_str() == FORM)
            .cloned()
            .collect();
        if types.is_empty() {
            types.push(if has_file { MULTIPART } else { FORM }.to_string());
        }
        if let Some(first) = fields.first() {
            self.layer.moved(new, &first.at);
        }
        let mut content = Map::new();
        for media in &types {
            let schema_at = format!(
                "{}/schema",
                join_pointer(&join_pointer(new, "content"), media)
            );
            let mut properties = Map::new();
            let mut required = Vec::new();
            let mut encoding = Map::new();
            for field in fields {
                let name = field.name().to_string();
                let at = join_pointer(&join_pointer(&schema_at, "properties"), &name);
                self.layer.moved(&at, &field.at);
                let mut schema = self.simple_schema(field.value, &field.at, &at);
                if let (Value::Object(s), Some(d)) = (&mut schema, field.value.get("description")) {
                    s.insert("description".into(), d.clone());
                }
                properties.insert(name.clone(), schema);
                if field.value.get("required").and_then(Value::as_bool) == Some(true) {
                    required.push(json!(name));
                }
                if field.value.get("type").and_then(Value::as_str) == Some("array") {
                    let format = field
                        .value
                        .get("collectionFormat")
                        .and_then(Value::as_str)
                        .unwrap_or("csv");
                    let style = match format {
                        "csv" => ("form", false),
                        "multi" => ("form", true),
                        "ssv" => ("spaceDelimited", false),
                        "pipes" => ("pipeDelimited", false),
                        other => {
                            self.problem(
                                &format!("{}/collectionFormat", field.at),
                                format!(
                                    "form field `{name}` uses `collectionFormat: {other}`, which OpenAPI 3.0 cannot express"
                                ),
                            );
                            ("form", false)
                        }
                    };
                    encoding.insert(
                        name.clone(),
                        json!({ "style": style.0, "explode": style.1 }),
                    );
                }
            }
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            let mut media_type = Map::new();
            media_type.insert("schema".into(), Value::Object(schema));
            if !encoding.is_empty() {
                media_type.insert("encoding".into(), Value::Object(encoding));
            }
            content.insert(media.clone(), Value::Object(media_type));
        }
        let required = fields
            .iter()
            .any(|f| f.value.get("required").and_then(Value::as_bool) == Some(true));
        let mut out = Map::new();
        if required {
            out.insert("required".into(), json!(true));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    /// A response, one media type per `produces`.
    fn response(&mut self, r: &Value, old: &str, new: &str, produces: &[String]) -> Value {
        if let Some(Value::String(target)) = r.get("$ref") {
            return json!({ "$ref": rewrite_ref(target) });
        }
        let mut out = Map::new();
        out.insert(
            "description".into(),
            r.get("description").cloned().unwrap_or_else(|| json!("")),
        );
        for (key, v) in r.as_object().into_iter().flatten() {
            if key.starts_with("x-") {
                out.insert(key.clone(), v.clone());
            }
        }
        if let Some(Value::Object(headers)) = r.get("headers") {
            let mut converted = Map::new();
            for (name, h) in headers {
                let (o, n) = (
                    join_pointer(&join_pointer(old, "headers"), name),
                    join_pointer(&join_pointer(new, "headers"), name),
                );
                converted.insert(name.clone(), self.header(h, &o, &n));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        let examples = r.get("examples").and_then(Value::as_object);
        let schema = r.get("schema");
        let mut types: Vec<String> = if schema.is_some() {
            if produces.is_empty() {
                vec!["application/json".to_string()]
            } else {
                produces.to_vec()
            }
        } else {
            Vec::new()
        };
        // An example for a media type not produced still says it is sent.
        for media in examples.into_iter().flatten().map(|(k, _)| k) {
            if schema.is_some() && !types.contains(media) {
                types.push(media.clone());
            }
        }
        if !types.is_empty() {
            let mut content = Map::new();
            let schema_old = format!("{old}/schema");
            for media in types {
                let at = join_pointer(&join_pointer(new, "content"), &media);
                let mut media_type = Map::new();
                if let Some(s) = schema {
                    let schema_at = format!("{at}/schema");
                    self.layer.moved(&schema_at, &schema_old);
                    media_type.insert("schema".into(), self.schema(s, &schema_old, &schema_at));
                }
                if let Some(example) = examples.and_then(|e| e.get(&media)) {
                    self.layer.moved(
                        &format!("{at}/example"),
                        &join_pointer(&join_pointer(old, "examples"), &media),
                    );
                    media_type.insert("example".into(), example.clone());
                }
                content.insert(media, Value::Object(media_type));
            }
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    fn header(&mut self, h: &Value, old: &str, new: &str) -> Value {
        self.layer.moved(new, old);
        let mut out = Map::new();
        for (key, v) in h.as_object().into_iter().flatten() {
            if key == "description" || (key.starts_with("x-") && key != "x-nullable") {
                out.insert(key.clone(), v.clone());
            }
        }
        let schema_at = format!("{new}/schema");
        self.layer.moved(&schema_at, old);
        out.insert("schema".into(), self.simple_schema(h, old, &schema_at));
        Value::Object(out)
    }

    /// Resolves `$ref`s to global parameters (to tell bodies and form
    /// fields from parameters).
    fn params(&self, list: Option<&'a Value>, at: &str) -> Vec<Param<'a>> {
        let Some(Value::Array(items)) = list else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let own = format!("{at}/{i}");
                match p
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(global_parameter)
                {
                    Some(name) => match self.doc.pointer(&join_pointer("/parameters", &name)) {
                        Some(global) => Param {
                            value: global,
                            at: join_pointer("/parameters", &name),
                            global: Some(name),
                        },
                        None => Param {
                            value: p,
                            at: own,
                            global: None,
                        },
                    },
                    None => Param {
                        value: p,
                        at: own,
                        global: None,
                    },
                }
            })
            .collect()
    }

    fn path_item(&mut self, item: &'a Value, at: &str) -> Value {
        let Value::Object(map) = item else {
            return item.clone();
        };
        let shared = self.params(item.get("parameters"), &format!("{at}/parameters"));
        let mut out = Map::new();
        for (key, v) in map {
            let key_at = join_pointer(at, key);
            if super::Method::from_key(key).is_some() {
                let op = self.operation(v, &key_at, &shared);
                out.insert(key.clone(), op);
            } else if key == "parameters" {
                let list = self.parameter_list(&shared, &key_at, |_| true);
                if !list.is_empty() {
                    out.insert(key.clone(), Value::Array(list));
                }
            } else if key == "$ref" {
                out.insert(key.clone(), json!(rewrite_ref(v.as_str().unwrap_or(""))));
            } else {
                out.insert(key.clone(), v.clone());
            }
        }
        Value::Object(out)
    }

    /// The 3.0 parameters among `params` (not bodies, not form fields) that
    /// `keep` accepts, at `new` (a `parameters` list).
    fn parameter_list(
        &mut self,
        params: &[Param<'_>],
        new: &str,
        keep: impl Fn(&Param<'_>) -> bool,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        for p in params {
            if matches!(p.location(), "body" | "formData") || !keep(p) {
                continue;
            }
            let at = format!("{new}/{}", out.len());
            let value = match &p.global {
                Some(name) => {
                    self.layer.moved(&at, &p.at);
                    json!({ "$ref": format!("#/components/parameters/{}", escape_pointer(name)) })
                }
                None => {
                    self.layer.moved(&at, &p.at);
                    self.parameter(p.value, &p.at, &at)
                }
            };
            out.push(value);
        }
        out
    }

    fn operation(&mut self, op: &'a Value, at: &str, shared: &[Param<'a>]) -> Value {
        let Value::Object(map) = op else {
            return op.clone();
        };
        let own = self.params(op.get("parameters"), &format!("{at}/parameters"));
        let consumes = match op.get("consumes") {
            Some(list) => media_types(Some(list)),
            None => self.consumes.clone(),
        };
        let produces = match op.get("produces") {
            Some(list) => media_types(Some(list)),
            None => self.produces.clone(),
        };
        let mut out = Map::new();
        for (key, v) in map {
            match key.as_str() {
                "consumes" | "produces" | "parameters" | "responses" | "schemes" => {}
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        let list = self.parameter_list(&own, &format!("{at}/parameters"), |_| true);
        if !list.is_empty() {
            out.insert("parameters".into(), Value::Array(list));
        }
        // A body or form fields: the operation's own, else the path's.
        let own_body = own.iter().any(|p| p.location() == "body");
        let own_form = own.iter().any(|p| p.location() == "formData");
        let body = own
            .iter()
            .chain(shared.iter().filter(|_| !own_body && !own_form))
            .find(|p| p.location() == "body");
        let body_at = format!("{at}/requestBody");
        if let Some(body) = body {
            let value = match &body.global {
                Some(name) => {
                    self.layer.moved(&body_at, &body.at);
                    json!({ "$ref": format!("#/components/requestBodies/{}", escape_pointer(name)) })
                }
                None => self.body(body.value, &body.at, &body_at, &consumes),
            };
            out.insert("requestBody".into(), value);
        } else {
            let mut names = BTreeSet::new();
            let fields: Vec<Param<'_>> = own
                .iter()
                .chain(shared.iter())
                .filter(|p| p.location() == "formData" && names.insert(p.name().to_string()))
                .map(|p| Param {
                    value: p.value,
                    at: p.at.clone(),
                    global: None,
                })
                .collect();
            if !fields.is_empty() {
                let form = self.form(&fields, &body_at, &consumes);
                out.insert("requestBody".into(), form);
            }
        }
        if let Some(Value::Object(responses)) = op.get("responses") {
            let mut converted = Map::new();
            for (code, r) in responses {
                let (o, n) = (
                    join_pointer(&format!("{at}/responses"), code),
                    join_pointer(&format!("{at}/responses"), code),
                );
                let value = if code.starts_with("x-") {
                    r.clone()
                } else {
                    self.response(r, &o, &n, &produces)
                };
                converted.insert(code.clone(), value);
            }
            out.insert("responses".into(), Value::Object(converted));
        }
        Value::Object(out)
    }
}
