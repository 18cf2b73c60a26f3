//! Community-scoped operations the matrix leaves to other tests, each with the reason: their
//! answer depends on a record's state more than on who calls.

pub(super) const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    // Indicators.
    (
        "POST /api/v1/communities/{id}/manual-indicators/{entry_id}/decision",
        "a region admin who did not enter it, once: indicator_standards tests",
    ),
    // Surveys.
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}",
        "a draft for staff only, others for people with standing, closed public ones for all: survey tests",
    ),
    (
        "PUT /api/v1/communities/{id}/surveys/{survey_id}",
        "only a draft, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/publish",
        "a draft publishes once, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/close",
        "an open survey closes once, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/archive",
        "only a closed survey, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/responses",
        "only the frozen audience, once: survey tests and survey races",
    ),
    (
        "PUT /api/v1/communities/{id}/surveys/{survey_id}/responses/mine",
        "needs one's own response in a survey allowing edits: survey tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/responses/mine",
        "needs one's own response to a named survey: survey tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/results",
        "staff while open, everyone once closed when public: survey result tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/export.csv",
        "staff only, needs responses: survey result tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/votes",
        "needs a topic under discussion, one vote pending at a time: vote tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}",
        "an open vote for people with standing, a closed one for all: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/open",
        "a scheduled vote opens once, by staff: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/close",
        "an open vote closes early once, by a community admin: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/cancel",
        "only a vote not yet open, by staff: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/ballot",
        "only the frozen electorate, once: vote tests",
    ),
    (
        "PUT /api/v1/communities/{id}/votes/{vote_id}/ballot",
        "needs one's own receipt in a vote allowing changes: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/receipt-check",
        "needs a receipt: vote tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}/ballots",
        "published at close only: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/proxy-ballots",
        "staff, for an elector who has not voted: vote channel tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}/paper-batches",
        "staff, on a vote of the community: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches",
        "staff, with electors of the open vote: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/confirm",
        "a second officer with the same count: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/reject",
        "a pending batch, once: vote channel tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/roles/{grant_id}",
        "roles are revoked in auth and grants tests (needs a fresh grant per call)",
    ),
    (
        "POST /api/v1/communities/{id}/points/adjustments/{adjustment_id}/approve",
        "needs a pending adjustment by another staff member: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/points/adjustments/{adjustment_id}/reject",
        "needs a pending adjustment: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/points/gifts",
        "needs two people of one household with points: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/ledger/transactions/{transaction_id}/reversal",
        "needs a transaction to reverse, once: ledger tests",
    ),
    (
        "POST /api/v1/communities/{id}/rewards/redemptions/{redemption_id}/collect",
        "needs a reserved redemption, paid with points: rewards tests",
    ),
    (
        "POST /api/v1/communities/{id}/rewards/redemptions/{redemption_id}/cancel",
        "needs a reserved redemption, and the redeemer may cancel their own: rewards tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/assisted-sessions/{session_id}",
        "only the starting staff member may end it: assisted tests",
    ),
    (
        "PUT /api/v1/communities/{id}/activities/{activity_id}",
        "organisers edit before the start: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/publish",
        "a draft is published once: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/cancel",
        "an activity is cancelled once: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/complete",
        "needs an activity under way: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/settle",
        "needs a completed activity, settled once: activity tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/activities/{activity_id}/signups/me",
        "needs one's own sign-up: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/check-in",
        "needs a code and a confirmed sign-up during the window: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/check-out",
        "needs an open session and a code: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance",
        "needs a confirmed sign-up once the activity has begun: activity tests",
    ),
    (
        "GET /api/v1/communities/{id}/activities/{activity_id}/attendance/me",
        "needs one's own attendance: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/approve",
        "needs pending attendance, decided once, not one's own: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/reject",
        "needs pending attendance, decided once: activity tests",
    ),
    (
        "GET /api/v1/communities/{id}/wishes/{wish_id}",
        "what each reader sees of a wish depends on its status and claim: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/publish",
        "needs a submitted wish, reviewed once, not one's own: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/reject",
        "needs a submitted wish, reviewed once: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/cancel",
        "the requester's own wish before it is claimed: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/claim",
        "needs a published wish, claimed once: wish tests (and fifty at once)",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/release",
        "the live claimant or staff: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/fulfil",
        "the live claimant: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/confirm",
        "the requester, or staff for one without a phone: wish tests",
    ),
    (
        "GET /api/v1/communities/{id}/wishes/{wish_id}/messages",
        "the parties to a claimed wish: wish tests (strangers walk every endpoint)",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/messages",
        "the parties to a claimed wish: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements",
        "needs a wish or project of the community, made elsewhere: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements/{disbursement_id}/approve",
        "needs a pending disbursement, approved by two different people: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements/{disbursement_id}/reject",
        "needs a pending disbursement, decided once: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/organisations/{organisation_id}/request",
        "a leader of the organisation asks, whatever their roles in the community: organisations tests",
    ),
    (
        "POST /api/v1/communities/{id}/organisations/{organisation_id}/withdraw",
        "a leader or staff, once: organisations tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/start",
        "an approved project starts once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/complete",
        "a project under way completes once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/cancel",
        "an open project is cancelled once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/milestones/{milestone_id}/done",
        "a milestone is done once: projects tests",
    ),
    (
        "GET /api/v1/communities/{id}/topics/{topic_id}",
        "who sees a topic depends on its stage (strangers only decided ones): topics tests",
    ),
    (
        "GET /api/v1/communities/{id}/topics/{topic_id}/meetings",
        "who sees the meetings depends on the topic's stage: topics tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/comments/{comment_id}/hide",
        "needs a comment, hidden once: topics tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/comments/{comment_id}/unhide",
        "needs a hidden comment: topics tests",
    ),
    // Service ratings (好差评) and rectification.
    (
        "POST /api/v1/communities/{id}/service-cases/{case_id}/done",
        "needs a case recorded, done once: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/reply",
        "needs a poor rating: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/accept",
        "needs a poor rating answered, by its rater only: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/reject",
        "needs a poor rating answered, by its rater only: ratings tests",
    ),
];
