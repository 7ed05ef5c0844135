//! The command line (SPEC §3). Exit status: 0 success, 1 playbook errors
//! (or warnings under `--deny-warnings`), 2 bad usage or I/O failure.

use crate::analyze::{Analysis, analyze, fails};
use crate::diag::{render_github, render_human, render_json, summary_line};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "mostbook",
    version,
    about = "Check and publish social-media strategy playbooks written with the MOST method"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new playbook: one element per step for each network
    Init {
        /// The folder to create the playbook in
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The language of the interface and of the starter files
        #[arg(long, value_enum, default_value_t = Lang::En)]
        language: Lang,
        /// The networks, comma-separated (e.g. linkedin,x,instagram)
        #[arg(long, default_value = "linkedin")]
        networks: String,
    },
    /// Check the playbook, then render it as a static site
    Build {
        /// The playbook folder (holding playbook.yaml)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder [default: DIR/public]
        #[arg(short, long, value_name = "OUT")]
        out: Option<PathBuf>,
        /// Render drafts too
        #[arg(long)]
        drafts: bool,
        /// The build date (YYYY-MM-DD) objectives are measured against
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build, then rebuild on every change of the playbook (Ctrl-C to stop)
    Watch {
        /// The playbook folder (holding playbook.yaml)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder [default: DIR/public]
        #[arg(short, long, value_name = "OUT")]
        out: Option<PathBuf>,
        /// Render drafts too
        #[arg(long)]
        drafts: bool,
        /// The build date (YYYY-MM-DD) objectives are measured against
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Watch, and serve the site with live reload (Ctrl-C to stop)
    Serve {
        /// The playbook folder (holding playbook.yaml)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder [default: DIR/public]
        #[arg(short, long, value_name = "OUT")]
        out: Option<PathBuf>,
        /// The address to listen on (0.0.0.0: every network interface)
        #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1", value_parser = crate::serve::parse_bind)]
        bind: std::net::IpAddr,
        /// The port to listen on (0: any free port)
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Render drafts too
        #[arg(long)]
        drafts: bool,
        /// The build date (YYYY-MM-DD) objectives are measured against
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Report every problem of a playbook, like a compiler
    Check {
        /// The playbook folder (holding playbook.yaml)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The build date (YYYY-MM-DD) objectives are measured against
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Lang {
    En,
    Fr,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

// Output that never panics: a reader that goes away (`mostbook check | head`)
// is not a crash. `print!` and `eprint!` panic when the write fails.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
pub const USAGE: i32 = 2;

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Init {
            dir,
            language,
            networks,
        } => init(&dir, language, &networks),
        Command::Build {
            dir,
            out,
            drafts,
            today,
            deny_warnings,
        } => {
            let out = out.unwrap_or_else(|| dir.join("public"));
            let opts = crate::build::BuildOptions {
                drafts,
                today,
                deny_warnings,
            };
            build(&dir, &out, &opts)
        }
        Command::Watch {
            dir,
            out,
            drafts,
            today,
        } => crate::serve::watch(crate::serve::Options {
            out: out.unwrap_or_else(|| dir.join("public")),
            dir,
            drafts,
            today,
        }),
        Command::Serve {
            dir,
            out,
            bind,
            port,
            open,
            drafts,
            today,
        } => crate::serve::serve(
            crate::serve::Options {
                out: out.unwrap_or_else(|| dir.join("public")),
                dir,
                drafts,
                today,
            },
            crate::serve::Listen { bind, port, open },
        ),
        Command::Check {
            dir,
            format,
            today,
            deny_warnings,
        } => check(&dir, format, today.as_deref(), deny_warnings),
    }
}

fn build(dir: &Path, out: &Path, opts: &crate::build::BuildOptions) -> i32 {
    use crate::build::BuildError;
    match crate::build::build(dir, out, opts) {
        Ok(report) => {
            print_human_if_any(&report.analysis);
            errln!("{}", report.summary());
            leave(report);
            OK
        }
        Err(BuildError::Playbook(analysis)) => {
            print_human(&analysis);
            errln!("error: nothing was written; the previous output is unchanged");
            leave(analysis);
            FAILED
        }
        Err(e @ BuildError::Template(_)) => {
            errln!("error: {e}");
            FAILED
        }
        Err(e) => {
            errln!("error: {e}");
            USAGE
        }
    }
}

/// Prints the warnings of a successful build, if there are any.
fn print_human_if_any(a: &Analysis) {
    if !a.diags.list.is_empty() {
        print_human(a);
    }
}

fn init(dir: &Path, language: Lang, networks: &str) -> i32 {
    let lang = match language {
        Lang::En => crate::model::Language::En,
        Lang::Fr => crate::model::Language::Fr,
    };
    let networks = match crate::init::parse_networks(networks) {
        Ok(n) => n,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    let tz = if lang == crate::model::Language::Fr {
        "Europe/Paris"
    } else {
        "UTC"
    };
    let today = match crate::check::today::build_date(None, tz) {
        Ok(d) => d,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    match crate::init::init(dir, lang, &networks, today) {
        Ok(files) => {
            for f in &files {
                errln!("  created {}", dir.join(f).display());
            }
            errln!(
                "a new playbook is ready in `{}`: `mostbook serve {}` to write with a live preview, `mostbook build {}` to publish",
                dir.display(),
                dir.display(),
                dir.display()
            );
            OK
        }
        Err(e) => {
            errln!("error: {e}");
            USAGE
        }
    }
}

fn check(dir: &Path, format: Format, today: Option<&str>, deny_warnings: bool) -> i32 {
    let analysis = match analyze(dir, None, today) {
        Ok(a) => a,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    match format {
        Format::Human => print_human(&analysis),
        Format::Json => out!("{}", render_json(&analysis.diags)),
        Format::Github => out!("{}", render_github(&analysis.diags, &github_prefix(dir))),
    }
    let code = if fails(&analysis.diags, deny_warnings) {
        FAILED
    } else {
        OK
    };
    leave(analysis);
    code
}

/// Leaves a playbook's data to the end of the process: `build` and `check`
/// exit right after, and the system takes the memory back at once, where
/// freeing it piece by piece takes a while (~30 ms at 10,000 elements, ~230
/// ms at 100,000). Nothing in it has work to do when dropped.
fn leave<T>(data: T) {
    std::mem::forget(data);
}

/// Prints diagnostics and the closing count to stderr, in colour on a terminal (never with NO_COLOR).
pub fn print_human(a: &Analysis) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Each file once, however many diagnostics it has.
    let files: std::collections::BTreeSet<&str> = a.diags.list.iter().map(|d| d.file.as_str()).collect();
    let sources: HashMap<String, String> = files
        .into_iter()
        .filter_map(|f| a.sources.get(f).map(|s| (f.to_owned(), s.to_string())))
        .collect();
    err!("{}", render_human(&a.diags, &sources, color));
    errln!("{}", summary_line(&a.diags));
}

/// The playbook folder as a path prefix for annotations (`""` for the current folder).
fn github_prefix(dir: &Path) -> String {
    let s = dir.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s.is_empty() || s == "." {
        String::new()
    } else {
        format!("{s}/")
    }
}
