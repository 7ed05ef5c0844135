//! `graph.svg` end to end: a small playbook written to disk, analysed, drawn,
//! and the SVG checked as XML by a small well-formedness checker (no XML
//! crate in the dependency tree).

use mostbook::model::Language;
use mostbook::render::graph::graph_svg;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const TODAY: &str = "2027-03-15";

// ---------------------------------------------------------------- playbook

/// A fresh, empty folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mostbook-graph-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const SCRIPT_TITLE: &str = r#"<script>alert("x")</script> & Tuesday's case study"#;

/// Two networks, a playbook-wide mission and objective; one strategy serves
/// two objectives, one tactic two strategies; a tactic's title is hostile.
fn small_playbook(root: &Path) {
    write(
        root,
        "playbook.yaml",
        "title: \"Graph <test> & co\"\nlanguage: en\ntimezone: Europe/Paris\nnetworks:\n  linkedin: { name: LinkedIn }\n  x: { name: \"X & friends\" }\n",
    );
    let objective = |serves: &str, title: &str| {
        format!(
            "---\nstep: objective\ntitle: {title}\nserves: {serves}\ncategory: leads\nmetric: sign-ups\nbaseline: 10\ntarget: 20\ncurrent: 15\nstart: 2026-09-01\ndue: 2027-08-31\n---\nBody.\n"
        )
    };
    let strategy =
        |serves: &str, title: &str| format!("---\nstep: strategy\ntitle: {title}\nserves: {serves}\n---\nBody.\n");
    let tactic = |serves: &str, title: &str| {
        format!(
            "---\nstep: tactic\ntitle: {title}\nserves: {serves}\nformats: [text]\nschedule:\n  every: week\n  days: [tue]\n  time: \"08:30\"\n---\nBody.\n"
        )
    };
    write(
        root,
        "content/mission.md",
        "---\nstep: mission\ntitle: Be the studio everyone recommends\n---\nBody.\n",
    );
    write(
        root,
        "content/objectives/contacts.md",
        &objective("mission", "Ten contact requests a month"),
    );
    write(
        root,
        "content/linkedin/mission.md",
        "---\nstep: mission\ntitle: The expert who reassures\n---\nBody.\n",
    );
    write(
        root,
        "content/linkedin/objectives/followers.md",
        &objective("linkedin/mission", "3,000 followers"),
    );
    write(
        root,
        "content/linkedin/strategies/case-studies.md",
        &strategy(
            "[linkedin/objectives/followers, objectives/contacts]",
            "Case studies with figures",
        ),
    );
    write(
        root,
        "content/linkedin/strategies/founder.md",
        &strategy("followers", "The founder's voice"),
    );
    write(
        root,
        "content/linkedin/tactics/tuesday.md",
        &tactic(
            "[case-studies, founder]",
            &format!("'{}'", SCRIPT_TITLE.replace('\'', "''")),
        ),
    );
    write(
        root,
        "content/linkedin/tactics/thursday.md",
        &tactic("founder", "Thursday column"),
    );
    write(
        root,
        "content/x/mission.md",
        "---\nstep: mission\ntitle: A voice in the debate\n---\nBody.\n",
    );
    write(
        root,
        "content/x/objectives/mentions.md",
        &objective("x/mission", "20 mentions a month"),
    );
    write(
        root,
        "content/x/strategies/watch.md",
        &strategy("mentions", "Watch and reply"),
    );
    write(
        root,
        "content/x/tactics/replies.md",
        &tactic("watch", "Replies twice a day"),
    );
}

fn analyzed(root: &Path) -> mostbook::resolve::Playbook {
    let analysis = mostbook::analyze::analyze(root, None, Some(TODAY)).expect("analyze");
    assert!(
        !analysis.diags.has_errors(),
        "the test playbook should have no error: {:?}",
        analysis.diags
    );
    analysis.playbook.expect("a playbook")
}

// ---------------------------------------------------------------- XML check

#[derive(Debug)]
struct Node {
    name: String,
    attrs: BTreeMap<String, String>,
    /// Text directly inside, unescaped.
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }

    fn all(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class").is_some_and(|c| c.split(' ').any(|x| x == class))
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')
}

/// Resolves entities in text or an attribute value; fails on a bare `&`,
/// an unknown entity or a `<`.
fn unescape(s: &str) -> Result<String, String> {
    if s.contains('<') {
        return Err(format!("raw `<` in {s:?}"));
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').ok_or_else(|| format!("bare `&` in {s:?}"))? + i;
        let ent = &rest[i + 1..end];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = ent.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = ent.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("bad entity &{ent}; in {s:?}"))?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A strict-enough XML parser for what we write: one root element, balanced
/// tags, quoted unique attributes, valid entities, no stray `<` or `&`.
fn parse(xml: &str) -> Result<Node, String> {
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut rest = xml;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = unescape(&rest[..lt])?;
        match stack.last_mut() {
            Some(top) => top.text.push_str(&text),
            None if text.trim().is_empty() => {}
            None => return Err(format!("text outside the root: {text:?}")),
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let node = stack.pop().ok_or_else(|| format!("`</{name}>` closes nothing"))?;
            if node.name != name {
                return Err(format!("`<{}>` closed by `</{name}>`", node.name));
            }
            match stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None if root.is_none() => root = Some(node),
                None => return Err("two root elements".into()),
            }
            continue;
        }
        if tag.starts_with('?') || tag.starts_with('!') {
            return Err(format!("unexpected `<{tag}>`"));
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag.find(|c: char| !is_name_char(c)).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty() {
            return Err(format!("tag without a name: `<{tag}>`"));
        }
        let mut attrs = BTreeMap::new();
        let mut a = &tag[name_end..];
        loop {
            let trimmed = a.trim_start();
            if trimmed.is_empty() {
                break;
            }
            if trimmed.len() == a.len() {
                return Err(format!("attributes not separated in `<{tag}>`"));
            }
            let eq = trimmed
                .find('=')
                .ok_or_else(|| format!("attribute without value in `<{tag}>`"))?;
            let key = &trimmed[..eq];
            if key.is_empty() || !key.chars().all(is_name_char) {
                return Err(format!("bad attribute name {key:?} in `<{tag}>`"));
            }
            let after = &trimmed[eq + 1..];
            let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'');
            let quote = quote.ok_or_else(|| format!("unquoted attribute {key} in `<{tag}>`"))?;
            let close = after[1..].find(quote).ok_or("unterminated attribute")? + 1;
            let value = unescape(&after[1..close])?;
            if attrs.insert(key.to_owned(), value).is_some() {
                return Err(format!("attribute {key} twice in `<{tag}>`"));
            }
            a = &after[close + 1..];
        }
        let node = Node {
            name: name.to_owned(),
            attrs,
            text: String::new(),
            children: Vec::new(),
        };
        if empty {
            match stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None => return Err("empty root element".into()),
            }
        } else {
            stack.push(node);
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("`<{}>` never closed", open.name));
    }
    root.ok_or_else(|| "no root element".into())
}

#[test]
fn the_checker_rejects_broken_xml() {
    assert!(parse("<a><b></a></b>").is_err());
    assert!(parse("<a>x & y</a>").is_err());
    assert!(parse("<a t=\"<\"/>").is_err());
    assert!(parse("<a t=x></a>").is_err());
    assert!(parse("<a><b></b>").is_err());
    assert!(parse("<a></a><b></b>").is_err());
    let ok = parse("<a t=\"1 &amp; 2\"><b/>x &lt;y&gt;</a>").unwrap();
    assert_eq!(ok.attr("t"), Some("1 & 2"));
    assert_eq!(ok.text, "x <y>");
}

// ---------------------------------------------------------------- the graph

#[test]
fn one_link_per_element_one_curve_per_edge() {
    let dir = TempDir::new();
    small_playbook(&dir.0);
    let pb = analyzed(&dir.0);
    let svg = graph_svg(&pb, &|_| true, "", pb.config.language);
    let root = parse(&svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));

    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attr("role"), Some("img"));
    assert!(root.attr("viewBox").is_some() && root.attr("width").is_some() && root.attr("height").is_some());
    let nodes = root.all();
    // aria-labelledby names a <title> and a <desc> of the root.
    for id in root.attr("aria-labelledby").unwrap().split(' ') {
        let n = nodes.iter().find(|n| n.attr("id") == Some(id)).expect(id);
        assert!(n.name == "title" || n.name == "desc", "{id} is a {}", n.name);
        assert!(
            root.children.iter().any(|c| std::ptr::eq(c, *n)),
            "{id} is not a child of <svg>"
        );
    }
    let title = root.children.iter().find(|c| c.name == "title").unwrap();
    assert_eq!(title.text, "Graph <test> & co — MOST tree");

    // One link per element, to its page.
    let links: Vec<&&Node> = nodes.iter().filter(|n| n.name == "a").collect();
    assert_eq!(links.len(), pb.elements.len());
    let mut hrefs: Vec<&str> = links.iter().map(|a| a.attr("href").unwrap()).collect();
    hrefs.sort_unstable();
    let mut expected: Vec<&str> = pb.urls.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(hrefs, expected);
    assert!(hrefs.contains(&"linkedin/tactics/tuesday.html"), "{hrefs:?}");
    for (i, e) in pb.elements.iter().enumerate() {
        let a = links
            .iter()
            .find(|a| a.attr("href") == Some(pb.urls[i].as_str()))
            .unwrap();
        // The full title for hover and screen readers.
        let t = a
            .children
            .iter()
            .find(|c| c.name == "title")
            .expect("a <title> in each link");
        assert_eq!(t.text, e.title);
        assert!(a.has_class("mb-node"));
        assert!(a.has_class(&format!("mb-step-{}", e.step.name())));
        let net = e
            .network
            .as_deref()
            .map_or("mb-all-networks".to_owned(), |n| format!("mb-net-{n}"));
        assert!(a.has_class(&net), "{:?} lacks {net}", a.attr("class"));
    }

    // One curve per `serves` link.
    let edges: usize = pb.serves.iter().map(Vec::len).sum();
    assert_eq!(edges, 11);
    let paths: Vec<&&Node> = nodes.iter().filter(|n| n.name == "path").collect();
    assert_eq!(paths.len(), edges);
    assert!(
        paths
            .iter()
            .all(|p| p.has_class("mb-edge") && p.attr("d").unwrap().contains('C'))
    );

    // The hostile title is text, never markup.
    assert!(!svg.contains("<script"));
    assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tuesday&#39;s"));
    assert!(nodes.iter().all(|n| n.name != "script"));
    let shown: String = links
        .iter()
        .find(|a| a.attr("href") == Some("linkedin/tactics/tuesday.html"))
        .unwrap()
        .all()
        .iter()
        .filter(|n| n.name == "tspan")
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(shown.starts_with("<script>"), "{shown}");

    // Headings, dark mode, system fonts, nothing fetched.
    for h in ["Missions", "Objectives", "Strategies", "Tactics"] {
        assert!(
            nodes.iter().any(|n| n.has_class("mb-heading") && n.text.starts_with(h)),
            "{h}"
        );
    }
    let style = nodes.iter().find(|n| n.name == "style").unwrap();
    assert!(style.text.contains("@media (prefers-color-scheme: dark)"));
    assert!(root.attr("font-family").unwrap().contains("system-ui"));
    assert_eq!(svg.matches("http").count(), 1, "only the namespace is a URL");

    // Same input, same bytes.
    assert_eq!(svg, graph_svg(&pb, &|_| true, "", pb.config.language));
}

#[test]
fn filtered_deeper_and_in_french() {
    let dir = TempDir::new();
    small_playbook(&dir.0);
    let pb = analyzed(&dir.0);
    // One network's graph, inlined in `networks/x.html`.
    let x = |i: usize| pb.elements[i].network.as_deref() == Some("x");
    let svg = graph_svg(&pb, &x, "../", Language::Fr);
    let root = parse(&svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
    let nodes = root.all();
    let hrefs: Vec<&str> = nodes
        .iter()
        .filter(|n| n.name == "a")
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(
        hrefs,
        [
            "../x/mission.html",
            "../x/objectives/mentions.html",
            "../x/strategies/watch.html",
            "../x/tactics/replies.html"
        ]
    );
    assert_eq!(nodes.iter().filter(|n| n.name == "path").count(), 3);
    for h in ["Missions", "Objectifs", "Stratégies", "Tactiques"] {
        assert!(
            nodes.iter().any(|n| n.has_class("mb-heading") && n.text.starts_with(h)),
            "{h}"
        );
    }
    // The legend names the network, escaped.
    assert!(svg.contains(">X &amp; friends</text>"));
    assert!(!svg.contains("LinkedIn"));
}

#[test]
fn the_example_playbook_draws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-playbook");
    let pb = analyzed(&root);
    let svg = graph_svg(&pb, &|_| true, "", pb.config.language);
    let doc = parse(&svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}"));
    let nodes = doc.all();
    assert_eq!(nodes.iter().filter(|n| n.name == "a").count(), pb.elements.len());
    assert_eq!(
        nodes.iter().filter(|n| n.name == "path").count(),
        pb.serves.iter().map(Vec::len).sum::<usize>()
    );
}
