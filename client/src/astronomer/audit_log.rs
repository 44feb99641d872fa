//! The Organization audit log: a download of newline-delimited JSON, one
//! event per line, gzip-compressed or not, read as it arrives.
//!
//! `get_organization_audit_logs()…send()` already gives the body as
//! progenitor's [`ByteStream`] (chunks as they come off the wire, never the
//! whole file in memory); these helpers read it further:
//!
//! - [`records`] decodes it into one JSON value per line, one at a time;
//!   [`records_as`] into your own type;
//! - [`reader`] gives the uncompressed NDJSON as an `AsyncBufRead`, to save
//!   or process yourself.
//!
//! ```no_run
//! use cloud_orgs::astronomer::{self, audit_log};
//! use futures::StreamExt as _;
//!
//! # async fn run(client: &astronomer::Client) -> Result<(), cloud_orgs::Error> {
//! let download = client
//!     .get_organization_audit_logs()
//!     .organization_id("clmaxoarx000008l2c5ayb9pt")
//!     .start_date("2024-01-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap())
//!     .send()
//!     .await?
//!     .into_inner();
//! let mut events = audit_log::records(download);
//! while let Some(event) = events.next().await {
//!     match event {
//!         Ok(event) => println!("{}", event["action"]),
//!         // One bad line: say which, and go on with the next.
//!         Err(e @ audit_log::RecordError::Line { .. }) => eprintln!("skipped: {e}"),
//!         Err(e) => return Err(e.into()),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Compression
//!
//! Astronomer's export may come gzip-compressed (its CLI saves it as a
//! GZIP file) and says so in no documented header. The helpers look at the
//! first two bytes: the gzip magic number `1f 8b` means gzip (several
//! concatenated members are read as one), anything else is read as plain
//! NDJSON. The headers are not consulted: `Content-Encoding: gzip`,
//! `Content-Type: application/gzip` and a `.gz` file sent as
//! `application/octet-stream` all begin with the magic number, and plain
//! NDJSON never does (no JSON text starts with byte `1f`). This client never
//! asks for compression (`Accept-Encoding`) and reqwest decompresses
//! nothing itself here, so the bytes are what the server sent.
//!
//! # Records
//!
//! Astronomer documents no schema for an event, only that each line is one
//! JSON record; so [`records`] yields [`serde_json::Value`] (nothing a
//! future field or a new kind of event carries is lost), and
//! [`records_as`] decodes into a type of yours if you know more.
//!
//! # Deadline
//!
//! The call's deadline ([`crate::Config::timeout`], 30 s by default) covers
//! reading the body too: give a long export a client with a longer one.

use std::fmt;
use std::io;
use std::pin::Pin;

use astronomer_platform::ByteStream;
use astronomer_platform::operations::GET_ORGANIZATION_AUDIT_LOGS;
use async_compression::tokio::bufread::GzipDecoder;
use bytes::Bytes;
use cloud_orgs_runtime::Error;
use futures::stream::{self, BoxStream, StreamExt as _, TryStreamExt as _};
use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio_util::io::StreamReader;

/// One event of the audit log: a JSON value, since Astronomer documents no
/// schema for it.
pub type Record = serde_json::Value;

/// The longest line read, in bytes (uncompressed). A longer line is a
/// [`RecordError::TooLong`]; the lines after it are still read.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The gzip magic number, the first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a record could not be delivered.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordError {
    /// Reading the download failed (connection lost, deadline passed): the
    /// runtime's [`Error`] for `GET /organizations/{organizationId}/audit-logs`.
    /// Nothing more comes after it.
    Download(Error),
    /// The gzip data is corrupt, or ends before its trailer (a truncated
    /// download), while reading line `line`. Nothing more comes after it.
    Gzip {
        /// The line being read (1-based).
        line: u64,
        /// What the decompressor said.
        source: io::Error,
    },
    /// Line `line` is not a record: not JSON, or not of the record type.
    /// The lines after it are still read.
    Line {
        /// The line (1-based, every line counted, blank ones too).
        line: u64,
        /// What serde said, its position within the line.
        source: serde_json::Error,
    },
    /// Line `line` is longer than [`MAX_LINE_BYTES`]; it is skipped, the
    /// lines after it are still read.
    TooLong {
        /// The line (1-based).
        line: u64,
    },
}

impl RecordError {
    /// The line the error is about, where there is one.
    pub fn line(&self) -> Option<u64> {
        match self {
            Self::Download(_) => None,
            Self::Gzip { line, .. } | Self::Line { line, .. } | Self::TooLong { line } => {
                Some(*line)
            }
        }
    }

    /// Whether the stream goes on after this error (a bad line) or ends.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Download(_) | Self::Gzip { .. })
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Download(e) => write!(f, "audit log download failed: {e}"),
            Self::Gzip { line, source } => write!(
                f,
                "audit log gzip data is corrupt or cut short (reading line {line}): {source}"
            ),
            Self::Line { line, source } => {
                write!(f, "audit log line {line} is not a record: {source}")
            }
            Self::TooLong { line } => write!(
                f,
                "audit log line {line} is longer than {MAX_LINE_BYTES} bytes"
            ),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Download(e) => Some(e),
            Self::Gzip { source, .. } => Some(source),
            Self::Line { source, .. } => Some(source),
            Self::TooLong { .. } => None,
        }
    }
}

impl From<RecordError> for Error {
    /// A download failure is the runtime's error as it was; anything else
    /// is [`Error::InvalidResponse`] whose detail is the message (with the
    /// line number).
    fn from(error: RecordError) -> Self {
        match error {
            RecordError::Download(e) => e,
            other => {
                let detail = <serde_json::Error as serde::de::Error>::custom(other.to_string());
                let error =
                    astronomer_platform::Error::<()>::InvalidResponsePayload(Bytes::new(), detail);
                cloud_orgs_runtime::response::from_progenitor(&GET_ORGANIZATION_AUDIT_LOGS, error)
                    .into()
            }
        }
    }
}

/// The uncompressed bytes of the download, gzip or not (see the module's
/// notes), as an `AsyncBufRead`. A failed download reads as an
/// `io::Error` whose inner error is the `reqwest::Error`; corrupt or
/// truncated gzip as an `io::Error` from the decompressor.
pub async fn reader(body: ByteStream) -> Result<Pin<Box<dyn AsyncBufRead + Send>>, RecordError> {
    let (gzip, bytes) = sniff(body).await?;
    let raw = StreamReader::new(bytes);
    Ok(if gzip {
        let mut decoder = GzipDecoder::new(raw);
        decoder.multiple_members(true);
        Box::pin(BufReader::new(decoder))
    } else {
        Box::pin(raw)
    })
}

/// Each line of the download as a JSON value ([`Record`]), one at a time;
/// blank lines are skipped. A line that is not JSON is a
/// [`RecordError::Line`] item with its number, and the records after it
/// still come; a failed download or broken gzip is the last item.
pub fn records(body: ByteStream) -> BoxStream<'static, Result<Record, RecordError>> {
    records_as(body)
}

/// [`records`], decoding each line into `T`.
pub fn records_as<T>(body: ByteStream) -> BoxStream<'static, Result<T, RecordError>>
where
    T: DeserializeOwned + Send + 'static,
{
    stream::once(reader(body))
        .map_ok(|reader| {
            let lines = Lines {
                reader,
                number: 0,
                buffer: Vec::new(),
                done: false,
            };
            stream::unfold(lines, |mut lines| async move {
                let item = lines.next::<T>().await?;
                Some((item, lines))
            })
        })
        .try_flatten()
        .boxed()
}

/// Reads the first chunks until the first two bytes are known, and says
/// whether they are the gzip magic number; gives back every byte.
async fn sniff(
    body: ByteStream,
) -> Result<(bool, BoxStream<'static, io::Result<Bytes>>), RecordError> {
    let mut body = body.into_inner();
    let mut head: Vec<Bytes> = Vec::new();
    let mut seen = 0;
    while seen < GZIP_MAGIC.len() {
        match body.next().await {
            Some(Ok(chunk)) => {
                seen += chunk.len();
                head.push(chunk);
            }
            Some(Err(e)) => return Err(download(e)),
            None => break,
        }
    }
    let first: Vec<u8> = head
        .iter()
        .flat_map(|c| c.iter().copied())
        .take(2)
        .collect();
    let gzip = first == GZIP_MAGIC;
    let bytes = stream::iter(head.into_iter().map(Ok))
        .chain(body.map_err(io::Error::other))
        .boxed();
    Ok((gzip, bytes))
}

fn download(error: reqwest::Error) -> RecordError {
    let error = astronomer_platform::Error::<()>::ResponseBodyError(error);
    RecordError::Download(
        cloud_orgs_runtime::response::from_progenitor(&GET_ORGANIZATION_AUDIT_LOGS, error).into(),
    )
}

/// The line reader behind [`records_as`].
struct Lines {
    reader: Pin<Box<dyn AsyncBufRead + Send>>,
    /// The number of the last line read.
    number: u64,
    buffer: Vec<u8>,
    done: bool,
}

impl Lines {
    /// The next record or error; `None` at the end (or after a fatal error).
    async fn next<T: DeserializeOwned>(&mut self) -> Option<Result<T, RecordError>> {
        while !self.done {
            self.number += 1;
            self.buffer.clear();
            let limit = u64::try_from(MAX_LINE_BYTES).unwrap_or(u64::MAX) + 1;
            let read = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.buffer)
                .await;
            match read {
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.io_error(e)));
                }
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => {}
            }
            if self.buffer.last() != Some(&b'\n') && self.buffer.len() > MAX_LINE_BYTES {
                if let Err(e) = self.skip_rest_of_line().await {
                    self.done = true;
                    return Some(Err(self.io_error(e)));
                }
                return Some(Err(RecordError::TooLong { line: self.number }));
            }
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(serde_json::from_slice(&self.buffer).map_err(|source| {
                RecordError::Line {
                    line: self.number,
                    source,
                }
            }));
        }
        None
    }

    /// Discards up to and including the next newline, a buffer at a time.
    async fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let available = self.reader.fill_buf().await?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|b| *b == b'\n') {
                Some(at) => {
                    self.reader.as_mut().consume(at + 1);
                    return Ok(());
                }
                None => {
                    let all = available.len();
                    self.reader.as_mut().consume(all);
                }
            }
        }
    }

    /// A read error: the download's own (a `reqwest::Error` inside), or
    /// the decompressor's.
    fn io_error(&self, error: io::Error) -> RecordError {
        let line = self.number;
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<reqwest::Error>())
        {
            return match error
                .into_inner()
                .map(|inner| inner.downcast::<reqwest::Error>())
            {
                Some(Ok(e)) => download(*e),
                // Not reached: the inner error was just checked to be one.
                _ => RecordError::Gzip {
                    line,
                    source: io::Error::other("the download failed"),
                },
            };
        }
        RecordError::Gzip {
            line,
            source: error,
        }
    }
}
