//! Tactics: `no-schedule`, `no-format`.

use crate::diag::{Diagnostic, Rule};
use crate::model::Element;

pub fn check(e: &Element, out: &mut Vec<Diagnostic>) {
    let Some(t) = e.tactic() else { return };
    if t.schedule.is_none() && e.spans.schedule.is_none() {
        out.push(
            Diagnostic::new(Rule::NoSchedule, &e.file, e.spans.step, "this tactic has no `schedule`")
                .width(6)
                .help("say when it runs, e.g. `schedule: { every: week, days: [tue], time: \"18:30\" }`"),
        );
    }
    if t.formats.is_empty() && e.spans.formats.is_none() {
        out.push(
            Diagnostic::new(Rule::NoFormat, &e.file, e.spans.step, "this tactic has no `formats`")
                .width(6)
                .help("say what is published, e.g. `formats: [video, text]`"),
        );
    }
}
