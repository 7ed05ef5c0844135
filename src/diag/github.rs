//! `check --format github`: GitHub Actions workflow annotations.

use super::{Diagnostics, Severity};

pub fn render_github(ds: &Diagnostics, playbook_prefix: &str) -> String {
    let mut out = String::new();
    for d in &ds.list {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{kind} file={},line={},col={},title={}::{}\n",
            escape_property(&format!("{playbook_prefix}{}", d.file)),
            d.pos.line,
            d.pos.col,
            escape_property(d.rule.name()),
            escape_data(&message),
        ));
    }
    out
}

// The escaping GitHub's toolkit applies to workflow commands.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Rule};
    use crate::load::yaml::Pos;

    #[test]
    fn annotations_escape_their_properties() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::new(Rule::DeadEnd, "content/a,b.md", Pos::new(2, 7), "50% done\nnext").help("add one"));
        assert_eq!(
            render_github(&ds, "pb/"),
            "::warning file=pb/content/a%2Cb.md,line=2,col=7,title=dead-end::50%25 done%0Anext%0Ahelp: add one\n"
        );
    }
}
