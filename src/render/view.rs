//! What templates get: plain, serialisable views of the playbook, labels translated.

use super::Ctx;
use crate::check::status::{Status, expected, progress, status};
use crate::model::{Element, Party, Step, StepData};
use serde::Serialize;

/// A link to an element, as lists, chains and trees show it: its
/// [`RefFields`] as a Tera value, built once per build. Pages that list many
/// elements hand templates clones of it (an `Arc` bump) instead of
/// serialising the reference again for every list, tree and cell. Only the
/// value is kept (every element has one, for the whole render).
#[derive(Clone)]
pub struct ElementRef {
    pub title: String,
    pub value: tera::Value,
}

impl ElementRef {
    /// The reference's field `name` if it is a string ([`RefFields`]; `None` when it is none).
    pub fn field(&self, name: &'static str) -> Option<&str> {
        self.value
            .as_map()
            .and_then(|m| m.get(&tera::value::Key::Str(name)))
            .and_then(tera::Value::as_str)
    }
}

/// The fields of an element's reference ([`ElementRef::value`]).
#[derive(Serialize)]
pub struct RefFields<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub step: Step,
    pub step_label: String,
    /// Site-relative page path; templates prefix it with `root`.
    pub url: &'a str,
    pub network: Option<&'a str>,
    pub network_name: Option<&'a str>,
    pub draft: bool,
    pub status: Option<&'static str>,
    pub status_label: Option<String>,
}

impl Ctx<'_> {
    pub fn t(&self, key: &str) -> String {
        self.theme.strings.get(key).cloned().unwrap_or_else(|| key.to_owned())
    }

    pub fn status(&self, i: usize) -> Option<Status> {
        self.pb.elements[i].objective().map(|o| status(o, self.today))
    }

    /// The fields of element `i`'s reference.
    pub fn ref_fields(&self, i: usize) -> RefFields<'_> {
        let e = &self.pb.elements[i];
        let st = self.status(i);
        RefFields {
            id: &e.id,
            title: &e.title,
            step: e.step,
            step_label: self.t(&format!("step_{}", e.step.name())),
            url: &self.pb.urls[i],
            network: e.network.as_deref(),
            network_name: e
                .network
                .as_deref()
                .and_then(|n| self.pb.config.network(n))
                .map(|n| n.name.as_str()),
            draft: e.draft,
            status: st.map(Status::key),
            status_label: st.map(|s| self.t(&format!("status_{}", s.key().replace('-', "_")))),
        }
    }

    /// Element `i`'s reference. `shared` holds the pieces of HTML that many
    /// elements have alike (a link's start, a network's label) once.
    pub(super) fn make_ref(&self, i: usize, shared: &mut Shared) -> ElementRef {
        let plain = tera::Value::from_serializable(&self.ref_fields(i));
        let (head, tail) = self.prerender_split("el_link", &plain).unzip();
        let head = head.map(|h| shared.get(h));
        let tail = tail.map(|t| safe(&t));
        let label = self.prerender("net_label", &plain, false).map(|h| shared.get(h));
        let none = tera::Value::none;
        ElementRef {
            title: self.pb.elements[i].title.clone(),
            // 13 fields: with one more (trees' `children`), a Tera map still
            // fits the hash table of 16 it had before these three.
            value: with_fields(
                &plain,
                [
                    ("el_link_head", head.unwrap_or_else(none)),
                    ("el_link_tail", tail.unwrap_or_else(none)),
                    ("net_label_html", label.unwrap_or_else(none)),
                ],
            ),
        }
    }

    /// The built-in component `name` rendered for the reference `el` (with
    /// [`ROOT_MARK`] as `root` when `with_root`), once for the whole build:
    /// templates write it where they would call the component, which saves
    /// lists, chains and trees a call per link. `None` when a template
    /// defines the component again (it is then called as written) or when it
    /// fails (the call in the page then reports the error where it stands).
    fn prerender(&self, name: &str, el: &tera::Value, with_root: bool) -> Option<String> {
        if !self.theme.builtin_component(name) {
            return None;
        }
        let mut ctx = tera::Context::new();
        ctx.insert("el", el);
        if with_root {
            ctx.insert("root", ROOT_MARK);
        }
        self.theme.tera.render_component(name, &ctx, None, true).ok()
    }

    /// [`Ctx::prerender`] of a component that takes `root`, as the HTML
    /// before and after it: a page writes head, its own `root`, tail. `None`
    /// unless `root` is written exactly once, as the built-in components do.
    fn prerender_split(&self, name: &str, el: &tera::Value) -> Option<(String, String)> {
        let html = self.prerender(name, el, true)?;
        let (head, tail) = html.split_once(ROOT_MARK)?;
        (!tail.contains(ROOT_MARK)).then(|| (head.to_owned(), tail.to_owned()))
    }

    /// Element `i`'s reference as a Tera value (shared, cheap to clone).
    pub fn ref_value(&self, i: usize) -> tera::Value {
        self.refs[i].value.clone()
    }

    /// The published elements of `list`, as Tera values.
    pub fn ref_values(&self, list: &[usize]) -> Vec<tera::Value> {
        list.iter()
            .copied()
            .filter(|&j| self.included[j])
            .map(|j| self.ref_value(j))
            .collect()
    }

    pub fn number(&self, x: f64) -> String {
        super::format::number(x, self.pb.config.language)
    }

    pub fn date(&self, d: jiff::civil::Date) -> String {
        super::schedule::format_date(d, self.pb.config.language)
    }
}

/// Stands for `root` while `el_link` is rendered once per element: a
/// private-use character, which escaping leaves as it is. A reference whose
/// fields hold it is not split (see [`Ctx::make_ref`]).
const ROOT_MARK: &str = "\u{F8FF}";

/// Pre-rendered HTML met more than once, kept once (a Tera string is an
/// `Arc`: its clones share it). One per worker's run of elements.
#[derive(Default)]
pub struct Shared(std::collections::HashMap<String, tera::Value>);

impl Shared {
    fn get(&mut self, html: String) -> tera::Value {
        self.0.entry(html).or_insert_with_key(|h| safe(h)).clone()
    }
}

/// Pre-rendered HTML, written by templates as it is.
fn safe(html: &str) -> tera::Value {
    tera::Value::safe_string(html)
}

/// A reference's fields and `extra` ones in a single Tera map: what
/// `#[serde(flatten)]` gives, without serialising the reference again (a
/// flattened struct goes through a serde map, allocating every key).
pub fn with_fields<const N: usize>(el: &tera::Value, extra: [(&'static str, tera::Value); N]) -> tera::Value {
    tera::Value::from_serializable(&Flat { el, extra: &extra })
}

/// Writes the fields of a reference's Tera map into a struct being serialised:
/// what `#[serde(flatten)]` does, without allocating a key per field.
pub fn flatten_ref<S: serde::ser::SerializeStruct>(st: &mut S, el: &tera::Value) -> Result<(), S::Error> {
    // The reference's map comes from a struct: its keys are static strings.
    for (k, v) in el.as_map().into_iter().flatten() {
        if let tera::value::Key::Str(k) = k {
            st.serialize_field(k, v)?;
        }
    }
    Ok(())
}

/// How many fields [`flatten_ref`] writes.
pub fn ref_len(el: &tera::Value) -> usize {
    el.as_map().map_or(0, |m| m.len())
}

/// Serialised as one struct (one map, static keys), its values passed through
/// as they are: Tera clones a `Value` met during serialisation instead of
/// rebuilding it.
struct Flat<'a, const N: usize> {
    el: &'a tera::Value,
    extra: &'a [(&'static str, tera::Value); N],
}

impl<const N: usize> Serialize for Flat<'_, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("ElementRef", ref_len(self.el) + N)?;
        flatten_ref(&mut st, self.el)?;
        for (k, v) in self.extra {
            st.serialize_field(k, v)?;
        }
        st.end()
    }
}

#[derive(Serialize)]
pub struct PartyView {
    pub name: String,
    pub url: Option<String>,
    pub active: Option<bool>,
}

/// The step's card: what the method asks of each step.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Card {
    Mission {
        audience: Vec<String>,
        audience_active: Option<bool>,
        habits: Vec<String>,
        competitors: Vec<PartyView>,
        partners: Vec<PartyView>,
    },
    Objective {
        category: Option<String>,
        metric: Option<String>,
        unit: Option<String>,
        baseline: Option<String>,
        target: Option<String>,
        current: Option<String>,
        /// 0–100, for the progress bar.
        progress: Option<u32>,
        /// 0–100: where the straight line says it should be today.
        expected: Option<u32>,
        /// The value expected today, formatted.
        expected_value: Option<String>,
        /// Days from the build date to `due` (negative once past).
        days_left: Option<i32>,
        start: Option<String>,
        due: Option<String>,
        status: &'static str,
        status_label: String,
    },
    Strategy {
        paid: Option<bool>,
        budget: Option<String>,
    },
    Tactic {
        formats: Vec<String>,
        schedule: Option<String>,
    },
}

fn parties(list: &[Party]) -> Vec<PartyView> {
    list.iter()
        .map(|p| match p {
            Party::Name(n) => PartyView {
                name: n.clone(),
                url: None,
                active: None,
            },
            Party::Detailed { name, url, active } => PartyView {
                name: name.clone(),
                url: url.clone(),
                active: *active,
            },
        })
        .collect()
}

impl Ctx<'_> {
    pub fn card(&self, e: &Element) -> Card {
        match &e.data {
            StepData::Mission(m) => Card::Mission {
                audience: m.audience.clone(),
                audience_active: m.audience_active,
                habits: m
                    .audience_habits
                    .iter()
                    .map(|h| self.t(&format!("habit_{h}")))
                    .collect(),
                competitors: parties(&m.competitors),
                partners: parties(&m.partners),
            },
            StepData::Objective(o) => {
                let st = status(o, self.today);
                let pct = |x: f64| (x * 100.0).round().clamp(0.0, 100.0) as u32;
                let exp = match (expected(o, self.today), o.baseline, o.target) {
                    (Some(v), Some(b), Some(t)) if t != b => Some(pct((v - b) / (t - b))),
                    _ => None,
                };
                Card::Objective {
                    category: o.category.as_ref().map(|c| self.t(&format!("category_{c}"))),
                    metric: o.metric.clone(),
                    unit: o.unit.clone(),
                    baseline: o.baseline.map(|x| self.number(x)),
                    target: o.target.map(|x| self.number(x)),
                    current: o.current.map(|x| self.number(x)),
                    progress: progress(o).map(pct),
                    expected: exp,
                    expected_value: expected(o, self.today).map(|v| self.number(v)),
                    days_left: o.due.map(|d| (d - self.today).get_days()),
                    start: o.start.map(|d| self.date(d)),
                    due: o.due.map(|d| self.date(d)),
                    status: st.key(),
                    status_label: self.t(&format!("status_{}", st.key().replace('-', "_"))),
                }
            }
            StepData::Strategy(s) => Card::Strategy {
                paid: s.paid,
                budget: s
                    .budget
                    .map(|b| super::format::money(b, s.currency.as_deref(), self.pb.config.language)),
            },
            StepData::Tactic(t) => Card::Tactic {
                formats: t.formats.iter().map(|f| self.t(&format!("format_{f}"))).collect(),
                schedule: t
                    .schedule
                    .as_ref()
                    .map(|s| super::schedule::describe(s, self.pb.config.language)),
            },
        }
    }

    /// Every path from element `i` up to a mission, mission first (at most
    /// `limit`), as element indices; `i` itself is left out.
    pub fn chain_paths(&self, i: usize, limit: usize) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = Vec::new();
        let mut stack: Vec<Vec<usize>> = vec![vec![i]];
        while let Some(path) = stack.pop() {
            if out.len() >= limit {
                break;
            }
            let last = *path.last().expect("paths are never empty");
            let ups: Vec<usize> = self.pb.serves[last]
                .iter()
                .copied()
                .filter(|&j| self.included[j])
                .collect();
            if ups.is_empty() {
                if path.len() > 1 {
                    out.push(path);
                }
                continue;
            }
            for &j in ups.iter().rev() {
                let mut p = path.clone();
                p.push(j);
                stack.push(p);
            }
        }
        out.into_iter().map(|p| p.into_iter().skip(1).rev().collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_gives_back_its_string_fields() {
        let fields = RefFields {
            id: "t1",
            title: "Title",
            step: Step::Tactic,
            step_label: "Tactic".to_owned(),
            url: "li/tactics/t1.html",
            network: Some("li"),
            network_name: Some("LinkedIn, the network with a long name"),
            draft: false,
            status: None,
            status_label: None,
        };
        let r = ElementRef {
            title: "Title".to_owned(),
            value: tera::Value::from_serializable(&fields),
        };
        assert_eq!(r.field("url"), Some("li/tactics/t1.html"));
        assert_eq!(r.field("network_name"), Some("LinkedIn, the network with a long name"));
        assert_eq!(r.field("step"), Some("tactic"));
        // None, not a string, or no such field.
        assert_eq!(r.field("status"), None);
        assert_eq!(r.field("draft"), None);
        assert_eq!(r.field("children"), None);
    }
}
