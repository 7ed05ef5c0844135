//! `mostbook serve` and `mostbook watch`, run as the real binary on a free
//! port and driven like a user: files created, edited, renamed, deleted and
//! broken, pages fetched with a tiny HTTP client, the live-reload stream
//! read as a browser would.
//!
//! Waiting is by polling with generous timeouts, never by fixed delays.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TODAY: &str = "2027-03-15";
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- fixtures

/// A scratch folder, removed when the test is over (after its server, which
/// is declared later and so dropped first).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh copy of the sound fixture in its own folder: `(folder, playbook)`.
fn playbook(name: &str) -> (Scratch, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "serve-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let pb = dir.join("pb");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sound"), &pb);
    (Scratch(dir), pb)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes `path` as an editor does: a temporary file renamed over it.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(".{}.tmp-save", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn tactic(title: &str) -> String {
    format!(
        "---\nstep: tactic\ntitle: {title}\nserves: blog\nformats: [text]\nschedule:\n  every: week\n  days: [mon]\n  time: \"09:00\"\n---\nA tactic written by the serve tests.\n"
    )
}

// ---------------------------------------------------------------- the binary

struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn serve(pb: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mostbook"))
            .arg("serve")
            .arg(pb)
            .args(["--port", "0", "--today", TODAY])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run mostbook");
        let log = collect(child.stderr.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("serving on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let url = match rx.recv_timeout(PATIENCE) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("no `serving on` line; stderr:\n{}", log.lock().unwrap());
            }
        };
        let addr = url
            .strip_prefix("http://")
            .and_then(|u| u.strip_suffix('/'))
            .unwrap_or_else(|| panic!("odd url {url}"))
            .to_owned();
        Server { child, addr, log }
    }

    fn watch(pb: &Path, out: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mostbook"))
            .arg("watch")
            .arg(pb)
            .arg("-o")
            .arg(out)
            .args(["--today", TODAY])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run mostbook");
        let log = collect(child.stderr.take().unwrap());
        Server {
            child,
            addr: String::new(),
            log,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Resp {
        get(&self.addr, path)
    }

    /// Polls `path` until `ok` holds.
    fn wait_page(&self, path: &str, what: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} at {path}: last status {}\n--- stderr:\n{}",
                    r.status,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn wait_log(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !ok(&self.log()) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}\n--- stderr:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Ctrl-C, then the exit status.
    fn interrupt(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                return (status, self.log());
            }
            assert!(Instant::now() < deadline, "still running after Ctrl-C:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let log = Arc::new(Mutex::new(String::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    log
}

// ---------------------------------------------------------------- HTTP

#[derive(Debug)]
struct Resp {
    status: u16,
    /// The head, lowercased.
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_owned())
        })
    }
}

/// Sends `raw` (a whole request) and reads the answer until the server closes.
fn request(addr: &str, raw: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("cannot connect");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Resp {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    Resp {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

fn get(addr: &str, path: &str) -> Resp {
    request(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A live-reload stream, read as a browser's EventSource does.
struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    fn connect(addr: &str) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(
                format!("GET /__mostbook/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
                    .as_bytes(),
            )
            .unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        Events {
            stream,
            buf: String::new(),
        }
    }

    /// The next event named `name` (others are skipped): its data.
    fn next(&mut self, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // Events end with a blank line; chunked framing lines are skipped.
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut event = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event: ") {
                        event = Some(e.trim().to_owned());
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data = Some(d.trim().to_owned());
                    }
                }
                if event.as_deref() == Some(name) {
                    return data.unwrap_or_default();
                }
            }
            assert!(Instant::now() < deadline, "no `{name}` event; got {:?}", self.buf);
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream ended"),
                Ok(n) => self
                    .buf
                    .push_str(&String::from_utf8_lossy(&chunk[..n]).replace("\r\n", "\n")),
                Err(_) => {} // read timeout: poll again
            }
        }
    }
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

// ---------------------------------------------------------------- tests

#[test]
fn edits_show_in_the_served_pages() {
    let (_dir, pb) = playbook("edits");
    let server = Server::serve(&pb, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.log());
    assert!(home.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(home.header("cache-control").as_deref(), Some("no-store"));

    // Created.
    let file = pb.join("content/x/tactics/brand-new.md");
    assert_eq!(server.get("/x/tactics/brand-new.html").status, 404);
    save(&file, &tactic("Brand new tactic"));
    let page = server.wait_page("/x/tactics/brand-new.html", "the new page", |r| r.status == 200);
    assert!(page.text().contains("Brand new tactic"));

    // Edited in place (not an atomic save).
    std::fs::write(&file, tactic("Edited tactic")).unwrap();
    server.wait_page("/x/tactics/brand-new.html", "the edit", |r| {
        r.text().contains("Edited tactic")
    });

    // Renamed.
    std::fs::rename(&file, pb.join("content/x/tactics/renamed.md")).unwrap();
    let page = server.wait_page("/x/tactics/renamed.html", "the renamed page", |r| r.status == 200);
    assert!(page.text().contains("Edited tactic"));
    assert_eq!(server.get("/x/tactics/brand-new.html").status, 404);

    // Deleted.
    std::fs::remove_file(pb.join("content/x/tactics/renamed.md")).unwrap();
    let gone = server.wait_page("/x/tactics/renamed.html", "the deletion", |r| r.status == 404);
    assert!(gone.header("content-type").unwrap().starts_with("text/html"));

    // The settings file too.
    let cfg = std::fs::read_to_string(pb.join("playbook.yaml")).unwrap();
    save(
        &pb.join("playbook.yaml"),
        &cfg.replace("Agence Lumière — réseaux sociaux 2027", "Agence Lumière — plan revu"),
    );
    server.wait_page("/", "the new title", |r| r.text().contains("plan revu"));
}

#[test]
fn the_reload_script_is_served_never_written() {
    let (_dir, pb) = playbook("script");
    let server = Server::serve(&pb, &[]);
    let page = server.get("/strategies/blog.html");
    assert_eq!(page.status, 200);
    let text = page.text();
    let script = text
        .find("/__mostbook/live.js")
        .expect("no live script in the served page");
    assert!(
        script < text.rfind("</body>").unwrap(),
        "the script is not before </body>"
    );
    let js = server.get("/__mostbook/live.js");
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().starts_with("text/javascript"));
    assert!(js.text().contains("EventSource"));
    // Only HTML gets it.
    for (path, ctype) in [
        ("/assets/mostbook.css", "text/css"),
        ("/calendar.ics", "text/calendar"),
        ("/graph.svg", "image/svg+xml"),
        ("/playbook.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(ctype),
            "{path}: {:?}",
            r.header("content-type")
        );
        assert!(!r.text().contains("__mostbook"), "{path} got the script");
    }
    // The files on disk are a plain build.
    let out = pb.join("public");
    for f in files_below(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__mostbook"),
            "{} holds the live script",
            f.display()
        );
    }
    // HEAD: the length of the page, no body.
    let head = request(
        &server.addr,
        format!(
            "HEAD /strategies/blog.html HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some(page.body.len().to_string()));
    // Folders: `/` is the overview, a folder without its slash is redirected.
    assert!(server.get("/").text().contains("/__mostbook/live.js"));
    let r = server.get("/networks");
    assert!(r.status == 404 || r.status == 301, "{}", r.status);
}

#[test]
fn a_bad_edit_shows_an_overlay_until_fixed() {
    let (_dir, pb) = playbook("overlay");
    let server = Server::serve(&pb, &[]);
    let file = pb.join("content/x/tactics/daily-thread.md");
    let good = std::fs::read_to_string(&file).unwrap();
    let before = server.get("/x/tactics/daily-thread.html").text();
    assert!(!before.contains("mostbook-overlay"));

    let mut events = Events::connect(&server.addr);
    let hello = events.next("hello");
    assert!(hello.contains("\"overlay\":null"), "{hello}");

    save(&file, &good.replace("serves: blog", "serves: <b>nowhere</b>"));
    let failed = events.next("failed");
    assert!(failed.contains("unknown-reference"), "{failed}");
    let page = server.wait_page("/x/tactics/daily-thread.html", "the overlay", |r| {
        r.text().contains("mostbook-overlay")
    });
    let text = page.text();
    assert_eq!(page.status, 200);
    assert!(text.contains("unknown-reference"), "no rule in the overlay");
    assert!(
        text.contains("content/x/tactics/daily-thread.md:4:"),
        "no file:line in the overlay"
    );
    assert!(
        text.contains("&lt;b&gt;nowhere&lt;/b&gt;"),
        "the message is not escaped"
    );
    assert!(
        !text.contains("<b>nowhere</b>"),
        "raw HTML from the playbook in the overlay"
    );
    // In the playbook's language (`language: fr`), over the last good site:
    // the page underneath is the one before the edit.
    assert!(
        text.contains("lang=\"fr\"") && text.contains("Cette page est la dernière version construite."),
        "the overlay does not speak French"
    );
    assert!(text.contains("Fil quotidien"));
    // Every page, also the ones loaded after the failure, and the 404 page.
    assert!(server.get("/").text().contains("mostbook-overlay"));
    let missing = server.get("/no-such-page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("mostbook-overlay"));
    // The terminal has the diagnostics, like `check`.
    server.wait_log("the diagnostics", |l| {
        l.contains("unknown-reference") && l.contains("content/x/tactics/daily-thread.md:4")
    });

    // The fix removes it.
    save(&file, &good);
    let reload = events.next("reload");
    assert!(reload.contains("\"overlay\":null"), "{reload}");
    let page = server.get("/x/tactics/daily-thread.html");
    assert!(!page.text().contains("mostbook-overlay"));
    assert!(!server.get("/").text().contains("mostbook-overlay"));
}

#[test]
fn the_event_stream_tells_pages_to_reload_after_an_edit() {
    let (_dir, pb) = playbook("events");
    let server = Server::serve(&pb, &[]);
    let r = request(
        &server.addr,
        format!(
            "HEAD /__mostbook/events HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(r.header("content-type").as_deref(), Some("text/event-stream"));

    let page = server.get("/mission.html").text();
    let generation = page
        .split("data-mostbook-generation=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("no generation in the page")
        .to_owned();
    let mut events = Events::connect(&server.addr);
    let hello = events.next("hello");
    assert!(hello.contains(&generation), "{hello} vs {generation}");

    let file = pb.join("content/mission.md");
    let text = std::fs::read_to_string(&file).unwrap();
    save(&file, &format!("{text}\nUne phrase de plus.\n"));
    let reload = events.next("reload");
    assert!(!reload.contains(&generation), "the generation did not change: {reload}");
    // The new page is in place when the event arrives.
    assert!(server.get("/mission.html").text().contains("Une phrase de plus."));
}

#[test]
fn only_real_changes_rebuild() {
    let (_dir, pb) = playbook("noise");
    let server = Server::serve(&pb, &[]);
    let content = pb.join("content");
    // Editors' droppings, and the server's own reads of the output.
    for name in [
        ".daily.md.swp",
        "daily.md~",
        "4913",
        ".#daily.md",
        "#daily.md#",
        "x.md.tmp",
    ] {
        std::fs::write(content.join(name), "junk").unwrap();
    }
    for _ in 0..20 {
        assert_eq!(server.get("/").status, 200);
    }
    let _ = std::fs::read_to_string(content.join("mission.md")).unwrap();
    let mut events = Events::connect(&server.addr);
    events.next("hello");
    let file = content.join("mission.md");
    let text = std::fs::read_to_string(&file).unwrap();
    save(&file, &format!("{text}\nEncore.\n"));
    events.next("reload");
    let log = server.log();
    let changes: Vec<&str> = log.lines().filter(|l| l.contains("changed:")).collect();
    assert_eq!(changes.len(), 1, "{log}");
    assert!(changes[0].ends_with("changed: content/mission.md"), "{log}");
}

#[test]
fn traversal_never_leaves_the_output() {
    let (dir, pb) = playbook("traversal");
    let secret = "TOP-SECRET-7d1f";
    std::fs::write(dir.join("secret.txt"), secret).unwrap();
    std::fs::write(pb.join("secret.txt"), secret).unwrap();
    let server = Server::serve(&pb, &[]);
    let attempts = [
        "/../secret.txt",
        "/../../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2f..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/.%2e/secret.txt",
        "/secret.txt%00.html",
        "/%00",
        "//etc/passwd",
        "/etc/passwd",
        "/.mostbook-output",
        "http://127.0.0.1/../secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/assets/../../secret.txt",
    ];
    for path in attempts {
        let r = request(
            &server.addr,
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                server.addr
            )
            .as_bytes(),
        );
        let body = r.text();
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {} ({body})",
            r.status
        );
        assert!(
            !body.contains(secret) && !body.contains("root:"),
            "{path} leaked a file"
        );
    }
    // Another site's pages cannot read it through a rebinding DNS name.
    let r = request(
        &server.addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 403);
    // Only GET and HEAD.
    let r = request(
        &server.addr,
        format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 405);
    // Still serving.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn slow_broken_and_many_clients_stall_nothing() {
    let (_dir, pb) = playbook("load");
    std::fs::create_dir_all(pb.join("static")).unwrap();
    std::fs::write(pb.join("static/big.bin"), vec![7u8; 8 << 20]).unwrap();
    let server = Server::serve(&pb, &[]);
    // Clients that never finish their request head.
    let mut stalled = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").unwrap();
        stalled.push(s);
    }
    // Event streams nobody reads.
    for _ in 0..5 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.write_all(b"GET /__mostbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        stalled.push(s);
    }
    // Clients that ask for a large file and read none of it, or leave mid-way.
    for i in 0..6 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        if i % 2 == 0 {
            let mut some = [0u8; 1000];
            let _ = s.read(&mut some);
            drop(s);
        } else {
            stalled.push(s);
        }
    }
    // A request head far too large is refused.
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let _ = s.write_all(huge.as_bytes());
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1 200"), "a 64 KiB head was accepted");

    // Meanwhile, many concurrent requests all get their answer…
    let addr = server.addr.clone();
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for j in 0..15 {
                    let path = ["/", "/mission.html", "/assets/mostbook.css", "/graph.svg", "/nope.html"][(i + j) % 5];
                    let r = get(&addr, path);
                    assert!(
                        r.status == 200 || (path == "/nope.html" && r.status == 404),
                        "{path}: {}",
                        r.status
                    );
                }
                let big = get(&addr, "/big.bin");
                assert_eq!(big.status, 200);
                assert_eq!(big.body.len(), 8 << 20);
            })
        })
        .collect();
    // …and a rebuild goes through.
    let file = pb.join("content/mission.md");
    let text = std::fs::read_to_string(&file).unwrap();
    save(&file, &format!("{text}\nPendant la charge.\n"));
    for w in workers {
        w.join().expect("a client failed");
    }
    server.wait_page("/mission.html", "the rebuild under load", |r| {
        r.text().contains("Pendant la charge.")
    });
    drop(stalled);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_playbook_broken_from_the_start_is_served_once_fixed() {
    let (_dir, pb) = playbook("broken-start");
    let file = pb.join("content/strategies/blog.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("---", "", 1)).unwrap();
    let server = Server::serve(&pb, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("mostbook-overlay"), "{}", r.text());
    assert!(r.text().contains("content/strategies/blog.md"));
    // No last good site to speak of: the overlay says so (in French, the playbook's language).
    assert!(r.text().contains("Rien n’est encore construit."), "{}", r.text());
    assert!(!r.text().contains("dernière version construite"), "{}", r.text());
    save(&file, &good);
    server.wait_page("/", "the first good build", |r| {
        r.status == 200 && !r.text().contains("mostbook-overlay")
    });
}

#[test]
fn a_port_in_use_is_exit_2() {
    let (_dir, pb) = playbook("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_mostbook"))
        .arg("serve")
        .arg(&pb)
        .args(["--port", &port, "--today", TODAY])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use") && err.contains(&port), "{err}");
    drop(taken);
}

#[test]
fn no_playbook_is_exit_2() {
    let (dir, _pb) = playbook("none");
    let out = Command::new(env!("CARGO_BIN_EXE_mostbook"))
        .arg("watch")
        .arg(&*dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("playbook.yaml"));
}

#[test]
fn ctrl_c_exits_0() {
    let (_dir, pb) = playbook("ctrl-c");
    let server = Server::serve(&pb, &[]);
    assert_eq!(server.get("/").status, 200);
    let (status, log) = server.interrupt();
    assert_eq!(status.code(), Some(0), "{log}");
    // Nothing half-written is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(&pb)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("mostbook-new") || n.contains("mostbook-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn watch_rebuilds_and_keeps_the_last_good_output() {
    let (dir, pb) = playbook("watch");
    let out = dir.join("site");
    let watcher = Server::watch(&pb, &out);
    watcher.wait_log("the first build", |l| l.contains("built "));
    let page = out.join("mission.html");
    let file = pb.join("content/mission.md");
    let text = std::fs::read_to_string(&file).unwrap();
    save(&file, &format!("{text}\nAjout du watch.\n"));
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(&page).is_ok_and(|t| t.contains("Ajout du watch.")) {
        assert!(Instant::now() < deadline, "no rebuild:\n{}", watcher.log());
        std::thread::sleep(Duration::from_millis(30));
    }
    let good = std::fs::read(&page).unwrap();
    // A broken playbook.yaml: diagnostics, and the output stays as it was.
    let cfg = pb.join("playbook.yaml");
    let cfg_text = std::fs::read_to_string(&cfg).unwrap();
    save(&cfg, "title: [unclosed\n");
    watcher.wait_log("the diagnostics", |l| {
        l.contains("playbook.yaml") && l.contains("unchanged")
    });
    assert_eq!(std::fs::read(&page).unwrap(), good);
    assert!(!String::from_utf8_lossy(&good).contains("__mostbook"));
    // Deleted and back, as some tools do.
    std::fs::remove_file(&cfg).unwrap();
    watcher.wait_log("the missing playbook", |l| l.contains("no playbook.yaml"));
    save(
        &cfg,
        &cfg_text.replace("Agence Lumière — réseaux sociaux 2027", "Revenu"),
    );
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(out.join("index.html")).is_ok_and(|t| t.contains("Revenu")) {
        assert!(
            Instant::now() < deadline,
            "no rebuild after the fix:\n{}",
            watcher.log()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    let (status, log) = watcher.interrupt();
    assert_eq!(status.code(), Some(0), "{log}");
}

#[test]
fn source_folders_can_come_and_go() {
    let (_dir, pb) = playbook("folders");
    let server = Server::serve(&pb, &[]);
    // static/ appears after the start.
    std::fs::create_dir_all(pb.join("static/docs")).unwrap();
    std::fs::write(pb.join("static/docs/note.txt"), "first").unwrap();
    let r = server.wait_page("/docs/note.txt", "a file of a new static folder", |r| r.status == 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    // content/ replaced wholesale (as `git checkout` of another branch may).
    let content = pb.join("content");
    let moved = pb.join("content-old");
    let rebuilds = |l: &str| l.lines().filter(|l| l.contains("changed:")).count();
    let before = rebuilds(&server.log());
    std::fs::rename(&content, &moved).unwrap();
    server.wait_log("a rebuild without content/", |l| rebuilds(l) > before);
    let before = rebuilds(&server.log());
    copy_dir(&moved, &content);
    server.wait_log("a rebuild with content/ back", |l| rebuilds(l) > before);
    // The new folder is watched.
    std::fs::write(content.join("x/tactics/later.md"), tactic("Later tactic")).unwrap();
    server.wait_page("/x/tactics/later.html", "a file in the re-created folder", |r| {
        r.status == 200 && r.text().contains("Later tactic")
    });
}

#[test]
fn editor_saves_and_bursts_build_once() {
    let (_dir, pb) = playbook("bursts");
    let server = Server::serve(&pb, &[]);
    let changes = |l: &str| l.lines().filter(|l| l.contains("changed:")).count();
    let mut events = Events::connect(&server.addr);
    events.next("hello");

    // Vim's save: a probe file, the original renamed to a backup, the new
    // text written, the backup deleted.
    let dir = pb.join("content/x/tactics");
    let file = dir.join("daily-thread.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::rename(&file, dir.join("daily-thread.md~")).unwrap();
    std::fs::write(&file, format!("{text}\nSauvé par vim.\n")).unwrap();
    std::fs::remove_file(dir.join("daily-thread.md~")).unwrap();
    events.next("reload");
    assert!(
        server
            .get("/x/tactics/daily-thread.html")
            .text()
            .contains("Sauvé par vim.")
    );
    let log = server.log();
    assert_eq!(changes(&log), 1, "{log}");
    assert!(log.contains("changed: content/x/tactics/daily-thread.md\n"), "{log}");

    // A tool writing many files at once (a checkout, a copy).
    let before = changes(&server.log());
    for i in 0..150 {
        std::fs::write(dir.join(format!("burst-{i:03}.md")), tactic(&format!("Burst {i}"))).unwrap();
    }
    server.wait_page("/x/tactics/burst-149.html", "the last file of the burst", |r| {
        r.status == 200
    });
    let log = server.log();
    let builds = changes(&log) - before;
    assert!(builds <= 3, "{builds} builds for one burst:\n{log}");
}
