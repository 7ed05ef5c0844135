//! A whole `check` of a playbook whose playbook.yaml holds the input bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = mostbook_fuzz::scratch("config", &[("playbook.yaml", data)]);
    let analysis = mostbook::analyze::analyze(&dir, None, Some("2027-03-15")).expect("analyze");
    mostbook_fuzz::render_all(&analysis);
    let _ = std::fs::remove_dir_all(&dir);
});
