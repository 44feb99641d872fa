//! Where each value of a converted document was written by its vendor.
//!
//! The document progenitor reads is not the text on disk: a multi-file tree
//! is bundled into one document, Swagger 2.0 and OpenAPI 3.1 are rewritten
//! as 3.0. A finding about the converted form must still name the vendor's
//! own file, line and JSON pointer, because that is what the reader can open
//! and fix. Each step that moves values records, in a [`Layer`], the pointer
//! each moved value had before the step; [`SourceMap::locate`] undoes the
//! steps from the last to the first, then looks the position up in the file.
//!
//! Only moved values are recorded (a prefix covers everything beneath it),
//! so a document that needs no conversion costs nothing, and positions are
//! computed per file on first use: reading a 2,900-file tree for codegen
//! never parses a file twice.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::spec::locate::{Position, Positions};

/// One file of a document, as the vendor wrote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown in messages: relative to the workspace root (or as
    /// given on the command line), `/`-separated, without `.` or `x/..`.
    pub path: String,
    text: String,
    positions: OnceLock<Positions>,
}

impl SourceFile {
    /// A file and its text; positions are computed when first asked for.
    pub fn new(path: String, text: String) -> SourceFile {
        SourceFile {
            path,
            text,
            positions: OnceLock::new(),
        }
    }

    /// Line and column of every value, by JSON pointer.
    pub fn positions(&self) -> &Positions {
        self.positions
            .get_or_init(|| Positions::of_yaml(&self.text))
    }
}

/// Where a moved value came from: a pointer before the step, and the file
/// when the step is the one that brought the value from another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Index into [`SourceMap::files`]; `None` keeps the file of the next
    /// layer down (conversions never change files).
    pub file: Option<usize>,
    /// JSON pointer before the step.
    pub pointer: String,
}

/// What one step moved: pointer after the step -> where it was before.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    entries: HashMap<String, Origin>,
}

impl Layer {
    /// Records that the value now at `after` was at `before` (same file).
    pub fn moved(&mut self, after: &str, before: &str) {
        if after != before {
            self.entries.insert(
                after.to_string(),
                Origin {
                    file: None,
                    pointer: before.to_string(),
                },
            );
        }
    }

    /// Records that the value now at `after` was written at `before` in
    /// file number `file`.
    pub fn from_file(&mut self, after: &str, file: usize, before: &str) {
        self.entries.insert(
            after.to_string(),
            Origin {
                file: Some(file),
                pointer: before.to_string(),
            },
        );
    }

    /// The origin recorded for exactly this pointer.
    pub fn get(&self, after: &str) -> Option<&Origin> {
        self.entries.get(after)
    }

    /// The pointer `pointer` had before the step (same file or not).
    pub(crate) fn origin(&self, pointer: &str) -> String {
        self.undo(pointer).1
    }

    /// Where `pointer` was before the step: the origin of its longest
    /// recorded prefix, with the rest of the pointer appended.
    fn undo(&self, pointer: &str) -> (Option<usize>, String) {
        if self.entries.is_empty() {
            return (None, pointer.to_string());
        }
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(origin) = self.entries.get(prefix) {
                return (
                    origin.file,
                    format!("{}{}", origin.pointer, &pointer[end..]),
                );
            }
            match prefix.rfind('/') {
                Some(i) => end = i,
                None => return (None, pointer.to_string()),
            }
        }
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A place in a vendor's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as shown in messages.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// JSON pointer within that file (`""` for the whole file).
    pub pointer: String,
}

/// The files of a document and the steps from them to the converted form.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    layers: Vec<Layer>,
}

impl SourceMap {
    /// A map of one file (index 0, the document's main file).
    pub fn new(main: SourceFile) -> SourceMap {
        SourceMap {
            files: vec![main],
            layers: Vec::new(),
        }
    }

    /// Adds a file and returns its index.
    pub fn add_file(&mut self, file: SourceFile) -> usize {
        self.files.push(file);
        self.files.len() - 1
    }

    /// The files, the main one first.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// File number `index`.
    pub fn file(&self, index: usize) -> &SourceFile {
        &self.files[index]
    }

    /// Adds the record of one step, applied after every earlier one.
    pub fn push_layer(&mut self, layer: Layer) {
        if !layer.is_empty() {
            self.layers.push(layer);
        }
    }

    /// Where the value at `pointer` of the converted document was written.
    /// Never fails: a value the vendor did not write (one a conversion made
    /// up) is placed at its nearest written ancestor.
    pub fn locate(&self, pointer: &str) -> Location {
        let mut file = None;
        let mut at = pointer.to_string();
        for layer in self.layers.iter().rev() {
            let (f, before) = layer.undo(&at);
            at = before;
            file = f.or(file);
        }
        self.locate_in(file.unwrap_or(0), &at)
    }

    /// The position of `pointer` in file number `file` (no layers undone).
    pub fn locate_in(&self, file: usize, pointer: &str) -> Location {
        let source = &self.files[file];
        let Position { line, column } = source.positions().locate(pointer);
        Location {
            file: source.path.clone(),
            line,
            column,
            pointer: pointer.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_undone_last_first_and_by_longest_prefix() {
        let main = SourceFile::new("main.yaml".into(), "a:\n  b: 1\n".into());
        let other = SourceFile::new("other.yaml".into(), "x:\n  y:\n    z: 2\n".into());
        let mut map = SourceMap::new(main);
        let other = map.add_file(other);
        let mut bundle = Layer::default();
        bundle.from_file("/components/schemas/x", other, "/x");
        map.push_layer(bundle);
        let mut convert = Layer::default();
        convert.moved("/definitions", "/components/schemas");
        map.push_layer(convert);

        let at = map.locate("/definitions/x/y/z");
        assert_eq!(
            (at.file.as_str(), at.line, at.pointer.as_str()),
            ("other.yaml", 3, "/x/y/z")
        );
        let at = map.locate("/a/b");
        assert_eq!(
            (at.file.as_str(), at.line, at.pointer.as_str()),
            ("main.yaml", 2, "/a/b")
        );
    }
}
