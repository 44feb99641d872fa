//! The one pipeline from a loaded spec to formatted Rust code:
//! normalise → progenitor (skipping what it cannot generate) → passes →
//! format.
//!
//! `cargo xtask codegen`, `cargo xtask diff`, `cargo xtask bench`, the
//! tests' build script and the corpus report all call [`generate`] (the
//! bench through [`generate_timed`], which is the same function with a
//! stopwatch), so there is no second copy to keep in step.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use crate::catalogue::{Interface, Settings};
use crate::deps::Dependency;
use crate::normalise::{self, Normalised, Skipped};
use crate::passes;
use crate::spec::{self, OperationRef, Spec};

mod items;
pub mod namespace;

/// The steps of [`generate`], in order, for [`generate_timed`].
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
    pub passes: passes::Report,
    /// The normalisation's record (union arms, wire media types).
    pub normalised: Normalised,
}

impl Code {
    /// Operations the generated client has.
    pub fn generated(&self) -> usize {
        self.operations - self.skipped.len()
    }
}

/// How progenitor's output is parsed, post-processed and formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Item by item on every core ([`items`]), falling back to the whole
    /// file when the output has a shape the cutting does not know.
    Items,
    /// The whole file in one piece, on this thread: the reference the item
    /// way must match byte for byte (tests compare them).
    WholeFile,
}

/// Runs the pipeline on a loaded spec.
pub fn generate(spec: &Spec, settings: &Settings) -> Result<Code> {
    generate_timed(spec, settings, &mut |_, _| {})
}

/// [`generate`], telling `time` how long each [`Phase`] took.
pub fn generate_timed(
    spec: &Spec,
    settings: &Settings,
    time: &mut dyn FnMut(Phase, Duration),
) -> Result<Code> {
    generate_with(spec, settings, Strategy::Items, time)
}

/// [`generate_timed`] with a chosen [`Strategy`].
pub fn generate_with(
    spec: &Spec,
    settings: &Settings,
    strategy: Strategy,
    time: &mut dyn FnMut(Phase, Duration),
) -> Result<Code> {
    let shown = spec.path.display().to_string();
    let operations = spec::operations(&spec.openapi).len();

    let started = Instant::now();
    let mut openapi = spec.openapi.clone();
    let mut normalised = normalise::normalise(&mut openapi, &shown);
    time(Phase::Normalise, started.elapsed());

    let started = Instant::now();
    let tokens = generate_skipping(&mut openapi, settings, &mut normalised.skipped)
        .with_context(|| format!("{shown}: progenitor"))?;
    time(Phase::Generate, started.elapsed());

    let started = Instant::now();
    let plan = passes::Plan::new(&openapi, &normalised);
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let by_items = match strategy {
        Strategy::Items => items::process(tokens, &plan, workers),
        Strategy::WholeFile => {
            drop(tokens);
            None
        }
    };
    let (processed, strategy) = match by_items {
        Some(processed) => (processed, Strategy::Items),
        None => {
            // The same tokens again (they were dropped once cut); this way
            // is for what the item way does not know, which is rare.
            let tokens = generate_skipping(&mut openapi.clone(), settings, &mut Vec::new())?;
            let processed = whole_file(tokens, &openapi, &normalised).with_context(|| {
                format!("{shown}: progenitor produced code that does not parse as Rust")
            })?;
            (processed, Strategy::WholeFile)
        }
    };
    time(Phase::Items, started.elapsed());

    let skipped = normalised.skipped.clone();
    Ok(Code {
        text: processed.text,
        dependencies: crate::deps::dependencies(&processed.crates),
        types: processed.types,
        strategy,
        operations,
        skipped,
        passes: processed.report,
        normalised,
    })
}

/// The same as [`items::process`], with the file in one piece on this
/// thread: for a token stream the cutting does not know.
fn whole_file(
    tokens: TokenStream,
    openapi: &OpenAPI,
    normalised: &Normalised,
) -> Result<items::Processed> {
    let mut file: syn::File = syn::parse2(tokens)?;
    let report = passes::apply(&mut file, openapi, normalised);
    let mut crates = std::collections::BTreeSet::new();
    let mut types = 0;
    for item in &file.items {
        crate::deps::crates_named(item, &mut crates);
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, inner)) = &m.content
        {
            types = inner
                .iter()
                .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                .count();
        }
    }
    Ok(items::Processed {
        text: prettyplease::unparse(&file),
        report,
        crates,
        types,
    })
}

/// progenitor's settings for ours: the one translation, used by the
/// pipeline (which adds the runtime, [`with_runtime`]) and by the bench's
/// raw-progenitor baseline alike.
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

/// [`progenitor_settings`] plus the runtime: it rides along in every client
/// (`with_inner_type`), and every request goes through its hooks
/// (`HooksMode::Expected`: `passes::wiring` writes the impl this demands).
pub fn with_runtime(settings: &Settings) -> progenitor::GenerationSettings {
    let mut out = progenitor_settings(settings);
    out.with_inner_type(quote::quote!(::cloud_orgs_runtime::Runtime))
        .with_hooks(progenitor::HooksMode::Expected);
    out
}

/// Runs progenitor; when it fails, finds the operations it cannot generate
/// (by halves), takes them out of `openapi` with the reason, and runs it
/// again. Fails only when progenitor fails with no operation at all (the
/// components themselves), so one operation never costs the whole API.
fn generate_skipping(
    openapi: &mut OpenAPI,
    settings: &Settings,
    skipped: &mut Vec<Skipped>,
) -> Result<TokenStream> {
    let settings = with_runtime(settings);
    let run = |doc: &OpenAPI| -> std::result::Result<TokenStream, String> {
        match catch_panic(|| progenitor::Generator::new(&settings).generate_tokens(doc)) {
            Ok(Ok(tokens)) => Ok(tokens),
            Ok(Err(e)) => Err(format!("progenitor rejected it: {e}")),
            Err(message) => Err(format!("progenitor panicked: {message}")),
        }
    };
    let first = match run(openapi) {
        Ok(tokens) => return Ok(tokens),
        Err(message) => message,
    };
    if let Err(message) = run(&only(openapi, &[])) {
        bail!("{message} (with no operation at all: the component schemas are the cause)");
    }
    let all: Vec<OperationRef> = spec::operations(openapi)
        .into_iter()
        .map(|(op, _)| op)
        .collect();
    let culprits = failing(openapi, &all, &run);
    if culprits.is_empty() {
        bail!("{first} (and with every operation alone it does not)");
    }
    for (op, reason) in culprits {
        remove(openapi, &op);
        skipped.push(Skipped {
            operation: op,
            reason,
        });
    }
    run(openapi).map_err(|message| anyhow::anyhow!("{message} (after skipping what failed alone)"))
}

/// The operations of `ops` progenitor fails on, by halves: a half that
/// generates holds none; a failing operation alone is one. `k` culprits
/// among `n` cost about `2 k log2 n` runs.
fn failing(
    openapi: &OpenAPI,
    ops: &[OperationRef],
    run: &dyn Fn(&OpenAPI) -> std::result::Result<TokenStream, String>,
) -> Vec<(OperationRef, String)> {
    match run(&only(openapi, ops)) {
        Ok(_) => Vec::new(),
        Err(message) => match ops {
            [] => Vec::new(),
            [one] => vec![(one.clone(), message)],
            _ => {
                let (left, right) = ops.split_at(ops.len() / 2);
                let mut out = failing(openapi, left, run);
                out.extend(failing(openapi, right, run));
                out
            }
        },
    }
}

/// A copy of the document with only `keep` of its operations (and every
/// component).
fn only(openapi: &OpenAPI, keep: &[OperationRef]) -> OpenAPI {
    let mut out = openapi.clone();
    out.paths
        .paths
        .retain(|path, _| keep.iter().any(|k| k.path == *path));
    for (path, item) in out.paths.paths.iter_mut() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (method, slot) in spec::operation_slots(item) {
                if !keep.iter().any(|k| k.path == *path && k.method == method) {
                    *slot = None;
                }
            }
        }
    }
    out
}

fn remove(openapi: &mut OpenAPI, op: &OperationRef) {
    if let Some(openapiv3::ReferenceOr::Item(item)) = openapi.paths.paths.get_mut(&op.path) {
        for (method, slot) in spec::operation_slots(item) {
            if method == op.method {
                *slot = None;
            }
        }
    }
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
