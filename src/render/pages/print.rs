//! `print.html`: the whole playbook on one page, in MOST order, for printing to PDF.
//!
//! Each element is rendered on its own with `print_item.html` (in parallel,
//! and in a session only when it changed); `print.html` places them.

use crate::model::Step;
use crate::render::body::{Target, print_anchor};
use crate::render::memo::{Digest, Fragment, Html, Key};
use crate::render::view::{Card, ElementRef};
use crate::render::{Ctx, OutFile, RenderError};
use rayon::prelude::*;
use serde::Serialize;

/// One element in the printed playbook: what a reader of paper needs.
#[derive(Serialize)]
struct Item {
    anchor: String,
    #[serde(flatten)]
    r: ElementRef,
    owner: Option<String>,
    tags: Vec<String>,
    card: Card,
    serves: Vec<ElementRef>,
    body_html: Html,
}

#[derive(Serialize)]
struct ItemData<'a> {
    it: &'a Item,
}

/// An element as `print.html` places it: what its table of contents shows,
/// and the element rendered with `print_item.html`.
#[derive(Serialize)]
struct Placed<'a> {
    anchor: String,
    title: &'a str,
    network: Option<&'a str>,
    network_name: Option<&'a str>,
    status: Option<&'static str>,
    status_label: Option<&'a str>,
    html: Fragment,
}

#[derive(Serialize)]
struct Section<'a> {
    step: Step,
    label: String,
    items: Vec<Placed<'a>>,
}

#[derive(Serialize)]
struct Data<'a> {
    sections: Vec<Section<'a>>,
    today: String,
}

fn item(ctx: &Ctx, i: usize, body_html: Html) -> Item {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    Item {
        anchor: print_anchor(&pb.urls[i]),
        r: ctx.element_ref(i),
        owner: e.owner.clone(),
        tags: e.tags.clone(),
        card: ctx.card(e),
        serves: ctx.refs(&pb.serves[i]),
        body_html,
    }
}

/// In a session, the key of element `i`'s piece: a digest of everything
/// [`item`] reads (keep the two in step), taken without building the item.
fn key(ctx: &Ctx, global: Key, i: usize, body: &Html) -> Key {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    let mut d = Digest::new();
    d.field(&global.to_le_bytes())
        .field(b"print_item.html")
        .field(&ctx.ref_keys[i].to_le_bytes())
        .field(&body.key.to_le_bytes());
    let _ = serde_json::to_writer(&mut d, &(&e.owner, &e.tags, ctx.card(e)));
    for &j in &pb.serves[i] {
        if ctx.included[j] {
            d.field(&ctx.ref_keys[j].to_le_bytes());
        }
    }
    d.finish()
}

fn placed<'a>(ctx: &'a Ctx, i: usize) -> Result<Placed<'a>, RenderError> {
    let body = ctx.body(i, Target::Print);
    let make = |body| {
        ctx.render_fragment(
            "print_item.html",
            &ItemData {
                it: &item(ctx, i, body),
            },
        )
    };
    let html = match ctx.memo() {
        Some(m) => {
            let key = key(ctx, m.global(), i, &body);
            Fragment {
                key,
                html: m.page(&format!("print_item.html#{}", ctx.pb.urls[i]), key, || make(body))?,
            }
        }
        None => Fragment {
            key: 0,
            html: make(body)?,
        },
    };
    let r = &ctx.refs[i];
    Ok(Placed {
        anchor: print_anchor(&ctx.pb.urls[i]),
        title: &r.title,
        network: r.network.as_deref(),
        network_name: r.network_name.as_deref(),
        status: r.status,
        status_label: r.status_label.as_deref(),
        html,
    })
}

pub fn render(ctx: &Ctx) -> Result<OutFile, RenderError> {
    let pb = ctx.pb;
    let sections = crate::timings::time("print data", || {
        Step::ALL
            .iter()
            .map(|&step| -> Result<Section, RenderError> {
                let mut idx: Vec<usize> = pb.by_step(step).filter(|&i| ctx.included[i]).collect();
                idx.sort_by(|&a, &b| {
                    let (ea, eb) = (&pb.elements[a], &pb.elements[b]);
                    (ea.network.is_some(), &ea.network, &ea.key).cmp(&(eb.network.is_some(), &eb.network, &eb.key))
                });
                Ok(Section {
                    step,
                    label: ctx.t(&format!("steps_{}", step.name())),
                    items: idx.into_par_iter().map(|i| placed(ctx, i)).collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let data = Data {
        sections,
        today: ctx.date(ctx.today),
    };
    crate::timings::time("print tera", || {
        ctx.page("print.html", "print.html", "print", &pb.config.title, &data)
    })
}
