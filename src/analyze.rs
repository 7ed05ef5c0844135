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
    crate::pool::run(|| {
        let (loaded, today) = load_dated(root, skip, today, None)?;
        let sources = loaded.sources.clone();
        let mut diags = loaded.diags.clone();
        let mut playbook = crate::timings::time("resolve", || resolve::resolve(loaded, &mut diags));
        if let Some(pb) = &mut playbook {
            diags.extend(crate::timings::time("check", || crate::check::check(pb, today)));
            // What only resolve and check read is not kept through the render.
            use rayon::prelude::*;
            pb.scans
                .par_iter_mut()
                .for_each(crate::markdown::scan::Scan::forget_links);
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

/// Loads the playbook (reusing `cache`), and the date its rules run at, in its time zone.
fn load_dated(
    root: &Path,
    skip: Option<&Path>,
    today: Option<&str>,
    cache: Option<&mut load::Cache>,
) -> Result<(load::Loaded, Date), AnalyzeError> {
    let loaded = crate::timings::time("load", || load::load_with(root, skip, cache)).map_err(AnalyzeError::Load)?;
    let tz = loaded.config.as_ref().map_or("UTC", |c| c.timezone.as_str());
    let today = crate::check::today::build_date(today, tz).map_err(AnalyzeError::Date)?;
    Ok((loaded, today))
}

/// Whether the run fails: errors, or warnings under `--deny-warnings`.
pub fn fails(diags: &Diagnostics, deny_warnings: bool) -> bool {
    diags.has_errors() || (deny_warnings && diags.warnings() > 0)
}

/// What a session keeps of its last analysis, so that an edit of bodies alone
/// is analysed again without loading and resolving the whole playbook
/// ([`Kept::patch`]).
pub struct Kept {
    pub playbook: Playbook,
    resolution: resolve::Resolution,
    /// The plan rules' problems (they read front-matters only).
    plan: Vec<crate::diag::Diagnostic>,
    /// Per element, the problems of its own rules.
    elements: Vec<Vec<crate::diag::Diagnostic>>,
    /// The problems reading the files gave.
    loaded: Vec<crate::diag::Diagnostic>,
    /// The last analysis' problems, as reported.
    last: Vec<crate::diag::Diagnostic>,
    today: Date,
}

/// An analysis from a session: the playbook stays in [`Kept`].
pub struct Patched {
    pub analysis: Analysis,
    /// Per element: whether anything of it may have changed since the last
    /// analysis (its body, its problems, the bodies linking to it).
    pub dirty: Vec<bool>,
}

/// [`analyze_with`] for a session: the playbook and what resolving and
/// checking it found are kept (`None` when playbook.yaml is unusable).
pub fn analyze_kept(
    root: &Path,
    skip: Option<&Path>,
    today: Option<&str>,
    cache: &mut load::Cache,
) -> Result<(Analysis, Option<Kept>), AnalyzeError> {
    crate::pool::run(|| {
        let (loaded, today) = load_dated(root, skip, today, Some(cache))?;
        let sources = loaded.sources.clone();
        let loaded_diags = loaded.diags.list.clone();
        let Some((pb, resolution)) = crate::timings::time("resolve", || resolve::resolve_kept(loaded)) else {
            let mut diags = Diagnostics::default();
            diags.extend(loaded_diags);
            diags.finish(&Default::default());
            let analysis = Analysis {
                playbook: None,
                diags,
                sources,
                today,
            };
            return Ok((analysis, None));
        };
        let (plan, elements) = crate::timings::time("check", || {
            use rayon::prelude::*;
            let elements: Vec<_> = (0..pb.elements.len())
                .into_par_iter()
                .map(|i| crate::check::element(&pb, i, today))
                .collect();
            (crate::check::plan(&pb), elements)
        });
        let mut kept = Kept {
            playbook: pb,
            resolution,
            plan,
            elements,
            loaded: loaded_diags,
            last: Vec::new(),
            today,
        };
        let diags = kept.diagnostics();
        kept.last.clone_from(&diags.list);
        let analysis = Analysis {
            playbook: None,
            diags,
            sources,
            today,
        };
        Ok((analysis, Some(kept)))
    })
}

impl Kept {
    /// Every problem, as reported.
    fn diagnostics(&self) -> Diagnostics {
        let r = &self.resolution;
        let mut diags = Diagnostics::default();
        diags.extend(self.loaded.iter().cloned());
        diags.extend(r.diags.iter().cloned());
        diags.extend(r.links.iter().flat_map(|f| f.diags.iter().cloned()));
        diags.extend(self.plan.iter().cloned());
        diags.extend(self.elements.iter().flatten().cloned());
        diags.finish(&self.playbook.config.lints);
        diags
    }

    /// The analysis after an edit of `bodies` alone, made from the last one:
    /// the new bodies go in, their links are resolved again (and the links
    /// of other bodies to headings that changed), their rules run again.
    /// The result is what a fresh analysis gives. `None` if it cannot be
    /// made so (the date changed, did-you-means ran out): then `self` is
    /// spoiled, and the playbook is to be analysed afresh.
    pub fn patch(
        &mut self,
        bodies: Vec<load::ChangedBody>,
        today: Option<&str>,
    ) -> Result<Option<Patched>, AnalyzeError> {
        let pb = &mut self.playbook;
        let today = crate::check::today::build_date(today, &pb.config.timezone).map_err(AnalyzeError::Date)?;
        if today != self.today {
            return Ok(None);
        }
        let r = &mut self.resolution;
        let n = pb.elements.len();
        let mut changed = Vec::with_capacity(bodies.len());
        let mut relink = Vec::new();
        for b in bodies {
            let Some(&i) = r.targets.by_file.get(load::nfc(&b.file).as_ref()) else {
                return Ok(None);
            };
            if pb.elements[i].file != b.file {
                return Ok(None);
            }
            let headings =
                |s: &crate::markdown::scan::Scan| s.headings.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
            if headings(&pb.scans[i]) != headings(&b.scan) {
                // Links to this body's headings may break or mend.
                relink.extend(pb.backlinks[i].iter().copied());
            }
            pb.elements[i].text = b.text.clone();
            pb.scans[i] = b.scan;
            pb.line_index[i] = std::sync::OnceLock::new();
            pb.sources.insert(b.file, b.text);
            changed.push(i);
            relink.push(i);
        }
        relink.sort_unstable();
        relink.dedup();

        // Did-you-means are counted per run; the patch gives back those of the
        // links it resolves again. If any link of a fresh run would go without
        // one (the budget ran out), a patch could differ from it.
        use std::sync::atomic::Ordering::Relaxed;
        let left = pb.suggestions_left.load(Relaxed);
        if left == 0 {
            return Ok(None);
        }
        let returned: usize = relink.iter().map(|&i| r.links[i].suggestions).sum();
        pb.suggestions_left.store(left + returned, Relaxed);
        // What the links resolved again pointed to: those elements' backlinks may change.
        let old_targets: Vec<Vec<usize>> = relink
            .iter()
            .map(|&i| pb.links[i].iter().filter_map(|l| l.target).collect())
            .collect();
        let mut touched: Vec<usize> = old_targets.iter().flatten().copied().collect();
        touched.sort_unstable();
        touched.dedup();
        let before: Vec<Vec<usize>> = touched.iter().map(|&t| pb.backlinks[t].clone()).collect();
        let found = resolve::links::relink(pb, &r.index, &r.unreadable, &r.targets, &relink);
        if pb.suggestions_left.load(Relaxed) == 0 {
            return Ok(None);
        }
        for (&i, f) in relink.iter().zip(found) {
            r.links[i] = f;
        }
        for &i in &changed {
            self.elements[i] = crate::check::element(pb, i, today);
        }

        let mut dirty = vec![false; n];
        for &i in &changed {
            dirty[i] = true;
        }
        for (&t, old) in touched.iter().zip(&before) {
            dirty[t] |= pb.backlinks[t] != *old;
        }
        // A new target gains a backlink.
        for (&i, old) in relink.iter().zip(&old_targets) {
            for t in pb.links[i].iter().filter_map(|l| l.target) {
                dirty[t] |= t != i && !old.contains(&t);
            }
        }
        let diags = self.diagnostics();
        // Elements whose problems changed show them on their pages.
        // Both lists are sorted by file.
        fn by_file(list: &[crate::diag::Diagnostic]) -> HashMap<&str, &[crate::diag::Diagnostic]> {
            list.chunk_by(|a, b| a.file == b.file)
                .map(|c| (c[0].file.as_str(), c))
                .collect()
        }
        let (old, new) = (by_file(&self.last), by_file(&diags.list));
        let changed: std::collections::HashSet<&str> = old
            .keys()
            .chain(new.keys())
            .copied()
            .filter(|f| old.get(f) != new.get(f))
            .collect();
        if !changed.is_empty() {
            // By the file name as written (two names may differ only in their
            // Unicode form), as the pages pick their warnings.
            for (i, e) in self.playbook.elements.iter().enumerate() {
                dirty[i] |= changed.contains(e.file.as_str());
            }
        }
        self.last.clone_from(&diags.list);
        let analysis = Analysis {
            playbook: None,
            diags,
            sources: self.playbook.sources.clone(),
            today,
        };
        Ok(Some(Patched { analysis, dirty }))
    }
}
