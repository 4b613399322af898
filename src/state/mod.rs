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
mod git_claims;
mod run_queries;
mod runs;
mod sessions;
mod time;

pub use claims::{Backend, CLAIMS_ENV, ClaimStore, ClaimsError, DEFAULT_REMOTE};
pub use git_claims::{CLAIMS_NAMESPACE, FETCHED_NAMESPACE, GitClaims, ref_component};
pub use run_queries::{ActivityTotals, RunSessionStatus, RunStatus, SessionActivity};
pub use runs::{RunEventRow, RunRecord, RunSession, RunStep};
pub use sessions::{GateCount, GateRecord, SessionStart};
pub use time::{NOW_ENV, now_rfc3339, parse_duration, rfc3339_from_unix, unix_from_rfc3339};

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

/// Name of the database file inside the state directory.
pub const DB_FILE: &str = "state.db";

/// The schema version this build writes (stored in `PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long one statement waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Migration `i` brings the schema from version `i` to `i + 1`. Each is idempotent.
const MIGRATIONS: &[&str] = &[
    // 1: claims and history.
    "CREATE TABLE IF NOT EXISTS claims (
        plan_key   TEXT NOT NULL,
        task_id    TEXT NOT NULL,
        owner      TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (plan_key, task_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS history (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        plan_key TEXT NOT NULL,
        task_id  TEXT,
        action   TEXT NOT NULL,
        actor    TEXT,
        detail   TEXT
    );
    CREATE INDEX IF NOT EXISTS history_by_plan ON history (plan_key, id);",
    // 2: leases (a claim expires unless renewed; claims from before leases get the default
    // lease from when they were taken) and ticks shared by every worktree.
    "ALTER TABLE claims ADD COLUMN expires_at TEXT;
    UPDATE claims SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', claimed_at, '+7200 seconds')
        WHERE expires_at IS NULL;
    CREATE TABLE IF NOT EXISTS ticks (
        plan_key TEXT NOT NULL,
        task_id  TEXT NOT NULL,
        at       TEXT NOT NULL,
        actor    TEXT,
        PRIMARY KEY (plan_key, task_id)
    ) WITHOUT ROWID;",
    // 3: agent sessions: what the plan and claims were when a session started (recorded by
    // `baton hook session-start`), and each session's stop gate (consecutive blocks, the
    // last result).
    "CREATE TABLE IF NOT EXISTS session_starts (
        plan_key   TEXT NOT NULL,
        session_id TEXT NOT NULL,
        name       TEXT,
        started_at TEXT NOT NULL,
        history_id INTEGER NOT NULL,
        ticked     TEXT NOT NULL,
        claims     TEXT NOT NULL,
        decisions  TEXT NOT NULL,
        PRIMARY KEY (plan_key, session_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS session_gates (
        plan_key   TEXT NOT NULL,
        session_id TEXT NOT NULL,
        blocks     INTEGER NOT NULL,
        at         TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        result     TEXT,
        PRIMARY KEY (plan_key, session_id)
    ) WITHOUT ROWID;",
    // 4: `baton run`: each run, each session attempt it started, and every event with its
    // time (docs/run.md).
    "CREATE TABLE IF NOT EXISTS runs (
        id          INTEGER PRIMARY KEY,
        plan_key    TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        phase       INTEGER NOT NULL,
        integration TEXT NOT NULL,
        agent       TEXT NOT NULL,
        outcome     TEXT
    );
    CREATE TABLE IF NOT EXISTS run_sessions (
        run_id      INTEGER NOT NULL,
        session     TEXT NOT NULL,
        attempt     INTEGER NOT NULL,
        tasks       TEXT NOT NULL,
        branch      TEXT NOT NULL,
        worktree    TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        outcome     TEXT,
        PRIMARY KEY (run_id, session, attempt)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS run_events (
        id      INTEGER PRIMARY KEY,
        run_id  INTEGER NOT NULL,
        at      TEXT NOT NULL,
        kind    TEXT NOT NULL,
        session TEXT,
        body    TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS run_events_by_run ON run_events (run_id, id);",
    // 5: resuming a run (`baton run --resume`): the run's layout (lanes, briefs, start
    // commit, retries) and the baton process running it; per session attempt its agent's
    // process id and how the agent exited.
    "ALTER TABLE runs ADD COLUMN layout TEXT;
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    ALTER TABLE run_sessions ADD COLUMN pid INTEGER;
    ALTER TABLE run_sessions ADD COLUMN exited_at TEXT;
    ALTER TABLE run_sessions ADD COLUMN exit TEXT;
    ALTER TABLE run_sessions ADD COLUMN exit_ok INTEGER;",
    // 6: the run view (`baton status`, `run_status`) reads a run's latest events of a kind
    // (why a session did not merge, each attempt's agent activity) without a scan.
    "CREATE INDEX IF NOT EXISTS run_events_by_kind ON run_events (run_id, kind, session, id);",
];

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

/// Errors from the state database. Every message names the database (or directory) involved.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot create the state directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "state database {} stayed locked by another process while trying to {op}",
        path.display()
    )]
    Busy { path: PathBuf, op: &'static str },
    #[error(
        "state database {} has schema version {found}, newer than this baton understands \
         ({supported}); upgrade baton",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
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
}

impl StateError {
    fn sqlite(path: &Path, op: &'static str, source: rusqlite::Error) -> Self {
        if is_busy(&source) {
            StateError::Busy {
                path: path.to_path_buf(),
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

/// An open connection to the shared state database, scoped to one plan.
#[derive(Debug)]
pub struct StateStore {
    conn: Connection,
    db_path: PathBuf,
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
        // A process opening the database reads the whole WAL to rebuild its index, so keep
        // the WAL short: checkpoint every 64 pages instead of SQLite's 1000.
        // Each process opening the database reads the whole WAL to rebuild its index, and
        // short-lived processes never reach SQLite's automatic checkpoint: fold the WAL into
        // the database once it passes 256 KiB, so opening stays cheap.
        let wal = db_path.with_extension("db-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 256 * 1024) {
            retry_busy(|| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
                .map_err(err("checkpoint the WAL"))?;
        }
        let store = StateStore {
            conn,
            db_path: db_path.to_path_buf(),
            plan_key: plan_key.to_owned(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn db_path(&self) -> &Path {
        &self.db_path
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
    /// recorded in the history in the same transaction.
    pub fn claim_checked<E>(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        check: impl FnOnce(&[Claim]) -> Result<(), E>,
    ) -> Result<Result<ClaimOutcome, E>, StateError> {
        self.take_claim(task_id, owner, lease, true, check)
    }

    /// [`StateStore::claim_checked`], recording the claim in the history or not.
    fn take_claim<E>(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        record: bool,
        check: impl FnOnce(&[Claim]) -> Result<(), E>,
    ) -> Result<Result<ClaimOutcome, E>, StateError> {
        self.immediate("claim a task", |tx| {
            let current = select_claim(tx, &self.plan_key, task_id)?;
            let stale =
                match current {
                    Some(holder) if holder.owner == owner => {
                        tx.prepare_cached(
                        "UPDATE claims SET expires_at = ?3 WHERE plan_key = ?1 AND task_id = ?2",
                    )?
                    .execute(params![self.plan_key, task_id, lease.expires_at])?;
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
            tx.prepare_cached(
                "INSERT INTO claims (plan_key, task_id, owner, claimed_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (plan_key, task_id) DO UPDATE SET
                    owner = excluded.owner, claimed_at = excluded.claimed_at,
                    expires_at = excluded.expires_at",
            )?
            .execute(params![
                self.plan_key,
                task_id,
                owner,
                lease.now,
                lease.expires_at
            ])?;
            // The history line goes in the same transaction: one commit per claim.
            if record {
                let detail = stale.as_ref().map(|was| {
                    format!(
                        "stale claim of {} (lease ran out {})",
                        was.owner,
                        was.expires_at.as_deref().unwrap_or("at an unknown time")
                    )
                });
                tx.prepare_cached(
                    "INSERT INTO history (at, plan_key, task_id, action, actor, detail)
                 VALUES (?1, ?2, ?3, 'claim', ?4, ?5)",
                )?
                .execute(params![
                    lease.now,
                    self.plan_key,
                    task_id,
                    owner,
                    detail
                ])?;
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
        self.immediate("renew claims", |tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE claims SET expires_at = ?3
                 WHERE plan_key = ?1 AND owner = ?2 AND (?4 IS NULL OR task_id = ?4)
                 RETURNING task_id, owner, claimed_at, expires_at",
            )?;
            let rows = stmt
                .query_map(
                    params![self.plan_key, owner, lease.expires_at, task_id],
                    claim_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Removes the claim on `task_id`, whoever holds it, and returns it (`None` if unclaimed).
    pub fn release(&self, task_id: &str) -> Result<Option<Claim>, StateError> {
        self.immediate("release a task", |tx| {
            tx.query_row(
                "DELETE FROM claims WHERE plan_key = ?1 AND task_id = ?2
                 RETURNING task_id, owner, claimed_at, expires_at",
                params![self.plan_key, task_id],
                claim_from_row,
            )
            .optional()
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
        self.immediate("record ticks", |tx| {
            for task_id in task_ids {
                if release {
                    tx.prepare_cached("DELETE FROM claims WHERE plan_key = ?1 AND task_id = ?2")?
                        .execute(params![self.plan_key, task_id])?;
                }
                tx.prepare_cached(
                    "INSERT INTO history (at, plan_key, task_id, action, actor)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![now, self.plan_key, task_id, action, actor])?;
                if release {
                    tx.prepare_cached(
                        "INSERT INTO ticks (plan_key, task_id, at, actor) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (plan_key, task_id) DO UPDATE SET
                            at = excluded.at, actor = excluded.actor",
                    )?
                    .execute(params![self.plan_key, task_id, now, actor])?;
                } else {
                    tx.prepare_cached("DELETE FROM ticks WHERE plan_key = ?1 AND task_id = ?2")?
                        .execute(params![self.plan_key, task_id])?;
                }
            }
            Ok(())
        })
    }

    /// This plan's claims, live and stale, sorted by task id (digit runs compare as numbers:
    /// T2 < T10).
    pub fn claims(&self) -> Result<Vec<Claim>, StateError> {
        let mut claims = select_claims(&self.conn, &self.plan_key)
            .map_err(|e| StateError::sqlite(&self.db_path, "read claims", e))?;
        claims.sort_by(|a, b| natural_cmp(&a.task_id, &b.task_id));
        Ok(claims)
    }

    /// Tasks ticked with `baton done` (in any worktree) and not unticked since, with when and
    /// by whom: `(task_id, at, actor)`, sorted by task id.
    pub fn ticks(&self) -> Result<Vec<(String, String, Option<String>)>, StateError> {
        let err = |e| StateError::sqlite(&self.db_path, "read ticks", e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT task_id, at, actor FROM ticks WHERE plan_key = ?1")
            .map_err(err)?;
        let mut ticks = stmt
            .query_map([&self.plan_key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(err)?;
        ticks.sort_by(|a: &(String, String, Option<String>), b| natural_cmp(&a.0, &b.0));
        Ok(ticks)
    }

    /// The claim on `task_id`, if any.
    pub fn claim_of(&self, task_id: &str) -> Result<Option<Claim>, StateError> {
        select_claim(&self.conn, &self.plan_key, task_id)
            .map_err(|e| StateError::sqlite(&self.db_path, "read a claim", e))
    }

    /// Appends a line to this plan's history, stamped with the current time.
    pub fn record(
        &self,
        task_id: Option<&str>,
        action: &str,
        actor: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn
            .prepare_cached(
                "INSERT INTO history (at, plan_key, task_id, action, actor, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    now_rfc3339(),
                    self.plan_key,
                    task_id,
                    action,
                    actor,
                    detail
                ])
            })
            .map(drop)
            .map_err(|e| StateError::sqlite(&self.db_path, "record history", e))
    }

    /// The last `limit` history entries of this plan, oldest first.
    pub fn history(&self, limit: usize) -> Result<Vec<HistoryEntry>, StateError> {
        let err = |e| StateError::sqlite(&self.db_path, "read history", e);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, at, task_id, action, actor, detail FROM history
                 WHERE plan_key = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(err)?;
        let mut entries = stmt
            .query_map(params![self.plan_key, limit], |r| {
                Ok(HistoryEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    task_id: r.get(2)?,
                    action: r.get(3)?,
                    actor: r.get(4)?,
                    detail: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(err)?;
        entries.reverse();
        Ok(entries)
    }

    /// Brings the schema up to [`SCHEMA_VERSION`]. Cheap when it already is; concurrent
    /// openers serialize on the write lock and re-check the version inside it.
    fn migrate(&self) -> Result<(), StateError> {
        let version = self
            .user_version()
            .map_err(|e| self.err("read the schema version", e))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        self.check_version(version)?;
        let result = retry_busy(|| {
            let tx =
                rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let version = self.user_version()?;
            let from = usize::try_from(version).unwrap_or(usize::MAX);
            if let Some(pending) = MIGRATIONS.get(from..) {
                for sql in pending {
                    tx.execute_batch(sql)?;
                }
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            }
            tx.commit()?;
            Ok(version)
        });
        let version = result.map_err(|e| self.err("create or upgrade the schema", e))?;
        self.check_version(version)
    }

    fn check_version(&self, version: i64) -> Result<(), StateError> {
        if !(0..=SCHEMA_VERSION).contains(&version) {
            return Err(StateError::NewerSchema {
                path: self.db_path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    fn user_version(&self) -> rusqlite::Result<i64> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction: the write lock is taken up front
    /// (waiting up to the busy timeout), so reads inside see the state they then change.
    fn immediate<T>(
        &self,
        op: &'static str,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StateError> {
        let run = || {
            let tx =
                rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        };
        run().map_err(|e| self.err(op, e))
    }

    fn err(&self, op: &'static str, e: rusqlite::Error) -> StateError {
        StateError::sqlite(&self.db_path, op, e)
    }
}

fn select_claim(
    conn: &Connection,
    plan_key: &str,
    task_id: &str,
) -> rusqlite::Result<Option<Claim>> {
    conn.prepare_cached(
        "SELECT task_id, owner, claimed_at, expires_at FROM claims
         WHERE plan_key = ?1 AND task_id = ?2",
    )?
    .query_row(params![plan_key, task_id], claim_from_row)
    .optional()
}

fn select_claims(conn: &Connection, plan_key: &str) -> rusqlite::Result<Vec<Claim>> {
    conn.prepare_cached(
        "SELECT task_id, owner, claimed_at, expires_at FROM claims WHERE plan_key = ?1",
    )?
    .query_map([plan_key], claim_from_row)?
    .collect()
}

fn claim_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Claim> {
    Ok(Claim {
        task_id: r.get(0)?,
        owner: r.get(1)?,
        claimed_at: r.get(2)?,
        expires_at: r.get(3)?,
    })
}

/// Retries `f` while SQLite reports the database busy or locked, with a short growing
/// backoff, for up to [`BUSY_TIMEOUT`] in all.
fn retry_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
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
mod tests;
