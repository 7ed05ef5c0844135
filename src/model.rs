//! The playbook as data: what loading produces and every later stage reads.

use crate::load::yaml::Pos;
use jiff::civil::{Date, Time};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Mission,
    Objective,
    Strategy,
    Tactic,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Mission, Step::Objective, Step::Strategy, Step::Tactic];
    pub const NAMES: &'static [&'static str] = &["mission", "objective", "strategy", "tactic"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn from_name(s: &str) -> Option<Step> {
        Self::NAMES.iter().position(|n| *n == s).map(|i| Self::ALL[i])
    }

    /// The name with its article: "a mission", "an objective".
    pub fn a(self) -> &'static str {
        match self {
            Step::Mission => "a mission",
            Step::Objective => "an objective",
            Step::Strategy => "a strategy",
            Step::Tactic => "a tactic",
        }
    }

    /// The step this one serves (`None` for a mission).
    pub fn up(self) -> Option<Step> {
        match self {
            Step::Mission => None,
            Step::Objective => Some(Step::Mission),
            Step::Strategy => Some(Step::Objective),
            Step::Tactic => Some(Step::Strategy),
        }
    }

    pub fn down(self) -> Option<Step> {
        match self {
            Step::Mission => Some(Step::Objective),
            Step::Objective => Some(Step::Strategy),
            Step::Strategy => Some(Step::Tactic),
            Step::Tactic => None,
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    pub const NAMES: &'static [&'static str] = &["en", "fr"];
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HtmlPolicy {
    #[default]
    Sanitize,
    Allow,
    Deny,
}

#[derive(Debug, Clone, Serialize)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    #[serde(skip)]
    pub pos: Pos,
}

/// `playbook.yaml`, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    pub language: Language,
    pub base_url: Option<String>,
    pub timezone: String,
    pub theme: String,
    pub html: HtmlPolicy,
    pub networks: Vec<Network>,
    #[serde(skip)]
    pub lints: BTreeMap<crate::diag::Rule, crate::diag::Level>,
    pub extra: serde_json::Value,
}

impl Config {
    pub fn network(&self, id: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.id == id)
    }
}

/// A reference as written in `serves`, and where.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub text: String,
    #[serde(skip)]
    pub pos: Pos,
}

/// Where the values that rules point at stand in the file.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    pub step: Pos,
    pub id: Option<Pos>,
    pub network: Option<Pos>,
    pub target: Option<Pos>,
    pub start: Option<Pos>,
    pub due: Option<Pos>,
    /// Present (even if invalid): `formats`, `schedule`, `metric`.
    pub formats: Option<Pos>,
    pub schedule: Option<Pos>,
    pub metric: Option<Pos>,
    pub until: Option<Pos>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Party {
    Name(String),
    Detailed {
        name: String,
        url: Option<String>,
        active: Option<bool>,
    },
}

impl Party {
    pub fn name(&self) -> &str {
        match self {
            Party::Name(n) | Party::Detailed { name: n, .. } => n,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Mission {
    pub audience: Vec<String>,
    pub audience_active: Option<bool>,
    pub audience_habits: Vec<String>,
    pub competitors: Vec<Party>,
    pub partners: Vec<Party>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Objective {
    pub category: Option<String>,
    pub metric: Option<String>,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub current: Option<f64>,
    pub start: Option<Date>,
    pub due: Option<Date>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Strategy {
    pub paid: Option<bool>,
    pub budget: Option<f64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    Day,
    #[default]
    Week,
    Month,
}

impl Every {
    pub const NAMES: &'static [&'static str] = &["day", "week", "month"];
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Schedule {
    pub every: Every,
    pub interval: u32,
    /// 0 = Monday … 6 = Sunday, in the order written.
    pub days: Vec<u8>,
    pub times: Vec<Time>,
    pub from: Option<Date>,
    pub until: Option<Date>,
}

pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Tactic {
    pub formats: Vec<String>,
    pub schedule: Option<Schedule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum StepData {
    Mission(Mission),
    Objective(Objective),
    Strategy(Strategy),
    Tactic(Tactic),
}

/// One content file that loaded as an element.
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    /// As written (or derived from the path).
    pub id: String,
    /// Lowercased id: what references compare against.
    #[serde(skip)]
    pub key: String,
    /// Relative to the playbook folder, `/`-separated (`content/linkedin/mission.md`).
    pub file: String,
    pub step: Step,
    pub title: String,
    /// The network as written or taken from the folder; resolution may infer a tactic's.
    pub network: Option<String>,
    pub serves: Vec<Reference>,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub extra: serde_json::Value,
    /// The whole file's text (BOM stripped); the body starts at `body_offset`.
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
    #[serde(skip)]
    pub body_offset: usize,
    /// The file line on which the body starts (1-based).
    #[serde(skip)]
    pub body_line: u32,
    pub data: StepData,
    #[serde(skip)]
    pub spans: Spans,
}

impl Element {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    pub fn objective(&self) -> Option<&Objective> {
        match &self.data {
            StepData::Objective(o) => Some(o),
            _ => None,
        }
    }

    pub fn tactic(&self) -> Option<&Tactic> {
        match &self.data {
            StepData::Tactic(t) => Some(t),
            _ => None,
        }
    }

    pub fn mission(&self) -> Option<&Mission> {
        match &self.data {
            StepData::Mission(m) => Some(m),
            _ => None,
        }
    }

    pub fn strategy(&self) -> Option<&Strategy> {
        match &self.data {
            StepData::Strategy(s) => Some(s),
            _ => None,
        }
    }
}
