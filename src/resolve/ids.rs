//! `invalid-id`, `duplicate-id`, `duplicate-url`; the id index and page URLs.

use super::Playbook;
use crate::diag::{Diagnostic, Rule};
use crate::load::yaml::Pos;
use crate::markdown::slug::url_path;
use std::collections::HashMap;

/// Pages the site writes itself: an element may not take their place.
pub const RESERVED_PAGES: &[&str] = &["index", "matrix", "calendar", "print", "404", "search"];

/// Looks up elements by lowercased id: exact ids, and every `/`-suffix.
///
/// Two tables of (digest of a text, element) stand for hash maps of
/// strings: they are made in parallel without a string per entry, and a
/// lookup compares the texts of the few elements with the right digest.
pub struct Index {
    /// Per element, its lowercased id.
    pub keys: Vec<String>,
    /// Under each key.
    exact: Digests,
    /// Under each `/`-suffix of a key: `a/b/c` is under `b/c` and `c`.
    suffix: Digests,
}

/// The digest of `text`, made from its `/`-separated segments, right to
/// left: the digests of all the `/`-suffixes of an id come in one pass over
/// it ([`suffix_digests`]), even for an id of a million segments.
fn digest(text: &str) -> u64 {
    text.rsplit('/').fold(0, fold)
}

/// The digest of `segment` + `/` + the text whose digest is `rest`.
fn fold(rest: u64, segment: &str) -> u64 {
    use xxhash_rust::xxh3::xxh3_64;
    let mut both = [0u8; 16];
    both[..8].copy_from_slice(&xxh3_64(segment.as_bytes()).to_le_bytes());
    both[8..].copy_from_slice(&rest.to_le_bytes());
    xxh3_64(&both)
}

/// The digests of what follows each `/` of `key`, shortest first.
fn suffix_digests(key: &str) -> impl Iterator<Item = u64> {
    let slashes = key.bytes().filter(|&b| b == b'/').count();
    key.rsplit('/').take(slashes).scan(0, |acc, segment| {
        *acc = fold(*acc, segment);
        Some(*acc)
    })
}

/// (digest, element) pairs, sorted, with where each run of digests that
/// share their top bits starts: a lookup reads one start, then a pair or two.
struct Digests {
    pairs: Vec<(u64, u32)>,
    starts: Vec<u32>,
    shift: u32,
}

impl Digests {
    fn new(mut pairs: Vec<(u64, u32)>) -> Digests {
        use rayon::prelude::*;
        pairs.par_sort_unstable();
        // About one pair per run.
        let bits = pairs.len().max(2).next_power_of_two().trailing_zeros();
        let shift = 64 - bits;
        let mut starts = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0;
        for run in 0..=(1u64 << bits) {
            while at < pairs.len() && (pairs[at].0 >> shift) < run {
                at += 1;
            }
            starts.push(at as u32);
        }
        Digests { pairs, starts, shift }
    }

    /// The elements listed under `text`'s digest, in element order.
    fn under(&self, text: &str) -> impl Iterator<Item = usize> {
        let d = digest(text);
        let run = (d >> self.shift) as usize;
        let pairs = &self.pairs[self.starts[run] as usize..self.starts[run + 1] as usize];
        pairs
            .iter()
            .skip_while(move |&&(h, _)| h < d)
            .take_while(move |&&(h, _)| h == d)
            .map(|&(_, i)| i as usize)
    }
}

impl Index {
    fn new(keys: Vec<String>) -> Index {
        use rayon::prelude::*;
        let exact = keys
            .par_iter()
            .enumerate()
            .map(|(i, k)| (digest(k), i as u32))
            .collect();
        let suffix = keys
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, k)| suffix_digests(k).map(move |d| (d, i as u32)))
            .collect();
        Index {
            exact: Digests::new(exact),
            suffix: Digests::new(suffix),
            keys,
        }
    }

    /// The first element whose id is `key` (lowercased).
    pub fn exact(&self, key: &str) -> Option<usize> {
        self.exact.under(key).find(|&i| self.keys[i] == key)
    }

    /// The elements whose id ends with `/` + `key` (lowercased): the first
    /// of each distinct id, in element order.
    pub fn ending(&self, key: &str) -> Vec<usize> {
        self.suffix
            .under(key)
            .filter(|&i| {
                let k = &self.keys[i];
                k.len() > key.len() && k.ends_with(key) && k.as_bytes()[k.len() - key.len() - 1] == b'/'
            })
            // Of elements sharing an id, the first stands for them all.
            .filter(|&i| self.exact(&self.keys[i]) == Some(i))
            .collect()
    }

    /// The ids of more than one element, with all of them, in element order.
    fn shared(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for run in self.exact.pairs.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            // Within one digest, the elements grouped by their key (digests may collide).
            let mut groups: Vec<Vec<usize>> = Vec::new();
            for &(_, i) in run {
                let i = i as usize;
                match groups.iter_mut().find(|g| self.keys[g[0]] == self.keys[i]) {
                    Some(g) => g.push(i),
                    None => groups.push(vec![i]),
                }
            }
            out.extend(groups.into_iter().filter(|g| g.len() > 1));
        }
        out
    }
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
    use rayon::prelude::*;
    let index = Index::new(pb.elements.par_iter().map(|e| e.key.clone()).collect());
    let problems: Vec<Option<String>> = pb.elements.par_iter().map(|e| id_problem(&e.id)).collect();
    for (i, (e, why)) in pb.elements.iter().zip(problems).enumerate() {
        if let Some(why) = why {
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
    }
    for places in index.shared() {
        for &i in &places {
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

    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(keys: &[&str]) -> Index {
        Index::new(keys.iter().map(|k| (*k).to_owned()).collect())
    }

    #[test]
    fn an_index_finds_ids_and_their_endings() {
        let ix = index(&[
            "li/mission",
            "li/strategies/video",
            "x/strategies/video",
            "li/mission",
            "video",
        ]);
        assert_eq!(ix.exact("li/mission"), Some(0), "the first of an id used twice");
        assert_eq!(ix.exact("video"), Some(4));
        assert_eq!(ix.exact("mission"), None);
        assert_eq!(ix.ending("mission"), vec![0], "one id, even if two elements have it");
        assert_eq!(
            ix.ending("video"),
            vec![1, 2],
            "`video` itself does not end with `/video`"
        );
        assert_eq!(ix.ending("strategies/video"), vec![1, 2]);
        assert_eq!(
            ix.ending("x/strategies/video"),
            Vec::<usize>::new(),
            "not a suffix of itself"
        );
        assert_eq!(ix.ending("ideo"), Vec::<usize>::new(), "whole segments only");
        assert_eq!(ix.shared(), vec![vec![0, 3]]);
        let big: Vec<String> = (0..5000).map(|i| format!("n{}/t/{i}", i % 7)).collect();
        let ix = Index::new(big);
        for i in (0..5000).step_by(97) {
            assert_eq!(ix.exact(&format!("n{}/t/{i}", i % 7)), Some(i));
            assert_eq!(ix.ending(&format!("{i}")), vec![i]);
        }
        assert_eq!(ix.ending("t/12"), vec![12]);
        assert!(ix.shared().is_empty());
        // Many ids with the same last segment: each lookup stays linear in them.
        let same: Vec<String> = (0..20_000).map(|i| format!("d{i}/index")).collect();
        let ix = Index::new(same);
        for _ in 0..20 {
            assert_eq!(ix.ending("index").len(), 20_000);
        }
    }

    #[test]
    fn a_suffix_has_the_digest_of_the_same_text() {
        let key = "li/strategies//vidéo/";
        let by_suffix: Vec<u64> = suffix_digests(key).collect();
        let by_text: Vec<u64> = key
            .match_indices('/')
            .rev()
            .map(|(at, _)| digest(&key[at + 1..]))
            .collect();
        assert_eq!(by_suffix, by_text);
        assert_eq!(by_suffix.len(), 4);
        assert_ne!(digest("a/b"), digest("b/a"));
        assert_ne!(digest("ab"), digest("a/b"));
        // An id of 200,000 segments (a hostile front-matter): its suffixes
        // cost one pass, not one pass each (which took 22 s and 10 GiB).
        let long = vec!["a"; 200_000].join("/");
        let ix = index(&[&long, "x/a"]);
        assert_eq!(ix.ending("a"), vec![0, 1]);
        assert_eq!(ix.ending(&long[2..]), vec![0]);
    }

    #[test]
    fn ids_whose_digests_collide_are_told_apart() {
        let keys: Vec<String> = ["a", "b", "a", "b", "c"].iter().map(|k| (*k).to_owned()).collect();
        let collide = |n: u32| Digests::new((0..n).map(|i| (7, i)).collect());
        let ix = Index {
            exact: collide(5),
            suffix: collide(0),
            keys,
        };
        assert_eq!(ix.shared(), vec![vec![0, 2], vec![1, 3]]);
    }

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
