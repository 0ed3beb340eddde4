-- revision: 5c0a1f3e9b27
-- down_revision:
-- branch_labels:
-- depends_on:
-- message: create authors
-- created: 2026-11-22T14:00:00Z

-- migrate:upgrade
CREATE TABLE "authors" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" text NOT NULL,
  "email" text NOT NULL,
  "bio" text,
  CONSTRAINT "uq_authors_email" UNIQUE ("email")
);

-- migrate:downgrade
DROP TABLE "authors";
