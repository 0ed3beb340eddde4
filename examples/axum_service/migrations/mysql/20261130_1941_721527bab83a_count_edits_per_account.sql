-- revision: 721527bab83a
-- down_revision: 458e6b320a10
-- branch_labels:
-- depends_on:
-- message: count edits per account
-- created: 2026-11-30T19:41:25Z
-- dialect: mysql

-- migrate:upgrade
ALTER TABLE `accounts` ADD COLUMN `edits` bigint NOT NULL DEFAULT 0, ALGORITHM=INSTANT;

-- migrate:downgrade
-- WARNING: drop_column drops what this revision added
ALTER TABLE `accounts` DROP COLUMN `edits`;
