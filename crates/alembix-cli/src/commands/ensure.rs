//! `alembix ensure-version`: the version and log tables, created when
//! missing (Alembic's `ensure_version`).

use alembix_migrate::offline;

use super::Project;
use crate::connect::{connect_creating, dialect_of};
use crate::error::Res;

/// Creates the tables (or prints their SQL with `sql`).
pub(crate) async fn run(p: &Project, sql: bool) -> Res<i32> {
    if sql {
        print!(
            "{}",
            offline::ensure_version_script(&p.m.settings, dialect_of(&p.cfg)?)
        );
        return Ok(0);
    }
    let db = connect_creating(&p.cfg).await?;
    let created = p.m.ensure_version(&db).await?;
    db.close().await;
    p.out.line(&if created {
        format!(
            "Created the version table {} and the log table {}",
            p.cfg.version_table, p.cfg.log_table
        )
    } else {
        format!("The version table {} exists", p.cfg.version_table)
    });
    Ok(0)
}
