//! The one event stream of a run. The terminal view (a status line per event), `--json`
//! (one object per line) and the state store (`run_events`) all read these values; the schema
//! is documented in docs/run.md.

use serde::Serialize;

/// Something a run went through. Serialized with `"event": "<kind>"` beside the fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        run: i64,
        /// 1-based.
        phase: usize,
        integration: String,
        agent: String,
        sessions: usize,
    },
    /// `baton run --resume` took the run over: what it found done and what it continues.
    RunResumed {
        run: i64,
        /// 1-based.
        phase: usize,
        /// Sessions merged before.
        merged: Vec<String>,
        /// Sessions whose gate passed, to merge.
        merge: Vec<String>,
        /// Sessions whose agent had exited, to gate without starting it again.
        gate: Vec<String>,
        /// Sessions started (again): never started, running when baton stopped, or due a
        /// retry.
        start: Vec<String>,
        /// Process groups of agents left running by the baton that died, stopped first.
        stopped: Vec<u32>,
    },
    SessionStarted {
        session: String,
        attempt: u32,
        tasks: Vec<String>,
        branch: String,
        worktree: String,
        pid: u32,
    },
    SessionExited {
        session: String,
        attempt: u32,
        /// `exited 0`, `killed by SIGKILL`, `timed out after 30s`, `interrupted`.
        exit: String,
        seconds: f64,
    },
    GatePassed {
        session: String,
        attempt: u32,
    },
    GateFailed {
        session: String,
        attempt: u32,
        /// One line per problem: unticked task, verdict and failing command, audit finding.
        evidence: Vec<String>,
    },
    Retry {
        session: String,
        attempt: u32,
    },
    Blocked {
        session: String,
        tasks: Vec<String>,
        reason: String,
    },
    Merged {
        session: String,
        branch: String,
        commit: Option<String>,
    },
    Conflict {
        session: String,
        branch: String,
        files: Vec<String>,
    },
    PhaseVerified {
        phase: usize,
        passed: bool,
        /// Tasks of the phase not finished, `ID verdict`.
        unfinished: Vec<String>,
    },
    RunFinished {
        run: i64,
        /// `success`, `blocked`, `phase_failed`, `interrupted`.
        outcome: String,
        merged: usize,
        blocked: Vec<String>,
        /// The agents' activity summed over the run's attempts (every attempt of a resumed
        /// run included); absent when no agent's output stream was read.
        #[serde(skip_serializing_if = "Option::is_none")]
        totals: Option<crate::state::ActivityTotals>,
    },
    /// What an attempt's agent output stream showed ([`super::watch`]): sent when it changed,
    /// at most about once a second, and once more as the agent exits (before
    /// `session_exited`), with its final counts.
    SessionActivity {
        session: String,
        attempt: u32,
        /// The latest tool call (`Bash: cargo test`), null before the first.
        last_tool: Option<String>,
        tool_calls: u64,
        /// Input and output tokens.
        tokens: u64,
        /// Only Claude Code reports a cost.
        cost_usd: Option<f64>,
    },
}

impl Event {
    /// The event's kind, as `"event"` in its JSON and `kind` in the store.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::RunStarted { .. } => "run_started",
            Event::RunResumed { .. } => "run_resumed",
            Event::SessionStarted { .. } => "session_started",
            Event::SessionExited { .. } => "session_exited",
            Event::GatePassed { .. } => "gate_passed",
            Event::GateFailed { .. } => "gate_failed",
            Event::Retry { .. } => "retry",
            Event::Blocked { .. } => "blocked",
            Event::Merged { .. } => "merged",
            Event::Conflict { .. } => "conflict",
            Event::PhaseVerified { .. } => "phase_verified",
            Event::RunFinished { .. } => "run_finished",
            Event::SessionActivity { .. } => "session_activity",
        }
    }

    /// The session the event is about, if any.
    pub fn session(&self) -> Option<&str> {
        match self {
            Event::SessionStarted { session, .. }
            | Event::SessionExited { session, .. }
            | Event::GatePassed { session, .. }
            | Event::GateFailed { session, .. }
            | Event::Retry { session, .. }
            | Event::Blocked { session, .. }
            | Event::Merged { session, .. }
            | Event::Conflict { session, .. }
            | Event::SessionActivity { session, .. } => Some(session),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_the_json_tag() {
        let event = Event::Conflict {
            session: "session-2".into(),
            branch: "baton/run-1/session-2".into(),
            files: vec!["src/a.rs".into()],
        };
        let json = serde_json::to_value(&event).expect("json");
        assert_eq!(json["event"], event.kind());
        assert_eq!(json["files"][0], "src/a.rs");
        assert_eq!(event.session(), Some("session-2"));
    }
}
