//! `invalid-dates`: `start` after `due`, `from` after `until`.

use crate::diag::{Diagnostic, Rule};
use crate::model::Element;

pub fn check(e: &Element, out: &mut Vec<Diagnostic>) {
    if let Some(o) = e.objective()
        && let (Some(s), Some(d), Some(pos)) = (o.start, o.due, e.spans.due)
        && s > d
    {
        out.push(
            Diagnostic::new(
                Rule::InvalidDates,
                &e.file,
                pos,
                format!("`due` {d} comes before `start` {s}"),
            )
            .width(10)
            .help("an objective runs from `start` to `due`: swap them or fix one"),
        );
    }
    if let Some(s) = e.tactic().and_then(|t| t.schedule.as_ref())
        && let (Some(f), Some(u), Some(pos)) = (s.from, s.until, e.spans.until)
        && f > u
    {
        out.push(
            Diagnostic::new(
                Rule::InvalidDates,
                &e.file,
                pos,
                format!("`until` {u} comes before `from` {f}"),
            )
            .width(10)
            .help("a schedule runs `from` one date `until` a later one"),
        );
    }
}
