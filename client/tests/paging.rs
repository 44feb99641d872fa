//! `AllOrganizations` against a server whose pages a test scripts: the
//! edges of offset/limit paging (empty pages, a last partial page, a
//! `totalCount` that changes between pages, servers that misbehave).
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cloud_orgs::astronomer::types::{ListOrganizationsSort, ListOrganizationsSupportPlan};
use cloud_orgs::astronomer::{self, AllOrganizations};
use cloud_orgs::{Error, RetryPolicy};
use common::{astronomer_failure, astronomer_organization, config};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// What the scripted server answers to `offset`, `limit` on its `call`-th
/// request (0-based): `(page offset to report, totalCount, how many
/// organizations)`, or a whole response.
type Script = dyn Fn(i64, i64, usize) -> Answer + Send + Sync;

enum Answer {
    Page {
        offset: i64,
        total: i64,
        count: usize,
    },
    Raw(ResponseTemplate),
}

struct Scripted {
    script: Box<Script>,
    calls: Arc<AtomicUsize>,
}

fn query(request: &Request, name: &str) -> Vec<String> {
    request
        .url
        .query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

fn organization(n: i64) -> Value {
    let mut org = astronomer_organization();
    org["id"] = json!(format!("org-{n}"));
    org["name"] = json!(format!("Org {n}"));
    org
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let number = |name: &str| -> i64 { query(request, name)[0].parse().unwrap() };
        let (offset, limit) = (number("offset"), number("limit"));
        match (self.script)(offset, limit, call) {
            Answer::Raw(response) => response,
            Answer::Page {
                offset: reported,
                total,
                count,
            } => {
                let organizations: Vec<Value> = (0..count as i64)
                    .map(|i| organization(reported + i))
                    .collect();
                ResponseTemplate::new(200).set_body_json(json!({
                    "limit": limit,
                    "offset": reported,
                    "organizations": organizations,
                    "totalCount": total,
                }))
            }
        }
    }
}

/// A server answering `GET /organizations` by `script`, and its request count.
async fn scripted(
    script: impl Fn(i64, i64, usize) -> Answer + Send + Sync + 'static,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/organizations"))
        .respond_with(Scripted {
            script: Box::new(script),
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    (server, calls)
}

/// An honest server holding `total` Organizations.
fn honest(total: i64) -> impl Fn(i64, i64, usize) -> Answer + Send + Sync + 'static {
    move |offset, limit, _| Answer::Page {
        offset,
        total,
        count: usize::try_from((total - offset).clamp(0, limit)).unwrap(),
    }
}

fn client(server: &MockServer) -> astronomer::Client {
    astronomer::Client::new(config(&server.uri()).retry(RetryPolicy::none())).unwrap()
}

/// Every item of the stream: the ids delivered, then the error that ended
/// it, if one did.
async fn drain(organizations: AllOrganizations<'_>) -> (Vec<String>, Option<Error>) {
    let mut stream = organizations.organizations();
    let mut ids = Vec::new();
    // Bounded: no test server holds more than this.
    for _ in 0..1_000 {
        match stream.next().await {
            Some(Ok(org)) => ids.push(org.id),
            Some(Err(e)) => {
                assert!(stream.next().await.is_none(), "an error ends the stream");
                return (ids, Some(e));
            }
            None => return (ids, None),
        }
    }
    panic!("the stream did not end");
}

fn ids(range: std::ops::Range<i64>) -> Vec<String> {
    range.map(|n| format!("org-{n}")).collect()
}

#[tokio::test]
async fn follows_offset_until_total_count_with_a_last_partial_page() {
    let (server, calls) = scripted(honest(5)).await;
    let client = client(&server);
    let (got, error) = drain(client.all_organizations().page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..5));
    let requests = server.received_requests().await.unwrap();
    let asked: Vec<(Vec<String>, Vec<String>)> = requests
        .iter()
        .map(|r| (query(r, "offset"), query(r, "limit")))
        .collect();
    assert_eq!(
        asked,
        [("0", "2"), ("2", "2"), ("4", "2")]
            .map(|(o, l)| (vec![o.to_string()], vec![l.to_string()]))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn filters_and_sorts_of_the_generated_query_go_with_every_page() {
    let (server, _) = scripted(honest(3)).await;
    let client = client(&server);
    let filtered = client
        .list_organizations()
        .support_plan(ListOrganizationsSupportPlan::BusinessCritical)
        .sorts(vec![
            ListOrganizationsSort::NameAsc,
            ListOrganizationsSort::CreatedAtDesc,
        ])
        // Replaced by the pager page by page.
        .offset(99)
        .limit(99);
    let (got, error) = drain(AllOrganizations::new(filtered).page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..3));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(query(request, "supportPlan"), ["BUSINESS_CRITICAL"]);
        assert_eq!(query(request, "sorts"), ["name:asc", "createdAt:desc"]);
        assert_eq!(query(request, "limit"), ["2"]);
    }
}

#[tokio::test]
async fn the_default_page_size_and_a_zero_one() {
    let (server, _) = scripted(honest(1)).await;
    let client = client(&server);
    drain(client.all_organizations()).await;
    drain(client.all_organizations().page_size(0)).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(query(&requests[0], "limit"), ["100"]);
    assert_eq!(query(&requests[1], "limit"), ["1"]);
}

#[tokio::test]
async fn an_empty_listing_is_one_empty_page() {
    let (server, calls) = scripted(honest(0)).await;
    let client = client(&server);
    let pages: Vec<_> = client
        .all_organizations()
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].total_count, 0);
    assert!(pages[0].organizations.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_empty_page_before_total_count_ends_the_listing() {
    // totalCount says 10, but nothing is left after the second.
    let (server, calls) = scripted(|offset, _, _| Answer::Page {
        offset,
        total: 10,
        count: if offset == 0 { 2 } else { 0 },
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations().page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..2));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the empty page is not asked again"
    );
}

#[tokio::test]
async fn a_total_count_that_shrinks_between_pages_is_followed() {
    // 6 at first; 3 by the second page: the listing ends at offset 3.
    let (server, calls) = scripted(|offset, limit, _| {
        let total = if offset == 0 { 6 } else { 3 };
        Answer::Page {
            offset,
            total,
            count: usize::try_from((total - offset).clamp(0, limit)).unwrap(),
        }
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations().page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..3));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_total_count_that_grows_between_pages_is_followed() {
    // 3 at first; 5 from the second page on.
    let (server, calls) = scripted(|offset, limit, _| {
        let total = if offset == 0 { 3 } else { 5 };
        Answer::Page {
            offset,
            total,
            count: usize::try_from((total - offset).clamp(0, limit)).unwrap(),
        }
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations().page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..5));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_total_count_that_keeps_growing_stops_at_max_pages_with_an_error() {
    // Always one more page than delivered: an honest loop would never end.
    let (server, calls) = scripted(|offset, limit, _| Answer::Page {
        offset,
        total: offset + 2 * limit + 1,
        count: usize::try_from(limit).unwrap(),
    })
    .await;
    let (got, error) = drain(
        client(&server)
            .all_organizations()
            .page_size(2)
            .max_pages(3),
    )
    .await;
    assert_eq!(got, ids(0..6), "the pages fetched are delivered");
    let error = error.expect("reaching max_pages is an error");
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
    assert!(
        error
            .details()
            .unwrap()
            .detail()
            .unwrap()
            .contains("max_pages"),
        "{error:?}"
    );
    assert!(error.to_string().contains("GET /organizations"), "{error}");
    assert_eq!(
        error.details().unwrap().body_excerpt(),
        Some(r#"{"nextOffset":6,"pagesFetched":3}"#)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3, "never more than max_pages");
}

#[tokio::test]
async fn the_default_bound_holds_against_an_endless_server() {
    let (server, calls) = scripted(|offset, limit, _| Answer::Page {
        offset,
        total: i64::MAX,
        count: usize::try_from(limit).unwrap(),
    })
    .await;
    let client = client(&server);
    let mut pages = client.all_organizations().page_size(1).pages();
    let mut delivered = 0;
    let error = loop {
        match pages.next().await {
            Some(Ok(_)) => delivered += 1,
            Some(Err(e)) => break e,
            None => panic!("an endless server cannot end the listing"),
        }
    };
    let max = astronomer::DEFAULT_MAX_PAGES.get();
    assert_eq!(delivered, max);
    assert_eq!(calls.load(Ordering::SeqCst), max as usize);
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_an_error_not_a_loop() {
    let (server, calls) = scripted(|_, limit, _| Answer::Page {
        offset: 0,
        total: 10,
        count: usize::try_from(limit).unwrap(),
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations().page_size(2)).await;
    assert_eq!(got, ids(0..2));
    let error = error.unwrap();
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
    let details = error.details().unwrap();
    assert!(
        details.detail().unwrap().contains("offset 2"),
        "{details:?}"
    );
    assert!(
        details
            .body_excerpt()
            .unwrap()
            .contains("\"totalCount\":10")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_server_that_sends_fewer_than_asked_is_followed() {
    // Caps pages at 2 whatever the limit.
    let (server, calls) = scripted(|offset, _, _| Answer::Page {
        offset,
        total: 5,
        count: usize::try_from((5 - offset).clamp(0, 2)).unwrap(),
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..5));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_failed_page_is_the_runtimes_error_after_the_pages_before_it() {
    let (server, calls) = scripted(|offset, limit, _| {
        if offset == 0 {
            Answer::Page {
                offset,
                total: 4,
                count: usize::try_from(limit).unwrap(),
            }
        } else {
            Answer::Raw(ResponseTemplate::new(403).set_body_json(astronomer_failure(403, "no")))
        }
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations().page_size(2)).await;
    assert_eq!(got, ids(0..2));
    let error = error.unwrap();
    assert!(matches!(error, Error::Forbidden(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_page_that_does_not_parse_is_an_invalid_response() {
    let (server, _) = scripted(|_, _, _| {
        Answer::Raw(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
    })
    .await;
    let (got, error) = drain(client(&server).all_organizations()).await;
    assert!(got.is_empty());
    let error = error.unwrap();
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
    assert_eq!(
        error.details().unwrap().body_excerpt(),
        Some("<html>maintenance</html>")
    );
}

#[tokio::test]
async fn a_failed_page_is_retried_by_the_runtime() {
    // The second request fails once with a 503, then succeeds.
    let (server, calls) = scripted(|offset, limit, call| {
        if call == 1 {
            Answer::Raw(ResponseTemplate::new(503))
        } else {
            honest(3)(offset, limit, call)
        }
    })
    .await;
    let client = astronomer::Client::new(config(&server.uri())).unwrap();
    let (got, error) = drain(client.all_organizations().page_size(2)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, ids(0..3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn the_stream_can_move_to_another_task() {
    fn send<T: Send>(_: &T) {}
    let client = astronomer::Client::new(cloud_orgs::Config::new("x")).unwrap();
    send(&client.all_organizations().organizations());
}
