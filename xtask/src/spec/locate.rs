//! Where each value of a YAML document is: JSON pointer -> line and column.
//!
//! `serde_yaml_ng` (which the rest of the xtask parses with) keeps no
//! positions, so the lint parses the text a second time with `yaml-rust2`,
//! whose parser reports a mark with every event, and records the position of
//! every node under the JSON pointer it will have in the `serde_json::Value`.
//! A mapping value is placed at its key (`name:` is where a person looks),
//! a sequence item at the item itself.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A place in the text, both 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Line number.
    pub line: usize,
    /// Column, in characters.
    pub column: usize,
}

impl Position {
    /// The top of the file, for findings about the file as a whole.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// The positions of a document's nodes, by JSON pointer (`""` is the root).
#[derive(Debug, Default)]
pub struct Positions {
    map: HashMap<String, Position>,
}

impl Positions {
    /// Positions of the first document in `text`. Never fails: if `yaml-rust2`
    /// stops on an error, the nodes read before it keep their positions and
    /// [`Positions::locate`] falls back to the nearest known ancestor.
    pub fn of_yaml(text: &str) -> Positions {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        // An error here was (or will be) reported by serde_yaml_ng with its
        // own position; the partial map is still useful.
        let _ = parser.load(&mut builder, false);
        Positions { map: builder.map }
    }

    /// The position recorded for exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<Position> {
        self.map.get(pointer).copied()
    }

    /// The position of `pointer`, or of its nearest ancestor that has one
    /// (aliases and parse errors can leave holes), or the top of the file.
    pub fn locate(&self, pointer: &str) -> Position {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.map.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Position::START,
            }
        }
    }

    /// How many nodes have a position.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no node has a position.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// One open collection while events stream by.
enum Frame {
    Mapping {
        pointer: String,
        /// The key read last, waiting for its value, with the key's position.
        key: Option<(String, Position)>,
        /// False inside a complex (non-scalar) key: nothing there has a pointer.
        record: bool,
        /// yaml-rust2 marks a block mapping one column after its first key;
        /// the pointer (root or sequence item) whose position the first key
        /// corrects, if it is earlier.
        fix: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
        record: bool,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    map: HashMap<String, Position>,
    /// Set after the first document: later ones are not what serde reads.
    finished: bool,
}

fn position(mark: Marker) -> Position {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Position {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

/// What a node start means for its parent: its pointer and position, or
/// `None` when the node is a mapping key (or inside one).
enum Role {
    Key,
    Value(String, Position, bool),
}

impl Builder {
    fn role(&mut self, mark: Marker) -> Role {
        let here = position(mark);
        match self.stack.last_mut() {
            None => Role::Value(String::new(), here, true),
            Some(Frame::Mapping {
                pointer,
                key,
                record,
                ..
            }) => match key.take() {
                None => Role::Key,
                Some((k, at)) => {
                    Role::Value(format!("{pointer}/{}", escape_pointer(&k)), at, *record)
                }
            },
            Some(Frame::Sequence {
                pointer,
                next,
                record,
            }) => {
                let p = format!("{pointer}/{next}");
                *next += 1;
                Role::Value(p, here, *record)
            }
        }
    }

    fn set_key(&mut self, key: String, at: Position) {
        if let Some(Frame::Mapping { key: slot, fix, .. }) = self.stack.last_mut() {
            *slot = Some((key, at));
            if let Some(pointer) = fix.take()
                && let Some(recorded) = self.map.get_mut(&pointer)
                && (at.line, at.column) < (recorded.line, recorded.column)
            {
                *recorded = at;
            }
        }
    }

    fn record(&mut self, pointer: &str, at: Position, record: bool) {
        if record && !self.map.contains_key(pointer) {
            self.map.insert(pointer.to_string(), at);
        }
    }

    /// A collection starts: as a value it gets a pointer; as a key it is
    /// read through without recording, then stands for a key `?`.
    fn open(&mut self, mark: Marker, mapping: bool) {
        // Only a root or sequence-item mapping is placed at its own mark.
        let at_own_mark = !matches!(self.stack.last(), Some(Frame::Mapping { .. }));
        let (pointer, record) = match self.role(mark) {
            Role::Key => {
                self.set_key("?".to_string(), position(mark));
                (String::new(), false)
            }
            Role::Value(p, at, record) => {
                self.record(&p, at, record);
                (p, record)
            }
        };
        self.stack.push(if mapping {
            Frame::Mapping {
                fix: (at_own_mark && record).then(|| pointer.clone()),
                pointer,
                key: None,
                record,
            }
        } else {
            Frame::Sequence {
                pointer,
                next: 0,
                record,
            }
        });
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.finished {
            return;
        }
        match ev {
            Event::Scalar(value, ..) => match self.role(mark) {
                Role::Key => self.set_key(value, position(mark)),
                Role::Value(p, at, record) => self.record(&p, at, record),
            },
            Event::Alias(_) => match self.role(mark) {
                Role::Key => self.set_key("?".to_string(), position(mark)),
                Role::Value(p, at, record) => self.record(&p, at, record),
            },
            Event::MappingStart(..) => self.open(mark, true),
            Event::SequenceStart(..) => self.open(mark, false),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::DocumentEnd => self.finished = true,
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
    }
}

/// A URI reference's fragment or path as written, percent-decoded
/// (`%7B` -> `{`); invalid UTF-8 after decoding is replaced.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON pointer segment (RFC 6901).
pub fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `pointer` + `/` + the escaped `segment`.
pub fn join_pointer(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_pointer(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sit_at_their_keys_and_items_at_themselves() {
        let text = "a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n'f/g': {h: 3}\n";
        let p = Positions::of_yaml(text);
        let at = |ptr: &str| p.get(ptr).map(|p| (p.line, p.column));
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("/a"), Some((1, 1)));
        assert_eq!(at("/b"), Some((2, 1)));
        assert_eq!(at("/b/c"), Some((3, 3)));
        assert_eq!(at("/b/c/1"), Some((3, 10)));
        assert_eq!(at("/b/d/0"), Some((5, 7)));
        assert_eq!(at("/b/d/0/e"), Some((5, 7)));
        assert_eq!(at("/f~1g/h"), Some((6, 9)));
        assert_eq!(p.locate("/b/d/0/e/zz"), Position { line: 5, column: 7 });
    }
}
