//! `baton run` in the shared state: each run, each session attempt it started, and every
//! event it went through, with times. Why here: a run outlives the terminal that started it,
//! and other processes (`baton status`, the MCP server, a dashboard) read what it did from
//! the store, never from its output.

use super::db::{DbError, Row, args};
use super::{StateError, StateStore, now_rfc3339};

/// This machine's [`crate::process::host::host_id`] and the time now, for a run's driver
/// (its heartbeat runs by the system clock, never a pinned one).
fn driver_here() -> (String, String) {
    (
        crate::process::host::host_id(),
        super::time::rfc3339_from_unix(super::time::unix_now()),
    )
}

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

/// One session attempt of a run as recorded, with the steps it completed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSession {
    pub session: String,
    pub attempt: u32,
    pub tasks: Vec<String>,
    pub branch: String,
    pub worktree: String,
    /// When its agent started (RFC 3339).
    pub started_at: String,
    /// When its attempt ended (its gate's outcome recorded); None before.
    pub finished_at: Option<String>,
    /// The agent's process id, also its process group's.
    pub pid: Option<u32>,
    /// How the agent exited (`exited 0`…); None while it runs or when baton stopped it.
    pub exit: Option<String>,
    /// Whether it exited 0.
    pub exit_ok: bool,
    /// `passed`, `failed`, `merged`, `conflict`, `blocked`; None before the gate.
    pub outcome: Option<String>,
}

/// What a run event completes for its session, recorded with it ([`StateStore::record_run_step`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStep<'a> {
    None,
    /// An attempt's agent started.
    Started {
        session: &'a str,
        attempt: u32,
        tasks: &'a [String],
        branch: &'a str,
        worktree: &'a str,
        pid: u32,
    },
    /// Its agent exited by itself (or at its timeout).
    Exited {
        session: &'a str,
        attempt: u32,
        exit: &'a str,
        ok: bool,
    },
    /// The attempt's gate or merge ended: `passed`, `failed`, `merged`, `conflict`, `blocked`.
    Outcome {
        session: &'a str,
        attempt: u32,
        outcome: &'a str,
    },
}

/// A run's recorded layout (JSON, None from before `--resume`). Who drives the run is
/// [`StateStore::run_driver`]'s.
pub type RunLayout = Option<String>;

/// One recorded event of a run: `(at, kind, session, JSON body)`.
pub type RunEventRow = (String, String, Option<String>, String);

impl StateStore {
    /// The id the next run would get (nothing is written).
    pub fn next_run_id(&self) -> Result<i64, StateError> {
        self.read("read runs", |db| {
            db.query_opt("SELECT COALESCE(MAX(id), 0) + 1 FROM runs", &[])?
                .map_or(Ok(1), |r| r.get(0))
        })
    }

    /// Records a run starting, with its layout (what `--resume` needs to continue it) and
    /// the process running it; returns its id (one more than the last run's, whichever plan
    /// that was: ids are unique in the database).
    pub fn start_run(
        &self,
        phase: usize,
        integration: &str,
        agent: &str,
        layout: &str,
    ) -> Result<i64, StateError> {
        let now = now_rfc3339();
        let (host, seen) = driver_here();
        self.write_under(RUN_IDS, "record a run", |tx| {
            tx.query_opt(
                "INSERT INTO runs (id, plan_key, started_at, phase, integration, agent, layout, pid,
                                   host, seen_at)
                 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM runs), ?1, ?2, ?3, ?4, ?5, ?6, ?7,
                         ?8, ?9)
                 RETURNING id",
                args![
                    &self.plan_key,
                    &now,
                    phase,
                    integration,
                    agent,
                    layout,
                    std::process::id(),
                    &host,
                    &seen
                ],
            )?
            .ok_or(DbError::Raced("the new run"))?
            .get(0)
        })
    }

    /// The last run of this plan that did not finish (interrupted, or its baton died),
    /// newest first.
    pub fn last_unfinished_run(&self) -> Result<Option<i64>, StateError> {
        self.read("read runs", |db| {
            db.query_opt(
                "SELECT id FROM runs WHERE plan_key = ?1
                   AND (outcome IS NULL OR outcome = 'interrupted')
                 ORDER BY id DESC LIMIT 1",
                args![&self.plan_key],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    /// A run's layout (None: no such run).
    pub fn run_layout(&self, id: i64) -> Result<Option<RunLayout>, StateError> {
        self.read("read a run", |db| {
            db.query_opt("SELECT layout FROM runs WHERE id = ?1", args![id])?
                .map(|r| r.get(0))
                .transpose()
        })
    }

    /// Takes a run over to resume it: this process on this machine runs it now, and it is
    /// unfinished again. The takeover happens only while `gone` is still the driver recorded
    /// (false otherwise: another baton took the run, or the old one beat again).
    pub fn resume_run(&self, id: i64, gone: &super::Driver) -> Result<bool, StateError> {
        let (host, seen) = driver_here();
        let old_pid = gone.pid.map_or(-1, i64::from);
        let old_host = gone.host.as_deref().unwrap_or("");
        let old_seen = gone.seen_at.as_deref().unwrap_or("");
        self.write("resume a run", |tx| {
            tx.execute(
                "UPDATE runs SET pid = ?2, host = ?3, seen_at = ?4, finished_at = NULL,
                                 outcome = NULL
                 WHERE id = ?1 AND COALESCE(pid, -1) = ?5 AND COALESCE(host, '') = ?6
                   AND COALESCE(seen_at, '') = ?7",
                args![
                    id,
                    std::process::id(),
                    &host,
                    &seen,
                    old_pid,
                    old_host,
                    old_seen
                ],
            )
            .map(|n| n > 0)
        })
    }

    /// Every session attempt of a run, by session then attempt.
    pub fn run_sessions(&self, run: i64) -> Result<Vec<RunSession>, StateError> {
        self.read("read run sessions", |db| {
            db.query(
                "SELECT session, attempt, tasks, branch, worktree, pid, exit, exit_ok, outcome,
                        started_at, finished_at
                 FROM run_sessions WHERE run_id = ?1 ORDER BY session, attempt",
                args![run],
            )?
            .iter()
            .map(|r| {
                let tasks: String = r.get(2)?;
                Ok(RunSession {
                    session: r.get(0)?,
                    attempt: r.get(1)?,
                    tasks: tasks.split_whitespace().map(String::from).collect(),
                    branch: r.get(3)?,
                    worktree: r.get(4)?,
                    pid: r.get(5)?,
                    exit: r.get(6)?,
                    exit_ok: r.get::<Option<bool>>(7)?.unwrap_or(false),
                    outcome: r.get(8)?,
                    started_at: r.get(9)?,
                    finished_at: r.get(10)?,
                })
            })
            .collect()
        })
    }

    /// Appends one event of a run and the step it completes, in one transaction: the state
    /// `--resume` reads never disagrees with the events.
    pub fn record_run_step(
        &self,
        run: i64,
        kind: &str,
        session: Option<&str>,
        body: &str,
        step: &RunStep<'_>,
    ) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record a run step", |tx| {
            tx.execute(
                "INSERT INTO run_events (run_id, at, kind, session, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![run, &now, kind, session, body],
            )?;
            match step {
                RunStep::None => {}
                RunStep::Started {
                    session,
                    attempt,
                    tasks,
                    branch,
                    worktree,
                    pid,
                } => {
                    let tasks = tasks.join(" ");
                    tx.execute(
                        START_ATTEMPT,
                        args![
                            run,
                            *session,
                            *attempt,
                            &tasks,
                            *branch,
                            *worktree,
                            &now,
                            Some(i64::from(*pid))
                        ],
                    )?;
                }
                RunStep::Exited {
                    session,
                    attempt,
                    exit,
                    ok,
                } => {
                    tx.execute(
                        "UPDATE run_sessions SET exited_at = ?4, exit = ?5, exit_ok = ?6
                         WHERE run_id = ?1 AND session = ?2 AND attempt = ?3",
                        args![run, *session, *attempt, &now, *exit, *ok],
                    )?;
                }
                RunStep::Outcome {
                    session,
                    attempt,
                    outcome,
                } => {
                    tx.execute(
                        "UPDATE run_sessions SET finished_at = ?4, outcome = ?5
                         WHERE run_id = ?1 AND session = ?2 AND attempt = ?3",
                        args![run, *session, *attempt, &now, *outcome],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// Records how a run ended.
    pub fn finish_run(&self, id: i64, outcome: &str) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record a run's end", |tx| {
            tx.execute(
                "UPDATE runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
                args![id, &now, outcome],
            )
            .map(drop)
        })
    }

    /// A run by id.
    pub fn run(&self, id: i64) -> Result<Option<RunRecord>, StateError> {
        self.read("read a run", |db| {
            db.query_opt(
                &format!("SELECT {RUN_RECORD_COLUMNS} FROM runs WHERE id = ?1"),
                args![id],
            )?
            .map(|r| run_record_from_row(&r))
            .transpose()
        })
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
        let (now, tasks) = (now_rfc3339(), tasks.join(" "));
        self.write("record a run session", |tx| {
            tx.execute(
                START_ATTEMPT,
                args![
                    run,
                    session,
                    attempt,
                    &tasks,
                    branch,
                    worktree,
                    &now,
                    None::<i64>
                ],
            )
            .map(drop)
        })
    }

    /// Records how a session attempt ended (`passed`, `failed`, `merged`, `conflict`…).
    pub fn finish_run_session(
        &self,
        run: i64,
        session: &str,
        attempt: u32,
        outcome: &str,
    ) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record a run session's end", |tx| {
            tx.execute(
                "UPDATE run_sessions SET finished_at = ?4, outcome = ?5
                 WHERE run_id = ?1 AND session = ?2 AND attempt = ?3",
                args![run, session, attempt, &now, outcome],
            )
            .map(drop)
        })
    }

    /// Appends one event of a run: its kind, its session if any, its JSON body.
    pub fn record_run_event(
        &self,
        run: i64,
        kind: &str,
        session: Option<&str>,
        body: &str,
    ) -> Result<(), StateError> {
        let now = now_rfc3339();
        self.write("record a run event", |tx| {
            tx.execute(
                "INSERT INTO run_events (run_id, at, kind, session, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![run, &now, kind, session, body],
            )
            .map(drop)
        })
    }

    /// A run's events, oldest first: `(at, kind, session, body)`.
    pub fn run_events(&self, run: i64) -> Result<Vec<RunEventRow>, StateError> {
        self.read("read run events", |db| {
            db.query(
                "SELECT at, kind, session, body FROM run_events WHERE run_id = ?1 ORDER BY id",
                args![run],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .collect()
        })
    }
}

/// The columns of `runs` a [`RunRecord`] is read from, in the order
/// [`run_record_from_row`] reads them; a query may name more columns after these.
pub(super) const RUN_RECORD_COLUMNS: &str =
    "id, started_at, finished_at, phase, integration, agent, outcome";

/// How many columns [`RUN_RECORD_COLUMNS`] names: the index of the first one after them.
pub(super) const RUN_RECORD_WIDTH: usize = 7;

/// A [`RunRecord`] from a row whose first columns are [`RUN_RECORD_COLUMNS`].
pub(super) fn run_record_from_row(r: &Row) -> Result<RunRecord, DbError> {
    Ok(RunRecord {
        id: r.get(0)?,
        started_at: r.get(1)?,
        finished_at: r.get(2)?,
        phase: r.get(3)?,
        integration: r.get(4)?,
        agent: r.get(5)?,
        outcome: r.get(6)?,
    })
}

/// The lock every `start_run` takes: run ids are one sequence for the whole database.
const RUN_IDS: &str = "baton:run-ids";

/// A session attempt starting: a new row, or the same attempt started again (a resume)
/// with everything it had recorded since cleared.
const START_ATTEMPT: &str = "INSERT INTO run_sessions
        (run_id, session, attempt, tasks, branch, worktree, started_at, pid)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (run_id, session, attempt) DO UPDATE SET
        tasks = excluded.tasks, branch = excluded.branch, worktree = excluded.worktree,
        started_at = excluded.started_at, pid = excluded.pid, finished_at = NULL,
        outcome = NULL, exited_at = NULL, exit = NULL, exit_ok = NULL";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_its_sessions_and_events_round_trip() {
        for db in crate::state::test_db::test_dbs() {
            round_trip(&db.open("plan.md"));
        }
    }

    fn round_trip(store: &StateStore) {
        assert_eq!(store.next_run_id().expect("next"), 1);
        let id = store.start_run(1, "main", "fake", "{}").expect("start");
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

    #[test]
    fn each_step_lands_with_its_event_and_unfinished_runs_are_found() {
        for db in crate::state::test_db::test_dbs() {
            steps(&db.open("plan.md"));
        }
    }

    fn steps(store: &StateStore) {
        assert_eq!(store.last_unfinished_run().expect("read"), None);
        let done = store.start_run(1, "main", "fake", "{}").expect("start");
        store.finish_run(done, "success").expect("finish");
        let id = store
            .start_run(1, "main", "fake", "{\"x\":1}")
            .expect("start");
        let tasks = vec!["T1".to_string()];
        let started = RunStep::Started {
            session: "session-1",
            attempt: 1,
            tasks: &tasks,
            branch: "b",
            worktree: "w",
            pid: 42,
        };
        store
            .record_run_step(id, "session_started", Some("session-1"), "{}", &started)
            .expect("started");
        let row = &store.run_sessions(id).expect("rows")[0];
        assert_eq!(
            (row.pid, row.exit.as_deref(), row.outcome.as_deref()),
            (Some(42), None, None)
        );
        let exited = RunStep::Exited {
            session: "session-1",
            attempt: 1,
            exit: "exited 0",
            ok: true,
        };
        store
            .record_run_step(id, "session_exited", Some("session-1"), "{}", &exited)
            .expect("exited");
        let passed = RunStep::Outcome {
            session: "session-1",
            attempt: 1,
            outcome: "passed",
        };
        store
            .record_run_step(id, "gate_passed", Some("session-1"), "{}", &passed)
            .expect("passed");
        let rows = store.run_sessions(id).expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].tasks, tasks);
        assert_eq!(rows[0].exit.as_deref(), Some("exited 0"));
        assert!(rows[0].exit_ok);
        assert_eq!(rows[0].outcome.as_deref(), Some("passed"));
        assert_eq!(store.run_events(id).expect("events").len(), 3);
        // The newest unfinished run, interrupted or not, and only until it finishes.
        assert_eq!(store.last_unfinished_run().expect("read"), Some(id));
        store.finish_run(id, "interrupted").expect("finish");
        assert_eq!(store.last_unfinished_run().expect("read"), Some(id));
        assert_eq!(
            store.run_layout(id).expect("layout"),
            Some(Some("{\"x\":1}".to_string()))
        );
        let driver = store.run_driver(id).expect("read").expect("there");
        assert_eq!(driver.pid, Some(std::process::id()));
        assert_eq!(driver.host, Some(crate::process::host::host_id()));
        // The takeover goes through only while the driver seen is still the one recorded.
        let mut other = driver.clone();
        other.host = Some("elsewhere/0".into());
        assert!(!store.resume_run(id, &other).expect("resume"));
        assert!(store.resume_run(id, &driver).expect("resume"));
        assert_eq!(store.run(id).expect("run").expect("there").outcome, None);
        assert!(
            store.beat_run(id).expect("beat"),
            "this process drives it now"
        );
        store.finish_run(id, "success").expect("finish");
        assert_eq!(store.last_unfinished_run().expect("read"), None);
    }

    #[test]
    fn a_run_reads_back_whole_by_id_and_in_its_status() {
        assert_eq!(
            RUN_RECORD_COLUMNS.split(',').count(),
            RUN_RECORD_WIDTH,
            "the columns after the record's start at its width"
        );
        for db in crate::state::test_db::test_dbs() {
            whole_run(&db.open("plan.md"));
        }
    }

    /// Every field distinct from the others, so a column read in the wrong place shows.
    fn whole_run(store: &StateStore) {
        store.start_run(1, "main", "fake", "{}").expect("start");
        let id = store
            .start_run(3, "integration", "agent-x", "{}")
            .expect("start");
        store.finish_run(id, "blocked").expect("finish");
        let run = store.run(id).expect("read").expect("there");
        assert_eq!(
            (
                run.id,
                run.phase,
                run.integration.as_str(),
                run.agent.as_str()
            ),
            (2, 3, "integration", "agent-x")
        );
        assert_eq!(run.outcome.as_deref(), Some("blocked"));
        assert!(run.started_at.ends_with('Z'), "{}", run.started_at);
        assert!(
            run.finished_at
                .as_deref()
                .is_some_and(|f| f >= run.started_at.as_str())
        );
        let status = store.run_status(Some(id)).expect("read").expect("there");
        let seen = RunRecord {
            id: status.run,
            started_at: status.started_at,
            finished_at: status.finished_at,
            phase: status.phase,
            integration: status.integration,
            agent: status.agent,
            outcome: status.outcome,
        };
        assert_eq!(seen, run, "the status reads the same record");
        assert_eq!(status.state, "finished");
    }
}
