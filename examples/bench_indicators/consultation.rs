//! Consultation (协商议事): topics raised through the year and the timeline each leaves, a
//! week-long vote for most, with its frozen electorate and who voted, and implementation
//! updates (实施结果公开) for most decisions.

use crate::dice::{Dice, days, year_end, year_start};
use crate::people::Community;
use crate::sink::{Sink, Table, row};
use chrono::NaiveDateTime;

/// Topics an average community raises in a year, whatever its population.
const TOPICS: f64 = 12.0;

/// A topic's timeline as it is written.
struct Timeline {
    topic: i64,
    actor: i64,
    at: NaiveDateTime,
}

impl Timeline {
    /// Moves the clock on by an hour to `max_days` days and records an event then.
    fn event(
        &mut self,
        sink: &mut Sink,
        dice: &mut Dice,
        kind: &str,
        max_days: i64,
        body: Option<&str>,
        data: Option<String>,
    ) {
        self.at = dice.after(self.at, 60, 60 * 24 * max_days);
        self.now(sink, kind, body, data);
    }

    /// Records an event at the timeline's present.
    fn now(&mut self, sink: &mut Sink, kind: &str, body: Option<&str>, data: Option<String>) {
        let id = sink.id(Table::TopicEvents);
        sink.add(
            Table::TopicEvents,
            row![id, self.topic, kind, self.actor, body, data, self.at],
        );
    }

    fn stage(&mut self, sink: &mut Sink, dice: &mut Dice, from: &str, to: &str, max_days: i64) {
        let data = format!(r#"{{"from":"{from}","to":"{to}"}}"#);
        self.event(sink, dice, "stage_changed", max_days, None, Some(data));
    }
}

pub fn topics(sink: &mut Sink, dice: &mut Dice, community: &Community) {
    let officers = community.officers();
    for n in 0..dice.count(TOPICS * community.own_size) {
        let raised = dice.between(year_start() + days(60), year_end() - days(50));
        let residents = community.residents_at(raised);
        let by_residents = !residents.is_empty() && dice.chance(0.4);
        let (origin, raised_by) = if by_residents {
            ("residents", dice.pick(residents).id)
        } else {
            ("staff", *dice.pick(&officers))
        };
        let id = sink.id(Table::Topics);
        let mut timeline = Timeline {
            topic: id,
            actor: *dice.pick(&officers),
            at: raised,
        };
        timeline.event(sink, dice, "raised", 1, None, None);
        let stage = walk(sink, dice, community, &mut timeline);
        let reason = (stage == "rejected").then_some("不属于本社区议事范围");
        let title = format!("议题{}：小区停车位规划", n + 1);
        sink.add(
            Table::Topics,
            row![
                id,
                community.id,
                title,
                "请居民共同商议。",
                false,
                "standard",
                origin,
                raised_by,
                5_i64,
                stage,
                reason,
                raised,
                timeline.at
            ],
        );
    }
}

/// Walks a topic through its stages and returns the one it ended at: one in ten rejected,
/// one in ten still under discussion, the rest put to a vote.
fn walk(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    timeline: &mut Timeline,
) -> &'static str {
    if dice.chance(0.1) {
        timeline.stage(sink, dice, "proposed", "rejected", 5);
        return "rejected";
    }
    timeline.stage(sink, dice, "proposed", "accepted", 3);
    timeline.stage(sink, dice, "accepted", "discussion", 3);
    if dice.chance(0.1) {
        return "discussion";
    }
    timeline.stage(sink, dice, "discussion", "voting", 10);
    let quorum_met = vote(sink, dice, community, timeline);
    if !quorum_met {
        timeline.stage(sink, dice, "voting", "discussion", 1);
        return "discussion";
    }
    timeline.stage(sink, dice, "voting", "decided", 1);
    if dice.chance(0.15) {
        return "decided";
    }
    timeline.stage(sink, dice, "decided", "implementing", 10);
    for _ in 0..dice.int(1, 4) {
        timeline.event(
            sink,
            dice,
            "implementation_update",
            20,
            Some("施工进展已公示"),
            None,
        );
    }
    if timeline.at < year_end() - days(30) && dice.chance(0.4) {
        timeline.stage(sink, dice, "implementing", "evaluated", 10);
        return "evaluated";
    }
    "implementing"
}

/// A yes/no vote opened when the topic went to voting and closed a week later, one vote per
/// household or per verified resident. Returns whether more than half took part.
fn vote(sink: &mut Sink, dice: &mut Dice, community: &Community, timeline: &mut Timeline) -> bool {
    let opens = timeline.at;
    let closes = opens + days(7);
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
    let id = sink.id(Table::Votes);
    timeline.now(sink, "vote_opened", None, None);
    let mut cast = 0_i64;
    for &elector in &electors {
        let voted = dice.chance(turnout);
        let channel = voted.then(|| match dice.real(0.0, 1.0) {
            r if r < 0.85 => "app",
            r if r < 0.95 => "paper",
            _ => "proxy",
        });
        cast += i64::from(voted);
        sink.add(Table::VoteElectors, row![id, elector, voted, channel]);
    }
    let size = electors.len() as i64;
    let quorum_met = 2 * cast > size;
    let result = tally(dice, size, cast, quorum_met);
    let electorate = if per_household {
        "households"
    } else {
        "residents"
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
            "closed",
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
            closes,
            result,
            timeline.actor,
            opens - days(1),
            closes
        ],
    );
    timeline.at = closes;
    timeline.now(sink, "vote_closed", None, None);
    quorum_met
}

/// The sealed result, as the vote's close writes it: most ballots agree.
fn tally(dice: &mut Dice, size: i64, cast: i64, quorum_met: bool) -> String {
    let yes = cast * dice.int(55, 90) / 100;
    let no = (cast - yes) * dice.int(40, 90) / 100;
    let abstain = cast - yes - no;
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
