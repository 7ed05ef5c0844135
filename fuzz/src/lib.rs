//! Shared by the fuzz targets: a worker thread with the pipeline's large stack
//! (parsers recurse; mostbook always parses on `mostbook::pool::STACK_SIZE`
//! stacks) and a scratch playbook on disk.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// Runs `f` on one long-lived thread with a `mostbook::pool::STACK_SIZE` stack.
/// A panic there aborts the process (libfuzzer-sys's panic hook), which libFuzzer
/// reports as a crash with the input that caused it.
pub fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    static WORKER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let tx = WORKER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(mostbook::pool::STACK_SIZE)
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .expect("spawn the worker");
        Mutex::new(tx)
    });
    let (rtx, rrx) = mpsc::sync_channel(1);
    tx.lock()
        .expect("worker lock")
        .send(Box::new(move || {
            let _ = rtx.send(f());
        }))
        .expect("worker alive");
    rrx.recv().expect("the worker died")
}

pub const PLAYBOOK_YAML: &str = "title: Fuzz\nnetworks:\n  li: { name: LinkedIn }\n  x: { name: X }\n";

/// A sound one-network playbook (mission → objective → strategy → tactic).
pub const SOUND: &[(&str, &str)] = &[
    (
        "content/li/mission.md",
        "---\nstep: mission\ntitle: M\n---\nWhy [[o]].\n",
    ),
    (
        "content/li/objectives/o.md",
        "---\nstep: objective\ntitle: O\nserves: li/mission\nmetric: m\nbaseline: 10\ntarget: 20\ncurrent: 15\nstart: 2027-01-01\ndue: 2027-12-31\nowner: A\n---\nWhat.\n\n## Plan\n",
    ),
    (
        "content/li/strategies/s.md",
        "---\nstep: strategy\ntitle: S\nserves: o\n---\nHow, see [o](../objectives/o.md#plan).\n",
    ),
    (
        "content/li/tactics/t.md",
        "---\nstep: tactic\ntitle: T\nserves: s\nformats: [text]\nschedule: { days: [tue], time: \"09:00\" }\n---\nWhen.\n",
    ),
];

/// A fresh scratch playbook folder (on /dev/shm when there is one), holding
/// the sound playbook; `files` are written over it.
pub fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("mostbook-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut all: Vec<(&str, &[u8])> = vec![("playbook.yaml", PLAYBOOK_YAML.as_bytes())];
    all.extend(SOUND.iter().map(|(p, t)| (*p, t.as_bytes())));
    all.extend_from_slice(files);
    for (p, bytes) in all {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
    }
    dir
}

/// Where the first input byte puts a fuzzed content file: at the top, in a
/// network folder, or in a step folder (network inferred from the folder).
pub fn content_path(selector: u8) -> &'static str {
    match selector % 4 {
        0 => "content/fuzz.md",
        1 => "content/li/fuzz.md",
        2 => "content/li/tactics/fuzz.md",
        _ => "content/x/strategies/fuzz.md",
    }
}

/// Renders the diagnostics of an analysis the three ways the CLI prints them
/// (human with source lines, JSON, GitHub annotations) and checks the basics.
pub fn render_all(a: &mostbook::analyze::Analysis) {
    use std::collections::HashMap;
    for d in &a.diags.list {
        assert!(d.pos.line >= 1 && d.pos.col >= 1, "{d:?}");
        assert!(!d.file.is_empty(), "{d:?}");
    }
    let sources: HashMap<String, String> = a.sources.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
    // Thousands of diagnostics on one long line take quadratic time to render
    // (a known issue, tests/hardening.rs `many_diagnostics_on_one_long_line_stay_linear`):
    // render the first few hundred so that the fuzzer keeps looking for others.
    let mut some = a.diags.clone();
    some.list.truncate(300);
    let _ = mostbook::diag::render_human(&some, &sources, false);
    let json = mostbook::diag::render_json(&a.diags);
    let _: serde_json::Value = serde_json::from_str(&json).expect("render_json prints JSON");
    let _ = mostbook::diag::render_github(&a.diags, "pb/");
}
