//! `calendar.ics` read back by real iCalendar software: the `icalendar`
//! crate parses it, the `rrule` crate expands its recurrences.

use icalendar::parser::{Component, read_calendar, unfold};
use icalendar::{Calendar, CalendarComponent, Component as _, EventLike as _};
use jiff::civil::date;
use jiff::tz::TimeZone;
use mostbook::render::ics::calendar_ics;
use mostbook::resolve::Playbook;
use rrule::RRuleSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const TODAY: &str = "2027-03-15";

const NASTY_TITLE: &str = "Vidéo <script>alert(\"x\")</script>, lundi; a\\b\nseconde ligne";

/// A playbook written to a fresh folder: `playbook.yaml` then `(path, text)` files under `content/`.
fn write_playbook(name: &str, config: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ics").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(dir.join("content")).unwrap();
    fs::write(dir.join("playbook.yaml"), config).unwrap();
    for (path, text) in files {
        let path = dir.join("content").join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Playbook {
    let analysis = mostbook::analyze::analyze(dir, None, Some(TODAY)).unwrap();
    assert!(!analysis.diags.has_errors(), "{:?}", analysis.diags);
    analysis.playbook.unwrap()
}

const TOP: &[(&str, &str)] = &[
    (
        "linkedin/mission.md",
        "---\nstep: mission\ntitle: Être l'agence de référence\n---\nPourquoi.\n",
    ),
    (
        "linkedin/objectives/inscriptions.md",
        "---\nstep: objective\ntitle: 200 inscrits\nserves: linkedin/mission\nmetric: inscrits\nbaseline: 0\ntarget: 200\nstart: 2027-01-01\ndue: 2027-12-31\nowner: Inès\n---\nDes inscrits.\n",
    ),
    (
        "linkedin/strategies/etudes-de-cas.md",
        "---\nstep: strategy\ntitle: Études de cas\nserves: inscriptions\n---\nLe tunnel.\n",
    ),
];

/// The French playbook, written once for all the tests.
fn paris_playbook() -> Playbook {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    load(DIR.get_or_init(write_paris))
}

fn write_paris() -> PathBuf {
    let nasty = format!(
        "---\nstep: tactic\ntitle: {}\nserves: etudes-de-cas\nformats: [text]\nschedule:\n  every: week\n  days: [mon]\n  time: \"09:00\"\n---\nCorps.\n",
        serde_json::to_string(NASTY_TITLE).unwrap()
    );
    let mut files = TOP.to_vec();
    files.extend([
        (
            "linkedin/tactics/video-du-mardi.md",
            "---\nstep: tactic\ntitle: La vidéo du mardi\nserves: etudes-de-cas\nowner: Mehdi\nformats: [video, text]\nschedule:\n  every: week\n  days: [tue]\n  time: \"18:30\"\n---\nUne vidéo.\n",
        ),
        (
            "linkedin/tactics/fil.md",
            "---\nstep: tactic\ntitle: Le fil\nserves: etudes-de-cas\nformats: [text, link]\nschedule:\n  every: week\n  interval: 2\n  days: [thu, tue]\n  time: [\"12:15\", \"08:30\"]\n  from: 2027-03-01\n  until: 2027-06-30\n---\nUn fil.\n",
        ),
        (
            "linkedin/tactics/lettre.md",
            "---\nstep: tactic\ntitle: La lettre\nserves: etudes-de-cas\nformats: [article]\nschedule:\n  every: month\n  from: 2027-04-15\n  time: \"10:00\"\n---\nUne lettre.\n",
        ),
        (
            "linkedin/tactics/stories.md",
            "---\nstep: tactic\ntitle: Stories\nserves: etudes-de-cas\nformats: [story]\nschedule:\n  every: day\n  until: 2027-03-20\n---\nDes stories.\n",
        ),
        (
            "linkedin/tactics/brouillon.md",
            "---\nstep: tactic\ntitle: Brouillon\nserves: etudes-de-cas\nformats: [text]\ndraft: true\nschedule:\n  every: day\n  time: \"07:00\"\n---\nPas encore.\n",
        ),
    ]);
    let files: Vec<(&str, &str)> = files
        .into_iter()
        .chain([("linkedin/tactics/piege.md", nasty.as_str())])
        .collect();
    write_playbook(
        "paris",
        "title: Agence Lumière, réseaux; 2027\nlanguage: fr\ntimezone: Europe/Paris\nbase_url: https://lumiere.example/playbook/\nnetworks:\n  linkedin: { name: LinkedIn }\n",
        &files,
    )
}

fn no_drafts(pb: &Playbook) -> impl Fn(usize) -> bool + '_ {
    move |i| !pb.elements[i].draft
}

fn ics_of(pb: &Playbook, today: jiff::civil::Date) -> String {
    let include = no_drafts(pb);
    calendar_ics(pb, &include, today)
}

fn events(cal: &Calendar) -> Vec<&icalendar::Event> {
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn event<'a>(cal: &'a Calendar, uid: &str) -> &'a icalendar::Event {
    events(cal)
        .into_iter()
        .find(|e| e.get_uid() == Some(uid))
        .unwrap_or_else(|| panic!("no event {uid}"))
}

/// The occurrences of an event, as RFC 3339 strings with their offset.
fn occurrences(ics: &str, uid: &str, n: u16) -> Vec<String> {
    let unfolded = unfold(ics);
    let block = unfolded
        .split("BEGIN:VEVENT\r\n")
        .find(|b| b.contains(&format!("UID:{uid}\r\n")))
        .unwrap_or_else(|| panic!("no event {uid}"));
    let rule: Vec<&str> = block
        .lines()
        .filter(|l| l.starts_with("DTSTART") || l.starts_with("RRULE:"))
        .collect();
    let set: RRuleSet = rule.join("\n").parse().unwrap_or_else(|e| panic!("{rule:?}: {e}"));
    set.all(n).dates.iter().map(|d| d.to_rfc3339()).collect()
}

#[test]
fn parses_and_lists_every_tactic_once_per_time() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    let cal: Calendar = ics.parse().unwrap();
    let uids: Vec<&str> = events(&cal).iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(
        uids,
        [
            "linkedin/tactics/fil-0830@lumiere.example/playbook",
            "linkedin/tactics/fil-1215@lumiere.example/playbook",
            "linkedin/tactics/lettre-1000@lumiere.example/playbook",
            "linkedin/tactics/piege-0900@lumiere.example/playbook",
            "linkedin/tactics/stories-allday@lumiere.example/playbook",
            "linkedin/tactics/video-du-mardi-1830@lumiere.example/playbook",
        ]
    );
    assert_eq!(
        cal.property_value("X-WR-CALNAME"),
        Some("Agence Lumière, réseaux; 2027")
    );
    assert_eq!(cal.property_value("X-WR-TIMEZONE"), Some("Europe/Paris"));
    assert_eq!(cal.property_value("VERSION"), Some("2.0"));
    assert_eq!(cal.property_value("PRODID"), Some("-//mostbook//mostbook//EN"));

    let video = event(&cal, "linkedin/tactics/video-du-mardi-1830@lumiere.example/playbook");
    assert_eq!(video.get_summary(), Some("La vidéo du mardi (LinkedIn)"));
    assert_eq!(
        video.get_description(),
        Some(
            "Tous les mardis à 18 h 30\nFormats : vidéo, texte\nResponsable : Mehdi\n\
             https://lumiere.example/playbook/linkedin/tactics/video-du-mardi.html"
        )
    );
    assert_eq!(
        video.get_url(),
        Some("https://lumiere.example/playbook/linkedin/tactics/video-du-mardi.html")
    );
    assert_eq!(video.get_categories(), Some(vec!["LinkedIn".to_owned()]));
    assert_eq!(video.property_value("DURATION"), Some("PT30M"));
    assert_eq!(video.property_value("DTSTAMP"), Some("20270315T000000Z"));
    assert_eq!(video.property_value("RRULE"), Some("FREQ=WEEKLY;BYDAY=TU"));

    // The zero-copy parser sees the TZID parameter and the VTIMEZONE.
    let unfolded = unfold(&ics);
    let raw = read_calendar(&unfolded).unwrap();
    let tz: Vec<&Component> = raw.components.iter().filter(|c| c.name == "VTIMEZONE").collect();
    assert_eq!(tz.len(), 1);
    assert_eq!(tz[0].find_prop("TZID").unwrap().val.as_str(), "Europe/Paris");
    let kinds: Vec<&str> = tz[0].components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(kinds, ["STANDARD", "DAYLIGHT"]);
    for ev in raw.components.iter().filter(|c| c.name == "VEVENT") {
        let start = ev.find_prop("DTSTART").unwrap();
        let tzid = start.params.iter().find(|p| p.key == "TZID");
        let uid = ev.find_prop("UID").unwrap().val.as_str();
        if uid.contains("-allday@") {
            assert!(tzid.is_none());
            assert!(
                start
                    .params
                    .iter()
                    .any(|p| p.key == "VALUE" && p.val.as_ref().unwrap().as_str() == "DATE")
            );
        } else {
            assert_eq!(tzid.unwrap().val.as_ref().unwrap().as_str(), "Europe/Paris", "{uid}");
        }
    }
}

#[test]
fn tuesdays_stay_at_1830_across_the_change_to_summer_time() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    assert!(ics.contains("DTSTART;TZID=Europe/Paris:20270316T183000\r\n"));
    assert_eq!(
        occurrences(&ics, "linkedin/tactics/video-du-mardi-1830@lumiere.example/playbook", 3),
        [
            "2027-03-16T18:30:00+01:00",
            "2027-03-23T18:30:00+01:00",
            "2027-03-30T18:30:00+02:00",
        ]
    );
}

#[test]
fn every_other_week_until_the_end_of_june() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    let uid = "linkedin/tactics/fil-0830@lumiere.example/playbook";
    let all = occurrences(&ics, uid, 100);
    assert_eq!(
        all[..4],
        [
            "2027-03-02T08:30:00+01:00",
            "2027-03-04T08:30:00+01:00",
            "2027-03-16T08:30:00+01:00",
            "2027-03-18T08:30:00+01:00",
        ]
    );
    assert_eq!(all.last().unwrap(), "2027-06-24T08:30:00+02:00");
    assert_eq!(all.len(), 18);
    let cal: Calendar = ics.parse().unwrap();
    let fil = event(&cal, uid);
    assert_eq!(
        fil.property_value("RRULE"),
        Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;UNTIL=20270630T215959Z")
    );
    assert!(fil.get_description().unwrap().starts_with(
        "Toutes les deux semaines, le mardi et le jeudi à 8 h 30 et 12 h 15, du 1er mars au 30 juin 2027\n"
    ));
}

#[test]
fn monthly_and_all_day_events() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    assert_eq!(
        occurrences(&ics, "linkedin/tactics/lettre-1000@lumiere.example/playbook", 3),
        [
            "2027-04-15T10:00:00+02:00",
            "2027-05-15T10:00:00+02:00",
            "2027-06-15T10:00:00+02:00",
        ]
    );
    let cal: Calendar = ics.parse().unwrap();
    let lettre = event(&cal, "linkedin/tactics/lettre-1000@lumiere.example/playbook");
    assert_eq!(lettre.property_value("RRULE"), Some("FREQ=MONTHLY;BYMONTHDAY=15"));
    let stories = event(&cal, "linkedin/tactics/stories-allday@lumiere.example/playbook");
    assert_eq!(stories.property_value("DTSTART"), Some("20270315"));
    assert_eq!(stories.property_value("DURATION"), Some("P1D"));
    assert_eq!(stories.property_value("RRULE"), Some("FREQ=DAILY;UNTIL=20270320"));
    assert!(
        stories
            .get_description()
            .unwrap()
            .starts_with("Tous les jours, jusqu'au 20 mars 2027\n")
    );
    // Drafts left out by `include` are not there.
    assert!(!ics.contains("brouillon"));
}

#[test]
fn hostile_titles_round_trip_as_text() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    let cal: Calendar = ics.parse().unwrap();
    let piege = event(&cal, "linkedin/tactics/piege-0900@lumiere.example/playbook");
    assert_eq!(piege.get_summary(), Some(format!("{NASTY_TITLE} (LinkedIn)").as_str()));
    // The structure holds: one property per line, nothing injected.
    let unfolded = unfold(&ics);
    assert!(!unfolded.lines().any(|l| l.starts_with("seconde ligne")));
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 6);
    assert_eq!(unfolded.matches("END:VEVENT").count(), 6);
    assert!(
        unfolded.contains("SUMMARY:Vidéo <script>alert(\"x\")</script>\\, lundi\\; a\\\\b\\nseconde ligne (LinkedIn)")
    );
}

#[test]
fn lines_are_crlf_and_folded_at_75_octets() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "a bare CR or LF");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} has {} octets", line.len());
    }
    assert!(ics.contains("\r\n "), "long descriptions are folded");
}

#[test]
fn byte_identical_and_stable_uids() {
    let pb = paris_playbook();
    let a = ics_of(&pb, date(2027, 3, 15));
    assert_eq!(a, ics_of(&pb, date(2027, 3, 15)));
    assert_eq!(a, ics_of(&paris_playbook(), date(2027, 3, 15)));
    // A later build moves DTSTAMP and the open-ended starts, not the UIDs;
    // the stories, over since March 20, are gone.
    let b = ics_of(&pb, date(2027, 4, 7));
    let uids = |s: &str| -> Vec<String> { s.lines().filter(|l| l.starts_with("UID:")).map(str::to_owned).collect() };
    let mut kept = uids(&a);
    kept.retain(|u| !u.contains("stories"));
    assert_eq!(kept.len(), 5);
    assert_eq!(uids(&b), kept);
    assert!(b.contains("DTSTAMP:20270407T000000Z"));
    assert!(b.contains("DTSTART;TZID=Europe/Paris:20270406T183000"));
}

#[test]
fn the_vtimezone_rules_give_jiffs_transitions() {
    let pb = paris_playbook();
    let ics = ics_of(&pb, date(2027, 3, 15));
    let unfolded = unfold(&ics);
    let raw = read_calendar(&unfolded).unwrap();
    let vtz = raw.components.iter().find(|c| c.name == "VTIMEZONE").unwrap();
    // Expand each observance's yearly rule (its local DTSTART, read as UTC wall clock).
    let mut changes: Vec<String> = Vec::new();
    for obs in &vtz.components {
        let start = obs.find_prop("DTSTART").unwrap().val.as_str();
        let rule = obs.find_prop("RRULE").unwrap().val.as_str();
        let from = obs.find_prop("TZOFFSETFROM").unwrap().val.as_str();
        let to = obs.find_prop("TZOFFSETTO").unwrap().val.as_str();
        let set: RRuleSet = format!("DTSTART:{start}Z\nRRULE:{rule}").parse().unwrap();
        for d in set.all(15).dates {
            changes.push(format!("{} {from}->{to}", d.format("%Y-%m-%dT%H:%M")));
        }
    }
    changes.sort();
    changes.truncate(20);
    // What jiff says: each change on the clock before it.
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let start = date(2026, 10, 1).to_zoned_datetime(paris.clone()).unwrap().timestamp();
    let fmt = |o: jiff::tz::Offset| {
        let s = o.seconds();
        format!(
            "{}{:02}{:02}",
            if s < 0 { '-' } else { '+' },
            s.abs() / 3600,
            s.abs() % 3600 / 60
        )
    };
    let want: Vec<String> = paris
        .following(start)
        .take(20)
        .map(|t| {
            let before = paris.to_offset(t.timestamp().checked_sub(jiff::SignedDuration::from_secs(1)).unwrap());
            format!(
                "{} {}->{}",
                before.to_datetime(t.timestamp()).strftime("%Y-%m-%dT%H:%M"),
                fmt(before),
                fmt(t.offset())
            )
        })
        .collect();
    assert_eq!(changes, want);
    assert_eq!(changes[0], "2026-10-25T03:00 +0200->+0100");
    assert_eq!(changes[1], "2027-03-28T02:00 +0100->+0200");
}

#[test]
fn utc_playbooks_use_utc_times_and_no_vtimezone() {
    let mut files = TOP.to_vec();
    files.push((
        "linkedin/tactics/video.md",
        "---\nstep: tactic\ntitle: Weekly video\nserves: etudes-de-cas\nformats: [video]\nschedule:\n  every: week\n  days: [tue, thu]\n  time: \"18:30\"\n  until: 2027-04-01\n---\nA video.\n",
    ));
    let dir = write_playbook(
        "utc",
        "title: Light agency\nnetworks:\n  linkedin: { name: LinkedIn }\n",
        &files,
    );
    let pb = load(&dir);
    let ics = ics_of(&pb, date(2027, 3, 15));
    assert!(!ics.contains("VTIMEZONE"));
    assert!(ics.contains("X-WR-TIMEZONE:UTC\r\n"));
    let cal: Calendar = ics.parse().unwrap();
    let video = event(&cal, "linkedin/tactics/video-1830@mostbook");
    assert_eq!(video.property_value("DTSTART"), Some("20270316T183000Z"));
    assert_eq!(
        video.property_value("RRULE"),
        Some("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270401T235959Z")
    );
    assert_eq!(video.get_url(), None);
    assert_eq!(
        video.get_description(),
        Some("Every Tuesday and Thursday at 18:30, until April 1, 2027\nFormats: video\nlinkedin/tactics/video.html")
    );
    let all = occurrences(&ics, "linkedin/tactics/video-1830@mostbook", 100);
    assert_eq!(
        all,
        [
            "2027-03-16T18:30:00+00:00",
            "2027-03-18T18:30:00+00:00",
            "2027-03-23T18:30:00+00:00",
            "2027-03-25T18:30:00+00:00",
            "2027-03-30T18:30:00+00:00",
            "2027-04-01T18:30:00+00:00",
        ]
    );
}

#[test]
fn the_publishing_week() {
    use mostbook::render::schedule::{Slot, monthly, week_slots};
    let pb = paris_playbook();
    let include = no_drafts(&pb);
    let name = |s: &Slot| {
        let id = pb.elements[s.element].id.rsplit('/').next().unwrap().to_owned();
        let time = s.time.map_or("-".to_owned(), |t| t.strftime("%H:%M").to_string());
        format!("{} {time} {id}", s.day)
    };
    let slots: Vec<String> = week_slots(&pb, &include).iter().map(name).collect();
    assert_eq!(
        slots,
        [
            "0 - stories",
            "0 09:00 piege",
            "1 - stories",
            "1 08:30 fil",
            "1 12:15 fil",
            "1 18:30 video-du-mardi",
            "2 - stories",
            "3 - stories",
            "3 08:30 fil",
            "3 12:15 fil",
            "4 - stories",
            "5 - stories",
            "6 - stories",
        ]
    );
    let monthly: Vec<&str> = monthly(&pb, &include)
        .iter()
        .map(|&i| pb.elements[i].id.as_str())
        .collect();
    assert_eq!(monthly, ["linkedin/tactics/lettre"]);
    // With drafts, the daily draft is on every day.
    let all = week_slots(&pb, &|_| true);
    assert_eq!(all.len(), slots.len() + 7);
}

/// Records how a file was written, in pieces.
#[derive(Default)]
struct Pieces(Vec<Vec<u8>>);

impl std::io::Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn written_as_made_it_is_the_same_calendar() {
    let tactics: Vec<(String, String)> = (0..600)
        .map(|n| {
            (
                format!("linkedin/tactics/t{n}.md"),
                format!(
                    "---\nstep: tactic\ntitle: Tactique numéro {n}, « longue » de préférence\nserves: etudes-de-cas\nformats: [text]\nschedule:\n  every: week\n  days: [mon, thu]\n  time: \"{:02}:30\"\n---\nCorps.\n",
                    n % 24
                ),
            )
        })
        .collect();
    let mut files = TOP.to_vec();
    files.extend(tactics.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let dir = write_playbook(
        "streamed",
        "title: Streamed\nlanguage: fr\ntimezone: Europe/Paris\nnetworks:\n  linkedin: { name: LinkedIn }\n",
        &files,
    );
    let pb = load(&dir);
    let today = date(2027, 3, 15);
    let whole = ics_of(&pb, today);
    assert!(whole.len() > 200_000, "{}", whole.len());
    let mut pieces = Pieces::default();
    mostbook::render::ics::write_calendar_ics(&pb, &no_drafts(&pb), today, &mut pieces).unwrap();
    assert!(pieces.0.len() >= 3, "{} pieces", pieces.0.len());
    assert_eq!(String::from_utf8(pieces.0.concat()).unwrap(), whole);
    // A writer that fails fails the calendar.
    let mut full = [0u8; 100];
    assert!(mostbook::render::ics::write_calendar_ics(&pb, &no_drafts(&pb), today, &mut &mut full[..]).is_err());
}
