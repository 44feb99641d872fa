//! The one list of APIs this workspace generates clients for.
//!
//! Every subcommand (`codegen`, and the checks that come after it) reads this
//! list and nothing else, so adding an API is one entry here plus one spec
//! file in `openapi/`. Beside it, [`CORPUS`]: the vendor documents of
//! `../shared/corpus/` that `cargo xtask corpus` and the tests run through
//! the pipeline.

/// How progenitor should shape the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interface {
    /// `client.op().param(x).body(y).send()`: one builder per operation.
    /// Adding an optional parameter later is not a breaking change for callers.
    Builder,
    /// `client.op(x, y)`: one positional method per operation; smaller code.
    Positional,
}

/// Generation settings of one API.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The interface style of the generated `Client`.
    pub interface: Interface,
    /// Connect and total timeout of `Client::new`, in seconds.
    pub timeout_secs: u64,
    /// Traits derived on every generated type besides typify's defaults.
    /// `PartialEq` lets callers compare responses (and tests assert them).
    pub extra_derives: &'static [&'static str],
}

impl Settings {
    /// What every API uses unless it has a reason not to; also used for specs
    /// outside the catalogue (fixtures, `cargo xtask diff --old/--new`).
    pub const DEFAULT: Settings = Settings {
        interface: Interface::Builder,
        timeout_secs: 15,
        extra_derives: &["PartialEq"],
    };
}

/// How strictly `cargo xtask lint` (and codegen, which lints first) judges a
/// spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Our own hand-written specs: every house rule of transcription
    /// (documentation links, security, named enums, examples...) is an error.
    Transcribed,
    /// A spec as its vendor publishes it: only what would stop code
    /// generation or make the generated client wrong is an error; the house
    /// rules are warnings. Also the profile of any file outside the catalogue.
    Vendor,
}

/// One API: where its spec is and where its generated crate goes. The
/// catalogue's entries are `Api<'static>`; `codegen --spec` makes one up
/// for a file, borrowing the names it computes.
#[derive(Clone, Copy, Debug)]
pub struct Api<'a> {
    /// Short name, used in messages and on the command line.
    pub name: &'a str,
    /// The OpenAPI document, relative to the workspace root.
    pub spec: &'a str,
    /// Directory of the generated crate, relative to the workspace root.
    pub crate_dir: &'a str,
    /// Cargo package name of the generated crate.
    pub package: &'a str,
    /// Version of the generated crate (not of the API).
    pub version: &'a str,
    /// Body of the crate-level doc example. It is compiled (not run) by
    /// `cargo test`, so it stays true as the spec changes.
    pub doc_example: &'a str,
    /// How to generate it.
    pub settings: Settings,
    /// How strictly to lint its spec.
    pub profile: Profile,
}

/// Every API of the workspace, in the order they are generated and reported.
pub const APIS: &[Api<'static>] = &[
    Api {
        name: "astronomer-platform",
        spec: "openapi/astronomer-platform.v1beta1.yaml",
        crate_dir: "generated/astronomer-platform",
        package: "astronomer-platform",
        version: "0.1.0",
        doc_example: r#"use astronomer_platform::{Client, types::UpdateOrganizationRequest};

# async fn example() -> Result<(), Box<dyn std::error::Error>> {
let mut headers = reqwest::header::HeaderMap::new();
let mut auth = reqwest::header::HeaderValue::from_str("Bearer <token>")?;
auth.set_sensitive(true);
headers.insert(reqwest::header::AUTHORIZATION, auth);
let http = reqwest::Client::builder().default_headers(headers).build()?;
// The runtime retries, enforces the deadline, traces and maps errors.
let runtime = cloud_orgs_runtime::Runtime::new("astronomer");
let client = Client::new_with_client("https://api.astronomer.io/platform/v1beta1", http, runtime);

let organization = client
    .update_organization()
    .organization_id("clmaxoarx000008l2c5ayb9pt")
    .body(
        UpdateOrganizationRequest::builder()
            .billing_email("billing@company.com")
            .is_scim_enabled(false)
            .name("My Organization"),
    )
    .send()
    .await?
    .into_inner();
println!("{} is on the {} plan", organization.name, organization.support_plan);
# Ok(())
# }"#,
        settings: Settings::DEFAULT,
        profile: Profile::Transcribed,
    },
    Api {
        name: "elastic-cloud",
        spec: "openapi/elastic-cloud.v1.yaml",
        crate_dir: "generated/elastic-cloud",
        package: "elastic-cloud",
        version: "0.1.0",
        doc_example: r#"use elastic_cloud::{Client, types::OrganizationRequest};

# async fn example() -> Result<(), Box<dyn std::error::Error>> {
let mut headers = reqwest::header::HeaderMap::new();
let mut auth = reqwest::header::HeaderValue::from_str("ApiKey <key>")?;
auth.set_sensitive(true);
headers.insert(reqwest::header::AUTHORIZATION, auth);
let http = reqwest::Client::builder().default_headers(headers).build()?;
// The runtime retries, enforces the deadline, traces and maps errors.
let runtime = cloud_orgs_runtime::Runtime::new("elastic");
let client = Client::new_with_client("https://api.elastic-cloud.com/api/v1", http, runtime);

#[allow(deprecated)] // Elastic has deprecated this operation.
let organization = client
    .update_organization()
    .organization_id("my-organization-id")
    .body(OrganizationRequest::builder().name(Some("Research".to_string())))
    .send()
    .await?
    .into_inner();
println!("renamed {} to {}", organization.id, organization.name);
# Ok(())
# }"#,
        settings: Settings::DEFAULT,
        profile: Profile::Transcribed,
    },
];

/// Looks an API up by name, for subcommands that take a name.
pub fn find(name: &str) -> Option<&'static Api<'static>> {
    APIS.iter().find(|api| api.name == name)
}

/// One real vendor document of the corpus: a spec nobody here wrote, read
/// where it is, `../shared/corpus/` beside the workspace (never copied in).
/// `cargo xtask corpus` builds each one's crate; the tests run each through
/// the pipeline.
#[derive(Clone, Copy, Debug)]
pub struct Document {
    /// Short name: the crate's directory and package name.
    pub name: &'static str,
    /// The entry file, relative to the corpus directory.
    pub file: &'static str,
}

/// The corpus documents, in the order of `../shared/corpus/README.md`.
pub const CORPUS: &[Document] = &[
    Document {
        name: "oxide",
        file: "oxide.json",
    },
    Document {
        name: "sentry",
        file: "sentry.json",
    },
    Document {
        name: "pagerduty",
        file: "pagerduty.json",
    },
    Document {
        name: "mongodb-atlas",
        file: "mongodb-atlas.yaml",
    },
    Document {
        name: "clerk",
        file: "clerk-bapi.yml",
    },
    Document {
        name: "digitalocean",
        file: "digitalocean/specification/DigitalOcean-public.v2.yaml",
    },
    Document {
        name: "discord",
        file: "discord-3.1.json",
    },
    Document {
        name: "netlify",
        file: "netlify-swagger2.yml",
    },
    Document {
        name: "stripe",
        file: "stripe-spec3.yaml",
    },
    Document {
        name: "kubernetes",
        file: "kubernetes-swagger2.json",
    },
    Document {
        name: "slack",
        file: "slack-web-swagger2.json",
    },
    Document {
        name: "twilio",
        file: "twilio-api-v2010.json",
    },
];

/// Where the corpus is: `../shared/corpus` beside the workspace root.
pub fn corpus_directory(root: &std::path::Path) -> std::path::PathBuf {
    root.join("../shared/corpus")
}

/// progenitor's settings for ours: the one translation, used by the
/// pipeline (which adds the runtime, `pipeline::with_runtime`) and by the
/// raw-progenitor baseline ([`crate::raw`]) alike.
pub fn progenitor_settings(settings: &Settings) -> progenitor::GenerationSettings {
    let mut out = progenitor::GenerationSettings::new();
    out.with_interface(match settings.interface {
        Interface::Builder => progenitor::InterfaceStyle::Builder,
        Interface::Positional => progenitor::InterfaceStyle::Positional,
    })
    .with_tag(progenitor::TagStyle::Merged)
    .with_timeout(settings.timeout_secs);
    for derive in settings.extra_derives {
        out.with_derive(*derive);
    }
    out
}
