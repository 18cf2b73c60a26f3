//! The words of a topic as stored and sent.

use crate::stored_enum;

stored_enum! {
    /// Where a topic stands.
    pub enum TopicStage {
        Proposed => "proposed",
        Accepted => "accepted",
        Discussion => "discussion",
        Voting => "voting",
        Decided => "decided",
        Implementing => "implementing",
        Evaluated => "evaluated",
        Rejected => "rejected",
    }
}

stored_enum! {
    /// How a topic is handled: the ordinary sequence, or the rural 四议两公开 with each of its
    /// six steps recorded.
    pub enum Procedure {
        Standard => "standard",
        FourTwo => "four_two",
    }
}

stored_enum! {
    /// Who raised a topic.
    pub enum Origin {
        Staff => "staff",
        Organisation => "organisation",
        Residents => "residents",
    }
}

impl TopicStage {
    /// The stages a topic may move to from this one, by staff or by a vote. `Voting` and
    /// `Decided` are entered only through a vote opening and closing.
    pub fn next(self) -> &'static [TopicStage] {
        use TopicStage::*;
        match self {
            Proposed => &[Accepted, Rejected],
            Accepted => &[Discussion, Rejected],
            Discussion => &[Voting, Rejected],
            // A vote cancelled before it closed returns the topic to discussion.
            Voting => &[Decided, Discussion],
            Decided => &[Implementing],
            Implementing => &[Evaluated],
            Evaluated | Rejected => &[],
        }
    }

    /// Stages anyone may read about without standing in the community: the decision and
    /// what followed (决议公开, 实施结果公开).
    pub fn is_decided(self) -> bool {
        matches!(self, Self::Decided | Self::Implementing | Self::Evaluated)
    }
}
