//! A whole `build` (check, render every page, write) of a playbook in which one
//! content file holds the input bytes. The first byte chooses where the file
//! lies and whether drafts are rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mostbook::build::{BuildError, BuildOptions, build};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let dir = mostbook_fuzz::scratch("build", &[(mostbook_fuzz::content_path(sel), bytes)]);
    let out = dir.join("public");
    let opts = BuildOptions {
        drafts: sel & 4 != 0,
        today: Some("2027-03-15".into()),
        deny_warnings: false,
    };
    match build(&dir, &out, &opts) {
        Ok(_) | Err(BuildError::Playbook(_)) => {}
        Err(e) => panic!("build failed for a reason other than the playbook: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
});
