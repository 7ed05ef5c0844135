//! `matrix.html`: for each objective, the strategies and tactics serving it,
//! and which objectives have nothing carrying them out.

use crate::model::Step;
use crate::render::view::ElementRef;
use crate::render::{Ctx, OutFile, RenderError};
use serde::Serialize;

#[derive(Serialize)]
struct StrategyRow {
    #[serde(flatten)]
    el: ElementRef,
    tactics: Vec<ElementRef>,
}

#[derive(Serialize)]
struct ObjectiveRow {
    #[serde(flatten)]
    el: ElementRef,
    missions: Vec<ElementRef>,
    strategies: Vec<StrategyRow>,
    /// At least one strategy with at least one tactic.
    carried: bool,
}

#[derive(Serialize)]
struct Group {
    network: Option<String>,
    name: String,
    objectives: Vec<ObjectiveRow>,
}

#[derive(Serialize)]
struct Data {
    groups: Vec<Group>,
    uncarried: Vec<ElementRef>,
}

pub fn render(ctx: &Ctx) -> Result<OutFile, RenderError> {
    let pb = ctx.pb;
    let row = |i: usize| {
        let strategies: Vec<StrategyRow> = pb.served_by[i]
            .iter()
            .copied()
            .filter(|&s| ctx.included[s] && pb.elements[s].step == Step::Strategy)
            .map(|s| StrategyRow {
                el: ctx.element_ref(s),
                tactics: ctx.refs(&pb.served_by[s]),
            })
            .collect();
        let carried = strategies.iter().any(|s| !s.tactics.is_empty());
        ObjectiveRow {
            el: ctx.element_ref(i),
            missions: ctx.refs(&pb.serves[i]),
            strategies,
            carried,
        }
    };
    let mut groups = Vec::new();
    let nets = std::iter::once(None).chain(pb.config.networks.iter().map(|n| Some(n.id.as_str())));
    for net in nets {
        let objectives: Vec<ObjectiveRow> = pb
            .by_step(Step::Objective)
            .filter(|&i| ctx.included[i] && pb.elements[i].network.as_deref() == net)
            .map(row)
            .collect();
        if objectives.is_empty() {
            continue;
        }
        let name = net
            .and_then(|n| pb.config.network(n))
            .map_or_else(|| ctx.t("all_networks"), |n| n.name.clone());
        groups.push(Group {
            network: net.map(str::to_owned),
            name,
            objectives,
        });
    }
    let uncarried = groups
        .iter()
        .flat_map(|g| g.objectives.iter())
        .filter(|o| !o.carried)
        .map(|o| o.el.clone())
        .collect();
    ctx.page(
        "matrix.html",
        "matrix.html",
        "matrix",
        &ctx.t("matrix"),
        &Data { groups, uncarried },
    )
}
