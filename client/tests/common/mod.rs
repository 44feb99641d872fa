//! Shared fixtures: realistic bodies, clients pointed at a mock server, and
//! a buffer that captures `tracing` output.
#![allow(dead_code, clippy::unwrap_used)]

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_orgs::{Config, Error, RetryPolicy, astronomer, elastic};
use serde_json::{Value, json};

/// Recognisable, so a leak shows up in any output we search.
pub const SECRET: &str = "SeCrEt-T0KEN-do-not-print-4f2a9c";

/// Retries with millisecond backoff, so tests finish fast.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
        retry_non_idempotent: false,
    }
}

pub fn config(base_url: &str) -> Config {
    Config::new(SECRET)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry(fast_retry(2))
}

pub fn elastic_client(base_url: &str) -> cloud_orgs::elastic::Client {
    cloud_orgs::elastic::Client::new(config(base_url)).unwrap()
}

pub fn astronomer_client(base_url: &str) -> cloud_orgs::astronomer::Client {
    cloud_orgs::astronomer::Client::new(config(base_url)).unwrap()
}

pub fn elastic_organization() -> Value {
    json!({
        "id": "my-org",
        "name": "Research",
        "default_disk_usage_alerts_enabled": true,
        "billing_contacts": [],
    })
}

/// The example of the Astronomer documentation, trimmed to what matters.
pub fn astronomer_organization() -> Value {
    let profile = json!({
        "id": "clm8qv74h000008mlf08scq7k",
        "fullName": "Jane Doe",
        "subjectType": "USER",
        "username": "user1@company.com"
    });
    json!({
        "allowEnhancedSupportAccess": true,
        "createdAt": "2022-11-22T04:37:12Z",
        "createdBy": profile,
        "id": "clmaxoarx000008l2c5ayb9pt",
        "isScimEnabled": false,
        "name": "Research",
        "shouldEnforceDedicatedClusters": true,
        "supportPlan": "BUSINESS_CRITICAL",
        "updatedAt": "2022-11-22T04:37:12Z",
        "updatedBy": profile,
        "billingEmail": "billing@company.com"
    })
}

pub fn elastic_failure(code: &str, message: &str, fields: &[&str]) -> Value {
    json!({ "errors": [ { "code": code, "message": message, "fields": fields } ] })
}

pub fn astronomer_failure(status: u16, message: &str) -> Value {
    json!({
        "message": message,
        "requestId": "c7a8b2f0-5e1d-4f7a-9a41-0d2b6f1e9a3c",
        "statusCode": status
    })
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Captures every event (and the fields of its spans) at every level on
/// this thread until the guard drops. Use with a current-thread runtime.
pub fn capture_tracing() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

/// Elastic's update through the facade (the generated builder; the rest is
/// the runtime's). Deprecated by Elastic, still the only way to change these.
pub async fn update_elastic(
    client: &elastic::Client,
    id: &str,
    body: elastic::types::builder::OrganizationRequest,
) -> Result<elastic::types::Organization, Error> {
    #[allow(deprecated)]
    let request = client.update_organization();
    Ok(request
        .organization_id(id)
        .body(body)
        .send()
        .await?
        .into_inner())
}

/// No changes yet.
pub fn elastic_changes() -> elastic::types::builder::OrganizationRequest {
    elastic::types::OrganizationRequest::builder()
}

/// Astronomer's update through the facade.
pub async fn update_astronomer(
    client: &astronomer::Client,
    id: &str,
    body: astronomer::types::builder::UpdateOrganizationRequest,
) -> Result<astronomer::types::Organization, Error> {
    Ok(client
        .update_organization()
        .organization_id(id)
        .body(body)
        .send()
        .await?
        .into_inner())
}

/// The three settings the update always replaces.
pub fn astronomer_changes() -> astronomer::types::builder::UpdateOrganizationRequest {
    astronomer::types::UpdateOrganizationRequest::builder()
        .name("Research")
        .billing_email("billing@company.com")
        .is_scim_enabled(false)
}
