//! The built example in a real browser: Debian's headless Chromium opens the
//! pages from `file://` (as a reader who double-clicks `index.html` would),
//! and the tests read its console, the DOM after scripts ran, and screenshots.
//!
//! Without `/usr/bin/chromium` the tests are skipped with a message, except
//! under CI (`CI` set), where a missing browser is a failure (`.ci/run`
//! installs it). Screenshots go to `target/screenshots/` for people to look at.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
/// A page that has not settled after this long is a hung browser.
const TIMEOUT: Duration = Duration::from_secs(90);

/// `true` when the browser tests can run; panics under CI without a browser.
fn have_chromium() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{CHROMIUM} is missing but CI is set: the browser tests must run in CI (.ci/run installs chromium)");
    }
    eprintln!("SKIPPED: {CHROMIUM} not found; install Debian's `chromium` package to run the browser tests");
    false
}

/// The example, built once for all tests of this file.
struct Built {
    out: PathBuf,
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

fn site() -> &'static Built {
    static S: OnceLock<Built> = OnceLock::new();
    S.get_or_init(|| {
        clean_stale_tmp();
        let tmp = TempDir::new("shared-browser").leak();
        let pb = example_copy(&tmp);
        let out = tmp.join("site");
        build_ok(&pb, &out, &[]);
        Built {
            files: files(&out),
            out,
        }
    })
}

/// A `file://` URL for a path (percent-encoding what needs it).
fn file_url(path: &Path, query: &str) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str(query);
    url
}

/// What one Chromium run printed.
struct Run {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `url` with a fresh profile, plus `extra` flags.
fn chromium(url: &str, extra: &[String]) -> Run {
    let tmp = TempDir::new("chromium-profile");
    let profile = tmp.join("profile");
    let (out_path, err_path) = (tmp.join("stdout"), tmp.join("stderr"));
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("cannot start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Run {
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned(),
    }
}

/// The DOM after scripts ran (`--dump-dom`).
fn dump_dom(url: &str) -> Run {
    chromium(url, &["--dump-dom".to_owned()])
}

/// Console messages and uncaught exceptions Chromium logged to stderr.
fn console_problems(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn console_detector_sees_errors() {
    // Calibration: a page with a deliberate console error and an uncaught
    // exception must be caught, or the other tests prove nothing.
    if !have_chromium() {
        return;
    }
    let tmp = TempDir::new("calibrate");
    let bad = tmp.join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><head><script>console.error('deliberate console error'); \
         window.addEventListener('load', function () { missingFunction(); });</script></head>\
         <body><p id=\"x\">x</p></body></html>",
    )
    .unwrap();
    let run = dump_dom(&file_url(&bad, ""));
    let problems = console_problems(&run.stderr).join("\n");
    assert!(
        problems.contains("deliberate console error"),
        "the detector missed console.error:\n{}",
        run.stderr
    );
    assert!(
        problems.contains("Uncaught") && problems.contains("missingFunction"),
        "the detector missed an uncaught exception:\n{}",
        run.stderr
    );
    assert!(run.stdout.contains("id=\"x\""), "--dump-dom printed no DOM");
}

#[test]
fn pages_run_their_scripts_without_errors() {
    if !have_chromium() {
        return;
    }
    let site = site();
    let tactic = first_tactic_page(site);
    for page in [
        tactic.as_str(),
        "calendar.html",
        "print.html",
        "matrix.html",
        "networks/linkedin.html",
        "404.html",
    ] {
        let run = dump_dom(&file_url(&site.out.join(page), ""));
        let problems = console_problems(&run.stderr);
        assert!(
            problems.is_empty(),
            "{page}: console problems:\n{}",
            problems.join("\n")
        );
        let dom = parse_html(&run.stdout);
        // The script ran: it reveals the search form, hidden without JavaScript.
        let form = dom
            .find(|n| n.name == "form" && n.attr("role") == Some("search"))
            .unwrap_or_else(|| panic!("{page}: no search form in the DOM:\n{}", run.stdout));
        assert!(
            form.attr("hidden").is_none(),
            "{page}: the search form is still hidden: did mostbook.js run?"
        );
    }
}

/// The page of the first tactic (in path order) of the example.
fn first_tactic_page(site: &Built) -> String {
    let json: serde_json::Value = serde_json::from_slice(&site.files["playbook.json"]).unwrap();
    let mut urls: Vec<String> = json["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["step"] == "tactic")
        .map(|e| e["url"].as_str().unwrap().to_owned())
        .collect();
    urls.sort();
    urls.into_iter().next().expect("the example has no tactic")
}

/// A word (ASCII, 7+ letters) found, as the theme's search finds it, in one
/// tactic's body and nowhere else: not in its title, nor in any other entry.
fn word_only_in_one_tactic_body(site: &Built) -> (String, String) {
    let json: serde_json::Value = serde_json::from_slice(&site.files["playbook.json"]).unwrap();
    let tactics: Vec<String> = json["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["step"] == "tactic")
        .map(|e| e["url"].as_str().unwrap().to_owned())
        .collect();
    let js = String::from_utf8_lossy(&site.files["search-index.js"]).into_owned();
    let entries: Vec<serde_json::Value> = serde_json::from_str(
        js.strip_prefix("window.MOSTBOOK_SEARCH =")
            .expect("search-index.js")
            .trim()
            .trim_end_matches(';'),
    )
    .unwrap();
    let folded: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["u"].as_str().unwrap_or("").to_owned(),
                fold(e["t"].as_str().unwrap_or("")),
                fold(e["b"].as_str().unwrap_or("")),
            )
        })
        .collect();
    let mut candidates: Vec<(String, String)> = Vec::new();
    for (u, title, body) in &folded {
        if !tactics.contains(u) {
            continue;
        }
        for w in body.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() < 7 || title.contains(w) {
                continue;
            }
            let elsewhere = folded
                .iter()
                .any(|(u2, t2, b2)| t2.contains(w) || (u2 != u && b2.contains(w)));
            if !elsewhere {
                candidates.push((w.to_owned(), u.clone()));
            }
        }
    }
    candidates.sort();
    candidates
        .into_iter()
        .next()
        .expect("no word of a tactic's body is unique to it")
}

#[test]
fn query_in_the_url_runs_a_search_over_bodies() {
    if !have_chromium() {
        return;
    }
    let site = site();
    let (word, tactic) = word_only_in_one_tactic_body(site);
    eprintln!("searching `{word}`, found only in the body of {tactic}");
    let run = dump_dom(&file_url(&site.out.join("index.html"), &format!("?q={word}")));
    let problems = console_problems(&run.stderr);
    assert!(
        problems.is_empty(),
        "index.html?q={word}: console problems:\n{}",
        problems.join("\n")
    );
    let dom = parse_html(&run.stdout);
    let form = dom
        .find(|n| n.name == "form" && n.attr("role") == Some("search"))
        .expect("no search form");
    let results = form
        .find(|n| (n.name == "ol" || n.name == "ul") && !n.by_name("a").is_empty())
        .unwrap_or_else(|| {
            panic!(
                "index.html?q={word}: no results list in the search form:\n{}",
                run.stdout
            )
        });
    let hits: Vec<String> = results
        .hrefs()
        .iter()
        .filter_map(|h| resolve("index.html", h).ok())
        .collect();
    assert_eq!(
        hits,
        std::slice::from_ref(&tactic),
        "searching `{word}` (only in the body of {tactic}) should list exactly that tactic"
    );
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    Some((w, h))
}

#[test]
fn screenshots_at_desktop_and_phone_widths() {
    if !have_chromium() {
        return;
    }
    let site = site();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let tactic = "linkedin/tactics/etude-de-cas-mardi.html";
    let tactic = if site.files.contains_key(tactic) {
        tactic.to_owned()
    } else {
        first_tactic_page(site)
    };
    for (name, page) in [("index", "index.html"), ("tactic", tactic.as_str())] {
        for (device, w, h, min_bytes) in [("desktop", 1280, 900, 20_000), ("phone", 390, 844, 10_000)] {
            let png = dir.join(format!("{name}-{device}.png"));
            let _ = std::fs::remove_file(&png);
            let run = chromium(
                &file_url(&site.out.join(page), ""),
                &[
                    format!("--screenshot={}", png.display()),
                    format!("--window-size={w},{h}"),
                    "--hide-scrollbars".to_owned(),
                ],
            );
            let bytes = std::fs::read(&png)
                .unwrap_or_else(|e| panic!("no screenshot {} ({e}):\n{}", png.display(), run.stderr));
            assert_eq!(png_size(&bytes), Some((w, h)), "{}: not a {w}×{h} PNG", png.display());
            assert!(
                bytes.len() > min_bytes,
                "{}: {} bytes, too small to show a page",
                png.display(),
                bytes.len()
            );
            let problems = console_problems(&run.stderr);
            assert!(
                problems.is_empty(),
                "{page}: console problems:\n{}",
                problems.join("\n")
            );
        }
    }
}
