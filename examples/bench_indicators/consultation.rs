//! Consultation (协商议事): topics raised through the year and the timeline each leaves, a
//! week-long vote for most (see `votes`), and implementation updates (实施结果公开) for most
//! decisions.
//!
//! The indicators district raises about twelve topics a year in an average community; the
//! load data set raises topics until each community has closed its quota of votes, then two
//! more that go straight to a vote still open when the year ends.

use crate::dice::{Dice, days, year_end};
use crate::people::Community;
use crate::sink::{Sink, Table, row};
use crate::votes;
use chrono::NaiveDateTime;

/// Topics an average community raises in a year, whatever its population.
const TOPICS: f64 = 12.0;

/// A topic's timeline as it is written.
pub struct Timeline {
    pub topic: i64,
    pub actor: i64,
    pub at: NaiveDateTime,
    /// The vote held on the topic, if it came to one.
    pub vote: Option<i64>,
    /// Where the data ends, for the load data set: an update due later has not been posted.
    pub end: Option<NaiveDateTime>,
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
        let at = dice.after(self.at, 60, 60 * 24 * max_days);
        if self.end.is_some_and(|end| at >= end) {
            return;
        }
        self.at = at;
        self.now(sink, kind, body, data);
    }

    /// Records an event at the timeline's present.
    pub fn now(&mut self, sink: &mut Sink, kind: &str, body: Option<&str>, data: Option<String>) {
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
    let planned = dice.count(TOPICS * community.own_size);
    let live = community.profile.live.as_ref();
    let mut held = 0;
    for n in 0.. {
        let enough = match live {
            Some(live) => held >= live.closed_votes,
            None => n >= planned,
        };
        if enough {
            break;
        }
        let raised = dice.between(community.first_residents(), year_end() - days(50));
        held += usize::from(raise(sink, dice, community, n, raised, false));
    }
    for k in 0..live.map_or(0, |live| live.open_votes) {
        let raised = dice.between(year_end() - days(7), year_end() - days(6));
        raise(sink, dice, community, held + k, raised, true);
    }
}

/// Raises topic `n` at `raised` and walks it through its stages, or (`open`) straight to a
/// vote still open at the year's end. Returns whether it came to a vote.
fn raise(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    n: usize,
    raised: NaiveDateTime,
    open: bool,
) -> bool {
    let officers = community.officers();
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
        vote: None,
        end: community.profile.is_live().then(year_end),
    };
    timeline.event(sink, dice, "raised", 1, None, None);
    let stage = if open {
        to_open_vote(sink, dice, community, &mut timeline)
    } else {
        walk(sink, dice, community, &mut timeline)
    };
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
    timeline.vote.is_some()
}

/// A topic the committee takes to a vote within days, which is still open at the year's end.
fn to_open_vote(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    timeline: &mut Timeline,
) -> &'static str {
    timeline.stage(sink, dice, "proposed", "accepted", 1);
    timeline.stage(sink, dice, "accepted", "discussion", 1);
    timeline.stage(sink, dice, "discussion", "voting", 1);
    votes::vote(sink, dice, community, timeline, true);
    "voting"
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
    let quorum_met = votes::vote(sink, dice, community, timeline, false);
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
