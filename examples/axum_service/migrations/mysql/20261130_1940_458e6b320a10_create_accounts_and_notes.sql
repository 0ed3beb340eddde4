-- revision: 458e6b320a10
-- down_revision:
-- branch_labels:
-- depends_on:
-- message: create accounts and notes
-- created: 2026-11-30T19:40:23Z
-- dialect: mysql

-- migrate:upgrade
CREATE TABLE `accounts` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` varchar(100) NOT NULL,
  CONSTRAINT `pk_accounts` PRIMARY KEY (`id`),
  CONSTRAINT `uq_accounts_name` UNIQUE (`name`)
);
CREATE TABLE `notes` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `account_id` bigint NOT NULL,
  `title` varchar(200) NOT NULL,
  `body` text NOT NULL,
  `version` int NOT NULL DEFAULT 1,
  CONSTRAINT `pk_notes` PRIMARY KEY (`id`),
  CONSTRAINT `fk_notes_account_id_accounts` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE
);
CREATE INDEX `ix_notes_account_id` ON `notes` (`account_id`);

-- migrate:downgrade
-- WARNING: drop_table drops what this revision added
DROP TABLE `notes`;
-- WARNING: drop_table drops what this revision added
DROP TABLE `accounts`;
