//! Declared objects (`sql_objects!`) through the CLI: views, functions and
//! triggers created, changed, renamed and dropped; a view around a change
//! of a column it reads; each with the exact ops, an empty diff after the
//! upgrade and an exact downgrade (the old models' diff empty again).

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::Cli;
use common::Kind;

const TABLE: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[column(max_length = 255)]
    pub email: String,
    #[column(max_length = 20)]
    pub status: Option<String>,
    #[column(max_length = 40)]
    pub updated_at: Option<String>,
}
"#;

const FUNCTION: &str = r#"
    function "touch_updated_at" (backend = "postgres") = "CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := 'touched'; RETURN NEW; END $$";
    function "touch_updated_at" (backend = "mysql") = "CREATE FUNCTION touch_updated_at() RETURNS varchar(40) DETERMINISTIC RETURN 'touched'";
"#;

const TRIGGER: &str = r#"
    trigger "trg_users_touch" (backend = "postgres") on "users" = "CREATE TRIGGER trg_users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at()";
    trigger "trg_users_touch" (backend = "mysql") on "users" = "CREATE TRIGGER trg_users_touch BEFORE UPDATE ON users FOR EACH ROW BEGIN SET NEW.updated_at = touch_updated_at(); END";
    trigger "trg_users_touch" (backend = "sqlite") on "users" = "CREATE TRIGGER trg_users_touch AFTER UPDATE OF email ON users BEGIN UPDATE users SET updated_at = 'touched' WHERE id = NEW.id; END";
"#;

const VIEW: &str = r#"
    view "active_users" = "SELECT id, email FROM users WHERE status = 'active'";
"#;

/// The models: the table (with `email` as `email_type`) and the objects.
fn models(email_type: &str, objects: &[&str]) -> String {
    let table = TABLE.replace(
        "#[column(max_length = 255)]\n    pub email: String,",
        &format!("#[column(sql_type = \"{email_type}\")]\n    pub email: String,"),
    );
    format!("{table}\nalembix::sql_objects! {{{}}}\n", objects.concat())
}

/// `op name` of each op `diff --format json` prints.
fn ops(t: &Cli) -> Vec<String> {
    let out = t.run(&["diff", "--format", "json"]).ok();
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = o["name"].as_str().or(o["table"].as_str()).unwrap_or("");
            format!("{} {name}", o["op"].as_str().unwrap())
        })
        .collect()
}

/// Whether the backend has functions (a trigger's body is then one).
fn has_functions(t: &Cli) -> bool {
    t.backend()
        .caps()
        .object_kinds
        .contains(&alembix_schema::ObjectKind::Function)
}

/// Writes `next`, checks its ops, upgrades, checks the empty diff, then
/// downgrades and checks that `prev` has an empty diff again; leaves the
/// database at `next`.
fn step(t: &Cli, prev: &str, next: &str, expected: &[&str], msg: &str) {
    t.models(next);
    assert_eq!(ops(t), expected, "{msg}: ops");
    t.run(&["autogen", "-m", msg]).ok();
    t.run(&["upgrade"]).ok();
    assert_eq!(ops(t), Vec::<String>::new(), "{msg}: diff after upgrade");
    t.run(&["downgrade", "-1"]).ok();
    t.models(prev);
    assert_eq!(ops(t), Vec::<String>::new(), "{msg}: diff after downgrade");
    t.run(&["upgrade"]).ok();
    t.models(next);
    assert_eq!(
        ops(t),
        Vec::<String>::new(),
        "{msg}: diff after upgrade again"
    );
}

async fn objects_round_trip(t: Cli) {
    let all = models("varchar(255)", &[FUNCTION, VIEW, TRIGGER]);
    t.models(&all);
    let mut expected = vec!["create_table users"];
    if has_functions(&t) {
        expected.push("create_function touch_updated_at");
    }
    expected.extend(["create_view active_users", "create_trigger trg_users_touch"]);
    assert_eq!(ops(&t), expected, "create");
    t.run(&["autogen", "-m", "create"]).ok();
    let text = revision(&t, "_create");
    // A body holding `;` is written as one statement: PostgreSQL's
    // function, the MySQL/MariaDB trigger's `BEGIN ... END`.
    let whole = if t.backend().rules().replaces_routines() {
        "-- statement: begin\nCREATE OR REPLACE FUNCTION touch_updated_at()"
    } else {
        "-- statement: begin\nCREATE TRIGGER trg_users_touch BEFORE UPDATE ON users"
    };
    if has_functions(&t) {
        assert!(text.contains(whole), "{text}");
    }
    t.run(&["upgrade"]).ok();
    assert_eq!(ops(&t), Vec::<String>::new(), "diff after create");
    t.db.execute_sql("INSERT INTO users (id, email, status) VALUES (1, 'a@x', 'active')")
        .await
        .unwrap();
    t.db.execute_sql("UPDATE users SET email = 'b@x' WHERE id = 1")
        .await
        .unwrap();
    let touched = cli::strings(&t.db, "SELECT updated_at FROM users").await;
    assert_eq!(touched, vec!["touched"], "the trigger runs");
    let active = cli::strings(&t.db, "SELECT email FROM active_users").await;
    assert_eq!(active, vec!["b@x"], "the view reads");

    // A changed view and a dropped trigger.
    let view2 = VIEW.replace("SELECT id, email", "SELECT id, email, status");
    let changed = models("varchar(255)", &[FUNCTION, &view2]);
    step(
        &t,
        &all,
        &changed,
        &["drop_trigger trg_users_touch", "replace_view active_users"],
        "change",
    );

    // A renamed view.
    let renamed_view = view2.replace(
        "view \"active_users\"",
        "view \"live_users\" (renamed_from = \"active_users\")",
    );
    let renamed = models("varchar(255)", &[FUNCTION, &renamed_view]);
    step(
        &t,
        &changed,
        &renamed,
        &["rename_view live_users"],
        "rename",
    );

    // The trigger back, and a view around a type change of a column it reads.
    let with_trigger = models("varchar(255)", &[FUNCTION, &renamed_view, TRIGGER]);
    step(
        &t,
        &renamed,
        &with_trigger,
        &["create_trigger trg_users_touch"],
        "trigger",
    );
    // A type SQLite tells apart from `varchar(255)` (it compares affinities).
    let new_type = if has_functions(&t) {
        "varchar(300)"
    } else {
        "integer"
    };
    let retyped = models(new_type, &[FUNCTION, &renamed_view, TRIGGER]);
    step(
        &t,
        &with_trigger,
        &retyped,
        &[
            "drop_trigger trg_users_touch",
            "drop_view live_users",
            "alter_column users",
            "create_view live_users",
            "create_trigger trg_users_touch",
        ],
        "retype",
    );

    // Everything declared dropped.
    let bare = models(new_type, &[]);
    let mut expected = vec!["drop_trigger trg_users_touch", "drop_view live_users"];
    if has_functions(&t) {
        expected.push("drop_function touch_updated_at");
    }
    step(&t, &retyped, &bare, &expected, "drop");
}

/// PostgreSQL's extensions, sequences and materialized views.
async fn postgres_only_kinds(t: Cli) {
    let bare = models("varchar(255)", &[]);
    t.models(&bare);
    t.run(&["autogen", "-m", "base"]).ok();
    t.run(&["upgrade"]).ok();
    let v1_objects = r#"
    extension "pgcrypto";
    sequence "invoice_no" (start = 1000);
    materialized view "user_count" = "SELECT count(*) AS n FROM users";
"#;
    let v1 = models("varchar(255)", &[v1_objects]);
    step(
        &t,
        &bare,
        &v1,
        &[
            "create_extension pgcrypto",
            "create_sequence invoice_no",
            "create_materialized_view user_count",
        ],
        "kinds",
    );
    let next = cli::strings(&t.db, "SELECT CAST(nextval('invoice_no') AS text)").await;
    assert_eq!(next, vec!["1000"]);
    let v2_objects = v1_objects
        .replace("(start = 1000)", "(start = 1000, increment = 5)")
        .replace("count(*) AS n", "count(*) AS total");
    let v2 = models("varchar(255)", &[&v2_objects]);
    step(
        &t,
        &v1,
        &v2,
        &[
            "alter_sequence invoice_no",
            "replace_materialized_view user_count",
        ],
        "alter",
    );
    step(
        &t,
        &v2,
        &bare,
        &[
            "drop_materialized_view user_count",
            "drop_sequence invoice_no",
            "drop_extension pgcrypto",
        ],
        "drop kinds",
    );
}

const ROUTINES: &str = r#"
    function "add_one" = "CREATE FUNCTION add_one(n INT) RETURNS int DETERMINISTIC RETURN n + 1";
    procedure "count_users" = "CREATE PROCEDURE count_users(OUT total INT) BEGIN SELECT count(*) INTO total FROM users; END";
    trigger "trg_users_status" on "users" = "CREATE TRIGGER trg_users_status BEFORE INSERT ON users FOR EACH ROW SET NEW.status = COALESCE(NEW.status, 'new')";
"#;

/// Functions, procedures and triggers where the backend renames none of
/// them in place (MySQL/MariaDB): created, changed, renamed (a drop and a
/// create, the statement naming the object) and dropped.
async fn routines_round_trip(t: Cli) {
    let bare = models("varchar(255)", &[]);
    t.models(&bare);
    t.run(&["autogen", "-m", "base"]).ok();
    t.run(&["upgrade"]).ok();
    let v1 = models("varchar(255)", &[ROUTINES]);
    step(
        &t,
        &bare,
        &v1,
        &[
            "create_function add_one",
            "create_procedure count_users",
            "create_trigger trg_users_status",
        ],
        "routines",
    );
    t.db.execute_sql("INSERT INTO users (id, email) VALUES (1, 'a@x')")
        .await
        .unwrap();
    let status = cli::strings(&t.db, "SELECT status FROM users").await;
    assert_eq!(status, vec!["new"], "the trigger runs");
    let sum = cli::strings(&t.db, "SELECT CAST(add_one(41) AS CHAR)").await;
    assert_eq!(sum, vec!["42"], "the function runs");
    let text = revision(&t, "_routines");
    assert!(
        text.contains("-- statement: begin\nCREATE PROCEDURE `count_users`(OUT total INT)\nBEGIN SELECT count(*) INTO total FROM users; END\n-- statement: end"),
        "{text}"
    );

    let changed_objects = ROUTINES
        .replace("n + 1", "n + 2")
        .replace("FROM users;", "FROM users WHERE status = 'new';")
        .replace("'new')", "'fresh')");
    let v2 = models("varchar(255)", &[&changed_objects]);
    step(
        &t,
        &v1,
        &v2,
        &[
            "replace_function add_one",
            "replace_procedure count_users",
            "replace_trigger trg_users_status",
        ],
        "change routines",
    );
    let sum = cli::strings(&t.db, "SELECT CAST(add_one(40) AS CHAR)").await;
    assert_eq!(sum, vec!["42"], "the function changed");

    let renamed_objects = changed_objects
        .replace(
            "function \"add_one\"",
            "function \"plus_two\" (renamed_from = \"add_one\")",
        )
        .replace("FUNCTION add_one(", "FUNCTION plus_two(")
        .replace(
            "procedure \"count_users\"",
            "procedure \"user_total\" (renamed_from = \"count_users\")",
        )
        .replace("PROCEDURE count_users(", "PROCEDURE user_total(")
        .replace(
            "trigger \"trg_users_status\"",
            "trigger \"trg_users_fresh\" (renamed_from = \"trg_users_status\")",
        )
        .replace("TRIGGER trg_users_status ", "TRIGGER trg_users_fresh ");
    let v3 = models("varchar(255)", &[&renamed_objects]);
    step(
        &t,
        &v2,
        &v3,
        &[
            "drop_trigger trg_users_status",
            "drop_procedure count_users",
            "drop_function add_one",
            "create_function plus_two",
            "create_procedure user_total",
            "create_trigger trg_users_fresh",
        ],
        "rename routines",
    );
    let sum = cli::strings(&t.db, "SELECT CAST(plus_two(40) AS CHAR)").await;
    assert_eq!(sum, vec!["42"], "the renamed function runs");

    step(
        &t,
        &v3,
        &bare,
        &[
            "drop_trigger trg_users_fresh",
            "drop_procedure user_total",
            "drop_function plus_two",
        ],
        "drop routines",
    );
}

/// A kind SQLite lacks, declared without `backend`, is refused (exit 2).
async fn missing_kind_is_refused(t: Cli) {
    t.models(&models(
        "varchar(255)",
        &["materialized view \"m\" = \"SELECT 1\";"],
    ));
    let out = t.run(&["diff"]).expect(2);
    assert!(
        out.stderr
            .contains("materialized view \"m\" is declared in `sql_objects!`, but SQLite has no materialized views"),
        "{}",
        out.stderr
    );
}

/// The text of the revision whose file name contains `part`.
fn revision(t: &Cli, part: &str) -> String {
    let file = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(part))
        .unwrap();
    std::fs::read_to_string(file).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_round_trip_postgres() {
    common::run_with_url(Kind::Postgres, Default::default(), |db, url| {
        objects_round_trip(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_round_trip_sqlite() {
    common::run_with_url(Kind::Sqlite, Default::default(), |db, url| {
        objects_round_trip(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_round_trip_mariadb() {
    common::run_with_url(Kind::MariaDb, Default::default(), |db, url| {
        objects_round_trip(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routines_round_trip_mariadb() {
    common::run_with_url(Kind::MariaDb, Default::default(), |db, url| {
        routines_round_trip(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_only_kinds_postgres() {
    common::run_with_url(Kind::Postgres, Default::default(), |db, url| {
        postgres_only_kinds(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_kind_is_refused_sqlite() {
    common::run_with_url(Kind::Sqlite, Default::default(), |db, url| {
        missing_kind_is_refused(Cli::new(db, url))
    })
    .await;
}
