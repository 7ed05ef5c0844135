//! `calendar.html` (the publishing week, days × hours, per network) and `calendar.ics`.

use crate::render::schedule::{format_time, monthly, week_slots};
use crate::render::view::with_fields;
use crate::render::{Ctx, OutFile, RenderError};
use serde::Serialize;

#[derive(Serialize)]
pub struct Row {
    /// `None`: tactics without a time.
    pub time: Option<String>,
    /// Seven cells, Monday first, each a list of references.
    pub cells: Vec<Vec<tera::Value>>,
}

#[derive(Serialize)]
pub struct Week {
    pub days: Vec<String>,
    pub rows: Vec<Row>,
    /// References with their `schedule` in words.
    pub monthly: Vec<tera::Value>,
    pub empty: bool,
}

/// The week of the tactics `keep` chooses.
pub fn week(ctx: &Ctx, keep: &dyn Fn(usize) -> bool) -> Week {
    let include = |i: usize| ctx.included[i] && keep(i);
    let lang = ctx.pb.config.language;
    let slots = week_slots(ctx.pb, &include);
    // Each row with the time of its first slot, which places it. Slots whose
    // times read the same (seconds are not shown) share a row.
    let mut rows: Vec<(Option<jiff::civil::Time>, Row)> = Vec::new();
    let mut row_of: std::collections::HashMap<Option<jiff::civil::Time>, usize> = Default::default();
    for s in &slots {
        let k = *row_of.entry(s.time).or_insert_with(|| {
            let time = s.time.map(|t| format_time(t, lang));
            rows.iter().position(|(_, r)| r.time == time).unwrap_or_else(|| {
                rows.push((
                    s.time,
                    Row {
                        time,
                        cells: vec![Vec::new(); 7],
                    },
                ));
                rows.len() - 1
            })
        });
        rows[k].1.cells[usize::from(s.day.min(6))].push(ctx.ref_value(s.element));
    }
    // Timed rows in time order, the untimed row last.
    rows.sort_by_key(|(t, _)| (t.is_none(), *t));
    let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    let monthly: Vec<tera::Value> = monthly(ctx.pb, &include)
        .into_iter()
        .map(|i| {
            let schedule = ctx.pb.elements[i]
                .tactic()
                .and_then(|t| t.schedule.as_ref())
                .map(|s| crate::render::schedule::describe(s, lang))
                .unwrap_or_default();
            with_fields(&ctx.refs[i].value, [("schedule", tera::Value::from(schedule))])
        })
        .collect();
    Week {
        days: crate::model::DAY_NAMES
            .iter()
            .map(|d| ctx.t(&format!("day_{d}")))
            .collect(),
        empty: rows.is_empty() && monthly.is_empty(),
        rows,
        monthly,
    }
}

#[derive(Serialize)]
struct NetworkWeek {
    id: String,
    name: String,
    page: String,
    week: Week,
}

#[derive(Serialize)]
struct Data {
    networks: Vec<NetworkWeek>,
    timezone: String,
    /// The build date's day of the week, 0 = Monday (to mark today's column).
    today_weekday: u8,
}

/// `calendar.html` and `calendar.ics`: handed to the sink as they are made,
/// or, in a session, returned (see [`Ctx::structure_file`]).
pub fn render(ctx: &Ctx) -> Result<Vec<OutFile>, RenderError> {
    let pb = ctx.pb;
    let networks = pb
        .config
        .networks
        .iter()
        .map(|n| NetworkWeek {
            id: n.id.clone(),
            name: n.name.clone(),
            page: super::network::path(&n.id),
            week: week(ctx, &|i| pb.elements[i].network.as_deref() == Some(n.id.as_str())),
        })
        .collect();
    let data = Data {
        networks,
        timezone: pb.config.timezone.clone(),
        today_weekday: crate::render::schedule::weekday(ctx.today),
    };
    let mut files: Vec<OutFile> = ctx
        .structure_page("calendar.html", "calendar.html", "calendar", &ctx.t("calendar"), &data)?
        .into_iter()
        .collect();
    drop(data);
    let include = |i: usize| ctx.included[i];
    files.extend(crate::timings::time("calendar.ics", || {
        ctx.structure_file("calendar.ics", |w| {
            crate::render::ics::write_calendar_ics(pb, &include, ctx.today, w)
        })
    })?);
    Ok(files)
}
