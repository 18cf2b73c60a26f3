-- Indicators and community ratings: evaluation standards as versioned data, manual values
-- entered with evidence and approved, and per-period snapshots of every community's figures.

-- One row per version of a standard; a version is never edited, so a snapshot computed with
-- it can always be explained by it. The definition (dimensions, indicators, rules, stars) is
-- JSON, checked by the application when a version is created.
CREATE TABLE evaluation_standards (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    name TEXT NOT NULL,
    -- The region whose communities it rates (and whose admins edit it); NULL for built-ins,
    -- which rate every community of their kind.
    region_id BIGINT REFERENCES regions (id),
    community_kind TEXT NOT NULL CHECK (community_kind IN ('urban', 'rural', 'any')),
    definition TEXT NOT NULL,
    -- A retired standard computes no new snapshots; its old ones stay.
    retired BOOLEAN NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);
CREATE INDEX evaluation_standards_region ON evaluation_standards (region_id);

-- Values no platform data can give (facility area, criminal cases), entered by community
-- staff with a reference to their evidence and counted once a region admin approves them.
CREATE TABLE manual_indicator_values (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    key TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    -- Fixed point: the value times 10,000.
    value BIGINT NOT NULL,
    evidence TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT
);
CREATE INDEX manual_indicator_values_lookup
    ON manual_indicator_values (community_id, key, status, period_start);

-- A community's figures for one period under one version of a standard.
CREATE TABLE indicator_snapshots (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    standard_id BIGINT NOT NULL REFERENCES evaluation_standards (id),
    period TEXT NOT NULL,
    period_kind TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
    -- Composite score 0-100, fixed point (times 10,000).
    composite BIGINT NOT NULL,
    stars INTEGER,
    -- Every hard threshold met.
    eligible BOOLEAN NOT NULL,
    passed BOOLEAN NOT NULL,
    -- Indicator values and scores, dimension scores, thresholds with reasons, inputs (JSON).
    detail TEXT NOT NULL,
    -- Computed after the period ended: what it says no longer moves with new activity.
    final BOOLEAN NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    published_by BIGINT REFERENCES users (id),
    UNIQUE (community_id, standard_id, period)
);
CREATE INDEX indicator_snapshots_ranking ON indicator_snapshots (standard_id, period, composite);

-- What the metric queries filter on, beyond the indexes the features already have.
CREATE INDEX memberships_verified_at ON memberships (community_id, status, decided_at);
CREATE INDEX volunteer_profiles_created ON volunteer_profiles (community_id, created_at);
CREATE INDEX wishes_published ON wishes (community_id, published_at);
-- By wish, so "was it confirmed by the end" is a lookup per wish, not a scan of confirmed claims.
CREATE INDEX wish_claims_wish ON wish_claims (wish_id, status, confirmed_at);
CREATE INDEX votes_closed ON votes (community_id, closed_at);
CREATE INDEX topic_events_kind ON topic_events (kind, created_at);
CREATE INDEX surveys_closed ON surveys (community_id, closed_at);
CREATE INDEX fund_donations_recorded ON fund_donations (community_id, recorded_at);
CREATE INDEX activities_starts ON activities (community_id, starts_at);
