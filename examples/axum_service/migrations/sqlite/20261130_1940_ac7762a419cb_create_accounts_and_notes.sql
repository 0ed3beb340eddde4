-- revision: ac7762a419cb
-- down_revision:
-- branch_labels:
-- depends_on:
-- message: create accounts and notes
-- created: 2026-11-30T19:40:23Z
-- dialect: sqlite

-- migrate:upgrade
CREATE TABLE "accounts" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" text NOT NULL,
  CONSTRAINT "uq_accounts_name" UNIQUE ("name")
);
CREATE TABLE "notes" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "account_id" integer NOT NULL,
  "title" text NOT NULL,
  "body" text NOT NULL,
  "version" integer NOT NULL DEFAULT 1,
  CONSTRAINT "fk_notes_account_id_accounts" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_notes_account_id" ON "notes" ("account_id");

-- migrate:downgrade
-- WARNING: drop_table drops what this revision added
DROP TABLE "notes";
-- WARNING: drop_table drops what this revision added
DROP TABLE "accounts";
