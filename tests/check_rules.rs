//! Fixture-driven tests of `mostbook check`, one fixture per rule of SPEC §2.
//!
//! Every fixture under `tests/fixtures/rules/<rule>[-<variant>]/` triggers its
//! rule and nothing else when checked with `--today 2027-03-15`; the tests
//! assert the exact multiset of `(severity, rule, file, line, column)` and the
//! exit status. Lines and columns follow docs/positions.md (1-based, columns in
//! characters).
//!
//! Principles the expectations rely on (SPEC + positions.md):
//! - A file whose front-matter cannot be read (not UTF-8, no or unterminated
//!   front-matter, YAML syntax error, unknown `step`) is not an element. The
//!   fixtures never reference such files, so no `unknown-reference` follows.
//! - An element with an invalid or unknown field still exists: the problem is
//!   reported once and does not cascade (an invalid `due` is not also a
//!   missing one, so no `smart-time-bound`).
//! - A `playbook.yaml` that is invalid is reported as `invalid-config` only:
//!   the content, which is fine, produces nothing.
//! - A non-numeric `target` is `smart-measurable` (at the value, as
//!   positions.md says), not also `invalid-value`.
//! - Files that git or editors could mangle (Latin-1, BOM + CRLF) are written
//!   at run time into a temporary copy of the fixture.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TODAY: &str = "2027-03-15";
const E: &str = "error";
const W: &str = "warning";

/// One expected diagnostic: (severity, rule, file, line, column).
type Exp = (&'static str, &'static str, &'static str, u64, u64);

// ---------------------------------------------------------------- harness

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn mostbook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mostbook"));
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("could not run the mostbook binary")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn all_output(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `mostbook check DIR --format json --today 2027-03-15 EXTRA…`
fn check_json_with(dir: &Path, extra: &[&str], envs: &[(&str, &str)]) -> (i32, Value, Output) {
    let mut cmd = mostbook();
    cmd.arg("check").arg(dir).args(["--format", "json"]).args(extra);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = run(cmd);
    let code = out.status.code().expect("mostbook was killed by a signal");
    let text = stdout(&out);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "`mostbook check {} --format json` did not print one JSON document ({e}); \
             exit {code}\n--- stdout\n{text}\n--- stderr\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    validate_shape(&json);
    (code, json, out)
}

fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--today", TODAY];
    args.extend_from_slice(extra);
    let (code, json, _) = check_json_with(dir, &args, &[]);
    (code, json)
}

/// The JSON document has the shape SPEC §3 promises.
fn validate_shape(json: &Value) {
    let diags = json["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("`diagnostics` is not an array in {json:#}"));
    let mut errors = 0;
    let mut warnings = 0;
    for d in diags {
        match d["severity"].as_str() {
            Some("error") => errors += 1,
            Some("warning") => warnings += 1,
            other => panic!("bad severity {other:?} in {d}"),
        }
        assert!(d["rule"].is_string(), "`rule` is not a string in {d}");
        assert!(
            d["message"].as_str().is_some_and(|m| !m.trim().is_empty()),
            "`message` is not a non-empty string in {d}"
        );
        let file = d["file"]
            .as_str()
            .unwrap_or_else(|| panic!("`file` is not a string in {d}"));
        assert!(
            !file.contains('\\') && !Path::new(file).is_absolute(),
            "`file` must be relative to the playbook folder and `/`-separated: {d}"
        );
        assert!(
            d["line"].as_u64().is_some_and(|n| n >= 1),
            "`line` is not a 1-based number in {d}"
        );
        assert!(
            d["column"].as_u64().is_some_and(|n| n >= 1),
            "`column` is not a 1-based number in {d}"
        );
        assert!(
            d["help"].is_null() || d["help"].is_string(),
            "`help` is neither a string nor null in {d}"
        );
    }
    assert_eq!(json["errors"].as_u64(), Some(errors), "`errors` count in {json:#}");
    assert_eq!(
        json["warnings"].as_u64(),
        Some(warnings),
        "`warnings` count in {json:#}"
    );
}

fn key(d: &Value) -> (String, String, String, u64, u64) {
    (
        d["severity"].as_str().unwrap_or_default().to_owned(),
        d["rule"].as_str().unwrap_or_default().to_owned(),
        d["file"].as_str().unwrap_or_default().to_owned(),
        d["line"].as_u64().unwrap_or_default(),
        d["column"].as_u64().unwrap_or_default(),
    )
}

/// Asserts the exact multiset of diagnostics; prints what is missing and
/// what is unexpected (with messages) on failure.
fn assert_diagnostics(name: &str, json: &Value, expected: &[Exp]) {
    let mut want: BTreeMap<(String, String, String, u64, u64), i64> = BTreeMap::new();
    for &(sev, rule, file, line, col) in expected {
        *want
            .entry((sev.into(), rule.into(), file.into(), line, col))
            .or_default() += 1;
    }
    let mut got = want.clone();
    for v in got.values_mut() {
        *v = 0;
    }
    let diags = json["diagnostics"].as_array().unwrap();
    for d in diags {
        *got.entry(key(d)).or_default() += 1;
    }
    let mut problems = String::new();
    for (k, n) in &got {
        let w = want.get(k).copied().unwrap_or(0);
        if *n < w {
            problems += &format!("  missing    {}x {:?}\n", w - n, k);
        }
    }
    for d in diags {
        let k = key(d);
        if got[&k] > want.get(&k).copied().unwrap_or(0) {
            problems += &format!("  unexpected {:?}: {} (help: {})\n", k, d["message"], d["help"]);
        }
    }
    assert!(
        problems.is_empty(),
        "fixture `{name}`: diagnostics differ\n{problems}--- all diagnostics\n{:#}",
        json["diagnostics"]
    );
}

/// Checks a committed fixture in place.
fn assert_fixture(rel: &str, exit: i32, expected: &[Exp]) -> Value {
    assert_dir(rel, &fixture(rel), &[], exit, expected)
}

fn assert_dir(name: &str, dir: &Path, extra: &[&str], exit: i32, expected: &[Exp]) -> Value {
    let (code, json) = check_json(dir, extra);
    assert_diagnostics(name, &json, expected);
    assert_eq!(
        code, exit,
        "fixture `{name}`: exit status (diagnostics: {:#})",
        json["diagnostics"]
    );
    json
}

/// The `help` of the diagnostic at (rule, file, line) contains all `needles`.
fn assert_help(json: &Value, rule: &str, file: &str, line: u64, needles: &[&str]) {
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule && d["file"] == file && d["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} diagnostic at {file}:{line}"));
    let help = d["help"]
        .as_str()
        .unwrap_or_else(|| panic!("{rule} at {file}:{line} has no help: {d}"));
    for n in needles {
        assert!(
            help.contains(n),
            "help of {rule} at {file}:{line} should mention `{n}`: {help:?}"
        );
    }
}

/// An empty folder `name` under the test's temporary folder (emptied if it was there).
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check_rules").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    dir
}

/// A fresh copy of a fixture under the test's temporary folder.
fn temp_copy(rel: &str, name: &str) -> PathBuf {
    let dest = fresh_dir(name);
    copy_dir(&fixture(rel), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Rewrites a file with a UTF-8 byte-order mark and CRLF line ends.
fn to_bom_crlf(path: &Path) {
    let text = fs::read_to_string(path).unwrap();
    assert!(!text.contains('\r'));
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    fs::write(path, bytes).unwrap();
}

// ---------------------------------------------------------------- one fixture per rule

macro_rules! fixtures {
    ($($test:ident: $dir:literal, exit $exit:literal, [$($exp:expr),* $(,)?];)*) => {$(
        #[test]
        fn $test() {
            assert_fixture(concat!("rules/", $dir), $exit, &[$($exp),*]);
        }
    )*};
}

const TV: &str = "content/linkedin/tuesday-video.md";
const SIGNUPS: &str = "content/objectives/signups.md";

fixtures! {
    // html: maybe
    invalid_config: "invalid-config", exit 1, [(E, "invalid-config", "playbook.yaml", 2, 7)];
    // no `title:` at all
    invalid_config_missing_title: "invalid-config-missing-title", exit 1,
        [(E, "invalid-config", "playbook.yaml", 1, 1)];
    // title: "Rule fixture   (unclosed quote; the value starts at the quote)
    invalid_config_syntax: "invalid-config-syntax", exit 1,
        [(E, "invalid-config", "playbook.yaml", 1, 8)];
    // lints: { smart-realstic: allow } — the key names no rule
    invalid_config_lints: "invalid-config-lints", exit 1,
        [(E, "invalid-config", "playbook.yaml", 5, 3)];

    // content/notes.md is plain Markdown; ideas.md starts with a blank line
    missing_front_matter: "missing-front-matter", exit 1, [
        (E, "missing-front-matter", "content/notes.md", 1, 1),
        (E, "missing-front-matter", "content/linkedin/ideas.md", 1, 1),
    ];
    unterminated_front_matter: "unterminated-front-matter", exit 1,
        [(E, "unterminated-front-matter", "content/linkedin/draft-ideas.md", 1, 1)];
    // `title: Thursday: the video` (second `:`), `title: "Friday photo` (unclosed quote)
    yaml_syntax: "yaml-syntax", exit 1, [
        (E, "yaml-syntax", "content/linkedin/thursday-video.md", 3, 16),
        (E, "yaml-syntax", "content/linkedin/friday-photo.md", 3, 8),
    ];
    // tgas, metric (an objective field) on a tactic, schedule.tiem
    unknown_field: "unknown-field", exit 1, [
        (E, "unknown-field", "content/linkedin/thursday-poll.md", 6, 1),
        (E, "unknown-field", "content/linkedin/thursday-poll.md", 7, 1),
        (E, "unknown-field", "content/linkedin/thursday-poll.md", 10, 3),
    ];
    // `serves` is forbidden on a mission
    unknown_field_mission_serves: "unknown-field-mission-serves", exit 1,
        [(E, "unknown-field", "content/mission.md", 4, 1)];
    // no title / no serves (below a mission) / no step
    missing_field: "missing-field", exit 1, [
        (E, "missing-field", "content/linkedin/untitled.md", 1, 1),
        (E, "missing-field", "content/linkedin/orphan.md", 1, 1),
        (E, "missing-field", "content/notes.md", 1, 1),
    ];
    // due: 2027-13-01, budget: lots, step: tactique, formats gif, every fortnight,
    // days thursday, time 25:00
    invalid_value: "invalid-value", exit 1, [
        (E, "invalid-value", SIGNUPS, 11, 6),
        (E, "invalid-value", "content/strategies/funnel.md", 5, 9),
        (E, "invalid-value", "content/linkedin/typo-step.md", 2, 7),
        (E, "invalid-value", "content/linkedin/late-show.md", 5, 17),
        (E, "invalid-value", "content/linkedin/late-show.md", 7, 10),
        (E, "invalid-value", "content/linkedin/late-show.md", 8, 15),
        (E, "invalid-value", "content/linkedin/late-show.md", 9, 17),
    ];
    // `..` segment, empty segment, `!`, `.` segment, and a path id with spaces/parentheses
    invalid_id: "invalid-id", exit 1, [
        (E, "invalid-id", "content/linkedin/escape.md", 3, 5),
        (E, "invalid-id", "content/linkedin/double.md", 3, 5),
        (E, "invalid-id", "content/linkedin/bang.md", 3, 5),
        (E, "invalid-id", "content/linkedin/dot.md", 3, 5),
        (E, "invalid-id", "content/linkedin/promo (copy).md", 1, 1),
    ];
    // path id linkedin/promo vs `id: LinkedIn/Promo` (ids compare case-insensitively)
    duplicate_id: "duplicate-id", exit 1, [
        (E, "duplicate-id", "content/linkedin/promo.md", 1, 1),
        (E, "duplicate-id", "content/linkedin/other.md", 3, 5),
    ];
    // linkedin/stratégie and linkedin/strategie share a page
    duplicate_url: "duplicate-url", exit 1, [
        (E, "duplicate-url", "content/linkedin/accent.md", 3, 5),
        (E, "duplicate-url", "content/linkedin/plain.md", 3, 5),
    ];
    // an id whose page is one the site writes itself (print.html)
    duplicate_url_reserved: "duplicate-url-reserved", exit 1,
        [(E, "duplicate-url", "content/linkedin/plain.md", 3, 5)];
    ambiguous_reference_wiki: "ambiguous-reference-wiki", exit 1,
        [(E, "ambiguous-reference", "content/linkedin/wednesday.md", 10, 15)];
    // a tactic serving an objective; a list item naming the mission
    wrong_level: "wrong-level", exit 1, [
        (E, "wrong-level", "content/linkedin/direct.md", 4, 9),
        (E, "wrong-level", "content/linkedin/skip.md", 4, 18),
    ];
    unknown_network: "unknown-network", exit 1,
        [(E, "unknown-network", "content/linkedin/dance.md", 3, 10)];
    // an x tactic serving a linkedin strategy
    network_mismatch: "network-mismatch", exit 1,
        [(E, "network-mismatch", "content/x/thread.md", 4, 9)];
    // serves a strategy of all networks; serves a linkedin and an x strategy.
    // content/tactics/inherits.md serves only a linkedin strategy: fine.
    missing_network: "missing-network", exit 1, [
        (E, "missing-network", "content/tactics/loose.md", 2, 7),
        (E, "missing-network", "content/tactics/both.md", 2, 7),
    ];
    // start after due; from after until
    invalid_dates: "invalid-dates", exit 1, [
        (E, "invalid-dates", SIGNUPS, 11, 6),
        (E, "invalid-dates", TV, 10, 10),
    ];
    // a missing .md target and a missing wiki target (the valid ones on line 10 pass)
    broken_link: "broken-link", exit 1, [
        (E, "broken-link", TV, 13, 10),
        (E, "broken-link", TV, 13, 60),
    ];

    // x has content but no mission, and there is no playbook-wide mission
    no_mission: "no-mission", exit 0, [(W, "no-mission", "playbook.yaml", 4, 3)];
    // a mission without objectives, an objective without strategies, a strategy without tactics
    dead_end: "dead-end", exit 0, [
        (W, "dead-end", "content/x/mission.md", 2, 7),
        (W, "dead-end", "content/objectives/brand.md", 2, 7),
        (W, "dead-end", "content/strategies/ads.md", 2, 7),
    ];
    // no body at all; a body of blank lines
    smart_specific: "smart-specific", exit 0, [
        (W, "smart-specific", SIGNUPS, 2, 7),
        (W, "smart-specific", "content/objectives/brand.md", 2, 7),
    ];
    // no metric; no target
    smart_measurable: "smart-measurable", exit 0, [
        (W, "smart-measurable", SIGNUPS, 2, 7),
        (W, "smart-measurable", "content/objectives/brand.md", 2, 7),
    ];
    // target: fifty
    smart_measurable_target: "smart-measurable-target", exit 0,
        [(W, "smart-measurable", SIGNUPS, 8, 9)];
    // 10 -> 10, 10 -> 150, 200 -> 10 (a decrease); 10 -> 100 is exactly 10x: fine
    smart_achievable: "smart-achievable", exit 0, [
        (W, "smart-achievable", SIGNUPS, 8, 9),
        (W, "smart-achievable", "content/objectives/brand.md", 8, 9),
        (W, "smart-achievable", "content/objectives/churn.md", 8, 9),
    ];
    smart_realistic: "smart-realistic", exit 0, [(W, "smart-realistic", SIGNUPS, 2, 7)];
    smart_time_bound: "smart-time-bound", exit 0, [(W, "smart-time-bound", SIGNUPS, 2, 7)];
    // overdue: 30 of 50; a decrease at 70 for 50. Not overdue: achieved, a decrease
    // achieved, due today.
    objective_overdue: "objective-overdue", exit 0, [
        (W, "objective-overdue", SIGNUPS, 12, 6),
        (W, "objective-overdue", "content/objectives/decrease-late.md", 12, 6),
    ];
    no_schedule: "no-schedule", exit 0, [(W, "no-schedule", TV, 2, 7)];
    no_format: "no-format", exit 0, [(W, "no-format", TV, 2, 7)];
    // lints: { no-format: deny }
    no_format_denied_by_lints: "no-format-deny", exit 1, [(E, "no-format", TV, 2, 7)];
    // lints: { no-format: allow }
    no_format_allowed_by_lints: "no-format-allow", exit 0, [];
    // #the-steps, #the-steps-1, #étape-1--linscription, #money resolve; #the-plan does not
    broken_anchor: "broken-anchor", exit 0, [(W, "broken-anchor", TV, 13, 9)];
    // <script>, an onerror handler, a javascript: URL; <abbr title> is harmless
    unsafe_html: "unsafe-html", exit 0, [
        (W, "unsafe-html", TV, 12, 1),
        (W, "unsafe-html", TV, 14, 8),
        (W, "unsafe-html", TV, 16, 4),
    ];
    // html: deny
    unsafe_html_denied: "unsafe-html-deny", exit 1, [(E, "unsafe-html", TV, 12, 1)];
}

// ---------------------------------------------------------------- fixtures with help or runtime files

#[test]
fn unknown_reference() {
    let json = assert_fixture(
        "rules/unknown-reference",
        1,
        &[
            (E, "unknown-reference", "content/linkedin/thursday-video.md", 6, 5),
            (E, "unknown-reference", "content/linkedin/friday.md", 4, 9),
        ],
    );
    // `funel`: did you mean `funnel`?
    assert_help(
        &json,
        "unknown-reference",
        "content/linkedin/thursday-video.md",
        6,
        &["funnel"],
    );
}

#[test]
fn ambiguous_reference() {
    let json = assert_fixture(
        "rules/ambiguous-reference",
        1,
        &[(E, "ambiguous-reference", "content/linkedin/thursday.md", 4, 9)],
    );
    // the candidates
    assert_help(
        &json,
        "ambiguous-reference",
        "content/linkedin/thursday.md",
        4,
        &["strategies/funnel", "linkedin/strategies/funnel"],
    );
}

#[test]
fn unknown_field_helps() {
    let json = assert_fixture(
        "rules/unknown-field",
        1,
        &[
            (E, "unknown-field", "content/linkedin/thursday-poll.md", 6, 1),
            (E, "unknown-field", "content/linkedin/thursday-poll.md", 7, 1),
            (E, "unknown-field", "content/linkedin/thursday-poll.md", 10, 3),
        ],
    );
    let file = "content/linkedin/thursday-poll.md";
    assert_help(&json, "unknown-field", file, 6, &["tags"]);
    assert_help(&json, "unknown-field", file, 10, &["time"]);
}

#[test]
fn invalid_value_helps() {
    let json = check_json(&fixture("rules/invalid-value"), &[]).1;
    // an unknown enum value lists (or suggests) the expected ones
    assert_help(&json, "invalid-value", "content/linkedin/typo-step.md", 2, &["tactic"]);
    assert_help(
        &json,
        "invalid-value",
        "content/linkedin/late-show.md",
        5,
        &["video", "carousel"],
    );
}

#[test]
fn invalid_encoding() {
    let dir = temp_copy("rules/invalid-encoding", "invalid-encoding");
    // Latin-1: `é` is the single byte 0xE9 (line 3, after "title: Vid").
    let latin1: Vec<u8> = "---\nstep: tactic\ntitle: Vidéo du jeudi\nserves: funnel\n\
         formats: [video]\nschedule:\n  days: [thu]\n  time: 12:00\n---\n\
         Une vidéo chaque jeudi.\n"
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    fs::write(dir.join("content/linkedin/thursday-video.md"), latin1).unwrap();
    // UTF-8 except for one 0xFF byte after "Déjà vu " (8 characters, 10 bytes).
    let mut mixed = "---\nstep: tactic\ntitle: Photo du vendredi\nserves: funnel\n\
         formats: [photo]\nschedule:\n  days: [fri]\n  time: 17:00\n---\nDéjà vu "
        .as_bytes()
        .to_vec();
    mixed.push(0xFF);
    mixed.extend_from_slice(b" encore.\n");
    fs::write(dir.join("content/linkedin/friday-photo.md"), mixed).unwrap();

    assert_dir(
        "invalid-encoding",
        &dir,
        &[],
        1,
        &[
            (E, "invalid-encoding", "content/linkedin/thursday-video.md", 3, 11),
            (E, "invalid-encoding", "content/linkedin/friday-photo.md", 10, 9),
        ],
    );
}

/// A BOM and CRLF line ends change neither front-matter nor body positions.
#[test]
fn bom_and_crlf_keep_positions() {
    let dir = temp_copy("rules/unknown-reference", "bom-crlf-unknown-reference");
    to_bom_crlf(&dir.join("content/linkedin/thursday-video.md"));
    to_bom_crlf(&dir.join("content/linkedin/friday.md"));
    assert_dir(
        "unknown-reference (BOM + CRLF)",
        &dir,
        &[],
        1,
        &[
            (E, "unknown-reference", "content/linkedin/thursday-video.md", 6, 5),
            (E, "unknown-reference", "content/linkedin/friday.md", 4, 9),
        ],
    );

    let dir = temp_copy("rules/broken-link", "bom-crlf-broken-link");
    to_bom_crlf(&dir.join(TV));
    assert_dir(
        "broken-link (BOM + CRLF)",
        &dir,
        &[],
        1,
        &[(E, "broken-link", TV, 13, 10), (E, "broken-link", TV, 13, 60)],
    );

    let dir = temp_copy("rules/missing-front-matter", "bom-missing-front-matter");
    to_bom_crlf(&dir.join("content/notes.md"));
    assert_dir(
        "missing-front-matter (BOM + CRLF)",
        &dir,
        &[],
        1,
        &[
            (E, "missing-front-matter", "content/notes.md", 1, 1),
            (E, "missing-front-matter", "content/linkedin/ideas.md", 1, 1),
        ],
    );
}

// ---------------------------------------------------------------- lints, dates, exit status

#[test]
fn deny_warnings_fails_a_warning_only_playbook() {
    let dir = fixture("rules/no-format");
    let (code, json) = check_json(&dir, &["--deny-warnings"]);
    let found: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .map(|(_, rule, file, line, col)| (rule, file, line, col))
        .collect();
    assert_eq!(found, vec![("no-format".into(), TV.into(), 2, 7)]);
    assert_eq!(code, 1, "--deny-warnings with a warning must exit 1");
    // without the flag the same playbook passes
    assert_eq!(check_json(&dir, &[]).0, 0);
}

#[test]
fn build_date_from_source_date_epoch() {
    let dir = fixture("rules/objective-overdue");
    let overdue: &[Exp] = &[
        (W, "objective-overdue", SIGNUPS, 12, 6),
        (W, "objective-overdue", "content/objectives/decrease-late.md", 12, 6),
    ];
    // 2027-03-15T12:00:00Z
    let (code, json, _) = check_json_with(&dir, &[], &[("SOURCE_DATE_EPOCH", "1805112000")]);
    assert_diagnostics("objective-overdue (SOURCE_DATE_EPOCH)", &json, overdue);
    assert_eq!(code, 0);
    // 2027-02-15T12:00:00Z: nothing is overdue yet
    let (code, json, _) = check_json_with(&dir, &[], &[("SOURCE_DATE_EPOCH", "1802692800")]);
    assert_diagnostics("objective-overdue (earlier SOURCE_DATE_EPOCH)", &json, &[]);
    assert_eq!(code, 0);
    // --today wins over SOURCE_DATE_EPOCH
    let (_, json, _) = check_json_with(&dir, &["--today", TODAY], &[("SOURCE_DATE_EPOCH", "1802692800")]);
    assert_diagnostics("objective-overdue (--today over SOURCE_DATE_EPOCH)", &json, overdue);
}

#[test]
fn missing_playbook_yaml_is_exit_2() {
    let dir = fresh_dir("no-playbook-yaml");
    fs::create_dir_all(dir.join("content")).unwrap();
    fs::write(
        dir.join("content/mission.md"),
        "---\nstep: mission\ntitle: Orphan content\n---\nNo playbook.yaml here.\n",
    )
    .unwrap();
    let mut cmd = mostbook();
    cmd.arg("check").arg(&dir).args(["--today", TODAY]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));

    let mut cmd = mostbook();
    cmd.arg("check")
        .arg(dir.join("does-not-exist"))
        .args(["--format", "json", "--today", TODAY]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
}

#[test]
fn bad_usage_is_exit_2() {
    let sound = fixture("sound");
    for args in [
        &["--format", "xml", "--today", TODAY][..],
        &["--today", "2027-13-01"][..],
        &["--today", "tomorrow"][..],
        &["--no-such-flag"][..],
    ] {
        let mut cmd = mostbook();
        cmd.arg("check").arg(&sound).args(args);
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(2), "check {args:?}: {}", all_output(&out));
    }
}

// ---------------------------------------------------------------- the sound playbook

#[test]
fn sound_playbook_has_no_diagnostics() {
    let dir = temp_copy("sound", "sound");
    // a BOM and CRLF line ends are fine
    to_bom_crlf(&dir.join("content/x/tactics/daily-thread.md"));
    assert_dir("sound", &dir, &[], 0, &[]);
    assert_dir("sound (--deny-warnings)", &dir, &["--deny-warnings"], 0, &[]);

    // the human format says so too, and exits 0
    let mut cmd = mostbook();
    cmd.arg("check").arg(&dir).args(["--today", TODAY]);
    let out = run(cmd);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        !text.contains("error[") && !text.contains("warning["),
        "no diagnostic expected:\n{text}"
    );
}

// ---------------------------------------------------------------- many mistakes at once

const MANY: &[Exp] = &[
    // due: 2027-13-01, and no owner
    (E, "invalid-value", "content/linkedin/objectives/signups.md", 10, 6),
    (W, "smart-realistic", "content/linkedin/objectives/signups.md", 2, 7),
    // [[newsletter]]
    (E, "broken-link", "content/strategies/blog.md", 6, 56),
    // ../../objectives/brand.md#the-goal
    (
        W,
        "broken-anchor",
        "content/linkedin/strategies/case-study-funnel.md",
        10,
        5,
    ),
    // from 2027-09-01 until 2027-06-30; an onerror handler
    (E, "invalid-dates", "content/linkedin/tactics/tuesday-video.md", 10, 10),
    (W, "unsafe-html", "content/linkedin/tactics/tuesday-video.md", 12, 16),
    // serves: case-study-funel
    (
        E,
        "unknown-reference",
        "content/linkedin/tactics/thursday-live.md",
        4,
        9,
    ),
    // a tactic serving an objective; no formats
    (E, "wrong-level", "content/linkedin/tactics/friday-poll.md", 4, 9),
    (W, "no-format", "content/linkedin/tactics/friday-poll.md", 2, 7),
    // network: instagram
    (E, "unknown-network", "content/linkedin/tactics/weekend-story.md", 4, 10),
    // an x tactic serving a linkedin strategy (the list's second item)
    (E, "network-mismatch", "content/x/tactics/daily-thread.md", 6, 5),
    // step: tactique
    (E, "invalid-value", "content/x/tactics/weekly-poll.md", 2, 7),
    // tittle: — an unknown field, and so no title
    (E, "unknown-field", "content/x/tactics/monday-quote.md", 3, 1),
    (E, "missing-field", "content/x/tactics/monday-quote.md", 1, 1),
    // title: "Saturday recap   (unclosed quote)
    (E, "yaml-syntax", "content/x/tactics/saturday-recap.md", 3, 8),
];

#[test]
fn many_mistakes_are_all_reported_and_nothing_else() {
    let json = assert_fixture("many-mistakes", 1, MANY);
    assert_eq!(json["errors"], 11);
    assert_eq!(json["warnings"], 4);
    assert_help(
        &json,
        "unknown-reference",
        "content/linkedin/tactics/thursday-live.md",
        4,
        &["case-study-funnel"],
    );
    assert_help(
        &json,
        "unknown-field",
        "content/x/tactics/monday-quote.md",
        3,
        &["title"],
    );
    assert_help(
        &json,
        "invalid-value",
        "content/x/tactics/weekly-poll.md",
        2,
        &["tactic"],
    );
}

/// `::error file=…,line=…,col=…,title=…::message`, one line per diagnostic.
#[test]
fn github_format() {
    let dir = fixture("many-mistakes");
    let mut cmd = mostbook();
    // run from the playbook folder (DIR defaults to it), so that a path relative
    // to the playbook is also relative to the working directory
    cmd.current_dir(&dir)
        .args(["check", "--format", "github", "--today", TODAY]);
    let out = run(cmd);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));

    let mut annotations = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("::") else {
            continue;
        };
        let (head, message) = rest
            .split_once("::")
            .unwrap_or_else(|| panic!("no `::message` in {line:?}"));
        let (level, props) = head
            .split_once(' ')
            .unwrap_or_else(|| panic!("no properties in {line:?}"));
        let props: BTreeMap<&str, &str> = props
            .split(',')
            .map(|p| {
                p.split_once('=')
                    .unwrap_or_else(|| panic!("bad property {p:?} in {line:?}"))
            })
            .collect();
        assert!(!message.trim().is_empty(), "empty message in {line:?}");
        annotations.push((
            level.to_owned(),
            props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ));
    }
    let count = |lvl: &str| annotations.iter().filter(|(l, _)| l == lvl).count();
    assert_eq!(count("error"), 11, "::error lines in\n{text}");
    assert_eq!(count("warning"), 4, "::warning lines in\n{text}");

    for &(sev, rule, file, line, col) in MANY {
        let found = annotations.iter().any(|(lvl, p)| {
            lvl == sev
                && p.get("file").is_some_and(|f| f.ends_with(file))
                && p.get("line").is_some_and(|l| *l == line.to_string())
                && p.get("col").is_some_and(|c| *c == col.to_string())
                && p.get("title").is_some_and(|t| t.contains(rule))
        });
        assert!(
            found,
            "no `::{sev} file=…{file},line={line},col={col},title=…{rule}…` in\n{text}"
        );
    }
}

// ---------------------------------------------------------------- the human format

/// Runs the human format from inside the fixture (so paths are the same
/// whether printed relative to the playbook or to the working directory).
fn human(dir: &Path) -> (i32, Vec<String>) {
    let mut cmd = mostbook();
    cmd.current_dir(dir).args(["check", "--today", TODAY]);
    let out = run(cmd);
    let lines = all_output(&out).lines().map(str::to_owned).collect();
    (out.status.code().unwrap(), lines)
}

/// Asserts a rustc-like block: `HEADER`, then ` --> …PATH:LINE:COL`, then the
/// source line `SOURCE` and a caret line whose `^` sits under column COL.
fn assert_human_block(lines: &[String], header: &str, path: &str, line: u64, col: u64, source: &str) {
    let all = lines.join("\n");
    let h = lines
        .iter()
        .position(|l| l.trim_start().starts_with(header))
        .unwrap_or_else(|| panic!("no line starting with `{header}` in\n{all}"));
    let arrow = format!("{path}:{line}:{col}");
    let a = lines[h..]
        .iter()
        .position(|l| {
            let t = l.trim();
            t.starts_with("-->") && t.ends_with(&arrow)
        })
        .map(|i| i + h)
        .unwrap_or_else(|| panic!("no ` --> …{arrow}` after `{header}` in\n{all}"));
    let s = lines[a..]
        .iter()
        .position(|l| l.contains('|') && l.ends_with(source))
        .map(|i| i + a)
        .unwrap_or_else(|| panic!("no source line `{source}` after ` --> {arrow}` in\n{all}"));
    let caret_line = lines[s + 1..]
        .iter()
        .find(|l| l.contains('^'))
        .unwrap_or_else(|| panic!("no caret line after `{source}` in\n{all}"));
    // the gutter `|` is at the same place on both lines; the text starts two
    // characters after it
    let chars = |l: &str| l.chars().collect::<Vec<_>>();
    let src = chars(&lines[s]);
    let car = chars(caret_line);
    let bar = src.iter().position(|&c| c == '|').unwrap();
    let caret = car.iter().position(|&c| c == '^').unwrap();
    let text_start = src.len() - source.chars().count();
    let target = text_start + (col as usize - 1);
    assert_eq!(
        caret - car.iter().position(|&c| c == '|').unwrap_or(bar),
        target - bar,
        "the `^` should sit under column {col} of `{source}`:\n{}\n{caret_line}",
        lines[s]
    );
}

#[test]
fn human_format_unknown_reference() {
    let (code, lines) = human(&fixture("rules/unknown-reference"));
    assert_eq!(code, 1);
    assert_human_block(
        &lines,
        "error[unknown-reference]",
        "content/linkedin/friday.md",
        4,
        9,
        "serves: strategies/paid-ads",
    );
    assert_human_block(
        &lines,
        "error[unknown-reference]",
        "content/linkedin/thursday-video.md",
        6,
        5,
        "  - funel",
    );
    let all = lines.join("\n");
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("= help:") && l.contains("funnel")),
        "no `= help: …funnel…` line in\n{all}"
    );
    let last = lines.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.contains('2') && last.contains("error"),
        "the output should end with a count of 2 errors: {last:?}"
    );
}

#[test]
fn human_format_warning() {
    let (code, lines) = human(&fixture("rules/smart-realistic"));
    assert_eq!(code, 0);
    assert_human_block(&lines, "warning[smart-realistic]", SIGNUPS, 2, 7, "step: objective");
    let last = lines.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.contains('1') && last.contains("warning"),
        "the output should end with a count of 1 warning: {last:?}"
    );
}

#[test]
fn human_format_broken_link_in_body() {
    let (code, lines) = human(&fixture("rules/broken-link"));
    assert_eq!(code, 1);
    let source = "See also [the old funnel](../strategies/old-funnel.md) and [[retired-tactic|the old one]].";
    assert_human_block(&lines, "error[broken-link]", TV, 13, 10, source);
    assert_human_block(&lines, "error[broken-link]", TV, 13, 60, source);
}

/// Did-you-means are rationed (50 per run). Links are resolved in parallel;
/// when the ration runs out, the files that get one must still be the first
/// ones in file order, the same on every run.
#[test]
fn rationed_did_you_means_go_to_the_first_files_on_every_run() {
    let dir = fresh_dir("ration");
    fs::create_dir_all(dir.join("content")).unwrap();
    fs::write(
        dir.join("playbook.yaml"),
        "title: T\nlanguage: en\nnetworks:\n  li: { name: LinkedIn }\n",
    )
    .unwrap();
    fs::write(dir.join("content/mission.md"), "---\nstep: mission\ntitle: M\n---\n").unwrap();
    for i in 1..=70 {
        fs::write(
            dir.join(format!("content/m{i:02}.md")),
            format!("---\nstep: mission\ntitle: M{i}\n---\nSee [x](missoin.md).\n"),
        )
        .unwrap();
    }
    let helped = |json: &Value| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "broken-link")
            .filter(|d| {
                d["help"]
                    .as_str()
                    .is_some_and(|h| h.contains("did you mean `mission.md`"))
            })
            .map(|d| d["file"].as_str().unwrap().to_owned())
            .collect()
    };
    let first: Vec<String> = (1..=50).map(|i| format!("content/m{i:02}.md")).collect();
    let (code, json) = check_json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(helped(&json), first);
    for _ in 0..4 {
        assert_eq!(check_json(&dir, &[]).1, json, "a run differs");
    }
}
