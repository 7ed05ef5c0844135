//! Rebuild time of a `watch` session after one edit, without the watcher and the server:
//! builds DIR once, then N times appends a sentence to one tactic and rebuilds
//! (told which file changed, as `serve` is by its watcher), printing each
//! rebuild's time and the median.
//!
//!     cargo run --release --example rebuild -- DIR OUT [N]
//!
//! With `MOSTBOOK_TIMINGS=1`, each build's phases and what it reused are printed too.

use mostbook::build::BuildOptions;
use mostbook::session::Session;
use std::path::PathBuf;
use std::time::Instant;

// The allocator the `mostbook` binary uses, so that the times are the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rebuild DIR OUT [N]");
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let dir = PathBuf::from(dir);
    let opts = BuildOptions {
        drafts: false,
        today: Some("2027-03-15".to_owned()),
        deny_warnings: false,
    };
    let mut session = Session::new(dir.clone(), PathBuf::from(out), opts);
    let t = Instant::now();
    if let Err(e) = session.build() {
        eprintln!("first build failed: {e}");
        std::process::exit(1);
    }
    println!("first build: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let tactics: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.to_string_lossy().contains("/tactics/"))
        .collect();
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    for k in 0..n {
        let f = &tactics[(k * 7919) % tactics.len()];
        let mut text = std::fs::read_to_string(f).expect("read a tactic");
        text.push_str(&format!("\nEdit number {k}.\n"));
        std::fs::write(f, text).expect("write a tactic");
        let t = Instant::now();
        let cpu0 = cpu_ms();
        // What a watcher would report, as `serve` passes it on.
        let rel = f
            .strip_prefix(&dir)
            .expect("below the playbook")
            .to_string_lossy()
            .replace('\\', "/");
        if let Err(e) = session.build_after(Some(&std::collections::BTreeSet::from([rel]))) {
            eprintln!("rebuild failed: {e}");
            std::process::exit(1);
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let cpu = cpu_ms() - cpu0;
        println!(
            "rebuild {k}: {ms:.0} ms, CPU {cpu:.0} ms (wrote {} files, reused {} pages/bodies)",
            session.last.written, session.last.rendered_reused
        );
        times.push(ms);
        cpus.push(cpu);
    }
    times.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    if !times.is_empty() {
        println!(
            "median rebuild: {:.0} ms, CPU {:.0} ms, over {n}",
            times[times.len() / 2],
            cpus[cpus.len() / 2]
        );
    }
}

/// CPU time used by the process so far (all threads, user + system), in ms; 0 where unknown.
fn cpu_ms() -> f64 {
    // /proc/self/stat: fields 14 and 15 are utime and stime, in clock ticks (100 per second on Linux).
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 =
        f.get(11).and_then(|s| s.parse().ok()).unwrap_or(0.0) + f.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    ticks * 10.0
}
