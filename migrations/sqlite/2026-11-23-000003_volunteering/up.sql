-- Volunteers and teams, activities with sign-ups and attendance, and the permanent record of
-- service hours (志愿服务时长) that certificates and star levels are computed from.
-- Hours are kept in minutes; points move only through the ledger.

CREATE TABLE volunteer_profiles (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- Weekly availability, JSON: [{"weekday": 1-7, "period": "morning|afternoon|evening"}].
    availability TEXT NOT NULL,
    -- 双报到: an employed party member reporting for service where they live.
    dual_report BOOLEAN NOT NULL,
    dual_report_unit TEXT,
    introduction TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE volunteer_skills (
    community_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    skill TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id, skill),
    FOREIGN KEY (community_id, user_id) REFERENCES volunteer_profiles (community_id, user_id)
);
CREATE INDEX volunteer_skills_skill ON volunteer_skills (community_id, skill);

CREATE TABLE volunteer_teams (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    description TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE volunteer_team_members (
    team_id BIGINT NOT NULL REFERENCES volunteer_teams (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('leader', 'member')),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX volunteer_team_members_user ON volunteer_team_members (user_id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    description TEXT,
    place TEXT NOT NULL,
    grid_id BIGINT REFERENCES grids (id),
    team_id BIGINT REFERENCES volunteer_teams (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    signup_deadline TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    -- in_progress is not stored: it is `published` between starts_at and ends_at. When each
    -- step happened, and who took it, is in the audit log.
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'completed', 'settled',
                                           'cancelled')),
    cancel_reason TEXT,
    organiser_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (signup_deadline <= ends_at)
);
CREATE INDEX activities_community ON activities (community_id, status, starts_at);

-- What taking part earns. The ledger transactions of an activity (escrow, settlement) carry
-- the reference ('activity', id).
CREATE TABLE activity_credit_rules (
    activity_id BIGINT PRIMARY KEY REFERENCES activities (id),
    points_rule TEXT NOT NULL CHECK (points_rule IN ('per_hour', 'fixed')),
    points_amount BIGINT NOT NULL CHECK (points_amount >= 0),
    -- A time-bank mutual-aid service (an elder-care visit...): the resident served pays the
    -- providers in time credits, held in escrow from publication until settlement.
    service_recipient_id BIGINT REFERENCES users (id),
    escrow_minutes BIGINT NOT NULL CHECK (escrow_minutes >= 0),
    CHECK ((service_recipient_id IS NULL) = (escrow_minutes = 0))
);

CREATE TABLE activity_skills (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    skill TEXT NOT NULL,
    PRIMARY KEY (activity_id, skill)
);
CREATE INDEX activity_skills_skill ON activity_skills (skill);

CREATE TABLE activity_signups (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- The waitlist is served in id order.
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'withdrawn',
                                           'cancelled')),
    created_at TIMESTAMP NOT NULL,
    promoted_at TIMESTAMP,
    ended_at TIMESTAMP
);
CREATE UNIQUE INDEX activity_signups_active ON activity_signups (activity_id, user_id)
    WHERE status IN ('confirmed', 'waitlisted');
CREATE INDEX activity_signups_activity ON activity_signups (activity_id, status, id);
CREATE INDEX activity_signups_user ON activity_signups (user_id, status);

-- One-time codes the organiser hands out; only their hash is kept.
CREATE TABLE attendance_codes (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('check_in', 'check_out')),
    code_hash TEXT NOT NULL UNIQUE,
    issued_by BIGINT NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_by BIGINT REFERENCES users (id),
    used_at TIMESTAMP
);
CREATE INDEX attendance_codes_activity ON attendance_codes (activity_id, purpose);

-- One attendance per person per activity: a check-in session or self-reported hours.
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    source TEXT NOT NULL CHECK (source IN ('check_in', 'self_report')),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    minutes INTEGER CHECK (minutes IS NULL OR minutes >= 0),
    status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'verified', 'rejected')),
    -- Why it needs (or needed) review: missing_check_out, below_coverage.
    flag TEXT,
    note TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, user_id),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK ((status = 'open') = (ended_at IS NULL))
);
CREATE INDEX attendance_user ON attendance (user_id, started_at);
CREATE INDEX attendance_status ON attendance (status, started_at);

-- The permanent record. Credit hours come from verified attendance at settlement and earn
-- points; honour hours are back-filled by staff with evidence and earn none. Spending points
-- never touches this table.
CREATE TABLE service_hours (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('credit', 'honour')),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    served_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    activity_id BIGINT REFERENCES activities (id),
    attendance_id BIGINT UNIQUE REFERENCES attendance (id),
    evidence TEXT,
    points BIGINT NOT NULL CHECK (points >= 0),
    transaction_id BIGINT REFERENCES ledger_transactions (id),
    recorded_by BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    CHECK (kind = 'credit' OR (evidence IS NOT NULL AND points = 0)),
    CHECK (kind = 'honour' OR attendance_id IS NOT NULL)
);
CREATE INDEX service_hours_user ON service_hours (community_id, user_id, served_at);
CREATE INDEX service_hours_recorder ON service_hours (community_id, recorded_by, recorded_at);
CREATE INDEX service_hours_served ON service_hours (community_id, served_at);
