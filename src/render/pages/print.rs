//! `print.html`: the whole playbook on one page, in MOST order, for printing to PDF.
//!
//! Each element is rendered on its own with `print_item.html` (in parallel,
//! and in a session only when it changed); `print.html` places them. It is
//! rendered with a marker in place of each element's HTML, then the markers
//! are replaced: the template's work does not grow with the bodies, and in a
//! session an edit of a body reuses the rest of the page ([`splice`]).
//! A template that does not print the markers as given (it escapes or
//! changes them) gets the page rendered the plain way.

use crate::model::Step;
use crate::render::body::{Target, print_anchor};
use crate::render::memo::{Digest, Fragment, Html, Key};
use crate::render::view::{self, Card};
use crate::render::{Ctx, OutFile, RenderError};
use rayon::prelude::*;
use serde::Serialize;

/// One element in the printed playbook: what a reader of paper needs.
struct Item {
    anchor: String,
    /// The reference's fields, as the build's shared Tera map.
    r: tera::Value,
    owner: Option<String>,
    tags: Vec<String>,
    card: Card,
    serves: Vec<tera::Value>,
    body_html: Html,
}

impl Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Item", view::ref_len(&self.r) + 6)?;
        st.serialize_field("anchor", &self.anchor)?;
        view::flatten_ref(&mut st, &self.r)?;
        st.serialize_field("owner", &self.owner)?;
        st.serialize_field("tags", &self.tags)?;
        st.serialize_field("card", &self.card)?;
        st.serialize_field("serves", &self.serves)?;
        st.serialize_field("body_html", &self.body_html)?;
        st.end()
    }
}

#[derive(Serialize)]
struct ItemData<'a> {
    it: &'a Item,
}

/// An element as `print.html` places it: what its table of contents shows,
/// and the element rendered with `print_item.html`.
#[derive(Serialize)]
struct Placed<'a> {
    anchor: String,
    title: &'a str,
    network: Option<&'a str>,
    network_name: Option<&'a str>,
    status: Option<&'static str>,
    status_label: Option<&'a str>,
    /// The element's HTML, or its marker (see [`splice`]).
    html: Piece,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Piece {
    Html(Fragment),
    Marker(String),
}

/// What stands for piece `n` in the page before [`splice`]: its `<` and `>`
/// make an escaped marker unrecognisable, its U+0001 never comes out of a template by chance.
fn marker(n: usize) -> String {
    format!("<\u{1}mb-print-item:{n}\u{1}>")
}

/// The page's parts, each marker replaced by its piece; `None` if the page has
/// anything else than whole markers of known pieces (the template changed them).
fn splice<'a>(page: &'a [u8], pieces: &[&'a [u8]]) -> Option<Vec<&'a [u8]>> {
    const OPEN: &[u8] = "<\u{1}mb-print-item:".as_bytes();
    const CLOSE: &[u8] = "\u{1}>".as_bytes();
    let mut out = Vec::with_capacity(2 * pieces.len() + 1);
    let mut rest = page;
    while let Some(at) = rest.iter().position(|&b| b == 1) {
        let start = at.checked_sub(1)?;
        if !rest[start..].starts_with(OPEN) {
            return None;
        }
        out.push(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let end = after.windows(CLOSE.len()).position(|w| w == CLOSE)?;
        let n: usize = std::str::from_utf8(&after[..end]).ok()?.parse().ok()?;
        out.push(*pieces.get(n)?);
        rest = &after[end + CLOSE.len()..];
    }
    out.push(rest);
    Some(out)
}

#[derive(Serialize)]
struct Section<'a> {
    step: Step,
    label: String,
    items: Vec<Placed<'a>>,
}

#[derive(Serialize)]
struct Data<'a> {
    sections: Vec<Section<'a>>,
    today: String,
}

fn item(ctx: &Ctx, i: usize, body_html: Html) -> Item {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    Item {
        anchor: print_anchor(&pb.urls[i]),
        r: ctx.ref_value(i),
        owner: e.owner.clone(),
        tags: e.tags.clone(),
        card: ctx.card(e),
        serves: ctx.ref_values(&pb.serves[i]),
        body_html,
    }
}

/// In a session, the key of element `i`'s piece: a digest of everything
/// [`item`] reads (keep the two in step), taken without building the item.
fn key(ctx: &Ctx, global: Key, i: usize, body: &Html) -> Key {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    let mut d = Digest::new();
    d.field(&global.to_le_bytes())
        .field(b"print_item.html")
        .field(&ctx.ref_keys[i].to_le_bytes())
        .field(&body.key.to_le_bytes());
    let _ = serde_json::to_writer(&mut d, &(&e.owner, &e.tags, ctx.card(e)));
    for &j in &pb.serves[i] {
        if ctx.included[j] {
            d.field(&ctx.ref_keys[j].to_le_bytes());
        }
    }
    d.finish()
}

/// Element `i` as `print_item.html` renders it (patching, the last build's if it did not change).
fn piece(ctx: &Ctx, i: usize) -> Result<Fragment, RenderError> {
    let name = || format!("print_item.html#{}", ctx.pb.urls[i]);
    if ctx.unchanged(i)
        && let Some(piece) = ctx.memo().and_then(|m| m.again(&name()))
    {
        return Ok(Fragment(piece));
    }
    let body = ctx.body(i, Target::Print);
    let make = |body| {
        ctx.render_fragment(
            "print_item.html",
            &ItemData {
                it: &item(ctx, i, body),
            },
        )
    };
    Ok(match ctx.memo() {
        Some(m) => {
            let key = key(ctx, m.global(), i, &body);
            Fragment(m.page(&name(), key, || make(body))?)
        }
        None => Fragment(make(body)?),
    })
}

fn placed<'a>(ctx: &'a Ctx, i: usize) -> Result<Placed<'a>, RenderError> {
    let r = &ctx.refs[i];
    Ok(Placed {
        anchor: print_anchor(&ctx.pb.urls[i]),
        title: &r.title,
        network: r.network.as_deref(),
        network_name: r.network_name.as_deref(),
        status: r.status,
        status_label: r.status_label.as_deref(),
        html: Piece::Html(piece(ctx, i)?),
    })
}

/// Renders `print.html` and hands it to the sink (in parts: never joined in memory).
pub fn render(ctx: &Ctx) -> Result<(), RenderError> {
    let pb = ctx.pb;
    // MOST order, then by network and id.
    let order: Vec<(Step, Vec<usize>)> = Step::ALL
        .iter()
        .map(|&step| {
            let mut idx: Vec<usize> = pb.by_step(step).filter(|&i| ctx.included[i]).collect();
            idx.sort_by(|&a, &b| {
                let (ea, eb) = (&pb.elements[a], &pb.elements[b]);
                (ea.network.is_some(), &ea.network, &ea.key).cmp(&(eb.network.is_some(), &eb.network, &eb.key))
            });
            (step, idx)
        })
        .collect();
    // Patching, the page around the pieces is the last build's: it is made
    // from the elements' references and order, which did not change.
    let again = ctx.memo().filter(|m| m.patching()).and_then(|m| m.again(PATH));
    if let Some(page) = again {
        let pieces = crate::timings::time("print data", || {
            order
                .iter()
                .flat_map(|(_, idx)| idx)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|&i| piece(ctx, i))
                .collect::<Result<Vec<_>, _>>()
        })?;
        let html: Vec<&[u8]> = pieces.iter().map(|f| &f.0[..]).collect();
        if let Some(parts) = splice(&page, &html) {
            return ctx.put_parts(PATH, &parts);
        }
    }
    let sections = crate::timings::time("print data", || {
        order
            .into_iter()
            .map(|(step, idx)| -> Result<Section, RenderError> {
                Ok(Section {
                    step,
                    label: ctx.t(&format!("steps_{}", step.name())),
                    items: idx.into_par_iter().map(|i| placed(ctx, i)).collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let mut data = Data {
        sections,
        today: ctx.date(ctx.today),
    };
    // The pieces come out, markers go in.
    let mut pieces = Vec::new();
    for item in data.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        let piece = std::mem::replace(&mut item.html, Piece::Marker(marker(pieces.len())));
        if let Piece::Html(f) = piece {
            pieces.push(f);
        }
    }
    let page = crate::timings::time("print tera", || ctx.page(PATH, PATH, "print", &pb.config.title, &data))?;
    let html: Vec<&[u8]> = pieces.iter().map(|f| &f.0[..]).collect();
    if let Some(parts) = splice(&page.bytes, &html) {
        return ctx.put_parts(&page.path, &parts);
    }
    // The template did something else with the markers: the plain way.
    let mut pieces = pieces.into_iter();
    for item in data.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        if let Some(f) = pieces.next() {
            item.html = Piece::Html(f);
        }
    }
    let html = ctx.render_page(PATH, PATH, "print", &pb.config.title, &data)?;
    ctx.put(&OutFile::new(PATH, html))
}

/// The page, and its template.
const PATH: &str = "print.html";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_by_their_pieces_in_any_order() {
        let page = format!("<p>{}</p>{}{}", marker(1), marker(0), marker(1));
        let joined = |p: Option<Vec<&[u8]>>| p.unwrap().concat();
        assert_eq!(joined(splice(page.as_bytes(), &[b"A", b"B"])), b"<p>B</p>AB");
        assert_eq!(joined(splice(b"no markers", &[])), b"no markers");
    }

    #[test]
    fn a_changed_marker_is_refused() {
        // Escaped by the template, unknown, cut, or a stray U+0001 from the content.
        let escaped = marker(0).replace('<', "&lt;").replace('>', "&gt;");
        assert_eq!(splice(escaped.as_bytes(), &[b"A"]), None);
        assert_eq!(splice(marker(5).as_bytes(), &[b"A"]), None);
        assert_eq!(splice(&marker(0).as_bytes()[..10], &[b"A"]), None);
        assert_eq!(splice("a\u{1}b".as_bytes(), &[]), None);
    }
}
