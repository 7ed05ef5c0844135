//! The site's data files: `playbook.json`, the search index, `graph.svg`, `sitemap.xml`.

use super::{Ctx, OutFile, RenderError};
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
    elements: JsonElements<'a, 'a>,
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
    s: &'a str,
    /// network name
    n: &'a str,
    /// body text
    b: String,
}

/// How many elements [`search_index`] takes at a time.
const CHUNK: usize = 1024;

/// `search-index.js`: titles and bodies' plain text, as a script so that search
/// works from file:// (no fetch). `page(i)` makes element `i`'s page (its
/// file is the caller's) and returns its plain text: the pages are made here,
/// a chunk at a time in parallel, and the index written as they come, so that
/// neither the texts nor the index are ever whole in memory.
pub fn search_index(ctx: &Ctx, page: impl Fn(usize) -> Result<String, RenderError> + Sync) -> Result<(), RenderError> {
    let included: Vec<usize> = (0..ctx.pb.elements.len()).filter(|&i| ctx.included[i]).collect();
    ctx.put_stream("search-index.js", |w| {
        let entry = |i: usize| {
            let text = page(i)?;
            if !ctx.unchanged(i) {
                return Ok(search_entry(ctx, i, &text));
            }
            // Patching, an unchanged element's page was put as it was, without
            // its text: its entry is the last build's (or made from its body).
            let name = format!("search#{}", ctx.pb.urls[i]);
            Ok(match ctx.memo().and_then(|m| m.again(&name)) {
                Some(entry) => entry,
                None => {
                    let root = crate::render::root_of(&ctx.pb.urls[i]);
                    let body = ctx.body(i, crate::render::body::Target::Page { root: &root });
                    search_entry(ctx, i, &body.body.text)
                }
            })
        };
        write_index(&included, CHUNK, entry, w)
    })
}

/// Writes the index of `elements` to `w`: `entry(i)` of each (made a chunk
/// of `chunk` at a time, in parallel), joined: the bytes `serde_json`
/// writes for the whole list, in a script.
fn write_index(
    elements: &[usize],
    chunk: usize,
    entry: impl Fn(usize) -> Result<std::sync::Arc<[u8]>, RenderError> + Sync,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    w.write_all(b"window.MOSTBOOK_SEARCH = [")?;
    for (k, part) in elements.chunks(chunk.max(1)).enumerate() {
        let entries = part
            .par_iter()
            .map(|&i| entry(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(std::io::Error::other)?;
        for (j, e) in entries.iter().enumerate() {
            if k > 0 || j > 0 {
                w.write_all(b",")?;
            }
            w.write_all(e)?;
        }
    }
    w.write_all(b"];\n")
}

/// Element `i`'s entry of the search index as JSON (in a session, reused
/// while its fields are the same).
fn search_entry(ctx: &Ctx, i: usize, text: &str) -> std::sync::Arc<[u8]> {
    let pb = ctx.pb;
    let r = &ctx.refs[i];
    let (t, u, s, n) = (
        r.title.as_str(),
        pb.urls[i].as_str(),
        r.field("step_label").unwrap_or(""),
        r.field("network_name").unwrap_or(""),
    );
    let make = || -> std::sync::Arc<[u8]> {
        let entry = SearchEntry {
            t,
            u,
            s,
            n,
            b: squash_whitespace(text),
        };
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
        // Strings and a struct: writing into memory cannot fail.
        let _ = entry.serialize(&mut json);
        std::sync::Arc::from(out)
    };
    match ctx.memo() {
        Some(m) => {
            let mut d = crate::render::memo::Digest::new();
            for f in [t, u, s, n, text] {
                d.field(f.as_bytes());
            }
            let name = format!("search#{u}");
            m.piece(&name, d.finish(), make)
        }
        None => make(),
    }
}

/// JSON that can sit in a `<script>`: `<` written `\u003c` inside strings
/// (the only place it can appear), so no `</script>` closes the element early.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut parts = fragment.split('<');
        if let Some(first) = parts.next() {
            w.write_all(first.as_bytes())?;
        }
        for part in parts {
            w.write_all(b"\\u003c")?;
            w.write_all(part.as_bytes())?;
        }
        Ok(())
    }
}

/// The words of `s` separated by single spaces: `s.split_whitespace()` joined
/// with `" "`, without the intermediate list (bodies are most of the index).
/// Words are scanned byte by byte, and copied a run at a time; only a
/// non-ASCII character is decoded (to tell Unicode spaces).
fn squash_whitespace(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // `char::is_whitespace` at `i`, and the character's length.
    let space_at = |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b.is_ascii() {
            // Space, \t, \n, vertical tab, form feed, \r.
            (b == b' ' || (b'\t'..=b'\r').contains(&b), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        }
    };
    let flush = |out: &mut String, run: Option<(usize, usize)>| {
        if let Some((start, end)) = run {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[start..end]);
        }
    };
    // The words met but not yet copied: a stretch of `s` as the output has it.
    let mut run: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (space, len) = space_at(i);
        if space {
            i += len;
            continue;
        }
        let start = i;
        while i < bytes.len() {
            // Any ASCII byte above the space is part of a word.
            if bytes[i] > b' ' && bytes[i].is_ascii() {
                i += 1;
                continue;
            }
            let (space, len) = space_at(i);
            if space {
                break;
            }
            i += len;
        }
        // Words one plain space apart are copied together, as one run.
        match run {
            Some((first, end)) if start == end + 1 && bytes[end] == b' ' => run = Some((first, i)),
            _ => {
                flush(&mut out, run);
                run = Some((start, i));
            }
        }
    }
    flush(&mut out, run);
    out
}

/// `playbook.json`, `graph.svg` and, with a `base_url`, `sitemap.xml`: written
/// as they are made (they are put here), or, in a session, returned (see
/// [`Ctx::structure_file`]).
pub fn files(ctx: &Ctx) -> Result<Vec<OutFile>, RenderError> {
    let pb = ctx.pb;
    let published: Vec<usize> = (0..pb.elements.len()).filter(|&i| ctx.included[i]).collect();
    let doc = JsonPlaybook {
        generator: concat!("mostbook ", env!("CARGO_PKG_VERSION")),
        today: ctx.today.to_string(),
        config: &pb.config,
        elements: JsonElements {
            ctx,
            published: &published,
        },
        diagnostics: ctx.diags.list.iter().map(crate::diag::JsonItem::from).collect(),
    };
    let mut files = Vec::new();
    files.extend(crate::timings::time("playbook.json", || {
        ctx.structure_file("playbook.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            w.write_all(b"\n")
        })
    })?);
    drop(doc);
    let include = |i: usize| ctx.included[i];
    files.extend(crate::timings::time("graph.svg", || {
        ctx.structure_file("graph.svg", |w| {
            super::graph::write_graph_svg(pb, &include, "", pb.config.language, w)
        })
    })?);
    if let Some(base) = &pb.config.base_url {
        files.extend(ctx.structure_file("sitemap.xml", |w| sitemap(ctx, base, &published, w))?);
    }
    Ok(files)
}

/// The published elements of `playbook.json`, each made as it is written.
struct JsonElements<'a, 'b> {
    ctx: &'a Ctx<'b>,
    published: &'a [usize],
}

impl Serialize for JsonElements<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (ctx, pb) = (self.ctx, self.ctx.pb);
        let ids = |list: &[usize]| {
            list.iter()
                .filter(|&&j| ctx.included[j])
                .map(|&j| pb.elements[j].id.as_str())
                .collect::<Vec<_>>()
        };
        serializer.collect_seq(self.published.iter().map(|&i| {
            JsonElement {
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
            }
        }))
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn sitemap(ctx: &Ctx, base: &str, published: &[usize], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let networks: Vec<String> = (ctx.pb.config.networks.iter())
        .map(|n| super::pages::network::path(&n.id))
        .collect();
    let pages = ["index.html", "matrix.html", "calendar.html", "print.html"]
        .into_iter()
        .chain(networks.iter().map(String::as_str))
        .chain(published.iter().map(|&i| ctx.pb.urls[i].as_str()));
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    )?;
    for p in pages {
        writeln!(w, "  <url><loc>{}</loc></url>", xml_escape(&format!("{base}{p}")))?;
    }
    w.write_all(b"</urlset>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_written_a_chunk_at_a_time_is_the_whole_list_whatever_the_chunk() {
        let entry = |i: usize| -> Result<std::sync::Arc<[u8]>, RenderError> {
            Ok(std::sync::Arc::from(serde_json::to_vec(&format!("e{i}")).unwrap()))
        };
        for elements in [vec![], vec![3], vec![0, 2, 5, 6, 7, 9, 10]] {
            let names: Vec<String> = elements.iter().map(|i| format!("e{i}")).collect();
            let want = format!("window.MOSTBOOK_SEARCH = {};\n", serde_json::to_string(&names).unwrap());
            for chunk in [0, 1, 2, 3, 100] {
                let mut out = Vec::new();
                write_index(&elements, chunk, entry, &mut out).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), want, "chunk {chunk}");
            }
        }
        // A page that fails fails the index, its error carried as it was.
        let failing = |i: usize| match i {
            5 => Err(RenderError::Static("page 5".to_owned())),
            _ => entry(i),
        };
        let e = write_index(&[1, 5, 7], 2, failing, &mut Vec::new()).unwrap_err();
        assert_eq!(e.into_inner().unwrap().to_string(), "page 5");
    }

    #[test]
    fn squashes_whitespace_like_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            "  a  b\t\tc\n\r\nd ",
            "x\u{b}y\u{c}z",
            "un\u{a0}deux\u{2003}trois\u{3000}quatre\u{85}cinq",
            "é à\u{2028}ü",
            "\u{200b}zero-width is not space\u{200b}",
            "\u{1}control\u{1f}bytes\u{7f} are words",
            "mot\u{a0}",
            "\u{3000}",
        ] {
            assert_eq!(
                squash_whitespace(s),
                s.split_whitespace().collect::<Vec<_>>().join(" "),
                "{s:?}"
            );
        }
    }

    #[test]
    fn script_safe_json_escapes_less_than_in_strings() {
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
        ["</script>", "a\\<b", "\"<<\""].serialize(&mut json).unwrap();
        let plain = serde_json::to_string(&["</script>", "a\\<b", "\"<<\""]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), plain.replace('<', "\\u003c"));
    }
}
