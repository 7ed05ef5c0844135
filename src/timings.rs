//! Phase timings on stderr when `MOSTBOOK_TIMINGS` is set: how benchmarks see
//! where a build spends its time without a profiler.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MOSTBOOK_TIMINGS").is_some())
}

/// Runs `f`, printing how long it took as `phase` when timings are on.
pub fn time<R>(phase: &str, f: impl FnOnce() -> R) -> R {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let r = f();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let _ = writeln!(std::io::stderr(), "timing {phase:<24} {ms:>8.1} ms");
    r
}

/// Prints a count (`what`: `n`) when timings are on.
pub fn note(what: &str, n: usize) {
    if enabled() {
        let _ = writeln!(std::io::stderr(), "count  {what:<24} {n:>8}");
    }
}
