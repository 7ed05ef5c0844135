//! `unsafe-html`: raw HTML with scripts, event handlers or `javascript:` URLs.

use crate::diag::{Diagnostic, Rule, Severity};
use crate::markdown::scan::{MAX_HTML_DEPTH, html_depth};
use crate::model::HtmlPolicy;
use crate::resolve::Playbook;

/// What makes a piece of HTML (or a link destination) unsafe, if anything.
pub fn unsafe_reason(html: &str) -> Option<&'static str> {
    let lower = decode_for_scan(html);
    if lower.contains("<script") {
        return Some("a script");
    }
    if has_event_handler(&lower) {
        return Some("an event handler");
    }
    if lower.contains("javascript:") || lower.contains("vbscript:") {
        return Some("a `javascript:` URL");
    }
    None
}

/// Lowercased, with the entity and whitespace tricks that hide `javascript:` undone.
fn decode_for_scan(s: &str) -> String {
    let s = s.to_lowercase();
    let s = s
        .replace("&#58;", ":")
        .replace("&#x3a;", ":")
        .replace("&colon;", ":")
        .replace("&#0000058", ":");
    s.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r' | '\0')).collect()
}

/// `on…=` as an attribute inside a tag: after a space, quote or `/`, letters, optional spaces, `=`.
fn has_event_handler(lower: &str) -> bool {
    lower.split('<').skip(1).any(|rest| {
        let tag = rest.split('>').next().unwrap_or(rest);
        // Attribute values cannot hold a handler's name: blank them out.
        let mut quote = None;
        let tag: String = tag
            .chars()
            .map(|c| match (quote, c) {
                (None, '"' | '\'') => {
                    quote = Some(c);
                    ' '
                }
                (Some(q), c) if c == q => {
                    quote = None;
                    ' '
                }
                (Some(_), _) => ' ',
                (None, c) => c,
            })
            .collect();
        let b = tag.as_bytes();
        tag.match_indices("on").any(|(at, _)| {
            let before_ok = at > 0 && matches!(b[at - 1], b' ' | b'"' | b'\'' | b'/' | b'\n');
            let mut j = at + 2;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            let letters = j > at + 2;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            before_ok && letters && j < b.len() && b[j] == b'='
        })
    })
}

pub fn check(pb: &Playbook, i: usize, out: &mut Vec<Diagnostic>) {
    let e = &pb.elements[i];
    let scan = &pb.scans[i];
    let policy = pb.config.html;
    let depth = html_depth(&scan.html);
    if policy != HtmlPolicy::Deny
        && depth > MAX_HTML_DEPTH
        && let Some(first) = scan.html.first()
    {
        out.push(
            Diagnostic::new(
                Rule::UnsafeHtml,
                &e.file,
                pb.body_pos(i, first.offset),
                format!("raw HTML nested {depth} levels deep (more than {MAX_HTML_DEPTH}): it is shown as text"),
            )
            .help("raw HTML this deep is not sanitised (it would take too long); simplify it or write it in Markdown"),
        );
    }
    let found = scan
        .html
        .iter()
        .filter_map(|h| unsafe_reason(&h.html).map(|r| (h.offset, r, "raw HTML")))
        .chain(
            scan.links
                .iter()
                .map(|l| (l, "a link"))
                .chain(scan.images.iter().map(|l| (l, "an image")))
                .filter_map(|(l, what)| {
                    let d = decode_for_scan(&l.dest);
                    let d = d.trim_start();
                    (d.starts_with("javascript:") || d.starts_with("vbscript:")).then_some((
                        l.offset,
                        "a `javascript:` URL",
                        what,
                    ))
                }),
        );
    let attrs = scan
        .unsafe_attrs
        .iter()
        .map(|(offset, _)| (*offset, "an event handler or a script URL", "a heading attribute"));
    for (offset, reason, what) in found.chain(attrs) {
        let pos = pb.body_pos(i, offset);
        let d = match policy {
            HtmlPolicy::Sanitize => Diagnostic::new(
                Rule::UnsafeHtml,
                &e.file,
                pos,
                format!("{what} with {reason}: it is removed from the page"),
            )
            .help("remove it; if it was pasted from a web page, paste as plain text"),
            HtmlPolicy::Allow => Diagnostic::new(
                Rule::UnsafeHtml,
                &e.file,
                pos,
                format!("{what} with {reason}: with `html: allow` it will run in readers' browsers"),
            )
            .help("remove it, or use `html: sanitize` in playbook.yaml"),
            HtmlPolicy::Deny => Diagnostic::new(
                Rule::UnsafeHtml,
                &e.file,
                pos,
                format!("{what} with {reason}, and playbook.yaml says `html: deny`"),
            )
            .severity(Severity::Error)
            .help("remove it from the Markdown"),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_scripts_handlers_and_urls() {
        assert_eq!(unsafe_reason("<script>alert(1)</script>"), Some("a script"));
        assert_eq!(unsafe_reason("<SCRIPT src=x>"), Some("a script"));
        assert_eq!(unsafe_reason("<img src=x onerror=alert(1)>"), Some("an event handler"));
        assert_eq!(
            unsafe_reason("<a href=\"java\tscript:alert(1)\">x</a>"),
            Some("a `javascript:` URL")
        );
        assert_eq!(
            unsafe_reason("<a href=\"javascript&#58;x\">"),
            Some("a `javascript:` URL")
        );
        assert_eq!(unsafe_reason("<b>bonjour</b>"), None);
        assert_eq!(unsafe_reason("<p>Réunion online = ok</p>"), None);
        assert_eq!(unsafe_reason("<abbr title=\"one=two\">x</abbr>"), None);
    }
}
