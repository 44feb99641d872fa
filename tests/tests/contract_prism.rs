//! Every operation of both APIs through the facade, against Stoplight Prism
//! (pinned in `tests/prism/`, see its README): Elastic's own Swagger 2.0
//! definition from `../shared/docs/vendors/`, and our Astronomer spec.
//!
//! Prism validates each request against the definition and answers with
//! its examples or bodies built from its schemas. For every operation of
//! each generated crate's table (so an operation added to a spec without a
//! call here fails the test), the test sends the request with no `Prefer`
//! (the documented success, whose body must parse) and once per documented
//! error status with `Prefer: code=<status>` (set with `Config::header`; the
//! facade's error must carry that status, its kind and, for Elastic, the
//! `x-cloud-error-codes` value Prism takes from the definition).
//!
//! Zero validation errors, checked two ways:
//! - Prism's log (its stdout, read line by line by a thread): after each
//!   call the test waits, bounded, until Prism has logged a validator
//!   verdict for every request it received, and fails on any
//!   `[VALIDATOR] ⚠`/`✖` line or Prism error (`prism/errors#`) since the
//!   previous call. This covers every response shape, including a
//!   documented 400 that Prism picks *because* the request was invalid
//!   (only its `sl-violations` header tells it apart, and the facade's
//!   errors keep a short list of headers that does not include it).
//! - The responses themselves: no `sl-violations` header on a success
//!   (`ResponseValue::headers`), and no `application/problem+json` (Prism's
//!   own answers) on an error (`ApiError::headers` keeps `content-type`).
//!
//! The pinned Prism is installed by the first test that needs it
//! (`workspace_tests::prism`: `npm ci` in `tests/prism`, once). Without
//! Node.js, or without `../shared`, the tests print a one-line note and
//! pass; under `CI` they fail instead. Prism is killed when a test ends,
//! passing or panicking (a drop guard).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use cloud_orgs::astronomer::{self, AllOrganizations, audit_log};
use cloud_orgs::{ApiError, Config, Error, ErrorKind, RetryPolicy, elastic};
use cloud_orgs_runtime::{Documented, Operation};
use futures::{StreamExt as _, TryStreamExt as _};
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;
use serde_json::Value;

const ELASTIC_DOC: &str = "../shared/docs/vendors/elastic-cloud-apidocs-user.organizations.json";
const ASTRONOMER_DOC: &str = "openapi/astronomer-platform.v1beta1.yaml";

/// Generous: Prism starts in about a second on the 2-core machine.
const STARTUP: Duration = Duration::from_secs(30);
/// How long Prism's log may lag behind its answer.
const LOG_LAG: Duration = Duration::from_secs(10);

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Skips the test (`None`, with a note) when something it needs is not on
/// this machine; under CI that is a failure instead.
fn needs(what: &str, present: bool) -> Option<()> {
    if present {
        Some(())
    } else {
        unavailable(&format!("{what} is missing"))
    }
}

/// [`needs`] with the reason in full.
fn unavailable<T>(why: &str) -> Option<T> {
    assert!(!in_ci(), "{why} (required under CI)");
    eprintln!("skipped: {why}");
    None
}

/// A running Prism, killed on drop.
struct Prism {
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
    /// Requests sent to it so far, and how much of its log was checked.
    sent: usize,
    checked: usize,
}

impl Drop for Prism {
    fn drop(&mut self) {
        // The child is node itself (the .bin entry is a node script), so
        // this stops the server; `wait` reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    /// Prism serving `document` on 127.0.0.1 (a free port), ready; `None`
    /// (with a note) when Prism, Node or the document is not here.
    fn start(document: &str) -> Option<Prism> {
        let root = workspace_tests::root();
        let bin = match workspace_tests::prism::install() {
            Ok(bin) => bin,
            Err(why) => return unavailable(&why.to_string()),
        };
        let document = root.join(document);
        needs(&document.display().to_string(), document.exists())?;
        Some(Self::spawn(&bin, &document, &root))
    }

    fn spawn(bin: &Path, document: &PathBuf, root: &Path) -> Prism {
        let mut child = Command::new(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", "0"])
            .arg(document)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel::<String>();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                // Ends when Prism's stdout closes (it exited or was killed).
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(at) = line.find("Prism is listening on ") {
                        let url = line[at + "Prism is listening on ".len()..].trim();
                        let _ = ready_tx.send(url.to_string());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr_pipe.read_to_string(&mut text);
                stderr.lock().unwrap().push_str(&text);
            });
        }
        // The guard exists before the wait, so a failed start kills it too.
        let mut prism = Prism {
            child,
            base_url: String::new(),
            log,
            stderr,
            sent: 0,
            checked: 0,
        };
        match ready_rx.recv_timeout(STARTUP) {
            Ok(url) => prism.base_url = url,
            Err(e) => {
                let status = prism.child.try_wait().ok().flatten();
                panic!(
                    "Prism did not become ready ({e}; exit status {status:?})\nstdout:\n{}\nstderr:\n{}",
                    prism.log.lock().unwrap().join("\n"),
                    prism.stderr.lock().unwrap()
                );
            }
        }
        assert!(
            prism.base_url.starts_with("http://127.0.0.1:"),
            "{}",
            prism.base_url
        );
        prism
    }

    fn config(&self, prefer: Option<u16>) -> Config {
        let config = Config::new("test-key")
            .base_url(&self.base_url)
            .timeout(Duration::from_secs(20))
            // One request per call: the log check counts them.
            .retry(RetryPolicy::none());
        match prefer {
            Some(status) => config.header("Prefer", format!("code={status}")),
            None => config,
        }
    }

    /// After a call that sent `requests` requests: waits (bounded) until
    /// Prism has logged a verdict for each, then fails on any violation it
    /// logged since the previous check.
    async fn check_log(&mut self, what: &str, requests: usize) {
        let (violations, new) = self.violations(what, requests).await;
        assert!(
            violations.is_empty(),
            "{what}: Prism reported a violation:\n{}",
            new.join("\n")
        );
    }

    /// The violation lines Prism logged for the next `requests` requests,
    /// and every line it logged for them.
    async fn violations(&mut self, what: &str, requests: usize) -> (Vec<String>, Vec<String>) {
        self.sent += requests;
        let deadline = Instant::now() + LOG_LAG;
        let lines = loop {
            let lines = self.log.lock().unwrap().clone();
            let received = lines
                .iter()
                .filter(|l| l.contains("[HTTP SERVER]") && l.contains("Request received"))
                .count();
            let verdicts = lines
                .iter()
                .filter(|l| l.contains("[VALIDATOR] ✔") || l.contains("[VALIDATOR] ⚠"))
                .count();
            assert!(
                received <= self.sent,
                "{what}: Prism received {received} requests, {} were sent",
                self.sent
            );
            if received == self.sent && verdicts >= received {
                break lines;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: Prism logged {received} requests and {verdicts} verdicts, {} expected:\n{}",
                self.sent,
                lines[self.checked..].join("\n")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let new = lines[self.checked..].to_vec();
        self.checked = lines.len();
        let violations = new
            .iter()
            .filter(|l| {
                l.contains("[VALIDATOR] ⚠")
                    || l.contains("[VALIDATOR] ✖")
                    || l.contains("prism/errors#")
            })
            .cloned()
            .collect();
        (violations, new)
    }
}

/// What one call through the facade gave.
#[derive(Debug)]
enum Outcome {
    Success {
        status: u16,
        headers: HeaderMap,
    },
    Failure {
        error: Error,
        /// The documented error body parsed into its type.
        typed_body: bool,
        headers: HeaderMap,
    },
}

fn outcome<T, E>(result: Result<ResponseValue<T>, ApiError<E>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Success {
            status: value.status().as_u16(),
            headers: value.headers().clone(),
        },
        Err(error) => Outcome::Failure {
            typed_body: error.body().is_some(),
            headers: error.headers().clone(),
            error: error.into(),
        },
    }
}

fn documented_errors(operation: &Operation) -> Vec<u16> {
    operation
        .documented
        .iter()
        .filter_map(|d| match d {
            Documented::Code(code) if *code >= 400 => Some(*code),
            _ => None,
        })
        .collect()
}

fn success_statuses(operation: &Operation) -> Vec<u16> {
    operation
        .documented
        .iter()
        .filter_map(|d| match d {
            Documented::Code(code) if (200..300).contains(code) => Some(*code),
            _ => None,
        })
        .collect()
}

/// The checks every answer gets, besides Prism's log.
fn assert_success(what: &str, outcome: &Outcome, operation: &Operation) {
    let Outcome::Success { status, headers } = outcome else {
        panic!("{what}: expected the documented success, got {outcome:?}");
    };
    assert!(
        success_statuses(operation).contains(status),
        "{what}: {status} is not a documented success"
    );
    assert!(
        !headers.contains_key("sl-violations"),
        "{what}: {:?}",
        headers.get("sl-violations")
    );
}

/// The facade's error for `Prefer: code=<status>`: that status, its kind,
/// documented, the body typed, not one of Prism's own answers.
fn assert_failure(what: &str, outcome: Outcome, status: u16) -> Error {
    let Outcome::Failure {
        error,
        typed_body,
        headers,
    } = outcome
    else {
        panic!("{what}: expected an error, got {outcome:?}");
    };
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        !content_type.contains("problem+json"),
        "{what}: Prism's own answer: {error:?}"
    );
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status),
        "{what}: {error:?}"
    );
    let expected = reqwest::StatusCode::from_u16(status).unwrap();
    assert_eq!(error.kind(), Some(ErrorKind::of_status(expected)), "{what}");
    assert!(error.details().unwrap().is_documented(), "{what}");
    assert!(
        typed_body,
        "{what}: the documented error body did not parse: {error:?}"
    );
    error
}

/// Every operation id of a table, to compare with those called.
fn ids(table: &[Operation]) -> BTreeSet<&'static str> {
    table.iter().map(|o| o.id).collect()
}

// ---------------------------------------------------------------- Elastic

async fn call_elastic(client: &elastic::Client, id: &str) -> Outcome {
    use elastic::types::{OrganizationInvitationRequest, OrganizationRequest};
    match id {
        "list_organizations" => outcome(client.list_organizations().send().await),
        "get_organization" => outcome(
            client
                .get_organization()
                .organization_id("org-1")
                .send()
                .await,
        ),
        #[allow(deprecated)] // Elastic deprecated it on the page, not in the definition.
        "update_organization" => outcome(
            client
                .update_organization()
                .organization_id("org-1")
                .body(
                    OrganizationRequest::builder()
                        .name("Research".to_string())
                        .billing_contacts(Vec::<String>::new()),
                )
                .send()
                .await,
        ),
        "get_organization_invitation" => outcome(
            client
                .get_organization_invitation()
                .invitation_token("inv-token-1")
                .send()
                .await,
        ),
        "accept_organization_invitation" => outcome(
            client
                .accept_organization_invitation()
                .invitation_token("inv-token-1")
                .send()
                .await,
        ),
        "list_organization_invitations" => outcome(
            client
                .list_organization_invitations()
                .organization_id("org-1")
                .send()
                .await,
        ),
        "create_organization_invitations" => outcome(
            client
                .create_organization_invitations()
                .organization_id("org-1")
                .body(
                    OrganizationInvitationRequest::builder()
                        .emails(vec!["jane.doe@example.com".to_string()]),
                )
                .send()
                .await,
        ),
        // One item: Prism 5.14.2 splits a path segment at commas before
        // validating, so two items fail against the vendor's own file
        // (tests/prism/README.md); several items are checked on wiremock.
        "delete_organization_invitations" => outcome(
            client
                .delete_organization_invitations()
                .organization_id("org-1")
                .invitation_tokens(["inv-token-1".to_string()])
                .send()
                .await,
        ),
        "list_organization_members" => outcome(
            client
                .list_organization_members()
                .organization_id("org-1")
                .send()
                .await,
        ),
        "delete_organization_memberships" => outcome(
            client
                .delete_organization_memberships()
                .organization_id("org-1")
                .user_ids(["user-1".to_string()])
                .force(false)
                .send()
                .await,
        ),
        other => panic!("no Prism call for the Elastic operation {other}: add one"),
    }
}

/// The vendor's definition, to compare our facts with and to know what
/// Prism answers.
fn elastic_definition() -> Value {
    let path = workspace_tests::root().join(ELASTIC_DOC);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vendor_operation<'a>(definition: &'a Value, operation: &Operation) -> &'a Value {
    let method = operation.method.as_str().to_ascii_lowercase();
    definition["paths"]
        .get(operation.path)
        .and_then(|item| item.get(&method))
        .unwrap_or_else(|| panic!("{operation} is not in the vendor's definition"))
}

#[tokio::test]
async fn every_elastic_operation_against_the_vendors_own_definition() {
    let Some(mut prism) = Prism::start(ELASTIC_DOC) else {
        return;
    };
    let definition = elastic_definition();
    let table = elastic_cloud::operations::ALL;
    let mut called = BTreeSet::new();
    let mut report = Vec::new();
    for operation in table {
        let vendor = vendor_operation(&definition, operation);
        // The statuses our spec documents are the vendor's.
        let vendor_statuses: BTreeSet<u16> = vendor["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.parse().unwrap())
            .collect();
        let ours: BTreeSet<u16> = success_statuses(operation)
            .into_iter()
            .chain(documented_errors(operation))
            .collect();
        assert_eq!(ours, vendor_statuses, "{operation}");

        let what = format!("{} ({operation})", operation.id);
        let client = elastic::Client::new(prism.config(None)).unwrap();
        let answer = call_elastic(&client, operation.id).await;
        prism.check_log(&what, 1).await;
        assert_success(&what, &answer, operation);
        let Outcome::Success { status, .. } = answer else {
            unreachable!()
        };
        let mut tried = vec![status];
        for status in documented_errors(operation) {
            let what = format!("{what} with Prefer: code={status}");
            let client = elastic::Client::new(prism.config(Some(status))).unwrap();
            let answer = call_elastic(&client, operation.id).await;
            prism.check_log(&what, 1).await;
            let error = assert_failure(&what, answer, status);
            // Prism sends the first value of the documented header's enum,
            // and a body from the schema whose codes are "string".
            let header_code =
                vendor["responses"][status.to_string()]["headers"]["x-cloud-error-codes"]["enum"]
                    [0]
                .as_str();
            let mut codes: Vec<&str> = header_code.into_iter().collect();
            codes.push("string");
            assert_eq!(error.error_codes(), codes.as_slice(), "{what}");
            tried.push(status);
        }
        called.insert(operation.id);
        report.push(format!("{what}: {tried:?}"));
    }
    assert_eq!(called, ids(table));

    // Refused by the facade before sending: Prism sees nothing.
    let client = elastic::Client::new(prism.config(None)).unwrap();
    let refused: Error = client
        .delete_organization_memberships()
        .organization_id("org-1")
        .user_ids(["user-1".to_string()])
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(matches!(refused, Error::Validation(_)), "{refused:?}");
    prism.check_log("delete without force", 0).await;

    // The log check is not blind: a request missing a required property
    // (sent by hand, the facade's types cannot) is caught, though Prism
    // answers it with the documented 400 the facade would report as a
    // vendor error.
    let invalid = reqwest::Client::new()
        .post(format!(
            "{}/organizations/org-1/invitations",
            prism.base_url
        ))
        .header("authorization", "ApiKey test-key")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status().as_u16(), 400);
    assert!(invalid.headers().contains_key("sl-violations"));
    let (violations, _) = prism.violations("an invalid request", 1).await;
    assert!(
        violations
            .iter()
            .any(|l| l.contains("required property 'emails'")),
        "{violations:?}"
    );

    eprintln!("Prism, Elastic (vendor definition), zero violations:");
    for line in report {
        eprintln!("  {line}");
    }
}

// ------------------------------------------------------------- Astronomer

const ORG: &str = "clmaxoarx000008l2c5ayb9pt";

fn list_query(client: &astronomer::Client) -> astronomer::builder::ListOrganizations<'_> {
    use astronomer::types::{
        ListOrganizationsAstronomerProduct, ListOrganizationsProduct, ListOrganizationsProductPlan,
        ListOrganizationsSort, ListOrganizationsSupportPlan,
    };
    client
        .list_organizations()
        .support_plan(ListOrganizationsSupportPlan::BusinessCritical)
        .product_plan(ListOrganizationsProductPlan::Trial)
        .astronomer_product(ListOrganizationsAstronomerProduct::Astro)
        .product(ListOrganizationsProduct::Hosted)
        .sorts(vec![
            ListOrganizationsSort::NameAsc,
            ListOrganizationsSort::CreatedAtDesc,
        ])
}

fn date(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// The audit-log download, read to the end through the facade.
async fn audit_log_bytes(client: &astronomer::Client) -> Result<Vec<u8>, Outcome> {
    let download = client
        .get_organization_audit_logs()
        .organization_id(ORG)
        .start_date(date("2024-01-01T00:00:00Z"))
        .end_date(date("2024-01-31T23:59:59Z"))
        .send()
        .await;
    let download = match download {
        Ok(download) => download,
        Err(e) => return Err(outcome::<(), ()>(Err(e))),
    };
    assert!(!download.headers().contains_key("sl-violations"));
    let chunks: Vec<bytes::Bytes> = download.into_inner_stream().try_collect().await.unwrap();
    Ok(chunks.concat())
}

async fn call_astronomer(client: &astronomer::Client, id: &str) -> Outcome {
    use astronomer::types::UpdateOrganizationRequest;
    match id {
        "list_organizations" => outcome(list_query(client).offset(0).limit(10).send().await),
        "get_organization" => outcome(
            client
                .get_organization()
                .organization_id(ORG)
                .is_look_up_only(false)
                .send()
                .await,
        ),
        "update_organization" => outcome(
            client
                .update_organization()
                .organization_id(ORG)
                // The page's request example.
                .body(
                    UpdateOrganizationRequest::builder()
                        .billing_email("billing@company.com")
                        .is_scim_enabled(false)
                        .name("My Organization")
                        .allow_enhanced_support_access(Some(false))
                        .should_enforce_dedicated_clusters(Some(false)),
                )
                .send()
                .await,
        ),
        "get_organization_audit_logs" => match audit_log_bytes(client).await {
            Ok(bytes) => {
                // Prism has no example for a file: it sends the word `string`.
                assert_eq!(bytes, b"string");
                Outcome::Success {
                    status: 200,
                    headers: HeaderMap::new(),
                }
            }
            Err(failure) => failure,
        },
        other => panic!("no Prism call for the Astronomer operation {other}: add one"),
    }
}

#[tokio::test]
async fn every_astronomer_operation_against_our_spec() {
    let Some(mut prism) = Prism::start(ASTRONOMER_DOC) else {
        return;
    };
    let table = astronomer_platform::operations::ALL;
    let mut called = BTreeSet::new();
    let mut report = Vec::new();
    for operation in table {
        let what = format!("{} ({operation})", operation.id);
        let client = astronomer::Client::new(prism.config(None)).unwrap();
        let answer = call_astronomer(&client, operation.id).await;
        prism.check_log(&what, 1).await;
        assert_success(&what, &answer, operation);
        let mut tried = vec![200];
        for status in documented_errors(operation) {
            let what = format!("{what} with Prefer: code={status}");
            let client = astronomer::Client::new(prism.config(Some(status))).unwrap();
            let answer = call_astronomer(&client, operation.id).await;
            prism.check_log(&what, 1).await;
            let error = assert_failure(&what, answer, status);
            assert!(error.details().unwrap().request_id().is_some(), "{what}");
            tried.push(status);
        }
        called.insert(operation.id);
        report.push(format!("{what}: {tried:?}"));
    }
    assert_eq!(called, ids(table));

    // The pager: its page requests (offset, limit, every filter and sort)
    // are valid too; Prism's one example page (totalCount 1) ends it.
    let client = astronomer::Client::new(prism.config(None)).unwrap();
    let pages: Vec<_> = AllOrganizations::new(list_query(&client))
        .page_size(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    prism.check_log("AllOrganizations", 1).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].organizations.len(), 1);
    assert_eq!(pages[0].organizations[0].id, ORG);

    // The record decoder over Prism's stream: `string` is not NDJSON, and
    // says so with its line number instead of ending silently.
    let download = client
        .get_organization_audit_logs()
        .organization_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();
    let records: Vec<_> = audit_log::records(download).collect().await;
    prism.check_log("audit-log records", 1).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].as_ref().unwrap_err().line(), Some(1));

    eprintln!("Prism, Astronomer (our spec), zero violations:");
    for line in report {
        eprintln!("  {line}");
    }
}
