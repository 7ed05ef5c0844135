//! `graph.svg`: the MOST tree drawn as four columns, Mission → Tactics.
//!
//! One box per element, a link to its page; one smooth curve per `serves`
//! link, from the element (on the right) to what it serves (on the left).
//! Boxes are coloured by network, elements spanning all networks stay
//! neutral.
//!
//! Layout, all in time linear in the elements and links (plus sorting):
//!
//! 1. **Order** each column to reduce crossings: a first pass orders missions
//!    by network and id, then each column by the barycentre (average rank) of
//!    what it serves; further up and down sweeps reorder by barycentre of the
//!    neighbours, and the ordering with the fewest crossings (counted in
//!    `O(E log n)`) wins.
//! 2. **Place** boxes on a fixed row pitch: the tallest column is stacked
//!    row by row, every other column sits as close as it can to the average
//!    height of its neighbours in the column towards the tallest one (a parent
//!    centred on its children), two sweeps keeping the rows apart and inside
//!    the drawing.
//!
//! The output is deterministic (same playbook, same bytes), self-contained
//! (system fonts, inline colours, a dark-mode `<style>`), and scales with its
//! `viewBox`.

use crate::model::{Language, Step};
use crate::resolve::Playbook;
use std::collections::HashMap;
use std::fmt::Write;

// ------------------------------------------------------------------ geometry

const MARGIN: i64 = 16;
const BOX_W: i64 = 240;
const BOX_H: i64 = 42;
const ROW_GAP: i64 = 10;
const PITCH: i64 = BOX_H + ROW_GAP;
const COL_GAP: i64 = 80;
const PAD_X: i64 = 10;
const RADIUS: i64 = 6;
const FONT: i64 = 12;
const LINE_H: i64 = 15;
const LEGEND_FONT: i64 = 12;
const LEGEND_ROW: i64 = 22;
const SWATCH: i64 = 12;
const HEAD_FONT: i64 = 14;
/// Lines of title per box.
const MAX_LINES: usize = 2;
/// Bold text is a little wider.
const BOLD: f32 = 1.12;

const FONTS: &str = "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";

// ------------------------------------------------------------------ colours

/// A network's colours: (light stroke, light fill, dark stroke, dark fill).
type Colours = (&'static str, &'static str, &'static str, &'static str);

/// Networks take these in the order of playbook.yaml, cycling.
const PALETTE: [Colours; 8] = [
    ("#0969da", "#ddf4ff", "#58a6ff", "#0f2a4a"), // blue
    ("#bc4c00", "#fff1e5", "#f0883e", "#3a1f0b"), // orange
    ("#1a7f37", "#dafbe1", "#3fb950", "#0e2e1a"), // green
    ("#8250df", "#f4ecff", "#bc8cff", "#2a1b48"), // purple
    ("#bf3989", "#ffeff7", "#ff7ab8", "#3d1430"), // pink
    ("#0b7a83", "#dcf5f3", "#39c5cf", "#0a2e31"), // teal
    ("#9a6700", "#fff8c5", "#d29922", "#33270a"), // ochre
    ("#cf222e", "#ffebe9", "#ff7b72", "#3d1416"), // red
];
const NEUTRAL: Colours = ("#57606a", "#f6f8fa", "#8b949e", "#161b22");
const TEXT: &str = "#1f2328";
const MUTED: &str = "#57606a";
const RULE: &str = "#d0d7de";
const BG: &str = "#ffffff";
const DARK_TEXT: &str = "#e6edf3";
const DARK_MUTED: &str = "#9198a1";
const DARK_RULE: &str = "#30363d";
const DARK_BG: &str = "#0d1117";

// ------------------------------------------------------------------ strings

struct Strings {
    headings: [&'static str; 4],
    /// (singular, plural) per step.
    counts: [(&'static str, &'static str); 4],
    link: (&'static str, &'static str),
    all_networks: &'static str,
    tree: &'static str,
}

const EN: Strings = Strings {
    headings: ["Missions", "Objectives", "Strategies", "Tactics"],
    counts: [
        ("mission", "missions"),
        ("objective", "objectives"),
        ("strategy", "strategies"),
        ("tactic", "tactics"),
    ],
    link: ("link", "links"),
    all_networks: "All networks",
    tree: "MOST tree",
};

const FR: Strings = Strings {
    headings: ["Missions", "Objectifs", "Stratégies", "Tactiques"],
    counts: [
        ("mission", "missions"),
        ("objectif", "objectifs"),
        ("stratégie", "stratégies"),
        ("tactique", "tactiques"),
    ],
    link: ("lien", "liens"),
    all_networks: "Tous les réseaux",
    tree: "arbre MOST",
};

fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::Fr => &FR,
        Language::En => &EN,
    }
}

/// "3 tactics"; French treats 0 and 1 as singular, English only 1.
fn count(n: usize, (one, many): (&str, &str), lang: Language) -> String {
    let singular = n == 1 || (n == 0 && lang == Language::Fr);
    format!("{n} {}", if singular { one } else { many })
}

// ------------------------------------------------------------------ the graph

/// The MOST tree of the elements for which `include` is true, as an SVG
/// document. Links are `root` + the element's URL, so `root` is `""` for
/// `graph.svg` at the site root and `"../"` (etc.) when inlined deeper.
pub fn graph_svg(pb: &Playbook, include: &dyn Fn(usize) -> bool, root: &str, lang: Language) -> String {
    let g = Graph::new(pb, include);
    let layout = g.layout();
    let mut out = Vec::new();
    // Into memory, in one piece: nothing can fail, and the bytes come from strings.
    let _ = draw(pb, &g, &layout, root, lang, &mut out, usize::MAX);
    String::from_utf8(out).unwrap_or_default()
}

/// [`graph_svg`] written to `w` as it is drawn (`graph.svg` of a big playbook
/// is tens of megabytes).
pub fn write_graph_svg(
    pb: &Playbook,
    include: &dyn Fn(usize) -> bool,
    root: &str,
    lang: Language,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let g = Graph::new(pb, include);
    let layout = g.layout();
    draw(pb, &g, &layout, root, lang, w, SPILL)
}

/// How much of the drawing is gathered before it goes to the writer.
const SPILL: usize = 64 << 10;

/// Hands what `out` gathered to `w` once it is `at` long.
fn spill(out: &mut String, w: &mut dyn std::io::Write, at: usize) -> std::io::Result<()> {
    if out.len() >= at {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// The included elements as four columns and the links between neighbours.
struct Graph {
    /// Per column, the included elements, in drawing order once ordered.
    cols: [Vec<usize>; 4],
    /// Per element: its rank in its column (`NONE` when not included).
    rank: Vec<u32>,
    /// Per element: the included elements it serves in the column to its left.
    up: Vec<Vec<usize>>,
    /// Per element: the included elements serving it in the column to its right.
    down: Vec<Vec<usize>>,
    /// Per element: its network's index in playbook.yaml (`None`: all networks).
    net: Vec<Option<usize>>,
    edges: usize,
}

const NONE: u32 = u32::MAX;

impl Graph {
    fn new(pb: &Playbook, include: &dyn Fn(usize) -> bool) -> Graph {
        let n = pb.elements.len();
        let included: Vec<bool> = (0..n).map(include).collect();
        let nets: HashMap<&str, usize> = pb
            .config
            .networks
            .iter()
            .enumerate()
            .map(|(i, net)| (net.id.as_str(), i))
            .collect();
        let net: Vec<Option<usize>> = pb
            .elements
            .iter()
            .map(|e| e.network.as_deref().and_then(|id| nets.get(id).copied()))
            .collect();
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut edges = 0;
        for i in (0..n).filter(|&i| included[i]) {
            let Some(step) = pb.elements[i].step.up() else { continue };
            for &p in pb.serves.get(i).map_or(&[][..], Vec::as_slice) {
                if p < n && included[p] && pb.elements[p].step == step && !up[i].contains(&p) {
                    up[i].push(p);
                    down[p].push(i);
                    edges += 1;
                }
            }
        }
        let mut cols: [Vec<usize>; 4] = Default::default();
        for i in (0..n).filter(|&i| included[i]) {
            cols[pb.elements[i].step as usize].push(i);
        }
        // First order: spanning elements first, then networks in the order of
        // playbook.yaml, then ids.
        for col in &mut cols {
            col.sort_by(|&a, &b| {
                let key = |i: usize| net[i].map_or(0, |k| k + 1);
                key(a)
                    .cmp(&key(b))
                    .then_with(|| pb.elements[a].key.cmp(&pb.elements[b].key))
                    .then(a.cmp(&b))
            });
        }
        let mut g = Graph {
            cols,
            rank: vec![NONE; n],
            up,
            down,
            net,
            edges,
        };
        g.rerank();
        g.reduce_crossings();
        g
    }

    fn rerank(&mut self) {
        for col in &self.cols {
            for (r, &i) in col.iter().enumerate() {
                self.rank[i] = r as u32;
            }
        }
    }

    /// Barycentre sweeps; keeps the ordering with the fewest crossings.
    fn reduce_crossings(&mut self) {
        self.sweep(true);
        let mut best = self.cols.clone();
        let mut fewest = self.crossings();
        for k in 0..6 {
            if fewest == 0 {
                break;
            }
            self.sweep(k % 2 == 1);
            let c = self.crossings();
            if c < fewest {
                fewest = c;
                best = self.cols.clone();
            }
        }
        self.cols = best;
        self.rerank();
    }

    /// Reorders each column by the average rank of its neighbours in the
    /// previous column of the sweep (left when `down`, right otherwise).
    /// Elements without such neighbours keep their place, scaled.
    fn sweep(&mut self, down: bool) {
        let order: [usize; 3] = if down { [1, 2, 3] } else { [2, 1, 0] };
        for c in order {
            let other = if down { c - 1 } else { c + 1 };
            let scale = self.cols[other].len() as f64 / self.cols[c].len().max(1) as f64;
            let adj = if down { &self.up } else { &self.down };
            let mut keyed: Vec<(f64, u32, usize)> = self.cols[c]
                .iter()
                .map(|&i| {
                    let r = self.rank[i];
                    let key = if adj[i].is_empty() {
                        (f64::from(r) + 0.5) * scale - 0.5
                    } else {
                        adj[i].iter().map(|&j| f64::from(self.rank[j])).sum::<f64>() / adj[i].len() as f64
                    };
                    (key, r, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            self.cols[c] = keyed.into_iter().map(|(_, _, i)| i).collect();
            for (r, &i) in self.cols[c].iter().enumerate() {
                self.rank[i] = r as u32;
            }
        }
    }

    /// Edge crossings between neighbouring columns: inversions counted with a
    /// Fenwick tree, `O(E log n)`.
    fn crossings(&self) -> u64 {
        let mut total = 0;
        for c in 1..4 {
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for &child in &self.cols[c] {
                for &p in &self.up[child] {
                    pairs.push((self.rank[p], self.rank[child]));
                }
            }
            pairs.sort_unstable();
            let size = self.cols[c].len();
            let mut tree = vec![0u64; size + 1];
            for (seen, (_, b)) in (0u64..).zip(pairs) {
                // Earlier pairs (smaller parent rank) whose child is below b cross it.
                let mut not_below = 0;
                let mut k = b as usize + 1;
                while k > 0 {
                    not_below += tree[k];
                    k &= k - 1;
                }
                total += seen - not_below;
                let mut k = b as usize + 1;
                while k <= size {
                    tree[k] += 1;
                    k += k & k.wrapping_neg();
                }
            }
        }
        total
    }

    /// Each element's row (in units of the row pitch, possibly fractional).
    fn layout(&self) -> Layout {
        let n = self.rank.len();
        let mut row = vec![0f64; n];
        let rows = self.cols.iter().map(Vec::len).max().unwrap_or(0);
        // The tallest column (the rightmost of equals) is stacked.
        let anchor = (0..4).rev().max_by_key(|&c| self.cols[c].len()).unwrap_or(3);
        for (r, &i) in self.cols[anchor].iter().enumerate() {
            row[i] = r as f64;
        }
        let place = |row: &mut Vec<f64>, c: usize, adj: &Vec<Vec<usize>>| {
            let col = &self.cols[c];
            let mut prev = f64::NEG_INFINITY;
            for &i in col {
                let wanted = if adj[i].is_empty() {
                    f64::NEG_INFINITY
                } else {
                    adj[i].iter().map(|&j| row[j]).sum::<f64>() / adj[i].len() as f64
                };
                let r = wanted.max(prev + 1.0).max(0.0);
                row[i] = r;
                prev = r;
            }
            let mut next = rows as f64;
            for &i in col.iter().rev() {
                let r = row[i].min(next - 1.0);
                row[i] = r;
                next = r;
            }
        };
        for c in (0..anchor).rev() {
            place(&mut row, c, &self.down);
        }
        for c in anchor + 1..4 {
            place(&mut row, c, &self.up);
        }
        Layout { row, rows }
    }
}

struct Layout {
    row: Vec<f64>,
    rows: usize,
}

fn col_x(c: usize) -> i64 {
    MARGIN + c as i64 * (BOX_W + COL_GAP)
}

// ------------------------------------------------------------------ drawing

fn draw(
    pb: &Playbook,
    g: &Graph,
    layout: &Layout,
    root: &str,
    lang: Language,
    w: &mut dyn std::io::Write,
    spill_at: usize,
) -> std::io::Result<()> {
    let s = strings(lang);
    let width = MARGIN * 2 + 4 * BOX_W + 3 * COL_GAP;

    // The legend: the networks present, then "all networks" if any.
    let mut present = vec![false; pb.config.networks.len()];
    let mut spanning = false;
    for col in &g.cols {
        for &i in col {
            match g.net[i] {
                Some(k) => present[k] = true,
                None => spanning = true,
            }
        }
    }
    let mut legend: Vec<(Option<usize>, &str)> = pb
        .config
        .networks
        .iter()
        .enumerate()
        .filter(|(k, _)| present[*k])
        .map(|(k, net)| (Some(k), net.name.as_str()))
        .collect();
    if spanning {
        legend.push((None, s.all_networks));
    }
    let mut legend_pos: Vec<(i64, i64)> = Vec::with_capacity(legend.len());
    let (mut lx, mut ly) = (MARGIN, MARGIN);
    for (_, name) in &legend {
        let w = SWATCH + 6 + (text_em(name) * LEGEND_FONT as f32).ceil() as i64;
        if lx > MARGIN && lx + w > width - MARGIN {
            lx = MARGIN;
            ly += LEGEND_ROW;
        }
        legend_pos.push((lx, ly));
        lx += w + 20;
    }
    let legend_bottom = if legend.is_empty() { MARGIN } else { ly + LEGEND_ROW };
    let head_y = legend_bottom + 16 + HEAD_FONT;
    let rule_y = head_y + 8;
    let body_y = rule_y + 14;
    let height = body_y + (layout.rows as i64 * PITCH - ROW_GAP).max(0) + MARGIN;

    let n_elements: usize = g.cols.iter().map(Vec::len).sum();
    let mut out = String::with_capacity((1024 + n_elements * 420 + g.edges * 90).min(spill_at.saturating_mul(2)));
    let title = format!("{} — {}", pb.config.title, s.tree);
    let mut desc = String::new();
    for (c, col) in g.cols.iter().enumerate() {
        let sep = match c {
            0 => "",
            3 => {
                if lang == Language::Fr {
                    " et "
                } else {
                    " and "
                }
            }
            _ => ", ",
        };
        desc.push_str(sep);
        desc.push_str(&count(col.len(), s.counts[c], lang));
    }
    let _ = write!(
        desc,
        ", {} ({}).",
        if lang == Language::Fr {
            "chacun relié à ce qu’il sert"
        } else {
            "each linked to what it serves"
        },
        count(g.edges, s.link, lang),
    );

    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="mb-graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="mb-graph-title mb-graph-desc" font-family="{FONTS}" font-size="{FONT}">"#
    );
    let _ = write!(
        out,
        "\n<title id=\"mb-graph-title\">{}</title>\n<desc id=\"mb-graph-desc\">{}</desc>\n",
        Esc(&title),
        Esc(&desc)
    );
    style(&mut out, pb, &present, spanning);
    let _ = writeln!(
        out,
        r#"<rect class="mb-bg" width="{width}" height="{height}" rx="8" fill="{BG}"/>"#
    );

    // Legend.
    if !legend.is_empty() {
        out.push_str("<g class=\"mb-legend\">\n");
        for ((k, name), (x, y)) in legend.iter().zip(&legend_pos) {
            let (stroke, fill, _, _) = colours(*k);
            let _ = writeln!(
                out,
                r#"<g class="mb-legend-item {}"><rect x="{x}" y="{y}" width="{SWATCH}" height="{SWATCH}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/><text x="{}" y="{}" fill="{TEXT}">{}</text></g>"#,
                NetClass(pb, *k),
                x + SWATCH + 6,
                y + SWATCH - 1,
                Esc(name)
            );
        }
        out.push_str("</g>\n");
    }

    // Column headings.
    let _ = writeln!(
        out,
        r#"<g class="mb-headings" font-size="{HEAD_FONT}" font-weight="600" fill="{TEXT}">"#
    );
    for c in 0..4 {
        let x = col_x(c);
        let _ = writeln!(
            out,
            r#"<text class="mb-heading mb-step-{}" x="{x}" y="{head_y}">{} <tspan class="mb-count" font-weight="400" fill="{MUTED}">{}</tspan></text><line class="mb-rule" x1="{x}" y1="{rule_y}" x2="{}" y2="{rule_y}" stroke="{RULE}"/>"#,
            Step::ALL[c].name(),
            Esc(s.headings[c]),
            g.cols[c].len(),
            x + BOX_W
        );
    }
    out.push_str("</g>\n");

    let top = |i: usize| body_y + (layout.row[i] * PITCH as f64).round() as i64;

    // Edges, under the boxes: from each element's left side to the right side
    // of what it serves.
    let _ = writeln!(
        out,
        r#"<g class="mb-edges" fill="none" stroke-width="1.5" stroke-opacity="0.55">"#
    );
    let bend = COL_GAP / 2;
    for c in 1..4 {
        let x1 = col_x(c);
        let x2 = col_x(c - 1) + BOX_W;
        for &i in &g.cols[c] {
            let y1 = top(i) + BOX_H / 2;
            for &p in &g.up[i] {
                let y2 = top(p) + BOX_H / 2;
                let (stroke, ..) = colours(g.net[i]);
                let _ = writeln!(
                    out,
                    r#"<path class="mb-edge {}" d="M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}" stroke="{stroke}"/>"#,
                    NetClass(pb, g.net[i]),
                    x1 - bend,
                    x2 + bend
                );
            }
            spill(&mut out, w, spill_at)?;
        }
    }
    out.push_str("</g>\n");

    // Boxes.
    let _ = writeln!(out, r#"<g class="mb-nodes" fill="{TEXT}">"#);
    let text_em_max = (BOX_W - 2 * PAD_X) as f32 / FONT as f32;
    for (c, col) in g.cols.iter().enumerate() {
        let step = Step::ALL[c];
        let x = col_x(c);
        let mission = step == Step::Mission;
        for &i in col {
            let e = &pb.elements[i];
            let y = top(i);
            let (stroke, fill, _, _) = colours(g.net[i]);
            let href = pb.urls.get(i).map_or("", String::as_str);
            let _ = write!(
                out,
                r#"<a href="{}{}" class="mb-node mb-step-{} {}"><title>{}</title><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="{RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="{}"/>"#,
                Esc(root),
                Esc(href),
                step.name(),
                NetClass(pb, g.net[i]),
                Esc(&e.title),
                if mission { "2" } else { "1.25" }
            );
            let lines = wrap(&e.title, if mission { text_em_max / BOLD } else { text_em_max });
            let first = y + BOX_H / 2 + FONT * 4 / 10 - (lines.len() as i64 - 1) * LINE_H / 2;
            out.push_str(if mission {
                "<text font-weight=\"700\">"
            } else {
                "<text>"
            });
            for (k, line) in lines.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<tspan x="{}" y="{}">{}</tspan>"#,
                    x + PAD_X,
                    first + k as i64 * LINE_H,
                    Esc(line)
                );
            }
            out.push_str("</text></a>\n");
            spill(&mut out, w, spill_at)?;
        }
    }
    out.push_str("</g>\n</svg>\n");
    w.write_all(out.as_bytes())
}

/// Hover and focus, and the dark palette.
fn style(out: &mut String, pb: &Playbook, present: &[bool], spanning: bool) {
    out.push_str("<style>\n");
    out.push_str(".mb-graph .mb-node:hover rect,.mb-graph .mb-node:focus rect{stroke-width:3px}\n");
    out.push_str(".mb-graph .mb-node:focus{outline:none}\n");
    out.push_str(".mb-graph .mb-node:hover text{text-decoration:underline}\n");
    let _ = writeln!(out, "@media (prefers-color-scheme: dark){{");
    let _ = writeln!(out, ".mb-graph .mb-bg{{fill:{DARK_BG}}}");
    let _ = writeln!(out, ".mb-graph text{{fill:{DARK_TEXT}}}");
    let _ = writeln!(out, ".mb-graph .mb-count{{fill:{DARK_MUTED}}}");
    let _ = writeln!(out, ".mb-graph .mb-rule{{stroke:{DARK_RULE}}}");
    let mut rule = |k: Option<usize>| {
        let (_, _, stroke, fill) = colours(k);
        let class = NetClass(pb, k);
        let _ = writeln!(
            out,
            ".mb-graph .{class} rect{{fill:{fill};stroke:{stroke}}}\n.mb-graph path.{class}{{stroke:{stroke}}}"
        );
    };
    for (k, _) in present.iter().enumerate().filter(|(_, p)| **p) {
        rule(Some(k));
    }
    if spanning {
        rule(None);
    }
    out.push_str("}\n</style>\n");
}

fn colours(net: Option<usize>) -> Colours {
    net.map_or(NEUTRAL, |k| PALETTE[k % PALETTE.len()])
}

/// `mb-net-<id>`, or `mb-all-networks` for elements spanning all networks.
struct NetClass<'a>(&'a Playbook, Option<usize>);

impl std::fmt::Display for NetClass<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some(k) = self.1 else {
            return f.write_str("mb-all-networks");
        };
        f.write_str("mb-net-")?;
        // Network ids are letters, digits, `-` and `_`; anything else would
        // break the class list or the CSS selector.
        for c in self.0.config.networks[k].id.chars() {
            f.write_char(if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            })?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ text

/// XML-escaped text; characters XML 1.0 forbids are dropped.
struct Esc<'a>(&'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        let mut start = 0;
        for (i, c) in s.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => continue,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "",
                _ => continue,
            };
            f.write_str(&s[start..i])?;
            f.write_str(rep)?;
            start = i + c.len_utf8();
        }
        f.write_str(&s[start..])
    }
}

/// Estimated advance of a character in a sans-serif system font, in ems
/// (erring wide, so that text fits).
fn char_em(c: char) -> f32 {
    // Calibrated on DejaVu Sans, the widest of the usual system fonts.
    match c {
        'i' | 'l' | 'j' | 'ı' | '\'' | '’' | '‘' | '.' | ',' | ':' | ';' | '!' | '|' | '·' => 0.3,
        ' ' | '\u{a0}' | '\u{202f}' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '/' | '-' | '"' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | '—' | '…' | 'Æ' | 'Œ' | 'æ' | 'œ' => 1.0,
        '0'..='9' => 0.64,
        c if is_wide(c) => 1.0,
        c if c.is_uppercase() => 0.74,
        c if c.is_lowercase() => 0.62,
        _ => 0.66,
    }
}

/// CJK, Hangul, full-width forms and emoji take a whole em.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD)
}

fn text_em(s: &str) -> f32 {
    s.chars().map(char_em).sum()
}

/// Splits `title` into at most [`MAX_LINES`] lines of at most `max` ems,
/// at spaces where it can; what does not fit ends the last line with "…".
fn wrap(title: &str, max: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::with_capacity(MAX_LINES);
    let mut words = title.split_whitespace().peekable();
    let space = char_em(' ');
    while lines.len() + 1 < MAX_LINES {
        let Some(&first) = words.peek() else { break };
        let mut line = String::new();
        let mut width = 0.0;
        if text_em(first) > max {
            // A word longer than a line: cut it.
            words.next();
            let (head, tail) = split_at_width(first, max);
            line.push_str(head);
            lines.push(line);
            // The rest of the word starts the next line.
            let rest: Vec<&str> = std::iter::once(tail).chain(words).collect();
            return finish(lines, &rest.join(" "), max);
        }
        while let Some(&w) = words.peek() {
            let ww = text_em(w);
            let extra = if line.is_empty() { ww } else { space + ww };
            if width + extra > max {
                break;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
            width += extra;
            words.next();
        }
        lines.push(line);
    }
    let rest: Vec<&str> = words.collect();
    finish(lines, &rest.join(" "), max)
}

/// Adds `rest` as the last line, cut with an ellipsis if it is too wide.
fn finish(mut lines: Vec<String>, rest: &str, max: f32) -> Vec<String> {
    if rest.is_empty() {
        if lines.is_empty() {
            lines.push(String::new());
        }
        return lines;
    }
    if text_em(rest) <= max {
        lines.push(rest.to_owned());
        return lines;
    }
    let (head, _) = split_at_width(rest, max - char_em('…'));
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—(/«\"'’".contains(c));
    lines.push(format!("{head}…"));
    lines
}

/// The longest prefix of `s` at most `max` ems wide (at least one character),
/// and the rest.
fn split_at_width(s: &str, max: f32) -> (&str, &str) {
    let mut width = 0.0;
    for (i, c) in s.char_indices() {
        width += char_em(c);
        if width > max && i > 0 {
            return (&s[..i], &s[i..]);
        }
    }
    (s, "")
}

// ------------------------------------------------------------------ tests

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::Pos;
    use crate::markdown::scan::Scan;
    use crate::model::{Config, Element, HtmlPolicy, Network, Spans, StepData, Tactic};
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// `(id, step, network, title, serves)`.
    type Item = (String, Step, Option<&'static str>, String, Vec<usize>);

    fn playbook(nets: &[&str], items: &[Item], lang: Language) -> Playbook {
        let n = items.len();
        let elements: Vec<Element> = items
            .iter()
            .map(|(id, step, net, title, _)| Element {
                id: id.clone(),
                key: id.to_lowercase(),
                file: format!("content/{id}.md"),
                step: *step,
                title: title.clone(),
                network: net.map(str::to_owned),
                serves: Vec::new(),
                owner: None,
                tags: Vec::new(),
                draft: false,
                extra: serde_json::Value::Null,
                text: Arc::from(""),
                body_offset: 0,
                body_line: 1,
                data: StepData::Tactic(Tactic::default()),
                spans: Spans::default(),
            })
            .collect();
        let serves: Vec<Vec<usize>> = items.iter().map(|it| it.4.clone()).collect();
        let mut served_by = vec![Vec::new(); n];
        for (i, s) in serves.iter().enumerate() {
            for &p in s {
                served_by[p].push(i);
            }
        }
        Playbook {
            root: PathBuf::new(),
            config: Config {
                title: "Test & <co>".to_owned(),
                description: None,
                language: lang,
                base_url: None,
                timezone: "UTC".to_owned(),
                theme: "default".to_owned(),
                html: HtmlPolicy::Sanitize,
                networks: nets
                    .iter()
                    .map(|id| Network {
                        id: (*id).to_owned(),
                        name: id.to_uppercase(),
                        url: None,
                        pos: Pos::START,
                    })
                    .collect(),
                lints: BTreeMap::new(),
                extra: serde_json::Value::Null,
            },
            urls: items.iter().map(|it| format!("{}.html", it.0)).collect(),
            elements,
            serves,
            served_by,
            scans: (0..n).map(|_| Scan::default()).collect(),
            links: vec![Vec::new(); n],
            backlinks: vec![Vec::new(); n],
            sources: HashMap::new(),
            contested: vec![false; n],
            line_index: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
            suggestions_left: crate::resolve::SUGGESTIONS.into(),
        }
    }

    fn item(id: &str, step: Step, net: Option<&'static str>, serves: &[usize]) -> Item {
        (id.to_owned(), step, net, format!("Title of {id}"), serves.to_vec())
    }

    /// A deterministic playbook of `n` elements on four networks, shaped like
    /// a real one: a mission per network, ~6 % objectives, ~20 % strategies,
    /// the rest tactics; some elements serve two.
    fn large(n: usize) -> Playbook {
        const NETS: [&str; 4] = ["linkedin", "x", "facebook", "instagram"];
        let mut seed: u64 = 42;
        let mut rnd = |m: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % m
        };
        let mut items = Vec::with_capacity(n);
        let mut by: [[Vec<usize>; 4]; 4] = Default::default();
        let counts = [
            NETS.len(),
            n * 6 / 100,
            n * 20 / 100,
            n - NETS.len() - n * 6 / 100 - n * 20 / 100,
        ];
        for (s, &count) in counts.iter().enumerate() {
            for k in 0..count {
                let net = k % NETS.len();
                let step = Step::ALL[s];
                let mut serves = Vec::new();
                if s > 0 {
                    let parents = &by[s - 1][net];
                    serves.push(parents[rnd(parents.len())]);
                    if rnd(10) == 0 {
                        let other = parents[rnd(parents.len())];
                        if other != serves[0] {
                            serves.push(other);
                        }
                    }
                }
                by[s][net].push(items.len());
                items.push((
                    format!("{}/{}/{k}", NETS[net], step.name()),
                    step,
                    Some(NETS[net]),
                    format!("A fairly long {} title number {k}, with words & <marks>", step.name()),
                    serves,
                ));
            }
        }
        playbook(&NETS, &items, Language::En)
    }

    fn small() -> Playbook {
        use Step::*;
        let items = vec![
            item("mission", Mission, None, &[]),
            item("li/mission", Mission, Some("li"), &[]),
            item("x/mission", Mission, Some("x"), &[]),
            item("li/o1", Objective, Some("li"), &[1]),
            item("x/o1", Objective, Some("x"), &[2]),
            item("o-all", Objective, None, &[0]),
            item("li/s1", Strategy, Some("li"), &[3, 5]),
            item("x/s1", Strategy, Some("x"), &[4]),
            item("x/t1", Tactic, Some("x"), &[7]),
            item("li/t1", Tactic, Some("li"), &[6]),
            item("li/t2", Tactic, Some("li"), &[6]),
        ];
        playbook(&["li", "x"], &items, Language::En)
    }

    #[test]
    fn escapes_and_drops_forbidden_characters() {
        assert_eq!(
            Esc("<script>alert('x' & \"y\")</script>\u{1}\n").to_string(),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;\n"
        );
        assert_eq!(Esc("plain é").to_string(), "plain é");
    }

    #[test]
    fn wraps_on_two_lines_and_cuts_with_an_ellipsis() {
        assert_eq!(wrap("Short", 17.5), vec!["Short"]);
        let long = "Rotation hebdomadaire des annonces « avant/après », le lundi à 9 h et aussi le mardi";
        let lines = wrap(long, 17.5);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        for l in &lines {
            assert!(text_em(l) <= 17.5, "{l}");
        }
        let word = "a".repeat(100);
        let lines = wrap(&word, 17.5);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("", 17.5), vec![""]);
        // A word too long for a line is cut, and the text goes on below.
        let lines = wrap("Supercalifragilistic and more", 9.0);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("Supercal"), "{lines:?}");
        assert!(lines[1].ends_with("and more"), "{lines:?}");
        assert_eq!(format!("{}{}", lines[0], lines[1]), "Supercalifragilistic and more");
    }

    #[test]
    fn one_link_per_element_one_path_per_edge() {
        let pb = small();
        let svg = graph_svg(&pb, &|_| true, "../", Language::En);
        assert_eq!(svg.matches("<a href=").count(), 11);
        assert_eq!(svg.matches("<path ").count(), 9);
        assert!(svg.contains(r#"<a href="../li/t1.html""#));
        assert!(svg.contains("mb-net-li"));
        assert!(svg.contains("mb-all-networks"));
        assert!(svg.contains("mb-step-mission"));
        assert!(svg.contains("prefers-color-scheme: dark"));
        assert!(svg.contains("Test &amp; &lt;co&gt; — MOST tree"));
        assert!(svg.contains(
            "3 missions, 3 objectives, 2 strategies and 3 tactics, each linked to what it serves (9 links)."
        ));
        // Nothing to fetch: the only URL is the SVG namespace.
        assert_eq!(svg.matches("http").count(), 1);
    }

    #[test]
    fn include_filters_elements_and_their_edges() {
        let pb = small();
        let x = |i: usize| pb.elements[i].network.as_deref() == Some("x");
        let svg = graph_svg(&pb, &x, "", Language::Fr);
        assert_eq!(svg.matches("<a href=").count(), 4);
        assert_eq!(svg.matches("<path ").count(), 3);
        assert!(!svg.contains("li/"));
        assert!(svg.contains("Tactiques"));
        assert!(svg.contains("Stratégies"));
        assert!(!svg.contains("Tous les réseaux"));
    }

    #[test]
    fn deterministic() {
        let pb = large(600);
        let a = graph_svg(&pb, &|_| true, "", Language::En);
        let b = graph_svg(&pb, &|_| true, "", Language::En);
        assert_eq!(a, b);
    }

    #[test]
    fn a_tree_has_no_crossings_and_parents_sit_by_their_children() {
        use Step::*;
        // Written in an order that would cross if kept.
        let items = vec![
            item("m", Mission, None, &[]),
            item("o2", Objective, None, &[0]),
            item("o1", Objective, None, &[0]),
            item("s-b", Strategy, None, &[1]),
            item("s-a", Strategy, None, &[2]),
            item("s-c", Strategy, None, &[1]),
            item("t1", Tactic, None, &[5]),
            item("t2", Tactic, None, &[4]),
            item("t3", Tactic, None, &[3]),
            item("t4", Tactic, None, &[4]),
        ];
        let pb = playbook(&[], &items, Language::En);
        let g = Graph::new(&pb, &|_| true);
        assert_eq!(g.crossings(), 0);
        let layout = g.layout();
        // Each strategy is within its tactics' rows.
        for &s in &g.cols[2] {
            let rows: Vec<f64> = g.down[s].iter().map(|&t| layout.row[t]).collect();
            let lo = rows.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = rows.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            assert!(lo <= layout.row[s] && layout.row[s] <= hi, "{rows:?} {}", layout.row[s]);
        }
        // Rows in a column never overlap.
        for col in &g.cols {
            for w in col.windows(2) {
                assert!(layout.row[w[1]] >= layout.row[w[0]] + 1.0);
            }
        }
    }

    #[test]
    fn crossings_are_counted() {
        use Step::*;
        // m1 m2 on the left, o1 serving m2 and o2 serving m1, kept in that order: one crossing.
        let items = vec![
            item("m1", Mission, None, &[]),
            item("m2", Mission, None, &[]),
            item("o1", Objective, None, &[1]),
            item("o2", Objective, None, &[0]),
        ];
        let pb = playbook(&[], &items, Language::En);
        let mut g = Graph::new(&pb, &|_| true);
        assert_eq!(g.crossings(), 0);
        g.cols[1].reverse();
        g.rerank();
        assert_eq!(g.crossings(), 1);
    }

    /// Records how a file was written, in pieces.
    #[derive(Default)]
    struct Pieces(Vec<Vec<u8>>);

    impl std::io::Write for Pieces {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn written_as_drawn_it_is_the_same_document() {
        let pb = large(2_000);
        let whole = graph_svg(&pb, &|_| true, "../", Language::En);
        assert!(whole.len() > 4 * SPILL, "{}", whole.len());
        let mut pieces = Pieces::default();
        write_graph_svg(&pb, &|_| true, "../", Language::En, &mut pieces).unwrap();
        assert!(pieces.0.len() >= 4, "{} pieces", pieces.0.len());
        assert!(pieces.0.iter().all(|p| p.len() < 2 * SPILL));
        assert_eq!(String::from_utf8(pieces.0.concat()).unwrap(), whole);
        // A writer that fails fails the drawing.
        let mut full = [0u8; 100];
        assert!(write_graph_svg(&pb, &|_| true, "", Language::En, &mut &mut full[..]).is_err());
    }

    #[test]
    fn empty_graph_is_still_a_document() {
        let pb = playbook(&["li"], &[], Language::En);
        let svg = graph_svg(&pb, &|_| true, "", Language::En);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("0 missions"));
    }

    #[test]
    fn ten_thousand_elements_in_linear_size_and_time() {
        let small = large(1_000);
        let big = large(10_000);
        // The faster of three runs, to keep a busy machine out of the timing.
        let time = |pb: &Playbook| {
            let mut best = std::time::Duration::MAX;
            let mut svg = String::new();
            for _ in 0..3 {
                let t = std::time::Instant::now();
                svg = graph_svg(pb, &|_| true, "../../", Language::En);
                best = best.min(t.elapsed());
            }
            (svg, best)
        };
        let (a, ta) = time(&small);
        let (b, tb) = time(&big);
        assert_eq!(b.matches("<a href=").count(), 10_000);
        let ratio = b.len() as f64 / a.len() as f64;
        eprintln!(
            "1k: {} bytes in {ta:?}; 10k: {} bytes in {tb:?}; ratio {ratio:.2}; {} bytes/element",
            a.len(),
            b.len(),
            b.len() / 10_000
        );
        assert!(ratio < 11.0, "size grows faster than linearly: {ratio}");
        assert!(b.len() / 10_000 < 800, "{} bytes per element", b.len() / 10_000);
        // The height is one fixed row per element of the tallest column.
        let tactics = big.by_step(Step::Tactic).count() as i64;
        assert!(b.contains(&format!(" viewBox=\"0 0 {} ", MARGIN * 2 + 4 * BOX_W + 3 * COL_GAP)));
        let h: i64 = b
            .split("height=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(h < (tactics + 4) * PITCH, "{h}");
        // Linear time, loosely: 10x the elements in well under the 100x
        // time a quadratic loop would take.
        assert!(tb < ta * 30 + std::time::Duration::from_millis(300), "{ta:?} vs {tb:?}");
    }
}
