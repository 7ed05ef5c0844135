//! `index.html`: each network with its mission, counts and objective progress;
//! the whole MOST tree; a health summary of the warnings.

use super::tree;
use crate::model::Step;
use crate::render::view::with_fields;
use crate::render::{Ctx, OutFile, RenderError};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Default)]
pub struct Counts {
    pub missions: usize,
    pub objectives: usize,
    pub strategies: usize,
    pub tactics: usize,
}

#[derive(Serialize)]
pub struct NetworkSummary {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub page: String,
    /// References.
    pub missions: Vec<tera::Value>,
    pub counts: Counts,
    /// References with their `card`.
    pub objectives: Vec<tera::Value>,
}

#[derive(Serialize)]
pub struct HealthItem {
    pub message: String,
    pub file: String,
    pub line: u32,
    /// The page of the element the file holds, if it is published.
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct HealthRule {
    pub rule: &'static str,
    pub count: usize,
    pub items: Vec<HealthItem>,
}

#[derive(Serialize)]
struct Data {
    /// The elements spanning all networks first (when there are any), then each network.
    networks: Vec<NetworkSummary>,
    counts: Counts,
    statuses: BTreeMap<&'static str, usize>,
    tree: Vec<tera::Value>,
    health: Vec<HealthRule>,
    warnings: usize,
    today: String,
    graph_svg: String,
}

/// Up to this many published elements, the overview shows the graph inline.
pub const GRAPH_INLINE_MAX: usize = 150;

pub fn counts(ctx: &Ctx, keep: &dyn Fn(usize) -> bool) -> Counts {
    let mut c = Counts::default();
    for (i, e) in ctx.pb.elements.iter().enumerate() {
        if !ctx.included[i] || !keep(i) {
            continue;
        }
        match e.step {
            Step::Mission => c.missions += 1,
            Step::Objective => c.objectives += 1,
            Step::Strategy => c.strategies += 1,
            Step::Tactic => c.tactics += 1,
        }
    }
    c
}

/// The summary of one network (`Some(id)`) or of the elements spanning all (`None`).
pub fn summary(ctx: &Ctx, net: Option<&str>) -> NetworkSummary {
    let pb = ctx.pb;
    let on = |i: usize| pb.elements[i].network.as_deref() == net;
    let network = net.and_then(|n| pb.config.network(n));
    let pick = |step: Step| {
        pb.by_step(step)
            .filter(|&i| ctx.included[i] && on(i))
            .collect::<Vec<_>>()
    };
    NetworkSummary {
        id: net.unwrap_or("").to_owned(),
        name: network.map_or_else(|| ctx.t("all_networks"), |n| n.name.clone()),
        url: network.and_then(|n| n.url.clone()),
        page: net.map(super::network::path).unwrap_or_default(),
        missions: ctx.ref_values(&pick(Step::Mission)),
        counts: counts(ctx, &on),
        objectives: pick(Step::Objective)
            .into_iter()
            .map(|i| {
                let card = tera::Value::from_serializable(&ctx.card(&pb.elements[i]));
                with_fields(&ctx.refs[i].value, [("card", card)])
            })
            .collect(),
    }
}

pub fn health(ctx: &Ctx) -> Vec<HealthRule> {
    let by_file: std::collections::HashMap<&str, usize> = ctx
        .pb
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.file.as_str(), i))
        .collect();
    let mut rules: BTreeMap<&'static str, Vec<HealthItem>> = BTreeMap::new();
    for d in &ctx.diags.list {
        let url = by_file
            .get(d.file.as_str())
            .filter(|&&i| ctx.included[i])
            .map(|&i| ctx.pb.urls[i].clone());
        rules.entry(d.rule.name()).or_default().push(HealthItem {
            message: d.message.clone(),
            file: d.file.clone(),
            line: d.pos.line,
            url,
        });
    }
    rules
        .into_iter()
        .map(|(rule, items)| HealthRule {
            rule,
            count: items.len(),
            items,
        })
        .collect()
}

/// `index.html`: handed to the sink as it is rendered, or, in a session, returned (see [`Ctx::structure_page`]).
pub fn render(ctx: &Ctx) -> Result<Vec<OutFile>, RenderError> {
    let pb = ctx.pb;
    let mut statuses = BTreeMap::new();
    for i in pb.by_step(Step::Objective).filter(|&i| ctx.included[i]) {
        if let Some(s) = ctx.status(i) {
            *statuses.entry(s.key()).or_insert(0) += 1;
        }
    }
    let include = |i: usize| ctx.included[i];
    let data = Data {
        networks: std::iter::once(summary(ctx, None))
            .filter(|w| w.counts.missions + w.counts.objectives + w.counts.strategies + w.counts.tactics > 0)
            .chain(pb.config.networks.iter().map(|n| summary(ctx, Some(&n.id))))
            .collect(),
        counts: counts(ctx, &|_| true),
        statuses,
        tree: tree::build(ctx, &|_| true),
        health: health(ctx),
        warnings: ctx.diags.warnings(),
        today: ctx.date(ctx.today),
        // Inline when small enough to read on the page; large trees link to graph.svg.
        graph_svg: if ctx.included.iter().filter(|&&x| x).count() <= GRAPH_INLINE_MAX {
            crate::render::graph::graph_svg(pb, &include, "", pb.config.language)
        } else {
            String::new()
        },
    };
    let page = ctx.structure_page("index.html", "index.html", "index", &pb.config.title, &data)?;
    Ok(page.into_iter().collect())
}
