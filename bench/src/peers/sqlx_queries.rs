//! The SQL of the hand-written sqlx side: PostgreSQL numbers its
//! parameters (`$1`), MariaDB and SQLite take `?`.

/// Declares the statements once, with `$n` parameters for PostgreSQL and `?`
/// for the others.
macro_rules! statements {
    ($($name:ident = $pg:literal, $q:literal;)*) => {
        pub mod pg {
            $(pub const $name: &str = $pg;)*
        }
        pub mod q {
            $(pub const $name: &str = $q;)*
        }
    };
}

statements! {
    FETCH = "SELECT id, name, email, age, score, active FROM p_users",
        "SELECT id, name, email, age, score, active FROM p_users";
    GET = "SELECT id, name, email, age, score, active FROM p_users WHERE id = $1",
        "SELECT id, name, email, age, score, active FROM p_users WHERE id = ?";
    FIRST = "SELECT id, name, email, age, score, active FROM p_users ORDER BY id LIMIT $1",
        "SELECT id, name, email, age, score, active FROM p_users ORDER BY id LIMIT ?";
    UPDATE = "UPDATE p_users SET name = $1, email = $2, age = $3, score = $4, active = $5 WHERE id = $6",
        "UPDATE p_users SET name = ?, email = ?, age = ?, score = ?, active = ? WHERE id = ?";
    INSERT = "INSERT INTO p_inserts (name, email, age, score, active) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        "INSERT INTO p_inserts (name, email, age, score, active) VALUES (?, ?, ?, ?, ?)";
    POSTS_OF = "SELECT id, user_id, title, votes FROM p_posts WHERE user_id = $1",
        "SELECT id, user_id, title, votes FROM p_posts WHERE user_id = ?";
    VOTE = "UPDATE p_posts SET votes = votes + 1 WHERE user_id = $1",
        "UPDATE p_posts SET votes = votes + 1 WHERE user_id = ?";
    DELETE = "DELETE FROM p_inserts WHERE id = $1",
        "DELETE FROM p_inserts WHERE id = ?";
    JOIN = "SELECT p.id, p.user_id, p.title, p.votes, u.id AS u_id, u.name AS u_name, \
            u.email AS u_email, u.age AS u_age, u.score AS u_score, u.active AS u_active \
            FROM p_posts p JOIN p_users u ON u.id = p.user_id \
            WHERE p.votes >= $1 AND u.active = $2 ORDER BY p.id DESC LIMIT 20 OFFSET $3",
        "SELECT p.id, p.user_id, p.title, p.votes, u.id AS u_id, u.name AS u_name, \
            u.email AS u_email, u.age AS u_age, u.score AS u_score, u.active AS u_active \
            FROM p_posts p JOIN p_users u ON u.id = p.user_id \
            WHERE p.votes >= ? AND u.active = ? ORDER BY p.id DESC LIMIT 20 OFFSET ?";
}

/// PostgreSQL's bulk insert: one statement of five array parameters.
pub const PG_UNNEST: &str = "INSERT INTO p_inserts (name, email, age, score, active) \
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::int4[], $4::float8[], $5::bool[])";

/// PostgreSQL's children of many parents: one array parameter.
pub const PG_CHILDREN: &str =
    "SELECT id, user_id, title, votes FROM p_posts WHERE user_id = ANY($1)";
