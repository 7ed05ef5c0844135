//! `calendar.ics`: the tactics as recurring iCalendar events (RFC 5545).
//!
//! One `VEVENT` per tactic and time of day, with an `RRULE`; a tactic
//! without a time is an all-day event. Times are local to the playbook's
//! `timezone`, described by a `VTIMEZONE` built from jiff's time zone data
//! (the current daylight-saving rule as a yearly `RRULE`, earlier changes
//! spelled out); a `UTC` playbook writes UTC times and no `VTIMEZONE`.
//!
//! `UID`s depend only on the tactic's id and the time (plus the `base_url`
//! host), so a subscribed calendar updates its events instead of duplicating
//! them; `DTSTAMP` is the build date, so the file is byte-identical for the
//! same input and date.

use super::schedule::{describe, interval, times, week_days, weekday};
use crate::markdown::slug::url_path;
use crate::model::{Every, Language, Schedule, Step};
use crate::resolve::Playbook;
use jiff::civil::{Date, DateTime, Time, date};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::fmt::Write as _;

const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The `calendar.ics` of the tactics that `include` keeps. `today` (the
/// build date) sets `DTSTAMP` and, for schedules without `from`, the week
/// the events start in.
pub fn calendar_ics(pb: &Playbook, include: &dyn Fn(usize) -> bool, today: Date) -> String {
    let mut out = Vec::new();
    // Into memory, in one piece: nothing can fail, and the bytes come from strings.
    let _ = write_ics(pb, include, today, &mut out, usize::MAX);
    String::from_utf8(out).unwrap_or_default()
}

/// How much of a file written as it is made is gathered before it goes to the writer.
const SPILL: usize = 64 << 10;

/// [`calendar_ics`] written to `w` as it is made (it can be bigger than the site's pages).
pub fn write_calendar_ics(
    pb: &Playbook,
    include: &dyn Fn(usize) -> bool,
    today: Date,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_ics(pb, include, today, w, SPILL)
}

/// The calendar, handed to `w` whenever `spill_at` bytes of it are gathered.
fn write_ics(
    pb: &Playbook,
    include: &dyn Fn(usize) -> bool,
    today: Date,
    w: &mut dyn std::io::Write,
    spill_at: usize,
) -> std::io::Result<()> {
    let tz_name = pb.config.timezone.as_str();
    let tz = TimeZone::get(tz_name).unwrap_or(TimeZone::UTC);
    let utc = tz.to_fixed_offset().is_ok_and(|o| o.is_zero());
    let events = events(pb, include, today);

    let mut ics = Ics::default();
    ics.line("BEGIN:VCALENDAR");
    ics.line("VERSION:2.0");
    ics.line("PRODID:-//mostbook//mostbook//EN");
    ics.line("CALSCALE:GREGORIAN");
    ics.prop("X-WR-CALNAME", &text(&pb.config.title));
    ics.prop("NAME", &text(&pb.config.title));
    ics.prop("X-WR-TIMEZONE", &text(tz_name));
    ics.line("REFRESH-INTERVAL;VALUE=DURATION:P1D");
    ics.line("X-PUBLISHED-TTL:P1D");
    if !utc {
        let first = events.iter().map(|e| e.first).min().unwrap_or_else(|| monday(today));
        let last = events
            .iter()
            .flat_map(|e| [Some(e.first), e.schedule.until])
            .flatten()
            .chain([today])
            .max()
            .unwrap_or(today);
        vtimezone(&mut ics, &tz, tz_name, first, last);
    }
    let shared = Shared {
        tz: &tz,
        tz_name,
        utc,
        dtstamp: format!("{}T000000Z", ymd(today)),
        host: pb
            .config
            .base_url
            .as_deref()
            .map_or_else(|| "mostbook".to_owned(), uid_host),
    };
    for ev in &events {
        event(&mut ics, pb, ev, &shared);
        if ics.out.len() >= spill_at {
            w.write_all(ics.out.as_bytes())?;
            ics.out.clear();
        }
    }
    ics.line("END:VCALENDAR");
    w.write_all(ics.out.as_bytes())
}

/// One VEVENT to write.
struct Event<'a> {
    element: usize,
    schedule: &'a Schedule,
    /// The tactic's id, URL-safe.
    key: String,
    time: Option<Time>,
    /// The first occurrence.
    first: Date,
}

fn events<'a>(pb: &'a Playbook, include: &dyn Fn(usize) -> bool, today: Date) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    for (i, e) in pb.elements.iter().enumerate() {
        if e.step != Step::Tactic || !include(i) {
            continue;
        }
        let Some(s) = e.tactic().and_then(|t| t.schedule.as_ref()) else {
            continue;
        };
        let Some(first) = first_date(s, today) else {
            continue;
        };
        let key = url_path(&e.id);
        let times = times(s);
        if times.is_empty() {
            out.push(Event {
                element: i,
                schedule: s,
                key: key.clone(),
                time: None,
                first,
            });
        }
        for t in times {
            out.push(Event {
                element: i,
                schedule: s,
                key: key.clone(),
                time: Some(t),
                first,
            });
        }
    }
    out.sort_by(|a, b| (&a.key, a.time, a.element).cmp(&(&b.key, b.time, b.element)));
    out
}

/// The Monday of the week of `d`.
fn monday(d: Date) -> Date {
    add_days(d, -i64::from(weekday(d))).unwrap_or(d)
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.days()).ok()
}

/// Days since 1970-01-01.
fn day_index(d: Date) -> i64 {
    d.duration_since(date(1970, 1, 1)).as_secs().div_euclid(86_400)
}

/// The first occurrence: on or after `from`, else on or after the Monday of
/// the week of `today`. Without `from`, an interval above 1 is phased on a
/// fixed origin (1970), so that the series stays the same from build to build.
/// `None` when it would fall after `until`.
fn first_date(s: &Schedule, today: Date) -> Option<Date> {
    let n = i64::from(interval(s));
    let phased = s.from.is_none() && n > 1;
    let start = s.from.unwrap_or_else(|| monday(today));
    let first = match s.every {
        Every::Week => {
            let days = week_days(s);
            let mut from = start;
            if phased {
                // Weeks counted from Monday 1970-01-05.
                let week = (day_index(from) - 4).div_euclid(7);
                from = add_days(from, 7 * (-week).rem_euclid(n))?;
            }
            (0..7)
                .filter_map(|k| add_days(from, k))
                .find(|d| days.contains(&weekday(*d)))?
        }
        Every::Day if phased => add_days(start, (-day_index(start)).rem_euclid(n))?,
        Every::Day => start,
        Every::Month => match s.from {
            Some(from) => from,
            None => {
                let mut d = start.first_of_month();
                if d < start {
                    d = d.checked_add(1.month()).ok()?;
                }
                let month = i64::from(d.year()) * 12 + i64::from(d.month()) - 1;
                d.checked_add((month.wrapping_neg().rem_euclid(n)).months()).ok()?
            }
        },
    };
    match s.until {
        Some(until) if first > until => None,
        _ => Some(first),
    }
}

/// What every event of the calendar shares.
struct Shared<'a> {
    tz: &'a TimeZone,
    tz_name: &'a str,
    utc: bool,
    dtstamp: String,
    /// The host part of the `UID`s.
    host: String,
}

fn event(ics: &mut Ics, pb: &Playbook, ev: &Event, shared: &Shared) {
    let Shared {
        tz,
        tz_name,
        utc,
        ref dtstamp,
        ref host,
    } = *shared;
    let e = &pb.elements[ev.element];
    let s = ev.schedule;
    let lang = pb.config.language;
    let base = pb.config.base_url.as_deref();
    let url = &pb.urls[ev.element];
    let network = e
        .network
        .as_deref()
        .map(|id| pb.config.network(id).map_or(id, |n| n.name.as_str()));

    ics.line("BEGIN:VEVENT");
    let when = ev
        .time
        .map_or_else(|| "allday".to_owned(), |t| format!("{:02}{:02}", t.hour(), t.minute()));
    ics.prop("UID", &text(&format!("{}-{when}@{host}", ev.key)));
    ics.prop("DTSTAMP", dtstamp);
    match ev.time {
        None => {
            ics.prop("DTSTART;VALUE=DATE", &ymd(ev.first));
            ics.line("DURATION:P1D");
        }
        Some(t) => {
            let local = local_stamp(ev.first.to_datetime(t));
            if utc {
                ics.prop("DTSTART", &format!("{local}Z"));
            } else {
                ics.prop(&format!("DTSTART;TZID={}", param(tz_name)), &local);
            }
            ics.line("DURATION:PT30M");
        }
    }
    ics.prop("RRULE", &rrule(s, ev.first, ev.time.is_some(), tz));
    let summary = match network {
        Some(net) => format!("{} ({net})", e.title),
        None => e.title.clone(),
    };
    ics.prop("SUMMARY", &text(&summary));

    let mut description = vec![capitalize(&describe(s, lang))];
    if let Some(t) = e.tactic().filter(|t| !t.formats.is_empty()) {
        let names: Vec<&str> = t.formats.iter().map(|f| format_name(f, lang)).collect();
        description.push(format!("{}{}", label(lang, "Formats"), names.join(", ")));
    }
    if let Some(owner) = &e.owner {
        description.push(format!("{}{owner}", label(lang, "Owner")));
    }
    let page = match base {
        Some(base) => format!("{}/{url}", base.trim_end_matches('/')),
        None => url.clone(),
    };
    description.push(page.clone());
    ics.prop("DESCRIPTION", &text(&description.join("\n")));
    if base.is_some() {
        ics.prop("URL", &uri(&page));
    }
    if let Some(net) = network {
        ics.prop("CATEGORIES", &text(net));
    }
    ics.line("TRANSP:TRANSPARENT");
    ics.line("END:VEVENT");
}

/// The recurrence: `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;UNTIL=…`.
/// `UNTIL` is the end of the `until` day, local time, in UTC (a date for
/// all-day events).
fn rrule(s: &Schedule, first: Date, timed: bool, tz: &TimeZone) -> String {
    let n = interval(s);
    let mut r = String::from(match s.every {
        Every::Day => "FREQ=DAILY",
        Every::Week => "FREQ=WEEKLY",
        Every::Month => "FREQ=MONTHLY",
    });
    if n > 1 {
        let _ = write!(r, ";INTERVAL={n}");
    }
    match s.every {
        Every::Day => {}
        Every::Week => {
            let days: Vec<&str> = week_days(s).iter().map(|&d| BYDAY[usize::from(d)]).collect();
            let _ = write!(r, ";BYDAY={}", days.join(","));
            if n > 1 {
                r.push_str(";WKST=MO");
            }
        }
        Every::Month => {
            let _ = write!(r, ";BYMONTHDAY={}", first.day());
        }
    }
    if let Some(until) = s.until {
        r.push_str(";UNTIL=");
        if timed {
            let end = until.to_datetime(Time::new(23, 59, 59, 0).unwrap_or(Time::MAX));
            match tz.to_timestamp(end) {
                Ok(ts) => r.push_str(&utc_stamp(ts)),
                Err(_) => r.push_str(&format!("{}Z", local_stamp(end))),
            }
        } else {
            r.push_str(&ymd(until));
        }
    }
    r
}

/// The `VTIMEZONE` covering events from `first` to `last` (and on, when the
/// zone follows a yearly rule).
fn vtimezone(ics: &mut Ics, tz: &TimeZone, name: &str, first: Date, last: Date) {
    ics.line("BEGIN:VTIMEZONE");
    ics.prop("TZID", &text(name));
    let start = tz
        .to_timestamp(first.to_datetime(Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let end_year = last.year().saturating_add(3);
    let end = Date::new(end_year, 1, 1)
        .ok()
        .and_then(|d| tz.to_timestamp(d.to_datetime(Time::midnight())).ok())
        .unwrap_or(Timestamp::MAX);
    // Forty more years show whether the last changes follow a rule.
    let horizon = Date::new(end_year.saturating_add(40), 1, 1)
        .ok()
        .and_then(|d| tz.to_timestamp(d.to_datetime(Time::midnight())).ok())
        .unwrap_or(Timestamp::MAX);
    let sample = transitions(tz, start, horizon);
    let continues = sample.last().is_some_and(|t| tz.following(t.at).next().is_some());
    let rule = if continues { rule_start(&sample) } else { None };
    match rule {
        Some((s, rules)) if sample[s].at < end => {
            for t in &sample[..s] {
                observance(ics, t, None);
            }
            observance(ics, &sample[s], Some(&rules[0]));
            observance(ics, &sample[s + 1], Some(&rules[1]));
        }
        _ if sample.is_empty() => {
            // A fixed offset: one observance from the epoch on.
            let info = tz.to_offset_info(start);
            let fixed = Change {
                at: Timestamp::UNIX_EPOCH,
                from: info.offset(),
                to: info.offset(),
                dst: info.dst().is_dst(),
                name: info.abbreviation().to_owned(),
                local: date(1970, 1, 1).to_datetime(Time::midnight()),
            };
            observance(ics, &fixed, None);
        }
        _ => {
            for t in sample.iter().filter(|t| t.at < end) {
                observance(ics, t, None);
            }
        }
    }
    ics.line("END:VTIMEZONE");
}

/// A change of offset.
struct Change {
    at: Timestamp,
    from: Offset,
    to: Offset,
    dst: bool,
    name: String,
    /// When it happens, on the clock before it.
    local: DateTime,
}

/// The change in effect at `start`, then every change up to `end`.
/// Transitions that change nothing (the data's own seams, such as the one
/// in 2038 where explicit changes give way to a rule) are left out.
fn transitions(tz: &TimeZone, start: Timestamp, end: Timestamp) -> Vec<Change> {
    let change = |t: jiff::tz::TimeZoneTransition| {
        let before = t
            .timestamp()
            .checked_sub(SignedDuration::from_secs(1))
            .unwrap_or(t.timestamp());
        let was = tz.to_offset_info(before);
        let (dst, name) = (t.dst().is_dst(), t.abbreviation().to_owned());
        if was.offset() == t.offset() && was.dst().is_dst() == dst && was.abbreviation() == name {
            return None;
        }
        Some(Change {
            at: t.timestamp(),
            from: was.offset(),
            to: t.offset(),
            dst,
            name,
            local: was.offset().to_datetime(t.timestamp()),
        })
    };
    let mut out: Vec<Change> = tz.preceding(start).find_map(change).into_iter().collect();
    let after = start.checked_sub(SignedDuration::from_secs(1)).unwrap_or(start);
    out.extend(
        tz.following(after)
            .take_while(|t| t.timestamp() < end)
            .filter_map(change),
    );
    out
}

/// Where the changes start following a yearly rule that alternates two
/// observances to the end of `sample`, and the `BYMONTH…;BYDAY…` of each.
fn rule_start(sample: &[Change]) -> Option<(usize, [String; 2])> {
    let n = sample.len();
    if n < 8 {
        return None;
    }
    let same = |a: &Change, b: &Change| {
        a.dst == b.dst
            && a.from == b.from
            && a.to == b.to
            && a.name == b.name
            && a.local.month() == b.local.month()
            && a.local.weekday() == b.local.weekday()
            && a.local.time() == b.local.time()
            && i32::from(b.local.year()) == i32::from(a.local.year()) + 1
    };
    let mut s = n - 2;
    while s > 0 && same(&sample[s - 1], &sample[s + 1]) {
        s -= 1;
    }
    if n - s < 8 || sample[s].dst == sample[s + 1].dst {
        return None;
    }
    let rules = [yearly(&sample[s..]), yearly(&sample[s + 1..])];
    match rules {
        [Some(a), Some(b)] => Some((s, [a, b])),
        _ => None,
    }
}

/// The yearly rule of every other change from the first: the last, or nth,
/// weekday of the month, or the first weekday on or after a day.
fn yearly(changes: &[Change]) -> Option<String> {
    let dates: Vec<Date> = changes.iter().step_by(2).map(|c| c.local.date()).collect();
    let first = dates.first()?;
    let day = BYDAY[usize::from(weekday(*first))];
    let month = first.month();
    if dates.iter().all(|d| d.day() + 7 > d.days_in_month()) {
        return Some(format!("FREQ=YEARLY;BYMONTH={month};BYDAY=-1{day}"));
    }
    let nth = |d: &Date| (d.day() - 1) / 7 + 1;
    if dates.iter().all(|d| nth(d) == nth(first)) {
        return Some(format!("FREQ=YEARLY;BYMONTH={month};BYDAY={}{day}", nth(first)));
    }
    let min = dates.iter().map(|d| d.day()).min()?;
    let max = dates.iter().map(|d| d.day()).max()?;
    if max - min <= 6 && min + 6 <= 31 {
        let days: Vec<String> = (min..=min + 6).map(|d| d.to_string()).collect();
        return Some(format!(
            "FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={};BYDAY={day}",
            days.join(",")
        ));
    }
    None
}

fn observance(ics: &mut Ics, c: &Change, rrule: Option<&str>) {
    let kind = if c.dst { "DAYLIGHT" } else { "STANDARD" };
    ics.line(&format!("BEGIN:{kind}"));
    ics.prop("DTSTART", &local_stamp(c.local));
    ics.prop("TZOFFSETFROM", &offset(c.from));
    ics.prop("TZOFFSETTO", &offset(c.to));
    if let Some(r) = rrule {
        ics.prop("RRULE", r);
    }
    if !c.name.is_empty() {
        ics.prop("TZNAME", &text(&c.name));
    }
    ics.line(&format!("END:{kind}"));
}

/// `+0100`, `-0930`, `+000921` when there are seconds.
fn offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn local_stamp(dt: DateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        ymd(dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn utc_stamp(ts: Timestamp) -> String {
    format!("{}Z", local_stamp(Offset::UTC.to_datetime(ts)))
}

/// The UID's host part: the base URL without scheme or trailing `/`.
fn uid_host(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    uri(rest.trim_end_matches('/'))
}

/// A URI value: anything that is not printable ASCII percent-encoded.
fn uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() && b != b'"' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A parameter value, quoted when it holds `:`, `;` or `,`.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// A TEXT value (RFC 5545 §3.3.11): `\`, `;`, `,` and newlines escaped,
/// other control characters dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn label(lang: Language, what: &str) -> &'static str {
    match (lang, what) {
        (Language::Fr, "Formats") => "Formats : ",
        (Language::Fr, _) => "Responsable : ",
        (Language::En, "Formats") => "Formats: ",
        (Language::En, _) => "Owner: ",
    }
}

fn format_name(f: &str, lang: Language) -> &str {
    if lang == Language::En {
        return f;
    }
    match f {
        "text" => "texte",
        "video" => "vidéo",
        "carousel" => "carrousel",
        "poll" => "sondage",
        "link" => "lien",
        "event" => "événement",
        "other" => "autre",
        _ => f,
    }
}

/// Content lines, folded at 75 octets and ended with CRLF.
#[derive(Default)]
struct Ics {
    out: String,
    /// Reused for each property's unfolded line.
    scratch: String,
}

impl Ics {
    fn prop(&mut self, name: &str, value: &str) {
        let mut line = std::mem::take(&mut self.scratch);
        line.clear();
        line.push_str(name);
        line.push(':');
        line.push_str(value);
        self.line(&line);
        self.scratch = line;
    }

    fn line(&mut self, line: &str) {
        let mut rest = line;
        let mut limit = 75;
        while rest.len() > limit {
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            self.out.push_str(&rest[..cut]);
            self.out.push_str("\r\n ");
            rest = &rest[cut..];
            limit = 74;
        }
        self.out.push_str(rest);
        self.out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn sched(every: Every, interval: u32, days: &[u8]) -> Schedule {
        Schedule {
            every,
            interval,
            days: days.to_vec(),
            times: Vec::new(),
            from: None,
            until: None,
        }
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a,b;c\\d\ne\r\nf\rg"), "a\\,b\\;c\\\\d\\ne\\nf\\ng");
        assert_eq!(text("<script>alert(1)</script>"), "<script>alert(1)</script>");
        assert_eq!(text("bell\u{7}:ok"), "bell:ok");
    }

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut ics = Ics::default();
        let long = format!("SUMMARY:{}", "é".repeat(100));
        ics.line(&long);
        let lines: Vec<&str> = ics.out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2);
        for (k, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
            assert_eq!(k > 0, l.starts_with(' '));
        }
        let unfolded = ics.out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
        // A short line is left alone.
        let mut ics = Ics::default();
        ics.line(&"x".repeat(75));
        assert_eq!(ics.out, format!("{}\r\n", "x".repeat(75)));
    }

    #[test]
    fn offsets() {
        assert_eq!(offset(Offset::constant(1)), "+0100");
        assert_eq!(offset(Offset::constant(-5)), "-0500");
        assert_eq!(offset(Offset::from_seconds(-(9 * 3600 + 30 * 60)).unwrap()), "-0930");
        assert_eq!(offset(Offset::from_seconds(561).unwrap()), "+000921");
        assert_eq!(offset(Offset::UTC), "+0000");
    }

    #[test]
    fn first_dates() {
        let today = date(2027, 3, 17); // a Wednesday; its week starts on Monday 15th
        let mut s = sched(Every::Week, 1, &[1]);
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 16)));
        s.from = Some(date(2027, 3, 17));
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 23)));
        s.days = vec![1, 3];
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 18)));
        s.until = Some(date(2027, 3, 17));
        assert_eq!(first_date(&s, today), None);
        // No days: the day of `from`, else Monday.
        let mut s = sched(Every::Week, 1, &[]);
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 15)));
        s.from = Some(date(2027, 3, 19));
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 19)));
        // Daily.
        let mut s = sched(Every::Day, 1, &[]);
        assert_eq!(first_date(&s, today), Some(date(2027, 3, 15)));
        s.from = Some(date(2027, 5, 20));
        assert_eq!(first_date(&s, today), Some(date(2027, 5, 20)));
        // Monthly: the day of `from`, else the next first of a month.
        let mut s = sched(Every::Month, 1, &[]);
        assert_eq!(first_date(&s, today), Some(date(2027, 4, 1)));
        assert_eq!(first_date(&s, date(2027, 3, 3)), Some(date(2027, 3, 1)));
        s.from = Some(date(2027, 1, 31));
        assert_eq!(first_date(&s, today), Some(date(2027, 1, 31)));
    }

    #[test]
    fn intervals_without_from_keep_their_phase() {
        // Every other Tuesday: the same Tuesdays whatever the build date.
        let s = sched(Every::Week, 2, &[1]);
        let a = first_date(&s, date(2027, 3, 15)).unwrap();
        let b = first_date(&s, date(2027, 3, 22)).unwrap();
        let c = first_date(&s, date(2027, 3, 29)).unwrap();
        assert_eq!(weekday(a), 1);
        assert_eq!(a.until(b).unwrap().get_days() % 14, 0, "{a} {b}");
        assert_eq!(b, c);
        assert!(a >= date(2027, 3, 15) && a < date(2027, 3, 29));
        let s = sched(Every::Day, 3, &[]);
        let a = first_date(&s, date(2027, 3, 15)).unwrap();
        let b = first_date(&s, date(2027, 3, 22)).unwrap();
        assert_eq!(a.until(b).unwrap().get_days() % 3, 0);
        let s = sched(Every::Month, 2, &[]);
        let a = first_date(&s, date(2027, 3, 15)).unwrap();
        let b = first_date(&s, date(2027, 4, 12)).unwrap();
        assert_eq!(a.day(), 1);
        assert_eq!((i32::from(b.month()) - i32::from(a.month())) % 2, 0);
    }

    #[test]
    fn rrules() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let mut s = sched(Every::Week, 2, &[3, 1]);
        s.until = Some(date(2027, 6, 30));
        assert_eq!(
            rrule(&s, date(2027, 3, 16), true, &paris),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;UNTIL=20270630T215959Z"
        );
        assert_eq!(
            rrule(&s, date(2027, 3, 16), false, &paris),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;UNTIL=20270630"
        );
        s.until = Some(date(2027, 1, 31));
        assert_eq!(
            rrule(&s, date(2027, 1, 5), true, &paris),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;UNTIL=20270131T225959Z"
        );
        assert_eq!(
            rrule(&sched(Every::Day, 1, &[]), date(2027, 1, 5), true, &paris),
            "FREQ=DAILY"
        );
        assert_eq!(
            rrule(&sched(Every::Day, 3, &[]), date(2027, 1, 5), true, &paris),
            "FREQ=DAILY;INTERVAL=3"
        );
        assert_eq!(
            rrule(&sched(Every::Month, 1, &[]), date(2027, 1, 15), true, &paris),
            "FREQ=MONTHLY;BYMONTHDAY=15"
        );
        assert_eq!(
            rrule(&sched(Every::Week, 1, &[]), date(2027, 1, 15), true, &paris),
            "FREQ=WEEKLY;BYDAY=MO"
        );
    }

    fn vtz(name: &str, first: Date, last: Date) -> String {
        let mut ics = Ics::default();
        vtimezone(&mut ics, &TimeZone::get(name).unwrap(), name, first, last);
        ics.out
    }

    #[test]
    fn paris_follows_the_eu_rule() {
        let got = vtz("Europe/Paris", date(2027, 3, 15), date(2027, 6, 30));
        let want = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n\
            BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
            RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZNAME:CET\r\nEND:STANDARD\r\n\
            BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n\
            END:VTIMEZONE\r\n";
        assert_eq!(got, want);
    }

    #[test]
    fn new_york_and_sydney() {
        let ny = vtz("America/New_York", date(2027, 1, 4), date(2027, 1, 4));
        assert!(
            ny.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZNAME:EDT"),
            "{ny}"
        );
        assert!(
            ny.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZNAME:EST"),
            "{ny}"
        );
        assert!(
            ny.contains("DTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"),
            "{ny}"
        );
        let syd = vtz("Australia/Sydney", date(2027, 1, 4), date(2027, 1, 4));
        assert!(
            syd.contains("TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"),
            "{syd}"
        );
        assert!(
            syd.contains("TZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"),
            "{syd}"
        );
        // A window before a rule change spells the old changes out.
        let old = vtz("America/New_York", date(2005, 6, 1), date(2005, 6, 1));
        assert!(old.contains("DTSTART:20051030T020000\r\nTZOFFSETFROM:-0400"), "{old}");
        assert!(old.contains("DTSTART:20060402T020000\r\nTZOFFSETFROM:-0500"), "{old}");
        assert!(old.contains("BYMONTH=3;BYDAY=2SU"), "{old}");
    }

    /// The changes a VTIMEZONE implies between two local dates, expanding
    /// its rules with the `rrule` crate: `20270328T020000 +0100->+0200`.
    fn implied(vtz: &str, from: &str, until: &str) -> Vec<String> {
        let text = vtz.replace("\r\n ", "");
        let mut out = Vec::new();
        for block in text.split("BEGIN:").skip(2) {
            let get = |key: &str| block.split("\r\n").find_map(|l| l.strip_prefix(key));
            let (start, off) = (
                get("DTSTART:").unwrap(),
                format!("{}->{}", get("TZOFFSETFROM:").unwrap(), get("TZOFFSETTO:").unwrap()),
            );
            let starts: Vec<String> = match get("RRULE:") {
                None => vec![start.to_owned()],
                Some(rule) => {
                    let set: rrule::RRuleSet = format!("DTSTART:{start}Z\nRRULE:{rule}").parse().unwrap();
                    set.all(200)
                        .dates
                        .iter()
                        .map(|d| d.format("%Y%m%dT%H%M%S").to_string())
                        .collect()
                }
            };
            out.extend(
                starts
                    .into_iter()
                    .filter(|d| d.as_str() >= from && d.as_str() < until)
                    .map(|d| format!("{d} {off}")),
            );
        }
        out.sort();
        out
    }

    /// What jiff says about the same dates.
    fn actual(tz: &TimeZone, from: Date, until: Date) -> Vec<String> {
        let start = tz.to_timestamp(from.to_datetime(Time::midnight())).unwrap();
        let end = tz.to_timestamp(until.to_datetime(Time::midnight())).unwrap();
        transitions(tz, start, end)
            .iter()
            .filter(|c| c.at >= start)
            .map(|c| format!("{} {}->{}", local_stamp(c.local), offset(c.from), offset(c.to)))
            .collect()
    }

    #[test]
    fn every_zone_comes_out_right() {
        let zones = [
            "Europe/Paris",
            "Europe/London",
            "Europe/Dublin",
            "America/New_York",
            "America/Santiago",
            "America/Sao_Paulo",
            "America/St_Johns",
            "Australia/Sydney",
            "Australia/Lord_Howe",
            "Pacific/Auckland",
            "Pacific/Chatham",
            "Asia/Jerusalem",
            "Asia/Tehran",
            "Asia/Kolkata",
            "Africa/Casablanca",
            "Africa/Cairo",
            "America/Havana",
            "America/Asuncion",
            "Antarctica/Troll",
        ];
        // Chile's rule (first Sunday on or after the 2nd) is found past the 2038 seam.
        let santiago = vtz("America/Santiago", date(2027, 1, 4), date(2027, 1, 4));
        assert!(
            santiago.contains("RRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=SU"),
            "{santiago}"
        );
        assert_eq!(santiago.matches("BEGIN:DAYLIGHT").count(), 1, "{santiago}");
        for name in zones {
            let tz = TimeZone::get(name).unwrap();
            // Events from 2027 to 2028: the VTIMEZONE must be right to 2031.
            let got = implied(&vtz(name, date(2027, 1, 4), date(2028, 6, 30)), "20270104", "20310101");
            let want = actual(&tz, date(2027, 1, 4), date(2031, 1, 1));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn zones_without_daylight_saving() {
        let tokyo = vtz("Asia/Tokyo", date(2027, 1, 4), date(2027, 1, 4));
        assert!(!tokyo.contains("RRULE"), "{tokyo}");
        assert!(!tokyo.contains("DAYLIGHT"), "{tokyo}");
        assert!(tokyo.contains("TZOFFSETTO:+0900"), "{tokyo}");
        let fixed = vtz("Etc/GMT-3", date(2027, 1, 4), date(2027, 1, 4));
        assert!(
            fixed.contains("DTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300"),
            "{fixed}"
        );
    }

    #[test]
    fn stamps() {
        assert_eq!(
            local_stamp(date(2027, 3, 16).to_datetime(time(18, 30, 0, 0))),
            "20270316T183000"
        );
        assert_eq!(
            uid_host("https://lumiere.example/playbook/"),
            "lumiere.example/playbook"
        );
        assert_eq!(uri("https://x.org/a b\"é"), "https://x.org/a%20b%22%C3%A9");
        assert_eq!(param("Europe/Paris"), "Europe/Paris");
        assert_eq!(capitalize("été"), "Été");
    }
}
