//! The overlay a served page shows after a failed rebuild: every problem with
//! its rule, `file:line:col`, message, source line and help, all escaped,
//! over the last good site.

use crate::analyze::Analysis;
use crate::diag::Severity;
use crate::model::Language;
use std::fmt::Write;

/// The id of the overlay element (the live script replaces or removes it).
pub const ID: &str = "mostbook-overlay";

/// At most this many problems are shown; the terminal has them all.
const MAX_SHOWN: usize = 50;

/// One problem of a failed build.
#[derive(Debug, Clone)]
pub struct Problem {
    pub error: bool,
    pub rule: String,
    /// `file:line:col`, when the problem has a place.
    pub location: Option<String>,
    pub message: String,
    /// The source line and a caret under the place, as text.
    pub snippet: Option<String>,
    pub help: Option<String>,
}

impl Problem {
    /// A problem that is not a diagnostic of the playbook (a template, the output folder…).
    pub fn other(rule: &str, message: impl Into<String>) -> Problem {
        Problem {
            error: true,
            rule: rule.to_owned(),
            location: None,
            message: message.into(),
            snippet: None,
            help: None,
        }
    }
}

/// The problems of a playbook that does not pass `check`: errors first.
pub fn from_analysis(a: &Analysis) -> Vec<Problem> {
    // Errors first (a stable sort keeps the file order); only the problems
    // shown get their source line: a file with 100,000 broken links on one
    // long line must not cost 100,000 scans of it.
    let mut order: Vec<&crate::diag::Diagnostic> = a.diags.list.iter().collect();
    order.sort_by_key(|d| d.severity != Severity::Error);
    order
        .into_iter()
        .enumerate()
        .map(|(k, d)| Problem {
            error: d.severity == Severity::Error,
            rule: d.rule.name().to_owned(),
            location: Some(format!("{}:{}:{}", d.file, d.pos.line, d.pos.col)),
            message: d.message.clone(),
            snippet: (k < MAX_SHOWN)
                .then(|| a.sources.get(&d.file))
                .flatten()
                .and_then(|s| snippet(s, d.pos.line, d.pos.col, d.width)),
            help: d.help.clone(),
        })
        .collect()
}

/// ` 12 | the line` and a caret line under column `col`, `width` characters wide.
fn snippet(source: &str, line: u32, col: u32, width: u32) -> Option<String> {
    let text = source.lines().nth(line.checked_sub(1)? as usize)?;
    let text = text.trim_end_matches('\r');
    let shown: String = text.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let before = (col.max(1) - 1) as usize;
    let len = shown.chars().count();
    let width = (width.max(1) as usize).min(len.saturating_sub(before).max(1));
    Some(format!(
        "{gutter} | {shown}\n{pad} | {}{}",
        " ".repeat(before.min(len)),
        "^".repeat(width)
    ))
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "#mostbook-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(15,15,20,.6);font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1b1f;text-align:left}\
#mostbook-overlay .mb-box{box-sizing:border-box;width:calc(100% - 2rem);max-width:62rem;margin:2.5rem auto;background:#fff;border-top:6px solid #b3261e;\
border-radius:8px;padding:1.25rem 1.5rem;box-shadow:0 10px 40px rgba(0,0,0,.35)}\
#mostbook-overlay h2{margin:0 0 .25rem;font-size:1.2rem;color:#b3261e}\
#mostbook-overlay p{margin:.25rem 0}\
#mostbook-overlay ol{margin:1rem 0;padding-left:1.5rem}\
#mostbook-overlay li{margin:0 0 1rem}\
#mostbook-overlay .mb-sev{font-weight:700;color:#b3261e}\
#mostbook-overlay .mb-warning .mb-sev{color:#7a4f00}\
#mostbook-overlay code,#mostbook-overlay pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
#mostbook-overlay .mb-rule{background:#f1f1f4;border-radius:4px;padding:0 .3rem}\
#mostbook-overlay .mb-loc{color:#3d3d46}\
#mostbook-overlay pre{background:#f6f6f8;border-radius:4px;padding:.5rem .75rem;margin:.35rem 0;overflow:auto;white-space:pre}\
#mostbook-overlay .mb-help{color:#1d5c2e}\
#mostbook-overlay button{font:inherit;padding:.3rem .9rem;border-radius:4px;border:1px solid #6b6b76;background:#fff;color:#1b1b1f;cursor:pointer}\
@media (prefers-color-scheme:dark){#mostbook-overlay{color:#e8e8ee}\
#mostbook-overlay .mb-box{background:#1e1e24;border-top-color:#f2b8b5}\
#mostbook-overlay h2,#mostbook-overlay .mb-sev{color:#f2b8b5}\
#mostbook-overlay .mb-warning .mb-sev{color:#f3c26b}\
#mostbook-overlay .mb-rule,#mostbook-overlay pre{background:#2a2a32}\
#mostbook-overlay .mb-loc{color:#c4c4ce}#mostbook-overlay .mb-help{color:#9ad4a8}\
#mostbook-overlay button{background:#2a2a32;color:#e8e8ee;border-color:#9a9aa6}}";

/// The overlay's own words, in the playbook's interface language (the
/// problems themselves are written as `check` prints them).
struct Words {
    title: &'static str,
    /// One error; several (`{n}` is their number).
    error_count: (&'static str, &'static str),
    last_good: &'static str,
    nothing_built: &'static str,
    error: &'static str,
    warning: &'static str,
    help: &'static str,
    /// `{n}`: the problems not shown.
    more: &'static str,
    dismiss: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::En => Words {
            title: "The last change does not build",
            error_count: ("1 error", "{n} errors"),
            last_good: "This page is the last good build. Fix the problem and save: the page reloads by itself.",
            nothing_built: "Nothing is built yet. Fix the problem and save: the site appears by itself.",
            error: "error",
            warning: "warning",
            help: "help",
            more: "… and {n} more in the terminal.",
            dismiss: "Dismiss",
        },
        // French typography: a no-break space before `:`.
        Language::Fr => Words {
            title: "La dernière modification empêche la construction",
            error_count: ("1 erreur", "{n} erreurs"),
            last_good: "Cette page est la dernière version construite. Corrigez le problème et enregistrez\u{a0}: \
                        la page se recharge d’elle-même.",
            nothing_built: "Rien n’est encore construit. Corrigez le problème et enregistrez\u{a0}: \
                            le site apparaît de lui-même.",
            error: "erreur",
            warning: "avertissement",
            help: "aide",
            more: "… et {n} de plus dans le terminal.",
            dismiss: "Fermer",
        },
    }
}

/// The interface language of the playbook at `root`, read leniently: the
/// overlay shows when the playbook is broken, maybe its playbook.yaml too.
/// English when `language:` cannot be read.
pub fn language(root: &std::path::Path) -> Language {
    use crate::load::yaml::{self, Value};
    let Ok(text) = std::fs::read_to_string(root.join("playbook.yaml")) else {
        return Language::En;
    };
    let Ok(doc) = yaml::parse(crate::load::frontmatter::strip_bom(&text)) else {
        return Language::En;
    };
    let Value::Map(entries) = doc.value else {
        return Language::En;
    };
    let code = entries
        .iter()
        .find(|(k, _)| k.as_scalar_text().as_deref() == Some("language"))
        .and_then(|(_, v)| v.as_scalar_text());
    match code.as_deref().map(str::trim) {
        Some("fr") => Language::Fr,
        _ => Language::En,
    }
}

/// The overlay element: a self-contained block of HTML (its own style, no
/// script), in `lang`. `site`: whether a site is there to show under it (a
/// first build that fails on an empty output folder has none).
pub fn render(problems: &[Problem], site: bool, lang: Language) -> String {
    let w = words(lang);
    let errors = problems.iter().filter(|p| p.error).count();
    let mut html = String::with_capacity(4096);
    let _ = write!(
        html,
        "<div id=\"{ID}\" lang=\"{}\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"mostbook-overlay-title\"><style>{STYLE}</style><div class=\"mb-box\">",
        lang.code()
    );
    let colon = match lang {
        Language::En => ":",
        Language::Fr => "\u{a0}:",
    };
    let _ = write!(
        html,
        "<h2 id=\"mostbook-overlay-title\">{}{colon} {}</h2><p>{}</p><ol>",
        w.title,
        match errors {
            0 | 1 => w.error_count.0.to_owned(),
            n => w.error_count.1.replace("{n}", &n.to_string()),
        },
        if site { w.last_good } else { w.nothing_built }
    );
    for p in problems.iter().take(MAX_SHOWN) {
        let (class, sev) = if p.error {
            ("mb-error", w.error)
        } else {
            ("mb-warning", w.warning)
        };
        let _ = write!(
            html,
            "<li class=\"{class}\"><p><span class=\"mb-sev\">{sev}</span> <code class=\"mb-rule\">{}</code>",
            escape(&p.rule)
        );
        if let Some(loc) = &p.location {
            let _ = write!(html, " <code class=\"mb-loc\">{}</code>", escape(loc));
        }
        let _ = write!(html, "</p><p class=\"mb-msg\">{}</p>", escape(&p.message));
        if let Some(s) = &p.snippet {
            let _ = write!(html, "<pre>{}</pre>", escape(s));
        }
        if let Some(h) = &p.help {
            let _ = write!(html, "<p class=\"mb-help\">{}{colon} {}</p>", w.help, escape(h));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    if problems.len() > MAX_SHOWN {
        let more = w.more.replace("{n}", &(problems.len() - MAX_SHOWN).to_string());
        let _ = write!(html, "<p>{more}</p>");
    }
    let _ = write!(
        html,
        "<p><button type=\"button\" data-mostbook-dismiss>{}</button></p></div></div>",
        w.dismiss
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_whether_a_site_is_under_it() {
        let p = || Problem {
            error: true,
            rule: "yaml-syntax".into(),
            location: None,
            message: "m".into(),
            snippet: None,
            help: None,
        };
        assert!(render(&[p()], true, Language::En).contains("This page is the last good build."));
        let none = render(&[p()], false, Language::En);
        assert!(none.contains("Nothing is built yet."), "{none}");
        assert!(!none.contains("last good build"), "{none}");
    }

    #[test]
    fn speaks_the_playbooks_language() {
        let p = |error| Problem {
            error,
            rule: "broken-link".into(),
            location: None,
            message: "no element `x`".into(),
            snippet: None,
            help: Some("did you mean `y`?".into()),
        };
        let mut problems = vec![p(true), p(true), p(false)];
        let fr = render(&problems, true, Language::Fr);
        assert!(fr.contains("lang=\"fr\""), "{fr}");
        assert!(fr.contains("empêche la construction\u{a0}: 2 erreurs</h2>"), "{fr}");
        assert!(fr.contains("Cette page est la dernière version construite."), "{fr}");
        assert!(fr.contains(">avertissement</span>"), "{fr}");
        assert!(fr.contains("aide\u{a0}: did you mean `y`?"), "{fr}");
        assert!(fr.contains(">Fermer</button>"), "{fr}");
        assert!(!fr.contains(">error<") && !fr.contains("help:"), "{fr}");
        problems.extend((0..MAX_SHOWN).map(|_| p(true)));
        let fr = render(&problems, false, Language::Fr);
        assert!(fr.contains("Rien n’est encore construit."), "{fr}");
        assert!(fr.contains("… et 3 de plus dans le terminal."), "{fr}");
        let en = render(&problems, false, Language::En);
        assert!(en.contains("does not build: 52 errors</h2>"), "{en}");
        assert!(en.contains("… and 3 more in the terminal."), "{en}");
    }

    #[test]
    fn reads_the_language_even_from_a_broken_playbook_yaml() {
        let dir = std::env::temp_dir().join(format!("mostbook-overlay-lang-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lang = |text: &str| {
            std::fs::write(dir.join("playbook.yaml"), text).unwrap();
            language(&dir)
        };
        assert_eq!(lang("title: X\nlanguage: fr\n"), Language::Fr);
        assert_eq!(
            lang("title: X\nlanguage: fr\nnetwork: [oops\n"),
            Language::En,
            "not YAML"
        );
        assert_eq!(lang("language: fr\ntitel: misspelt\nnetworks: 3\n"), Language::Fr);
        assert_eq!(lang("\u{feff}language: fr\r\n"), Language::Fr, "BOM, CRLF");
        assert_eq!(lang("title: X\n"), Language::En);
        assert_eq!(lang("language: de\n"), Language::En);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(language(&dir), Language::En, "no playbook.yaml");
    }

    #[test]
    fn everything_is_escaped() {
        let p = Problem {
            error: true,
            rule: "broken-link".into(),
            location: Some("content/<a>.md:3:5".into()),
            message: "no element `<script>alert(1)</script>` & \"co\"".into(),
            snippet: Some("3 | <img src=x onerror=alert(1)>".into()),
            help: Some("use 'this'".into()),
        };
        let html = render(&[p], true, Language::En);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<a>"), "{html}");
        assert!(html.contains("`&lt;script&gt;alert(1)&lt;/script&gt;` &amp; &quot;co&quot;"));
        assert!(html.contains("broken-link"));
        assert!(html.contains("content/&lt;a&gt;.md:3:5"));
        assert!(html.contains("use &#39;this&#39;"));
    }

    #[test]
    fn snippets_point_at_the_column() {
        let s = snippet("a: 1\nserves: nowhere\n", 2, 9, 7).unwrap();
        assert_eq!(s, "2 | serves: nowhere\n  |         ^^^^^^^");
        assert_eq!(snippet("x", 5, 1, 1), None);
        assert_eq!(snippet("x", 0, 1, 1), None);
        // A place past the end of the line still gives one caret.
        assert_eq!(snippet("ab", 1, 9, 3).unwrap(), "1 | ab\n  |   ^");
    }
}
