//! Stage 2 — resolve: ids, references, networks and body links become a graph.
//!
//! Rules that are failures to resolve live here, one file each:
//! [`ids`] (`invalid-id`, `duplicate-id`, `duplicate-url`),
//! [`references`] (`unknown-reference`, `ambiguous-reference`, `wrong-level`),
//! [`networks`] (`unknown-network`, `network-mismatch`, `missing-network`),
//! [`links`] (`broken-link`, `broken-anchor`).

pub mod ids;
pub mod links;
pub mod networks;
pub mod references;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::load::yaml::Pos;
use crate::markdown::scan::Scan;
use crate::model::{Config, Element};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Did-you-means computed per run at most (see [`Playbook::take_suggestion`]).
pub const SUGGESTIONS: usize = 50;

/// A body link, resolved.
#[derive(Debug, Clone)]
pub struct Link {
    /// As written in the Markdown.
    pub dest: String,
    /// The element it points to (`None`: external, a static file, or broken).
    pub target: Option<usize>,
    pub fragment: Option<String>,
}

/// The playbook after resolution: the model plus its graph.
pub struct Playbook {
    pub root: PathBuf,
    pub config: Config,
    pub elements: Vec<Element>,
    /// Per element: the elements it serves, resolved, in the order written.
    pub serves: Vec<Vec<usize>>,
    /// Per element: the elements serving it, sorted by id.
    pub served_by: Vec<Vec<usize>>,
    /// Per element: headings, links and raw HTML of its body.
    pub scans: Vec<Scan>,
    /// Per element: its body links, resolved (same order as `scans[i].links`).
    pub links: Vec<Vec<Link>>,
    /// Per element: the elements whose bodies link to it, sorted by id.
    pub backlinks: Vec<Vec<usize>>,
    /// Per element: its page, relative to the site root (`linkedin/tactics/x.html`).
    pub urls: Vec<String>,
    pub sources: HashMap<String, Arc<str>>,
    /// How many did-you-means may still be computed in this run.
    pub suggestions_left: std::sync::atomic::AtomicUsize,
    /// Per element: its body's line index, built when a diagnostic needs it.
    pub line_index: Vec<std::sync::OnceLock<crate::position::LineIndex>>,
    /// Per element: named by an ambiguous or wrong-level reference. Such a
    /// reference is reported once; the element is not also a `dead-end`.
    pub contested: Vec<bool>,
}

impl Playbook {
    /// The position in the file of a byte offset of an element's body.
    pub fn body_pos(&self, i: usize, offset: usize) -> Pos {
        let e = &self.elements[i];
        let index = self.line_index[i].get_or_init(|| crate::position::LineIndex::new(e.body()));
        index.file_pos(e.body(), offset, e.body_line)
    }

    /// Whether another did-you-mean may be computed (each compares with every
    /// element): the first `SUGGESTIONS` broken references of a run get one.
    pub fn take_suggestion(&self) -> bool {
        self.suggestions_left
            .fetch_update(
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
                |n| n.checked_sub(1),
            )
            .is_ok()
    }

    pub fn by_step(&self, step: crate::model::Step) -> impl Iterator<Item = usize> + '_ {
        (0..self.elements.len()).filter(move |&i| self.elements[i].step == step)
    }
}

/// Resolves what was loaded. `None` when playbook.yaml is unusable.
pub fn resolve(loaded: Loaded, diags: &mut Diagnostics) -> Option<Playbook> {
    let (pb, r) = resolve_kept(loaded)?;
    diags.extend(r.diags);
    diags.extend(r.links.into_iter().flat_map(|f| f.diags));
    Some(pb)
}

/// What resolving found besides the playbook, kept so that a session can
/// resolve again the links of the bodies that changed ([`links::relink`]).
pub struct Resolution {
    pub index: ids::Index,
    pub unreadable: HashSet<String>,
    pub targets: links::Targets,
    /// The problems of ids, references and networks.
    pub diags: Vec<Diagnostic>,
    /// Per element, the problems of its body links.
    pub links: Vec<links::Found>,
}

/// [`resolve`], keeping what it found.
pub fn resolve_kept(loaded: Loaded) -> Option<(Playbook, Resolution)> {
    let config = loaded.config?;
    let elements = loaded.elements;
    let n = elements.len();
    let scans = loaded.scans;
    let mut pb = Playbook {
        root: loaded.root,
        config,
        elements,
        serves: vec![Vec::new(); n],
        served_by: vec![Vec::new(); n],
        scans,
        links: vec![Vec::new(); n],
        backlinks: vec![Vec::new(); n],
        urls: Vec::new(),
        sources: loaded.sources,
        contested: vec![false; n],
        line_index: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
        suggestions_left: SUGGESTIONS.into(),
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    use crate::timings::time;
    let index = time("ids", || ids::check(&mut pb, &mut diags));
    time("references", || {
        references::resolve(&mut pb, &index, &loaded.unreadable_ids, &mut diags);
    });
    time("networks", || networks::resolve(&mut pb, &mut diags));
    let targets = time("targets", || links::Targets::new(&pb));
    let found = time("links", || {
        links::resolve(&mut pb, &index, &loaded.unreadable_ids, &targets)
    });
    let r = Resolution {
        index,
        unreadable: loaded.unreadable_ids,
        targets,
        diags,
        links: found,
    };
    Some((pb, r))
}
