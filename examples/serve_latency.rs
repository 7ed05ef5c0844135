//! Edit-to-visible latency of `mostbook serve`: from a file saved to the
//! changed page served, measured as a browser sees it (the reload event on
//! `/__mostbook/events`, then the page fetched).
//!
//! ```text
//! cargo run --release --example serve_latency -- MOSTBOOK_BIN PLAYBOOK OUT [--edits N]
//! ```
//!
//! The playbook is edited in place (one tactic's body, saved as editors do:
//! a temporary file renamed over it) and restored at the end. Prints one
//! line per edit and a summary (min, median, p90, max in ms) on stdout.
//! `bench/serve.sh` runs it on generated playbooks of 1k and 10k elements.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut edits = 10usize;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--edits" {
            edits = args.get(i + 1).and_then(|n| n.parse().ok()).expect("--edits N");
            i += 2;
        } else {
            positional.push(args[i].clone());
            i += 1;
        }
    }
    let [bin, pb, out] = positional.as_slice() else {
        eprintln!("usage: serve_latency MOSTBOOK_BIN PLAYBOOK OUT [--edits N]");
        std::process::exit(2);
    };
    let pb = PathBuf::from(pb);
    let file = first_tactic(&pb.join("content")).expect("no tactic in the playbook");
    let rel = file
        .strip_prefix(pb.join("content"))
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let page = format!("/{}", rel.trim_end_matches(".md").to_owned() + ".html");
    let original = std::fs::read_to_string(&file).unwrap();

    let mut child = Command::new(bin)
        .arg("serve")
        .arg(&pb)
        .arg("-o")
        .arg(out)
        .args(["--port", "0", "--today", "2027-03-15"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run mostbook");
    let stderr = child.stderr.take().unwrap();
    let builds = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = builds.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("built ") {
                sink.lock().unwrap().push(line);
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("serving on http://")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    assert_eq!(get(&addr, &page).0, 200, "{page} is not served");

    let mut events = TcpStream::connect(&addr).unwrap();
    events
        .write_all(format!("GET /__mostbook/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    events.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut pending = String::new();
    wait_event(&mut events, &mut pending, "hello");

    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    let mut overhead = Vec::new();
    for n in 0..edits {
        let built_before = builds.lock().unwrap().len();
        let marker = format!("latency-marker-{n}-{}", std::process::id());
        let text = format!("{original}\n{marker}\n");
        let start = Instant::now();
        save(&file, &text);
        wait_event(&mut events, &mut pending, "reload");
        let t_event = start.elapsed();
        let (status, body) = get(&addr, &page);
        let t_page = start.elapsed();
        assert!(
            status == 200 && body.contains(&marker),
            "the page does not show edit {n}"
        );
        // The build's own time, from its summary line (`… in 0.61 s`).
        let wait = Instant::now();
        while builds.lock().unwrap().len() == built_before && wait.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let build_ms = builds.lock().unwrap()[built_before..]
            .iter()
            .filter_map(|l| l.split(" in ").nth(1)?.split(' ').next()?.parse::<f64>().ok())
            .sum::<f64>()
            * 1000.0;
        println!(
            "edit {n:>2}: reload event {:>7.1} ms, page served {:>7.1} ms, of which build {build_ms:>7.0} ms",
            ms(t_event),
            ms(t_page)
        );
        to_event.push(ms(t_event));
        to_page.push(ms(t_page));
        overhead.push(ms(t_page) - build_ms);
        std::thread::sleep(Duration::from_millis(300));
    }
    save(&file, &original);
    wait_event(&mut events, &mut pending, "reload");
    let _ = child.kill();
    let _ = child.wait();

    let last_build = builds.lock().unwrap().last().cloned().unwrap_or_default();
    println!("page {page}; last build: {last_build}");
    println!("reload event (ms): {}", summary(&mut to_event));
    println!("page served  (ms): {}", summary(&mut to_page));
    println!("minus build  (ms): {}", summary(&mut overhead));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(v: &mut [f64]) -> String {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!(
        "min {:.1}  median {:.1}  p90 {:.1}  max {:.1}  (n = {})",
        at(0.0),
        at(0.5),
        at(0.9),
        at(1.0),
        v.len()
    )
}

fn first_tactic(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in &entries {
        let p = e.path();
        if p.is_dir() {
            if let Some(f) = first_tactic(&p) {
                return Some(f);
            }
        } else if p.extension().is_some_and(|x| x == "md")
            && std::fs::read_to_string(&p).is_ok_and(|t| t.contains("step: tactic"))
        {
            return Some(p);
        }
    }
    None
}

fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(".{}.swp-save", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn wait_event(s: &mut TcpStream, pending: &mut String, name: &str) {
    let wanted = format!("event: {name}\n");
    loop {
        if let Some(at) = pending.find(&wanted)
            && let Some(end) = pending[at..].find("\n\n")
        {
            pending.drain(..at + end + 2);
            return;
        }
        let mut buf = [0u8; 8192];
        let n = s.read(&mut buf).expect("the event stream failed");
        assert!(n > 0, "the event stream ended");
        pending.push_str(&String::from_utf8_lossy(&buf[..n]).replace("\r\n", "\n"));
    }
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}
