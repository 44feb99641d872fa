//! Renames an organization on either API, against any base URL.
//!
//! ```sh
//! EC_API_KEY=... cargo run -p cloud-orgs --example update_organization -- \
//!     --api elastic --base-url http://127.0.0.1:8080 --id my-org --name Research
//! ASTRO_API_TOKEN=... cargo run -p cloud-orgs --example update_organization -- \
//!     --api astronomer --id clmaxoarx000008l2c5ayb9pt --name Research \
//!     --billing-email billing@example.com --scim false
//! ```
//!
//! Astronomer's update replaces the name, billing email and SCIM setting
//! together, so all three must be given; leaving one out is refused, never
//! filled in with a guess.
//!
//! The secret comes from the environment (`EC_API_KEY` or `ASTRO_API_TOKEN`),
//! never from the command line, where `ps` and shell history would show it.
//! Without `--base-url`, `EC_API_URL` / `ASTRO_API_URL` or the vendor's
//! production URL is used. Set `RUST_LOG`-style tracing up yourself if you
//! want to see the request spans; this example keeps its dependencies to
//! the crate's own.

use std::process::ExitCode;

use cloud_orgs::{Error, astronomer, elastic};

const USAGE: &str = "usage: update_organization --api <astronomer|elastic> --id <organization id> \
--name <new name> [--base-url <url>] [--billing-email <email>] [--scim <true|false>]";

#[derive(Default)]
struct Args {
    api: String,
    id: String,
    name: String,
    base_url: Option<String>,
    billing_email: Option<String>,
    /// Astronomer replaces SCIM on every update: never guess it.
    scim: Option<bool>,
}

/// `--flag value` pairs, nothing fancier.
fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    while let Some(flag) = raw.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = raw
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--api" => args.api = value,
            "--id" => args.id = value,
            "--name" => args.name = value,
            "--base-url" => args.base_url = Some(value),
            "--billing-email" => args.billing_email = Some(value),
            "--scim" => {
                args.scim = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--scim takes true or false, not {value:?}"))?,
                );
            }
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if args.api.is_empty() || args.id.is_empty() || args.name.is_empty() {
        return Err(format!("--api, --id and --name are required\n{USAGE}"));
    }
    Ok(args)
}

async fn run(args: Args) -> Result<(), Error> {
    let env = |name: &str| std::env::var(name).ok();
    match args.api.as_str() {
        "elastic" => {
            let mut config = elastic::Client::config_from_env_with(env)?;
            if let Some(url) = args.base_url {
                config = config.base_url(url);
            }
            let client = elastic::Client::new(config)?;
            #[allow(deprecated)] // Elastic has deprecated it, with no replacement yet.
            let request = client.update_organization();
            let organization = request
                .organization_id(args.id)
                .body(elastic::types::OrganizationRequest::builder().name(args.name))
                .send()
                .await?
                .into_inner();
            println!("{}: {}", organization.id, organization.name);
        }
        "astronomer" => {
            let mut config = astronomer::Client::config_from_env_with(env)?;
            if let Some(url) = args.base_url {
                config = config.base_url(url);
            }
            let client = astronomer::Client::new(config)?;
            // The update replaces all three settings: the body builder
            // refuses to build without them rather than send `false`.
            let mut body = astronomer::types::UpdateOrganizationRequest::builder().name(args.name);
            if let Some(scim) = args.scim {
                body = body.is_scim_enabled(scim);
            }
            if let Some(email) = args.billing_email {
                body = body.billing_email(email);
            }
            let organization = client
                .update_organization()
                .organization_id(args.id)
                .body(body)
                .send()
                .await?
                .into_inner();
            println!(
                "{}: {} ({} plan)",
                organization.id, organization.name, organization.support_plan
            );
        }
        other => {
            return Err(Error::Config(format!(
                "--api must be astronomer or elastic, not {other:?}"
            )));
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(details) = error.details() {
                for message in details.messages() {
                    eprintln!("  {message}");
                }
                if let Some(id) = details.request_id() {
                    eprintln!("  request id: {id}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
