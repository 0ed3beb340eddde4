//! An index a concurrent build left invalid: a `CREATE INDEX CONCURRENTLY`
//! that failed or was killed (the process, the connection, the machine)
//! leaves its index in the catalog, marked invalid, and `IF NOT EXISTS`
//! would then skip it for good. Before such a statement runs (or runs
//! again), an invalid index of its name is dropped.

use alembix_driver::Values;
use sea_query::Value;

use super::names::concurrent_index;
use super::session::Session;
use super::step::Run;
use crate::error::Result;
use crate::migrator::Event;

impl Session {
    /// Drops the index `sql` builds concurrently when one of its name
    /// exists and is invalid (`DROP INDEX CONCURRENTLY`, under the
    /// statement's own limits), and says so.
    pub(super) async fn drop_invalid_index(&mut self, run: &mut Run<'_>, sql: &str) -> Result<()> {
        let d = self.dialect();
        let (Some(check), Some(index)) = (self.sql().invalid_index, concurrent_index(d, sql))
        else {
            return Ok(());
        };
        let name = Value::String(Some(index.clone()));
        let rows = self
            .conn
            .fetch_all(check.to_string(), Values(vec![name]))
            .await?;
        if rows.get_i64(0, 0)? == 0 {
            return Ok(());
        }
        let drop = format!("DROP INDEX CONCURRENTLY {index}");
        self.limit_session(run.limits.of_statement(d, &drop))
            .await?;
        self.conn.raw(&drop).await?;
        (run.events)(&Event::InvalidIndexDropped {
            revision: run.rev.id.clone(),
            index,
        });
        Ok(())
    }
}
