//! `matrix.html`: for each objective, the strategies and tactics serving it,
//! and which objectives have nothing carrying them out.

use crate::model::Step;
use crate::render::view::with_fields;
use crate::render::{Ctx, OutFile, RenderError};
use serde::Serialize;

#[derive(Serialize)]
struct Group {
    network: Option<String>,
    name: String,
    /// Each a reference with `missions`, `strategies` (references with their
    /// `tactics`) and `carried` (at least one strategy with at least one tactic).
    objectives: Vec<tera::Value>,
}

#[derive(Serialize)]
struct Data {
    groups: Vec<Group>,
    uncarried: Vec<tera::Value>,
}

/// `matrix.html`: handed to the sink as it is rendered, or, in a session, returned (see [`Ctx::structure_page`]).
pub fn render(ctx: &Ctx) -> Result<Vec<OutFile>, RenderError> {
    let pb = ctx.pb;
    let mut uncarried = Vec::new();
    let mut row = |i: usize| {
        let mut carried = false;
        let strategies: Vec<tera::Value> = pb.served_by[i]
            .iter()
            .copied()
            .filter(|&s| ctx.included[s] && pb.elements[s].step == Step::Strategy)
            .map(|s| {
                let tactics = ctx.ref_values(&pb.served_by[s]);
                carried |= !tactics.is_empty();
                with_fields(&ctx.refs[s].value, [("tactics", tera::Value::from(tactics))])
            })
            .collect();
        if !carried {
            uncarried.push(ctx.ref_value(i));
        }
        with_fields(
            &ctx.refs[i].value,
            [
                ("missions", tera::Value::from(ctx.ref_values(&pb.serves[i]))),
                ("strategies", tera::Value::from(strategies)),
                ("carried", tera::Value::from(carried)),
            ],
        )
    };
    let mut groups = Vec::new();
    let nets = std::iter::once(None).chain(pb.config.networks.iter().map(|n| Some(n.id.as_str())));
    for net in nets {
        let objectives: Vec<tera::Value> = pb
            .by_step(Step::Objective)
            .filter(|&i| ctx.included[i] && pb.elements[i].network.as_deref() == net)
            .map(&mut row)
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
    let page = ctx.structure_page(
        "matrix.html",
        "matrix.html",
        "matrix",
        &ctx.t("matrix"),
        &Data { groups, uncarried },
    )?;
    Ok(page.into_iter().collect())
}
