//! The operations of the scenarios, built on demand: the n-th operation of a run names its
//! kind (from the scenario's cycle) and its person (from that kind's own count), so that the
//! requests of many connections at once never use a ballot, an answer or a code twice.

use crate::activity::Activity;
use crate::fixture::Fixture;
use crate::http::{Req, bearer};
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    WishList,
    /// Scenario b: my balance and my last 20 entries, two requests.
    Balance,
    BalanceOnly,
    Entries,
    ActivityList,
    Inbox,
    Unread,
    VotePage,
    Ballot,
    Response,
    CheckIn,
    Redeem,
    NewWish,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::WishList,
        Kind::Balance,
        Kind::BalanceOnly,
        Kind::Entries,
        Kind::ActivityList,
        Kind::Inbox,
        Kind::Unread,
        Kind::VotePage,
        Kind::Ballot,
        Kind::Response,
        Kind::CheckIn,
        Kind::Redeem,
        Kind::NewWish,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::WishList => "wish_list",
            Kind::Balance => "balance_and_entries",
            Kind::BalanceOnly => "balance",
            Kind::Entries => "entries",
            Kind::ActivityList => "activity_list",
            Kind::Inbox => "inbox",
            Kind::Unread => "unread_count",
            Kind::VotePage => "vote_page",
            Kind::Ballot => "ballot",
            Kind::Response => "survey_response",
            Kind::CheckIn => "check_in",
            Kind::Redeem => "redemption",
            Kind::NewWish => "new_wish",
        }
    }

    pub fn is_write(self) -> bool {
        matches!(
            self,
            Kind::Ballot | Kind::Response | Kind::CheckIn | Kind::Redeem | Kind::NewWish
        )
    }

    /// Kinds whose every operation uses up something (a ballot, an answer, a code).
    pub fn consumes(self) -> bool {
        matches!(self, Kind::Ballot | Kind::Response | Kind::CheckIn)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a run acts on in one community.
pub struct Target {
    pub vote: Option<i64>,
    pub survey: Option<i64>,
    pub activity: Option<Activity>,
}

pub struct Scenario {
    cycle: Vec<Kind>,
    started: AtomicU64,
    counts: [AtomicU64; Kind::ALL.len()],
    /// Where each kind starts in the people, so that runs do not all begin with the same ones.
    offsets: [usize; Kind::ALL.len()],
    fixture: Fixture,
    targets: Vec<Target>,
    auth: Vec<Vec<HeaderValue>>,
    /// Every resident as (community, resident), communities interleaved.
    order: Vec<(usize, usize)>,
    /// Every check-in code as (community, index in the activity's check-ins), interleaved.
    checkins: Vec<(usize, usize)>,
    /// Makes this run's idempotency keys and receipts its own.
    nonce: String,
    wish_deadline: String,
}

impl Scenario {
    pub fn new(cycle: Vec<Kind>, fixture: Fixture, targets: Vec<Target>) -> Result<Self, String> {
        let auth = fixture
            .communities
            .iter()
            .map(|c| c.residents.iter().map(|p| bearer(&p.token)).collect())
            .collect::<Result<Vec<Vec<_>>, _>>()?;
        let order = fixture.interleaved();
        if order.is_empty() {
            return Err("the fixture has no residents".into());
        }
        let longest = targets
            .iter()
            .map(|t| t.activity.as_ref().map_or(0, |a| a.checkins.len()))
            .max()
            .unwrap_or(0);
        let mut checkins = Vec::new();
        for i in 0..longest {
            for (c, target) in targets.iter().enumerate() {
                if target
                    .activity
                    .as_ref()
                    .is_some_and(|a| i < a.checkins.len())
                {
                    checkins.push((c, i));
                }
            }
        }
        let offsets = std::array::from_fn(|_| rand::random::<usize>() % order.len());
        let nonce: String = (0..12)
            .map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz"[rand::random::<usize>() % 23]))
            .collect();
        let deadline = chrono::Utc::now() + chrono::TimeDelta::days(14);
        Ok(Self {
            cycle,
            started: AtomicU64::new(0),
            counts: std::array::from_fn(|_| AtomicU64::new(0)),
            offsets,
            fixture,
            targets,
            auth,
            order,
            checkins,
            nonce,
            wish_deadline: deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    }

    /// The run's activities, per community, once the load is over.
    pub fn into_activities(self) -> Vec<Option<Activity>> {
        self.targets.into_iter().map(|t| t.activity).collect()
    }

    /// How many operations of `kind` a run can make before it runs out of people or codes.
    pub fn capacity(&self, kind: Kind) -> Option<usize> {
        match kind {
            Kind::CheckIn => Some(self.checkins.len()),
            k if k.consumes() => Some(self.order.len()),
            _ => None,
        }
    }

    /// The next operation, or `None` once a kind has used up its people or codes.
    pub fn next(&self) -> Option<(Kind, Vec<Req>)> {
        let i = self.started.fetch_add(1, Ordering::Relaxed) as usize;
        let kind = self.cycle[i % self.cycle.len()];
        let n = self.counts[kind.index()].fetch_add(1, Ordering::Relaxed) as usize;
        self.build(kind, n).map(|reqs| (kind, reqs))
    }

    fn build(&self, kind: Kind, n: usize) -> Option<Vec<Req>> {
        let (c, r) = if kind.consumes() {
            match kind {
                Kind::CheckIn => *self.checkins.get(n)?,
                _ => *self.order.get(n)?,
            }
        } else {
            self.order[(self.offsets[kind.index()] + n) % self.order.len()]
        };
        let community = &self.fixture.communities[c];
        let target = &self.targets[c];
        let id = community.id;
        let auth = self.auth[c][match kind {
            Kind::CheckIn => target.activity.as_ref()?.checkins[r].0,
            _ => r,
        }]
        .clone();
        let get = |path: String| Req {
            method: Method::GET,
            path,
            auth: auth.clone(),
            body: None,
            idempotency_key: None,
            expect: 200,
        };
        let key = format!("bench-{}-{}-{n}", self.nonce, kind.name());
        // Receipts an app makes up itself: letters and digits, the same one on a retry.
        let receipt = format!("{}{n:016}", self.nonce);
        let post = |path: String, body: serde_json::Value| Req {
            method: Method::POST,
            path,
            auth: auth.clone(),
            body: Some(body),
            idempotency_key: Some(key.clone()),
            expect: 201,
        };
        let base = format!("/communities/{id}");
        Some(match kind {
            Kind::WishList => vec![get(format!("{base}/wishes?status=published&limit=20"))],
            Kind::Balance => vec![
                get(format!("{base}/ledger/me")),
                get(format!("{base}/ledger/me/entries?limit=20")),
            ],
            Kind::BalanceOnly => vec![get(format!("{base}/ledger/me"))],
            Kind::Entries => vec![get(format!("{base}/ledger/me/entries?limit=20"))],
            Kind::ActivityList => vec![get(format!("{base}/activities?status=published&limit=20"))],
            Kind::Inbox => vec![get("/me/notifications?limit=20".into())],
            Kind::Unread => vec![get("/me/notifications/unread-count".into())],
            Kind::VotePage => match target.vote {
                Some(vote) => vec![get(format!("{base}/votes/{vote}"))],
                None => vec![get(format!("{base}/votes?limit=20"))],
            },
            Kind::Ballot => {
                let body = json!({ "choices": [n % 3], "receipt": receipt });
                vec![post(format!("{base}/votes/{}/ballot", target.vote?), body)]
            }
            Kind::Response => {
                let body = json!({ "answers": answers(n), "receipt": receipt });
                vec![post(
                    format!("{base}/surveys/{}/responses", target.survey?),
                    body,
                )]
            }
            Kind::CheckIn => {
                let activity = target.activity.as_ref()?;
                let body = json!({ "code": activity.checkins[r].1 });
                vec![post(
                    format!("{base}/activities/{}/check-in", activity.id),
                    body,
                )]
            }
            Kind::Redeem => {
                let path = format!("{base}/rewards/items/{}/redemptions", community.reward_item);
                vec![post(path, json!({ "quantity": 1 }))]
            }
            Kind::NewWish => {
                let body = json!({
                    "title": "想请人帮忙修一下水龙头", "story": "厨房水龙头一直滴水，家里没有工具。",
                    "category": community.wish_category,
                    "estimated_value_fen": community.wish_value_fen,
                    "deadline": self.wish_deadline,
                });
                vec![post(format!("{base}/wishes"), body)]
            }
        })
    }
}

/// A full answer to the run's survey (`prepare::questions`), varied by person; everyone is
/// at least neutral about security, so the follow-up question stays hidden.
fn answers(n: usize) -> serde_json::Value {
    let service = ["good", "average", "poor"][n % 3];
    json!({"channel": n % 3, "security": 3 + n % 3, "service": service, "recommend": n % 11})
}
