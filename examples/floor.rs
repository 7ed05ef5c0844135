//! The performance floor that `mostbook build` is compared to.
//!
//! ```text
//! cargo run --release --example floor -- PLAYBOOK_DIR OUT_DIR
//! ```
//!
//! It does the least a Markdown site generator must do: walk `content/`,
//! read every `.md`, strip the front-matter, render the body with
//! pulldown-cmark (tables, footnotes, strikethrough, task lists, heading
//! attributes) into a minimal HTML page and write one `.html` per file, in
//! parallel with rayon. It prints only the number of pages written.
//!
//! With `--front-matter` it also parses each front-matter the way mostbook
//! must (serde-saphyr, every value `Spanned` with its line and column): the
//! floor of any build that reads the front-matter with the crates the design
//! names, to tell their cost from mostbook's own.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Event, Options, Parser, html};
use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let front_matter = args.iter().any(|a| a == "--front-matter");
    args.retain(|a| a != "--front-matter");
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: floor [--front-matter] PLAYBOOK_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(dir), Path::new(out), front_matter) {
        Ok(count) => {
            println!("{count}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path, out: &Path, front_matter: bool) -> std::io::Result<usize> {
    let content = dir.join("content");
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in WalkDir::new(&content) {
        let entry = entry?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.into_path());
        }
    }
    let targets: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&content).expect("under content/");
            out.join(rel).with_extension("html")
        })
        .collect();
    let folders: BTreeSet<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    for folder in folders {
        fs::create_dir_all(folder)?;
    }
    files
        .par_iter()
        .zip(targets.par_iter())
        .try_for_each(|(source, target)| render(source, target, front_matter))?;
    Ok(files.len())
}

fn render(source: &Path, target: &Path, front_matter: bool) -> std::io::Result<()> {
    let text = fs::read_to_string(source)?;
    let (yaml, body) = split(&text);
    if front_matter {
        // Kept alive until the page is written, as a build keeps it.
        let parsed = mostbook::load::yaml::parse(yaml);
        std::hint::black_box(&parsed);
    }
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let title = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut page = String::with_capacity(body.len() * 2 + 256);
    page.push_str("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
    html::push_html(&mut page, std::iter::once(Event::Text(title.into())));
    page.push_str("</title></head>\n<body><main>\n");
    html::push_html(&mut page, Parser::new_ext(body, options));
    page.push_str("</main></body></html>\n");
    fs::write(target, page)
}

/// The front-matter (between the `---` lines) and the text after it; no
/// front-matter and all of the text without one.
fn split(text: &str) -> (&str, &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return ("", text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "---" {
            return (&rest[..offset], &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    ("", text)
}
