//! Watching a playbook's sources: which file events are real changes.
//!
//! Watched: `playbook.yaml` (through a non-recursive watch of the playbook
//! folder, so atomic-rename saves and re-creations are seen) and each source
//! folder (`content/`, `templates/`, `static/`, `themes/`, `i18n/`)
//! recursively, re-watched when it appears, disappears or is replaced. The
//! output folder is never watched, wherever it is.
//!
//! Events are debounced ([`notify_debouncer_full`], [`DEBOUNCE`]): an editor's
//! save or a `git checkout` touching hundreds of files arrive as one batch.
//! Only events that change something count: not accesses (on Linux every
//! open and close is reported, including the build's own reads), and not
//! editors' temporary and backup files (`.foo.md.swp`, `foo.md~`, `4913`,
//! `.#foo.md`, `#foo.md#`…).

use crate::write::SOURCE_FOLDERS;
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, EventHandler, RecommendedWatcher, RecursiveMode, WatcherKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long a file must be quiet before its events are delivered. An
/// editor's save (a temporary file, a rename, a backup) takes a few
/// milliseconds; every millisecond here is one more before the page shows
/// the edit (issue 6's budget from save to page is 150 ms at 10k elements).
pub const DEBOUNCE: Duration = Duration::from_millis(25);
/// How often the debouncer looks for quiet files.
pub const TICK: Duration = Duration::from_millis(10);

/// The playbook's settings file, the one source outside the source folders.
const CONFIG: &str = "playbook.yaml";

/// A batch of changes for the builder.
#[derive(Debug)]
pub enum Change {
    /// These files or folders (relative to the playbook, `/`-separated) changed.
    Paths(BTreeSet<String>),
    /// The watcher lost track (overflow, error): rebuild to be sure.
    Unknown(String),
}

pub struct Watcher {
    debouncer: Debouncer<ChangesOnly, RecommendedCache>,
    root: PathBuf,
    /// Source folders watched now, with the identity of the folder watched.
    watched: Vec<(&'static str, Option<Identity>)>,
}

impl Watcher {
    /// Starts watching the playbook at `root` (absolute and resolved);
    /// batches of changes go to `tx`.
    pub fn start(root: &Path, tx: Sender<Change>) -> Result<Watcher, String> {
        let handler_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let change = match result {
                Ok(events) => {
                    let mut paths = BTreeSet::new();
                    for e in &events {
                        if !counts(&e.event.kind) && !e.event.need_rescan() {
                            continue;
                        }
                        for p in &e.event.paths {
                            if let Some(rel) = relevant(&handler_root, p) {
                                paths.insert(rel);
                            }
                        }
                        if e.event.need_rescan() {
                            paths.insert(String::new());
                        }
                    }
                    if paths.is_empty() {
                        return;
                    }
                    Change::Paths(paths)
                }
                Err(errors) => Change::Unknown(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
            };
            let _ = tx.send(change);
        };
        let mut debouncer = new_debouncer_opt::<_, ChangesOnly, RecommendedCache>(
            DEBOUNCE,
            Some(TICK),
            handler,
            RecommendedCache::new(),
            notify::Config::default(),
        )
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: SOURCE_FOLDERS.iter().map(|f| (*f, None)).collect(),
        };
        match w.refresh(&BTreeSet::new()).into_iter().next() {
            Some(error) => Err(error),
            None => Ok(w),
        }
    }

    /// Watches the source folders that (re)appeared, forgets those that went.
    /// `changed` are the paths of the last batch. Returns warnings.
    pub fn refresh(&mut self, changed: &BTreeSet<String>) -> Vec<String> {
        let mut warnings = Vec::new();
        for (name, current) in &mut self.watched {
            let dir = self.root.join(*name);
            let now = identity(&dir);
            let touched = changed.contains(*name) || changed.contains("");
            if *current == now && !touched {
                continue;
            }
            if current.is_some() {
                let _ = self.debouncer.unwatch(&dir);
                *current = None;
            }
            if now.is_some() {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => *current = now,
                    Err(e) => warnings.push(watch_error(&dir, &e)),
                }
            }
        }
        warnings
    }
}

/// The platform's watcher, passing on only the events that change files.
///
/// On Linux every open of a watched file is an event: each build reads every
/// source, thousands of accesses the debouncer would queue, sort and hand
/// over only for them to be dropped. They are dropped here, before it.
pub struct ChangesOnly(RecommendedWatcher);

impl notify::Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let filter = move |event: notify::Result<Event>| {
            if let Ok(e) = &event
                && !counts(&e.kind)
                && !e.need_rescan()
            {
                return;
            }
            handler.handle_event(event);
        };
        RecommendedWatcher::new(filter, config).map(ChangesOnly)
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

fn watch_error(dir: &Path, e: &notify::Error) -> String {
    let hint = match &e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            " (the system's limit of watched folders is reached: raise fs.inotify.max_user_watches)"
        }
        _ => "",
    };
    format!("cannot watch `{}`: {e}{hint}", dir.display())
}

/// A digest of the sources' names, sizes and modification times.
///
/// When the system drops events (its queue overflows: every file a build
/// reads is an event on Linux), the watcher asks for a rescan. Comparing
/// this digest with the one taken before the last build tells whether
/// anything really changed; rebuilding blindly would read every file again,
/// overflow again, and rebuild for ever.
pub fn fingerprint(root: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut stamp = |path: &Path, meta: &std::fs::Metadata| {
        path.hash(&mut h);
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut h);
        }
    };
    if let Ok(meta) = std::fs::metadata(root.join(CONFIG)) {
        stamp(Path::new(CONFIG), &meta);
    }
    for folder in SOURCE_FOLDERS {
        let walker = walkdir::WalkDir::new(root.join(folder))
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        // Files only: a folder changes when an editor drops a swap file in it.
        for entry in walker.filter_map(Result::ok) {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                stamp(entry.path(), &meta);
            }
        }
    }
    h.finish()
}

/// What identifies a folder, so a folder replaced by another of the same name is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity(u64, u64);

fn identity(dir: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(dir).ok().filter(std::fs::Metadata::is_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let created = meta
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Some(Identity(created, 0))
    }
}

/// Whether an event of this kind changes a file: creations, writes,
/// renames, removals and metadata changes, not accesses.
pub fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// The path relative to the playbook (`/`-separated) if a change there can
/// change the site: `playbook.yaml`, a source folder, or anything in one
/// that is neither hidden nor an editor's temporary file.
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            _ => return None,
        }
    }
    let (first, rest) = parts.split_first()?;
    if rest.is_empty() && *first == CONFIG {
        return Some(CONFIG.to_owned());
    }
    if !SOURCE_FOLDERS.contains(first) {
        return None;
    }
    // Hidden files and folders are never read (nor copied).
    if rest.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    if rest.last().is_some_and(|name| is_temporary(name)) {
        return None;
    }
    Some(parts.join("/"))
}

/// Editors' swap, backup and test files (the hidden ones are left out already).
pub fn is_temporary(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')                                   // .foo.swp, .#foo, .goutputstream-X
        || name.ends_with('~')                              // foo.md~ (vim, emacs, gedit backups)
        || name == "4913"                                   // vim's probe file
        || (name.starts_with('#') && name.ends_with('#'))   // #foo.md# (emacs auto-save)
        || [".swp", ".swo", ".swx", ".swpx", ".tmp", ".kate-swp", ".crswap", ".part", ".orig", ".rej"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || name.ends_with("___jb_tmp___")                  // JetBrains safe write
        || name.ends_with("___jb_old___")
        || (name.len() == 9 && name.starts_with("sed") && name.bytes().all(|b| b.is_ascii_alphanumeric()))
    // sed -i
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn only_changes_count() {
        assert!(!counts(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!counts(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!counts(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!counts(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(counts(&EventKind::Create(CreateKind::File)));
        assert!(counts(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(counts(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))));
        assert!(counts(&EventKind::Remove(RemoveKind::Folder)));
        assert!(counts(&EventKind::Any));
    }

    #[test]
    fn the_fingerprint_sees_changes_not_reads() {
        let root = std::env::temp_dir().join(format!("mostbook-fingerprint-{}", std::process::id()));
        std::fs::create_dir_all(root.join("content/li")).unwrap();
        std::fs::write(root.join("playbook.yaml"), "title: x\n").unwrap();
        std::fs::write(root.join("content/li/a.md"), "a").unwrap();
        let first = fingerprint(&root);
        let _ = std::fs::read(root.join("content/li/a.md")).unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "out").unwrap();
        std::fs::write(root.join("content/.a.md.swp"), "swap").unwrap();
        assert_eq!(fingerprint(&root), first);
        std::fs::write(root.join("content/li/b.md"), "b").unwrap();
        let second = fingerprint(&root);
        assert_ne!(second, first);
        std::fs::write(root.join("content/li/b.md"), "bb").unwrap();
        assert_ne!(fingerprint(&root), second);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn only_sources_are_relevant() {
        let root = Path::new("/pb");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert_eq!(rel("playbook.yaml").as_deref(), Some("playbook.yaml"));
        assert_eq!(rel("content/li/a.md").as_deref(), Some("content/li/a.md"));
        assert_eq!(rel("content").as_deref(), Some("content"));
        assert_eq!(rel("content/li").as_deref(), Some("content/li"));
        assert_eq!(rel("static/logo.png").as_deref(), Some("static/logo.png"));
        assert_eq!(
            rel("themes/t/templates/base.html").as_deref(),
            Some("themes/t/templates/base.html")
        );
        assert_eq!(rel("i18n/fr.yaml").as_deref(), Some("i18n/fr.yaml"));
        assert_eq!(rel("templates/element.html").as_deref(), Some("templates/element.html"));
        for ignored in [
            "public/index.html",
            "public",
            ".public.mostbook-new-42",
            "README.md",
            ".git/index.lock",
            "playbook.yaml~",
            ".playbook.yaml.swp",
            "content/.a.md.swp",
            "content/a.md~",
            "content/4913",
            "content/.#a.md",
            "content/#a.md#",
            "content/.git/HEAD",
            "content/li/a.md.tmp",
            "content/sedAb12Cd",
            "content/a.md___jb_tmp___",
            "content/.hidden/a.md",
        ] {
            assert_eq!(rel(ignored), None, "{ignored}");
        }
        assert_eq!(relevant(root, Path::new("/elsewhere/content/a.md")), None);
    }
}
