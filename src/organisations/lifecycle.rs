//! An organisation's standing in each community it serves: registered by a verified member of
//! a community (or its staff) and asked into that community at once; asked into further
//! communities by its leaders; approved or rejected, with a reason, by each community's staff;
//! withdrawn by its leaders or by staff.

use super::store::{self, LinkRow, role_of};
use super::types::{MemberRole, OrganisationRequest, OrganisationView, Registration, Status};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::enums::text_of;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::roles::{Permission, standing};
use crate::schema::{
    communities, organisation_communities as links, organisation_members as members, organisations,
};
use diesel::prelude::*;

/// Records a change and returns the organisation after it, as the community shows it.
fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, organisation_id): (i64, i64),
    action: &'static str,
    before: Option<&OrganisationView>,
) -> ApiResult<OrganisationView> {
    let link = store::link(conn, community_id, organisation_id)?.ok_or_else(ApiError::not_found)?;
    let after = store::view(conn, link)?;
    let change = Change::in_community(community_id, action, "organisation", organisation_id);
    audit::record(conn, &caller.into(), change.before_if(before).after(&after))?;
    Ok(after)
}

/// The organisation's standing in the community, for a caller who may change it: staff of the
/// community (`ManageOrganisations`) or a leader of the organisation. Others get 404 if they
/// cannot see it (or have no standing here) and 403 if they can.
pub fn require_manager(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<LinkRow> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let reader = Some((caller.user_id, &standing));
    let link = store::visible_link(conn, community_id, organisation_id, reader)?;
    if standing.require(Permission::ManageOrganisations).is_ok()
        || role_of(conn, organisation_id, caller.user_id)? == Some(MemberRole::Leader)
    {
        return Ok(link);
    }
    Err(standing.refusal())
}

/// Registers an organisation, with the caller as its first leader, and asks for it to serve
/// the community.
pub fn register(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &OrganisationRequest,
) -> ApiResult<OrganisationView> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    if body.registration == Registration::Registered && body.registration_number.is_none() {
        return Err(ApiError::invalid_field("registration_number", "required"));
    }
    let at = now();
    let id: i64 = diesel::insert_into(organisations::table)
        .values((
            organisations::name.eq(body.name.trim()),
            organisations::category.eq(text_of(body.category)),
            organisations::registration.eq(text_of(body.registration)),
            organisations::registration_number
                .eq(body.registration_number.as_deref().map(str::trim)),
            organisations::contact.eq(body.contact.as_deref().map(str::trim)),
            organisations::description.eq(body.description.as_deref().map(str::trim)),
            organisations::created_by.eq(caller.actor_id()),
            organisations::created_at.eq(at),
            organisations::updated_at.eq(at),
        ))
        .returning(organisations::id)
        .get_result(conn)?;
    diesel::insert_into(members::table)
        .values((
            members::organisation_id.eq(id),
            members::user_id.eq(caller.user_id),
            members::role.eq(text_of(MemberRole::Leader)),
            members::joined_at.eq(at),
        ))
        .execute(conn)?;
    insert_request(conn, caller, community_id, id)?;
    recorded(
        conn,
        caller,
        (community_id, id),
        "organisation.registered",
        None,
    )
}

fn insert_request(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<()> {
    diesel::insert_into(links::table)
        .values((
            links::organisation_id.eq(organisation_id),
            links::community_id.eq(community_id),
            links::status.eq(text_of(Status::Pending)),
            links::requested_by.eq(caller.user_id),
            links::requested_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A leader asks for the organisation to serve the community (again, after a rejection or a
/// withdrawal). To anyone but its leaders the organisation is not there to ask for: 404.
pub fn request_service(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<OrganisationView> {
    if role_of(conn, organisation_id, caller.user_id)? != Some(MemberRole::Leader) {
        return Err(ApiError::not_found());
    }
    communities::table
        .find(community_id)
        .select(communities::id)
        .first::<i64>(conn)?;
    let Some(link) = store::link(conn, community_id, organisation_id)? else {
        insert_request(conn, caller, community_id, organisation_id)?;
        let at = (community_id, organisation_id);
        return recorded(conn, caller, at, "organisation.requested", None);
    };
    if !matches!(link.status()?, Status::Rejected | Status::Withdrawn) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = store::view(conn, link)?;
    diesel::update(links::table.find((organisation_id, community_id)))
        .set((
            links::status.eq(text_of(Status::Pending)),
            links::requested_by.eq(caller.user_id),
            links::requested_at.eq(now()),
            links::decided_by.eq(None::<i64>),
            links::decided_at.eq(None::<chrono::NaiveDateTime>),
            links::rejection_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    let at = (community_id, organisation_id);
    recorded(conn, caller, at, "organisation.requested", Some(&before))
}

/// Staff approve a pending organisation into the community, or reject it with a reason.
/// Nobody decides on a request they made, or for an organisation they belong to.
pub fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
    rejection: Option<&str>,
) -> ApiResult<OrganisationView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageOrganisations,
    )?;
    let link = store::link(conn, community_id, organisation_id)?.ok_or_else(ApiError::not_found)?;
    if link.requested_by == caller.user_id
        || role_of(conn, organisation_id, caller.user_id)?.is_some()
    {
        return Err(ApiError::forbidden());
    }
    if link.status()? != Status::Pending {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = store::view(conn, link)?;
    let (status, action) = match rejection {
        None => (Status::Approved, "organisation.approved"),
        Some(_) => (Status::Rejected, "organisation.rejected"),
    };
    let updated = diesel::update(
        links::table
            .find((organisation_id, community_id))
            .filter(links::status.eq(text_of(Status::Pending))),
    )
    .set((
        links::status.eq(text_of(status)),
        links::decided_by.eq(caller.actor_id()),
        links::decided_at.eq(now()),
        links::rejection_reason.eq(rejection.map(str::trim)),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::new(Code::InvalidState));
    }
    let at = (community_id, organisation_id);
    recorded(conn, caller, at, action, Some(&before))
}

/// A leader (or staff) ends the organisation's service in the community, or its request.
pub fn withdraw(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<OrganisationView> {
    let link = require_manager(conn, caller, community_id, organisation_id)?;
    let live = [text_of(Status::Pending), text_of(Status::Approved)];
    if !live.contains(&link.status) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = store::view(conn, link)?;
    let updated = diesel::update(
        links::table
            .find((organisation_id, community_id))
            .filter(links::status.eq_any(live)),
    )
    .set(links::status.eq(text_of(Status::Withdrawn)))
    .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::new(Code::InvalidState));
    }
    let at = (community_id, organisation_id);
    recorded(conn, caller, at, "organisation.withdrawn", Some(&before))
}
