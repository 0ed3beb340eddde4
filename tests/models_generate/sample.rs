//! A film-rental sample schema in the shape of PostgreSQL's Pagila sample
//! (an excerpt written for this test): an enum, a domain, a standalone
//! sequence, a trigger function and its trigger, a monthly-partitioned
//! payment table with a default partition, a view and a materialized view.
//! MySQL/MariaDB gets tables, a view, a trigger, a procedure and a
//! function; SQLite tables, a view and a trigger.

/// PostgreSQL, statement by statement.
pub const POSTGRES: &[&str] = &[
    "CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')",
    "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155)",
    "CREATE SEQUENCE film_code_seq START 1000",
    "CREATE TABLE film (film_id serial PRIMARY KEY, title text NOT NULL, release_year year, rating mpaa_rating DEFAULT 'G', last_update timestamptz NOT NULL DEFAULT now())",
    "CREATE INDEX idx_title ON film (title)",
    "CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update := CURRENT_TIMESTAMP; RETURN NEW; END $$",
    "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION last_updated()",
    "CREATE TABLE payment (payment_id integer NOT NULL, film_id integer NOT NULL REFERENCES film (film_id), amount numeric(5, 2) NOT NULL, payment_date timestamptz NOT NULL, PRIMARY KEY (payment_date, payment_id)) PARTITION BY RANGE (payment_date)",
    "CREATE TABLE payment_p2022_01 PARTITION OF payment FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00')",
    "CREATE TABLE payment_p2022_02 PARTITION OF payment FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00')",
    "CREATE TABLE payment_other PARTITION OF payment DEFAULT",
    "CREATE VIEW film_list AS SELECT film_id, title, rating FROM film WHERE release_year IS NOT NULL",
    "CREATE MATERIALIZED VIEW sales_by_film AS SELECT film_id, sum(amount) AS total FROM payment GROUP BY film_id",
];

/// SQLite: tables, a view and a trigger.
pub const SQLITE: &[&str] = &[
    "CREATE TABLE film (film_id integer PRIMARY KEY AUTOINCREMENT, title text NOT NULL, rating text DEFAULT 'G', last_update text NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TABLE payment (payment_id integer PRIMARY KEY, film_id integer NOT NULL REFERENCES film (film_id), amount numeric(5, 2) NOT NULL)",
    "CREATE VIEW film_list AS SELECT film_id, title, rating FROM film WHERE rating IS NOT NULL",
    "CREATE TRIGGER last_updated AFTER UPDATE OF title ON film BEGIN UPDATE film SET last_update = CURRENT_TIMESTAMP WHERE film_id = NEW.film_id; END",
];

/// MySQL/MariaDB: tables, a view, a trigger (its body a compound
/// statement), a procedure and a function.
pub const MARIADB: &[&str] = &[
    "CREATE TABLE film (film_id int NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(255) NOT NULL, rating enum('G','PG','PG-13','R','NC-17') DEFAULT 'G', last_update datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))",
    "CREATE TABLE payment (payment_id int NOT NULL PRIMARY KEY, film_id int NOT NULL, amount decimal(5, 2) NOT NULL, CONSTRAINT fk_payment_film FOREIGN KEY (film_id) REFERENCES film (film_id))",
    "CREATE VIEW film_list AS SELECT film_id, title, rating FROM film WHERE rating IS NOT NULL",
    "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW BEGIN SET NEW.last_update = CURRENT_TIMESTAMP(6); END",
    "CREATE PROCEDURE film_in_stock(IN p_film_id INT, OUT p_count INT) BEGIN SELECT count(*) INTO p_count FROM payment WHERE film_id = p_film_id; END",
    "CREATE FUNCTION film_total(p_film_id INT) RETURNS decimal(7, 2) READS SQL DATA RETURN (SELECT COALESCE(sum(amount), 0) FROM payment WHERE film_id = p_film_id)",
];

/// The statements for `backend`: PostgreSQL's where there are partitioned
/// tables, MySQL/MariaDB's where there are procedures, else SQLite's.
pub fn statements(backend: alembix::Backend) -> &'static [&'static str] {
    let caps = backend.caps();
    if caps.partitioned_tables {
        POSTGRES
    } else if caps
        .object_kinds
        .contains(&alembix_schema::ObjectKind::Procedure)
    {
        MARIADB
    } else {
        SQLITE
    }
}
