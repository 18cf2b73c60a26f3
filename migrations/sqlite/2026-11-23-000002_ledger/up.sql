-- The points ledger (积分 / 时间银行), the rewards shop, staff adjustments and gifts.
-- Amounts are integers: points in points, time credits in minutes, money in fen.

CREATE TABLE point_settings (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id),
    time_bank_enabled BOOLEAN NOT NULL,
    min_coverage_percent INTEGER NOT NULL CHECK (min_coverage_percent BETWEEN 0 AND 100),
    star_thresholds_hours TEXT NOT NULL,
    gift_monthly_limit_points BIGINT NOT NULL CHECK (gift_monthly_limit_points >= 0),
    gift_monthly_limit_minutes BIGINT NOT NULL CHECK (gift_monthly_limit_minutes >= 0),
    points_expiry_months INTEGER CHECK (points_expiry_months IS NULL OR points_expiry_months > 0),
    adjustment_daily_limit BIGINT NOT NULL CHECK (adjustment_daily_limit >= 0),
    adjustment_approval_threshold BIGINT NOT NULL CHECK (adjustment_approval_threshold >= 0),
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE ledger_accounts (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    asset TEXT NOT NULL CHECK (asset IN ('points', 'time_credits', 'money')),
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'issuance', 'redemption', 'expiry', 'escrow',
                                       'fund', 'donations', 'disbursements')),
    owner_user_id BIGINT REFERENCES users (id),
    -- A cache of the sum of the account's entries, kept in the same transaction as they are
    -- written; the chain verification checks it against the entries.
    balance BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'personal') = (owner_user_id IS NOT NULL)),
    CHECK (kind <> 'personal' OR balance >= 0)
);
CREATE UNIQUE INDEX ledger_accounts_personal
    ON ledger_accounts (community_id, asset, owner_user_id) WHERE kind = 'personal';
CREATE UNIQUE INDEX ledger_accounts_system
    ON ledger_accounts (community_id, asset, kind) WHERE kind <> 'personal';

CREATE TABLE ledger_transactions (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    memo TEXT NOT NULL,
    ref_type TEXT,
    ref_id BIGINT,
    reverses_id BIGINT UNIQUE REFERENCES ledger_transactions (id),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_transactions_ref ON ledger_transactions (ref_type, ref_id);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (id),
    community_id BIGINT NOT NULL REFERENCES communities (id),
    account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    asset TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount <> 0),
    balance_after BIGINT NOT NULL,
    chain_seq BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (community_id, chain_seq)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

-- Ledger writes of a community take this row first, which orders them into one hash chain.
CREATE TABLE ledger_chain_heads (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id),
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_transactions_append_only_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_transactions_append_only_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;

CREATE TABLE point_adjustments (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    asset TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount <> 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    transaction_id BIGINT REFERENCES ledger_transactions (id)
);
CREATE INDEX point_adjustments_community ON point_adjustments (community_id, status, id);
CREATE INDEX point_adjustments_requester ON point_adjustments (requested_by, requested_at);

CREATE TABLE reward_items (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    description TEXT,
    price_points BIGINT NOT NULL CHECK (price_points > 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    per_person_limit INTEGER CHECK (per_person_limit IS NULL OR per_person_limit > 0),
    active BOOLEAN NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reward_items_community ON reward_items (community_id, active, id);

CREATE TABLE redemptions (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    item_id BIGINT NOT NULL REFERENCES reward_items (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    points BIGINT NOT NULL CHECK (points > 0),
    status TEXT NOT NULL CHECK (status IN ('reserved', 'collected', 'cancelled')),
    transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (id),
    refund_transaction_id BIGINT REFERENCES ledger_transactions (id),
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    cancel_reason TEXT
);
CREATE INDEX redemptions_community ON redemptions (community_id, status, id);
CREATE INDEX redemptions_user_item ON redemptions (user_id, item_id);
