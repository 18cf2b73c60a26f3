-- Accounts, sessions, regions, communities, memberships, roles and the audit log.
-- Timestamps are UTC, written by the application. Ids are 64-bit integers.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    phone TEXT UNIQUE,
    email TEXT UNIQUE,
    password_hash TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    is_platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    assisted BOOLEAN NOT NULL DEFAULT FALSE,
    id_number_hash TEXT UNIQUE,
    id_number_last4 TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (assisted OR phone IS NOT NULL OR email IS NOT NULL)
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES regions (id),
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'district', 'street')),
    name TEXT NOT NULL,
    code TEXT UNIQUE,
    path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (parent_id, name)
);
CREATE INDEX regions_path ON regions (path);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    name TEXT NOT NULL,
    code TEXT UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('urban', 'rural')),
    address TEXT,
    households_count INTEGER NOT NULL DEFAULT 0 CHECK (households_count >= 0),
    residents_count INTEGER NOT NULL DEFAULT 0 CHECK (residents_count >= 0),
    service_facility_area_m2 INTEGER NOT NULL DEFAULT 0 CHECK (service_facility_area_m2 >= 0),
    activity_room_area_m2 INTEGER NOT NULL DEFAULT 0 CHECK (activity_room_area_m2 >= 0),
    full_time_staff_count INTEGER NOT NULL DEFAULT 0 CHECK (full_time_staff_count >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE grids (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    grid_id BIGINT REFERENCES grids (id),
    building TEXT NOT NULL,
    unit TEXT NOT NULL,
    room TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (community_id, building, unit, room)
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    community_id BIGINT NOT NULL REFERENCES communities (id),
    household_id BIGINT REFERENCES households (id),
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    applied_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    UNIQUE (user_id, community_id)
);
CREATE INDEX memberships_community_status ON memberships (community_id, status);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    community_id BIGINT REFERENCES communities (id),
    region_id BIGINT REFERENCES regions (id),
    granted_by BIGINT REFERENCES users (id),
    granted_at TIMESTAMP NOT NULL,
    revoked_by BIGINT REFERENCES users (id),
    revoked_at TIMESTAMP,
    CHECK ((community_id IS NULL) <> (region_id IS NULL))
);
CREATE UNIQUE INDEX role_grants_active_community
    ON role_grants (user_id, role, community_id) WHERE revoked_at IS NULL AND community_id IS NOT NULL;
CREATE UNIQUE INDEX role_grants_active_region
    ON role_grants (user_id, role, region_id) WHERE revoked_at IS NULL AND region_id IS NOT NULL;
CREATE INDEX role_grants_community ON role_grants (community_id);
CREATE INDEX role_grants_region ON role_grants (region_id);

CREATE TABLE assisted_sessions (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    staff_user_id BIGINT NOT NULL REFERENCES users (id),
    resident_user_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    community_id BIGINT REFERENCES communities (id),
    region_id BIGINT REFERENCES regions (id),
    actor_user_id BIGINT REFERENCES users (id),
    on_behalf_of_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before_data TEXT,
    after_data TEXT,
    request_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_community ON audit_log (community_id, id);
CREATE INDEX audit_log_region ON audit_log (region_id, id);

CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
