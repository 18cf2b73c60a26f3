//! Demo topics for 望月湖社区: residents' proposal of charging points gathering co-signers
//! (a demo resident can add theirs), and staff's lift for building 1 in discussion, with a
//! comment and a 民情恳谈 meeting on record.

use crate::audit::Actor;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{topic_comments, topic_cosigners, topic_meetings, topics};
use crate::topics::timeline::{self, Event, EventKind};
use crate::topics::types::{MeetingKind, Origin};
use crate::topics::{TopicStage, settings, stage, store};
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::json;

pub struct Cast {
    pub community_id: i64,
    pub staff: i64,
    /// Verified residents: the first raises the residents' topic, the others co-sign it.
    pub residents: [i64; 4],
}

fn insert(
    conn: &mut DbConnection,
    community_id: i64,
    (title, body): (&str, &str),
    (origin, raised_by, required): (Origin, i64, i64),
) -> Result<i64, ApiError> {
    let id = diesel::insert_into(topics::table)
        .values((
            topics::community_id.eq(community_id),
            topics::title.eq(title),
            topics::body.eq(body),
            topics::special.eq(false),
            topics::procedure.eq("standard"),
            topics::origin.eq(origin.as_str()),
            topics::raised_by.eq(raised_by),
            topics::cosigners_required.eq(i32::try_from(required).map_err(ApiError::internal)?),
            topics::stage.eq(TopicStage::Proposed.as_str()),
            topics::created_at.eq(now()),
            topics::updated_at.eq(now()),
        ))
        .returning(topics::id)
        .get_result(conn)?;
    let event = Event::new(EventKind::Raised, Some(raised_by)).data(json!({ "origin": origin }));
    timeline::record(conn, id, event, now())?;
    Ok(id)
}

pub fn seed(conn: &mut DbConnection, cast: &Cast) -> Result<(), ApiError> {
    let [raiser, cosigners @ ..] = cast.residents;
    let required = settings::view(conn, cast.community_id)?.cosigners_required;
    let charging = insert(
        conn,
        cast.community_id,
        (
            "楼道充电隐患多，建议增设集中充电桩",
            "不少住户把电动车推进楼道充电，夜里很危险。",
        ),
        (Origin::Residents, raiser, required),
    )?;
    for user_id in cosigners {
        diesel::insert_into(topic_cosigners::table)
            .values((
                topic_cosigners::topic_id.eq(charging),
                topic_cosigners::user_id.eq(user_id),
                topic_cosigners::signed_at.eq(now()),
            ))
            .execute(conn)?;
    }
    let lift = insert(
        conn,
        cast.community_id,
        (
            "1栋加装电梯",
            "1栋住户多为老人，上下楼困难；费用如何分摊请大家议一议。",
        ),
        (Origin::Staff, cast.staff, 0),
    )?;
    let staff = Actor {
        user_id: Some(cast.staff),
        ..Actor::default()
    };
    for to in [TopicStage::Accepted, TopicStage::Discussion] {
        let topic = store::find(conn, cast.community_id, lift)?;
        stage::advance(conn, &staff, &topic, to, now())?;
    }
    diesel::insert_into(topic_comments::table)
        .values((
            topic_comments::topic_id.eq(lift),
            topic_comments::author_id.eq(raiser),
            topic_comments::body.eq("低层住户也愿意分摊一部分，希望尽快开工。"),
            topic_comments::created_at.eq(now()),
        ))
        .execute(conn)?;
    let held_at = now() - TimeDelta::days(3);
    let meeting: i64 = diesel::insert_into(topic_meetings::table)
        .values((
            topic_meetings::topic_id.eq(lift),
            topic_meetings::kind.eq(MeetingKind::Consultation.as_str()),
            topic_meetings::held_at.eq(held_at),
            topic_meetings::location.eq("社区议事厅"),
            topic_meetings::attendees.eq(r#"["王芳（社区工作者）","1栋住户代表 12 人"]"#),
            topic_meetings::minutes.eq("民情恳谈会听取了 1 栋住户对加装电梯的意见，多数赞成。"),
            topic_meetings::attachments.eq("[]"),
            topic_meetings::recorded_by.eq(cast.staff),
            topic_meetings::created_at.eq(now()),
        ))
        .returning(topic_meetings::id)
        .get_result(conn)?;
    let data = json!({ "meeting_id": meeting, "kind": MeetingKind::Consultation, "held_at": held_at.and_utc() });
    timeline::record(
        conn,
        lift,
        Event::new(EventKind::MeetingRecorded, Some(cast.staff)).data(data),
        now(),
    )
}
