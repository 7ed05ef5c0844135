//! `serves`: `unknown-reference`, `ambiguous-reference`, `wrong-level`.

use super::Playbook;
use super::ids::Index;
use crate::diag::{Diagnostic, Rule, did_you_mean_lower};
use crate::model::Step;
use std::collections::HashSet;

pub enum Lookup {
    Found(usize),
    Ambiguous(Vec<usize>),
    Unknown,
    /// Names a file that could not be read: already reported there.
    Excused,
}

/// SPEC's reference resolution: the exact id, else the one id ending in `/` + the reference.
pub fn lookup(index: &Index, unreadable: &HashSet<String>, reference: &str) -> Lookup {
    let key = crate::load::nfc(reference.trim()).to_lowercase();
    if let Some(i) = index.exact(&key) {
        return Lookup::Found(i);
    }
    let ending = index.ending(&key);
    match ending.len() {
        1 => Lookup::Found(ending[0]),
        2.. => Lookup::Ambiguous(ending),
        0 => {
            let suffix = format!("/{key}");
            if unreadable.contains(&key) || unreadable.iter().any(|u| u.ends_with(&suffix)) {
                Lookup::Excused
            } else {
                Lookup::Unknown
            }
        }
    }
}

/// The closest id among `candidates` to a reference, if a did-you-mean is
/// left for it ([`Playbook::take_suggestion`]).
pub fn suggest(pb: &Playbook, reference: &str, candidates: impl Iterator<Item = usize>) -> Option<String> {
    // A renamed folder can break thousands of references at once: each suggestion
    // compares with every candidate, so only the first few get one.
    pb.take_suggestion()
        .then(|| closest(pb, reference, candidates))
        .flatten()
}

/// The closest id among `candidates` to a reference, by its last segment or in full.
pub fn closest(pb: &Playbook, reference: &str, candidates: impl Iterator<Item = usize>) -> Option<String> {
    let candidates: Vec<usize> = candidates.collect();
    let r = crate::load::nfc(reference).to_lowercase();
    let last = |i: usize| pb.elements[i].key.rsplit('/').next().unwrap_or("");
    if let Some(best) = did_you_mean_lower(r.rsplit('/').next().unwrap_or(&r), candidates.iter().map(|&i| last(i))) {
        let hits: Vec<usize> = candidates.iter().copied().filter(|&i| last(i) == best).collect();
        if let [one] = hits.as_slice() {
            let e = &pb.elements[*one];
            // Suggest the short form when it is unique, like the user wrote.
            return Some(if r.contains('/') {
                e.id.clone()
            } else {
                e.id.rsplit('/').next().unwrap_or(&e.id).to_owned()
            });
        }
        return hits.first().map(|&i| pb.elements[i].id.clone());
    }
    did_you_mean_lower(&r, candidates.iter().map(|&i| pb.elements[i].key.as_str()))
        .and_then(|k| candidates.iter().find(|&&i| pb.elements[i].key == k))
        .map(|&i| pb.elements[i].id.clone())
}

pub fn resolve(pb: &mut Playbook, index: &Index, unreadable: &HashSet<String>, out: &mut Vec<Diagnostic>) {
    let mut contested = Vec::new();
    for i in 0..pb.elements.len() {
        let e = &pb.elements[i];
        let Some(up) = e.step.up() else { continue };
        let mut targets = Vec::new();
        for r in &e.serves {
            let width = r.text.chars().count();
            match lookup(index, unreadable, &r.text) {
                Lookup::Excused => {}
                Lookup::Unknown => {
                    // Suggest among what this element may serve: its network's, or all networks'.
                    let net = e.network.as_deref();
                    let compatible = |j: &usize| {
                        net.is_none() || pb.elements[*j].network.is_none() || pb.elements[*j].network.as_deref() == net
                    };
                    let suggestion = suggest(pb, &r.text, pb.by_step(up).filter(compatible))
                        .or_else(|| suggest(pb, &r.text, pb.by_step(up)));
                    // The element the user most likely meant is not also a dead end.
                    if let Some(s) = &suggestion
                        && let Lookup::Found(j) = lookup(index, unreadable, s)
                    {
                        contested.push(j);
                    }
                    let help = suggestion
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("no {up} has this id; `serves` takes the id of {}", up.a())));
                    out.push(
                        Diagnostic::new(
                            Rule::UnknownReference,
                            &e.file,
                            r.pos,
                            format!("`{}` names no element", r.text),
                        )
                        .width(width)
                        .maybe_help(help),
                    );
                }
                Lookup::Ambiguous(cands) => {
                    contested.extend(cands.iter().copied());
                    let mut ids: Vec<&str> = cands.iter().map(|&j| pb.elements[j].id.as_str()).collect();
                    ids.sort_unstable();
                    out.push(
                        Diagnostic::new(
                            Rule::AmbiguousReference,
                            &e.file,
                            r.pos,
                            format!("`{}` matches {} elements", r.text, ids.len()),
                        )
                        .width(width)
                        .help(format!(
                            "write the full id: {}",
                            ids.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                        )),
                    );
                }
                Lookup::Found(j) => {
                    let t = &pb.elements[j];
                    if t.step == up {
                        if !targets.contains(&j) {
                            targets.push(j);
                        }
                        continue;
                    }
                    contested.push(j);
                    out.push(
                        Diagnostic::new(
                            Rule::WrongLevel,
                            &e.file,
                            r.pos,
                            format!("`{}` is {}, but {} serves {}", r.text, t.step.a(), e.step.a(), up.a()),
                        )
                        .width(width)
                        .help(wrong_level_help(pb, e.step, j)),
                    );
                }
            }
        }
        pb.serves[i] = targets;
    }
    for j in contested {
        pb.contested[j] = true;
    }
    for i in 0..pb.elements.len() {
        for k in 0..pb.serves[i].len() {
            let j = pb.serves[i][k];
            pb.served_by[j].push(i);
        }
    }
    let elements = &pb.elements;
    for list in &mut pb.served_by {
        list.sort_by(|&a, &b| elements[a].key.cmp(&elements[b].key));
    }
}

/// How to fix a reference that skips or climbs a level.
fn wrong_level_help(pb: &Playbook, from: Step, target: usize) -> String {
    let up = from.up().expect("only steps below the mission serve");
    let t = &pb.elements[target];
    if t.step < up {
        // Skipped a level: point at something in between that serves the target.
        let between: Vec<String> = pb
            .elements
            .iter()
            .filter(|m| {
                m.step == up
                    && m.serves.iter().any(|r| {
                        r.text.eq_ignore_ascii_case(&t.id) || t.key.ends_with(&format!("/{}", r.text.to_lowercase()))
                    })
            })
            .map(|m| format!("`{}`", m.id))
            .take(5)
            .collect();
        if between.is_empty() {
            format!(
                "the chain is mission → objective → strategy → tactic: serve {} that serves `{}`",
                up.a(),
                t.id
            )
        } else {
            format!(
                "the chain is mission → objective → strategy → tactic: serve one of {}, which serve `{}`",
                between.join(", "),
                t.id
            )
        }
    } else {
        format!(
            "the chain is mission → objective → strategy → tactic: {} serves {}",
            from.a(),
            up.a()
        )
    }
}
