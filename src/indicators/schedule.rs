//! The server's own computation of indicators: every `WUSHE_INDICATORS_EVERY` seconds, the
//! current month, quarter and year, and the ones just before them. A closed period with its
//! final snapshots is skipped, so each period is finalised once, by the first run after it
//! ends, and open periods stay fresh for the dashboards. (Several nodes each run it; their
//! writes take turns and update the same snapshots. Issue 9 gives scheduled jobs a lease so
//! only one node does the work.)

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

/// Starts the periodic computation, unless it is switched off (an interval of zero).
pub fn spawn(state: AppState) {
    let every = state.config.indicators_every;
    if every.is_zero() {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            let at = state.clock.now();
            for period in due(at) {
                let began = std::time::Instant::now();
                let run = move |conn: &mut _| {
                    compute::run(conn, period, Scope::All, false, at, &Actor::default())
                };
                match state.db.run(run).await {
                    Ok(report) => tracing::info!(
                        period = %period,
                        snapshots = report.snapshots,
                        changed = report.changed,
                        ms = began.elapsed().as_millis() as u64,
                        "indicators computed"
                    ),
                    Err(error) => {
                        tracing::warn!(period = %period, ?error, "indicators not computed")
                    }
                }
            }
        }
    });
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
