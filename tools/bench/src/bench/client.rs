//! Client overhead: runs `workspace-tests`' `client_overhead` binary and
//! turns its JSON into a table.
//!
//! The measurement lives in that crate, not here, because it needs the
//! generated crates, and this crate (like the xtask it is forwarded from)
//! must build even when they do not: the xtask is what regenerates them.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use crate::child;

/// What `client_overhead` prints.
#[derive(Debug, Deserialize)]
pub struct Overhead {
    /// Measured requests per client (after warm-up).
    pub requests: usize,
    /// The operation exercised.
    pub operation: String,
    /// One entry per client; the first is the hand-written reqwest baseline.
    pub clients: Vec<ClientStats>,
}

/// Latency and throughput of one client.
#[derive(Debug, Deserialize)]
pub struct ClientStats {
    /// What was measured.
    pub name: String,
    /// Median latency, microseconds.
    pub p50_us: f64,
    /// 99th-percentile latency, microseconds.
    pub p99_us: f64,
    /// Sequential requests per second.
    pub per_second: f64,
}

/// Runs the binary (release) and renders the section.
pub fn section(root: &Path) -> Result<String> {
    let overhead: Overhead = child::run(child::cargo().current_dir(root).args([
        "run",
        "--release",
        "--quiet",
        "-p",
        "workspace-tests",
        "--bin",
        "client_overhead",
    ]))?
    .succeeded("client_overhead")?
    .json("client_overhead")?;
    Ok(render(&overhead))
}

/// The client-overhead table, with ratios to the first (baseline) client.
pub fn render(o: &Overhead) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Client overhead\n");
    let _ = writeln!(
        out,
        "{} sequential requests per client after warm-up, {}, against one in-process \
         HTTP/1.1 server on 127.0.0.1 answering the documented response; clients interleaved \
         in rounds. Ratios are to the hand-written reqwest call.\n",
        o.requests, o.operation
    );
    let _ = writeln!(
        out,
        "| client | p50 µs | p99 µs | requests/s | p50 ratio | p99 ratio |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    let Some(base) = o.clients.first() else {
        return out;
    };
    for c in &o.clients {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {:.0} | {:.3} | {:.3} |",
            c.name,
            c.p50_us,
            c.p99_us,
            c.per_second,
            c.p50_us / base.p50_us,
            c.p99_us / base.p99_us
        );
    }
    out.push('\n');
    out
}
