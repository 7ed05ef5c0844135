//! Front-matter splitting, YAML parsing and the field reader, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mostbook::load::{element, frontmatter, yaml};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    mostbook_fuzz::on_big_stack(move || {
        let text = frontmatter::strip_bom(&text);
        // playbook.yaml is parsed whole.
        let _ = yaml::parse(text);
        if let Ok(split) = frontmatter::split(text) {
            assert!(split.body_offset <= text.len());
            assert_eq!(&text[split.body_offset..], split.body);
            if let Ok(doc) = yaml::parse(split.yaml) {
                let _ = doc.to_json();
                let parsed = element::read(
                    "content/li/tactics/fuzz.md",
                    split.yaml,
                    split.yaml_line,
                    &doc,
                    "li/tactics/fuzz",
                    Some("li"),
                );
                for d in &parsed.diags {
                    assert!(d.pos.line >= 1 && d.pos.col >= 1, "{d:?}");
                }
            }
        }
    });
});
