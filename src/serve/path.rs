//! Request paths → file paths inside the output folder, refusing every way out.
//!
//! The path of a request is percent-decoded exactly once, then split on `/`.
//! Anything that could name a file outside the output folder, or that no
//! mostbook site contains, is refused before the file system is asked:
//! `.` and `..` segments (however encoded: `%2e%2e`, `..%2f`), backslashes,
//! NUL and other control characters, invalid UTF-8, and hidden names (the
//! output's marker file). A double encoding (`%252e`) decodes to a literal
//! `%2e`, which is just a file name that does not exist. The file found is
//! then resolved ([`std::fs::canonicalize`]) and must still lie inside the
//! output folder, so a symbolic link cannot lead out of it either.

use std::path::{Path, PathBuf};

/// A request path, checked: its segments, and whether it ended with `/`.
#[derive(Debug, PartialEq, Eq)]
pub struct SitePath {
    pub segments: Vec<String>,
    pub trailing_slash: bool,
}

/// Why a request path is refused: answered with 400 (404 for [`BadPath::Hidden`]).
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    NotAbsolute,
    BadEscape,
    NotUtf8,
    Forbidden,
    /// A hidden name: answered with 404, like a missing file.
    Hidden,
}

/// Decodes and checks the path part of a request target (no query string).
pub fn parse(path: &str) -> Result<SitePath, BadPath> {
    if !path.starts_with('/') {
        return Err(BadPath::NotAbsolute);
    }
    let bytes = percent_decode(path.as_bytes())?;
    let text = String::from_utf8(bytes).map_err(|_| BadPath::NotUtf8)?;
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(BadPath::Forbidden);
    }
    let trailing_slash = text.ends_with('/');
    let mut segments = Vec::new();
    for seg in text.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || (cfg!(windows) && (seg.contains(':') || seg.ends_with(' '))) {
            return Err(BadPath::Forbidden);
        }
        // Hidden files (the output's marker `.mostbook-output`) are never served.
        if seg.starts_with('.') {
            return Err(BadPath::Hidden);
        }
        segments.push(seg.to_owned());
    }
    Ok(SitePath {
        segments,
        trailing_slash,
    })
}

fn percent_decode(input: &[u8]) -> Result<Vec<u8>, BadPath> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                input.get(i + 1).and_then(|&b| hex(b)),
                input.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(BadPath::BadEscape),
            }
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// What a checked path names in the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A regular file, resolved, inside the output folder.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect so relative links work.
    AddSlash,
    NotFound,
}

/// Finds the file `p` names below `root` (the output folder): a folder gives
/// its `index.html`, `/a` gives `a.html` when there is no `a`.
pub fn find(root: &Path, p: &SitePath) -> Found {
    let Ok(root) = root.canonicalize() else {
        return Found::NotFound;
    };
    let mut candidate = root.clone();
    for s in &p.segments {
        candidate.push(s);
    }
    let Some(resolved) = inside(&root, &candidate) else {
        // Maybe `/matrix` for `matrix.html`.
        if let Some(last) = p.segments.last()
            && !p.trailing_slash
            && !last.contains('.')
        {
            candidate.set_file_name(format!("{last}.html"));
            if let Some(f) = inside(&root, &candidate).filter(|f| f.is_file()) {
                return Found::File(f);
            }
        }
        return Found::NotFound;
    };
    if resolved.is_dir() {
        if !p.trailing_slash && !p.segments.is_empty() {
            return Found::AddSlash;
        }
        return match inside(&root, &resolved.join("index.html")) {
            Some(f) if f.is_file() => Found::File(f),
            _ => Found::NotFound,
        };
    }
    if p.trailing_slash || !resolved.is_file() {
        return Found::NotFound;
    }
    Found::File(resolved)
}

/// `path` with its links resolved, if it exists and stays inside `root` (resolved).
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let resolved = path.canonicalize().ok()?;
    resolved.starts_with(root).then_some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        parse(p).unwrap().segments
    }

    #[test]
    fn plain_paths() {
        assert_eq!(segs("/"), Vec::<String>::new());
        assert_eq!(segs("/a/b.html"), ["a", "b.html"]);
        assert_eq!(segs("//a//b.html"), ["a", "b.html"]);
        assert_eq!(segs("/strat%C3%A9gie.html"), ["stratégie.html"]);
        assert_eq!(segs("/a%20b.html"), ["a b.html"]);
        assert!(parse("/networks/").unwrap().trailing_slash);
        assert!(!parse("/networks").unwrap().trailing_slash);
    }

    #[test]
    fn every_way_out_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/.%2e/etc/passwd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/a%00.html",
            "/index.html%00.png",
            "/./index.html",
            "/a/%0a",
        ] {
            assert!(parse(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(parse("/.mostbook-output"), Err(BadPath::Hidden));
        assert_eq!(parse("/a/.git/config"), Err(BadPath::Hidden));
        assert_eq!(parse("/%2e%2e/x"), Err(BadPath::Forbidden));
        assert_eq!(parse("etc/passwd"), Err(BadPath::NotAbsolute));
        assert_eq!(parse("/%zz"), Err(BadPath::BadEscape));
        assert_eq!(parse("/%"), Err(BadPath::BadEscape));
        assert_eq!(parse("/%ff"), Err(BadPath::NotUtf8));
        // Decoded once only: `%252e%252e` is the literal name `%2e%2e`, not `..`.
        assert_eq!(segs("/%252e%252e/etc/passwd"), ["%2e%2e", "etc", "passwd"]);
    }

    #[test]
    fn files_are_found_inside_the_output_only() {
        let tmp = std::env::temp_dir().join(format!("mostbook-serve-path-{}", std::process::id()));
        let out = tmp.join("out");
        std::fs::create_dir_all(out.join("networks")).unwrap();
        std::fs::write(out.join("index.html"), "i").unwrap();
        std::fs::write(out.join("matrix.html"), "m").unwrap();
        std::fs::write(out.join("networks/index.html"), "n").unwrap();
        std::fs::write(tmp.join("secret.txt"), "s").unwrap();
        let find = |p: &str| find(&out, &parse(p).unwrap());
        let canon = |p: &str| out.join(p).canonicalize().unwrap();
        assert_eq!(find("/"), Found::File(canon("index.html")));
        assert_eq!(find("/networks/"), Found::File(canon("networks/index.html")));
        assert_eq!(find("/networks"), Found::AddSlash);
        assert_eq!(find("/matrix"), Found::File(canon("matrix.html")));
        assert_eq!(find("/matrix.html/"), Found::NotFound);
        assert_eq!(find("/nope.html"), Found::NotFound);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.join("secret.txt"), out.join("leak.txt")).unwrap();
            std::os::unix::fs::symlink(&tmp, out.join("up")).unwrap();
            std::os::unix::fs::symlink(out.join("matrix.html"), out.join("alias.html")).unwrap();
            assert_eq!(find("/leak.txt"), Found::NotFound);
            assert_eq!(find("/up/secret.txt"), Found::NotFound);
            assert_eq!(find("/alias.html"), Found::File(canon("matrix.html")));
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
