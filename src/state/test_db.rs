//! The store's tests run against every backend: a SQLite file in a temporary folder, and a
//! fresh database on a real PostgreSQL server that the tests start on loopback
//! (tests/support/pg-server.sh; stopped when the test process ends).
//!
//! Without PostgreSQL installed the PostgreSQL half is skipped with a note on stderr, unless
//! `BATON_REQUIRE_POSTGRES` is set (as `.ci/run` does): then a missing server fails the test.

use super::StateStore;

/// How the test server is started, shared with the CLI tests.
#[path = "../../tests/support/pg.rs"]
mod pg;

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
    pg::shared_server("the PostgreSQL half of the state tests")
}

/// A new, empty database on the test server: its URL.
pub fn fresh_pg_database() -> Option<String> {
    let base = pg_server()?;
    let (name, url) = pg::new_database(base, "t");
    let mut client = postgres::Client::connect(base, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(url)
}
