//! The views front ends share: the documented, versioned shapes of `--json` output
//! (docs/json.md), whose task and claim shapes the MCP tools return too. They are separate
//! from the domain types so the model can change without breaking consumers.

use serde::Serialize;

use crate::graph::Readiness;
use crate::plan::{Diagnostic, Plan, ScopeSource, Task};
use crate::state::Claim;
use crate::verify::exec::Outcome;

/// Bumped when a field is removed or changes meaning; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

/// Every JSON document: `{"schema": "baton.<kind>", "version": 1, …}`.
#[derive(Debug, Serialize)]
pub struct Envelope<T: Serialize> {
    pub schema: &'static str,
    pub version: u32,
    pub plan: String,
    #[serde(flatten)]
    pub body: T,
}

impl<T: Serialize> Envelope<T> {
    pub fn new(kind: &'static str, plan: &str, body: T) -> Envelope<T> {
        Envelope {
            schema: kind,
            version: SCHEMA_VERSION,
            plan: plan.to_string(),
            body,
        }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ClaimView {
    pub by: String,
    pub since: String,
    /// When the lease runs out unless renewed.
    pub expires: Option<String>,
    /// The lease has run out: another session may take the task.
    pub stale: bool,
}

impl From<&Claim> for ClaimView {
    fn from(c: &Claim) -> ClaimView {
        ClaimView {
            by: c.owner.clone(),
            since: c.claimed_at.clone(),
            expires: c.expires_at.clone(),
            stale: !c.is_live(&crate::state::now_rfc3339()),
        }
    }
}

/// A claimed task, as `baton status` and the MCP `plan_overview` list it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ClaimedTask {
    pub id: String,
    /// Empty for an id the plan no longer has.
    pub title: String,
    #[serde(flatten)]
    pub claim: ClaimView,
}

impl ClaimedTask {
    /// Every claim (live and stale) with its task's title, by task id.
    pub fn all(
        plan: &crate::plan::Plan,
        claims: &std::collections::HashMap<String, Claim>,
    ) -> Vec<ClaimedTask> {
        crate::ops::overview::claimed_tasks(plan, claims)
            .into_iter()
            .map(|(c, title)| ClaimedTask {
                id: c.task_id.clone(),
                title,
                claim: ClaimView::from(c),
            })
            .collect()
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AcceptanceView {
    pub text: String,
    pub status: &'static str,
    pub line: u32,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TaskView {
    pub id: Option<String>,
    pub title: String,
    pub status: &'static str,
    pub phase: usize,
    pub phase_title: String,
    pub line: u32,
    pub parallel: bool,
    pub optional: bool,
    pub labels: Vec<String>,
    pub after: Vec<String>,
    pub dependents: Vec<String>,
    pub files: Vec<String>,
    /// `declared`, `inferred` or `none`.
    pub scope: &'static str,
    pub reads: Vec<String>,
    pub verify: Vec<String>,
    pub done_when: Vec<String>,
    pub acceptance: Vec<AcceptanceView>,
    pub requirements: Vec<String>,
    pub estimate: Option<String>,
    pub estimate_hours: Option<f64>,
    pub agent: Option<String>,
    pub parent: Option<String>,
    pub readiness: &'static str,
    pub waiting_for: Vec<String>,
    pub claim: Option<ClaimView>,
}

pub fn readiness_name(r: &Readiness) -> &'static str {
    match r {
        Readiness::Ready => "ready",
        Readiness::Closed => "closed",
        Readiness::InProgress => "in-progress",
        Readiness::Claimed(_) => "claimed",
        Readiness::Waiting(_) => "waiting",
        Readiness::LaterPhase(_) => "later-phase",
        Readiness::HasOpenSubtasks => "open-subtasks",
        Readiness::Unresolved(_) => "unresolved",
    }
}

/// The ids of the tasks that wait for `task`, each once (two tasks may share an id).
fn dependent_ids(plan: &Plan, task: &Task) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in plan
        .dependents
        .of(task.index)
        .filter_map(|d| plan.tasks[d].id.as_ref())
    {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

impl TaskView {
    pub fn new(plan: &Plan, task: &Task, readiness: &Readiness, claim: Option<&Claim>) -> TaskView {
        let waiting_for = match readiness {
            Readiness::Waiting(deps) => deps.iter().map(|&d| plan.tasks[d].display_id()).collect(),
            _ => Vec::new(),
        };
        TaskView {
            id: task.id.clone(),
            title: task.title.clone(),
            status: task.status.as_str(),
            phase: task.phase + 1,
            phase_title: plan.phases[task.phase].title.clone(),
            line: task.line_span.line,
            parallel: task.parallel,
            optional: task.optional,
            labels: task.labels.to_vec(),
            after: task.deps.iter().map(|d| d.id.clone()).collect(),
            dependents: dependent_ids(plan, task),
            files: task.files.to_vec(),
            scope: match task.scope_source {
                ScopeSource::Declared => "declared",
                ScopeSource::Inferred => "inferred",
                ScopeSource::None => "none",
            },
            reads: task.reads.to_vec(),
            verify: task.verify.to_vec(),
            done_when: task.done_when.to_vec(),
            acceptance: task
                .acceptance
                .iter()
                .map(|a| AcceptanceView {
                    text: a.text.clone(),
                    status: a.status.as_str(),
                    line: a.span.line,
                })
                .collect(),
            requirements: task.requirements.to_vec(),
            estimate: task.estimate.clone(),
            estimate_hours: task.estimate_hours,
            agent: task.agent.clone(),
            parent: task.parent.map(|p| plan.tasks[p].display_id()),
            readiness: readiness_name(readiness),
            waiting_for,
            claim: claim.map(ClaimView::from),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct DiagnosticView {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub line: u32,
    pub col: u32,
    pub hint: Option<String>,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            code: d.code,
            name: d.name,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            line: d.span.line,
            col: d.span.col,
            hint: d.hint.clone(),
        }
    }
}

/// How a command ended, for people: `passed`, `exited 101`, `killed by SIGSEGV`, ….
pub fn outcome_word(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => "passed".to_string(),
        Outcome::Failed { code } => format!("exited {code}"),
        Outcome::Signaled { signal } => match crate::verify::exec::signal_name(*signal) {
            Some(name) => format!("killed by {name}"),
            None => format!("killed by signal {signal}"),
        },
        Outcome::TimedOut => "timed out (killed with everything it started)".to_string(),
        Outcome::Cancelled => "interrupted (killed with everything it started)".to_string(),
        Outcome::SpawnFailed(why) => format!("could not start: {why}"),
    }
}
