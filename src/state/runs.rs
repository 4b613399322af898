//! `baton run` in the shared state: each run, each session attempt it started, and every
//! event it went through, with times. Why here: a run outlives the terminal that started it,
//! and other processes (`baton status`, the MCP server, a dashboard) read what it did from
//! the store, never from its output.

use rusqlite::{OptionalExtension, params};

use super::{StateError, StateStore, now_rfc3339};

/// One run as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// 1-based.
    pub phase: i64,
    pub integration: String,
    pub agent: String,
    pub outcome: Option<String>,
}

/// One recorded event of a run: `(at, kind, session, JSON body)`.
pub type RunEventRow = (String, String, Option<String>, String);

impl StateStore {
    /// The id the next run would get (nothing is written).
    pub fn next_run_id(&self) -> Result<i64, StateError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM runs", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err("read runs", e))
    }

    /// Records a run starting; returns its id.
    pub fn start_run(
        &self,
        phase: usize,
        integration: &str,
        agent: &str,
    ) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO runs (plan_key, started_at, phase, integration, agent)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    self.plan_key,
                    now_rfc3339(),
                    phase as i64,
                    integration,
                    agent
                ],
            )
            .map_err(|e| self.err("record a run", e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how a run ended.
    pub fn finish_run(&self, id: i64, outcome: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
                params![id, now_rfc3339(), outcome],
            )
            .map(drop)
            .map_err(|e| self.err("record a run's end", e))
    }

    /// A run by id.
    pub fn run(&self, id: i64) -> Result<Option<RunRecord>, StateError> {
        self.conn
            .query_row(
                "SELECT id, started_at, finished_at, phase, integration, agent, outcome
                 FROM runs WHERE id = ?1",
                [id],
                |r| {
                    Ok(RunRecord {
                        id: r.get(0)?,
                        started_at: r.get(1)?,
                        finished_at: r.get(2)?,
                        phase: r.get(3)?,
                        integration: r.get(4)?,
                        agent: r.get(5)?,
                        outcome: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err("read a run", e))
    }

    /// Records a session attempt starting.
    pub fn start_run_session(
        &self,
        run: i64,
        session: &str,
        attempt: u32,
        tasks: &[String],
        branch: &str,
        worktree: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO run_sessions
                    (run_id, session, attempt, tasks, branch, worktree, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    run,
                    session,
                    attempt,
                    tasks.join(" "),
                    branch,
                    worktree,
                    now_rfc3339()
                ],
            )
            .map(drop)
            .map_err(|e| self.err("record a run session", e))
    }

    /// Records how a session attempt ended (`passed`, `failed`, `merged`, `conflict`…).
    pub fn finish_run_session(
        &self,
        run: i64,
        session: &str,
        attempt: u32,
        outcome: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE run_sessions SET finished_at = ?4, outcome = ?5
                 WHERE run_id = ?1 AND session = ?2 AND attempt = ?3",
                params![run, session, attempt, now_rfc3339(), outcome],
            )
            .map(drop)
            .map_err(|e| self.err("record a run session's end", e))
    }

    /// Appends one event of a run: its kind, its session if any, its JSON body.
    pub fn record_run_event(
        &self,
        run: i64,
        kind: &str,
        session: Option<&str>,
        body: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO run_events (run_id, at, kind, session, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![run, now_rfc3339(), kind, session, body],
            )
            .map(drop)
            .map_err(|e| self.err("record a run event", e))
    }

    /// A run's events, oldest first: `(at, kind, session, body)`.
    pub fn run_events(&self, run: i64) -> Result<Vec<RunEventRow>, StateError> {
        let err = |e| self.err("read run events", e);
        let mut stmt = self
            .conn
            .prepare("SELECT at, kind, session, body FROM run_events WHERE run_id = ?1 ORDER BY id")
            .map_err(err)?;
        let rows = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_its_sessions_and_events_round_trip() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = StateStore::open_at(&dir.path().join("state.db"), "plan.md").expect("open");
        assert_eq!(store.next_run_id().expect("next"), 1);
        let id = store.start_run(1, "main", "fake").expect("start");
        assert_eq!(store.next_run_id().expect("next"), id + 1);
        store
            .start_run_session(id, "session-1", 1, &["T1".into(), "T2".into()], "b", "w")
            .expect("session");
        store
            .finish_run_session(id, "session-1", 1, "merged")
            .expect("end");
        store
            .record_run_event(id, "run_started", None, "{}")
            .expect("event");
        store
            .record_run_event(id, "merged", Some("session-1"), "{\"x\":1}")
            .expect("event");
        store.finish_run(id, "success").expect("finish");
        let run = store.run(id).expect("read").expect("there");
        assert_eq!(run.outcome.as_deref(), Some("success"));
        assert_eq!(run.agent, "fake");
        let events = store.run_events(id).expect("events");
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].1, "merged");
        assert_eq!(events[1].2.as_deref(), Some("session-1"));
    }
}
