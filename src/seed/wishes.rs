//! Demo wishes for 望月湖社区: one published and waiting for a volunteer, and one that a grid
//! worker posted for 钱桂芝 (who has no phone), waiting for staff review.

use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::wishes;
use crate::wishes::lifecycle::home_grid;
use crate::wishes::types::Status;
use chrono::TimeDelta;
use diesel::prelude::*;

pub struct Cast {
    pub community_id: i64,
    pub staff: i64,
    pub grid_worker: i64,
    pub resident: i64,
    pub elder: i64,
}

pub fn seed(conn: &mut DbConnection, cast: &Cast) -> Result<(), ApiError> {
    let demo = [
        (
            cast.resident,
            cast.resident,
            "陪老人聊聊天",
            "companionship",
            0,
            Status::Published,
        ),
        (
            cast.elder,
            cast.grid_worker,
            "厨房水龙头漏水",
            "repair",
            3000,
            Status::Submitted,
        ),
    ];
    for (requester, posted_by, title, category, value, status) in demo {
        let grid = home_grid(conn, cast.community_id, requester)?;
        let published_at = (status == Status::Published).then(now);
        diesel::insert_into(wishes::table)
            .values((
                wishes::community_id.eq(cast.community_id),
                wishes::requester_id.eq(requester),
                wishes::posted_by.eq(posted_by),
                wishes::title.eq(title),
                wishes::story.eq("子女在外地工作，平时一个人在家。"),
                wishes::category.eq(category),
                wishes::estimated_value_fen.eq(value),
                wishes::deadline.eq(now() + TimeDelta::days(10)),
                wishes::grid_id.eq(grid),
                wishes::status.eq(status.as_str()),
                wishes::reviewed_by.eq(published_at.map(|_| cast.staff)),
                wishes::reviewed_at.eq(published_at),
                wishes::published_at.eq(published_at),
                wishes::created_at.eq(now()),
                wishes::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
