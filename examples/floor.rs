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
//!
//! With `--theme` (which implies `--front-matter`) each body is also put in
//! the default theme's real page frame, `base.html` (head, header, network
//! navigation, footer), with Tera 2 and the data every page gets: the floor
//! of a build that dresses its pages with the template engine the design
//! names, before any view of its own (cards, chains, health, print, search).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Event, Options, Parser, html};
use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let theme = args.iter().any(|a| a == "--theme");
    let front_matter = theme || args.iter().any(|a| a == "--front-matter");
    args.retain(|a| a != "--front-matter" && a != "--theme");
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: floor [--front-matter] [--theme] PLAYBOOK_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let frame = match theme.then(|| Frame::new(Path::new(dir))).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(Path::new(dir), Path::new(out), front_matter, frame.as_ref()) {
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

/// The default theme's `base.html` around a body, with the data of every page.
struct Frame {
    tera: tera::Tera,
}

impl Frame {
    fn new(dir: &Path) -> Result<Frame, String> {
        let text = fs::read_to_string(dir.join("playbook.yaml")).map_err(|e| format!("playbook.yaml: {e}"))?;
        let (config, _) = mostbook::load::config::parse(&text, dir);
        let config = config.ok_or("playbook.yaml cannot be used")?;
        let mut theme =
            mostbook::theme::load(dir, "default", config.language).map_err(|e| format!("{}: {}", e.file, e.message))?;
        theme
            .tera
            .add_raw_template(
                "floor.html",
                "{% extends \"base.html\" %}{% block content %}<article>{{ body_html | safe }}</article>{% endblock content %}",
            )
            .map_err(|e| e.to_string())?;
        let networks: Vec<serde_json::Value> = config
            .networks
            .iter()
            .enumerate()
            .map(|(k, n)| {
                serde_json::json!({
                    "id": n.id, "name": n.name, "url": n.url,
                    "page": mostbook::render::pages::network::path(&n.id), "palette": k % 8,
                })
            })
            .collect();
        let global = theme.tera.global_context();
        global.insert(
            "site",
            &serde_json::json!({
                "title": config.title, "description_html": null, "lang": config.language.code(),
                "base_url": config.base_url, "networks": networks, "extra": config.extra,
                "generator": "mostbook floor",
            }),
        );
        global.insert("t", &theme.strings);
        Ok(Frame { tera: theme.tera })
    }

    /// The page at `path` (relative to the site root), titled `title`, around `body_html`.
    fn page(&self, path: &str, title: &str, body_html: &str) -> std::io::Result<String> {
        let mut ctx = tera::Context::new();
        let network = path.split('/').next().unwrap_or_default();
        ctx.insert("root", &mostbook::render::root_of(path));
        ctx.insert(
            "page",
            &serde_json::json!({ "kind": "element", "title": title, "path": path, "canonical": null }),
        );
        ctx.insert("element", &serde_json::json!({ "network": network }));
        ctx.insert("body_html", body_html);
        self.tera
            .render("floor.html", &ctx)
            .map_err(|e| std::io::Error::other(mostbook::theme::tera_message(&e)))
    }
}

fn run(dir: &Path, out: &Path, front_matter: bool, frame: Option<&Frame>) -> std::io::Result<usize> {
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
        .try_for_each(|(source, target)| {
            let path = target.strip_prefix(out).unwrap_or(target).to_string_lossy();
            render(source, target, &path, front_matter, frame)
        })?;
    Ok(files.len())
}

fn render(source: &Path, target: &Path, path: &str, front_matter: bool, frame: Option<&Frame>) -> std::io::Result<()> {
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
    if let Some(frame) = frame {
        let mut body_html = String::with_capacity(body.len() * 2);
        html::push_html(&mut body_html, Parser::new_ext(body, options));
        return fs::write(target, frame.page(path, &title, &body_html)?);
    }
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
