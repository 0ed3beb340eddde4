use sqlx::{Connection, Row};
#[tokio::main]
async fn main() {
    let mode = std::env::args().nth(1).unwrap();
    let url = std::env::args().nth(2).unwrap();
    let mut handles = vec![];
    for t in 0..8i32 {
        let url = url.clone();
        let mode = mode.clone();
        handles.push(tokio::spawn(async move {
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            let mut errs = 0;
            let mut wrong = 0;
            let mut first = None;
            for i in 0..300i32 {
                let sql = format!("SELECT $1::int4 + {}, pg_backend_pid()", i % 7);
                let tx = mode.contains("tx");
                if tx {
                    sqlx::raw_sql("BEGIN").execute(&mut c).await.unwrap();
                }
                let q = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(t * 1000 + i)
                    .persistent(!mode.contains("unnamed"));
                match q.fetch_one(&mut c).await {
                    Ok(r) => {
                        let v: i32 = r.get(0);
                        if v != t * 1000 + i + i % 7 {
                            wrong += 1;
                        }
                    }
                    Err(e) => {
                        errs += 1;
                        if first.is_none() {
                            first = Some(e.to_string());
                        }
                    }
                }
                if tx {
                    let _ = sqlx::raw_sql("COMMIT").execute(&mut c).await;
                }
            }
            (errs, wrong, first)
        }));
    }
    for h in handles {
        println!("{:?}", h.await.unwrap());
    }
}
