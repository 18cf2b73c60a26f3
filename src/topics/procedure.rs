//! 四议两公开: the six steps of a `four_two` topic, recorded by staff in order, each in its
//! stage (see the module `topics` for how they gate the stages).

use super::store;
use super::timeline::{self, Event, EventKind};
use super::types::{Procedure, ProcedureStep};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::topic_procedure_steps as steps;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    pub step: ProcedureStep,
    /// What was done: who met, what they proposed or resolved, where it was posted.
    #[validate(
        length(min = 2, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepView {
    pub step: ProcedureStep,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

pub fn is_recorded(
    conn: &mut DbConnection,
    topic_id: i64,
    step: ProcedureStep,
) -> Result<bool, ApiError> {
    let found: i64 = steps::table
        .filter(steps::topic_id.eq(topic_id))
        .filter(steps::step.eq(step.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// The steps recorded so far, in the procedure's order.
pub fn steps(conn: &mut DbConnection, topic_id: i64) -> Result<Vec<StepView>, ApiError> {
    let rows: Vec<(String, String, NaiveDateTime)> = steps::table
        .filter(steps::topic_id.eq(topic_id))
        .select((steps::step, steps::note, steps::recorded_at))
        .load(conn)?;
    let mut views = rows
        .into_iter()
        .map(|(step, note, at)| {
            let step = ProcedureStep::parse(&step)
                .ok_or_else(|| ApiError::internal(format!("procedure step {step}")))?;
            Ok(StepView {
                step,
                note,
                recorded_at: at.and_utc(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    views.sort_by_key(|v| ProcedureStep::ALL.iter().position(|s| *s == v.step));
    Ok(views)
}

/// Records the next step of a 四议两公开 topic (staff). Out of order, repeated, or in the
/// wrong stage: 409.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    topic_id: i64,
    request: &StepRequest,
    now: NaiveDateTime,
) -> Result<StepView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    let topic = store::locked(conn, community_id, topic_id)?;
    if topic.procedure()? != Procedure::FourTwo {
        return Err(ApiError::new(Code::InvalidState).with_field("procedure", "not_four_two"));
    }
    let done = steps(conn, topic_id)?;
    let expected = ProcedureStep::ALL.get(done.len()).copied();
    if expected != Some(request.step) {
        return Err(ApiError::new(Code::InvalidState).with_field("step", "out_of_order"));
    }
    if topic.stage()? != request.step.stage() {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    let note = request.note.trim();
    diesel::insert_into(steps::table)
        .values((
            steps::topic_id.eq(topic_id),
            steps::step.eq(request.step.as_str()),
            steps::note.eq(note),
            steps::recorded_by.eq(caller.actor_id()),
            steps::recorded_at.eq(now),
        ))
        .execute(conn)?;
    let data = json!({ "step": request.step });
    let event = Event::new(EventKind::ProcedureStep, Some(caller.actor_id()))
        .body(note)
        .data(data.clone());
    timeline::record(conn, topic_id, event, now)?;
    let change = Change::in_community(community_id, "topic.procedure_step", "topic", topic_id);
    audit::record(
        conn,
        &caller.into(),
        change.after(&json!({ "step": request.step, "note": note })),
    )?;
    Ok(StepView {
        step: request.step,
        note: note.to_owned(),
        recorded_at: now.and_utc(),
    })
}
