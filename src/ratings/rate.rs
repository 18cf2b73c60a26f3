//! Rating a service (好差评): once per person per service, by the person served, after it.
//! A poor rating opens a rectification case in the same transaction, so there is never a
//! poor rating without its case.

use super::types::{Grade, RatingRequest, RatingView};
use super::{eligibility, rectification, store};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::service_ratings as ratings;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn rate(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    request: &RatingRequest,
    now: NaiveDateTime,
) -> Result<RatingView, ApiError> {
    let standing = standing::require(conn, caller.user_id, community_id, Permission::RateServices)?;
    let subject = (request.subject, request.subject_id);
    eligibility::check(
        conn,
        (caller.user_id, &standing),
        community_id,
        subject,
        now,
    )?;
    // The unique index (subject, subject_id, rater_id) decides between racing requests: on
    // PostgreSQL the later insert waits for the first to commit, then fails here.
    let id: i64 = diesel::insert_into(ratings::table)
        .values((
            ratings::community_id.eq(community_id),
            ratings::subject.eq(request.subject.as_str()),
            ratings::subject_id.eq(request.subject_id),
            ratings::rater_id.eq(caller.user_id),
            ratings::grade.eq(request.grade.as_str()),
            ratings::comment.eq(request.comment.as_deref().map(str::trim)),
            ratings::created_at.eq(now),
        ))
        .returning(ratings::id)
        .get_result(conn)
        .map_err(|err| match ApiError::from(err) {
            taken if taken.code == Code::AlreadyExists => {
                taken.with_field("subject_id", "already_rated")
            }
            other => other,
        })?;
    if request.grade == Grade::Poor {
        rectification::open(conn, caller, (community_id, id), now)?;
    }
    let row = store::find(conn, id)?;
    let view = store::view(conn, row, now)?;
    let change = Change::in_community(community_id, "service_rating.created", "service_rating", id);
    audit::record(conn, &caller.into(), change.after(&view))?;
    Ok(view)
}
