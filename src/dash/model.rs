//! What the dashboard shows, as plain data: built from the plan, the claims, the run ledger
//! and the stored verdicts ([`build`]), drawn by [`super::view`], refreshed by
//! [`super::app`]. Nothing here reads a file or knows about terminals, so render tests build
//! a model by hand and snapshot what it draws.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::graph::Readiness;
use crate::ops::gate::GateResult;
use crate::plan::{Plan, Status};
use crate::state::{Claim, RunEventRow, RunStatus, unix_from_rfc3339};

/// The whole screen's data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// The plan's title, else its path.
    pub title: String,
    /// The plan's path as shown.
    pub plan: String,
    pub done: usize,
    pub total: usize,
    pub phases: Vec<PhaseRow>,
    /// The live or last run; None when no run happened.
    pub run: Option<RunLine>,
    /// One row per session of the run, else per session holding claims.
    pub lanes: Vec<Lane>,
    pub findings: Vec<FindingRow>,
}

/// One phase and its progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhaseRow {
    pub name: String,
    pub done: usize,
    pub skipped: usize,
    /// Open tasks that cannot go on: blocked by the run, or waiting on something that names
    /// no task.
    pub blocked: usize,
    /// Open tasks otherwise (todo, in progress, claimed, waiting for dependencies).
    pub open: usize,
    /// The first phase with open tasks.
    pub current: bool,
}

impl PhaseRow {
    pub fn total(&self) -> usize {
        self.done + self.skipped + self.blocked + self.open
    }
}

/// The run heading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunLine {
    pub id: i64,
    /// 1-based.
    pub phase: i64,
    /// `running`, `finished (success)`, `interrupted`…
    pub state: String,
    /// Its clock goes on (the run is live).
    pub live: bool,
    pub elapsed: i64,
    pub agent: String,
    pub integration: String,
    pub tool_calls: u64,
    pub tokens: Option<u64>,
    pub cost: Option<f64>,
}

/// One session (a run's lane, or a session holding claims).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lane {
    pub session: String,
    /// The run's agent, or `-` for a claim holder outside a run.
    pub agent: String,
    pub tasks: Vec<String>,
    /// The task it works on: the first of its tasks not ticked, with its title.
    pub task: String,
    /// Seconds since it started; None before.
    pub elapsed: Option<i64>,
    /// Its clocks go on (it runs).
    pub live: bool,
    pub last_tool: Option<String>,
    pub tokens: Option<u64>,
    pub cost: Option<f64>,
    /// Seconds since the oldest claim of its tasks was taken; None without a claim.
    pub lease_age: Option<i64>,
    /// `running`, `verifying`, `merging`, `blocked`, `merged`, `failed`, `waiting`,
    /// `interrupted`; outside a run `claimed` or `stale`.
    pub state: String,
    /// Why it is blocked or failed, first line.
    pub why: Option<String>,
    /// The latest attempt's log file, when a run started it.
    pub log: Option<PathBuf>,
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    Tampered,
    FalseDone,
    Collision,
    Audit,
    Blocked,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Tampered => "tampered",
            FindingKind::FalseDone => "false-done",
            FindingKind::Collision => "collision",
            FindingKind::Audit => "audit",
            FindingKind::Blocked => "blocked",
        }
    }
}

/// One finding, with the evidence the detail pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub kind: FindingKind,
    /// The task or session it is about.
    pub subject: String,
    /// One line.
    pub summary: String,
    /// Where it was found: `static check`, `stop gate of S`, `run 3, session-2`.
    pub source: String,
    pub evidence: Vec<String>,
}

/// A verdict of the static evidence check (run without any command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticVerdict {
    pub task: String,
    pub title: String,
    /// `false-done` or `tampered`.
    pub verdict: FindingKind,
    pub evidence: Vec<String>,
}

/// What the model is built from; [`super::load`] reads it.
#[derive(Debug)]
pub struct Inputs {
    pub shown: String,
    pub plan: Plan,
    pub claims: HashMap<String, Claim>,
    /// Indexed like `plan.tasks`.
    pub readiness: Vec<Readiness>,
    pub run: Option<RunStatus>,
    /// The run's `gate_failed`, `conflict` and `blocked` events.
    pub events: Vec<RunEventRow>,
    /// Each session's last stop gate result.
    pub gates: Vec<(String, GateResult)>,
    pub static_verdicts: Vec<StaticVerdict>,
    /// Per run session, its current task as its worktree's plan shows it.
    pub current: HashMap<String, String>,
    /// Per run session, its latest attempt's log.
    pub logs: HashMap<String, PathBuf>,
    /// RFC 3339 UTC.
    pub now: String,
}

/// Builds the model.
pub fn build(inputs: Inputs) -> Model {
    let plan = &inputs.plan;
    let blocked_by_run: Vec<String> = inputs
        .events
        .iter()
        .filter(|(_, kind, _, _)| kind == "blocked")
        .filter_map(|(_, _, _, body)| serde_json::from_str::<serde_json::Value>(body).ok())
        .flat_map(|body| {
            body["tasks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    let current = crate::graph::current_phase(plan);
    let phases = plan
        .phases
        .iter()
        .map(|phase| {
            let mut row = PhaseRow {
                name: phase_name(phase),
                current: current == Some(phase.index),
                ..PhaseRow::default()
            };
            for &t in &phase.tasks {
                let task = &plan.tasks[t];
                match task.status {
                    Status::Done => row.done += 1,
                    Status::Skipped => row.skipped += 1,
                    _ => {
                        let stuck = task
                            .id
                            .as_deref()
                            .is_some_and(|id| blocked_by_run.iter().any(|b| b == id))
                            || matches!(inputs.readiness.get(t), Some(Readiness::Unresolved(_)));
                        if stuck {
                            row.blocked += 1;
                        } else {
                            row.open += 1;
                        }
                    }
                }
            }
            row
        })
        .collect();
    let run = inputs.run.as_ref().map(|r| RunLine {
        id: r.run,
        phase: r.phase,
        state: match (&r.state[..], &r.outcome) {
            ("finished", Some(outcome)) => format!("finished ({outcome})"),
            (state, _) => state.to_string(),
        },
        live: r.state == "running",
        elapsed: r.elapsed_seconds,
        agent: r.agent.clone(),
        integration: r.integration.clone(),
        tool_calls: r.totals.as_ref().map_or(0, |t| t.tool_calls),
        tokens: r.totals.as_ref().map(|t| t.tokens),
        cost: r.totals.as_ref().and_then(|t| t.cost_usd),
    });
    Model {
        title: plan.title.clone().unwrap_or_else(|| inputs.shown.clone()),
        plan: inputs.shown.clone(),
        done: plan
            .tasks
            .iter()
            .filter(|t| t.status == Status::Done)
            .count(),
        total: plan.tasks.len(),
        phases,
        run,
        lanes: lanes(&inputs),
        findings: findings(&inputs),
    }
}

/// `Phase 2: Features` (a numbered heading as written), or `3. Cleanup`.
fn phase_name(phase: &crate::plan::Phase) -> String {
    if phase.number.is_some() {
        phase.title.clone()
    } else {
        format!("{}. {}", phase.index + 1, phase.title)
    }
}

/// Seconds from `from` to `now`.
fn age(from: &str, now: &str) -> Option<i64> {
    Some((unix_from_rfc3339(now)? - unix_from_rfc3339(from)?).max(0))
}

/// The run's state words as a person reads a lane: the gate is verifying, a passed gate
/// waits to merge.
fn lane_state(state: &str) -> &str {
    match state {
        "exited" => "verifying",
        "gated" => "merging",
        other => other,
    }
}

fn lanes(inputs: &Inputs) -> Vec<Lane> {
    let plan = &inputs.plan;
    let title = |id: &str| {
        plan.task(id)
            .map_or_else(|| id.to_string(), |t| format!("{id} {}", t.title))
    };
    let lease_age = |tasks: &[String]| {
        tasks
            .iter()
            .filter_map(|t| inputs.claims.get(t))
            .filter_map(|c| age(&c.claimed_at, &inputs.now))
            .max()
    };
    if let Some(run) = &inputs.run {
        return run
            .sessions
            .iter()
            .map(|s| {
                let activity = s.activity.as_ref();
                let task = inputs.current.get(&s.session).cloned().unwrap_or_else(|| {
                    let open = s.tasks.iter().find(|id| {
                        plan.task(id)
                            .is_none_or(|t| !matches!(t.status, Status::Done | Status::Skipped))
                    });
                    match open {
                        Some(id) => title(id),
                        None => format!("{} ticked", s.tasks.join(" ")),
                    }
                });
                Lane {
                    session: s.session.clone(),
                    agent: run.agent.clone(),
                    tasks: s.tasks.clone(),
                    task,
                    elapsed: s.started_at.as_ref().map(|_| s.elapsed_seconds),
                    live: run.state == "running"
                        && !matches!(s.state.as_str(), "merged" | "blocked" | "waiting"),
                    last_tool: activity.and_then(|a| a.last_tool.clone()),
                    tokens: activity.map(|a| a.tokens),
                    cost: activity.and_then(|a| a.cost_usd),
                    lease_age: lease_age(&s.tasks),
                    state: lane_state(&s.state).to_string(),
                    why: s.why.clone(),
                    log: inputs.logs.get(&s.session).cloned(),
                }
            })
            .collect();
    }
    // No run: one row per session holding claims.
    let mut owners: Vec<&str> = inputs.claims.values().map(|c| c.owner.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    owners
        .into_iter()
        .map(|owner| {
            let mut held: Vec<&Claim> = inputs
                .claims
                .values()
                .filter(|c| c.owner == owner)
                .collect();
            held.sort_by(|a, b| a.task_id.cmp(&b.task_id));
            let tasks: Vec<String> = held.iter().map(|c| c.task_id.clone()).collect();
            let live = held.iter().any(|c| c.is_live(&inputs.now));
            Lane {
                session: owner.to_string(),
                agent: "-".to_string(),
                task: tasks.first().map(|t| title(t)).unwrap_or_default(),
                lease_age: lease_age(&tasks),
                tasks,
                state: if live { "claimed" } else { "stale" }.to_string(),
                ..Lane::default()
            }
        })
        .collect()
}

fn findings(inputs: &Inputs) -> Vec<FindingRow> {
    let mut out: Vec<FindingRow> = inputs
        .static_verdicts
        .iter()
        .map(|v| FindingRow {
            kind: v.verdict,
            subject: v.task.clone(),
            summary: v.title.clone(),
            source: "static check".to_string(),
            evidence: v.evidence.clone(),
        })
        .collect();
    for (session, gate) in &inputs.gates {
        let source = format!("stop gate of {session}, {}", gate.at);
        for task in &gate.tasks {
            let kind = match task.verdict.as_str() {
                "false-done" => FindingKind::FalseDone,
                "tampered" => FindingKind::Tampered,
                _ => continue,
            };
            // The static check already says it for the plan as it is now.
            if out.iter().any(|f| f.kind == kind && f.subject == task.id) {
                continue;
            }
            out.push(FindingRow {
                kind,
                subject: task.id.clone(),
                summary: task.title.clone(),
                source: source.clone(),
                evidence: task.evidence.clone(),
            });
        }
        for line in &gate.audit {
            let kind = if line.contains("claimed-elsewhere") || line.contains("A002") {
                FindingKind::Collision
            } else {
                FindingKind::Audit
            };
            out.push(FindingRow {
                kind,
                subject: session.clone(),
                summary: line.clone(),
                source: source.clone(),
                evidence: vec![line.clone()],
            });
        }
    }
    let run = inputs.run.as_ref().map_or(0, |r| r.run);
    for (at, kind, session, body) in &inputs.events {
        let body: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let session = session.clone().unwrap_or_default();
        let source = format!("run {run}, {session}, {at}");
        let strings = |key: &str| -> Vec<String> {
            body[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let row = match kind.as_str() {
            "conflict" => {
                let files = strings("files");
                FindingRow {
                    kind: FindingKind::Collision,
                    subject: session,
                    summary: format!("merge conflict in {}", files.join(", ")),
                    source,
                    evidence: files,
                }
            }
            "gate_failed" => {
                let evidence = strings("evidence");
                let attempt = body["attempt"].as_u64().unwrap_or(0);
                FindingRow {
                    kind: FindingKind::Audit,
                    subject: session,
                    summary: format!(
                        "gate failed (attempt {attempt}): {}",
                        evidence.first().map_or("", String::as_str)
                    ),
                    source,
                    evidence,
                }
            }
            "blocked" => {
                let reason = body["reason"].as_str().unwrap_or_default().to_string();
                FindingRow {
                    kind: FindingKind::Blocked,
                    subject: session,
                    summary: format!(
                        "{}: {}",
                        strings("tasks").join(" "),
                        reason.lines().next().unwrap_or_default()
                    ),
                    source,
                    evidence: reason.lines().map(str::to_string).collect(),
                }
            }
            _ => continue,
        };
        out.push(row);
    }
    out.sort_by_key(|f| f.kind);
    out
}
