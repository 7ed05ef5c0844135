//! An element's Markdown body as HTML: links rewritten to pages, heading ids
//! as the checker computed them, raw HTML handled per `html:`.

use crate::markdown::options;
use crate::model::HtmlPolicy;
use crate::resolve::Playbook;
use crate::resolve::links::has_scheme;
use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd, html};
use std::sync::OnceLock;

#[derive(Clone)]
pub struct Body {
    pub html: String,
    /// Plain text, for the search index.
    pub text: String,
}

/// The sanitiser for raw HTML: ammonia's safe defaults, plus what pulldown-cmark emits
/// (heading ids, footnote classes, task-list checkboxes).
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"]);
        b
    })
}

fn dangerous_scheme(dest: &str) -> bool {
    let d: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    has_scheme(&d) && (d.starts_with("javascript:") || d.starts_with("vbscript:") || d.starts_with("data:"))
}

/// Where a body is shown: on a page (`root` leads back to the site root: `""`, `"../"`…),
/// or inside `print.html`, where links go to anchors on the same page.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Page { root: &'a str },
    Print,
}

/// A relative link or image written for the element's page, made to work from the
/// page it is shown on: unchanged on the element's own page; from `print.html`
/// (at the site root) it is resolved against the element page's folder.
fn rebase<'a>(dest: &CowStr<'a>, page: &str, target: Target) -> CowStr<'a> {
    let d = dest.as_ref();
    let relative = !(d.is_empty() || d.starts_with('#') || d.starts_with('/') || has_scheme(d));
    match target {
        Target::Print if relative => {
            let mut parts: Vec<&str> = page.split('/').collect();
            parts.pop();
            for seg in d.split('/') {
                match seg {
                    "." => {}
                    ".." => {
                        if parts.pop().is_none() {
                            return dest.clone();
                        }
                    }
                    s => parts.push(s),
                }
            }
            parts.join("/").into()
        }
        _ => dest.clone(),
    }
}

/// The anchor of an element inside `print.html`.
pub fn print_anchor(url: &str) -> String {
    format!("el-{}", url.strip_suffix(".html").unwrap_or(url))
}

/// A digest of everything [`render`] reads for element `i`: equal keys, equal bodies
/// (see [`crate::render::memo`]). Keep the two in step.
pub fn key(pb: &Playbook, i: usize, target: Target, included: &[bool]) -> crate::render::memo::Key {
    let e = &pb.elements[i];
    let mut d = crate::render::memo::Digest::new();
    d.field(e.body().as_bytes())
        .field(&[pb.config.html as u8])
        .field(pb.urls[i].as_bytes());
    match target {
        Target::Page { root } => d.field(b"page").field(root.as_bytes()),
        Target::Print => d.field(b"print"),
    };
    for h in &pb.scans[i].headings {
        d.field(h.id.as_bytes());
    }
    for l in &pb.links[i] {
        d.field(l.dest.as_bytes())
            .field(l.fragment.as_deref().map_or(b"\xff".as_slice(), str::as_bytes));
        match l.target {
            Some(t) => d
                .field(pb.urls[t].as_bytes())
                .field(&[u8::from(included[t])])
                .field(pb.elements[t].title.as_bytes()),
            None => d.field(b"-"),
        };
    }
    d.finish()
}

/// Renders element `i`'s body. Links to elements not `included` (drafts) become plain text.
pub fn render(pb: &Playbook, i: usize, target_page: Target, included: &[bool]) -> Body {
    let e = &pb.elements[i];
    // Raw HTML too deep to sanitise in reasonable time is shown as text (see `check::html`).
    let policy = match pb.config.html {
        HtmlPolicy::Deny => HtmlPolicy::Deny,
        _ if crate::markdown::scan::html_depth(&pb.scans[i].html) > crate::markdown::scan::MAX_HTML_DEPTH => {
            HtmlPolicy::Deny
        }
        p => p,
    };
    let links = &pb.links[i];
    let headings = &pb.scans[i].headings;
    let (mut k, mut h) = (0usize, 0usize);
    let mut raw_html = false;
    let mut text = String::new();
    // Inside a wiki link without a label, whose text was replaced by the target's title.
    let mut skip_text = false;
    // Inside a link whose target is not published: its text stays, the link goes.
    let mut unlinked = false;
    // Inside an image whose source was dropped.
    let mut unimaged = false;
    let anchor_of = |t: usize| print_anchor(&pb.urls[t]);
    let mut events = Vec::new();
    for event in Parser::new_ext(e.body(), options()) {
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                mut attrs,
            }) => {
                if policy != HtmlPolicy::Allow {
                    attrs.retain(|(k, v)| !crate::markdown::scan::unsafe_attribute(k, v.as_deref()));
                }
                let id = headings.get(h).map(|x| match target_page {
                    Target::Page { .. } => CowStr::from(x.id.clone()),
                    Target::Print => CowStr::from(format!("{}--{}", anchor_of(i), x.id)),
                });
                h += 1;
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let link = links.get(k);
                k += 1;
                let target = link.and_then(|l| l.target);
                if target.is_some_and(|t| !included[t]) {
                    unlinked = true;
                    continue;
                }
                let href: CowStr = match (target, link) {
                    (Some(t), Some(l)) => {
                        let frag = l.fragment.as_deref().filter(|f| !f.is_empty());
                        match target_page {
                            Target::Page { root } => {
                                let frag = frag.map(|f| format!("#{f}")).unwrap_or_default();
                                if t == i && l.dest.starts_with('#') {
                                    frag.into()
                                } else {
                                    format!("{root}{}{frag}", pb.urls[t]).into()
                                }
                            }
                            Target::Print => match frag {
                                Some(f) => format!("#{}--{f}", anchor_of(t)).into(),
                                None => format!("#{}", anchor_of(t)).into(),
                            },
                        }
                    }
                    _ if policy != HtmlPolicy::Allow && dangerous_scheme(&dest_url) => "#".into(),
                    _ => rebase(&dest_url, &pb.urls[i], target_page),
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: href,
                    title,
                    id,
                }));
                if let (LinkType::WikiLink { has_pothole: false }, Some(t)) = (link_type, target) {
                    let title = pb.elements[t].title.clone();
                    text.push_str(&title);
                    events.push(Event::Text(title.into()));
                    skip_text = true;
                }
                continue;
            }
            Event::Start(Tag::Image { dest_url, .. }) if dangerous_scheme(&dest_url) => {
                // An image whose source is a script: only its alt text is kept.
                unimaged = true;
                continue;
            }
            Event::End(TagEnd::Image) if unimaged => {
                unimaged = false;
                continue;
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src = rebase(&dest_url, &pb.urls[i], target_page);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: src,
                    title,
                    id,
                })
            }
            Event::Text(_) | Event::Code(_) if skip_text => continue,
            Event::End(TagEnd::Link) if unlinked => {
                unlinked = false;
                continue;
            }
            Event::End(TagEnd::Link) => {
                skip_text = false;
                Event::End(TagEnd::Link)
            }
            Event::Text(t) => {
                text.push_str(&t);
                Event::Text(t)
            }
            Event::Code(t) => {
                text.push_str(&t);
                Event::Code(t)
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => {
                text.push(' ');
                event
            }
            Event::Html(raw) | Event::InlineHtml(raw) if policy == HtmlPolicy::Deny => Event::Text(raw),
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                event
            }
            other => other,
        };
        events.push(event);
    }
    let mut out = String::with_capacity(e.body().len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if raw_html && policy == HtmlPolicy::Sanitize {
        out = sanitizer().clean(&out).to_string();
    }
    Body { html: out, text }
}
