//! Counting: ballots into counts per option, turnout against quorum, and the outcome.
//!
//! The same rules are in `scripts/recount`, which anyone may run on the published ballots.

use super::store::VoteRow;
use super::types::{Fraction, OptionCount, Outcome, PassRule, VoteKind, VoteResult};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::vote_ballots;
use diesel::prelude::*;

pub fn ballots_cast(conn: &mut DbConnection, vote_id: i64) -> Result<i64, ApiError> {
    Ok(vote_ballots::table
        .filter(vote_ballots::vote_id.eq(vote_id))
        .count()
        .get_result(conn)?)
}

/// Checks a ballot's choices against the vote and puts them in their stored form: option
/// numbers, ascending, comma-separated. 422 on `choices` otherwise.
pub fn encode(vote: &VoteRow, choices: &[i32]) -> Result<String, ApiError> {
    let options = i32::try_from(vote.options()?.len()).unwrap_or(i32::MAX);
    let mut sorted = choices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let allowed = match vote.kind()? {
        VoteKind::YesNo | VoteKind::Single => 1,
        VoteKind::Multiple => usize::try_from(vote.max_choices).unwrap_or(1),
    };
    if sorted.len() != choices.len() || sorted.len() > allowed {
        return Err(ApiError::invalid_field("choices", "too_many_choices"));
    }
    if sorted.iter().any(|c| !(0..options).contains(c)) {
        return Err(ApiError::invalid_field("choices", "unknown_option"));
    }
    Ok(sorted
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(","))
}

pub fn decode(stored: &str) -> Vec<i32> {
    stored.split(',').filter_map(|c| c.parse().ok()).collect()
}

/// `part / whole` compared with a share: more than it, or at least it when `inclusive`.
fn meets(part: i64, whole: i64, share: Fraction, inclusive: bool) -> bool {
    let (left, right) = (
        part * i64::from(share.denominator),
        whole * i64::from(share.numerator),
    );
    if inclusive {
        left >= right
    } else {
        left > right
    }
}

/// The tally of the ballots now in the box; `official` when sealing it at close.
pub fn count(
    conn: &mut DbConnection,
    vote: &VoteRow,
    official: bool,
) -> Result<VoteResult, ApiError> {
    let stored: Vec<(String, i64)> = vote_ballots::table
        .filter(vote_ballots::vote_id.eq(vote.id))
        .group_by(vote_ballots::choice)
        .select((vote_ballots::choice, diesel::dsl::count_star()))
        .load(conn)?;
    let labels = vote.options()?;
    let mut votes = vec![0_i64; labels.len()];
    let mut ballots_cast = 0;
    for (choice, ballots) in stored {
        ballots_cast += ballots;
        for option in decode(&choice) {
            if let Some(slot) = usize::try_from(option).ok().and_then(|i| votes.get_mut(i)) {
                *slot += ballots;
            }
        }
    }
    let electorate_size = i64::from(vote.electorate_size.unwrap_or(0));
    let rules = Rules {
        kind: vote.kind()?,
        quorum: vote.quorum(),
        pass: vote.pass_rule(),
    };
    Ok(decide(
        &rules,
        labels,
        votes,
        ballots_cast,
        electorate_size,
        official,
    ))
}

/// What decides a vote: its form, its quorum and its pass rule.
struct Rules {
    kind: VoteKind,
    quorum: Fraction,
    pass: PassRule,
}

/// The outcome from the counts. Abstentions count as ballots cast, so a yes/no vote passes
/// only with a majority of everyone who took part (到会人员过半数同意). In a multiple choice
/// vote each option passes on its own.
fn decide(
    rules: &Rules,
    labels: Vec<String>,
    votes: Vec<i64>,
    ballots_cast: i64,
    electorate_size: i64,
    official: bool,
) -> VoteResult {
    let (quorum, pass) = (rules.quorum, rules.pass);
    let quorum_met = electorate_size > 0 && meets(ballots_cast, electorate_size, quorum, false);
    let candidates = match rules.kind {
        // Only "yes" can pass; "no" and "abstain" are counted against it.
        VoteKind::YesNo => 1,
        VoteKind::Single | VoteKind::Multiple => votes.len(),
    };
    let winners: Vec<i32> = (0..candidates)
        .filter(|&i| quorum_met && meets(votes[i], ballots_cast, pass.share, pass.inclusive))
        .filter_map(|i| i32::try_from(i).ok())
        .collect();
    let outcome = match (quorum_met, winners.is_empty()) {
        (false, _) => Outcome::NoQuorum,
        (true, true) => Outcome::NotPassed,
        (true, false) => Outcome::Passed,
    };
    let counts = labels
        .into_iter()
        .zip(votes)
        .enumerate()
        .map(|(i, (label, votes))| OptionCount {
            option: i32::try_from(i).unwrap_or(i32::MAX),
            label,
            votes,
        })
        .collect();
    VoteResult {
        electorate_size,
        ballots_cast,
        quorum_met,
        counts,
        winners,
        outcome,
        official,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(numerator: i32, denominator: i32) -> Fraction {
        Fraction {
            numerator,
            denominator,
        }
    }

    #[test]
    fn more_than_half_and_two_thirds_inclusive() {
        assert!(!meets(5, 10, share(1, 2), false));
        assert!(meets(6, 10, share(1, 2), false));
        assert!(meets(2, 3, share(2, 3), true));
        assert!(!meets(2, 3, share(2, 3), false));
        assert!(!meets(65, 100, share(2, 3), true));
    }

    #[test]
    fn abstentions_count_against_and_quorum_comes_first() {
        let labels = vec!["同意".into(), "反对".into(), "弃权".into()];
        let rules = Rules {
            kind: VoteKind::YesNo,
            quorum: share(1, 2),
            pass: PassRule {
                share: share(1, 2),
                inclusive: false,
            },
        };
        // 5 yes of 10 cast (3 no, 2 abstain): not more than half.
        let result = decide(&rules, labels.clone(), vec![5, 3, 2], 10, 12, true);
        assert_eq!(result.outcome, Outcome::NotPassed);
        let result = decide(&rules, labels.clone(), vec![6, 2, 2], 10, 12, true);
        assert_eq!((result.outcome, result.winners), (Outcome::Passed, vec![0]));
        // 6 of 12 took part: not more than half of the electorate.
        let result = decide(&rules, labels, vec![6, 0, 0], 6, 12, true);
        assert_eq!(result.outcome, Outcome::NoQuorum);
        assert!(result.winners.is_empty());
    }

    #[test]
    fn choices_are_stored_sorted_and_decoded_back() {
        assert_eq!(decode("0,2"), vec![0, 2]);
        assert_eq!(decode("1"), vec![1]);
    }
}
