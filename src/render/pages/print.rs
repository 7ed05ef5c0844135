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
    status: Option<&'a str>,
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

/// A stretch of the page rendered with markers: its own bytes, or piece `n`.
#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Text(&'a [u8]),
    Piece(usize),
}

/// The page cut at its markers; `None` if it has anything else than whole
/// markers of pieces below `count` (the template changed them).
fn segments(page: &[u8], count: usize) -> Option<Vec<Segment<'_>>> {
    const OPEN: &[u8] = "<\u{1}mb-print-item:".as_bytes();
    const CLOSE: &[u8] = "\u{1}>".as_bytes();
    let mut out = Vec::with_capacity(2 * count + 1);
    let mut rest = page;
    while let Some(at) = rest.iter().position(|&b| b == 1) {
        let start = at.checked_sub(1)?;
        if !rest[start..].starts_with(OPEN) {
            return None;
        }
        out.push(Segment::Text(&rest[..start]));
        let after = &rest[start + OPEN.len()..];
        let end = after.windows(CLOSE.len()).position(|w| w == CLOSE)?;
        let n: usize = std::str::from_utf8(&after[..end]).ok()?.parse().ok()?;
        if n >= count {
            return None;
        }
        out.push(Segment::Piece(n));
        rest = &after[end + CLOSE.len()..];
    }
    out.push(Segment::Text(rest));
    Some(out)
}

/// The page's parts, each marker replaced by its piece.
fn splice<'a>(segments: &[Segment<'a>], pieces: &'a [Fragment]) -> Vec<&'a [u8]> {
    segments
        .iter()
        .map(|s| match *s {
            Segment::Text(t) => t,
            Segment::Piece(n) => &pieces[n].0[..],
        })
        .collect()
}

/// How many pieces [`stream`] holds at once, rendered in parallel.
const CHUNK: usize = 512;

/// Writes the page to `w`, each marker replaced by its piece: pieces are made
/// (by `make`, in parallel) a chunk of `chunk` at a time, as the page reaches
/// them, so that only a chunk of them is ever in memory. A piece the page
/// does not show is made all the same: its errors fail the page as if it were shown.
fn stream(
    segments: &[Segment],
    count: usize,
    chunk: usize,
    make: impl Fn(usize) -> std::io::Result<Fragment> + Sync,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut shown = vec![false; count];
    let mut rest = segments;
    while !rest.is_empty() {
        // The segments up to the chunk's last piece (or the end).
        let mut wanted = Vec::new();
        let mut take = 0;
        for s in rest {
            take += 1;
            if let Segment::Piece(n) = *s {
                wanted.push(n);
                if wanted.len() == chunk.max(1) {
                    break;
                }
            }
        }
        let pieces = wanted
            .par_iter()
            .map(|&n| make(n))
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut pieces = pieces.iter();
        for s in &rest[..take] {
            match *s {
                Segment::Text(t) => w.write_all(t)?,
                Segment::Piece(n) => {
                    shown[n] = true;
                    if let Some(p) = pieces.next() {
                        w.write_all(&p.0)?;
                    }
                }
            }
        }
        rest = &rest[take..];
    }
    let hidden: Vec<usize> = (0..count).filter(|&n| !shown[n]).collect();
    hidden.par_iter().try_for_each(|&n| make(n).map(drop))
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

/// Element `i` rendered with `print_item.html` (in a session, reused when unchanged).
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
    match ctx.memo() {
        Some(m) => {
            let key = key(ctx, m.global(), i, &body);
            Ok(Fragment(m.page(&name(), key, || make(body))?))
        }
        None => Ok(Fragment(make(body)?)),
    }
}

/// Element `i` as the page places it, its HTML given as piece `n`'s marker.
fn placed<'a>(ctx: &'a Ctx, i: usize, n: usize) -> Placed<'a> {
    let r = &ctx.refs[i];
    Placed {
        anchor: print_anchor(&ctx.pb.urls[i]),
        title: &r.title,
        network: r.field("network"),
        network_name: r.field("network_name"),
        status: r.field("status"),
        status_label: r.field("status_label"),
        html: Piece::Marker(marker(n)),
    }
}

/// Renders `print.html` and hands it to the sink: written as its pieces are
/// made, a chunk at a time (in a session, whose memo keeps every piece
/// anyway, in parts); never joined in memory.
pub fn render(ctx: &Ctx) -> Result<(), RenderError> {
    let pb = ctx.pb;
    // Per step, its elements in MOST order, then by network and id.
    let steps: Vec<(Step, Vec<usize>)> = Step::ALL
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
    // Piece `n` is element `order[n]`.
    let order: Vec<usize> = steps.iter().flat_map(|(_, idx)| idx.iter().copied()).collect();
    let make = |n: usize| piece(ctx, order[n]);
    // Patching, the page around the pieces is the last build's: it is made
    // from the elements' references and order, which did not change.
    let again = ctx.memo().filter(|m| m.patching()).and_then(|m| m.again(PATH));
    if let Some(segments) = again.as_deref().and_then(|page| segments(page, order.len())) {
        let pieces = crate::timings::time("print data", || {
            (0..order.len())
                .into_par_iter()
                .map(make)
                .collect::<Result<Vec<_>, _>>()
        })?;
        return ctx.put_parts(PATH, &splice(&segments, &pieces));
    }
    let mut n = 0;
    let sections = crate::timings::time("print data", || {
        steps
            .into_iter()
            .map(|(step, idx)| Section {
                step,
                label: ctx.t(&format!("steps_{}", step.name())),
                items: idx
                    .into_iter()
                    .map(|i| {
                        n += 1;
                        placed(ctx, i, n - 1)
                    })
                    .collect(),
            })
            .collect()
    });
    let mut data = Data {
        sections,
        today: ctx.date(ctx.today),
    };
    let page = crate::timings::time("print tera", || ctx.page(PATH, PATH, "print", &pb.config.title, &data))?;
    match (segments(&page.bytes, order.len()), ctx.memo()) {
        (Some(segments), None) => {
            return ctx.put_stream(&page.path, |w| {
                let make = |n| make(n).map_err(std::io::Error::other);
                stream(&segments, order.len(), CHUNK, make, w)
            });
        }
        (Some(segments), Some(_)) => {
            let pieces = (0..order.len())
                .into_par_iter()
                .map(make)
                .collect::<Result<Vec<_>, _>>()?;
            return ctx.put_parts(&page.path, &splice(&segments, &pieces));
        }
        (None, _) => {}
    }
    // The template did something else with the markers: the plain way.
    let pieces = (0..order.len())
        .into_par_iter()
        .map(make)
        .collect::<Result<Vec<_>, _>>()?;
    let items = data.sections.iter_mut().flat_map(|s| s.items.iter_mut());
    for (item, f) in items.zip(pieces) {
        item.html = Piece::Html(f);
    }
    let html = ctx.render_page(PATH, PATH, "print", &pb.config.title, &data)?;
    ctx.put(&OutFile::new(PATH, html))
}

/// The page, and its template.
const PATH: &str = "print.html";

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(names: &[&str]) -> Vec<Fragment> {
        names
            .iter()
            .map(|n| Fragment(std::sync::Arc::from(n.as_bytes())))
            .collect()
    }

    #[test]
    fn markers_are_replaced_by_their_pieces_in_any_order() {
        let page = format!("<p>{}</p>{}{}", marker(1), marker(0), marker(1));
        let ab = pieces(&["A", "B"]);
        let segs = segments(page.as_bytes(), 2).unwrap();
        assert_eq!(splice(&segs, &ab).concat(), b"<p>B</p>AB");
        let none = segments(b"no markers", 0).unwrap();
        assert_eq!(splice(&none, &[]).concat(), b"no markers");
    }

    #[test]
    fn a_changed_marker_is_refused() {
        // Escaped by the template, unknown, cut, or a stray U+0001 from the content.
        let escaped = marker(0).replace('<', "&lt;").replace('>', "&gt;");
        assert_eq!(segments(escaped.as_bytes(), 1), None);
        assert_eq!(segments(marker(5).as_bytes(), 1), None);
        assert_eq!(segments(&marker(0).as_bytes()[..10], 1), None);
        assert_eq!(segments("a\u{1}b".as_bytes(), 0), None);
    }

    #[test]
    fn streaming_writes_what_splicing_joins_whatever_the_chunk() {
        let names: Vec<String> = (0..7).map(|n| format!("[{n}]")).collect();
        let all = pieces(&names.iter().map(String::as_str).collect::<Vec<_>>());
        // In order; shuffled and repeated; some not shown (3 and 6); none at all.
        let orders: [&[usize]; 4] = [&[0, 1, 2, 3, 4, 5, 6], &[4, 0, 0, 5, 2, 1], &[1, 2, 0, 4, 5], &[]];
        for order in orders {
            let page: String = order.iter().map(|&n| format!("<li>{}</li>", marker(n))).collect();
            let page = format!("<ol>{page}</ol>");
            let segs = segments(page.as_bytes(), all.len()).unwrap();
            let want = splice(&segs, &all).concat();
            for chunk in [0, 1, 2, 3, 100] {
                let made = std::sync::Mutex::new(Vec::new());
                let make = |n: usize| {
                    made.lock().unwrap().push(n);
                    Ok(all[n].clone())
                };
                let mut out = Vec::new();
                stream(&segs, all.len(), chunk, make, &mut out).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(want.clone()).unwrap()
                );
                // Every piece made, the hidden ones too; a shown one once per showing.
                let mut made = made.into_inner().unwrap();
                made.sort();
                let mut expected: Vec<usize> = order.to_vec();
                expected.extend((0..all.len()).filter(|n| !order.contains(n)));
                expected.sort();
                assert_eq!(made, expected, "order {order:?}, chunk {chunk}");
            }
        }
    }

    #[test]
    fn a_piece_that_fails_or_a_writer_that_fails_fails_the_stream() {
        let page = format!("a{}b{}c", marker(0), marker(1));
        let segs = segments(page.as_bytes(), 3).unwrap();
        let fail = |bad: usize| {
            move |n: usize| match n == bad {
                true => Err(std::io::Error::other(format!("piece {n}"))),
                false => Ok(Fragment(std::sync::Arc::from(&b"x"[..]))),
            }
        };
        for bad in 0..3 {
            let e = stream(&segs, 3, 1, fail(bad), &mut Vec::new()).unwrap_err();
            assert_eq!(e.to_string(), format!("piece {bad}"));
        }
        let mut full = [0u8; 2];
        let e = stream(&segs, 3, 1, fail(9), &mut &mut full[..]).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::WriteZero);
    }
}
