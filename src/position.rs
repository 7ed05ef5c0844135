//! Byte offsets to 1-based lines and columns (in characters), fast on any text:
//! thousands of diagnostics on one long line must not rescan it each time.

use crate::load::yaml::Pos;

/// Checkpoints every this many bytes: a column costs at most this much counting.
const STEP: usize = 1024;

pub struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// For every `STEP` bytes: (byte offset of the first char at or after it, its column, 0-based).
    marks: Vec<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut marks = Vec::with_capacity(text.len() / STEP + 1);
        let mut col = 0usize;
        for (b, c) in text.char_indices() {
            while marks.len() * STEP <= b {
                marks.push((b, col));
            }
            if c == '\n' {
                starts.push(b + 1);
                col = 0;
            } else {
                col += 1;
            }
        }
        LineIndex { starts, marks }
    }

    /// The line and column of byte `offset` of `text` (the text the index was built on).
    pub fn pos(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts[line];
        // Count from the nearest checkpoint on the same line, else from the line start.
        let (from, base) = match self.marks.get(offset / STEP) {
            Some(&(b, col)) if b >= start && b <= offset => (b, col),
            _ => (start, 0),
        };
        let mut to = offset;
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        (line + 1, base + text[from..to].chars().count() + 1)
    }

    /// The position of byte `offset` in a text that starts on file line `first_line`.
    pub fn file_pos(&self, text: &str, offset: usize, first_line: u32) -> Pos {
        let (line, col) = self.pos(text, offset);
        let line = (line as u64 + u64::from(first_line) - 1).min(u64::from(u32::MAX)) as u32;
        Pos::new(line, u32::try_from(col).unwrap_or(u32::MAX))
    }

    /// The text of line `line` (1-based), without its line end.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).map_or(text.len(), |&e| e.saturating_sub(1));
        text.get(start..end.max(start)).unwrap_or("").trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\nçé x\n\nz";
        let ix = LineIndex::new(text);
        assert_eq!(ix.pos(text, 0), (1, 1));
        assert_eq!(ix.pos(text, 3), (2, 1));
        assert_eq!(ix.pos(text, text.find('x').unwrap()), (2, 4));
        assert_eq!(ix.pos(text, text.len()), (4, 2));
        assert_eq!(ix.line(text, 2), "çé x");
        assert_eq!(ix.line(text, 3), "");
        assert_eq!(ix.line(text, 9), "");
    }

    #[test]
    fn long_lines_use_checkpoints() {
        let text = format!("x\n{}é{}", "à".repeat(3000), "b".repeat(5000));
        let ix = LineIndex::new(&text);
        let e = text.find('é').unwrap();
        assert_eq!(ix.pos(&text, e), (2, 3001));
        assert_eq!(ix.pos(&text, e + 2 + 4000), (2, 7002));
        // The same as counting from the line start.
        for off in (2..text.len()).step_by(997).filter(|&o| text.is_char_boundary(o)) {
            assert_eq!(ix.pos(&text, off).1, text[2..off].chars().count() + 1);
        }
    }
}
