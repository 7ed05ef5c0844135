//! A tactic's schedule in words and as weekly slots.
//!
//! [`describe`] writes a [`Schedule`] the way a person would say it, in
//! English or French ("every Tuesday at 18:30", "un mardi sur deux à
//! 18 h 30"); [`format_date`] and [`format_time`] are the pieces it is made
//! of. [`week_slots`] lays the tactics out on a typical week (the
//! `calendar.html` grid) and [`monthly`] lists those that do not fit one.

use crate::model::{Every, Language, Schedule, Step};
use crate::resolve::Playbook;
use jiff::civil::{Date, Time};

const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const FR_DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The name of a day (0 = Monday): "Tuesday", "mardi".
pub fn day_name(day: u8, lang: Language) -> &'static str {
    let d = usize::from(day % 7);
    match lang {
        Language::En => EN_DAYS[d],
        Language::Fr => FR_DAYS[d],
    }
}

/// "March 15, 2027" / "15 mars 2027" ("1er mars 2027" on the first).
pub fn format_date(d: Date, lang: Language) -> String {
    match lang {
        Language::En => format!("{}, {}", month_day(d, lang), d.year()),
        Language::Fr => format!("{} {}", month_day(d, lang), d.year()),
    }
}

/// "18:30" / "18 h 30" ("9 h" on the hour).
pub fn format_time(t: Time, lang: Language) -> String {
    match lang {
        Language::En => format!("{:02}:{:02}", t.hour(), t.minute()),
        Language::Fr if t.minute() == 0 => format!("{} h", t.hour()),
        Language::Fr => format!("{} h {:02}", t.hour(), t.minute()),
    }
}

/// A day and month without the year: "March 1" / "1er mars".
fn month_day(d: Date, lang: Language) -> String {
    let m = usize::try_from(d.month() - 1).unwrap_or(0);
    match lang {
        Language::En => format!("{} {}", EN_MONTHS[m], d.day()),
        Language::Fr => format!("{} {}", fr_day_number(d.day()), FR_MONTHS[m]),
    }
}

/// "1er", "2", "15".
fn fr_day_number(day: i8) -> String {
    if day == 1 { "1er".to_owned() } else { day.to_string() }
}

/// "1st", "2nd", "3rd", "11th", "22nd".
fn en_ordinal(n: i8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "a", "a and b", "a, b and c" / "a, b et c".
fn join(items: &[String], lang: Language) -> String {
    let and = match lang {
        Language::En => " and ",
        Language::Fr => " et ",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
    }
}

/// The interval, at least 1.
pub fn interval(s: &Schedule) -> u32 {
    s.interval.max(1)
}

/// The times of day, in order, without repeats.
pub fn times(s: &Schedule) -> Vec<Time> {
    let mut t = s.times.clone();
    t.sort();
    t.dedup();
    t
}

/// The days (0 = Monday) a tactic occupies in a typical week: the `days` of a
/// weekly schedule, sorted (or the day of `from` when it has none, else
/// Monday); every day for a daily one; none for a monthly one.
pub fn week_days(s: &Schedule) -> Vec<u8> {
    let days: Vec<u8> = match s.every {
        Every::Day => (0..7).collect(),
        Every::Month => Vec::new(),
        Every::Week => {
            let mut days: Vec<u8> = s.days.iter().copied().filter(|d| *d < 7).collect();
            days.sort_unstable();
            days.dedup();
            if days.is_empty() {
                days.push(s.from.map_or(0, weekday));
            }
            days
        }
    };
    // A schedule running less than a week (a one-day event) keeps only the days it covers.
    match (s.from, s.until) {
        (Some(from), Some(until)) if until >= from && (until - from).get_days() < 6 => {
            let covered: Vec<u8> = (0..=(until - from).get_days())
                .filter_map(|k| from.checked_add(jiff::Span::new().days(k)).ok())
                .map(weekday)
                .collect();
            days.into_iter().filter(|d| covered.contains(d)).collect()
        }
        _ => days,
    }
}

/// The day of the week of a date, 0 = Monday.
pub fn weekday(d: Date) -> u8 {
    u8::try_from(d.weekday().to_monday_zero_offset()).unwrap_or(0)
}

/// The schedule in words, starting lowercase: "every Tuesday and Thursday at
/// 08:30 and 12:15", "un mardi sur deux à 18 h 30, du 1er mars au 30 juin 2027".
pub fn describe(s: &Schedule, lang: Language) -> String {
    let n = interval(s);
    let mut out = match s.every {
        Every::Day => every_n(n, Unit::Day, lang),
        Every::Week => weekly(s, n, lang),
        Every::Month => monthly_words(s, n, lang),
    };
    let times = times(s);
    if !times.is_empty() {
        let list: Vec<String> = times.iter().map(|t| format_time(*t, lang)).collect();
        out.push_str(match lang {
            Language::En => " at ",
            Language::Fr => " à ",
        });
        out.push_str(&join(&list, lang));
    }
    if let Some(range) = range(s.from, s.until, lang) {
        out.push_str(", ");
        out.push_str(&range);
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Day,
    Week,
    Month,
}

/// "every day" / "every other week" / "every 3 months"; "tous les jours",
/// "toutes les deux semaines", "tous les 3 mois".
fn every_n(n: u32, unit: Unit, lang: Language) -> String {
    match lang {
        Language::En => {
            let (one, many) = match unit {
                Unit::Day => ("day", "days"),
                Unit::Week => ("week", "weeks"),
                Unit::Month => ("month", "months"),
            };
            match n {
                1 => format!("every {one}"),
                2 => format!("every other {one}"),
                _ => format!("every {n} {many}"),
            }
        }
        Language::Fr => {
            let (all, many) = match unit {
                Unit::Day => ("tous les", "jours"),
                Unit::Week => ("toutes les", "semaines"),
                Unit::Month => ("tous les", "mois"),
            };
            match n {
                1 => format!("{all} {}", if unit == Unit::Week { "semaines" } else { many }),
                2 => format!("{all} deux {many}"),
                _ => format!("{all} {n} {many}"),
            }
        }
    }
}

/// French "un … sur N" for small N: "un mardi sur deux".
fn fr_one_in(n: u32) -> Option<&'static str> {
    match n {
        2 => Some("deux"),
        3 => Some("trois"),
        4 => Some("quatre"),
        _ => None,
    }
}

fn weekly(s: &Schedule, n: u32, lang: Language) -> String {
    let mut days: Vec<u8> = s.days.iter().copied().filter(|d| *d < 7).collect();
    days.sort_unstable();
    days.dedup();
    let fr = lang == Language::Fr;
    if days.is_empty() {
        return match (lang, n) {
            (Language::En, 1) => "once a week".to_owned(),
            (Language::En, 2) => "once every two weeks".to_owned(),
            (Language::En, _) => format!("once every {n} weeks"),
            (Language::Fr, 1) => "une fois par semaine".to_owned(),
            (Language::Fr, _) => format!("une fois {}", every_n(n, Unit::Week, lang)),
        };
    }
    // Every day of the week, or Monday to Friday: said as such.
    let whole = match days.as_slice() {
        [0, 1, 2, 3, 4, 5, 6] => Some(if fr { "tous les jours" } else { "every day" }),
        [0, 1, 2, 3, 4] => Some(if fr { "du lundi au vendredi" } else { "every weekday" }),
        _ => None,
    };
    if let Some(whole) = whole {
        return match (n, lang) {
            (1, _) => whole.to_owned(),
            (_, Language::En) => format!("{whole}, {}", every_n(n, Unit::Week, lang)),
            (_, Language::Fr) => match fr_one_in(n) {
                Some(word) => format!("{whole}, une semaine sur {word}"),
                None => format!("{whole}, {}", every_n(n, Unit::Week, lang)),
            },
        };
    }
    match lang {
        Language::En => {
            let names: Vec<String> = days.iter().map(|d| day_name(*d, lang).to_owned()).collect();
            match (n, days.len()) {
                (1, _) => format!("every {}", join(&names, lang)),
                (2, 1) => format!("every other {}", names[0]),
                _ => format!("{} on {}", every_n(n, Unit::Week, lang), join(&names, lang)),
            }
        }
        Language::Fr => {
            if n == 1 {
                let names: Vec<String> = days.iter().map(|d| format!("{}s", day_name(*d, lang))).collect();
                return format!("tous les {}", join(&names, lang));
            }
            if let ([day], Some(word)) = (days.as_slice(), fr_one_in(n)) {
                return format!("un {} sur {word}", day_name(*day, lang));
            }
            let names: Vec<String> = days.iter().map(|d| format!("le {}", day_name(*d, lang))).collect();
            format!("{}, {}", every_n(n, Unit::Week, lang), join(&names, lang))
        }
    }
}

fn monthly_words(s: &Schedule, n: u32, lang: Language) -> String {
    let Some(from) = s.from else {
        return every_n(n, Unit::Month, lang);
    };
    match lang {
        Language::En => format!("{} on the {}", every_n(n, Unit::Month, lang), en_ordinal(from.day())),
        Language::Fr if n == 1 => format!("le {} de chaque mois", fr_day_number(from.day())),
        Language::Fr => format!("le {}, {}", fr_day_number(from.day()), every_n(n, Unit::Month, lang)),
    }
}

/// "from March 1 to June 30, 2027", "starting March 1, 2027", "until June 30, 2027";
/// "du 1er mars au 30 juin 2027", "à partir du 1er mars 2027", "jusqu'au 30 juin 2027".
fn range(from: Option<Date>, until: Option<Date>, lang: Language) -> Option<String> {
    let fr = lang == Language::Fr;
    Some(match (from, until) {
        (None, None) => return None,
        (Some(f), None) => {
            if fr {
                format!("à partir du {}", format_date(f, lang))
            } else {
                format!("starting {}", format_date(f, lang))
            }
        }
        (None, Some(u)) => {
            if fr {
                format!("jusqu'au {}", format_date(u, lang))
            } else {
                format!("until {}", format_date(u, lang))
            }
        }
        (Some(f), Some(u)) if f == u => {
            if fr {
                format!("le {}", format_date(f, lang))
            } else {
                format!("on {}", format_date(f, lang))
            }
        }
        (Some(f), Some(u)) => {
            let start = if f.year() != u.year() {
                format_date(f, lang)
            } else if f.month() == u.month() && fr {
                fr_day_number(f.day())
            } else {
                month_day(f, lang)
            };
            let end = if f.year() == u.year() && f.month() == u.month() && !fr {
                format!("{}, {}", u.day(), u.year())
            } else {
                format_date(u, lang)
            };
            if fr {
                format!("du {start} au {end}")
            } else {
                format!("from {start} to {end}")
            }
        }
    })
}

/// One tactic at one time on one day of the publishing week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// 0 = Monday … 6 = Sunday.
    pub day: u8,
    /// `None`: the tactic has no time (all day).
    pub time: Option<Time>,
    /// The tactic, an index into `pb.elements`.
    pub element: usize,
}

/// The scheduled tactics that `include` keeps, with their schedule.
fn scheduled<'a>(
    pb: &'a Playbook,
    include: &'a dyn Fn(usize) -> bool,
) -> impl Iterator<Item = (usize, &'a Schedule)> + 'a {
    pb.elements.iter().enumerate().filter_map(move |(i, e)| {
        if e.step != Step::Tactic || !include(i) {
            return None;
        }
        e.tactic()?.schedule.as_ref().map(|s| (i, s))
    })
}

/// A typical week: one slot per tactic × day × time, for weekly and daily
/// tactics (monthly ones are in [`monthly`]); a tactic without time has one
/// slot per day with `time: None`. Sorted by day, time (all-day first), then
/// element id.
pub fn week_slots(pb: &Playbook, include: &dyn Fn(usize) -> bool) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (i, s) in scheduled(pb, include) {
        let times: Vec<Option<Time>> = match times(s) {
            t if t.is_empty() => vec![None],
            t => t.into_iter().map(Some).collect(),
        };
        for day in week_days(s) {
            for &time in &times {
                slots.push(Slot { day, time, element: i });
            }
        }
    }
    slots.sort_by(|a, b| {
        (a.day, a.time, &pb.elements[a.element].key, a.element).cmp(&(
            b.day,
            b.time,
            &pb.elements[b.element].key,
            b.element,
        ))
    });
    slots
}

/// The monthly tactics that `include` keeps (not in the week grid), sorted by id.
pub fn monthly(pb: &Playbook, include: &dyn Fn(usize) -> bool) -> Vec<usize> {
    let mut out: Vec<usize> = scheduled(pb, include)
        .filter(|(_, s)| s.every == Every::Month)
        .map(|(i, _)| i)
        .collect();
    out.sort_by(|&a, &b| (&pb.elements[a].key, a).cmp(&(&pb.elements[b].key, b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn sched(every: Every, interval: u32, days: &[u8], times: &[(i8, i8)]) -> Schedule {
        Schedule {
            every,
            interval,
            days: days.to_vec(),
            times: times.iter().map(|&(h, m)| time(h, m, 0, 0)).collect(),
            from: None,
            until: None,
        }
    }

    fn fr(s: &Schedule) -> String {
        describe(s, Language::Fr)
    }

    fn en(s: &Schedule) -> String {
        describe(s, Language::En)
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(format_date(date(2027, 3, 15), Language::Fr), "15 mars 2027");
        assert_eq!(format_date(date(2027, 3, 1), Language::Fr), "1er mars 2027");
        assert_eq!(format_date(date(2027, 8, 2), Language::Fr), "2 août 2027");
        assert_eq!(format_date(date(2027, 3, 15), Language::En), "March 15, 2027");
        assert_eq!(format_date(date(2027, 12, 1), Language::En), "December 1, 2027");
        assert_eq!(format_time(time(18, 30, 0, 0), Language::Fr), "18 h 30");
        assert_eq!(format_time(time(9, 0, 0, 0), Language::Fr), "9 h");
        assert_eq!(format_time(time(9, 5, 0, 0), Language::Fr), "9 h 05");
        assert_eq!(format_time(time(0, 0, 0, 0), Language::Fr), "0 h");
        assert_eq!(format_time(time(18, 30, 0, 0), Language::En), "18:30");
        assert_eq!(format_time(time(8, 5, 0, 0), Language::En), "08:05");
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|&n| en_ordinal(n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"
            ]
        );
    }

    #[test]
    fn weekly_french() {
        assert_eq!(
            fr(&sched(Every::Week, 1, &[1], &[(18, 30)])),
            "tous les mardis à 18 h 30"
        );
        assert_eq!(
            fr(&sched(Every::Week, 1, &[3, 1], &[(12, 15), (8, 30)])),
            "tous les mardis et jeudis à 8 h 30 et 12 h 15"
        );
        assert_eq!(
            fr(&sched(Every::Week, 1, &[0, 2, 4], &[(9, 0)])),
            "tous les lundis, mercredis et vendredis à 9 h"
        );
        assert_eq!(fr(&sched(Every::Week, 1, &[6], &[])), "tous les dimanches");
        assert_eq!(
            fr(&sched(Every::Week, 2, &[1], &[(18, 30)])),
            "un mardi sur deux à 18 h 30"
        );
        assert_eq!(fr(&sched(Every::Week, 3, &[4], &[])), "un vendredi sur trois");
        assert_eq!(
            fr(&sched(Every::Week, 6, &[4], &[])),
            "toutes les 6 semaines, le vendredi"
        );
        assert_eq!(
            fr(&sched(Every::Week, 2, &[1, 3], &[(18, 30)])),
            "toutes les deux semaines, le mardi et le jeudi à 18 h 30"
        );
        assert_eq!(fr(&sched(Every::Week, 1, &[], &[])), "une fois par semaine");
        assert_eq!(
            fr(&sched(Every::Week, 2, &[], &[])),
            "une fois toutes les deux semaines"
        );
        assert_eq!(fr(&sched(Every::Week, 3, &[], &[])), "une fois toutes les 3 semaines");
        assert_eq!(
            fr(&sched(Every::Week, 1, &[0, 1, 2, 3, 4], &[(9, 0)])),
            "du lundi au vendredi à 9 h"
        );
        assert_eq!(
            fr(&sched(Every::Week, 2, &[4, 3, 2, 1, 0], &[])),
            "du lundi au vendredi, une semaine sur deux"
        );
        assert_eq!(
            fr(&sched(Every::Week, 1, &[0, 1, 2, 3, 4, 5, 6], &[(9, 0)])),
            "tous les jours à 9 h"
        );
        // Repeated days and times are said once.
        assert_eq!(
            fr(&sched(Every::Week, 1, &[1, 1], &[(9, 0), (9, 0)])),
            "tous les mardis à 9 h"
        );
        // A zero interval reads as 1.
        assert_eq!(fr(&sched(Every::Week, 0, &[1], &[])), "tous les mardis");
    }

    #[test]
    fn weekly_english() {
        assert_eq!(en(&sched(Every::Week, 1, &[1], &[(18, 30)])), "every Tuesday at 18:30");
        assert_eq!(
            en(&sched(Every::Week, 1, &[1, 3], &[(8, 30), (12, 15)])),
            "every Tuesday and Thursday at 08:30 and 12:15"
        );
        assert_eq!(
            en(&sched(Every::Week, 1, &[0, 2, 4], &[(9, 0), (12, 0), (18, 0)])),
            "every Monday, Wednesday and Friday at 09:00, 12:00 and 18:00"
        );
        assert_eq!(en(&sched(Every::Week, 2, &[1], &[])), "every other Tuesday");
        assert_eq!(
            en(&sched(Every::Week, 2, &[1, 3], &[(18, 30)])),
            "every other week on Tuesday and Thursday at 18:30"
        );
        assert_eq!(en(&sched(Every::Week, 3, &[1], &[])), "every 3 weeks on Tuesday");
        assert_eq!(en(&sched(Every::Week, 1, &[], &[])), "once a week");
        assert_eq!(en(&sched(Every::Week, 2, &[], &[])), "once every two weeks");
        assert_eq!(en(&sched(Every::Week, 4, &[], &[])), "once every 4 weeks");
        assert_eq!(en(&sched(Every::Week, 1, &[0, 1, 2, 3, 4], &[])), "every weekday");
        assert_eq!(
            en(&sched(Every::Week, 2, &[0, 1, 2, 3, 4], &[])),
            "every weekday, every other week"
        );
        assert_eq!(en(&sched(Every::Week, 1, &[6, 5, 4, 3, 2, 1, 0], &[])), "every day");
    }

    #[test]
    fn daily() {
        assert_eq!(fr(&sched(Every::Day, 1, &[], &[(9, 0)])), "tous les jours à 9 h");
        assert_eq!(fr(&sched(Every::Day, 2, &[], &[(9, 0)])), "tous les deux jours à 9 h");
        assert_eq!(fr(&sched(Every::Day, 3, &[], &[(9, 0)])), "tous les 3 jours à 9 h");
        assert_eq!(en(&sched(Every::Day, 1, &[], &[(9, 0)])), "every day at 09:00");
        assert_eq!(en(&sched(Every::Day, 2, &[], &[])), "every other day");
        assert_eq!(en(&sched(Every::Day, 3, &[], &[])), "every 3 days");
    }

    #[test]
    fn monthly_words() {
        let mut s = sched(Every::Month, 1, &[], &[]);
        assert_eq!(fr(&s), "tous les mois");
        assert_eq!(en(&s), "every month");
        s.interval = 2;
        assert_eq!(fr(&s), "tous les deux mois");
        assert_eq!(en(&s), "every other month");
        s.interval = 3;
        assert_eq!(fr(&s), "tous les 3 mois");
        assert_eq!(en(&s), "every 3 months");
        s.interval = 1;
        s.from = Some(date(2027, 3, 15));
        assert_eq!(fr(&s), "le 15 de chaque mois, à partir du 15 mars 2027");
        assert_eq!(en(&s), "every month on the 15th, starting March 15, 2027");
        s.from = Some(date(2027, 4, 1));
        s.times = vec![time(10, 0, 0, 0)];
        assert_eq!(fr(&s), "le 1er de chaque mois à 10 h, à partir du 1er avril 2027");
        assert_eq!(en(&s), "every month on the 1st at 10:00, starting April 1, 2027");
        s.interval = 2;
        assert_eq!(fr(&s), "le 1er, tous les deux mois à 10 h, à partir du 1er avril 2027");
        assert_eq!(en(&s), "every other month on the 1st at 10:00, starting April 1, 2027");
    }

    #[test]
    fn ranges() {
        let mut s = sched(Every::Week, 1, &[1], &[(18, 30)]);
        s.from = Some(date(2027, 3, 1));
        s.until = Some(date(2027, 6, 30));
        assert_eq!(fr(&s), "tous les mardis à 18 h 30, du 1er mars au 30 juin 2027");
        assert_eq!(en(&s), "every Tuesday at 18:30, from March 1 to June 30, 2027");
        s.until = None;
        assert_eq!(fr(&s), "tous les mardis à 18 h 30, à partir du 1er mars 2027");
        assert_eq!(en(&s), "every Tuesday at 18:30, starting March 1, 2027");
        s.from = None;
        s.until = Some(date(2027, 6, 30));
        assert_eq!(fr(&s), "tous les mardis à 18 h 30, jusqu'au 30 juin 2027");
        assert_eq!(en(&s), "every Tuesday at 18:30, until June 30, 2027");
        s.from = Some(date(2026, 12, 1));
        assert_eq!(
            fr(&s),
            "tous les mardis à 18 h 30, du 1er décembre 2026 au 30 juin 2027"
        );
        assert_eq!(en(&s), "every Tuesday at 18:30, from December 1, 2026 to June 30, 2027");
        s.from = Some(date(2027, 6, 1));
        assert_eq!(fr(&s), "tous les mardis à 18 h 30, du 1er au 30 juin 2027");
        assert_eq!(en(&s), "every Tuesday at 18:30, from June 1 to 30, 2027");
        s.from = Some(date(2027, 6, 30));
        assert_eq!(fr(&s), "tous les mardis à 18 h 30, le 30 juin 2027");
        assert_eq!(en(&s), "every Tuesday at 18:30, on June 30, 2027");
    }

    #[test]
    fn typical_week_days() {
        let mut s = sched(Every::Week, 1, &[3, 1, 3, 9], &[]);
        assert_eq!(week_days(&s), [1, 3]);
        s.days.clear();
        assert_eq!(week_days(&s), [0]);
        s.from = Some(date(2027, 3, 19)); // a Friday
        assert_eq!(week_days(&s), [4]);
        s.every = Every::Day;
        assert_eq!(week_days(&s), [0, 1, 2, 3, 4, 5, 6]);
        s.every = Every::Month;
        assert!(week_days(&s).is_empty());
        // A one-day event is on its own weekday only, however it recurs.
        s.every = Every::Day;
        s.from = Some(date(2027, 5, 20)); // a Thursday
        s.until = Some(date(2027, 5, 20));
        assert_eq!(week_days(&s), [3]);
        s.until = Some(date(2027, 5, 22));
        assert_eq!(week_days(&s), [3, 4, 5]);
        s.until = Some(date(2027, 6, 20));
        assert_eq!(week_days(&s).len(), 7);
    }
}
