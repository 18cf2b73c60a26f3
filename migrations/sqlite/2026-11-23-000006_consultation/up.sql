-- Consultation and voting (协商议事, 一事一议, 四议两公开): topics from proposal to evaluated
-- outcome, their discussion, and secret ballots.

-- The birth date read from a resident's ID number, so the electorate can be the adults.
ALTER TABLE users ADD COLUMN birth_date DATE;

-- How many co-signers a residents' topic needs: the larger of a minimum and a share of the
-- community's households (per mille).
CREATE TABLE consultation_settings (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id),
    cosigners_minimum INTEGER NOT NULL CHECK (cosigners_minimum BETWEEN 1 AND 10000),
    cosigners_household_permille INTEGER NOT NULL
        CHECK (cosigners_household_permille BETWEEN 0 AND 1000),
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Special matters need two thirds of the votes cast by default.
    special BOOLEAN NOT NULL,
    -- 'four_two' follows the rural 四议两公开 sequence, each step recorded.
    procedure TEXT NOT NULL CHECK (procedure IN ('standard', 'four_two')),
    origin TEXT NOT NULL CHECK (origin IN ('staff', 'organisation', 'residents')),
    raised_by BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT REFERENCES organisations (id),
    -- Frozen when raised, so a change of settings does not move the goalposts.
    cosigners_required INTEGER NOT NULL CHECK (cosigners_required >= 0),
    stage TEXT NOT NULL CHECK (stage IN ('proposed', 'accepted', 'discussion', 'voting',
                                         'decided', 'implementing', 'evaluated', 'rejected')),
    rejection_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((origin = 'organisation') = (organisation_id IS NOT NULL))
);
CREATE INDEX topics_community ON topics (community_id, stage, id);

CREATE TABLE topic_cosigners (
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    signed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);

-- The steps of 四议两公开, in order: the party branch proposes, the two committees discuss,
-- party members review, the villagers' (residents') meeting resolves, the resolution is made
-- public, and the implementation result is made public.
CREATE TABLE topic_procedure_steps (
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    step TEXT NOT NULL CHECK (step IN ('branch_proposal', 'committees_discussion',
                                       'members_review', 'meeting_resolution',
                                       'resolution_public', 'result_public')),
    note TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, step)
);

-- The topic's public timeline: stage changes, meetings, votes, the decision, implementation
-- updates (实施结果公开) and the outcome evaluation (效果共评).
CREATE TABLE topic_events (
    id INTEGER PRIMARY KEY,
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    body TEXT,
    -- Details by kind, as JSON (a vote's result, an update's attachments, ...).
    data TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_events_topic ON topic_events (topic_id, id);

CREATE TABLE topic_comments (
    id INTEGER PRIMARY KEY,
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    parent_id BIGINT REFERENCES topic_comments (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    hidden_reason TEXT,
    hidden_by BIGINT REFERENCES users (id),
    hidden_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_comments_topic ON topic_comments (topic_id, id);

-- Meeting records: 民情恳谈 (consultation), 听证会 (hearing), 议事会 (council).
CREATE TABLE topic_meetings (
    id INTEGER PRIMARY KEY,
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    kind TEXT NOT NULL CHECK (kind IN ('consultation', 'hearing', 'council')),
    held_at TIMESTAMP NOT NULL,
    location TEXT,
    -- JSON array of attendees as written in the minutes (names and capacities).
    attendees TEXT NOT NULL,
    minutes TEXT NOT NULL,
    -- JSON array of attachment references (file ids or URLs held elsewhere).
    attachments TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_meetings_topic ON topic_meetings (topic_id, held_at);

-- 效果共评: residents rate the outcome once implemented.
CREATE TABLE topic_ratings (
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    rated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);

CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    question TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('yes_no', 'single', 'multiple')),
    -- JSON array of option labels (yes, no, abstain for yes_no).
    options TEXT NOT NULL,
    max_choices INTEGER NOT NULL CHECK (max_choices >= 1),
    electorate TEXT NOT NULL CHECK (electorate IN ('residents', 'households',
                                                   'representatives')),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'open', 'closed', 'cancelled')),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    -- Quorum: turnout × den > num × electorate. Pass: votes × den > num × cast (or >= when
    -- inclusive, as for 三分之二以上).
    quorum_numerator INTEGER NOT NULL,
    quorum_denominator INTEGER NOT NULL CHECK (quorum_denominator > 0),
    pass_numerator INTEGER NOT NULL,
    pass_denominator INTEGER NOT NULL CHECK (pass_denominator > 0),
    pass_inclusive BOOLEAN NOT NULL,
    -- Show the tally while voting runs (otherwise only the turnout).
    live_results BOOLEAN NOT NULL,
    -- A voter may replace their ballot with their receipt until close.
    allow_change BOOLEAN NOT NULL,
    -- Set when the electorate is frozen at opening.
    electorate_size INTEGER,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    -- An early close is an admin's recorded act, with a reason.
    closed_early_by BIGINT REFERENCES users (id),
    close_reason TEXT,
    -- The official result, sealed at close (JSON).
    result TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX votes_community ON votes (community_id, status, id);
CREATE INDEX votes_topic ON votes (topic_id);
CREATE INDEX votes_due ON votes (status, closes_at);

-- Named resident representatives (居民代表) when they are the electorate.
CREATE TABLE vote_representatives (
    vote_id BIGINT NOT NULL REFERENCES votes (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (vote_id, user_id)
);

-- The frozen electorate and who has voted. An elector is a user, or a household when the vote
-- is one per household. Nothing here says when, or in what order, anyone voted.
CREATE TABLE vote_electors (
    vote_id BIGINT NOT NULL REFERENCES votes (id),
    elector_id BIGINT NOT NULL,
    voted BOOLEAN NOT NULL,
    channel TEXT CHECK (channel IN ('app', 'proxy', 'paper')),
    PRIMARY KEY (vote_id, elector_id),
    CHECK (voted = (channel IS NOT NULL))
) WITHOUT ROWID;

-- What was chosen, apart from who chose it: no voter, no id, no time. The key is the hash of
-- the voter's random receipt code, so even the rows' order carries nothing (a WITHOUT ROWID
-- table is stored in key order); at close the
-- vote's ballots are rewritten in one transaction to drop the physical traces of casting.
CREATE TABLE vote_ballots (
    vote_id BIGINT NOT NULL REFERENCES votes (id),
    receipt_hash TEXT NOT NULL,
    -- 'yes' | 'no' | 'abstain', or the chosen option numbers, comma-separated, ascending.
    choice TEXT NOT NULL,
    PRIMARY KEY (vote_id, receipt_hash)
) WITHOUT ROWID;

-- A ballot cast by staff for a resident who cannot use the app, before a named witness.
CREATE TABLE vote_proxies (
    vote_id BIGINT NOT NULL REFERENCES votes (id),
    elector_id BIGINT NOT NULL,
    cast_by BIGINT NOT NULL REFERENCES users (id),
    witness_name TEXT NOT NULL,
    PRIMARY KEY (vote_id, elector_id)
);

-- Paper ballots from a meeting, entered by one officer and confirmed by a second who counts
-- again; applied only when both counts agree.
CREATE TABLE vote_paper_batches (
    id INTEGER PRIMARY KEY,
    vote_id BIGINT NOT NULL REFERENCES votes (id),
    paper_count INTEGER NOT NULL CHECK (paper_count > 0),
    -- JSON: the electors who handed in a paper ballot, and the count per choice.
    electors TEXT NOT NULL,
    tally TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'rejected')),
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    rejection_reason TEXT
);
CREATE INDEX vote_paper_batches_vote ON vote_paper_batches (vote_id, id);
