//! Stage 1 — load: read `playbook.yaml` and every `content/**/*.md` into the model.
//!
//! Nothing here looks across files; that is [`crate::resolve`]'s job.

pub mod config;
pub mod element;
pub mod fields;
pub mod frontmatter;
pub mod i18n;
pub mod yaml;

use crate::diag::{Diagnostic, Diagnostics, Rule};
use crate::markdown::scan::{Scan, scan};
use crate::model::{Config, Element};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::Pos;

/// Everything read from disk.
pub struct Loaded {
    pub root: PathBuf,
    /// `None` when playbook.yaml is unusable (its problems are in `diags`).
    pub config: Option<Config>,
    pub elements: Vec<Element>,
    /// Per element: the headings, links and raw HTML of its body.
    pub scans: Vec<Scan>,
    /// The text of every file read, by relative path, for diagnostics.
    pub sources: HashMap<String, Arc<str>>,
    /// Lowercased ids of content files that could not be read as elements:
    /// references to them are not reported again.
    pub unreadable_ids: HashSet<String>,
    pub diags: Diagnostics,
}

/// A failure that is not a problem of the playbook: exit status 2.
#[derive(Debug)]
pub enum LoadError {
    NoPlaybook(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NoPlaybook(p) => write!(
                f,
                "no playbook.yaml in `{}` (run `mostbook init` to start a playbook there)",
                p.display()
            ),
            LoadError::Io(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
        }
    }
}

/// One content file found under `content/`.
struct Found {
    path: PathBuf,
    /// Relative to the playbook folder, `/`-separated.
    rel: String,
}

/// Content files parsed by an earlier load, reused while their bytes (and the
/// networks, which give a file its default network) stay the same: what makes
/// a rebuild in `watch` cheap. A cached file gives exactly what parsing it again would.
#[derive(Default)]
pub struct Cache {
    networks: Vec<String>,
    /// By relative path: the hash of the file's bytes, and what reading it gave.
    files: HashMap<String, Cached>,
    hits: usize,
    /// A digest of what playbook.yaml and i18n/ gave at the last load.
    settings: Option<u128>,
}

/// What changed in a playbook since a [`Cache`]'s last load ([`Cache::refresh`]).
pub enum Changes {
    /// Nothing but the bodies of these content files: their front-matter is
    /// the same byte for byte, no file came or went, playbook.yaml and i18n/
    /// read the same.
    Bodies(Vec<ChangedBody>),
    /// Anything else: the playbook is to be loaded again.
    Other,
}

/// A content file of which only the body changed.
pub struct ChangedBody {
    /// Relative to the playbook folder (`content/…`).
    pub file: String,
    /// The file's whole text now (the front-matter as before).
    pub text: Arc<str>,
    pub scan: Scan,
}

/// One content file as a load found it: the hash of its bytes (0: unreadable),
/// what it gave, its stamp, and whether it was taken from the cache.
type Read = (u128, Arc<FileResult>, Option<Stamp>, bool);

/// playbook.yaml and i18n/, read.
struct Settings {
    config: Option<Config>,
    diags: Vec<Diagnostic>,
    sources: Vec<(String, Arc<str>)>,
    /// A digest of all of the above.
    key: u128,
}

struct Cached {
    hash: u128,
    result: Arc<FileResult>,
    /// The file's size and times when it was read; `None` if it had changed
    /// too shortly before to be sure a later change shows in them.
    stamp: Option<Stamp>,
}

/// What tells a file changed without reading it: size, modification time and,
/// on Unix, inode and change time (an editor that saves by renaming gives a new inode).
#[derive(PartialEq, Eq, Clone, Copy)]
struct Stamp {
    len: u64,
    modified: std::time::SystemTime,
    #[cfg(unix)]
    ino: u64,
    #[cfg(unix)]
    ctime: (i64, i64),
}

/// A file changed less than this before it was read is read again next time,
/// whatever its stamp says: a write in the same clock tick as the read would
/// not change it (git's "racy clean" problem, solved the same way).
const RACY: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok()?,
            #[cfg(unix)]
            ino: m.ino(),
            #[cfg(unix)]
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }

    /// The stamp, if it was old enough at `read_at` to be trusted later.
    fn settled(self, read_at: std::time::SystemTime) -> Option<Stamp> {
        let changed = self.modified.max(
            #[cfg(unix)]
            {
                let (s, ns) = self.ctime;
                u64::try_from(s)
                    .ok()
                    .and_then(|s| {
                        std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(s, ns.clamp(0, 999_999_999) as u32))
                    })
                    .unwrap_or(self.modified)
            },
            #[cfg(not(unix))]
            self.modified,
        );
        (changed + RACY < read_at).then_some(self)
    }
}

impl Cache {
    /// How many files the last load took from the cache.
    pub fn hits(&self) -> usize {
        self.hits
    }

    /// How many files the last load parsed.
    pub fn misses(&self) -> usize {
        self.files.len() - self.hits.min(self.files.len())
    }

    /// What changed since the last load, reading only the files whose stamp
    /// changed and remembering them. After [`Changes::Other`], [`load_with`]
    /// loads the playbook (reusing what this read).
    ///
    /// `changed`: the paths (relative to `root`, `/`-separated) a watcher saw
    /// change since the last load, if it knows. When each one under
    /// `content/` is a content file the cache has, only those are looked at;
    /// otherwise (or `None`) every content file is.
    pub fn refresh(
        &mut self,
        root: &Path,
        skip: Option<&Path>,
        changed: Option<&std::collections::BTreeSet<String>>,
    ) -> Result<Changes, LoadError> {
        let Some(before) = self.settings else {
            return Ok(Changes::Other);
        };
        if settings(root)?.key != before {
            return Ok(Changes::Other);
        }
        let known = changed.and_then(|paths| {
            let mut known = Vec::new();
            for p in paths {
                if p == "content" || p.starts_with("content/") {
                    // A folder, or a file the last load did not have: walk.
                    self.files.contains_key(p).then_some(())?;
                    known.push(Found {
                        path: root.join(p),
                        rel: p.clone(),
                    });
                } else if p.is_empty() {
                    return None;
                }
            }
            Some(known)
        });
        let whole = known.is_none();
        let found = match known {
            Some(known) => known,
            None => {
                let found = walk(root, skip)?;
                if found.len() != self.files.len() || found.iter().any(|f| !self.files.contains_key(&f.rel)) {
                    return Ok(Changes::Other);
                }
                found
            }
        };
        let results = read(&found, Some(&self.files), &self.networks);
        let mut bodies = Vec::new();
        let mut other = false;
        for (f, (_, now, _, reused)) in found.iter().zip(&results) {
            if *reused {
                continue;
            }
            match (&self.files[&f.rel].result.element, &now.element) {
                (Some(a), Some(b)) if a.text[..a.body_offset] == b.text[..b.body_offset] => bodies.push(ChangedBody {
                    file: f.rel.clone(),
                    text: b.text.clone(),
                    scan: now.scan.clone(),
                }),
                _ => other = true,
            }
        }
        if whole {
            self.remember(&found, &results);
        } else {
            self.hits = self.files.len() - results.iter().filter(|r| !r.3).count();
            for (f, (hash, result, stamp, _)) in found.iter().zip(results) {
                if hash == 0 {
                    self.files.remove(&f.rel);
                } else {
                    self.files.insert(f.rel.clone(), Cached { hash, result, stamp });
                }
            }
        }
        Ok(if other { Changes::Other } else { Changes::Bodies(bodies) })
    }

    /// Keeps what a load read.
    fn remember(&mut self, found: &[Found], results: &[Read]) {
        self.hits = results.iter().filter(|r| r.3).count();
        self.files = found
            .iter()
            .zip(results)
            .filter(|(_, (h, ..))| *h != 0)
            .map(|(f, (hash, result, stamp, _))| {
                (
                    f.rel.clone(),
                    Cached {
                        hash: *hash,
                        result: result.clone(),
                        stamp: *stamp,
                    },
                )
            })
            .collect();
    }
}

/// Reads playbook.yaml and i18n/.
fn settings(root: &Path) -> Result<Settings, LoadError> {
    let cfg_path = root.join(config::FILE);
    let cfg_bytes = match std::fs::read(&cfg_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LoadError::NoPlaybook(root.to_path_buf())),
        Err(e) => return Err(LoadError::Io(cfg_path, e)),
    };
    let mut diags = Vec::new();
    let mut sources = Vec::new();
    let config = match decode(config::FILE, &cfg_bytes) {
        Ok(text) => {
            let (cfg, ds) = config::parse(&text, root);
            diags.extend(ds);
            sources.push((config::FILE.to_owned(), Arc::from(frontmatter::strip_bom(&text))));
            cfg
        }
        Err(d) => {
            diags.push(Diagnostic {
                rule: Rule::InvalidConfig,
                ..d
            });
            None
        }
    };
    let (i18n_diags, i18n_texts) = i18n::check(root);
    diags.extend(i18n_diags);
    sources.extend(i18n_texts.into_iter().map(|(p, t)| (p, Arc::from(t))));
    // What is read from them, rather than their bytes: playbook.yaml's meaning
    // also depends on the theme folders it names.
    let key = xxhash_rust::xxh3::xxh3_128(format!("{config:?}{diags:?}{sources:?}").as_bytes());
    Ok(Settings {
        config,
        diags,
        sources,
        key,
    })
}

/// Reads the files `found`, taking from `previous` the ones that did not change.
fn read(found: &[Found], previous: Option<&HashMap<String, Cached>>, networks: &[String]) -> Vec<Read> {
    let read_at = std::time::SystemTime::now();
    found
        .par_iter()
        .map(|f| {
            let cached = previous.and_then(|p| p.get(&f.rel));
            // Taken before reading: a change after it shows in the next one.
            let stamp = Stamp::of(&f.path);
            if let Some(c) = cached
                && c.stamp.is_some()
                && c.stamp == stamp
            {
                return (c.hash, c.result.clone(), c.stamp, true);
            }
            let stamp = stamp.and_then(|s| s.settled(read_at));
            let bytes = std::fs::read(&f.path);
            let hash = bytes.as_ref().map_or(0, |b| xxhash_rust::xxh3::xxh3_128(b));
            if let (Ok(_), Some(c)) = (&bytes, cached)
                && c.hash == hash
            {
                return (hash, c.result.clone(), stamp, true);
            }
            (hash, Arc::new(load_file(f, bytes, networks)), stamp, false)
        })
        .collect()
}

/// Loads the playbook at `root`. `skip` is a folder never read as input (the output).
pub fn load(root: &Path, skip: Option<&Path>) -> Result<Loaded, LoadError> {
    load_with(root, skip, None)
}

/// [`load`], reusing (and refreshing) `cache`.
pub fn load_with(root: &Path, skip: Option<&Path>, mut cache: Option<&mut Cache>) -> Result<Loaded, LoadError> {
    let settings = settings(root)?;
    let mut diags = Diagnostics::default();
    diags.extend(settings.diags);
    let mut sources: HashMap<String, Arc<str>> = settings.sources.into_iter().collect();
    let config = settings.config;
    let found = crate::timings::time("walk", || walk(root, skip))?;
    let networks: Vec<String> = config
        .iter()
        .flat_map(|c| c.networks.iter().map(|n| n.id.clone()))
        .collect();
    if let Some(c) = cache.as_deref_mut()
        && c.networks != networks
    {
        c.files.clear();
        c.networks.clone_from(&networks);
    }
    let results = crate::timings::time("read", || read(&found, cache.as_deref().map(|c| &c.files), &networks));
    if let Some(c) = cache {
        c.remember(&found, &results);
        c.settings = Some(settings.key);
    }

    let mut elements = Vec::with_capacity(results.len());
    let mut scans = Vec::with_capacity(results.len());
    let mut unreadable_ids = HashSet::new();
    for (f, (_, r, _, _)) in found.iter().zip(results) {
        // The only copy when the cache does not hold it too.
        let r = Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone());
        diags.extend(r.diags);
        if let Some(text) = r.text {
            sources.insert(f.rel.clone(), text);
        }
        match r.element {
            Some(e) => {
                elements.push(e);
                scans.push(r.scan);
            }
            None => {
                unreadable_ids.insert(nfc(path_id(&f.rel)).to_lowercase());
                if let Some(id) = r.explicit_id {
                    unreadable_ids.insert(nfc(&id).to_lowercase());
                }
            }
        }
    }
    Ok(Loaded {
        root: root.to_path_buf(),
        config,
        elements,
        scans,
        sources,
        unreadable_ids,
        diags,
    })
}

/// Every `*.md` under `content/`, sorted, hidden entries and `skip` left out.
fn walk(root: &Path, skip: Option<&Path>) -> Result<Vec<Found>, LoadError> {
    let content = root.join("content");
    if !content.is_dir() {
        return Ok(Vec::new());
    }
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            let skipped = skip
                .as_ref()
                .is_some_and(|s| e.file_type().is_dir() && e.path().canonicalize().is_ok_and(|p| &p == s));
            !hidden && !skipped
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if skippable_link(&e) => continue,
            Err(e) => {
                let path = e.path().unwrap_or(&content).to_path_buf();
                return Err(LoadError::Io(path, e.into()));
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel_content = entry.path().strip_prefix(&content).unwrap_or(entry.path());
        let rel = format!("content/{}", to_slash(rel_content));
        found.push(Found {
            path: entry.path().to_path_buf(),
            rel,
        });
    }
    Ok(found)
}

/// A walk error from a symlink loop, a link to itself or a dangling link:
/// such entries are skipped, like `find -L` does (in `content/`, `static/`, themes).
pub fn skippable_link(e: &walkdir::Error) -> bool {
    e.loop_ancestor().is_some()
        || e.path()
            .is_some_and(|p| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()))
}

fn to_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Text in Unicode NFC: `é` typed on a Mac (e + U+0301) and elsewhere (U+00E9)
/// are one id, one file name, one reference.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s)
}

/// The id a file gets from its path: `content/linkedin/mission.md` → `linkedin/mission`.
pub fn path_id(rel: &str) -> &str {
    let p = rel.strip_prefix("content/").unwrap_or(rel);
    p.strip_suffix(".md").unwrap_or(p)
}

/// What reading one content file gave.
#[derive(Clone)]
struct FileResult {
    text: Option<Arc<str>>,
    element: Option<Element>,
    /// The element's body scanned (empty when there is no element).
    scan: Scan,
    explicit_id: Option<String>,
    diags: Vec<Diagnostic>,
}

fn load_file(f: &Found, bytes: std::io::Result<Vec<u8>>, networks: &[String]) -> FileResult {
    let mut out = FileResult {
        text: None,
        element: None,
        scan: Scan::default(),
        explicit_id: None,
        diags: Vec::new(),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            out.diags.push(Diagnostic::new(
                Rule::InvalidEncoding,
                &f.rel,
                Pos::START,
                format!("cannot read this file: {e}"),
            ));
            return out;
        }
    };
    let text = match decode(&f.rel, &bytes) {
        Ok(t) => t,
        Err(d) => {
            // Kept (lossily) only to show the line in the diagnostic.
            out.text = Some(Arc::from(String::from_utf8_lossy(&bytes).as_ref()));
            out.diags.push(d);
            return out;
        }
    };
    let text: Arc<str> = match text.strip_prefix('\u{feff}') {
        Some(stripped) => Arc::from(stripped),
        None => Arc::from(text),
    };
    out.text = Some(text.clone());
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(frontmatter::SplitError::Missing) => {
            out.diags.push(
                Diagnostic::new(
                    Rule::MissingFrontMatter,
                    &f.rel,
                    Pos::START,
                    "this file does not start with a `---` front-matter",
                )
                .help("start the file with `---`, the fields (`step:`, `title:`, …), and `---`"),
            );
            return out;
        }
        Err(frontmatter::SplitError::Unterminated) => {
            out.diags.push(
                Diagnostic::new(
                    Rule::UnterminatedFrontMatter,
                    &f.rel,
                    Pos::START,
                    "the front-matter opened here is never closed",
                )
                .width(3)
                .help("add a line `---` after the last field"),
            );
            return out;
        }
    };
    let doc = match yaml::parse(split.yaml) {
        Ok(doc) => doc,
        Err(e) => {
            let pos = Pos::new(e.pos.line + split.yaml_line - 1, e.pos.col);
            let line = split
                .yaml
                .lines()
                .nth(e.pos.line.saturating_sub(1) as usize)
                .unwrap_or("");
            out.diags.push(
                Diagnostic::new(
                    Rule::YamlSyntax,
                    &f.rel,
                    pos,
                    format!("the front-matter is not valid YAML: {}", e.message),
                )
                .maybe_help(yaml_help(&e.message, line)),
            );
            return out;
        }
    };
    let pid = nfc(path_id(&f.rel));
    let pid = pid.as_ref();
    let first = pid.split('/').next().unwrap_or("");
    let folder_network = (pid.contains('/'))
        .then(|| networks.iter().find(|n| n.eq_ignore_ascii_case(first)))
        .flatten()
        .map(String::as_str);
    let parsed = element::read(&f.rel, split.yaml, split.yaml_line, &doc, pid, folder_network);
    out.diags = parsed.diags;
    match parsed.element {
        Some(mut e) => {
            e.text = text.clone();
            e.body_offset = split.body_offset;
            e.body_line = split.body_line;
            out.scan = scan(e.body());
            out.element = Some(e);
        }
        None => out.explicit_id = explicit_id(&doc),
    }
    out
}

/// A likely fix for a YAML syntax error, from the parser's message and the line.
fn yaml_help(message: &str, line: &str) -> Option<String> {
    let (key, value) = line.split_once(": ").map_or(("", ""), |(k, v)| (k.trim(), v.trim()));
    let quoted = |v: &str| {
        format!(
            "put the value in double quotes: `{key}: \"{}\"`",
            v.replace('"', "\\\"")
        )
    };
    if message.contains("mapping values are not allowed") {
        if value.contains(": ") {
            return Some(quoted(value));
        }
        return Some(
            "check the indentation: each field of the front-matter starts at the beginning of its line".to_owned(),
        );
    }
    if message.contains("unexpected character") && !value.is_empty() {
        return Some(quoted(value));
    }
    if message.contains("unclosed quote") {
        return Some("close the quote at the end of the value (or remove it)".to_owned());
    }
    if message.contains("unclosed bracket") {
        return Some("a list in brackets must be closed, e.g. `[video, photo]`; to write text starting with `[`, put it in quotes".to_owned());
    }
    if message.ends_with("is written twice") {
        return Some("keep one of the two lines: a field is given once".to_owned());
    }
    // The word, not a part of one ("acceptable").
    if message
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "tab" || w == "tabs")
    {
        return Some("indent with spaces: YAML does not accept tabs".to_owned());
    }
    None
}

fn explicit_id(doc: &yaml::Node) -> Option<String> {
    match &doc.value {
        yaml::Value::Map(e) => e
            .iter()
            .find(|(k, _)| k.as_str() == Some("id"))
            .and_then(|(_, v)| v.as_scalar_text()),
        _ => None,
    }
}

/// UTF-8 text, or an `invalid-encoding` diagnostic at the first bad byte.
fn decode(rel: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or("");
            let good = good.strip_prefix('\u{feff}').unwrap_or(good);
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let byte = bytes[e.valid_up_to()];
            let latin1 = if byte >= 0xA0 {
                format!(" (`{}` in Latin-1)", byte as char)
            } else {
                String::new()
            };
            Err(Diagnostic::new(
                Rule::InvalidEncoding,
                rel,
                Pos::new(
                    u32::try_from(line).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(u32::MAX),
                ),
                format!("this file is not UTF-8: byte 0x{byte:02X}{latin1} cannot be read"),
            )
            .help("save the file as UTF-8 (most editors offer it under “Save with encoding”)"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_helps_fit_the_error() {
        let tabs = Some("indent with spaces: YAML does not accept tabs".to_owned());
        assert_eq!(
            yaml_help("tabs disallowed within this context (block indentation)", "\t- a"),
            tabs
        );
        assert_eq!(
            yaml_help("found a tab character where an indentation space is expected", "\tx"),
            tabs
        );
        assert_eq!(
            yaml_help("the field `title` is written twice", "title: N"),
            Some("keep one of the two lines: a field is given once".to_owned())
        );
        // "acceptable" holds "tab": no advice about tabs for it.
        assert_eq!(yaml_help("something not acceptable", "title: N"), None);
    }

    #[test]
    fn invalid_encoding_points_at_the_first_bad_byte() {
        let d = decode("content/a.md", b"---\ntitle: caf\xe9\n").unwrap_err();
        assert_eq!(d.rule, Rule::InvalidEncoding);
        assert_eq!(d.pos, Pos::new(2, 11));
        assert!(d.message.contains("`é` in Latin-1"), "{}", d.message);
    }

    #[test]
    fn a_file_changed_just_before_it_is_read_is_not_trusted_by_its_stamp() {
        let f = std::env::temp_dir().join(format!("mostbook-stamp-{}.md", std::process::id()));
        std::fs::write(&f, "x").unwrap();
        let stamp = Stamp::of(&f).unwrap();
        let now = std::time::SystemTime::now();
        assert!(
            stamp.settled(now).is_none(),
            "changed a moment ago: read again next time"
        );
        assert!(stamp.settled(now + RACY + RACY).is_some());
        std::fs::remove_file(&f).unwrap();
    }

    #[test]
    fn a_cached_load_equals_a_fresh_one_after_edits() {
        let dir = std::env::temp_dir().join(format!("mostbook-load-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(
            dir.join("playbook.yaml"),
            "title: T\nnetworks:\n  - id: x\n    name: X\n",
        )
        .unwrap();
        let file = |name: &str, title: &str| {
            std::fs::write(
                dir.join("content").join(name),
                format!("---\nstep: mission\ntitle: {title}\n---\nBody [link](other.md).\n"),
            )
            .unwrap();
        };
        file("a.md", "A");
        file("b.md", "B");
        let mut cache = Cache::default();
        let titles = |l: &Loaded| l.elements.iter().map(|e| e.title.clone()).collect::<Vec<_>>();
        let first = load_with(&dir, None, Some(&mut cache)).unwrap();
        assert_eq!(titles(&first), ["A", "B"]);
        assert_eq!(cache.hits(), 0);
        file("a.md", "Z"); // same size, maybe the same clock tick
        std::fs::remove_file(dir.join("content/b.md")).unwrap();
        file("c.md", "C");
        let second = load_with(&dir, None, Some(&mut cache)).unwrap();
        assert_eq!(titles(&second), titles(&load(&dir, None).unwrap()));
        assert_eq!(titles(&second), ["Z", "C"]);
        let third = load_with(&dir, None, Some(&mut cache)).unwrap();
        assert_eq!(cache.hits(), 2);
        assert_eq!(titles(&third), ["Z", "C"]);
        assert_eq!(third.scans.len(), 2);
        assert_eq!(third.scans[0].links.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refresh_tells_an_edit_of_bodies_from_any_other() {
        let dir = std::env::temp_dir().join(format!("mostbook-refresh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("playbook.yaml"), "title: T\n").unwrap();
        let file = |name: &str, title: &str, body: &str| {
            std::fs::write(
                dir.join("content").join(name),
                format!("---\nstep: mission\ntitle: {title}\n---\n{body}\n"),
            )
            .unwrap();
        };
        file("a.md", "A", "Body.");
        file("b.md", "B", "Body.");
        let mut cache = Cache::default();
        let kind = |c: Changes| match c {
            Changes::Bodies(b) => b.iter().map(|b| b.file.clone()).collect::<Vec<_>>().join(","),
            Changes::Other => "other".to_owned(),
        };
        // Nothing loaded yet: nothing to compare with.
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "other");
        load_with(&dir, None, Some(&mut cache)).unwrap();
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "");
        file("a.md", "A", "Another body, with [a link](b.md).");
        let Changes::Bodies(b) = cache.refresh(&dir, None, None).unwrap() else {
            panic!("a body edit")
        };
        assert_eq!(b.len(), 1);
        assert!(b[0].text.contains("Another body"));
        assert_eq!(b[0].scan.links.len(), 1);
        // Told by a watcher: only the files named are looked at.
        file("b.md", "B", "New body.");
        let only_a = std::collections::BTreeSet::from(["content/a.md".to_owned()]);
        assert_eq!(kind(cache.refresh(&dir, None, Some(&only_a)).unwrap()), "");
        let both = std::collections::BTreeSet::from(["content/b.md".to_owned(), "static/x.png".to_owned()]);
        assert_eq!(kind(cache.refresh(&dir, None, Some(&both)).unwrap()), "content/b.md");
        // A front-matter, a new file, a folder, playbook.yaml: anything else.
        file("a.md", "A2", "Another body.");
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "other");
        load_with(&dir, None, Some(&mut cache)).unwrap();
        file("c.md", "C", "Body.");
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "other");
        let new = std::collections::BTreeSet::from(["content/c.md".to_owned()]);
        assert_eq!(kind(cache.refresh(&dir, None, Some(&new)).unwrap()), "other");
        let folder = std::collections::BTreeSet::from(["content".to_owned()]);
        assert_eq!(kind(cache.refresh(&dir, None, Some(&folder)).unwrap()), "other");
        std::fs::remove_file(dir.join("content/c.md")).unwrap();
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "");
        std::fs::write(dir.join("playbook.yaml"), "title: T2\n").unwrap();
        assert_eq!(kind(cache.refresh(&dir, None, None).unwrap()), "other");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn path_ids() {
        assert_eq!(path_id("content/linkedin/tactics/t.md"), "linkedin/tactics/t");
    }
}
