//! The rule names of SPEC §2 and their default severities.

use super::Severity;

macro_rules! rules {
    ($($variant:ident = $name:literal, $sev:ident;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev),* }
            }
        }
    };
}

rules! {
    InvalidConfig = "invalid-config", Error;
    InvalidEncoding = "invalid-encoding", Error;
    MissingFrontMatter = "missing-front-matter", Error;
    UnterminatedFrontMatter = "unterminated-front-matter", Error;
    YamlSyntax = "yaml-syntax", Error;
    UnknownField = "unknown-field", Error;
    MissingField = "missing-field", Error;
    InvalidValue = "invalid-value", Error;
    InvalidId = "invalid-id", Error;
    DuplicateId = "duplicate-id", Error;
    DuplicateUrl = "duplicate-url", Error;
    UnknownReference = "unknown-reference", Error;
    AmbiguousReference = "ambiguous-reference", Error;
    WrongLevel = "wrong-level", Error;
    UnknownNetwork = "unknown-network", Error;
    NetworkMismatch = "network-mismatch", Error;
    MissingNetwork = "missing-network", Error;
    InvalidDates = "invalid-dates", Error;
    BrokenLink = "broken-link", Error;
    NoMission = "no-mission", Warning;
    DeadEnd = "dead-end", Warning;
    SmartSpecific = "smart-specific", Warning;
    SmartMeasurable = "smart-measurable", Warning;
    SmartAchievable = "smart-achievable", Warning;
    SmartRealistic = "smart-realistic", Warning;
    SmartTimeBound = "smart-time-bound", Warning;
    ObjectiveOverdue = "objective-overdue", Warning;
    NoSchedule = "no-schedule", Warning;
    NoFormat = "no-format", Warning;
    BrokenAnchor = "broken-anchor", Warning;
    UnsafeHtml = "unsafe-html", Warning;
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A lint level from `lints:` in playbook.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub const NAMES: &'static [&'static str] = &["allow", "warn", "deny"];

    pub fn from_name(name: &str) -> Option<Level> {
        match name {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_rule_is_named_once() {
        assert_eq!(Rule::ALL.len(), 31);
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 31);
        assert_eq!(Rule::from_name("smart-realistic"), Some(Rule::SmartRealistic));
        assert_eq!(Rule::UnsafeHtml.default_severity(), Severity::Warning);
    }
}
