//! A topic's vote (表决): yes/no, one vote per household or per verified resident, with its
//! frozen electorate and who voted. Most are closed a week after opening, their result sealed;
//! the load data set also holds votes opened in the year's last days, open a fortnight.
//!
//! The load data set writes the ballots too (the indicators read only who voted): those of a
//! closed vote add up to its sealed result, so a recount agrees with it.

use crate::consultation::Timeline;
use crate::dice::{Dice, days};
use crate::people::Community;
use crate::sink::{Sink, Table, row};

/// Opens a vote at the timeline's present and, unless `open`, closes it a week later.
/// Returns whether more than half took part.
pub fn vote(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    timeline: &mut Timeline,
    open: bool,
) -> bool {
    let opens = timeline.at;
    let closes = opens + days(if open { 14 } else { 7 });
    let residents = community.residents_at(opens);
    let per_household = dice.chance(0.55);
    let mut electors: Vec<i64> = if per_household {
        residents.iter().map(|r| r.household).collect()
    } else {
        residents.iter().map(|r| r.id).collect()
    };
    electors.sort_unstable();
    electors.dedup();
    let turnout = dice.real(0.4, 0.7) + 0.25 * (community.quality - 0.7) / 0.3;
    // A vote a few days old has a share of the ballots it will get.
    let turnout = if open {
        turnout * dice.real(0.2, 0.4)
    } else {
        turnout
    };
    let id = sink.id(Table::Votes);
    timeline.vote = Some(id);
    timeline.now(sink, "vote_opened", None, None);
    let mut cast = 0_i64;
    for &elector in &electors {
        let voted = dice.chance(turnout);
        // Paper and proxy ballots are entered at the close, so an open vote has only the app's.
        let channel = voted.then(|| match dice.real(0.0, 1.0) {
            _ if open => "app",
            r if r < 0.85 => "app",
            r if r < 0.95 => "paper",
            _ => "proxy",
        });
        cast += i64::from(voted);
        sink.add(Table::VoteElectors, row![id, elector, voted, channel]);
    }
    let size = electors.len() as i64;
    let quorum_met = 2 * cast > size;
    let counts = split(dice, cast);
    let result = (!open).then(|| sealed(size, cast, quorum_met, counts));
    let electorate = if per_household {
        "households"
    } else {
        "residents"
    };
    let (status, closed) = if open {
        ("open", None)
    } else {
        ("closed", Some(closes))
    };
    sink.add(
        Table::Votes,
        row![
            id,
            community.id,
            timeline.topic,
            "是否同意该方案？",
            "yes_no",
            r#"["同意","反对","弃权"]"#,
            1_i64,
            electorate,
            status,
            opens,
            closes,
            1_i64,
            2_i64,
            1_i64,
            2_i64,
            false,
            false,
            false,
            size,
            opens,
            closed,
            result,
            timeline.actor,
            opens - days(1),
            closed.unwrap_or(opens)
        ],
    );
    if community.profile.is_live() {
        ballots(sink, dice, id, counts);
    }
    if let Some(closes) = closed {
        timeline.at = closes;
        timeline.now(sink, "vote_closed", None, None);
    }
    quorum_met
}

/// How the ballots cast divide between yes, no and abstain: most agree.
fn split(dice: &mut Dice, cast: i64) -> [i64; 3] {
    let yes = cast * dice.int(55, 90) / 100;
    let no = (cast - yes) * dice.int(40, 90) / 100;
    [yes, no, cast - yes - no]
}

/// The sealed result, as the vote's close writes it.
fn sealed(size: i64, cast: i64, quorum_met: bool, [yes, no, abstain]: [i64; 3]) -> String {
    let passed = 2 * yes > cast;
    let (winners, outcome) = match (quorum_met, passed) {
        (false, _) => ("[]", "no_quorum"),
        (true, true) => ("[0]", "passed"),
        (true, false) => ("[]", "not_passed"),
    };
    format!(
        r#"{{"electorate_size":{size},"ballots_cast":{cast},"quorum_met":{quorum_met},"counts":[{{"option":0,"label":"同意","votes":{yes}}},{{"option":1,"label":"反对","votes":{no}}},{{"option":2,"label":"弃权","votes":{abstain}}}],"winners":{winners},"outcome":"{outcome}","official":true}}"#
    )
}

/// The ballot box: the chosen option's number under a random receipt's hash, nothing else.
fn ballots(sink: &mut Sink, dice: &mut Dice, vote: i64, counts: [i64; 3]) {
    for (option, count) in counts.into_iter().enumerate() {
        let choice = option.to_string();
        for _ in 0..count {
            let receipt = dice.receipt_hash();
            sink.add(Table::VoteBallots, row![vote, receipt, choice.as_str()]);
        }
    }
}
