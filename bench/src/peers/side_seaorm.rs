//! The SeaORM side: entities with their `Relation` enums, `ActiveModel`
//! writes, `insert_many`, `find_also_related` and the loader.

use std::time::Instant;

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ConnectOptions, Database, DatabaseConnection, LoaderTrait, QueryOrder,
    QuerySelect, TransactionTrait,
};

use crate::data::{Backend, Env};
use crate::{
    JOINS, LOOKUPS, NewRow, PARENTS, ROWS, Res, SINGLES, TXS, Timed, Workload, join_params,
    lookup_id, new_rows, tx_ids,
};

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "p_users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub email: String,
        pub age: i32,
        pub score: f64,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::post::Entity")]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "p_posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub votes: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id"
        )]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod insert {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "p_inserts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub email: String,
        pub age: i32,
        pub score: f64,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn active(r: &NewRow) -> insert::ActiveModel {
    insert::ActiveModel {
        name: Set(r.name.clone()),
        email: Set(r.email.clone()),
        age: Set(r.age),
        score: Set(r.score),
        active: Set(r.active),
        ..Default::default()
    }
}

pub struct SeaOrm {
    db: DatabaseConnection,
    /// Rows a multi-row insert may carry (SQLite's parameter limit).
    rows_per_insert: usize,
}

impl SeaOrm {
    pub async fn connect(env: &Env) -> Res<SeaOrm> {
        let mut opts = ConnectOptions::new(env.url.clone());
        opts.max_connections(5).sqlx_logging(false);
        Ok(SeaOrm {
            db: Database::connect(opts).await?,
            rows_per_insert: if env.backend == Backend::Sqlite {
                6_553
            } else {
                ROWS
            },
        })
    }

    pub async fn close(&self) {
        let _ = self.db.clone().close().await;
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
        let rows = user::Entity::find().all(db).await?;
        Ok((start.elapsed(), rows.len() as u64))
    }

    async fn lookup(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let mut sum = 0u64;
        for k in 0..LOOKUPS {
            let u = user::Entity::find_by_id(lookup_id(k)).one(db).await?;
            sum += u.ok_or("no such user")?.age as u64;
        }
        Ok((start.elapsed(), sum))
    }

    async fn update(&self) -> Res<Timed> {
        let db = &self.db;
        let rows = user::Entity::find()
            .order_by_asc(user::Column::Id)
            .limit(SINGLES as u64)
            .all(db)
            .await?;
        let start = Instant::now();
        for r in &rows {
            let mut am: user::ActiveModel = r.clone().into();
            am.score = Set(r.score + 1.0);
            am.age = Set((r.age + 1) % 100);
            am.update(db).await?;
        }
        Ok((start.elapsed(), rows.len() as u64))
    }

    async fn bulk(&self) -> Res<Timed> {
        let db = &self.db;
        let rows = new_rows(ROWS);
        let chunks: Vec<Vec<insert::ActiveModel>> = rows
            .chunks(self.rows_per_insert)
            .map(|c| c.iter().map(active).collect())
            .collect();
        let start = Instant::now();
        let mut n = 0;
        for chunk in chunks {
            n += insert::Entity::insert_many(chunk)
                .exec_without_returning(db)
                .await?;
        }
        Ok((start.elapsed(), n))
    }

    async fn insert(&self) -> Res<Timed> {
        let db = &self.db;
        let rows: Vec<insert::ActiveModel> = new_rows(SINGLES).iter().map(active).collect();
        let start = Instant::now();
        let mut n = 0;
        for am in rows {
            n += u64::from(am.insert(db).await?.id > 0);
        }
        Ok((start.elapsed(), n))
    }

    async fn eager(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let users = user::Entity::find()
            .order_by_asc(user::Column::Id)
            .limit(PARENTS as u64)
            .all(db)
            .await?;
        let posts = users.load_many(post::Entity, db).await?;
        let n: usize = posts.iter().map(Vec::len).sum();
        Ok((start.elapsed(), n as u64))
    }

    async fn join(&self) -> Res<Timed> {
        let db = &self.db;
        let start = Instant::now();
        let mut sum = 0u64;
        for k in 0..JOINS {
            let (votes, offset) = join_params(k);
            let rows = post::Entity::find()
                .find_also_related(user::Entity)
                .filter(post::Column::Votes.gte(votes))
                .filter(user::Column::Active.eq(true))
                .order_by_desc(post::Column::Id)
                .limit(20)
                .offset(offset)
                .all(db)
                .await?;
            for (p, u) in &rows {
                sum += (p.id + u.as_ref().ok_or("no user")?.id) as u64;
            }
        }
        Ok((start.elapsed(), sum))
    }

    async fn txs(&self) -> Res<Timed> {
        let rows: Vec<insert::ActiveModel> = new_rows(2).iter().map(active).collect();
        let start = Instant::now();
        let mut n = 0u64;
        for k in 0..TXS {
            let [a, b, c] = tx_ids(k);
            let tx = self.db.begin().await?;
            let ua = user::Entity::find_by_id(a)
                .one(&tx)
                .await?
                .ok_or("no user")?;
            let ub = user::Entity::find_by_id(b)
                .one(&tx)
                .await?
                .ok_or("no user")?;
            let score = ua.score + 1.0;
            let mut am: user::ActiveModel = ua.into();
            am.score = Set(score);
            am.update(&tx).await?;
            let score = ub.score - 1.0;
            let mut am: user::ActiveModel = ub.into();
            am.score = Set(score);
            am.update(&tx).await?;
            let added = rows[0].clone().insert(&tx).await?;
            let posts = post::Entity::find()
                .filter(post::Column::UserId.eq(a))
                .all(&tx)
                .await?;
            post::Entity::update_many()
                .col_expr(post::Column::Votes, Expr::col(post::Column::Votes).add(1))
                .filter(post::Column::UserId.eq(a))
                .exec(&tx)
                .await?;
            let uc = user::Entity::find_by_id(c)
                .one(&tx)
                .await?
                .ok_or("no user")?;
            insert::Entity::delete_by_id(added.id).exec(&tx).await?;
            rows[1].clone().insert(&tx).await?;
            tx.commit().await?;
            n += (posts.len() + usize::from(uc.id == c)) as u64;
        }
        Ok((start.elapsed(), n))
    }
}
