//! Live reload: the state of the last rebuild, its broadcast to open pages
//! over server-sent events, and the script injected into served pages.
//!
//! Every state has a generation, new for each successful build. A
//! page is served with the generation it shows; the events carry the current
//! one, so a page reloads when they differ — also when it was loaded just
//! before a build finished, or the server restarted. After a failed build the
//! events (and pages served meanwhile) carry the overlay; the next good build
//! is a new generation, so pages reload without it.

use hyper::body::Bytes;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// Where the live-reload machinery answers; no site file can be there
/// (hidden names are never served, and sites have no `__mostbook` folder).
pub const PREFIX: &str = "/__mostbook/";
pub const EVENTS: &str = "/__mostbook/events";
pub const SCRIPT: &str = "/__mostbook/live.js";

/// Events waiting for a slow client; past that it is dropped (it reconnects).
const CLIENT_BUFFER: usize = 16;

/// The state pages should show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct State {
    /// The generation of the site on disk.
    pub generation: String,
    /// A rebuild is running.
    pub building: bool,
    /// After a failed rebuild: the overlay's HTML.
    pub overlay: Option<String>,
}

pub struct Hub {
    inner: Mutex<Inner>,
    start: String,
}

struct Inner {
    state: Arc<State>,
    builds: u64,
    clients: Vec<mpsc::Sender<Bytes>>,
}

impl Hub {
    pub fn new() -> Hub {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let start = format!("{start:x}");
        Hub {
            inner: Mutex::new(Inner {
                state: Arc::new(State {
                    generation: format!("{start}-0"),
                    building: false,
                    overlay: None,
                }),
                builds: 0,
                clients: Vec::new(),
            }),
            start,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data: keep going.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn state(&self) -> Arc<State> {
        self.lock().state.clone()
    }

    /// A new client: its first event is the current state.
    pub fn subscribe(&self) -> mpsc::Receiver<Bytes> {
        let (tx, rx) = mpsc::channel(CLIENT_BUFFER);
        let mut inner = self.lock();
        let _ = tx.try_send(event("hello", &inner.state));
        inner.clients.retain(|c| !c.is_closed());
        inner.clients.push(tx);
        rx
    }

    /// A rebuild started.
    pub fn building(&self) {
        self.update("building", |s, _| s.building = true);
    }

    /// The new site is completely in place.
    pub fn built(&self) {
        self.update("reload", |s, generation| {
            s.generation = generation;
            s.building = false;
            s.overlay = None;
        });
    }

    /// The rebuild failed: the last good site stays, with this overlay.
    pub fn failed(&self, overlay: String) {
        self.update("failed", |s, _| {
            s.building = false;
            s.overlay = Some(overlay);
        });
    }

    fn update(&self, name: &str, f: impl FnOnce(&mut State, String)) {
        let mut inner = self.lock();
        inner.builds += 1;
        let generation = format!("{}-{}", self.start, inner.builds);
        let mut state = (*inner.state).clone();
        f(&mut state, generation);
        inner.state = Arc::new(state);
        let msg = event(name, &inner.state);
        // Closed clients, and clients too slow to take their events, are dropped.
        inner.clients.retain(|c| c.try_send(msg.clone()).is_ok());
    }

    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// One server-sent event: `event: NAME` and the state as JSON on one line.
fn event(name: &str, state: &State) -> Bytes {
    let data = serde_json::to_string(state).unwrap_or_else(|_| "{}".to_owned());
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// The first bytes of the event stream: how long the browser waits before reconnecting.
pub const STREAM_START: &[u8] = b"retry: 1000\n\n";

/// A comment line that keeps the stream open through proxies and finds dead clients.
pub const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

/// What goes before `</body>` in a served page: the overlay when the last
/// build failed, and the live script with the page's generation.
pub fn snippet(state: &State) -> String {
    let mut s = String::new();
    if let Some(overlay) = &state.overlay {
        s.push_str(overlay);
    }
    s.push_str(&format!(
        "<script src=\"{SCRIPT}\" data-mostbook-generation=\"{}\" defer></script>",
        super::overlay::escape(&state.generation)
    ));
    s
}

/// Puts `snippet` before the last `</body>` of `html` (or at its end).
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    const TAG: &[u8] = b"</body>";
    let at = html
        .windows(TAG.len())
        .rposition(|w| w.eq_ignore_ascii_case(TAG))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The script served at [`SCRIPT`].
pub const SCRIPT_JS: &str = r#"// mostbook serve: live reload and build errors (never part of a built site).
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me ? me.getAttribute("data-mostbook-generation") : null;
  var OVERLAY = "mostbook-overlay", BADGE = "mostbook-building";
  function dismiss(e) {
    var b = e.target.closest ? e.target.closest("[data-mostbook-dismiss]") : null;
    if (b) { var o = document.getElementById(OVERLAY); if (o) o.remove(); }
  }
  document.addEventListener("click", dismiss);
  function setOverlay(html) {
    var o = document.getElementById(OVERLAY);
    if (o) o.remove();
    if (html) document.body.insertAdjacentHTML("beforeend", html);
  }
  function setBadge(on) {
    var b = document.getElementById(BADGE);
    if (on && !b) {
      b = document.createElement("div");
      b.id = BADGE;
      b.setAttribute("role", "status");
      b.textContent = "rebuilding\u2026";
      b.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483647;padding:4px 10px;" +
        "border-radius:4px;background:#1b1b1f;color:#fff;font:13px/1.5 system-ui,sans-serif;opacity:.85";
      document.body.appendChild(b);
    } else if (!on && b) {
      b.remove();
    }
  }
  function apply(e) {
    var s;
    try { s = JSON.parse(e.data); } catch (_) { return; }
    if (generation !== null && s.generation !== generation) {
      if (s.building) { setBadge(true); } else { location.reload(); }
      return;
    }
    setBadge(s.building);
    setOverlay(s.overlay);
  }
  if (!window.EventSource) return;
  // Only visible pages listen: browsers allow 6 connections per server, and
  // a stream held by each of many open tabs would leave none to load pages.
  // A tab shown again asks for the state, and reloads if the site changed.
  var es = null;
  function connect() {
    if (es || document.visibilityState === "hidden") return;
    es = new EventSource("/__mostbook/events");
    ["hello", "building", "reload", "failed"].forEach(function (t) { es.addEventListener(t, apply); });
  }
  function disconnect() {
    if (es) { es.close(); es = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", "<script></script>");
        assert_eq!(out, b"<html><body><p>x</p><script></script></BODY></html>");
        let out = inject(b"<p>no body</p>", "<s>");
        assert_eq!(out, b"<p>no body</p><s>");
        let out = inject(b"<pre></body></pre></body>", "X");
        assert_eq!(out, b"<pre></body></pre>X</body>");
    }

    #[test]
    fn clients_get_the_state_then_each_change() {
        let hub = Hub::new();
        let mut rx = hub.subscribe();
        let hello = rx.try_recv().unwrap();
        assert!(hello.starts_with(b"event: hello\ndata: {\"generation\":"));
        hub.building();
        hub.failed("<div>bad</div>".into());
        hub.built();
        let names: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
            .map(|b| String::from_utf8_lossy(&b).lines().next().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["event: building", "event: failed", "event: reload"]);
        let s = hub.state();
        assert!(s.overlay.is_none() && !s.building);
        drop(rx);
        hub.building();
        assert_eq!(hub.clients(), 0);
    }

    #[test]
    fn a_failed_build_keeps_the_generation() {
        let hub = Hub::new();
        hub.built();
        let generation = hub.state().generation.clone();
        hub.failed("x".into());
        assert_eq!(hub.state().generation, generation);
        assert!(snippet(&hub.state()).starts_with('x'));
        hub.built();
        assert_ne!(hub.state().generation, generation);
        assert!(!snippet(&hub.state()).contains('x'));
    }
}
