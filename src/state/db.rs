//! The one SQL surface the state store speaks, over SQLite or PostgreSQL.
//!
//! Why it exists: the store's queries (claims, history, ticks, sessions, the run ledger) are
//! the same on both databases; only how a statement reaches the server, how a write is made
//! exclusive and how a value comes back differ. Keeping those differences here lets every
//! query be written once, with `?1`-style placeholders (rewritten to `$1` for PostgreSQL),
//! and lets one test suite run against both backends.
//!
//! A write ([`Db::write`]) is exclusive per key: SQLite takes its database-wide write lock
//! (`BEGIN IMMEDIATE`); PostgreSQL takes a transaction-scoped advisory lock on the key, so
//! the reads a write makes (who holds a task, the last history id) see the state it then
//! changes, exactly as on SQLite. A PostgreSQL connection that drops (a server restart, a
//! network blip) is reopened and the operation run again, for up to [`RECONNECT_FOR`].

use std::cell::RefCell;
use std::error::Error as _;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres_rustls::MakeRustlsConnect;

/// How long an operation keeps reconnecting to a PostgreSQL server that went away.
pub const RECONNECT_FOR: Duration = Duration::from_secs(60);

/// How long a PostgreSQL statement waits for a lock another session holds.
const PG_LOCK_TIMEOUT: &str = "10s";

/// A value bound to a placeholder. NULLs carry their type: PostgreSQL checks it.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    NullInt,
    NullText,
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<u32> for Arg<'_> {
    fn from(v: u32) -> Self {
        Arg::Int(i64::from(v))
    }
}

impl From<usize> for Arg<'_> {
    fn from(v: usize) -> Self {
        Arg::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Arg::NullText, Arg::Text)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().map_or(Arg::NullText, Arg::Text)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Arg::NullInt, Arg::Int)
    }
}

/// `args![a, b, c]`: the placeholders' values, in order.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::state::db::Arg::from($value)),*][..]
    };
}
pub(crate) use args;

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Arg::Int(v) => ToSqlOutput::Owned(Value::Integer(v)),
            Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Arg::NullInt | Arg::NullText => ToSqlOutput::Owned(Value::Null),
        })
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Arg::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Arg::Int(v) => v.to_sql(ty, out),
            Arg::Text(s) => s.to_sql(ty, out),
            Arg::NullInt | Arg::NullText => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <i64 as ToSql>::accepts(ty) || <i32 as ToSql>::accepts(ty) || <&str as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

/// One value read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// One row read back, its columns in the order the query named them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Cell>);

impl Row {
    /// Column `i` as `T`; a column of another type is an error, never a guess.
    pub fn get<T: FromCell>(&self, i: usize) -> Result<T, DbError> {
        let cell = self.0.get(i).unwrap_or(&Cell::Null);
        T::from_cell(cell).ok_or_else(|| DbError::Type {
            column: i,
            expected: T::NAME,
            found: format!("{cell:?}"),
        })
    }
}

/// A Rust type a [`Cell`] converts to.
pub trait FromCell: Sized {
    const NAME: &'static str;
    fn from_cell(cell: &Cell) -> Option<Self>;
}

impl FromCell for i64 {
    const NAME: &'static str = "an integer";
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl FromCell for u32 {
    const NAME: &'static str = "a small non-negative integer";
    fn from_cell(cell: &Cell) -> Option<Self> {
        i64::from_cell(cell).and_then(|v| u32::try_from(v).ok())
    }
}

impl FromCell for bool {
    const NAME: &'static str = "0 or 1";
    fn from_cell(cell: &Cell) -> Option<Self> {
        i64::from_cell(cell).map(|v| v != 0)
    }
}

impl FromCell for String {
    const NAME: &'static str = "text";
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    const NAME: &'static str = T::NAME;
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Null => Some(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// Why a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] postgres::Error),
    /// A row changed between a locked read and the write that depended on it.
    #[error("{0} changed while it was being written")]
    Raced(&'static str),
    /// The server's URL asks for something baton cannot do (a TLS setting).
    #[error("{0}")]
    Setting(String),
    #[error("column {column} holds {found}, not {expected}")]
    Type {
        column: usize,
        expected: &'static str,
        found: String,
    },
}

impl DbError {
    /// PostgreSQL gave up waiting for a lock ([`PG_LOCK_TIMEOUT`]).
    pub fn is_pg_lock_timeout(&self) -> bool {
        matches!(self, DbError::Postgres(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE))
    }
}

/// What runs statements: a connection, or a write transaction on one.
pub trait Exec {
    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, DbError>;
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError>;

    /// The first row, if any.
    fn query_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }
}

impl Exec for &rusqlite::Connection {
    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.prepare_cached(sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                use rusqlite::types::ValueRef;
                cells.push(match row.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Cell::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Row(cells));
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError> {
        let n = self
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(args))?;
        Ok(n as u64)
    }
}

/// A PostgreSQL client or transaction.
struct Pg<'c, C: postgres::GenericClient>(&'c mut C);

impl<C: postgres::GenericClient> Exec for Pg<'_, C> {
    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, DbError> {
        let sql = dollar_placeholders(sql);
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        self.0
            .query(sql.as_str(), &params)?
            .iter()
            .map(pg_row)
            .collect()
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError> {
        let sql = dollar_placeholders(sql);
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        Ok(self.0.execute(sql.as_str(), &params)?)
    }
}

fn pg_row(row: &postgres::Row) -> Result<Row, DbError> {
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Cell::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map(|v| Cell::Int(i64::from(v)))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|v| Cell::Int(i64::from(v)))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?
                .map(|v| Cell::Int(i64::from(v)))
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(i)?.map(Cell::Real)
        } else {
            row.try_get::<_, Option<String>>(i)?.map(Cell::Text)
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}

/// `?1` → `$1`: the store's queries are written once, in SQLite's numbered style.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// Which SQL a query must be written in where the two differ (JSON, for one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// An open database.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<PgConn>>),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite(_) => f.write_str("Db::Sqlite"),
            Db::Postgres(_) => f.write_str("Db::Postgres"),
        }
    }
}

/// A PostgreSQL connection and what it takes to open it again.
pub struct PgConn {
    url: String,
    config: postgres::Config,
    /// TLS as the URL's `sslmode` asks (None: `disable`; src/state/pg_tls.rs).
    tls: Option<MakeRustlsConnect>,
    /// None only while it is being replaced, and after the store is dropped.
    client: Option<postgres::Client>,
}

/// Connections this process made that no store holds now, by URL: a command opens the store
/// several times (claims, ticks, history), and each open after the first reuses the
/// connection instead of making a new one (a TCP handshake, a login, a server process).
static IDLE: std::sync::Mutex<Vec<(String, postgres::Client)>> = std::sync::Mutex::new(Vec::new());

/// At most this many idle connections are kept (a run's threads each open the store).
const IDLE_MAX: usize = 8;

impl PgConn {
    /// Connects (or takes this process's idle connection to the same URL), giving up after
    /// `connect_timeout` (the URL's own, else 10 s).
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        let settings = super::pg_tls::split(url).map_err(DbError::Setting)?;
        let mut config: postgres::Config = settings.url.parse()?;
        config.ssl_mode(settings.ssl_mode());
        let tls = settings.connector().map_err(DbError::Setting)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        config.options(&format!("-c lock_timeout={PG_LOCK_TIMEOUT}"));
        config.application_name("baton");
        let idle = IDLE.lock().ok().and_then(|mut idle| {
            let at = idle.iter().position(|(u, c)| u == url && !c.is_closed())?;
            Some(idle.swap_remove(at).1)
        });
        let client = match idle {
            Some(client) => client,
            None => connect_through_restart(&config, tls.as_ref())?,
        };
        Ok(PgConn {
            url: url.to_string(),
            config,
            tls,
            client: Some(client),
        })
    }

    /// The URL it was opened with.
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// Runs `op`, reconnecting and running it again while the server is away (a restart),
    /// for up to [`RECONNECT_FOR`]. Anything else fails at once.
    pub(super) fn with<T>(
        &mut self,
        mut op: impl FnMut(&mut postgres::Client) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let deadline = Instant::now() + RECONNECT_FOR;
        let mut pause = Duration::from_millis(50);
        loop {
            let err = match self.client.as_mut() {
                Some(client) => match op(client) {
                    Err(e) if is_connection_loss(&e, client.is_closed()) => e,
                    other => return other,
                },
                None => DbError::Raced("the connection"),
            };
            self.client = None;
            // Reconnect until the server answers again or time runs out.
            loop {
                if Instant::now() >= deadline {
                    return Err(err);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
                match open(&self.config, self.tls.as_ref()) {
                    Ok(client) => {
                        self.client = Some(client);
                        break;
                    }
                    Err(e) => {
                        let e = DbError::Postgres(e);
                        if !is_connection_loss(&e, false) {
                            return Err(e);
                        }
                    }
                }
            }
        }
    }
}

/// How long opening the store keeps trying a server that refuses connections (its port
/// closed: a restart between its stop and its start, or simply the wrong address).
const REFUSED_FOR: Duration = Duration::from_secs(10);

/// Connects, waiting out a server that is restarting: one that says it is starting or
/// shutting down is tried again for up to [`RECONNECT_FOR`], one that refuses connections
/// for up to [`REFUSED_FOR`]; anything else (a wrong password, no such database) fails at
/// once.
fn connect_through_restart(
    config: &postgres::Config,
    tls: Option<&MakeRustlsConnect>,
) -> Result<postgres::Client, DbError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(50);
    loop {
        let e = match open(config, tls) {
            Ok(client) => return Ok(client),
            Err(e) => DbError::Postgres(e),
        };
        let DbError::Postgres(pg) = &e else {
            return Err(e);
        };
        let limit = if pg.code().is_some() {
            RECONNECT_FOR
        } else {
            REFUSED_FOR
        };
        if !is_connection_loss(&e, false) || start.elapsed() + pause >= limit {
            return Err(e);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// One connection, over TLS when `tls` is given.
fn open(
    config: &postgres::Config,
    tls: Option<&MakeRustlsConnect>,
) -> Result<postgres::Client, postgres::Error> {
    match tls {
        Some(tls) => config.connect(tls.clone()),
        None => config.connect(postgres::NoTls),
    }
}

impl Drop for PgConn {
    /// Keeps the connection for the next store this process opens. Every transaction has
    /// ended by now (committed, or rolled back when it was dropped).
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && !client.is_closed()
            && let Ok(mut idle) = IDLE.lock()
            && idle.len() < IDLE_MAX
        {
            idle.push((std::mem::take(&mut self.url), client));
        }
    }
}

/// The connection is gone, or the server is shutting down or starting: worth reconnecting.
fn is_connection_loss(err: &DbError, client_closed: bool) -> bool {
    let DbError::Postgres(e) = err else {
        return false;
    };
    if e.is_closed() || client_closed {
        return true;
    }
    if let Some(code) = e.code() {
        return [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
        ]
        .contains(code);
    }
    // No server code: the socket failed (refused while the server restarts, reset). A TLS
    // handshake that failed (a certificate refused) comes as invalid data: not worth a retry.
    e.source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() != std::io::ErrorKind::InvalidData)
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs one statement outside any write transaction.
    pub fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, DbError> {
        match self {
            Db::Sqlite(conn) => (&*conn).query(sql, args),
            Db::Postgres(pg) => pg.borrow_mut().with(|client| Pg(client).query(sql, args)),
        }
    }

    /// Runs the reads in `f`; on PostgreSQL again on a new connection if the server went
    /// away in between.
    pub fn read<T>(
        &self,
        mut f: impl FnMut(&mut dyn Exec) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        match self {
            Db::Sqlite(conn) => f(&mut &*conn),
            Db::Postgres(pg) => pg.borrow_mut().with(|client| f(&mut Pg(client))),
        }
    }

    /// The first row of one statement, if any.
    pub fn query_opt(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// Runs `f` as one transaction, exclusive with every other write under `key` (on SQLite,
    /// with every other write): what `f` reads stays true until it commits. On PostgreSQL a
    /// lost connection runs `f` again on a new one.
    pub fn write<T>(
        &self,
        key: &str,
        mut f: impl FnMut(&mut dyn Exec) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        match self {
            Db::Sqlite(conn) => {
                let tx = rusqlite::Transaction::new_unchecked(
                    conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                let value = f(&mut &*tx)?;
                tx.commit()?;
                Ok(value)
            }
            Db::Postgres(pg) => pg.borrow_mut().with(|client| {
                let mut tx = client.transaction()?;
                tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])?;
                let value = f(&mut Pg(&mut tx))?;
                tx.commit()?;
                Ok(value)
            }),
        }
    }

    /// Runs a script of statements outside any transaction of its own (tests reach into
    /// the schema with it).
    #[cfg(test)]
    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        match self {
            Db::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Db::Postgres(pg) => pg
                .borrow_mut()
                .with(|client| Ok(client.batch_execute(sql)?)),
        }
    }
}

/// `postgres://user:secret@host/db` shown as `postgres://user:***@host/db`: error messages
/// and logs name the server, never its password.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE x = ?1 AND (?12 IS NULL OR y = ?2) -- ?"),
            "SELECT a FROM t WHERE x = $1 AND ($12 IS NULL OR y = $2) -- ?"
        );
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://baton:s3cret@db.example:5432/state?sslmode=disable"),
            "postgres://baton:***@db.example:5432/state?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgresql://baton@127.0.0.1/state"),
            "postgresql://baton@127.0.0.1/state"
        );
        assert_eq!(redact_url("host=/tmp user=x"), "host=/tmp user=x");
    }

    #[test]
    fn cells_convert_only_to_what_they_hold() {
        let row = Row(vec![Cell::Int(3), Cell::Null, Cell::Text("x".into())]);
        assert_eq!(row.get::<i64>(0).expect("int"), 3);
        assert_eq!(row.get::<u32>(0).expect("u32"), 3);
        assert_eq!(row.get::<Option<String>>(1).expect("null"), None);
        assert_eq!(row.get::<String>(2).expect("text"), "x");
        assert!(row.get::<i64>(2).is_err());
        assert!(row.get::<String>(1).is_err());
        assert!(row.get::<String>(9).is_err(), "a missing column is NULL");
    }
}
