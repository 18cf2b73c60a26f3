DROP TABLE redemptions;
DROP TABLE reward_items;
DROP TABLE point_adjustments;
DROP TABLE ledger_chain_heads;
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP TABLE ledger_accounts;
DROP TABLE point_settings;
