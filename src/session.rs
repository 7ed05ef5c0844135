//! Builds one after the other (`watch`, `serve`): the same five stages as
//! [`crate::build`], reusing what did not change since the previous build.
//!
//! - load: a content file whose bytes are unchanged is not parsed again
//!   ([`crate::load::Cache`]);
//! - render: a body or page whose inputs hash the same is not rendered again
//!   ([`crate::render::Memo`]);
//! - write: the first build writes the output whole, like `build`; later ones
//!   write only the files whose bytes changed and remove the ones that are
//!   gone ([`crate::write::update`]), after the whole site rendered.
//!
//! An edit of bodies alone (the common case while writing: the front-matter
//! of every file, the set of files, playbook.yaml and i18n/ as before) does
//! not load, resolve and check the playbook again: the last analysis is
//! patched ([`Kept::patch`]: the bodies' links and rules, and the links to
//! headings that changed), and the render takes every other element's page
//! and pieces as they were ([`render::Memo::patch`]). Any other change runs
//! load, resolve and check in full. The result is always the output a fresh
//! `build` would write (tests/incremental.rs checks it after random series of
//! edits).

use crate::analyze::{Analysis, AnalyzeError, Kept, analyze_kept, fails};
use crate::build::{BuildError, BuildOptions, BuildReport};
use crate::load::Changes;
use crate::render::{self, Sink};
use crate::write::{self, WriteError};
use crate::{load, theme};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// A digest of a file's bytes.
type Digest = u128;
/// Digests of the files of a site, by path.
type Digests = HashMap<String, Digest>;
/// A file this big that changed is written at once, not kept in memory.
const BIG: usize = 1 << 20;
/// Files to write: path and bytes.
type Files = Vec<(String, write::Bytes)>;

pub struct Session {
    dir: PathBuf,
    out: PathBuf,
    opts: BuildOptions,
    files: load::Cache,
    memo: render::Memo,
    /// What the output folder holds, as this session last wrote it: a digest
    /// per file. `None`: the next build writes the output whole.
    written: Option<Digests>,
    /// Of the last build: files written, and files and pages reused.
    pub last: Reuse,
    /// The last analysis, for the next one to patch.
    kept: Option<Kept>,
    /// Per element, whether it changed since the last build that rendered
    /// (its pages in the memo); `None`: anything may have.
    dirty: Option<Vec<bool>>,
}

/// What the last build of a session reused and wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Reuse {
    /// Content files taken from the previous build instead of parsed.
    pub parsed_reused: usize,
    /// Pages and bodies taken from the previous build instead of rendered.
    pub rendered_reused: usize,
    /// Files written (or removed) in the output.
    pub written: usize,
}

impl Session {
    pub fn new(dir: PathBuf, out: PathBuf, opts: BuildOptions) -> Self {
        Session {
            dir,
            out,
            opts,
            files: load::Cache::default(),
            memo: render::Memo::default(),
            written: None,
            last: Reuse::default(),
            kept: None,
            dirty: None,
        }
    }

    /// Analyses the playbook: an edit of bodies alone patches the last
    /// analysis ([`Kept::patch`]), anything else analyses it afresh.
    fn analyze(&mut self, changed: Option<&std::collections::BTreeSet<String>>) -> Result<Analysis, BuildError> {
        let today = self.opts.today.as_deref();
        if let Some(kept) = &mut self.kept
            && let Changes::Bodies(bodies) =
                crate::timings::time("refresh", || self.files.refresh(&self.dir, Some(&self.out), changed))
                    .map_err(|e| BuildError::Analyze(AnalyzeError::Load(e)))?
            && let Some(patched) =
                crate::timings::time("patch", || kept.patch(bodies, today)).map_err(BuildError::Analyze)?
        {
            crate::timings::note("elements patched", patched.dirty.iter().filter(|d| **d).count());
            // Since the last render: what this patch changed, and what earlier ones did.
            if let Some(all) = &mut self.dirty {
                all.iter_mut().zip(patched.dirty).for_each(|(a, n)| *a |= n);
            }
            return Ok(patched.analysis);
        }
        self.kept = None;
        self.dirty = None;
        let (analysis, kept) =
            analyze_kept(&self.dir, Some(&self.out), today, &mut self.files).map_err(BuildError::Analyze)?;
        self.kept = kept;
        Ok(analysis)
    }

    /// Drops everything kept from earlier builds (after a build that crashed
    /// half-way): the next build starts afresh and writes the output whole.
    pub fn forget(&mut self) {
        self.kept = None;
        self.dirty = None;
        self.files = load::Cache::default();
        self.memo = render::Memo::default();
        self.written = None;
    }

    /// Builds the playbook; on any error the output is left as it was.
    pub fn build(&mut self) -> Result<BuildReport, BuildError> {
        self.build_after(None)
    }

    /// [`Session::build`] after a watcher saw `changed` (paths relative to the
    /// playbook, `/`-separated; `""` when it lost track): when they are content
    /// files this session has read, only those are looked at, not every file.
    pub fn build_after(
        &mut self,
        changed: Option<&std::collections::BTreeSet<String>>,
    ) -> Result<BuildReport, BuildError> {
        let start = Instant::now();
        write::check_output(&self.dir, &self.out).map_err(BuildError::Write)?;
        let analysis = crate::timings::time("analyze", || self.analyze(changed)).inspect_err(|_| {
            self.kept = None;
            self.dirty = None;
        })?;
        let Some(kept) = self
            .kept
            .as_ref()
            .filter(|_| !fails(&analysis.diags, self.opts.deny_warnings))
        else {
            return Err(BuildError::Playbook(Box::new(analysis)));
        };
        let pb = &kept.playbook;
        if let Some(dirty) = &self.dirty {
            self.memo.patch(dirty.clone());
        }
        let previous = self.written.take().filter(|_| write::still_ours(&self.out));
        let options = render::Options {
            drafts: self.opts.drafts,
        };
        let (dir, out, memo, dirty) = (&self.dir, &self.out, &mut self.memo, &mut self.dirty);
        let result = crate::pool::run(|| -> Result<_, BuildError> {
            let mut theme =
                crate::timings::time("theme", || theme::load(&pb.root, &pb.config.theme, pb.config.language))?;
            // The first build (or after a failed write) is staged whole, like
            // `build`; later ones render everything (reusing what they can),
            // then write what changed in place.
            let stage = match previous {
                None => Some(write::Stage::begin(dir, out).map_err(BuildError::Write)?),
                Some(_) => None,
            };
            let rec = Recorder::new(previous.as_ref(), stage.as_ref(), out);
            let site = crate::timings::time("render", || {
                render::render_with(
                    pb,
                    &analysis.diags,
                    analysis.today,
                    &mut theme,
                    &options,
                    &rec,
                    Some(memo),
                )
            })?;
            let (now, changed) = crate::timings::time("changes", || rec.finish());
            // What the memo holds is this render's now.
            *dirty = Some(vec![false; pb.elements.len()]);
            let written = match (&previous, stage) {
                (Some(prev), _) => {
                    let removed: Vec<String> = prev.keys().filter(|p| !now.contains_key(*p)).cloned().collect();
                    crate::timings::time("commit", || write::update(out, &changed, &removed))
                        .map_err(BuildError::Write)?;
                    changed.len() + removed.len()
                }
                (None, stage) => {
                    if let Some(stage) = stage {
                        crate::timings::time("commit", || stage.commit()).map_err(BuildError::Write)?;
                    }
                    now.len()
                }
            };
            Ok((site, now, written))
        });
        match result {
            Ok((site, now, written)) => {
                self.last = Reuse {
                    parsed_reused: self.files.hits(),
                    rendered_reused: self.memo.hits(),
                    written,
                };
                crate::timings::note("files parsed again", self.files.misses());
                crate::timings::note("pages/bodies reused", self.last.rendered_reused);
                crate::timings::note("files written", written);
                self.written = Some(now);
                Ok(BuildReport {
                    files: site.files + 1,
                    pages: site.pages,
                    elapsed: start.elapsed(),
                    analysis,
                })
            }
            // Writing in place failed half-way (a file where a folder must go,
            // a file someone locked): the whole output, staged, once more.
            Err(BuildError::Write(_)) if previous.is_some() => self.build_after(changed),
            Err(e) => {
                // Rendering failed before anything was written: the output is
                // still what `previous` says. A failed write: start afresh.
                if !matches!(e, BuildError::Write(_)) {
                    self.written = previous;
                }
                Err(e)
            }
        }
    }
}

/// Takes the rendered files: notes each one's digest, and either passes it on
/// to a stage (a whole build) or keeps it if it differs from what the output holds.
struct Recorder<'a> {
    previous: Option<&'a Digests>,
    stage: Option<&'a write::Stage>,
    /// The output folder, where a big file that changed is written beside its
    /// place right away ([`write::prepare`]).
    out: &'a std::path::Path,
    state: Mutex<(Digests, HashMap<String, write::Bytes>)>,
}

impl<'a> Recorder<'a> {
    fn new(previous: Option<&'a Digests>, stage: Option<&'a write::Stage>, out: &'a std::path::Path) -> Self {
        Recorder {
            previous,
            stage,
            out,
            state: Mutex::default(),
        }
    }

    /// Every file's digest, and the files to write, sorted by path.
    fn finish(self) -> (Digests, Files) {
        let (now, changed) = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut changed: Vec<_> = changed.into_iter().collect();
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        (now, changed)
    }
}

impl Sink for Recorder<'_> {
    /// Writing in place, files the output holds as last written.
    fn put_again_all(&self, paths: &[&str]) -> bool {
        let Some(previous) = self.previous.filter(|_| self.stage.is_none()) else {
            return false;
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !paths.iter().all(|p| previous.contains_key(*p)) {
            return false;
        }
        for p in paths {
            state.0.insert((*p).to_owned(), previous[*p]);
            state.1.remove(*p);
        }
        true
    }

    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.put_parts(path, &[bytes])
    }

    fn put_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), WriteError> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for p in parts {
            hasher.update(p);
        }
        let digest = hasher.digest128();
        if let Some(stage) = self.stage {
            stage.put_parts(path, parts)?;
        }
        let unchanged = self.previous.is_none_or(|p| p.get(path) == Some(&digest));
        let bytes = match (unchanged, parts) {
            (true, _) => None,
            // Big files (print.html, search-index.js), at the root only: their folder is there.
            (false, _) if !path.contains('/') && parts.iter().map(|p| p.len()).sum::<usize>() > BIG => {
                Some(write::Bytes::Prepared(write::prepare(self.out, path, parts)?))
            }
            _ => Some(write::Bytes::Memory(parts.concat())),
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.insert(path.to_owned(), digest);
        // A later file of the same path replaces an earlier one (static/ over the theme's).
        match bytes {
            None => state.1.remove(path),
            Some(b) => state.1.insert(path.to_owned(), b),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file below `dir` (relative path → bytes), the marker left out.
    fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.file_name() != write::MARKER)
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    /// A fixed date, no drafts.
    fn options() -> BuildOptions {
        BuildOptions {
            drafts: false,
            today: Some("2027-03-15".to_owned()),
            deny_warnings: false,
        }
    }

    /// An empty folder of this test process under the system's temporary folder.
    fn scratch(name: &str) -> std::path::PathBuf {
        let tmp = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        tmp
    }

    /// A copy of the example playbook in `to`.
    fn copy_example(to: &std::path::Path) {
        let from = concat!(env!("CARGO_MANIFEST_DIR"), "/example-playbook");
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(from).unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(to.join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), to.join(rel)).unwrap();
            }
        }
    }

    #[test]
    fn a_patched_build_finds_the_pages_of_files_named_alike_in_another_unicode_form() {
        let tmp = scratch("mostbook-session-nfc");
        let pb = tmp.join("pb");
        copy_example(&pb);
        // café.md in NFC and in NFD: two files, one name once normalised.
        // Both link to a heading the mission does not have yet.
        for (name, id) in [("caf\u{e9}.md", "cafe-one"), ("cafe\u{301}.md", "cafe-two")] {
            let text = format!("---\nstep: mission\nid: {id}\ntitle: {id}\n---\nSee [[linkedin/mission#sec]].\n");
            std::fs::write(pb.join("content").join(name), text).unwrap();
        }
        let opts = options();
        let out = tmp.join("out");
        let mut session = Session::new(pb.clone(), out.clone(), opts.clone());
        session.build().unwrap();
        let mission = pb.join("content/linkedin/mission.md");
        let mut text = std::fs::read_to_string(&mission).unwrap();
        text.push_str("\n## Sec\n\nNow there is one.\n");
        std::fs::write(&mission, text).unwrap();
        let changed = std::collections::BTreeSet::from(["content/linkedin/mission.md".to_owned()]);
        session.build_after(Some(&changed)).unwrap();
        let fresh = tmp.join("fresh");
        crate::build::build(&pb, &fresh, &opts).unwrap();
        let (got, want) = (tree(&out), tree(&fresh));
        assert!(
            std::str::from_utf8(&want["cafe-two.html"])
                .unwrap()
                .contains("cafe-two"),
            "the page is there"
        );
        for (path, bytes) in &want {
            assert!(got.get(path) == Some(bytes), "{path} differs from a fresh build");
        }
        assert_eq!(got.len(), want.len());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    /// Did-you-means are rationed per run and links resolved in parallel: each
    /// element must count the ones it took itself (the patch gives those
    /// back), or a patch can hand out more than a fresh run has. Here one
    /// element resolves slowly (700 headings and anchors) while others take
    /// did-you-means; then it asks for 30 more than the ration has left.
    #[test]
    fn a_patch_gives_out_no_more_did_you_means_than_a_fresh_run() {
        let tmp = scratch("mostbook-session-ration");
        let pb = tmp.join("pb");
        crate::generate::generate(&pb, 600, 7).unwrap();
        let mut files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(pb.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        let append = |p: &std::path::Path, more: &str| {
            let text = std::fs::read_to_string(p).unwrap();
            std::fs::write(p, text + more).unwrap();
        };
        let slow = &files[0];
        let mut body = String::from("\n\n[x](nope-a0.md)\n");
        for k in 0..700 {
            body.push_str(&format!("\n## Heading number {k}\n\n[y](#missing-{k})\n"));
        }
        append(slow, &body);
        for (k, f) in files[files.len() - 39..].iter().enumerate() {
            append(f, &format!("\n\n[x](nope-other-{k}.md)\n"));
        }
        let opts = options();
        let out = tmp.join("out");
        let mut session = Session::new(pb.clone(), out.clone(), opts.clone());
        assert!(session.build().is_err(), "broken links are errors");
        let more: String = (0..30).map(|k| format!("\n[z](nope-more-{k}.md)\n")).collect();
        append(slow, &more);
        let rel = slow.strip_prefix(&pb).unwrap().to_string_lossy().into_owned();
        let patched = match session.build_after(Some(&std::collections::BTreeSet::from([rel]))) {
            Err(crate::build::BuildError::Playbook(a)) => a.diags,
            other => panic!("the playbook has errors: {:?}", other.is_ok()),
        };
        let fresh = crate::analyze::analyze(&pb, Some(&out), opts.today.as_deref())
            .unwrap()
            .diags;
        let helped = |d: &crate::diag::Diagnostics| {
            d.list
                .iter()
                .filter(|d| d.help.as_deref().is_some_and(|h| h.starts_with("did you mean")))
                .count()
        };
        assert_eq!(helped(&fresh), crate::resolve::SUGGESTIONS);
        assert_eq!(helped(&patched), helped(&fresh));
        assert!(
            patched.list == fresh.list,
            "the patched build's diagnostics differ from a fresh run's"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn a_session_equals_a_fresh_build_when_a_file_becomes_a_folder_and_back() {
        let tmp = scratch("mostbook-session");
        let pb = tmp.join("pb");
        copy_example(&pb);
        let opts = options();
        let out = tmp.join("out");
        let mut session = Session::new(pb.clone(), out.clone(), opts.clone());
        let fresh = |n: u32| {
            let dest = tmp.join(format!("fresh-{n}"));
            crate::build::build(&pb, &dest, &opts).unwrap();
            tree(&dest)
        };
        std::fs::create_dir_all(pb.join("static")).unwrap();
        std::fs::write(pb.join("static/zz-extra"), "a file").unwrap();
        session.build().unwrap();
        assert_eq!(tree(&out), fresh(1));
        std::fs::remove_file(pb.join("static/zz-extra")).unwrap();
        std::fs::create_dir_all(pb.join("static/zz-extra")).unwrap();
        std::fs::write(pb.join("static/zz-extra/y"), "now a folder").unwrap();
        session.build().unwrap();
        assert_eq!(tree(&out), fresh(2));
        assert!(session.last.written < 10, "in place: {:?}", session.last);
        std::fs::remove_dir_all(pb.join("static/zz-extra")).unwrap();
        std::fs::write(pb.join("static/zz-extra"), "a file again").unwrap();
        session.build().unwrap();
        assert_eq!(tree(&out), fresh(3));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
