//! The HTTP server of `mostbook serve`: the output folder, read-only, plus
//! the live-reload endpoints under `/__mostbook/`.
//!
//! Every connection is a task of its own: a slow or vanished client holds
//! only its task. Request heads are bounded in size and in time, a
//! connection that moves no byte for [`IDLE_LIMIT`] is closed (a client that
//! stops reading its response, a forgotten keep-alive connection), and at
//! most [`MAX_CONNECTIONS`] are open at once. Files are read on tokio's
//! blocking threads, never on the tasks that run connections; the rebuild
//! runs on a thread of its own.

use super::live::{self, Hub};
use super::mime;
use super::path::{self, Found, SitePath};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};

/// Connections open at once; more are closed as soon as accepted.
pub const MAX_CONNECTIONS: usize = 512;
/// A request head must arrive within this time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers).
const MAX_HEADER_SIZE: usize = 16 * 1024;
/// A connection that moves no byte for this long is closed.
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// Live-reload streams send a comment this often, so dead clients are found.
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);
/// Files up to this size are read at once; larger ones are streamed.
const READ_WHOLE: u64 = 256 * 1024;
const CHUNK: usize = 64 * 1024;

/// What the server serves.
pub struct Site {
    /// The output folder.
    pub out: PathBuf,
    pub hub: Arc<Hub>,
    /// Bound to a loopback address: only `localhost` and IP literals are
    /// accepted as `Host` (so a web page cannot reach the server through a
    /// rebinding DNS name).
    pub loopback_only: bool,
}

/// Accepts connections until the process ends.
pub async fn run(listener: TcpListener, site: Arc<Site>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a connection reset before accept: wait, go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let site = site.clone();
        tokio::spawn(async move {
            connection(stream, site).await;
            drop(slot);
        });
    }
}

async fn connection(stream: TcpStream, site: Arc<Site>) {
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        clock: clock.clone(),
    });
    let service = hyper::service::service_fn(move |req| {
        let site = site.clone();
        async move { Ok::<_, Infallible>(handle(&site, req).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_SIZE)
        .max_headers(64)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    loop {
        tokio::select! {
            _ = &mut conn => return,
            _ = tokio::time::sleep(IDLE_LIMIT / 4) => {
                if clock.idle() >= IDLE_LIMIT {
                    return;
                }
            }
        }
    }
}

/// When a connection last moved a byte.
struct Clock {
    start: Instant,
    last_ms: AtomicU64,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }
    fn tick(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }
    fn idle(&self) -> Duration {
        self.start
            .elapsed()
            .saturating_sub(Duration::from_millis(self.last_ms.load(Ordering::Relaxed)))
    }
}

/// A socket that notes each byte it moves on its [`Clock`].
struct Watched {
    inner: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.tick();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.clock.tick();
        }
        r
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.clock.tick();
        }
        r
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

// ------------------------------------------------------------------ bodies

/// The body of a response: bytes in memory, a file, or the event stream.
pub enum Body {
    Bytes(Option<Bytes>),
    File(FileBody),
    Events(Events),
}

pub struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
    buf: Vec<u8>,
}

pub struct Events {
    rx: mpsc::Receiver<Bytes>,
    keep_alive: tokio::time::Interval,
    started: bool,
}

impl Body {
    fn bytes(b: impl Into<Bytes>) -> Body {
        Body::Bytes(Some(b.into()))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Body::Bytes(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b)))),
            Body::File(f) => {
                if f.remaining == 0 {
                    return Poll::Ready(None);
                }
                let want = usize::try_from(f.remaining).unwrap_or(CHUNK).min(CHUNK);
                f.buf.resize(want, 0);
                let mut rb = ReadBuf::new(&mut f.buf);
                match Pin::new(&mut f.file).poll_read(cx, &mut rb) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(())) => {
                        let n = rb.filled().len();
                        if n == 0 {
                            // The file shrank: end here (hyper closes the connection).
                            f.remaining = 0;
                            return Poll::Ready(Some(Err(std::io::ErrorKind::UnexpectedEof.into())));
                        }
                        f.remaining -= n as u64;
                        Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(&f.buf[..n])))))
                    }
                }
            }
            Body::Events(ev) => {
                if !ev.started {
                    ev.started = true;
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(live::STREAM_START)))));
                }
                match ev.rx.poll_recv(cx) {
                    Poll::Ready(Some(b)) => return Poll::Ready(Some(Ok(Frame::data(b)))),
                    // Dropped by the hub (too slow): end; the browser reconnects.
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => {}
                }
                match ev.keep_alive.poll_tick(cx) {
                    Poll::Ready(_) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(live::KEEP_ALIVE))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Bytes(b) => b.as_ref().is_none_or(Bytes::is_empty),
            Body::File(f) => f.remaining == 0,
            Body::Events(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::File(f) => SizeHint::with_exact(f.remaining),
            Body::Events(_) => SizeHint::default(),
        }
    }
}

// ---------------------------------------------------------------- requests

async fn handle(site: &Site, req: Request<Incoming>) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if site.loopback_only && !host_ok(req.headers().get(header::HOST)) {
        return text(
            StatusCode::FORBIDDEN,
            "mostbook serve answers only to localhost and IP addresses (see --bind)\n",
        );
    }
    let head = req.method() == Method::HEAD;
    let uri_path = req.uri().path();
    let mut response = if uri_path == live::EVENTS {
        events(site)
    } else if uri_path == live::SCRIPT {
        with_type(
            Response::new(Body::bytes(live::SCRIPT_JS)),
            "text/javascript; charset=utf-8",
        )
    } else if uri_path.starts_with(live::PREFIX) {
        text(StatusCode::NOT_FOUND, "not found\n")
    } else {
        match path::parse(uri_path) {
            Ok(p) => file(site, p, req.uri().query()).await,
            Err(path::BadPath::Hidden) => not_found(site).await,
            Err(_) => text(StatusCode::BAD_REQUEST, "bad request path\n"),
        }
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if head {
        // Keep the length of the body a GET would get, send none.
        let len = hyper::body::Body::size_hint(response.body()).exact();
        if let Some(len) = len {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        *response.body_mut() = Body::Bytes(None);
    }
    response
}

/// `Host` names a loopback server: `localhost`, `*.localhost` or an IP literal.
fn host_ok(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host else {
        return true; // HTTP/1.0
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let lower = name.to_ascii_lowercase();
    lower == "localhost" || lower.ends_with(".localhost") || name.parse::<IpAddr>().is_ok()
}

fn events(site: &Site) -> Response<Body> {
    let mut keep_alive = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE_EVERY, KEEP_ALIVE_EVERY);
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let body = Body::Events(Events {
        rx: site.hub.subscribe(),
        keep_alive,
        started: false,
    });
    let mut r = with_type(Response::new(body), "text/event-stream");
    r.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// What the blocking part found.
enum Loaded {
    Html(Vec<u8>),
    Small(Vec<u8>, &'static str),
    Large(std::fs::File, u64, &'static str),
    AddSlash,
    /// With the site's `404.html`, if it has one.
    NotFound(Option<Vec<u8>>),
    Failed,
}

async fn file(site: &Site, p: SitePath, query: Option<&str>) -> Response<Body> {
    // The state is read before the file: a page may be newer than the
    // generation it carries (one reload too many), never older.
    let state = site.hub.state();
    let out = site.out.clone();
    let location = (!p.segments.is_empty()).then(|| slash_location(&p.segments, query));
    let building = state.building;
    let loaded = tokio::task::spawn_blocking(move || load(&out, &p, building))
        .await
        .unwrap_or(Loaded::Failed);
    match loaded {
        Loaded::Html(html) => html_response(StatusCode::OK, &html, &state),
        Loaded::Small(bytes, ctype) => with_type(Response::new(Body::bytes(bytes)), ctype),
        Loaded::Large(f, len, ctype) => with_type(
            Response::new(Body::File(FileBody {
                file: tokio::fs::File::from_std(f),
                remaining: len,
                buf: Vec::new(),
            })),
            ctype,
        ),
        Loaded::AddSlash => {
            let mut r = text(StatusCode::MOVED_PERMANENTLY, "moved\n");
            if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                r.headers_mut().insert(header::LOCATION, loc);
            }
            r
        }
        Loaded::NotFound(page) => not_found_page(page, &state),
        Loaded::Failed => text(StatusCode::INTERNAL_SERVER_ERROR, "could not read the file\n"),
    }
}

/// The site's 404 page (or ours), with status 404.
async fn not_found(site: &Site) -> Response<Body> {
    let state = site.hub.state();
    let out = site.out.clone();
    let page = tokio::task::spawn_blocking(move || read_not_found(&out))
        .await
        .unwrap_or(None);
    not_found_page(page, &state)
}

fn not_found_page(page: Option<Vec<u8>>, state: &live::State) -> Response<Body> {
    let page = page.unwrap_or_else(|| NOT_FOUND_PAGE.as_bytes().to_vec());
    html_response(StatusCode::NOT_FOUND, &page, state)
}

fn html_response(status: StatusCode, html: &[u8], state: &live::State) -> Response<Body> {
    let page = live::inject(html, &live::snippet(state));
    let mut r = with_type(Response::new(Body::bytes(page)), "text/html; charset=utf-8");
    *r.status_mut() = status;
    r
}

/// Reads what `p` names in `out` (blocking). `building`: a rebuild is running.
fn load(out: &Path, p: &SitePath, building: bool) -> Loaded {
    for _ in 0..50 {
        match path::find(out, p) {
            Found::File(f) => return open(&f).unwrap_or(Loaded::Failed),
            Found::AddSlash => return Loaded::AddSlash,
            // While a build swaps the new site in, the output folder is
            // missing for an instant: look again rather than answer 404.
            Found::NotFound if building && !out.exists() => std::thread::sleep(Duration::from_millis(10)),
            Found::NotFound => break,
        }
    }
    Loaded::NotFound(read_not_found(out))
}

/// The site's `404.html`, if it has one (blocking).
fn read_not_found(out: &Path) -> Option<Vec<u8>> {
    let page = SitePath {
        segments: vec!["404.html".to_owned()],
        trailing_slash: false,
    };
    match path::find(out, &page) {
        Found::File(f) => std::fs::read(f).ok(),
        _ => None,
    }
}

fn open(f: &Path) -> std::io::Result<Loaded> {
    let mut file = std::fs::File::open(f)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let ctype = mime::content_type(f);
    if mime::is_html(f) {
        let mut html = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut html)?;
        return Ok(Loaded::Html(html));
    }
    if meta.len() <= READ_WHOLE {
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        return Ok(Loaded::Small(bytes, ctype));
    }
    Ok(Loaded::Large(file, meta.len(), ctype))
}

/// `/a/b/` from checked segments, each percent-encoded again (never `//host`).
fn slash_location(segments: &[String], query: Option<&str>) -> String {
    let mut loc = String::new();
    for s in segments {
        loc.push('/');
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                loc.push(b as char);
            } else {
                loc.push_str(&format!("%{b:02X}"));
            }
        }
    }
    loc.push('/');
    if let Some(q) = query.filter(|q| q.bytes().all(|b| b.is_ascii_graphic())) {
        loc.push('?');
        loc.push_str(q);
    }
    loc
}

fn with_type(mut r: Response<Body>, ctype: &'static str) -> Response<Body> {
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

fn text(status: StatusCode, msg: &'static str) -> Response<Body> {
    let mut r = with_type(Response::new(Body::bytes(msg)), "text/plain; charset=utf-8");
    *r.status_mut() = status;
    r
}

/// When the site has no `404.html` (not built yet, or a theme without one).
const NOT_FOUND_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Not found</title></head>\
<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
<h1>Not found</h1><p>There is no such page in this playbook. <a href=\"/\">Go to the overview</a>.</p>\
</body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let ok = |h: &str| host_ok(Some(&HeaderValue::from_str(h).unwrap()));
        assert!(ok("localhost:4000"));
        assert!(ok("LOCALHOST"));
        assert!(ok("app.localhost:4000"));
        assert!(ok("127.0.0.1:4000"));
        assert!(ok("[::1]:4000"));
        assert!(ok("192.168.1.5"));
        assert!(!ok("evil.example:4000"));
        assert!(!ok("localhost.evil.example"));
        assert!(host_ok(None));
    }

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(slash_location(&["networks".into()], None), "/networks/");
        assert_eq!(slash_location(&["evil.com".into()], None), "/evil.com/");
        assert_eq!(
            slash_location(&["a b".into(), "é".into()], Some("q=1")),
            "/a%20b/%C3%A9/?q=1"
        );
    }
}
