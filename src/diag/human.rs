//! Diagnostics as a compiler prints them (rendered by annotate-snippets).

use super::{Diagnostic, Diagnostics, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::HashMap;

/// Renders every diagnostic like rustc. `sources` maps a file (as in
/// [`Diagnostic::file`]) to its text; `color` asks for ANSI styles.
pub fn render_human(ds: &Diagnostics, sources: &HashMap<String, String>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in &ds.list {
        out.push_str(&render_one(&renderer, d, sources.get(&d.file).map(String::as_str)));
        out.push_str("\n\n");
    }
    out
}

fn render_one(renderer: &Renderer, d: &Diagnostic, source: Option<&str>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let line_no = d.pos.line.max(1) as usize;
    let line_text = source
        .and_then(|s| s.lines().nth(line_no - 1))
        .map(|l| l.strip_prefix('\u{feff}').unwrap_or(l))
        .map(|l| l.trim_end_matches('\r'))
        .unwrap_or("");
    // Columns count characters; annotate-snippets wants a byte range.
    let start = byte_at(line_text, d.pos.col.max(1) as usize - 1);
    let end = byte_at(line_text, d.pos.col.max(1) as usize - 1 + d.width.max(1) as usize).max(start);
    let snippet = Snippet::source(line_text)
        .line_start(line_no)
        .path(d.file.as_str())
        .annotation(AnnotationKind::Primary.span(start..end));
    let mut group = level
        .primary_title(d.message.as_str())
        .id(d.rule.name())
        .element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let report: &[Group] = &[group];
    renderer.render(report)
}

/// Byte offset of the `n`-th character (clamped to the end of the line).
fn byte_at(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
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
}
