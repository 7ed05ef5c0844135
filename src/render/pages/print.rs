//! `print.html`: the whole playbook on one page, in MOST order, for printing to PDF.

use crate::model::Step;
use crate::render::body::{self, Target, print_anchor};
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
    body_html: String,
}

#[derive(Serialize)]
struct Section {
    step: Step,
    label: String,
    items: Vec<Item>,
}

#[derive(Serialize)]
struct Data {
    sections: Vec<Section>,
    today: String,
}

fn item(ctx: &Ctx, i: usize) -> Item {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    Item {
        anchor: print_anchor(&pb.urls[i]),
        r: ctx.element_ref(i),
        owner: e.owner.clone(),
        tags: e.tags.clone(),
        card: ctx.card(e),
        serves: ctx.refs(&pb.serves[i]),
        body_html: body::render(pb, i, Target::Print, &ctx.included).html,
    }
}

pub fn render(ctx: &Ctx) -> Result<OutFile, RenderError> {
    let pb = ctx.pb;
    let sections = crate::timings::time("print data", || {
        Step::ALL
            .iter()
            .map(|&step| {
                let mut idx: Vec<usize> = pb.by_step(step).filter(|&i| ctx.included[i]).collect();
                idx.sort_by(|&a, &b| {
                    let (ea, eb) = (&pb.elements[a], &pb.elements[b]);
                    (ea.network.is_some(), &ea.network, &ea.key).cmp(&(eb.network.is_some(), &eb.network, &eb.key))
                });
                Section {
                    step,
                    label: ctx.t(&format!("steps_{}", step.name())),
                    items: idx.into_par_iter().map(|i| item(ctx, i)).collect(),
                }
            })
            .collect()
    });
    let data = Data {
        sections,
        today: ctx.date(ctx.today),
    };
    crate::timings::time("print tera", || {
        ctx.page("print.html", "print.html", "print", &pb.config.title, &data)
    })
}
