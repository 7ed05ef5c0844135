//! Writes a synthetic playbook for benchmarks and tests.
//!
//! ```text
//! cargo run --release --example generate -- N OUT_DIR [--seed S]
//! ```
//!
//! `N` is the number of elements (missions, objectives, strategies, tactics);
//! the result passes `mostbook check --today 2027-03-15` cleanly. `OUT_DIR`
//! must be absent or empty: nothing of the user's is ever overwritten.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: generate N OUT_DIR [--seed S]";

fn main() -> ExitCode {
    let mut positional: Vec<String> = Vec::new();
    let mut seed: u64 = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--seed" || arg.starts_with("--seed=") {
            let value = match arg.strip_prefix("--seed=") {
                Some(v) => Some(v.to_string()),
                None => args.next(),
            };
            match value.and_then(|v| v.parse().ok()) {
                Some(s) => seed = s,
                None => return usage("--seed needs a non-negative integer"),
            }
        } else if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        } else if arg.starts_with('-') {
            return usage(&format!("unknown option `{arg}`"));
        } else {
            positional.push(arg);
        }
    }
    let [n, out] = positional.as_slice() else {
        return usage("expected N and OUT_DIR");
    };
    let Ok(n) = n.parse::<usize>() else {
        return usage(&format!("N must be a number, not `{n}`"));
    };
    let out = PathBuf::from(out);
    match std::fs::read_dir(&out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                eprintln!("error: {} is not empty; refusing to write into it", out.display());
                return ExitCode::from(2);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::from(2);
        }
    }
    let started = Instant::now();
    if let Err(e) = mostbook::generate::generate(&out, n, seed) {
        eprintln!("error: writing {}: {e}", out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "generated a playbook of ~{n} elements (seed {seed}) in {} in {:.2?}",
        out.display(),
        started.elapsed()
    );
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(2)
}
