//! Body links: `broken-link`, `broken-anchor` (and `ambiguous-reference` for wiki links).

use super::ids::Index;
use super::references::{Lookup, closest, lookup};
use super::{Link, Playbook};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use std::collections::{HashMap, HashSet};

/// How a link destination is to be treated.
#[derive(Debug, PartialEq, Eq)]
pub enum Dest<'a> {
    /// `https:`, `mailto:`, `//host`, `/absolute`: left alone.
    External,
    /// `#fragment` on the same page.
    SamePage(&'a str),
    /// A relative path to a `.md` file, with its fragment.
    Markdown { path: String, fragment: Option<&'a str> },
    /// Any other relative path (an image in static/, say): left alone.
    Other,
}

pub fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub fn classify(dest: &str) -> Dest<'_> {
    let dest = dest.trim();
    if dest.is_empty() || has_scheme(dest) || dest.starts_with('/') {
        return Dest::External;
    }
    if let Some(f) = dest.strip_prefix('#') {
        return Dest::SamePage(f);
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let path = percent_decode(path);
    if path.to_lowercase().ends_with(".md") {
        Dest::Markdown { path, fragment }
    } else {
        Dest::Other
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Joins a relative path to the folder of `file`; `None` if it climbs above the playbook.
pub fn join(file: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `to` written relative to the folder of `from` (both `/`-separated, from the playbook root).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// Where body links may point: the files read (a link to one that failed to
/// load is excused), and the elements by file name in NFC.
pub struct Targets {
    read_files: HashSet<String>,
    pub by_file: HashMap<String, usize>,
}

impl Targets {
    pub fn new(pb: &Playbook) -> Self {
        use rayon::prelude::*;
        let (read_files, by_file) = rayon::join(
            || {
                pb.sources
                    .par_iter()
                    .map(|(k, _)| crate::load::nfc(k).into_owned())
                    .collect()
            },
            // File names compare in NFC, like ids.
            || {
                let names: Vec<String> = pb
                    .elements
                    .par_iter()
                    .map(|e| crate::load::nfc(&e.file).into_owned())
                    .collect();
                // In file order: of two names equal in NFC, the last one is kept, as before.
                names.into_iter().enumerate().map(|(i, n)| (n, i)).collect()
            },
        );
        Targets { read_files, by_file }
    }
}

/// What resolving an element's links found besides the links.
#[derive(Default)]
pub struct Found {
    pub diags: Vec<Diagnostic>,
    /// How many did-you-means it computed ([`Playbook::take_suggestion`]).
    pub suggestions: usize,
}

/// Resolves every body link; returns, per element, what its links gave.
pub fn resolve(pb: &mut Playbook, index: &Index, unreadable: &HashSet<String>, targets: &Targets) -> Vec<Found> {
    use rayon::prelude::*;
    use std::sync::atomic::Ordering::Relaxed;
    let budget = pb.suggestions_left.load(Relaxed);
    let (mut links, mut found): (Vec<_>, Vec<_>) = (0..pb.elements.len())
        .into_par_iter()
        .map(|i| element(pb, index, unreadable, targets, i))
        .unzip();
    // Did-you-means are rationed. While some are left, every link that wants
    // one gets it, in whatever order the threads go; once they ran out, which
    // links got one depended on that order: again in file order, as always.
    if pb.suggestions_left.load(Relaxed) == 0 {
        pb.suggestions_left.store(budget, Relaxed);
        (links, found) = (0..pb.elements.len())
            .map(|i| element(pb, index, unreadable, targets, i))
            .unzip();
    }
    pb.links = links;
    backlinks(pb);
    found
}

/// Resolves the body links of the elements `which` again (their bodies
/// changed, or the headings they point to); returns what they gave, in that order.
pub fn relink(
    pb: &mut Playbook,
    index: &Index,
    unreadable: &HashSet<String>,
    targets: &Targets,
    which: &[usize],
) -> Vec<Found> {
    let mut found = Vec::with_capacity(which.len());
    for &i in which {
        let (links, f) = element(pb, index, unreadable, targets, i);
        pb.links[i] = links;
        found.push(f);
    }
    backlinks(pb);
    found
}

/// Element `i`'s body links, resolved, and their problems.
fn element(
    pb: &Playbook,
    index: &Index,
    unreadable: &HashSet<String>,
    targets: &Targets,
    i: usize,
) -> (Vec<Link>, Found) {
    // The did-you-means this element takes from the ration, counted here:
    // other threads take from it at the same time.
    let taken = std::cell::Cell::new(0);
    let take = || {
        let ok = pb.take_suggestion();
        taken.set(taken.get() + usize::from(ok));
        ok
    };
    let mut out = Vec::new();
    let file = pb.elements[i].file.as_str();
    let mut links = Vec::with_capacity(pb.scans[i].links.len());
    for raw in &pb.scans[i].links {
        let pos = || pb.body_pos(i, raw.offset);
        // The caret underlines the link, up to the end of its first line.
        let body = pb.elements[i].body();
        let span = &body[raw.offset.min(body.len())..(raw.offset + raw.len).min(body.len())];
        let width = span.lines().next().unwrap_or("").chars().count();
        let mut link = Link {
            dest: raw.dest.clone(),
            target: None,
            fragment: None,
        };
        if raw.wiki {
            let (target, fragment) = match raw.dest.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (raw.dest.as_str(), None),
            };
            link.fragment = fragment.map(str::to_owned);
            let target = if target.is_empty() {
                pb.elements[i].id.as_str()
            } else {
                target
            };
            match lookup(index, unreadable, target) {
                Lookup::Found(j) => link.target = Some(j),
                Lookup::Excused => {}
                Lookup::Unknown => {
                    let help = take()
                        .then(|| closest(pb, target, 0..pb.elements.len()))
                        .flatten()
                        .map(|s| format!("did you mean `[[{s}]]`?"))
                        .unwrap_or_else(|| {
                            "a wiki link names an element by its id, e.g. `[[linkedin/mission]]` or a unique end of it"
                                .to_owned()
                        });
                    out.push(
                        Diagnostic::new(
                            Rule::BrokenLink,
                            file,
                            pos(),
                            format!("`[[{}]]` names no element", raw.dest),
                        )
                        .width(raw.dest.chars().count() + 4)
                        .help(help),
                    );
                }
                Lookup::Ambiguous(cands) => {
                    let mut ids: Vec<&str> = cands.iter().map(|&j| pb.elements[j].id.as_str()).collect();
                    ids.sort_unstable();
                    out.push(
                        Diagnostic::new(
                            Rule::AmbiguousReference,
                            file,
                            pos(),
                            format!("`[[{}]]` matches {} elements", raw.dest, ids.len()),
                        )
                        .width(raw.dest.chars().count() + 4)
                        .help(format!(
                            "write the full id: {}",
                            ids.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                        )),
                    );
                }
            }
        } else {
            match classify(&raw.dest) {
                Dest::External | Dest::Other => {}
                Dest::SamePage(f) => {
                    link.target = Some(i);
                    link.fragment = Some(f.to_owned());
                }
                Dest::Markdown { path, fragment } => {
                    link.fragment = fragment.map(str::to_owned);
                    let joined = join(file, &path)
                        .filter(|p| p.starts_with("content/"))
                        .map(|p| crate::load::nfc(&p).into_owned());
                    match joined.as_deref().and_then(|p| targets.by_file.get(p)) {
                        Some(&j) => link.target = Some(j),
                        None if joined.as_deref().is_some_and(|p| targets.read_files.contains(p)) => {}
                        None => {
                            let wanted = joined.clone().unwrap_or_else(|| path.clone());
                            let help = take()
                                .then(|| did_you_mean(&wanted, pb.elements.iter().map(|e| e.file.as_str())))
                                .flatten()
                                .map(|s| format!("did you mean `{}`?", relative(file, s)))
                                .unwrap_or_else(|| {
                                    "link to another content file by its path relative to this one, or with `[[id]]`"
                                        .to_owned()
                                });
                            let what = match &joined {
                                Some(p) => format!("`{}` does not exist (`{p}`)", raw.dest),
                                None => format!("`{}` points outside content/", raw.dest),
                            };
                            out.push(
                                Diagnostic::new(Rule::BrokenLink, file, pos(), what)
                                    .width(width)
                                    .help(help),
                            );
                        }
                    }
                }
            }
        }
        if let (Some(j), Some(f)) = (link.target, link.fragment.as_deref())
            && !f.is_empty()
            && !pb.scans[j].headings.iter().any(|h| h.id == f)
        {
            let ids: Vec<&str> = pb.scans[j].headings.iter().map(|h| h.id.as_str()).collect();
            let help = did_you_mean(f, ids.iter().copied())
                .map(|s| format!("did you mean `#{s}`?"))
                .unwrap_or_else(|| {
                    if ids.is_empty() {
                        format!("`{}` has no headings", pb.elements[j].id)
                    } else {
                        format!("its headings are {}", crate::diag::one_of(&ids))
                    }
                });
            out.push(
                Diagnostic::new(
                    Rule::BrokenAnchor,
                    file,
                    pos(),
                    format!("`#{f}` names no heading of `{}`", pb.elements[j].id),
                )
                .width(width)
                .help(help),
            );
        }
        links.push(link);
    }
    let found = Found {
        diags: out,
        suggestions: taken.get(),
    };
    (links, found)
}

/// Per element, the elements whose bodies link to it, sorted by id.
fn backlinks(pb: &mut Playbook) {
    for list in &mut pb.backlinks {
        list.clear();
    }
    for (i, links) in pb.links.iter().enumerate() {
        for l in links {
            if let Some(j) = l.target
                && j != i
            {
                pb.backlinks[j].push(i);
            }
        }
    }
    let elements = &pb.elements;
    for list in &mut pb.backlinks {
        // Stable: the links of one element stay side by side, and go as one.
        list.sort_by(|&a, &b| elements[a].key.cmp(&elements[b].key));
        list.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_destinations() {
        assert_eq!(classify("https://x.org"), Dest::External);
        assert_eq!(classify("mailto:a@b"), Dest::External);
        assert_eq!(classify("javascript:alert(1)"), Dest::External);
        assert_eq!(classify("#plan"), Dest::SamePage("plan"));
        assert_eq!(
            classify("../s/t.md#a"),
            Dest::Markdown {
                path: "../s/t.md".into(),
                fragment: Some("a")
            }
        );
        assert_eq!(
            classify("caf%C3%A9.md"),
            Dest::Markdown {
                path: "café.md".into(),
                fragment: None
            }
        );
        assert_eq!(classify("img/logo.png"), Dest::Other);
        assert_eq!(
            classify("%é%%.md"),
            Dest::Markdown {
                path: "%é%%.md".into(),
                fragment: None
            }
        );
    }

    #[test]
    fn join_and_relative() {
        assert_eq!(
            join("content/li/tactics/t.md", "../strategies/s.md").as_deref(),
            Some("content/li/strategies/s.md")
        );
        assert_eq!(join("content/t.md", "../../x.md"), None);
        assert_eq!(
            relative("content/li/tactics/t.md", "content/li/strategies/s.md"),
            "../strategies/s.md"
        );
        assert_eq!(relative("content/a.md", "content/b.md"), "b.md");
    }
}
