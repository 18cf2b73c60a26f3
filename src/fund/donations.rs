//! Donations to the fund, recorded by staff: money, posted to the ledger, or goods, kept with
//! an estimated value only. A donor is a person of the platform, an organisation registered
//! on it, or anyone named in words (a company, a passer-by, an unregistered group).

use super::{MAX_AMOUNT_FEN, parse_text, text_of};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::roles::{Permission, standing};
use crate::schema::{fund_donations as donations, organisations, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    /// A person: `donor_user_id` for someone on the platform, or `donor_name`.
    Person,
    /// A social organisation: `donor_organisation_id` for one on the platform, or `donor_name`.
    Organisation,
    /// A company, named in `donor_name`.
    Company,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonationKind {
    /// Money, in fen, into the fund's ledger account.
    Money,
    /// Goods, with an estimated value; never in the ledger.
    Goods,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DonationRequest {
    pub donor_kind: DonorKind,
    #[validate(range(min = 1))]
    pub donor_user_id: Option<i64>,
    #[validate(range(min = 1))]
    pub donor_organisation_id: Option<i64>,
    /// The donor in words, when they are not on the platform.
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub donor_name: Option<String>,
    /// Shown as 匿名 in public, without any name or id.
    #[serde(default)]
    pub anonymous: bool,
    pub kind: DonationKind,
    /// Money given, or the goods' estimated value, in fen (at most a million yuan).
    #[validate(range(min = 1, max = MAX_AMOUNT_FEN))]
    pub amount_fen: i64,
    /// What the goods are; required for goods, refused for money.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub goods_description: Option<String>,
    /// For staff only: never shown in public.
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub note: Option<String>,
}

/// A donation as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DonationView {
    pub id: i64,
    pub community_id: i64,
    pub donor_kind: DonorKind,
    pub donor_user_id: Option<i64>,
    pub donor_organisation_id: Option<i64>,
    pub donor_name: Option<String>,
    pub anonymous: bool,
    pub kind: DonationKind,
    pub amount_fen: i64,
    pub goods_description: Option<String>,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    /// The ledger transaction of a money donation.
    pub transaction_id: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = donations)]
pub struct DonationRow {
    pub id: i64,
    pub community_id: i64,
    pub donor_kind: String,
    pub donor_user_id: Option<i64>,
    pub donor_organisation_id: Option<i64>,
    pub donor_name: Option<String>,
    pub anonymous: bool,
    pub kind: String,
    pub amount_fen: i64,
    pub goods_description: Option<String>,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
    pub transaction_id: Option<i64>,
}

impl DonationRow {
    pub fn view(self) -> ApiResult<DonationView> {
        Ok(DonationView {
            id: self.id,
            community_id: self.community_id,
            donor_kind: parse_text(&self.donor_kind)?,
            donor_user_id: self.donor_user_id,
            donor_organisation_id: self.donor_organisation_id,
            donor_name: self.donor_name,
            anonymous: self.anonymous,
            kind: parse_text(&self.kind)?,
            amount_fen: self.amount_fen,
            goods_description: self.goods_description,
            note: self.note,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at.and_utc(),
            transaction_id: self.transaction_id,
        })
    }
}

/// Exactly one way of naming the donor, of those its kind allows; a description for goods
/// and none for money.
fn check_shape(body: &DonationRequest) -> ApiResult<()> {
    let allowed: &[&str] = match body.donor_kind {
        DonorKind::Person => &["donor_user_id", "donor_name"],
        DonorKind::Organisation => &["donor_organisation_id", "donor_name"],
        DonorKind::Company => &["donor_name"],
    };
    let given: Vec<&str> = [
        ("donor_user_id", body.donor_user_id.is_some()),
        (
            "donor_organisation_id",
            body.donor_organisation_id.is_some(),
        ),
        ("donor_name", body.donor_name.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, present)| present.then_some(field))
    .collect();
    let mut errors: Vec<FieldError> = given
        .iter()
        .filter(|field| !allowed.contains(field))
        .map(|field| FieldError::new(*field, "invalid_value"))
        .collect();
    if errors.is_empty() && given.len() != 1 {
        let code = if allowed.len() == 1 {
            "required"
        } else {
            "exactly_one"
        };
        errors.extend(allowed.iter().map(|field| FieldError::new(*field, code)));
    }
    match (body.kind, &body.goods_description) {
        (DonationKind::Goods, None) => {
            errors.push(FieldError::new("goods_description", "required"))
        }
        (DonationKind::Money, Some(_)) => {
            errors.push(FieldError::new("goods_description", "invalid_value"))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The donor named by id must exist: a person's account, an organisation on the platform.
fn check_donor_exists(conn: &mut DbConnection, body: &DonationRequest) -> ApiResult<()> {
    if let Some(id) = body.donor_user_id {
        let found: Option<i64> = users::table
            .find(id)
            .select(users::id)
            .first(conn)
            .optional()?;
        if found.is_none() {
            return Err(ApiError::invalid_field("donor_user_id", "not_found"));
        }
    }
    if let Some(id) = body.donor_organisation_id {
        let found: Option<i64> = organisations::table
            .find(id)
            .select(organisations::id)
            .first(conn)
            .optional()?;
        if found.is_none() {
            return Err(ApiError::invalid_field(
                "donor_organisation_id",
                "not_found",
            ));
        }
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, community_id: i64, id: i64) -> ApiResult<DonationView> {
    donations::table
        .filter(donations::community_id.eq(community_id))
        .filter(donations::id.eq(id))
        .select(DonationRow::as_select())
        .first(conn)?
        .view()
}

/// Records a donation; money goes into the fund's ledger account in the same transaction.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &DonationRequest,
) -> ApiResult<DonationView> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageFund)?;
    check_shape(body)?;
    check_donor_exists(conn, body)?;
    let id = crate::db::next_id(conn, "fund_donations")?;
    let transaction_id = match body.kind {
        DonationKind::Goods => None,
        DonationKind::Money => Some(post(conn, caller, community_id, id, body.amount_fen)?),
    };
    diesel::insert_into(donations::table)
        .values((
            donations::id.eq(id),
            donations::community_id.eq(community_id),
            donations::donor_kind.eq(text_of(body.donor_kind)),
            donations::donor_user_id.eq(body.donor_user_id),
            donations::donor_organisation_id.eq(body.donor_organisation_id),
            donations::donor_name.eq(body.donor_name.as_deref().map(str::trim)),
            donations::anonymous.eq(body.anonymous),
            donations::kind.eq(text_of(body.kind)),
            donations::amount_fen.eq(body.amount_fen),
            donations::goods_description.eq(body.goods_description.as_deref().map(str::trim)),
            donations::note.eq(body.note.as_deref().map(str::trim)),
            donations::recorded_by.eq(caller.actor_id()),
            donations::recorded_at.eq(now()),
            donations::transaction_id.eq(transaction_id),
        ))
        .execute(conn)?;
    let created = get(conn, community_id, id)?;
    let change = Change::in_community(community_id, "fund.donation_recorded", "fund_donation", id)
        .after(&created);
    audit::record(conn, &caller.into(), change)?;
    Ok(created)
}

/// Money from outside (the donations account) into the fund. The memo names no donor: the
/// ledger keeps it for ever, and an anonymous donor must stay so.
fn post(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
    amount_fen: i64,
) -> ApiResult<i64> {
    let memo = format!("公益基金捐赠（第 {id} 号）");
    let posted = ledger::post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::Donation,
            memo: &memo,
            reference: Some(("fund_donation", id)),
            reverses: None,
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::System(SystemAccount::Donations),
                Holder::System(SystemAccount::Fund),
                Asset::Money,
                amount_fen,
            )
            .to_vec(),
        },
    )?;
    Ok(posted.transaction_id)
}
