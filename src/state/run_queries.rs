//! What `baton run` is doing, or did, as other processes see it: `baton status`, the MCP
//! `run_status` tool, a dashboard. Why here: a run outlives the terminal that started it, so
//! its view is rebuilt from the store alone (`runs` and `run_events`), read-only, never from
//! the run's own output.
//!
//! A run with no end recorded is `running` unless its baton is known to be gone: when an
//! attempt that started and has not exited has an agent process that no longer exists, or
//! whose parent is no longer a `baton` (Linux, through `/proc`), the run is `interrupted`
//! (baton was killed without recording an end). Between sessions (gates, merges, the phase
//! check) no agent runs, and such a run shows as `running`: the store holds no pid of baton.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::runs::RunRecord;
use super::{StateError, StateStore, now_rfc3339, unix_from_rfc3339};

/// Seconds after the newest event during which an attempt's vanished agent is taken for one
/// whose exit baton has not recorded yet, rather than for a dead baton.
const EXIT_GRACE_SECS: i64 = 5;

/// One run as `baton status` and `run_status` show it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunStatus {
    pub run: i64,
    /// 1-based.
    pub phase: i64,
    /// The branch sessions fork from and merge into.
    pub integration: String,
    pub agent: String,
    /// `running`, `finished` or `interrupted`.
    pub state: String,
    /// How it ended (`success`, `blocked`, `phase_failed`, `interrupted`); null while running
    /// or when baton was killed.
    pub outcome: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// From its start to its end, or to now while it runs (or to its last event when
    /// interrupted).
    pub elapsed_seconds: i64,
    pub last_event_at: Option<String>,
    pub sessions: Vec<RunSessionStatus>,
}

/// One session (lane) of a run: its latest attempt.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunSessionStatus {
    pub session: String,
    /// Its lane's task ids, in order.
    pub tasks: Vec<String>,
    /// 1 for the first attempt, 2 for the first retry…
    pub attempt: u32,
    /// `running` (its agent runs), `exited` (the gate is being checked), `gated` (passed,
    /// waiting to merge), `failed` (failed the gate, a retry follows), `merged` or `blocked`.
    pub state: String,
    /// Why it is `blocked` or `failed`: the first line of the reason or of the evidence.
    pub why: Option<String>,
    /// When its first attempt started.
    pub started_at: Option<String>,
    /// From its first start to its merge or block, or to now while it goes on.
    pub elapsed_seconds: i64,
    /// The agent's process id of its latest attempt.
    pub pid: Option<u32>,
}

impl StateStore {
    /// The newest run of this plan, if any.
    pub fn latest_run_id(&self) -> Result<Option<i64>, StateError> {
        self.conn
            .query_row(
                "SELECT MAX(id) FROM runs WHERE plan_key = ?1",
                [&self.plan_key],
                |r| r.get(0),
            )
            .map_err(|e| self.err("read runs", e))
    }

    /// Run `id` of this plan (None for an unknown id or another plan's run).
    fn plan_run(&self, id: i64) -> Result<Option<RunRecord>, StateError> {
        self.conn
            .query_row(
                "SELECT id, started_at, finished_at, phase, integration, agent, outcome
                 FROM runs WHERE id = ?1 AND plan_key = ?2",
                params![id, self.plan_key],
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

    /// The view of run `id`, or of this plan's newest run when `id` is None. None when there
    /// is no such run.
    pub fn run_status(&self, id: Option<i64>) -> Result<Option<RunStatus>, StateError> {
        let id = match id {
            Some(id) => id,
            None => match self.latest_run_id()? {
                Some(id) => id,
                None => return Ok(None),
            },
        };
        let Some(record) = self.plan_run(id)? else {
            return Ok(None);
        };
        let events = self.run_events(id)?;
        Ok(Some(fold(
            record,
            &events,
            &now_rfc3339(),
            &agent_under_baton,
        )))
    }
}

/// Builds the view from a run's record and its events, oldest first. `alive(pid)` says
/// whether an agent process still runs under a baton (None: cannot tell).
fn fold(
    record: RunRecord,
    events: &[super::runs::RunEventRow],
    now: &str,
    alive: &dyn Fn(u32) -> Option<bool>,
) -> RunStatus {
    let mut sessions: Vec<RunSessionStatus> = Vec::new();
    let mut ends: Vec<Option<String>> = Vec::new();
    for (at, kind, session, body) in events {
        let Some(name) = session else { continue };
        let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let i = match sessions.iter().position(|s| &s.session == name) {
            Some(i) => i,
            None => {
                sessions.push(RunSessionStatus {
                    session: name.clone(),
                    tasks: Vec::new(),
                    attempt: 1,
                    state: "waiting".into(),
                    why: None,
                    started_at: None,
                    elapsed_seconds: 0,
                    pid: None,
                });
                ends.push(None);
                sessions.len() - 1
            }
        };
        let s = &mut sessions[i];
        let attempt = body["attempt"].as_u64().and_then(|a| u32::try_from(a).ok());
        let tasks = || strings(&body["tasks"]);
        match kind.as_str() {
            "session_started" => {
                s.state = "running".into();
                s.tasks = tasks();
                s.attempt = attempt.unwrap_or(s.attempt);
                s.pid = body["pid"].as_u64().and_then(|p| u32::try_from(p).ok());
                s.started_at.get_or_insert_with(|| at.clone());
                s.why = None;
            }
            "session_exited" => s.state = "exited".into(),
            "gate_passed" => s.state = "gated".into(),
            "gate_failed" => {
                s.state = "failed".into();
                s.why = strings(&body["evidence"]).into_iter().next();
            }
            "retry" => s.attempt = attempt.unwrap_or(s.attempt),
            "merged" => {
                s.state = "merged".into();
                ends[i] = Some(at.clone());
            }
            "conflict" => {
                let files = strings(&body["files"]).join(", ");
                s.why = Some(format!("conflicts in {files}"));
            }
            "blocked" => {
                s.state = "blocked".into();
                if s.tasks.is_empty() {
                    s.tasks = tasks();
                }
                s.why = body["reason"]
                    .as_str()
                    .map(|r| r.lines().next().unwrap_or_default().to_string());
                ends[i] = Some(at.clone());
            }
            _ => {}
        }
    }
    let last_event_at = events.last().map(|e| e.0.clone());
    let state = match (&record.finished_at, record.outcome.as_deref()) {
        (Some(_), Some("interrupted")) => "interrupted",
        (Some(_), _) => "finished",
        (None, _) => {
            let live: Vec<Option<bool>> = sessions
                .iter()
                .filter(|s| s.state == "running")
                .filter_map(|s| s.pid)
                .map(alive)
                .collect();
            let quiet = last_event_at
                .as_deref()
                .and_then(unix_from_rfc3339)
                .zip(unix_from_rfc3339(now))
                .is_some_and(|(last, now)| now - last > EXIT_GRACE_SECS);
            if !live.is_empty() && live.iter().all(|a| *a == Some(false)) && quiet {
                "interrupted"
            } else {
                "running"
            }
        }
    };
    // A run that stopped without an end stops its clocks at its last event.
    let stop = match state {
        "running" => Some(now.to_string()),
        _ => record.finished_at.clone().or_else(|| last_event_at.clone()),
    };
    let span = |from: &str, to: Option<&str>| -> i64 {
        match (unix_from_rfc3339(from), to.and_then(unix_from_rfc3339)) {
            (Some(a), Some(b)) => (b - a).max(0),
            _ => 0,
        }
    };
    for (s, end) in sessions.iter_mut().zip(&ends) {
        if let Some(from) = &s.started_at {
            s.elapsed_seconds = span(from, end.as_deref().or(stop.as_deref()));
        }
    }
    RunStatus {
        run: record.id,
        phase: record.phase,
        integration: record.integration,
        agent: record.agent,
        state: state.into(),
        outcome: record.outcome,
        elapsed_seconds: span(&record.started_at, stop.as_deref()),
        started_at: record.started_at,
        finished_at: record.finished_at,
        last_event_at,
        sessions,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether process `pid` exists and its parent is a `baton` (Linux `/proc`); None where
/// `/proc` cannot tell.
fn agent_under_baton(pid: u32) -> Option<bool> {
    let proc = std::path::Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    let Ok(stat) = std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) else {
        return Some(false);
    };
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let Some(ppid) = after.split_whitespace().nth(1) else {
        return Some(false);
    };
    let comm = std::fs::read_to_string(proc.join(ppid).join("comm")).unwrap_or_default();
    Some(comm.trim() == "baton")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(finished: Option<&str>, outcome: Option<&str>) -> RunRecord {
        RunRecord {
            id: 4,
            started_at: "2026-01-01T10:00:00Z".into(),
            finished_at: finished.map(str::to_string),
            phase: 1,
            integration: "main".into(),
            agent: "fake".into(),
            outcome: outcome.map(str::to_string),
        }
    }

    fn ev(
        at: &str,
        kind: &str,
        session: Option<&str>,
        body: Value,
    ) -> super::super::runs::RunEventRow {
        (
            format!("2026-01-01T10:{at}Z"),
            kind.into(),
            session.map(str::to_string),
            body.to_string(),
        )
    }

    fn events() -> Vec<super::super::runs::RunEventRow> {
        use serde_json::json;
        vec![
            ev("00:00", "run_started", None, json!({})),
            ev(
                "00:01",
                "session_started",
                Some("session-1"),
                json!({"attempt": 1, "tasks": ["T1", "T2"], "pid": 11}),
            ),
            ev(
                "00:01",
                "session_started",
                Some("session-2"),
                json!({"attempt": 1, "tasks": ["T3"], "pid": 12}),
            ),
            ev(
                "00:30",
                "session_exited",
                Some("session-2"),
                json!({"attempt": 1}),
            ),
            ev(
                "00:31",
                "gate_failed",
                Some("session-2"),
                json!({"attempt": 1, "evidence": ["T3 is not ticked", "x"]}),
            ),
            ev("00:31", "retry", Some("session-2"), json!({"attempt": 2})),
            ev(
                "00:32",
                "session_started",
                Some("session-2"),
                json!({"attempt": 2, "tasks": ["T3"], "pid": 13}),
            ),
        ]
    }

    #[test]
    fn a_live_run_shows_each_session_latest_attempt() {
        let status = fold(
            record(None, None),
            &events(),
            "2026-01-01T10:01:00Z",
            &|_| Some(true),
        );
        assert_eq!(status.state, "running");
        assert_eq!(status.elapsed_seconds, 60);
        let s1 = &status.sessions[0];
        assert_eq!(
            (s1.state.as_str(), s1.attempt, s1.elapsed_seconds),
            ("running", 1, 59)
        );
        assert_eq!(s1.tasks, ["T1", "T2"]);
        let s2 = &status.sessions[1];
        assert_eq!(
            (s2.state.as_str(), s2.attempt, s2.pid),
            ("running", 2, Some(13))
        );
    }

    #[test]
    fn gone_agents_long_after_the_last_event_mean_an_interrupted_run() {
        let gone = |_| Some(false);
        let soon = fold(record(None, None), &events(), "2026-01-01T10:00:34Z", &gone);
        assert_eq!(
            soon.state, "running",
            "within the grace an exit may be unrecorded"
        );
        let late = fold(record(None, None), &events(), "2026-01-01T11:00:00Z", &gone);
        assert_eq!(late.state, "interrupted");
        assert_eq!(
            late.elapsed_seconds, 32,
            "its clock stops at its last event"
        );
        let unknown = fold(
            record(None, None),
            &events(),
            "2026-01-01T11:00:00Z",
            &|_| None,
        );
        assert_eq!(unknown.state, "running");
    }

    #[test]
    fn a_finished_run_shows_merges_and_the_first_line_of_why() {
        use serde_json::json;
        let mut all = events();
        all.push(ev(
            "01:00",
            "merged",
            Some("session-1"),
            json!({"branch": "b"}),
        ));
        all.push(ev(
            "01:05",
            "blocked",
            Some("session-2"),
            json!({"tasks": ["T3"], "reason": "its session failed the gate 2 time(s)\nmore"}),
        ));
        let done = fold(
            record(Some("2026-01-01T10:02:00Z"), Some("blocked")),
            &all,
            "2026-01-01T12:00:00Z",
            &|_| Some(true),
        );
        assert_eq!(done.state, "finished");
        assert_eq!(done.elapsed_seconds, 120);
        assert_eq!(done.sessions[0].state, "merged");
        assert_eq!(done.sessions[0].elapsed_seconds, 59);
        assert_eq!(done.sessions[1].state, "blocked");
        assert_eq!(
            done.sessions[1].why.as_deref(),
            Some("its session failed the gate 2 time(s)")
        );
        let stopped = fold(
            record(Some("2026-01-01T10:02:00Z"), Some("interrupted")),
            &all,
            "2026-01-01T12:00:00Z",
            &|_| Some(true),
        );
        assert_eq!(stopped.state, "interrupted");
    }

    #[test]
    fn the_latest_run_is_scoped_to_the_plan() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("state.db");
        let other = StateStore::open_at(&db, "other.md").expect("open");
        let store = StateStore::open_at(&db, "plan.md").expect("open");
        assert_eq!(store.run_status(None).expect("read"), None);
        let mine = store.start_run(1, "main", "fake", "{}").expect("start");
        let theirs = other.start_run(2, "main", "fake", "{}").expect("start");
        assert_eq!(store.latest_run_id().expect("latest"), Some(mine));
        assert_eq!(store.run_status(Some(theirs)).expect("read"), None);
        store
            .record_run_event(
                mine,
                "session_started",
                Some("session-1"),
                r#"{"attempt":1,"tasks":["T1"],"pid":1}"#,
            )
            .expect("event");
        let status = store.run_status(None).expect("read").expect("a run");
        assert_eq!(status.run, mine);
        assert_eq!(status.sessions[0].tasks, ["T1"]);
    }
}
