//! Relations along foreign keys: parents, children, eager loading.

use std::collections::HashMap;

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
fn value_key(v: &Value) -> Option<String> {
    Some(match v {
        Value::SmallInt(Some(n)) => n.to_string(),
        Value::Int(Some(n)) => n.to_string(),
        Value::BigInt(Some(n)) => n.to_string(),
        Value::String(Some(s)) => format!("s:{s}"),
        Value::Uuid(Some(u)) => format!("u:{u}"),
        Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::Uuid(None) => {
            return None;
        }
        other => format!("{other:?}"),
    })
}

/// Loads rows of `T` whose `column` is one of `keys`, in chunks that fit the
/// parameter limit (one query for any ordinary list).
async fn load_in<T: Model>(ex: Exec<'_>, column: &str, keys: Vec<Value>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let chunk = ex.dialect().caps().max_bind_params - 1;
    let table = T::meta().table.name.clone();
    for part in keys.chunks(chunk) {
        let cond = crate::expr::Cond::<()>::new(
            sea_query::Expr::col((table.clone().into_iden(), column.to_string().into_iden()))
                .is_in(part.iter().cloned()),
        );
        out.extend(T::find().filter(cond).all(ex).await?);
    }
    Ok(out)
}

fn distinct(values: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
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

pub(crate) async fn load_parents<C: Model, P: Model + Clone>(
    ex: Exec<'_>,
    rows: &[C],
) -> Result<Vec<Option<P>>> {
    let Link {
        ci, pi, ref_col, ..
    } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(ci)));
    if keys.is_empty() {
        return Ok(rows.iter().map(|_| None).collect());
    }
    let parents: Vec<P> = load_in(ex, ref_col, keys).await?;
    let by_key: HashMap<String, usize> = parents
        .iter()
        .enumerate()
        .filter_map(|(i, p)| value_key(&p.value_at(pi)).map(|k| (k, i)))
        .collect();
    let mut slots: Vec<Option<P>> = parents.into_iter().map(Some).collect();
    // A parent shared by several children is cloned for each after the first.
    let mut out = Vec::with_capacity(rows.len());
    let mut taken: HashMap<usize, usize> = HashMap::new();
    for r in rows {
        let found = value_key(&r.value_at(ci))
            .and_then(|k| by_key.get(&k))
            .copied();
        out.push(found.inspect(|&i| {
            *taken.entry(i).or_default() += 1;
        }));
    }
    let mut result = Vec::with_capacity(rows.len());
    for slot in out {
        result.push(match slot {
            None => None,
            Some(i) => {
                let left = taken.get_mut(&i).expect("counted");
                *left -= 1;
                if *left == 0 {
                    slots[i].take()
                } else {
                    slots[i].clone()
                }
            }
        });
    }
    Ok(result)
}

pub(crate) async fn load_children<P: Model, C: Model + Clone>(
    ex: Exec<'_>,
    rows: &[P],
) -> Result<Vec<Vec<C>>> {
    let Link { ci, pi, col, .. } = link::<C, P>()?;
    let keys = distinct(rows.iter().map(|r| r.value_at(pi)));
    let mut out: Vec<Vec<C>> = rows.iter().map(|_| Vec::new()).collect();
    if keys.is_empty() {
        return Ok(out);
    }
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = value_key(&r.value_at(pi)) {
            index.entry(k).or_default().push(i);
        }
    }
    let children: Vec<C> = load_in(ex, col, keys).await?;
    for child in children {
        let Some(k) = value_key(&child.value_at(ci)) else {
            continue;
        };
        if let Some(parents) = index.get(&k) {
            let (last, rest) = parents.split_last().expect("non-empty");
            for i in rest {
                out[*i].push(child.clone());
            }
            out[*last].push(child);
        }
    }
    Ok(out)
}
