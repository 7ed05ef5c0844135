//! In-place updates of an output folder this process wrote (`watch`, `serve`):
//! only the files that changed are written, each beside its place and renamed
//! over it, so a reader (the server) sees the old file or the new one, never
//! half of one. Files the new site no longer has are removed, then the folders
//! they leave empty.

use super::{MARKER, WriteError, safe_relative};
use rayon::prelude::*;
use std::path::Path;

/// Whether `out` still looks like the output folder a session wrote (someone
/// may have deleted it, or put something else there, between two builds).
pub fn still_ours(out: &Path) -> bool {
    out.join(MARKER).is_file()
}

/// A file's new bytes: in memory, or already written beside it ([`prepare`]).
pub enum Bytes {
    Memory(Vec<u8>),
    Prepared(Prepared),
}

/// A file written under a temporary name in its folder, renamed over the
/// file by [`update`]; removed if it never is.
pub struct Prepared {
    tmp: std::path::PathBuf,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // Renamed: nothing left to remove.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes the file at `path` (given in parts) under a temporary name beside
/// it, for [`update`] to put in place: a big file goes straight to disk
/// instead of being joined in memory first. Its folder must exist.
pub fn prepare(out: &Path, path: &str, parts: &[&[u8]]) -> Result<Prepared, WriteError> {
    use std::io::Write;
    let (full, tmp) = temporary(out, path)?;
    let prepared = Prepared { tmp };
    let file = std::fs::File::create(&prepared.tmp).map_err(|e| WriteError::Io(full.clone(), e))?;
    // Thousands of small parts: a few big writes.
    let mut w = std::io::BufWriter::with_capacity(1 << 18, file);
    for p in parts {
        w.write_all(p).map_err(|e| WriteError::Io(full.clone(), e))?;
    }
    w.flush().map_err(|e| WriteError::Io(full, e))?;
    Ok(prepared)
}

/// The file at `path` in `out`, and the temporary name it is written under.
fn temporary(out: &Path, path: &str) -> Result<(std::path::PathBuf, std::path::PathBuf), WriteError> {
    let rel = safe_relative(path)
        .ok_or_else(|| WriteError::Refused(format!("refusing to write outside the output folder: `{path}`")))?;
    let full = out.join(&rel);
    let dir = full.parent().unwrap_or(out);
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique within the process too: one path may be prepared twice in a
    // build (a static file over a generated one), the first then dropped.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.mostbook-tmp-{}-{n}", std::process::id()));
    Ok((full, tmp))
}

/// Removes `removed` from `out`, then writes `changed` (path, bytes). In that
/// order, a file that became a folder (`static/x` → `static/x/y`), or the
/// reverse, is first out of the way.
pub fn update(out: &Path, changed: &[(String, Bytes)], removed: &[String]) -> Result<(), WriteError> {
    for path in removed {
        let Some(rel) = safe_relative(path) else { continue };
        let full = out.join(&rel);
        match std::fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(WriteError::Io(full, e)),
        }
        // Folders left empty go too (never `out` itself).
        let mut dir = full.parent();
        while let Some(d) = dir {
            if d == out || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    changed
        .par_iter()
        .try_for_each(|(path, bytes)| write_one(out, path, bytes))
}

fn write_one(out: &Path, path: &str, bytes: &Bytes) -> Result<(), WriteError> {
    let (full, tmp) = temporary(out, path)?;
    let bytes = match bytes {
        Bytes::Prepared(p) => return std::fs::rename(&p.tmp, &full).map_err(|e| WriteError::Io(full, e)),
        Bytes::Memory(b) => b,
    };
    let dir = full.parent().unwrap_or(out);
    std::fs::create_dir_all(dir).map_err(|e| WriteError::Io(dir.to_path_buf(), e))?;
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &full));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(WriteError::Io(full, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_changes_and_removes_what_is_gone_with_empty_folders() {
        let out = std::env::temp_dir().join(format!("mostbook-update-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(out.join("a/b")).unwrap();
        std::fs::write(out.join(MARKER), "").unwrap();
        std::fs::write(out.join("a/b/old.html"), "old").unwrap();
        std::fs::write(out.join("keep.html"), "keep").unwrap();
        assert!(still_ours(&out));
        update(
            &out,
            &[
                ("keep.html".into(), Bytes::Memory(b"new".to_vec())),
                ("c/d.html".into(), Bytes::Memory(b"d".to_vec())),
            ],
            &["a/b/old.html".into(), "never-there.html".into()],
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(out.join("keep.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(out.join("c/d.html")).unwrap(), "d");
        assert!(!out.join("a").exists(), "empty folders are removed");
        assert!(out.join(MARKER).is_file());
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file is left: {names:?}");
        assert!(update(&out, &[("../x".into(), Bytes::Memory(Vec::new()))], &[]).is_err());
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn a_prepared_file_is_renamed_in_place_or_removed() {
        let out = std::env::temp_dir().join(format!("mostbook-prepare-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("big.html"), "old").unwrap();
        let p = prepare(&out, "big.html", &[b"a", b"b", b"c"]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("big.html")).unwrap(),
            "old",
            "not in place yet"
        );
        update(&out, &[("big.html".into(), Bytes::Prepared(p))], &[]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("big.html")).unwrap(), "abc");
        // A build that fails after preparing leaves no temporary file.
        drop(prepare(&out, "other.html", &[b"x"]).unwrap());
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["big.html"]);
        assert!(prepare(&out, "../escape", &[b"x"]).is_err());
        // The same path prepared twice in a build (a static file over a
        // generated one): dropping the first leaves the second whole.
        let first = prepare(&out, "big.html", &[b"generated"]).unwrap();
        let second = prepare(&out, "big.html", &[b"static"]).unwrap();
        drop(first);
        update(&out, &[("big.html".into(), Bytes::Prepared(second))], &[]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("big.html")).unwrap(), "static");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
