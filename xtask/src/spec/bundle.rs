//! Multi-file documents: every `$ref` into another file, resolved into one.
//!
//! DigitalOcean publishes a tree of 2,900 files whose operations, schemas
//! and responses are all `$ref`s to other files. progenitor reads one
//! document, so the tree is bundled in memory (nothing on disk changes):
//!
//! - what may be a component (a schema, parameter, response, request body,
//!   header, example, link, callback or security scheme) becomes one, named
//!   after its file or fragment, and every `$ref` to the same place becomes
//!   a local `$ref` to it: shared schemas stay shared, and recursive schemas
//!   stay finite;
//! - anything else (a path item, an operation, a description) is copied
//!   into place, as it cannot be referenced in OpenAPI 3.0.
//!
//! A `$ref` to a URL is not fetched, and one to a file that cannot be read
//! or to nothing in it is a [`Problem`] at the file and line where the
//! `$ref` is written. References inside data (examples, defaults,
//! extensions) are never followed (see [`super::walk`]).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::source::{Layer, SourceFile, SourceMap};
use super::walk::{self, Kind, Object};
use super::{Files, Problem, ProblemKind, escape_pointer, text, unescape_pointer};

/// A file and a JSON pointer in it: what a `$ref` names.
type Place = (String, String);

/// Bundles `doc` (the main file, number 0 of `sources`), reading the files it
/// refers to with `files`. `swagger2` picks where components go.
pub(crate) fn bundle(
    doc: &mut Value,
    files: &dyn Files,
    sources: &mut SourceMap,
    swagger2: bool,
) -> Result<(), Vec<Problem>> {
    let mut b = Bundler {
        files,
        sources,
        values: vec![Value::Null],
        index: HashMap::new(),
        hoisted: HashMap::new(),
        taken: HashMap::new(),
        pending: Vec::new(),
        layer: Layer::default(),
        problems: Vec::new(),
        inlining: Vec::new(),
        swagger2,
    };
    let main = b.sources.file(0).path.clone();
    b.index.insert(normalise(&main), Some(0));
    b.reserve(doc, &main);
    b.resolve(doc, walk::ROOT, 0, &mut String::new(), &mut String::new());
    if !b.problems.is_empty() {
        return Err(b.problems);
    }
    for (section, name, value) in std::mem::take(&mut b.pending) {
        insert(doc, section, name, value);
    }
    let layer = std::mem::take(&mut b.layer);
    b.sources.push_layer(layer);
    Ok(())
}

struct Bundler<'a> {
    files: &'a dyn Files,
    sources: &'a mut SourceMap,
    /// The parsed files, by the index of their [`SourceFile`]; the main
    /// file's slot is empty (its value is the document being bundled).
    values: Vec<Value>,
    /// Path -> file index, or `None` for a file that could not be read.
    index: HashMap<String, Option<usize>>,
    /// Place -> the local `$ref` that now stands for it.
    hoisted: HashMap<Place, String>,
    /// Component names in use, by section pointer.
    taken: HashMap<&'static str, HashSet<String>>,
    /// Components to add: section pointer, name, value.
    pending: Vec<(&'static str, String, Value)>,
    layer: Layer,
    problems: Vec<Problem>,
    /// Places being copied into place, to stop a file that includes itself.
    inlining: Vec<Place>,
    swagger2: bool,
}

/// Directory names that say nothing about what a file holds.
const GENERIC_DIRS: &[&str] = &[
    "models",
    "model",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "shared",
    "resources",
    "definitions",
    "components",
    "common",
    ".",
    "..",
];

impl Bundler<'_> {
    /// The section a `$ref`ed node of this kind is hoisted into, if any.
    fn section(&self, node: Object) -> Option<&'static str> {
        if self.swagger2 {
            return match node {
                Object::Schema => Some("/definitions"),
                Object::Parameter => Some("/parameters"),
                Object::Response => Some("/responses"),
                _ => None,
            };
        }
        Some(match node {
            Object::Schema => "/components/schemas",
            Object::Parameter => "/components/parameters",
            Object::Response => "/components/responses",
            Object::RequestBody => "/components/requestBodies",
            Object::Header => "/components/headers",
            Object::Example => "/components/examples",
            Object::Link => "/components/links",
            Object::Callback => "/components/callbacks",
            Object::SecurityScheme => "/components/securitySchemes",
            _ => return None,
        })
    }

    /// Reserves the main file's own component names, and makes a component
    /// that is itself a `$ref` to another file the home of what it names
    /// (`components: {schemas: {Droplet: {$ref: droplet.yml}}}` puts the
    /// schema at `Droplet`, not at a second name).
    fn reserve(&mut self, doc: &Value, main: &str) {
        for node in [
            Object::Schema,
            Object::Parameter,
            Object::Response,
            Object::RequestBody,
            Object::Header,
            Object::Example,
            Object::Link,
            Object::Callback,
            Object::SecurityScheme,
        ] {
            let Some(section) = self.section(node) else {
                continue;
            };
            let Some(Value::Object(entries)) = doc.pointer(section) else {
                continue;
            };
            for (name, entry) in entries {
                self.taken.entry(section).or_default().insert(name.clone());
                if let Some(Value::String(target)) = entry.get("$ref")
                    && let Ok(Some(place)) = place_of(main, target)
                {
                    let local = format!("#{section}/{}", escape_pointer(name));
                    self.hoisted.entry(place).or_insert(local);
                }
            }
        }
    }

    /// The index of the file at `path`, reading it on first use.
    fn file(&mut self, path: &str) -> Result<usize, String> {
        if let Some(known) = self.index.get(path) {
            return known.ok_or_else(|| format!("`{path}` cannot be read (see above)"));
        }
        let bytes = match self.files.read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.index.insert(path.to_string(), None);
                return Err(format!("`{path}` cannot be read: {e}"));
            }
        };
        match text::parse(path, &bytes) {
            Ok((text, value)) => {
                let i = self
                    .sources
                    .add_file(SourceFile::new(path.to_string(), text));
                self.values.push(value);
                self.index.insert(path.to_string(), Some(i));
                Ok(i)
            }
            Err(problem) => {
                self.problems.push(problem);
                self.index.insert(path.to_string(), None);
                Err(format!("`{path}` cannot be read (see above)"))
            }
        }
    }

    fn problem(&mut self, kind: ProblemKind, file: usize, at: &str, message: String) {
        let location = self.sources.locate_in(file, at);
        self.problems.push(Problem {
            kind,
            location,
            message,
        });
    }

    /// Resolves every reference in `value` (of kind `kind`, at `src` of file
    /// number `file`, and at `out` of the bundled document).
    fn resolve(
        &mut self,
        value: &mut Value,
        kind: Kind,
        file: usize,
        src: &mut String,
        out: &mut String,
    ) {
        if kind == Kind::One(Object::Data) {
            return;
        }
        if let Some(Value::String(target)) = walk::reference(value, kind) {
            let target = target.clone();
            self.reference(value, kind, file, src, out, &target);
            return;
        }
        let (src_len, out_len) = (src.len(), out.len());
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let segment = escape_pointer(key);
                    push(src, &segment);
                    push(out, &segment);
                    self.resolve(child, walk::child(kind, key), file, src, out);
                    src.truncate(src_len);
                    out.truncate(out_len);
                }
            }
            Value::Array(items) => {
                let kind = walk::item(kind);
                for (i, child) in items.iter_mut().enumerate() {
                    let segment = i.to_string();
                    push(src, &segment);
                    push(out, &segment);
                    self.resolve(child, kind, file, src, out);
                    src.truncate(src_len);
                    out.truncate(out_len);
                }
            }
            _ => {}
        }
    }

    /// Resolves the `$ref` object `value`, whose target is `target`.
    fn reference(
        &mut self,
        value: &mut Value,
        kind: Kind,
        file: usize,
        src: &mut String,
        out: &mut String,
        target: &str,
    ) {
        let at_ref = format!("{src}/$ref");
        let here = self.sources.file(file).path.clone();
        let (path, pointer) = match place_of(&here, target) {
            Ok(Some(place)) => place,
            // A local reference of the main file: already where it belongs.
            Ok(None) if file == 0 => return,
            Ok(None) => (here.clone(), fragment(target)),
            Err(e) => {
                self.problem(e.kind, file, &at_ref, e.message);
                return;
            }
        };
        let target_file = match self.file(&path) {
            Ok(i) => i,
            Err(e) => {
                self.problem(
                    ProblemKind::RefFile,
                    file,
                    &at_ref,
                    format!("`$ref: {target}` names a file that cannot be used: {e}"),
                );
                return;
            }
        };
        if target_file == 0 {
            // Back into the main file: a local reference now.
            *value = json!({ "$ref": format!("#{pointer}") });
            return;
        }
        let Some(content) = self.values[target_file].pointer(&pointer).cloned() else {
            self.problem(
                ProblemKind::RefFile,
                file,
                &at_ref,
                format!(
                    "`$ref: {target}` points at nothing: `{path}` has no `{}`",
                    if pointer.is_empty() { "/" } else { &pointer }
                ),
            );
            return;
        };
        let place = (path, pointer);
        let section = kind.node().and_then(|node| self.section(node));
        let known = self.hoisted.get(&place).cloned();
        match (section, known) {
            // A main-file component that names this place is its home.
            (Some(_), Some(local)) if local.trim_start_matches('#') == out.as_str() => {
                self.inline(value, content, kind, file, src, out, place);
            }
            (Some(_), Some(local)) => *value = json!({ "$ref": local }),
            (Some(section), None) => {
                self.hoist(value, content, kind, section, place, target_file);
            }
            (None, _) => self.inline(value, content, kind, file, src, out, place),
        }
    }

    /// Makes `content` (at `place`, file `target_file`) a component and
    /// `value` a local reference to it.
    fn hoist(
        &mut self,
        value: &mut Value,
        mut content: Value,
        kind: Kind,
        section: &'static str,
        place: Place,
        target_file: usize,
    ) {
        let name = self.name(section, &place);
        let mut home = format!("{section}/{}", escape_pointer(&name));
        let local = format!("#{home}");
        // Registered before resolving inside, so a recursive schema refers
        // to itself instead of being copied forever.
        self.hoisted.insert(place.clone(), local.clone());
        self.layer.from_file(&home, target_file, &place.1);
        let mut src = place.1.clone();
        self.resolve(&mut content, kind, target_file, &mut src, &mut home);
        self.pending.push((section, name, content));
        *value = json!({ "$ref": local });
    }

    /// Replaces `value` by `content` (at `place`), keeping the siblings of
    /// its `$ref` (a path item may add to what it refers to).
    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        value: &mut Value,
        mut content: Value,
        kind: Kind,
        file: usize,
        src: &mut String,
        out: &mut String,
        place: Place,
    ) {
        if self.inlining.contains(&place) {
            let chain: Vec<String> = self
                .inlining
                .iter()
                .chain(std::iter::once(&place))
                .map(|(p, f)| format!("{p}#{f}"))
                .collect();
            self.problem(
                ProblemKind::RefCycle,
                file,
                &format!("{src}/$ref"),
                format!(
                    "`$ref` cycle through files: {}; a document cannot contain itself",
                    chain.join(" -> ")
                ),
            );
            return;
        }
        let Some(target_file) = self.index.get(&place.0).copied().flatten() else {
            return;
        };
        self.inlining.push(place.clone());
        self.layer.from_file(out, target_file, &place.1);
        let mut target_src = place.1.clone();
        self.resolve(&mut content, kind, target_file, &mut target_src, out);
        self.inlining.pop();
        if let (Value::Object(siblings), Value::Object(merged)) = (&mut *value, &mut content) {
            let siblings: Map<String, Value> = std::mem::take(siblings);
            let (src_len, out_len) = (src.len(), out.len());
            for (key, mut sibling) in siblings {
                if key == "$ref" {
                    continue;
                }
                let segment = escape_pointer(&key);
                push(src, &segment);
                push(out, &segment);
                self.layer.from_file(out, file, src);
                self.resolve(&mut sibling, walk::child(kind, &key), file, src, out);
                merged.insert(key, sibling);
                src.truncate(src_len);
                out.truncate(out_len);
            }
        }
        *value = content;
    }

    /// A component name for `place` that is not taken: the fragment's last
    /// segment or the file's stem, then prefixed with its directory, then
    /// numbered.
    fn name(&mut self, section: &'static str, place: &Place) -> String {
        let (path, pointer) = place;
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let stem = file_name.split('.').next().unwrap_or(file_name);
        let base = match pointer.rsplit('/').next() {
            Some(last) if !pointer.is_empty() => unescape_pointer(last),
            _ => stem.to_string(),
        };
        let base = sanitize(&base);
        let dir = path
            .rsplit('/')
            .skip(1)
            .find(|d| !GENERIC_DIRS.contains(d))
            .map(sanitize);
        let taken = self.taken.entry(section).or_default();
        let mut candidates = vec![base.clone()];
        if let Some(dir) = dir {
            candidates.push(format!("{dir}_{base}"));
        }
        let name = candidates
            .into_iter()
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| crate::names::unique(&base, "_", |c| !taken.contains(c)));
        taken.insert(name.clone());
        name
    }
}

/// A reference that cannot be followed at all.
struct Unfollowable {
    kind: ProblemKind,
    message: String,
}

/// Where `target`, written in the file at `here`, points: `None` for a
/// local reference (`#/...`), else the normalised path and the pointer.
fn place_of(here: &str, target: &str) -> Result<Option<Place>, Unfollowable> {
    let (file_part, _) = target.split_once('#').unwrap_or((target, ""));
    if file_part.is_empty() {
        return Ok(None);
    }
    if file_part.contains("://") || file_part.starts_with("//") {
        return Err(Unfollowable {
            kind: ProblemKind::RefUrl,
            message: format!(
                "`$ref: {target}` points at a URL; references are not fetched: save the document beside this one and refer to it by a relative path"
            ),
        });
    }
    let file_part = crate::spec::locate::percent_decode(file_part);
    let joined = match here.rsplit_once('/') {
        _ if file_part.starts_with('/') => file_part,
        Some((dir, _)) => format!("{dir}/{file_part}"),
        None => file_part,
    };
    Ok(Some((normalise(&joined), fragment(target))))
}

/// The JSON pointer of a reference's fragment (`""` for a whole file).
fn fragment(target: &str) -> String {
    let pointer = target.split_once('#').map_or("", |(_, f)| f);
    crate::spec::locate::percent_decode(pointer)
}

/// `a/./b/../c` -> `a/c`; leading `..` stay.
fn normalise(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A component name (`^[a-zA-Z0-9._-]+$`) from any text.
fn sanitize(text: &str) -> String {
    let out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "unnamed".to_string()
    } else {
        out
    }
}

fn push(pointer: &mut String, segment: &str) {
    pointer.push('/');
    pointer.push_str(segment);
}

/// Puts `value` at `section`/`name` of `doc`, creating the section.
fn insert(doc: &mut Value, section: &str, name: String, value: Value) {
    let mut here = doc;
    for segment in section.split('/').skip(1) {
        let Value::Object(map) = here else {
            return;
        };
        here = map
            .entry(segment.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = here {
        map.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files held in memory, by path.
    struct Held(&'static [(&'static str, &'static str)]);

    impl Files for Held {
        fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, text)| text.as_bytes().to_vec())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }

    #[test]
    fn components_are_named_after_their_files_without_clashes() {
        let main = "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {$ref: a/thing.yaml}\n    C: {properties: {x: {$ref: a/thing.yaml}, y: {$ref: a/models/thing.yaml}, z: {$ref: 'b/models/thing.yaml'}}}\n";
        let files = Held(&[
            ("spec/a/thing.yaml", "type: string\n"),
            ("spec/a/models/thing.yaml", "type: integer\n"),
            ("spec/b/models/thing.yaml", "type: boolean\n"),
        ]);
        let (text, mut doc) =
            text::parse("spec/main.yaml", main.as_bytes()).unwrap_or_else(|p| panic!("{p}"));
        let mut sources = SourceMap::new(SourceFile::new("spec/main.yaml".into(), text));
        if let Err(problems) = bundle(&mut doc, &files, &mut sources, false) {
            panic!("{problems:?}");
        }
        let schemas = &doc["components"]["schemas"];
        let properties = &schemas["C"]["properties"];
        // A main-file component naming a file is that file's home.
        assert_eq!(schemas["A"], json!({"type": "string"}));
        assert_eq!(properties["x"], json!({"$ref": "#/components/schemas/A"}));
        // New names: the file's stem, then led by its directory.
        assert_eq!(
            properties["y"],
            json!({"$ref": "#/components/schemas/thing"})
        );
        assert_eq!(
            properties["z"],
            json!({"$ref": "#/components/schemas/b_thing"})
        );
        assert_eq!(schemas["b_thing"], json!({"type": "boolean"}));
        let at = sources.locate("/components/schemas/b_thing/type");
        assert_eq!(
            (at.file.as_str(), at.line, at.pointer.as_str()),
            ("spec/b/models/thing.yaml", 1, "/type")
        );
    }

    #[test]
    fn paths_are_normalised_and_fragments_decoded() {
        assert_eq!(normalise("a/b/../../../c/./d.yml"), "../c/d.yml");
        assert_eq!(normalise("../shared/x/../y.yml"), "../shared/y.yml");
        assert_eq!(fragment("x.yml#/a~1b/%7Bid%7D"), "/a~1b/{id}");
        assert!(matches!(
            place_of("spec/main.yaml", "models/a.yml#/A"),
            Ok(Some((p, f))) if p == "spec/models/a.yml" && f == "/A"
        ));
        assert!(place_of("m.yaml", "https://example.com/a.yml").is_err());
    }
}
