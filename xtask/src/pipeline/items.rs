//! progenitor's output handled item by item, on every core.
//!
//! progenitor returns one token stream for the whole crate. Parsing it as
//! one `syn::File` is most of raw progenitor's cost and grows worse than
//! linearly with size (the whole tree and the whole token stream are alive
//! at once). Here the stream is cut into items (descending into inline
//! modules such as `types` and `builder`) by looking at token kinds only:
//! an item ends at a top-level `;`, or at a brace group when it is not a
//! `use` and has no `=` before it. Each item's tokens become text (proc-macro2
//! tokens and syn trees cannot cross threads; text can), and workers, one per
//! core, each parse, post-process and format their share:
//!
//! 1. parse, then [`passes::learn`] per item (what is known from the item
//!    alone, and what the others must know);
//! 2. once every worker has learnt, [`passes::rewrite`] per item with what
//!    all learnt, and prettyplease per item, nested in its modules so that
//!    line widths come out as in a whole-file format.
//!
//! The text is then put back together in the original order around the
//! modules' own lines. When the stream has a shape the cutting does not
//! know (tokens left over, a module with inner attributes), or a piece does
//! not parse, the caller runs this again with [`Strategy::WholeFile`]: the
//! whole file as one piece on one worker, through the same steps, so the
//! output is the same, only slower.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::sync::{Barrier, OnceLock};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::Strategy;
use crate::passes::{self, Learnt, PassReport, Plan};

/// The output, as a tree of modules and item pieces in source order.
#[derive(Debug)]
enum Tree {
    /// One piece: its index in the job list.
    Piece(usize),
    /// An inline module: its tokens up to the brace, and its contents.
    Module {
        head: String,
        name: String,
        children: Vec<Tree>,
    },
}

/// One piece of work: an item (rarely several) as text, and where it sits.
#[derive(Debug)]
struct Job {
    path: Vec<String>,
    text: String,
}

/// What the item-by-item processing gives back.
pub struct Processed {
    /// The formatted code.
    pub text: String,
    /// What the passes did.
    pub report: PassReport,
    /// The crates the code names.
    pub crates: BTreeSet<&'static str>,
    /// Structs and enums in `types`.
    pub types: usize,
}

/// Cuts (or, for [`Strategy::WholeFile`], keeps in one piece), processes
/// and formats `tokens` on `workers` threads. `None` when the stream cannot
/// be cut or a piece does not parse: the caller then tries the whole file
/// (from tokens it makes again: this call drops them as soon as they are
/// cut, so that their memory and the time to free it overlap the workers').
pub fn process(
    tokens: TokenStream,
    plan: &Plan,
    strategy: Strategy,
    workers: usize,
) -> Option<Processed> {
    let mut jobs = Vec::new();
    let nodes = match strategy {
        Strategy::Items => split(tokens, &mut Vec::new(), &mut jobs)?,
        Strategy::WholeFile => {
            jobs.push(Job {
                path: Vec::new(),
                text: tokens.to_string(),
            });
            vec![Tree::Piece(0)]
        }
    };
    let workers = workers.clamp(1, jobs.len().max(1));
    let shares = shares(&jobs, workers);

    let completed: OnceLock<Plan> = OnceLock::new();
    let builder_item: OnceLock<String> = OnceLock::new();
    let barrier = Barrier::new(workers + 1);
    let (learnt_tx, learnt_rx) = mpsc::channel::<Option<Learnt>>();
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let shared = Shared {
                    jobs: &jobs,
                    completed: &completed,
                    builder_item: &builder_item,
                    barrier: &barrier,
                };
                let learnt_tx = learnt_tx.clone();
                scope.spawn(move || work(&shared, &share, plan, &learnt_tx))
            })
            .collect();
        // Meanwhile, this thread makes the wiring's own items (new code,
        // formatted here; the builder module's `use`, when that module is
        // inside a piece, as in the whole file, goes to that piece's worker
        // as text).
        let wiring = passes::wiring::wiring(plan);
        if strategy == Strategy::WholeFile {
            let _ = builder_item.set(quote::ToTokens::to_token_stream(&wiring.builder).to_string());
        }
        let mut crates = BTreeSet::new();
        let mut tail = String::new();
        for item in &wiring.top {
            render_crates(item, &mut crates);
        }
        for item in wiring.top {
            tail.push_str(&format_nested(vec![item], &[]));
        }
        let builder_use = format_nested(vec![wiring.builder], &["builder".into()]);
        // Every worker reports what it learnt (or that a piece did not
        // parse) before any goes on; then the completed plan is shared.
        let mut learnt = Learnt::default();
        let mut parsed = true;
        for _ in 0..workers {
            match learnt_rx.recv() {
                Ok(Some(part)) => learnt.merge(part),
                _ => parsed = false,
            }
        }
        let mut report = PassReport::default();
        let mut full = plan.clone();
        full.learnt(learnt, &mut report);
        let types = full.learnt.types;
        let _ = completed.set(full);
        barrier.wait();
        let outputs: Vec<Option<Output>> = handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect();
        (parsed, report, types, outputs, (crates, tail, builder_use))
    });
    let (parsed, mut report, types, outputs, (mut crates, tail, builder_use)) = results;
    if !parsed {
        return None;
    }
    let plan = completed.get()?;
    let mut texts: Vec<Option<String>> = (0..jobs.len()).map(|_| None).collect();
    for output in outputs {
        let output = output?;
        for (index, text) in output.texts {
            texts[index] = Some(text);
        }
        report.merge(output.report);
        crates.extend(output.crates);
    }
    passes::finish(plan, &mut report);

    let mut text = String::new();
    assemble(&nodes, &texts, &mut Vec::new(), &builder_use, &mut text)?;
    text.push_str(&tail);
    Some(Processed {
        text,
        report,
        crates,
        types,
    })
}

/// What one worker gives back.
struct Output {
    texts: Vec<(usize, String)>,
    report: PassReport,
    crates: BTreeSet<&'static str>,
}

/// What every worker reads: the pieces, and what the main thread fills in
/// while they learn (the completed plan, the builder module's `use`).
struct Shared<'a> {
    jobs: &'a [Job],
    completed: &'a OnceLock<Plan>,
    builder_item: &'a OnceLock<String>,
    barrier: &'a Barrier,
}

/// One worker: parse and learn its pieces, wait for everyone's learning,
/// rewrite and format them.
fn work(
    shared: &Shared<'_>,
    share: &[usize],
    plan: &Plan,
    learnt_tx: &mpsc::Sender<Option<Learnt>>,
) -> Option<Output> {
    let Shared {
        jobs,
        completed,
        builder_item,
        barrier,
    } = shared;
    let mut parsed = Vec::with_capacity(share.len());
    let mut learnt = Learnt::default();
    let mut ok = true;
    for &index in share {
        let job = &jobs[index];
        match syn::parse_str::<syn::File>(&job.text) {
            Ok(mut file) => {
                passes::each_item(
                    &mut file.items,
                    &mut job.path.clone(),
                    &mut |item, place| {
                        learnt.merge(passes::learn(item, place, plan));
                    },
                );
                parsed.push((index, file));
            }
            Err(_) => {
                ok = false;
                break;
            }
        }
    }
    let _ = learnt_tx.send(ok.then_some(learnt));
    barrier.wait();
    let plan = completed.get()?;
    if !ok {
        return None;
    }
    let mut report = PassReport::default();
    let mut crates = BTreeSet::new();
    let mut texts = Vec::with_capacity(parsed.len());
    for (index, mut file) in parsed {
        let path = &jobs[index].path;
        passes::each_item(&mut file.items, &mut path.clone(), &mut |item, place| {
            passes::rewrite(item, place, plan, &mut report);
        });
        if path.is_empty()
            && let Some(builder) = passes::syntax::module_items(&mut file.items, "builder")
        {
            builder.insert(0, syn::parse_str(builder_item.get()?).ok()?);
        }
        for item in &file.items {
            render_crates(item, &mut crates);
        }
        texts.push((index, format_nested(file.items, path)));
    }
    Some(Output {
        texts,
        report,
        crates,
    })
}

fn render_crates(item: &syn::Item, crates: &mut BTreeSet<&'static str>) {
    crate::deps::crates_named(item, crates);
}

/// Shares of the jobs, one per worker, balanced by text size.
fn shares(jobs: &[Job], workers: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].text.len()));
    let mut shares = vec![Vec::new(); workers];
    let mut sizes = vec![0usize; workers];
    for index in order {
        let lightest = (0..workers).min_by_key(|&w| sizes[w]).unwrap_or(0);
        sizes[lightest] += jobs[index].text.len();
        shares[lightest].push(index);
    }
    shares
}

/// Cuts `stream` (the inside of module `path`) into nodes, adding the
/// pieces to `jobs`. `None` for a shape the cutting does not know.
fn split(stream: TokenStream, path: &mut Vec<String>, jobs: &mut Vec<Job>) -> Option<Vec<Tree>> {
    let mut nodes = Vec::new();
    for item in items(stream)? {
        match module(&item) {
            Some((head, name, body)) => {
                path.push(name.clone());
                let children = split(body, path, jobs)?;
                path.pop();
                nodes.push(Tree::Module {
                    head: TokenStream::from_iter(head).to_string(),
                    name,
                    children,
                });
            }
            None => {
                nodes.push(Tree::Piece(jobs.len()));
                jobs.push(Job {
                    path: path.clone(),
                    text: TokenStream::from_iter(item).to_string(),
                });
            }
        }
    }
    Some(nodes)
}

/// The items of a module's (or the file's) tokens; `None` when tokens are
/// left over after the last item, or when the module has inner attributes.
fn items(stream: TokenStream) -> Option<Vec<Vec<TokenTree>>> {
    let mut out = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut assigns = false;
    for tree in stream {
        let ends = match &tree {
            TokenTree::Punct(p) if p.as_char() == ';' => true,
            TokenTree::Punct(p) if p.as_char() == '=' => {
                assigns = true;
                false
            }
            TokenTree::Punct(p) if p.as_char() == '!' && is_attribute_start(&current) => {
                // `#!` : an inner attribute, which belongs to the module.
                return None;
            }
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace && !assigns && !starts_with_use(&current)
            }
            _ => false,
        };
        current.push(tree);
        if ends {
            out.push(std::mem::take(&mut current));
            assigns = false;
        }
    }
    current.is_empty().then_some(out)
}

/// `#` alone so far: what follows is an attribute.
fn is_attribute_start(current: &[TokenTree]) -> bool {
    matches!(current, [TokenTree::Punct(p)] if p.as_char() == '#')
}

/// Whether the item's tokens (after attributes and visibility) start with
/// `use` (whose `{..}` does not end it).
fn starts_with_use(tokens: &[TokenTree]) -> bool {
    keywords(tokens).first().is_some_and(|k| k == "use")
}

/// The item's identifiers after its attributes (`#[..]`) and visibility
/// (`pub`, `pub(..)`).
fn keywords(tokens: &[TokenTree]) -> Vec<String> {
    let mut rest = tokens;
    loop {
        match rest {
            [TokenTree::Punct(p), TokenTree::Group(g), more @ ..]
                if p.as_char() == '#' && g.delimiter() == Delimiter::Bracket =>
            {
                rest = more;
            }
            [TokenTree::Ident(i), TokenTree::Group(g), more @ ..]
                if i == "pub" && g.delimiter() == Delimiter::Parenthesis =>
            {
                rest = more;
            }
            [TokenTree::Ident(i), more @ ..] if i == "pub" => rest = more,
            _ => break,
        }
    }
    rest.iter()
        .map_while(|t| match t {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
        .take(2)
        .collect()
}

/// `[attrs] [vis] mod NAME { BODY }`: the tokens before the brace, the
/// name and the body.
fn module(item: &[TokenTree]) -> Option<(Vec<TokenTree>, String, TokenStream)> {
    let (last, head) = item.split_last()?;
    let TokenTree::Group(body) = last else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    match keywords(head).as_slice() {
        [m, name] if m == "mod" => Some((head.to_vec(), name.clone(), body.stream())),
        _ => None,
    }
}

/// Puts the formatted pieces back in order, around the modules' lines.
fn assemble(
    nodes: &[Tree],
    texts: &[Option<String>],
    path: &mut Vec<String>,
    builder_use: &str,
    out: &mut String,
) -> Option<()> {
    for node in nodes {
        match node {
            Tree::Piece(index) => out.push_str(texts.get(*index)?.as_deref()?),
            Tree::Module {
                head,
                name,
                children,
            } => {
                let (open, close) = module_lines(head, path)?;
                out.push_str(&open);
                path.push(name.clone());
                if path.len() == 1 && name == "builder" {
                    out.push_str(builder_use);
                }
                assemble(children, texts, path, builder_use, out)?;
                path.pop();
                out.push_str(&close);
            }
        }
    }
    Some(())
}

/// A module's own lines as prettyplease writes them inside `path`: the
/// ones before its items (attributes, `pub mod name {`) and the closing
/// brace.
fn module_lines(head: &str, path: &[String]) -> Option<(String, String)> {
    const MARK: &str = "__cloud_orgs_module_contents__";
    let item: syn::Item = syn::parse_str(&format!("{head} {{ const {MARK}: () = (); }}")).ok()?;
    let text = format_nested(vec![item], path);
    let at = text.find(MARK)?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    Some((text[..line_start].to_string(), text[line_end..].to_string()))
}

/// `items` formatted by prettyplease as they would be inside the modules
/// `path`: nested in stand-ins for those modules, whose lines are removed.
/// The items move into the stand-ins (no copy, no tokens in between).
fn format_nested(items: Vec<syn::Item>, path: &[String]) -> String {
    let mut nested = items;
    for name in path.iter().rev() {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let mut module: syn::ItemMod = syn::parse_quote!(mod #ident {});
        if let Some((_, content)) = &mut module.content {
            *content = nested;
        }
        nested = vec![syn::Item::Mod(module)];
    }
    let mut file: syn::File = syn::parse_quote!();
    file.items = nested;
    let text = prettyplease::unparse(&file);
    if path.is_empty() {
        return text;
    }
    let lines: Vec<&str> = text.lines().collect();
    let depth = path.len();
    let inner = &lines[depth.min(lines.len())..lines.len().saturating_sub(depth)];
    let mut out = inner.join("\n");
    out.push('\n');
    out
}

/// Unused unless a test wants it: the pieces' paths and sizes.
#[cfg(test)]
fn describe(tokens: TokenStream) -> Option<std::collections::BTreeMap<String, usize>> {
    let mut jobs = Vec::new();
    split(tokens, &mut Vec::new(), &mut jobs)?;
    let mut out = std::collections::BTreeMap::new();
    for job in jobs {
        *out.entry(job.path.join("::")).or_insert(0) += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn cuts_items_and_descends_into_modules() {
        let tokens = quote! {
            pub use progenitor_client::{ByteStream, Error};
            #[doc = "types"]
            pub mod types {
                pub struct A { pub x: u8 }
                pub struct B(pub u8);
                impl Default for A { fn default() -> Self { Self { x: 0 } } }
                pub const C: S = S { y: 1 };
                pub mod builder { pub struct A { x: u8 } }
            }
            impl Client { pub fn op(&self) {} }
        };
        let pieces = describe(tokens).expect("a shape it knows");
        assert_eq!(pieces.get(""), Some(&2));
        assert_eq!(pieces.get("types"), Some(&4));
        assert_eq!(pieces.get("types::builder"), Some(&1));
    }

    #[test]
    fn inner_attributes_and_leftovers_are_not_cut() {
        assert!(
            describe(quote!(
                mod m {
                    #![allow(x)]
                    struct A;
                }
            ))
            .is_none()
        );
        assert!(describe(quote!(struct A;, struct)).is_none());
    }

    #[test]
    fn nested_format_matches_a_whole_file_format() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha { pub a_rather_long_field_name: ::std::option::Option<::std::vec::Vec<::std::string::String>> }
            }
        };
        let whole = prettyplease::unparse(&file);
        let syn::Item::Mod(m) = &file.items[0] else {
            panic!()
        };
        let items = &m.content.as_ref().unwrap().1;
        let piece = format_nested(items.clone(), &["types".to_string()]);
        let (open, close) = module_lines("pub mod types", &[]).unwrap();
        assert_eq!(format!("{open}{piece}{close}"), whole);
    }
}
