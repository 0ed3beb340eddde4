-- revision: 738fbf0db059
-- down_revision: ac7762a419cb
-- branch_labels:
-- depends_on:
-- message: count edits per account
-- created: 2026-11-30T19:41:24Z
-- dialect: sqlite

-- migrate:upgrade
ALTER TABLE "accounts" ADD COLUMN "edits" integer NOT NULL DEFAULT 0;

-- migrate:downgrade
-- WARNING: drop_column drops what this revision added
ALTER TABLE "accounts" DROP COLUMN "edits";
