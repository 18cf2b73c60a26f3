//! The fund's public list (居务公开), for anyone, without logging in: donations and paid-out
//! disbursements, newest first. Anonymous donors appear as 匿名 with no name or id; a
//! disbursement names what it paid for, never the person behind a wish.

use super::disbursements::{DisbursementRow, Status, Target, Titles};
use super::donations::{DonationKind, DonationRow, DonorKind};
use super::statement::require_community;
use super::{parse_text, people, text_of};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::schema::{fund_disbursements, fund_donations, organisations};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FundEntryType)]
pub enum EntryType {
    Donation,
    Disbursement,
}

/// A donor as the public sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDonor {
    /// The person's display name, the organisation's or company's name, or 匿名.
    pub name: String,
    pub anonymous: bool,
    /// Left out for an anonymous donor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DonorKind>,
    /// An organisation of the platform; left out for an anonymous donor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
}

/// One line of the fund's public list: a donation, or a disbursement once paid out.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundEntry {
    pub r#type: EntryType,
    pub id: i64,
    /// When the donation was recorded, or the disbursement paid out.
    pub at: DateTime<Utc>,
    /// Money in or out, or the goods' estimated value, in fen.
    pub amount_fen: i64,
    /// Donations: money or goods.
    pub donation_kind: Option<DonationKind>,
    pub donor: Option<PublicDonor>,
    pub goods_description: Option<String>,
    /// Disbursements: what for, and the wish or project paid for.
    pub purpose: Option<String>,
    pub target: Option<Target>,
}

/// Where an entry stands in the list, newest first: by time, then donations before
/// disbursements of the same moment, then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
struct Key {
    #[diesel(sql_type = Timestamp)]
    entry_at: NaiveDateTime,
    #[diesel(sql_type = Integer)]
    entry_rank: i32,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

const DONATION: i32 = 1;

impl Key {
    fn cursor(&self) -> String {
        let millis = self.entry_at.and_utc().timestamp_millis();
        URL_SAFE_NO_PAD.encode(format!("t:{millis}:{}:{}", self.entry_rank, self.id))
    }

    fn parse(cursor: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
        let mut parts = text.strip_prefix("t:")?.split(':');
        let millis = parts.next()?.parse().ok()?;
        let key = Self {
            entry_at: DateTime::from_timestamp_millis(millis)?.naive_utc(),
            entry_rank: parts
                .next()?
                .parse()
                .ok()
                .filter(|r| (0..=DONATION).contains(r))?,
            id: parts.next()?.parse().ok().filter(|id| *id > 0)?,
        };
        parts.next().is_none().then_some(key)
    }

    fn entry(&self) -> (EntryType, i64) {
        let kind = if self.entry_rank == DONATION {
            EntryType::Donation
        } else {
            EntryType::Disbursement
        };
        (kind, self.id)
    }

    /// Past every entry: where the first page starts.
    fn end() -> Self {
        let far = DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default();
        Self {
            entry_at: far.naive_utc(),
            entry_rank: DONATION + 1,
            id: 0,
        }
    }
}

/// The keys of up to `limit` entries before `after` (or from the newest), newest first.
fn keys(conn: &mut DbConnection, community_id: i64, after: Key, limit: i64) -> ApiResult<Vec<Key>> {
    Ok(diesel::sql_query(
        "SELECT entry_at, entry_rank, id FROM ( \
           SELECT recorded_at AS entry_at, 1 AS entry_rank, id FROM fund_donations \
             WHERE community_id = $1 \
           UNION ALL \
           SELECT COALESCE(second_approved_at, requested_at) AS entry_at, 0 AS entry_rank, id \
             FROM fund_disbursements WHERE community_id = $1 AND status = 'approved' \
         ) entries \
         WHERE entry_at < $2 OR (entry_at = $2 AND (entry_rank < $3 \
           OR (entry_rank = $3 AND id < $4))) \
         ORDER BY entry_at DESC, entry_rank DESC, id DESC LIMIT $5",
    )
    // SQLite numbers `$n` parameters in order of first appearance, so they appear in order.
    .bind::<BigInt, _>(community_id)
    .bind::<Timestamp, _>(after.entry_at)
    .bind::<Integer, _>(after.entry_rank)
    .bind::<BigInt, _>(after.id)
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// One page of the public list: `limit` entries after the cursor, and the next cursor.
pub fn entries(
    conn: &mut DbConnection,
    community_id: i64,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<(Vec<FundEntry>, Option<String>)> {
    require_community(conn, community_id)?;
    let after = match cursor {
        Some(cursor) => {
            Key::parse(cursor).ok_or_else(|| ApiError::invalid_field("cursor", "invalid_cursor"))?
        }
        None => Key::end(),
    };
    let mut keys = keys(conn, community_id, after, limit + 1)?;
    let next = (keys.len() as i64 > limit).then(|| keys[limit as usize - 1].cursor());
    keys.truncate(limit as usize);
    let ids = |kind: EntryType| -> Vec<i64> {
        keys.iter()
            .map(Key::entry)
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id)
            .collect()
    };
    let mut entries = donations(conn, &ids(EntryType::Donation))?;
    entries.extend(disbursements(conn, &ids(EntryType::Disbursement))?);
    let position: HashMap<(EntryType, i64), usize> = keys
        .iter()
        .enumerate()
        .map(|(n, k)| (k.entry(), n))
        .collect();
    entries.sort_by_key(|e| position.get(&(e.r#type, e.id)).copied());
    Ok((entries, next))
}

fn donations(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<FundEntry>> {
    let rows: Vec<DonationRow> = fund_donations::table
        .filter(fund_donations::id.eq_any(ids))
        .select(DonationRow::as_select())
        .load(conn)?;
    let names = people(conn, rows.iter().filter_map(|r| r.donor_user_id))?;
    let org_ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.donor_organisation_id)
        .collect();
    let orgs: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(&org_ids))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|row| {
            let donor = public_donor(&row, &names, &orgs)?;
            Ok(FundEntry {
                r#type: EntryType::Donation,
                id: row.id,
                at: row.recorded_at.and_utc(),
                amount_fen: row.amount_fen,
                donation_kind: Some(parse_text(&row.kind)?),
                donor: Some(donor),
                goods_description: row.goods_description,
                purpose: None,
                target: None,
            })
        })
        .collect()
}

/// Who gave, as the public may see it: 匿名 and nothing else for an anonymous donor.
fn public_donor(
    row: &DonationRow,
    people: &HashMap<i64, String>,
    organisations: &HashMap<i64, String>,
) -> ApiResult<PublicDonor> {
    if row.anonymous {
        return Ok(PublicDonor {
            name: "匿名".to_owned(),
            anonymous: true,
            kind: None,
            organisation_id: None,
        });
    }
    let named =
        |id: Option<i64>, names: &HashMap<i64, String>| id.and_then(|id| names.get(&id).cloned());
    Ok(PublicDonor {
        name: named(row.donor_user_id, people)
            .or_else(|| named(row.donor_organisation_id, organisations))
            .or_else(|| row.donor_name.clone())
            .unwrap_or_default(),
        anonymous: false,
        kind: Some(parse_text(&row.donor_kind)?),
        organisation_id: row.donor_organisation_id,
    })
}

fn disbursements(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<FundEntry>> {
    let rows: Vec<DisbursementRow> = fund_disbursements::table
        .filter(fund_disbursements::id.eq_any(ids))
        .filter(fund_disbursements::status.eq(text_of(Status::Approved)))
        .select(DisbursementRow::as_select())
        .load(conn)?;
    let titles = Titles::of(conn, &rows)?;
    rows.into_iter()
        .map(|row| {
            Ok(FundEntry {
                r#type: EntryType::Disbursement,
                id: row.id,
                at: row.second_approved_at.unwrap_or(row.requested_at).and_utc(),
                amount_fen: row.amount_fen,
                donation_kind: None,
                donor: None,
                goods_description: None,
                target: Some(titles.target(&row)?),
                purpose: Some(row.purpose),
            })
        })
        .collect()
}
