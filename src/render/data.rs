//! The site's data files: `playbook.json`, the search index, `graph.svg`, `sitemap.xml`.

use super::{Ctx, OutFile};
use serde::Serialize;

#[derive(Serialize)]
struct JsonLink<'a> {
    dest: &'a str,
    target: Option<&'a str>,
    fragment: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonElement<'a> {
    #[serde(flatten)]
    element: &'a crate::model::Element,
    url: &'a str,
    serves: Vec<&'a str>,
    served_by: Vec<&'a str>,
    backlinks: Vec<&'a str>,
    links: Vec<JsonLink<'a>>,
    status: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonPlaybook<'a> {
    generator: &'static str,
    today: String,
    config: &'a crate::model::Config,
    elements: Vec<JsonElement<'a>>,
    diagnostics: Vec<crate::diag::JsonItem<'a>>,
}

/// One entry of the search index (short keys: the index is loaded by every search).
#[derive(Serialize)]
struct SearchEntry<'a> {
    /// title
    t: &'a str,
    /// page
    u: &'a str,
    /// step label
    s: String,
    /// network name
    n: &'a str,
    /// body text
    b: String,
}

/// `search-index.js`: titles and bodies' plain text, as a script so that search
/// works from file:// (no fetch).
pub fn search_index(ctx: &Ctx, texts: &[String]) -> OutFile {
    let pb = ctx.pb;
    let entries: Vec<SearchEntry> = (0..pb.elements.len())
        .filter(|&i| ctx.included[i])
        .map(|i| {
            let e = &pb.elements[i];
            SearchEntry {
                t: &e.title,
                u: &pb.urls[i],
                s: ctx.t(&format!("step_{}", e.step.name())),
                n: e.network
                    .as_deref()
                    .and_then(|n| pb.config.network(n))
                    .map_or("", |n| n.name.as_str()),
                b: texts[i].split_whitespace().collect::<Vec<_>>().join(" "),
            }
        })
        .collect();
    let index = serde_json::to_string(&entries)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    OutFile::new("search-index.js", format!("window.MOSTBOOK_SEARCH = {index};\n"))
}

/// `playbook.json`, `graph.svg` and, with a `base_url`, `sitemap.xml`.
pub fn files(ctx: &Ctx) -> Vec<OutFile> {
    let pb = ctx.pb;
    let published: Vec<usize> = (0..pb.elements.len()).filter(|&i| ctx.included[i]).collect();
    let ids = |list: &[usize]| {
        list.iter()
            .filter(|&&j| ctx.included[j])
            .map(|&j| pb.elements[j].id.as_str())
            .collect::<Vec<_>>()
    };
    let doc = JsonPlaybook {
        generator: concat!("mostbook ", env!("CARGO_PKG_VERSION")),
        today: ctx.today.to_string(),
        config: &pb.config,
        elements: published
            .iter()
            .map(|&i| JsonElement {
                element: &pb.elements[i],
                url: &pb.urls[i],
                serves: ids(&pb.serves[i]),
                served_by: ids(&pb.served_by[i]),
                backlinks: ids(&pb.backlinks[i]),
                links: pb.links[i]
                    .iter()
                    .map(|l| JsonLink {
                        dest: &l.dest,
                        target: l
                            .target
                            .filter(|&t| ctx.included[t])
                            .map(|t| pb.elements[t].id.as_str()),
                        fragment: l.fragment.as_deref(),
                    })
                    .collect(),
                status: ctx.status(i).map(|s| s.key()),
            })
            .collect(),
        diagnostics: ctx.diags.list.iter().map(crate::diag::JsonItem::from).collect(),
    };
    let mut json = serde_json::to_string_pretty(&doc).unwrap_or_default();
    json.push('\n');

    let include = |i: usize| ctx.included[i];
    let graph = super::graph::graph_svg(pb, &include, "", pb.config.language);
    let mut files = vec![OutFile::new("playbook.json", json), OutFile::new("graph.svg", graph)];
    if let Some(base) = &pb.config.base_url {
        files.push(OutFile::new("sitemap.xml", sitemap(ctx, base, &published)));
    }
    files
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn sitemap(ctx: &Ctx, base: &str, published: &[usize]) -> String {
    let mut pages: Vec<String> = ["index.html", "matrix.html", "calendar.html", "print.html"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    pages.extend(
        ctx.pb
            .config
            .networks
            .iter()
            .map(|n| super::pages::network::path(&n.id)),
    );
    pages.extend(published.iter().map(|&i| ctx.pb.urls[i].clone()));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{p}"))
        ));
    }
    out.push_str("</urlset>\n");
    out
}
