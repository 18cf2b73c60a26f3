//! The database side of setup: who the scenarios act as, chosen by SQL (a community staff
//! member, a community admin, and the verified adult residents); their tokens, minted
//! without passwords (`wushe::seed::crowd::sign_in`); their points, topped up through the
//! ledger; and, for small data sets, a crowd of extra residents.

use chrono::{Months, NaiveDate};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use std::collections::HashSet;
use std::time::Duration;
use wushe::auth::TokenKeys;
use wushe::db::{self, Db, DbConnection, numbered, write_tx};
use wushe::error::ApiError;
use wushe::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use wushe::seed::crowd;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Held {
    #[diesel(sql_type = Nullable<BigInt>)]
    owner: Option<i64>,
    #[diesel(sql_type = BigInt)]
    balance: i64,
}

/// A community as the database has it: staff, an admin if any, and its residents' ids.
pub struct Found {
    pub id: i64,
    pub name: String,
    pub staff: i64,
    pub admin: Option<i64>,
    pub residents: Vec<i64>,
}

fn err(e: ApiError) -> String {
    format!("database: {e:?}")
}

fn ids(conn: &mut DbConnection, sql: &str, community: i64) -> Result<Vec<i64>, ApiError> {
    let sql = numbered(conn, sql);
    let rows: Vec<Id> = diesel::sql_query(sql)
        .bind::<BigInt, _>(community)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// People who hold `roles` in the community, with an active account.
fn holders(conn: &mut DbConnection, community: i64, roles: &str) -> Result<Vec<i64>, ApiError> {
    let sql = format!(
        "SELECT g.user_id AS id FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.community_id = $1 AND g.revoked_at IS NULL AND u.status = 'active' \
         AND g.role IN ({roles}) ORDER BY g.user_id"
    );
    ids(conn, &sql, community)
}

/// Verified adult residents with an active account of their own (not assisted): the
/// electorate of a residents' vote and the audience of a residents' survey.
fn residents(conn: &mut DbConnection, community: i64) -> Result<Vec<i64>, ApiError> {
    let today = wushe::calendar::local(db::now()).date();
    let adult_by = today
        .checked_sub_months(Months::new(18 * 12))
        .unwrap_or(NaiveDate::MIN);
    let sql = numbered(
        conn,
        "SELECT m.user_id AS id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.community_id = $1 AND m.status = 'verified' AND u.status = 'active' \
         AND u.assisted = FALSE AND u.is_platform_admin = FALSE \
         AND (u.birth_date IS NULL OR u.birth_date <= $2) ORDER BY m.user_id",
    );
    let rows: Vec<Id> = diesel::sql_query(sql)
        .bind::<BigInt, _>(community)
        .bind::<Date, _>(adult_by)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Every community with staff (and, if `need_residents`, at least one resident); at most
/// `max_residents` residents each.
pub async fn find(
    db: &Db,
    max_residents: usize,
    need_residents: bool,
) -> Result<Vec<Found>, String> {
    db.run(move |conn| {
        let all: Vec<Named> =
            diesel::sql_query("SELECT id, name FROM communities ORDER BY id").load(conn)?;
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for community in all {
            let admin = holders(conn, community.id, "'community_admin'")?;
            let staff = holders(conn, community.id, "'community_staff'")?;
            let staff = staff.first().or(admin.first()).copied();
            let admin = admin.first().copied();
            // Everyone but the two who act as staff (nobody checks in with a code they issued
            // themselves), each person in one community only.
            let mut people = residents(conn, community.id)?;
            people.retain(|id| Some(*id) != staff && Some(*id) != admin && seen.insert(*id));
            people.truncate(max_residents);
            if let (Some(staff), false) = (staff, need_residents && people.is_empty()) {
                found.push(Found {
                    id: community.id,
                    name: community.name,
                    staff,
                    admin,
                    residents: people,
                });
            }
        }
        Ok(found)
    })
    .await
    .map_err(err)
}

/// Adds `count` verified residents to each community (for small data sets such as the demo).
pub async fn add_crowd(db: &Db, communities: Vec<i64>, count: usize) -> Result<(), String> {
    db.run(move |conn| {
        #[derive(QueryableByName)]
        struct Phone {
            #[diesel(sql_type = Nullable<Text>)]
            phone: Option<String>,
        }
        let top: Phone = diesel::sql_query(
            "SELECT MAX(phone) AS phone FROM users WHERE phone LIKE '15_________'",
        )
        .get_result(conn)?;
        let mut next = top
            .phone
            .and_then(|p| p.parse::<u64>().ok())
            .map_or(15_000_000_000, |p| p + 1);
        for community in communities {
            write_tx(conn, |conn| {
                crowd::verified_residents(conn, community, count, None, next)
            })?;
            next += count as u64;
        }
        Ok(())
    })
    .await
    .map_err(err)
}

/// Access tokens for `people`, valid for `ttl`: a session each, as a login makes.
pub async fn sign_in(
    db: &Db,
    keys: TokenKeys,
    people: Vec<i64>,
    ttl: Duration,
) -> Result<Vec<String>, String> {
    db.run(move |conn| {
        let mut tokens = Vec::with_capacity(people.len());
        for chunk in people.chunks(2000) {
            let signed = write_tx(conn, |conn| crowd::sign_in(conn, &keys, chunk, ttl))?;
            tokens.extend(signed.into_iter().map(|(access, _)| access));
        }
        Ok(tokens)
    })
    .await
    .map_err(err)
}

/// Tops every resident of the community holding fewer than `floor` points up to `target`,
/// in ledger transactions of up to 1000 people (an adjustment from issuance, chained and
/// notified like any other). Returns how many were topped up.
pub async fn top_up(
    db: &Db,
    community: i64,
    residents: Vec<i64>,
    (floor, target): (i64, i64),
) -> Result<usize, String> {
    db.run(move |conn| {
        // The ledger finds accounts through partial indexes, which a generic plan cannot use:
        // a PostgreSQL connection that prepared its lookups while the table was small keeps
        // scanning it for every posting as it grows. Plan each lookup with its values instead.
        if let DbConnection::Postgres(_) = conn {
            conn.batch_execute("SET plan_cache_mode = force_custom_plan")?;
        }
        let sql = numbered(
            conn,
            "SELECT owner_user_id AS owner, balance FROM ledger_accounts \
             WHERE community_id = $1 AND asset = 'points' AND kind = 'personal'",
        );
        let held: Vec<Held> = diesel::sql_query(sql)
            .bind::<BigInt, _>(community)
            .load(conn)?;
        let balances: std::collections::HashMap<i64, i64> = held
            .into_iter()
            .filter_map(|h| h.owner.map(|o| (o, h.balance)))
            .collect();
        let short: Vec<(i64, i64)> = residents
            .iter()
            .map(|id| (*id, balances.get(id).copied().unwrap_or(0)))
            .filter(|(_, balance)| *balance < floor)
            .map(|(id, balance)| (id, target - balance))
            .collect();
        for chunk in short.chunks(1000) {
            let postings = chunk
                .iter()
                .flat_map(|&(id, amount)| {
                    Posting::transfer(
                        Holder::System(SystemAccount::Issuance),
                        Holder::Person(id),
                        Asset::Points,
                        amount,
                    )
                })
                .collect();
            write_tx(conn, |conn| {
                ledger::post(
                    conn,
                    NewTransaction {
                        community_id: community,
                        kind: TxKind::Adjustment,
                        memo: "负载测试准备：补足积分",
                        reference: None,
                        reverses: None,
                        created_by: None,
                        postings,
                    },
                )
            })?;
        }
        Ok(short.len())
    })
    .await
    .map_err(err)
}
