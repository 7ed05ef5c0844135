//! One page per element: body, card, chains to the mission, what serves it, backlinks.

use crate::render::body::{self, Target};
use crate::render::view::{Card, ElementRef};
use crate::render::{Ctx, OutFile, RenderError, root_of};
use serde::Serialize;

#[derive(Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Warning {
    pub rule: &'static str,
    pub message: String,
    pub line: u32,
}

#[derive(Serialize)]
pub struct ElementView {
    #[serde(flatten)]
    pub r: ElementRef,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub file: String,
    pub body_html: String,
    pub toc: Vec<Heading>,
    pub card: Card,
    pub chains: Vec<Vec<ElementRef>>,
    pub serves: Vec<ElementRef>,
    pub served_by: Vec<ElementRef>,
    pub backlinks: Vec<ElementRef>,
    pub warnings: Vec<Warning>,
    pub extra: serde_json::Value,
}

#[derive(Serialize)]
struct Data {
    element: ElementView,
}

/// The element's view, with its body rendered for `target`; also returns the body's plain text.
pub fn view(ctx: &Ctx, i: usize, target: Target) -> (ElementView, String) {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    let b = body::render(pb, i, target, &ctx.included);
    let v = ElementView {
        r: ctx.element_ref(i),
        owner: e.owner.clone(),
        tags: e.tags.clone(),
        file: e.file.clone(),
        body_html: b.html,
        toc: pb.scans[i]
            .headings
            .iter()
            .map(|h| Heading {
                level: h.level,
                id: h.id.clone(),
                text: h.text.clone(),
            })
            .collect(),
        card: ctx.card(e),
        chains: ctx.chains(i, 12),
        serves: ctx.refs(&pb.serves[i]),
        served_by: ctx.refs(&pb.served_by[i]),
        backlinks: ctx.refs(&pb.backlinks[i]),
        warnings: ctx
            .diags
            .list
            .iter()
            .filter(|d| d.file == e.file)
            .map(|d| Warning {
                rule: d.rule.name(),
                message: d.message.clone(),
                line: d.pos.line,
            })
            .collect(),
        extra: e.extra.clone(),
    };
    (v, b.text)
}

pub fn render(ctx: &Ctx, i: usize) -> Result<(OutFile, String), RenderError> {
    let path = &ctx.pb.urls[i];
    let root = root_of(path);
    let (element, text) = view(ctx, i, Target::Page { root: &root });
    let title = element.r.title.clone();
    let file = ctx.page("element.html", path, "element", &title, &Data { element })?;
    Ok((file, text))
}
