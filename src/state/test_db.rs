//! The store's tests run against every backend: a SQLite file in a temporary folder, and a
//! fresh database on a real PostgreSQL server that the tests start on loopback
//! (tests/support/pg-server.sh; stopped when the test process ends).
//!
//! Without PostgreSQL installed the PostgreSQL half is skipped with a note on stderr, unless
//! `BATON_REQUIRE_POSTGRES` is set (as `.ci/run` does): then a missing server fails the test.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::StateStore;

/// The switch under which a PostgreSQL server that cannot be started fails the tests.
pub const REQUIRE_ENV: &str = "BATON_REQUIRE_POSTGRES";

/// Where one test's state lives.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl TestDb {
    /// Opens the store for `plan_key`, as a new process would.
    pub fn open(&self, plan_key: &str) -> StateStore {
        self.try_open(plan_key).expect("open the test store")
    }

    pub fn try_open(&self, plan_key: &str) -> Result<StateStore, super::StateError> {
        match self {
            TestDb::Sqlite(dir) => StateStore::open_at(&dir.path().join("state.db"), plan_key),
            TestDb::Postgres(url) => StateStore::open_postgres(url, plan_key),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            TestDb::Sqlite(_) => "sqlite",
            TestDb::Postgres(_) => "postgres",
        }
    }
}

/// A fresh, empty store on each backend that can run here.
pub fn test_dbs() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::Sqlite(tempfile::tempdir().expect("tempdir"))];
    if let Some(url) = fresh_pg_database() {
        dbs.push(TestDb::Postgres(url));
    }
    dbs
}

/// The test server's URL (its `postgres` database), started on first use.
pub fn pg_server() -> Option<&'static str> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    SERVER.get_or_init(start_server).as_deref()
}

#[allow(clippy::print_stderr)]
fn start_server() -> Option<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pg-server.sh");
    let dir = std::env::temp_dir().join(format!("baton-pg-test-{}", std::process::id()));
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg("start")
        .arg(&dir)
        .arg(std::process::id().to_string())
        .stdin(std::process::Stdio::null())
        .output();
    match out {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(
                std::env::var_os(REQUIRE_ENV).is_none(),
                "{REQUIRE_ENV} is set but no PostgreSQL server could be started: {why}"
            );
            eprintln!("SKIPPED the PostgreSQL half of the state tests: {why}");
            None
        }
    }
}

/// A new, empty database on the test server: its URL.
pub fn fresh_pg_database() -> Option<String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = pg_server()?;
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = postgres::Client::connect(base, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => base.to_string(),
    })
}
