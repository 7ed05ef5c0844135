//! A playbook's `i18n/LANG.yaml`: overrides of the theme's interface strings,
//! checked like playbook.yaml (a broken or misspelt key is an `invalid-config`).

use super::fields::Reader;
use super::yaml::{self, Value};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::model::Language;
use std::path::Path;

/// Checks every `i18n/*.yaml` of the playbook at `root`; returns the problems
/// and the texts read (to show the lines in diagnostics).
pub fn check(root: &Path) -> (Vec<Diagnostic>, Vec<(String, String)>) {
    let dir = root.join("i18n");
    let mut texts = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (Vec::new(), texts);
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let known = crate::theme::builtin_strings(Language::En);
    let mut out = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = format!("i18n/{name}");
        let lang = name.trim_end_matches(".yaml");
        if !Language::NAMES.contains(&lang) {
            out.push(
                Diagnostic::new(
                    Rule::InvalidConfig,
                    &rel,
                    yaml::Pos::START,
                    format!("`{lang}` is not an interface language"),
                )
                .help("mostbook speaks `en` and `fr`: name the file i18n/en.yaml or i18n/fr.yaml"),
            );
            continue;
        }
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            _ => {
                out.push(Diagnostic::new(
                    Rule::InvalidConfig,
                    &rel,
                    yaml::Pos::START,
                    "this file cannot be read as UTF-8 text",
                ));
                continue;
            }
        };
        let text = super::frontmatter::strip_bom(&text).to_owned();
        texts.push((rel.clone(), text.clone()));
        let text = text.as_str();
        let doc = match yaml::parse(text) {
            Ok(d) => d,
            Err(e) => {
                out.push(Diagnostic::new(
                    Rule::InvalidConfig,
                    &rel,
                    e.pos,
                    format!("{rel} is not valid YAML: {}", e.message),
                ));
                continue;
            }
        };
        let mut r = Reader::new(&rel, text, 1, Rule::InvalidConfig);
        match &doc.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let key = k.as_scalar_text().unwrap_or_default();
                    if !known.contains_key(&key) {
                        let help = did_you_mean(&key, known.keys().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "the keys are those of the theme's i18n/en.yaml".to_owned());
                        r.report(Rule::InvalidConfig, k, format!("`{key}` is not an interface string"))
                            .help = Some(help);
                    } else if v.as_scalar_text().is_none() {
                        r.report(
                            Rule::InvalidConfig,
                            v,
                            format!("`{key}` must be text, found {}", v.value.kind()),
                        );
                    }
                }
            }
            Value::Null => {}
            other => {
                r.report(
                    Rule::InvalidConfig,
                    &doc,
                    format!("{rel} must map keys to texts, found {}", other.kind()),
                );
            }
        }
        out.extend(r.diags);
    }
    (out, texts)
}
