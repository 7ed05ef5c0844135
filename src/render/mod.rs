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
pub mod pages;
pub mod schedule;
pub mod view;

use crate::diag::Diagnostics;
use crate::resolve::Playbook;
use crate::theme::Theme;
use jiff::civil::Date;
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
}

impl Sink for crate::write::Stage {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), crate::write::WriteError> {
        crate::write::Stage::put(self, path, bytes)
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
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template { template, message } => write!(f, "template `{template}`: {message}"),
            RenderError::Write(e) => e.fmt(f),
        }
    }
}

/// Everything a page needs to render.
pub struct Ctx<'a> {
    pub pb: &'a Playbook,
    pub diags: &'a Diagnostics,
    pub today: Date,
    pub theme: &'a Theme,
    /// Per element: published (not a draft, or drafts asked for).
    pub included: Vec<bool>,
    /// Per element: how lists and trees link to it (built once).
    pub refs: Vec<view::ElementRef>,
    sink: &'a dyn Sink,
    files: std::sync::atomic::AtomicUsize,
    pages: std::sync::atomic::AtomicUsize,
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
        let mut ctx = tera::Context::from_serialize(data).map_err(|e| self.error(template, &e))?;
        ctx.insert("root", &root_of(path));
        let canonical = self.pb.config.base_url.as_ref().map(|b| format!("{b}{path}"));
        ctx.insert(
            "page",
            &PageInfo {
                kind,
                title,
                path,
                canonical,
            },
        );
        let html = self
            .theme
            .tera
            .render(template, &ctx)
            .map_err(|e| self.error(template, &e))?;
        Ok(OutFile::new(path, html))
    }

    fn error(&self, template: &str, e: &tera::Error) -> RenderError {
        RenderError::Template {
            template: template.to_owned(),
            message: crate::theme::tera_message(e),
        }
    }

    /// Hands a file to the sink, counting it.
    pub fn put(&self, file: &OutFile) -> Result<(), RenderError> {
        self.sink.put(&file.path, &file.bytes).map_err(RenderError::Write)?;
        self.files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct NetworkLink {
    id: String,
    name: String,
    url: Option<String>,
    page: String,
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
    let cfg = &pb.config;
    let site = SiteInfo {
        title: &cfg.title,
        description_html: cfg.description.as_deref().map(markdown_inline),
        lang: cfg.language.code(),
        base_url: cfg.base_url.as_deref(),
        networks: cfg
            .networks
            .iter()
            .map(|n| NetworkLink {
                id: n.id.clone(),
                name: n.name.clone(),
                url: n.url.clone(),
                page: pages::network::path(&n.id),
            })
            .collect(),
        extra: &cfg.extra,
        generator: concat!("mostbook ", env!("CARGO_PKG_VERSION")),
    };
    let global = theme.tera.global_context();
    global.insert("site", &site);
    global.insert("t", &theme.strings);
    let theme: &Theme = theme;
    let included: Vec<bool> = pb.elements.iter().map(|e| opts.drafts || !e.draft).collect();
    let mut ctx = Ctx {
        pb,
        diags,
        today,
        theme,
        included,
        refs: Vec::new(),
        sink,
        files: Default::default(),
        pages: Default::default(),
    };
    ctx.refs = (0..pb.elements.len())
        .into_par_iter()
        .map(|i| ctx.make_ref(i))
        .collect();
    let ctx = ctx;

    // Element pages (most of the work) and the other pages, all in parallel,
    // written as they come. The pages' plain text then feeds the search index.
    let jobs: Vec<Job> = vec![
        Box::new(|| crate::timings::time("overview", || Ok(vec![pages::overview::render(&ctx)?]))),
        Box::new(|| crate::timings::time("network pages", || pages::network::render_all(&ctx))),
        Box::new(|| crate::timings::time("matrix", || Ok(vec![pages::matrix::render(&ctx)?]))),
        Box::new(|| crate::timings::time("calendar", || pages::calendar::render(&ctx))),
        Box::new(|| crate::timings::time("print", || Ok(vec![pages::print::render(&ctx)?]))),
        Box::new(|| Ok(vec![pages::not_found::render(&ctx)?])),
        Box::new(|| crate::timings::time("data files", || Ok(data::files(&ctx)))),
    ];
    let (texts, others) = crate::timings::time("pages", || {
        rayon::join(
            || {
                crate::timings::time("element pages", || {
                    (0..pb.elements.len())
                        .into_par_iter()
                        .map(|i| {
                            if !ctx.included[i] {
                                return Ok(String::new());
                            }
                            let (file, text) = pages::element::render(&ctx, i)?;
                            ctx.put(&file)?;
                            Ok(text)
                        })
                        .collect::<Result<Vec<String>, RenderError>>()
                })
            },
            || {
                jobs.par_iter()
                    .try_for_each(|job| job()?.iter().try_for_each(|f| ctx.put(f)))
            },
        )
    });
    others?;
    ctx.put(&data::search_index(&ctx, &texts?))?;
    for (path, bytes) in &theme.assets {
        ctx.put(&OutFile::new(path.clone(), bytes.to_vec()))?;
    }
    // A playbook's static/ comes last and wins over the theme's files of the same name.
    let mut statics = std::collections::BTreeMap::new();
    crate::theme::read_static(&pb.root.join("static"), &mut statics).map_err(|e| RenderError::Template {
        template: "static/".to_owned(),
        message: e.to_string(),
    })?;
    for (path, bytes) in statics {
        ctx.put(&OutFile::new(path, bytes.into_owned()))?;
    }
    Ok(Site {
        files: ctx.files.load(std::sync::atomic::Ordering::Relaxed),
        pages: ctx.pages.load(std::sync::atomic::Ordering::Relaxed),
    })
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
