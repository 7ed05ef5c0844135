//! The shape of the tree: `no-mission`, `dead-end`.

use crate::diag::{Diagnostic, Rule};
use crate::model::Step;
use crate::resolve::Playbook;

/// A network with content but no mission to serve (and no playbook-wide one).
pub fn no_mission(pb: &Playbook, out: &mut Vec<Diagnostic>) {
    let wide = pb
        .elements
        .iter()
        .any(|e| e.step == Step::Mission && e.network.is_none());
    if wide {
        return;
    }
    for net in &pb.config.networks {
        let has_content = pb.elements.iter().any(|e| e.network.as_deref() == Some(&net.id));
        let has_mission = pb
            .elements
            .iter()
            .any(|e| e.step == Step::Mission && e.network.as_deref() == Some(&net.id));
        if has_content && !has_mission {
            out.push(
                Diagnostic::new(
                    Rule::NoMission,
                    "playbook.yaml",
                    net.pos,
                    format!("network `{}` has content but no mission", net.id),
                )
                .width(net.id.chars().count())
                .help(format!(
                    "write `content/{}/mission.md` (`step: mission`): why are we on {}?",
                    net.id, net.name
                )),
            );
        }
    }
}

/// A mission without objectives, an objective without strategies, a strategy without tactics.
pub fn dead_end(pb: &Playbook, out: &mut Vec<Diagnostic>) {
    for (i, e) in pb.elements.iter().enumerate() {
        let Some(down) = e.step.down() else { continue };
        if pb.contested[i] || pb.served_by[i].iter().any(|&j| pb.elements[j].step == down) {
            continue;
        }
        let plural = match down {
            Step::Objective => "objectives",
            Step::Strategy => "strategies",
            _ => "tactics",
        };
        out.push(
            Diagnostic::new(
                Rule::DeadEnd,
                &e.file,
                e.spans.step,
                format!("no {down} serves this {}", e.step),
            )
            .width(e.step.name().len())
            .help(format!(
                "{} is carried out by {plural}: add one with `serves: {}`",
                e.step.a(),
                e.id
            )),
        );
    }
}
