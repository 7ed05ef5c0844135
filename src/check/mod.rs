//! Stage 3 — check: is the resolved playbook a sound plan?
//!
//! Where each rule of SPEC §2 lives:
//!
//! | rules | file |
//! |---|---|
//! | `invalid-config` | `load/config.rs` |
//! | `invalid-encoding`, `missing-front-matter`, `unterminated-front-matter`, `yaml-syntax` | `load/mod.rs` |
//! | `unknown-field`, `missing-field`, `invalid-value` | `load/element.rs`, `load/fields.rs` |
//! | `invalid-id`, `duplicate-id`, `duplicate-url` | `resolve/ids.rs` |
//! | `unknown-reference`, `ambiguous-reference`, `wrong-level` | `resolve/references.rs` |
//! | `unknown-network`, `network-mismatch`, `missing-network` | `resolve/networks.rs` |
//! | `broken-link`, `broken-anchor` | `resolve/links.rs` |
//! | `no-mission`, `dead-end` | `check/structure.rs` |
//! | `smart-*`, `objective-overdue` | `check/smart.rs` |
//! | `no-schedule`, `no-format` | `check/tactics.rs` |
//! | `invalid-dates` | `check/dates.rs` |
//! | `unsafe-html` | `check/html.rs` |

pub mod dates;
pub mod html;
pub mod smart;
pub mod status;
pub mod structure;
pub mod tactics;
pub mod today;

use crate::diag::Diagnostic;
use crate::resolve::Playbook;
use jiff::civil::Date;

/// Runs every plan rule.
pub fn check(pb: &Playbook, today: Date) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let mut out = plan(pb);
    out.extend(
        (0..pb.elements.len())
            .into_par_iter()
            .flat_map_iter(|i| element(pb, i, today))
            .collect::<Vec<_>>(),
    );
    out
}

/// The rules that look across the plan (its front-matters only, never a body).
pub fn plan(pb: &Playbook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    structure::no_mission(pb, &mut out);
    structure::dead_end(pb, &mut out);
    out
}

/// The rules that look at element `i` alone (its front-matter and its body).
pub fn element(pb: &Playbook, i: usize, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let e = &pb.elements[i];
    smart::check(e, today, &mut out);
    tactics::check(e, &mut out);
    dates::check(e, &mut out);
    html::check(pb, i, &mut out);
    out
}
