//! The `indicators` job: every `WUSHE_INDICATORS_EVERY` seconds, the current month, quarter
//! and year, and the ones just before them. A closed period with its final snapshots is
//! skipped, so each period is finalised once, by the first run after it ends, and open
//! periods stay fresh for the dashboards.

use super::period::{Period, PeriodKind};
use super::snapshots::compute;
use super::snapshots::plan::Scope;
use crate::audit::Actor;
use crate::state::AppState;
use chrono::NaiveDateTime;

/// The periods a run computes at `at`.
fn due(at: NaiveDateTime) -> Vec<Period> {
    [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year]
        .into_iter()
        .flat_map(|kind| {
            let current = Period::containing(kind, at);
            [current.previous(), current]
        })
        .collect()
}

/// Computes the periods due now; one period's failure is logged and the others go on.
pub async fn run(state: &AppState) -> String {
    let at = state.clock.now();
    let (mut snapshots, mut failed) = (0, 0);
    for period in due(at) {
        let run = move |conn: &mut _| {
            compute::run(conn, period, Scope::All, false, at, &Actor::default())
        };
        match state.db.run(run).await {
            Ok(report) => snapshots += report.snapshots,
            Err(error) => {
                failed += 1;
                tracing::warn!(period = %period, ?error, "indicators not computed");
            }
        }
    }
    format!("{snapshots} snapshots computed, {failed} periods failed")
}

#[cfg(test)]
mod tests {
    use super::due;

    #[test]
    fn a_run_covers_the_current_periods_and_the_ones_before() {
        let at =
            chrono::NaiveDateTime::parse_from_str("2027-01-01 02:00", "%Y-%m-%d %H:%M").unwrap();
        let names: Vec<String> = due(at).iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            ["2026-12", "2027-01", "2026-Q4", "2027-Q1", "2026", "2027"]
        );
    }
}
