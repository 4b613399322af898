//! One unit's session on its worker thread: an attempt (a fresh worktree and branch forked
//! from the integration branch as it is when the attempt starts, the brief written into it,
//! the agent started and waited for), its gate, and the retries with the evidence of the
//! attempt before.

use std::sync::mpsc;
use std::time::Duration;

use crate::git::Git;
use crate::ops::{Error, Project};
use crate::plan::Plan;
use crate::process::{Exit, Supervisor};

use super::agent::{self, Session};
use super::dispatch::{Begin, Msg, UnitResult, take_claims};
use super::engine::{EXITED_OK, INTERRUPTED, PROMPT_FILE, Planned, Request};
use super::events::Event;
use super::executor::StartError;
use super::gate::gate;
use super::repo::{discard, git_error, worktrees_lock};

/// One unit from `begin` (its first attempt, or where `--resume` picks it up) to a passing
/// gate or its last retry.
#[allow(clippy::too_many_arguments)]
pub(super) fn drive_unit(
    project: &Project,
    plan: &Plan,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    index: usize,
    lease: Duration,
    begin: Begin,
    tx: &mpsc::Sender<Msg>,
) -> UnitResult {
    let unit = &planned.units[index];
    let owner = agent::owner(planned.run, &unit.session);
    let main = Git::new(&planned.root);
    let (first, mut evidence, mut again, mut announce, mut exited) = match begin {
        Begin::Attempt {
            attempt,
            evidence,
            again,
            announce,
        } => (attempt, evidence, again, announce, None),
        Begin::Gate { attempt, exit, ok } => (attempt, Vec::new(), false, true, Some((exit, ok))),
    };
    for attempt in first..=req.retries + 1 {
        if supervisor.is_cancelled() {
            return UnitResult::Interrupted;
        }
        let worktree = planned.worktree(index, attempt);
        let branch = planned.branch(index, attempt);
        let (exit, ok) = match exited.take() {
            Some(exited) => exited,
            None => {
                let how = Again { again, announce };
                let started = start_attempt(
                    project, plan, planned, supervisor, index, attempt, lease, &evidence, how, tx,
                );
                again = false;
                announce = true;
                match started {
                    Ok(Some(exited)) => exited,
                    Ok(None) => return UnitResult::Interrupted,
                    Err(e) => return UnitResult::Error(e),
                }
            }
        };
        evidence = match gate(planned, unit, &owner, &worktree, &branch) {
            Ok(found) => found,
            Err(e) => return UnitResult::Error(e),
        };
        // A gate cut short by an interruption says nothing: `--resume` gates again.
        if supervisor.is_cancelled() {
            return UnitResult::Interrupted;
        }
        if !ok {
            evidence.insert(0, format!("the agent {exit}"));
        }
        if evidence.is_empty() {
            let _ = tx.send(Msg::Event(Event::GatePassed {
                session: unit.session.clone(),
                attempt,
            }));
            return UnitResult::Passed { attempt };
        }
        let _ = tx.send(Msg::Event(Event::GateFailed {
            session: unit.session.clone(),
            attempt,
            evidence: evidence.clone(),
        }));
        if !req.keep {
            super::pool::give_back(&main, &planned.root, planned.pool(), &worktree);
        }
    }
    UnitResult::Failed { evidence }
}

/// Starts one attempt of a unit and waits for its agent: its exit described and whether it
/// was 0, or None when the run was interrupted.
#[allow(clippy::too_many_arguments)]
fn start_attempt(
    project: &Project,
    plan: &Plan,
    planned: &Planned,
    supervisor: &Supervisor,
    index: usize,
    attempt: u32,
    lease: Duration,
    evidence: &[String],
    how: Again,
    tx: &mpsc::Sender<Msg>,
) -> Result<Option<(String, bool)>, Error> {
    let Again { again, announce } = how;
    let unit = &planned.units[index];
    let owner = agent::owner(planned.run, &unit.session);
    let main = Git::new(&planned.root);
    let worktree = planned.worktree(index, attempt);
    let branch = planned.branch(index, attempt);
    if attempt > 1 && announce {
        let _ = tx.send(Msg::Event(Event::Retry {
            session: unit.session.clone(),
            attempt,
        }));
    }
    if attempt > 1 || again {
        // The earlier attempt's ticks are not done; its claims went with `baton done`.
        project
            .state()?
            .record_status(&unit.tasks, "undo", Some(&owner), false)?;
        take_claims(project, plan, &owner, &unit.tasks, lease)?;
    }
    if again {
        let _worktrees = worktrees_lock();
        discard(&main, &worktree, &branch);
    }
    // The integration branch as it is now: every unit this one waits for is merged.
    let fork = main
        .rev_parse(&format!("refs/heads/{}", planned.integration))
        .map_err(|e| git_error("git rev-parse", e))?;
    super::pool::checkout(
        &main,
        &planned.root,
        planned.pool(),
        &worktree,
        &branch,
        &fork,
    )?;
    let mut prompt = unit.prompt.clone();
    if !evidence.is_empty() {
        prompt.push_str(&retry_section(attempt - 1, evidence));
    }
    let prompt_file = worktree.join(PROMPT_FILE);
    prompt_file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&prompt_file, &prompt))
        .map_err(|e| Error::input(format!("cannot write {}: {e}", prompt_file.display())))?;
    let plan_path = worktree.join(&planned.plan_rel);
    let session = Session {
        run: planned.run,
        name: &unit.session,
        tasks: &unit.tasks,
        worktree: &worktree,
        plan: &plan_path,
        prompt_file: &prompt_file,
        prompt: &prompt,
    };
    let log = planned
        .dir
        .join("logs")
        .join(format!("{}.log", planned.attempt_name(index, attempt)));
    let watch = super::watch::Watch::new(&planned.agent, &log);
    let spec = agent::spec(&planned.agent, &session, log);
    let executor = super::executor::for_kind(
        planned.config.run.executor,
        supervisor,
        planned.config.run.slurm_partition.as_deref(),
    );
    let job_name = format!(
        "baton-run-{}-{}",
        planned.run,
        planned.attempt_name(index, attempt)
    );
    let running = match executor.start(&spec, &job_name) {
        Ok(r) => r,
        Err(StartError::Cancelled) => return Ok(None),
        Err(StartError::Failed(e)) => {
            return Err(Error::input(format!(
                "cannot start agent `{}` ({}): {e}",
                planned.agent_name, planned.agent.argv[0]
            )));
        }
    };
    let _ = tx.send(Msg::Event(Event::SessionStarted {
        session: unit.session.clone(),
        attempt,
        tasks: unit.tasks.clone(),
        branch,
        worktree: worktree.display().to_string(),
        pid: running.id(),
    }));
    let activity = tx.clone();
    let watcher = watch.start(&unit.session, attempt, move |event| {
        let _ = activity.send(Msg::Event(event));
    });
    let timeout = planned.agent.timeout_secs.map(Duration::from_secs);
    let finished = running.wait(timeout);
    watcher.stop();
    let exit = describe_exit(&finished.exit, timeout);
    let _ = tx.send(Msg::Event(Event::SessionExited {
        session: unit.session.clone(),
        attempt,
        exit: exit.clone(),
        seconds: finished.duration.as_secs_f64(),
    }));
    if finished.exit == Exit::Cancelled || supervisor.is_cancelled() {
        return Ok(None);
    }
    Ok(Some((exit, finished.exit == Exit::Exited(0))))
}

/// How an attempt starts: see [`Begin::Attempt`].
#[derive(Debug, Clone, Copy)]
struct Again {
    again: bool,
    announce: bool,
}

fn describe_exit(exit: &Exit, timeout: Option<Duration>) -> String {
    match exit {
        Exit::Exited(0) => EXITED_OK.into(),
        Exit::Exited(code) => format!("exited {code}"),
        Exit::Signaled(sig) => match crate::verify::exec::signal_name(*sig) {
            Some(name) => format!("was killed by {name}"),
            None => format!("was killed by signal {sig}"),
        },
        Exit::TimedOut => format!(
            "timed out after {}s; its process group was killed",
            timeout.map_or(0, |t| t.as_secs())
        ),
        Exit::Cancelled => INTERRUPTED.into(),
        Exit::Killed => "was killed".into(),
        Exit::WaitFailed(why) => format!("could not be waited for ({why})"),
    }
}

/// The section a retry's prompt ends with: why the last attempt did not pass.
fn retry_section(failed: u32, evidence: &[String]) -> String {
    let mut text = format!(
        "\n\n## Why attempt {failed} was not merged\n\nA previous session worked on these tasks \
         and its branch failed baton's gate. Fix every point below; this is a fresh worktree \
         from the integration branch.\n\n"
    );
    for line in evidence {
        text.push_str("- ");
        text.push_str(&line.replace('\n', "\n  "));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_prompt_carries_every_line_of_evidence() {
        let text = retry_section(
            1,
            &[
                "T1 is false-done: x".into(),
                "T1: `make t` exited 1; output:\nboom".into(),
            ],
        );
        assert!(text.contains("## Why attempt 1 was not merged"));
        assert!(text.contains("- T1 is false-done: x\n"));
        assert!(text.contains("exited 1; output:\n  boom\n"));
    }
}
