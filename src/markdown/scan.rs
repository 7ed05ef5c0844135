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
    pub html: Vec<RawHtml>,
}

pub fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
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
}
