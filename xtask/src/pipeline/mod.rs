//! The one pipeline from a loaded spec to formatted Rust code:
//! normalise → progenitor (skipping what it cannot generate) → passes →
//! format.
//!
//! `cargo xtask codegen`, `cargo xtask diff`, `cargo xtask bench`, the
//! tests' build script and the corpus report all call [`generate_with`]
//! ([`generate`] is it with the defaults), so there is no second copy to
//! keep in step; every call times its [`Phase`]s.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use crate::catalogue::Settings;
use crate::deps::Dependency;
use crate::normalise::{self, Degradation, Degraded, Normalised, Skipped};
use crate::passes;
use crate::spec::{self, Spec};

pub mod isolate;
mod items;

/// The steps of [`generate_with`], in order, as [`Code::timings`] gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Rewriting what progenitor cannot take ([`crate::normalise`]).
    Normalise,
    /// progenitor's `generate_tokens`, including reruns without the
    /// operations it could not generate.
    Generate,
    /// Cutting progenitor's tokens into items and, per item on every core,
    /// `syn` parsing, our post-processing ([`crate::passes`]) and
    /// prettyplease.
    Items,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 3] = [Phase::Normalise, Phase::Generate, Phase::Items];

    /// The phase's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Normalise => "normalise",
            Phase::Generate => "generate",
            Phase::Items => "parse+passes+format",
        }
    }
}

/// Generated code for one spec, and what it took.
pub struct Code {
    /// The post-processed code, formatted by prettyplease.
    pub text: String,
    /// The crates the code uses.
    pub dependencies: Vec<Dependency>,
    /// Structs and enums in its `types` module.
    pub types: usize,
    /// How the code was processed (item by item unless that way met a
    /// shape it does not know).
    pub strategy: Strategy,
    /// Operations in the spec as loaded.
    pub operations: usize,
    /// Operations left out, each with the reason (also in the crate docs).
    pub skipped: Vec<Skipped>,
    /// What the post-processing passes did, and what they left alone.
    pub passes: passes::PassReport,
    /// The normalisation's record (union arms, wire media types).
    pub normalised: Normalised,
    /// The component schemas of the document progenitor was given.
    pub components: Vec<String>,
    /// How long each [`Phase`] took, in order.
    pub timings: Vec<(Phase, Duration)>,
}

impl Code {
    /// Operations the generated client has.
    pub fn generated(&self) -> usize {
        self.operations - self.skipped.len()
    }
}

/// How progenitor's output is parsed, post-processed and formatted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Item by item on every core ([`items`]), falling back to the whole
    /// file when the output has a shape the cutting does not know.
    #[default]
    Items,
    /// The whole file as one piece, through the same steps on one worker:
    /// the reference the item way must match byte for byte (tests compare
    /// them).
    WholeFile,
}

/// How [`generate_with`] runs, beyond the API's settings.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// How the output is processed.
    pub strategy: Strategy,
    /// What `codegen --verify` found rustc refusing: degraded right after
    /// the normalisation.
    pub forced: Forced,
}

/// What earlier rounds found the compiler refusing: degraded in the
/// pipeline right after the normalisation, each with the compiler's
/// message as the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forced {
    /// Component schema name -> reason.
    pub schemas: BTreeMap<String, String>,
    /// progenitor's method name of an operation -> reason.
    pub operations: BTreeMap<String, String>,
}

impl Forced {
    /// Whether nothing is forced.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty() && self.operations.is_empty()
    }

    /// Degrades the forced items of the normalised document, recording each.
    pub fn apply(&self, openapi: &mut OpenAPI, normalised: &mut Normalised) {
        for (schema, reason) in &self.schemas {
            isolate::neutralise(openapi, schema);
            normalised.degraded.push(Degraded {
                schema: schema.clone(),
                to: crate::normalise::Degradation::AnyJson,
                reason: format!("the generated type does not compile: {reason}"),
            });
        }
        let doomed: Vec<_> = spec::operations(openapi)
            .into_iter()
            .filter_map(|operation| {
                let method = crate::names::method_name(operation.id()?);
                self.operations
                    .get(&method)
                    .map(|reason| (operation.at(), reason))
            })
            .collect();
        for (op, reason) in doomed {
            crate::normalise::remove_operation(openapi, &op);
            normalised.skipped.push(Skipped {
                operation: op,
                reason: format!("its generated code does not compile: {reason}"),
            });
        }
    }
}

/// Runs the pipeline on a loaded spec, the usual way.
pub fn generate(spec: &Spec, settings: &Settings) -> Result<Code> {
    generate_with(spec, settings, &Run::default())
}

/// Runs the pipeline on a loaded spec as `run` says.
pub fn generate_with(spec: &Spec, settings: &Settings, run: &Run) -> Result<Code> {
    let mut timings = Vec::with_capacity(Phase::ALL.len());
    let mut time = |phase, started: Instant| timings.push((phase, started.elapsed()));
    let shown = spec.path.display().to_string();
    let operations = spec::operations(&spec.openapi).len();

    let started = Instant::now();
    let mut openapi = spec.openapi.clone();
    let mut normalised = normalise::normalise(&mut openapi);
    run.forced.apply(&mut openapi, &mut normalised);
    time(Phase::Normalise, started);

    let started = Instant::now();
    let tokens = generate_skipping(
        &mut openapi,
        settings,
        &mut normalised.skipped,
        &mut normalised.degraded,
    )
    .with_context(|| format!("{shown}: progenitor"))?;
    time(Phase::Generate, started);

    let started = Instant::now();
    let plan = passes::Plan::new(&openapi, &normalised);
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let processed = match items::process(tokens, &plan, run.strategy, workers) {
        Some(processed) => Some((processed, run.strategy)),
        None if run.strategy == Strategy::WholeFile => None,
        None => {
            // The same tokens again (they were dropped once cut); this way
            // is for what the item way does not know, which is rare.
            let tokens = generate_skipping(
                &mut openapi.clone(),
                settings,
                &mut Vec::new(),
                &mut Vec::new(),
            )?;
            items::process(tokens, &plan, Strategy::WholeFile, 1)
                .map(|processed| (processed, Strategy::WholeFile))
        }
    };
    let (processed, strategy) = processed.with_context(|| {
        format!("{shown}: progenitor produced code that does not parse as Rust")
    })?;
    time(Phase::Items, started);

    let skipped = normalised.skipped.clone();
    let components = openapi
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    Ok(Code {
        components,
        text: processed.text,
        dependencies: crate::deps::dependencies(&processed.crates),
        types: processed.types,
        strategy,
        operations,
        skipped,
        passes: processed.report,
        normalised,
        timings,
    })
}

/// [`progenitor_settings`](crate::catalogue::progenitor_settings) plus the runtime: it rides along in every client
/// (`with_inner_type`), and every request goes through its hooks
/// (`HooksMode::Expected`: `passes::wiring` writes the impl this demands).
pub fn with_runtime(settings: &Settings) -> progenitor::GenerationSettings {
    let mut out = crate::catalogue::progenitor_settings(settings);
    out.with_inner_type(quote::quote!(::cloud_orgs_runtime::Runtime))
        .with_hooks(progenitor::HooksMode::Expected);
    out
}

/// Runs progenitor; when it fails, finds what it cannot generate
/// ([`isolate`]) and degrades only that, then runs it again:
///
/// - when it fails with no operation at all, the component schemas at
///   fault become any JSON value ([`isolate::neutralise`]: same wire, a
///   `serde_json::Value` in Rust), each recorded in `degraded`;
/// - the operations it still fails on are left out, each recorded in
///   `skipped`.
///
/// One schema or operation never costs the whole API. It fails only when
/// no choice of schemas and operations generates, which a document that
/// reads as OpenAPI does not reach (an empty document generates).
fn generate_skipping(
    openapi: &mut OpenAPI,
    settings: &Settings,
    skipped: &mut Vec<Skipped>,
    degraded: &mut Vec<Degraded>,
) -> Result<TokenStream> {
    let settings = with_runtime(settings);
    let run = |doc: &OpenAPI| -> std::result::Result<TokenStream, String> {
        match catch_panic(|| progenitor::Generator::new(&settings).generate_tokens(doc)) {
            Ok(Ok(tokens)) => match declared_twice(&tokens) {
                None => Ok(tokens),
                Some(collision) => Err(collision),
            },
            Ok(Err(e)) => Err(format!("progenitor rejected it: {e}")),
            Err(message) => Err(format!("progenitor panicked: {message}")),
        }
    };
    let fails = |doc: &OpenAPI| run(doc).map(drop);
    // Each round degrades at least one item, so rounds are bounded by the
    // items there are; the bound is a guard, not a limit met in practice.
    let schemas = openapi.components.as_ref().map_or(0, |c| c.schemas.len());
    let rounds = schemas + spec::operations(openapi).len() + 2;
    for _ in 0..rounds {
        let message = match run(openapi) {
            Ok(tokens) => return Ok(tokens),
            Err(message) => message,
        };
        match isolate::isolate(openapi, fails) {
            isolate::Isolated::Components(_) => {
                let culprits = isolate::components(openapi, fails);
                if culprits.is_empty() {
                    bail!(
                        "{message} (with no operation at all, and with every component schema alone it does not)"
                    );
                }
                for culprit in culprits {
                    // Mildest step first: a schema already softened that
                    // still fails goes to any JSON value, replacing the
                    // record of the milder step.
                    let softened = degraded.iter().any(|d| d.schema == culprit.name);
                    let to = if !softened && isolate::without_defaults(openapi, &culprit.name) {
                        Degradation::NoDefaults
                    } else {
                        isolate::neutralise(openapi, &culprit.name);
                        degraded.retain(|d| d.schema != culprit.name);
                        Degradation::AnyJson
                    };
                    degraded.push(Degraded {
                        schema: culprit.name,
                        to,
                        reason: culprit.message,
                    });
                }
            }
            isolate::Isolated::Operations(culprits) => {
                if culprits.is_empty() {
                    bail!("{message} (and with every operation alone it does not)");
                }
                for culprit in culprits {
                    normalise::remove_operation(openapi, &culprit.operation);
                    skipped.push(Skipped {
                        operation: culprit.operation,
                        reason: culprit.message,
                    });
                }
            }
        }
    }
    run(openapi).map_err(|message| anyhow::anyhow!("{message} (after degrading what failed alone)"))
}

/// The names progenitor's code declares twice in one scope
/// ([`crate::namespace::collisions`]), as a failure message: such code would not
/// compile, so it counts as progenitor failing on what caused it. Code
/// that does not parse is left to the passes, which report it.
fn declared_twice(tokens: &TokenStream) -> Option<String> {
    let file: syn::File = syn::parse2(tokens.clone()).ok()?;
    let collisions = crate::namespace::collisions(&file);
    let first = collisions.first()?;
    Some(match collisions.len() {
        1 => format!("the generated code has {first}"),
        n => format!(
            "the generated code has {first} (and {} more name(s) declared twice)",
            n - 1
        ),
    })
}

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, returning a panic as its message. The panic is not printed:
/// the caller turns it into an error or a skip reason.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}
