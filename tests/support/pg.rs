//! Starting the tests' PostgreSQL server (tests/support/pg-server.sh), one way for both test
//! builds that need it: the library's store tests (src/state/test_db.rs) and the CLI test
//! binary (tests/cli/postgres.rs). Neither can import the other, so each includes this file
//! with `#[path]`; it uses std only.
//!
//! A server that cannot be started (no PostgreSQL installed) skips the test with a note on
//! stderr, unless `BATON_REQUIRE_POSTGRES` is set (as `.ci/run` does): then it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The switch under which a PostgreSQL server that cannot be started fails the tests.
pub const REQUIRE_ENV: &str = "BATON_REQUIRE_POSTGRES";

/// The script that starts, restarts and stops a test server.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pg-server.sh")
}

/// Starts a server of its own in `dir` (stopped when this test process ends); its URL (its
/// `postgres` database). None when it cannot be started, with a note naming what is
/// `skipped`, unless [`REQUIRE_ENV`] is set: then it panics.
pub fn start_server(dir: &Path, skipped: &str) -> Option<String> {
    start_server_with(dir, skipped, &[])
}

/// [`start_server`] with settings for the script (`PG_TLS=1`: TLS only, certificates in
/// `dir/tls`).
#[allow(clippy::print_stderr)]
pub fn start_server_with(dir: &Path, skipped: &str, env: &[(&str, &str)]) -> Option<String> {
    let out = Command::new("bash")
        .envs(env.iter().copied())
        .arg(script())
        .arg("start")
        .arg(dir)
        .arg(std::process::id().to_string())
        .stdin(Stdio::null())
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
            eprintln!("SKIPPED {skipped}: {why}");
            None
        }
    }
}

/// The server the tests of this process share, started on first use (the note of the
/// first call names what is skipped).
pub fn shared_server(skipped: &str) -> Option<&'static str> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("baton-pg-{}", std::process::id()));
            start_server(&dir, skipped)
        })
        .as_deref()
}

/// A name for a new database, unique in this process (`PREFIX{pid}_{n}`), and its URL on
/// the server at `base`; the caller creates it.
pub fn new_database(base: &str, prefix: &str) -> (String, String) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "{prefix}{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (server, _) = base.rsplit_once('/').expect("a database in the URL");
    let url = format!("{server}/{name}");
    (name, url)
}
