//! The tools: one method each, a parameter struct whose JSON Schema is the tool's
//! `inputSchema`, and a view whose schema is its `outputSchema`.
//!
//! Errors follow the MCP specification's split: every failure a model can act on is a tool
//! result with `isError: true`, so the agent reads why. Arguments that do not deserialize (a
//! wrong type, a missing or unknown field) are refused by the SDK before the tool runs, as
//! an error result whose text says which. Everything the plan or another session decides
//! (an unknown id, a task someone else holds, a plan whose dependencies loop) is an error
//! result whose `structuredContent` is `{"error": {kind, message, hint, …}}`; every tool's
//! `outputSchema` admits that object beside its own result (`schema::with_error`).

use std::time::Duration;

use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};
use rmcp::{Json, tool, tool_router};
use serde_json::json;

use super::BatonServer;
use super::params::*;
use super::views::*;
use crate::graph::{self, Readiness};
use crate::ops::claim::{self, Claimed, Released};
use crate::ops::complete;
use crate::ops::project::{Project, find_task};
use crate::ops::views::TaskView;
use crate::ops::{Error as CliError, Kind};
use crate::plan::{Plan, Severity, Status};
use crate::verify::finding::{Layer, Weight};
use crate::verify::{self, TaskReport, Verdict};

/// Every tool the server offers.
pub const TOOL_NAMES: &[&str] = &[
    "plan_overview",
    "list_tasks",
    "next_tasks",
    "claim_task",
    "complete_task",
    "release_task",
    "undo_task",
    "add_task",
    "log_decision",
    "verify",
    "analyze",
    "session_prompt",
    "run_status",
];

/// Output of a verify command kept per command in a tool result.
const TAIL_BYTES: usize = 2048;
/// How long one verify command may run inside a tool call.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);
/// Problems listed by `plan_overview`.
const MAX_PROBLEMS: usize = 50;
/// Bytes of the overview section returned.
const MAX_OVERVIEW_BYTES: usize = 4000;

/// A tool's failure, shown to the agent as an error result: the use case's error, whose
/// details (who holds a task, the failing evidence) become structured content.
#[derive(Debug)]
pub struct ToolError(CliError);

impl ToolError {
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl From<CliError> for ToolError {
    fn from(error: CliError) -> ToolError {
        ToolError(error)
    }
}

/// Hints written for the command line, said the way a tool caller can act on them.
fn tool_hint(hint: &str) -> String {
    hint.replace("--force", "`force: true`")
        .replace("`baton next`", "next_tasks")
        .replace("`baton list`", "list_tasks")
        .replace("`baton status`", "plan_overview")
        .replace("`baton lint`", "plan_overview (problems)")
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, rmcp::ErrorData> {
        let ToolError(error) = self;
        let hint = error.hint.as_deref().map(tool_hint);
        let mut text = error.message.clone();
        if let Some(hint) = &hint {
            text.push_str("\nhint: ");
            text.push_str(hint);
        }
        let mut json_error = json!({
            "kind": error.kind.as_str(),
            "message": error.message,
            "hint": hint,
        });
        if let (Some(serde_json::Value::Object(extra)), Some(map)) =
            (error.details, json_error.as_object_mut())
        {
            map.extend(extra);
        }
        let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
        result.structured_content = Some(json!({ "error": json_error }));
        Ok(result.into())
    }
}

impl BatonServer {
    pub(super) fn plan_file(&self) -> Result<Project, ToolError> {
        Ok(Project::locate(self.plan.as_deref())?)
    }

    /// The calling session's name: given, else the server's `BATON_SESSION`. Naming a
    /// session renews its leases (best effort: a renewal that fails changes nothing else).
    fn session(&self, given: Option<&str>) -> Option<String> {
        let session = given
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| self.default_session.clone());
        if let Some(name) = &session {
            self.renew_leases(name);
        }
        session
    }

    /// Renews every lease `name` holds on this plan.
    fn renew_leases(&self, name: &str) {
        if let Ok(file) = self.plan_file() {
            let _ = claim::renew(&file, name, None, claim::DEFAULT_TTL);
        }
    }

    fn required_session(&self, given: Option<&str>) -> Result<String, ToolError> {
        self.session(given).ok_or_else(|| {
            CliError::new(
                Kind::Usage,
                "which session? pass `session` with your session's name",
            )
            .with_hint("use the same name in every call of one session")
            .into()
        })
    }
}

/// Lint errors make readiness unreliable (a loop, an unknown or duplicate id): tools that
/// hand out work refuse them, naming each at `file:line:col`.
pub(super) fn require_sound(plan: &Plan, file: &Project) -> Result<(), ToolError> {
    let errors: Vec<ProblemView> = crate::lint::lint(plan)
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| problem(d, file))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let first = &errors[0];
    let message = format!(
        "{}: {} ({} error{} in the plan)",
        first.at,
        first.message,
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    let details = json!({ "problems": errors });
    Err(CliError::input(message)
        .with_hint("fix the plan, then try again; plan_overview lists every problem")
        .with_details(details)
        .into())
}

fn problem(d: &crate::plan::Diagnostic, file: &Project) -> ProblemView {
    ProblemView {
        code: d.code.to_string(),
        severity: d.severity.as_str().to_string(),
        message: d.message.clone(),
        at: format!("{}:{}:{}", file.shown, d.span.line, d.span.col),
    }
}

impl BatonServer {
    fn plan_overview_now(
        &self,
        _params: Parameters<NoParams>,
    ) -> Result<Json<OverviewView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        let (claims, readiness) = file.readiness(&plan)?;
        let current = graph::current_phase(&plan);
        let phases = plan
            .phases
            .iter()
            .map(|ph| {
                let done = ph
                    .tasks
                    .iter()
                    .filter(|&&t| plan.tasks[t].status.is_closed())
                    .count();
                PhaseSummary {
                    number: ph.index + 1,
                    title: ph.title.clone(),
                    total: ph.tasks.len(),
                    done,
                    open: ph.tasks.len() - done,
                    current: current == Some(ph.index),
                }
            })
            .collect();
        let claimed = crate::ops::views::ClaimedTask::all(&plan, &claims);
        let overview = plan
            .overview
            .as_ref()
            .map(|s| truncate(s.text.trim(), MAX_OVERVIEW_BYTES))
            .unwrap_or_default();
        Ok(Json(OverviewView {
            plan: file.shown.clone(),
            title: plan.title.clone(),
            overview,
            current_phase: current.map(|c| c + 1),
            total: plan.tasks.len(),
            done: plan
                .tasks
                .iter()
                .filter(|t| t.status == Status::Done)
                .count(),
            ready: readiness.iter().filter(|r| **r == Readiness::Ready).count(),
            phases,
            claimed,
            problems: crate::lint::lint(&plan)
                .iter()
                .take(MAX_PROBLEMS)
                .map(|d| problem(d, &file))
                .collect(),
        }))
    }

    fn list_tasks_now(
        &self,
        Parameters(params): Parameters<ListParams>,
    ) -> Result<Json<TasksView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        let (claims, readiness) = file.readiness(&plan)?;
        let phase = params
            .phase
            .as_ref()
            .map(|p| crate::ops::overview::phase_filter(&plan, &p.0))
            .transpose()?;
        let matching: Vec<usize> = plan
            .tasks
            .iter()
            .filter(|t| phase.is_none_or(|p| t.phase == p))
            .filter(|t| params.status.is_none_or(|s| s.matches(t.status)))
            .filter(|t| !params.ready || readiness[t.index] == Readiness::Ready)
            .map(|t| t.index)
            .collect();
        let tasks = matching
            .iter()
            .take(params.limit.unwrap_or(200))
            .map(|&t| {
                let task = &plan.tasks[t];
                let claim = task.id.as_deref().and_then(|id| claims.get(id));
                TaskView::new(&plan, task, &readiness[t], claim)
            })
            .collect();
        Ok(Json(TasksView {
            plan: file.shown.clone(),
            matched: matching.len(),
            tasks,
        }))
    }

    fn next_tasks_now(
        &self,
        Parameters(params): Parameters<NextParams>,
    ) -> Result<Json<NextView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        require_sound(&plan, &file)?;
        let (_, readiness) = file.readiness(&plan)?;
        let current = graph::current_phase(&plan);
        let ready: Vec<TaskView> = plan
            .tasks
            .iter()
            .filter(|t| readiness[t.index] == Readiness::Ready)
            .take(params.limit.unwrap_or(20))
            .map(|t| TaskView::new(&plan, t, &readiness[t.index], None))
            .collect();
        let note = ready.is_empty().then(|| match current {
            None => "every task is done or skipped".to_string(),
            Some(c) => format!(
                "nothing is ready in phase {} \"{}\": its open tasks are claimed, in progress or waiting on dependencies",
                c + 1,
                plan.phases[c].title
            ),
        });
        Ok(Json(NextView {
            plan: file.shown.clone(),
            current_phase: current.map(|c| c + 1),
            ready,
            note,
        }))
    }

    fn claim_task_now(
        &self,
        Parameters(params): Parameters<ClaimParams>,
    ) -> Result<Json<ClaimResultView>, ToolError> {
        let session = self.required_session(params.session.as_deref())?;
        let file = self.plan_file()?;
        let (_, plan, _) = file.load_shared()?;
        require_sound(&plan, &file)?;
        let request = claim::ClaimRequest {
            id: &params.id,
            by: &session,
            force: params.force,
            ttl: claim::DEFAULT_TTL,
        };
        let outcome = claim::claim_task(&file, &plan, request)?;
        let (outcome, since, was_held_by) = match outcome {
            Claimed::New => ("claimed", None, None),
            Claimed::TakenOver(was) => ("taken-over", None, Some(was.owner)),
            Claimed::AlreadyYours(c) => ("already-yours", Some(c.claimed_at), None),
            Claimed::HeldBy(c) => {
                return Err(claim::held_by(&params.id, &c)
                    .with_details(json!({ "holder": c.owner, "since": c.claimed_at }))
                    .into());
            }
        };
        let expires = file.claims()?.remove(&params.id).and_then(|c| c.expires_at);
        Ok(Json(ClaimResultView {
            id: params.id,
            session,
            outcome: outcome.to_string(),
            since,
            expires,
            was_held_by,
        }))
    }

    fn complete_task_now(
        &self,
        Parameters(params): Parameters<CompleteParams>,
    ) -> Result<Json<CompleteResultView>, ToolError> {
        let session = self.session(params.session.as_deref());
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        let limits = complete::Limits {
            timeout: COMMAND_TIMEOUT,
            tail_bytes: TAIL_BYTES,
        };
        let done = complete::complete(
            &file,
            &plan,
            &params.id,
            session.as_deref(),
            params.force,
            limits,
        )?;
        let view = verification_view(&plan, &done.report, done.verdict);
        let audit = done
            .audit
            .as_ref()
            .map(crate::ops::audit::Gate::lines)
            .unwrap_or_default();
        if done.blocked_by_audit() {
            let details = json!({ "audit": done.audit.as_ref().map(|g| &g.report) });
            return Err(CliError::new(
                Kind::Conflict,
                format!(
                    "{} was not ticked: its verification holds, but the session changed files \
                     outside its tasks' scope ({})",
                    params.id,
                    audit.join("; ")
                ),
            )
            .with_hint("undo or move those changes (or declare them in the task's `files:`), then call complete_task again; `force: true` ticks it anyway")
            .with_details(details)
            .into());
        }
        if !done.ticked {
            let lines: Vec<String> = view
                .evidence
                .iter()
                .filter(|e| !e.ok)
                .map(|e| format!("{}: {}", e.layer, first_line(&e.detail)))
                .collect();
            let details = json!({ "verification": view });
            return Err(CliError::new(
                Kind::Conflict,
                format!(
                    "{} was not ticked: its verification says {} ({})",
                    params.id,
                    done.verdict.as_str(),
                    lines.join("; ")
                ),
            )
            .with_hint("finish the work and call complete_task again, or pass `force: true` to tick it anyway")
            .with_details(details)
            .into());
        }
        let audit_forced = done
            .audit
            .as_ref()
            .is_some_and(crate::ops::audit::Gate::blocks);
        let note = match (done.forced, done.verdict) {
            (true, Verdict::Verified | Verdict::VerifiedWithWarnings | Verdict::Unverifiable)
                if audit_forced =>
            {
                "forced: ticked although the audit found changes outside its scope".to_string()
            }
            (true, v) => format!(
                "forced: ticked although its verification says {}",
                v.as_str()
            ),
            (false, Verdict::Unverifiable) => {
                "ticked; the task defines no evidence, so it is trusted, not verified".to_string()
            }
            (false, _) if done.was_already_done => {
                "was already done; its evidence holds".to_string()
            }
            (false, v) => format!("ticked; verification: {}", v.as_str()),
        };
        Ok(Json(CompleteResultView {
            id: params.id,
            ticked: true,
            was_already_done: done.was_already_done,
            forced: done.forced,
            verification: view,
            open_dependencies: done.open_dependencies,
            audit,
            note,
        }))
    }

    fn release_task_now(
        &self,
        Parameters(params): Parameters<ReleaseParams>,
    ) -> Result<Json<ReleaseResultView>, ToolError> {
        let session = self.session(params.session.as_deref());
        let file = self.plan_file()?;
        let released = claim::release_task(&file, &params.id, session.as_deref(), params.force)?;
        Ok(Json(match released {
            Released::NotClaimed => ReleaseResultView {
                id: params.id,
                released: false,
                was_held_by: None,
            },
            Released::Was(c) => ReleaseResultView {
                id: params.id,
                released: true,
                was_held_by: Some(c.owner),
            },
        }))
    }

    fn undo_task_now(
        &self,
        Parameters(params): Parameters<UndoParams>,
    ) -> Result<Json<UndoResultView>, ToolError> {
        let session = self.session(params.session.as_deref());
        let file = self.plan_file()?;
        let outcome = crate::ops::tick::set_status(
            &file,
            std::slice::from_ref(&params.id),
            Status::Todo,
            &crate::ops::tick::TickOptions {
                by: session.as_deref(),
                force: params.force,
            },
        )?;
        let reopened = outcome.changed.contains(&params.id);
        let note = match (&outcome.bookkeeping_failed, reopened) {
            (Some(why), _) => {
                format!("reopened in the plan, but the claims database was not updated: {why}")
            }
            (None, true) => {
                "reopened: the box is unticked; claim_task before working on it again".to_string()
            }
            (None, false) => "was not ticked; nothing changed".to_string(),
        };
        Ok(Json(UndoResultView {
            id: params.id,
            reopened,
            note,
        }))
    }

    fn add_task_now(
        &self,
        Parameters(params): Parameters<AddParams>,
    ) -> Result<Json<crate::ops::add::Added>, ToolError> {
        let file = self.plan_file()?;
        let by = self.session(params.session.as_deref());
        if let Some(name) = &by {
            self.renew_leases(name);
        }
        let request = crate::ops::add::AddRequest {
            title: params.title,
            phase: params.phase.map(|p| p.0),
            files: params.files,
            after: params.after,
            verify: params.verify,
            discovered_from: params.discovered_from,
            by,
        };
        Ok(Json(crate::ops::add::add_task(&file, &request)?))
    }

    fn log_decision_now(
        &self,
        Parameters(params): Parameters<DecisionParams>,
    ) -> Result<Json<DecisionView>, ToolError> {
        let file = self.plan_file()?;
        let text = match self.session(params.session.as_deref()) {
            Some(session) => format!("[{session}] {}", params.text.trim()),
            None => params.text.clone(),
        };
        if params.text.trim().is_empty() {
            return Err(CliError::new(Kind::Usage, "the decision text is empty").into());
        }
        let line = crate::ops::decide::log_decision(&file, &text, params.task.as_deref())?;
        Ok(Json(DecisionView { line }))
    }

    fn verify_now(
        &self,
        Parameters(params): Parameters<VerifyParams>,
    ) -> Result<Json<VerifyResultView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        let (scope, tasks) = if !params.ids.is_empty() {
            let mut tasks = Vec::new();
            for id in &params.ids {
                let t = find_task(&plan, &file, id)?.index;
                if !tasks.contains(&t) {
                    tasks.push(t);
                }
            }
            ("tasks".to_string(), tasks)
        } else {
            let phase = match &params.phase {
                Some(p) => crate::ops::overview::phase_filter(&plan, &p.0)?,
                None => graph::current_phase(&plan).ok_or_else(|| {
                    CliError::input(format!(
                        "every task in {} is done or skipped; pass `phase` or `ids`",
                        file.shown
                    ))
                })?,
            };
            (
                format!("phase {}", phase + 1),
                plan.phases[phase].tasks.clone(),
            )
        };
        let reports = run_verification(&plan, &file, &tasks)?;
        let mut counts: Vec<VerdictCount> = Vec::new();
        for r in &reports {
            match counts.iter_mut().find(|c| c.verdict == r.verdict.as_str()) {
                Some(c) => c.tasks += 1,
                None => counts.push(VerdictCount {
                    verdict: r.verdict.as_str().to_string(),
                    tasks: 1,
                }),
            }
        }
        Ok(Json(VerifyResultView {
            plan: file.shown.clone(),
            scope,
            finished: reports.iter().all(|r| r.verdict.is_finished(false)),
            counts,
            tasks: reports
                .iter()
                .map(|r| verification_view(&plan, r, r.verdict))
                .collect(),
        }))
    }

    fn analyze_now(
        &self,
        Parameters(params): Parameters<AnalyzeParams>,
    ) -> Result<Json<AnalysisView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        require_sound(&plan, &file)?;
        let sessions = check_sessions(params.sessions)?;
        let options = crate::analyze::Options {
            sessions,
            history_from: None,
            ..crate::analyze::Options::default()
        };
        let a = crate::ops::project::analysis(&plan, &file, &options)?;
        let id = |t: usize| plan.tasks[t].display_id();
        Ok(Json(AnalysisView {
            plan: file.shown.clone(),
            sessions: a.schedule.sessions,
            recommended_sessions: a.recommended_sessions,
            scenario: a.scenario.overall.as_str().to_string(),
            reason: a.scenario.reason.clone(),
            waves: a
                .waves
                .iter()
                .map(|w| w.iter().map(|&t| id(t)).collect())
                .collect(),
            critical_path: a.critical_path.iter().map(|&t| id(t)).collect(),
            speedup_bound: a
                .speedup
                .iter()
                .find(|(n, _)| *n == a.schedule.sessions)
                .map_or(1.0, |&(_, b)| b),
            makespan_hours: a.schedule.makespan as f64 / 60.0,
            lanes: a
                .schedule
                .lanes
                .iter()
                .map(|l| LaneView {
                    phase: l.phase + 1,
                    session: l.session,
                    tasks: l.slots.iter().map(|s| id(s.task)).collect(),
                })
                .collect(),
            findings: a
                .findings
                .iter()
                .map(|f| FindingView {
                    code: f.code.to_string(),
                    severity: f.severity.as_str().to_string(),
                    message: f.message.clone(),
                    tasks: f.tasks.iter().map(|&t| id(t)).collect(),
                })
                .collect(),
        }))
    }

    fn session_prompt_now(
        &self,
        Parameters(params): Parameters<PromptParams>,
    ) -> Result<Json<PromptView>, ToolError> {
        let file = self.plan_file()?;
        let (_, plan) = file.load()?;
        require_sound(&plan, &file)?;
        prompt_view(&file, &plan, params.session, params.sessions, params.phase).map(Json)
    }

    fn run_status_now(
        &self,
        Parameters(params): Parameters<RunStatusParams>,
    ) -> Result<Json<RunStatusView>, ToolError> {
        let file = self.plan_file()?;
        let run = if file.has_state() {
            file.state()?
                .run_status(params.run)
                .map_err(CliError::from)?
        } else {
            None
        };
        if run.is_none()
            && let Some(id) = params.run
        {
            return Err(CliError::input(format!("{} has no run {id}", file.shown))
                .with_hint("leave `run` out for the newest run")
                .into());
        }
        Ok(Json(RunStatusView {
            plan: file.shown.clone(),
            run,
        }))
    }
}

/// The tools as the router sees them: each runs its work on a blocking thread, so a long
/// call (a verify command, the plan lock) never stalls the connection's other requests,
/// pings or cancellations.
#[tool_router(vis = "pub(super)")]
impl BatonServer {
    #[tool(
        description = "The plan at a glance: title, overview, progress per phase, the current phase, who holds which task, and the plan's lint problems.",
        annotations(read_only_hint = true)
    )]
    async fn plan_overview(
        &self,
        params: Parameters<NoParams>,
    ) -> Result<Json<OverviewView>, ToolError> {
        self.off_thread(move |server| server.plan_overview_now(params))
            .await
    }

    #[tool(
        description = "List tasks with their status, dependencies, files, verify commands and claims. Filters: phase (number or title word), status (todo, in-progress, done, skipped, open), ready.",
        annotations(read_only_hint = true)
    )]
    async fn list_tasks(
        &self,
        params: Parameters<ListParams>,
    ) -> Result<Json<TasksView>, ToolError> {
        self.off_thread(move |server| server.list_tasks_now(params))
            .await
    }

    #[tool(
        description = "Tasks ready to start now: dependencies done, not claimed, in the earliest open phase.",
        annotations(read_only_hint = true)
    )]
    async fn next_tasks(
        &self,
        params: Parameters<NextParams>,
    ) -> Result<Json<NextView>, ToolError> {
        self.off_thread(move |server| server.next_tasks_now(params))
            .await
    }

    #[tool(
        description = "Claim a task for your session before working on it. Exactly one session wins; if another holds it, the error names the holder. Refuses tasks that are not ready unless `force`.",
        annotations(destructive_hint = false, idempotent_hint = true)
    )]
    async fn claim_task(
        &self,
        params: Parameters<ClaimParams>,
    ) -> Result<Json<ClaimResultView>, ToolError> {
        self.off_thread(move |server| server.claim_task_now(params))
            .await
    }

    #[tool(
        description = "Mark a task done. Runs its verification first (verify commands, acceptance items, the files and code identifiers it names, stubs) and refuses, with the failing evidence, when it fails, unless `force` (the result then says it was forced). Ticking releases your claim.",
        annotations(destructive_hint = false)
    )]
    async fn complete_task(
        &self,
        params: Parameters<CompleteParams>,
    ) -> Result<Json<CompleteResultView>, ToolError> {
        self.off_thread(move |server| server.complete_task_now(params))
            .await
    }

    #[tool(
        description = "Give a claimed task back so another session can take it. Only the holder releases it, unless `force`.",
        annotations(destructive_hint = false, idempotent_hint = true)
    )]
    async fn release_task(
        &self,
        params: Parameters<ReleaseParams>,
    ) -> Result<Json<ReleaseResultView>, ToolError> {
        self.off_thread(move |server| server.release_task_now(params))
            .await
    }

    #[tool(
        description = "Reopen a task whose box was ticked (by mistake, or its work turned out unfinished): unticks it, as `baton undo` does. Claim it again before working on it.",
        annotations(destructive_hint = false, idempotent_hint = true)
    )]
    async fn undo_task(
        &self,
        params: Parameters<UndoParams>,
    ) -> Result<Json<UndoResultView>, ToolError> {
        self.off_thread(move |server| server.undo_task_now(params))
            .await
    }

    #[tool(
        description = "File a task found mid-session into the plan: a fresh id in the plan's scheme, in the right phase (default: the phase of `discovered_from`, else the current one), after that phase's last task, in the plan's own style. Existing lines are never changed; a task that would add a lint finding is refused.",
        annotations(destructive_hint = false)
    )]
    async fn add_task(
        &self,
        params: Parameters<AddParams>,
    ) -> Result<Json<crate::ops::add::Added>, ToolError> {
        self.off_thread(move |server| server.add_task_now(params))
            .await
    }

    #[tool(
        description = "Log a decision that deviates from the plan, as one dated line in the plan's decisions section (optionally about one task).",
        annotations(destructive_hint = false)
    )]
    async fn log_decision(
        &self,
        params: Parameters<DecisionParams>,
    ) -> Result<Json<DecisionView>, ToolError> {
        self.off_thread(move |server| server.log_decision_now(params))
            .await
    }

    #[tool(
        description = "Check ticked boxes against evidence (verify commands, acceptance items, files and identifiers in the codebase, stubs, history) for some tasks, a phase, or the current phase. Returns each task's verdict and evidence. Runs the tasks' verify commands.",
        annotations(destructive_hint = false)
    )]
    async fn verify(
        &self,
        params: Parameters<VerifyParams>,
    ) -> Result<Json<VerifyResultView>, ToolError> {
        self.off_thread(move |server| server.verify_now(params))
            .await
    }

    #[tool(
        description = "What can run in parallel for N sessions: waves, critical path, speedup bound, one lane of tasks per session, and findings (shared files, hidden dependencies).",
        annotations(read_only_hint = true)
    )]
    async fn analyze(
        &self,
        params: Parameters<AnalyzeParams>,
    ) -> Result<Json<AnalysisView>, ToolError> {
        self.off_thread(move |server| server.analyze_now(params))
            .await
    }

    #[tool(
        description = "Your session's prompt: the tasks of your lane in the current (or given) phase, the files you own, the files you must not modify, and the protocol.",
        annotations(read_only_hint = true)
    )]
    async fn session_prompt(
        &self,
        params: Parameters<PromptParams>,
    ) -> Result<Json<PromptView>, ToolError> {
        self.off_thread(move |server| server.session_prompt_now(params))
            .await
    }

    #[tool(
        description = "What `baton run` is doing or did: the run (default: the newest; or `run` by id), its phase and state (running, finished, interrupted), and per session its tasks, attempt, state (running, exited, gated, failed, merged, blocked with why) and elapsed seconds.",
        annotations(read_only_hint = true)
    )]
    async fn run_status(
        &self,
        params: Parameters<RunStatusParams>,
    ) -> Result<Json<RunStatusView>, ToolError> {
        self.off_thread(move |server| server.run_status_now(params))
            .await
    }
}

impl BatonServer {
    async fn off_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce(&BatonServer) -> Result<T, ToolError> + Send + 'static,
    ) -> Result<T, ToolError> {
        let server = self.clone();
        tokio::task::spawn_blocking(move || {
            // Any call of a session that runs under `BATON_SESSION` keeps its claims alive.
            if let Some(name) = &server.default_session {
                server.renew_leases(name);
            }
            work(&server)
        })
        .await
        .unwrap_or_else(|e| {
            Err(CliError::new(Kind::Internal, format!("the tool's thread failed: {e}")).into())
        })
    }
}

fn check_sessions(sessions: Option<u32>) -> Result<Option<u32>, ToolError> {
    match sessions {
        Some(n) if !(1..=256).contains(&n) => Err(CliError::new(
            Kind::Usage,
            format!("sessions must be between 1 and 256, not {n}"),
        )
        .into()),
        other => Ok(other),
    }
}

/// One session's prompt; shared by the tool and the `baton://prompts/…` resources.
pub(super) fn prompt_view(
    file: &Project,
    plan: &Plan,
    session: u32,
    sessions: Option<u32>,
    phase: Option<u32>,
) -> Result<PromptView, ToolError> {
    let sessions = check_sessions(sessions)?;
    let generated = crate::ops::session::generate(file, plan, phase, sessions)?;
    let made = generated.out.prompts.len() as u32;
    let Some(prompt) = generated
        .out
        .prompts
        .iter()
        .find(|p| p.context.session == session)
    else {
        return Err(CliError::input(format!(
            "no session {session}: phase {} has work for {made} session{}",
            generated.phase + 1,
            if made == 1 { "" } else { "s" }
        ))
        .with_hint("ask for a session between 1 and the number of prompts")
        .into());
    };
    Ok(PromptView {
        phase: generated.phase + 1,
        session,
        sessions: made,
        tasks: prompt.context.tasks.iter().map(|t| t.id.clone()).collect(),
        tokens: prompt.tokens,
        uri: super::resources::prompt_uri(session, sessions, phase),
        text: prompt.text.clone(),
    })
}

fn run_verification(
    plan: &Plan,
    file: &Project,
    tasks: &[usize],
) -> Result<Vec<TaskReport>, ToolError> {
    let options = file.verify_options(
        None,
        COMMAND_TIMEOUT,
        TAIL_BYTES,
        crate::ops::project::Asker::Agent { rev: "HEAD" },
    );
    let changes = file.lock_changes(plan)?;
    Ok(verify::verify_tasks(
        plan,
        tasks,
        &changes,
        &options,
        |_, _, _| {},
    ))
}

fn verification_view(plan: &Plan, report: &TaskReport, verdict: Verdict) -> TaskVerification {
    let task = &plan.tasks[report.task];
    let mut evidence = Vec::new();
    if let Some(change) = &report.tamper {
        evidence.push(EvidenceView {
            layer: "criteria".to_string(),
            weight: Weight::Hard.as_str().to_string(),
            check: "changed".to_string(),
            ok: false,
            detail: format!("acceptance criteria changed since `baton lock`: {change:?}"),
        });
    }
    for f in &report.findings {
        let mut detail = f.message.clone();
        if let Some(at) = f.location() {
            detail.push_str(&format!(" ({at})"));
        }
        // A failing command's own words are the evidence an agent needs most.
        if f.layer == Layer::Commands
            && f.weight == Weight::Hard
            && let Some(c) = report.commands.iter().find(|c| c.command == f.subject)
        {
            detail.push_str(&format!(
                ": {}",
                crate::ops::views::outcome_word(&c.outcome)
            ));
            if !c.tail.trim().is_empty() {
                detail.push('\n');
                detail.push_str(c.tail.trim_end());
            }
        }
        evidence.push(EvidenceView {
            layer: f.layer.as_str().to_string(),
            weight: f.weight.as_str().to_string(),
            check: f.check.to_string(),
            ok: f.weight != Weight::Hard,
            detail,
        });
    }
    TaskVerification {
        id: task.display_id(),
        title: task.title.clone(),
        line: task.line_span.line,
        verdict: verdict.as_str().to_string(),
        evidence,
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
