//! Diagnostics as a compiler prints them (rendered by annotate-snippets).

use super::{Diagnostic, Diagnostics, Severity};
use crate::position::LineIndex;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::HashMap;

/// At most this many diagnostics of one rule in one file are shown in full;
/// the others are counted in one note (`--format json` lists them all). A
/// generated or pasted file can break thousands of links at once: past a
/// screenful, more of the same helps nobody and costs minutes to print.
pub const SHOWN_PER_RULE_AND_FILE: usize = 50;

/// Renders every diagnostic like rustc. `sources` maps a file (as in
/// [`Diagnostic::file`]) to its text; `color` asks for ANSI styles.
pub fn render_human(ds: &Diagnostics, sources: &HashMap<String, String>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut hidden: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    // Built once per file and per line shown: many diagnostics on one long line stay cheap.
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    let mut lines: HashMap<(&str, usize), (&str, Vec<usize>)> = HashMap::new();
    for d in &ds.list {
        let n = seen.entry((d.file.as_str(), d.rule.name())).or_insert(0);
        *n += 1;
        if *n > SHOWN_PER_RULE_AND_FILE {
            *hidden.entry((d.file.as_str(), d.rule.name())).or_insert(0) += 1;
            continue;
        }
        let line_no = d.pos.line.max(1) as usize;
        let (text, bytes) = match sources.get(&d.file) {
            Some(src) => {
                let ix = indexes.entry(d.file.as_str()).or_insert_with(|| LineIndex::new(src));
                let entry = lines.entry((d.file.as_str(), line_no)).or_insert_with(|| {
                    let l = ix.line(src, line_no);
                    let l = l.strip_prefix('\u{feff}').unwrap_or(l);
                    (l, l.char_indices().map(|(b, _)| b).collect())
                });
                (entry.0, entry.1.as_slice())
            }
            None => ("", &[][..]),
        };
        out.push_str(&render_one(&renderer, color, d, text, bytes));
        out.push_str("\n\n");
    }
    for ((file, rule), n) in hidden {
        let note = if color { "\x1b[1mnote\x1b[0m" } else { "note" };
        out.push_str(&format!(
            "{note}: {n} more `{rule}` in {file} not shown (the first {SHOWN_PER_RULE_AND_FILE} are above; `mostbook check --format json` lists them all)\n\n"
        ));
    }
    out
}

/// Characters shown on each side of the caret when a source line is long.
const CONTEXT: usize = 60;

/// `line` is the source line; `bytes` the byte offset of each of its characters.
fn render_one(renderer: &Renderer, color: bool, d: &Diagnostic, line: &str, bytes: &[usize]) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let line_no = d.pos.line.max(1) as usize;
    let byte_at = |n: usize| bytes.get(n).copied().unwrap_or(line.len());
    let col = d.pos.col.max(1) as usize - 1;
    let width = (d.width.max(1) as usize).min(2 * CONTEXT);
    // A long line is cropped around the caret, marked with `…` at the cut ends.
    let (from, to) = (col.saturating_sub(CONTEXT), (col + width + CONTEXT).min(bytes.len()));
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    let prefix = shown.len();
    shown.push_str(&line[byte_at(from)..byte_at(to).max(byte_at(from))]);
    if to < bytes.len() {
        shown.push('…');
    }
    // Columns count characters; annotate-snippets wants a byte range.
    let start = prefix + byte_at(col).saturating_sub(byte_at(from)).min(shown.len() - prefix);
    let end = (prefix + byte_at(col + width).saturating_sub(byte_at(from))).clamp(start, shown.len());
    let snippet = Snippet::source(shown.as_str())
        .line_start(line_no)
        .annotation(AnnotationKind::Primary.span(start..end));
    let mut group = level
        .primary_title(d.message.as_str())
        .id(d.rule.name())
        .element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let report: &[Group] = &[group];
    let rendered = renderer.render(report);
    // The `-->` line is ours: it states the true column even when the line shown is cropped.
    let gutter = " ".repeat(line_no.to_string().len());
    let arrow = if color { "\x1b[1m\x1b[94m-->\x1b[0m" } else { "-->" };
    let origin = format!("{gutter}{arrow} {}:{}:{}", d.file, line_no, col + 1);
    match rendered.split_once('\n') {
        Some((title, rest)) => format!("{title}\n{origin}\n{rest}"),
        None => format!("{rendered}\n{origin}"),
    }
}

/// The closing line of `check` and `build`.
pub fn summary_line(ds: &Diagnostics) -> String {
    let (e, w) = (ds.errors(), ds.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (e, w) {
        (0, 0) => "no problems found".to_owned(),
        (0, w) => format!("warning: found {}", plural(w, "warning")),
        (e, 0) => format!("error: found {}", plural(e, "error")),
        (e, w) => format!("error: found {} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;
    use crate::load::yaml::Pos;

    #[test]
    fn looks_like_rustc() {
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::new(
                Rule::UnknownReference,
                "content/x/tactics/t.md",
                Pos::new(4, 9),
                "`coulises` names no element",
            )
            .width(8)
            .help("did you mean `coulisses`?"),
        );
        let sources = HashMap::from([(
            "content/x/tactics/t.md".to_owned(),
            "---\nstep: tactic\ntitle: Été\nserves: coulises\n---\n".to_owned(),
        )]);
        let out = render_human(&ds, &sources, false);
        assert!(
            out.contains("error[unknown-reference]: `coulises` names no element"),
            "{out}"
        );
        assert!(out.contains("--> content/x/tactics/t.md:4:9"), "{out}");
        assert!(out.contains("4 | serves: coulises"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains("= help: did you mean `coulisses`?"), "{out}");
    }

    #[test]
    fn many_diagnostics_of_one_rule_in_one_file_are_counted_past_the_first_ones() {
        let mut ds = Diagnostics::default();
        for k in 0..SHOWN_PER_RULE_AND_FILE + 7 {
            ds.push(Diagnostic::new(
                Rule::BrokenLink,
                "a.md",
                Pos::new(1, 1),
                format!("broken {k}"),
            ));
        }
        ds.push(Diagnostic::new(Rule::BrokenAnchor, "a.md", Pos::new(1, 1), "anchor"));
        ds.push(Diagnostic::new(Rule::BrokenLink, "b.md", Pos::new(1, 1), "other file"));
        let out = render_human(&ds, &HashMap::new(), false);
        assert_eq!(out.matches("error[broken-link]").count(), SHOWN_PER_RULE_AND_FILE + 1);
        assert!(
            out.contains(&format!("broken {}", SHOWN_PER_RULE_AND_FILE - 1)),
            "{out}"
        );
        assert!(!out.contains(&format!("broken {}", SHOWN_PER_RULE_AND_FILE)), "{out}");
        assert!(
            out.contains("warning[broken-anchor]") && out.contains("other file"),
            "{out}"
        );
        assert!(out.contains("note: 7 more `broken-link` in a.md not shown"), "{out}");
        assert_eq!(out.matches("note:").count(), 1, "{out}");
    }

    #[test]
    fn long_lines_are_cropped_around_the_caret() {
        let line = format!("{}[x](nope.md){}", "a".repeat(500), "b".repeat(500));
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::new(Rule::BrokenLink, "c.md", Pos::new(1, 501), "broken").width(12));
        let sources = HashMap::from([("c.md".to_owned(), line)]);
        let out = render_human(&ds, &sources, false);
        let shown = out.lines().find(|l| l.contains("[x](nope.md)")).unwrap();
        assert!(shown.contains('…') && shown.len() < 200, "{out}");
        let caret = out.lines().find(|l| l.contains("^^^^^^^^^^^^")).unwrap();
        let chars_before = |l: &str, i: usize| l[..i].chars().count();
        assert_eq!(
            chars_before(caret, caret.find('^').unwrap()),
            chars_before(shown, shown.find("[x]").unwrap()),
            "{out}"
        );
        assert!(out.contains("--> c.md:1:501"), "the true column: {out}");
    }
}
