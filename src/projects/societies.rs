//! The five-societies linkage (五社联动) of a project, derived from what the project records:
//!
//! - `community`: staff approved it (it stays linked once approved, whatever follows);
//! - `social_organisation`: an organisation carries or proposed it;
//! - `social_worker` and `volunteer`: someone takes part in that role;
//! - `charity_resource`: the charity fund paid out an approved disbursement to it.
//!
//! The rows of `project_societies` are a cache of this, rewritten by [`refresh`] in the
//! transaction of every change that affects them, so lists can filter on the count.

use super::store::find;
use super::types::{ParticipantRole, Society, Status};
use crate::db::DbConnection;
use crate::db::enums::{parse_text, text_of};
use crate::error::ApiResult;
use crate::fund::disbursements::Status as Disbursement;
use crate::schema::{fund_disbursements, project_participants, project_societies};
use diesel::prelude::*;
use std::collections::BTreeSet;

/// The societies recorded for the project, in the order of [`Society`].
pub fn load(conn: &mut DbConnection, project_id: i64) -> ApiResult<Vec<Society>> {
    let rows: Vec<String> = project_societies::table
        .filter(project_societies::project_id.eq(project_id))
        .select(project_societies::society)
        .load(conn)?;
    let societies = rows
        .iter()
        .map(|s| parse_text(s))
        .collect::<ApiResult<BTreeSet<Society>>>()?;
    Ok(societies.into_iter().collect())
}

/// Recomputes which societies took part in the project and stores them; returns them.
pub fn refresh(
    conn: &mut DbConnection,
    community_id: i64,
    project_id: i64,
) -> ApiResult<Vec<Society>> {
    let project = find(conn, community_id, project_id)?;
    let mut linked = BTreeSet::new();
    if project.decided_at.is_some() && project.status()? != Status::Rejected {
        linked.insert(Society::Community);
    }
    if project.organisation_id.is_some() || project.proposer_organisation_id.is_some() {
        linked.insert(Society::SocialOrganisation);
    }
    let roles: Vec<String> = project_participants::table
        .filter(project_participants::project_id.eq(project_id))
        .select(project_participants::role)
        .distinct()
        .load(conn)?;
    for role in roles {
        match parse_text(&role)? {
            ParticipantRole::SocialWorker => linked.insert(Society::SocialWorker),
            ParticipantRole::Volunteer => linked.insert(Society::Volunteer),
            ParticipantRole::Lead => false,
        };
    }
    let funded: i64 = fund_disbursements::table
        .filter(fund_disbursements::project_id.eq(project_id))
        .filter(fund_disbursements::status.eq(text_of(Disbursement::Approved)))
        .count()
        .get_result(conn)?;
    if funded > 0 {
        linked.insert(Society::CharityResource);
    }
    diesel::delete(project_societies::table.filter(project_societies::project_id.eq(project_id)))
        .execute(conn)?;
    // One insert a row: the multi-backend connection has no batch insert.
    for society in &linked {
        diesel::insert_into(project_societies::table)
            .values((
                project_societies::project_id.eq(project_id),
                project_societies::society.eq(text_of(society)),
            ))
            .execute(conn)?;
    }
    Ok(linked.into_iter().collect())
}
