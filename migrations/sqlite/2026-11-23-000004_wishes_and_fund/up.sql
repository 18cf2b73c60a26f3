-- The rest of the five societies: social organisations and social workers, micro-wishes
-- (微心愿), the community charity fund (社区公益慈善基金) and micro-governance projects.
-- Money is integer fen; fund money moves through the ledger (asset 'money').

-- Social organisations (社区社会组织) serve one or more communities, each of which approves
-- them; their public contact is the organisation's, never a member's own phone.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('life_service', 'charity', 'mutual_aid',
                                               'culture_sports', 'social_work_agency')),
    registration TEXT NOT NULL CHECK (registration IN ('filed', 'registered')),
    registration_number TEXT,
    contact TEXT,
    description TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE organisation_communities (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    community_id BIGINT NOT NULL REFERENCES communities (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    PRIMARY KEY (organisation_id, community_id)
);
CREATE INDEX organisation_communities_community ON organisation_communities (community_id, status);

CREATE TABLE organisation_members (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('leader', 'member')),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX organisation_members_user ON organisation_members (user_id);

-- Social workers (社会工作者): their qualification and employer.
CREATE TABLE social_workers (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    certificate_level TEXT NOT NULL CHECK (certificate_level IN ('assistant', 'intermediate',
                                                                 'senior')),
    certificate_number TEXT,
    employer_organisation_id BIGINT REFERENCES organisations (id),
    employer_name TEXT,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- A community's wish rules: value cap, escalation, and categories with the points each earns
-- (JSON: [{"code": "life_help", "name": "生活帮扶", "points": 20}, ...]).
CREATE TABLE wish_settings (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id),
    value_cap_fen BIGINT NOT NULL CHECK (value_cap_fen > 0),
    escalate_after_days INTEGER NOT NULL CHECK (escalate_after_days > 0),
    categories TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- The requester's name, phone and address are never copied here: views that may show them
-- read them from the requester's account for the claimant and staff only.
CREATE TABLE wishes (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    -- The requester, or staff posting for an elderly or vulnerable resident.
    posted_by BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    story TEXT NOT NULL,
    category TEXT NOT NULL,
    estimated_value_fen BIGINT NOT NULL CHECK (estimated_value_fen >= 0),
    deadline TIMESTAMP NOT NULL,
    -- Where, as precisely as public views may say: the grid of the requester's household.
    grid_id BIGINT REFERENCES grids (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'published', 'rejected', 'claimed',
                                           'fulfilled', 'confirmed', 'cancelled', 'expired')),
    rejection_reason TEXT,
    reviewed_by BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    published_at TIMESTAMP,
    -- When it was escalated to the social worker and grid worker for lying unclaimed.
    escalated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX wishes_community ON wishes (community_id, status, id);
CREATE INDEX wishes_requester ON wishes (requester_id, id);

-- Claims of a wish; at most one is live (active, fulfilled or confirmed) at a time.
CREATE TABLE wish_claims (
    id INTEGER PRIMARY KEY,
    wish_id BIGINT NOT NULL REFERENCES wishes (id),
    -- The person who claimed, for a team or organisation too; a donor claims as themself.
    claimant_id BIGINT NOT NULL REFERENCES users (id),
    claimant_kind TEXT NOT NULL CHECK (claimant_kind IN ('volunteer', 'team', 'organisation',
                                                         'donor')),
    team_id BIGINT REFERENCES volunteer_teams (id),
    organisation_id BIGINT REFERENCES organisations (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'released', 'fulfilled', 'confirmed')),
    claimed_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    fulfilment_note TEXT,
    photo_ref TEXT,
    fulfilled_at TIMESTAMP,
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    confirmed_by BIGINT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    -- Set when the wish's deadline passed while this claim was still active.
    overdue_flagged_at TIMESTAMP,
    transaction_id BIGINT REFERENCES ledger_transactions (id),
    CHECK ((claimant_kind = 'team') = (team_id IS NOT NULL)),
    CHECK ((claimant_kind = 'organisation') = (organisation_id IS NOT NULL))
);
CREATE UNIQUE INDEX wish_claims_live ON wish_claims (wish_id) WHERE status <> 'released';
CREATE INDEX wish_claims_claimant ON wish_claims (claimant_id, status);

-- The thread between requester (or staff for them) and claimant, so neither needs the other's
-- phone number.
CREATE TABLE wish_messages (
    id INTEGER PRIMARY KEY,
    wish_id BIGINT NOT NULL REFERENCES wishes (id),
    -- The claim the conversation belongs to: a new claimant does not read the last one's.
    claim_id BIGINT REFERENCES wish_claims (id),
    sender_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX wish_messages_wish ON wish_messages (wish_id, id);

-- Micro-governance projects (微治理项目 / 公益创投).
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    proposer_organisation_id BIGINT REFERENCES organisations (id),
    -- The organisation that carries it out.
    organisation_id BIGINT REFERENCES organisations (id),
    budget_fen BIGINT NOT NULL CHECK (budget_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'in_progress',
                                           'completed', 'cancelled')),
    -- A consultation topic it came from or went through (issue 6), when there is one.
    topic_id BIGINT,
    rejection_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    completion_report TEXT,
    completed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_community ON projects (community_id, status, id);

CREATE TABLE project_participants (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'social_worker', 'volunteer')),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE project_milestones (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id),
    title TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    note TEXT
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, due_at);

-- Which of the five societies took part: how "linkage" (联动) becomes measurable.
CREATE TABLE project_societies (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    society TEXT NOT NULL CHECK (society IN ('community', 'social_organisation',
                                             'social_worker', 'volunteer', 'charity_resource')),
    PRIMARY KEY (project_id, society)
);

-- Donations to the fund. Money goes through the ledger (donations → fund); goods are recorded
-- with an estimated value and never enter the money ledger.
CREATE TABLE fund_donations (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    donor_kind TEXT NOT NULL CHECK (donor_kind IN ('person', 'organisation', 'company')),
    donor_user_id BIGINT REFERENCES users (id),
    donor_organisation_id BIGINT REFERENCES organisations (id),
    donor_name TEXT,
    anonymous BOOLEAN NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('money', 'goods')),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    goods_description TEXT,
    note TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    transaction_id BIGINT REFERENCES ledger_transactions (id),
    CHECK ((kind = 'money') = (transaction_id IS NOT NULL)),
    CHECK (kind = 'money' OR goods_description IS NOT NULL)
);
CREATE INDEX fund_donations_community ON fund_donations (community_id, id);

-- Disbursements from the fund to a wish or a project, approved by two staff members (the
-- requester may be one of them).
CREATE TABLE fund_disbursements (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    wish_id BIGINT REFERENCES wishes (id),
    project_id BIGINT REFERENCES projects (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    first_approver BIGINT REFERENCES users (id),
    first_approved_at TIMESTAMP,
    second_approver BIGINT REFERENCES users (id),
    second_approved_at TIMESTAMP,
    rejected_by BIGINT REFERENCES users (id),
    rejection_reason TEXT,
    transaction_id BIGINT REFERENCES ledger_transactions (id),
    CHECK ((wish_id IS NULL) <> (project_id IS NULL)),
    CHECK (first_approver IS NULL OR second_approver IS NULL OR first_approver <> second_approver),
    CHECK ((status = 'approved') = (transaction_id IS NOT NULL))
);
CREATE INDEX fund_disbursements_community ON fund_disbursements (community_id, status, id);
