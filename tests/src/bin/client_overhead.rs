//! Client overhead for `cargo xtask bench`: per-request latency and
//! throughput of the `cloud-orgs` facade, of the generated Astronomer client
//! and of the same call written by hand with reqwest, against one in-process HTTP/1.1 server on
//! 127.0.0.1 that answers the documented response. Prints JSON on stdout
//! for the bench to read (see `tools/bench/src/bench/client.rs`).
//!
//! It lives here, not in the xtask, because it links the generated crates:
//! the xtask must still build when they do not, since it regenerates them.
//!
//! Both clients share one `reqwest::Client` configuration, so the
//! difference is what the generated layer adds (URL building, the builder,
//! status dispatch, decoding through its types), not connection settings.
//! Clients run in interleaved rounds so drift on a shared machine hits both.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use astronomer_platform::Client;
use astronomer_platform::types::{Organization, UpdateOrganizationRequest};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;

const SPEC: &str = "openapi/astronomer-platform.v1beta1.yaml";
const RESPONSE: &str =
    "/paths/~1organizations~1{organizationId}/post/responses/200/content/application~1json/example";
const ORGANIZATION_ID: &str = "clmaxoarx000008l2c5ayb9pt";
const WARM_UP: usize = 200;
const ROUNDS: usize = 10;
const PER_ROUND: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let body = documented_response()?;
    let base = serve(body).await?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .context("reqwest client")?;
    let generated = Client::new_with_client(
        &base,
        http.clone(),
        cloud_orgs_runtime::Runtime::new("astronomer"),
    );
    let facade = cloud_orgs::astronomer::Client::new(
        cloud_orgs::Config::new("bench-token").base_url(base.clone()),
    )
    .map_err(|e| anyhow!("facade client: {e}"))?;
    let request = example_request()?;

    let clients: [&str; 3] = [
        "hand-written reqwest",
        "generated client (default runtime)",
        "cloud-orgs facade",
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); clients.len()];
    for round in 0..=ROUNDS {
        // Round 0 is the warm-up: connections, allocator, caches.
        let count = if round == 0 { WARM_UP } else { PER_ROUND };
        for offset in 0..clients.len() {
            // Alternate who goes first so neither always runs on a warmer cache.
            let which = (offset + round) % clients.len();
            for _ in 0..count {
                let started = Instant::now();
                let organization = match which {
                    0 => hand_written(&http, &base, &request).await?,
                    1 => raw_generated(&generated, &request).await?,
                    _ => through_facade(&facade).await?,
                };
                let elapsed = started.elapsed();
                std::hint::black_box(organization);
                if round > 0 {
                    samples[which].push(elapsed);
                }
            }
        }
    }
    let stats: Vec<serde_json::Value> = clients
        .iter()
        .zip(&mut samples)
        .map(|(name, s)| summary(name, s))
        .collect();
    let out = json!({
        "requests": ROUNDS * PER_ROUND,
        "operation": "Astronomer `POST /organizations/{organizationId}` (UpdateOrganization)",
        "clients": stats,
    });
    println!("{out}");
    Ok(())
}

/// The same update through the facade: the generated builder, the
/// runtime's hooks (retry loop not taken: every answer is 200; its span;
/// its error mapping, not taken). Its reqwest client has the facade's own
/// settings (timeouts, auth header, `User-Agent`), as a user would get them.
async fn through_facade(client: &cloud_orgs::astronomer::Client) -> Result<Organization> {
    let body = UpdateOrganizationRequest::builder()
        .name("My Organization")
        .billing_email("billing@company.com")
        .is_scim_enabled(false)
        .allow_enhanced_support_access(false)
        .should_enforce_dedicated_clusters(false);
    let response = client
        .update_organization()
        .organization_id(ORGANIZATION_ID)
        .body(body)
        .send()
        .await
        .map_err(|e| anyhow!("facade: {e}"))?;
    Ok(response.into_inner())
}

/// The call a user would write without the generated client.
async fn hand_written(
    http: &reqwest::Client,
    base: &str,
    request: &UpdateOrganizationRequest,
) -> Result<Organization> {
    let response = http
        .post(format!("{base}/organizations/{ORGANIZATION_ID}"))
        .json(request)
        .send()
        .await?
        .error_for_status()?;
    Ok(response.json::<Organization>().await?)
}

async fn raw_generated(
    client: &Client,
    request: &UpdateOrganizationRequest,
) -> Result<Organization> {
    let response = client
        .update_organization()
        .organization_id(ORGANIZATION_ID)
        .body(request.clone())
        .send()
        .await
        .map_err(|e| anyhow!("generated client: {e}"))?;
    Ok(response.into_inner())
}

fn summary(name: &str, samples: &mut [Duration]) -> serde_json::Value {
    samples.sort_unstable();
    let pick = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map(|d| d.as_secs_f64() * 1e6).unwrap_or(0.0)
    };
    let total: f64 = samples.iter().map(Duration::as_secs_f64).sum();
    json!({
        "name": name,
        "p50_us": pick(0.50),
        "p99_us": pick(0.99),
        "per_second": if total > 0.0 { samples.len() as f64 / total } else { 0.0 },
    })
}

/// The documentation's example response, as the spec has it.
fn documented_response() -> Result<Bytes> {
    let root = workspace_tests::root();
    let spec = xtask::spec::load(
        xtask::spec::Source::Disk(&root, SPEC),
        xtask::spec::Policy::Checked,
    )?;
    let example = spec
        .value
        .pointer(RESPONSE)
        .with_context(|| format!("{SPEC}: no example at {RESPONSE}"))?;
    // Check once that it decodes, so the timed loop measures success only.
    serde_json::from_value::<Organization>(example.clone())
        .context("the documented response does not decode as Organization")?;
    Ok(Bytes::from(serde_json::to_vec(example)?))
}

fn example_request() -> Result<UpdateOrganizationRequest> {
    Ok(UpdateOrganizationRequest {
        billing_email: "billing@company.com".to_string(),
        is_scim_enabled: false,
        name: "My Organization"
            .parse()
            .map_err(|e| anyhow!("organization name: {e}"))?,
        allow_enhanced_support_access: Some(false),
        should_enforce_dedicated_clusters: Some(false),
    })
}

/// Starts an HTTP/1.1 server (keep-alive) that reads each request body and
/// answers 200 with `body`; returns its base URL.
async fn serve(body: Bytes) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let body = body.clone();
                    async move {
                        let _ = request.into_body().collect().await;
                        let response = Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(body))
                            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}
