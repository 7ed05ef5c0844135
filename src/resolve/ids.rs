//! `invalid-id`, `duplicate-id`, `duplicate-url`; the id index and page URLs.

use super::Playbook;
use crate::diag::{Diagnostic, Rule};
use crate::load::yaml::Pos;
use crate::markdown::slug::url_path;
use std::collections::HashMap;

/// Pages the site writes itself: an element may not take their place.
pub const RESERVED_PAGES: &[&str] = &["index", "matrix", "calendar", "print", "404", "search"];

/// Looks up elements by lowercased id: exact ids, and every `/`-suffix.
pub struct Index {
    pub exact: HashMap<String, usize>,
    pub suffix: HashMap<String, Vec<usize>>,
    /// Per element, its lowercased id.
    pub keys: Vec<String>,
}

/// Why an id breaks the id rules, if it does.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("an id cannot be empty".to_owned());
    }
    for seg in id.split('/') {
        if seg.is_empty() {
            return Some("an id cannot have an empty segment (`//`, or `/` at either end)".to_owned());
        }
        if seg == "." || seg == ".." {
            return Some(format!("an id cannot have a `{seg}` segment"));
        }
        if let Some(c) = seg.chars().find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_')) {
            return Some(format!("an id cannot contain `{c}`"));
        }
    }
    None
}

fn id_pos(pb: &Playbook, i: usize) -> Pos {
    pb.elements[i].spans.id.unwrap_or(Pos::START)
}

/// Checks ids, computes URLs, builds the index. Elements with an invalid id
/// stay in the index (so references to them are not reported twice).
pub fn check(pb: &mut Playbook, out: &mut Vec<Diagnostic>) -> Index {
    let n = pb.elements.len();
    let mut exact: HashMap<String, usize> = HashMap::with_capacity(n);
    // The keys of more than one element, with all of them (few, if any).
    let mut shared: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in pb.elements.iter().enumerate() {
        if let Some(why) = id_problem(&e.id) {
            let help = if e.spans.id.is_some() {
                "ids use letters, digits, `-` and `_`, in `/`-separated segments".to_owned()
            } else {
                "this id comes from the file's path: rename the file, or set `id:` in the front-matter".to_owned()
            };
            out.push(
                Diagnostic::new(
                    Rule::InvalidId,
                    &e.file,
                    id_pos(pb, i),
                    format!("`{}` is not a valid id: {why}", e.id),
                )
                .width(e.id.chars().count())
                .help(help),
            );
        }
        match exact.entry(e.key.clone()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                shared
                    .entry(e.key.as_str())
                    .or_insert_with(|| vec![*first.get()])
                    .push(i);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    for places in shared.values() {
        for &i in places {
            let others: Vec<&str> = places
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| pb.elements[j].file.as_str())
                .collect();
            out.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    &pb.elements[i].file,
                    id_pos(pb, i),
                    format!("the id `{}` is used twice", pb.elements[i].id),
                )
                .width(pb.elements[i].id.chars().count())
                .help(format!(
                    "also used by {}; ids compare case-insensitively: give each element its own",
                    others.join(", ")
                )),
            );
        }
    }

    // URLs: one page per id; distinct ids must not meet on one page.
    pb.urls = {
        use rayon::prelude::*;
        pb.elements
            .par_iter()
            .map(|e| format!("{}.html", url_path(&e.id)))
            .collect()
    };
    // The pages the site writes itself.
    let reserved: std::collections::HashSet<String> = RESERVED_PAGES
        .iter()
        .map(|r| format!("{r}.html"))
        .chain(
            pb.config
                .networks
                .iter()
                .map(|n| format!("networks/{}.html", url_path(&n.id))),
        )
        .collect();
    // Per URL, its first element; the URLs of more than one, or reserved, with all of theirs.
    let mut first_at: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut crowded: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, u) in pb.urls.iter().enumerate() {
        let u = u.as_str();
        match first_at.entry(u) {
            std::collections::hash_map::Entry::Occupied(first) => {
                crowded.entry(u).or_insert_with(|| vec![*first.get()]).push(i);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
                if reserved.contains(u) {
                    crowded.insert(u, vec![i]);
                }
            }
        }
    }
    for (url, places) in &crowded {
        let distinct: Vec<usize> = {
            let mut seen = std::collections::HashSet::new();
            places
                .iter()
                .copied()
                .filter(|&i| seen.insert(pb.elements[i].key.as_str()))
                .collect()
        };
        let reserved = reserved.contains(*url);
        if distinct.len() > 1 {
            for &i in places {
                let others: Vec<String> = distinct
                    .iter()
                    .filter(|&&j| pb.elements[j].key != pb.elements[i].key)
                    .map(|&j| format!("`{}`", pb.elements[j].id))
                    .collect();
                out.push(
                    Diagnostic::new(
                        Rule::DuplicateUrl,
                        &pb.elements[i].file,
                        id_pos(pb, i),
                        format!(
                            "`{}` would be written to `{url}`, like {}",
                            pb.elements[i].id,
                            others.join(", ")
                        ),
                    )
                    .help("ids are made URL-safe (accents and case dropped): rename one of them"),
                );
            }
        } else if reserved {
            for &i in places {
                out.push(
                    Diagnostic::new(
                        Rule::DuplicateUrl,
                        &pb.elements[i].file,
                        id_pos(pb, i),
                        format!(
                            "`{}` would be written to `{url}`, a page the site writes itself",
                            pb.elements[i].id
                        ),
                    )
                    .help(format!(
                        "choose another id (`id:` in the front-matter, or rename the file); reserved: {}",
                        RESERVED_PAGES.join(", ")
                    )),
                );
            }
        }
    }

    let mut suffix: HashMap<String, Vec<usize>> = HashMap::with_capacity(n * 2);
    for (i, e) in pb.elements.iter().enumerate() {
        for (pos, _) in e.key.match_indices('/') {
            let list = suffix.entry(e.key[pos + 1..].to_owned()).or_default();
            if !list.iter().any(|&j| pb.elements[j].key == e.key) {
                list.push(i);
            }
        }
    }
    let keys = pb.elements.iter().map(|e| e.key.clone()).collect();
    Index { exact, suffix, keys }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rules() {
        assert_eq!(id_problem("linkedin/tactics/mardi-vidéo_2"), None);
        assert_eq!(id_problem("北京/计划"), None);
        assert!(id_problem("a//b").is_some());
        assert!(id_problem("../etc/passwd").unwrap().contains("`..`"));
        assert!(id_problem("a b").unwrap().contains("` `"));
        assert!(id_problem("").is_some());
    }
}
