//! The Diesel side: `table!`, `joinable!`, derives, `belonging_to` for the
//! eager load; synchronous connections from Diesel's r2d2 pool, run on
//! tokio's blocking threads as an async application runs them. Each timed
//! run checks out one connection (as one request would) and keeps it.

use std::time::Instant;

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};

use crate::data::{Backend, Env};
use crate::{
    JOINS, LOOKUPS, NewRow, PARENTS, ROWS, Res, SINGLES, TXS, Timed, Workload, join_params,
    lookup_id, new_rows, tx_ids,
};

mod schema {
    diesel::table! {
        p_users (id) {
            id -> BigInt,
            name -> Text,
            email -> Text,
            age -> Integer,
            score -> Double,
            active -> Bool,
        }
    }

    diesel::table! {
        p_posts (id) {
            id -> BigInt,
            user_id -> BigInt,
            title -> Text,
            votes -> Integer,
        }
    }

    diesel::table! {
        p_inserts (id) {
            id -> BigInt,
            name -> Text,
            email -> Text,
            age -> Integer,
            score -> Double,
            active -> Bool,
        }
    }

    diesel::joinable!(p_posts -> p_users (user_id));
    diesel::allow_tables_to_appear_in_same_query!(p_users, p_posts);
}

use schema::{p_inserts, p_posts, p_users};

#[derive(Queryable, Selectable, Identifiable, AsChangeset, Debug, Clone)]
#[diesel(table_name = p_users)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
#[diesel(table_name = p_posts, belongs_to(User))]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub votes: i32,
}

#[derive(Insertable, Debug)]
#[diesel(table_name = p_inserts)]
pub struct NewInsert<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

fn borrow(r: &NewRow) -> NewInsert<'_> {
    NewInsert {
        name: &r.name,
        email: &r.email,
        age: r.age,
        score: r.score,
        active: r.active,
    }
}

/// The workloads, the same code for every connection type; `insert_one`
/// and `ROWS_PER_INSERT` are defined per backend beside.
macro_rules! workloads {
    ($conn:ty) => {
        pub fn run(pool: &Pool<ConnectionManager<$conn>>, w: Workload) -> Res<Timed> {
            let mut conn = pool.get()?;
            let conn = &mut *conn;
            match w {
                Workload::Fetch => fetch(conn),
                Workload::Lookup => lookup(conn),
                Workload::Update => update(conn),
                Workload::Bulk => bulk(conn),
                Workload::Insert => insert(conn),
                Workload::Eager => eager(conn),
                Workload::Join => join(conn),
                Workload::Tx => txs(conn),
            }
        }

        fn fetch(conn: &mut $conn) -> Res<Timed> {
            let start = Instant::now();
            let rows: Vec<User> = p_users::table.select(User::as_select()).load(conn)?;
            Ok((start.elapsed(), rows.len() as u64))
        }

        fn lookup(conn: &mut $conn) -> Res<Timed> {
            let start = Instant::now();
            let mut sum = 0u64;
            for k in 0..LOOKUPS {
                let u: User = p_users::table
                    .find(lookup_id(k))
                    .select(User::as_select())
                    .first(conn)?;
                sum += u.age as u64;
            }
            Ok((start.elapsed(), sum))
        }

        fn update(conn: &mut $conn) -> Res<Timed> {
            let mut rows: Vec<User> = p_users::table
                .order(p_users::id)
                .limit(SINGLES as i64)
                .select(User::as_select())
                .load(conn)?;
            let start = Instant::now();
            for r in &mut rows {
                r.score += 1.0;
                r.age = (r.age + 1) % 100;
                diesel::update(&*r).set(&*r).execute(conn)?;
            }
            Ok((start.elapsed(), rows.len() as u64))
        }

        fn bulk(conn: &mut $conn) -> Res<Timed> {
            let data = new_rows(ROWS);
            let rows: Vec<NewInsert> = data.iter().map(borrow).collect();
            let start = Instant::now();
            let mut n = 0;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                n += diesel::insert_into(p_inserts::table)
                    .values(chunk)
                    .execute(conn)? as u64;
            }
            Ok((start.elapsed(), n))
        }

        fn insert(conn: &mut $conn) -> Res<Timed> {
            let data = new_rows(SINGLES);
            let rows: Vec<NewInsert> = data.iter().map(borrow).collect();
            let start = Instant::now();
            let mut n = 0;
            for r in &rows {
                n += u64::from(insert_one(conn, r)? > 0);
            }
            Ok((start.elapsed(), n))
        }

        fn eager(conn: &mut $conn) -> Res<Timed> {
            let start = Instant::now();
            let users: Vec<User> = p_users::table
                .order(p_users::id)
                .limit(PARENTS as i64)
                .select(User::as_select())
                .load(conn)?;
            let posts: Vec<Post> = Post::belonging_to(&users)
                .select(Post::as_select())
                .load(conn)?;
            let grouped = posts.grouped_by(&users);
            let loaded: Vec<(User, Vec<Post>)> = users.into_iter().zip(grouped).collect();
            let n: usize = loaded.iter().map(|(_, p)| p.len()).sum();
            Ok((start.elapsed(), n as u64))
        }

        fn join(conn: &mut $conn) -> Res<Timed> {
            let start = Instant::now();
            let mut sum = 0u64;
            for k in 0..JOINS {
                let (votes, offset) = join_params(k);
                let rows: Vec<(Post, User)> = p_posts::table
                    .inner_join(p_users::table)
                    .filter(p_posts::votes.ge(votes))
                    .filter(p_users::active.eq(true))
                    .order(p_posts::id.desc())
                    .limit(20)
                    .offset(offset as i64)
                    .select((Post::as_select(), User::as_select()))
                    .load(conn)?;
                sum += rows.iter().map(|(p, u)| (p.id + u.id) as u64).sum::<u64>();
            }
            Ok((start.elapsed(), sum))
        }

        fn txs(conn: &mut $conn) -> Res<Timed> {
            let data = new_rows(2);
            let rows: Vec<NewInsert> = data.iter().map(borrow).collect();
            let start = Instant::now();
            let mut n = 0u64;
            for k in 0..TXS {
                let [a, b, c] = tx_ids(k);
                n +=
                    conn.transaction::<_, Box<dyn std::error::Error + Send + Sync>, _>(|conn| {
                        let get = |conn: &mut $conn, id: i64| {
                            p_users::table
                                .find(id)
                                .select(User::as_select())
                                .first::<User>(conn)
                        };
                        let mut ua = get(conn, a)?;
                        let mut ub = get(conn, b)?;
                        ua.score += 1.0;
                        diesel::update(&ua).set(&ua).execute(conn)?;
                        ub.score -= 1.0;
                        diesel::update(&ub).set(&ub).execute(conn)?;
                        let added = insert_one(conn, &rows[0])?;
                        let posts: Vec<Post> = p_posts::table
                            .filter(p_posts::user_id.eq(a))
                            .select(Post::as_select())
                            .load(conn)?;
                        diesel::update(p_posts::table.filter(p_posts::user_id.eq(a)))
                            .set(p_posts::votes.eq(p_posts::votes + 1))
                            .execute(conn)?;
                        let uc = get(conn, c)?;
                        diesel::delete(p_inserts::table.find(added)).execute(conn)?;
                        insert_one(conn, &rows[1])?;
                        Ok((posts.len() + usize::from(uc.id == c)) as u64)
                    })?;
            }
            Ok((start.elapsed(), n))
        }
    };
}

mod pg {
    use super::*;
    use diesel::pg::PgConnection;

    const ROWS_PER_INSERT: usize = ROWS;
    workloads!(PgConnection);

    fn insert_one(conn: &mut PgConnection, r: &NewInsert) -> QueryResult<i64> {
        diesel::insert_into(p_inserts::table)
            .values(r)
            .returning(p_inserts::id)
            .get_result(conn)
    }
}

mod my {
    use super::*;
    use diesel::mysql::MysqlConnection;
    use diesel::sql_types::{BigInt, Unsigned};

    const ROWS_PER_INSERT: usize = ROWS;
    workloads!(MysqlConnection);

    fn insert_one(conn: &mut MysqlConnection, r: &NewInsert) -> QueryResult<i64> {
        diesel::insert_into(p_inserts::table)
            .values(r)
            .execute(conn)?;
        let id: u64 = diesel::select(diesel::dsl::sql::<Unsigned<BigInt>>("LAST_INSERT_ID()"))
            .get_result(conn)?;
        Ok(id as i64)
    }
}

mod lite {
    use super::*;
    use diesel::sqlite::SqliteConnection;

    // SQLite takes at most 32,766 parameters a statement.
    const ROWS_PER_INSERT: usize = 6_553;
    workloads!(SqliteConnection);

    fn insert_one(conn: &mut SqliteConnection, r: &NewInsert) -> QueryResult<i64> {
        diesel::insert_into(p_inserts::table)
            .values(r)
            .returning(p_inserts::id)
            .get_result(conn)
    }
}

#[derive(Clone)]
pub enum Diesel {
    Pg(Pool<ConnectionManager<diesel::pg::PgConnection>>),
    My(Pool<ConnectionManager<diesel::mysql::MysqlConnection>>),
    Lite(Pool<ConnectionManager<diesel::sqlite::SqliteConnection>>),
}

impl Diesel {
    pub fn connect(env: &Env) -> Res<Diesel> {
        let url = env.diesel_url.as_str();
        Ok(match env.backend {
            Backend::Postgres => Diesel::Pg(
                Pool::builder()
                    .max_size(5)
                    .build(ConnectionManager::new(url))?,
            ),
            Backend::MariaDb => Diesel::My(
                Pool::builder()
                    .max_size(5)
                    .build(ConnectionManager::new(url))?,
            ),
            Backend::Sqlite => Diesel::Lite(
                Pool::builder()
                    .max_size(5)
                    .build(ConnectionManager::new(url))?,
            ),
        })
    }

    /// Runs the workload on a blocking thread (Diesel's connections are
    /// synchronous).
    pub async fn run(&self, w: Workload) -> Res<Timed> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || match &me {
            Diesel::Pg(p) => pg::run(p, w),
            Diesel::My(p) => my::run(p, w),
            Diesel::Lite(p) => lite::run(p, w),
        })
        .await?
    }
}
