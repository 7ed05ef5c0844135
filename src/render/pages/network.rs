//! `networks/ID.html`: one network's analysis (its missions), its tree and its week.

use super::overview::{NetworkSummary, summary};
use super::tree;
use crate::markdown::slug::url_path;
use crate::model::Step;
use crate::render::body::Target;
use crate::render::pages::element::{ElementView, view};
use crate::render::{Ctx, OutFile, RenderError, root_of};
use serde::Serialize;

pub fn path(id: &str) -> String {
    format!("networks/{}.html", url_path(id))
}

#[derive(Serialize)]
struct Data {
    network: NetworkSummary,
    /// The network's missions in full: the analysis of step 1.
    analysis: Vec<ElementView>,
    tree: Vec<tera::Value>,
    week: super::calendar::Week,
}

/// The networks' pages: handed to the sink as they are rendered, or, in a
/// session, returned (see [`Ctx::structure_page`]).
pub fn render_all(ctx: &Ctx) -> Result<Vec<OutFile>, RenderError> {
    let mut files = Vec::new();
    for n in &ctx.pb.config.networks {
        files.extend(render(ctx, &n.id)?);
    }
    Ok(files)
}

fn render(ctx: &Ctx, id: &str) -> Result<Option<OutFile>, RenderError> {
    let pb = ctx.pb;
    let p = path(id);
    let root = root_of(&p);
    let on = |i: usize| pb.elements[i].network.as_deref() == Some(id);
    // Elements of the network, and those spanning all networks that lead to one of them.
    let mut relevant: Vec<bool> = (0..pb.elements.len()).map(on).collect();
    for step in [Step::Tactic, Step::Strategy, Step::Objective] {
        for i in pb.by_step(step) {
            if relevant[i] {
                for &j in &pb.serves[i] {
                    if pb.elements[j].network.is_none() {
                        relevant[j] = true;
                    }
                }
            }
        }
    }
    let analysis = pb
        .by_step(Step::Mission)
        .filter(|&i| ctx.included[i] && on(i))
        .map(|i| view(ctx, i, Target::Page { root: &root }).0)
        .collect();
    let data = Data {
        network: summary(ctx, Some(id)),
        analysis,
        tree: tree::build(ctx, &|i| relevant[i]),
        week: super::calendar::week(ctx, &|i| on(i)),
    };
    let title = pb.config.network(id).map_or(id, |n| n.name.as_str());
    ctx.structure_page("network.html", &p, "network", title, &data)
}
