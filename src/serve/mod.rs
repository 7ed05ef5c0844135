//! `mostbook watch` and `mostbook serve` (SPEC §3): build, then rebuild on
//! every change of the sources; `serve` also answers HTTP with the output
//! folder and reloads open pages.
//!
//! Threads: the file watcher's (notify), one builder thread that runs the
//! rebuilds one after the other (a change during a build queues exactly one
//! more), and for `serve` a small tokio runtime for the connections. Builds
//! go through a [`crate::session::Session`]: the first writes the site beside
//! the output and swaps it in whole, like `build`; later ones reuse what did
//! not change and write only the files that did, each renamed into place, so
//! the server always reads whole files; the reload event goes out once the
//! last one is in place.
//!
//! Nothing a playbook contains stops `watch`: a failed rebuild prints its
//! diagnostics, keeps the last good output, and (in `serve`) shows them over
//! every page until the next good build. Only the start can fail (exit 2):
//! no playbook, a refused output folder, a port in use. Ctrl-C exits 0, after
//! the build under way (if any) has finished writing.

pub mod live;
pub mod mime;
pub mod overlay;
pub mod path;
pub mod server;
pub mod watch;

use crate::build::{BuildError, BuildOptions};
use crate::cli::{OK, USAGE};
use crate::session::Session;
use live::Hub;
use overlay::Problem;
use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use watch::{Change, Watcher};

/// What to build, for both commands.
pub struct Options {
    pub dir: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
    pub today: Option<String>,
}

/// Where `serve` listens.
pub struct Listen {
    pub bind: IpAddr,
    /// 0 picks a free port (printed in the `serving on` line).
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

pub fn watch(opts: Options) -> i32 {
    run(opts, None)
}

pub fn serve(opts: Options, listen: Listen) -> i32 {
    run(opts, Some(listen))
}

/// Prints a line to stderr; a closed terminal is no reason to stop.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn run(opts: Options, listen: Option<Listen>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mostbook-serve")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say!("error: cannot start: {e}");
            return USAGE;
        }
    };
    // The port first: a port in use should not wait for a build to be reported.
    let listener = match &listen {
        Some(l) => match std::net::TcpListener::bind(SocketAddr::new(l.bind, l.port)) {
            Ok(listener) => Some(listener),
            Err(e) => {
                say!("error: {}", bind_error(SocketAddr::new(l.bind, l.port), &e));
                return USAGE;
            }
        },
        None => None,
    };
    let root = match opts.dir.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            say!("error: cannot read `{}`: {e}", opts.dir.display());
            return USAGE;
        }
    };
    if let Err(e) = crate::write::check_output(&opts.dir, &opts.out) {
        say!("error: {e}");
        return USAGE;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = match Watcher::start(&root, tx) {
        Ok(w) => w,
        Err(e) => {
            say!("error: {e}");
            return USAGE;
        }
    };
    let hub = Arc::new(Hub::new());
    let session = Session::new(
        opts.dir.clone(),
        opts.out.clone(),
        BuildOptions {
            drafts: opts.drafts,
            today: opts.today.clone(),
            deny_warnings: false,
        },
    );
    let builder = Arc::new(Builder {
        root: root.clone(),
        out: opts.out.clone(),
        session: Mutex::new(session),
        hub: listen.is_some().then(|| hub.clone()),
        lock: Mutex::new(0),
    });

    // Ctrl-C (or SIGTERM) from now on: stop once the build under way, if
    // any, has finished writing; a second one stops at once.
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    {
        let builder = builder.clone();
        runtime.spawn(async move {
            stop_signal().await;
            if builder.lock.try_lock().is_err() {
                say!("stopping after the build under way (Ctrl-C again to stop now)");
            }
            let _ = stop_tx.send(());
            stop_signal().await;
            std::process::exit(130);
        });
    }

    // The first build: a playbook with errors is served with its overlay; a
    // missing playbook or an unwritable output stops here.
    if let Outcome::Fatal = builder.build(None) {
        return USAGE;
    }
    if stop_rx.try_recv().is_ok() {
        return OK;
    }

    let stopping = Arc::new(AtomicBool::new(false));
    {
        let builder = builder.clone();
        let stopping = stopping.clone();
        let spawned = std::thread::Builder::new()
            .name("mostbook-rebuild".to_owned())
            .stack_size(crate::pool::STACK_SIZE)
            .spawn(move || rebuild_loop(&builder, &rx, watcher, &stopping));
        if let Err(e) = spawned {
            say!("error: cannot start the rebuild thread: {e}");
            return USAGE;
        }
    }

    let _guard = runtime.enter();
    if let (Some(listener), Some(listen)) = (listener, &listen) {
        let listener = match listener
            .set_nonblocking(true)
            .and_then(|()| listener.local_addr().map(|a| (a, listener)))
            .and_then(|(a, l)| tokio::net::TcpListener::from_std(l).map(|l| (a, l)))
        {
            Ok(l) => l,
            Err(e) => {
                say!("error: cannot serve: {e}");
                return USAGE;
            }
        };
        let (addr, listener) = listener;
        let site = Arc::new(server::Site {
            out: absolute(&opts.out),
            hub: hub.clone(),
            loopback_only: addr.ip().is_loopback(),
        });
        runtime.spawn(server::run(listener, site));
        let url = url(addr);
        // stdout, one line, flushed: scripts and tests read the address there.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "serving on {url}");
        let _ = stdout.flush();
        if addr.ip().is_unspecified() {
            say!("warning: listening on every network interface: anyone on the network can read the playbook");
        }
        if listen.open {
            open_browser(&url);
        }
    }
    say!("watching `{}` for changes (Ctrl-C to stop)", opts.dir.display());

    let _ = runtime.block_on(stop_rx);
    stopping.store(true, Ordering::SeqCst);
    let _held = builder.lock.lock().unwrap_or_else(|e| e.into_inner());
    // Leave at once: open connections and the watcher end with the process.
    let _ = std::io::stderr().flush();
    std::process::exit(OK);
}

/// `--bind`: an IP address, or `localhost`.
pub fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("`{s}` is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0) nor `localhost`"))
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "cannot serve on {addr}: the port is already in use (another `mostbook serve`?); choose another with --port"
        ),
        std::io::ErrorKind::PermissionDenied => {
            format!("cannot serve on {addr}: permission denied (ports below 1024 need privileges; try --port 4000)")
        }
        std::io::ErrorKind::AddrNotAvailable => {
            format!(
                "cannot serve on {addr}: no network interface has the address {}",
                addr.ip()
            )
        }
        _ => format!("cannot serve on {addr}: {e}"),
    }
}

/// The address to print: a wildcard bind is reachable at loopback.
fn url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reap it when it ends, without waiting here.
        Ok(mut child) => {
            let _ = std::thread::Builder::new().spawn(move || child.wait());
        }
        Err(e) => say!("warning: cannot open a browser ({e}); open {url} yourself"),
    }
}

// ---------------------------------------------------------------- building

struct Builder {
    /// The playbook folder, absolute and resolved (as watched).
    root: PathBuf,
    /// The output folder.
    out: PathBuf,
    /// Reuses what did not change from one build to the next.
    session: Mutex<Session>,
    /// `serve` only: where pages learn about builds.
    hub: Option<Arc<Hub>>,
    /// Held during a build: stopping waits for it. Holds the digest of the
    /// sources taken before the last build ([`watch::fingerprint`]).
    lock: Mutex<u64>,
}

enum Outcome {
    Built,
    /// The playbook or a template is wrong: the last good site stays.
    Failed,
    /// Not the playbook's fault (no playbook, the output folder): fatal at the start only.
    Fatal,
}

impl Builder {
    /// Whether the output folder holds a site to show (under an overlay).
    fn has_site(&self) -> bool {
        self.out.join("index.html").is_file()
    }

    /// Builds; `changed`: the paths the watcher saw change, if any.
    fn build(&self, changed: Option<&BTreeSet<String>>) -> Outcome {
        let mut digest = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        // The digest of the sources is taken beside the build, not before it.
        // Not for an edit of content files alone: such a build reads only
        // them (no flood of events to lose), and walking every source beside
        // it would slow it down. The digest is then older than the build: a
        // later rescan finds a difference and builds once more, that is all.
        let edit = changed.is_some_and(|paths| paths.iter().all(|p| p.starts_with("content/") && p.ends_with(".md")));
        let root = self.root.clone();
        let fingerprint = (!edit).then(|| {
            std::thread::Builder::new()
                .name("mostbook-digest".to_owned())
                .spawn(move || watch::fingerprint(&root))
        });
        if let Some(hub) = &self.hub {
            hub.building();
        }
        let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.build_after(changed)));
        if result.is_err() {
            // What a build that crashed half-way kept is not trusted.
            session.forget();
        }
        drop(session);
        let (outcome, problems) = judge(&result);
        // Pages first: the browser reloads while the terminal is written.
        if let Some(hub) = &self.hub {
            match outcome {
                Outcome::Built => hub.built(),
                _ => {
                    // playbook.yaml is read again, outside the build's guard:
                    // whatever broke the build must not take the builder down.
                    let lang = std::panic::catch_unwind(|| overlay::language(&self.root)).unwrap_or_default();
                    hub.failed(overlay::render(&problems, self.has_site(), lang));
                }
            }
        }
        report(&result);
        match fingerprint {
            Some(Ok(thread)) => *digest = thread.join().unwrap_or(0),
            Some(Err(_)) => *digest = watch::fingerprint(&self.root),
            None => {}
        }
        // A large playbook takes a while to free: not on the way of the next build.
        let _ = std::thread::Builder::new().spawn(move || drop(result));
        outcome
    }
}

type BuildResult = std::thread::Result<Result<crate::build::BuildReport, BuildError>>;

/// What a build's result means, and the problems to show over the pages.
fn judge(result: &BuildResult) -> (Outcome, Vec<Problem>) {
    match result {
        Ok(Ok(_)) => (Outcome::Built, Vec::new()),
        Ok(Err(BuildError::Playbook(analysis))) => {
            let mut problems = overlay::from_analysis(analysis);
            if problems.is_empty() {
                problems.push(Problem::other("invalid-config", "playbook.yaml cannot be used"));
            }
            (Outcome::Failed, problems)
        }
        Ok(Err(e @ BuildError::Template(_))) => (Outcome::Failed, vec![Problem::other("template", e.to_string())]),
        Ok(Err(e @ (BuildError::Analyze(_) | BuildError::Write(_)))) => {
            (Outcome::Fatal, vec![Problem::other("build", e.to_string())])
        }
        Err(panic) => (
            Outcome::Failed,
            vec![Problem::other("internal-error", crash_message(panic))],
        ),
    }
}

fn crash_message(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".to_owned());
    format!(
        "mostbook crashed while building ({what}); this is a bug in mostbook, please report it with the file you changed"
    )
}

/// Prints a build's outcome like `build` does: diagnostics, then one line.
fn report(result: &BuildResult) {
    match result {
        Ok(Ok(report)) => {
            if !report.analysis.diags.list.is_empty() {
                crate::cli::print_human(&report.analysis);
            }
            say!("{}", report.summary());
        }
        Ok(Err(BuildError::Playbook(analysis))) => {
            crate::cli::print_human(analysis);
            say!("the site is unchanged: fix the problems above and save");
        }
        Ok(Err(e @ BuildError::Template(_))) => {
            say!("error: {e}");
            say!("the site is unchanged: fix the template and save");
        }
        Ok(Err(e)) => say!("error: {e}"),
        Err(panic) => say!("error: {}", crash_message(panic.as_ref())),
    }
}

/// The longest wait for a burst of changes to end before building anyway.
const MAX_SETTLE: Duration = Duration::from_secs(2);

fn rebuild_loop(builder: &Builder, rx: &Receiver<Change>, mut watcher: Watcher, stopping: &AtomicBool) {
    while let Ok(first) = rx.recv() {
        // Everything that arrived meanwhile (during the last build) is one more build.
        let mut paths = BTreeSet::new();
        let mut unknown = Vec::new();
        take(first, &mut paths, &mut unknown);
        while let Ok(change) = rx.try_recv() {
            take(change, &mut paths, &mut unknown);
        }
        // The debouncer hands over each file once it is quiet, so one save
        // (a file, its backup, a swap file) may come in two batches a tick
        // apart: wait one tick for the rest. Many files are a tool at work
        // (`git checkout`, a copy, a formatter) whose events stream in for as
        // long as it writes: wait until they stop, for one build of the end
        // result rather than one of a half-written state.
        let until = Instant::now() + MAX_SETTLE;
        while Instant::now() < until {
            let quiet = if paths.len() > 1 {
                watch::DEBOUNCE
            } else {
                watch::TICK + Duration::from_millis(3)
            };
            match rx.recv_timeout(quiet) {
                Ok(change) => take(change, &mut paths, &mut unknown),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        for why in &unknown {
            say!("warning: watching for changes: {why}");
        }
        // Only a rescan (events were lost) or an error: rebuild if something did change.
        if paths.iter().all(String::is_empty) {
            let last = *builder.lock.lock().unwrap_or_else(|e| e.into_inner());
            if watch::fingerprint(&builder.root) == last {
                continue;
            }
        }
        for warning in watcher.refresh(&paths) {
            say!("warning: {warning}");
        }
        say!("\n{} {}", clock(), describe(&paths, !unknown.is_empty()));
        // A panic in printing (never in building: it is caught) must not end watching.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build(Some(&paths))));
    }
}

fn take(change: Change, paths: &mut BTreeSet<String>, unknown: &mut Vec<String>) {
    match change {
        Change::Paths(p) => paths.extend(p),
        Change::Unknown(why) => unknown.push(why),
    }
}

fn clock() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

/// `changed: content/a.md`, `changed: content/a.md and 3 more`.
fn describe(paths: &BTreeSet<String>, unknown: bool) -> String {
    let named: Vec<&String> = paths.iter().filter(|p| !p.is_empty()).collect();
    match (named.first(), named.len()) {
        (None, _) if unknown => "rebuilding after a watcher error".to_owned(),
        (None, _) => "changed: the playbook folder".to_owned(),
        (Some(p), 1) => format!("changed: {p}"),
        (Some(p), n) => format!("changed: {p} and {} more", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let a = |s: &str| url(s.parse().unwrap());
        assert_eq!(a("127.0.0.1:4000"), "http://127.0.0.1:4000/");
        assert_eq!(a("0.0.0.0:80"), "http://127.0.0.1:80/");
        assert_eq!(a("[::1]:4000"), "http://[::1]:4000/");
        assert_eq!(a("[::]:4000"), "http://[::1]:4000/");
    }

    #[test]
    fn bind_addresses() {
        assert_eq!(parse_bind("localhost").unwrap().to_string(), "127.0.0.1");
        assert_eq!(parse_bind("0.0.0.0").unwrap().to_string(), "0.0.0.0");
        assert_eq!(parse_bind("[::1]").unwrap().to_string(), "::1");
        assert!(parse_bind("example.com").is_err());
    }

    #[test]
    fn descriptions() {
        let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(describe(&set(&["content/a.md"]), false), "changed: content/a.md");
        assert_eq!(
            describe(&set(&["content/a.md", "content/b.md", "static/x.css"]), false),
            "changed: content/a.md and 2 more"
        );
        assert_eq!(describe(&set(&[]), true), "rebuilding after a watcher error");
    }
}
