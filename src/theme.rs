//! Themes: the built-in `default` theme (embedded in the binary), a playbook's
//! `themes/NAME/`, and its `templates/` overrides, layered in that order.
//!
//! Template names: a playbook's `templates/X.html` is registered as `X.html`,
//! the selected playbook theme's as `theme/X.html`, the built-in theme's as
//! `default/X.html`; Tera's fallback prefixes make `X.html` find the first
//! that exists, and an override can still `{% extends "default/X.html" %}`.

use crate::model::Language;
use rust_embed::RustEmbed;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct Builtin;

/// A theme ready to render: templates, interface strings and static assets.
pub struct Theme {
    pub tera: tera::Tera,
    pub strings: BTreeMap<String, String>,
    /// Files copied to the site root (`assets/mostbook.css`…), in path order.
    pub assets: Vec<(String, Cow<'static, [u8]>)>,
    /// A digest of the templates and strings: pages rendered with an equal
    /// fingerprint and equal data are equal (see [`crate::render::Memo`]).
    pub fingerprint: u128,
    /// Components that a playbook's or a theme's template defines again
    /// (replacing the built-in ones of these names).
    pub redefined: BTreeSet<String>,
}

impl Theme {
    /// Whether component `name` is the built-in theme's own (not redefined).
    pub fn builtin_component(&self, name: &str) -> bool {
        !self.redefined.contains(name)
    }
}

/// The names of the components `text` defines (`{% component NAME(…) %}`).
fn defined_components(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|tag| {
        let rest = tag.trim_start_matches('-').trim_start().strip_prefix("component")?;
        let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

#[derive(Debug)]
pub struct ThemeError {
    /// The file at fault, relative to the playbook folder (or the theme's name).
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// The built-in interface strings of a language (`themes/default/i18n/LANG.yaml`).
pub fn builtin_strings(lang: Language) -> BTreeMap<String, String> {
    let file = format!("i18n/{}.yaml", lang.code());
    Builtin::get(&file)
        .map(|f| parse_strings(&String::from_utf8_lossy(&f.data)))
        .unwrap_or_default()
}

/// A flat `key: text` YAML map; anything else is ignored (validated by `load::i18n`).
pub fn parse_strings(text: &str) -> BTreeMap<String, String> {
    let Ok(doc) = crate::load::yaml::parse(text) else {
        return BTreeMap::new();
    };
    let crate::load::yaml::Value::Map(entries) = doc.value else {
        return BTreeMap::new();
    };
    entries
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_scalar_text()?, v.as_scalar_text()?)))
        .collect()
}

/// A Tera error with its whole chain of causes (Tera puts the template's line there).
pub fn tera_message(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

fn tera_error(file: &str, e: &tera::Error) -> ThemeError {
    ThemeError {
        file: file.to_owned(),
        message: tera_message(e),
    }
}

/// Every file below `dir` (hidden ones and symlink loops skipped, links followed
/// as long as they stay inside the folder `playbook`), as (`/`-separated path
/// relative to `dir`, bytes), in path order.
fn files_below(dir: &Path, playbook: &Path) -> Result<Vec<(String, Vec<u8>)>, ThemeError> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let playbook = playbook.canonicalize().ok();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if crate::load::skippable_link(&e) => continue,
            Err(e) => {
                return Err(ThemeError {
                    file: dir.display().to_string(),
                    message: e.to_string(),
                });
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        // A link that leads out of the playbook (`static/x -> /etc/passwd`) would
        // publish a file the playbook does not hold: skipped, with a warning.
        if let Some(root) = &playbook
            && !entry.path().canonicalize().is_ok_and(|p| p.starts_with(root))
        {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "warning: `{}` leads outside the playbook (a symbolic link?): not published",
                entry.path().display()
            );
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(entry.path()).map_err(|e| ThemeError {
            file: entry.path().display().to_string(),
            message: format!("cannot read: {e}"),
        })?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// Every `*.html` below `dir` as (name relative to `dir`, text).
fn read_templates(dir: &Path, playbook: &Path) -> Result<Vec<(String, String)>, ThemeError> {
    files_below(dir, playbook)?
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| {
            String::from_utf8(bytes)
                .map(|text| (name.clone(), text))
                .map_err(|_| ThemeError {
                    file: dir.join(&name).display().to_string(),
                    message: "a template must be UTF-8 text".to_owned(),
                })
        })
        .collect()
}

/// Loads the theme a playbook asks for, with its overrides.
pub fn load(root: &Path, theme: &str, lang: Language) -> Result<Theme, ThemeError> {
    let mut tera = tera::Tera::new();
    tera.set_fallback_prefixes(["theme/", "default/"])
        .map_err(|e| tera_error("theme", &e))?;
    let mut templates: Vec<(String, String)> = Vec::new();
    for name in Builtin::iter() {
        if let Some(t) = name.strip_prefix("templates/")
            && let Some(f) = Builtin::get(&name)
        {
            templates.push((format!("default/{t}"), String::from_utf8_lossy(&f.data).into_owned()));
        }
    }
    // The templates after these are the playbook's and its theme's (one of
    // theirs may even be named `default/…`, and replace a built-in one).
    let builtin = templates.len();
    let custom = (theme != "default").then(|| root.join("themes").join(theme));
    if let Some(dir) = &custom {
        for (name, text) in read_templates(&dir.join("templates"), root)? {
            templates.push((format!("theme/{name}"), text));
        }
    }
    templates.extend(read_templates(&root.join("templates"), root)?);
    let mut digest = xxhash_rust::xxh3::Xxh3::new();
    for (name, text) in &templates {
        digest.update(name.as_bytes());
        digest.update(&[0]);
        digest.update(text.as_bytes());
        digest.update(&[0]);
    }
    let redefined = templates[builtin..]
        .iter()
        .flat_map(|(_, text)| defined_components(text).map(str::to_owned))
        .collect();
    tera.add_raw_templates(templates)
        .map_err(|e| tera_error("templates", &e))?;

    let mut strings = builtin_strings(Language::En);
    strings.extend(builtin_strings(lang));
    let file = format!("i18n/{}.yaml", lang.code());
    for dir in custom.iter().map(|d| d.as_path()).chain([root]) {
        if let Ok(text) = std::fs::read_to_string(dir.join(&file)) {
            strings.extend(parse_strings(&text));
        }
    }

    let mut assets: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
    for name in Builtin::iter() {
        if let Some(rel) = name.strip_prefix("static/")
            && let Some(f) = Builtin::get(&name)
        {
            assets.insert(rel.to_owned(), f.data);
        }
    }
    if let Some(dir) = &custom {
        read_static(&dir.join("static"), root, &mut assets)?;
    }
    for (k, v) in &strings {
        digest.update(k.as_bytes());
        digest.update(&[0]);
        digest.update(v.as_bytes());
        digest.update(&[0]);
    }
    Ok(Theme {
        tera,
        fingerprint: digest.digest128(),
        redefined,
        strings,
        assets: assets.into_iter().collect(),
    })
}

/// Every file below `dir` (a `static/` folder of the playbook at `playbook`),
/// by `/`-separated relative path (hidden ones skipped), into `into`.
pub fn read_static(
    dir: &Path,
    playbook: &Path,
    into: &mut BTreeMap<String, Cow<'static, [u8]>>,
) -> Result<(), ThemeError> {
    into.extend(
        files_below(dir, playbook)?
            .into_iter()
            .map(|(name, bytes)| (name, Cow::Owned(bytes))),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_components_a_template_defines() {
        let text = "{#- a note on {% component el_link %} -#}\n\
            {% component el_link(el, root) %}<a>{% if x %}{% endif %}</a>{% endcomponent el_link %}\n\
            {%- component  net_label(el) -%}x{% endcomponent net_label %}\n\
            {% components %}{% component (x) %}";
        let names: Vec<&str> = defined_components(text).collect();
        // The one in a comment counts too: a component is only ever taken for
        // the built-in one when no template could be defining it again.
        assert_eq!(names, ["el_link", "el_link", "net_label"]);
    }
}
