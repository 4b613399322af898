//! What `baton run` is doing, or did, as other processes see it: `baton status`, the MCP
//! `run_status` tool, a dashboard. Why here: a run outlives the terminal that started it, so
//! its view is read from the store alone, read-only, never from the run's own output.
//!
//! One truth: each session's state is the step its latest attempt reached in `run_sessions`,
//! the same rows `baton run --resume` continues from (written in the same transaction as
//! each event). `run_events` only adds what those rows do not hold: the first line of why a
//! session failed or was blocked, and the agent's latest activity (last tool call, tool
//! calls, tokens, cost). Whether the run is live comes from `runs.pid`, the baton driving
//! it: a run with no end recorded whose baton process is gone is `interrupted` (resumable),
//! whatever its sessions were doing when it died.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::db::{DbError, Dialect, args};
use super::runs::{
    RUN_RECORD_COLUMNS, RUN_RECORD_WIDTH, RunLayout, RunRecord, RunSession, run_record_from_row,
};
use super::{DrivenFrom, Liveness, StateError, StateStore, now_rfc3339, unix_from_rfc3339};

/// One run as `baton status` and `run_status` show it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunStatus {
    pub run: i64,
    /// 1-based.
    pub phase: i64,
    /// The branch sessions fork from and merge into.
    pub integration: String,
    pub agent: String,
    /// `running`, `finished` or `interrupted` (stopped by Ctrl-C, or its baton process is
    /// gone: `baton run --resume` continues it).
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
    /// The agents' activity summed over every attempt of every session, when their output
    /// stream is read (`[agents.NAME] stream`); null when none was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<ActivityTotals>,
    /// The machine whose baton drives the run while that is not this one (its pid cannot be
    /// checked from here; its heartbeat says it is alive); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driven_from: Option<DrivenFrom>,
}

/// One session (lane) of a run: its latest attempt.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunSessionStatus {
    pub session: String,
    /// Its lane's task ids, in order.
    pub tasks: Vec<String>,
    /// 1 for the first attempt, 2 for the first retry…
    pub attempt: u32,
    /// `waiting` (not started yet), `running` (its agent runs), `exited` (the gate is being
    /// checked), `gated` (passed, waiting to merge), `failed` (failed the gate, a retry
    /// follows), `merged`, `blocked`, or `interrupted` (its agent was stopped, or baton
    /// died, before it exited: `--resume` starts it again).
    pub state: String,
    /// Why it is `blocked` or `failed`: the first line of the reason or of the evidence.
    pub why: Option<String>,
    /// When its first attempt started.
    pub started_at: Option<String>,
    /// From its first start to its merge or block, or to now while it goes on.
    pub elapsed_seconds: i64,
    /// The agent's process id of its latest attempt.
    pub pid: Option<u32>,
    /// The latest attempt's agent activity, when its output stream is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<SessionActivity>,
}

/// What an agent's output stream showed (docs/run.md, "Watching a run").
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SessionActivity {
    /// The latest tool call (`Bash: cargo test`, `Edit`, `mcp__baton__tick_task`).
    pub last_tool: Option<String>,
    pub tool_calls: u64,
    /// Input and output tokens.
    pub tokens: u64,
    /// Only Claude Code reports a cost.
    pub cost_usd: Option<f64>,
}

/// Activity summed over a run's attempts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ActivityTotals {
    pub tool_calls: u64,
    pub tokens: u64,
    /// Null when no agent reported a cost.
    pub cost_usd: Option<f64>,
}

impl ActivityTotals {
    fn add(&mut self, a: &SessionActivity) {
        self.tool_calls = self.tool_calls.saturating_add(a.tool_calls);
        self.tokens = self.tokens.saturating_add(a.tokens);
        if let Some(cost) = a.cost_usd {
            self.cost_usd = Some(self.cost_usd.unwrap_or(0.0) + cost);
        }
    }
}

/// Everything the view is built from, read in [`StateStore::run_status`].
#[derive(Debug, Clone, Default)]
struct Inputs {
    /// The run's lanes from its layout, `(session, tasks)`, in order; empty for a run
    /// recorded before layouts were.
    lanes: Vec<(String, Vec<String>)>,
    /// Every attempt, by session then attempt.
    rows: Vec<RunSession>,
    /// Per session, its latest `gate_failed`, `conflict` or `blocked` event: `(kind, body)`.
    why: BTreeMap<String, (String, Value)>,
    /// Per `(session, attempt)`, its latest `session_activity`.
    activity: BTreeMap<(String, u32), SessionActivity>,
    last_event_at: Option<String>,
    /// Whether the baton recorded as driving the run is alive, and where (None: the run
    /// finished, or no driver is recorded).
    driver: Option<Liveness>,
}

impl StateStore {
    /// The newest run of this plan, if any.
    pub fn latest_run_id(&self) -> Result<Option<i64>, StateError> {
        self.read("read runs", |db| {
            db.query_opt(
                "SELECT MAX(id) FROM runs WHERE plan_key = ?1",
                args![&self.plan_key],
            )?
            .map_or(Ok(None), |r| r.get(0))
        })
    }

    /// Run `id` of this plan (None for an unknown id or another plan's run), with its layout.
    fn plan_run(&self, id: i64) -> Result<Option<(RunRecord, RunLayout)>, StateError> {
        self.read("read a run", |db| {
            db.query_opt(
                &format!(
                    "SELECT {RUN_RECORD_COLUMNS}, layout
                     FROM runs WHERE id = ?1 AND plan_key = ?2"
                ),
                args![id, &self.plan_key],
            )?
            .map(|r| Ok((run_record_from_row(&r)?, r.get(RUN_RECORD_WIDTH)?)))
            .transpose()
        })
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
        let Some((record, layout)) = self.plan_run(id)? else {
            return Ok(None);
        };
        let liveness = match record.finished_at {
            Some(_) => None,
            None => self.run_driver(id)?.map(|driver| driver.liveness_now()),
        };
        let inputs = Inputs {
            lanes: layout.as_deref().map(lanes_of).unwrap_or_default(),
            rows: self.run_sessions(id)?,
            why: self.why_events(id)?,
            activity: self.run_activity(id)?,
            last_event_at: self.read("read run events", |db| {
                db.query_opt(
                    "SELECT MAX(at) FROM run_events WHERE run_id = ?1",
                    args![id],
                )?
                .map_or(Ok(None), |r| r.get(0))
            })?,
            driver: liveness,
        };
        Ok(Some(build(record, inputs, &now_rfc3339())))
    }

    /// The agents' activity summed over every attempt of run `run`; None when no
    /// attempt's stream showed anything.
    pub fn run_totals(&self, run: i64) -> Result<Option<ActivityTotals>, StateError> {
        let mut totals: Option<ActivityTotals> = None;
        for a in self.run_activity(run)?.values() {
            totals.get_or_insert_with(ActivityTotals::default).add(a);
        }
        Ok(totals)
    }

    /// Each attempt's latest activity, per `(session, attempt)`.
    fn run_activity(
        &self,
        run: i64,
    ) -> Result<BTreeMap<(String, u32), SessionActivity>, StateError> {
        let attempt = match self.db.dialect() {
            Dialect::Sqlite => "json_extract(body, '$.attempt')",
            Dialect::Postgres => "(body::jsonb ->> 'attempt')",
        };
        let sql = format!(
            "SELECT session, body FROM run_events WHERE id IN (
                SELECT MAX(id) FROM run_events
                WHERE run_id = ?1 AND kind = 'session_activity'
                GROUP BY session, {attempt})"
        );
        let rows = self.read("read run activity", |db| {
            db.query(&sql, args![run])?
                .iter()
                .map(|r| Ok((r.get::<Option<String>>(0)?, r.get::<String>(1)?)))
                .collect::<Result<Vec<_>, DbError>>()
        })?;
        let mut out = BTreeMap::new();
        for (session, body) in rows {
            let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let attempt = body["attempt"].as_u64().and_then(|a| u32::try_from(a).ok());
            if let (Some(session), Some(attempt)) = (session, attempt) {
                out.insert((session, attempt), activity_of(&body));
            }
        }
        Ok(out)
    }

    /// Every session's last recorded stop gate, `(session, gate)`, by session: what a
    /// dashboard shows of the verdicts and audit findings agents' hooks judged.
    pub fn gate_records(&self) -> Result<Vec<(String, super::GateRecord)>, StateError> {
        self.read("read stop gates", |db| {
            db.query(
                "SELECT session_id, blocks, at, outcome, result FROM session_gates
                 WHERE plan_key = ?1 ORDER BY session_id",
                args![&self.plan_key],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.get(0)?,
                    super::GateRecord {
                        blocks: r.get(1)?,
                        at: r.get(2)?,
                        outcome: r.get(3)?,
                        result: r.get(4)?,
                    },
                ))
            })
            .collect()
        })
    }

    /// Per session, its latest event that says why it did not merge.
    fn why_events(&self, run: i64) -> Result<BTreeMap<String, (String, Value)>, StateError> {
        let rows = self.read("read run events", |db| {
            db.query(
                "SELECT session, kind, body FROM run_events WHERE id IN (
                    SELECT MAX(id) FROM run_events
                    WHERE run_id = ?1 AND kind IN ('gate_failed', 'conflict', 'blocked')
                    GROUP BY session)",
                args![run],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.get::<Option<String>>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                ))
            })
            .collect::<Result<Vec<_>, DbError>>()
        })?;
        let mut out = BTreeMap::new();
        for (session, kind, body) in rows {
            if let Some(session) = session {
                let body = serde_json::from_str(&body).unwrap_or(Value::Null);
                out.insert(session, (kind, body));
            }
        }
        Ok(out)
    }
}

/// The lanes of a run's recorded layout, `(session, tasks)`.
fn lanes_of(layout: &str) -> Vec<(String, Vec<String>)> {
    let layout: Value = serde_json::from_str(layout).unwrap_or(Value::Null);
    layout["lanes"]
        .as_array()
        .map(|lanes| {
            lanes
                .iter()
                .filter_map(|l| Some((l["session"].as_str()?.to_string(), strings(&l["tasks"]))))
                .collect()
        })
        .unwrap_or_default()
}

/// A `session_activity` event's body as the view shows it.
fn activity_of(body: &Value) -> SessionActivity {
    SessionActivity {
        last_tool: body["last_tool"].as_str().map(str::to_string),
        tool_calls: body["tool_calls"].as_u64().unwrap_or(0),
        tokens: body["tokens"].as_u64().unwrap_or(0),
        cost_usd: body["cost_usd"].as_f64(),
    }
}

/// `session-2` before `session-10`.
fn session_order(name: &str) -> (usize, &str) {
    (name.len(), name)
}

/// Builds the view of a run from what the store holds.
fn build(record: RunRecord, inputs: Inputs, now: &str) -> RunStatus {
    let state = match (&record.finished_at, record.outcome.as_deref()) {
        (Some(_), Some("interrupted")) => "interrupted",
        (Some(_), _) => "finished",
        (None, _) if inputs.driver.as_ref().and_then(Liveness::alive) == Some(false) => {
            "interrupted"
        }
        (None, _) => "running",
    };
    let live = state == "running";
    // A run that stopped without an end stops its clocks at its last event.
    let stop = match state {
        "running" => Some(now.to_string()),
        _ => record
            .finished_at
            .clone()
            .or_else(|| inputs.last_event_at.clone()),
    };
    let span = |from: &str, to: Option<&str>| -> i64 {
        match (unix_from_rfc3339(from), to.and_then(unix_from_rfc3339)) {
            (Some(a), Some(b)) => (b - a).max(0),
            _ => 0,
        }
    };

    let mut names: Vec<String> = inputs.lanes.iter().map(|(s, _)| s.clone()).collect();
    let mut others: Vec<&str> = inputs
        .rows
        .iter()
        .map(|r| r.session.as_str())
        .chain(inputs.why.keys().map(String::as_str))
        .filter(|s| !names.iter().any(|n| n == s))
        .collect();
    others.sort_by_key(|s| session_order(s));
    others.dedup();
    names.extend(others.into_iter().map(str::to_string));

    let mut totals: Option<ActivityTotals> = None;
    for a in inputs.activity.values() {
        totals.get_or_insert_with(ActivityTotals::default).add(a);
    }

    let sessions = names
        .into_iter()
        .map(|name| {
            let attempts: Vec<&RunSession> =
                inputs.rows.iter().filter(|r| r.session == name).collect();
            let first = attempts.iter().min_by_key(|r| r.attempt);
            let latest = attempts.iter().max_by_key(|r| r.attempt);
            let why_event = inputs.why.get(&name);
            let why_kind = why_event.map(|(kind, _)| kind.as_str());
            let state = match latest {
                None if why_kind == Some("blocked") => "blocked",
                None => "waiting",
                Some(row) => match (row.outcome.as_deref(), &row.exit) {
                    (Some("merged"), _) => "merged",
                    (Some("blocked"), _) => "blocked",
                    (Some("passed" | "conflict"), _) => "gated",
                    (Some("failed"), _) => "failed",
                    (Some(_), _) => "exited",
                    (None, Some(_)) => "exited",
                    (None, None) if live => "running",
                    (None, None) => "interrupted",
                },
            };
            let why = why_event.and_then(|(kind, body)| match (state, kind.as_str()) {
                ("failed", "gate_failed") => strings(&body["evidence"]).into_iter().next(),
                ("blocked", "blocked") => body["reason"]
                    .as_str()
                    .map(|r| r.lines().next().unwrap_or_default().to_string()),
                ("gated", "conflict") => Some(format!(
                    "conflicts in {}",
                    strings(&body["files"]).join(", ")
                )),
                _ => None,
            });
            let tasks = latest
                .map(|r| r.tasks.clone())
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    inputs
                        .lanes
                        .iter()
                        .find(|(s, _)| *s == name)
                        .map(|(_, t)| t.clone())
                })
                .or_else(|| why_event.map(|(_, body)| strings(&body["tasks"])))
                .unwrap_or_default();
            let started_at = first.map(|r| r.started_at.clone());
            let end = match state {
                "merged" | "blocked" => latest.and_then(|r| r.finished_at.clone()),
                _ => None,
            };
            let elapsed_seconds = started_at
                .as_deref()
                .map_or(0, |from| span(from, end.as_deref().or(stop.as_deref())));
            RunSessionStatus {
                tasks,
                attempt: latest.map_or(1, |r| r.attempt),
                state: state.into(),
                why,
                started_at,
                elapsed_seconds,
                pid: latest.and_then(|r| r.pid),
                activity: latest
                    .and_then(|r| inputs.activity.get(&(name.clone(), r.attempt)).cloned()),
                session: name,
            }
        })
        .collect();

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
        last_event_at: inputs.last_event_at,
        sessions,
        totals,
        driven_from: match inputs.driver {
            Some(Liveness::Elsewhere(from)) if live => Some(from),
            _ => None,
        },
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    fn row(session: &str, attempt: u32, tasks: &[&str], at: &str) -> RunSession {
        RunSession {
            session: session.into(),
            attempt,
            tasks: tasks.iter().map(|t| t.to_string()).collect(),
            started_at: format!("2026-01-01T10:{at}Z"),
            pid: Some(10 + attempt),
            ..RunSession::default()
        }
    }

    /// Three lanes: session-1 runs, session-2 failed its first attempt and runs its second,
    /// session-3 has not started.
    fn inputs() -> Inputs {
        let mut failed = row("session-2", 1, &["T3"], "00:01");
        failed.exit = Some("exited 0".into());
        failed.outcome = Some("failed".into());
        Inputs {
            lanes: vec![
                ("session-1".into(), vec!["T1".into(), "T2".into()]),
                ("session-2".into(), vec!["T3".into()]),
                ("session-3".into(), vec!["T4".into()]),
            ],
            rows: vec![
                row("session-1", 1, &["T1", "T2"], "00:01"),
                failed,
                row("session-2", 2, &["T3"], "00:32"),
            ],
            why: BTreeMap::from([(
                "session-2".to_string(),
                (
                    "gate_failed".to_string(),
                    json!({"evidence": ["T3 is not ticked", "x"]}),
                ),
            )]),
            activity: BTreeMap::from([
                (
                    ("session-1".to_string(), 1),
                    SessionActivity {
                        last_tool: Some("Bash: cargo test".into()),
                        tool_calls: 3,
                        tokens: 1000,
                        cost_usd: Some(0.5),
                    },
                ),
                (
                    ("session-2".to_string(), 1),
                    SessionActivity {
                        last_tool: Some("Edit".into()),
                        tool_calls: 2,
                        tokens: 10,
                        cost_usd: None,
                    },
                ),
            ]),
            last_event_at: Some("2026-01-01T10:00:32Z".into()),
            driver: Some(Liveness::Here { pid: 1 }),
        }
    }

    fn states(status: &RunStatus) -> Vec<&str> {
        status.sessions.iter().map(|s| s.state.as_str()).collect()
    }

    #[test]
    fn a_live_run_shows_each_session_latest_attempt_from_its_rows() {
        let status = build(record(None, None), inputs(), "2026-01-01T10:01:00Z");
        assert_eq!(status.state, "running");
        assert_eq!(status.elapsed_seconds, 60);
        assert_eq!(states(&status), ["running", "running", "waiting"]);
        let s1 = &status.sessions[0];
        assert_eq!((s1.attempt, s1.elapsed_seconds), (1, 59));
        assert_eq!(s1.tasks, ["T1", "T2"]);
        assert_eq!(
            s1.activity.as_ref().and_then(|a| a.last_tool.as_deref()),
            Some("Bash: cargo test")
        );
        let s2 = &status.sessions[1];
        assert_eq!((s2.attempt, s2.pid, s2.why.as_deref()), (2, Some(12), None));
        assert_eq!(s2.elapsed_seconds, 59, "from its first attempt's start");
        assert_eq!(s2.activity, None, "its second attempt showed nothing yet");
        assert_eq!(status.sessions[2].tasks, ["T4"], "from the layout");
        assert_eq!(
            status.totals,
            Some(ActivityTotals {
                tool_calls: 5,
                tokens: 1010,
                cost_usd: Some(0.5)
            })
        );
    }

    #[test]
    fn a_run_whose_baton_is_gone_is_interrupted_even_between_agents() {
        let mut gone = inputs();
        gone.driver = Some(Liveness::Gone);
        // Between sessions: no agent runs (the gate of session-2's first attempt).
        gone.rows.retain(|r| r.attempt == 1);
        gone.rows[0].exit = Some("exited 0".into());
        gone.rows[0].outcome = Some("passed".into());
        let status = build(record(None, None), gone, "2026-01-01T11:00:00Z");
        assert_eq!(status.state, "interrupted");
        assert_eq!(
            status.elapsed_seconds, 32,
            "its clock stops at its last event"
        );
        assert_eq!(states(&status), ["gated", "failed", "waiting"]);
        assert_eq!(status.sessions[1].why.as_deref(), Some("T3 is not ticked"));

        let mut died = inputs();
        died.driver = Some(Liveness::Gone);
        let status = build(record(None, None), died, "2026-01-01T11:00:00Z");
        assert_eq!(states(&status), ["interrupted", "interrupted", "waiting"]);

        let mut unknown = inputs();
        unknown.driver = Some(Liveness::Unknown);
        let status = build(record(None, None), unknown, "2026-01-01T11:00:00Z");
        assert_eq!(
            status.state, "running",
            "what cannot be told is not a death"
        );
    }

    #[test]
    fn a_finished_run_shows_merges_blocks_and_the_first_line_of_why() {
        let mut all = inputs();
        all.rows[0].exit = Some("exited 0".into());
        all.rows[0].outcome = Some("merged".into());
        all.rows[0].finished_at = Some("2026-01-01T10:01:00Z".into());
        all.rows[2].exit = Some("exited 1".into());
        all.rows[2].outcome = Some("blocked".into());
        all.rows[2].finished_at = Some("2026-01-01T10:01:05Z".into());
        all.why.insert(
            "session-2".into(),
            (
                "blocked".into(),
                json!({"tasks": ["T3"], "reason": "its session failed the gate 2 time(s)\nmore"}),
            ),
        );
        all.why.insert(
            "session-3".into(),
            (
                "blocked".into(),
                json!({"tasks": ["T4"], "reason": "it depends on blocked T3"}),
            ),
        );
        let done = build(
            record(Some("2026-01-01T10:02:00Z"), Some("blocked")),
            all.clone(),
            "2026-01-01T12:00:00Z",
        );
        assert_eq!(done.state, "finished");
        assert_eq!(done.elapsed_seconds, 120);
        assert_eq!(states(&done), ["merged", "blocked", "blocked"]);
        assert_eq!(done.sessions[0].elapsed_seconds, 59);
        assert_eq!(
            done.sessions[1].why.as_deref(),
            Some("its session failed the gate 2 time(s)")
        );
        assert_eq!(
            done.sessions[2].why.as_deref(),
            Some("it depends on blocked T3")
        );
        let stopped = build(
            record(Some("2026-01-01T10:02:00Z"), Some("interrupted")),
            all,
            "2026-01-01T12:00:00Z",
        );
        assert_eq!(stopped.state, "interrupted");
    }

    #[test]
    fn the_store_view_reads_run_sessions_the_layout_and_activity() {
        for db in crate::state::test_db::test_dbs() {
            store_view(&db.open("plan.md"), &db.open("other.md"));
        }
    }

    fn store_view(store: &StateStore, other: &StateStore) {
        use crate::state::RunStep;
        assert_eq!(store.run_status(None).expect("read"), None);
        let layout = r#"{"lanes":[{"session":"session-1","tasks":["T1"],"prompt":""},
            {"session":"session-2","tasks":["T2"],"prompt":""}]}"#;
        let mine = store.start_run(1, "main", "fake", layout).expect("start");
        let theirs = other.start_run(2, "main", "fake", "{}").expect("start");
        assert_eq!(store.latest_run_id().expect("latest"), Some(mine));
        assert_eq!(store.run_status(Some(theirs)).expect("read"), None);
        let tasks = vec!["T1".to_string()];
        let started = RunStep::Started {
            session: "session-1",
            attempt: 1,
            tasks: &tasks,
            branch: "b",
            worktree: "w",
            pid: 1,
        };
        store
            .record_run_step(mine, "session_started", Some("session-1"), "{}", &started)
            .expect("event");
        for (tool, calls) in [("Read", 1), ("Bash: make", 2)] {
            let body = json!({"event": "session_activity", "session": "session-1",
                "attempt": 1, "last_tool": tool, "tool_calls": calls, "tokens": 7,
                "cost_usd": null});
            store
                .record_run_event(
                    mine,
                    "session_activity",
                    Some("session-1"),
                    &body.to_string(),
                )
                .expect("activity");
        }
        let status = store.run_status(None).expect("read").expect("a run");
        assert_eq!(status.run, mine);
        assert_eq!(status.state, "running", "this process, its baton, runs");
        assert_eq!(states(&status), ["running", "waiting"]);
        assert_eq!(status.sessions[1].tasks, ["T2"]);
        let activity = status.sessions[0].activity.clone().expect("activity");
        assert_eq!(
            (activity.last_tool.as_deref(), activity.tool_calls),
            (Some("Bash: make"), 2)
        );
        assert_eq!(status.totals.map(|t| t.tool_calls), Some(2));
    }
}
