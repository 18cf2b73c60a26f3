//! Rectification cases (整改): a poor rating opens one with a deadline; staff reply; the
//! resident who rated accepts the reply (closing the case) or rejects it, which reopens the
//! case with a new deadline. Whether a case is overdue is computed when read.

use super::moved;
use super::types::{RectificationBrief, RectificationStatus as Status, RectificationView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::db::enums::parse_text;
use crate::error::ApiError;
use crate::roles::{Permission, standing};
use crate::schema::{rectifications as rect, service_ratings as ratings, users};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// How long staff have to reply, from the poor rating and again from each rejection. A week
/// lets staff call or visit the resident and look into the service while the resident still
/// remembers it, and is short enough that a complaint left unanswered shows as overdue in
/// the month's figures.
pub const TIME_TO_REPLY: TimeDelta = TimeDelta::days(7);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rect)]
pub struct RectRow {
    pub id: i64,
    pub community_id: i64,
    pub rating_id: i64,
    pub status: String,
    pub due_at: NaiveDateTime,
    pub reply: Option<String>,
    pub replied_by: Option<i64>,
    pub replied_at: Option<NaiveDateTime>,
    pub rejections: i32,
    pub rejection_reason: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl RectRow {
    fn status(&self) -> Result<Status, ApiError> {
        parse_text(&self.status)
    }

    fn overdue(&self, now: NaiveDateTime) -> Result<bool, ApiError> {
        Ok(self.status()? == Status::Open && now > self.due_at)
    }
}

/// The case and its rater, or 404 if it is not in this community.
fn find(conn: &mut DbConnection, community_id: i64, id: i64) -> Result<(RectRow, i64), ApiError> {
    Ok(rect::table
        .inner_join(ratings::table)
        .filter(rect::id.eq(id))
        .filter(rect::community_id.eq(community_id))
        .select((RectRow::as_select(), ratings::rater_id))
        .first(conn)?)
}

pub fn view(
    conn: &mut DbConnection,
    row: RectRow,
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    let (subject, subject_id, complaint, rater_id, rater_name): (
        String,
        i64,
        Option<String>,
        i64,
        String,
    ) = ratings::table
        .inner_join(users::table.on(users::id.eq(ratings::rater_id)))
        .filter(ratings::id.eq(row.rating_id))
        .select((
            ratings::subject,
            ratings::subject_id,
            ratings::comment,
            ratings::rater_id,
            users::display_name,
        ))
        .first(conn)?;
    Ok(RectificationView {
        status: row.status()?,
        overdue: row.overdue(now)?,
        subject: parse_text(&subject)?,
        id: row.id,
        community_id: row.community_id,
        rating_id: row.rating_id,
        subject_id,
        complaint,
        rater_id,
        rater_name,
        due_at: row.due_at.and_utc(),
        reply: row.reply,
        replied_by: row.replied_by,
        replied_at: row.replied_at.map(|t| t.and_utc()),
        rejections: row.rejections,
        rejection_reason: row.rejection_reason,
        accepted_at: row.accepted_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
    })
}

/// Where the case a rating opened stands, if it opened one.
pub fn brief(
    conn: &mut DbConnection,
    rating_id: i64,
    now: NaiveDateTime,
) -> Result<Option<RectificationBrief>, ApiError> {
    let row: Option<RectRow> = rect::table
        .filter(rect::rating_id.eq(rating_id))
        .select(RectRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| {
        Ok(RectificationBrief {
            status: row.status()?,
            overdue: row.overdue(now)?,
            id: row.id,
            due_at: row.due_at.and_utc(),
        })
    })
    .transpose()
}

/// Records a change of the case, answering with the case after it.
fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    (action, before): (&'static str, Option<&RectificationView>),
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    let row = rect::table
        .find(id)
        .select(RectRow::as_select())
        .first(conn)?;
    let change = Change::in_community(row.community_id, action, "rectification", id);
    let after = view(conn, row, now)?;
    audit::record(conn, &caller.into(), change.before_if(before).after(&after))?;
    Ok(after)
}

/// Opens the case of a poor rating, in the rating's transaction.
pub fn open(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, rating_id): (i64, i64),
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    let id: i64 = diesel::insert_into(rect::table)
        .values((
            rect::community_id.eq(community_id),
            rect::rating_id.eq(rating_id),
            rect::status.eq(Status::Open.as_str()),
            rect::due_at.eq(now + TIME_TO_REPLY),
            rect::rejections.eq(0),
            rect::created_at.eq(now),
            rect::updated_at.eq(now),
        ))
        .returning(rect::id)
        .get_result(conn)?;
    recorded(conn, caller, id, ("rectification.opened", None), now)
}

/// Staff reply to an open case.
pub fn reply(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, id): (i64, i64),
    text: &str,
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::HandleRatings,
    )?;
    let (row, rater_id) = find(conn, community_id, id)?;
    // Nobody answers a complaint of their own (staff rate services too).
    if rater_id == caller.user_id {
        return Err(ApiError::forbidden());
    }
    let before = view(conn, row, now)?;
    let changed = diesel::update(
        rect::table
            .find(id)
            .filter(rect::status.eq(Status::Open.as_str())),
    )
    .set((
        rect::status.eq(Status::Replied.as_str()),
        rect::reply.eq(text.trim()),
        rect::replied_by.eq(caller.actor_id()),
        rect::replied_at.eq(now),
        rect::updated_at.eq(now),
    ))
    .execute(conn)?;
    moved(changed)?;
    recorded(
        conn,
        caller,
        id,
        ("rectification.replied", Some(&before)),
        now,
    )
}

/// The case as it stands, for its rater answering a reply. Staff who are not the rater get
/// 403; anyone else 404, since a rating is between its rater and staff.
fn for_rater(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, id): (i64, i64),
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    let standing = standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    let (row, rater_id) = find(conn, community_id, id)?;
    if rater_id != caller.user_id {
        return Err(match standing.require(Permission::HandleRatings) {
            Ok(()) => ApiError::forbidden(),
            Err(_) => ApiError::not_found(),
        });
    }
    // Staff acting for the resident in person never answer a reply of their own.
    if row.replied_by == Some(caller.actor_id()) {
        return Err(ApiError::forbidden());
    }
    view(conn, row, now)
}

/// The rater answers the reply: accepting it closes the case; rejecting it (with a reason)
/// reopens the case with a new deadline.
pub fn answer(
    conn: &mut DbConnection,
    caller: &Caller,
    key: (i64, i64),
    rejection: Option<&str>,
    now: NaiveDateTime,
) -> Result<RectificationView, ApiError> {
    let before = for_rater(conn, caller, key, now)?;
    let replied = rect::table
        .find(key.1)
        .filter(rect::status.eq(Status::Replied.as_str()));
    let (changed, action) = match rejection {
        None => (
            diesel::update(replied)
                .set((
                    rect::status.eq(Status::Accepted.as_str()),
                    rect::accepted_at.eq(now),
                    rect::updated_at.eq(now),
                ))
                .execute(conn)?,
            "rectification.accepted",
        ),
        Some(reason) => (
            diesel::update(replied)
                .set((
                    rect::status.eq(Status::Open.as_str()),
                    rect::rejections.eq(rect::rejections + 1),
                    rect::rejection_reason.eq(reason.trim()),
                    rect::due_at.eq(now + TIME_TO_REPLY),
                    rect::updated_at.eq(now),
                ))
                .execute(conn)?,
            "rectification.rejected",
        ),
    };
    moved(changed)?;
    recorded(conn, caller, key.1, (action, Some(&before)), now)
}
