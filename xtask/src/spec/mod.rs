//! Reading an OpenAPI document, whatever its vendor published, as the
//! OpenAPI 3.0 document progenitor reads, with errors a person can act on.
//!
//! Reading goes in steps, each of which can only fail with [`Problem`]s at
//! the vendor's own file and line:
//!
//! 1. the text: UTF-8, not empty, YAML or JSON ([`text`]);
//! 2. the version: Swagger 2.0, OpenAPI 3.0 or 3.1;
//! 3. when read from disk, the other files it refers to, bundled into one
//!    document ([`bundle`]);
//! 4. Swagger 2.0 ([`swagger2`]) or OpenAPI 3.1 ([`openapi31`]) rewritten as
//!    OpenAPI 3.0, and JSON Schema's newer spellings in 2.0 and 3.0
//!    documents (type lists, tuple `items`) rewritten too ([`repair`]);
//! 5. the shape of an OpenAPI 3.0 document (`openapiv3`'s model), where a
//!    value that cannot be read is made looser or left out ([`degrade`])
//!    instead of refusing the document.
//!
//! Whatever steps 4 and 5 leave out or loosen is a [`Note`] in
//! [`Spec::notes`], with its [`Effect`] on the client; only what is no API
//! description at all (the root, `info`, `paths` themselves wrong) stays an
//! error.
//!
//! [`load`] with [`Policy::Read`] stops there, for the lint, which then
//! reports every mistake it finds; [`Policy::Checked`] goes on to what
//! progenitor would otherwise answer with a panic or a bare message
//! ([`check`]: references resolve, operationIds exist and are unique). Files on disk are never changed, and
//! a [`SourceMap`] keeps, for every value of the converted document, where
//! the vendor wrote it.

mod bundle;
mod degrade;
mod error;
pub mod locate;
mod method;
mod openapi31;
mod repair;
pub mod resolve;
mod source;
mod swagger2;
mod text;
pub mod walk;

pub use locate::{escape_pointer, join_pointer, unescape_pointer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

pub use error::{LoadError, Problem, ProblemKind};
pub use method::{Method, slots};
pub use source::{Layer, Location, Origin, SourceFile, SourceMap};

/// A spec, read as JSON values (to keep every extension and to report
/// pointers) and as the typed `openapiv3` model progenitor reads, both of
/// the OpenAPI 3.0 form of the document.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Path as given, relative to the workspace root; used in every message.
    pub path: PathBuf,
    /// The document as JSON values (converted to 3.0, bundled).
    pub value: Value,
    /// The document as progenitor's input model.
    pub openapi: OpenAPI,
    /// What the vendor published.
    pub format: SourceFormat,
    /// Where each value of `value` was written (shared: cloning a spec for
    /// normalisation does not copy the files' text).
    pub sources: Arc<SourceMap>,
    /// What reading left out or loosened (3.1 and 2.0 conversion, JSON
    /// Schema rewrites, values that could not be read), worth a warning.
    pub notes: Vec<Note>,
}

impl Spec {
    /// Where the value at `pointer` of [`Spec::value`] was written.
    pub fn locate(&self, pointer: &str) -> Location {
        self.sources.locate(pointer)
    }
}

/// One operation of a spec, for messages and counts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationRef {
    /// The HTTP method; `None` for every operation of a path item that
    /// cannot be read (one given as a `$ref`).
    pub method: Option<Method>,
    /// Path template, such as `/organizations/{organizationId}`.
    pub path: String,
    /// The operationId, when there is one.
    pub operation_id: Option<String>,
}

impl OperationRef {
    /// The method as messages write it: `*` for a whole path item.
    pub fn method(&self) -> &'static str {
        self.method.map_or("*", Method::as_str)
    }
}

impl fmt::Display for OperationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation_id {
            Some(id) => write!(f, "operation `{id}` ({} {})", self.method(), self.path),
            None => write!(f, "operation {} {}", self.method(), self.path),
        }
    }
}

/// The format of a document as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// `swagger: "2.0"`.
    Swagger2,
    /// `openapi: 3.0.x`: read as it is.
    OpenApi30,
    /// `openapi: 3.1.x`.
    OpenApi31,
}

impl SourceFormat {
    /// As people name it.
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Swagger2 => "Swagger 2.0",
            SourceFormat::OpenApi30 => "OpenAPI 3.0",
            SourceFormat::OpenApi31 => "OpenAPI 3.1",
        }
    }
}

/// Something reading left out or changed to read the document as 3.0,
/// instead of refusing the whole document for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where it was, as [`Spec::locate`] places it.
    pub pointer: String,
    /// What was left out and why, and what it means for the client.
    pub message: String,
    /// What the change does to the client, for later stages to report.
    pub effect: Effect,
}

impl Note {
    pub(crate) fn new(
        pointer: impl Into<String>,
        effect: Effect,
        message: impl Into<String>,
    ) -> Note {
        Note {
            pointer: pointer.into(),
            message: message.into(),
            effect,
        }
    }
}

/// What a [`Note`]'s change does to the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// A keyword or construct was left out (or made looser): the client
    /// accepts and sends more than the vendor's schema allows, or ignores
    /// something with no part in a client (webhooks, a dialect, examples).
    Dropped,
    /// Rewritten into an equivalent OpenAPI 3.0 form (a list of types as
    /// `anyOf`): the client accepts the same values, only named otherwise.
    Rewritten,
    /// A schema that could not be read became "any JSON value": the client
    /// neither checks nor types what is sent or received there.
    Opaque,
    /// An operation, response, parameter or header that could not be read
    /// was left out: the client cannot call, send or see it.
    Removed,
}

/// A value OpenAPI 3.0 cannot express, found converting Swagger 2.0 or
/// OpenAPI 3.1: its pointer in the source document, and the message.
pub(crate) type Unconvertible = (String, String);

/// Where the files of a document are read from.
pub trait Files {
    /// The bytes of the file at `path` (as [`SourceFile::path`] shows it).
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>>;
}

/// Files on disk, relative to a directory (the workspace root, or `""`
/// for paths as given on the command line).
struct Disk<'a>(&'a Path);

impl Files for Disk<'_> {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.0.join(path))
    }
}

/// One spec, and the vendor's files around it when `follow` is true.
struct Reading<'a> {
    files: &'a dyn Files,
    /// Whether `$ref`s to other files are followed (read from disk or git)
    /// or left for the checks to report (text given in memory).
    follow: bool,
}

/// Where [`load`] reads a document from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// A file on disk, relative to a directory (the workspace root, or `""`
    /// for a path as given on a command line), and the files it refers to.
    Disk(&'a Path, &'a str),
    /// A file on disk read alone: a `$ref` into another file stays, for
    /// the checks to report (a transcribed spec is one self-contained file).
    Alone(&'a Path, &'a str),
    /// A file of other files (a git revision), and the files it refers to.
    Files(&'a dyn Files, &'a str),
    /// Text in memory, named by the path in messages. No other file is
    /// read: a `$ref` into another file stays, for the checks to report.
    Text(&'a Path, &'a [u8]),
}

/// What [`load`] asks of a document besides reading as OpenAPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Only that it reads: the lint then reports every mistake it finds.
    Read,
    /// Also [`check`]: references resolve, operationIds exist and are
    /// unique (what progenitor would otherwise answer with a panic).
    Checked,
}

impl Source<'_> {
    /// The document's name in messages.
    pub fn name(&self) -> String {
        match self {
            Source::Disk(_, path) | Source::Alone(_, path) | Source::Files(_, path) => {
                path.replace('\\', "/")
            }
            Source::Text(path, _) => shown(path),
        }
    }
}

/// Reads a document as OpenAPI 3.0, as `policy` asks: the one way every
/// command and test reads a spec.
pub fn load(source: Source<'_>, policy: Policy) -> Result<Spec, LoadError> {
    let name = source.name();
    let spec = match source {
        Source::Disk(root, _) => read_file(&Disk(root), &name, true),
        Source::Alone(root, _) => read_file(&Disk(root), &name, false),
        Source::Files(files, _) => read_file(files, &name, true),
        Source::Text(_, bytes) => read_text(&name, bytes),
    }?;
    if policy == Policy::Checked {
        check(&spec)?;
    }
    Ok(spec)
}

/// A file, and when `follow` is true the files it refers to, read the same
/// way whatever holds them.
fn read_file(files: &dyn Files, path: &str, follow: bool) -> Result<Spec, LoadError> {
    let bytes = files.read(path).map_err(|e| {
        Problem::at(
            ProblemKind::Read,
            path,
            1,
            1,
            format!("cannot read the file: {e}"),
        )
    })?;
    match follow {
        true => Reading { files, follow }.run(path, &bytes),
        false => read_text(path, &bytes),
    }
}

/// Text alone.
fn read_text(path: &str, bytes: &[u8]) -> Result<Spec, LoadError> {
    struct Nothing;
    impl Files for Nothing {
        fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
            Err(std::io::Error::other(format!("{path} is not on disk")))
        }
    }
    Reading {
        files: &Nothing,
        follow: false,
    }
    .run(path, bytes)
}

/// A path as messages show it: `/`-separated.
fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

impl Reading<'_> {
    fn run(&self, path: &str, bytes: &[u8]) -> Result<Spec, LoadError> {
        let (text, mut value) = text::parse(path, bytes)?;
        let mut sources = SourceMap::new(SourceFile::new(path.to_string(), text));
        let format = detect(&value).map_err(|(pointer, message)| {
            Problem::located(ProblemKind::Version, &sources, &pointer, message)
        })?;
        if self.follow {
            bundle::bundle(
                &mut value,
                self.files,
                &mut sources,
                format == SourceFormat::Swagger2,
            )
            .map_err(|problems| LoadError { problems })?;
        }
        let unconvertible = |sources: &SourceMap, found: Vec<(String, String)>| LoadError {
            problems: found
                .into_iter()
                .map(|(pointer, message)| {
                    Problem::located(ProblemKind::Conversion, sources, &pointer, message)
                })
                .collect(),
        };
        let mut notes = Vec::new();
        match format {
            SourceFormat::OpenApi30 => {}
            SourceFormat::Swagger2 => {
                let (converted, layer) =
                    swagger2::convert(&value).map_err(|found| unconvertible(&sources, found))?;
                value = converted;
                sources.push_layer(layer);
            }
            SourceFormat::OpenApi31 => {
                let converted = openapi31::convert(&mut value)
                    .map_err(|found| unconvertible(&sources, found))?;
                sources.push_layer(converted.layer);
                notes = converted.notes;
            }
        }
        // JSON Schema's newer spellings, which 3.0 documents (and 2.0 ones)
        // use whatever version they claim; 3.1's were converted above.
        if format != SourceFormat::OpenApi31 {
            notes.extend(repair::repair(&mut value));
        }
        let openapi: OpenAPI = degrade::deserialize(&mut value, &mut notes).map_err(|e| {
            let pointer = pointer_from_serde_path(e.path());
            let what = match format {
                SourceFormat::OpenApi30 => "a valid OpenAPI 3.0 document".to_string(),
                other => format!("a valid {} document (read as OpenAPI 3.0)", other.label()),
            };
            let mut problems = self.external_references(&value, &sources);
            problems.push(Problem::located(
                ProblemKind::Structure,
                &sources,
                &pointer,
                format!("not {what}: {}", e.inner()),
            ));
            LoadError { problems }
        })?;
        Ok(Spec {
            path: PathBuf::from(path),
            value,
            openapi,
            format,
            sources: Arc::new(sources),
            notes,
        })
    }
}

impl Reading<'_> {
    /// When the shape is wrong and other files were not read, the
    /// `$ref`s into them are the likely reason (an operation that is a
    /// `$ref` cannot be read without its file): say so first.
    fn external_references(&self, value: &Value, sources: &SourceMap) -> Vec<Problem> {
        if self.follow {
            return Vec::new();
        }
        walk::references(value)
            .into_iter()
            .filter_map(|(holder, target)| {
                let target = target?;
                let file = target.split('#').next().unwrap_or(&target);
                (!file.is_empty()).then(|| {
                    Problem::located(
                        ProblemKind::RefExternal,
                        sources,
                        &format!("{holder}/$ref"),
                        format!(
                            "`$ref: {target}` points into another file (`{file}`); only references within this file (`#/...`) are supported, so copy the definition into components"
                        ),
                    )
                })
            })
            .collect()
    }
}

/// Swagger 2.0, OpenAPI 3.0 or 3.1; anything else is a (pointer, message).
fn detect(value: &Value) -> std::result::Result<SourceFormat, (String, String)> {
    let Some(map) = value.as_object() else {
        return Err((
            String::new(),
            "expected a YAML mapping with `openapi: 3.0.x` at the top".to_string(),
        ));
    };
    if let Some(swagger) = map.get("swagger") {
        return match swagger {
            Value::String(v) if v == "2.0" => Ok(SourceFormat::Swagger2),
            other => Err((
                "/swagger".to_string(),
                format!(
                    "unsupported Swagger version {}; expected `swagger: \"2.0\"` (or an OpenAPI 3.0 or 3.1 document)",
                    display_scalar(other)
                ),
            )),
        };
    }
    match map.get("openapi") {
        None => Err((
            String::new(),
            "missing the `openapi` field; expected `openapi: 3.0.3`".to_string(),
        )),
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(SourceFormat::OpenApi30),
        Some(Value::String(v)) if v.starts_with("3.1.") => Ok(SourceFormat::OpenApi31),
        Some(other) => Err((
            "/openapi".to_string(),
            format!(
                "unsupported OpenAPI version {}; expected a string `3.0.x` or `3.1.x` (or `swagger: \"2.0\"`)",
                display_scalar(other)
            ),
        )),
    }
}

/// What progenitor needs beyond the shape of the document: every `$ref`
/// points at something in it, and every operation has its own operationId.
pub fn check(spec: &Spec) -> Result<(), LoadError> {
    let refused = |message: String| Problem::refused(&spec.path.display().to_string(), message);
    check_refs(spec).map_err(refused)?;
    check_operations(spec).map_err(refused)?;
    Ok(())
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_refs(spec: &Spec) -> Result<(), String> {
    let root = &spec.value;
    let mut problems = Vec::new();
    for (holder, target) in walk::references(root) {
        let Some(target) = target else { continue };
        let problem = match target.strip_prefix('#') {
            Some(pointer) if root.pointer(pointer).is_some() => continue,
            Some(_) => format!("`$ref: {target}` points at nothing"),
            None => format!(
                "`$ref: {target}` points outside this file; only local references (`#/...`) are supported"
            ),
        };
        // Where the vendor wrote it, when that is not simply here: looked
        // up for a problem only (thousands of references are fine).
        let at = format!("{holder}/$ref");
        let written = spec.locate(&at);
        let at = if written.pointer == at && written.file == shown(&spec.path) {
            at
        } else {
            format!(
                "{}:{}:{} {}",
                written.file, written.line, written.column, written.pointer
            )
        };
        problems.push(match problem.split_once(';') {
            Some((what, rest)) => format!("{what} (at {at});{rest}"),
            None => format!("{problem} (at {at})"),
        });
    }
    match problems.as_slice() {
        [] => Ok(()),
        [one] => Err(one.clone()),
        many => Err(format!(
            "{} broken references:\n  {}",
            many.len(),
            many.join("\n  ")
        )),
    }
}

/// Checks progenitor would otherwise answer with a panic or a bare message.
fn check_operations(spec: &Spec) -> Result<(), String> {
    let mut seen: BTreeMap<&str, OperationRef> = BTreeMap::new();
    for operation in operations(&spec.openapi) {
        let op = operation.at();
        let Some(id) = operation.id() else {
            return Err(format!(
                "{op} has no operationId; progenitor names the Rust method after it, so every operation needs one"
            ));
        };
        if let Some(first) = seen.get(id) {
            return Err(format!(
                "operationId `{id}` is used twice: by {first} and by {} {}",
                op.method(),
                op.path
            ));
        }
        seen.insert(id, op);
    }
    Ok(())
}

/// One operation of a document, where it is and what it holds: what
/// every reader of operations (checks, normalisation, passes, crate docs)
/// walks, from [`operations`].
#[derive(Clone, Copy, Debug)]
pub struct Operation<'a> {
    /// Its slot in the path item.
    pub method: Method,
    /// Its path template.
    pub path: &'a str,
    /// Its path item, whose parameters every operation of it shares.
    pub item: &'a openapiv3::PathItem,
    /// The operation as `openapiv3` reads it.
    pub op: &'a openapiv3::Operation,
}

impl<'a> Operation<'a> {
    /// Its operationId, when it has one.
    pub fn id(&self) -> Option<&'a str> {
        self.op.operation_id.as_deref()
    }

    /// Its name in messages and records (skips, isolation).
    pub fn at(&self) -> OperationRef {
        OperationRef {
            method: Some(self.method),
            path: self.path.to_string(),
            operation_id: self.op.operation_id.clone(),
        }
    }

    /// Its parameters as progenitor sees them: the path item's, then its own.
    pub fn parameters(&self) -> impl Iterator<Item = &'a ReferenceOr<openapiv3::Parameter>> {
        self.item.parameters.iter().chain(&self.op.parameters)
    }
}

/// Every operation of the document, in path order then method order.
pub fn operations(openapi: &OpenAPI) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in Method::ALL {
            if let Some(op) = method.of(item) {
                out.push(Operation {
                    method,
                    path,
                    item,
                    op,
                });
            }
        }
    }
    out
}

/// The `{name}`s of a path template, in order.
pub fn template_names(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Names of the operations, for the report (operationIds are checked unique).
pub fn operation_ids(openapi: &OpenAPI) -> BTreeSet<String> {
    operations(openapi)
        .into_iter()
        .filter_map(|o| o.id().map(str::to_string))
        .collect()
}

/// The JSON pointer of a deserialization error's location.
fn pointer_from_serde_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape_pointer(key)),
            Segment::Enum { variant } => out.push_str(&escape_pointer(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A scalar as a person would write it (strings without quotes).
pub fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
