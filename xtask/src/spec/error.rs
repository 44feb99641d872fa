//! Why a document cannot be read, at the vendor's file and line.

use std::fmt;

use super::source::{Location, SourceMap};

/// What kind of reading failed; the lint turns each into its own rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file cannot be read from disk (or git).
    Read,
    /// The bytes are not UTF-8.
    Utf8,
    /// Nothing but white space.
    Empty,
    /// Not valid YAML (or JSON).
    Yaml,
    /// Not Swagger 2.0, OpenAPI 3.0 or 3.1.
    Version,
    /// A construct of Swagger 2.0 or OpenAPI 3.1 with no OpenAPI 3.0 meaning.
    Conversion,
    /// A `$ref` to another file that cannot be read, or to nothing in it.
    RefFile,
    /// A `$ref` to a URL: never fetched.
    RefUrl,
    /// A `$ref` into another file, in a document read as text alone.
    RefExternal,
    /// References to other files that include themselves.
    RefCycle,
    /// Valid YAML, but not the shape of an OpenAPI document.
    Structure,
    /// Read, but refused by [`super::check`] ([`super::Policy::Checked`]):
    /// what progenitor would otherwise answer with a panic.
    Refused,
}

/// One reason a document cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What failed.
    pub kind: ProblemKind,
    /// Where, in the vendor's text.
    pub location: Location,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem at a line and column, before any JSON pointer exists.
    pub(crate) fn at(
        kind: ProblemKind,
        file: &str,
        line: usize,
        column: usize,
        message: String,
    ) -> Problem {
        Problem {
            kind,
            location: Location {
                file: file.to_string(),
                line,
                column,
                pointer: String::new(),
            },
            message,
        }
    }

    /// A document refused as a whole (no line: the message says where).
    pub(crate) fn refused(file: &str, message: String) -> Problem {
        Problem::at(ProblemKind::Refused, file, 0, 0, message)
    }

    /// A problem at `pointer` of the document as converted so far.
    pub(crate) fn located(
        kind: ProblemKind,
        sources: &SourceMap,
        pointer: &str,
        message: String,
    ) -> Problem {
        Problem {
            kind,
            location: sources.locate(pointer),
            message,
        }
    }
}

/// `file:line:column: message (at /pointer)`, the pointer left out when the
/// problem is about the text rather than a value, the line when it is about
/// the whole document.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Location {
            file,
            line,
            column,
            pointer,
        } = &self.location;
        match line {
            0 => write!(f, "{file}: {}", self.message)?,
            _ => write!(f, "{file}:{line}:{column}: {}", self.message)?,
        }
        if !pointer.is_empty() {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

/// Every reason a document cannot be read (at least one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
}

impl From<Problem> for LoadError {
    fn from(problem: Problem) -> LoadError {
        LoadError {
            problems: vec![problem],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems:", many.len())?;
                for p in many {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}
