//! `playbook.yaml`: a strict schema, every problem reported at its key or value.

use super::fields::Reader;
use super::yaml::{self, Node, Pos};
use crate::diag::{Diagnostic, Level, Rule, did_you_mean, one_of};
use crate::model::{Config, HtmlPolicy, Language, Network};
use std::collections::BTreeMap;
use std::path::Path;

pub const FILE: &str = "playbook.yaml";
const FIELDS: &[&str] = &[
    "title",
    "description",
    "language",
    "base_url",
    "timezone",
    "theme",
    "html",
    "networks",
    "lints",
    "extra",
];

/// Reads `playbook.yaml` from its text. `None` when it cannot be used at all;
/// problems are returned either way.
pub fn parse(text: &str, root: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let text = super::frontmatter::strip_bom(text);
    let doc = match yaml::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let d = Diagnostic::new(
                Rule::InvalidConfig,
                FILE,
                e.pos,
                format!("playbook.yaml is not valid YAML: {}", e.message),
            );
            return (None, vec![d]);
        }
    };
    let mut r = Reader::new(FILE, text, 1, Rule::InvalidConfig);
    let mut cfg = Config {
        title: String::new(),
        description: None,
        language: Language::En,
        base_url: None,
        timezone: "UTC".to_owned(),
        theme: "default".to_owned(),
        html: HtmlPolicy::Sanitize,
        networks: Vec::new(),
        lints: BTreeMap::new(),
        extra: serde_json::Value::Object(Default::default()),
    };
    let mut title = None;
    let mut networks_reported = false;
    for (key, v) in r.entries("playbook.yaml", &doc, FIELDS, Rule::InvalidConfig, &|_| None) {
        match key {
            "title" => title = r.string(key, v).filter(|t| !t.trim().is_empty()),
            "description" => cfg.description = r.string(key, v),
            "language" => {
                if let Some(l) = r.choice(key, v, Language::NAMES) {
                    cfg.language = if l == "fr" { Language::Fr } else { Language::En };
                }
            }
            "base_url" => cfg.base_url = base_url(&mut r, v),
            "timezone" => {
                if let Some(tz) = r.string(key, v) {
                    if jiff::tz::TimeZone::get(&tz).is_ok() {
                        cfg.timezone = tz;
                    } else {
                        r.report(Rule::InvalidConfig, v, format!("`{tz}` is not a known time zone"))
                            .help =
                            Some("use an IANA name such as `Europe/Paris`, `America/Montreal` or `UTC`".to_owned());
                    }
                }
            }
            "theme" => {
                if let Some(t) = r.string(key, v) {
                    let valid_name = !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
                    if t == "default" || (valid_name && root.join("themes").join(&t).is_dir()) {
                        cfg.theme = t;
                    } else {
                        r.report(
                            Rule::InvalidConfig,
                            v,
                            format!("theme `{t}` is neither `default` nor a folder under themes/"),
                        )
                        .help = Some(format!("create `themes/{t}/` or use `theme: default`"));
                    }
                }
            }
            "html" => {
                if let Some(h) = r.choice(key, v, &["sanitize", "allow", "deny"]) {
                    cfg.html = match h.as_str() {
                        "allow" => HtmlPolicy::Allow,
                        "deny" => HtmlPolicy::Deny,
                        _ => HtmlPolicy::Sanitize,
                    };
                }
            }
            "networks" => {
                let before = r.diags.len();
                cfg.networks = networks(&mut r, v);
                if cfg.networks.is_empty() && !v.is_null() && r.diags.len() == before {
                    r.report(Rule::InvalidConfig, v, "`networks` must list at least one network")
                        .help = Some("e.g. `networks: { linkedin: { name: LinkedIn } }`".to_owned());
                }
                networks_reported = r.diags.len() > before;
            }
            "lints" => cfg.lints = lints(&mut r, v),
            "extra" => cfg.extra = v.to_json(),
            _ => unreachable!("entries() only yields known fields"),
        }
    }
    let mut usable = true;
    match title {
        Some(t) => cfg.title = t,
        None => {
            usable = false;
            r.report_at(Rule::InvalidConfig, Pos::START, "playbook.yaml has no `title`")
                .help = Some("add `title: My playbook`".to_owned());
        }
    }
    if cfg.networks.is_empty() {
        usable = false;
        if !networks_reported {
            r.report_at(Rule::InvalidConfig, Pos::START, "playbook.yaml lists no `networks`")
                .help = Some("add at least one, e.g. `networks: { linkedin: { name: LinkedIn } }`".to_owned());
        }
    }
    (usable.then_some(cfg), r.diags)
}

fn base_url(r: &mut Reader, v: &Node) -> Option<String> {
    let url = r.string("base_url", v)?;
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
        r.report(
            Rule::InvalidConfig,
            v,
            format!("`{url}` is not an absolute http(s) URL"),
        )
        .help = Some("e.g. `base_url: https://example.org/playbook/`".to_owned());
        return None;
    }
    Some(if url.ends_with('/') { url } else { format!("{url}/") })
}

/// A network id is one id segment: letters, digits, `-` and `_`.
pub fn valid_network_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn networks(r: &mut Reader, v: &Node) -> Vec<Network> {
    let mut out: Vec<Network> = Vec::new();
    let yaml::Value::Map(entries) = &v.value else {
        if !v.is_null() {
            r.report(
                Rule::InvalidConfig,
                v,
                format!("`networks` must be a mapping of network ids, found {}", v.value.kind()),
            )
            .help = Some("e.g. `networks: { linkedin: { name: LinkedIn } }`".to_owned());
        }
        return out;
    };
    for (k, val) in entries {
        let Some(id) = k.as_scalar_text() else {
            r.report(Rule::InvalidConfig, k, "a network id must be text");
            continue;
        };
        if !valid_network_id(&id) {
            r.report(Rule::InvalidConfig, k, format!("`{id}` is not a valid network id"))
                .help = Some("use letters, digits, `-` and `_`, e.g. `linkedin`".to_owned());
            continue;
        }
        if out.iter().any(|n| n.id.to_lowercase() == id.to_lowercase()) {
            r.report(Rule::InvalidConfig, k, format!("network `{id}` is listed twice"));
            continue;
        }
        let mut net = Network {
            id: id.clone(),
            name: id.clone(),
            url: None,
            pos: r.pos(k),
        };
        let what = format!("network `{id}`");
        for (key, fv) in r.entries(&what, val, &["name", "url"], Rule::InvalidConfig, &|_| None) {
            match key {
                "name" => {
                    if let Some(n) = r.string(key, fv) {
                        net.name = n;
                    }
                }
                _ => net.url = r.web_url("url", fv),
            }
        }
        out.push(net);
    }
    out
}

fn lints(r: &mut Reader, v: &Node) -> BTreeMap<Rule, Level> {
    let mut out = BTreeMap::new();
    let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    let yaml::Value::Map(entries) = &v.value else {
        if !v.is_null() {
            r.report(
                Rule::InvalidConfig,
                v,
                "`lints` must map rule names to `allow`, `warn` or `deny`",
            );
        }
        return out;
    };
    for (k, val) in entries {
        let name = k.as_scalar_text().unwrap_or_default();
        let Some(rule) = Rule::from_name(&name) else {
            let help = did_you_mean(&name, names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            r.report(Rule::InvalidConfig, k, format!("`{name}` is not a rule")).help = help;
            continue;
        };
        let Some(level) = r.choice(&name, val, Level::NAMES).and_then(|l| Level::from_name(&l)) else {
            continue;
        };
        if rule.default_severity() == crate::diag::Severity::Error && level != Level::Deny {
            r.report(
                Rule::InvalidConfig,
                val,
                format!("`{name}` is an error and cannot be lowered"),
            )
            .help = Some(format!(
                "only warnings can be set; the warnings are {}",
                one_of(&warning_names())
            ));
            continue;
        }
        out.insert(rule, level);
    }
    out
}

fn warning_names() -> Vec<&'static str> {
    Rule::ALL
        .iter()
        .filter(|r| r.default_severity() == crate::diag::Severity::Warning)
        .map(|r| r.name())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diags(text: &str) -> Vec<(Rule, Pos, String)> {
        parse(text, Path::new("."))
            .1
            .into_iter()
            .map(|d| (d.rule, d.pos, d.message))
            .collect()
    }

    #[test]
    fn a_sound_config() {
        let (cfg, ds) = parse(
            "title: T\nlanguage: fr\ntimezone: Europe/Paris\nbase_url: https://x.org/pb\nnetworks:\n  linkedin: { name: LinkedIn }\n  x:\nlints:\n  smart-realistic: allow\n",
            Path::new("."),
        );
        assert!(ds.is_empty(), "{ds:?}");
        let cfg = cfg.unwrap();
        assert_eq!(cfg.language, Language::Fr);
        assert_eq!(cfg.base_url.as_deref(), Some("https://x.org/pb/"));
        assert_eq!(cfg.networks.len(), 2);
        assert_eq!(cfg.networks[1].name, "x");
        assert_eq!(cfg.lints.get(&Rule::SmartRealistic), Some(&Level::Allow));
    }

    #[test]
    fn every_problem_at_once() {
        let ds = diags(
            "titel: T\nlanguage: de\ntimezone: Mars/Olympus\nnetworks: {linkedin: {nom: L}}\nlints: {dead-end: nope, broken-link: allow, smart-realist: deny}\n",
        );
        let rules: Vec<_> = ds.iter().map(|d| (d.1.line, d.1.col)).collect();
        assert_eq!(
            rules,
            vec![(1, 1), (2, 11), (3, 11), (4, 23), (5, 19), (5, 38), (5, 45), (1, 1)],
            "{ds:?}"
        );
        assert!(ds.iter().all(|d| d.0 == Rule::InvalidConfig));
    }

    #[test]
    fn not_yaml() {
        let ds = diags("title: [unclosed\n");
        assert_eq!(ds.len(), 1);
        assert!(ds[0].2.starts_with("playbook.yaml is not valid YAML"));
    }
}
