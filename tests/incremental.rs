//! `mostbook watch` always leaves in its output folder exactly what a fresh
//! `mostbook build` of the same sources writes (issue #4: incremental
//! rebuilds must never drift from full ones).
//!
//! Each test copies a playbook into a scratch folder, starts the real
//! `mostbook watch PB -o OUT --today 2027-03-15`, and applies a seeded random
//! series of edits, the ones an author makes: a sentence, a title, a heading
//! and links, a new tactic, a deleted or renamed file, a draft toggled,
//! `playbook.yaml`, `static/`, `templates/` and `i18n/` files, a YAML or
//! template error fixed at the next step, a file touched without a change,
//! bursts of several edits at once, and a return to the last good sources.
//!
//! After each step a fresh `mostbook build` of the same sources goes into
//! another folder. When it succeeds, OUT must become byte-identical to it
//! (the same files and folders, the same bytes; only the content of the
//! build marker `.mostbook-output` is not compared); when it fails, watch
//! must report a failed rebuild (`the site is unchanged: …`) and OUT must
//! still be the site of the last good sources.
//!
//! Timing: the end of a rebuild is read from watch's stderr (`built N pages
//! …` or `the site is unchanged: …`). The watcher may split one step over two
//! rebuilds or merge it with a late event of the step before, so a step is
//! over once the last rebuild reported since its edit has the expected
//! outcome *and* OUT has the expected content; the check polls (OUT is
//! written while it is read) until then, for at most 60 s, and then fails
//! with the first difference. Nothing is measured: a slow machine only makes
//! it slower.
//!
//! Reproducing a failure: the seed and every step are printed (shown by
//! `cargo test` on a failure, or with `-- --nocapture`);
//! `MOSTBOOK_INCR_SEEDS=7,8` runs other seeds, `MOSTBOOK_INCR_STEPS=40`
//! more steps, and `MOSTBOOK_KEEP_TMP=1` keeps the folders.

#![cfg(unix)]

mod common;

use common::{TODAY, TempDir};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

/// The longest wait for watch to catch up with one step.
const PATIENCE: Duration = Duration::from_secs(60);
/// The build marker: its content is mostbook's business, not the site's.
const MARKER: &str = ".mostbook-output";
const STEPS: usize = 18;

#[test]
fn watch_equals_a_fresh_build_on_the_example_playbook() {
    for seed in seeds(&[1, 2]) {
        let tmp = TempDir::new("incr-example");
        let pb = common::example_copy(tmp.path());
        Session::new(&tmp, pb, seed, "example-playbook", "example_playbook").run(steps());
    }
}

#[test]
fn watch_equals_a_fresh_build_on_a_generated_playbook() {
    for seed in seeds(&[3]) {
        let tmp = TempDir::new("incr-generated");
        let pb = tmp.join("generated");
        mostbook::generate::generate(&pb, 40, seed).expect("cannot generate a playbook");
        Session::new(
            &tmp,
            pb,
            seed,
            "a generated playbook of 40 elements",
            "generated_playbook",
        )
        .run(steps());
    }
}

fn seeds(default: &[u64]) -> Vec<u64> {
    match std::env::var("MOSTBOOK_INCR_SEEDS") {
        Ok(s) => s
            .split(',')
            .map(|n| n.trim().parse().expect("MOSTBOOK_INCR_SEEDS: comma-separated numbers"))
            .collect(),
        Err(_) => default.to_vec(),
    }
}

fn steps() -> usize {
    std::env::var("MOSTBOOK_INCR_STEPS")
        .ok()
        .map(|s| s.trim().parse().expect("MOSTBOOK_INCR_STEPS: a number"))
        .unwrap_or(STEPS)
}

// ---------------------------------------------------------------- randomness

/// xorshift64*: tiny, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Never 0 (xorshift's fixed point); nearby seeds far apart.
        Rng((seed ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- the site

/// An output folder: its files (bytes) and folders; the marker's content left out.
#[derive(Clone, PartialEq)]
struct Site {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Site {
    /// Reads a site; `None` when a file or folder vanished or could not be
    /// read meanwhile (watch may be writing it): read again later.
    fn read(dir: &Path) -> Option<Site> {
        fn walk(root: &Path, dir: &Path, site: &mut Site) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let path = entry.path();
                let rel = common::relative(root, &path);
                let ty = entry.file_type()?;
                if ty.is_dir() {
                    site.dirs.insert(rel);
                    walk(root, &path, site)?;
                } else if rel == MARKER {
                    site.files.insert(rel, Vec::new());
                } else if ty.is_symlink() {
                    let target = std::fs::read_link(&path)?;
                    site.files
                        .insert(rel, format!("symlink to {}", target.display()).into_bytes());
                } else {
                    site.files.insert(rel, std::fs::read(&path)?);
                }
            }
            Ok(())
        }
        let mut site = Site {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
        };
        walk(dir, dir, &mut site).ok().map(|()| site)
    }

    /// The differences of `self` (what watch wrote) from `want` (a fresh build), first ones first.
    fn differences(&self, want: &Site) -> Vec<String> {
        let mut out = Vec::new();
        for (path, bytes) in &want.files {
            match self.files.get(path) {
                None => out.push(format!("missing: {path}")),
                Some(got) if got != bytes => out.push(format!("differs: {path}: {}", first_difference(bytes, got))),
                Some(_) => {}
            }
        }
        for path in self.files.keys().filter(|p| !want.files.contains_key(*p)) {
            out.push(format!("not in a fresh build: {path}"));
        }
        for dir in want.dirs.difference(&self.dirs) {
            out.push(format!("missing folder: {dir}/"));
        }
        for dir in self.dirs.difference(&want.dirs) {
            out.push(format!("folder not in a fresh build: {dir}/"));
        }
        out
    }
}

/// Where two files first differ: the line (text) or the byte offset.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let clip = |s: &str| {
        let s: String = s.chars().take(240).collect();
        format!("{s:?}")
    };
    if let (Ok(w), Ok(g)) = (std::str::from_utf8(want), std::str::from_utf8(got)) {
        let (mut wl, mut gl) = (w.split('\n'), g.split('\n'));
        let mut n = 1;
        loop {
            match (wl.next(), gl.next()) {
                (Some(a), Some(b)) if a == b => n += 1,
                (a, b) => {
                    return format!(
                        "first at line {n}\n      fresh build: {}\n      watch:       {}",
                        a.map_or("(end of file)".to_owned(), clip),
                        b.map_or("(end of file)".to_owned(), clip)
                    );
                }
            }
        }
    }
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    format!("binary, first at byte {at} ({} vs {} bytes)", want.len(), got.len())
}

// ---------------------------------------------------------------- watch

#[derive(Clone, Copy, PartialEq, Debug)]
enum End {
    /// `built N pages (M files) in X s`
    Built,
    /// `the site is unchanged: …`
    Unchanged,
}

fn end_of(line: &str) -> Option<End> {
    if line.starts_with("built ") && line.contains(" pages (") {
        Some(End::Built)
    } else if line.starts_with("the site is unchanged:") {
        Some(End::Unchanged)
    } else {
        None
    }
}

/// `mostbook watch`, its stderr read line by line on a thread.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    log: Vec<String>,
}

impl Watch {
    fn start(pb: &Path, out: &Path) -> Watch {
        let mut child = common::mostbook()
            .arg("watch")
            .arg(pb)
            .arg("-o")
            .arg(out)
            .args(["--today", TODAY])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run mostbook");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            log: Vec::new(),
        }
    }

    /// Takes the lines written so far, waiting up to `wait` for a first one.
    fn pump(&mut self, wait: Duration) {
        match self.lines.recv_timeout(wait) {
            Ok(line) => self.log.push(line),
            Err(RecvTimeoutError::Timeout) => return,
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait().ok().flatten();
                panic!("watch has stopped ({status:?}):\n{}", self.tail(0));
            }
        }
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
    }

    fn ends_since(&self, since: usize) -> Vec<End> {
        self.log[since..].iter().filter_map(|l| end_of(l)).collect()
    }

    /// The log from line `since` on (the last 60 lines at most).
    fn tail(&self, since: usize) -> String {
        let from = since.max(self.log.len().saturating_sub(60));
        self.log[from..].join("\n")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- a session

/// A file to put back as it was at the next step (`None`: to delete).
type Fix = Vec<(PathBuf, Option<Vec<u8>>)>;

struct Session<'a> {
    seed: u64,
    rng: Rng,
    pb: PathBuf,
    out: PathBuf,
    fresh: PathBuf,
    watch: Watch,
    /// The step number (also makes every edit's text unique).
    k: usize,
    /// The site of the last sources a fresh build accepted.
    good: Site,
    /// Those sources, by path relative to the playbook.
    good_sources: BTreeMap<String, Vec<u8>>,
    /// Whether OUT should hold `good` while the sources are broken (false
    /// once watch has built a state in between, which the test did not see).
    good_known: bool,
    /// Whether the sources are broken now.
    broken: bool,
    fix: Option<Fix>,
    /// The file and text of the last broken body link, which a later step may
    /// take out alone (the edits made meanwhile stay).
    unlink: Option<(String, String)>,
    /// The name filter that runs this test alone.
    test: &'static str,
    _tmp: &'a TempDir,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Sentence,
    Title,
    HeadingAndLinks,
    RemoveHeading,
    BrokenBodyLink,
    NewTactic,
    DeleteTactic,
    Rename,
    Draft,
    PlaybookYaml,
    Static,
    Template,
    Error,
    Touch,
    Burst,
    Revert,
    Unlink,
}

/// The ops drawn at random, with their weights.
const OPS: &[(Op, usize)] = &[
    (Op::Sentence, 4),
    (Op::Title, 2),
    (Op::HeadingAndLinks, 3),
    (Op::RemoveHeading, 2),
    (Op::BrokenBodyLink, 1),
    (Op::NewTactic, 2),
    (Op::DeleteTactic, 1),
    (Op::Rename, 1),
    (Op::Draft, 1),
    (Op::PlaybookYaml, 1),
    (Op::Static, 1),
    (Op::Template, 2),
    (Op::Error, 1),
    (Op::Touch, 1),
    (Op::Burst, 2),
];

/// What a burst is made of: edits that need no fix of their own.
const BURST_OPS: &[Op] = &[
    Op::Sentence,
    Op::Title,
    Op::HeadingAndLinks,
    Op::RemoveHeading,
    Op::NewTactic,
    Op::DeleteTactic,
    Op::Rename,
    Op::Draft,
    Op::PlaybookYaml,
    Op::Static,
    Op::Template,
    Op::Touch,
];

impl<'a> Session<'a> {
    fn new(tmp: &'a TempDir, pb: PathBuf, seed: u64, what: &str, test: &'static str) -> Session<'a> {
        println!(
            "== seed {seed} on {what} (again: MOSTBOOK_INCR_SEEDS={seed} cargo test --test incremental {test}; MOSTBOOK_KEEP_TMP=1 keeps {})",
            tmp.path().display()
        );
        // Folders an edit can create or fill; present from the start (their
        // creation while watching is `tests/serve.rs`'s business).
        std::fs::create_dir_all(pb.join("static/docs")).unwrap();
        std::fs::write(pb.join("static/docs/notes.txt"), "Notes du test incrémental.\n").unwrap();
        std::fs::create_dir_all(pb.join("templates")).unwrap();
        std::fs::create_dir_all(pb.join("i18n")).unwrap();
        let out = tmp.join("out");
        let fresh = tmp.join("fresh");
        let mut watch = Watch::start(&pb, &out);
        let mut s = Session {
            seed,
            rng: Rng::new(seed),
            pb,
            out,
            fresh,
            watch: {
                // The first build, and the rebuild loop listening.
                let deadline = Instant::now() + PATIENCE;
                while !watch.log.iter().any(|l| l.starts_with("watching `")) {
                    assert!(Instant::now() < deadline, "watch did not start:\n{}", watch.tail(0));
                    watch.pump(Duration::from_millis(200));
                }
                watch
            },
            k: 0,
            good: Site {
                files: BTreeMap::new(),
                dirs: BTreeSet::new(),
            },
            good_sources: BTreeMap::new(),
            good_known: true,
            broken: false,
            fix: None,
            unlink: None,
            test,
            _tmp: tmp,
        };
        assert_eq!(
            s.watch.ends_since(0),
            [End::Built],
            "the first build of watch failed:\n{}",
            s.watch.tail(0)
        );
        assert!(s.fresh_build(), "the playbook does not build to begin with");
        s.expect(0, "the first build");
        s
    }

    fn run(mut self, steps: usize) {
        // Every kind of edit first, in a random order; then random ones.
        let mut first: Vec<Op> = OPS.iter().map(|(op, _)| *op).collect();
        for i in (1..first.len()).rev() {
            first.swap(i, self.rng.below(i + 1));
        }
        first.reverse();
        for _ in 0..steps {
            self.k += 1;
            let op = if self.fix.is_some() {
                Op::Error // its fix
            } else if self.broken && self.rng.chance(40) {
                if self.unlink.is_some() && self.rng.chance(50) {
                    Op::Unlink
                } else {
                    Op::Revert
                }
            } else if let Some(op) = first.pop() {
                op
            } else {
                let total: usize = OPS.iter().map(|(_, w)| w).sum();
                let mut n = self.rng.below(total);
                OPS.iter()
                    .find(|(_, w)| {
                        let hit = n < *w;
                        n = n.saturating_sub(*w);
                        hit
                    })
                    .unwrap()
                    .0
            };
            self.step(op);
        }
        if self.broken {
            self.k += 1;
            self.step(if self.fix.is_some() { Op::Error } else { Op::Revert });
        }
        if self.broken {
            self.k += 1;
            self.step(Op::Revert);
        }
        assert!(!self.broken);
        println!("== seed {}: {} steps, watch and build agree", self.seed, self.k);
    }

    /// One step: the edit, a fresh build, and watch caught up with it.
    fn step(&mut self, op: Op) {
        self.watch.pump(Duration::ZERO);
        let since = self.watch.log.len();
        let what = self.apply(op);
        let ok = self.fresh_build();
        println!(
            "step {} (seed {}): {what} -> a fresh build {}",
            self.k,
            self.seed,
            if ok { "succeeds" } else { "fails" }
        );
        self.expect(since, &what);
    }

    /// Builds the sources afresh into FRESH; on success they are the last good ones.
    fn fresh_build(&mut self) -> bool {
        let o = common::build(&self.pb, &self.fresh, &[]);
        match common::code(&o) {
            0 => {
                self.good = Site::read(&self.fresh).expect("cannot read the fresh build");
                self.good_sources = common::files(&self.pb);
                self.broken = false;
                true
            }
            1 => {
                self.broken = true;
                false
            }
            _ => panic!("the fresh build broke down: {}", common::describe(&o)),
        }
    }

    /// Waits until watch has caught up with the edit made after log line
    /// `since`: its last rebuild has the fresh build's outcome and OUT holds
    /// the last good site.
    fn expect(&mut self, since: usize, what: &str) {
        let want = if self.broken { End::Unchanged } else { End::Built };
        let deadline = Instant::now() + PATIENCE;
        let mut last_diff: Vec<String> = Vec::new();
        loop {
            if let Some(crash) = self.watch.log[since..].iter().find(|l| l.contains("mostbook crashed")) {
                panic!(
                    "seed {} step {}: watch crashed after `{what}`: {crash}\n--- watch's stderr since the edit:\n{}",
                    self.seed,
                    self.k,
                    self.watch.tail(since)
                );
            }
            let ends = self.watch.ends_since(since);
            if ends.last() == Some(&want) {
                if self.broken && !self.good_known {
                    return;
                }
                let read = Site::read(&self.out);
                last_diff = match &read {
                    Some(got) => got.differences(&self.good),
                    None => vec!["the output folder could not be read (being written?)".to_owned()],
                };
                if last_diff.is_empty() {
                    if !self.broken {
                        self.good_known = true;
                    }
                    return;
                }
                if self.broken && ends.contains(&End::Built) && read.is_some() {
                    // The watcher built a state half-way through the step's
                    // edits (a burst seen in two parts): its last good site
                    // is not one the test has seen. The next good build is
                    // compared again.
                    println!(
                        "  (watch built an intermediate state; its output is not checked until the next good build)"
                    );
                    self.good_known = false;
                    return;
                }
            }
            if Instant::now() > deadline {
                let shown: Vec<&String> = last_diff.iter().take(12).collect();
                let more = last_diff.len().saturating_sub(shown.len());
                panic!(
                    "seed {seed} step {k}: after `{what}`, {problem}\n{diffs}{more}\n--- watch's stderr since the edit:\n{log}\n\
                     (again: MOSTBOOK_INCR_SEEDS={seed} cargo test --test incremental {test} -- --nocapture)",
                    seed = self.seed,
                    test = self.test,
                    k = self.k,
                    problem = match ends.last() {
                        None => format!("watch reported no finished rebuild in {} s", PATIENCE.as_secs()),
                        Some(e) if *e != want => format!(
                            "watch's last rebuild ended {e:?}, but a fresh build {}",
                            if self.broken { "fails" } else { "succeeds" }
                        ),
                        _ if self.broken => {
                            "the output is not the last good site any more (a failed rebuild must leave it alone):"
                                .to_owned()
                        }
                        _ => "the output differs from a fresh build:".to_owned(),
                    },
                    diffs = shown.iter().map(|d| format!("  {d}\n")).collect::<String>(),
                    more = if more > 0 {
                        format!("  … and {more} more\n")
                    } else {
                        String::new()
                    },
                    log = self.watch.tail(since),
                );
            }
            self.watch.pump(Duration::from_millis(100));
        }
    }

    // ------------------------------------------------------------ edits

    /// Makes the edit; returns what it did, for the log.
    fn apply(&mut self, op: Op) -> String {
        match op {
            Op::Sentence => self.sentence(),
            Op::Title => self.title(),
            Op::HeadingAndLinks => self.heading_and_links(),
            Op::RemoveHeading => self.remove_heading(),
            Op::BrokenBodyLink => self.broken_body_link(),
            Op::NewTactic => self.new_tactic(),
            Op::DeleteTactic => self.delete_tactic(),
            Op::Rename => self.rename(),
            Op::Draft => self.draft(),
            Op::PlaybookYaml => self.playbook_yaml(),
            Op::Static => self.static_file(),
            Op::Template => self.template(),
            Op::Error => match self.fix.take() {
                Some(fix) => self.apply_fix(fix),
                None => self.error(),
            },
            Op::Touch => self.touch(),
            Op::Burst => {
                let n = 2 + self.rng.below(3);
                let mut done = Vec::new();
                for _ in 0..n {
                    let op = *self.rng.pick(BURST_OPS);
                    done.push(self.apply(op));
                }
                format!("a burst of {n} edits: {}", done.join("; "))
            }
            Op::Revert => self.revert(),
            Op::Unlink => self.unlink(),
        }
    }

    /// Writes a file, as an editor would: in place, or a temporary file renamed over it.
    fn save(&mut self, rel: &str, bytes: &[u8]) {
        let path = self.pb.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if path.exists() && self.rng.chance(50) {
            let name = path.file_name().unwrap().to_string_lossy();
            let tmp = path.with_file_name(format!(".{name}.incr-save"));
            std::fs::write(&tmp, bytes).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        } else {
            std::fs::write(&path, bytes).unwrap();
        }
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.pb.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Content files (`content/…/x.md`), sorted.
    fn content_files(&self) -> Vec<String> {
        common::files(&self.pb.join("content"))
            .into_keys()
            .filter(|p| p.ends_with(".md"))
            .map(|p| format!("content/{p}"))
            .collect()
    }

    fn tactics(&self) -> Vec<String> {
        self.content_files()
            .into_iter()
            .filter(|p| self.read(p).lines().any(|l| l.trim() == "step: tactic"))
            .collect()
    }

    fn pick_content(&mut self) -> String {
        let files = self.content_files();
        self.rng.pick(&files).clone()
    }

    /// A random non-indented prose line of the body gets a sentence; else a new paragraph.
    fn sentence(&mut self) -> String {
        let file = self.pick_content();
        let text = self.read(&file);
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let body = body_start(&lines);
        let prose: Vec<usize> = (body..lines.len())
            .filter(|&i| lines[i].chars().next().is_some_and(char::is_alphabetic))
            .collect();
        let sentence = format!("Phrase modifiée à l'étape {}.", self.k);
        if prose.is_empty() || self.rng.chance(20) {
            lines.push(format!("\n{sentence}\n"));
        } else {
            let i = *self.rng.pick(&prose);
            lines[i] = format!("{} {sentence}", lines[i].trim_end());
        }
        self.save(&file, lines.join("\n").as_bytes());
        format!("a sentence in {file}")
    }

    fn title(&mut self) -> String {
        let file = self.pick_content();
        let text = self.read(&file);
        let title = format!("Titre changé à l'étape {}", self.k);
        let new = replace_front_matter_line(&text, "title:", &format!("title: {title}"));
        self.save(&file, new.as_bytes());
        format!("the title of {file}")
    }

    fn heading_and_links(&mut self) -> String {
        let files = self.content_files();
        let from = self.rng.pick(&files).clone();
        let to = self.rng.pick(&files).clone();
        let target = self.read(&to);
        let k = self.k;
        // A fragment: a heading an earlier step added to the target, one that
        // does not exist (a `broken-anchor` warning on the page), or none.
        let headings: Vec<String> = target
            .lines()
            .filter_map(|l| l.strip_prefix("## Ajout "))
            .map(|n| format!("#ajout-{}", n.trim()))
            .collect();
        let fragment = match self.rng.below(3) {
            0 if !headings.is_empty() => self.rng.pick(&headings).clone(),
            1 => format!("#absent-{k}"),
            _ => String::new(),
        };
        let link = relative_link(&from, &to);
        let id = element_id(&to, &target);
        let wiki = if self.rng.chance(50) {
            format!("[[{id}]]")
        } else {
            format!("[[{id}|libellé {k}]]")
        };
        let mut text = self.read(&from);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "\n## Ajout {k}\n\nVoir [la suite {k}]({link}{fragment}) et {wiki}.\n"
        ));
        self.save(&from, text.as_bytes());
        format!("a heading and links in {from} to {to}{fragment}")
    }

    /// A heading an earlier step added goes (links to it break), its text stays.
    fn remove_heading(&mut self) -> String {
        let with: Vec<String> = self
            .content_files()
            .into_iter()
            .filter(|f| self.read(f).contains("\n## Ajout "))
            .collect();
        if with.is_empty() {
            return self.sentence();
        }
        let file = self.rng.pick(&with).clone();
        let text = self.read(&file);
        let lines: Vec<&str> = text.split('\n').collect();
        let headings: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("## Ajout "))
            .collect();
        let gone = *self.rng.pick(&headings);
        let kept: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != gone)
            .map(|(_, l)| *l)
            .collect();
        self.save(&file, kept.join("\n").as_bytes());
        format!("the heading `{}` of {file} removed", lines[gone])
    }

    /// A body link to a file that does not exist: a `broken-link` error, until
    /// a revert (meanwhile, other edits pile up on the broken sources).
    fn broken_body_link(&mut self) -> String {
        let file = self.pick_content();
        let mut text = self.read(&file);
        let link = format!("\nVoir [la page perdue](perdue-{}.md).\n", self.k);
        text.push_str(&link);
        self.save(&file, text.as_bytes());
        self.unlink = Some((file.clone(), link));
        format!("a broken link in the body of {file}")
    }

    /// The last broken body link taken out, nothing else.
    fn unlink(&mut self) -> String {
        let Some((file, link)) = self.unlink.take() else {
            return self.revert();
        };
        match std::fs::read_to_string(self.pb.join(&file)) {
            Ok(text) if text.contains(&link) => {
                self.save(&file, text.replacen(&link, "", 1).as_bytes());
                format!("the broken link taken out of {file}")
            }
            _ => self.revert(),
        }
    }

    fn new_tactic(&mut self) -> String {
        // A network folder: one under content/ with strategies of its own.
        let files = self.content_files();
        let networks: BTreeSet<String> = files
            .iter()
            .filter_map(|p| {
                let parts: Vec<&str> = p.split('/').collect();
                (parts.len() >= 4 && parts[2] == "strategies").then(|| parts[1].to_owned())
            })
            .collect();
        let networks: Vec<String> = networks.into_iter().collect();
        if networks.is_empty() {
            return self.sentence();
        }
        let net = self.rng.pick(&networks).clone();
        let strategies: Vec<String> = files
            .iter()
            .filter(|p| p.starts_with(&format!("content/{net}/strategies/")))
            .cloned()
            .collect();
        let strategy = self.rng.pick(&strategies).clone();
        let serves = element_id(&strategy, &self.read(&strategy));
        let k = self.k;
        let day = *self.rng.pick(&["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
        let hour = 8 + self.rng.below(10);
        let file = format!("content/{net}/tactics/tactique-test-{k}.md");
        let text = format!(
            "---\nstep: tactic\ntitle: Tactique ajoutée à l'étape {k}\nserves: {serves}\nformats: [text, photo]\n\
             schedule:\n  every: week\n  days: [{day}]\n  time: \"{hour:02}:30\"\n---\n\
             Une tactique ajoutée par le test ({k}), au service de [sa stratégie]({}).\n",
            relative_link(&file, &strategy)
        );
        self.save(&file, text.as_bytes());
        format!("new {file} serving {serves}")
    }

    fn delete_tactic(&mut self) -> String {
        let tactics = self.tactics();
        if tactics.is_empty() {
            return self.new_tactic();
        }
        let file = self.rng.pick(&tactics).clone();
        std::fs::remove_file(self.pb.join(&file)).unwrap();
        format!("deleted {file}")
    }

    /// A new file name: a new id and URL; links and `serves` to it break.
    fn rename(&mut self) -> String {
        let tactics = self.tactics();
        let file = if !tactics.is_empty() && self.rng.chance(60) {
            self.rng.pick(&tactics).clone()
        } else {
            self.pick_content()
        };
        let to = format!("{}-r{}.md", file.strip_suffix(".md").unwrap(), self.k);
        std::fs::rename(self.pb.join(&file), self.pb.join(&to)).unwrap();
        format!("renamed {file} to {to}")
    }

    fn draft(&mut self) -> String {
        // Half the time a draft, if any, is published again.
        let drafts: Vec<String> = self
            .content_files()
            .into_iter()
            .filter(|p| {
                let text = self.read(p);
                let lines: Vec<&str> = text.split('\n').collect();
                lines[..body_start(&lines)].iter().any(|l| l.trim() == "draft: true")
            })
            .collect();
        let file = if !drafts.is_empty() && self.rng.chance(50) {
            self.rng.pick(&drafts).clone()
        } else {
            self.pick_content()
        };
        let text = self.read(&file);
        let lines: Vec<&str> = text.split('\n').collect();
        let end = body_start(&lines);
        let (new, what) = if lines[..end].iter().any(|l| l.trim() == "draft: true") {
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, l)| !(*i < end && l.trim() == "draft: true"))
                .map(|(_, l)| *l)
                .collect();
            (kept.join("\n"), "no longer a draft")
        } else {
            (text.replacen("---\n", "---\ndraft: true\n", 1), "a draft")
        };
        self.save(&file, new.as_bytes());
        format!("{file} {what}")
    }

    fn playbook_yaml(&mut self) -> String {
        let text = self.read("playbook.yaml");
        let k = self.k;
        let names: Vec<usize> = text
            .split('\n')
            .enumerate()
            .filter(|(_, l)| l.starts_with(' ') && l.contains("name: "))
            .map(|(i, _)| i)
            .collect();
        let (new, what) = if names.is_empty() || self.rng.chance(40) {
            (
                replace_line(&text, "title:", &format!("title: Playbook modifié à l'étape {k}")),
                "the title",
            )
        } else {
            let i = *self.rng.pick(&names);
            let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
            let line = &lines[i];
            let start = line.find("name: ").unwrap() + "name: ".len();
            let end = line[start..].find([',', '}']).map_or(line.len(), |e| start + e);
            lines[i] = format!("{}\"Réseau {k}\"{}", &line[..start], &line[end..]);
            (lines.join("\n"), "a network's name")
        };
        self.save("playbook.yaml", new.as_bytes());
        format!("{what} in playbook.yaml")
    }

    fn static_file(&mut self) -> String {
        let k = self.k;
        let existing: Vec<String> = common::files(&self.pb.join("static"))
            .into_keys()
            .map(|p| format!("static/{p}"))
            .collect();
        match self.rng.below(3) {
            0 if existing.len() > 1 => {
                let file = self.rng.pick(&existing).clone();
                std::fs::remove_file(self.pb.join(&file)).unwrap();
                format!("deleted {file}")
            }
            1 if !existing.is_empty() => {
                let file = self.rng.pick(&existing).clone();
                let mut bytes = std::fs::read(self.pb.join(&file)).unwrap();
                bytes.extend_from_slice(format!("Ligne de l'étape {k}.\n").as_bytes());
                self.save(&file, &bytes);
                format!("edited {file}")
            }
            _ => {
                let file = format!("static/docs/ajout-{k}.txt");
                self.save(&file, format!("Fichier statique de l'étape {k}.\n").as_bytes());
                format!("new {file}")
            }
        }
    }

    /// A template override (the element pages, every page through
    /// `base.html`, or the links to elements through `components.html`), its
    /// removal, or an interface string in `i18n/`.
    fn template(&mut self) -> String {
        let k = self.k;
        match self.rng.below(4) {
            0 | 1 => {
                let (file, text) = match self.rng.below(3) {
                    0 => (
                        "templates/element.html",
                        format!(
                            "{{% extends \"default/element.html\" %}}\n{{% block content %}}<p class=\"incr-override\">Gabarit de l'étape {k}</p>\n{{{{ super() }}}}{{% endblock content %}}\n"
                        ),
                    ),
                    1 => (
                        "templates/base.html",
                        format!(
                            "{{% extends \"default/base.html\" %}}\n{{% block head %}}<meta name=\"incr-step\" content=\"{k}\">{{% endblock head %}}\n"
                        ),
                    ),
                    // Links to elements are written once per element unless
                    // `el_link` is redefined: both ways, as the session goes.
                    _ => (
                        "templates/components.html",
                        format!(
                            "{{% component el_link(el, root) %}}<a class=\"incr-link\" href=\"{{{{ root ~ el.url }}}}\">{k} {{{{ el.title }}}}</a>{{% endcomponent el_link %}}\n"
                        ),
                    ),
                };
                self.save(file, text.as_bytes());
                format!("override {file}")
            }
            2 => {
                let present: Vec<&str> = [
                    "templates/element.html",
                    "templates/base.html",
                    "templates/components.html",
                ]
                .into_iter()
                .filter(|f| self.pb.join(f).exists())
                .collect();
                if present.is_empty() {
                    return self.i18n();
                }
                let file = *self.rng.pick(&present);
                std::fs::remove_file(self.pb.join(file)).unwrap();
                format!("removed the override {file}")
            }
            _ => self.i18n(),
        }
    }

    fn i18n(&mut self) -> String {
        let config = self.read("playbook.yaml");
        let lang = config
            .lines()
            .find_map(|l| l.strip_prefix("language:"))
            .map_or("en", |l| l.trim().trim_matches('"'));
        let file = format!("i18n/{lang}.yaml");
        let text = format!("overview: Vue de l'étape {}\nprint: Imprimer ({})\n", self.k, self.k);
        self.save(&file, text.as_bytes());
        format!("interface strings in {file}")
    }

    /// A YAML error (front-matter or playbook.yaml) or a template error, fixed at the next step.
    fn error(&mut self) -> String {
        let k = self.k;
        let (file, broken) = match self.rng.below(3) {
            0 => {
                let file = self.pick_content();
                let text = self.read(&file);
                let new = replace_front_matter_line(&text, "title:", &format!("title: \"guillemet non fermé {k}"));
                (file, new)
            }
            1 => {
                let text = self.read("playbook.yaml");
                (
                    "playbook.yaml".to_owned(),
                    replace_line(&text, "title:", &format!("title: [crochet non fermé {k}")),
                )
            }
            _ => (
                "templates/element.html".to_owned(),
                format!(
                    "{{% extends \"default/element.html\" %}}\n{{% block content %}}<p>{k}</p>{{{{ element.title \n"
                ),
            ),
        };
        let path = self.pb.join(&file);
        self.fix = Some(vec![(path.clone(), std::fs::read(&path).ok())]);
        self.save(&file, broken.as_bytes());
        format!("an error in {file} (fixed at the next step)")
    }

    fn apply_fix(&mut self, fix: Fix) -> String {
        let mut done = Vec::new();
        for (path, bytes) in fix {
            let rel = path.strip_prefix(&self.pb).unwrap().to_string_lossy().into_owned();
            match bytes {
                Some(b) => self.save(&rel, &b),
                None => std::fs::remove_file(&path).unwrap(),
            }
            done.push(rel);
        }
        format!("fixed {}", done.join(", "))
    }

    /// A change of the modification time only, or the same bytes written again.
    fn touch(&mut self) -> String {
        let mut candidates = self.content_files();
        candidates.push("playbook.yaml".to_owned());
        candidates.extend(
            common::files(&self.pb.join("static"))
                .into_keys()
                .map(|p| format!("static/{p}")),
        );
        let file = self.rng.pick(&candidates).clone();
        let path = self.pb.join(&file);
        if self.rng.chance(50) {
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(SystemTime::now()).unwrap();
            format!("touched {file} (time only)")
        } else {
            let bytes = std::fs::read(&path).unwrap();
            self.save(&file, &bytes);
            format!("saved {file} unchanged")
        }
    }

    /// Back to the last good sources, all at once (a `git checkout`).
    fn revert(&mut self) -> String {
        let now = common::files(&self.pb);
        let good = self.good_sources.clone();
        let mut changed = 0;
        for path in now.keys().filter(|p| !good.contains_key(*p)) {
            std::fs::remove_file(self.pb.join(path)).unwrap();
            changed += 1;
        }
        for (path, bytes) in &good {
            if now.get(path) != Some(bytes) {
                let full = self.pb.join(path);
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, bytes).unwrap();
                changed += 1;
            }
        }
        self.fix = None;
        self.unlink = None;
        format!("back to the last good sources ({changed} files)")
    }
}

// ---------------------------------------------------------------- text helpers

/// The index of the first line after the front-matter (0 without one).
fn body_start<S: AsRef<str>>(lines: &[S]) -> usize {
    if lines.first().map(|l| l.as_ref().trim()) != Some("---") {
        return 0;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| l.as_ref().trim() == "---")
        .map_or(0, |i| i + 2)
}

/// The front-matter line starting with `key` replaced by `new` (added if absent).
fn replace_front_matter_line(text: &str, key: &str, new: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let end = body_start(&lines);
    match (1..end.saturating_sub(1)).find(|&i| lines[i].starts_with(key)) {
        Some(i) => lines[i] = new.to_owned(),
        None if end > 0 => lines.insert(1, new.to_owned()),
        None => lines.insert(0, format!("---\n{new}\n---")),
    }
    lines.join("\n")
}

/// The first line starting with `key` replaced by `new`.
fn replace_line(text: &str, key: &str, new: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(key))
        .unwrap_or_else(|| panic!("no `{key}` line in:\n{text}"));
    lines[i] = new.to_owned();
    lines.join("\n")
}

/// The element's id: its `id:` field, else its path under `content/` without `.md`.
fn element_id(file: &str, text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let end = body_start(&lines);
    lines[..end]
        .iter()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .unwrap_or_else(|| {
            file.strip_prefix("content/")
                .and_then(|f| f.strip_suffix(".md"))
                .unwrap()
                .to_owned()
        })
}

/// A Markdown link from content file `from` to content file `to` (both `content/…`).
fn relative_link(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').collect();
    let to: Vec<&str> = to.split('/').collect();
    let dir = &from[..from.len() - 1];
    let common = dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[test]
fn the_helpers_of_this_test() {
    assert_eq!(
        relative_link("content/x/tactics/a.md", "content/x/strategies/b.md"),
        "../strategies/b.md"
    );
    assert_eq!(
        relative_link("content/mission.md", "content/x/mission.md"),
        "x/mission.md"
    );
    assert_eq!(
        relative_link("content/x/mission.md", "content/mission.md"),
        "../mission.md"
    );
    assert_eq!(relative_link("content/a.md", "content/a.md"), "a.md");
    assert_eq!(element_id("content/x/a.md", "---\nstep: tactic\n---\nid: no\n"), "x/a");
    assert_eq!(element_id("content/x/a.md", "---\nid: custom\n---\n"), "custom");
    assert_eq!(body_start(&["---", "a: 1", "---", "body"]), 3);
    assert_eq!(
        replace_front_matter_line("---\ntitle: A\n---\ntitle: body\n", "title:", "title: B"),
        "---\ntitle: B\n---\ntitle: body\n"
    );
    let mut r = Rng::new(1);
    let first: Vec<u64> = (0..3).map(|_| r.next()).collect();
    let mut again = Rng::new(1);
    assert_eq!(first, (0..3).map(|_| again.next()).collect::<Vec<_>>());
    assert!(first_difference(b"a\nb\nc", b"a\nB\nc").contains("line 2"));
}
