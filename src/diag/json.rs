//! `check --format json`: one document, as SPEC §3 describes.

use super::Diagnostics;
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Item<'a>>,
}

/// One diagnostic as JSON: the shape of `check --format json` and of `playbook.json`.
#[derive(Serialize)]
pub struct Item<'a> {
    severity: super::Severity,
    rule: &'static str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    help: Option<&'a str>,
}

impl<'a> From<&'a super::Diagnostic> for Item<'a> {
    fn from(d: &'a super::Diagnostic) -> Self {
        Item {
            severity: d.severity,
            rule: d.rule.name(),
            message: &d.message,
            file: &d.file,
            line: d.pos.line,
            column: d.pos.col,
            help: d.help.as_deref(),
        }
    }
}

pub fn render_json(ds: &Diagnostics) -> String {
    let doc = Doc {
        errors: ds.errors(),
        warnings: ds.warnings(),
        diagnostics: ds.list.iter().map(Item::from).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
