//! Front-matter → [`Element`]: the fields of SPEC §1, step by step.

use super::fields::Reader;
use super::yaml::{Node, Pos};
use crate::diag::{Diagnostic, Rule};
use crate::model::*;

const COMMON: &[&str] = &[
    "step", "title", "id", "network", "serves", "owner", "tags", "draft", "extra",
];
const MISSION: &[&str] = &[
    "audience",
    "audience_active",
    "audience_habits",
    "competitors",
    "partners",
];
const OBJECTIVE: &[&str] = &[
    "category", "metric", "unit", "baseline", "target", "current", "start", "due",
];
const STRATEGY: &[&str] = &["paid", "budget", "currency"];
const TACTIC: &[&str] = &["formats", "schedule"];

pub const CATEGORIES: &[&str] = &[
    "brand",
    "event",
    "sales",
    "leads",
    "traffic",
    "engagement",
    "community",
    "other",
];
pub const HABITS: &[&str] = &["post", "share", "opinion", "sell"];
pub const FORMATS: &[&str] = &[
    "text", "photo", "video", "carousel", "story", "reel", "live", "poll", "article", "link", "event", "other",
];
const SCHEDULE: &[&str] = &["every", "interval", "days", "time", "from", "until"];

fn step_fields(step: Step) -> &'static [&'static str] {
    match step {
        Step::Mission => MISSION,
        Step::Objective => OBJECTIVE,
        Step::Strategy => STRATEGY,
        Step::Tactic => TACTIC,
    }
}

/// What a content file's front-matter says, before resolution.
pub struct Parsed {
    pub element: Option<Element>,
    pub diags: Vec<Diagnostic>,
}

/// Reads one front-matter. `path_id` is the id taken from the file's path;
/// `folder_network` the network of its first folder, if any.
pub fn read(file: &str, yaml: &str, yaml_line: u32, doc: &Node, path_id: &str, folder_network: Option<&str>) -> Parsed {
    let mut r = Reader::new(file, yaml, yaml_line, Rule::InvalidValue);
    let fm_start = Pos::new(yaml_line.saturating_sub(1).max(1), 1);

    // The step decides which fields exist; read it first.
    let entries_all: Vec<(&str, &Node)> = match &doc.value {
        super::yaml::Value::Map(e) => e.iter().filter_map(|(k, v)| k.as_str().map(|k| (k, v))).collect(),
        _ => Vec::new(),
    };
    let step_node = entries_all.iter().find(|(k, _)| *k == "step").map(|(_, v)| *v);
    let step = step_node
        .and_then(|n| r.choice("step", n, Step::NAMES))
        .and_then(|s| Step::from_name(&s));
    let known: Vec<&str> = match step {
        Some(s) => COMMON.iter().chain(step_fields(s)).copied().collect(),
        // Unknown step: accept every step's fields, to report only real typos.
        None => COMMON
            .iter()
            .chain(MISSION)
            .chain(OBJECTIVE)
            .chain(STRATEGY)
            .chain(TACTIC)
            .copied()
            .collect(),
    };
    let other_step_help = |key: &str| -> Option<String> {
        let s = step?;
        if key == "serves" && s == Step::Mission {
            return Some("a mission is the top of the tree and serves nothing: remove `serves`".to_owned());
        }
        Step::ALL
            .iter()
            .find(|o| step_fields(**o).contains(&key))
            .map(|o| format!("`{key}` is a field of {}, and this file is {}", o.a(), s.a()))
    };
    let mut known_for_entries = known.clone();
    if step == Some(Step::Mission) {
        known_for_entries.retain(|k| *k != "serves");
    }
    let entries = r.entries(
        "the front-matter",
        doc,
        &known_for_entries,
        Rule::UnknownField,
        &other_step_help,
    );

    if step_node.is_none() {
        r.report_at(Rule::MissingField, fm_start, "the front-matter has no `step`")
            .help = Some("add `step: mission`, `objective`, `strategy` or `tactic`".to_owned());
    }

    let mut title = None;
    let mut id: Option<(String, Pos)> = None;
    let mut network = None;
    let mut serves = Vec::new();
    let mut serves_present = false;
    let mut owner = None;
    let mut tags = Vec::new();
    let mut draft = false;
    let mut extra = serde_json::Value::Object(Default::default());
    let mut spans = Spans {
        step: step_node.map_or(fm_start, |n| r.pos(n)),
        ..Spans::default()
    };
    let mut mission = Mission::default();
    let mut objective = Objective::default();
    let mut strategy = Strategy::default();
    let mut tactic = Tactic::default();

    for (key, v) in entries {
        match key {
            "step" => {}
            "title" => title = r.string(key, v).filter(|t| !t.trim().is_empty()),
            "id" => {
                if let Some(text) = r.string(key, v) {
                    id = Some((super::nfc(&text).into_owned(), r.pos(v)));
                }
            }
            "network" => {
                network = r.string(key, v);
                spans.network = Some(r.pos(v));
            }
            "serves" => {
                serves_present = !v.is_null();
                serves = r.list(v, |r, n| {
                    r.string("serves", n).map(|text| Reference { text, pos: r.pos(n) })
                });
            }
            "owner" => owner = r.string(key, v),
            "tags" => tags = r.list(v, |r, n| r.string("tags", n)),
            "draft" => draft = r.bool(key, v).unwrap_or(false),
            "extra" => extra = v.to_json(),
            // Mission
            "audience" => mission.audience = r.list(v, |r, n| r.string("audience", n)),
            "audience_active" => mission.audience_active = r.bool(key, v),
            "audience_habits" => mission.audience_habits = r.list(v, |r, n| r.choice("audience_habits", n, HABITS)),
            "competitors" | "partners" => {
                let parties = r.list(v, |r, n| party(r, key, n));
                if key == "competitors" {
                    mission.competitors = parties;
                } else {
                    mission.partners = parties;
                }
            }
            // Objective
            "category" => objective.category = r.choice(key, v, CATEGORIES),
            "metric" => {
                spans.metric = Some(r.pos(v));
                objective.metric = r.string(key, v).filter(|m| !m.trim().is_empty());
            }
            "unit" => objective.unit = r.string(key, v),
            "baseline" => objective.baseline = r.number(key, v),
            "target" => {
                spans.target = Some(r.pos(v));
                // A non-numeric target is a SMART problem (smart-measurable), not a type error.
                objective.target = v.as_f64();
            }
            "current" => objective.current = r.number(key, v),
            "start" => {
                spans.start = Some(r.pos(v));
                objective.start = r.date(key, v);
            }
            "due" => {
                spans.due = Some(r.pos(v));
                objective.due = r.date(key, v);
            }
            // Strategy
            "paid" => strategy.paid = r.bool(key, v),
            "budget" => strategy.budget = r.number(key, v),
            "currency" => strategy.currency = r.string(key, v),
            // Tactic
            "formats" => {
                spans.formats = Some(r.pos(v));
                tactic.formats = r.list(v, |r, n| r.choice("formats", n, FORMATS));
            }
            "schedule" => {
                spans.schedule = Some(r.pos(v));
                tactic.schedule = schedule(&mut r, v, &mut spans);
            }
            _ => {}
        }
    }

    if title.is_none() {
        r.report_at(Rule::MissingField, fm_start, "the front-matter has no `title`")
            .help = Some("add `title: …`, the name shown on every page".to_owned());
    }
    if let Some(s) = step
        && s != Step::Mission
        && !serves_present
    {
        let up = s.up().map_or("", Step::a);
        r.report_at(
            Rule::MissingField,
            fm_start,
            format!(
                "the front-matter has no `serves`: {} must say which {} it serves",
                s.a(),
                s.up().map_or("", Step::name)
            ),
        )
        .help = Some(format!("add `serves: <id of {up}>`"));
    }

    let Some(step) = step else {
        return Parsed {
            element: None,
            diags: r.diags,
        };
    };
    let (id, id_pos) = match id {
        Some((text, pos)) => (text, Some(pos)),
        None => (path_id.to_owned(), None),
    };
    spans.id = id_pos;
    let data = match step {
        Step::Mission => StepData::Mission(mission),
        Step::Objective => StepData::Objective(objective),
        Step::Strategy => StepData::Strategy(strategy),
        Step::Tactic => StepData::Tactic(tactic),
    };
    let element = Element {
        key: id.to_lowercase(),
        title: title.unwrap_or_else(|| id.clone()),
        id,
        file: file.to_owned(),
        step,
        network: network.or_else(|| folder_network.map(str::to_owned)),
        serves,
        owner,
        tags,
        draft,
        extra,
        text: Default::default(),
        body_offset: 0,
        body_line: 1,
        data,
        spans,
    };
    Parsed {
        element: Some(element),
        diags: r.diags,
    }
}

fn party(r: &mut Reader, field: &str, n: &Node) -> Option<Party> {
    if let super::yaml::Value::Map(_) = n.value {
        let mut name = None;
        let mut url = None;
        let mut active = None;
        let what = format!("an entry of `{field}`");
        for (k, v) in r.entries(&what, n, &["name", "url", "active"], Rule::UnknownField, &|_| None) {
            match k {
                "name" => name = r.string(k, v),
                "url" => url = r.web_url("url", v),
                _ => active = r.bool(k, v),
            }
        }
        match name {
            Some(name) => Some(Party::Detailed { name, url, active }),
            None => {
                r.report(Rule::MissingField, n, format!("an entry of `{field}` has no `name`"));
                None
            }
        }
    } else {
        r.string(field, n).map(Party::Name)
    }
}

fn schedule(r: &mut Reader, v: &Node, spans: &mut Spans) -> Option<Schedule> {
    if v.is_null() {
        return None;
    }
    let mut s = Schedule {
        interval: 1,
        ..Schedule::default()
    };
    let mut days_node = None;
    for (k, fv) in r.entries("`schedule`", v, SCHEDULE, Rule::UnknownField, &|_| None) {
        match k {
            "every" => {
                if let Some(e) = r.choice("schedule.every", fv, Every::NAMES) {
                    s.every = match e.as_str() {
                        "day" => Every::Day,
                        "month" => Every::Month,
                        _ => Every::Week,
                    };
                }
            }
            "interval" => match fv.value {
                super::yaml::Value::Int(i) if i >= 1 && i <= i64::from(u16::MAX) => s.interval = i as u32,
                _ => {
                    r.report(Rule::InvalidValue, fv, "`schedule.interval` must be a whole number ≥ 1")
                        .help = Some("e.g. `interval: 2` for every other week".to_owned());
                }
            },
            "days" => {
                days_node = Some(fv);
                s.days = r.list(fv, |r, n| {
                    r.choice("schedule.days", n, &DAY_NAMES)
                        .and_then(|d| DAY_NAMES.iter().position(|x| *x == d))
                        .map(|i| i as u8)
                });
            }
            "time" => s.times = r.list(fv, |r, n| r.time("schedule.time", n)),
            "from" => s.from = r.date("schedule.from", fv),
            "until" => {
                spans.until = Some(r.pos(fv));
                s.until = r.date("schedule.until", fv);
            }
            _ => {}
        }
    }
    if let Some(n) = days_node
        && s.every != Every::Week
        && !s.days.is_empty()
    {
        r.report(Rule::InvalidValue, n, "`schedule.days` only applies to `every: week`")
            .help = Some("remove `days`, or set `every: week`".to_owned());
    }
    s.times.sort();
    s.times.dedup();
    Some(s)
}
