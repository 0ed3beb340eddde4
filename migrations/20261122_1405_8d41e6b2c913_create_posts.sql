-- revision: 8d41e6b2c913
-- down_revision: 5c0a1f3e9b27
-- branch_labels:
-- depends_on:
-- message: create posts
-- created: 2026-11-22T14:05:00Z

-- migrate:upgrade
CREATE TABLE "posts" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "author_id" integer NOT NULL,
  "title" text NOT NULL,
  "status" text NOT NULL CHECK ("status" IN ('draft','published')),
  "votes" integer NOT NULL DEFAULT 0,
  "version" integer NOT NULL DEFAULT 1,
  CONSTRAINT "fk_posts_author_id_authors" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_posts_author_id_votes" ON "posts" ("author_id", "votes");

-- migrate:downgrade
DROP INDEX "ix_posts_author_id_votes";
DROP TABLE "posts";
