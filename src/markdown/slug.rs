//! Heading ids by GitHub's rule, and URL-safe page paths.

use std::collections::HashMap;

/// GitHub's heading id: lowercase; letters (accents kept), digits, `-` and `_`
/// kept; spaces become `-`; other punctuation dropped.
pub fn heading_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Hands out heading ids for one page: a repeated id gets `-1`, `-2`…
#[derive(Default)]
pub struct HeadingIds {
    seen: HashMap<String, usize>,
}

impl HeadingIds {
    /// The id for a heading with `text`, or its explicit `{#id}`.
    pub fn next(&mut self, text: &str, explicit: Option<&str>) -> String {
        if let Some(id) = explicit {
            self.seen.entry(id.to_owned()).or_insert(0);
            return id.to_owned();
        }
        let base = heading_slug(text);
        let mut candidate = base.clone();
        loop {
            match self.seen.get_mut(&candidate) {
                None => {
                    self.seen.insert(candidate.clone(), 0);
                    if candidate != base {
                        // Make sure `base` itself is known, so its counter continues.
                        self.seen.entry(base.clone()).or_insert(0);
                    }
                    return candidate;
                }
                Some(_) => {
                    let n = self.seen.get_mut(&base).map(|n| {
                        *n += 1;
                        *n
                    });
                    candidate = format!("{base}-{}", n.unwrap_or(1));
                }
            }
        }
    }
}

/// The longest page-name segment: file systems stop at 255 bytes, and `.html` follows.
const MAX_SEGMENT: usize = 120;

/// FNV-1a: a small, stable hash (the same on every machine and version).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An id made URL- and file-safe: each segment transliterated to ASCII,
/// lowercased, anything but `a-z 0-9 - _` turned into `-`.
/// `linkedin/Stratégie été` → `linkedin/strategie-ete`.
pub fn url_path(id: &str) -> String {
    id.split('/')
        .map(|seg| {
            let ascii = deunicode::deunicode(seg).to_lowercase();
            let mut out = String::with_capacity(ascii.len());
            for c in ascii.chars() {
                let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' };
                if !(c == '-' && out.ends_with('-')) {
                    out.push(c);
                }
            }
            let out = out.trim_matches('-');
            if out.is_empty() {
                "_".to_owned()
            } else if out.len() > MAX_SEGMENT {
                // Transliteration can lengthen a name past what file systems accept
                // (255 bytes): keep the start, and a hash of the whole for uniqueness.
                let mut cut = &out[..MAX_SEGMENT - 9];
                cut = cut.trim_end_matches('-');
                format!("{cut}-{:08x}", fnv1a(out.as_bytes()) as u32)
            } else {
                out.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_rule() {
        assert_eq!(heading_slug("Le parcours"), "le-parcours");
        assert_eq!(heading_slug("Été 2027 : bilan !"), "été-2027--bilan-");
        assert_eq!(heading_slug("snake_case & co."), "snake_case--co");
    }

    #[test]
    fn repeated_ids_are_numbered() {
        let mut ids = HeadingIds::default();
        assert_eq!(ids.next("Plan", None), "plan");
        assert_eq!(ids.next("Plan", None), "plan-1");
        assert_eq!(ids.next("Plan", None), "plan-2");
        assert_eq!(ids.next("x", Some("plan-3")), "plan-3");
        assert_eq!(ids.next("Plan", None), "plan-4");
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_path("linkedin/stratégie"), "linkedin/strategie");
        assert_eq!(url_path("A B/Été!!"), "a-b/ete");
        assert_eq!(url_path("北京"), "bei-jing");
        assert_eq!(url_path("..."), "_");
        // Long transliterations are capped, distinct ids stay distinct.
        let a = url_path(&"北京".repeat(40));
        let b = url_path(&format!("{}上海", "北京".repeat(39)));
        assert!(a.len() <= 120 && b.len() <= 120, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, url_path(&"北京".repeat(40)));
    }
}
