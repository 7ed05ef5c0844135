//! Networks: `unknown-network`, `missing-network`, `network-mismatch`.

use super::Playbook;
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::model::Step;

pub fn resolve(pb: &mut Playbook, out: &mut Vec<Diagnostic>) {
    let ids: Vec<String> = pb.config.networks.iter().map(|n| n.id.clone()).collect();
    // Explicit networks must be declared.
    for e in &mut pb.elements {
        let Some(net) = e.network.clone() else { continue };
        if let Some(id) = ids.iter().find(|id| id.eq_ignore_ascii_case(&net)) {
            e.network = Some(id.clone());
            continue;
        }
        let pos = e.spans.network.unwrap_or(e.spans.step);
        let help = did_you_mean(&net, ids.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                format!(
                    "declare it under `networks:` in playbook.yaml, or use one of {}",
                    crate::diag::one_of(&ids.iter().map(String::as_str).collect::<Vec<_>>())
                )
            });
        out.push(
            Diagnostic::new(
                Rule::UnknownNetwork,
                &e.file,
                pos,
                format!("`{net}` is not a network of playbook.yaml"),
            )
            .width(net.chars().count())
            .help(help),
        );
        // Unknown from here on (no mismatch cascades); `spans.network` stays set so it is not inferred either.
        e.network = None;
    }
    // A tactic without a network takes the one its strategies agree on.
    for i in 0..pb.elements.len() {
        let e = &pb.elements[i];
        if e.step != Step::Tactic || e.network.is_some() || e.spans.network.is_some() {
            continue;
        }
        let mut nets: Vec<&str> = pb.serves[i]
            .iter()
            .filter_map(|&j| pb.elements[j].network.as_deref())
            .collect();
        nets.sort_unstable();
        nets.dedup();
        match nets.as_slice() {
            [one] => {
                let one = one.to_string();
                pb.elements[i].network = Some(one);
            }
            _ => {
                // References that did not resolve were reported already.
                if pb.serves[i].len() < e.serves.len() && nets.is_empty() {
                    continue;
                }
                let why = if nets.is_empty() {
                    "and the strategies it serves span all networks".to_owned()
                } else {
                    format!(
                        "and the strategies it serves are on {}",
                        nets.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" and ")
                    )
                };
                out.push(
                    Diagnostic::new(
                        Rule::MissingNetwork,
                        &e.file,
                        e.spans.step,
                        format!("this tactic has no `network` {why}"),
                    )
                    .width(6)
                    .help("add `network: <id>`, or move the file into the network's folder (`content/<network>/…`)"),
                );
            }
        }
    }
    // An element of one network serves only its network or all networks.
    for i in 0..pb.elements.len() {
        let Some(net) = pb.elements[i].network.as_deref() else {
            continue;
        };
        for &j in &pb.serves[i] {
            let Some(other) = pb.elements[j].network.as_deref() else {
                continue;
            };
            if other == net {
                continue;
            }
            let e = &pb.elements[i];
            let t = &pb.elements[j];
            let Some(r) = e.serves.iter().find(|r| {
                let k = r.text.to_lowercase();
                t.key == k || t.key.ends_with(&format!("/{k}"))
            }) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    Rule::NetworkMismatch,
                    &e.file,
                    r.pos,
                    format!("this {} is on `{net}`, but `{}` is on `{other}`", e.step.name(), r.text),
                )
                .width(r.text.chars().count())
                .help(format!(
                    "serve {} of `{net}`, or one that spans all networks (no `network`)",
                    t.step.a()
                )),
            );
        }
    }
}
