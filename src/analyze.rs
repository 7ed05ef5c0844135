//! load → resolve → check, as one call: what `check`, `build` and `watch` share.

use crate::diag::Diagnostics;
use crate::load::{self, LoadError};
use crate::resolve::{self, Playbook};
use jiff::civil::Date;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub struct Analysis {
    /// `None` when playbook.yaml is unusable.
    pub playbook: Option<Playbook>,
    pub diags: Diagnostics,
    /// Every file read, for showing diagnostics with their source line.
    pub sources: HashMap<String, Arc<str>>,
    pub today: Date,
}

#[derive(Debug)]
pub enum AnalyzeError {
    Load(LoadError),
    /// A bad `--today` or `SOURCE_DATE_EPOCH`.
    Date(String),
}

impl std::fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnalyzeError::Load(e) => e.fmt(f),
            AnalyzeError::Date(e) => f.write_str(e),
        }
    }
}

/// Loads, resolves and checks the playbook at `root`; `skip` is never read (the output folder).
pub fn analyze(root: &Path, skip: Option<&Path>, today: Option<&str>) -> Result<Analysis, AnalyzeError> {
    analyze_with(root, skip, today, None)
}

/// [`analyze`], reusing the files parsed by earlier runs (`watch`).
pub fn analyze_with(
    root: &Path,
    skip: Option<&Path>,
    today: Option<&str>,
    cache: Option<&mut load::Cache>,
) -> Result<Analysis, AnalyzeError> {
    crate::pool::run(|| {
        let loaded = crate::timings::time("load", || load::load_with(root, skip, cache)).map_err(AnalyzeError::Load)?;
        let tz = loaded.config.as_ref().map_or("UTC", |c| c.timezone.as_str()).to_owned();
        let today = crate::check::today::build_date(today, &tz).map_err(AnalyzeError::Date)?;
        let sources = loaded.sources.clone();
        let mut diags = loaded.diags.clone();
        let playbook = crate::timings::time("resolve", || resolve::resolve(loaded, &mut diags));
        if let Some(pb) = &playbook {
            diags.extend(crate::timings::time("check", || crate::check::check(pb, today)));
        }
        let lints = playbook.as_ref().map(|p| p.config.lints.clone()).unwrap_or_default();
        diags.finish(&lints);
        Ok(Analysis {
            playbook,
            diags,
            sources,
            today,
        })
    })
}

/// Whether the run fails: errors, or warnings under `--deny-warnings`.
pub fn fails(diags: &Diagnostics, deny_warnings: bool) -> bool {
    diags.has_errors() || (deny_warnings && diags.warnings() > 0)
}
