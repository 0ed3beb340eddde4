//! Reads served by a replica: the first usable one in round-robin order,
//! else the primary.

use alembix_driver::{Pool, RowDecoder, Values};
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use tracing::Span;

use super::exec::{Exec, next_row};
use super::position::Position;
use super::replica::{Routing, unreachable};
use crate::error::{Error, Result};

/// What a failed read on a replica means: `Some(true)` the replica cannot
/// be reached (mark it down), `Some(false)` the read may be retried
/// elsewhere (a standby cancelled it for a conflict with recovery),
/// `None` the error is the query's own.
fn retry_elsewhere(e: &sqlx::Error) -> Option<bool> {
    if unreachable(e) {
        return Some(true);
    }
    match e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("40001") => Some(false),
        _ => None,
    }
}

/// Records the replica that served in the statement's span.
fn served_by(span: &Span, index: usize) {
    if !span.is_disabled() {
        span.record("db.replica", index as u64);
    }
}

/// Runs a query on a usable replica, else on the primary.
pub(super) async fn fetch_all(
    routing: &Routing,
    primary: &Pool,
    span: &Span,
    sql: String,
    values: Values,
) -> Result<alembix_driver::Rows> {
    let required = routing.required();
    if required != Position::Primary {
        for (i, r) in routing.set.order() {
            let Some(pool) = routing.set.usable(r, &required).await else {
                continue;
            };
            match pool.fetch_all(sql.clone(), values.clone()).await {
                Ok(rows) => {
                    served_by(span, i);
                    return Ok(rows);
                }
                Err(e) => match retry_elsewhere(&e) {
                    Some(true) => routing.set.mark_down(r),
                    Some(false) => {}
                    None => return Err(e.into()),
                },
            }
        }
    }
    Ok(primary.fetch_all(sql, values).await?)
}

/// Streams a query's rows from a usable replica, else from the primary. A
/// replica is chosen by its first answer: one that fails before sending
/// a row is left for the next; an error after that ends the stream.
pub(super) fn stream<'a, D>(
    ex: Exec<'a>,
    routing: &'a Routing,
    primary: &'a Pool,
    sql: String,
    values: Values,
    decoder: D,
) -> BoxStream<'a, Result<D::Output>>
where
    D: RowDecoder<Error = Error> + Send + Sync + 'a,
    D::Output: Send + 'a,
{
    Box::pin(async_stream::try_stream! {
        let mut traced = ex.start(&sql, || Some(values.clone()));
        let required = routing.required();
        let mut served = false;
        if required != Position::Primary {
            for (i, r) in routing.set.order() {
                let Some(pool) = routing.set.usable(r, &required).await else {
                    continue;
                };
                let mut rows = pool.fetch(sql.clone(), values.clone());
                let first = rows.try_next().await;
                let first = match first {
                    Ok(first) => first,
                    Err(e) => match retry_elsewhere(&e) {
                        Some(down) => {
                            if down {
                                routing.set.mark_down(r);
                            }
                            continue;
                        }
                        None => {
                            let e = Error::from(e);
                            traced.failed(&e);
                            Err(e)?
                        }
                    },
                };
                served_by(traced.span(), i);
                served = true;
                if let Some(row) = first {
                    traced.add_row();
                    yield row.decode(&decoder)?;
                    while let Some(row) = next_row(&mut traced, rows.try_next()).await? {
                        traced.add_row();
                        yield row.decode(&decoder)?;
                    }
                }
                break;
            }
        }
        if !served {
            let mut rows = primary.fetch(sql, values);
            while let Some(row) = next_row(&mut traced, rows.try_next()).await? {
                traced.add_row();
                yield row.decode(&decoder)?;
            }
        }
    })
}
