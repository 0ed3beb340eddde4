//! Speed of the statement splitter on one large section: 1,000,000
//! statements (plain DDL and DML, strings holding `;`, and a dollar-quoted
//! function every 1,000, which SQLite, without dollar quoting, cuts in
//! three), split by `split_statements` (the rules every
//! caller used so far) and by `split_for` for each dialect.
//!
//! ```text
//! cargo run --release -p alembix-bench --bin split
//! cargo run --release -p alembix-bench --bin split -- --statements 100000 --runs 5
//! ```

mod cli_args;

use cli_args::arg;

use std::time::{Duration, Instant};

use alembix_migrate::split::{Statement, split_for, split_statements};
use alembix_schema::Dialect;

/// The section: `n` statements, one or more per line.
fn section(n: usize) -> String {
    let mut s = String::with_capacity(n * 48);
    for i in 0..n {
        let st = match i % 1000 {
            999 => format!(
                "CREATE FUNCTION f{i}() RETURNS int AS $body$\nBEGIN\n  PERFORM 1; -- x\n  RETURN {i};\nEND\n$body$ LANGUAGE plpgsql"
            ),
            _ => match i % 4 {
                0 => format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL)"),
                1 => format!("INSERT INTO t VALUES ({i}, 'a;b', 'it''s; fine')"),
                2 => format!("UPDATE t SET note = 'x; y; z' WHERE id = {i}"),
                _ => format!("CREATE INDEX i{i} ON t (name) /* ; */"),
            },
        };
        s.push_str(&st);
        s.push_str(";\n");
    }
    s
}

/// The best of `runs` timings of `f`, and its statements.
fn time(runs: usize, f: impl Fn() -> Vec<Statement>) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        count = out.len();
    }
    (best, count)
}

fn main() {
    let n = arg("--statements", 1_000_000);
    let runs = arg("--runs", 3);
    let sql = section(n);
    println!(
        "splitting {n} statements ({} bytes), best of {runs} runs\n",
        sql.len()
    );
    println!("| splitter | statements | bytes | seconds | statements/s |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut rows: Vec<(String, (Duration, usize))> = vec![(
        "split_statements".into(),
        time(runs, || split_statements(&sql)),
    )];
    for d in Dialect::ALL {
        rows.push((
            format!("split_for({})", d.name()),
            time(runs, || split_for(&sql, d)),
        ));
    }
    for (name, (t, count)) in rows {
        // SQLite has no dollar quoting: it cuts each function into three.
        let want = if name.contains("sqlite") {
            n + 2 * (n / 1000)
        } else {
            n
        };
        assert_eq!(count, want, "{name} found {count} statements");
        let secs = t.as_secs_f64();
        println!(
            "| {name} | {count} | {} | {secs:.3} | {:.0} |",
            sql.len(),
            count as f64 / secs
        );
    }
}
