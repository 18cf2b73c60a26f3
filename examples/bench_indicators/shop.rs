//! The load data set's points economy beyond activities and wishes: each community's points
//! rules, its rewards shop (爱心超市), the points residents earn under the community's 积分制
//! (staff adjustments for sorting rubbish, taking part in meetings and the like, and a few
//! deductions), and what they spend in the shop: most items handed over, the latest still
//! waiting, a few redemptions called off and refunded.
//!
//! Everything that moves points goes through the community's [`Book`], so a visit to the shop
//! without the points, or a deduction from an empty account, is refused there and leaves no
//! rows, as the service would refuse it.

use crate::dice::{Dice, year_end, year_start};
use crate::ledger::{About, Book, FollowUp, Posted, Then, Tx};
use crate::people::Community;
use crate::profile::Live;
use crate::sink::{NULL, Sink, Table, row};
use chrono::{NaiveDateTime, TimeDelta};
use std::cell::RefCell;
use std::rc::Rc;
use wushe::ledger::{Asset, Holder, Posting, SystemAccount, TxKind};

/// The shop's shelves: name and price in points.
const ITEMS: [(&str, i64); 6] = [
    ("环保购物袋", 20),
    ("理发服务券", 40),
    ("洗衣液", 60),
    ("大米 5kg", 120),
    ("食用油 5L", 200),
    ("小家电维修券", 300),
];
/// Stock each item started the year with: enough that a load test never empties a shelf.
const STOCK: i64 = 100_000;
/// Adjustments a staff member may make a day, and the size above which a second must
/// approve: raised from the defaults (500 and 100), as a community crediting every household
/// under its 积分制 would, so the service lets staff post the amounts written here.
const DAILY_LIMIT: i64 = 20_000;
const APPROVAL_THRESHOLD: i64 = 300;
const REASONS: [&str; 5] = [
    "垃圾分类积分",
    "参加居民议事会",
    "楼道清洁",
    "文明家庭评选",
    "社区活动签到",
];

pub struct Shop {
    community: i64,
    keeper: i64,
    items: Vec<i64>,
    /// Units of each item sold and not refunded.
    sold: Rc<RefCell<Vec<i64>>>,
}

pub fn open(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    live: &Live,
    book: &mut Book,
) -> Shop {
    let keeper = community
        .staff
        .first()
        .copied()
        .unwrap_or(community.admins[0]);
    sink.add(
        Table::PointSettings,
        row![
            community.id,
            community.time_bank,
            60_i64,
            "100,300,600,1000,1500",
            500_i64,
            600_i64,
            NULL,
            DAILY_LIMIT,
            APPROVAL_THRESHOLD,
            keeper,
            year_start()
        ],
    );
    let shop = Shop {
        community: community.id,
        keeper,
        items: ITEMS.iter().map(|_| sink.id(Table::RewardItems)).collect(),
        sold: Rc::new(RefCell::new(vec![0; ITEMS.len()])),
    };
    let officers = community.officers();
    for resident in &community.residents {
        let since = resident.verified_at.max(year_start());
        for _ in 0..dice.count(live.adjustments) {
            let at = dice.between(since, year_end());
            let by = *dice.pick(&officers);
            let (amount, reason) = if dice.chance(0.03) {
                (-10 * dice.int(1, 6), "违规停放电动车扣分")
            } else {
                (10 * dice.int(5, 26), *dice.pick(&REASONS))
            };
            adjust(
                sink,
                book,
                community.id,
                (resident.id, amount, reason),
                (by, at),
            );
        }
        for _ in 0..dice.count(live.redemptions) {
            let visit = Visit {
                user: resident.id,
                at: dice.between(since, year_end()),
                item: dice.int(0, ITEMS.len() as i64) as usize,
                quantity: if dice.chance(0.1) { 2 } else { 1 },
                clerk: *dice.pick(&officers),
                collect_after: dice.int(30, 60 * 24 * 5),
                cancel_after: dice.chance(0.04).then(|| dice.int(30, 60 * 24 * 2)),
            };
            shop.redeem(sink, book, visit);
        }
    }
    shop
}

/// A staff member's adjustment, posted at once as it is under the approval threshold.
fn adjust(
    sink: &mut Sink,
    book: &mut Book,
    community: i64,
    (user, amount, reason): (i64, i64, &'static str),
    (by, at): (i64, NaiveDateTime),
) {
    let issuance = Holder::System(SystemAccount::Issuance);
    let tx = Tx {
        at,
        kind: TxKind::Adjustment,
        memo: format!("人工调整：{reason}"),
        about: About::Next("adjustment", Table::PointAdjustments),
        reverses: None,
        by: Some(by),
        postings: Posting::transfer(issuance, Holder::Person(user), Asset::Points, amount).to_vec(),
    };
    let record = move |sink: &mut Sink, posted: Option<Posted>| {
        let posted = posted?;
        sink.add(
            Table::PointAdjustments,
            row![
                posted.about,
                community,
                user,
                "points",
                amount,
                reason,
                "approved",
                by,
                at,
                by,
                at,
                NULL,
                posted.id
            ],
        );
        None
    };
    book.post(sink, tx, Then::new(record));
}

/// A resident's visit to the shop: what they take, and what becomes of it (minutes after).
struct Visit {
    user: i64,
    at: NaiveDateTime,
    item: usize,
    quantity: i64,
    clerk: i64,
    collect_after: i64,
    cancel_after: Option<i64>,
}

impl Shop {
    fn redeem(&self, sink: &mut Sink, book: &mut Book, visit: Visit) {
        let (name, price) = ITEMS[visit.item];
        let points = price * visit.quantity;
        let user = Holder::Person(visit.user);
        let redemption = Holder::System(SystemAccount::Redemption);
        let tx = Tx {
            at: visit.at,
            kind: TxKind::Redemption,
            memo: format!("爱心超市兑换：{name} × {}", visit.quantity),
            about: About::Next("redemption", Table::Redemptions),
            reverses: None,
            by: Some(visit.user),
            postings: Posting::transfer(user, redemption, Asset::Points, points).to_vec(),
        };
        let (community, item, sold) = (self.community, self.items[visit.item], self.sold.clone());
        let paid = move |sink: &mut Sink, posted: Option<Posted>| -> FollowUp {
            let paid = posted?;
            sold.borrow_mut()[visit.item] += visit.quantity;
            let row =
                move |status: &str, refund: Option<i64>, decided: Option<(i64, NaiveDateTime)>| {
                    row![
                        paid.about,
                        community,
                        item,
                        visit.user,
                        visit.quantity,
                        points,
                        status,
                        paid.id,
                        refund,
                        paid.at,
                        decided.map(|(by, _)| by),
                        decided.map(|(_, at)| at),
                        NULL
                    ]
                };
            let collected = paid.at + TimeDelta::minutes(visit.collect_after);
            let cancelled = visit
                .cancel_after
                .map(|after| paid.at + TimeDelta::minutes(after))
                .filter(|at| *at < year_end());
            let Some(cancelled) = cancelled else {
                let row = match collected < year_end() {
                    true => row("collected", None, Some((visit.clerk, collected))),
                    false => row("reserved", None, None),
                };
                sink.add(Table::Redemptions, row);
                return None;
            };
            // Called off by the resident before collection: the points and the stock go back,
            // in a refund that records itself as the reversal of the payment.
            let refund = Tx {
                at: cancelled,
                kind: TxKind::RedemptionRefund,
                memo: format!("爱心超市兑换取消退还：{name}"),
                about: About::Known("redemption", paid.about),
                reverses: Some(paid.id),
                by: Some(visit.user),
                postings: Posting::transfer(redemption, user, Asset::Points, points).to_vec(),
            };
            let refunded = move |sink: &mut Sink, posted: Option<Posted>| {
                let refund = posted?;
                sold.borrow_mut()[visit.item] -= visit.quantity;
                let decided = Some((visit.user, refund.at));
                sink.add(
                    Table::Redemptions,
                    row("cancelled", Some(refund.id), decided),
                );
                None
            };
            Some((refund, Then::new(refunded)))
        };
        book.post(sink, tx, Then::new(paid));
    }

    /// The shelves, with what is left of each item once the year's redemptions are known.
    pub fn stock(self, sink: &mut Sink) {
        let sold = self.sold.borrow();
        for (n, ((name, price), id)) in ITEMS.iter().zip(&self.items).enumerate() {
            sink.add(
                Table::RewardItems,
                row![
                    *id,
                    self.community,
                    *name,
                    NULL,
                    *price,
                    STOCK - sold[n],
                    NULL,
                    true,
                    self.keeper,
                    year_start(),
                    year_start()
                ],
            );
        }
    }
}
