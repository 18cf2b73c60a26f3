//! `seed-demo` and `create-admin`: a demo street to click around in, and the first admin.

pub mod crowd;
mod societies;
mod topics;
mod volunteering;
mod wishes;

use crate::accounts::identity::Login;
use crate::accounts::store::{self as users, NewUser};
use crate::audit::{self, Actor, Change};
use crate::communities::{
    Kind, households,
    store::{self as communities, Facts},
};
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::memberships::{Status, store as memberships};
use crate::regions::{Level, store as regions};
use crate::roles::{
    Role,
    store::{self as grants, Scope},
};
use crate::schema::{grids, households as household_table, users as user_table};
use crate::state::AppState;
use diesel::prelude::*;

/// The password of every demo account (listed in the README).
pub const DEMO_PASSWORD: &str = "Wushe-Demo-2026";

pub async fn create_admin(
    state: &AppState,
    login: &str,
    password: &str,
    name: &str,
) -> Result<(), String> {
    let login = Login::parse(login)
        .map_err(|_| "--login must be a mainland mobile number or an email address".to_owned())?;
    crate::auth::check_strength("password", password, &[name, &login.to_string()]).map_err(
        |_| {
            "the password is too weak: use 8+ characters, avoiding common words and sequences"
                .to_owned()
        },
    )?;
    let hash = state
        .passwords
        .hash(password.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    let name = name.to_owned();
    let shown = login.to_string();
    let created = state
        .db
        .write(move |conn| {
            if let Some(existing) = users::find_by_login(conn, &login)? {
                diesel::update(user_table::table.find(existing.id))
                    .set(user_table::is_platform_admin.eq(true))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &Actor::default(),
                    Change::account(existing.id, "account.promoted_platform_admin"),
                )?;
                return Ok(false);
            }
            let user = users::insert(
                conn,
                NewUser {
                    display_name: &name,
                    login: Some(&login),
                    password_hash: Some(&hash),
                    is_platform_admin: true,
                    assisted: false,
                    id_number: None,
                    created_by: None,
                },
            )?;
            audit::record(
                conn,
                &Actor::default(),
                Change::account(user.id, "account.created_platform_admin"),
            )?;
            Ok(true)
        })
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{} platform admin {shown}",
        if created {
            "created"
        } else {
            "promoted existing account to"
        }
    );
    Ok(())
}

struct DemoUser {
    phone: &'static str,
    name: &'static str,
    /// (role, community index or region index) — see `seed_people`.
    roles: &'static [(Role, usize)],
    /// Community index where the person lives, and whether staff verified it yet.
    home: Option<(usize, bool)>,
}

const PEOPLE: &[DemoUser] = &[
    DemoUser {
        phone: "13800000001",
        name: "周平",
        roles: &[(Role::PlatformAdmin, 0)],
        home: None,
    },
    DemoUser {
        phone: "13800000002",
        name: "陈静",
        roles: &[(Role::RegionAdmin, 2)],
        home: None,
    },
    DemoUser {
        phone: "13800000003",
        name: "刘洋",
        roles: &[(Role::RegionAdmin, 3)],
        home: None,
    },
    DemoUser {
        phone: "13800000011",
        name: "李秀英",
        roles: &[(Role::CommunityAdmin, 0)],
        home: Some((0, true)),
    },
    DemoUser {
        phone: "13800000012",
        name: "王芳",
        roles: &[(Role::CommunityStaff, 0)],
        home: Some((0, true)),
    },
    DemoUser {
        phone: "13800000013",
        name: "赵磊",
        roles: &[(Role::GridWorker, 0)],
        home: Some((0, true)),
    },
    DemoUser {
        phone: "13800000014",
        name: "孙丽",
        roles: &[(Role::SocialWorker, 0), (Role::SocialWorker, 1)],
        home: None,
    },
    DemoUser {
        phone: "13800000015",
        name: "吴强",
        roles: &[(Role::Volunteer, 0)],
        home: Some((0, true)),
    },
    DemoUser {
        phone: "13800000016",
        name: "郑爱华",
        roles: &[],
        home: Some((0, true)),
    },
    DemoUser {
        phone: "13800000017",
        name: "何晓明",
        roles: &[],
        home: Some((0, false)),
    },
    DemoUser {
        phone: "13800000021",
        name: "黄志刚",
        roles: &[(Role::CommunityAdmin, 1)],
        home: Some((1, true)),
    },
    DemoUser {
        phone: "13800000022",
        name: "林晓燕",
        roles: &[(Role::CommunityStaff, 1)],
        home: Some((1, true)),
    },
    DemoUser {
        phone: "13800000031",
        name: "张德明",
        roles: &[(Role::CommunityAdmin, 2)],
        home: Some((2, true)),
    },
    DemoUser {
        phone: "13800000032",
        name: "罗桂兰",
        roles: &[(Role::GridWorker, 2)],
        home: Some((2, true)),
    },
    DemoUser {
        phone: "13800000033",
        name: "彭建华",
        roles: &[],
        home: Some((2, true)),
    },
];

/// (name, kind, households, residents, facility m², activity rooms m², full-time staff, grids)
const COMMUNITIES: [(&str, Kind, i32, i32, i32, i32, i32, &[&str]); 3] = [
    (
        "望月湖社区",
        Kind::Urban,
        3200,
        8600,
        850,
        480,
        7,
        &["第一网格", "第二网格", "第三网格"],
    ),
    (
        "银盆岭社区",
        Kind::Urban,
        2100,
        5600,
        620,
        350,
        6,
        &["东片网格", "西片网格"],
    ),
    (
        "桐梓坡村",
        Kind::Rural,
        680,
        2300,
        360,
        200,
        3,
        &["一组", "二组"],
    ),
];

pub async fn run(state: &AppState) -> Result<(), String> {
    let already = state
        .db
        .run(|conn| {
            Ok(crate::schema::regions::table
                .filter(crate::schema::regions::code.eq("430000"))
                .count()
                .get_result::<i64>(conn)?
                > 0)
        })
        .await
        .map_err(|e| e.to_string())?;
    if already {
        println!(
            "the demo street is already loaded; log in with any demo account (password {DEMO_PASSWORD})"
        );
        return Ok(());
    }
    let hash = state
        .passwords
        .hash(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    state
        .db
        .write(move |conn| seed(conn, &hash))
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "loaded the demo street 望月湖街道 with {} accounts; password for all: {DEMO_PASSWORD}",
        PEOPLE.len()
    );
    Ok(())
}

fn seed(conn: &mut DbConnection, password_hash: &str) -> Result<(), ApiError> {
    let province = regions::insert(conn, None, Level::Province, "湖南省", Some("430000"))?;
    let city = regions::insert(
        conn,
        Some(province.id),
        Level::City,
        "长沙市",
        Some("430100"),
    )?;
    let district = regions::insert(
        conn,
        Some(city.id),
        Level::District,
        "岳麓区",
        Some("430104"),
    )?;
    let street = regions::insert(
        conn,
        Some(district.id),
        Level::Street,
        "望月湖街道",
        Some("430104001"),
    )?;
    let region_ids = [province.id, city.id, district.id, street.id];

    let mut community_households = Vec::new();
    for (name, kind, households, residents, facility, rooms, staff, grid_names) in COMMUNITIES {
        let facts = Facts {
            name: Some(name.into()),
            address: Some(format!("湖南省长沙市岳麓区{name}")),
            households_count: Some(households),
            residents_count: Some(residents),
            service_facility_area_m2: Some(facility),
            activity_room_area_m2: Some(rooms),
            full_time_staff_count: Some(staff),
        };
        let community = communities::insert(conn, street.id, kind, None, &facts)?;
        let mut ids = Vec::new();
        for (g, grid_name) in grid_names.iter().enumerate() {
            let grid_id: i64 = diesel::insert_into(grids::table)
                .values((
                    grids::community_id.eq(community.id),
                    grids::name.eq(*grid_name),
                    grids::created_at.eq(now()),
                ))
                .returning(grids::id)
                .get_result(conn)?;
            for room in 1..=4 {
                let building = if kind == Kind::Rural {
                    grid_name.to_string()
                } else {
                    format!("{}栋", g + 1)
                };
                let id: i64 = diesel::insert_into(household_table::table)
                    .values((
                        household_table::community_id.eq(community.id),
                        household_table::grid_id.eq(grid_id),
                        household_table::building.eq(building),
                        household_table::unit.eq(if kind == Kind::Rural { "" } else { "1单元" }),
                        household_table::room.eq(format!("{}0{room}", g + 1)),
                        household_table::created_at.eq(now()),
                    ))
                    .returning(household_table::id)
                    .get_result(conn)?;
                ids.push(id);
            }
        }
        community_households.push((community.id, ids));
    }

    let mut user_ids = std::collections::HashMap::new();
    for (n, person) in PEOPLE.iter().enumerate() {
        let login = Login::parse(person.phone).map_err(|_| ApiError::internal("bad demo phone"))?;
        let user = users::insert(
            conn,
            NewUser {
                display_name: person.name,
                login: Some(&login),
                password_hash: Some(password_hash),
                is_platform_admin: person.roles.iter().any(|(r, _)| *r == Role::PlatformAdmin),
                assisted: false,
                id_number: None,
                created_by: None,
            },
        )?;
        user_ids.insert(person.phone, user.id);
        for (role, index) in person.roles {
            match role {
                Role::PlatformAdmin => {}
                Role::RegionAdmin => {
                    grants::grant(
                        conn,
                        Scope::Region(region_ids[*index]),
                        user.id,
                        *role,
                        user.id,
                    )?;
                }
                _ => {
                    grants::grant(
                        conn,
                        Scope::Community(community_households[*index].0),
                        user.id,
                        *role,
                        user.id,
                    )?;
                }
            }
        }
        if let Some((index, verified)) = person.home {
            let (community_id, ref households) = community_households[index];
            let household = households::in_community(
                conn,
                community_id,
                households[n % households.len()],
                "household_id",
            )?;
            let membership = memberships::apply(
                conn,
                community_id,
                user.id,
                Some(household.id),
                &households::address(&household),
            )?;
            if verified {
                memberships::decide(conn, membership, Status::Verified, user.id, None, None)?;
            }
        }
    }

    // An elderly resident without a phone, registered by the grid worker.
    let (community_id, ref households) = community_households[0];
    let household = households::in_community(conn, community_id, households[0], "household_id")?;
    let elder = users::insert(
        conn,
        NewUser {
            display_name: "钱桂芝",
            login: None,
            password_hash: None,
            is_platform_admin: false,
            assisted: true,
            id_number: None,
            created_by: None,
        },
    )?;
    let membership = memberships::apply(
        conn,
        community_id,
        elder.id,
        Some(household.id),
        &households::address(&household),
    )?;
    memberships::decide(conn, membership, Status::Verified, elder.id, None, None)?;
    let id_of = |phone: &str| {
        user_ids
            .get(phone)
            .copied()
            .ok_or_else(|| ApiError::internal("a demo person is missing"))
    };
    volunteering::seed(
        conn,
        &volunteering::Cast {
            community_id,
            staff: id_of("13800000012")?,
            volunteers: [id_of("13800000015")?, id_of("13800000016")?],
        },
    )?;
    wishes::seed(
        conn,
        &wishes::Cast {
            community_id,
            staff: id_of("13800000012")?,
            grid_worker: id_of("13800000013")?,
            resident: id_of("13800000016")?,
            elder: elder.id,
        },
    )?;
    societies::seed(
        conn,
        &societies::Cast {
            communities: [community_id, community_households[1].0],
            staff: id_of("13800000012")?,
            social_worker: id_of("13800000014")?,
            volunteer: id_of("13800000015")?,
            resident: id_of("13800000016")?,
        },
    )?;
    topics::seed(
        conn,
        &topics::Cast {
            community_id,
            staff: id_of("13800000012")?,
            residents: [
                id_of("13800000016")?,
                id_of("13800000015")?,
                id_of("13800000011")?,
                elder.id,
            ],
        },
    )?;
    audit::record(
        conn,
        &Actor::default(),
        Change::in_region(street.id, "demo.seeded", "region", street.id),
    )?;
    Ok(())
}
