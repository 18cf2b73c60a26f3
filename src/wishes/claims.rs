//! Claiming a wish (one live claim at a time), releasing it, fulfilling it, and the
//! requester's confirmation with a rating, which credits the fulfiller's points once.

use super::lifecycle::{current, hidden_or_forbidden, recorded};
use super::lock;
use super::store::{self, ClaimRow, WishRow};
use super::types::{Status, WishView};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::notifications::{Notice, notify};
use crate::roles::{Permission, Role, standing};
use crate::schema::{
    organisation_communities, organisation_members, volunteer_team_members, volunteer_teams,
    wish_claims as claims, wishes,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimantKind {
    Volunteer,
    Team,
    Organisation,
    Donor,
}

impl ClaimantKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Volunteer => "volunteer",
            Self::Team => "team",
            Self::Organisation => "organisation",
            Self::Donor => "donor",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// Who takes it on: oneself as a volunteer or donor, or a team or organisation one belongs to.
    pub claimant_kind: ClaimantKind,
    pub team_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fulfilment {
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub note: String,
    /// A reference to a photo kept by the apps' file store.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub photo_ref: Option<String>,
}

/// Whether the caller belongs to the team or organisation they claim for, in this community.
fn refuse_foreign_group(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    request: &ClaimRequest,
) -> Result<(), ApiError> {
    let belongs: i64 = match (
        request.claimant_kind,
        request.team_id,
        request.organisation_id,
    ) {
        (ClaimantKind::Team, Some(team), None) => volunteer_team_members::table
            .inner_join(volunteer_teams::table)
            .filter(volunteer_teams::id.eq(team))
            .filter(volunteer_teams::community_id.eq(community_id))
            .filter(volunteer_team_members::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        (ClaimantKind::Organisation, None, Some(organisation)) => organisation_members::table
            .inner_join(organisation_communities::table.on(
                organisation_communities::organisation_id.eq(organisation_members::organisation_id),
            ))
            .filter(organisation_members::organisation_id.eq(organisation))
            .filter(organisation_members::user_id.eq(user_id))
            .filter(organisation_communities::community_id.eq(community_id))
            .filter(organisation_communities::status.eq("approved"))
            .count()
            .get_result(conn)?,
        (ClaimantKind::Volunteer | ClaimantKind::Donor, None, None) => 1,
        _ => return Err(ApiError::invalid_field("claimant_kind", "invalid_value")),
    };
    if belongs == 0 {
        let field = if request.team_id.is_some() {
            "team_id"
        } else {
            "organisation_id"
        };
        return Err(ApiError::invalid_field(field, "not_found"));
    }
    Ok(())
}

pub fn claim(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    request: &ClaimRequest,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let standing = standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    // Claiming opens the requester's door: only people of this community, not the platform
    // or region admins who oversee it from afar.
    standing.require_any(&[
        Role::CommunityAdmin,
        Role::CommunityStaff,
        Role::GridWorker,
        Role::SocialWorker,
        Role::Volunteer,
        Role::Resident,
    ])?;
    lock(conn, community_id, wish_id)?;
    let wish = store::find(conn, community_id, wish_id)?;
    if !wish.status()?.is_public() && wish.requester_id != caller.user_id {
        return Err(ApiError::not_found());
    }
    if wish.requester_id == caller.user_id {
        return Err(ApiError::forbidden());
    }
    if wish.status()? != Status::Published || now >= wish.deadline {
        return Err(ApiError::new(Code::InvalidState));
    }
    refuse_foreign_group(conn, community_id, caller.user_id, request)?;
    let before = current(conn, &wish)?;
    diesel::insert_into(claims::table)
        .values((
            claims::wish_id.eq(wish_id),
            claims::claimant_id.eq(caller.user_id),
            claims::claimant_kind.eq(request.claimant_kind.as_str()),
            claims::team_id.eq(request.team_id),
            claims::organisation_id.eq(request.organisation_id),
            claims::status.eq("active"),
            claims::claimed_at.eq(now),
        ))
        .execute(conn)?;
    set_status(conn, wish_id, Status::Claimed, now)?;
    // Escalation is about a wish nobody took; once taken, a later release starts afresh.
    diesel::update(wishes::table.find(wish_id))
        .set(wishes::escalated_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    let notice = Notice::WishClaimed {
        wish_id,
        title: wish.title.clone(),
    };
    notify(
        conn,
        Some(community_id),
        &notice,
        &[wish.requester_id],
        None,
    )?;
    recorded(conn, caller, wish_id, "wish.claimed", Some(&before))
}

pub(super) fn set_status(
    conn: &mut DbConnection,
    wish_id: i64,
    status: Status,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(wishes::table.find(wish_id))
        .set((
            wishes::status.eq(status.as_str()),
            wishes::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The locked wish and its live claim, in the state a step needs, for the claimant (or
/// staff when `staff_may` is set).
fn claimed_step(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    wanted: Status,
    staff_may: bool,
) -> Result<(WishRow, ClaimRow, WishView), ApiError> {
    let standing = standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    lock(conn, community_id, wish_id)?;
    let wish = store::find(conn, community_id, wish_id)?;
    let claim = store::live_claim(conn, wish_id)?;
    let is_staff = staff_may && standing.require(Permission::ManageWishes).is_ok();
    let is_claimant = claim
        .as_ref()
        .is_some_and(|c| c.claimant_id == caller.user_id);
    // Who may act is settled before what state the wish is in, so that a stranger learns
    // nothing, not even that an unreviewed wish exists.
    if !is_claimant && !is_staff {
        return Err(hidden_or_forbidden(&wish)?);
    }
    let claim = claim.ok_or_else(|| ApiError::new(Code::InvalidState))?;
    if wish.status()? != wanted {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = current(conn, &wish)?;
    Ok((wish, claim, before))
}

/// The claimant (or staff) gives the wish back; it is published again for others.
pub fn release(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let (_, claim, before) =
        claimed_step(conn, caller, community_id, wish_id, Status::Claimed, true)?;
    diesel::update(claims::table.find(claim.id))
        .set((claims::status.eq("released"), claims::released_at.eq(now)))
        .execute(conn)?;
    set_status(conn, wish_id, Status::Published, now)?;
    recorded(conn, caller, wish_id, "wish.released", Some(&before))
}

/// The claimant reports the wish fulfilled, with a note and optionally a photo.
pub fn fulfil(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    fulfilment: &Fulfilment,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let (_, claim, before) =
        claimed_step(conn, caller, community_id, wish_id, Status::Claimed, false)?;
    diesel::update(claims::table.find(claim.id))
        .set((
            claims::status.eq("fulfilled"),
            claims::fulfilment_note.eq(fulfilment.note.trim()),
            claims::photo_ref.eq(fulfilment.photo_ref.as_deref().map(str::trim)),
            claims::fulfilled_at.eq(now),
        ))
        .execute(conn)?;
    set_status(conn, wish_id, Status::Fulfilled, now)?;
    recorded(conn, caller, wish_id, "wish.fulfilled", Some(&before))
}
