//! The Alembix side: models as a user declares them, queries as a user
//! writes them.

use std::time::Instant;

use alembix::{Db, Model, children};

use crate::data::Env;
use crate::{
    JOINS, LOOKUPS, NewRow, PARENTS, ROWS, Res, SINGLES, TXS, Timed, Workload, join_params,
    lookup_id, new_rows, tx_ids,
};

#[derive(Model, Debug, Clone)]
#[model(table = "p_users")]
pub struct User {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    #[column(max_length = 100)]
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

#[derive(Model, Debug, Clone)]
#[model(table = "p_posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "p_users.id", index)]
    pub user_id: i64,
    #[column(max_length = 200)]
    pub title: String,
    pub votes: i32,
}

#[derive(Model, Debug, Clone)]
#[model(table = "p_inserts")]
pub struct Insert {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    #[column(max_length = 100)]
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

fn to_insert(r: &NewRow) -> Insert {
    Insert {
        id: 0,
        name: r.name.clone(),
        email: r.email.clone(),
        age: r.age,
        score: r.score,
        active: r.active,
    }
}

pub struct Alembix {
    db: Db,
}

impl Alembix {
    pub async fn connect(env: &Env) -> Res<Alembix> {
        Ok(Alembix {
            db: Db::connect(&env.url).await?,
        })
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    pub async fn run(&self, w: Workload) -> Res<Timed> {
        match w {
            Workload::Fetch => self.fetch().await,
            Workload::Lookup => self.lookup().await,
            Workload::Update => self.update().await,
            Workload::Bulk => self.bulk().await,
            Workload::Insert => self.insert().await,
            Workload::Eager => self.eager().await,
            Workload::Join => self.join().await,
            Workload::Tx => self.txs().await,
        }
    }

    async fn fetch(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let n = User::find().all(db).await?.len();
        Ok((start.elapsed(), n as u64))
    }

    async fn lookup(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let mut sum = 0u64;
        for k in 0..LOOKUPS {
            sum += User::get(db, lookup_id(k)).await?.age as u64;
        }
        Ok((start.elapsed(), sum))
    }

    async fn update(&self) -> Res<Timed> {
        let db = &self.db;
        let mut rows = User::find()
            .order_by(User::id.asc())
            .limit(SINGLES as u64)
            .all(db)
            .await?;
        let start = Instant::now();
        for r in &mut rows {
            r.score += 1.0;
            r.age = (r.age + 1) % 100;
            r.save(db).await?;
        }
        Ok((start.elapsed(), rows.len() as u64))
    }

    async fn bulk(&self) -> Res<Timed> {
        let db = &self.db;
        let rows: Vec<Insert> = new_rows(ROWS).iter().map(to_insert).collect();
        let start = Instant::now();
        let n = Insert::insert_many(db, &rows).await?;
        Ok((start.elapsed(), n))
    }

    async fn insert(&self) -> Res<Timed> {
        let db = &self.db;
        let rows: Vec<Insert> = new_rows(SINGLES).iter().map(to_insert).collect();
        let start = Instant::now();
        let mut n = 0;
        for r in &rows {
            n += u64::from(r.insert(db).await?.id > 0);
        }
        Ok((start.elapsed(), n))
    }

    async fn eager(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let users = User::find()
            .order_by(User::id.asc())
            .limit(PARENTS as u64)
            .with(children::<Post>())
            .all(db)
            .await?;
        let n: usize = users.iter().map(|(_, posts)| posts.len()).sum();
        Ok((start.elapsed(), n as u64))
    }

    async fn join(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let mut sum = 0u64;
        for k in 0..JOINS {
            let (votes, offset) = join_params(k);
            let rows = Post::find()
                .join::<User>()
                .filter(Post::votes.ge(votes).and(User::active.eq(true)))
                .order_by(Post::id.desc())
                .limit(20)
                .offset(offset)
                .all(db)
                .await?;
            sum += rows.iter().map(|(p, u)| (p.id + u.id) as u64).sum::<u64>();
        }
        Ok((start.elapsed(), sum))
    }

    /// Ten statements in a transaction: reads, updates by key, an update of
    /// many rows, inserts and a delete.
    async fn txs(&self) -> Res<Timed> {
        let rows: Vec<Insert> = new_rows(2).iter().map(to_insert).collect();
        let start = Instant::now();
        let mut n = 0u64;
        for k in 0..TXS {
            let [a, b, c] = tx_ids(k);
            let tx = self.db.begin().await?;
            let mut ua = User::get(&tx, a).await?;
            let mut ub = User::get(&tx, b).await?;
            ua.score += 1.0;
            ua.save(&tx).await?;
            ub.score -= 1.0;
            ub.save(&tx).await?;
            let added = rows[0].insert(&tx).await?;
            let posts = Post::find().filter(Post::user_id.eq(a)).all(&tx).await?;
            Post::update_many()
                .set(Post::votes, Post::votes + 1)
                .filter(Post::user_id.eq(a))
                .exec(&tx)
                .await?;
            let uc = User::get(&tx, c).await?;
            Insert::delete_many()
                .filter(Insert::id.eq(added.id))
                .exec(&tx)
                .await?;
            rows[1].insert(&tx).await?;
            tx.commit().await?;
            n += (posts.len() + usize::from(uc.id == c)) as u64;
        }
        Ok((start.elapsed(), n))
    }
}
