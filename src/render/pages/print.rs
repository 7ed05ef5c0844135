//! `print.html`: the whole playbook on one page, in MOST order, for printing to PDF.

use crate::model::Step;
use crate::render::body::{Target, print_anchor};
use crate::render::pages::element::{ElementView, view};
use crate::render::{Ctx, OutFile, RenderError};
use serde::Serialize;

#[derive(Serialize)]
struct Item {
    anchor: String,
    #[serde(flatten)]
    view: ElementView,
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

pub fn render(ctx: &Ctx) -> Result<OutFile, RenderError> {
    let pb = ctx.pb;
    let sections = Step::ALL
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
                items: idx
                    .into_iter()
                    .map(|i| Item {
                        anchor: print_anchor(&pb.urls[i]),
                        view: view(ctx, i, Target::Print).0,
                    })
                    .collect(),
            }
        })
        .collect();
    ctx.page(
        "print.html",
        "print.html",
        "print",
        &pb.config.title,
        &Data {
            sections,
            today: ctx.date(ctx.today),
        },
    )
}
