//! Splitting a content file into its YAML front-matter and Markdown body.

/// A content file cut in two. Lines are 1-based file lines.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences (may be empty).
    pub yaml: &'a str,
    /// File line of the YAML's first line.
    pub yaml_line: u32,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of the body in the text given to [`split`].
    pub body_offset: usize,
    /// File line on which the body starts.
    pub body_line: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// No closing `---` (or `...`) line.
    Unterminated,
}

/// Strips a UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn is_fence(line: &str, closing: bool) -> bool {
    let l = line.trim_end_matches(['\r', '\n']).trim_end_matches([' ', '\t']);
    l == "---" || (closing && l == "...")
}

/// Splits `text` (BOM already stripped). Accepts LF and CRLF line ends.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(SplitError::Missing)?;
    if !is_fence(first, false) {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        if is_fence(line, true) {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\nstep: mission\n---\n# Hi\n").unwrap();
        assert_eq!(s.yaml, "step: mission\n");
        assert_eq!(s.body, "# Hi\n");
        assert_eq!(s.body_line, 4);
        let s = split("---\r\nstep: mission\r\n---\r\nbody").unwrap();
        assert_eq!(s.yaml, "step: mission\r\n");
        assert_eq!(s.body, "body");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unterminated() {
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("# title\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("----\n"), Err(SplitError::Missing));
        assert_eq!(split("---\nstep: x\n"), Err(SplitError::Unterminated));
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(strip_bom("\u{feff}---\n"), "---\n");
    }
}
