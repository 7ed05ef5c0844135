//! Phase timings on stderr when `MOSTBOOK_TIMINGS` is set: how benchmarks see
//! where a build spends its time without a profiler.

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
    eprintln!("timing {phase:<24} {:>8.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    r
}
