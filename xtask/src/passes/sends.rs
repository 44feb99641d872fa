//! Every operation returns the runtime's error, and sends no `api-version`.
//!
//! progenitor ends each operation's `send` (builder style) or method
//! (positional style) with `match response.status().as_u16() { .. }`,
//! whose arms decode the body with progenitor's own `Error`: it loses the
//! status when an error body is not JSON, puts whole bodies in `Display`,
//! and turns undocumented statuses into an opaque response. This pass
//! rewrites each arm, by its shape, into a call of
//! `cloud_orgs_runtime::response` (see that module), and the hooks before
//! the match into one call of `Runtime::exchange`, so that every failure
//! becomes the same `cloud_orgs_runtime::ApiError`:
//!
//! ```text
//! pub async fn send(self) -> Result<ResponseValue<T>, cloud_orgs_runtime::ApiError<E>> {
//!     const OPERATION: &Operation = &operations::UPDATE_ORGANIZATION;
//!     let response = match (move || { /* progenitor's request steps */ Ok((client, request)) })() {
//!         Ok((client, request)) => Runtime::exchange(client.inner(), client.client(), request, OPERATION).await?,
//!         Err(e) => return Err(response::from_progenitor(OPERATION, e)),
//!     };
//!     match response.status().as_u16() {
//!         200u16 => response::read_success(response).await.decode(OPERATION),
//!         404u16 => Err(response::read_error(OPERATION, response, true).await.typed()),
//!         _ => Err(response::read_error(OPERATION, response, false).await.typed()),
//!     }
//! }
//! ```
//!
//! The shape is chosen for the build of the generated crate, which holds
//! hundreds of these: progenitor's request steps are not async, so they run
//! in a plain closure, and every future a `send` awaits (`exchange`,
//! `read_success`, `read_error`) is one type for all operations, compiled
//! once in the runtime; what is compiled per operation or per response
//! type is not async. (progenitor's own shape, an `async` block awaiting
//! its generic hooks and a generic decoding per type, made the `send`
//! bodies a third of the crate's build.)
//!
//! It also drops the `api-version` header progenitor sends from
//! `info.version` (the documented APIs do not ask for it, and a server may
//! reject unknown values): exactly the statement that appends a call of
//! `api_version()`, never a header parameter the spec declares.
//!
//! An operation whose code has a shape this pass does not know is left as
//! progenitor made it (it compiles, with progenitor's error type) and
//! reported.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, ImplItemFn, Stmt, Type, parse_quote};

use super::syntax::{self, StatusPattern};
use super::{OperationPass, PassOutcome, PassReport, Plan};

/// Rewrites every operation body in `item`, recording one outcome per
/// operation for [`OperationPass::Errors`] and [`OperationPass::ApiVersion`].
pub fn rewrite(item: &mut syn::Item, plan: &Plan, report: &mut PassReport) {
    let mut pass = Rewrite { plan, report };
    pass.visit_item_mut(item);
    Streams.visit_item_mut(item);
}

/// Paginated operations also get a `stream()` (builder style) or
/// `<op>_stream()` (positional) that calls the operation and yields
/// `Result<Item, Error<E>>`: where the operation it calls now returns the
/// runtime's error, the stream's item does too.
struct Streams;

impl VisitMut for Streams {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        let rewritten: Vec<String> = imp
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(f) if returns_api_error(&f.sig.output) => {
                    Some(f.sig.ident.to_string())
                }
                _ => None,
            })
            .collect();
        if rewritten.is_empty() {
            return;
        }
        for item in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = item else { continue };
            // Only a fn returning `impl Stream<..>` is worth reading.
            if returns_impl_trait(&f.sig.output) && calls_any(&f.block, &rewritten) {
                retype_stream(&mut f.sig.output);
            }
        }
    }
}

/// `-> impl ..`.
fn returns_impl_trait(output: &syn::ReturnType) -> bool {
    matches!(output, syn::ReturnType::Type(_, ty) if matches!(**ty, Type::ImplTrait(_)))
}

/// `-> Result<_, ::cloud_orgs_runtime::ApiError<_>>`.
fn returns_api_error(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    generic_args::<2>(ty, "Result")
        .is_some_and(|[_, err]| syntax::type_ident(&err).is_some_and(|i| i == "ApiError"))
}

/// Whether `block` calls a method named one of `names`.
fn calls_any(block: &syn::Block, names: &[String]) -> bool {
    struct Calls<'a>(&'a [String], bool);
    impl<'ast> Visit<'ast> for Calls<'_> {
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            if self.0.iter().any(|n| c.method == n) {
                self.1 = true;
            }
            syn::visit::visit_expr_method_call(self, c);
        }
    }
    let mut calls = Calls(names, false);
    calls.visit_block(block);
    calls.1
}

/// `impl Stream<Item = Result<T, Error<E>>> + ..` ->
/// `impl Stream<Item = Result<T, ::cloud_orgs_runtime::ApiError<E>>> + ..`.
fn retype_stream(output: &mut syn::ReturnType) {
    let syn::ReturnType::Type(_, ty) = output else {
        return;
    };
    let Type::ImplTrait(imp) = &mut **ty else {
        return;
    };
    for bound in imp.bounds.iter_mut() {
        let syn::TypeParamBound::Trait(t) = bound else {
            continue;
        };
        let Some(last) = t.path.segments.last_mut() else {
            continue;
        };
        let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
            continue;
        };
        if last.ident != "Stream" {
            continue;
        }
        for arg in args.args.iter_mut() {
            let syn::GenericArgument::AssocType(item) = arg else {
                continue;
            };
            if item.ident != "Item" {
                continue;
            }
            if let Some([ok, err]) = generic_args::<2>(&item.ty, "Result")
                && let Some([e]) = generic_args::<1>(&err, "Error")
            {
                item.ty = parse_quote!(Result<#ok, ::cloud_orgs_runtime::ApiError<#e>>);
            }
        }
    }
}

struct Rewrite<'a> {
    plan: &'a Plan,
    report: &'a mut PassReport,
}

impl VisitMut for Rewrite<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        if f.sig.asyncness.is_none() {
            return;
        }
        let Some(status_match) = final_status_match(f) else {
            return;
        };
        let Some(id) = operation_id(&f.block) else {
            return;
        };
        let response = status_match.response.clone();
        let api_version = drop_api_version(f);
        self.report
            .record(&id, OperationPass::ApiVersion, api_version);
        let outcome = match self.plan.consts.get(&id) {
            None => PassOutcome::Reported(format!(
                "`{id}` is not an operation of the spec, so it has no facts to report errors with"
            )),
            Some(constant) => match plan(f, &id, &response, self.plan) {
                Ok(plan) => {
                    apply(f, &format_ident!("{}", constant), &response, plan);
                    PassOutcome::Transformed
                }
                Err(reason) => PassOutcome::Reported(reason),
            },
        };
        self.report.record(&id, OperationPass::Errors, outcome);
    }
}

/// The final `match <response>.status().as_u16() { .. }` of a body.
struct StatusMatch {
    response: Ident,
}

fn final_status_match(f: &ImplItemFn) -> Option<StatusMatch> {
    let Some(Stmt::Expr(Expr::Match(m), None)) = f.block.stmts.last() else {
        return None;
    };
    let Expr::MethodCall(as_u16) = &*m.expr else {
        return None;
    };
    let Expr::MethodCall(status) = &*as_u16.receiver else {
        return None;
    };
    if as_u16.method != "as_u16" || status.method != "status" {
        return None;
    }
    let response = syntax::local(&status.receiver)?.clone();
    Some(StatusMatch { response })
}

/// The `operation_id: "..."` of the `OperationInfo` literal in a body.
pub(super) fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if syntax::path_ends_with(&s.path, &["OperationInfo"]) {
                for field in &s.fields {
                    if let (syn::Member::Named(name), Expr::Lit(lit)) = (&field.member, &field.expr)
                        && name == "operation_id"
                        && let syn::Lit::Str(value) = &lit.lit
                    {
                        self.0 = Some(value.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find(None);
    find.visit_block(block);
    find.0
}

/// Removes `header_map.append(.., <.. api_version() ..>);` from the body.
fn drop_api_version(f: &mut ImplItemFn) -> PassOutcome {
    let before = f.block.stmts.len();
    f.block.stmts.retain(|stmt| !appends_api_version(stmt));
    if f.block.stmts.len() == before {
        return PassOutcome::Reported(
            "no statement appends the `api-version` header: progenitor's output changed shape"
                .to_string(),
        );
    }
    // Without that header, `header_map` may get no other entry.
    for stmt in f.block.stmts.iter_mut() {
        if let Stmt::Local(local) = stmt
            && let syn::Pat::Ident(p) = &local.pat
            && p.ident == "header_map"
            && p.mutability.is_some()
        {
            local.attrs.push(parse_quote!(#[allow(unused_mut)]));
        }
    }
    PassOutcome::Transformed
}

fn appends_api_version(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    struct Finds(bool);
    impl<'ast> Visit<'ast> for Finds {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Expr::Path(p) = &*c.func
                && syntax::path_ends_with(&p.path, &["api_version"])
            {
                self.0 = true;
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut finds = Finds(false);
    call.args.iter().for_each(|a| finds.visit_expr(a));
    call.method == "append" && finds.0
}

/// What one arm of progenitor's status match does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ArmShape {
    /// `ResponseValue::from_response(r).await`: a typed success.
    Success,
    /// `Ok(ResponseValue::empty(r))` or `Ok(ResponseValue::stream(r))`:
    /// nothing to decode; kept.
    Raw,
    /// A typed success arm for a status the spec gives without a body
    /// (normalisation made the type optional): no body is read.
    SuccessEmpty,
    /// `ResponseValue::upgrade(r).await`: a protocol upgrade (websocket).
    Upgrade,
    /// `Err(Error::ErrorResponse(ResponseValue::from_response(r).await?))`.
    ErrorTyped,
    /// `Err(Error::ErrorResponse(ResponseValue::empty(r)))` or `..stream(r)`.
    ErrorUntyped,
    /// `Err(Error::UnexpectedResponse(r))`.
    Undocumented,
}

/// Reads an arm's body; `None` for a shape progenitor 0.15 does not write.
fn arm_shape(body: &Expr, response: &Ident) -> Option<ArmShape> {
    let is_response = |e: &Expr| syntax::local(e) == Some(response);
    let response_value = |e: &Expr, name: &str| {
        syntax::call_with_one(e, &["ResponseValue", name]).is_some_and(is_response)
    };
    if let Some(inner) = syntax::awaited(body) {
        if response_value(inner, "from_response") {
            return Some(ArmShape::Success);
        }
        if response_value(inner, "upgrade") {
            return Some(ArmShape::Upgrade);
        }
        return None;
    }
    if let Some(ok) = syntax::call_with_one(body, &["Ok"]) {
        return (response_value(ok, "empty") || response_value(ok, "stream"))
            .then_some(ArmShape::Raw);
    }
    let err = syntax::call_with_one(body, &["Err"])?;
    if let Some(value) = syntax::call_with_one(err, &["Error", "ErrorResponse"]) {
        if syntax::tried(value)
            .and_then(syntax::awaited)
            .is_some_and(|e| response_value(e, "from_response"))
        {
            return Some(ArmShape::ErrorTyped);
        }
        if response_value(value, "empty") || response_value(value, "stream") {
            return Some(ArmShape::ErrorUntyped);
        }
        return None;
    }
    syntax::call_with_one(err, &["Error", "UnexpectedResponse"])
        .is_some_and(is_response)
        .then_some(ArmShape::Undocumented)
}

/// Everything the rewrite of one body needs, worked out before anything
/// changes so that a body the pass cannot handle stays as progenitor made
/// it.
struct Rewriting {
    ok: Type,
    err: Type,
    arms: Vec<(ArmShape, Option<syn::Path>)>,
    hooks: Hooks,
}

/// Where progenitor's request steps end and its hooks begin:
///
/// ```text
/// let info = OperationInfo { .. };        // stmts[at]
/// client.pre(&mut request, &info).await?;
/// let result = client.exec(request, &info).await;
/// client.post(&result, &info).await?;
/// let response = result?;
/// match response.status().as_u16() { .. } // the last statement
/// ```
struct Hooks {
    at: usize,
    /// What the hooks are called on: `client` (builder style) or `self`.
    client: Expr,
    /// The request the steps build.
    request: Ident,
}

/// Finds the hooks in `stmts`, and checks the steps before them are not
/// async (they move into a closure, where an `.await` or a `return` would
/// mean something else).
fn hooks(stmts: &[Stmt], response: &Ident) -> Result<Hooks, String> {
    let unknown = |what: &str| Err(format!("{what}: progenitor's output changed shape"));
    let Some(at) = stmts.iter().position(|stmt| {
        matches!(stmt, Stmt::Local(local)
            if local.init.as_ref().is_some_and(|init| matches!(&*init.expr,
                Expr::Struct(s) if syntax::path_ends_with(&s.path, &["OperationInfo"]))))
    }) else {
        return unknown("no `OperationInfo` before the status match");
    };
    let [pre, exec, post, last, _status_match] = &stmts[at + 1..] else {
        return unknown("the hooks are not the four statements before the status match");
    };
    /// `<receiver>.<name>(..)`.
    fn hook<'a>(expr: &'a Expr, name: &str) -> Option<&'a syn::ExprMethodCall> {
        match syntax::unwrap_expr(expr) {
            Expr::MethodCall(call) if call.method == name => Some(call),
            _ => None,
        }
    }
    /// `<expr>;`.
    fn stmt_expr(stmt: &Stmt) -> Option<&Expr> {
        match stmt {
            Stmt::Expr(expr, Some(_)) => Some(expr),
            _ => None,
        }
    }
    /// `let <name> = <init>;`.
    fn local_init(stmt: &Stmt) -> Option<(&Ident, &Expr)> {
        match stmt {
            Stmt::Local(syn::Local {
                pat: syn::Pat::Ident(p),
                init: Some(init),
                ..
            }) => Some((&p.ident, &init.expr)),
            _ => None,
        }
    }
    let Some(pre_call) = stmt_expr(pre)
        .and_then(syntax::tried)
        .and_then(syntax::awaited)
        .and_then(|e| hook(e, "pre"))
    else {
        return unknown("the `pre` hook is not `client.pre(..).await?`");
    };
    let client = &*pre_call.receiver;
    let request = match pre_call.args.first() {
        Some(Expr::Reference(r)) if r.mutability.is_some() => syntax::local(&r.expr),
        _ => None,
    };
    let Some(request) = request else {
        return unknown("the `pre` hook does not take `&mut request`");
    };
    let on_client =
        |call: Option<&syn::ExprMethodCall>| call.is_some_and(|c| *c.receiver == *client);
    let exec_ok = local_init(exec)
        .is_some_and(|(_, init)| on_client(syntax::awaited(init).and_then(|e| hook(e, "exec"))));
    let post_ok = stmt_expr(post).is_some_and(|e| {
        on_client(
            syntax::tried(e)
                .and_then(syntax::awaited)
                .and_then(|e| hook(e, "post")),
        )
    });
    let last_ok = local_init(last)
        .is_some_and(|(name, init)| name == response && syntax::tried(init).is_some());
    if !(exec_ok && post_ok && last_ok) {
        return unknown("the `exec` and `post` hooks are not where progenitor writes them");
    }
    struct Async(bool);
    impl<'ast> Visit<'ast> for Async {
        fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
            self.0 = true;
        }
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        // What a nested closure or async block does is its own.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    }
    let mut found = Async(false);
    stmts[..at].iter().for_each(|stmt| found.visit_stmt(stmt));
    if found.0 {
        return Err("its request steps await or return before the hooks".to_string());
    }
    Ok(Hooks {
        at,
        client: client.clone(),
        request: request.clone(),
    })
}

fn plan(f: &ImplItemFn, id: &str, response: &Ident, passes: &Plan) -> Result<Rewriting, String> {
    let (ok, err) = result_types(&f.sig.output)
        .ok_or_else(|| "its return type is not `Result<_, Error<_>>`".to_string())?;
    let Some(Stmt::Expr(Expr::Match(m), None)) = f.block.stmts.last() else {
        return Err("it does not end in a status match".to_string());
    };
    let mut arms = Vec::new();
    for arm in &m.arms {
        let status = syntax::status_pattern(&arm.pat)
            .ok_or_else(|| "a status pattern progenitor does not write".to_string())?;
        let shape = arm_shape(&arm.body, response).ok_or_else(|| match status {
            StatusPattern::Code(c) => {
                format!("the arm for status {c} has a shape this pass does not know")
            }
            StatusPattern::Range(a, b) => {
                format!("the arm for statuses {a}..={b} has a shape this pass does not know")
            }
            StatusPattern::Any => {
                "the catch-all arm has a shape this pass does not know".to_string()
            }
        })?;
        let variant = passes
            .unions
            .iter()
            .find(|((method, code), _)| method == id && covers(code, status))
            .map(|(_, (union, variant))| {
                let (union, variant) = (format_ident!("{}", union), format_ident!("{}", variant));
                parse_quote!(types::#union::#variant)
            });
        // A status the spec gives without a body (beside others with one):
        // its body is not decoded, whatever progenitor's arm says.
        let without_body = passes
            .bodiless
            .iter()
            .any(|b| b.method == id && covers(&b.status, status));
        let shape = match (shape, without_body) {
            (ArmShape::Success, true) => ArmShape::SuccessEmpty,
            (ArmShape::ErrorTyped, true) => ArmShape::ErrorUntyped,
            (shape, _) => shape,
        };
        arms.push((shape, variant));
    }
    let hooks = hooks(&f.block.stmts, response)?;
    Ok(Rewriting {
        ok,
        err,
        arms,
        hooks,
    })
}

/// Whether a normalisation status is the one a pattern matches.
fn covers(code: &openapiv3::StatusCode, pattern: StatusPattern) -> bool {
    match (code, pattern) {
        (openapiv3::StatusCode::Code(c), StatusPattern::Code(p)) => *c == p,
        (openapiv3::StatusCode::Range(r), StatusPattern::Range(a, b)) => {
            a == r * 100 && b == r * 100 + 99
        }
        _ => false,
    }
}

fn apply(f: &mut ImplItemFn, constant: &Ident, response: &Ident, plan: Rewriting) {
    let Some(Stmt::Expr(Expr::Match(mut status_match), None)) = f.block.stmts.pop() else {
        return;
    };
    let Rewriting {
        ok,
        err,
        arms,
        hooks,
    } = plan;
    let rt = quote!(::cloud_orgs_runtime::response);
    // `()` and byte streams are no JSON error bodies to try.
    let untyped_errors = match &err {
        Type::Tuple(t) => t.elems.is_empty(),
        other => syntax::type_ident(other).is_some_and(|i| i == "ByteStream"),
    };
    let error = |documented: bool| quote!(#rt::read_error(OPERATION, #response, #documented).await);
    for (arm, (shape, variant)) in status_match.arms.iter_mut().zip(arms) {
        let body: TokenStream = match (shape, variant) {
            (ArmShape::Success, Some(v)) => {
                quote!(#rt::read_success(#response).await.decode_as(OPERATION, #v))
            }
            (ArmShape::Success, None) => {
                quote!(#rt::read_success(#response).await.decode(OPERATION))
            }
            (ArmShape::Raw, _) => continue,
            (ArmShape::SuccessEmpty, _) => quote!(#rt::success_empty(OPERATION, #response)),
            (ArmShape::Upgrade, _) => quote! {
                ResponseValue::upgrade(#response)
                    .await
                    .map_err(|e| #rt::from_progenitor(OPERATION, e))
            },
            (ArmShape::ErrorTyped, Some(v)) => {
                let read = error(true);
                quote!(Err(#read.typed_as(#v)))
            }
            (ArmShape::ErrorTyped, None) => {
                let read = error(true);
                quote!(Err(#read.typed()))
            }
            (ArmShape::ErrorUntyped, _) => {
                let read = error(true);
                quote!(Err(#read.untyped()))
            }
            (ArmShape::Undocumented, _) if untyped_errors => {
                let read = error(false);
                quote!(Err(#read.untyped()))
            }
            (ArmShape::Undocumented, _) => {
                let read = error(false);
                quote!(Err(#read.typed()))
            }
        };
        *arm.body = parse_quote!(#body);
    }
    // progenitor writes the `default` response's arm `_ => ..` and, when
    // `default` is not the last response it lists, its own catch-all after
    // it: an unreachable arm, and a compiler warning in the user's build.
    if let Some(first_wild) = status_match
        .arms
        .iter()
        .position(|arm| matches!(arm.pat, syn::Pat::Wild(_)))
    {
        status_match.arms.truncate(first_wild + 1);
    }
    // The request steps move into the closure as syn nodes: quoting and
    // re-parsing them (the bulk of each body) cost more than all the rest
    // of the passes. The template's empty block is filled in place.
    let Hooks {
        at,
        client,
        request,
    } = hooks;
    let mut steps = std::mem::take(&mut f.block.stmts);
    steps.truncate(at);
    f.sig.output = parse_quote!(-> Result<#ok, ::cloud_orgs_runtime::ApiError<#err>>);
    f.block = parse_quote!({
        const OPERATION: &::cloud_orgs_runtime::Operation = &operations::#constant;
        let #response = match (move || {
            Ok::<_, Error<#err>>((#client, #request))
        })() {
            Ok((client, request)) => ::cloud_orgs_runtime::Runtime::exchange(
                ::progenitor_client::ClientInfo::inner(client),
                ::progenitor_client::ClientInfo::client(client),
                request,
                OPERATION,
            )
            .await?,
            Err(e) => return Err(#rt::from_progenitor(OPERATION, e)),
        };
    });
    if let Some(closure) = template_steps(&mut f.block) {
        let tail = std::mem::replace(&mut closure.stmts, steps);
        closure.stmts.extend(tail);
    }
    f.block
        .stmts
        .push(Stmt::Expr(Expr::Match(status_match), None));
}

/// The body of the closure in the send template above.
fn template_steps(block: &mut syn::Block) -> Option<&mut syn::Block> {
    let Some(Stmt::Local(local)) = block.stmts.get_mut(1) else {
        return None;
    };
    let Expr::Match(m) = &mut *local.init.as_mut()?.expr else {
        return None;
    };
    let Expr::Call(call) = &mut *m.expr else {
        return None;
    };
    let Expr::Paren(paren) = &mut *call.func else {
        return None;
    };
    let Expr::Closure(closure) = &mut *paren.expr else {
        return None;
    };
    match &mut *closure.body {
        Expr::Block(body) => Some(&mut body.block),
        _ => None,
    }
}

/// `-> Result<OK, Error<E>>` to `(OK, E)`.
fn result_types(output: &syn::ReturnType) -> Option<(Type, Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let [ok, err] = generic_args(ty, "Result")?;
    let [e] = generic_args(&err, "Error")?;
    Some((ok, e))
}

fn generic_args<const N: usize>(ty: &Type, name: &str) -> Option<[Type; N]> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    let types: Vec<Type> = a
        .args
        .iter()
        .map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    types.try_into().ok()
}

/// The Rust constant name of an operation in the generated `operations`
/// module: its method name in upper case, unique within the crate.
pub fn constant_names<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut taken = std::collections::BTreeSet::new();
    for id in ids {
        let base = id.trim_end_matches('_').to_uppercase();
        let base = if base.is_empty() {
            "OPERATION".to_string()
        } else {
            base
        };
        let name = crate::names::unique(&base, "_", |n| !taken.contains(n));
        taken.insert(name.clone());
        out.insert(id.to_string(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(body: Expr) -> Option<ArmShape> {
        arm_shape(&body, &format_ident!("response"))
    }

    #[test]
    fn knows_every_shape_progenitor_writes() {
        assert_eq!(
            shape(parse_quote!(ResponseValue::from_response(response).await)),
            Some(ArmShape::Success)
        );
        assert_eq!(
            shape(parse_quote!({ Ok(ResponseValue::empty(response)) })),
            Some(ArmShape::Raw)
        );
        assert_eq!(
            shape(parse_quote!({ Ok(ResponseValue::stream(response)) })),
            Some(ArmShape::Raw)
        );
        assert_eq!(
            shape(parse_quote!({ ResponseValue::upgrade(response).await })),
            Some(ArmShape::Upgrade)
        );
        assert_eq!(
            shape(parse_quote!({
                Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                ))
            })),
            Some(ArmShape::ErrorTyped)
        );
        assert_eq!(
            shape(parse_quote!({
                Err(Error::ErrorResponse(ResponseValue::stream(response)))
            })),
            Some(ArmShape::ErrorUntyped)
        );
        assert_eq!(
            shape(parse_quote!(Err(Error::UnexpectedResponse(response)))),
            Some(ArmShape::Undocumented)
        );
        // Another variable, another call: unknown, left alone.
        assert_eq!(
            shape(parse_quote!(ResponseValue::from_response(other).await)),
            None
        );
        assert_eq!(shape(parse_quote!(Ok(something_else(response)))), None);
    }

    /// `steps`, then the hooks as progenitor writes them (with `exec`
    /// called on `exec_on`), then the status match.
    fn hooks_after(steps: Vec<Stmt>, exec_on: Expr) -> Result<Hooks, String> {
        let tail: syn::Block = parse_quote!({
            let info = OperationInfo { operation_id: "get_thing" };
            client.pre(&mut request, &info).await?;
            let result = #exec_on.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                _ => Err(Error::UnexpectedResponse(response)),
            }
        });
        let stmts: Vec<Stmt> = steps.into_iter().chain(tail.stmts).collect();
        hooks(&stmts, &format_ident!("response"))
    }

    #[test]
    fn finds_the_hooks_progenitor_writes() {
        let steps: syn::Block = parse_quote!({
            let Self { client, id } = self;
            let url = format!("{}/things/{}", client.baseurl, id);
            let mut request = client.client.get(url).build()?;
        });
        let found = hooks_after(steps.stmts, parse_quote!(client)).expect("progenitor's shape");
        assert_eq!(found.at, 3);
        assert_eq!(found.client, parse_quote!(client));
        assert_eq!(found.request, "request");
    }

    #[test]
    fn steps_that_await_or_other_hooks_are_left_alone() {
        // An await before the hooks would change meaning in a closure.
        let awaits: syn::Block = parse_quote!({
            let body = fetch().await;
            let mut request = client.client.get(url).body(body).build()?;
        });
        assert!(hooks_after(awaits.stmts, parse_quote!(client)).is_err());
        // A hook on another client: not the shape it knows.
        let steps: syn::Block = parse_quote!({
            let mut request = client.client.get(url).build()?;
        });
        assert!(hooks_after(steps.stmts, parse_quote!(other)).is_err());
    }

    #[test]
    fn constant_names_are_unique() {
        let names = constant_names(["type_", "a", "A"].into_iter());
        assert_eq!(names["type_"], "TYPE");
        assert_eq!(names["a"], "A");
        assert_eq!(names["A"], "A_2");
    }
}
