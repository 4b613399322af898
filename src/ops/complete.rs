//! Completing a task: the owner check, the task's verification, then the tick — what an
//! agent asks for when it says "this is done". The box is ticked only when the evidence holds
//! (or the caller forces it, which the result says).

use std::time::Duration;

use super::error::{Error, Kind};
use super::project::{Project, find_task};
use super::tick;
use crate::plan::{Plan, Status};
use crate::verify::{self, TaskReport, Verdict};

/// How one verify command may run inside a completion.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    /// Bytes of each command's output kept for the report.
    pub tail_bytes: usize,
}

/// What a completion did.
#[derive(Debug)]
pub struct Completion {
    /// The task's index in the plan as it was verified.
    pub task: usize,
    pub report: TaskReport,
    pub verdict: Verdict,
    /// Whether the box is ticked now (false: refused, the evidence fails).
    pub ticked: bool,
    pub was_already_done: bool,
    /// Ticked although the evidence fails, because the caller forced it.
    pub forced: bool,
    /// Dependencies of the task that are still open (only with `force`).
    pub open_dependencies: Vec<String>,
    /// The scope audit of the session's changes, when the policy asks for one. Findings
    /// under `policy = "block"` keep the box unticked (unless forced).
    pub audit: Option<super::audit::Gate>,
}

impl Completion {
    /// Refused for the audit's findings, not for the evidence.
    pub fn blocked_by_audit(&self) -> bool {
        !self.ticked && self.audit.as_ref().is_some_and(super::audit::Gate::blocks)
    }
}

/// Verifies task `id` of `plan` and ticks it if its evidence holds. A task another session
/// holds is refused (naming the holder), unless `force`; so is a task whose evidence fails,
/// which comes back with `ticked: false` and the report, for the caller to show.
pub fn complete(
    project: &Project,
    plan: &Plan,
    id: &str,
    session: Option<&str>,
    force: bool,
    limits: Limits,
) -> Result<Completion, Error> {
    let task = find_task(plan, project, id)?;
    super::claim::check_holder(project, id, session, force, "complete")?;
    let was_already_done = task.status == Status::Done;
    let options = project.verify_options(
        None,
        limits.timeout,
        limits.tail_bytes,
        crate::ops::project::Asker::Agent { rev: "HEAD" },
    );
    let changes = project.lock_changes(plan)?;
    let report = verify::verify_tasks(plan, &[task.index], &changes, &options, |_, _, _| {})
        .pop()
        .ok_or_else(|| Error::new(Kind::Internal, "verification returned nothing"))?;
    let verdict = verify::verdict(Status::Done, &report);
    let failing = matches!(verdict, Verdict::FalseDone | Verdict::Tampered);
    let mut completion = Completion {
        task: task.index,
        report,
        verdict,
        ticked: false,
        was_already_done,
        forced: false,
        open_dependencies: Vec::new(),
        audit: None,
    };
    if failing && !force {
        return Ok(completion);
    }
    completion.audit = super::audit::gate(project, plan, &[id.to_string()], session)?;
    let blocked = completion
        .audit
        .as_ref()
        .is_some_and(super::audit::Gate::blocks);
    if blocked && !force {
        return Ok(completion);
    }
    // A forced completion ticks whatever its dependencies say; an honest one only with them
    // done.
    let force = force || failing;
    let outcome = tick::set_status(
        project,
        std::slice::from_ref(&id.to_string()),
        Status::Done,
        &tick::TickOptions { by: session, force },
    )?;
    completion.ticked = true;
    completion.forced = failing || blocked;
    completion.open_dependencies = outcome
        .waiting
        .into_iter()
        .flat_map(|(_, open)| open)
        .collect();
    Ok(completion)
}
