//! Reading typed values out of a [`Node`] tree, reporting every problem.
//!
//! Shared by `playbook.yaml` and front-matter: each getter returns `None`
//! after pushing a diagnostic at the value's position in the file.

use super::yaml::{Node, Pos, Value};
use crate::diag::{Diagnostic, Rule, did_you_mean, one_of};
use jiff::civil::{Date, Time};

pub struct Reader<'a> {
    pub file: &'a str,
    /// The YAML text, to measure the width of a value for the caret.
    yaml: &'a str,
    /// Added to YAML line numbers to get file line numbers.
    line_offset: u32,
    /// The rule used for type and value errors (`invalid-value`, or `invalid-config`).
    value_rule: Rule,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a str, yaml: &'a str, first_line: u32, value_rule: Rule) -> Self {
        Reader {
            file,
            yaml,
            line_offset: first_line.saturating_sub(1),
            value_rule,
            diags: Vec::new(),
        }
    }

    /// A node's position in the file.
    pub fn pos(&self, node: &Node) -> Pos {
        Pos::new(node.pos.line.saturating_add(self.line_offset), node.pos.col)
    }

    /// How many characters the node's text spans on its line.
    fn width(&self, node: &Node) -> usize {
        // What follows the value on its line, at most `WINDOW` bytes: a thousand values on
        // one long line must not cost a thousand scans of it.
        const WINDOW: usize = 512;
        let owned: String;
        let rest: &str = match node.byte.filter(|&b| self.yaml.is_char_boundary(b)) {
            Some(b) => {
                let tail = &self.yaml[b..];
                let mut end = tail.find('\n').unwrap_or(tail.len()).min(WINDOW);
                while !tail.is_char_boundary(end) {
                    end -= 1;
                }
                &tail[..end]
            }
            None => {
                let Some(line) = self.yaml.lines().nth(node.pos.line.saturating_sub(1) as usize) else {
                    return 1;
                };
                owned = line
                    .chars()
                    .skip(node.pos.col.saturating_sub(1) as usize)
                    .take(WINDOW)
                    .collect();
                &owned
            }
        };
        let rest = rest.trim_end_matches('\r');
        match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..]
                .find(q)
                .map_or(rest.chars().count(), |i| rest[..i + 2].chars().count()),
            Some('[' | '{') | None => 1,
            Some(_) => match &node.value {
                Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                    // A plain scalar ends at a flow indicator, a comment, or `: ` (it was a key).
                    let mut end = rest.find([',', ']', '}', '#']).unwrap_or(rest.len());
                    if let Some(k) = rest.find(": ").filter(|&k| k < end) {
                        end = k;
                    } else if rest[..end].trim_end().ends_with(':') {
                        end = rest[..end].trim_end().len() - 1;
                    }
                    rest[..end].trim_end().chars().count().max(1)
                }
                _ => 1,
            },
        }
    }

    pub fn report(&mut self, rule: Rule, node: &Node, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::new(rule, self.file, self.pos(node), message).width(self.width(node));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    pub fn report_at(&mut self, rule: Rule, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(rule, self.file, pos, message));
        self.diags.last_mut().expect("just pushed")
    }

    fn invalid(&mut self, field: &str, node: &Node, expected: &str) {
        let rule = self.value_rule;
        self.report(
            rule,
            node,
            format!("`{field}` must be {expected}, found {}", node.value.kind()),
        );
    }

    /// The entries of a mapping; unknown keys are reported (`rule`) with a did-you-mean.
    /// `other_fields` names keys that exist elsewhere, with the help to give for them.
    pub fn entries<'n>(
        &mut self,
        what: &str,
        node: &'n Node,
        known: &[&str],
        unknown_rule: Rule,
        other_fields: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<(&'n str, &'n Node)> {
        let entries = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => return Vec::new(),
            _ => {
                let rule = self.value_rule;
                self.report(
                    rule,
                    node,
                    format!("{what} must be a mapping of `key: value`, found {}", node.value.kind()),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                let rule = self.value_rule;
                self.report(
                    rule,
                    k,
                    format!("keys of {what} must be text, found {}", k.value.kind()),
                );
                continue;
            };
            if known.contains(&key) {
                out.push((key, v));
                continue;
            }
            let help = other_fields(key).or_else(|| {
                did_you_mean(key, known.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("expected one of {}", one_of(known))))
            });
            self.report(unknown_rule, k, format!("unknown field `{key}` in {what}"))
                .help = help;
        }
        out
    }

    /// Text; numbers and booleans are taken as written. Null gives `None` silently.
    pub fn string(&mut self, field: &str, node: &Node) -> Option<String> {
        match &node.value {
            Value::Null => None,
            Value::Seq(_) | Value::Map(_) => {
                self.invalid(field, node, "text");
                None
            }
            _ => node.as_scalar_text(),
        }
    }

    pub fn bool(&mut self, field: &str, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            _ => {
                self.invalid(field, node, "`true` or `false`");
                None
            }
        }
    }

    pub fn number(&mut self, field: &str, node: &Node) -> Option<f64> {
        match node.value {
            Value::Null => None,
            _ => node.as_f64().or_else(|| {
                self.invalid(field, node, "a number");
                None
            }),
        }
    }

    /// One of `allowed`, with a did-you-mean.
    pub fn choice(&mut self, field: &str, node: &Node, allowed: &[&str]) -> Option<String> {
        let text = self.string(field, node)?;
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        let help = match did_you_mean(&text, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? expected one of {}", one_of(allowed)),
            None => format!("expected one of {}", one_of(allowed)),
        };
        let rule = self.value_rule;
        self.report(rule, node, format!("`{text}` is not a valid `{field}`"))
            .help = Some(help);
        None
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, field: &str, node: &Node) -> Option<Date> {
        let text = self.string(field, node)?;
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(why) => {
                let rule = self.value_rule;
                self.report(rule, node, format!("`{text}` is not a valid date for `{field}`: {why}"))
                    .help = Some("dates are written `YYYY-MM-DD`, e.g. `2027-03-31`".to_owned());
                None
            }
        }
    }

    /// An `HH:MM` time.
    pub fn time(&mut self, field: &str, node: &Node) -> Option<Time> {
        let text = self.string(field, node)?;
        match parse_time(&text) {
            Some(t) => Some(t),
            None => {
                let rule = self.value_rule;
                self.report(rule, node, format!("`{text}` is not a valid time for `{field}`"))
                    .help = Some("times are written `HH:MM` on a 24-hour clock, e.g. `18:30`".to_owned());
                None
            }
        }
    }

    /// An absolute `http(s)://` address (a page on the web, shown as a link).
    pub fn web_url(&mut self, field: &str, node: &Node) -> Option<String> {
        let text = self.string(field, node)?;
        let lower = text.trim().to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://")) && !text.contains(char::is_whitespace) {
            return Some(text.trim().to_owned());
        }
        let rule = self.value_rule;
        self.report(rule, node, format!("`{text}` is not a web address for `{field}`"))
            .help = Some(
            "write an absolute address starting with `https://`, e.g. `https://www.linkedin.com/company/…`".to_owned(),
        );
        None
    }

    /// A list; a single value stands for a list of one.
    pub fn list<'n, T>(&mut self, node: &'n Node, mut item: impl FnMut(&mut Self, &'n Node) -> Option<T>) -> Vec<T> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => items.iter().filter_map(|n| item(self, n)).collect(),
            _ => item(self, node).into_iter().collect(),
        }
    }
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("expected `YYYY-MM-DD`".to_owned());
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    Date::new(y, m as i8, d as i8).map_err(|_| format!("there is no day {d} in that month"))
}

pub fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?);
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2027-03-31").is_ok());
        assert_eq!(parse_date("2027-13-01").unwrap_err(), "there is no month 13");
        assert!(parse_date("2027-02-30").unwrap_err().contains("day 30"));
        assert!(parse_date("27-1-1").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("18:30"), Some(Time::new(18, 30, 0, 0).unwrap()));
        assert_eq!(parse_time("8:05"), Some(Time::new(8, 5, 0, 0).unwrap()));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("18h30"), None);
    }

    #[test]
    fn width_of_quoted_and_plain_values() {
        let yaml = "title: \"Été 2027\"\nserves: [a, bcd]\n";
        let doc = super::super::yaml::parse(yaml).unwrap();
        let r = Reader::new("x.md", yaml, 2, Rule::InvalidValue);
        let Value::Map(e) = &doc.value else { panic!() };
        assert_eq!(r.width(&e[0].1), 10);
        let Value::Seq(items) = &e[1].1.value else { panic!() };
        assert_eq!(r.width(&items[1]), 3);
        assert_eq!(r.pos(&items[1]), Pos::new(3, 13));
        // A key is underlined up to its colon; a time keeps its own.
        assert_eq!(r.width(&e[0].0), 5);
        let yaml = "time: 18:30\nurl: https://x.org\n";
        let doc = super::super::yaml::parse(yaml).unwrap();
        let r = Reader::new("x.md", yaml, 1, Rule::InvalidValue);
        let Value::Map(e) = &doc.value else { panic!() };
        assert_eq!(r.width(&e[0].1), 5);
        assert_eq!(r.width(&e[1].1), 13);
    }
}
