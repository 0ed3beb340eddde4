-- revision: b11a3caff059
-- down_revision: 07a54cb8cf03
-- branch_labels:
-- depends_on:
-- message: count edits per account
-- created: 2026-11-30T19:41:24Z
-- dialect: postgres

-- migrate:upgrade
ALTER TABLE "accounts" ADD COLUMN "edits" bigint NOT NULL DEFAULT 0;

-- migrate:downgrade
-- WARNING: drop_column drops what this revision added
ALTER TABLE "accounts" DROP COLUMN "edits";
