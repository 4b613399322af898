//! The state database's schema on each backend, and how it is brought up to date.
//!
//! Why it exists: a store opened by a newer baton upgrades the schema in place, one versioned
//! migration at a time, under the database's write lock, so any number of processes opening
//! it at once upgrade it exactly once; a database written by a newer baton than this one is
//! refused, never rewritten. SQLite keeps its version in `PRAGMA user_version`, PostgreSQL
//! in the table `baton_schema`. The two schemas hold the same tables and columns; SQLite's
//! grew step by step, PostgreSQL's starts at what SQLite's is now.

use std::time::{Duration, Instant};

use super::db::{Db, DbError};

/// The schema version this build writes on SQLite (stored in `PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version this build writes on PostgreSQL (the row of `baton_schema`).
pub const PG_SCHEMA_VERSION: i64 = PG_MIGRATIONS.len() as i64;

/// SQLite migration `i` brings the schema from version `i` to `i + 1`. Each is idempotent.
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
    // 7: a run's ready work as a queue (src/state/queue.rs).
    RUN_QUEUE,
    // 8: which machine drives a run, and when it last said so (src/state/driver.rs).
    RUN_DRIVER,
];

/// The machine driving a run and its heartbeat; the same on both backends.
const RUN_DRIVER: &str = "ALTER TABLE runs ADD COLUMN host TEXT;
    ALTER TABLE runs ADD COLUMN seen_at TEXT";

/// The queue of a run's ready units; the same on both backends.
const RUN_QUEUE: &str = "CREATE TABLE IF NOT EXISTS run_queue (
        run_id    BIGINT NOT NULL,
        unit      TEXT NOT NULL,
        position  BIGINT NOT NULL,
        queued_at TEXT NOT NULL,
        taken_at  TEXT,
        taken_by  TEXT,
        PRIMARY KEY (run_id, unit)
    );
    CREATE INDEX IF NOT EXISTS run_queue_ready ON run_queue (run_id, position)";

/// PostgreSQL migration `i` brings the schema from version `i` to `i + 1`. Integers are
/// `BIGINT` (what the store binds), times RFC 3339 text as on SQLite.
const PG_MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's six migrations made.
    "CREATE TABLE IF NOT EXISTS claims (
        plan_key   TEXT NOT NULL,
        task_id    TEXT NOT NULL,
        owner      TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        expires_at TEXT,
        PRIMARY KEY (plan_key, task_id)
    );
    CREATE TABLE IF NOT EXISTS history (
        id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at       TEXT NOT NULL,
        plan_key TEXT NOT NULL,
        task_id  TEXT,
        action   TEXT NOT NULL,
        actor    TEXT,
        detail   TEXT
    );
    CREATE INDEX IF NOT EXISTS history_by_plan ON history (plan_key, id);
    CREATE TABLE IF NOT EXISTS ticks (
        plan_key TEXT NOT NULL,
        task_id  TEXT NOT NULL,
        at       TEXT NOT NULL,
        actor    TEXT,
        PRIMARY KEY (plan_key, task_id)
    );
    CREATE TABLE IF NOT EXISTS session_starts (
        plan_key   TEXT NOT NULL,
        session_id TEXT NOT NULL,
        name       TEXT,
        started_at TEXT NOT NULL,
        history_id BIGINT NOT NULL,
        ticked     TEXT NOT NULL,
        claims     TEXT NOT NULL,
        decisions  TEXT NOT NULL,
        PRIMARY KEY (plan_key, session_id)
    );
    CREATE TABLE IF NOT EXISTS session_gates (
        plan_key   TEXT NOT NULL,
        session_id TEXT NOT NULL,
        blocks     BIGINT NOT NULL,
        at         TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        result     TEXT,
        PRIMARY KEY (plan_key, session_id)
    );
    CREATE TABLE IF NOT EXISTS runs (
        id          BIGINT PRIMARY KEY,
        plan_key    TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        phase       BIGINT NOT NULL,
        integration TEXT NOT NULL,
        agent       TEXT NOT NULL,
        outcome     TEXT,
        layout      TEXT,
        pid         BIGINT
    );
    CREATE TABLE IF NOT EXISTS run_sessions (
        run_id      BIGINT NOT NULL,
        session     TEXT NOT NULL,
        attempt     BIGINT NOT NULL,
        tasks       TEXT NOT NULL,
        branch      TEXT NOT NULL,
        worktree    TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        outcome     TEXT,
        pid         BIGINT,
        exited_at   TEXT,
        exit        TEXT,
        exit_ok     BIGINT,
        PRIMARY KEY (run_id, session, attempt)
    );
    CREATE TABLE IF NOT EXISTS run_events (
        id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        run_id  BIGINT NOT NULL,
        at      TEXT NOT NULL,
        kind    TEXT NOT NULL,
        session TEXT,
        body    TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS run_events_by_run ON run_events (run_id, id);
    CREATE INDEX IF NOT EXISTS run_events_by_kind ON run_events (run_id, kind, session, id);",
    // 2: a run's ready work as a queue.
    RUN_QUEUE,
    // 3: which machine drives a run, and when it last said so.
    RUN_DRIVER,
];

/// Brings the schema up to date; returns the version found before (a version newer than this
/// build's is returned untouched, for the caller to refuse).
pub(super) fn migrate(db: &Db) -> Result<i64, DbError> {
    match db {
        Db::Sqlite(conn) => migrate_sqlite(conn),
        Db::Postgres(_) => migrate_postgres(db),
    }
}

fn migrate_sqlite(conn: &rusqlite::Connection) -> Result<i64, DbError> {
    let user_version = || conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    let version = user_version()?;
    if version >= SCHEMA_VERSION {
        return Ok(version);
    }
    // Concurrent openers serialize on the write lock and re-check the version inside it.
    Ok(retry_busy(|| {
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        let version = user_version()?;
        let from = usize::try_from(version).unwrap_or(usize::MAX);
        if let Some(pending) = MIGRATIONS.get(from..) {
            for sql in pending {
                tx.execute_batch(sql)?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        tx.commit()?;
        Ok(version)
    })?)
}

/// The advisory lock every migrating baton takes (`baton` in ASCII).
const PG_MIGRATION_LOCK: i64 = 0x0062_6174_6f6e;

/// Servers (by URL) this process found with a current schema: later opens skip the check.
static CURRENT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn migrate_postgres(db: &Db) -> Result<i64, DbError> {
    let Db::Postgres(pg) = db else {
        return Ok(0);
    };
    let url = pg.borrow().url().to_string();
    if CURRENT.lock().is_ok_and(|known| known.contains(&url)) {
        return Ok(PG_SCHEMA_VERSION);
    }
    let found = check_postgres(db)?;
    if found <= PG_SCHEMA_VERSION
        && let Ok(mut known) = CURRENT.lock()
    {
        known.push(url);
    }
    Ok(found)
}

fn check_postgres(db: &Db) -> Result<i64, DbError> {
    // The common case, a schema already current, costs one read and no lock.
    let current = db
        .query_opt("SELECT version FROM baton_schema", &[])
        .ok()
        .flatten()
        .and_then(|row| row.get::<i64>(0).ok());
    if let Some(version) = current.filter(|v| *v >= PG_SCHEMA_VERSION) {
        return Ok(version);
    }
    let Db::Postgres(pg) = db else {
        return Ok(0);
    };
    pg.borrow_mut().with(|client| {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PG_MIGRATION_LOCK])?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS baton_schema (version BIGINT NOT NULL)")?;
        let version: i64 = match tx.query_opt("SELECT version FROM baton_schema", &[])? {
            Some(row) => row.try_get(0)?,
            None => {
                tx.execute("INSERT INTO baton_schema (version) VALUES (0)", &[])?;
                0
            }
        };
        let from = usize::try_from(version).unwrap_or(usize::MAX);
        if let Some(pending) = PG_MIGRATIONS.get(from..) {
            for sql in pending {
                tx.batch_execute(sql)?;
            }
            tx.execute(
                "UPDATE baton_schema SET version = $1",
                &[&PG_SCHEMA_VERSION],
            )?;
        }
        tx.commit()?;
        Ok(version)
    })
}

/// How long SQLite statements wait for another process's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Retries `f` while SQLite reports the database busy or locked, with a short growing
/// backoff, for up to [`BUSY_TIMEOUT`] in all.
pub(super) fn retry_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Err(e) if super::is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use crate::state::StateStore;
    use crate::state::test_db::fresh_pg_database;

    /// Each table's column names, by table.
    type Columns = BTreeMap<String, BTreeSet<String>>;

    /// The two migration lists are written apart (their types differ on purpose); what they
    /// build must not: the same tables, each with the same columns.
    #[test]
    fn both_backends_build_the_same_tables_with_the_same_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.db");
        StateStore::open_at(&path, "plan.md").expect("the SQLite schema");
        let sqlite = sqlite_columns(&path);
        for table in ["claims", "history", "runs", "run_sessions", "run_events"] {
            assert!(sqlite.contains_key(table), "{table} in {sqlite:?}");
        }
        let Some(url) = fresh_pg_database() else {
            return;
        };
        StateStore::open_postgres(&url, "plan.md").expect("the PostgreSQL schema");
        let postgres = postgres_columns(&url);
        assert_eq!(
            sqlite.keys().collect::<Vec<_>>(),
            postgres.keys().collect::<Vec<_>>(),
            "the same tables on SQLite (left) and PostgreSQL (right)"
        );
        for (table, columns) in &sqlite {
            assert_eq!(
                columns, &postgres[table],
                "the columns of {table} on SQLite (left) and PostgreSQL (right)"
            );
        }
    }

    /// SQLite keeps its schema version in `PRAGMA user_version`: every table counts, but
    /// SQLite's own.
    fn sqlite_columns(path: &Path) -> Columns {
        let conn = rusqlite::Connection::open(path).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            )
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .expect("query");
        let mut out = Columns::new();
        for row in rows {
            let (table, column) = row.expect("row");
            out.entry(table).or_default().insert(column);
        }
        out
    }

    /// PostgreSQL keeps its schema version in the table `baton_schema`: not one of the
    /// store's tables.
    fn postgres_columns(url: &str) -> Columns {
        let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
        let rows = client
            .query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name <> 'baton_schema'",
                &[],
            )
            .expect("query");
        let mut out = Columns::new();
        for row in rows {
            out.entry(row.get(0)).or_default().insert(row.get(1));
        }
        out
    }
}
