//! Relations along foreign keys: parents, children, many-to-many through a
//! join model, and nested eager loading with one statement per level.
//!
//! The loaders take the rows already fetched and load the related rows of
//! all of them at once, with `WHERE key IN (...)` (`= ANY($1)` where keys
//! travel as one array); [`children`], [`parent`]
//! and [`through`] describe a relation to load, and `.with(...)` nests
//! another one under it:
//!
//! ```
//! use alembix::relations::{children, parent, through, Relation};
//! use alembix::{Db, Model};
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "authors")]
//! struct Author { id: i64, name: String }
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "posts")]
//! struct Post { id: i64, title: String }
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "comments")]
//! struct Comment {
//!     id: i64,
//!     #[column(references = "posts.id")]
//!     post_id: i64,
//!     #[column(references = "authors.id")]
//!     author_id: i64,
//!     body: String,
//! }
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "tags")]
//! struct Tag { id: i64, name: String }
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "post_tags", primary_key(columns = "post_id, tag_id"))]
//! struct PostTag {
//!     #[column(references = "posts.id")]
//!     post_id: i64,
//!     #[column(references = "tags.id")]
//!     tag_id: i64,
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_all(&[Author::table(), Post::table(), Comment::table(), Tag::table(), PostTag::table()]).await?;
//! let ann = Author { id: 0, name: "Ann".into() }.insert(&db).await?;
//! let post = Post { id: 0, title: "Hello".into() }.insert(&db).await?;
//! Comment { id: 0, post_id: post.id, author_id: ann.id, body: "First!".into() }.insert(&db).await?;
//! let rust = Tag { id: 0, name: "rust".into() }.insert(&db).await?;
//! PostTag { post_id: post.id, tag_id: rust.id }.insert(&db).await?;
//!
//! // Posts, each with its comments, each comment with its author: 3 statements.
//! let posts = Post::find()
//!     .with(children::<Comment>().with(parent::<Author>()))
//!     .all(&db)
//!     .await?;
//! for (post, comments) in &posts {
//!     for (comment, author) in comments {
//!         let author = author.as_ref().map_or("?", |a| a.name.as_str());
//!         println!("{}: {} says {}", post.title, author, comment.body);
//!     }
//! }
//! assert_eq!(posts[0].1[0].1.as_ref().unwrap().name, "Ann");
//!
//! // The tags of rows already loaded, through the join model: 1 statement.
//! let rows: Vec<Post> = posts.into_iter().map(|(p, _)| p).collect();
//! let tags: Vec<Vec<Tag>> = through::<PostTag, Tag>().load(&db, &rows).await?;
//! assert_eq!(tags[0][0].name, "rust");
//! # Ok::<_, alembix::Error>(()) }).unwrap();
//! ```
//!
//! # How many statements
//!
//! Each relation is one statement for all the rows it is loaded for (none
//! when there are no keys), so a nested load is one statement per level
//! plus the root query. Keys are deduplicated; rows whose key is NULL get no
//! related rows. On PostgreSQL integer, text and UUID keys travel as one
//! array parameter (`key = ANY($1)`); elsewhere each key is a parameter
//! (`key IN (?, ?, ...)`). A key list longer than the backend's
//! bind-parameter limit is split into batches of at most that many keys,
//! one statement each: 65,535 on PostgreSQL and MySQL/MariaDB, 32,766 on
//! SQLite.
//!
//! Relations follow single-column foreign keys; a multi-column one is an
//! [`Error::Usage`], as is a pair of models with no
//! foreign key between them.

mod grouping;
mod nested;
mod through;

use grouping::Grouping;

pub use nested::{Children, Nested, Parent, Relation, Through, With, WithRelation};

// Keys are hashed once per related row: foldhash is several times cheaper
// than the standard SipHash on the integer keys relations mostly follow.
use foldhash::{HashMap, HashSet, HashSetExt};

use alembix_schema::ForeignKey;
use sea_query::{ExprTrait, IntoIden, Value};

use crate::db::Exec;
use crate::error::{Error, Result};
use crate::model::Model;

/// The foreign key of `C` that refers to `P`'s table.
fn foreign_key<C: Model, P: Model>() -> Result<&'static ForeignKey> {
    let child = &C::meta().table;
    let parent = &P::meta().table;
    child
        .foreign_keys
        .iter()
        .find(|fk| fk.ref_table == parent.name)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} has no foreign key to `{}`; add #[column(references = \"{}.<column>\")]",
                C::meta().rust_name,
                parent.name,
                parent.name
            ))
        })
}

fn position<M: Model>(column: &str) -> Result<usize> {
    M::meta()
        .table
        .columns
        .iter()
        .position(|c| c.name == column)
        .ok_or_else(|| Error::Usage(format!("{} has no column `{column}`", M::meta().rust_name)))
}

fn single(fk: &ForeignKey) -> Result<(&str, &str)> {
    match (fk.columns.as_slice(), fk.ref_columns.as_slice()) {
        ([c], [r]) => Ok((c, r)),
        _ => Err(Error::Usage(format!(
            "foreign key `{}` has several columns; relations follow single-column keys",
            fk.name
        ))),
    }
}

/// A hashable form of a key value; integers of every width compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Text(String),
    Uuid(uuid::Uuid),
    /// Any other kind, by its debug form.
    Other(String),
}

/// The key of a value; `None` for NULL.
fn value_key(v: &Value) -> Option<Key> {
    Some(match v {
        Value::SmallInt(Some(n)) => Key::Int(i64::from(*n)),
        Value::Int(Some(n)) => Key::Int(i64::from(*n)),
        Value::BigInt(Some(n)) => Key::Int(*n),
        Value::String(Some(s)) => Key::Text(s.clone()),
        Value::Uuid(Some(u)) => Key::Uuid(*u),
        Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::Uuid(None) => {
            return None;
        }
        other => Key::Other(format!("{other:?}")),
    })
}

/// How many keys one statement carries: `batch` when given (never 0),
/// otherwise the backend's bind-parameter limit.
fn batch_size(ex: &Exec<'_>, batch: Option<usize>) -> usize {
    batch.unwrap_or(ex.dialect().caps().max_bind_params).max(1)
}

/// Loads rows of `T` whose `column` is one of `keys`, in batches that fit the
/// parameter limit (one query for any ordinary list).
async fn load_in<T: Model>(
    ex: Exec<'_>,
    column: &str,
    keys: Vec<Value>,
    batch: Option<usize>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let chunk = batch_size(&ex, batch);
    let table = T::meta().table.name.clone();
    for part in keys.chunks(chunk) {
        let col = sea_query::Expr::col((table.clone().into_iden(), column.to_string().into_iden()));
        let cond = crate::expr::Cond::<()>::new(key_in(&ex, col, part));
        out.extend(T::find().filter(cond).all(ex).await?);
    }
    Ok(out)
}

/// `col IN (k1, k2, ...)`, or `col = ANY($1)` with the keys in one array
/// parameter where the backend binds arrays (`array_params`) and the keys
/// are of a kind an array carries: one parameter instead of one per key.
fn key_in(ex: &Exec<'_>, col: sea_query::Expr, keys: &[Value]) -> sea_query::Expr {
    if ex.dialect().caps().array_params
        && let Some(array) = key_array(keys)
    {
        return col.eq(sea_query::Func::cust("ANY").arg(sea_query::Expr::val(array)));
    }
    col.is_in(keys.iter().cloned())
}

/// The keys as one array value, when they are all of one integer, text or
/// UUID kind and none is NULL.
fn key_array(keys: &[Value]) -> Option<Value> {
    use sea_query::ArrayType;
    let kind = match keys.first()? {
        Value::SmallInt(Some(_)) => ArrayType::SmallInt,
        Value::Int(Some(_)) => ArrayType::Int,
        Value::BigInt(Some(_)) => ArrayType::BigInt,
        Value::String(Some(_)) => ArrayType::String,
        Value::Uuid(Some(_)) => ArrayType::Uuid,
        _ => return None,
    };
    let same = keys.iter().all(|k| {
        matches!(
            (k, &kind),
            (Value::SmallInt(Some(_)), ArrayType::SmallInt)
                | (Value::Int(Some(_)), ArrayType::Int)
                | (Value::BigInt(Some(_)), ArrayType::BigInt)
                | (Value::String(Some(_)), ArrayType::String)
                | (Value::Uuid(Some(_)), ArrayType::Uuid)
        )
    });
    same.then(|| Value::Array(kind, Some(Box::new(keys.to_vec()))))
}

fn distinct(values: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut seen = HashSet::new();
    values
        .filter(|v| value_key(v).is_some_and(|k| seen.insert(k)))
        .collect()
}

/// The single-column foreign key of child `C` to parent `P`: its column
/// names and their positions in each model.
struct Link {
    col: &'static str,
    ref_col: &'static str,
    /// Position of `col` in `C`.
    ci: usize,
    /// Position of `ref_col` in `P`.
    pi: usize,
}

fn link<C: Model, P: Model>() -> Result<Link> {
    let (col, ref_col) = single(foreign_key::<C, P>()?)?;
    Ok(Link {
        col,
        ref_col,
        ci: position::<C>(col)?,
        pi: position::<P>(ref_col)?,
    })
}

/// The parent `P` of each row of `C`, in one statement per batch of keys.
pub(crate) async fn load_parents<C: Model, P: Model + Clone>(
    ex: Exec<'_>,
    rows: &[C],
) -> Result<Vec<Option<P>>> {
    let (parents, found) = load_parents_in::<C, P>(ex, rows, None).await?;
    Ok(per_row(parents, &found))
}

/// The distinct parents `P` of `rows`, as loaded, and for each row the
/// position of its parent among them (`None` for a NULL key or a missing
/// row).
async fn load_parents_in<C: Model, P: Model>(
    ex: Exec<'_>,
    rows: &[C],
    batch: Option<usize>,
) -> Result<(Vec<P>, Vec<Option<usize>>)> {
    let Link {
        ci, pi, ref_col, ..
    } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(ci)));
    if keys.is_empty() {
        return Ok((Vec::new(), vec![None; rows.len()]));
    }
    let parents: Vec<P> = load_in(ex, ref_col, keys, batch).await?;
    let by_key: HashMap<Key, usize> = parents
        .iter()
        .enumerate()
        .filter_map(|(i, p)| value_key(&p.value_at(pi)).map(|k| (k, i)))
        .collect();
    let found = rows
        .iter()
        .map(|r| {
            value_key(&r.value_at(ci))
                .and_then(|k| by_key.get(&k))
                .copied()
        })
        .collect();
    Ok((parents, found))
}

/// An item for each row from the items of the distinct parents (`found`
/// gives each row's): the last row to use an item takes it, the rows
/// before it get clones.
fn per_row<T: Clone>(items: Vec<T>, found: &[Option<usize>]) -> Vec<Option<T>> {
    let mut uses = vec![0usize; items.len()];
    for &i in found.iter().flatten() {
        uses[i] += 1;
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    found
        .iter()
        .map(|slot| {
            slot.and_then(|i| {
                uses[i] -= 1;
                if uses[i] == 0 {
                    slots[i].take()
                } else {
                    slots[i].clone()
                }
            })
        })
        .collect()
}

/// The children `C` of each row of `P`, in one statement per batch of keys.
pub(crate) async fn load_children<P: Model, C: Model + Clone>(
    ex: Exec<'_>,
    rows: &[P],
) -> Result<Vec<Vec<C>>> {
    let (children, grouping) = load_children_in::<P, C>(ex, rows, None).await?;
    Ok(grouping.distribute(children))
}

/// The children `C` of `rows`, flat in the order the server sent them,
/// and which row each belongs to.
async fn load_children_in<P: Model, C: Model>(
    ex: Exec<'_>,
    rows: &[P],
    batch: Option<usize>,
) -> Result<(Vec<C>, Grouping)> {
    let Link { ci, pi, col, .. } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(pi)));
    let children: Vec<C> = if keys.is_empty() {
        Vec::new()
    } else {
        load_in(ex, col, keys, batch).await?
    };
    let grouping = Grouping::new(
        rows.iter().map(|r| r.value_at(pi)),
        children.iter().map(|c| c.value_at(ci)),
    );
    Ok((children, grouping))
}

/// The rows of `C` whose foreign key refers to each row (one `Vec` per row).
///
/// ```
/// use alembix::relations::{children, Relation};
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] #[model(table = "posts")] struct Post { id: i64 }
/// # #[derive(Model, Debug, Clone)] #[model(table = "comments")]
/// # struct Comment { id: i64, #[column(references = "posts.id")] post_id: i64 }
/// # async fn run(db: alembix::Db, posts: Vec<Post>) -> alembix::Result<()> {
/// let comments: Vec<Vec<Comment>> = children::<Comment>().load(&db, &posts).await?;
/// # Ok(()) }
/// ```
pub fn children<C: Model>() -> Children<C> {
    Children::new()
}

/// The row of `P` each row refers to by its foreign key (an `Option` per
/// row: `None` for a NULL key or a missing row).
///
/// ```
/// use alembix::relations::{parent, Relation};
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] #[model(table = "authors")] struct Author { id: i64 }
/// # #[derive(Model, Debug, Clone)] #[model(table = "posts")]
/// # struct Post { id: i64, #[column(references = "authors.id")] author_id: i64 }
/// # async fn run(db: alembix::Db, posts: Vec<Post>) -> alembix::Result<()> {
/// let authors: Vec<Option<Author>> = parent::<Author>().load(&db, &posts).await?;
/// # Ok(()) }
/// ```
pub fn parent<P: Model>() -> Parent<P> {
    Parent::new()
}

/// The rows of `T` linked to each row by rows of the join model `J` (one
/// `Vec` per row, in no particular order). `J` must have exactly one
/// single-column foreign key to each side; the load is one statement,
/// `SELECT t.*, j.* FROM t JOIN j ON j.t_id = t.id WHERE j.row_id IN (...)`.
///
/// ```
/// use alembix::relations::{through, Relation};
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] #[model(table = "posts")] struct Post { id: i64 }
/// # #[derive(Model, Debug, Clone)] #[model(table = "tags")] struct Tag { id: i64 }
/// # #[derive(Model, Debug, Clone)] #[model(table = "post_tags", primary_key(columns = "post_id, tag_id"))]
/// # struct PostTag { #[column(references = "posts.id")] post_id: i64, #[column(references = "tags.id")] tag_id: i64 }
/// # async fn run(db: alembix::Db, posts: Vec<Post>) -> alembix::Result<()> {
/// let tags: Vec<Vec<Tag>> = through::<PostTag, Tag>().load(&db, &posts).await?;
/// # Ok(()) }
/// ```
pub fn through<J: Model, T: Model>() -> Through<J, T> {
    Through::new()
}
