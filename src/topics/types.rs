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

stored_enum! {
    /// The six steps of 四议两公开, in the order they must be recorded.
    pub enum ProcedureStep {
        /// 党支部提议: the party branch proposes.
        BranchProposal => "branch_proposal",
        /// 两委会商议: the two committees discuss.
        CommitteesDiscussion => "committees_discussion",
        /// 党员大会审议: party members review.
        MembersReview => "members_review",
        /// 村民会议或村民代表会议决议: the villagers' (residents') meeting resolves.
        MeetingResolution => "meeting_resolution",
        /// 决议公开: the resolution is made public.
        ResolutionPublic => "resolution_public",
        /// 实施结果公开: the implementation result is made public.
        ResultPublic => "result_public",
    }
}

stored_enum! {
    /// A meeting held about a topic.
    pub enum MeetingKind {
        /// 民情恳谈会.
        Consultation => "consultation",
        /// 听证会.
        Hearing => "hearing",
        /// 议事会.
        Council => "council",
    }
}

impl ProcedureStep {
    /// The stage in which the step is recorded: each step belongs to one stage, so the steps
    /// and the stages cannot drift apart.
    pub fn stage(self) -> TopicStage {
        use ProcedureStep::*;
        match self {
            BranchProposal => TopicStage::Proposed,
            CommitteesDiscussion => TopicStage::Accepted,
            MembersReview => TopicStage::Discussion,
            MeetingResolution | ResolutionPublic => TopicStage::Decided,
            ResultPublic => TopicStage::Implementing,
        }
    }

    /// The step a 四议两公开 topic must have recorded before it may enter `to`. The vote is the
    /// meeting's resolution, so entering `decided` needs nothing more; the resolution must be
    /// public before implementation starts, and the result before the evaluation closes.
    pub fn required_before(to: TopicStage) -> Option<ProcedureStep> {
        use ProcedureStep::*;
        match to {
            TopicStage::Accepted => Some(BranchProposal),
            TopicStage::Discussion => Some(CommitteesDiscussion),
            TopicStage::Voting => Some(MembersReview),
            TopicStage::Implementing => Some(ResolutionPublic),
            TopicStage::Evaluated => Some(ResultPublic),
            TopicStage::Proposed | TopicStage::Decided | TopicStage::Rejected => None,
        }
    }
}

/// Attachment references (file ids or URLs held elsewhere): up to 20, each 1 to 500
/// characters without spaces or control characters.
pub fn attachment_refs(refs: &[String]) -> Result<(), validator::ValidationError> {
    let fits = |r: &String| {
        (1..=500).contains(&r.chars().count())
            && !r.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if refs.len() <= 20 && refs.iter().all(fits) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_reference"))
    }
}
