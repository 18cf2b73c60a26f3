//! Demo volunteering for 望月湖社区: a shop with three items, an activity that took place
//! yesterday with two volunteers' hours verified and waiting to be settled, and an activity
//! open for sign-up. The README's walk-through starts from here.

use crate::activities::terms::{self, Terms};
use crate::activities::types::{ActivityRequest, PointsRule, Status};
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{activities, activity_signups, attendance, reward_items};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use std::collections::BTreeSet;

/// The people the demo needs, by role.
pub struct Cast {
    pub community_id: i64,
    pub staff: i64,
    pub volunteers: [i64; 2],
}

pub fn seed(conn: &mut DbConnection, cast: &Cast) -> Result<(), ApiError> {
    stock_the_shop(conn, cast)?;
    let today = calendar::start_of_day(now());
    // Yesterday 09:00 to 11:00 Beijing time.
    let cleanup = activity(
        conn,
        cast,
        "周末社区环境清洁",
        today - TimeDelta::hours(15),
        PointsRule::PerHour,
        10,
        &[],
    )?;
    diesel::update(activities::table.find(cleanup.0))
        .set(activities::status.eq(Status::Completed.as_str()))
        .execute(conn)?;
    for volunteer in cast.volunteers {
        sign_up(conn, cleanup.0, volunteer, cleanup.1)?;
        diesel::insert_into(attendance::table)
            .values((
                attendance::activity_id.eq(cleanup.0),
                attendance::user_id.eq(volunteer),
                attendance::source.eq("check_in"),
                attendance::started_at.eq(cleanup.1),
                attendance::ended_at.eq(cleanup.1 + TimeDelta::hours(2)),
                attendance::minutes.eq(120),
                attendance::status.eq("verified"),
                attendance::created_at.eq(cleanup.1),
            ))
            .execute(conn)?;
    }
    // In three days, 14:30 to 16:30 Beijing time, open for sign-up.
    let visit = activity(
        conn,
        cast,
        "重阳节敬老院探访",
        today + TimeDelta::days(3) + TimeDelta::minutes(14 * 60 + 30),
        PointsRule::Fixed,
        20,
        &["陪伴聊天"],
    )?;
    diesel::update(activities::table.find(visit.0))
        .set(activities::status.eq(Status::Published.as_str()))
        .execute(conn)?;
    Ok(())
}

fn stock_the_shop(conn: &mut DbConnection, cast: &Cast) -> Result<(), ApiError> {
    let items: [(&str, i64, i32, Option<i32>); 3] = [
        ("环保购物袋", 20, 100, Some(2)),
        ("洗衣液（2kg）", 50, 40, None),
        ("理发服务券", 30, 60, Some(1)),
    ];
    for (name, price, stock, limit) in items {
        diesel::insert_into(reward_items::table)
            .values((
                reward_items::community_id.eq(cast.community_id),
                reward_items::name.eq(name),
                reward_items::price_points.eq(price),
                reward_items::stock.eq(stock),
                reward_items::per_person_limit.eq(limit),
                reward_items::active.eq(true),
                reward_items::created_by.eq(cast.staff),
                reward_items::created_at.eq(now()),
                reward_items::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A two-hour activity for ten at the community centre; returns its id and start.
fn activity(
    conn: &mut DbConnection,
    cast: &Cast,
    title: &str,
    starts_at: NaiveDateTime,
    points_rule: PointsRule,
    points_amount: i64,
    skills: &[&str],
) -> Result<(i64, NaiveDateTime), ApiError> {
    let ends_at = starts_at + TimeDelta::hours(2);
    let request = ActivityRequest {
        title: title.to_owned(),
        description: None,
        place: "望月湖社区党群服务中心".to_owned(),
        grid_id: None,
        team_id: None,
        starts_at: starts_at.and_utc(),
        ends_at: ends_at.and_utc(),
        signup_deadline: None,
        capacity: 10,
        required_skills: skills.iter().map(|s| s.to_string()).collect(),
        points_rule,
        points_amount,
        service_recipient_id: None,
    };
    let terms = Terms {
        request: &request,
        starts_at,
        ends_at,
        signup_deadline: starts_at,
        skills: skills
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
    };
    let id = terms::insert(conn, cast.community_id, cast.staff, &terms, now())?;
    Ok((id, starts_at))
}

fn sign_up(
    conn: &mut DbConnection,
    activity_id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(activity_signups::table)
        .values((
            activity_signups::activity_id.eq(activity_id),
            activity_signups::user_id.eq(user_id),
            activity_signups::status.eq("confirmed"),
            activity_signups::created_at.eq(at - TimeDelta::days(2)),
        ))
        .execute(conn)?;
    Ok(())
}
