//! A whole `check` of a playbook in which one content file holds the input bytes.
//! The first byte chooses where the file lies (see `content_path`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let dir = mostbook_fuzz::scratch("content", &[(mostbook_fuzz::content_path(sel), bytes)]);
    let analysis = mostbook::analyze::analyze(&dir, None, Some("2027-03-15")).expect("analyze");
    mostbook_fuzz::render_all(&analysis);
    let _ = std::fs::remove_dir_all(&dir);
});
