//! SMART objectives: `smart-specific`, `smart-measurable`, `smart-achievable`,
//! `smart-realistic`, `smart-time-bound`, `objective-overdue`.

use super::status::reached;
use crate::diag::{Diagnostic, Rule};
use crate::model::Element;
use jiff::civil::Date;

pub fn check(e: &Element, today: Date, out: &mut Vec<Diagnostic>) {
    let Some(o) = e.objective() else { return };
    let at_step = |rule, msg: &str, help: &str| Diagnostic::new(rule, &e.file, e.spans.step, msg).width(9).help(help);

    if e.body().trim().is_empty() {
        out.push(at_step(
            Rule::SmartSpecific,
            "this objective has no description",
            "Specific: say in the body what exactly is to be achieved, for whom and why",
        ));
    }
    if o.metric.is_none() && e.spans.metric.is_none() {
        out.push(at_step(
            Rule::SmartMeasurable,
            "this objective has no `metric`",
            "Measurable: add `metric: <what is counted>` (e.g. `webinar sign-ups`)",
        ));
    } else if o.target.is_none() {
        let d = match e.spans.target {
            Some(pos) => Diagnostic::new(Rule::SmartMeasurable, &e.file, pos, "`target` is not a number"),
            None => Diagnostic::new(
                Rule::SmartMeasurable,
                &e.file,
                e.spans.step,
                "this objective has no numeric `target`",
            )
            .width(9),
        };
        out.push(d.help("Measurable: add `target: <number>` to reach by `due`"));
    }
    if let (Some(b), Some(t), Some(pos)) = (o.baseline, o.target, e.spans.target) {
        let problem = if t == b {
            Some("`target` equals `baseline`: nothing to achieve".to_owned())
        } else if b != 0.0 && ((t / b).abs() > 10.0 || (t / b).abs() < 0.1 || t / b < 0.0) {
            Some(format!("`target` {t} is more than 10× away from `baseline` {b}"))
        } else {
            None
        };
        if let Some(msg) = problem {
            out.push(
                Diagnostic::new(Rule::SmartAchievable, &e.file, pos, msg)
                    .width(crate::diag::value_width(&e.text, pos))
                    .help("Achievable: set a target within reach of the baseline, or split the objective"),
            );
        }
    }
    if e.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
        out.push(at_step(
            Rule::SmartRealistic,
            "this objective has no `owner`",
            "Realistic: name who is accountable with `owner: <name>`, so people and means are checked",
        ));
    }
    if o.due.is_none() && e.spans.due.is_none() {
        out.push(at_step(
            Rule::SmartTimeBound,
            "this objective has no `due` date",
            "Time-bound: add `due: YYYY-MM-DD` (and `start:`)",
        ));
    }
    if let (Some(due), Some(pos), Some(c), Some(t)) = (o.due, e.spans.due, o.current, o.target)
        && due < today
        && !reached(o)
    {
        out.push(
            Diagnostic::new(
                Rule::ObjectiveOverdue,
                &e.file,
                pos,
                format!("this objective was due on {due} and is at {c} of {t}"),
            )
            .width(10)
            .help("update `current`, move `due`, or close the objective"),
        );
    }
}
