//! What a body contains that other stages care about: headings, links, raw HTML.

use super::slug::HeadingIds;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    /// The destination as written (`../strategies/x.md#a`, or a wiki link's target).
    pub dest: String,
    pub wiki: bool,
    /// Byte offset of the link in the body.
    pub offset: usize,
    /// Its length in bytes (the whole `[text](dest)` or `[[target]]`).
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    pub html: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<RawLink>,
    /// Image sources (`![alt](src)`), with `wiki: false`.
    pub images: Vec<RawLink>,
    /// Heading attributes (`# Title {key=value}`) that are event handlers or
    /// script URLs, with the heading's offset.
    pub unsafe_attrs: Vec<(usize, String)>,
    pub html: Vec<RawHtml>,
}

impl Scan {
    /// Drops the links, images and heading attributes, which resolve and
    /// check read (the playbook's resolved links hold what pages need); the
    /// headings and raw HTML stay, for rendering. A tenth of the memory of
    /// a large playbook (~40 MiB at 100,000 elements).
    pub fn forget_links(&mut self) {
        self.links = Vec::new();
        self.images = Vec::new();
        self.unsafe_attrs = Vec::new();
    }
}

/// Raw HTML nested deeper than this is shown as text: sanitising it would take
/// time quadratic in its depth (a hostile page can nest 100,000 `<div>`s).
pub const MAX_HTML_DEPTH: usize = 256;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
];

/// How deeply the raw HTML of a body nests its elements (an estimate that errs high).
pub fn html_depth(html: &[RawHtml]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for h in html {
        let b = h.html.as_bytes();
        let mut i = 0;
        while let Some(p) = h.html[i..].find('<') {
            let at = i + p + 1;
            i = at;
            if b.get(at) == Some(&b'/') {
                depth = depth.saturating_sub(1);
                continue;
            }
            let name: String = h.html[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() || VOID.contains(&name.as_str()) {
                continue;
            }
            let self_closing = h.html[at..]
                .find('>')
                .is_some_and(|e| h.html[at..at + e].ends_with('/'));
            if !self_closing {
                depth += 1;
                max = max.max(depth);
            }
        }
    }
    max
}

/// An attribute that can run script: an `on…` event handler, or a script URL.
pub fn unsafe_attribute(key: &str, value: Option<&str>) -> bool {
    let v: String = value
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    key.to_ascii_lowercase().starts_with("on")
        || v.starts_with("javascript:")
        || v.starts_with("vbscript:")
        || v.starts_with("data:")
}

pub fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, attrs, .. }) => {
                for (k, v) in &attrs {
                    if unsafe_attribute(k, v.as_deref()) {
                        out.unsafe_attrs.push((range.start, k.to_string()));
                    }
                }
                heading = Some((level as u8, id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, text)) = heading.take() {
                    let id = ids.next(&text, explicit.as_deref());
                    out.headings.push(Heading {
                        level,
                        id,
                        text: text.trim().to_owned(),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link {
                link_type, dest_url, ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                out.links.push(RawLink {
                    dest: dest_url.to_string(),
                    wiki,
                    offset: range.start,
                    len: range.len(),
                });
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                out.images.push(RawLink {
                    dest: dest_url.to_string(),
                    wiki: false,
                    offset: range.start,
                    len: range.len(),
                });
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                out.html.push(RawHtml {
                    html: h.to_string(),
                    offset: range.start,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_headings_links_and_html() {
        let body = "# Le parcours\n\nVoir [le tunnel](../s/t.md#etape) et [[blog|le blog]].\n\n## Le parcours {#custom}\n\n<script>x</script>\n";
        let s = scan(body);
        assert_eq!(
            s.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["le-parcours", "custom"]
        );
        assert_eq!(s.links.len(), 2);
        assert_eq!(s.links[0].dest, "../s/t.md#etape");
        assert_eq!(&body[s.links[0].offset..s.links[0].offset + 1], "[");
        assert!(s.links[1].wiki);
        assert_eq!(s.links[1].dest, "blog");
        assert_eq!(&body[s.links[1].offset..s.links[1].offset + 2], "[[");
        assert_eq!(s.html.len(), 1);
    }

    #[test]
    fn html_depth_counts_nesting_not_volume() {
        let deep = scan(&format!("{}x{}", "<div>".repeat(300), "</div>".repeat(300)));
        assert_eq!(html_depth(&deep.html), 300);
        let wide = scan(&"<p>a</p><br><img src=x/>\n\n".repeat(1000));
        assert!(html_depth(&wide.html) <= 2);
    }
}
