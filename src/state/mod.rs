//! Claims and history shared by every worktree of a repository.
//!
//! Why this exists: `plan.md` is a file in the working tree, so each git worktree (one per
//! agent session) has its own copy, and a claim written into one copy is invisible to the
//! sessions working in the others. Claims therefore live outside the working tree, in a
//! SQLite database under the repository's *common* git dir (`<common>/baton/state.db`, see
//! [`crate::repo::state_dir`]), which all worktrees share. Outside a repository the database
//! sits in `.baton/` next to the plan.
//!
//! SQLite gives what a plain file cannot: atomic claim-or-fail across processes. A claim is one
//! `BEGIN IMMEDIATE` transaction (insert if absent, then read the holder), so when any number
//! of sessions claim the same task at once exactly one gets [`ClaimOutcome::Claimed`] and
//! every other one learns who holds it. The database runs in WAL mode with a generous busy
//! timeout, so readers never block and writers queue instead of failing.
//!
//! Rows are keyed by [`crate::repo::plan_key`], the plan's path relative to its worktree
//! root, so the same plan seen from two worktrees shares its claims while different plans in
//! one repository do not. History is append-only; `claim` and `release` do not write it,
//! the caller records what it did with [`StateStore::record`].

mod claims;
pub(crate) mod db;
mod driver;
mod git_claims;
mod pg_tls;
mod queue;
mod run_queries;
mod runs;
mod schema;
mod sessions;
mod time;

pub use claims::{Backend, CLAIMS_ENV, ClaimStore, ClaimsError, DEFAULT_REMOTE};
pub use driver::{
    DEFAULT_HEARTBEAT, DrivenFrom, Driver, HEARTBEAT_ENV, Liveness, STALE_BEATS, heartbeat,
};
pub use git_claims::{CLAIMS_NAMESPACE, FETCHED_NAMESPACE, GitClaims, ref_component};
pub use run_queries::{ActivityTotals, RunSessionStatus, RunStatus, SessionActivity};
pub use runs::{RunEventRow, RunRecord, RunSession, RunStep};
pub use schema::{PG_SCHEMA_VERSION, SCHEMA_VERSION};
pub use sessions::{GateCount, GateRecord, SessionStart};
pub use time::{
    NOW_ENV, now_rfc3339, parse_duration, rfc3339_from_unix, seconds_from_env, unix_from_rfc3339,
};

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};
use serde::Serialize;

use db::{Db, DbError, Exec, Row, args};
use schema::{BUSY_TIMEOUT, retry_busy};

/// Name of the database file inside the state directory.
pub const DB_FILE: &str = "state.db";

/// The environment variable that puts the state somewhere else than the SQLite file: a
/// `postgres://` URL. It wins over `state` in baton.toml.
pub const STATE_ENV: &str = "BATON_STATE";

/// A task held by a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub task_id: String,
    /// Who holds it: a session or agent name chosen by the caller.
    pub owner: String,
    /// When it was claimed, RFC 3339 UTC with second precision.
    pub claimed_at: String,
    /// When the lease runs out unless renewed (RFC 3339 UTC); after it the claim is stale and
    /// another session may take the task. None only for a timestamp SQLite could not read.
    pub expires_at: Option<String>,
}

impl Claim {
    /// Whether the lease still holds at `now` (RFC 3339 UTC, as [`now_rfc3339`] gives).
    pub fn is_live(&self, now: &str) -> bool {
        self.expires_at.as_deref().is_none_or(|e| e > now)
    }
}

/// A lease: the time a claim is taken or renewed, and when it runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub now: String,
    pub expires_at: String,
}

impl Lease {
    /// A lease of `ttl` from the current time ([`now_rfc3339`], so [`NOW_ENV`] pins it too).
    pub fn from_now(ttl: Duration) -> Lease {
        let now = now_rfc3339();
        let start = time::unix_from_rfc3339(&now).unwrap_or_else(time::unix_now);
        let secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
        Lease {
            expires_at: rfc3339_from_unix(start.saturating_add(secs)),
            now,
        }
    }
}

/// What [`StateStore::claim`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "claim", rename_all = "snake_case")]
pub enum ClaimOutcome {
    /// The task was free and now belongs to the caller.
    Claimed,
    /// Another session's lease on the task had run out; the task now belongs to the caller.
    /// The stale claim is given.
    TakenOver(Claim),
    /// The caller already held the task; its lease is renewed.
    AlreadyYours(Claim),
    /// Someone else holds the task.
    HeldBy(Claim),
}

/// One line of the append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Increasing with time; unique within the database.
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub task_id: Option<String>,
    pub action: String,
    pub actor: Option<String>,
    pub detail: Option<String>,
}

/// Where the state lives, as messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The SQLite database file.
    File(PathBuf),
    /// A PostgreSQL server, its URL with the password hidden.
    Server(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "state database {}", path.display()),
            Location::Server(url) => write!(f, "state server {url}"),
        }
    }
}

/// Errors from the state database. Every message names the database (or directory) involved.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot create the state directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{place} stayed locked by another process while trying to {op}")]
    Busy { place: Location, op: &'static str },
    #[error(
        "{place} has schema version {found}, newer than this baton understands \
         ({supported}); upgrade baton"
    )]
    NewerSchema {
        place: Location,
        found: i64,
        supported: i64,
    },
    /// Nothing can be written where the state lives: a read-only file system (an agent's
    /// sandbox often mounts `.git` read-only) or no permission. Reads may still work.
    #[error("{} cannot be written here: {why}", path.display())]
    ReadOnly { path: PathBuf, why: String },
    #[error("state database {}: cannot {op}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// The PostgreSQL server refused or failed a statement, or stayed away longer than
    /// [`db::RECONNECT_FOR`].
    #[error("{place}: cannot {op}: {}", pg_message(source))]
    Postgres {
        place: Location,
        op: &'static str,
        #[source]
        source: postgres::Error,
    },
    /// A value in the database is not what this build wrote there.
    #[error("{place}: cannot {op}: {message}")]
    Data {
        place: Location,
        op: &'static str,
        message: String,
    },
}

/// A PostgreSQL error with the server's own message when there is one.
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

impl StateError {
    fn sqlite(path: &Path, op: &'static str, source: rusqlite::Error) -> Self {
        if is_busy(&source) {
            StateError::Busy {
                place: Location::File(path.to_path_buf()),
                op,
            }
        } else if let Some(why) = may_be_unwritable(&source)
            .then(|| unwritable(path))
            .flatten()
        {
            StateError::ReadOnly {
                path: path.to_path_buf(),
                why,
            }
        } else {
            StateError::Sqlite {
                path: path.to_path_buf(),
                op,
                source,
            }
        }
    }

    fn io(dir: &Path, source: std::io::Error) -> Self {
        match read_only_why(&source) {
            Some(why) => StateError::ReadOnly {
                path: dir.to_path_buf(),
                why,
            },
            None => StateError::Io {
                path: dir.to_path_buf(),
                source,
            },
        }
    }
}

/// SQLite's codes when it cannot write, which do not say why (a read-only file system, a
/// read-only file, a folder where the journal cannot be created).
fn may_be_unwritable(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::SystemIoFailure
        )
    )
}

/// Why nothing can be written at the database `path`, when that is the reason: probes its
/// folder and the file itself. `None` when both are writable (the error was something else).
fn unwritable(path: &Path) -> Option<String> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => return read_only_why(&e),
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Err(e) => read_only_why(&e),
        Ok(_) => None,
    }
}

fn read_only_why(e: &std::io::Error) -> Option<String> {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
    .then(|| e.to_string().to_lowercase())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// What `state` in baton.toml (or `BATON_STATE`) says: `Ok(None)` for the SQLite file
/// (`""`, `"local"`, `"sqlite"`), `Ok(Some(url))` for a PostgreSQL server
/// (`postgres://…` or `postgresql://…`), and why not otherwise.
pub fn parse_state_setting(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    match text {
        "" | "local" | "sqlite" => Ok(None),
        url if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let settings = pg_tls::split(url)?;
            match settings.url.parse::<postgres::Config>() {
                Ok(_) => Ok(Some(url.to_string())),
                Err(e) => Err(format!("not a PostgreSQL URL: {e}")),
            }
        }
        _ => Err("\"local\" (the SQLite file, the default) or a URL \
             postgres://user@host:port/database"
            .to_string()),
    }
}

/// An open connection to the shared state database, scoped to one plan.
#[derive(Debug)]
pub struct StateStore {
    db: Db,
    place: Location,
    plan_key: String,
}

impl StateStore {
    /// Opens (creating if needed) the state shared by every worktree for the plan at
    /// `plan_path`: `<state_dir>/state.db`, keyed by the plan's worktree-relative path.
    pub fn open(plan_path: &Path) -> Result<Self, StateError> {
        let db = crate::repo::state_dir(plan_path).join(DB_FILE);
        Self::open_at(&db, &crate::repo::plan_key(plan_path))
    }

    /// Opens (creating if needed) the database at `db_path`, scoped to `plan_key`.
    pub fn open_at(db_path: &Path, plan_key: &str) -> Result<Self, StateError> {
        if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StateError::io(dir, source))?;
        }
        let err = |op| move |e| StateError::sqlite(db_path, op, e);
        let conn = Connection::open(db_path).map_err(err("open"))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(err("set the busy timeout"))?;
        // Switching to WAL needs a moment of exclusive access; when many processes open a
        // fresh database at once some get SQLITE_BUSY without waiting, so retry briefly. A
        // file system without WAL support keeps its old journal mode, which is still correct.
        retry_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)))
            .map_err(err("enable WAL mode"))?;
        // In WAL mode NORMAL is corruption-safe and saves an fsync per claim.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err("set synchronous mode"))?;
        // Each baton command is a short-lived process; checkpointing and deleting the WAL
        // every time the last one exits costs several fsyncs per command. Leave the WAL in
        // place and let SQLite checkpoint it as it grows.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .map_err(err("keep the WAL on close"))?;
        // Each process opening the database reads the whole WAL to rebuild its index, and
        // short-lived processes never reach SQLite's automatic checkpoint: fold the WAL into
        // the database once it passes 256 KiB, so opening stays cheap.
        let wal = db_path.with_extension("db-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 256 * 1024) {
            retry_busy(|| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
                .map_err(err("checkpoint the WAL"))?;
        }
        Self::ready(
            Db::Sqlite(conn),
            Location::File(db_path.to_path_buf()),
            plan_key,
        )
    }

    /// Connects to the PostgreSQL server at `url` (`postgres://user@host:port/database`)
    /// and opens the state there (creating or upgrading its tables), scoped to `plan_key`.
    pub fn open_postgres(url: &str, plan_key: &str) -> Result<Self, StateError> {
        let place = Location::Server(db::redact_url(url));
        let conn = db::PgConn::connect(url).map_err(|e| map_db(&place, "connect", e))?;
        Self::ready(
            Db::Postgres(Box::new(std::cell::RefCell::new(conn))),
            place,
            plan_key,
        )
    }

    /// Brings the schema up to date and refuses one newer than this build's.
    fn ready(db: Db, place: Location, plan_key: &str) -> Result<Self, StateError> {
        let store = StateStore {
            db,
            place,
            plan_key: plan_key.to_owned(),
        };
        let found =
            schema::migrate(&store.db).map_err(|e| store.err("create or upgrade the schema", e))?;
        let supported = match store.db {
            Db::Sqlite(_) => SCHEMA_VERSION,
            Db::Postgres(_) => PG_SCHEMA_VERSION,
        };
        if !(0..=supported).contains(&found) {
            return Err(StateError::NewerSchema {
                place: store.place.clone(),
                found,
                supported,
            });
        }
        Ok(store)
    }

    /// Where the state lives.
    pub fn location(&self) -> &Location {
        &self.place
    }

    /// The key that scopes this store's rows to one plan.
    pub fn plan_key(&self) -> &str {
        &self.plan_key
    }

    /// Claims `task_id` for `owner` under `lease`, atomically across processes: exactly one
    /// of any number of concurrent claimants gets [`ClaimOutcome::Claimed`] (or `TakenOver`,
    /// when the holder's lease had run out).
    pub fn claim(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
    ) -> Result<ClaimOutcome, StateError> {
        self.take_claim(task_id, owner, lease, false, |_| Ok::<(), ()>(()))
            .map(|r| r.unwrap_or(ClaimOutcome::Claimed))
    }

    /// Like [`StateStore::claim`], but before taking a free (or stale) task, `check` sees
    /// every other live claim of the plan, inside the same write transaction, and may refuse
    /// (its error comes back as `Ok(Err(_))` and nothing is written). This is what makes a
    /// check between claims (two tasks whose scopes overlap) race-free. A claim taken is
    /// recorded in the history in the same transaction. (`check` runs again if a PostgreSQL
    /// transaction is run again on a new connection; its last verdict counts.)
    pub fn claim_checked<E>(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        check: impl FnMut(&[Claim]) -> Result<(), E>,
    ) -> Result<Result<ClaimOutcome, E>, StateError> {
        self.take_claim(task_id, owner, lease, true, check)
    }

    /// [`StateStore::claim_checked`], recording the claim in the history or not.
    ///
    /// The claim itself is one `INSERT … ON CONFLICT DO NOTHING` for a free task, and an
    /// `UPDATE` that names the stale holder for a takeover: each writes only if the row is
    /// still what was read, so the database decides even where the write lock would not.
    fn take_claim<E>(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        record: bool,
        mut check: impl FnMut(&[Claim]) -> Result<(), E>,
    ) -> Result<Result<ClaimOutcome, E>, StateError> {
        self.write("claim a task", |tx| {
            let current = select_claim(tx, &self.plan_key, task_id)?;
            let stale = match current {
                Some(holder) if holder.owner == owner => {
                    tx.execute(
                        "UPDATE claims SET expires_at = ?3 WHERE plan_key = ?1 AND task_id = ?2",
                        args![&self.plan_key, task_id, &lease.expires_at],
                    )?;
                    return Ok(Ok(ClaimOutcome::AlreadyYours(holder)));
                }
                Some(holder) if holder.is_live(&lease.now) => {
                    return Ok(Ok(ClaimOutcome::HeldBy(holder)));
                }
                other => other,
            };
            let others: Vec<Claim> = select_claims(tx, &self.plan_key)?
                .into_iter()
                .filter(|c| c.task_id != task_id && c.is_live(&lease.now))
                .collect();
            if let Err(refusal) = check(&others) {
                return Ok(Err(refusal));
            }
            let taken = match &stale {
                None => tx.execute(
                    "INSERT INTO claims (plan_key, task_id, owner, claimed_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (plan_key, task_id) DO NOTHING",
                    args![
                        &self.plan_key,
                        task_id,
                        owner,
                        &lease.now,
                        &lease.expires_at
                    ],
                )?,
                Some(was) => tx.execute(
                    "UPDATE claims SET owner = ?3, claimed_at = ?4, expires_at = ?5
                     WHERE plan_key = ?1 AND task_id = ?2 AND owner = ?6 AND claimed_at = ?7",
                    args![
                        &self.plan_key,
                        task_id,
                        owner,
                        &lease.now,
                        &lease.expires_at,
                        &was.owner,
                        &was.claimed_at
                    ],
                )?,
            };
            if taken != 1 {
                // Someone else's claim landed between the read and the write.
                return match select_claim(tx, &self.plan_key, task_id)? {
                    Some(holder) => Ok(Ok(ClaimOutcome::HeldBy(holder))),
                    None => Err(DbError::Raced("the claim")),
                };
            }
            // The history line goes in the same transaction: one commit per claim.
            if record {
                let detail = stale.as_ref().map(|was| {
                    format!(
                        "stale claim of {} (lease ran out {})",
                        was.owner,
                        was.expires_at.as_deref().unwrap_or("at an unknown time")
                    )
                });
                tx.execute(
                    "INSERT INTO history (at, plan_key, task_id, action, actor, detail)
                     VALUES (?1, ?2, ?3, 'claim', ?4, ?5)",
                    args![&lease.now, &self.plan_key, task_id, owner, &detail],
                )?;
            }
            Ok(Ok(match stale {
                Some(was) => ClaimOutcome::TakenOver(was),
                None => ClaimOutcome::Claimed,
            }))
        })
    }

    /// Renews `owner`'s leases (on `task_id` only, or on every task it holds) to run out at
    /// `lease.expires_at`; returns the claims renewed. A stale claim nobody took is renewed
    /// too: it is still the owner's.
    pub fn renew(
        &self,
        owner: &str,
        task_id: Option<&str>,
        lease: &Lease,
    ) -> Result<Vec<Claim>, StateError> {
        self.write("renew claims", |tx| {
            tx.query(
                "UPDATE claims SET expires_at = ?3
                 WHERE plan_key = ?1 AND owner = ?2 AND (CAST(?4 AS TEXT) IS NULL OR task_id = ?4)
                 RETURNING task_id, owner, claimed_at, expires_at",
                args![&self.plan_key, owner, &lease.expires_at, task_id],
            )?
            .iter()
            .map(claim_from_row)
            .collect()
        })
    }

    /// Removes the claim on `task_id`, whoever holds it, and returns it (`None` if unclaimed).
    pub fn release(&self, task_id: &str) -> Result<Option<Claim>, StateError> {
        self.write("release a task", |tx| {
            tx.query_opt(
                "DELETE FROM claims WHERE plan_key = ?1 AND task_id = ?2
                 RETURNING task_id, owner, claimed_at, expires_at",
                args![&self.plan_key, task_id],
            )?
            .as_ref()
            .map(claim_from_row)
            .transpose()
        })
    }

    /// Records that tasks were ticked (`done`) or unticked (`undo`), in one transaction:
    /// ticking a task also gives up its claim. Ticks are kept in the shared state too, so
    /// that every worktree counts a task ticked in another (see [`StateStore::ticks`]).
    pub fn record_status(
        &self,
        task_ids: &[String],
        action: &str,
        actor: Option<&str>,
        release: bool,
    ) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record ticks", |tx| {
            for task_id in task_ids {
                if release {
                    tx.execute(
                        "DELETE FROM claims WHERE plan_key = ?1 AND task_id = ?2",
                        args![&self.plan_key, task_id],
                    )?;
                }
                tx.execute(
                    "INSERT INTO history (at, plan_key, task_id, action, actor)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![&now, &self.plan_key, task_id, action, actor],
                )?;
                if release {
                    tx.execute(
                        "INSERT INTO ticks (plan_key, task_id, at, actor) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (plan_key, task_id) DO UPDATE SET
                            at = excluded.at, actor = excluded.actor",
                        args![&self.plan_key, task_id, &now, actor],
                    )?;
                } else {
                    tx.execute(
                        "DELETE FROM ticks WHERE plan_key = ?1 AND task_id = ?2",
                        args![&self.plan_key, task_id],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// This plan's claims, live and stale, sorted by task id (digit runs compare as numbers:
    /// T2 < T10).
    pub fn claims(&self) -> Result<Vec<Claim>, StateError> {
        let mut claims = self.read("read claims", |db| select_claims(db, &self.plan_key))?;
        claims.sort_by(|a, b| natural_cmp(&a.task_id, &b.task_id));
        Ok(claims)
    }

    /// Tasks ticked with `baton done` (in any worktree) and not unticked since, with when and
    /// by whom: `(task_id, at, actor)`, sorted by task id.
    pub fn ticks(&self) -> Result<Vec<(String, String, Option<String>)>, StateError> {
        let mut ticks = self.read("read ticks", |db| {
            db.query(
                "SELECT task_id, at, actor FROM ticks WHERE plan_key = ?1",
                args![&self.plan_key],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .collect::<Result<Vec<_>, DbError>>()
        })?;
        ticks.sort_by(|a: &(String, String, Option<String>), b| natural_cmp(&a.0, &b.0));
        Ok(ticks)
    }

    /// The claim on `task_id`, if any.
    pub fn claim_of(&self, task_id: &str) -> Result<Option<Claim>, StateError> {
        self.read("read a claim", |db| {
            select_claim(db, &self.plan_key, task_id)
        })
    }

    /// Appends a line to this plan's history, stamped with the current time.
    pub fn record(
        &self,
        task_id: Option<&str>,
        action: &str,
        actor: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record history", |tx| {
            tx.execute(
                "INSERT INTO history (at, plan_key, task_id, action, actor, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![&now, &self.plan_key, task_id, action, actor, detail],
            )
            .map(drop)
        })
    }

    /// The last `limit` history entries of this plan, oldest first.
    pub fn history(&self, limit: usize) -> Result<Vec<HistoryEntry>, StateError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut entries = self.read("read history", |db| {
            db.query(
                "SELECT id, at, task_id, action, actor, detail FROM history
                 WHERE plan_key = ?1 ORDER BY id DESC LIMIT ?2",
                args![&self.plan_key, limit],
            )?
            .iter()
            .map(|r| {
                Ok(HistoryEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    task_id: r.get(2)?,
                    action: r.get(3)?,
                    actor: r.get(4)?,
                    detail: r.get(5)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()
        })?;
        entries.reverse();
        Ok(entries)
    }

    /// Runs the reads in `f` (on PostgreSQL, again on a new connection if the server went
    /// away in between).
    fn read<T>(
        &self,
        op: &'static str,
        f: impl FnMut(&mut dyn Exec) -> Result<T, DbError>,
    ) -> Result<T, StateError> {
        self.db.read(f).map_err(|e| self.err(op, e))
    }

    /// Runs `f` as one write transaction, exclusive with every other write of this plan:
    /// on SQLite a `BEGIN IMMEDIATE` (the write lock is taken up front, waiting up to the
    /// busy timeout), on PostgreSQL a transaction holding the plan's advisory lock. Reads
    /// inside see the state they then change.
    fn write<T>(
        &self,
        op: &'static str,
        f: impl FnMut(&mut dyn Exec) -> Result<T, DbError>,
    ) -> Result<T, StateError> {
        self.db
            .write(&self.plan_key, f)
            .map_err(|e| self.err(op, e))
    }

    /// Like [`StateStore::write`], exclusive with writes under `key` instead of the plan's.
    fn write_under<T>(
        &self,
        key: &str,
        op: &'static str,
        f: impl FnMut(&mut dyn Exec) -> Result<T, DbError>,
    ) -> Result<T, StateError> {
        self.db.write(key, f).map_err(|e| self.err(op, e))
    }

    fn err(&self, op: &'static str, e: DbError) -> StateError {
        map_db(&self.place, op, e)
    }
}

/// A database error as the store reports it, naming where the state lives.
fn map_db(place: &Location, op: &'static str, e: DbError) -> StateError {
    if e.is_pg_lock_timeout() {
        return StateError::Busy {
            place: place.clone(),
            op,
        };
    }
    match (e, place) {
        (DbError::Sqlite(source), Location::File(path)) => StateError::sqlite(path, op, source),
        (DbError::Postgres(source), place) => StateError::Postgres {
            place: place.clone(),
            op,
            source,
        },
        (other, place) => StateError::Data {
            place: place.clone(),
            op,
            message: other.to_string(),
        },
    }
}

fn select_claim(
    db: &mut dyn Exec,
    plan_key: &str,
    task_id: &str,
) -> Result<Option<Claim>, DbError> {
    db.query_opt(
        "SELECT task_id, owner, claimed_at, expires_at FROM claims
         WHERE plan_key = ?1 AND task_id = ?2",
        args![plan_key, task_id],
    )?
    .as_ref()
    .map(claim_from_row)
    .transpose()
}

fn select_claims(db: &mut dyn Exec, plan_key: &str) -> Result<Vec<Claim>, DbError> {
    db.query(
        "SELECT task_id, owner, claimed_at, expires_at FROM claims WHERE plan_key = ?1",
        args![plan_key],
    )?
    .iter()
    .map(claim_from_row)
    .collect()
}

fn claim_from_row(r: &Row) -> Result<Claim, DbError> {
    Ok(Claim {
        task_id: r.get(0)?,
        owner: r.get(1)?,
        claimed_at: r.get(2)?,
        expires_at: r.get(3)?,
    })
}

/// Orders task ids so that runs of digits compare by value: `T2 < T10`, `1.2 < 1.10`.
/// Ties (`T01` vs `T1`) fall back to plain string order, so the order is total.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(cx), Some(cy)) if cx.is_ascii_digit() && cy.is_ascii_digit() => {
                let (dx, rx) = split_digits(x);
                let (dy, ry) = split_digits(y);
                let (nx, ny) = (dx.trim_start_matches('0'), dy.trim_start_matches('0'));
                let ord = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
                if ord != Ordering::Equal {
                    return ord;
                }
                (x, y) = (rx, ry);
            }
            (Some(cx), Some(cy)) => {
                if cx != cy {
                    return cx.cmp(&cy);
                }
                (x, y) = (&x[cx.len_utf8()..], &y[cy.len_utf8()..]);
            }
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
pub(crate) mod test_db;
#[cfg(test)]
mod tests;
