//! A YAML document as a tree of values that each know their line and column.
//!
//! Front-matter and `playbook.yaml` are parsed into this tree first, then
//! validated field by field, so that one run reports every problem at the
//! exact place of the offending value (serde's derive stops at the first).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A position in a text: 1-based line and column (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// A YAML value and where it stands in its document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Byte offset of the value in its document, when the parser knows it.
    pub byte: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the value's kind, for messages ("expected a list, found a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The value as text when it is a scalar (numbers and booleans as written).
    pub fn as_scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Converts to JSON for templates (`extra`). Keys are stringified.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => s.clone().into(),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.as_scalar_text().unwrap_or_default(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        let line = u32::try_from(s.referenced.line()).unwrap_or(u32::MAX);
        let col = u32::try_from(s.referenced.column()).unwrap_or(u32::MAX);
        let byte = s.referenced.span().byte_offset().and_then(|b| usize::try_from(b).ok());
        Ok(Node {
            value: s.value,
            pos: Pos::new(line, col),
            byte,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

/// A YAML document that could not be parsed: the parser's message and where it stopped.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

/// Parses one YAML document, with budgets against alias bombs and absurd nesting.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            pos: Pos::START,
            byte: None,
        });
    }
    let options = serde_saphyr::Options::default();
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let pos = e
            .location()
            .map(|l| {
                Pos::new(
                    u32::try_from(l.line()).unwrap_or(u32::MAX).max(1),
                    u32::try_from(l.column()).unwrap_or(u32::MAX).max(1),
                )
            })
            .unwrap_or(Pos::START);
        SyntaxError {
            message: tidy_message(&e.without_snippet().to_string()),
            pos,
        }
    })
}

/// The parser's message without its own position (we report ours) and in plain words
/// where it speaks of budgets.
fn tidy_message(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    let line = match line.rfind(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    // serde-saphyr's words for a repeated key name its own option: say it plainly.
    if let Some(rest) = line.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set DuplicateKeyPolicy").next().unwrap_or(rest);
        return format!("the field `{key}` is written twice");
    }
    if line.starts_with("duplicate mapping key") {
        return "a key is written twice".to_owned();
    }
    if line.contains("budget breached") {
        if line.contains("Depth") {
            return "the YAML nests deeper than 64 levels".to_owned();
        }
        if line.contains("Alias") || line.contains("Anchor") || line.contains("Replay") {
            return "the YAML expands too many aliases (a possible alias bomb)".to_owned();
        }
        // The budget's own words are Rust's (`Nodes { nodes: 250001 }`): say what was counted.
        let what = line.trim_start_matches("budget breached: ");
        let kind = what.split([' ', '{']).next().unwrap_or("").to_lowercase();
        let count = what
            .split(|c: char| !c.is_ascii_digit())
            .find(|d| !d.is_empty())
            .map(|d| format!(" ({d} {kind})"))
            .unwrap_or_default();
        return format!(
            "the YAML is too large to read safely{count}: a front-matter holds a few fields, not a data set"
        );
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_field_is_named_without_the_parser_options() {
        assert_eq!(
            tidy_message(
                "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable at line 4 column 1"
            ),
            "the field `title` is written twice"
        );
        assert_eq!(
            tidy_message("duplicate mapping key, set DuplicateKeyPolicy in Options if acceptable"),
            "a key is written twice"
        );
        let e = parse("step: mission\ntitle: M\ntitle: N\n").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.pos),
            ("the field `title` is written twice", Pos::new(3, 1))
        );
    }

    #[test]
    fn budget_messages_are_plain_words() {
        assert_eq!(
            tidy_message("budget breached: Nodes { nodes: 250001 } at line 4 column 9"),
            "the YAML is too large to read safely (250001 nodes): a front-matter holds a few fields, not a data set"
        );
        assert_eq!(
            tidy_message("budget breached: Depth { depth: 65 }"),
            "the YAML nests deeper than 64 levels"
        );
    }

    #[test]
    fn positions_are_one_based_characters() {
        let doc = parse("step: tactic\ntitle: « Été »\nserves:\n  - a\n  - b\n").unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!("{doc:?}")
        };
        assert_eq!(entries[0].0.pos, Pos::new(1, 1));
        assert_eq!(entries[0].1.pos, Pos::new(1, 7));
        assert_eq!(entries[1].1.pos, Pos::new(2, 8));
        let Value::Seq(items) = &entries[2].1.value else {
            panic!()
        };
        assert_eq!(items[1].pos, Pos::new(5, 5));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("title: \"unterminated\nstep: tactic\n").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
        eprintln!("{e:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            s.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&s).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        // The pipeline parses on threads with large stacks (see `crate::pool`).
        let r = std::thread::Builder::new()
            .stack_size(crate::pool::STACK_SIZE)
            .spawn(|| {
                let flow = parse(&"[".repeat(200_000)).unwrap_err();
                let block = parse(&"- ".repeat(200_000)).unwrap_err();
                (flow, block)
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(r.1.message.contains("deeper than"), "{:?}", r.1);
        assert!(!r.0.message.is_empty());
    }
}
