//! The gate before a merge, and the phase check after a phase's merges.
//!
//! A session's branch merges only if its tasks are ticked and verify as `verified` inside its
//! worktree, running only the commands of the integration branch's committed lock (a command
//! the session added never runs; criteria it rewrote make a task `tampered`), and (by
//! policy) its diff passes the scope audit against its tasks. The audit's base is where the
//! session forked from the integration branch, so work merged before it started is not its
//! own.

use std::path::Path;
use std::time::Duration;

use crate::audit::{self, AuditInput};
use crate::config::Policy;
use crate::git::Git;
use crate::ops::project::Asker;
use crate::ops::{Error, Project};
use crate::plan::Status;

use super::engine::{Planned, Unit};
use super::repo::git_error;

/// How long one verify command of the gate may run.
const GATE_COMMAND_TIMEOUT: Duration = Duration::from_secs(600);

/// The gate of a finished session: what keeps its branch from merging, one line each (none:
/// it passes). Its branch is judged as committed: uncommitted work does not merge.
pub(super) fn gate(
    planned: &Planned,
    unit: &Unit,
    owner: &str,
    worktree: &Path,
    branch: &str,
) -> Result<Vec<String>, Error> {
    let mut evidence = Vec::new();
    let git = Git::new(worktree);
    let status = git
        .read_text(&["status", "--porcelain", "--untracked-files=all"])
        .map_err(|e| git_error("git status", e))?;
    let left: Vec<&str> = status.lines().map(|l| l.get(3..).unwrap_or(l)).collect();
    if !left.is_empty() {
        evidence.push(format!(
            "uncommitted changes left in the worktree (only commits merge): {}",
            left.join(", ")
        ));
    }
    let plan_path = worktree.join(&planned.plan_rel);
    let wproject = Project::new(plan_path.clone(), planned.plan_rel.display().to_string());
    let plan = match wproject.load() {
        Ok((_, plan)) => plan,
        Err(e) => {
            evidence.push(format!("the plan does not load: {}", e.message));
            return Ok(evidence);
        }
    };
    let mut indices = Vec::new();
    for id in &unit.tasks {
        match plan.task(id) {
            None => evidence.push(format!("{id} is no longer in the plan")),
            Some(t) => {
                if t.status != Status::Done {
                    evidence.push(format!("{id} is not ticked in the branch's plan"));
                }
                indices.push(t.index);
            }
        }
    }
    // The integration branch's committed lock decides which commands run: a command the
    // session wrote into its own plan never does.
    let options = wproject.verify_options(
        None,
        GATE_COMMAND_TIMEOUT,
        4096,
        Asker::Agent {
            rev: &planned.integration,
        },
    );
    for report in crate::verify::verify_tasks(&plan, &indices, &[], &options, |_, _, _| {}) {
        let task = &plan.tasks[report.task];
        if task.status != Status::Done || report.verdict.is_verified() {
            // An unticked task is reported above; its evidence follows if it was ticked.
            if task.status != Status::Done {
                for c in report.commands.iter().filter(|c| !c.outcome.is_success()) {
                    evidence.push(command_line(&task.display_id(), c));
                }
            }
            continue;
        }
        evidence.push(format!(
            "{} is {}: {}",
            task.display_id(),
            report.verdict.as_str(),
            report.reason(task.status)
        ));
        for c in report.commands.iter().filter(|c| !c.outcome.is_success()) {
            evidence.push(command_line(&task.display_id(), c));
        }
        for f in report.hard() {
            if f.layer != crate::verify::Layer::Commands {
                evidence.push(format!("{}: {}", task.display_id(), f.message));
            }
        }
    }
    if planned.config.audit.policy != Policy::Off {
        // Where the session forked: the integration branch moves on as other sessions merge,
        // and the branch itself is not in it yet.
        let base = Git::new(&planned.root)
            .merge_base(branch, &planned.integration)
            .map_err(|e| git_error("git merge-base", e))?
            .unwrap_or_else(|| planned.start.clone());
        let now = crate::state::now_rfc3339();
        let claims: Vec<_> = wproject
            .claims()?
            .into_values()
            .filter(|c| c.is_live(&now))
            .collect();
        let input = AuditInput {
            plan_path: &plan_path,
            plan: &plan,
            config: &planned.config.audit,
            base: Some(&base),
            head: Some(branch),
            tasks: &unit.tasks,
            session: Some(owner),
            claims: &claims,
        };
        let report =
            audit::audit(&input).map_err(|e| Error::internal(format!("audit of {branch}: {e}")))?;
        if planned.config.audit.policy == Policy::Block {
            for f in report
                .findings
                .iter()
                .filter(|f| !crate::ops::audit::AGENT_SETUP.contains(&f.path.as_str()))
            {
                evidence.push(format!("audit {} {}: {}", f.code.code(), f.path, f.message));
            }
        }
    }
    Ok(evidence)
}

fn command_line(id: &str, c: &crate::verify::exec::CommandResult) -> String {
    use crate::verify::exec::Outcome as O;
    let how = match &c.outcome {
        O::Failed { code } => format!("exited {code}"),
        O::Signaled { signal } => format!("was killed by signal {signal}"),
        O::TimedOut => "timed out".into(),
        O::Cancelled => "was cancelled".into(),
        O::SpawnFailed(why) => format!("could not start ({why})"),
        O::Passed => "passed".into(),
    };
    let tail: Vec<&str> = c.tail.lines().rev().take(8).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    if tail.is_empty() {
        format!("{id}: `{}` {how}", c.command)
    } else {
        format!("{id}: `{}` {how}; output:\n{}", c.command, tail.join("\n"))
    }
}

/// `verify --phase` on the integration branch after the merges: the person started the run,
/// so the plan's own commands run (a command that differs from the lock does not).
pub(super) fn verify_phase(
    project: &Project,
    planned: &Planned,
) -> Result<(bool, Vec<String>), Error> {
    let (_, plan) = project.load()?;
    let options = project.verify_options(None, GATE_COMMAND_TIMEOUT, 4096, Asker::Person);
    let changes = project.lock_changes(&plan)?;
    let Some(phase) = plan.phases.get(planned.phase) else {
        return Ok((false, vec!["the phase is gone from the plan".into()]));
    };
    let reports =
        crate::verify::verify_tasks(&plan, &phase.tasks, &changes, &options, |_, _, _| {});
    let unfinished: Vec<String> = reports
        .iter()
        .filter(|r| !r.verdict.is_finished(false))
        .map(|r| format!("{} {}", plan.tasks[r.task].display_id(), r.verdict.as_str()))
        .collect();
    Ok((unfinished.is_empty(), unfinished))
}
