//! The structured results of the MCP tools. Each derives a JSON Schema, which the server
//! publishes as the tool's `outputSchema`; like the CLI's `--json` views they are separate
//! from the domain types so the plan model can change without breaking agents.

use schemars::JsonSchema;
use serde::Serialize;

use crate::ops::views::TaskView;

#[derive(Debug, Serialize, JsonSchema)]
pub struct PhaseSummary {
    /// 1-based, as `baton status` numbers phases.
    pub number: usize,
    pub title: String,
    pub total: usize,
    pub done: usize,
    pub open: usize,
    pub current: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProblemView {
    pub code: String,
    pub severity: String,
    pub message: String,
    /// `file:line:col`.
    pub at: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OverviewView {
    pub plan: String,
    pub title: Option<String>,
    /// The plan's text before its first phase (trimmed, at most a few thousand bytes).
    pub overview: String,
    /// 1-based number of the first phase with open tasks; null when every task is closed.
    pub current_phase: Option<usize>,
    pub total: usize,
    pub done: usize,
    pub ready: usize,
    pub phases: Vec<PhaseSummary>,
    pub claimed: Vec<crate::ops::views::ClaimedTask>,
    /// Lint errors and warnings (`baton lint`), at most 50.
    pub problems: Vec<ProblemView>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TasksView {
    pub plan: String,
    /// Matching tasks before `limit` cut the list.
    pub matched: usize,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NextView {
    pub plan: String,
    pub current_phase: Option<usize>,
    pub ready: Vec<TaskView>,
    /// Why nothing is ready, when nothing is.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimResultView {
    pub id: String,
    pub session: String,
    /// `claimed`; `taken-over` when another session's lease had run out (`was_held_by` says
    /// whose); or `already-yours` when this session held it before (its lease is renewed).
    pub outcome: String,
    pub since: Option<String>,
    /// When the claim runs out unless renewed (any call naming this session renews it).
    pub expires: Option<String>,
    /// The session whose stale claim this one replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was_held_by: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ReleaseResultView {
    pub id: String,
    pub released: bool,
    /// Who held it, when someone did.
    pub was_held_by: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UndoResultView {
    pub id: String,
    /// The box was ticked and is open now; false when it was not ticked.
    pub reopened: bool,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct EvidenceView {
    /// `commands`, `acceptance`, `paths`, `identifiers`, `wiring`, `stubs`, `history`, or
    /// `criteria` (changed since `baton lock`); docs/verify.md.
    pub layer: String,
    /// `hard` (against the tick), `warning`, `positive` (for it) or `note`.
    pub weight: String,
    /// What was checked, as a stable name (`created-missing`, `drift`, …).
    pub check: String,
    /// Not hard evidence against the task.
    pub ok: bool,
    /// What was found, with `file:line` when known and a failing command's output.
    pub detail: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TaskVerification {
    pub id: String,
    pub title: String,
    pub line: u32,
    /// `verified`, `verified-with-warnings`, `false-done`, `unverifiable`, `incomplete`,
    /// `done-unticked`, `tampered` or `skipped` (docs/verify.md).
    pub verdict: String,
    pub evidence: Vec<EvidenceView>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CompleteResultView {
    pub id: String,
    /// The box is ticked now (it may have been already).
    pub ticked: bool,
    pub was_already_done: bool,
    /// Ticked although the evidence fails, because `force` was set.
    pub forced: bool,
    /// The verification run before ticking, as if the box were ticked.
    pub verification: TaskVerification,
    /// Dependencies of the task that are still open.
    pub open_dependencies: Vec<String>,
    /// The scope audit's findings on the session's changes (`A001 path: why`), when
    /// `[audit] policy` is `warn` (or `block` with `force`); empty when clean or off.
    pub audit: Vec<String>,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DecisionView {
    /// The line appended to the plan's decisions log.
    pub line: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VerifyResultView {
    pub plan: String,
    /// What was verified: `phase N`, `tasks`.
    pub scope: String,
    pub finished: bool,
    pub counts: Vec<VerdictCount>,
    pub tasks: Vec<TaskVerification>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VerdictCount {
    pub verdict: String,
    pub tasks: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LaneView {
    pub phase: usize,
    pub session: u32,
    pub tasks: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingView {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub tasks: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AnalysisView {
    pub plan: String,
    pub sessions: u32,
    pub recommended_sessions: u32,
    /// `true parallel`, `phased parallel`, `relay race` or `mixed`, with the reason.
    pub scenario: String,
    pub reason: String,
    /// Open tasks per wave (ids); wave 1 first.
    pub waves: Vec<Vec<String>>,
    pub critical_path: Vec<String>,
    /// T1 / max(T∞, T1 / sessions).
    pub speedup_bound: f64,
    pub makespan_hours: f64,
    pub lanes: Vec<LaneView>,
    pub findings: Vec<FindingView>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PromptView {
    pub phase: usize,
    pub session: u32,
    /// How many prompts the layout has.
    pub sessions: u32,
    pub tasks: Vec<String>,
    pub tokens: usize,
    pub uri: String,
    pub text: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RunStatusView {
    pub plan: String,
    /// The run (`baton status --json`'s `run`); null when this plan has never been run.
    pub run: Option<crate::state::RunStatus>,
}
