//! The dispatcher of one phase: units start as soon as every unit they wait for is merged
//! and a session is free (at most `--sessions` at once), each on a worker thread of its own
//! that forks its worktree from the integration branch as it is then; a unit whose gate
//! passes is merged at once, on the dispatching thread alone, one merge at a time. A unit
//! that fails for good is blocked, and so is every unit waiting for it (the reason names
//! it); the rest goes on. Every event is recorded in the state store with the step it
//! completes before the front end sees it, so `--resume` always finds where each unit was.

use std::sync::mpsc;
use std::time::Duration;

use crate::git::{Git, MergeOutcome};
use crate::ops::claim::{ClaimRequest, Claimed, claim_task};
use crate::ops::{Error, Kind, Project};
use crate::plan::Plan;
use crate::process::Supervisor;
use crate::state::{RunStep, StateStore};

use super::agent;
use super::attempt::drive_unit;
use super::engine::{EXITED_OK, INTERRUPTED, Outcome, Planned, Request};
use super::events::Event;
use super::gate::verify_phase;
use super::lease;
use super::repo::{git_error, is_ancestor, prepare};

/// What a unit's thread reports back.
pub(super) enum Msg {
    Event(Event),
    Done(usize, UnitResult),
}

#[derive(Debug)]
pub(super) enum UnitResult {
    Passed {
        attempt: u32,
    },
    Failed {
        evidence: Vec<String>,
    },
    Interrupted,
    Error(Error),
    /// Merged before the run was resumed.
    Merged,
    /// Blocked (and recorded so) before the run was resumed.
    Blocked {
        tasks: Vec<String>,
    },
}

/// Where a unit's thread begins: a new attempt, or (on `--resume`) the gate of an attempt
/// whose agent had already exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Begin {
    Attempt {
        attempt: u32,
        /// The evidence of the attempt before, for the prompt.
        evidence: Vec<String>,
        /// The run is resumed: whatever this attempt left (worktree, branch) is removed
        /// first, and the tasks' ticks undone and claims taken again.
        again: bool,
        /// Announce the attempt as a retry (not when the retry was announced before).
        announce: bool,
    },
    Gate {
        attempt: u32,
        exit: String,
        ok: bool,
    },
}

/// What a unit does when the run (re)starts: a thread from `Begin`, or straight to the merge
/// loop with a result.
#[derive(Debug)]
pub(super) enum Start {
    Thread(Begin),
    Result(UnitResult),
}

/// Where a unit is in the dispatch.
#[derive(Debug)]
enum State {
    /// Waiting for the units in its `after` to merge, and for a free session.
    Waiting(Begin),
    Running,
    /// This attempt passed its gate: merged once the units it waits for are.
    ToMerge(u32),
    Merged,
    Blocked,
    /// Its session was stopped with the run (Ctrl-C): `--resume` continues it.
    Stopped,
}

/// The step an event completes for its session, recorded in the same transaction.
fn step_of(event: &Event) -> RunStep<'_> {
    match event {
        Event::SessionStarted {
            session,
            attempt,
            tasks,
            branch,
            worktree,
            pid,
        } => RunStep::Started {
            session,
            attempt: *attempt,
            tasks,
            branch,
            worktree,
            pid: *pid,
        },
        // An agent baton stopped did not finish: `--resume` starts it again.
        Event::SessionExited {
            session,
            attempt,
            exit,
            ..
        } if exit != INTERRUPTED => RunStep::Exited {
            session,
            attempt: *attempt,
            exit,
            ok: exit == EXITED_OK,
        },
        Event::GatePassed { session, attempt } => RunStep::Outcome {
            session,
            attempt: *attempt,
            outcome: "passed",
        },
        Event::GateFailed {
            session, attempt, ..
        } => RunStep::Outcome {
            session,
            attempt: *attempt,
            outcome: "failed",
        },
        _ => RunStep::None,
    }
}

/// Runs (or resumes) a recorded phase: each unit from `starts` as the units it waits for
/// merge, then the phase check.
pub(super) fn execute(
    project: &Project,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
    first: Event,
    starts: Vec<Start>,
) -> Result<Outcome, Error> {
    let mut books = Books {
        project,
        planned,
        req,
        state: project.state()?,
        sink,
        blocked: Vec::new(),
        merged: 0,
    };
    let _heartbeat = lease::Heartbeat::start(project, planned.run);
    books.emit(first, None)?;
    prepare(planned)?;
    let (_, plan) = project.load()?;
    let lease = lease::lease();
    let run = planned.run;
    let owners: Vec<String> = planned
        .units
        .iter()
        .map(|u| agent::owner(run, &u.session))
        .collect();
    let mut states: Vec<State> = Vec::with_capacity(starts.len());
    for (i, start) in starts.into_iter().enumerate() {
        let tasks = &planned.units[i].tasks;
        let state = match start {
            Start::Thread(begin) => {
                take_claims(project, &plan, &owners[i], tasks, lease)?;
                State::Waiting(begin)
            }
            Start::Result(UnitResult::Passed { attempt }) => {
                take_claims(project, &plan, &owners[i], tasks, lease)?;
                State::ToMerge(attempt)
            }
            Start::Result(UnitResult::Merged) => {
                books.merged += 1;
                State::Merged
            }
            Start::Result(UnitResult::Blocked { tasks }) => {
                books.blocked.extend(tasks);
                State::Blocked
            }
            Start::Result(other) => {
                books.block(i, failure_reason(req, other), None)?;
                State::Blocked
            }
        };
        states.push(state);
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let (stop_renewing, renewing) = mpsc::channel::<()>();
    let failure = std::thread::scope(|scope| {
        let owners = &owners;
        scope.spawn(move || lease::renew_until(project, owners, lease, &renewing));
        let mut running = 0usize;
        let mut failure: Option<Error> = None;
        // Ready units go through the run's queue in the store (src/state/queue.rs): put on it
        // once each when what they wait for has merged, taken off as sessions free up.
        let taker = format!("baton-{}", std::process::id());
        let mut queued = vec![false; states.len()];
        let mut pending = 0usize;
        loop {
            if !supervisor.is_cancelled() && failure.is_none() {
                if let Err(e) = books.settle(&mut states) {
                    failure = Some(e);
                    continue;
                }
                let ready: Vec<usize> = (0..states.len())
                    .filter(|&i| {
                        !queued[i]
                            && matches!(states[i], State::Waiting(_))
                            && planned.units[i]
                                .after
                                .iter()
                                .all(|&j| matches!(states.get(j), Some(State::Merged)))
                    })
                    .collect();
                if !ready.is_empty() {
                    let names: Vec<&str> = ready
                        .iter()
                        .map(|&i| planned.units[i].session.as_str())
                        .collect();
                    if let Err(e) = books.state.enqueue_ready(run, &names) {
                        failure = Some(e.into());
                        continue;
                    }
                    for &i in &ready {
                        queued[i] = true;
                    }
                    pending += ready.len();
                }
                let free = planned.sessions.saturating_sub(running).min(pending);
                let taken = match books.state.take_ready(run, &taker, free) {
                    Ok(taken) => taken,
                    Err(e) => {
                        failure = Some(e.into());
                        continue;
                    }
                };
                for name in taken {
                    pending = pending.saturating_sub(1);
                    let Some(i) = planned.units.iter().position(|u| u.session == name) else {
                        continue;
                    };
                    let State::Waiting(begin) = std::mem::replace(&mut states[i], State::Running)
                    else {
                        continue;
                    };
                    running += 1;
                    let tx = tx.clone();
                    let plan = &plan;
                    scope.spawn(move || {
                        let result = drive_unit(
                            project, plan, planned, req, supervisor, i, lease, begin, &tx,
                        );
                        let _ = tx.send(Msg::Done(i, result));
                    });
                }
            }
            if running == 0 {
                break;
            }
            match rx.recv() {
                Ok(Msg::Event(event)) => {
                    if let Err(e) = books.emit(event, None) {
                        failure.get_or_insert(e);
                    }
                }
                Ok(Msg::Done(i, result)) => {
                    running -= 1;
                    let halted = supervisor.is_cancelled() || failure.is_some();
                    states[i] = match result {
                        UnitResult::Passed { attempt } => State::ToMerge(attempt),
                        UnitResult::Interrupted => State::Stopped,
                        _ if halted => State::Stopped,
                        other => match books.block(i, failure_reason(req, other), None) {
                            Ok(()) => State::Blocked,
                            Err(e) => {
                                failure.get_or_insert(e);
                                State::Stopped
                            }
                        },
                    };
                }
                Err(_) => break,
            }
        }
        drop(stop_renewing);
        failure
    });
    if let Some(e) = failure {
        return Err(e);
    }

    if let Some(why) = supervisor.cancellation() {
        books.emit(
            Event::RunFinished {
                run,
                outcome: "interrupted".into(),
                merged: books.merged,
                blocked: books.blocked.clone(),
                totals: books.state.run_totals(run)?,
            },
            None,
        )?;
        books.state.finish_run(run, "interrupted")?;
        super::repo::tidy(planned);
        return Ok(Outcome {
            run,
            phase: planned.phase,
            dir: planned.dir.clone(),
            merged: books.merged,
            blocked: books.blocked,
            phase_passed: false,
            interrupted: Some(why),
        });
    }
    // Nothing is left waiting but what waits for a unit that never merged (the units are laid
    // out without loops; this is a safety net).
    for (i, state) in states.iter_mut().enumerate() {
        let attempt = match state {
            State::ToMerge(a) => Some(*a),
            State::Waiting(_) | State::Stopped => None,
            _ => continue,
        };
        books.block(i, "it waits for sessions that never merged".into(), attempt)?;
        *state = State::Blocked;
    }

    let (passed, unfinished) = verify_phase(project, planned)?;
    books.emit(
        Event::PhaseVerified {
            phase: planned.phase + 1,
            passed,
            unfinished,
        },
        None,
    )?;
    let outcome = if !books.blocked.is_empty() {
        "blocked"
    } else if !passed {
        "phase_failed"
    } else {
        "success"
    };
    books.emit(
        Event::RunFinished {
            run,
            outcome: outcome.into(),
            merged: books.merged,
            blocked: books.blocked.clone(),
            totals: books.state.run_totals(run)?,
        },
        None,
    )?;
    books.state.finish_run(run, outcome)?;
    super::repo::tidy(planned);
    Ok(Outcome {
        run,
        phase: planned.phase,
        dir: planned.dir.clone(),
        merged: books.merged,
        blocked: books.blocked,
        phase_passed: passed,
        interrupted: None,
    })
}

/// Why a unit that did not pass is blocked.
fn failure_reason(req: &Request, result: UnitResult) -> String {
    match result {
        UnitResult::Failed { evidence } => format!(
            "its session failed the gate {} time(s): {}",
            req.retries + 1,
            evidence.join("; ")
        ),
        UnitResult::Error(e) => format!("its session could not run: {e}"),
        _ => "its session did not finish".into(),
    }
}

/// The dispatching thread's books: the store, the front end, and what merged or was blocked.
struct Books<'a> {
    project: &'a Project,
    planned: &'a Planned,
    req: &'a Request,
    state: StateStore,
    sink: &'a mut dyn FnMut(&Event),
    blocked: Vec<String>,
    merged: usize,
}

impl Books<'_> {
    /// Records an event and the step it completes, then shows it. `outcome`: the step when
    /// the event alone does not say (a merge, a conflict, a block: `(attempt, outcome)`).
    fn emit(&mut self, event: Event, outcome: Option<(u32, &str)>) -> Result<(), Error> {
        let body = serde_json::to_string(&event)?;
        let step = match (outcome, event.session()) {
            (Some((attempt, outcome)), Some(session)) => RunStep::Outcome {
                session,
                attempt,
                outcome,
            },
            _ => step_of(&event),
        };
        self.state.record_run_step(
            self.planned.run,
            event.kind(),
            event.session(),
            &body,
            &step,
        )?;
        (self.sink)(&event);
        Ok(())
    }

    /// Merges what can merge and blocks what waits for a blocked unit, until nothing
    /// changes.
    fn settle(&mut self, states: &mut [State]) -> Result<(), Error> {
        let units = &self.planned.units;
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..states.len() {
                let waiting = matches!(states[i], State::Waiting(_) | State::ToMerge(_));
                let blocked_by: Vec<usize> = units[i]
                    .after
                    .iter()
                    .copied()
                    .filter(|&j| matches!(states.get(j), Some(State::Blocked)))
                    .collect();
                let attempt = match states[i] {
                    State::ToMerge(a) => Some(a),
                    _ => None,
                };
                if waiting && !blocked_by.is_empty() {
                    let names: Vec<String> = blocked_by
                        .iter()
                        .map(|&j| format!("{} ({})", units[j].session, units[j].tasks.join(", ")))
                        .collect();
                    self.block(
                        i,
                        format!("it waits for blocked {}", names.join(", ")),
                        attempt,
                    )?;
                    states[i] = State::Blocked;
                    changed = true;
                    continue;
                }
                let Some(attempt) = attempt else { continue };
                if !units[i]
                    .after
                    .iter()
                    .all(|&j| matches!(states.get(j), Some(State::Merged)))
                {
                    continue;
                }
                states[i] = match self.merge(i, attempt)? {
                    Ok(()) => State::Merged,
                    Err(reason) => {
                        self.block(i, reason, Some(attempt))?;
                        State::Blocked
                    }
                };
                changed = true;
            }
        }
        Ok(())
    }

    /// Merges a unit's passing branch into the integration branch: Err(why) on a conflict
    /// (the merge aborted, the branch kept).
    fn merge(&mut self, i: usize, attempt: u32) -> Result<Result<(), String>, Error> {
        let planned = self.planned;
        let unit = &planned.units[i];
        let run = planned.run;
        let main = Git::new(&planned.root);
        let branch = planned.branch(i, attempt);
        let message = format!(
            "baton run {run}: merge {} ({})",
            unit.session,
            unit.tasks.join(", ")
        );
        // A merge made before baton died, and not recorded, is not made twice.
        let outcome = if is_ancestor(&main, &branch) {
            MergeOutcome::UpToDate
        } else {
            main.merge_no_ff(&branch, &message)
                .map_err(|e| git_error("git merge", e))?
        };
        if let MergeOutcome::Conflicted { paths } = outcome {
            self.emit(
                Event::Conflict {
                    session: unit.session.clone(),
                    branch: branch.clone(),
                    files: paths.clone(),
                },
                Some((attempt, "conflict")),
            )?;
            return Ok(Err(format!(
                "its branch {branch} conflicts with the integration branch in {}",
                paths.join(", ")
            )));
        }
        let commit = match outcome {
            MergeOutcome::Merged { commit } => Some(commit),
            _ => None,
        };
        self.emit(
            Event::Merged {
                session: unit.session.clone(),
                branch,
                commit,
            },
            Some((attempt, "merged")),
        )?;
        self.merged += 1;
        release(self.project, &unit.tasks, &agent::owner(run, &unit.session))?;
        if !self.req.keep {
            let worktree = planned.worktree(i, attempt);
            super::pool::give_back(&main, &planned.root, planned.pool(), &worktree);
        }
        Ok(Ok(()))
    }

    /// Blocks a unit's tasks: its ticks undone (they are shared through the state, not done
    /// here), a `blocked` entry with the reason in the history, its claims released.
    fn block(&mut self, i: usize, reason: String, attempt: Option<u32>) -> Result<(), Error> {
        let unit = &self.planned.units[i];
        let run = self.planned.run;
        let owner = agent::owner(run, &unit.session);
        self.state
            .record_status(&unit.tasks, "undo", Some(&owner), false)?;
        for id in &unit.tasks {
            self.state
                .record(Some(id), "blocked", Some(&owner), Some(&reason))?;
        }
        release(self.project, &unit.tasks, &owner)?;
        self.blocked.extend(unit.tasks.iter().cloned());
        let attempt = match attempt {
            Some(a) => Some(a),
            None => self
                .state
                .run_sessions(run)?
                .iter()
                .filter(|r| r.session == unit.session)
                .map(|r| r.attempt)
                .max(),
        };
        self.emit(
            Event::Blocked {
                session: unit.session.clone(),
                tasks: unit.tasks.clone(),
                reason,
            },
            attempt.map(|a| (a, "blocked")),
        )
    }
}

pub(super) fn take_claims(
    project: &Project,
    plan: &Plan,
    owner: &str,
    tasks: &[String],
    ttl: Duration,
) -> Result<(), Error> {
    for id in tasks {
        let req = ClaimRequest {
            id,
            by: owner,
            force: true,
            ttl,
        };
        if let Claimed::HeldBy(other) = claim_task(project, plan, req)? {
            return Err(Error::new(
                Kind::Conflict,
                format!("{id} is claimed by {}", other.owner),
            )
            .with_hint("wait for that session, or `baton release` the task, then run again"));
        }
    }
    Ok(())
}

fn release(project: &Project, tasks: &[String], owner: &str) -> Result<(), Error> {
    let state = project.claim_store()?;
    for id in tasks {
        if state.claim_of(id)?.is_some_and(|c| c.owner == owner) {
            state.release(id)?;
        }
    }
    Ok(())
}
