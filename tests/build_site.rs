//! Integration tests of `mostbook build` (SPEC §3 `build`, §4 the site): the real
//! binary on `example-playbook/` (copied to a temporary folder first) and on the
//! fixtures `tests/fixtures/site-*`, always with `--today 2027-03-15`.
//!
//! - `site-drafts`: French, a draft linked from a published tactic, an objective
//!   nothing carries out, a network id with an accent (`vidéo`), no `base_url`.
//! - `site-hostile`: English, hostile text in settings, front-matter and bodies.
//! - `site-overrides`: a template override extending the built-in one, static
//!   files, an interface string override.
//!
//! Expectations come from the sources (a small front-matter reader in
//! `tests/common`) and from the theme's string files, not from the product's
//! own data, so that a wrong `playbook.json` cannot make a wrong page pass.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// ---------------------------------------------------------------- shared builds

/// A built site, kept for the whole test run.
struct Site {
    /// The (copied) playbook folder.
    pb: PathBuf,
    out: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
    stderr: String,
    oracle: Oracle,
    /// Rendered with `--drafts`.
    drafts: bool,
}

impl Site {
    fn build(label: &str, copy: impl Fn(&Path) -> PathBuf, extra: &[&str]) -> Site {
        let tmp = TempDir::new(label).leak();
        let pb = copy(&tmp);
        let out = tmp.join("site");
        let o = build_ok(&pb, &out, extra);
        Site {
            files: files(&out),
            stderr: stderr(&o),
            oracle: Oracle::read(&pb),
            drafts: extra.contains(&"--drafts"),
            pb,
            out,
        }
    }

    fn text(&self, path: &str) -> String {
        let bytes = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("the site has no `{path}`; it has: {:?}", self.files.keys()));
        String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("`{path}` is not UTF-8"))
    }

    fn dom(&self, path: &str) -> Node {
        parse_html(&self.text(path))
    }

    fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The elements the site should show.
    fn shown(&self) -> Vec<&Source> {
        self.oracle
            .sources
            .iter()
            .filter(|s| self.drafts || !s.draft())
            .collect()
    }

    fn is_shown(&self, s: &Source) -> bool {
        self.drafts || !s.draft()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text("playbook.json")).expect("playbook.json is not JSON")
    }
}

fn shared(cell: &'static OnceLock<Site>, init: impl FnOnce() -> Site) -> &'static Site {
    cell.get_or_init(|| {
        clean_stale_tmp();
        init()
    })
}

fn example() -> &'static Site {
    static S: OnceLock<Site> = OnceLock::new();
    shared(&S, || Site::build("shared-example", example_copy, &[]))
}

fn drafts_hidden() -> &'static Site {
    static S: OnceLock<Site> = OnceLock::new();
    shared(&S, || {
        Site::build("shared-drafts", |t| fixture_copy("site-drafts", t), &[])
    })
}

fn drafts_shown() -> &'static Site {
    static S: OnceLock<Site> = OnceLock::new();
    shared(&S, || {
        Site::build("shared-drafts-all", |t| fixture_copy("site-drafts", t), &["--drafts"])
    })
}

fn fr() -> &'static BTreeMap<String, String> {
    static S: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    S.get_or_init(|| strings("fr"))
}

fn t(key: &str) -> &'static str {
    fr().get(key)
        .unwrap_or_else(|| panic!("themes/default/i18n/fr.yaml has no `{key}`"))
}

// ---------------------------------------------------------------- oracle helpers

/// SPEC's URL-safe path of an id, for the ids of the tests (accents folded, lowercase).
fn url_path(id: &str) -> String {
    id.split('/')
        .map(|seg| {
            let mut out = String::new();
            for c in fold(seg).chars() {
                let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' };
                if !(c == '-' && out.ends_with('-')) {
                    out.push(c);
                }
            }
            out.trim_matches('-').to_owned()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn page_of(s: &Source) -> String {
    format!("{}.html", url_path(&s.id))
}

fn network_page(id: &str) -> String {
    format!("networks/{}.html", url_path(id))
}

/// A number as the French pages write it ("3,5"), spaces inside numbers ignored by [`nospace`].
fn fr_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}").replace('.', ",")
    }
}

/// `s` without the spaces between digits (thousands separators are the theme's choice).
fn nospace(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &ch) in c.iter().enumerate() {
        let space = ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{202f}';
        if space && i > 0 && c[i - 1].is_ascii_digit() && c.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
            continue;
        }
        out.push(ch);
    }
    out
}

/// "3 tactiques", or "1 tactique" (either form is accepted: plurals are the theme's choice).
fn count_phrases(n: usize, step: &str) -> Vec<String> {
    [format!("step_{step}"), format!("steps_{step}")]
        .iter()
        .map(|k| format!("{n} {}", t(k).to_lowercase()))
        .collect()
}

fn status_label(key: &str) -> &'static str {
    t(&format!("status_{}", key.replace('-', "_")))
}

const STEPS: [&str; 4] = ["mission", "objective", "strategy", "tactic"];

fn step_rank(step: &str) -> usize {
    STEPS.iter().position(|s| *s == step).expect("a step")
}

// ---------------------------------------------------------------- link checker

/// Attributes holding a URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "xlink:href",
    "srcset",
    "background",
    "manifest",
    "ping",
    "data",
    "cite",
];

fn scheme_of(v: &str) -> Option<String> {
    let end = v.find([':', '/', '?', '#'])?;
    if !v[end..].starts_with(':') || end == 0 {
        return None;
    }
    let s = &v[..end];
    (s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
    .then(|| s.to_ascii_lowercase())
}

/// `javascript:`/`vbscript:`/`data:text/html` once browsers' forgiveness is applied.
fn is_script_url(v: &str) -> bool {
    let c: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    c.starts_with("javascript:") || c.starts_with("vbscript:") || c.starts_with("data:text/html")
}

/// Every `url(…)` and `@import "…"` of a style sheet.
fn css_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        let start = from + i + 4;
        let end = css[start..].find(')').map_or(css.len(), |e| start + e);
        out.push(css[start..end].trim().trim_matches(['"', '\'']).trim().to_owned());
        from = end;
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find("@import") {
        let rest = css[from + i + 7..].trim_start();
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let inner = &rest[1..];
            out.push(inner[..inner.find(q).unwrap_or(inner.len())].to_owned());
        }
        from += i + 7;
    }
    out
}

/// Every problem with the links of a built site: relative `href`/`src` that do
/// not lead to a file of the output (folders do not count: `file://` cannot
/// open them), fragments naming no `id` of their target, duplicate ids, loads
/// from elsewhere (also in `graph.svg` and the CSS), root-absolute paths.
fn link_problems(out: &Path) -> Vec<String> {
    let files = files(out);
    let dirs: BTreeSet<String> = files
        .keys()
        .flat_map(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            (1..parts.len()).map(move |n| parts[..n].join("/")).collect::<Vec<_>>()
        })
        .collect();
    let mut problems = Vec::new();
    let mut doms: BTreeMap<String, Node> = BTreeMap::new();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in &files {
        if !(path.ends_with(".html") || path.ends_with(".svg")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let dom = parse_html(&text);
        let mut set = BTreeSet::new();
        for n in dom.descendants() {
            let mut names: Vec<&str> = n.attr("id").into_iter().collect();
            if n.name == "a"
                && let Some(name) = n.attr("name")
            {
                names.push(name);
            }
            for id in names {
                if !set.insert(id.to_owned()) {
                    problems.push(format!("{path}: the id `{id}` is used twice"));
                }
            }
        }
        ids.insert(path.clone(), set);
        doms.insert(path.clone(), dom);
    }

    let check = |problems: &mut Vec<String>, page: &str, what: &str, v: &str, external_ok: bool| {
        let v = v.trim();
        if is_script_url(v) {
            problems.push(format!("{page}: {what} is a script URL: `{v}`"));
            return;
        }
        let scheme = scheme_of(v);
        if v.starts_with("//") || matches!(scheme.as_deref(), Some("http" | "https")) {
            if !external_ok {
                problems.push(format!("{page}: {what} loads from elsewhere: `{v}`"));
            }
            return;
        }
        if let Some(s) = scheme {
            let ok = match s.as_str() {
                "mailto" | "tel" => external_ok,
                "data" => !external_ok,
                _ => false,
            };
            if !ok {
                problems.push(format!("{page}: {what} has an unexpected scheme: `{v}`"));
            }
            return;
        }
        if v.starts_with('/') {
            problems.push(format!(
                "{page}: {what} is root-absolute (breaks file:// and sub-paths): `{v}`"
            ));
            return;
        }
        let (before, frag) = match v.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (v, None),
        };
        let before = before.split('?').next().unwrap_or("");
        let target = if before.is_empty() {
            page.to_owned()
        } else {
            match resolve(page, &percent_decode(before)) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("{page}: {what}: {e}"));
                    return;
                }
            }
        };
        if !files.contains_key(&target) {
            if dirs.contains(&target) || before.ends_with('/') || target.is_empty() {
                problems.push(format!(
                    "{page}: {what} `{v}` leads to a folder (`{target}/`), which file:// cannot open"
                ));
            } else {
                problems.push(format!(
                    "{page}: {what} `{v}` leads to `{target}`, which is not in the output"
                ));
            }
            return;
        }
        if let Some(f) = frag.filter(|f| !f.is_empty())
            && let Some(set) = ids.get(&target)
        {
            let f = percent_decode(f);
            if !set.contains(&f) {
                problems.push(format!("{page}: {what} `{v}`: `{target}` has no id `{f}`"));
            }
        }
    };

    for (path, dom) in &doms {
        for n in dom.descendants() {
            for (attr, value) in &n.attrs {
                let what = format!("<{} {attr}>", n.name);
                if URL_ATTRS.contains(&attr.as_str()) {
                    if attr == "data" && n.name != "object" {
                        continue;
                    }
                    let rel = n.attr("rel").unwrap_or("").to_ascii_lowercase();
                    let navigational = (matches!(n.name.as_str(), "a" | "area") && attr == "href")
                        || (n.name == "link"
                            && attr == "href"
                            && rel.split_whitespace().all(|r| matches!(r, "canonical" | "alternate")));
                    if attr == "srcset" {
                        for part in value.split(',') {
                            let url = part.split_whitespace().next().unwrap_or("");
                            check(&mut problems, path, &what, url, false);
                        }
                    } else {
                        check(&mut problems, path, &what, value, navigational);
                    }
                }
                if attr == "style" {
                    for url in css_urls(value) {
                        check(&mut problems, path, &format!("<{} style> url()", n.name), &url, false);
                    }
                }
            }
            if n.name == "style" {
                for url in css_urls(&n.raw_text()) {
                    check(&mut problems, path, "<style> url()", &url, false);
                }
            }
            if n.name == "html"
                && let Some(root) = n.attr("data-root")
            {
                // mostbook.js loads `root + "search-index.js"`.
                check(
                    &mut problems,
                    path,
                    "data-root + search-index.js",
                    &format!("{root}search-index.js"),
                    false,
                );
            }
        }
    }
    for (path, bytes) in &files {
        if path.ends_with(".css") {
            for url in css_urls(&String::from_utf8_lossy(bytes)) {
                check(&mut problems, path, "url()", &url, false);
            }
        }
    }
    problems
}

fn assert_links_ok(out: &Path, what: &str) {
    let problems = link_problems(out);
    assert!(
        problems.is_empty(),
        "{what}: {} link problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------- inert checker

/// Every way a built site could run script: `<script>` other than the theme's
/// own `assets/mostbook.js`, `on…=` attributes, script URLs, frames, objects,
/// `<base>`, `<meta http-equiv>`, script in style.
fn script_problems(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in files {
        if !(path.ends_with(".html") || path.ends_with(".svg")) {
            continue;
        }
        let dom = parse_html(&String::from_utf8_lossy(bytes));
        for n in dom.descendants() {
            match n.name.as_str() {
                "script" => {
                    let src = n.attr("src").unwrap_or("");
                    let code = n.raw_text();
                    let theme = if src.is_empty() {
                        // Inline: only code written verbatim in the built-in theme's templates.
                        !code.trim().is_empty() && theme_templates().contains(code.trim())
                    } else {
                        resolve(path, src).is_ok_and(|p| p == "assets/mostbook.js") && code.trim().is_empty()
                    };
                    if !theme {
                        problems.push(format!("{path}: a <script> that is not the theme's: src={src:?}"));
                    }
                }
                "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" => {
                    problems.push(format!("{path}: a <{}> element", n.name));
                }
                "meta" if n.attr("http-equiv").is_some() => {
                    problems.push(format!("{path}: a <meta http-equiv>"));
                }
                "style" if is_script_css(&n.raw_text()) => {
                    problems.push(format!("{path}: script in a <style>"));
                }
                _ => {}
            }
            for (attr, value) in &n.attrs {
                if attr.len() > 2 && attr.starts_with("on") && attr[2..].chars().all(|c| c.is_ascii_lowercase()) {
                    problems.push(format!("{path}: <{} {attr}={value:?}>", n.name));
                }
                if (URL_ATTRS.contains(&attr.as_str()) || attr == "to" || attr == "values") && is_script_url(value) {
                    problems.push(format!("{path}: <{} {attr}={value:?}>", n.name));
                }
                if attr == "style" && is_script_css(value) {
                    problems.push(format!("{path}: <{} style={value:?}>", n.name));
                }
            }
        }
    }
    problems
}

/// The built-in theme's templates, concatenated (read-only, from the repository).
fn theme_templates() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let dir = manifest_dir().join("themes/default/templates");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn is_script_css(css: &str) -> bool {
    let c = css.to_ascii_lowercase().replace(char::is_whitespace, "");
    c.contains("javascript:") || c.contains("expression(") || c.contains("-moz-binding")
}

// ================================================================= tests: links

#[test]
fn example_links_all_resolve() {
    assert_links_ok(&example().out, "example-playbook");
}

#[test]
fn example_with_drafts_links_all_resolve() {
    let tmp = TempDir::new("example-drafts");
    let pb = example_copy(tmp.path());
    let out = tmp.join("site");
    build_ok(&pb, &out, &["--drafts"]);
    assert_links_ok(&out, "example-playbook --drafts");
}

#[test]
fn drafts_fixture_links_all_resolve() {
    assert_links_ok(&drafts_hidden().out, "site-drafts");
    assert_links_ok(&drafts_shown().out, "site-drafts --drafts");
}

#[test]
fn link_checker_catches_broken_links() {
    // Calibration: the checker must see each kind of problem it claims to find.
    let tmp = TempDir::new("checker");
    let out = tmp.path();
    std::fs::create_dir_all(out.join("sub/folder")).unwrap();
    std::fs::write(out.join("sub/folder/x.txt"), "x").unwrap();
    std::fs::write(out.join("a.css"), "body{background:url(missing.png)}").unwrap();
    std::fs::write(
        out.join("index.html"),
        r##"<!DOCTYPE html><html data-root=""><head><link rel="stylesheet" href="https://cdn.example/x.css">
<script src="//cdn.example/x.js"></script></head><body>
<a href="sub/folder/">folder</a> <a href="nope.html">missing</a> <a href="sub/p.html#nowhere">frag</a>
<a href="sub/p.html#ok">good</a> <a href="/abs.html">abs</a> <a href="https://example.org/">external ok</a>
<img src="data:image/png;base64,AAAA"><p id="dup"></p><p id="dup"></p></body></html>"##,
    )
    .unwrap();
    std::fs::write(
        out.join("sub/p.html"),
        r#"<html><body><h2 id="ok">ok</h2><a href="../index.html">up</a><a href="../../out.html">above</a></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        out.join("graph.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/i.png"/></svg>"#,
    )
    .unwrap();
    let p = link_problems(out).join("\n");
    for needle in [
        "index.html: <link href> loads from elsewhere",
        "index.html: <script src> loads from elsewhere",
        "leads to a folder",
        "`nope.html` leads to `nope.html`, which is not in the output",
        "has no id `nowhere`",
        "root-absolute",
        "the id `dup` is used twice",
        "search-index.js",
        "climbs above the site root",
        "graph.svg: <image href> loads from elsewhere",
        "a.css: url() `missing.png`",
    ] {
        assert!(p.contains(needle), "the checker missed `{needle}`; it found:\n{p}");
    }
    assert!(!p.contains("external ok") && !p.contains("#ok"), "false positive:\n{p}");
}

// ================================================================= tests: pages

#[test]
fn overview_shows_networks_missions_counts_and_statuses() {
    for site in [example(), drafts_hidden()] {
        let o = &site.oracle;
        let dom = site.dom("index.html");
        let main = dom.main();
        let text = main.text();
        let what = site.pb.display();
        // Counts of each step.
        for step in STEPS {
            let n = site.shown().iter().filter(|s| s.step() == step).count();
            let want = format!("{n} {}", t(&format!("steps_{step}")));
            assert!(
                text.contains(&want),
                "{what}: index.html does not show `{want}`:\n{text}"
            );
        }
        // Each network: its card (the innermost element holding its link and no other network's).
        let net_links: Vec<String> = o.networks.iter().map(|(id, _)| network_page(id)).collect();
        for (id, name) in &o.networks {
            let mine = network_page(id);
            let card = main
                .containing(&|n: &Node| {
                    n.name == "a"
                        && n.attr("href")
                            .is_some_and(|h| resolve("index.html", h).ok() == Some(mine.clone()))
                })
                .into_iter()
                .filter(|n| {
                    let targets = link_targets("index.html", n);
                    net_links.iter().all(|l| *l == mine || !targets.contains(l))
                })
                .find(|n| {
                    let low = n.text().to_lowercase();
                    low.contains(&t("steps_tactic").to_lowercase()) || low.contains(&t("step_tactic").to_lowercase())
                })
                .unwrap_or_else(|| panic!("{what}: index.html has no card for network `{id}`"));
            let card_text = card.text();
            assert!(
                card_text.contains(name.as_str()),
                "{what}: the card of `{id}` lacks its name"
            );
            let on = |step: &str| {
                site.shown()
                    .into_iter()
                    .filter(|s| s.step() == step && o.network(s).as_deref() == Some(id.as_str()))
                    .collect::<Vec<_>>()
            };
            for m in on("mission") {
                assert!(
                    card_text.contains(m.title()),
                    "{what}: the card of `{id}` does not show its mission `{}`:\n{card_text}",
                    m.title()
                );
                assert!(link_targets("index.html", card).contains(&page_of(m)));
            }
            for step in ["objective", "strategy", "tactic"] {
                let want = count_phrases(on(step).len(), step);
                assert!(
                    want.iter().any(|w| card_text.to_lowercase().contains(w)),
                    "{what}: the card of `{id}` does not count {want:?}:\n{card_text}"
                );
            }
            for ob in on("objective") {
                let label = status_label(status(ob, TODAY));
                let want = format!("{} {label}", ob.title());
                assert!(
                    card_text.contains(&want),
                    "{what}: the card of `{id}` does not show `{want}` (title and status):\n{card_text}"
                );
            }
        }
        // Elements spanning all networks, their objectives with their status.
        for s in site.shown() {
            if s.step() == "objective" {
                assert!(text.contains(status_label(status(s, TODAY))));
            }
            if s.step() == "mission" || s.step() == "objective" {
                assert!(text.contains(s.title()), "{what}: index.html lacks `{}`", s.title());
            }
        }
        // The whole MOST tree links every shown element.
        let targets = link_targets("index.html", main);
        for s in site.shown() {
            assert!(
                targets.contains(&page_of(s)),
                "{what}: index.html does not link `{}`",
                s.id
            );
        }
    }
    // The health summary shows the fixture's warning, linked to its page.
    let site = drafts_hidden();
    let main = site.dom("index.html");
    let health = main
        .main()
        .section_titled(t("health"))
        .expect("index.html has no health section");
    assert!(health.text().contains("dead-end"), "{}", health.text());
    assert!(link_targets("index.html", &health).contains("objectives/salon-2027.html"));
}

#[test]
fn element_pages_show_chains_what_serves_them_and_their_card() {
    for site in [example(), drafts_hidden(), drafts_shown()] {
        let o = &site.oracle;
        let what = site.pb.display().to_string();
        for s in site.shown() {
            let page = page_of(s);
            let dom = site.dom(&page);
            let main = dom.main();
            let text = nospace(&main.text());
            let h1 = main.by_name("h1");
            assert_eq!(h1.len(), 1, "{what}: {page} must have one <h1>");
            assert_eq!(
                h1[0].text(),
                squash(s.title()),
                "{what}: {page}: the <h1> is not the title"
            );
            assert!(
                text.contains(t(&format!("step_{}", s.step()))),
                "{what}: {page} lacks its step"
            );
            let targets = link_targets(&page, main);
            for a in o.ancestors(s) {
                assert!(
                    targets.contains(&page_of(a)),
                    "{what}: {page}: the chain up to the mission lacks `{}`",
                    a.id
                );
            }
            for b in o.served_by(s).into_iter().filter(|b| site.is_shown(b)) {
                assert!(
                    targets.contains(&page_of(b)),
                    "{what}: {page}: `{}` serves it but is not listed",
                    b.id
                );
            }
            for b in o.served_by(s).into_iter().filter(|b| !site.is_shown(b)) {
                assert!(
                    !targets.contains(&page_of(b)),
                    "{what}: {page} links the draft `{}`",
                    b.id
                );
            }
            if let Some(net) = o.network(s) {
                let name = &o.networks.iter().find(|(id, _)| *id == net).unwrap().1;
                assert!(text.contains(name.as_str()), "{what}: {page} does not name its network");
                assert!(
                    targets.contains(&network_page(&net)),
                    "{what}: {page} does not link its network page"
                );
            }
            match s.step() {
                "objective" => {
                    let st = status(s, TODAY);
                    assert!(
                        text.contains(status_label(st)),
                        "{what}: {page} lacks its status `{st}`"
                    );
                    if let Some(due) = s.get("due") {
                        let d = french_date(due);
                        assert!(text.contains(&d), "{what}: {page} lacks its due date `{d}`:\n{text}");
                    }
                    if let Some(m) = s.get("metric") {
                        assert!(text.contains(m), "{what}: {page} lacks its metric");
                    }
                    if let (Some(b), Some(c), Some(tg)) =
                        (s.number("baseline"), s.number("current"), s.number("target"))
                    {
                        let want = [fr_number(b), fr_number(c), fr_number(tg)];
                        let want: Vec<&str> = want.iter().map(String::as_str).collect();
                        assert!(
                            words_in_order(&text, &want),
                            "{what}: {page} lacks baseline → current → target {want:?}:\n{text}"
                        );
                    }
                }
                "tactic" => {
                    for f in s.list("formats") {
                        let label = t(&format!("format_{f}"));
                        assert!(text.contains(label), "{what}: {page} lacks the format `{label}`");
                    }
                    let days = s.list("schedule.days");
                    let weekly = s.get("schedule.every").is_none_or(|e| e == "week");
                    if weekly && s.get("schedule.interval").is_none_or(|i| i == "1") && days.len() == 1 {
                        let day = t(&format!("day_{}", days[0])).to_lowercase();
                        let want = format!("tous les {day}s");
                        assert!(
                            text.contains(&want),
                            "{what}: {page} lacks the schedule `{want}`:\n{text}"
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn element_page_details_of_the_fixture() {
    let site = drafts_hidden();
    // The tactic: chain in order, card, what it serves.
    let page = "linkedin/tactics/video-du-mardi.html";
    let dom = site.dom(page);
    let main = dom.main();
    let chain = [
        "linkedin/mission.html",
        "linkedin/objectives/inscriptions.html",
        "linkedin/strategies/webinaires.html",
    ];
    let in_order = main.descendants().into_iter().any(|n| {
        let seq: Vec<String> = n.hrefs().iter().filter_map(|h| resolve(page, h).ok()).collect();
        seq == chain
    });
    assert!(
        in_order,
        "{page}: no element lists the chain mission → objective → strategy in order"
    );
    let text = main.text();
    for want in ["tous les mardis à 8 h 30", "texte", "Paul Girard", "vidéo", "webinaire"] {
        assert!(text.contains(want), "{page} lacks `{want}`:\n{text}");
    }
    let serves = main.section_titled(t("serves")).expect("no `Sert` section");
    assert_eq!(
        link_targets(page, &serves),
        BTreeSet::from(["linkedin/strategies/webinaires.html".to_owned()])
    );
    // Its body: links rewritten to pages, fragments kept.
    let hrefs: Vec<&str> = main.hrefs();
    assert!(
        hrefs.contains(&"../../linkedin/strategies/webinaires.html#le-parcours"),
        "{hrefs:?}"
    );
    assert!(
        hrefs.iter().any(|h| percent_decode(h) == "#notes-été"),
        "the same-page link to `## Notes été` is missing: {hrefs:?}"
    );

    // The strategy: served by the tactic, cited by it.
    let page = "linkedin/strategies/webinaires.html";
    let dom = site.dom(page);
    let main = dom.main();
    let served = main.section_titled(t("served_by")).expect("no `Servi par` section");
    assert_eq!(
        link_targets(page, &served),
        BTreeSet::from(["linkedin/tactics/video-du-mardi.html".to_owned()])
    );
    let cited = main.section_titled(t("linked_from")).expect("no `Cité par` section");
    assert!(link_targets(page, &cited).contains("linkedin/tactics/video-du-mardi.html"));

    // The objective: its card.
    let page = "linkedin/objectives/inscriptions.html";
    let dom = site.dom(page);
    let main = dom.main();
    let text = nospace(&main.text());
    assert!(
        words_in_order(&text, &["20", "70", "120"]),
        "{page}: baseline → current → target:\n{text}"
    );
    for want in [
        "inscriptions au webinaire",
        "inscrits",
        "En bonne voie",
        "30 juin 2027",
        "Paul Girard",
        t("category_event"),
    ] {
        assert!(text.contains(want), "{page} lacks `{want}`:\n{text}");
    }
    let cited = main.section_titled(t("linked_from")).expect("no `Cité par` section");
    assert_eq!(
        link_targets(page, &cited),
        BTreeSet::from(["linkedin/mission.html".to_owned()]),
        "the mission's [[inscriptions]] must make it `Cité par` the mission"
    );

    // The mission: its card (audience, habits, competitors with their links).
    let page = "linkedin/mission.html";
    let dom = site.dom(page);
    let main = dom.main();
    let text = main.text();
    for want in [
        "services achats",
        "directions de la communication",
        "Reliures Dupuis",
        "Papeterie Centrale",
        "Chambre des métiers",
        t("habit_post"),
        t("habit_opinion"),
    ] {
        assert!(text.contains(want), "{page} lacks `{want}`:\n{text}");
    }
    assert!(main.hrefs().contains(&"https://dupuis.example/"));
    // A heading id with an accent.
    assert!(main.find(|n| n.attr("id") == Some("pourquoi-linkedin")).is_some());

    // A strategy whose id has an accent gets a URL-safe page, and its card.
    let page = "strategies/tournage-ete.html";
    let text = nospace(&site.dom(page).main().text());
    assert!(
        text.contains("1200\u{a0}€") || text.contains("1200 €"),
        "{page}: the budget is missing:\n{text}"
    );
}

#[test]
fn network_pages() {
    let site = drafts_hidden();
    let page = "networks/linkedin.html";
    let dom = site.dom(page);
    let main = dom.main();
    let text = main.text();
    for want in [
        "LinkedIn, la vitrine auprès des entreprises",
        "services achats",
        "Reliures Dupuis",
        "Les entreprises commandent des carnets",
        "120 inscrits au webinaire « Le carnet d'entreprise »",
        "En bonne voie",
        "La vidéo du mardi matin",
    ] {
        assert!(text.contains(want), "{page} lacks `{want}`:\n{text}");
    }
    let targets = link_targets(page, main);
    for p in [
        "linkedin/mission.html",
        "linkedin/objectives/inscriptions.html",
        "linkedin/strategies/webinaires.html",
        "linkedin/tactics/video-du-mardi.html",
    ] {
        assert!(targets.contains(p), "{page} does not link {p}");
    }
    assert!(
        !targets.contains("video/tactics/clip.html"),
        "{page} shows another network's tactic"
    );
    // Its week: the tactic on Tuesday.
    let week = main
        .by_name("table")
        .into_iter()
        .find_map(|tb| cell(tb, "8 h 30", t("day_tue")))
        .expect("networks/linkedin.html: no week with a `8 h 30` × Tuesday cell");
    assert!(link_targets(page, week).contains("linkedin/tactics/video-du-mardi.html"));

    let page = "networks/video.html";
    let dom = site.dom(page);
    let targets = link_targets(page, dom.main());
    for p in ["video/tactics/clip.html", "strategies/tournage-ete.html"] {
        assert!(targets.contains(p), "{page} does not link {p}: {targets:?}");
    }
    assert!(!targets.contains("linkedin/tactics/video-du-mardi.html"));
    // Every network of the example has its page.
    for (id, name) in &example().oracle.networks {
        let p = network_page(id);
        assert!(example().dom(&p).main().text().contains(name.as_str()), "{p}");
    }
}

#[test]
fn matrix_lists_objectives_nothing_carries_out() {
    for site in [example(), drafts_hidden()] {
        let o = &site.oracle;
        let dom = site.dom("matrix.html");
        let main = dom.main();
        let section = main
            .section_titled(t("not_carried"))
            .unwrap_or_else(|| panic!("matrix.html has no `{}` section", t("not_carried")));
        let uncarried: BTreeSet<String> = site
            .shown()
            .into_iter()
            .filter(|s| s.step() == "objective")
            .filter(|ob| {
                !o.served_by(ob)
                    .into_iter()
                    .filter(|st| site.is_shown(st))
                    .any(|st| o.served_by(st).into_iter().any(|tc| site.is_shown(tc)))
            })
            .map(page_of)
            .collect();
        assert_eq!(
            link_targets("matrix.html", &section),
            uncarried,
            "{}",
            site.pb.display()
        );
        if uncarried.is_empty() {
            assert!(section.text().contains(t("all_carried")));
        }
        // Every objective is a row, with its strategies and tactics.
        let targets = link_targets("matrix.html", main);
        for s in site.shown().into_iter().filter(|s| s.step() != "mission") {
            assert!(targets.contains(&page_of(s)), "matrix.html lacks `{}`", s.id);
        }
    }
    assert_eq!(
        link_targets(
            "matrix.html",
            &drafts_hidden()
                .dom("matrix.html")
                .main()
                .section_titled(t("not_carried"))
                .unwrap()
        ),
        BTreeSet::from(["objectives/salon-2027.html".to_owned()])
    );
}

/// The cell of `table` at the row whose header is `row` and the column whose header is `col`.
fn cell<'a>(table: &'a Node, row: &str, col: &str) -> Option<&'a Node> {
    let rows = table.by_name("tr");
    let header: Vec<String> = rows
        .first()?
        .elements()
        .filter(|c| c.name == "th" || c.name == "td")
        .map(|c| c.text())
        .collect();
    let k = header.iter().position(|h| h == col)?;
    rows.iter()
        .find(|r| r.elements().next().is_some_and(|c| c.text() == row))
        .and_then(|r| r.elements().filter(|c| c.name == "th" || c.name == "td").nth(k))
}

#[test]
fn calendar_has_day_columns() {
    let days: Vec<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| t(&format!("day_{d}")).to_owned())
        .collect();
    for site in [example(), drafts_hidden()] {
        let dom = site.dom("calendar.html");
        let tables = dom.main().by_name("table");
        assert!(!tables.is_empty(), "calendar.html has no table");
        for table in &tables {
            let header: Vec<String> = table.by_name("tr")[0].elements().map(|c| c.text()).collect();
            assert_eq!(
                header[1..],
                days[..],
                "calendar.html: the columns are not the seven days"
            );
        }
    }
    let site = drafts_hidden();
    let dom = site.dom("calendar.html");
    let tables = dom.main().by_name("table");
    let tue = tables
        .iter()
        .find_map(|t| cell(t, "8 h 30", "Mardi"))
        .expect("no `8 h 30` × `Mardi` cell");
    assert_eq!(
        link_targets("calendar.html", tue),
        BTreeSet::from(["linkedin/tactics/video-du-mardi.html".to_owned()])
    );
    let wed = tables
        .iter()
        .find_map(|t| cell(t, "12 h 30", "Mercredi"))
        .expect("no `12 h 30` × `Mercredi` cell");
    assert!(link_targets("calendar.html", wed).contains("video/tactics/clip.html"));
    // Nothing on Friday: that is the draft's day.
    assert!(
        tables
            .iter()
            .all(|t| cell(t, "10 h", "Vendredi").is_none_or(|c| c.text().is_empty()))
    );
    let dom = drafts_shown().dom("calendar.html");
    let fri = dom
        .main()
        .by_name("table")
        .into_iter()
        .find_map(|t| cell(t, "10 h", "Vendredi").cloned())
        .expect("with --drafts, no `10 h` × `Vendredi` cell");
    assert!(link_targets("calendar.html", &fri).contains("linkedin/tactics/idee-secrete.html"));
}

#[test]
fn print_page_has_every_element_in_most_order() {
    for site in [example(), drafts_hidden(), drafts_shown()] {
        let dom = site.dom("print.html");
        let all = dom.main().descendants();
        let mut seen: Vec<(usize, &Source)> = Vec::new();
        for s in site.shown() {
            let stem = page_of(s).trim_end_matches(".html").to_owned();
            let pos = all
                .iter()
                .position(|n| {
                    // `PREFIX` + the page's path: the prefix has no `/` (`linkedin/mission` is not `mission`).
                    n.attr("id").is_some_and(|id| {
                        id.strip_suffix(stem.as_str()).is_some_and(|prefix| {
                            !prefix.contains('/') && !prefix.ends_with(|c: char| c.is_alphanumeric())
                        })
                    })
                })
                .unwrap_or_else(|| panic!("{}: print.html has no anchor for `{}`", site.pb.display(), s.id));
            assert!(
                all[pos].text().contains(&squash(s.title())),
                "print.html: the part of `{}` does not show its title",
                s.id
            );
            seen.push((pos, s));
        }
        seen.sort_by_key(|(p, _)| *p);
        let steps: Vec<usize> = seen.iter().map(|(_, s)| step_rank(s.step())).collect();
        assert!(
            steps.windows(2).all(|w| w[0] <= w[1]),
            "print.html is not in MOST order: {:?}",
            seen.iter().map(|(_, s)| &s.id).collect::<Vec<_>>()
        );
    }
}

#[test]
fn playbook_json_lists_elements_links_and_diagnostics() {
    for site in [example(), drafts_hidden(), drafts_shown()] {
        let o = &site.oracle;
        let json = site.json();
        let elements = json["elements"].as_array().expect("`elements` is not an array");
        assert_eq!(elements.len(), site.shown().len(), "{}", site.pb.display());
        let ids = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .unwrap_or_else(|| panic!("not an array: {v}"))
                .iter()
                .map(|x| x.as_str().expect("an id").to_lowercase())
                .collect()
        };
        for s in site.shown() {
            let e = elements
                .iter()
                .find(|e| e["id"].as_str() == Some(s.id.as_str()))
                .unwrap_or_else(|| panic!("playbook.json lacks `{}`", s.id));
            assert_eq!(e["title"].as_str(), Some(s.title()));
            assert_eq!(e["step"].as_str(), Some(s.step()));
            let serves: BTreeSet<String> = o.serves(s).iter().map(|x| x.id.to_lowercase()).collect();
            assert_eq!(ids(&e["serves"]), serves, "serves of `{}`", s.id);
            let served_by: BTreeSet<String> = o
                .served_by(s)
                .into_iter()
                .filter(|x| site.is_shown(x))
                .map(|x| x.id.to_lowercase())
                .collect();
            assert_eq!(ids(&e["served_by"]), served_by, "served_by of `{}`", s.id);
        }
        // The diagnostics are those `check` reports.
        let check = mostbook()
            .arg("check")
            .arg(&site.pb)
            .args(["--format", "json", "--today", TODAY])
            .output()
            .unwrap();
        let check: Value = serde_json::from_slice(&check.stdout).expect("check --format json");
        let key = |d: &Value| {
            (
                d["rule"].as_str().unwrap_or("").to_owned(),
                d["file"].as_str().unwrap_or("").to_owned(),
                d["line"].as_u64(),
            )
        };
        let want: BTreeSet<_> = check["diagnostics"].as_array().unwrap().iter().map(key).collect();
        let got: BTreeSet<_> = json["diagnostics"]
            .as_array()
            .expect("`diagnostics` is not an array")
            .iter()
            .map(key)
            .collect();
        assert_eq!(got, want, "{}: playbook.json's diagnostics", site.pb.display());
    }
    let json = drafts_hidden().json();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "dead-end"
                && d["file"] == "content/objectives/salon-2027.md"
                && d["severity"] == "warning"),
        "{}",
        json["diagnostics"]
    );
}

/// The entries of `search-index.js`.
fn search_entries(site: &Site) -> Vec<Value> {
    let js = site.text("search-index.js");
    let rest = js
        .strip_prefix("window.MOSTBOOK_SEARCH =")
        .expect("search-index.js must start with `window.MOSTBOOK_SEARCH =`");
    let rest = rest.trim().trim_end_matches(';');
    serde_json::from_str::<Vec<Value>>(rest).expect("the search index is not a JSON array")
}

#[test]
fn search_index_lists_every_shown_element() {
    for site in [example(), drafts_hidden(), drafts_shown()] {
        let entries = search_entries(site);
        let titles: BTreeSet<&str> = entries.iter().filter_map(|e| e["t"].as_str()).collect();
        let want: BTreeSet<&str> = site.shown().iter().map(|s| s.title()).collect();
        assert_eq!(titles, want, "{}", site.pb.display());
        for e in &entries {
            let u = e["u"].as_str().expect("an entry without `u`");
            assert!(site.has(u), "the search index points to `{u}`, not in the output");
        }
    }
    // Bodies are indexed: a word of the tactic's body finds it.
    let entries = search_entries(drafts_hidden());
    let hit: Vec<&str> = entries
        .iter()
        .filter(|e| e["b"].as_str().is_some_and(|b| b.contains("lumière naturelle")))
        .filter_map(|e| e["u"].as_str())
        .collect();
    assert_eq!(hit, ["linkedin/tactics/video-du-mardi.html"]);
}

#[test]
fn sitemap_only_with_base_url() {
    let site = example();
    let base = "https://playbook.studio-traboule.example/";
    let xml = site.text("sitemap.xml");
    let locs: Vec<String> = parse_html(&xml).by_name("loc").iter().map(|l| l.text()).collect();
    assert!(!locs.is_empty(), "sitemap.xml lists nothing");
    let mut paths = BTreeSet::new();
    for loc in &locs {
        let p = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("a sitemap URL outside base_url: {loc}"));
        assert!(site.has(p), "sitemap.xml lists `{loc}`, not in the output");
        paths.insert(p.to_owned());
    }
    assert!(paths.contains("index.html"));
    for s in site.shown() {
        assert!(paths.contains(&page_of(s)), "sitemap.xml lacks `{}`", s.id);
    }
    for s in site.oracle.sources.iter().filter(|s| s.draft()) {
        assert!(!paths.contains(&page_of(s)), "sitemap.xml lists the draft `{}`", s.id);
    }
    // Canonical links, when present, are absolute URLs of the page itself.
    for path in site.files.keys().filter(|p| p.ends_with(".html")) {
        for l in site.dom(path).by_name("link") {
            if l.attr("rel") == Some("canonical") {
                assert_eq!(l.attr("href").unwrap(), format!("{base}{path}"));
            }
        }
    }
    for site in [drafts_hidden(), drafts_shown()] {
        assert!(!site.has("sitemap.xml"), "sitemap.xml without base_url");
        for path in site.files.keys().filter(|p| p.ends_with(".html")) {
            assert!(
                !site
                    .dom(path)
                    .by_name("link")
                    .iter()
                    .any(|l| l.attr("rel") == Some("canonical")),
                "{path}: a canonical link without base_url"
            );
        }
    }
}

#[test]
fn not_found_page() {
    for site in [example(), drafts_hidden()] {
        let dom = site.dom("404.html");
        assert!(dom.main().text().contains(t("not_found")));
        assert!(link_targets("404.html", dom.main()).contains("index.html"));
    }
}

#[test]
fn every_page_is_a_complete_document() {
    for site in [example(), drafts_hidden()] {
        for (path, bytes) in &site.files {
            if !path.ends_with(".html") {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            assert!(
                text.trim_start().to_lowercase().starts_with("<!doctype html>"),
                "{path}"
            );
            let dom = parse_html(&text);
            let html = dom.find(|n| n.name == "html").expect("no <html>");
            assert_eq!(html.attr("lang"), Some("fr"), "{path}");
            assert!(
                dom.find(|n| n.name == "title").is_some_and(|t| !t.text().is_empty()),
                "{path}"
            );
            assert!(
                dom.by_name("meta").iter().any(|m| m.attr("name") == Some("viewport")),
                "{path}: no viewport"
            );
            // No live-reload script in `build` output.
            assert!(!text.contains("livereload") && !text.contains("EventSource"), "{path}");
        }
    }
}

// ================================================================= tests: drafts

const DRAFT_TITLE: &str = "Idée secrète du laboratoire";
const DRAFT_PAGE: &str = "linkedin/tactics/idee-secrete.html";

#[test]
fn drafts_are_not_rendered_without_the_flag() {
    let site = drafts_hidden();
    assert!(!site.has(DRAFT_PAGE), "the draft has a page");
    for (path, bytes) in &site.files {
        let text = String::from_utf8_lossy(bytes);
        for needle in [DRAFT_TITLE, "zorglub", "idee-secrete.html"] {
            assert!(!text.contains(needle), "{path} mentions the draft (`{needle}`)");
        }
    }
    // Links to it in a published body become plain text.
    let page = "linkedin/tactics/video-du-mardi.html";
    let dom = site.dom(page);
    let main = dom.main();
    let text = main.text();
    assert!(text.contains("L'idée en préparation : brouillon, voir aussi"), "{text}");
    for a in main.by_name("a") {
        let at = a.text();
        assert!(
            !at.contains("brouillon") && !at.contains("idee-secrete"),
            "{page}: `{at}` is still a link"
        );
    }
    // Not counted, not indexed, not in the data.
    assert!(
        site.dom("index.html")
            .main()
            .text()
            .contains(&format!("2 {}", t("steps_tactic")))
    );
    assert!(!search_entries(site).iter().any(|e| e["t"] == DRAFT_TITLE));
    let json = site.json();
    let els = json["elements"].as_array().unwrap();
    assert!(!els.iter().any(|e| e["id"] == "linkedin/tactics/idee-secrete"));
    let web = els
        .iter()
        .find(|e| e["id"] == "linkedin/strategies/webinaires")
        .unwrap();
    assert_eq!(web["served_by"], serde_json::json!(["linkedin/tactics/video-du-mardi"]));
    let tactic = els
        .iter()
        .find(|e| e["id"] == "linkedin/tactics/video-du-mardi")
        .unwrap();
    let to_draft: Vec<&Value> = tactic["links"]
        .as_array()
        .expect("`links` of an element")
        .iter()
        .filter(|l| l["dest"].as_str().is_some_and(|d| d.contains("idee-secrete")))
        .collect();
    assert_eq!(to_draft.len(), 2, "{}", tactic["links"]);
    assert!(to_draft.iter().all(|l| l["target"].is_null()), "{}", tactic["links"]);
}

#[test]
fn drafts_are_rendered_with_the_flag() {
    let site = drafts_shown();
    let dom = site.dom(DRAFT_PAGE);
    let text = dom.main().text();
    assert!(text.contains(DRAFT_TITLE) && text.contains("zorglub"), "{text}");
    assert!(
        text.contains(t("draft")),
        "the draft's page does not say it is a draft:\n{text}"
    );
    let page = "linkedin/tactics/video-du-mardi.html";
    let dom = site.dom(page);
    let hrefs = dom.main().hrefs();
    assert!(
        hrefs.contains(&"../../linkedin/tactics/idee-secrete.html#plan"),
        "{hrefs:?}"
    );
    assert!(link_targets("index.html", &site.dom("index.html")).contains(DRAFT_PAGE));
    assert!(
        site.dom("index.html")
            .main()
            .text()
            .contains(&format!("3 {}", t("steps_tactic")))
    );
    assert!(search_entries(site).iter().any(|e| e["t"] == DRAFT_TITLE));
    let json = site.json();
    let draft = json["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "linkedin/tactics/idee-secrete")
        .expect("the draft is not in playbook.json");
    assert_eq!(draft["draft"], true);
}

// ================================================================= tests: the output folder

#[test]
fn builds_are_byte_identical() {
    let tmp = TempDir::new("determinism");
    // Different source and output folders: no path may leak into the output.
    let a = fixture_copy("site-drafts", &tmp.join("one"));
    let b = fixture_copy("site-drafts", &tmp.join("two/deeper"));
    build_ok(&a, &tmp.join("out-a"), &["--drafts"]);
    build_ok(&b, &tmp.join("elsewhere/out-b"), &["--drafts"]);
    let (fa, fb) = (files(&tmp.join("out-a")), files(&tmp.join("elsewhere/out-b")));
    assert_eq!(diff(&fa, &fb), Vec::<String>::new(), "two builds of site-drafts differ");
    let tmp_str = tmp.path().to_string_lossy().into_owned();
    for (p, bytes) in &fa {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&tmp_str),
            "{p} contains a local path"
        );
    }
    // The example, twice into the same folder and once elsewhere.
    let pb = example_copy(tmp.path());
    let out = tmp.join("ex");
    build_ok(&pb, &out, &[]);
    let first = files(&out);
    build_ok(&pb, &out, &[]);
    assert_eq!(
        diff(&first, &files(&out)),
        Vec::<String>::new(),
        "rebuilding the example changed it"
    );
    assert_eq!(
        diff(&first, &example().files),
        Vec::<String>::new(),
        "two builds of the example differ"
    );
}

#[test]
fn nothing_stale_survives() {
    let tmp = TempDir::new("stale");
    let pb = fixture_copy("site-drafts", tmp.path());
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    assert!(out.join("video/tactics/clip.html").is_file());
    assert!(out.join("docs/plan.txt").is_file());
    std::fs::write(out.join("stray.txt"), "left by hand").unwrap();
    std::fs::remove_file(pb.join("content/vidéo/tactics/clip.md")).unwrap();
    std::fs::remove_file(pb.join("static/docs/plan.txt")).unwrap();
    build_ok(&pb, &out, &[]);
    for gone in ["video/tactics/clip.html", "docs/plan.txt", "stray.txt"] {
        assert!(!out.join(gone).exists(), "`{gone}` survived the rebuild");
    }
    // The rebuilt output is exactly a fresh build.
    let fresh = tmp.join("fresh");
    build_ok(&pb, &fresh, &[]);
    assert_eq!(diff(&files(&fresh), &files(&out)), Vec::<String>::new());
    // Nothing is left beside the output (staging folders).
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut beside = beside;
    beside.sort();
    assert_eq!(beside, ["fresh", "out", "site-drafts"], "leftovers beside the output");
}

#[test]
fn failed_build_leaves_previous_output() {
    let tmp = TempDir::new("atomic");
    let pb = fixture_copy("site-drafts", tmp.path());
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    assert!(
        out.join(".mostbook-output").is_file(),
        "no marker file `.mostbook-output`"
    );
    let before = snapshot(tmp.path());

    // A playbook error.
    let tactic = pb.join("content/linkedin/tactics/video-du-mardi.md");
    let good = std::fs::read_to_string(&tactic).unwrap();
    std::fs::write(&tactic, good.replace("serves: webinaires", "serves: nowhere")).unwrap();
    let o = build(&pb, &out, &[]);
    assert_eq!(code(&o), 1, "{}", describe(&o));
    assert!(stderr(&o).contains("unknown-reference"), "{}", describe(&o));
    let mut after = snapshot(tmp.path());
    after.insert(
        "site-drafts/content/linkedin/tactics/video-du-mardi.md".into(),
        before["site-drafts/content/linkedin/tactics/video-du-mardi.md"].clone(),
    );
    assert_eq!(
        diff(&before, &after),
        Vec::<String>::new(),
        "a failed build changed the output"
    );
    std::fs::write(&tactic, &good).unwrap();

    // A template error.
    std::fs::create_dir_all(pb.join("templates")).unwrap();
    std::fs::write(
        pb.join("templates/element.html"),
        "{% extends \"default/element.html\" %}{% block content %}{{ oops(\n",
    )
    .unwrap();
    let o = build(&pb, &out, &[]);
    assert_eq!(code(&o), 1, "a broken template: {}", describe(&o));
    let mut after = snapshot(tmp.path());
    after.retain(|k, _| !k.starts_with("site-drafts/templates"));
    assert_eq!(
        diff(&before, &after),
        Vec::<String>::new(),
        "a failed render changed the output"
    );
    std::fs::remove_dir_all(pb.join("templates")).unwrap();

    // With errors and no previous output, nothing is created.
    std::fs::write(&tactic, good.replace("serves: webinaires", "serves: nowhere")).unwrap();
    let o = build(&pb, &tmp.join("new-out"), &[]);
    assert_eq!(code(&o), 1);
    assert!(
        !tmp.join("new-out").exists(),
        "a failed build created its output folder"
    );
}

#[test]
fn refuses_output_folders_that_could_lose_files() {
    let tmp = TempDir::new("safety");
    let pb = fixture_copy("site-overrides", tmp.path());
    std::fs::create_dir_all(tmp.join("foreign")).unwrap();
    std::fs::write(tmp.join("foreign/keep.txt"), "mine").unwrap();
    std::fs::write(tmp.join("a-file.txt"), "not a folder").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&pb, tmp.join("link-to-playbook")).unwrap();
        std::os::unix::fs::symlink(pb.join("content"), tmp.join("link-to-content")).unwrap();
    }
    let before = snapshot(tmp.path());
    let mut cases: Vec<(String, PathBuf)> = vec![
        ("the playbook folder".into(), pb.clone()),
        ("a parent of the playbook".into(), tmp.path().to_path_buf()),
        ("content/x".into(), pb.join("content/x")),
        ("content/instagram (existing)".into(), pb.join("content/instagram")),
        ("static/x".into(), pb.join("static/x")),
        ("templates".into(), pb.join("templates")),
        ("themes/x".into(), pb.join("themes/x")),
        ("i18n".into(), pb.join("i18n")),
        ("public/../content/y".into(), pb.join("public/../content/y")),
        ("a foreign non-empty folder".into(), tmp.join("foreign")),
        ("an existing file".into(), tmp.join("a-file.txt")),
    ];
    #[cfg(unix)]
    {
        cases.push(("a symlink to the playbook".into(), tmp.join("link-to-playbook")));
        cases.push((
            "a folder below a symlink to content/".into(),
            tmp.join("link-to-content/out"),
        ));
    }
    for (what, out) in &cases {
        let o = build(&pb, out, &[]);
        assert_eq!(code(&o), 2, "-o {what} must be refused with exit 2: {}", describe(&o));
        assert!(!stderr(&o).trim().is_empty(), "-o {what}: refused without a word");
        assert_eq!(
            diff(&before, &snapshot(tmp.path())),
            Vec::<String>::new(),
            "-o {what} changed files"
        );
    }
    // `-o .` from inside the playbook.
    let o = mostbook()
        .current_dir(&pb)
        .args(["build", ".", "-o", ".", "--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "-o . inside the playbook: {}", describe(&o));
    assert_eq!(diff(&before, &snapshot(tmp.path())), Vec::<String>::new());
    assert_eq!(std::fs::read_to_string(tmp.join("foreign/keep.txt")).unwrap(), "mine");
}

#[test]
fn accepts_an_empty_folder_and_a_previous_output() {
    let tmp = TempDir::new("accepts");
    let pb = fixture_copy("site-overrides", tmp.path());
    let empty = tmp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    build_ok(&pb, &empty, &[]);
    assert!(empty.join(".mostbook-output").is_file() && empty.join("index.html").is_file());
    build_ok(&pb, &empty, &[]);
    // The default output, DIR/public, twice; it is never read as input.
    let o = mostbook()
        .args(["build"])
        .arg(&pb)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", describe(&o));
    assert!(pb.join("public/.mostbook-output").is_file());
    let o = mostbook()
        .current_dir(&pb)
        .args(["build", "--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", describe(&o));
    assert_eq!(diff(&files(&empty), &files(&pb.join("public"))), Vec::<String>::new());
}

// ================================================================= tests: hostile content

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Builds a copy of `site-hostile` with `html: HTML` (`None`: the default, no line); with `plain_bodies`, every
/// Markdown body is replaced by plain text first (to test front-matter alone).
fn hostile(html: Option<&str>, plain_bodies: bool) -> (TempDir, PathBuf, PathBuf, std::process::Output) {
    let tmp = TempDir::new("hostile");
    let pb = fixture_copy("site-hostile", tmp.path());
    if plain_bodies {
        for f in files(&pb.join("content")).keys() {
            let path = pb.join("content").join(f);
            let text = std::fs::read_to_string(&path).unwrap();
            let end = text[3..].find("\n---\n").expect("front-matter") + 3 + 5;
            std::fs::write(&path, format!("{}\nA plain body.\n", &text[..end])).unwrap();
        }
    }
    let yaml = std::fs::read_to_string(pb.join("playbook.yaml")).unwrap();
    assert!(
        yaml.contains("html: sanitize\n"),
        "site-hostile/playbook.yaml must say `html: sanitize`"
    );
    // `None`: no `html:` line at all, the default.
    let line = html.map(|h| format!("html: {h}\n")).unwrap_or_default();
    std::fs::write(pb.join("playbook.yaml"), yaml.replace("html: sanitize\n", &line)).unwrap();
    let out = tmp.join("out");
    let o = build(&pb, &out, &[]);
    (tmp, pb, out, o)
}

#[test]
fn hostile_front_matter_is_shown_as_text() {
    let (_tmp, _pb, out, o) = hostile(Some("sanitize"), true);
    assert_eq!(code(&o), 0, "{}", describe(&o));
    let files = files(&out);
    let problems = script_problems(&files);
    assert!(
        problems.is_empty(),
        "script in the output:\n  {}",
        problems.join("\n  ")
    );
    // Markup and script files only: playbook.json and calendar.ics carry the text as data.
    for (path, bytes) in &files {
        if ![".html", ".svg", ".js", ".xml", ".css"]
            .iter()
            .any(|x| path.ends_with(x))
        {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for raw in ["<script>alert", "<img src=x", "<img src=\"x\" onerror"] {
            assert!(!text.contains(raw), "{path} contains `{raw}` unescaped");
        }
    }
    let tactic_title = format!("{IMG} tactic {SCRIPT}");
    let site_title = format!("Hostile {SCRIPT} playbook");
    let network = format!("X {SCRIPT}");
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let dom = parse_html(&String::from_utf8_lossy(bytes));
        let title = dom.find(|n| n.name == "title").unwrap().text();
        assert!(
            title.contains(&site_title) || path == "index.html" && title == site_title,
            "{path}: <title> {title:?}"
        );
        let all = dom.text();
        assert!(all.contains(&site_title), "{path} does not show the site title as text");
        assert!(all.contains(&network), "{path} does not show the network name as text");
    }
    for page in [
        "index.html",
        "calendar.html",
        "matrix.html",
        "print.html",
        "networks/x.html",
        "x/tactics/x-tactic.html",
    ] {
        let dom = parse_html(&String::from_utf8_lossy(&files[page]));
        assert!(
            dom.main().text().contains(&tactic_title),
            "{page} does not show the tactic's title as text"
        );
    }
    let tactic = parse_html(&String::from_utf8_lossy(&files["x/tactics/x-tactic.html"]));
    assert!(tactic.main().text().contains(IMG), "the owner is not shown as text");
    let mission = parse_html(&String::from_utf8_lossy(&files["x/mission.html"]));
    let text = mission.main().text();
    assert!(
        text.contains(&format!("Mission {SCRIPT}")) && text.contains(SCRIPT) && text.contains(IMG),
        "{text}"
    );
    let objective = parse_html(&String::from_utf8_lossy(&files["x/objectives/x-objective.html"]));
    let text = objective.main().text();
    assert!(text.contains(SCRIPT) && text.contains(IMG), "metric and unit: {text}");
    let index = parse_html(&String::from_utf8_lossy(&files["index.html"]));
    assert!(
        index.main().text().contains(&format!("Hello {SCRIPT} and {IMG}")),
        "the description"
    );

    // playbook.json: the same strings, as JSON strings.
    let json: Value = serde_json::from_slice(&files["playbook.json"]).unwrap();
    assert_eq!(json["config"]["title"], site_title.as_str());
    let el = |id: &str| {
        json["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("playbook.json lacks {id}"))
            .clone()
    };
    assert_eq!(el("x/tactics/x-tactic")["title"], tactic_title.as_str());
    assert_eq!(el("x/tactics/x-tactic")["owner"], IMG);
    assert_eq!(el("x/mission")["tags"], serde_json::json!([SCRIPT, IMG]));

    // The search index: a script that cannot be closed early, with the same strings.
    let js = String::from_utf8_lossy(&files["search-index.js"]).into_owned();
    assert!(
        !js.to_lowercase().contains("</script") && !js.contains("<!--"),
        "search-index.js"
    );
    let entries: Vec<Value> = serde_json::from_str(
        js.strip_prefix("window.MOSTBOOK_SEARCH =")
            .unwrap()
            .trim()
            .trim_end_matches(';'),
    )
    .unwrap();
    assert!(entries.iter().any(|e| e["t"] == tactic_title.as_str()));
}

#[test]
fn hostile_markdown_is_inert_under_sanitize() {
    let (_tmp, _pb, out, o) = hostile(None, false);
    assert_eq!(code(&o), 0, "{}", describe(&o));
    assert!(
        stderr(&o).contains("unsafe-html"),
        "no unsafe-html warning: {}",
        describe(&o)
    );
    let files = files(&out);
    // `<img src="javascript:…">` is not run by browsers: its own test below.
    let problems: Vec<String> = script_problems(&files)
        .into_iter()
        .filter(|p| !p.contains("<img src="))
        .collect();
    assert!(
        problems.is_empty(),
        "script in the output:\n  {}",
        problems.join("\n  ")
    );
    // The bodies' harmless text is still there.
    let strategy = parse_html(&String::from_utf8_lossy(&files["x/strategies/x-strategy.html"]));
    let text = strategy.main().text();
    assert!(
        text.contains("Raw HTML of every dangerous kind") && text.contains("A kept word."),
        "{text}"
    );
    let tactic = parse_html(&String::from_utf8_lossy(&files["x/tactics/x-tactic.html"]));
    assert!(tactic.main().text().contains("md js link"));
}

#[test]
fn markdown_images_with_script_urls_are_neutralised() {
    // `![x](javascript:alert(1))` in a body without raw HTML: links get `#`,
    // images must not keep the URL either (and the check should say so).
    let (_tmp, _pb, out, o) = hostile(None, false);
    assert_eq!(code(&o), 0, "{}", describe(&o));
    let problems: Vec<String> = script_problems(&files(&out))
        .into_iter()
        .filter(|p| p.contains("<img src="))
        .collect();
    assert!(
        problems.is_empty(),
        "script URLs kept in images:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn script_checker_catches_scripts() {
    let mut files = BTreeMap::new();
    files.insert(
        "x/p.html".to_owned(),
        br#"<html><head><script src="../assets/mostbook.js" defer></script><script>alert(1)</script></head>
<body><img src=x onerror=alert(1)><a href="java&#x09;script:alert(1)">a</a><iframe src="x.html"></iframe>
<div style="background:url(javascript:alert(1))">d</div><svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>
<form><button formaction="javascript:alert(1)">b</button></form><meta http-equiv="refresh" content="0"></body></html>"#
            .to_vec(),
    );
    let p = script_problems(&files).join("\n");
    for needle in [
        "a <script> that is not the theme's: src=\"\"",
        "onerror",
        "<a href=\"java\\tscript:alert(1)\">",
        "<iframe>",
        "<div style=",
        "xlink:href",
        "formaction",
        "http-equiv",
    ] {
        assert!(p.contains(needle), "the checker missed `{needle}`:\n{p}");
    }
    assert!(!p.contains("mostbook.js"), "the theme's script is flagged:\n{p}");
    assert!(
        script_problems(&example().files).is_empty(),
        "{:?}",
        script_problems(&example().files)
    );
}

#[test]
fn html_deny_fails_with_unsafe_html() {
    let (_tmp, _pb, out, o) = hostile(Some("deny"), false);
    assert_eq!(code(&o), 1, "{}", describe(&o));
    assert!(stderr(&o).contains("unsafe-html"), "{}", describe(&o));
    assert!(!out.exists(), "a failed build wrote its output");
}

#[test]
fn html_allow_keeps_harmless_raw_html() {
    let tmp = TempDir::new("allow");
    let pb = fixture_copy("site-drafts", tmp.path());
    let yaml = std::fs::read_to_string(pb.join("playbook.yaml")).unwrap();
    std::fs::write(pb.join("playbook.yaml"), format!("{yaml}html: allow\n")).unwrap();
    let f = pb.join("content/linkedin/strategies/webinaires.md");
    let body = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{body}\nEn <abbr title=\"x\">y</abbr>, <kbd>Ctrl</kbd>.\n")).unwrap();
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    let html = std::fs::read_to_string(out.join("linkedin/strategies/webinaires.html")).unwrap();
    assert!(
        html.contains("<abbr title=\"x\">y</abbr>"),
        "raw HTML was changed under `html: allow`"
    );
    assert!(html.contains("<kbd>Ctrl</kbd>"));
}

#[test]
fn hostile_urls_in_settings_and_front_matter_are_not_links() {
    // URLs typed in playbook.yaml (a network's `url`) and in front-matter
    // (competitors' and partners' `url`) end up in `href`s: a `javascript:` one
    // must be refused by the check (exit 1) or never become a link.
    let tmp = TempDir::new("hostile-urls");
    let pb = fixture_copy("site-drafts", tmp.path());
    let yaml = std::fs::read_to_string(pb.join("playbook.yaml")).unwrap();
    std::fs::write(
        pb.join("playbook.yaml"),
        yaml.replace("https://www.linkedin.com/company/colibri", "javascript:alert(1)"),
    )
    .unwrap();
    let m = pb.join("content/linkedin/mission.md");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("https://dupuis.example/", "javascript:alert(2)")).unwrap();
    let out = tmp.join("out");
    let o = build(&pb, &out, &[]);
    match code(&o) {
        1 => assert!(!out.exists()),
        0 => {
            let problems = script_problems(&files(&out));
            assert!(
                problems.is_empty(),
                "javascript: URLs became links:\n  {}",
                problems.join("\n  ")
            );
        }
        _ => panic!("{}", describe(&o)),
    }
}

// ================================================================= tests: overrides, summary

#[test]
fn playbook_overrides_templates_static_files_and_strings() {
    let tmp = TempDir::new("overrides");
    let pb = fixture_copy("site-overrides", tmp.path());
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    let files = files(&out);
    let pages: Vec<&String> = files.keys().filter(|p| p.ends_with(".html")).collect();
    for p in ["instagram/mission.html", "instagram/tactics/reel-aube.html"] {
        let dom = parse_html(&String::from_utf8_lossy(&files[p]));
        let marker = dom
            .find(|n| n.attr("id") == Some("override-marker"))
            .unwrap_or_else(|| panic!("{p} does not use the playbook's templates/element.html"));
        assert_eq!(marker.text(), "Gabarit du playbook");
        // `super()` keeps the built-in content.
        assert_eq!(dom.main().by_name("h1").len(), 1, "{p}: the built-in block is gone");
    }
    for p in ["index.html", "calendar.html", "matrix.html"] {
        assert!(!String::from_utf8_lossy(&files[p]).contains("override-marker"), "{p}");
    }
    assert_eq!(
        files["robots.txt"],
        std::fs::read(pb.join("static/robots.txt")).unwrap(),
        "static/robots.txt is not copied verbatim"
    );
    assert_eq!(files["nested/deep.txt"], b"imbriqu\xc3\xa9\n");
    for p in pages {
        let dom = parse_html(&String::from_utf8_lossy(&files[p]));
        let nav = dom.find(|n| n.name == "nav").expect("a nav");
        let labels: Vec<String> = nav.by_name("a").iter().map(|a| a.text()).collect();
        assert!(labels.iter().any(|l| l == "Tableau de bord"), "{p}: nav {labels:?}");
        assert!(
            !dom.text().contains(t("overview")),
            "{p} still says `{}`",
            t("overview")
        );
    }
}

#[test]
fn summary_line_counts_pages_and_files() {
    let site = example();
    let line = site
        .stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("build printed nothing");
    let number_before = |word: &str| -> usize {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
            .collect();
        let k = words
            .iter()
            .position(|w| *w == word)
            .unwrap_or_else(|| panic!("the summary `{line}` does not mention {word}"));
        words[..k]
            .iter()
            .rev()
            .find(|w| !w.is_empty())
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no number before `{word}` in `{line}`"))
    };
    let html = site.files.keys().filter(|p| p.ends_with(".html")).count();
    assert_eq!(number_before("pages"), html, "{line}");
    let files = number_before("files");
    assert!(
        files == site.files.len() || files + 1 == site.files.len(),
        "`{line}`: the output has {} files",
        site.files.len()
    );
    let timed = line.split_whitespace().collect::<Vec<_>>().windows(2).any(|w| {
        w[0].replace(',', ".").parse::<f64>().is_ok() && matches!(w[1].trim_end_matches(','), "s" | "ms" | "µs")
    }) || line.contains("ms");
    assert!(timed, "the summary `{line}` does not give the time");
}

#[test]
fn calendar_places_a_one_day_tactic_on_its_weekday_only() {
    // `every: day` between `from` and `until` on the same day happens on that
    // day only (2027-05-19 is a Wednesday): the week must not show it daily.
    let tmp = TempDir::new("one-day");
    let pb = fixture_copy("site-drafts", tmp.path());
    std::fs::write(
        pb.join("content/linkedin/tactics/direct-du-salon.md"),
        "---\nstep: tactic\ntitle: Le direct du salon\nserves: webinaires\nowner: Paul Girard\nformats: [live]\n\
         schedule:\n  every: day\n  time: \"15:00\"\n  from: 2027-05-19\n  until: 2027-05-19\n---\n\nLe direct, le jour du salon.\n",
    )
    .unwrap();
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    let target = "linkedin/tactics/direct-du-salon.html";
    for page in ["calendar.html", "networks/linkedin.html"] {
        let dom = parse_html(&std::fs::read_to_string(out.join(page)).unwrap());
        let table = dom
            .main()
            .by_name("table")
            .into_iter()
            .find(|t| link_targets(page, t).contains(target))
            .unwrap_or_else(|| panic!("{page}: the one-day tactic is not in a week table"));
        let days: Vec<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .map(|d| t(&format!("day_{d}")).to_owned())
            .collect();
        let on: Vec<&String> = days
            .iter()
            .filter(|d| cell(table, "15 h", d).is_some_and(|c| link_targets(page, c).contains(target)))
            .collect();
        assert_eq!(
            on,
            ["Mercredi"],
            "{page}: a tactic of Wednesday 19 May 2027 only is shown on {on:?}"
        );
    }
}

#[test]
fn deny_warnings_fails_and_writes_nothing() {
    let tmp = TempDir::new("deny-warnings");
    let pb = fixture_copy("site-drafts", tmp.path());
    let out = tmp.join("out");
    let o = build(&pb, &out, &["--deny-warnings"]);
    assert_eq!(code(&o), 1, "site-drafts has a dead-end warning: {}", describe(&o));
    assert!(stderr(&o).contains("dead-end"), "{}", describe(&o));
    assert!(!out.exists());
}

// ------------------------------------------------- components, pre-rendered

/// The built-in `el_link` and `net_label` are rendered once per element and
/// written where pages would call them (`el_link_head`…). Redefining every
/// component with the built-in text turns that off; the site must not change.
#[test]
fn components_written_once_per_element_equal_the_components_called() {
    let tmp = TempDir::new("prerender");
    let pb = example_copy(tmp.path());
    // A title holding the character that stands for `root` while links are
    // written once (U+F8FF, the Apple logo a Mac types with ⌥⇧K).
    let live = pb.join("content/linkedin/tactics/live-mensuel.md");
    let text = std::fs::read_to_string(&live).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap().to_owned();
    std::fs::write(&live, text.replacen(&title, "title: \"Live \u{F8FF} mensuel\"", 1)).unwrap();
    // A template of the playbook that lists elements with a `root` of its own,
    // marked safe: the link escapes it as the component does.
    std::fs::create_dir_all(pb.join("templates")).unwrap();
    std::fs::write(
        pb.join("templates/element.html"),
        "{% extends \"default/element.html\" %}{% block content %}{{ super() }}\
         <div class=\"odd-root\">{{ <el_list items={element.serves} root={\"<b>&\" | safe}/> }}</div>{% endblock content %}",
    )
    .unwrap();
    let fast = tmp.join("fast");
    build_ok(&pb, &fast, &[]);
    std::fs::copy(
        manifest_dir().join("themes/default/templates/components.html"),
        pb.join("templates/components.html"),
    )
    .unwrap();
    let called = tmp.join("called");
    build_ok(&pb, &called, &[]);
    let (fast, called) = (files(&fast), files(&called));
    assert_eq!(
        fast.keys().collect::<Vec<_>>(),
        called.keys().collect::<Vec<_>>(),
        "the same files"
    );
    assert!(
        String::from_utf8_lossy(&fast["index.html"]).contains("Live \u{F8FF} mensuel"),
        "the title is not in the overview"
    );
    let tactic = String::from_utf8_lossy(&fast["linkedin/tactics/etude-de-cas-mardi.html"]).into_owned();
    assert!(
        tactic.contains("href=\"&lt;b&gt;&amp;linkedin/"),
        "the odd root is not escaped"
    );
    // What is written once is there.
    assert!(tactic.contains("class=\"mb-ref mb-step-strategy"), "{tactic}");
    assert!(String::from_utf8_lossy(&fast["index.html"]).contains("<span class=\"mb-net mb-net-"));
    for (path, bytes) in &fast {
        let other = &called[path];
        let at = bytes.iter().zip(other).position(|(a, b)| a != b);
        assert!(
            bytes == other,
            "{path} differs when the components are called, from byte {at:?}:\n{}\n---\n{}",
            String::from_utf8_lossy(&bytes[at.unwrap_or(0).saturating_sub(80)..])
                .chars()
                .take(240)
                .collect::<String>(),
            String::from_utf8_lossy(&other[at.unwrap_or(0).saturating_sub(80)..])
                .chars()
                .take(240)
                .collect::<String>(),
        );
    }
}

/// A playbook's own `el_link`, `net_label` and `slot` replace the built-in ones
/// on every page, lists, chains, trees and weeks included (docs/theming.md).
#[test]
fn a_redefined_component_replaces_the_built_in_one_everywhere() {
    let tmp = TempDir::new("components");
    let pb = example_copy(tmp.path());
    std::fs::create_dir_all(pb.join("templates")).unwrap();
    std::fs::write(
        pb.join("templates/components.html"),
        "{% component el_link(el, root) %}<a class=\"my-link\" href=\"{{ root ~ el.url }}\">★ {{ el.title }}</a>{% endcomponent el_link %}\n\
         {% component net_label(el) %}<i class=\"my-net\">{{ el.network }}</i>{% endcomponent net_label %}\n\
         {% component slot(el, root) %}<a class=\"my-slot\" href=\"{{ root ~ el.url }}\">{{ el.id }}</a>{% endcomponent slot %}\n",
    )
    .unwrap();
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    let files = files(&out);
    let text = |p: &str| String::from_utf8_lossy(&files[p]).into_owned();
    for p in [
        "index.html",
        "linkedin/tactics/etude-de-cas-mardi.html",
        "networks/linkedin.html",
        "matrix.html",
    ] {
        let html = text(p);
        assert!(
            html.contains("class=\"my-link\""),
            "{p} does not use the playbook's el_link"
        );
        assert!(!html.contains("<a class=\"mb-ref "), "{p} still has a built-in el_link");
    }
    // A page two folders down links with its own root.
    assert!(text("linkedin/tactics/etude-de-cas-mardi.html").contains("class=\"my-link\" href=\"../../"));
    assert!(text("index.html").contains("class=\"my-net\""));
    assert!(
        !text("index.html").contains("<span class=\"mb-net mb-net-"),
        "built-in net_label left"
    );
    let calendar = text("calendar.html");
    assert!(
        calendar.contains("class=\"my-slot\""),
        "the week does not use the playbook's slot"
    );
    assert!(!calendar.contains("class=\"mb-slot "), "built-in slot left");
}

/// An element page lists its own file's problems (the plan's health), and only
/// those: the objective nothing carries out has its `dead-end`, the others none.
#[test]
fn an_element_page_lists_the_problems_of_its_own_file() {
    let site = drafts_hidden();
    let dom = parse_html(&site.text("objectives/salon-2027.html"));
    let health = dom
        .find(|n| n.attr("class") == Some("mb-warnings"))
        .expect("objectives/salon-2027.html has no health section");
    let items = health.by_name("li");
    assert_eq!(items.len(), 1, "{}", health.text());
    let item = squash(&items[0].text());
    assert!(item.starts_with("dead-end "), "{item}");
    assert!(item.ends_with(&format!("({} 2)", fr()["line"])), "{item}");
    for (path, bytes) in &site.files {
        if path.ends_with(".html") && path != "objectives/salon-2027.html" {
            assert!(
                !String::from_utf8_lossy(bytes).contains("class=\"mb-warnings\""),
                "{path} lists problems it does not have"
            );
        }
    }
}

/// A playbook's `templates/default/components.html` replaces the built-in file
/// itself: its components are the playbook's, even though the name is the
/// built-in one, and they are called as written (here `el_link` tells the
/// site's root page from the others, which writing it once could not).
#[test]
fn a_playbook_file_named_like_the_built_in_components_is_the_playbooks() {
    let tmp = TempDir::new("default-components");
    let pb = example_copy(tmp.path());
    std::fs::create_dir_all(pb.join("templates/default")).unwrap();
    let builtin = std::fs::read_to_string(manifest_dir().join("themes/default/templates/components.html")).unwrap();
    let mine = builtin.replacen(
        "href=\"{{ root ~ el.url }}\"",
        "href=\"{% if root %}{{ root }}{% else %}./{% endif %}{{ el.url }}\"",
        1,
    );
    assert_ne!(mine, builtin, "el_link's href is not where the test expects it");
    std::fs::write(pb.join("templates/default/components.html"), mine).unwrap();
    let out = tmp.join("out");
    build_ok(&pb, &out, &[]);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("<a class=\"mb-ref mb-step-mission\" href=\"./"),
        "the playbook's el_link is not used"
    );
    let page = std::fs::read_to_string(out.join("linkedin/tactics/etude-de-cas-mardi.html")).unwrap();
    assert!(
        page.contains("href=\"../../linkedin/"),
        "a page below the root links with its root"
    );
}
