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

mod nested;
mod through;

pub use nested::{Children, Nested, Parent, Relation, Through, With, WithRelation};

// Keys are hashed once per related row: foldhash is several times cheaper
// than the standard SipHash on the integer keys relations mostly follow.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

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
    load_parents_in(ex, rows, None).await
}

async fn load_parents_in<C: Model, P: Model + Clone>(
    ex: Exec<'_>,
    rows: &[C],
    batch: Option<usize>,
) -> Result<Vec<Option<P>>> {
    let Link {
        ci, pi, ref_col, ..
    } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(ci)));
    if keys.is_empty() {
        return Ok(rows.iter().map(|_| None).collect());
    }
    let parents: Vec<P> = load_in(ex, ref_col, keys, batch).await?;
    let by_key: HashMap<Key, usize> = parents
        .iter()
        .enumerate()
        .filter_map(|(i, p)| value_key(&p.value_at(pi)).map(|k| (k, i)))
        .collect();
    let mut slots: Vec<Option<P>> = parents.into_iter().map(Some).collect();
    // A parent shared by several children is cloned for each after the first.
    let mut out = Vec::with_capacity(rows.len());
    let mut taken = vec![0usize; slots.len()];
    for r in rows {
        let found = value_key(&r.value_at(ci))
            .and_then(|k| by_key.get(&k))
            .copied();
        if let Some(i) = found {
            taken[i] += 1;
        }
        out.push(found);
    }
    let mut result = Vec::with_capacity(rows.len());
    for slot in out {
        result.push(slot.and_then(|i| {
            taken[i] -= 1;
            if taken[i] == 0 {
                slots[i].take()
            } else {
                slots[i].clone()
            }
        }));
    }
    Ok(result)
}

/// The children `C` of each row of `P`, in one statement per batch of keys.
pub(crate) async fn load_children<P: Model, C: Model + Clone>(
    ex: Exec<'_>,
    rows: &[P],
) -> Result<Vec<Vec<C>>> {
    load_children_in(ex, rows, None).await
}

async fn load_children_in<P: Model, C: Model + Clone>(
    ex: Exec<'_>,
    rows: &[P],
    batch: Option<usize>,
) -> Result<Vec<Vec<C>>> {
    let Link { ci, pi, col, .. } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(pi)));
    if keys.is_empty() {
        return Ok(rows.iter().map(|_| Vec::new()).collect());
    }
    let children: Vec<C> = load_in(ex, col, keys, batch).await?;
    let keyed = children.into_iter().map(|c| (c.value_at(ci), c));
    Ok(group(rows.iter().map(|r| r.value_at(pi)), keyed))
}

/// Gives each parent (by its key, in order) the items whose key equals it;
/// an item shared by several parents is cloned for each after the first.
fn group<T: Clone>(
    parent_keys: impl ExactSizeIterator<Item = Value>,
    items: impl Iterator<Item = (Value, T)>,
) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::with_capacity(parent_keys.len());
    // The first parent of each key, and for each parent the next one with
    // the same key (keys are most often unique: no list per key).
    let mut first: HashMap<Key, usize> = HashMap::with_capacity(parent_keys.len());
    let mut next: Vec<Option<usize>> = Vec::with_capacity(parent_keys.len());
    for (i, key) in parent_keys.enumerate() {
        out.push(Vec::new());
        next.push(None);
        if let Some(k) = value_key(&key)
            && let Some(previous) = first.insert(k, i)
        {
            next[i] = Some(previous);
        }
    }
    for (key, item) in items {
        let Some(&head) = value_key(&key).and_then(|k| first.get(&k)) else {
            continue;
        };
        let mut at = head;
        while let Some(following) = next[at] {
            out[at].push(item.clone());
            at = following;
        }
        out[at].push(item);
    }
    out
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
