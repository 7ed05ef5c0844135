//! One page per element: body, card, chains to the mission, what serves it, backlinks.

use crate::render::body::Target;
use crate::render::memo::{Digest, Html, Key};
use crate::render::view::{self, Card};
use crate::render::{Ctx, OutFile, RenderError, root_of};
use serde::Serialize;

#[derive(Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Warning {
    pub rule: &'static str,
    pub message: String,
    pub line: u32,
}

/// What `element.html` gets as `element`: the reference's fields, then the page's.
/// References are the build's shared Tera values ([`crate::render::view::ElementRef::value`]):
/// handing them over costs a clone of a pointer, not a new map.
pub struct ElementView {
    /// The element's reference, as a Tera map (its fields come first, at the top level).
    pub r: tera::Value,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub file: String,
    /// Site-relative path of the element's network page.
    pub network_page: Option<String>,
    pub body_html: Html,
    pub toc: Vec<Heading>,
    pub card: Card,
    pub chains: Vec<Vec<tera::Value>>,
    pub serves: Vec<tera::Value>,
    pub served_by: Vec<tera::Value>,
    pub backlinks: Vec<tera::Value>,
    pub warnings: Vec<Warning>,
    pub extra: serde_json::Value,
}

impl Serialize for ElementView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("ElementView", view::ref_len(&self.r) + 13)?;
        view::flatten_ref(&mut st, &self.r)?;
        st.serialize_field("owner", &self.owner)?;
        st.serialize_field("tags", &self.tags)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("network_page", &self.network_page)?;
        st.serialize_field("body_html", &self.body_html)?;
        st.serialize_field("toc", &self.toc)?;
        st.serialize_field("card", &self.card)?;
        st.serialize_field("chains", &self.chains)?;
        st.serialize_field("serves", &self.serves)?;
        st.serialize_field("served_by", &self.served_by)?;
        st.serialize_field("backlinks", &self.backlinks)?;
        st.serialize_field("warnings", &self.warnings)?;
        st.serialize_field("extra", &self.extra)?;
        st.end()
    }
}

#[derive(Serialize)]
struct Data {
    element: ElementView,
}

/// The element's view, with its body rendered for `target`; also returns the body's plain text.
pub fn view(ctx: &Ctx, i: usize, target: Target) -> (ElementView, String) {
    let b = ctx.body(i, target);
    let text = b.body.text.clone();
    (view_with(ctx, i, b), text)
}

/// The element's view around its rendered body.
fn view_with(ctx: &Ctx, i: usize, body_html: Html) -> ElementView {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    ElementView {
        r: ctx.ref_value(i),
        owner: e.owner.clone(),
        tags: e.tags.clone(),
        file: e.file.clone(),
        network_page: e.network.as_deref().map(super::network::path),
        body_html,
        toc: pb.scans[i]
            .headings
            .iter()
            .map(|h| Heading {
                level: h.level,
                id: h.id.clone(),
                text: h.text.clone(),
            })
            .collect(),
        card: ctx.card(e),
        chains: ctx
            .chain_paths(i, CHAINS)
            .iter()
            .map(|p| p.iter().map(|&j| ctx.ref_value(j)).collect())
            .collect(),
        serves: ctx.ref_values(&pb.serves[i]),
        served_by: ctx.ref_values(&pb.served_by[i]),
        backlinks: ctx.ref_values(&pb.backlinks[i]),
        warnings: warnings(ctx, i),
        extra: e.extra.clone(),
    }
}

/// At most this many chains up to the mission are shown.
const CHAINS: usize = 12;

fn warnings(ctx: &Ctx, i: usize) -> Vec<Warning> {
    let file = ctx.pb.elements[i].file.as_str();
    ctx.diags_by_file
        .get(file)
        .into_iter()
        .flatten()
        .map(|d| Warning {
            rule: d.rule.name(),
            message: d.message.clone(),
            line: d.pos.line,
        })
        .collect()
}

/// In a session, the key of element `i`'s page: a digest of everything
/// [`view_with`] reads (keep the two in step), taken without building the
/// view, so that an unchanged page costs neither a view nor a render.
/// Neighbours count by their [`Ctx::ref_keys`]; the body by its key (which
/// covers the headings of the table of contents, made from the body).
fn key(ctx: &Ctx, global: Key, i: usize, path: &str, body: &Html) -> Key {
    let pb = ctx.pb;
    let e = &pb.elements[i];
    let mut d = Digest::new();
    d.field(&global.to_le_bytes())
        .field(b"element.html")
        .field(path.as_bytes())
        .field(&ctx.ref_keys[i].to_le_bytes())
        .field(&body.key.to_le_bytes())
        .field(e.file.as_bytes());
    let _ = serde_json::to_writer(&mut d, &(&e.owner, &e.tags, &e.extra, ctx.card(e), warnings(ctx, i)));
    let mut refs = |list: &[usize]| {
        for &j in list {
            if ctx.included[j] {
                d.field(&ctx.ref_keys[j].to_le_bytes());
            }
        }
        d.field(b"|");
    };
    for path in ctx.chain_paths(i, CHAINS) {
        refs(&path);
    }
    refs(&[]);
    refs(&pb.serves[i]);
    refs(&pb.served_by[i]);
    refs(&pb.backlinks[i]);
    d.finish()
}

pub fn render(ctx: &Ctx, i: usize) -> Result<(OutFile, String), RenderError> {
    let path = &ctx.pb.urls[i];
    let root = root_of(path);
    let body = ctx.body(i, Target::Page { root: &root });
    let text = body.body.text.clone();
    let title = &ctx.refs[i].title;
    let make = |body| {
        let element = view_with(ctx, i, body);
        ctx.render_page("element.html", path, "element", title, &Data { element })
    };
    let bytes = match ctx.memo() {
        Some(m) => {
            let key = key(ctx, m.global(), i, path, &body);
            m.page(path, key, || make(body).map(|h| std::sync::Arc::from(h.into_bytes())))?
                .to_vec()
        }
        None => make(body)?.into_bytes(),
    };
    Ok((OutFile::new(path.clone(), bytes), text))
}
