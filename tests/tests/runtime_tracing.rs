//! The runtime's span for an operation nobody wrapped by hand: operation,
//! path template, status, attempts; never the secret or the URL.
//!
//! A test binary of its own with a single test: tracing caches per call
//! site whether anyone listens, and a test running on another thread
//! without a subscriber would make these call sites silent here.
#![allow(clippy::unwrap_used)]

#[allow(dead_code, unused_imports, clippy::all)]
mod fixture {
    include!(concat!(env!("OUT_DIR"), "/unwrapped.rs"));
}

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_orgs_runtime::{RetryPolicy, Runtime};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "trace-SECRET-91ab";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_span_names_the_operation_but_never_the_secret_or_the_url() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        // INFO: the runtime's level; hyper's connection logs (DEBUG and
        // TRACE) do name the address, which is theirs to print.
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "secret-widget-id" })))
        .mount(&server)
        .await;
    let runtime = Runtime::new("widgets").redact(SECRET).retry(RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        ..RetryPolicy::default()
    });
    let http = reqwest::Client::new();
    let client = fixture::Client::new_with_client(&server.uri(), http, runtime);
    client
        .get_widget()
        .widget_id(format!("secret-widget-id-{SECRET}"))
        .send()
        .await
        .unwrap();

    let text = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains("secret-widget-id"), "{text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
    for expected in [
        "cloud_orgs.request",
        "api=widgets",
        "operation=\"get_widget\"",
        "method=\"GET\"",
        "path=\"/widgets/{widgetId}\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "retrying",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
