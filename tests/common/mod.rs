//! Helpers shared by the site tests (`build_site.rs`, `browser.rs`): running the
//! real binary, temporary folders under `target/tmp`, snapshots of folders, a
//! reader of front-matter (an oracle independent of the product), and a small
//! HTML/SVG scanner that builds a light DOM.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The build date of every test.
pub const TODAY: &str = "2027-03-15";

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- running

/// The real binary, with colours and the environment's build date removed.
pub fn mostbook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mostbook"));
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// `mostbook build PB -o OUT --today 2027-03-15 EXTRA…`
pub fn build(pb: &Path, out: &Path, extra: &[&str]) -> Output {
    mostbook()
        .arg("build")
        .arg(pb)
        .arg("-o")
        .arg(out)
        .args(["--today", TODAY])
        .args(extra)
        .output()
        .expect("could not run the mostbook binary")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("mostbook was killed by a signal")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Builds and insists on exit 0.
pub fn build_ok(pb: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = build(pb, out, extra);
    assert_eq!(
        code(&o),
        0,
        "`mostbook build {} -o {} {extra:?}` failed: {}",
        pb.display(),
        out.display(),
        describe(&o)
    );
    o
}

// ---------------------------------------------------------------- folders

/// A fresh folder under `target/tmp`, removed on drop (kept with `MOSTBOOK_KEEP_TMP=1`).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mb-{label}-{}-{n}", std::process::id()));
        if p.exists() {
            std::fs::remove_dir_all(&p).expect("cannot clear a stale temporary folder");
        }
        std::fs::create_dir_all(&p).expect("cannot create a temporary folder");
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.0.join(rel)
    }

    /// Keeps the folder for the rest of the process (for sites shared between tests).
    pub fn leak(self) -> PathBuf {
        let p = self.0.clone();
        std::mem::forget(self);
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("MOSTBOOK_KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Removes the shared temporary folders (`mb-shared-…-PID-N`) of earlier test
/// runs whose process is gone (Linux: checked in `/proc`).
pub fn clean_stale_tmp() {
    let Ok(rd) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let parts: Vec<&str> = name.split('-').collect();
        if name.starts_with("mb-shared-")
            && parts.len() >= 3
            && let Ok(pid) = parts[parts.len() - 2].parse::<u32>()
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Copies a folder recursively (files and folders; `public/` at the top is skipped).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap_or_else(|e| panic!("cannot read {}: {e}", src.display())) {
        let entry = entry.unwrap();
        let ty = entry.file_type().unwrap();
        let to = dst.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &to);
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// A copy of `example-playbook/` inside `tmp` (the repository is never written to).
pub fn example_copy(tmp: &Path) -> PathBuf {
    let dst = tmp.join("example-playbook");
    std::fs::create_dir_all(&dst).unwrap();
    let src = manifest_dir().join("example-playbook");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "public" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dst.join(&name));
        } else {
            std::fs::copy(entry.path(), dst.join(&name)).unwrap();
        }
    }
    dst
}

/// A copy of `tests/fixtures/NAME` inside `tmp`.
pub fn fixture_copy(name: &str, tmp: &Path) -> PathBuf {
    let dst = tmp.join(name);
    copy_dir(&manifest_dir().join("tests/fixtures").join(name), &dst);
    dst
}

/// Every file below `dir`, by `/`-separated relative path (hidden files included).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// `path` below `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file (with its bytes) and folder (`None`) below `dir`; symlinks are listed, not followed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for entry in rd {
            let entry = entry.unwrap();
            let p = entry.path();
            let rel = relative(root, &p);
            let ty = entry.file_type().unwrap();
            if ty.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, Some(format!("symlink -> {}", target.display()).into_bytes()));
            } else if ty.is_dir() {
                out.insert(rel, None);
                walk(root, &p, out);
            } else {
                out.insert(rel, Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The differences between two snapshots, one line each (empty when equal).
pub fn diff<V: PartialEq>(before: &BTreeMap<String, V>, after: &BTreeMap<String, V>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in before {
        match after.get(k) {
            None => out.push(format!("removed: {k}")),
            Some(w) if w != v => out.push(format!("changed: {k}")),
            _ => {}
        }
    }
    for k in after.keys() {
        if !before.contains_key(k) {
            out.push(format!("added: {k}"));
        }
    }
    out
}

// ---------------------------------------------------------------- text

/// `%XX` sequences decoded (as UTF-8, lossily); anything else kept.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Whitespace (including no-break spaces) collapsed to single spaces, trimmed.
pub fn squash(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lowercase without accents, like the theme's search (`fold` in mostbook.js), for ASCII-ish text.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Û' => 'u',
            'ç' | 'Ç' => 'c',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------- HTML

/// One node of the light DOM: an element with its attributes (entities decoded) and children.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Lowercase tag name; `#document` for the root.
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone)]
pub enum Child {
    El(Node),
    /// Text, entities decoded; for `script` and `style`, their raw content.
    Text(String),
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
];
const RAW: &[&str] = &["script", "style"];
/// Elements whose boundaries separate words in [`Node::text`].
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "desc",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "text",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
    "svg",
    "g",
    "option",
    "button",
    "label",
    "input",
    "select",
    "small",
];

/// Decodes the character references of HTML and XML (the common named ones and all numeric ones).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let (name, len) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            _ => {
                out.push('&');
                rest = &rest[1..];
                continue;
            }
        };
        let ch = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = name.strip_prefix('#') {
            num.parse::<u32>().ok().and_then(char::from_u32)
        } else {
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => None,
            }
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses HTML (or SVG) generated by templates into a light DOM. Comments,
/// doctypes and processing instructions are dropped; `script`/`style` hold raw
/// text; `title` and `textarea` hold text only; mismatched end tags are ignored.
pub fn parse_html(src: &str) -> Node {
    let mut stack: Vec<Node> = vec![Node {
        name: "#document".into(),
        ..Node::default()
    }];
    fn close(stack: &mut Vec<Node>) {
        let node = stack.pop().expect("never pops the document");
        stack.last_mut().expect("document").children.push(Child::El(node));
    }
    let b = src.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    let flush = |stack: &mut Vec<Node>, from: usize, to: usize| {
        if to > from {
            let t = decode_entities(&src[from..to]);
            stack.last_mut().unwrap().children.push(Child::Text(t));
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &src[i..];
        if rest.starts_with("<!--") {
            flush(&mut stack, text_start, i);
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            text_start = i;
        } else if rest.starts_with("<![CDATA[") {
            flush(&mut stack, text_start, i);
            let end = rest.find("]]>").unwrap_or(rest.len());
            stack
                .last_mut()
                .unwrap()
                .children
                .push(Child::Text(rest[9..end.max(9)].to_owned()));
            i += (end + 3).min(rest.len());
            text_start = i;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            flush(&mut stack, text_start, i);
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            text_start = i;
        } else if rest.starts_with("</") && rest[2..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            flush(&mut stack, text_start, i);
            let name_end = rest[2..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(rest.len(), |e| e + 2);
            let name = rest[2..name_end].to_ascii_lowercase();
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            text_start = i;
            if let Some(pos) = stack.iter().rposition(|n| n.name == name)
                && pos > 0
            {
                while stack.len() > pos {
                    close(&mut stack);
                }
            }
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            flush(&mut stack, text_start, i);
            let (node, self_closing, len) = parse_start_tag(rest);
            i += len;
            text_start = i;
            let name = node.name.clone();
            if RAW.contains(&name.as_str()) || name == "title" || name == "textarea" {
                // Raw text up to the matching end tag.
                let lower = src[i..].to_ascii_lowercase();
                let end = lower.find(&format!("</{name}")).unwrap_or(lower.len());
                let content = &src[i..i + end];
                let mut node = node;
                if !self_closing && !content.is_empty() {
                    let text = if RAW.contains(&name.as_str()) {
                        content.to_owned()
                    } else {
                        decode_entities(content)
                    };
                    node.children.push(Child::Text(text));
                }
                if !self_closing {
                    i += end;
                    i += src[i..].find('>').map_or(src.len() - i, |e| e + 1);
                    text_start = i;
                }
                stack.last_mut().unwrap().children.push(Child::El(node));
            } else if self_closing || VOID.contains(&name.as_str()) {
                stack.last_mut().unwrap().children.push(Child::El(node));
            } else {
                stack.push(node);
            }
        } else {
            i += 1;
        }
    }
    flush(&mut stack, text_start, b.len());
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().unwrap()
}

/// Parses `<name attr=… …>` at the start of `s`: the node, whether it ends with `/>`, and its length.
/// Delimiters are ASCII, so byte positions always fall on character boundaries.
fn parse_start_tag(s: &str) -> (Node, bool, usize) {
    let b = s.as_bytes();
    let ws = |c: u8| c.is_ascii_whitespace();
    let mut k = 1;
    while k < b.len() && !ws(b[k]) && b[k] != b'>' && b[k] != b'/' {
        k += 1;
    }
    let mut node = Node {
        name: s[1..k].to_ascii_lowercase(),
        ..Node::default()
    };
    let mut self_closing = false;
    loop {
        while k < b.len() && ws(b[k]) {
            k += 1;
        }
        if k >= b.len() {
            break;
        }
        match b[k] {
            b'>' => {
                k += 1;
                break;
            }
            b'/' => {
                k += 1;
                if b.get(k) == Some(&b'>') {
                    self_closing = true;
                    k += 1;
                    break;
                }
                continue;
            }
            _ => {}
        }
        let start = k;
        while k < b.len() && !ws(b[k]) && b[k] != b'=' && b[k] != b'>' && b[k] != b'/' {
            k += 1;
        }
        if k == start {
            // A lone `=`: skip it.
            k += 1;
            continue;
        }
        let name = s[start..k].to_ascii_lowercase();
        let mut j = k;
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        let mut value = String::new();
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && ws(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let vstart = j + 1;
                    let e = s[vstart..].find(q as char).map_or(b.len(), |e| vstart + e);
                    value = decode_entities(&s[vstart..e]);
                    k = (e + 1).min(b.len());
                }
                _ => {
                    let mut e = j;
                    while e < b.len() && !ws(b[e]) && b[e] != b'>' {
                        e += 1;
                    }
                    value = decode_entities(&s[j..e]);
                    k = e;
                }
            }
        }
        node.attrs.push((name, value));
    }
    (node, self_closing, k)
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }

    pub fn elements(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::El(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// This node and all elements below it, in document order.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            out.push(n);
            for c in n.elements() {
                walk(c, out);
            }
        }
        walk(self, &mut out);
        out
    }

    pub fn find_all(&self, pred: impl Fn(&Node) -> bool) -> Vec<&Node> {
        self.descendants().into_iter().filter(|n| pred(n)).collect()
    }

    pub fn find(&self, pred: impl Fn(&Node) -> bool) -> Option<&Node> {
        self.descendants().into_iter().find(|n| pred(n))
    }

    pub fn by_name(&self, name: &str) -> Vec<&Node> {
        self.find_all(|n| n.name == name)
    }

    /// The first `main` element (the page's own content, without header and footer).
    pub fn main(&self) -> &Node {
        self.find(|n| n.name == "main").expect("the page has no <main> element")
    }

    /// The text a reader gets: `script`/`style` and `aria-hidden="true"` parts
    /// skipped, block boundaries as spaces, whitespace squashed.
    pub fn text(&self) -> String {
        fn walk(n: &Node, out: &mut String) {
            if RAW.contains(&n.name.as_str()) || n.attr("aria-hidden") == Some("true") {
                return;
            }
            let block = BLOCK.contains(&n.name.as_str());
            if block {
                out.push(' ');
            }
            for c in &n.children {
                match c {
                    Child::El(e) => walk(e, out),
                    Child::Text(t) => out.push_str(t),
                }
            }
            if block {
                out.push(' ');
            }
        }
        let mut s = String::new();
        walk(self, &mut s);
        squash(&s)
    }

    /// The raw content of a `script`/`style` element.
    pub fn raw_text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Child::Text(t) => Some(t.as_str()),
                Child::El(_) => None,
            })
            .collect()
    }

    /// Every `href` of an `a` below this node.
    pub fn hrefs(&self) -> Vec<&str> {
        self.by_name("a").into_iter().filter_map(|a| a.attr("href")).collect()
    }

    /// What comes under the heading (h1–h6) or `dt` whose text is `label`
    /// (optionally followed by a count): the heading's parent when the heading
    /// is its first element, else the heading's following siblings up to the
    /// next heading, gathered in a synthetic node. The innermost match wins.
    pub fn section_titled(&self, label: &str) -> Option<Node> {
        let is_heading = |c: &Node| matches!(c.name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt");
        let matches = |c: &Node| {
            let t = c.text();
            t == label || t.strip_prefix(label).is_some_and(|r| r.starts_with(' '))
        };
        let parent = self
            .find_all(|n| n.elements().any(|c| is_heading(c) && matches(c)))
            .into_iter()
            .last()?;
        let kids: Vec<&Node> = parent.elements().collect();
        let k = kids.iter().position(|c| is_heading(c) && matches(c))?;
        if k == 0 && !kids[1..].iter().any(|c| is_heading(c)) {
            return Some(parent.clone());
        }
        let mut out = Node {
            name: "#section".into(),
            ..Node::default()
        };
        out.children.push(Child::El(kids[k].clone()));
        for c in &kids[k + 1..] {
            if is_heading(c) {
                break;
            }
            out.children.push(Child::El((*c).clone()));
        }
        Some(out)
    }

    /// Every element below this one (itself included) that contains a node matching `pred`, outermost first.
    pub fn containing(&self, pred: &dyn Fn(&Node) -> bool) -> Vec<&Node> {
        fn walk<'a>(n: &'a Node, pred: &dyn Fn(&Node) -> bool, out: &mut Vec<&'a Node>) -> bool {
            let at = out.len();
            let mut hit = pred(n);
            for c in n.elements() {
                hit |= walk(c, pred, out);
            }
            if hit {
                out.insert(at, n);
            }
            hit
        }
        let mut out = Vec::new();
        walk(self, pred, &mut out);
        out
    }
}

/// Whether the words of `text` contain `seq` in order (words split on spaces and
/// punctuation other than `,`/`.` inside numbers; spaces between digits ignored).
pub fn words_in_order(text: &str, seq: &[&str]) -> bool {
    let joined: String = {
        let c: Vec<char> = text.chars().collect();
        let mut out = String::new();
        for (i, &ch) in c.iter().enumerate() {
            let space = ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{202f}';
            if space && i > 0 && c[i - 1].is_ascii_digit() && c.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
                continue;
            }
            out.push(ch);
        }
        out
    };
    let words: Vec<&str> = joined
        .split(|c: char| !(c.is_alphanumeric() || c == ',' || c == '.' || c == '%'))
        .map(|w| w.trim_matches([',', '.']))
        .filter(|w| !w.is_empty())
        .collect();
    let mut k = 0;
    for w in words {
        if k < seq.len() && w == seq[k] {
            k += 1;
        }
    }
    k == seq.len()
}

// ---------------------------------------------------------------- paths

/// The site path `rel` points to from the page at `page` (both `/`-separated,
/// `rel` without fragment or query); `Err` when it climbs above the site root.
pub fn resolve(page: &str, rel: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{rel}` from `{page}` climbs above the site root"));
                }
            }
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// The site paths of a page's links to elements: `href`s resolved, fragments and queries dropped.
pub fn link_targets(page: &str, dom: &Node) -> BTreeSet<String> {
    dom.hrefs()
        .into_iter()
        .filter(|h| !h.contains(':') && !h.starts_with("//"))
        .filter_map(|h| {
            let path = h.split(['#', '?']).next().unwrap_or("");
            if path.is_empty() {
                return None;
            }
            resolve(page, &percent_decode(path)).ok()
        })
        .collect()
}

// ---------------------------------------------------------------- front-matter oracle

/// One content file as the tests read it (a deliberately small YAML subset,
/// independent of the product): top-level `key: scalar`, flow lists `[a, b]`
/// and block lists `- a`.
#[derive(Debug, Clone)]
pub struct Source {
    /// `content/…` path.
    pub file: String,
    pub id: String,
    pub fields: BTreeMap<String, Vec<String>>,
}

impl Source {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(|v| v.first()).map(String::as_str)
    }
    pub fn list(&self, key: &str) -> Vec<String> {
        self.fields.get(key).cloned().unwrap_or_default()
    }
    pub fn step(&self) -> &str {
        self.get("step").unwrap_or("")
    }
    pub fn title(&self) -> &str {
        self.get("title").unwrap_or("")
    }
    pub fn draft(&self) -> bool {
        self.get("draft") == Some("true")
    }
    pub fn number(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

pub fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        v[1..v.len() - 1].replace("''", "'")
    } else if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        v[1..v.len() - 1].replace("\\\"", "\"").replace("\\\\", "\\")
    } else {
        v.to_owned()
    }
}

/// Splits a flow list `[a, "b, c", 'd']` into its items.
fn flow_list(v: &str) -> Vec<String> {
    let inner = &v.trim()[1..v.trim().len() - 1];
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, ',') => {
                out.push(unquote(&cur));
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(unquote(&cur));
    }
    out
}

/// Reads the front-matter fields of a Markdown file.
pub fn front_matter(text: &str) -> BTreeMap<String, Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(lines.next().map(str::trim_end), Some("---"), "no front-matter");
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // The key block-list items go to; the top-level key nested keys belong to.
    let mut last: Option<String> = None;
    let mut parent: Option<String> = None;
    let value = |v: &str| -> Vec<String> {
        let v = v.trim();
        if v.starts_with('[') && v.ends_with(']') {
            flow_list(v)
        } else if v.is_empty() {
            Vec::new()
        } else {
            vec![unquote(v)]
        }
    };
    for line in lines {
        if line.trim_end() == "---" {
            break;
        }
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            if let Some(k) = &last {
                fields.get_mut(k).unwrap().push(unquote(item));
            }
        } else if !line.starts_with(' ') {
            if let Some((k, v)) = line.split_once(':') {
                let key = k.trim().to_owned();
                fields.insert(key.clone(), value(v));
                parent = Some(key.clone());
                last = Some(key);
            }
        } else if let Some(p) = &parent
            && let Some((k, v)) = line.trim().split_once(':')
        {
            // `schedule:` then `  days: [tue]` is read as `schedule.days`.
            let key = format!("{p}.{}", k.trim());
            fields.insert(key.clone(), value(v));
            last = Some(key);
        }
    }
    fields
}

/// Network ids of a `playbook.yaml` (the keys under `networks:`), in order, with their names.
pub fn networks(playbook_yaml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in playbook_yaml.lines() {
        if line.starts_with("networks:") {
            inside = true;
            continue;
        }
        if !inside || line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            break;
        }
        let Some(rest) = line.strip_prefix("  ") else { continue };
        if rest.starts_with(' ') {
            // A nested `name:` line of a block mapping.
            if let Some(name) = rest.trim().strip_prefix("name:")
                && let Some(last) = out.last_mut()
            {
                let (_, n): &mut (String, String) = last;
                *n = unquote(name);
            }
            continue;
        }
        if let Some((k, v)) = rest.split_once(':') {
            let id = unquote(k);
            let name = v
                .split("name:")
                .nth(1)
                .map(|n| unquote(n.split([',', '}']).next().unwrap_or("")))
                .unwrap_or_else(|| id.clone());
            out.push((id, name));
        }
    }
    out
}

/// The whole playbook as the tests understand it.
pub struct Oracle {
    pub sources: Vec<Source>,
    /// (id, name)
    pub networks: Vec<(String, String)>,
}

impl Oracle {
    pub fn read(pb: &Path) -> Oracle {
        let yaml = std::fs::read_to_string(pb.join("playbook.yaml")).unwrap();
        let networks = networks(&yaml);
        let mut sources = Vec::new();
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "md") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        walk(&pb.join("content"), &mut paths);
        paths.sort();
        for p in paths {
            let rel = p
                .strip_prefix(pb.join("content"))
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&p).unwrap();
            let fields = front_matter(&text);
            let id = fields
                .get("id")
                .and_then(|v| v.first().cloned())
                .unwrap_or_else(|| rel.trim_end_matches(".md").to_owned());
            sources.push(Source {
                file: format!("content/{rel}"),
                id,
                fields,
            });
        }
        Oracle { sources, networks }
    }

    pub fn by_id(&self, id: &str) -> &Source {
        self.sources
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
            .unwrap_or_else(|| panic!("no element `{id}`"))
    }

    /// SPEC's reference resolution: the id itself, else the one id ending with `/REF`.
    pub fn resolve_ref(&self, r: &str) -> &Source {
        let r = r.to_lowercase();
        if let Some(s) = self.sources.iter().find(|s| s.id.to_lowercase() == r) {
            return s;
        }
        let hits: Vec<&Source> = self
            .sources
            .iter()
            .filter(|s| s.id.to_lowercase().ends_with(&format!("/{r}")))
            .collect();
        assert_eq!(hits.len(), 1, "reference `{r}` is not unique in the oracle");
        hits[0]
    }

    /// What `s` serves, resolved.
    pub fn serves(&self, s: &Source) -> Vec<&Source> {
        s.list("serves").iter().map(|r| self.resolve_ref(r)).collect()
    }

    /// What serves `s`.
    pub fn served_by(&self, s: &Source) -> Vec<&Source> {
        self.sources
            .iter()
            .filter(|x| self.serves(x).iter().any(|y| y.id == s.id))
            .collect()
    }

    /// Everything above `s`, up to the missions.
    pub fn ancestors(&self, s: &Source) -> Vec<&Source> {
        let mut out: Vec<&Source> = Vec::new();
        let mut todo = self.serves(s);
        while let Some(x) = todo.pop() {
            if !out.iter().any(|y| y.id == x.id) {
                todo.extend(self.serves(x));
                out.push(x);
            }
        }
        out
    }

    /// The network of `s`: its field, its first folder, or (tactics) that of the strategies it serves.
    pub fn network(&self, s: &Source) -> Option<String> {
        if let Some(n) = s.get("network") {
            return Some(n.to_owned());
        }
        let first = s.id.split('/').next().unwrap_or("");
        if s.id.contains('/') && self.networks.iter().any(|(id, _)| id == first) {
            return Some(first.to_owned());
        }
        if s.step() == "tactic" {
            let nets: BTreeSet<Option<String>> = self.serves(s).iter().map(|x| self.network(x)).collect();
            if nets.len() == 1 {
                return nets.into_iter().next().unwrap();
            }
        }
        None
    }

    pub fn published(&self) -> Vec<&Source> {
        self.sources.iter().filter(|s| !s.draft()).collect()
    }
}

/// The SPEC's status of an objective on `today` (`YYYY-MM-DD`): achieved,
/// overdue, on-track, at-risk, off-track or no-data.
pub fn status(s: &Source, today: &str) -> &'static str {
    let (Some(b), Some(t)) = (s.number("baseline"), s.number("target")) else {
        return "no-data";
    };
    let up = t >= b;
    if let Some(c) = s.number("current")
        && (if up { c >= t } else { c <= t })
    {
        return "achieved";
    }
    let today = days(today);
    if let Some(due) = s.get("due")
        && days(due) < today
    {
        return "overdue";
    }
    let Some(c) = s.number("current") else {
        return "no-data";
    };
    let (Some(start), Some(due)) = (s.get("start"), s.get("due")) else {
        return "no-data";
    };
    let elapsed = (today - days(start)) as f64 / (days(due) - days(start)) as f64;
    let expected = b + (t - b) * elapsed.clamp(0.0, 1.0);
    let short = if up { expected - c } else { c - expected };
    if short <= 0.0 {
        "on-track"
    } else if short <= 0.1 * (t - b).abs() {
        "at-risk"
    } else {
        "off-track"
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn days(date: &str) -> i64 {
    let mut it = date.split('-').map(|x| x.parse::<i64>().expect("a date"));
    let (y, m, d) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A date as French text: "1er mars 2027", "30 juin 2027".
pub fn french_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let mut it = date.split('-');
    let (y, m, d) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    let d: u32 = d.parse().unwrap();
    let m: usize = m.parse().unwrap();
    let day = if d == 1 { "1er".to_owned() } else { d.to_string() };
    format!("{day} {} {y}", MONTHS[m - 1])
}

/// The built-in theme's interface strings for `lang` (`themes/default/i18n/LANG.yaml`, read-only).
pub fn strings(lang: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(manifest_dir().join(format!("themes/default/i18n/{lang}.yaml"))).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (unquote(k), unquote(v)))
        .collect()
}
