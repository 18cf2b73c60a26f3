//! Scenario g, a weekday morning in the residents' apps, 90% reads and 10% writes.
//!
//! The morning it stands for: a vote and a satisfaction survey are running, a clean-up
//! activity is about to start, and people open the app on the way to work. Opening it shows
//! the bell's unread count and often the inbox (where the vote, the survey and the activity
//! were announced), so those are the commonest reads; the wish wall (微心愿) is the home
//! page's main list; the points balance and the activity list come next, as people check
//! what they can redeem and what is on; the vote's page (turnout) is read by those the
//! notice brought in, and the statement by few. Writes follow the campaigns of the morning:
//! ballots first (a vote's turnout comes mostly in its first hours), then check-ins as the
//! activity starts, survey answers, redemptions at the 爱心超市 counter, and a new wish now
//! and then.
//!
//! Per 100 operations (each one request):
//!
//! | reads (90)                          | n  | writes (10)                 | n |
//! |-------------------------------------|----|-----------------------------|---|
//! | inbox, first page                   | 15 | ballot                      | 3 |
//! | unread count                        | 10 | activity check-in           | 2 |
//! | open-wish list, first page          | 20 | survey response             | 2 |
//! | my balance                          | 15 | redemption                  | 2 |
//! | my last 20 ledger entries           |  5 | new wish                    | 1 |
//! | activity list (upcoming)            | 15 |                             |   |
//! | the vote's page                     | 10 |                             |   |

use crate::scenario::Kind::{self, *};

pub const MORNING: [(Kind, u32); 12] = [
    (Inbox, 15),
    (Unread, 10),
    (WishList, 20),
    (BalanceOnly, 15),
    (Entries, 5),
    (ActivityList, 15),
    (VotePage, 10),
    (Ballot, 3),
    (CheckIn, 2),
    (Response, 2),
    (Redeem, 2),
    (NewWish, 1),
];

/// The weights spread evenly over a cycle (smooth weighted round robin), so that writes of a
/// kind do not come in bursts: a cycle of as many slots as the weights add up to.
pub fn slots(weights: &[(Kind, u32)]) -> Vec<Kind> {
    let total: i64 = weights.iter().map(|(_, w)| i64::from(*w)).sum();
    let mut current = vec![0i64; weights.len()];
    let mut cycle = Vec::with_capacity(total as usize);
    for _ in 0..total {
        for (c, (_, w)) in current.iter_mut().zip(weights) {
            *c += i64::from(*w);
        }
        let Some(best) = (0..weights.len()).max_by_key(|&i| (current[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        current[best] -= total;
        cycle.push(weights[best].0);
    }
    cycle
}

/// How many of `ops` operations of the mix are of `kind`.
pub fn share(kind: Kind, ops: f64) -> f64 {
    let total: u32 = MORNING.iter().map(|(_, w)| w).sum();
    let weight = MORNING
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, w)| *w);
    ops * f64::from(weight) / f64::from(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_keeps_the_weights() {
        let cycle = slots(&MORNING);
        assert_eq!(cycle.len(), 100);
        for (kind, weight) in MORNING {
            assert_eq!(
                cycle.iter().filter(|k| **k == kind).count(),
                weight as usize
            );
        }
        let writes = cycle.iter().filter(|k| k.is_write()).count();
        assert_eq!(writes, 10);
    }
}
