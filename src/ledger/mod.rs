//! The double-entry ledger behind points (积分), time credits (时间银行) and, later, the
//! community charity fund (money, in fen).
//!
//! Every movement is a transaction whose entries sum to zero per asset. Personal accounts
//! (one per person, community and asset) never go below zero; system accounts (issuance,
//! redemption, expiry, escrow) are the other side of every credit and debit. Entries are
//! append-only, each chained by hash to the previous entry of its community, and a mistake is
//! undone by a reversing transaction, never by an edit.

mod accounts;
pub mod chain;
mod post;
pub mod routes;
pub mod statement;

pub use accounts::{balance_of, personal_account, system_balance};
pub use post::{NewTransaction, Posted, post, reverse};

/// Takes the community's ledger lock without writing, so that checks made next (a limit, a
/// stock count, an expiry sum) see every earlier ledger write and no later one slips between
/// the check and the write. Held until the transaction ends.
pub fn lock_community(
    conn: &mut crate::db::DbConnection,
    community_id: i64,
) -> Result<(), crate::error::ApiError> {
    chain::lock_head(conn, community_id, 0).map(|_| ())
}

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account holds. Amounts are integers in the asset's smallest unit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Asset {
    /// 志愿服务积分, in whole points.
    Points,
    /// 时间银行 credits, in minutes of service.
    TimeCredits,
    /// Charity fund money, in fen.
    Money,
}

impl Asset {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Points => "points",
            Self::TimeCredits => "time_credits",
            Self::Money => "money",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Points, Self::TimeCredits, Self::Money]
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

/// The system accounts of a community: the counterparties of personal accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemAccount {
    /// Points and credits come into being here (settlements, adjustments); it runs negative.
    Issuance,
    /// Points spent in the rewards shop.
    Redemption,
    /// Points that lapsed under the community's expiry rule.
    Expiry,
    /// Credits held for a booked service until it is delivered or cancelled.
    Escrow,
    /// The community charity fund's money: what it holds and may disburse.
    Fund,
    /// Where donated money comes from (outside the platform); it runs negative.
    Donations,
    /// Where disbursed money goes (a wish, a project); it grows with every disbursement.
    Disbursements,
}

impl SystemAccount {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issuance => "issuance",
            Self::Redemption => "redemption",
            Self::Expiry => "expiry",
            Self::Escrow => "escrow",
            Self::Fund => "fund",
            Self::Donations => "donations",
            Self::Disbursements => "disbursements",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Issuance,
            Self::Redemption,
            Self::Expiry,
            Self::Escrow,
            Self::Fund,
            Self::Donations,
            Self::Disbursements,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// Whose account an entry moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    Person(i64),
    System(SystemAccount),
}

/// One side of a transaction: `amount` (positive credits, negative debits) to `holder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub holder: Holder,
    pub asset: Asset,
    pub amount: i64,
}

impl Posting {
    /// The pair of postings that moves `amount` from `from` to `to`.
    pub fn transfer(from: Holder, to: Holder, asset: Asset, amount: i64) -> [Posting; 2] {
        [
            Posting {
                holder: from,
                asset,
                amount: -amount,
            },
            Posting {
                holder: to,
                asset,
                amount,
            },
        ]
    }
}

/// Why a transaction happened; stored as text, shown in statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TxKind {
    /// Points and time credits for verified hours when an activity is settled.
    ActivitySettlement,
    /// A staff member's manual credit or debit.
    Adjustment,
    /// Points spent on a reward.
    Redemption,
    /// Points returned when a redemption is cancelled.
    RedemptionRefund,
    /// Points or time credits given to a family member.
    Gift,
    /// Points that lapsed.
    Expiry,
    /// Undoes an earlier transaction.
    Reversal,
    /// Points for a fulfilled micro-wish.
    WishFulfilment,
    /// Time credits moved between residents for a mutual-aid service.
    TimeBankService,
    /// Money given to the charity fund.
    Donation,
    /// Money paid out of the charity fund to a wish or a project.
    Disbursement,
}

impl TxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActivitySettlement => "activity_settlement",
            Self::Adjustment => "adjustment",
            Self::Redemption => "redemption",
            Self::RedemptionRefund => "redemption_refund",
            Self::Gift => "gift",
            Self::Expiry => "expiry",
            Self::Reversal => "reversal",
            Self::WishFulfilment => "wish_fulfilment",
            Self::TimeBankService => "time_bank_service",
            Self::Donation => "donation",
            Self::Disbursement => "disbursement",
        }
    }

    /// Kinds whose undoing belongs to their own workflow (a redemption is cancelled in the
    /// shop, which also returns the stock; a time-bank booking is refunded from escrow), so a
    /// hand reversal would leave that workflow believing it still holds the points. The
    /// charity fund's money is among them: reversing a donation would take money out of the
    /// fund (even below zero) without the two approvals every disbursement needs, and either
    /// reversal would leave the fund's public list saying what the ledger no longer does.
    pub fn undone_by_its_own_workflow(self) -> bool {
        matches!(
            self,
            Self::Redemption
                | Self::RedemptionRefund
                | Self::TimeBankService
                | Self::Donation
                | Self::Disbursement
        )
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::ActivitySettlement,
            Self::Adjustment,
            Self::Redemption,
            Self::RedemptionRefund,
            Self::Gift,
            Self::Expiry,
            Self::Reversal,
            Self::WishFulfilment,
            Self::TimeBankService,
            Self::Donation,
            Self::Disbursement,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}
