//! The MOST tree: missions, the objectives serving them, and so on down.

use crate::model::Step;
use crate::render::Ctx;
use crate::render::view::ElementRef;
use serde::Serialize;

#[derive(Serialize)]
pub struct Node {
    #[serde(flatten)]
    pub el: ElementRef,
    pub children: Vec<Node>,
}

/// The tree below each mission; `keep` chooses which elements appear.
pub fn build(ctx: &Ctx, keep: &dyn Fn(usize) -> bool) -> Vec<Node> {
    let pb = ctx.pb;
    let mut missions: Vec<usize> = pb
        .by_step(Step::Mission)
        .filter(|&i| ctx.included[i] && keep(i))
        .collect();
    // The playbook-wide missions first, then by network and id.
    missions.sort_by(|&a, &b| {
        let (ea, eb) = (&pb.elements[a], &pb.elements[b]);
        (ea.network.is_some(), &ea.network, &ea.key).cmp(&(eb.network.is_some(), &eb.network, &eb.key))
    });
    missions.into_iter().map(|m| node(ctx, m, keep)).collect()
}

fn node(ctx: &Ctx, i: usize, keep: &dyn Fn(usize) -> bool) -> Node {
    let children = ctx.pb.served_by[i]
        .iter()
        .copied()
        .filter(|&j| ctx.included[j] && keep(j))
        .map(|j| node(ctx, j, keep))
        .collect();
    Node {
        el: ctx.element_ref(i),
        children,
    }
}
