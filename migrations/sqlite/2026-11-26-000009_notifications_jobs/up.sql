-- Notifications (an in-app inbox, email and an operator's webhook), the transactional outbox
-- that delivers them, and the leases that let one node at a time run each scheduled job.

-- One row per thing a person is told: written in the same transaction as the event it tells
-- of, and rendered (zh-CN or en) when it is read or sent, from its kind and parameters.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    community_id BIGINT REFERENCES communities (id),
    kind TEXT NOT NULL,
    -- The record it is about, for the app to open (a wish, a vote...).
    subject_type TEXT,
    subject_id BIGINT,
    -- The template's parameters, JSON.
    params TEXT NOT NULL,
    -- Set for reminders, so a reminder is given once per person however often its job runs.
    dedupe_key TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- A person's choices: language of their email and webhook messages, and whether email
-- comes one by one or as a daily digest. No row means the defaults.
CREATE TABLE notification_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    locale TEXT NOT NULL CHECK (locale IN ('zh-CN', 'en')),
    email_digest BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Per event and channel, where a person differs from the default.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- Deliveries waiting, in flight, done or given up. A sender claims due rows with a token
-- and a deadline; only the holder of the token marks a row sent, so it is sent once, and a
-- claim abandoned by a crashed node is taken up again after its deadline.
CREATE TABLE outbox (
    -- AUTOINCREMENT: an id names a message to mail servers and gateways (Message-ID,
    -- Idempotency-Key), so it is never reused after a row is deleted.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- NULL for a digest, whose notifications are listed in `digest_of`.
    notification_id BIGINT REFERENCES notifications (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'live')),
    -- held: waiting for the person's daily digest; digested: sent in one.
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested')),
    digest_of TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claim_token TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_claim ON outbox (claim_token);
CREATE INDEX outbox_held ON outbox (user_id) WHERE status = 'held';
CREATE INDEX outbox_live ON outbox (id) WHERE channel = 'live';

-- One row per scheduled job: who holds it and until when, when it is next due, and how its
-- last run went.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT,
    lease_until TIMESTAMP,
    next_run_at TIMESTAMP NOT NULL,
    runs BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    last_outcome TEXT,
    last_error TEXT
);
