//! `serve`'s request path → file mapping: whatever the path, a file found lies
//! inside the output folder (here a small tree with a symlink that leads out).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mostbook::serve::path::{Found, find, parse};
use std::path::PathBuf;
use std::sync::OnceLock;

fn site() -> &'static (PathBuf, PathBuf) {
    static SITE: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    SITE.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("mostbook-fuzz-serve-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("site");
        std::fs::create_dir_all(root.join("li/tactics")).unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        std::fs::write(root.join("index.html"), "i").unwrap();
        std::fs::write(root.join("matrix.html"), "m").unwrap();
        std::fs::write(root.join(".mostbook-output"), "marker").unwrap();
        std::fs::write(root.join("li/tactics/t.html"), "t").unwrap();
        #[cfg(unix)]
        {
            let _ = std::os::unix::fs::symlink(base.join("secret.txt"), root.join("out.txt"));
            let _ = std::os::unix::fs::symlink(&base, root.join("up"));
        }
        let root = root.canonicalize().unwrap();
        (base, root)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    let Ok(p) = parse(path) else { return };
    for s in &p.segments {
        assert!(
            !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0']) && !s.starts_with('.'),
            "{path:?} → {:?}",
            p.segments
        );
    }
    let (_, root) = site();
    if let Found::File(f) = find(root, &p) {
        assert!(f.starts_with(root), "{path:?} → {}", f.display());
        assert!(!f.ends_with(".mostbook-output"), "{path:?} → the marker");
    }
});
