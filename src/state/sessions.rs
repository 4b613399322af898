//! Agent sessions in the shared state: where each one started, and its stop gate.
//!
//! Why this exists: a session's name is whatever the model passes, so "the tasks this name
//! owns" is no gate. What a session cannot choose is when it started: `baton hook
//! session-start` records the plan's ticked boxes, the claims and the decisions log as they
//! stood then ([`SessionStart`]), and the stop gates judge every box ticked since. The gate
//! also keeps, per session, how many times in a row it blocked (Codex has no cap of its
//! own) and its last result, which the resume brief quotes after a compaction.

use super::db::{DbError, args};
use super::{StateError, StateStore, now_rfc3339};

/// The plan and claims as they stood when an agent session started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStart {
    /// The agent's own session id (Claude Code's, Codex's or Gemini's `session_id`).
    pub session_id: String,
    /// The baton session name known at the start ($BATON_SESSION), if any.
    pub name: Option<String>,
    /// RFC 3339 UTC.
    pub started_at: String,
    /// The last history entry then (0: none): later entries happened during the session.
    pub history_id: i64,
    /// Tasks ticked in the plan then, by id (a task without one by its title).
    pub ticked: Vec<String>,
    /// Claims then: `(task id, owner)`.
    pub claims: Vec<(String, String)>,
    /// The decisions log's entries then, as written.
    pub decisions: Vec<String>,
}

/// A session's stop gate: consecutive blocks and the last result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateRecord {
    /// Blocks in a row since the last stop allowed.
    pub blocks: u32,
    /// When the gate last ran (RFC 3339 UTC).
    pub at: String,
    /// `blocked`, `allowed` or `capped` (would have blocked, allowed by the cap).
    pub outcome: String,
    /// The last result as the gate recorded it (JSON), if any.
    pub result: Option<String>,
}

/// What [`StateStore::record_gate`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateCount {
    /// Blocks in a row, this one included (0 when the stop is allowed).
    pub blocks: u32,
    /// The gate would have blocked, but the session had reached the cap: the stop is allowed
    /// and the count starts again.
    pub capped: bool,
}

impl StateStore {
    /// The id of this plan's last history entry (0 when there is none).
    pub fn last_history_id(&self) -> Result<i64, StateError> {
        self.read("read history", |db| {
            db.query_opt(
                "SELECT COALESCE(MAX(id), 0) FROM history WHERE plan_key = ?1",
                args![&self.plan_key],
            )?
            .map_or(Ok(0), |r| r.get(0))
        })
    }

    /// Records where a session started. With `replace` false an existing record is kept
    /// (a session that resumes keeps its first start); returns whether this one was written.
    pub fn record_session_start(
        &self,
        start: &SessionStart,
        replace: bool,
    ) -> Result<bool, StateError> {
        let ticked = json(&start.ticked);
        let claims = json(&start.claims);
        let decisions = json(&start.decisions);
        let sql = if replace {
            "INSERT INTO session_starts
                (plan_key, session_id, name, started_at, history_id, ticked, claims, decisions)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (plan_key, session_id) DO UPDATE SET
                name = excluded.name, started_at = excluded.started_at,
                history_id = excluded.history_id, ticked = excluded.ticked,
                claims = excluded.claims, decisions = excluded.decisions"
        } else {
            "INSERT INTO session_starts
                (plan_key, session_id, name, started_at, history_id, ticked, claims, decisions)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (plan_key, session_id) DO NOTHING"
        };
        self.write("record a session start", |tx| {
            let n = tx.execute(
                sql,
                args![
                    &self.plan_key,
                    &start.session_id,
                    &start.name,
                    &start.started_at,
                    start.history_id,
                    &ticked,
                    &claims,
                    &decisions
                ],
            )?;
            Ok(n > 0)
        })
    }

    /// Where `session_id` started, if a SessionStart hook recorded it.
    pub fn session_start(&self, session_id: &str) -> Result<Option<SessionStart>, StateError> {
        let row = self.read("read a session start", |db| {
            db.query_opt(
                "SELECT name, started_at, history_id, ticked, claims, decisions
                 FROM session_starts WHERE plan_key = ?1 AND session_id = ?2",
                args![&self.plan_key, session_id],
            )?
            .map(|r| {
                Ok::<_, DbError>((
                    r.get::<Option<String>>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<String>(3)?,
                    r.get::<String>(4)?,
                    r.get::<String>(5)?,
                ))
            })
            .transpose()
        })?;
        Ok(row.map(
            |(name, started_at, history_id, ticked, claims, decisions)| SessionStart {
                session_id: session_id.to_string(),
                name,
                started_at,
                history_id,
                // A value this build cannot read counts as empty: the gate then judges
                // more, never less.
                ticked: serde_json::from_str(&ticked).unwrap_or_default(),
                claims: serde_json::from_str(&claims).unwrap_or_default(),
                decisions: serde_json::from_str(&decisions).unwrap_or_default(),
            },
        ))
    }

    /// Records one run of `session_id`'s stop gate, in one transaction: a block adds one to
    /// the blocks in a row, unless that passes `cap` (then the stop is allowed, counted as
    /// `capped`, and the count starts again); an allowed stop resets the count. `result` is
    /// kept as the session's last gate result.
    pub fn record_gate(
        &self,
        session_id: &str,
        blocked: bool,
        cap: Option<u32>,
        result: Option<&str>,
    ) -> Result<GateCount, StateError> {
        let now = now_rfc3339();
        self.write("record a stop gate", |tx| {
            let before: u32 = tx
                .query_opt(
                    "SELECT blocks FROM session_gates WHERE plan_key = ?1 AND session_id = ?2",
                    args![&self.plan_key, session_id],
                )?
                .map_or(Ok(0), |r| r.get(0))?;
            let count = if !blocked {
                GateCount {
                    blocks: 0,
                    capped: false,
                }
            } else if cap.is_some_and(|cap| before >= cap) {
                GateCount {
                    blocks: 0,
                    capped: true,
                }
            } else {
                GateCount {
                    blocks: before.saturating_add(1),
                    capped: false,
                }
            };
            let outcome = match (blocked, count.capped) {
                (_, true) => "capped",
                (true, false) => "blocked",
                (false, false) => "allowed",
            };
            tx.execute(
                "INSERT INTO session_gates (plan_key, session_id, blocks, at, outcome, result)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (plan_key, session_id) DO UPDATE SET
                    blocks = excluded.blocks, at = excluded.at, outcome = excluded.outcome,
                    result = excluded.result",
                args![
                    &self.plan_key,
                    session_id,
                    count.blocks,
                    &now,
                    outcome,
                    result
                ],
            )?;
            Ok(count)
        })
    }

    /// `session_id`'s stop gate as last recorded.
    pub fn gate_record(&self, session_id: &str) -> Result<Option<GateRecord>, StateError> {
        self.read("read a stop gate", |db| {
            db.query_opt(
                "SELECT blocks, at, outcome, result FROM session_gates
                 WHERE plan_key = ?1 AND session_id = ?2",
                args![&self.plan_key, session_id],
            )?
            .map(|r| {
                Ok(GateRecord {
                    blocks: r.get(0)?,
                    at: r.get(1)?,
                    outcome: r.get(2)?,
                    result: r.get(3)?,
                })
            })
            .transpose()
        })
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(id: &str, ticked: &[&str]) -> SessionStart {
        SessionStart {
            session_id: id.into(),
            name: Some("alice".into()),
            started_at: "2026-01-21T09:30:00Z".into(),
            history_id: 3,
            ticked: ticked.iter().map(|s| s.to_string()).collect(),
            claims: vec![("T1".into(), "alice".into())],
            decisions: vec!["2026-01-20: use sqlite".into()],
        }
    }

    #[test]
    fn a_start_round_trips_and_is_kept_unless_replaced() {
        for db in crate::state::test_db::test_dbs() {
            starts(&db.open("plan.md"), &db.open("other.md"));
        }
    }

    fn starts(s: &StateStore, other: &StateStore) {
        assert_eq!(s.session_start("abc").expect("read"), None);
        let first = start("abc", &["T1"]);
        assert!(s.record_session_start(&first, false).expect("record"));
        assert_eq!(s.session_start("abc").expect("read"), Some(first.clone()));
        // A resume keeps the first start; a new start replaces it.
        assert!(
            !s.record_session_start(&start("abc", &["T2"]), false)
                .expect("keep")
        );
        assert_eq!(s.session_start("abc").expect("read"), Some(first));
        assert!(
            s.record_session_start(&start("abc", &["T2"]), true)
                .expect("replace")
        );
        assert_eq!(
            s.session_start("abc").expect("read").expect("some").ticked,
            ["T2"]
        );
        // Scoped to the plan.
        assert_eq!(other.session_start("abc").expect("read"), None);
    }

    #[test]
    fn blocks_count_up_to_the_cap_and_an_allowed_stop_resets_them() {
        for db in crate::state::test_db::test_dbs() {
            gates(&db.open("plan.md"));
        }
    }

    fn gates(s: &StateStore) {
        let counts: Vec<GateCount> = (0..4)
            .map(|_| {
                s.record_gate("abc", true, Some(2), Some("{}"))
                    .expect("gate")
            })
            .collect();
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.blocks, c.capped))
                .collect::<Vec<_>>(),
            [(1, false), (2, false), (0, true), (1, false)]
        );
        assert_eq!(s.gate_record("abc").expect("read").expect("some").blocks, 1);
        let allowed = s.record_gate("abc", false, Some(2), None).expect("gate");
        assert_eq!((allowed.blocks, allowed.capped), (0, false));
        let record = s.gate_record("abc").expect("read").expect("some");
        assert_eq!((record.blocks, record.outcome.as_str()), (0, "allowed"));
        // No cap: it counts on.
        for _ in 0..10 {
            s.record_gate("xyz", true, None, None).expect("gate");
        }
        assert_eq!(
            s.gate_record("xyz").expect("read").expect("some").blocks,
            10
        );
        assert_eq!(s.last_history_id().expect("id"), 0);
        s.record(Some("T1"), "claim", Some("a"), None)
            .expect("record");
        assert!(s.last_history_id().expect("id") > 0);
    }
}
