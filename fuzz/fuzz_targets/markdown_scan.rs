//! Markdown scanning (headings, links, raw HTML), the HTML depth estimate, the
//! unsafe-HTML detector and inline Markdown (used for descriptions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mostbook::markdown::scan;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data).into_owned();
    mostbook_fuzz::on_big_stack(move || {
        let s = scan::scan(&body);
        for l in s.links.iter().chain(&s.images) {
            assert!(l.offset + l.len <= body.len(), "{l:?}");
            assert!(body.is_char_boundary(l.offset), "{l:?}");
        }
        let _ = scan::html_depth(&s.html);
        for h in &s.html {
            let _ = mostbook::check::html::unsafe_reason(&h.html);
        }
        let _ = mostbook::render::markdown_inline(&body);
        let _ = mostbook::render::ics::text(&body);
    });
});
