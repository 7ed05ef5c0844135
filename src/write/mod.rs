//! Stage 5 — write: put the rendered site in the output folder, safely.
//!
//! - The output may not be the playbook folder, contain it, or lie inside its
//!   source folders; a folder that is neither absent, empty, nor a previous
//!   mostbook output (it holds [`MARKER`]) is refused.
//! - The site is written into a fresh folder beside the output ([`Stage`]) and
//!   swapped in only when complete: a failure leaves the previous output as it was.
//! - `watch` updates the output it wrote in place, file by file ([`update`]).
//! - Paths come from the renderer, never from the user unchecked: each is
//!   checked to stay inside the output folder.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

mod update;
pub use update::{Bytes, Prepared, prepare, still_ours, update};

/// The file that marks a folder as mostbook's output.
pub const MARKER: &str = ".mostbook-output";
const MARKER_TEXT: &str = "This folder is written by `mostbook build` and replaced as a whole by every build.\n";

/// The buffer between a file written as it is made ([`Stage::put_stream`]) and the disk.
const STREAM_BUFFER: usize = 256 << 10;

/// Source folders of a playbook: the output may not be inside one.
pub const SOURCE_FOLDERS: &[&str] = &["content", "templates", "static", "themes", "i18n"];

#[derive(Debug)]
pub enum WriteError {
    /// The output folder is refused (the reason is the message).
    Refused(String),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(why) => f.write_str(why),
            WriteError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
        }
    }
}

/// An absolute, normalised form of `p`, with symlinks resolved where the path exists:
/// where files would really land.
fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                // `link/..` is the parent of the link's target, not of the link.
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
                out.pop();
            }
            Component::Normal(name) => out.push(name),
        }
    }
    // Resolve symlinks in the longest existing ancestor.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.into_iter().rev());
    Ok(resolved)
}

/// Refuses an output folder that could cost the user a file.
pub fn check_output(playbook: &Path, out: &Path) -> Result<(), WriteError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| WriteError::Io(p, e)
    };
    let root = absolute(playbook).map_err(io(playbook))?;
    let dest = absolute(out).map_err(io(out))?;
    if dest == root {
        return Err(WriteError::Refused(format!(
            "the output folder `{}` is the playbook folder itself",
            out.display()
        )));
    }
    if root.starts_with(&dest) {
        return Err(WriteError::Refused(format!(
            "the output folder `{}` contains the playbook",
            out.display()
        )));
    }
    for f in SOURCE_FOLDERS {
        if dest.starts_with(root.join(f)) {
            return Err(WriteError::Refused(format!(
                "the output folder `{}` lies inside the playbook's `{f}/` folder",
                out.display()
            )));
        }
    }
    if dest.exists() {
        if !dest.is_dir() {
            return Err(WriteError::Refused(format!(
                "`{}` exists and is not a folder",
                out.display()
            )));
        }
        let empty = std::fs::read_dir(&dest).map_err(io(out))?.next().is_none();
        if !empty && !dest.join(MARKER).is_file() {
            return Err(WriteError::Refused(format!(
                "`{}` is not empty and was not written by mostbook; choose another folder with -o, or empty it",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Checks that a site path is relative and stays inside the folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// A site being written: files go into a fresh folder beside the output,
/// which replaces the output on [`Stage::commit`]. Dropped without a commit
/// (an error anywhere), the folder is removed and the output left as it was.
pub struct Stage {
    dir: PathBuf,
    dest: PathBuf,
    parent: PathBuf,
    name: String,
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    written: std::sync::atomic::AtomicUsize,
    committed: bool,
}

impl Stage {
    /// Checks the output folder (SPEC §3 safety rules) and creates the staging folder.
    pub fn begin(playbook: &Path, out: &Path) -> Result<Stage, WriteError> {
        check_output(playbook, out)?;
        let dest = absolute(out).map_err(|e| WriteError::Io(out.to_path_buf(), e))?;
        let parent = dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent).map_err(|e| WriteError::Io(parent.clone(), e))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_owned());
        remove_leftovers(&parent, &name);
        // A fresh name: never someone else's folder, even one that looks like ours.
        let mut dir = parent.join(format!(".{name}.mostbook-new-{}", std::process::id()));
        let mut n = 0;
        while dir.exists() {
            n += 1;
            dir = parent.join(format!(".{name}.mostbook-new-{}-{n}", std::process::id()));
        }
        std::fs::create_dir(&dir).map_err(|e| WriteError::Io(dir.clone(), e))?;
        // Marked at once, so that a build that dies leaves a folder the next one knows is its own.
        let marker = dir.join(MARKER);
        if let Err(e) = std::fs::write(&marker, MARKER_TEXT) {
            let _ = std::fs::remove_dir(&dir);
            return Err(WriteError::Io(marker, e));
        }
        Ok(Stage {
            dir,
            dest,
            parent,
            name,
            made: Default::default(),
            written: Default::default(),
            committed: false,
        })
    }

    /// Writes one file of the site (a later file of the same path replaces it).
    /// Safe to call from many threads.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.put_parts(path, &[bytes])
    }

    /// Writes one file of the site given in parts, one after the other.
    pub fn put_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), WriteError> {
        let (full, mut file) = self.create(path)?;
        for bytes in parts {
            file.write_all(bytes).map_err(|e| WriteError::Io(full.clone(), e))?;
        }
        self.written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Writes one file of the site as `write` makes it, through a buffer: the
    /// biggest files of a site are never whole in memory. An error of `write`
    /// fails the file (the stage is then dropped with it, unfinished).
    pub fn put_stream(
        &self,
        path: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), WriteError> {
        let (full, file) = self.create(path)?;
        let mut out = std::io::BufWriter::with_capacity(STREAM_BUFFER, file);
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| WriteError::Io(full, e))?;
        self.written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Creates (or empties) the file at site path `path` in the stage, and its folder.
    fn create(&self, path: &str) -> Result<(PathBuf, std::fs::File), WriteError> {
        let rel = safe_relative(path)
            .ok_or_else(|| WriteError::Refused(format!("refusing to write outside the output folder: `{path}`")))?;
        let full = self.dir.join(&rel);
        if let Some(d) = full.parent()
            && d != self.dir
        {
            let known = self.made.lock().map(|m| m.contains(d)).unwrap_or(false);
            if !known {
                std::fs::create_dir_all(d).map_err(|e| WriteError::Io(d.to_path_buf(), e))?;
                if let Ok(mut m) = self.made.lock() {
                    m.insert(d.to_path_buf());
                }
            }
        }
        let file = std::fs::File::create(&full).map_err(|e| WriteError::Io(full.clone(), e))?;
        Ok((full, file))
    }

    /// How many files have been written so far (for progress reports).
    pub fn written(&self) -> usize {
        self.written.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Marks the folder as mostbook's and swaps it in place of the output.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| WriteError::Io(marker.clone(), e))?;
        swap(&self.dir, &self.dest, &self.parent, &self.name)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_marked(&self.dir);
        }
    }
}

/// Removes a folder of mostbook's, its marker last: if anything inside cannot be
/// deleted, the marker stays and a later build still knows the folder is its own.
fn remove_marked(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    let marker = dir.join(MARKER);
    if marker.exists() {
        std::fs::remove_file(marker)?;
    }
    std::fs::remove_dir(dir)
}

/// Removes what an earlier build that crashed or failed left beside the output:
/// its staging folder (`.NAME.mostbook-new-PID`) or the previous output it moved
/// aside (`.NAME.mostbook-old-PID`). Best effort: what cannot go now goes next time.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let (new, old) = (format!(".{name}.mostbook-new-"), format!(".{name}.mostbook-old-"));
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let named_like_ours = [&new, &old].iter().any(|p| {
            file_name
                .strip_prefix(p.as_str())
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        });
        // Only folders that carry mostbook's marker: a look-alike of the user's is left alone.
        let ours = named_like_ours && entry.path().join(MARKER).is_file();
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = remove_marked(&entry.path());
        }
    }
}

/// Moves the finished stage into place; the old output is removed only after.
fn swap(stage: &Path, dest: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if !dest.exists() {
        return std::fs::rename(stage, dest).map_err(|e| WriteError::Io(dest.to_path_buf(), e));
    }
    let old = parent.join(format!(".{name}.mostbook-old-{}", std::process::id()));
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(|e| WriteError::Io(old.clone(), e))?;
    }
    std::fs::rename(dest, &old).map_err(|e| WriteError::Io(dest.to_path_buf(), e))?;
    if let Err(e) = std::fs::rename(stage, dest) {
        // Put the previous output back.
        let _ = std::fs::rename(&old, dest);
        return Err(WriteError::Io(dest.to_path_buf(), e));
    }
    // The new site is in place: a previous output that cannot be deleted now is
    // not a failure of this build; the next build removes it (remove_leftovers).
    if let Err(e) = remove_marked(&old) {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "warning: the previous output, moved to `{}`, could not be deleted ({e}); the next build will try again",
            old.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_only() {
        assert_eq!(safe_relative("a/b.html"), Some(PathBuf::from("a/b.html")));
        assert_eq!(safe_relative("../x"), None);
        assert_eq!(safe_relative("/etc/passwd"), None);
        assert_eq!(safe_relative("a/../../x"), None);
        assert_eq!(safe_relative(""), None);
    }

    #[test]
    fn a_streamed_file_is_written_as_made_and_a_failed_one_fails_the_stage() {
        let tmp = std::env::temp_dir().join(format!("mostbook-stream-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let pb = tmp.join("pb");
        std::fs::create_dir_all(&pb).unwrap();
        let out = tmp.join("out");
        let big: Vec<u8> = (0..3 * STREAM_BUFFER + 7).map(|n| (n % 251) as u8).collect();
        let stage = Stage::begin(&pb, &out).unwrap();
        stage
            .put_stream("a/big.bin", |w| {
                w.write_all(b"head")?;
                for part in big.chunks(1000) {
                    w.write_all(part)?;
                }
                w.write_all(&big)
            })
            .unwrap();
        let e = stage
            .put_stream("../escape", |w| w.write_all(b"x"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("outside the output folder"), "{e}");
        let e = stage
            .put_stream("b/failed.txt", |w| {
                w.write_all(b"half")?;
                Err(std::io::Error::other("the content failed"))
            })
            .unwrap_err()
            .to_string();
        assert!(e.contains("failed.txt") && e.contains("the content failed"), "{e}");
        assert_eq!(stage.written(), 1);
        stage.commit().unwrap();
        assert_eq!(
            std::fs::read(out.join("a/big.bin")).unwrap(),
            [&b"head"[..], &big, &big].concat()
        );
        // A build that fails leaves the previous output as it was.
        let stage = Stage::begin(&pb, &out).unwrap();
        stage.put_stream("a/big.bin", |w| w.write_all(b"new")).unwrap();
        drop(stage);
        assert_eq!(std::fs::read(out.join("a/big.bin")).unwrap().len(), 4 + 2 * big.len());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn refuses_dangerous_outputs() {
        let tmp = std::env::temp_dir().join(format!("mostbook-write-test-{}", std::process::id()));
        let pb = tmp.join("pb");
        std::fs::create_dir_all(pb.join("content")).unwrap();
        std::fs::create_dir_all(tmp.join("foreign")).unwrap();
        std::fs::write(tmp.join("foreign/keep.txt"), "mine").unwrap();
        assert!(check_output(&pb, &pb).is_err());
        assert!(check_output(&pb, &tmp).is_err());
        assert!(check_output(&pb, &pb.join("content/out")).is_err());
        assert!(check_output(&pb, &pb.join("static")).is_err());
        assert!(check_output(&pb, &tmp.join("foreign")).is_err());
        assert!(check_output(&pb, &pb.join("public")).is_ok());
        assert!(check_output(&pb, &pb.join("content/../public")).is_ok());
        assert!(check_output(&pb, &pb.join("public/../content/x")).is_err());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
