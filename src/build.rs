//! `mostbook build`: load → resolve → check → render → write.

use crate::analyze::{Analysis, AnalyzeError, analyze, fails};
use crate::render::{self, RenderError};
use crate::theme::{self, ThemeError};
use crate::write::{self, WriteError};
use std::path::Path;
use std::time::{Duration, Instant};

mod progress {
    //! A progress line on a terminal for builds that take a while.

    use std::io::{IsTerminal, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Runs `work`; if stderr is a terminal and it takes more than half a second,
    /// shows `done()` of about `total` files on one line, cleared at the end.
    pub fn while_running<R: Send>(done: impl Fn() -> usize + Sync, total: usize, work: impl FnOnce() -> R + Send) -> R {
        if !std::io::stderr().is_terminal() {
            return work();
        }
        let finished = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                let start = std::time::Instant::now();
                let mut shown = false;
                while !finished.load(Ordering::Relaxed) {
                    // Short sleeps: a quick build is not held up waiting for this thread.
                    std::thread::sleep(Duration::from_millis(40));
                    if start.elapsed() > Duration::from_millis(500) && !finished.load(Ordering::Relaxed) {
                        let _ = write!(std::io::stderr(), "\r  building: {} / ~{total} files", done());
                        shown = true;
                    }
                }
                if shown {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                }
            });
            let r = work();
            finished.store(true, Ordering::Relaxed);
            r
        })
    }
}

#[derive(Clone)]
pub struct BuildOptions {
    pub drafts: bool,
    pub today: Option<String>,
    pub deny_warnings: bool,
}

pub struct BuildReport {
    pub analysis: Analysis,
    pub files: usize,
    pub pages: usize,
    pub elapsed: Duration,
}

impl BuildReport {
    /// The one summary line: files, pages, warnings, time.
    pub fn summary(&self) -> String {
        let w = self.analysis.diags.warnings();
        format!(
            "built {} pages ({} files) in {:.2} s{}",
            self.pages,
            self.files,
            self.elapsed.as_secs_f64(),
            match w {
                0 => String::new(),
                1 => ", 1 warning".to_owned(),
                n => format!(", {n} warnings"),
            }
        )
    }
}

#[derive(Debug)]
pub enum BuildError {
    /// Exit 2: no playbook, unreadable folder, bad date.
    Analyze(AnalyzeError),
    /// Exit 1: the playbook has errors (or warnings under --deny-warnings).
    Playbook(Box<Analysis>),
    /// Exit 1: a template of the theme or the playbook fails.
    Template(String),
    /// Exit 2: the output folder is refused or cannot be written.
    Write(WriteError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Analyze(e) => e.fmt(f),
            BuildError::Playbook(a) => write!(f, "the playbook has {} errors", a.diags.errors()),
            BuildError::Template(e) => f.write_str(e),
            BuildError::Write(e) => e.fmt(f),
        }
    }
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Analysis({} diagnostics)", self.diags.list.len())
    }
}

impl From<ThemeError> for BuildError {
    fn from(e: ThemeError) -> Self {
        BuildError::Template(e.to_string())
    }
}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Write(w) => BuildError::Write(w),
            t => BuildError::Template(t.to_string()),
        }
    }
}

pub fn build(dir: &Path, out: &Path, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    write::check_output(dir, out).map_err(BuildError::Write)?;
    let analysis = crate::timings::time("analyze", || analyze(dir, Some(out), opts.today.as_deref()))
        .map_err(BuildError::Analyze)?;
    if fails(&analysis.diags, opts.deny_warnings) || analysis.playbook.is_none() {
        return Err(BuildError::Playbook(Box::new(analysis)));
    }
    let pb = analysis.playbook.as_ref().expect("checked above");
    let site = crate::pool::run(|| -> Result<render::Site, BuildError> {
        let mut theme = crate::timings::time("theme", || theme::load(&pb.root, &pb.config.theme, pb.config.language))?;
        let stage = write::Stage::begin(dir, out).map_err(BuildError::Write)?;
        let options = render::Options { drafts: opts.drafts };
        let total = pb.elements.len() + 16;
        let site = progress::while_running(
            || stage.written(),
            total,
            || {
                crate::timings::time("render", || {
                    render::render(pb, &analysis.diags, analysis.today, &mut theme, &options, &stage)
                })
            },
        )?;
        crate::timings::time("commit", || stage.commit()).map_err(BuildError::Write)?;
        Ok(site)
    })?;
    Ok(BuildReport {
        files: site.files + 1,
        pages: site.pages,
        elapsed: start.elapsed(),
        analysis,
    })
}
