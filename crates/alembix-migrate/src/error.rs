//! One error type for the migration engine. Every variant is something a
//! user can cause and fix; the CLI prints it after `error:` and exits 2.

use std::path::PathBuf;
use std::time::Duration;

mod lock;
mod statement;
mod text;

pub use lock::LockFailure;
pub use statement::StatementFailure;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading, planning or applying revisions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A revision file is malformed. `line` is 1-based.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The file (or embedded file name).
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },

    /// A revision written for one backend (its `-- dialect:` header) run
    /// on another.
    #[error(
        "revision {revision} ({}) is written for {} (its `-- dialect: {}` header) but the database is {}: run it on {} or write a revision for {}",
        path.display(), written.caps().title, written.name(), running.caps().title, written.caps().title, running.caps().title
    )]
    WrongDialect {
        /// The revision's id.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// The backend its header names.
        written: alembix_schema::Dialect,
        /// The backend it was to run on.
        running: alembix_schema::Dialect,
    },

    /// Two files define the same revision id.
    #[error("revision {id} is defined twice: in {} and in {}", first.display(), second.display())]
    DuplicateRevision {
        /// The id both files define.
        id: String,
        /// The file read first.
        first: PathBuf,
        /// The file read second.
        second: PathBuf,
    },

    /// Two revisions carry the same branch label.
    #[error(
        "branch label `{label}` is used twice: by {first} ({}) and by {second} ({})",
        first_path.display(),
        second_path.display()
    )]
    DuplicateLabel {
        /// The label.
        label: String,
        /// The revision that has the label first.
        first: String,
        /// Its file.
        first_path: PathBuf,
        /// The other revision with the label.
        second: String,
        /// Its file.
        second_path: PathBuf,
    },

    /// A `down_revision` or `depends_on` entry names no revision.
    #[error("{}: {link} `{key}` names no revision; is a revision file missing?", path.display())]
    MissingLink {
        /// The file with the entry.
        path: PathBuf,
        /// The header the entry is in.
        link: Link,
        /// The entry as written.
        key: String,
    },

    /// A `down_revision` or `depends_on` entry is a prefix of several ids.
    #[error(
        "{}: {link} `{key}` is ambiguous ({}); is a revision file missing?",
        path.display(),
        candidates.join(", ")
    )]
    AmbiguousLink {
        /// The file with the entry.
        path: PathBuf,
        /// The header the entry is in.
        link: Link,
        /// The entry as written.
        key: String,
        /// The ids it is a prefix of.
        candidates: Vec<String>,
    },

    /// Parents and dependencies form a cycle.
    #[error("the revisions form a cycle: {}", text::cycle(revisions))]
    Cycle {
        /// `(id, file)` of each revision on the cycle, in walk order.
        revisions: Vec<(String, PathBuf)>,
    },

    /// A target step names a revision the graph does not have; free text,
    /// built by the offline script.
    #[error("{0}")]
    Target(String),

    /// A hex revision prefix shorter than 4 digits.
    #[error("`{key}` is too short: a revision prefix needs at least 4 hex digits")]
    PrefixTooShort {
        /// The prefix as given.
        key: String,
    },

    /// A hex revision prefix that starts several ids.
    #[error(
        "`{key}` is ambiguous; it is a prefix of:\n{}\nGive more digits",
        text::revision_list(candidates)
    )]
    AmbiguousPrefix {
        /// The prefix as given.
        key: String,
        /// `(id, message)` of each revision it starts.
        candidates: Vec<(String, String)>,
    },

    /// No revision has this id, prefix or branch label.
    #[error(
        "`{key}`: {}; `alembix history` lists them",
        text::no_such_revision(key)
    )]
    NoSuchRevision {
        /// The reference as given.
        key: String,
    },

    /// There are no revisions, so there is no head.
    #[error("there are no revisions yet; write one with `alembix revision -m \"...\"`")]
    NoRevisions,

    /// An empty (or blank) target.
    #[error("an empty target; give head, base, a revision, a label or +N/-N")]
    EmptyTarget,

    /// `LABEL@...` with a label no revision has.
    #[error(
        "`{label}` in `{target}` is no branch label; the labels are: {}",
        text::label_list(labels)
    )]
    UnknownLabel {
        /// The label as given.
        label: String,
        /// The whole target.
        target: String,
        /// Every branch label of the graph.
        labels: Vec<String>,
    },

    /// `LABEL@head` on a branch with several heads.
    #[error("branch `{label}` has several heads ({}); name one", heads.join(", "))]
    BranchHeads {
        /// The label.
        label: String,
        /// The heads of its branch.
        heads: Vec<String>,
    },

    /// `LABEL@X` where X is not head, base, +N, -N or head-N.
    #[error("`{target}`: after `@` comes head, base, +N, -N or head-N")]
    BadLabelSuffix {
        /// The whole target.
        target: String,
    },

    /// A relative target (`+N`, `-N`) while the database has several rows.
    #[error(
        "the database has several current revisions ({}); a relative target needs one: \
         use LABEL@+N / LABEL@-N or name a revision",
        current.join(", ")
    )]
    SeveralCurrent {
        /// The version table's rows.
        current: Vec<String>,
    },

    /// `LABEL@+N` / `LABEL@-N` while several rows are on the branch.
    #[error("several current revisions are on branch `{label}`; name one")]
    SeveralCurrentOnBranch {
        /// The label.
        label: String,
    },

    /// `+N` walks past a head.
    #[error(
        "cannot go +{n} from {}: there are only {steps} revision(s) above it",
        text::or_base(from)
    )]
    WalkAboveHead {
        /// The steps asked for.
        n: i64,
        /// Where the walk started (`None`: base).
        from: Option<String>,
        /// The steps that were possible.
        steps: i64,
    },

    /// `+N` meets a branch point.
    #[error(
        "+{n} from {here} is ambiguous: {here} is a branch point with children {}; \
         name the branch (LABEL@+N) or a revision",
        children.join(", "),
        here = text::or_base(at)
    )]
    WalkAtBranchPoint {
        /// The steps asked for.
        n: i64,
        /// The branch point (`None`: base, with several bases).
        at: Option<String>,
        /// Its children.
        children: Vec<String>,
    },

    /// `-N` walks past base.
    #[error("cannot go {n}: only {steps} revision(s) lie below the start")]
    WalkBelowBase {
        /// The (negative) steps asked for.
        n: i64,
        /// The steps that were possible.
        steps: i64,
    },

    /// `-N` meets a merge point.
    #[error(
        "{n} from {} is ambiguous: {merge} is a merge point of {}; name a revision or use LABEL@-N",
        text::or_base(from),
        parents.join(", ")
    )]
    WalkAtMergePoint {
        /// The (negative) steps asked for.
        n: i64,
        /// Where the walk started (`None`: base).
        from: Option<String>,
        /// The merge point.
        merge: String,
        /// Its parents.
        parents: Vec<String>,
    },

    /// A `downgrade` target that goes up (`+N`).
    #[error("`{target}` goes up; downgrade takes -N, a revision or base")]
    DowngradeGoesUp {
        /// The target as given.
        target: String,
    },

    /// A relative downgrade with nothing applied (on the branch, with a label).
    #[error("{}", text::nothing_applied(label.as_deref()))]
    NothingApplied {
        /// The branch label of `LABEL@-N`, if any.
        label: Option<String>,
    },

    /// A `downgrade` target that is not applied.
    #[error(
        "{revision} is not applied (current: {}); downgrade goes to an applied revision — use upgrade to go up",
        text::versions(current)
    )]
    NotApplied {
        /// The target revision.
        revision: String,
        /// The version table's rows.
        current: Vec<String>,
    },

    /// `downgrade -N` with fewer than N revisions applied below the current one.
    #[error("cannot go -{n} from {start}: only {applied} revision(s) are applied below it")]
    DowngradeTooFar {
        /// The steps asked for.
        n: i64,
        /// The current revision the walk started from.
        start: String,
        /// The revisions that could be undone.
        applied: i64,
    },

    /// `downgrade -N` would walk down through a merge point.
    #[error(
        "-{n} from {start} is ambiguous: {merge} is a merge point of {}; \
         downgrade to a revision or use LABEL@-N",
        parents.join(", ")
    )]
    DowngradeThroughMerge {
        /// The steps asked for.
        n: i64,
        /// The current revision the walk started from.
        start: String,
        /// The merge point.
        merge: String,
        /// Its parents.
        parents: Vec<String>,
    },

    /// A `history -r` range without `:`.
    #[error("`{spec}` is no range; write FROM:TO, :TO or FROM:")]
    BadRange {
        /// The range as given.
        spec: String,
    },

    /// The database is not at the graph's single head (autogenerate and
    /// `check` compare against the head).
    #[error(
        "the database is at {} but the head is {}; run `alembix upgrade {}`",
        text::versions(current),
        text::versions(heads),
        if heads.len() > 1 { "heads" } else { "head" }
    )]
    NotAtHead {
        /// The version table's rows.
        current: Vec<String>,
        /// The graph's heads.
        heads: Vec<String>,
    },

    /// The version table names revisions that no file defines.
    #[error("{}", text::unknown_revisions(unknown, heads))]
    UnknownRevisions {
        /// The rows no file defines.
        unknown: Vec<String>,
        /// `(id, message)` of each head the files define.
        heads: Vec<(String, String)>,
    },

    /// The version table names a revision that a squash replaced.
    #[error(
        "the database is at revision {stamped}, which was squashed into {squashed_into} ({message}); \
         the squashed revision replaces {stamped} and the revisions around it, so it cannot be applied \
         from the middle of the run.\n\
         To continue: bring the database to the end of the squashed run with the revisions from \
         before the squash (check them out from version control) and run `alembix upgrade`, or, \
         once the schema is known to match {squashed_into}, run `alembix stamp {squashed_into} --purge`"
    )]
    Squashed {
        /// The row in the version table.
        stamped: String,
        /// The revision that replaced it.
        squashed_into: String,
        /// That revision's message.
        message: String,
    },

    /// `head` (or another single-head operation) was asked for while the
    /// graph has several heads.
    #[error("{}", text::multiple_heads(heads))]
    MultipleHeads {
        /// `(id, message)` of each head.
        heads: Vec<(String, String)>,
    },

    /// A statement of a revision failed (boxed: it is large).
    #[error("{0}")]
    Statement(Box<StatementFailure>),

    /// A statement of a revision waited longer than `lock_timeout` for a
    /// lock on every try (boxed: it is large): the sessions in its way and
    /// what to do.
    #[error("{0}")]
    LockNotAvailable(Box<LockFailure>),

    /// The database is half-way through a revision this run does not finish.
    #[error(
        "cannot {} now: {halfway}",
        asked.as_str()
    )]
    HalfWay {
        /// Where the database stopped.
        halfway: Box<crate::halfway::HalfWay>,
        /// The direction asked for.
        asked: crate::step::Direction,
    },

    /// Another process held the migration lock for longer than the timeout.
    #[error(
        "timed out after {:.1} s waiting for the migration lock held by {}; another process is \
         migrating this database. Wait for it to finish, or raise `lock_wait` in alembix.toml",
        waited.as_secs_f64(),
        holder.as_ref().map_or_else(|| "another session".to_string(), |h| h.to_string())
    )]
    LockTimeout {
        /// How long the lock was waited for.
        waited: Duration,
        /// Who held it, when the database names it.
        holder: Option<alembix_driver::Holder>,
    },

    /// The run's table lock (lease) can no longer be trusted: the run
    /// stopped before its next step.
    #[error(
        "the migration lock `{name}` (lock = \"table\") was lost: {reason}; the run stopped \
         before its next step. Check what else migrates this database (`alembix lock status`), \
         then run the command again"
    )]
    LockLost {
        /// The lock's name.
        name: String,
        /// Why it is lost.
        reason: String,
    },

    /// A bad argument or configuration value.
    #[error("{0}")]
    Usage(String),

    /// A step of writing a squash into the script directory failed; the
    /// steps before it were undone (see `undo_failures` for any that could
    /// not be).
    #[error(
        "squash failed: cannot {what}: {source}; {}",
        text::squash_undone(undo_failures)
    )]
    SquashFiles {
        /// The step that failed, with its paths.
        what: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
        /// Undo steps that failed too (empty: everything is as it was).
        undo_failures: Vec<String>,
    },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// The database driver failed outside a revision's statements.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Which header of a revision file links it to another revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `down_revision`: a parent.
    DownRevision,
    /// `depends_on`: a dependency off the branch.
    DependsOn,
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Link::DownRevision => "down_revision",
            Link::DependsOn => "depends_on",
        })
    }
}
