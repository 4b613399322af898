//! A run's ready work as a queue in the store: the dispatcher puts each unit whose
//! dependencies merged on the queue, and starts what it takes off it.
//!
//! Why a queue and not a loop over memory: the state a run dispatches from is then in the
//! store with everything else it did, and taking is safe with several takers at once. On
//! PostgreSQL a take is one `UPDATE … WHERE … IN (SELECT … FOR UPDATE SKIP LOCKED)`: takers
//! on any number of machines never wait on each other's rows and never take one unit twice;
//! on SQLite the same statement is atomic under the database's write lock.

use super::db::{DbError, Dialect, args};
use super::{StateError, StateStore, now_rfc3339};

impl StateStore {
    /// Puts units of run `run` on its queue as ready, in the order given after whatever is
    /// queued already. A unit already on the queue is ready again (a resumed run's unit whose
    /// session never finished).
    pub fn enqueue_ready(&self, run: i64, units: &[&str]) -> Result<(), StateError> {
        if units.is_empty() {
            return Ok(());
        }
        let now = now_rfc3339();
        self.write("queue ready work", |tx| {
            let last: i64 = tx
                .query_opt(
                    "SELECT COALESCE(MAX(position), 0) FROM run_queue WHERE run_id = ?1",
                    args![run],
                )?
                .map_or(Ok(0), |r| r.get(0))?;
            for (n, unit) in units.iter().enumerate() {
                let position = last.saturating_add(i64::try_from(n).unwrap_or(i64::MAX) + 1);
                tx.execute(
                    "INSERT INTO run_queue (run_id, unit, position, queued_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (run_id, unit) DO UPDATE SET
                        position = excluded.position, queued_at = excluded.queued_at,
                        taken_at = NULL, taken_by = NULL",
                    args![run, *unit, position, &now],
                )?;
            }
            Ok(())
        })
    }

    /// Takes up to `limit` ready units of run `run` that nobody has taken, oldest first, for
    /// `taker`, and returns them. Concurrent takers each get different units.
    pub fn take_ready(
        &self,
        run: i64,
        taker: &str,
        limit: usize,
    ) -> Result<Vec<String>, StateError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let lock = match self.db.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE run_queue SET taken_at = ?3, taken_by = ?4
             WHERE run_id = ?1 AND unit IN (
                SELECT unit FROM run_queue WHERE run_id = ?1 AND taken_at IS NULL
                ORDER BY position LIMIT ?2 {lock})
             RETURNING unit, position"
        );
        let now = now_rfc3339();
        // One statement: atomic on its own, and on PostgreSQL free of the plan's lock, so
        // takers wait on nothing but the rows they take.
        let mut taken = self.read("take ready work", |db| {
            db.query(&sql, args![run, limit, &now, taker])?
                .iter()
                .map(|r| Ok((r.get::<i64>(1)?, r.get::<String>(0)?)))
                .collect::<Result<Vec<_>, DbError>>()
        })?;
        taken.sort();
        Ok(taken.into_iter().map(|(_, unit)| unit).collect())
    }

    /// Run `run`'s queue: `(unit, taken_by)` in queue order, None for a unit still waiting.
    pub fn run_queue(&self, run: i64) -> Result<Vec<(String, Option<String>)>, StateError> {
        self.read("read the run queue", |db| {
            db.query(
                "SELECT unit, taken_by FROM run_queue WHERE run_id = ?1 ORDER BY position",
                args![run],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use crate::state::test_db::{TestDb, test_dbs};

    #[test]
    fn units_are_taken_in_queue_order_once_and_a_requeued_unit_is_ready_again() {
        for db in test_dbs() {
            let store = db.open("plan.md");
            store
                .enqueue_ready(7, &["session-2", "session-1"])
                .expect("queue");
            store.enqueue_ready(7, &["session-3"]).expect("queue");
            store.enqueue_ready(8, &["other"]).expect("queue");
            assert_eq!(
                store.take_ready(7, "a", 2).expect("take"),
                ["session-2", "session-1"],
                "{}",
                db.name()
            );
            assert_eq!(
                store.take_ready(7, "a", 0).expect("take"),
                Vec::<String>::new()
            );
            assert_eq!(store.take_ready(7, "b", 5).expect("take"), ["session-3"]);
            assert!(store.take_ready(7, "b", 5).expect("take").is_empty());
            store.enqueue_ready(7, &["session-1"]).expect("requeue");
            assert_eq!(store.take_ready(7, "c", 5).expect("take"), ["session-1"]);
            assert_eq!(
                store.run_queue(7).expect("queue"),
                [
                    ("session-2".to_string(), Some("a".to_string())),
                    ("session-3".to_string(), Some("b".to_string())),
                    ("session-1".to_string(), Some("c".to_string())),
                ]
            );
        }
    }

    #[test]
    fn eight_takers_at_once_never_take_a_unit_twice() {
        const TAKERS: usize = 8;
        const UNITS: usize = 200;
        for db in test_dbs() {
            let db = Arc::new(db);
            let names: Vec<String> = (0..UNITS).map(|i| format!("u{i}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            db.open("plan.md").enqueue_ready(1, &refs).expect("queue");
            let go = Arc::new(Barrier::new(TAKERS));
            let handles: Vec<_> = (0..TAKERS)
                .map(|t| {
                    let (db, go): (Arc<TestDb>, _) = (db.clone(), go.clone());
                    std::thread::spawn(move || {
                        let store = db.open("plan.md");
                        go.wait();
                        let mut mine = Vec::new();
                        loop {
                            let got = store.take_ready(1, &format!("t{t}"), 3).expect("take");
                            if got.is_empty() {
                                break mine;
                            }
                            mine.extend(got);
                        }
                    })
                })
                .collect();
            let mut all: Vec<String> = handles
                .into_iter()
                .flat_map(|h| h.join().expect("taker"))
                .collect();
            all.sort();
            let mut expected = names.clone();
            expected.sort();
            assert_eq!(all, expected, "{}: each unit taken exactly once", db.name());
        }
    }
}
