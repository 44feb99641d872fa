//! The audit-log download through the facade, decoded line by line: plain
//! and gzip, bad lines, truncated gzip, a download cut off, and records
//! arriving before the rest of the body has.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use async_compression::tokio::bufread::GzipEncoder;
use cloud_orgs::astronomer::{self, audit_log, audit_log::RecordError};
use cloud_orgs::{Error, RetryPolicy};
use common::config;
use futures::StreamExt as _;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "clmaxoarx000008l2c5ayb9pt";

fn event(n: u64) -> Value {
    json!({"id": format!("evt-{n}"), "action": "organization.updated", "n": n})
}

/// `count` events, one per line.
fn ndjson(count: u64) -> Vec<u8> {
    (1..=count)
        .map(|n| format!("{}\n", event(n)))
        .collect::<String>()
        .into_bytes()
}

async fn gzip(plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzipEncoder::new(plain).read_to_end(&mut out).await.unwrap();
    out
}

fn client(base_url: &str) -> astronomer::Client {
    astronomer::Client::new(config(base_url).retry(RetryPolicy::none())).unwrap()
}

/// A server whose audit-log download is `response`.
async fn serving(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/organizations/{ORG}/audit-logs")))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// The download, through the facade, as the generated operation gives it.
async fn body(base_url: &str) -> astronomer::ByteStream {
    client(base_url)
        .get_organization_audit_logs()
        .organization_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// Every item of the record stream (bounded).
async fn all(body: astronomer::ByteStream) -> Vec<Result<Value, RecordError>> {
    let mut records = audit_log::records(body);
    let mut out = Vec::new();
    for _ in 0..100_000 {
        match records.next().await {
            Some(item) => out.push(item),
            None => return out,
        }
    }
    panic!("the record stream did not end");
}

fn values(items: &[Result<Value, RecordError>]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|item| item.as_ref().ok().cloned())
        .collect()
}

fn events(numbers: impl IntoIterator<Item = u64>) -> Vec<Value> {
    numbers.into_iter().map(event).collect()
}

#[tokio::test]
async fn plain_ndjson_gives_one_record_per_line() {
    // Blank lines skipped, CRLF accepted, the last line without a newline.
    let mut text = String::from_utf8(ndjson(2)).unwrap();
    text.push_str("\n  \r\n");
    text.push_str(&format!("{}\r\n", event(3)));
    text.push_str(&event(4).to_string());
    let server = serving(
        ResponseTemplate::new(200).set_body_raw(text.into_bytes(), "application/octet-stream"),
    )
    .await;
    let items = all(body(&server.uri()).await).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(values(&items), events(1..=4));
}

#[tokio::test]
async fn gzip_is_recognised_by_its_magic_bytes_whatever_the_headers() {
    let compressed = gzip(&ndjson(50)).await;
    for (content_type, encoding) in [
        ("application/octet-stream", None),
        ("application/gzip", None),
        ("application/octet-stream", Some("gzip")),
        ("application/x-ndjson", None), // a server that mislabels it
    ] {
        let mut response =
            ResponseTemplate::new(200).set_body_raw(compressed.clone(), content_type);
        if let Some(encoding) = encoding {
            response = response.insert_header("content-encoding", encoding);
        }
        let server = serving(response).await;
        let items = all(body(&server.uri()).await).await;
        assert!(items.iter().all(Result::is_ok), "{content_type}: {items:?}");
        assert_eq!(values(&items), events(1..=50), "{content_type}");
    }
}

#[tokio::test]
async fn concatenated_gzip_members_are_one_log() {
    let mut compressed = gzip(&ndjson(2)).await;
    compressed.extend(gzip(format!("{}\n", event(3)).as_bytes()).await);
    let server =
        serving(ResponseTemplate::new(200).set_body_raw(compressed, "application/octet-stream"))
            .await;
    let items = all(body(&server.uri()).await).await;
    assert_eq!(values(&items), events(1..=3));
}

#[tokio::test]
async fn an_empty_download_has_no_records() {
    for bytes in [Vec::new(), gzip(b"").await] {
        let server =
            serving(ResponseTemplate::new(200).set_body_raw(bytes, "application/octet-stream"))
                .await;
        assert!(all(body(&server.uri()).await).await.is_empty());
    }
}

#[tokio::test]
async fn a_corrupt_line_is_an_error_with_its_number_and_the_rest_still_comes() {
    let text = format!(
        "{}\n{}\n{{\"id\": \"evt-3\", \"action\": \n\n{}\n",
        event(1),
        event(2),
        event(5)
    );
    for compressed in [false, true] {
        let bytes = if compressed {
            gzip(text.as_bytes()).await
        } else {
            text.clone().into_bytes()
        };
        let server =
            serving(ResponseTemplate::new(200).set_body_raw(bytes, "application/octet-stream"))
                .await;
        let items = all(body(&server.uri()).await).await;
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(values(&items[..2]), events(1..=2), "earlier records first");
        let error = items[2].as_ref().unwrap_err();
        assert!(
            matches!(error, RecordError::Line { line: 3, .. }),
            "{error:?}"
        );
        assert_eq!(error.line(), Some(3));
        assert!(!error.is_fatal());
        assert!(error.to_string().contains("line 3"), "{error}");
        // Line 4 is blank; line 5 still comes.
        assert_eq!(items[3].as_ref().unwrap(), &event(5));
    }
}

#[tokio::test]
async fn a_bad_line_converts_into_the_one_error_type_with_its_number() {
    let server =
        serving(ResponseTemplate::new(200).set_body_raw("not json\n", "application/octet-stream"))
            .await;
    let mut records = audit_log::records(body(&server.uri()).await);
    let error = Error::from(records.next().await.unwrap().unwrap_err());
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
    let detail = error.details().unwrap().detail().unwrap();
    assert!(detail.contains("line 1"), "{detail}");
    assert!(error.to_string().contains("/audit-logs"), "{error}");
}

#[tokio::test]
async fn a_truncated_gzip_is_an_error_not_a_silent_end() {
    let compressed = gzip(&ndjson(200)).await;
    // Cut mid-stream, and cut only the 8-byte trailer (CRC and size): both
    // lose data silently unless the decompressor insists on the end.
    for cut in [
        compressed.len() / 2,
        compressed.len() - 8,
        compressed.len() - 1,
    ] {
        let server = serving(
            ResponseTemplate::new(200)
                .set_body_raw(compressed[..cut].to_vec(), "application/octet-stream"),
        )
        .await;
        let items = all(body(&server.uri()).await).await;
        let last = items.last().unwrap();
        let error = last.as_ref().unwrap_err();
        assert!(
            matches!(error, RecordError::Gzip { .. }),
            "cut at {cut}: {error:?}"
        );
        assert!(error.is_fatal());
        assert!(error.line().is_some());
        // Whatever came before the cut was delivered, in order.
        let delivered = values(&items);
        assert_eq!(delivered, events(1..=delivered.len() as u64));
        assert!(items[..items.len() - 1].iter().all(Result::is_ok));
        let converted = Error::from(items.into_iter().last().unwrap().unwrap_err());
        assert!(
            matches!(converted, Error::InvalidResponse(_)),
            "{converted:?}"
        );
    }
}

#[tokio::test]
async fn corrupt_gzip_data_is_an_error() {
    let mut compressed = gzip(&ndjson(20)).await;
    let middle = compressed.len() / 2;
    compressed[middle] ^= 0xff;
    compressed[middle + 1] ^= 0xff;
    let server =
        serving(ResponseTemplate::new(200).set_body_raw(compressed, "application/octet-stream"))
            .await;
    let items = all(body(&server.uri()).await).await;
    let last = items.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(last, RecordError::Gzip { .. }), "{last:?}");
}

#[tokio::test]
async fn a_line_past_the_limit_is_skipped_with_its_number() {
    let mut text = format!("{}\n", event(1)).into_bytes();
    text.extend(std::iter::repeat_n(b'x', audit_log::MAX_LINE_BYTES + 10));
    text.push(b'\n');
    text.extend(format!("{}\n", event(3)).into_bytes());
    let server =
        serving(ResponseTemplate::new(200).set_body_raw(text, "application/octet-stream")).await;
    let items = all(body(&server.uri()).await).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(matches!(
        items[1].as_ref().unwrap_err(),
        RecordError::TooLong { line: 2 }
    ));
    assert_eq!(values(&items), events([1, 3]));
}

#[tokio::test]
async fn records_decode_into_a_type_of_yours() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Event {
        id: String,
        n: u64,
    }
    let text = format!("{}\n{{\"id\": \"evt-2\"}}\n", event(1));
    let server =
        serving(ResponseTemplate::new(200).set_body_raw(text, "application/octet-stream")).await;
    let items: Vec<_> = audit_log::records_as::<Event>(body(&server.uri()).await)
        .collect()
        .await;
    assert_eq!(
        items[0].as_ref().unwrap(),
        &Event {
            id: "evt-1".into(),
            n: 1
        }
    );
    // A line that is JSON but not an Event is a bad line too.
    assert!(matches!(
        items[1].as_ref().unwrap_err(),
        RecordError::Line { line: 2, .. }
    ));
}

#[tokio::test]
async fn the_reader_gives_the_uncompressed_bytes() {
    let plain = ndjson(30);
    let server = serving(
        ResponseTemplate::new(200).set_body_raw(gzip(&plain).await, "application/octet-stream"),
    )
    .await;
    let mut reader = audit_log::reader(body(&server.uri()).await).await.unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.unwrap();
    assert_eq!(out, plain);
}

/// A one-connection HTTP/1.1 server sending a chunked audit-log body as
/// the test says: `Some(bytes)` is a chunk, `None` cuts the connection
/// without the final chunk, a closed channel ends the body properly.
async fn chunked_server() -> (String, mpsc::Sender<Option<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let (send, mut chunks) = mpsc::channel::<Option<Vec<u8>>>(8);
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the client closed before its request was read");
            request.extend_from_slice(&buffer[..n]);
        }
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                  transfer-encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
        while let Some(chunk) = chunks.recv().await {
            let Some(chunk) = chunk else {
                return; // Cut: drop the socket without the last chunk.
            };
            socket
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await
                .unwrap();
            socket.write_all(&chunk).await.unwrap();
            socket.write_all(b"\r\n").await.unwrap();
            socket.flush().await.unwrap();
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
    });
    (base_url, send)
}

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn records_arrive_before_the_rest_of_the_download() {
    for compressed in [false, true] {
        let (base_url, chunks) = chunked_server().await;
        let first = format!("{}\n", event(1)).into_bytes();
        let rest = format!("{}\n", event(2)).into_bytes();
        let (first, rest) = if compressed {
            // One gzip member per part: the first decodes on its own.
            (gzip(&first).await, gzip(&rest).await)
        } else {
            (first, rest)
        };
        // The magic bytes split across two chunks are still recognised.
        chunks.send(Some(first[..1].to_vec())).await.unwrap();
        chunks.send(Some(first[1..].to_vec())).await.unwrap();
        let mut records = audit_log::records(body(&base_url).await);
        let one = tokio::time::timeout(WAIT, records.next()).await;
        let one = one.expect("the first record came before the rest was sent");
        assert_eq!(one.unwrap().unwrap(), event(1), "compressed: {compressed}");
        chunks.send(Some(rest)).await.unwrap();
        drop(chunks);
        let two = tokio::time::timeout(WAIT, records.next()).await.unwrap();
        assert_eq!(two.unwrap().unwrap(), event(2));
        assert!(
            tokio::time::timeout(WAIT, records.next())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_download_cut_off_is_the_runtimes_transport_error() {
    let (base_url, chunks) = chunked_server().await;
    let text = format!("{}\n{}", event(1), r#"{"id": "evt-2", "act"#);
    chunks.send(Some(text.into_bytes())).await.unwrap();
    chunks.send(None).await.unwrap();
    let items = tokio::time::timeout(WAIT, all(body(&base_url).await))
        .await
        .unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap(), &event(1));
    let error = items.into_iter().nth(1).unwrap().unwrap_err();
    let RecordError::Download(error) = error else {
        panic!("{error:?}")
    };
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.to_string().contains("/audit-logs"), "{error}");
}
