//! Setting up a vote on a topic under discussion: its question, options, electorate, times
//! and rules, checked once here so that opening and counting can trust them.

use super::store;
use super::types::{
    ElectorateKind, Fraction, PassRule, VoteKind, VoteRequest, VoteStatus, VoteView,
};
use crate::audit::{self, Actor, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::memberships::store::is_verified;
use crate::roles::{Permission, standing};
use crate::schema::{vote_representatives, votes};
use crate::topics::timeline::{self, Event, EventKind};
use crate::topics::types::ProcedureStep;
use crate::topics::{Procedure, TopicStage, procedure, store as topics};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde_json::json;

/// The labels of a yes/no vote's options 0, 1 and 2.
const YES_NO: [&str; 3] = ["同意", "反对", "弃权"];
const MORE_THAN_HALF: Fraction = Fraction {
    numerator: 1,
    denominator: 2,
};
const TWO_THIRDS: Fraction = Fraction {
    numerator: 2,
    denominator: 3,
};

/// The options and the most a ballot may mark.
fn options_of(body: &VoteRequest) -> Result<(Vec<String>, i32), ApiError> {
    let labels: Vec<String> = body.options.iter().map(|l| l.trim().to_owned()).collect();
    let count = i32::try_from(labels.len()).unwrap_or(i32::MAX);
    match body.kind {
        VoteKind::YesNo if labels.is_empty() && body.max_choices.is_none() => {
            Ok((YES_NO.map(String::from).to_vec(), 1))
        }
        VoteKind::YesNo => Err(ApiError::invalid_field("options", "not_for_yes_no")),
        _ if count < 2 => Err(ApiError::invalid_field("options", "too_few_options")),
        VoteKind::Single if body.max_choices.is_some_and(|k| k != 1) => {
            Err(ApiError::invalid_field("max_choices", "range"))
        }
        VoteKind::Single => Ok((labels, 1)),
        VoteKind::Multiple => match body.max_choices.unwrap_or(count) {
            k if k > count => Err(ApiError::invalid_field("max_choices", "range")),
            k => Ok((labels, k)),
        },
    }
}

/// Times a committee would set: within a year, open for 10 minutes to 90 days.
fn check_times(
    body: &VoteRequest,
    now: NaiveDateTime,
) -> Result<(NaiveDateTime, NaiveDateTime), ApiError> {
    let (opens, closes) = (body.opens_at.naive_utc(), body.closes_at.naive_utc());
    if opens < now - TimeDelta::minutes(5) || opens > now + TimeDelta::days(366) {
        return Err(ApiError::invalid_field("opens_at", "range"));
    }
    let length = closes - opens;
    if length < TimeDelta::minutes(10) || length > TimeDelta::days(90) {
        return Err(ApiError::invalid_field("closes_at", "range"));
    }
    Ok((opens, closes))
}

fn check_share(field: &str, share: Fraction) -> Result<(), ApiError> {
    if share.numerator > share.denominator {
        return Err(ApiError::invalid_field(field, "range"));
    }
    Ok(())
}

/// Each named representative must be a verified resident of the community.
fn check_representatives(
    conn: &mut DbConnection,
    community_id: i64,
    body: &VoteRequest,
) -> Result<Vec<i64>, ApiError> {
    let mut named = body.representatives.clone();
    named.sort_unstable();
    named.dedup();
    match body.electorate {
        ElectorateKind::Representatives if named.is_empty() => {
            Err(ApiError::invalid_field("representatives", "required"))
        }
        ElectorateKind::Representatives => {
            for user_id in &named {
                if !is_verified(conn, community_id, *user_id)? {
                    return Err(ApiError::invalid_field("representatives", "not_a_resident"));
                }
            }
            Ok(named)
        }
        _ if named.is_empty() => Ok(named),
        _ => Err(ApiError::invalid_field(
            "representatives",
            "not_for_electorate",
        )),
    }
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    topic_id: i64,
    body: &VoteRequest,
    now: NaiveDateTime,
) -> Result<VoteView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageVotes)?;
    let topic = topics::find(conn, community_id, topic_id)?;
    if topic.stage()? != TopicStage::Discussion {
        return Err(ApiError::new(Code::InvalidState).with_field("topic_id", "not_in_discussion"));
    }
    // A 四议两公开 topic goes to the vote (the villagers' meeting) only after the party
    // members' review; checked now so that the vote can always open when its time comes.
    if topic.procedure()? == Procedure::FourTwo
        && !procedure::is_recorded(conn, topic.id, ProcedureStep::MembersReview)?
    {
        return Err(ApiError::new(Code::InvalidState).with_field("procedure", "step_missing"));
    }
    let pending: i64 = votes::table
        .filter(votes::topic_id.eq(topic_id))
        .filter(votes::status.eq_any([VoteStatus::Scheduled.as_str(), VoteStatus::Open.as_str()]))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("topic_id", "vote_pending"));
    }
    let (options, max_choices) = options_of(body)?;
    let (opens_at, closes_at) = check_times(body, now)?;
    let quorum = body.quorum.unwrap_or(MORE_THAN_HALF);
    check_share("quorum", quorum)?;
    let pass = body.pass_rule.unwrap_or(match topic.special {
        true => PassRule {
            share: TWO_THIRDS,
            inclusive: true,
        },
        false => PassRule {
            share: MORE_THAN_HALF,
            inclusive: false,
        },
    });
    check_share("pass_rule", pass.share)?;
    let representatives = check_representatives(conn, community_id, body)?;
    let options = serde_json::to_string(&options).map_err(ApiError::internal)?;
    let vote_id: i64 = diesel::insert_into(votes::table)
        .values((
            votes::community_id.eq(community_id),
            votes::topic_id.eq(topic_id),
            votes::question.eq(body.question.trim()),
            votes::kind.eq(body.kind.as_str()),
            votes::options.eq(options),
            votes::max_choices.eq(max_choices),
            votes::electorate.eq(body.electorate.as_str()),
            votes::status.eq(VoteStatus::Scheduled.as_str()),
            votes::opens_at.eq(opens_at),
            votes::closes_at.eq(closes_at),
            votes::quorum_numerator.eq(quorum.numerator),
            votes::quorum_denominator.eq(quorum.denominator),
            votes::pass_numerator.eq(pass.share.numerator),
            votes::pass_denominator.eq(pass.share.denominator),
            votes::pass_inclusive.eq(pass.inclusive),
            votes::live_results.eq(body.live_results),
            votes::allow_change.eq(body.allow_change),
            votes::created_by.eq(caller.actor_id()),
            votes::created_at.eq(now),
            votes::updated_at.eq(now),
        ))
        .returning(votes::id)
        .get_result(conn)?;
    let vote = store::find(conn, community_id, vote_id)?;
    for user_id in representatives {
        diesel::insert_into(vote_representatives::table)
            .values((
                vote_representatives::vote_id.eq(vote.id),
                vote_representatives::user_id.eq(user_id),
            ))
            .execute(conn)?;
    }
    let event = Event::new(EventKind::VoteScheduled, Some(caller.actor_id()))
        .body(vote.question.clone())
        .data(json!({"vote_id": vote.id, "opens_at": vote.opens_at.and_utc(), "closes_at": vote.closes_at.and_utc()}));
    timeline::record(conn, topic_id, event, now)?;
    let view = store::view(conn, &vote, None)?;
    audit::record(
        conn,
        &Actor::from(caller),
        Change::in_community(community_id, "vote.create", "vote", vote.id).after(&view),
    )?;
    Ok(view)
}
