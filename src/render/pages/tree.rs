//! The MOST tree: missions, the objectives serving them, and so on down.
//!
//! Each node is an element reference with its `children`, built as Tera values
//! straight away: the tree of a large playbook holds every element, and going
//! through serde again for each node would cost more than the rendering.

use crate::model::Step;
use crate::render::Ctx;
use crate::render::view::with_fields;

/// The tree below each mission; `keep` chooses which elements appear.
pub fn build(ctx: &Ctx, keep: &dyn Fn(usize) -> bool) -> Vec<tera::Value> {
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
    // An element served by several parents appears below each: its subtree is built once.
    let mut done: Vec<Option<tera::Value>> = vec![None; pb.elements.len()];
    missions.into_iter().map(|m| node(ctx, m, keep, &mut done)).collect()
}

fn node(ctx: &Ctx, i: usize, keep: &dyn Fn(usize) -> bool, done: &mut [Option<tera::Value>]) -> tera::Value {
    if let Some(v) = done[i].as_ref() {
        return v.clone();
    }
    let children: Vec<tera::Value> = ctx.pb.served_by[i]
        .iter()
        .copied()
        .filter(|&j| ctx.included[j] && keep(j))
        .map(|j| node(ctx, j, keep, done))
        .collect();
    let v = with_fields(&ctx.refs[i].value, [("children", tera::Value::from(children))]);
    done[i] = Some(v.clone());
    v
}
