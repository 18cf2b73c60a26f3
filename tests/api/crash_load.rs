//! The write load of the crash test: writers sending grants, redemptions and ballots, each
//! until answered with its Idempotency-Key, while the node is killed and restarted.

use crate::child_node::{ChildNode, Endpoint};
use crate::helpers::User;
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WRITERS: usize = 8;
pub const GRANT: i64 = 30;
pub const PRICE: i64 = 20;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Grant,
    Redeem,
    Ballot,
}

#[derive(Clone)]
pub struct Op {
    pub kind: Kind,
    pub user: usize,
    pub path: String,
    pub key: String,
    pub body: Value,
    /// Who sends it: staff for a grant, the person otherwise.
    pub token: String,
}

/// What finally came back for an op, and whether an earlier attempt went unanswered (so it
/// may have landed before the kill).
pub struct Outcome {
    pub op: Op,
    pub status: StatusCode,
    pub body: Value,
    pub lost: bool,
}

pub struct Load {
    pub community: i64,
    pub item: i64,
    pub vote_ballot: String,
    pub staff: String,
    pub crowd: Vec<User>,
    pub next: AtomicUsize,
    pub next_voter: AtomicUsize,
    pub stop: AtomicBool,
    pub outcomes: Mutex<Vec<Outcome>>,
}

impl Load {
    /// The `n`th write: a ballot from each voter in turn while some have not voted, grants
    /// and redemptions otherwise.
    fn op(&self, n: usize) -> Op {
        // Every fourth write is a redemption: the person it grants to spends.
        let user = (n / 4) % self.crowd.len();
        let key = format!("crash-{n}");
        let token = self.crowd[user].access.clone();
        if n % 4 == 0 {
            let voter = self.next_voter.fetch_add(1, Ordering::SeqCst);
            if voter < self.crowd.len() {
                let token = self.crowd[voter].access.clone();
                let body = json!({ "choices": [n % 2] });
                let path = self.vote_ballot.clone();
                let kind = Kind::Ballot;
                return Op {
                    kind,
                    user: voter,
                    path,
                    key,
                    body,
                    token,
                };
            }
        }
        if n % 4 == 3 {
            let path = format!(
                "/communities/{}/rewards/items/{}/redemptions",
                self.community, self.item
            );
            let body = json!({ "quantity": 1 });
            return Op {
                kind: Kind::Redeem,
                user,
                path,
                key,
                body,
                token,
            };
        }
        let path = format!("/communities/{}/points/adjustments", self.community);
        let body = json!({ "user_id": self.crowd[user].id, "asset": "points", "amount": GRANT, "reason": "志愿服务补录" });
        let token = self.staff.clone();
        Op {
            kind: Kind::Grant,
            user,
            path,
            key,
            body,
            token,
        }
    }
}

/// Sends `op` until it is answered (the node may be down or starting), with the same key.
pub async fn until_answered(node: &Endpoint, op: Op) -> Outcome {
    let started = Instant::now();
    let mut lost = false;
    loop {
        let answer = node
            .send(
                Method::POST,
                &op.path,
                &op.token,
                Some(&op.key),
                Some(&op.body),
            )
            .await;
        match answer {
            Ok((status, body)) if status != StatusCode::SERVICE_UNAVAILABLE => {
                return Outcome {
                    op,
                    status,
                    body,
                    lost,
                };
            }
            _ => lost = true,
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{} never answered",
            op.key
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn writer(node: Endpoint, load: Arc<Load>) {
    while !load.stop.load(Ordering::SeqCst) {
        let op = load.op(load.next.fetch_add(1, Ordering::SeqCst));
        let outcome = until_answered(&node, op).await;
        load.outcomes.lock().unwrap().push(outcome);
    }
}

/// Runs the writers against `node` while killing it `kills` times at random moments and
/// restarting it; returns how long each restart took and every write's outcome.
pub async fn under_kills(node: &mut ChildNode, load: Load, kills: usize) -> (Vec<Duration>, Load) {
    let load = Arc::new(load);
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| tokio::spawn(writer(node.endpoint.clone(), load.clone())))
        .collect();
    let mut restarts = Vec::new();
    for _ in 0..kills {
        let pause = rand::thread_rng().gen_range(300..1500);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        node.kill();
        restarts.push(node.restart().await);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    load.stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    (restarts, Arc::into_inner(load).unwrap())
}
