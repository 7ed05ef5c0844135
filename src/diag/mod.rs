//! Diagnostics: every problem mostbook finds, with its rule, place and fix.
//!
//! Rules are named as in SPEC §2. Loading, resolving and checking push
//! [`Diagnostic`]s into a [`Diagnostics`] list; the lint levels of
//! `playbook.yaml` are applied once at the end ([`Diagnostics::finish`]).

mod github;
mod human;
mod json;
mod rule;

pub use github::render_github;
pub use human::{render_human, summary_line};
pub use json::{Item as JsonItem, render_json};
pub use rule::{Level, Rule};

use crate::load::yaml::Pos;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// Relative to the playbook folder, `/`-separated.
    pub file: String,
    pub pos: Pos,
    /// How many characters the caret underlines (at least one).
    pub width: u32,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: Rule, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file: file.to_owned(),
            pos,
            width: 1,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = u32::try_from(width.max(1)).unwrap_or(1);
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// The diagnostics of one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(ds);
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.list.iter().filter(|d| d.severity == s).count()
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    /// Applies lint levels (warnings only: errors cannot be lowered), drops
    /// allowed ones and duplicates, and sorts by file and position.
    pub fn finish(&mut self, lints: &BTreeMap<Rule, Level>) {
        self.list.retain_mut(|d| {
            if d.severity == Severity::Error {
                return true;
            }
            match lints.get(&d.rule) {
                Some(Level::Allow) => false,
                Some(Level::Deny) => {
                    d.severity = Severity::Error;
                    true
                }
                Some(Level::Warn) | None => true,
            }
        });
        self.list.sort_by(|a, b| {
            (&a.file, a.pos, a.rule.name(), &a.message).cmp(&(&b.file, b.pos, b.rule.name(), &b.message))
        });
        self.list.dedup();
    }
}

/// How many characters the value at `pos` in `text` spans on its line (a quoted
/// string with its quotes; a plain value up to a comment or flow indicator).
pub fn value_width(text: &str, pos: Pos) -> usize {
    let Some(line) = text.lines().nth(pos.line.saturating_sub(1) as usize) else {
        return 1;
    };
    let rest: String = line.chars().skip(pos.col.saturating_sub(1) as usize).collect();
    let rest = rest.trim_end_matches('\r');
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(1, |i| rest[..i + 2].chars().count()),
        Some(_) => {
            let end = rest.find([',', ']', '}', '#']).unwrap_or(rest.len());
            rest[..end].trim_end().chars().count().max(1)
        }
        None => 1,
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    let mut lower = String::new();
    best_match(candidates.into_iter().map(|c| {
        lower.clear();
        lower.extend(c.chars().flat_map(char::to_lowercase));
        (strsim::jaro_winkler(&word_l, &lower), c)
    }))
}

/// The closest of already-lowercase `candidates` to the lowercase `word`, without allocating.
pub fn did_you_mean_lower<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    best_match(candidates.into_iter().map(|c| (strsim::jaro_winkler(word, c), c)))
}

fn best_match<'a>(scored: impl Iterator<Item = (f64, &'a str)>) -> Option<&'a str> {
    scored
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// "`a`, `b` or `c`" (or "… ou …" is the interface's business; diagnostics are English).
pub fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        let c = ["coulisses", "webinaire", "etude-de-cas"];
        assert_eq!(did_you_mean("coulises", c), Some("coulisses"));
        assert_eq!(did_you_mean("tittle", ["title", "tags"]), Some("title"));
        assert_eq!(did_you_mean("zzz", c), None);
    }

    #[test]
    fn lints_deny_and_allow_warnings_but_never_lower_errors() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::new(Rule::DeadEnd, "a.md", Pos::START, "x"));
        ds.push(Diagnostic::new(Rule::NoFormat, "a.md", Pos::START, "y"));
        ds.push(Diagnostic::new(Rule::BrokenLink, "a.md", Pos::START, "z"));
        let lints = BTreeMap::from([(Rule::DeadEnd, Level::Deny), (Rule::NoFormat, Level::Allow)]);
        ds.finish(&lints);
        assert_eq!(ds.errors(), 2);
        assert_eq!(ds.warnings(), 0);
        assert_eq!(ds.list.len(), 2);
    }
}
