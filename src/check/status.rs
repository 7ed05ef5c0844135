//! An objective's status on the build date (SPEC §2).

use crate::model::Objective;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Achieved,
    Overdue,
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

impl Status {
    /// The CSS class and i18n key: `on-track`, `at-risk`…
    pub fn key(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::Overdue => "overdue",
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::OffTrack => "off-track",
            Status::NoData => "no-data",
        }
    }
}

/// Whether the objective goes down (a target below its baseline).
fn decreasing(o: &Objective) -> bool {
    matches!((o.baseline, o.target), (Some(b), Some(t)) if t < b)
}

/// Whether `current` has reached `target`, in the objective's direction.
pub fn reached(o: &Objective) -> bool {
    match (o.current, o.target) {
        (Some(c), Some(t)) => {
            if decreasing(o) {
                c <= t
            } else {
                c >= t
            }
        }
        _ => false,
    }
}

/// The value expected on `today` on a straight line from `baseline` at `start` to `target` at `due`.
pub fn expected(o: &Objective, today: Date) -> Option<f64> {
    let (b, t, start, due) = (o.baseline?, o.target?, o.start?, o.due?);
    let total = (due - start).get_days();
    if total <= 0 {
        return Some(t);
    }
    let elapsed = (today - start).get_days().clamp(0, total);
    Some(b + (t - b) * f64::from(elapsed) / f64::from(total))
}

pub fn status(o: &Objective, today: Date) -> Status {
    if reached(o) {
        return Status::Achieved;
    }
    if o.due.is_some_and(|d| d < today) {
        return Status::Overdue;
    }
    let (Some(c), Some(exp), Some(b), Some(t)) = (o.current, expected(o, today), o.baseline, o.target) else {
        return Status::NoData;
    };
    // Progress measured in the objective's direction.
    let shortfall = if decreasing(o) { c - exp } else { exp - c };
    if shortfall <= 0.0 {
        Status::OnTrack
    } else if shortfall <= 0.1 * (t - b).abs() {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// Progress from baseline to target, 0–1 (for bars).
pub fn progress(o: &Objective) -> Option<f64> {
    let (b, t, c) = (o.baseline?, o.target?, o.current?);
    if t == b {
        return None;
    }
    Some(((c - b) / (t - b)).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn obj(b: f64, t: f64, c: Option<f64>) -> Objective {
        Objective {
            baseline: Some(b),
            target: Some(t),
            current: c,
            start: Some(date(2027, 1, 1)),
            due: Some(date(2027, 1, 11)),
            ..Objective::default()
        }
    }

    #[test]
    fn statuses_on_a_ten_day_objective() {
        let day5 = date(2027, 1, 6); // expected 50 on the way from 0 to 100
        assert_eq!(status(&obj(0.0, 100.0, Some(100.0)), day5), Status::Achieved);
        assert_eq!(status(&obj(0.0, 100.0, Some(50.0)), day5), Status::OnTrack);
        assert_eq!(status(&obj(0.0, 100.0, Some(40.0)), day5), Status::AtRisk);
        assert_eq!(status(&obj(0.0, 100.0, Some(39.9)), day5), Status::OffTrack);
        assert_eq!(status(&obj(0.0, 100.0, None), day5), Status::NoData);
        assert_eq!(status(&obj(0.0, 100.0, Some(99.0)), date(2027, 1, 12)), Status::Overdue);
        // On the due date itself the objective is still running.
        assert_eq!(status(&obj(0.0, 100.0, Some(99.0)), date(2027, 1, 11)), Status::AtRisk);
        assert_eq!(
            status(&obj(0.0, 100.0, Some(100.0)), date(2028, 1, 1)),
            Status::Achieved
        );
    }

    #[test]
    fn decreasing_objectives() {
        let day5 = date(2027, 1, 6); // expected 75 on the way from 100 to 50
        assert_eq!(status(&obj(100.0, 50.0, Some(75.0)), day5), Status::OnTrack);
        assert_eq!(status(&obj(100.0, 50.0, Some(80.0)), day5), Status::AtRisk);
        assert_eq!(status(&obj(100.0, 50.0, Some(81.0)), day5), Status::OffTrack);
        assert_eq!(status(&obj(100.0, 50.0, Some(49.0)), day5), Status::Achieved);
        assert_eq!(progress(&obj(100.0, 50.0, Some(75.0))), Some(0.5));
    }

    #[test]
    fn before_the_start_the_baseline_is_expected() {
        let before = date(2026, 12, 1);
        assert_eq!(status(&obj(10.0, 100.0, Some(10.0)), before), Status::OnTrack);
    }
}
