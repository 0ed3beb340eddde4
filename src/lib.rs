//! The root package of the workspace has no library code of its own. This
//! file exists so that the guides in `docs/` are doc tests: every `rust` code
//! block of each guide compiles (and runs, unless marked `no_run`) with
//! `cargo test --doc -p alembix-workspace`, as the crates' own examples do,
//! so a guide cannot drift away from the API it shows. The commands the
//! guides show are checked by `tests/docs_commands.rs`.

/// `docs/coming-from-alembic.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/coming-from-alembic.md")]
pub struct ComingFromAlembicGuide;

/// `docs/coming-from-seaorm-diesel-sqlx.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/coming-from-seaorm-diesel-sqlx.md")]
pub struct ComingFromSeaOrmDieselSqlxGuide;

/// `docs/declared-objects.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/declared-objects.md")]
pub struct DeclaredObjectsGuide;

/// `docs/deploying.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/deploying.md")]
pub struct DeployingGuide;

/// `docs/troubleshooting.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/troubleshooting.md")]
pub struct TroubleshootingGuide;

/// `docs/partitions.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/partitions.md")]
pub struct PartitionsGuide;

/// `docs/replicas.md`.
#[cfg(doctest)]
#[doc = include_str!("../docs/replicas.md")]
pub struct ReplicasGuide;
