//! Reading ratings and rectification cases: one person's own, or the community's for staff.

use super::period::DateRange;
use super::rectification::{self, RectRow};
use super::types::{
    RatingFilter, RatingView, RectificationFilter, RectificationStatus, RectificationView,
};
use crate::db::DbConnection;
use crate::db::enums::parse_text;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::schema::{rectifications as rect, service_ratings as ratings, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ratings)]
pub struct RatingRow {
    pub id: i64,
    pub community_id: i64,
    pub subject: String,
    pub subject_id: i64,
    pub rater_id: i64,
    pub grade: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The rating with its rater's display name (never a phone or address) and its case.
pub fn view(
    conn: &mut DbConnection,
    row: RatingRow,
    now: NaiveDateTime,
) -> Result<RatingView, ApiError> {
    let rater_name = users::table
        .find(row.rater_id)
        .select(users::display_name)
        .first(conn)?;
    Ok(RatingView {
        subject: parse_text(&row.subject)?,
        grade: parse_text(&row.grade)?,
        rectification: rectification::brief(conn, row.id, now)?,
        id: row.id,
        community_id: row.community_id,
        subject_id: row.subject_id,
        comment: row.comment,
        rater_id: row.rater_id,
        rater_name,
        created_at: row.created_at.and_utc(),
    })
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<RatingRow, ApiError> {
    Ok(ratings::table
        .find(id)
        .select(RatingRow::as_select())
        .first(conn)?)
}

/// A page of the community's ratings, newest first: all of them, or `rater`'s own.
pub fn list(
    conn: &mut DbConnection,
    (community_id, rater): (i64, Option<i64>),
    filter: &RatingFilter,
    page: Page,
    now: NaiveDateTime,
) -> Result<Vec<RatingView>, ApiError> {
    let period = DateRange::parse(filter.from.as_deref(), filter.to.as_deref())?;
    let mut query = ratings::table
        .filter(ratings::community_id.eq(community_id))
        .filter(ratings::id.lt(page.before_id))
        .order(ratings::id.desc())
        .limit(page.limit + 1)
        .select(RatingRow::as_select())
        .into_boxed();
    if let Some(rater) = rater {
        query = query.filter(ratings::rater_id.eq(rater));
    }
    if let Some(subject) = filter.subject {
        query = query.filter(ratings::subject.eq(subject.as_str()));
    }
    if let Some(grade) = filter.grade {
        query = query.filter(ratings::grade.eq(grade.as_str()));
    }
    if let Some(start) = period.start() {
        query = query.filter(ratings::created_at.ge(start));
    }
    if let Some(end) = period.end() {
        query = query.filter(ratings::created_at.lt(end));
    }
    let rows = query.load(conn)?;
    rows.into_iter().map(|row| view(conn, row, now)).collect()
}

/// A page of the community's rectification cases, newest first: all of them, or those
/// opened by `rater`'s ratings.
pub fn rectifications(
    conn: &mut DbConnection,
    (community_id, rater): (i64, Option<i64>),
    filter: &RectificationFilter,
    page: Page,
    now: NaiveDateTime,
) -> Result<Vec<RectificationView>, ApiError> {
    let mut query = rect::table
        .filter(rect::community_id.eq(community_id))
        .filter(rect::id.lt(page.before_id))
        .order(rect::id.desc())
        .limit(page.limit + 1)
        .select(RectRow::as_select())
        .into_boxed();
    if let Some(rater) = rater {
        let own = ratings::table
            .filter(ratings::rater_id.eq(rater))
            .select(ratings::id);
        query = query.filter(rect::rating_id.eq_any(own));
    }
    if let Some(status) = filter.status {
        query = query.filter(rect::status.eq(status.as_str()));
    }
    let open = RectificationStatus::Open.as_str();
    query = match filter.overdue {
        Some(true) => query
            .filter(rect::status.eq(open))
            .filter(rect::due_at.lt(now)),
        Some(false) => query.filter(rect::status.ne(open).or(rect::due_at.ge(now))),
        None => query,
    };
    let rows = query.load(conn)?;
    rows.into_iter()
        .map(|row| rectification::view(conn, row, now))
        .collect()
}
