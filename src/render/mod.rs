//! Stage 4 — render: the checked playbook becomes the files of a site (in memory).
//!
//! One file per page kind under [`pages`]; each builds the data its template
//! gets (see [`view`]) and renders it with the theme ([`crate::theme`]).
//! Nothing here touches the output folder: that is [`crate::write`]'s job.

pub mod body;
pub mod data;
pub mod format;
pub mod graph;
pub mod ics;
pub mod memo;
pub mod pages;
pub mod schedule;
pub mod view;

use crate::diag::Diagnostics;
use crate::resolve::Playbook;
use crate::theme::Theme;
use jiff::civil::Date;
pub use memo::Memo;
use rayon::prelude::*;
use serde::Serialize;

pub struct Options {
    /// Render drafts too.
    pub drafts: bool,
}

/// One file of the site: its path (relative, `/`-separated) and bytes.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Where rendered files go: the staging folder of a build ([`crate::write::Stage`]),
/// or memory ([`Memory`]). Called from many threads.
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), crate::write::WriteError>;

    /// A file given in parts, one after the other (the biggest files of a
    /// site are joined from pieces: written as they are, never copied into one).
    fn put_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), crate::write::WriteError> {
        self.put(path, &parts.concat())
    }

    /// Keeps the files at `paths` as the sink last had them, if it can: all
    /// of them, or none (`false`: they are to be put anew; the default).
    fn put_again_all(&self, _paths: &[&str]) -> bool {
        false
    }

    /// A file written by `write` as it is made (called once): a sink that
    /// writes to disk streams it; this default gathers it, then [`Sink::put`]s it.
    /// An error of `write` fails the file, and comes back inside the [`WriteError::Io`](crate::write::WriteError::Io).
    fn put_stream(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), crate::write::WriteError> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|e| crate::write::WriteError::Io(path.into(), e))?;
        self.put(path, &bytes)
    }
}

impl Sink for crate::write::Stage {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), crate::write::WriteError> {
        crate::write::Stage::put(self, path, bytes)
    }

    fn put_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), crate::write::WriteError> {
        crate::write::Stage::put_parts(self, path, parts)
    }

    fn put_stream(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), crate::write::WriteError> {
        crate::write::Stage::put_stream(self, path, write)
    }
}

/// A site kept in memory, by path (for tests and tools).
#[derive(Default)]
pub struct Memory(pub std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), crate::write::WriteError> {
        if let Ok(mut m) = self.0.lock() {
            m.insert(path.to_owned(), bytes.to_vec());
        }
        Ok(())
    }
}

/// What was rendered.
pub struct Site {
    /// How many files were written.
    pub files: usize,
    /// How many of them are HTML pages.
    pub pages: usize,
}

#[derive(Debug)]
pub enum RenderError {
    /// A template of the theme or the playbook failed.
    Template { template: String, message: String },
    /// A file could not be written.
    Write(crate::write::WriteError),
    /// A file of `static/` cannot be placed in the site (the message says why).
    Static(String),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template { template, message } => write!(f, "template `{template}`: {message}"),
            RenderError::Write(e) => e.fmt(f),
            RenderError::Static(m) => f.write_str(m),
        }
    }
}

/// Carried through the writer of a streamed file ([`Ctx::put_stream`]).
impl std::error::Error for RenderError {}

/// What failed a streamed file: a [`RenderError`] carried through its writer
/// comes back as it was; anything else is the sink's.
fn stream_failure(e: crate::write::WriteError) -> RenderError {
    match e {
        crate::write::WriteError::Io(p, e) => match e.downcast::<RenderError>() {
            Ok(render) => render,
            Err(e) => RenderError::Write(crate::write::WriteError::Io(p, e)),
        },
        e => RenderError::Write(e),
    }
}

/// Everything a page needs to render.
pub struct Ctx<'a> {
    pub pb: &'a Playbook,
    pub diags: &'a Diagnostics,
    /// The diagnostics of each file (element pages list their own).
    pub diags_by_file: std::collections::HashMap<&'a str, Vec<&'a crate::diag::Diagnostic>>,
    pub today: Date,
    pub theme: &'a Theme,
    /// Per element: published (not a draft, or drafts asked for).
    pub included: Vec<bool>,
    /// Per element: how lists and trees link to it (built once).
    pub refs: Vec<view::ElementRef>,
    /// In a session: per element, a digest of its `refs` entry.
    pub ref_keys: Vec<memo::Key>,
    /// In a `watch` session: what the previous build rendered.
    memo: Option<&'a Memo>,
    sink: &'a dyn Sink,
    files: std::sync::atomic::AtomicUsize,
    pages: std::sync::atomic::AtomicUsize,
    /// The paths put so far (to tell a static file that collides with them).
    paths: std::sync::Mutex<Vec<String>>,
}

/// `""` for a page at the site root, `"../"` one folder down, and so on.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[derive(Serialize)]
struct PageInfo<'a> {
    kind: &'a str,
    title: &'a str,
    /// Site-relative path of this page.
    path: &'a str,
    /// Absolute URL when `base_url` is set.
    canonical: Option<String>,
}

impl Ctx<'_> {
    /// Renders `template` as the page at `path`, with `data`'s fields at the top level.
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        kind: &str,
        title: &str,
        data: &T,
    ) -> Result<OutFile, RenderError> {
        let render = || self.render_page(template, path, kind, title, data);
        let key = self
            .memo
            .and_then(|m| memo::page_key(m.global(), &[template, path, kind, title], data).map(|k| (m, k)));
        match key {
            Some((m, key)) => {
                let bytes = m.page(path, key, || render().map(|h| std::sync::Arc::from(h.into_bytes())))?;
                Ok(OutFile::new(path, bytes.to_vec()))
            }
            None => Ok(OutFile::new(path, render()?)),
        }
    }

    /// A page of the plan's structure ([`Ctx::page`]): outside a session,
    /// rendered straight into the sink, never whole in memory (`None`); in a
    /// session, returned (reused or rendered), for the caller to hand over
    /// with the other files that are kept for the next build.
    pub fn structure_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        kind: &str,
        title: &str,
        data: &T,
    ) -> Result<Option<OutFile>, RenderError> {
        if self.memo.is_some() {
            return self.page(template, path, kind, title, data).map(Some);
        }
        let ctx = self.page_context(template, path, kind, title, data)?;
        self.put_stream(path, |w| {
            self.theme
                .tera
                .render_to(template, &ctx, w)
                .map_err(|e| match e.kind() {
                    // The writer's own error: the sink's to tell.
                    tera::ErrorKind::Io(kind) => std::io::Error::new(*kind, crate::theme::tera_message(&e)),
                    _ => std::io::Error::other(self.error(template, &e)),
                })
        })
        .map(|()| None)
    }

    /// A file of the plan's structure that `write` writes: outside a session,
    /// streamed into the sink ([`Ctx::put_stream`]; `None`); in a session,
    /// returned whole, for the caller to hand over with the other files that
    /// are kept for the next build.
    pub fn structure_file(
        &self,
        path: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<Option<OutFile>, RenderError> {
        if self.memo.is_none() {
            return self.put_stream(path, write).map(|()| None);
        }
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|e| stream_failure(crate::write::WriteError::Io(path.into(), e)))?;
        Ok(Some(OutFile::new(path, bytes)))
    }

    /// [`Ctx::page`] without reuse: always renders.
    pub fn render_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        kind: &str,
        title: &str,
        data: &T,
    ) -> Result<String, RenderError> {
        let ctx = self.page_context(template, path, kind, title, data)?;
        self.tera_render(template, &ctx)
    }

    fn tera_render(&self, template: &str, ctx: &tera::Context) -> Result<String, RenderError> {
        self.theme
            .tera
            .render(template, ctx)
            .map_err(|e| self.error(template, &e))
    }

    /// What `template` gets as the page at `path`: `data`'s fields, `root` and `page`.
    fn page_context<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        kind: &str,
        title: &str,
        data: &T,
    ) -> Result<tera::Context, RenderError> {
        let canonical = self.pb.config.base_url.as_ref().map(|b| format!("{b}{path}"));
        let page = PageInfo {
            kind,
            title,
            path,
            canonical,
        };
        self.context(template, data, &root_of(path), Some(&page))
    }

    /// `template` rendered with `data`'s fields, `root` and, for a whole page, `page`.
    fn render_template<T: Serialize>(
        &self,
        template: &str,
        data: &T,
        root: &str,
        page: Option<&PageInfo>,
    ) -> Result<String, RenderError> {
        let ctx = self.context(template, data, root, page)?;
        self.tera_render(template, &ctx)
    }

    /// The Tera context of `template`: `data`'s fields, `root` and, for a whole page, `page`.
    fn context<T: Serialize>(
        &self,
        template: &str,
        data: &T,
        root: &str,
        page: Option<&PageInfo>,
    ) -> Result<tera::Context, RenderError> {
        let mut ctx = tera::Context::from_serialize(data).map_err(|e| self.error(template, &e))?;
        ctx.insert("root", root);
        if let Some(page) = page {
            ctx.insert("page", page);
        }
        Ok(ctx)
    }

    /// The previous build's pages, in a session.
    pub fn memo(&self) -> Option<&Memo> {
        self.memo
    }

    /// Renders `template` with `data` as a piece of a bigger page at the site root.
    pub fn render_fragment<T: Serialize>(&self, template: &str, data: &T) -> Result<std::sync::Arc<[u8]>, RenderError> {
        let html = self.render_template(template, data, "", None)?;
        Ok(std::sync::Arc::from(html.into_bytes()))
    }

    /// Element `i`'s body for `target` (reused from the previous build of a session when unchanged).
    pub fn body(&self, i: usize, target: body::Target) -> memo::Html {
        let make = || std::sync::Arc::new(body::render(self.pb, i, target, &self.included));
        match self.memo {
            Some(m) => {
                let name = match target {
                    body::Target::Page { .. } => &self.pb.urls[i],
                    body::Target::Print => &format!("print:{}", self.pb.urls[i]),
                };
                let key = body::key(self.pb, i, target, &self.included);
                memo::Html {
                    key,
                    body: m.body(name, key, make),
                }
            }
            None => memo::Html { key: 0, body: make() },
        }
    }

    fn error(&self, template: &str, e: &tera::Error) -> RenderError {
        RenderError::Template {
            template: template.to_owned(),
            message: crate::theme::tera_message(e),
        }
    }

    /// Hands a file to the sink, counting it.
    pub fn put(&self, file: &OutFile) -> Result<(), RenderError> {
        self.put_parts(&file.path, &[&file.bytes])
    }

    /// Hands a file given in parts to the sink, counting it.
    pub fn put_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), RenderError> {
        match parts {
            [one] => self.sink.put(path, one),
            _ => self.sink.put_parts(path, parts),
        }
        .map_err(RenderError::Write)?;
        self.count(path);
        Ok(())
    }

    /// [`Ctx::put_again`] for the pages of many unchanged elements at once
    /// (one lock, not one per page); `false`: none was put.
    pub fn put_again_all(&self, paths: &[&str]) -> bool {
        if paths.is_empty() || !self.sink.put_again_all(paths) {
            return false;
        }
        self.count_all(paths);
        true
    }

    /// Hands the sink a file that `write` writes as it is made, counting it.
    /// `write` returns what fails it as an `io::Error`: the writer's own, or a
    /// [`RenderError`] inside one ([`std::io::Error::other`]), which comes back as it was.
    pub fn put_stream(
        &self,
        path: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), RenderError> {
        let mut write = Some(write);
        let written = self.sink.put_stream(path, &mut |w| match write.take() {
            Some(write) => write(w),
            None => Ok(()),
        });
        written.map_err(stream_failure)?;
        self.count(path);
        Ok(())
    }

    /// Counts a file handed to the sink.
    fn count(&self, path: &str) {
        self.count_all(&[path]);
    }

    /// Counts files handed to the sink (one lock for all).
    fn count_all(&self, paths: &[&str]) {
        self.files.fetch_add(paths.len(), std::sync::atomic::Ordering::Relaxed);
        let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
        self.pages.fetch_add(pages, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut p) = self.paths.lock() {
            p.extend(paths.iter().map(|s| (*s).to_owned()));
        }
    }

    /// In a build that patches the last one ([`Memo::patch`]): whether
    /// element `i`'s page and pieces are the last build's.
    pub fn unchanged(&self, i: usize) -> bool {
        self.memo.is_some_and(|m| m.patching() && !m.dirty(i))
    }

    /// Puts the file at `path` as the last build made it (for an element
    /// that is [`Ctx::unchanged`]); `false` if the last build has no such file.
    pub fn put_again(&self, path: &str) -> Result<bool, RenderError> {
        if self.put_again_all(&[path]) {
            return Ok(true);
        }
        match self.memo.and_then(|m| m.again(path)) {
            Some(bytes) => self.put_parts(path, &[&bytes]).map(|()| true),
            None => Ok(false),
        }
    }
}

#[derive(Serialize)]
struct NetworkLink {
    id: String,
    name: String,
    url: Option<String>,
    page: String,
    /// The network's colour: its rank in playbook.yaml, modulo the 8 of the
    /// palette (as in the MOST graph).
    palette: usize,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    description_html: Option<String>,
    lang: &'static str,
    base_url: Option<&'a str>,
    networks: Vec<NetworkLink>,
    extra: &'a serde_json::Value,
    generator: &'static str,
}

/// A page (or set of files) rendered alongside the others.
type Job<'a> = Box<dyn Fn() -> Result<Vec<OutFile>, RenderError> + Sync + 'a>;

/// Renders the whole site into `sink`.
pub fn render(
    pb: &Playbook,
    diags: &Diagnostics,
    today: Date,
    theme: &mut Theme,
    opts: &Options,
    sink: &dyn Sink,
) -> Result<Site, RenderError> {
    render_with(pb, diags, today, theme, opts, sink, None)
}

/// [`render`], reusing what the previous build of a session rendered (`memo`),
/// and keeping this build's pages for the next one if it succeeds.
pub fn render_with(
    pb: &Playbook,
    diags: &Diagnostics,
    today: Date,
    theme: &mut Theme,
    opts: &Options,
    sink: &dyn Sink,
    mut memo: Option<&mut Memo>,
) -> Result<Site, RenderError> {
    let cfg = &pb.config;
    let site = SiteInfo {
        title: &cfg.title,
        description_html: cfg.description.as_deref().map(markdown_inline),
        lang: cfg.language.code(),
        base_url: cfg.base_url.as_deref(),
        networks: cfg
            .networks
            .iter()
            .enumerate()
            .map(|(k, n)| NetworkLink {
                id: n.id.clone(),
                name: n.name.clone(),
                url: n.url.clone(),
                page: pages::network::path(&n.id),
                palette: k % 8,
            })
            .collect(),
        extra: &cfg.extra,
        generator: concat!("mostbook ", env!("CARGO_PKG_VERSION")),
    };
    if let Some(m) = memo.as_deref_mut() {
        let mut d = memo::Digest::new();
        d.field(&theme.fingerprint.to_le_bytes())
            .field(today.to_string().as_bytes())
            .field(&[u8::from(opts.drafts)]);
        let _ = serde_json::to_writer(&mut d, &site);
        m.begin(d.finish());
    }
    // Patching the last build: what it computed per element holds.
    let prior = memo.as_deref_mut().and_then(Memo::take_elements);
    let global = theme.tera.global_context();
    global.insert("site", &site);
    global.insert("t", &theme.strings);
    let theme: &Theme = theme;
    let included: Vec<bool> = pb.elements.iter().map(|e| opts.drafts || !e.draft).collect();
    let mut diags_by_file: std::collections::HashMap<&str, Vec<&crate::diag::Diagnostic>> = Default::default();
    for d in &diags.list {
        diags_by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let mut ctx = Ctx {
        pb,
        diags,
        diags_by_file,
        today,
        theme,
        included,
        refs: Vec::new(),
        ref_keys: Vec::new(),
        memo: memo.as_deref(),
        sink,
        files: Default::default(),
        pages: Default::default(),
        paths: Default::default(),
    };
    let (prior_structure, prior_refs) = match prior {
        Some(p) => (Some(p.structure), Some((p.refs, p.ref_keys))),
        None => (None, None),
    };
    if let Some((refs, keys)) = prior_refs {
        ctx.refs = refs;
        ctx.ref_keys = keys;
    } else {
        ctx.refs = crate::timings::time("refs", || {
            (0..pb.elements.len())
                .into_par_iter()
                .map_init(view::Shared::default, |shared, i| ctx.make_ref(i, shared))
                .collect()
        });
    }
    if ctx.memo.is_some() && ctx.ref_keys.len() != ctx.refs.len() {
        ctx.ref_keys = (0..pb.elements.len())
            .into_par_iter()
            .map(|i| {
                let mut d = memo::Digest::new();
                let _ = serde_json::to_writer(&mut d, &ctx.ref_fields(i));
                d.finish()
            })
            .collect();
    }
    let ctx = ctx;

    // Element pages (most of the work) and the other pages, all in parallel,
    // written as they come; the pages' plain text feeds the search index as they are made.
    // In a session, the pages made from the plan's structure alone are taken
    // whole from the previous build when the structure did not change (see [`structure_key`]).
    let kept = std::sync::Mutex::new(Vec::new());
    let structure_parts = ctx
        .memo
        .is_some()
        .then(|| structure_parts(&ctx, prior_structure.as_deref()));
    let structure = ctx
        .memo
        .zip(structure_parts.as_deref())
        .map(|(m, parts)| (m, structure_key(&ctx, m.global(), parts)));
    let reused = structure.and_then(|(m, k)| m.structure_files(k));
    let mut jobs: Vec<Job> = vec![Box::new(|| {
        // print.html puts itself, in parts.
        crate::timings::time("print", || pages::print::render(&ctx).map(|()| Vec::new()))
    })];
    let structural: Vec<Job> = vec![
        Box::new(|| crate::timings::time("overview", || pages::overview::render(&ctx))),
        Box::new(|| crate::timings::time("network pages", || pages::network::render_all(&ctx))),
        Box::new(|| crate::timings::time("matrix", || pages::matrix::render(&ctx))),
        Box::new(|| crate::timings::time("calendar", || pages::calendar::render(&ctx))),
        Box::new(|| Ok(vec![pages::not_found::render(&ctx)?])),
        Box::new(|| crate::timings::time("data files", || data::files(&ctx))),
    ];
    match &reused {
        Some(files) => {
            drop(structural);
            jobs.push(Box::new(|| {
                Ok(files
                    .iter()
                    .map(|(path, bytes)| OutFile::new(path.clone(), bytes.to_vec()))
                    .collect())
            }));
        }
        None => {
            for job in structural {
                let kept = &kept;
                let keep = structure.is_some();
                jobs.push(Box::new(move || {
                    let files = job()?;
                    if keep && let Ok(mut k) = kept.lock() {
                        k.extend(
                            files
                                .iter()
                                .map(|f| (f.path.clone(), std::sync::Arc::from(&f.bytes[..]))),
                        );
                    }
                    Ok(files)
                }));
            }
        }
    }
    // Patching: the pages of the elements that did not change, as they are.
    let again: Vec<&str> = (0..pb.elements.len())
        .filter(|&i| ctx.included[i] && ctx.unchanged(i))
        .map(|i| pb.urls[i].as_str())
        .collect();
    let all_again = ctx.put_again_all(&again);
    drop(again);
    let (element_pages, others) = crate::timings::time("pages", || {
        rayon::join(
            || {
                crate::timings::time("element pages", || {
                    data::search_index(&ctx, |i| {
                        if ctx.unchanged(i) && (all_again || ctx.put_again(&pb.urls[i])?) {
                            // Its search entry is the last build's too (see `data::search_index`).
                            return Ok(String::new());
                        }
                        let (file, text) = pages::element::render(&ctx, i)?;
                        ctx.put(&file)?;
                        Ok(text)
                    })
                })
            },
            || {
                jobs.par_iter()
                    .try_for_each(|job| job()?.iter().try_for_each(|f| ctx.put(f)))
            },
        )
    });
    others?;
    if let (Some((m, key)), None) = (structure, &reused) {
        let files = std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner()));
        m.keep_structure_files(key, files);
    }
    element_pages?;
    for (path, bytes) in &theme.assets {
        ctx.put(&OutFile::new(path.clone(), bytes.to_vec()))?;
    }
    // A playbook's static/ comes last and wins over the theme's files of the same name.
    let mut statics = std::collections::BTreeMap::new();
    crate::theme::read_static(&pb.root.join("static"), &pb.root, &mut statics).map_err(|e| RenderError::Template {
        template: "static/".to_owned(),
        message: e.to_string(),
    })?;
    collisions(&ctx.paths.lock().unwrap_or_else(|e| e.into_inner()), statics.keys())?;
    for (path, bytes) in statics {
        ctx.put(&OutFile::new(path, bytes.into_owned()))?;
    }
    let site = Site {
        files: ctx.files.load(std::sync::atomic::Ordering::Relaxed),
        pages: ctx.pages.load(std::sync::atomic::Ordering::Relaxed),
    };
    drop(jobs);
    let Ctx { refs, ref_keys, .. } = ctx;
    if let Some(m) = memo {
        m.finish(structure_parts.map(|structure| memo::Elements {
            refs,
            ref_keys,
            structure,
        }));
    }
    Ok(site)
}

/// A file of `static/` where the site has a folder (`static/x` beside the
/// pages of network `x`), or under a path the site has as a file: a clear
/// error naming both, rather than the file system's "Is a directory".
fn collisions<'a>(site: &[String], statics: impl Iterator<Item = &'a String>) -> Result<(), RenderError> {
    let files: std::collections::HashSet<&str> = site.iter().map(String::as_str).collect();
    let mut dirs = std::collections::HashSet::new();
    for p in site {
        let mut rest = p.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    for s in statics {
        let clash = if dirs.contains(s.as_str()) {
            Some(format!(
                "the site has a folder `{s}/` (the pages of the elements or network with that id)"
            ))
        } else {
            let mut ancestors = s.match_indices('/').map(|(i, _)| &s[..i]);
            ancestors
                .find(|a| files.contains(a))
                .map(|a| format!("the site has a file `{a}` where this needs a folder"))
        };
        if let Some(why) = clash {
            return Err(RenderError::Static(format!(
                "`static/{s}` cannot be published: {why}; rename it or move it into a folder of its own"
            )));
        }
    }
    Ok(())
}

/// In a session, a digest of everything the overview, the network pages, the
/// matrix, the calendar (page and `.ics`), `404.html` and the data files
/// (`playbook.json`, `graph.svg`, `sitemap.xml`) are made from: every element
/// but its body (its front-matter, page, publication, resolved links and
/// neighbours), the diagnostics, and the bodies of the missions (the network
/// pages show them). An edit of a body leaves it unchanged, so those pages are
/// reused whole. The search index and `print.html` are made apart.
fn structure_key(ctx: &Ctx, global: memo::Key, per_element: &[memo::Key]) -> memo::Key {
    let mut d = memo::Digest::new();
    d.field(&global.to_le_bytes());
    let _ = serde_json::to_writer(&mut d, &ctx.pb.config);
    for k in per_element {
        d.field(&k.to_le_bytes());
    }
    for diag in &ctx.diags.list {
        d.field(format!("{diag:?}").as_bytes());
    }
    d.finish()
}

/// Each element's part of [`structure_key`]; when patching, the last build's
/// (`prior`) for the elements that did not change.
fn structure_parts(ctx: &Ctx, prior: Option<&[memo::Key]>) -> Vec<memo::Key> {
    let pb = ctx.pb;
    (0..pb.elements.len())
        .into_par_iter()
        .map(|i| {
            if let Some(p) = prior
                && ctx.unchanged(i)
            {
                return p[i];
            }
            let e = &pb.elements[i];
            let mut d = memo::Digest::new();
            let _ = serde_json::to_writer(&mut d, e);
            d.field(pb.urls[i].as_bytes())
                .field(&[u8::from(ctx.included[i])])
                .field(&ctx.ref_keys[i].to_le_bytes());
            for list in [&pb.serves[i], &pb.served_by[i], &pb.backlinks[i]] {
                for &j in list.iter() {
                    d.field(&(j as u64).to_le_bytes());
                }
                d.field(b"|");
            }
            for l in &pb.links[i] {
                d.field(l.dest.as_bytes())
                    .field(l.fragment.as_deref().map_or(b"\xff".as_slice(), str::as_bytes))
                    .field(&l.target.map_or(u64::MAX, |t| t as u64).to_le_bytes());
            }
            for h in &pb.scans[i].headings {
                d.field(h.id.as_bytes()).field(h.text.as_bytes());
            }
            if e.step == crate::model::Step::Mission {
                let root = root_of(&pages::network::path("x"));
                let key = body::key(pb, i, body::Target::Page { root: &root }, &ctx.included);
                d.field(&key.to_le_bytes());
            }
            d.finish()
        })
        .collect()
}

/// A short Markdown text (the playbook's description) as HTML, raw HTML escaped.
pub fn markdown_inline(text: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new_ext(text, crate::markdown::options()).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_file_is_kept_whole_by_a_sink_that_does_not_stream() {
        let memory = Memory::default();
        let mut write = |w: &mut dyn std::io::Write| {
            w.write_all(b"one, ")?;
            w.write_all(b"two")
        };
        memory.put_stream("a/b.txt", &mut write).unwrap();
        assert_eq!(memory.0.lock().unwrap()["a/b.txt"], b"one, two");
        let mut fail = |w: &mut dyn std::io::Write| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("no more"))
        };
        let e = memory.put_stream("c.txt", &mut fail).unwrap_err().to_string();
        assert!(e.contains("c.txt") && e.contains("no more"), "{e}");
        assert!(!memory.0.lock().unwrap().contains_key("c.txt"));
    }

    #[test]
    fn a_render_error_comes_back_through_a_streamed_file_as_it_was() {
        let template = RenderError::Template {
            template: "print_item.html".to_owned(),
            message: "boom".to_owned(),
        };
        let carried = crate::write::WriteError::Io("print.html".into(), std::io::Error::other(template));
        match stream_failure(carried) {
            RenderError::Template { template, message } => {
                assert_eq!((&*template, &*message), ("print_item.html", "boom"))
            }
            other => panic!("{other}"),
        }
        // The element page that could not be written, not the file streamed.
        let page = crate::write::WriteError::Io("x/page.html".into(), std::io::ErrorKind::StorageFull.into());
        let carried = crate::write::WriteError::Io(
            "search-index.js".into(),
            std::io::Error::other(RenderError::Write(page)),
        );
        let e = stream_failure(carried).to_string();
        assert!(e.contains("x/page.html") && !e.contains("search-index"), "{e}");
        // The writer's own error: the sink's.
        let disk = crate::write::WriteError::Io("print.html".into(), std::io::ErrorKind::StorageFull.into());
        assert!(
            matches!(stream_failure(disk), RenderError::Write(crate::write::WriteError::Io(p, _)) if p.ends_with("print.html"))
        );
    }

    #[test]
    fn a_static_file_may_not_take_the_place_of_a_folder_or_sit_under_a_file() {
        let site: Vec<String> = ["x/mission.html", "x/tactics/t.html", "index.html"]
            .map(String::from)
            .to_vec();
        let ok = ["logo.png", "x/extra.txt", "img/a/b.png"].map(String::from);
        assert!(collisions(&site, ok.iter()).is_ok());
        for bad in ["x", "x/tactics", "index.html/z"] {
            let one = [bad.to_owned()];
            let e = collisions(&site, one.iter()).unwrap_err().to_string();
            assert!(
                e.contains(&format!("static/{bad}")) && e.contains("cannot be published"),
                "{e}"
            );
        }
    }
}
