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

/// The rendered site.
pub struct Site {
    pub files: Vec<OutFile>,
    /// How many HTML pages it has.
    pub pages: usize,
}

#[derive(Debug)]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.message)
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
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        RenderError {
            template: template.to_owned(),
            message,
        }
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

/// Renders the whole site.
pub fn render(
    pb: &Playbook,
    diags: &Diagnostics,
    today: Date,
    theme: &mut Theme,
    opts: &Options,
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
    let ctx = Ctx {
        pb,
        diags,
        today,
        theme,
        included,
    };

    // Element pages are most of the work: in parallel; their plain text feeds the search index.
    let rendered: Vec<Result<(OutFile, String), RenderError>> = (0..pb.elements.len())
        .into_par_iter()
        .filter(|&i| ctx.included[i])
        .map(|i| pages::element::render(&ctx, i))
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + 16);
    let mut texts = vec![String::new(); pb.elements.len()];
    let mut order = (0..pb.elements.len()).filter(|&i| ctx.included[i]);
    for r in rendered {
        let (file, text) = r?;
        if let Some(i) = order.next() {
            texts[i] = text;
        }
        files.push(file);
    }
    let jobs: Vec<Job> = vec![
        Box::new(|| Ok(vec![pages::overview::render(&ctx)?])),
        Box::new(|| pages::network::render_all(&ctx)),
        Box::new(|| Ok(vec![pages::matrix::render(&ctx)?])),
        Box::new(|| pages::calendar::render(&ctx)),
        Box::new(|| Ok(vec![pages::print::render(&ctx)?])),
        Box::new(|| Ok(vec![pages::not_found::render(&ctx)?])),
        Box::new(|| Ok(data::files(&ctx, &texts))),
    ];
    let more: Vec<Result<Vec<OutFile>, RenderError>> = jobs.par_iter().map(|job| job()).collect();
    for r in more {
        files.extend(r?);
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    for (path, bytes) in &theme.assets {
        files.push(OutFile::new(path.clone(), bytes.to_vec()));
    }
    // A playbook's static/ comes last and wins over the theme's files of the same name.
    let mut statics = std::collections::BTreeMap::new();
    crate::theme::read_static(&pb.root.join("static"), &mut statics).map_err(|e| RenderError {
        template: "static/".to_owned(),
        message: e.to_string(),
    })?;
    for (path, bytes) in statics {
        files.push(OutFile::new(path, bytes.into_owned()));
    }
    // Later files replace earlier ones of the same path; the order of the rest is by path.
    let mut seen = std::collections::HashSet::new();
    let mut unique: Vec<OutFile> = files
        .into_iter()
        .rev()
        .filter(|f| seen.insert(f.path.clone()))
        .collect();
    unique.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Site { files: unique, pages })
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
