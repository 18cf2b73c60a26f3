//! Demo organisations and projects: 望月湖邻里互助会 (led by 郑爱华) serving 望月湖社区, and
//! 湘江社工服务中心 (led by the social worker 孙丽) serving it and 银盆岭社区; a lighting
//! project under way that links four of the five societies, and an after-school class the
//! agency proposed, waiting for staff.

use crate::db::enums::text_of;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::organisations::social_workers::CertificateLevel;
use crate::organisations::types::{Category, MemberRole, Registration, Status};
use crate::projects::types::{ParticipantRole, Status as ProjectStatus};
use crate::schema::{
    organisation_communities as links, organisation_members as members, organisations,
    project_milestones, project_participants, projects, social_workers,
};
use chrono::TimeDelta;
use diesel::prelude::*;

pub struct Cast {
    /// 望月湖社区 and 银盆岭社区.
    pub communities: [i64; 2],
    pub staff: i64,
    pub social_worker: i64,
    pub volunteer: i64,
    pub resident: i64,
}

/// An organisation approved by `cast.staff` in `communities`, led by `leader`; returns its id.
fn organisation(
    conn: &mut DbConnection,
    cast: &Cast,
    (name, category, registration, number, contact): (&str, Category, Registration, &str, &str),
    leader: i64,
    communities: &[i64],
) -> Result<i64, ApiError> {
    let id: i64 = diesel::insert_into(organisations::table)
        .values((
            organisations::name.eq(name),
            organisations::category.eq(text_of(category)),
            organisations::registration.eq(text_of(registration)),
            organisations::registration_number.eq(number),
            organisations::contact.eq(contact),
            organisations::created_by.eq(leader),
            organisations::created_at.eq(now()),
            organisations::updated_at.eq(now()),
        ))
        .returning(organisations::id)
        .get_result(conn)?;
    diesel::insert_into(members::table)
        .values((
            members::organisation_id.eq(id),
            members::user_id.eq(leader),
            members::role.eq(text_of(MemberRole::Leader)),
            members::joined_at.eq(now()),
        ))
        .execute(conn)?;
    for community in communities {
        diesel::insert_into(links::table)
            .values((
                links::organisation_id.eq(id),
                links::community_id.eq(community),
                links::status.eq(text_of(Status::Approved)),
                links::requested_by.eq(leader),
                links::requested_at.eq(now()),
                links::decided_by.eq(cast.staff),
                links::decided_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn seed(conn: &mut DbConnection, cast: &Cast) -> Result<(), ApiError> {
    let [home, neighbour] = cast.communities;
    let mutual_aid = (
        "望月湖邻里互助会",
        Category::MutualAid,
        Registration::Filed,
        "岳民社备字2024第017号",
        "望月湖社区党群服务中心二楼，每周二、四上午",
    );
    let mutual_aid = organisation(conn, cast, mutual_aid, cast.resident, &[home])?;
    let agency = (
        "湘江社工服务中心",
        Category::SocialWorkAgency,
        Registration::Registered,
        "52430104MJ4801234X",
        "岳麓区麓山南路社工站 0731-88001234",
    );
    let agency = organisation(conn, cast, agency, cast.social_worker, &[home, neighbour])?;
    diesel::insert_into(social_workers::table)
        .values((
            social_workers::user_id.eq(cast.social_worker),
            social_workers::certificate_level.eq(text_of(CertificateLevel::Intermediate)),
            social_workers::certificate_number.eq("S2019430100123"),
            social_workers::employer_organisation_id.eq(agency),
            social_workers::updated_by.eq(cast.staff),
            social_workers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let lighting: i64 = diesel::insert_into(projects::table)
        .values((
            projects::community_id.eq(home),
            projects::title.eq("老旧楼道照明改造"),
            projects::summary.eq("为 1 至 3 栋更换声控灯，互助会组织居民志愿者分楼栋施工。"),
            projects::proposed_by.eq(cast.resident),
            projects::organisation_id.eq(mutual_aid),
            projects::budget_fen.eq(300_000),
            projects::status.eq(text_of(ProjectStatus::InProgress)),
            projects::decided_by.eq(cast.staff),
            projects::decided_at.eq(now()),
            projects::started_at.eq(now()),
            projects::created_at.eq(now()),
            projects::updated_at.eq(now()),
        ))
        .returning(projects::id)
        .get_result(conn)?;
    for (user, role) in [
        (cast.social_worker, ParticipantRole::SocialWorker),
        (cast.volunteer, ParticipantRole::Volunteer),
    ] {
        diesel::insert_into(project_participants::table)
            .values((
                project_participants::project_id.eq(lighting),
                project_participants::user_id.eq(user),
                project_participants::role.eq(text_of(role)),
                project_participants::joined_at.eq(now()),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(project_milestones::table)
        .values((
            project_milestones::project_id.eq(lighting),
            project_milestones::title.eq("采购声控灯"),
            project_milestones::due_at.eq(now() + TimeDelta::days(14)),
        ))
        .execute(conn)?;
    let class: i64 = diesel::insert_into(projects::table)
        .values((
            projects::community_id.eq(home),
            projects::title.eq("四点半课堂"),
            projects::summary.eq("放学后为双职工家庭的孩子提供作业辅导和阅读活动。"),
            projects::proposed_by.eq(cast.social_worker),
            projects::proposer_organisation_id.eq(agency),
            projects::organisation_id.eq(agency),
            projects::budget_fen.eq(800_000),
            projects::status.eq(text_of(ProjectStatus::Proposed)),
            projects::created_at.eq(now()),
            projects::updated_at.eq(now()),
        ))
        .returning(projects::id)
        .get_result(conn)?;
    for project in [lighting, class] {
        crate::projects::societies::refresh(conn, home, project)?;
    }
    Ok(())
}
