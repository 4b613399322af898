//! `baton run --resume`: a run continued after Ctrl-C, a crash or `kill -9` of baton, with
//! nothing finished done again and nothing lost.
//!
//! The state store holds what each session attempt got through — started (with its agent's
//! process id, also its group's), exited (how), gated, merged, blocked — each step recorded
//! in the transaction of its event, and the run's layout (lanes, briefs, start commit,
//! retries). From these, each lane picks up where it was: a merged session is left alone; a
//! passed one is merged (once: a branch already in the integration branch is not merged
//! again); one whose agent exited is gated in its kept worktree without starting the agent;
//! one whose agent was running is started again fresh, its worktree and branch removed and
//! its process group — alive still if baton was killed — stopped first.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::ops::{Error, Kind, Project};
use crate::process::Supervisor;
use crate::state::{DrivenFrom, Driver, Liveness, RunSession};

use super::agent;
use super::dispatch::{Begin, Start, UnitResult, execute};
use super::engine::{Layout, Outcome, Planned, Request, choose_agent, continue_all};
use super::events::Event;
use super::repo::{Checked, check_repository};

/// How long a left-over agent group gets between SIGTERM and SIGKILL (as a session's grace).
const ORPHAN_GRACE: Duration = Duration::from_secs(5);

/// A recorded run, ready to continue.
#[derive(Debug)]
pub struct Resume {
    pub planned: Planned,
    pub req: Request,
    starts: Vec<Start>,
    /// `(pid, owner)` of each attempt that was running when baton stopped.
    orphans: Vec<(u32, String)>,
    summary: Summary,
    /// An `--all` run whose baton died between two phases: the next phase starts afresh.
    fresh: bool,
    /// The baton that drove the run, as seen when it was judged gone: the takeover goes
    /// through only if it is still the one recorded.
    driver: Option<Driver>,
}

#[derive(Debug, Default)]
struct Summary {
    merged: Vec<String>,
    merge: Vec<String>,
    gate: Vec<String>,
    start: Vec<String>,
}

/// Finds the run (`wanted`, else the last unfinished one), checks it can continue here, and
/// decides where each lane picks up. Touches nothing.
pub fn plan_resume(project: &Project, wanted: Option<i64>) -> Result<Resume, Error> {
    let none =
        || Error::input("no unfinished run to resume").with_hint("`baton run` starts a new one");
    if !project.has_state() {
        return Err(none());
    }
    let state = project.state()?;
    let id = match wanted {
        Some(id) => id,
        None => match state.last_unfinished_run()? {
            Some(id) => id,
            None => return next_phase_of_all(project, &state).and_then(|r| r.ok_or_else(none)),
        },
    };
    let record = state
        .run(id)?
        .ok_or_else(|| Error::input(format!("there is no run {id}")))?;
    if let Some(outcome) = record.outcome.as_deref().filter(|o| *o != "interrupted") {
        return Err(Error::input(format!(
            "run {id} finished ({outcome}): there is nothing to resume"
        ))
        .with_hint("`baton run` starts a new one"));
    }
    let layout: Layout = state
        .run_layout(id)?
        .flatten()
        .as_deref()
        .ok_or_else(|| Error::input(format!("run {id} was recorded without its layout")))
        .and_then(|text| {
            serde_json::from_str(text).map_err(|e| {
                Error::input(format!(
                    "the recorded layout of run {id} does not read: {e}"
                ))
            })
        })?;
    let driver = state
        .run_driver(id)?
        .ok_or_else(|| Error::input(format!("there is no run {id}")))?;
    refuse_live(id, &driver)?;
    let mut config = crate::ops::audit::config(project)?;
    // The run's sessions run where they started: a Slurm run resumes as one.
    config.run.executor = layout.executor;
    let (agent_name, agent) = choose_agent(&config, Some(&record.agent))?;
    if layout.executor == crate::config::ExecutorKind::Slurm {
        // Jobs a killed baton left in the queue would work beside the resumed sessions.
        super::slurm::cancel_run_jobs(id);
    }
    let Checked {
        root,
        integration,
        plan_rel,
        ..
    } = check_repository(project)?;
    if integration != record.integration {
        return Err(Error::input(format!(
            "run {id} merges into `{}`, but `{integration}` is checked out",
            record.integration
        ))
        .with_hint(format!("`git switch {}`, then resume", record.integration)));
    }
    let phase = usize::try_from(record.phase.max(1) - 1).unwrap_or(0);
    let req = Request {
        phase: u32::try_from(record.phase).ok(),
        ..layout.request(&agent_name)
    };
    let sessions = layout.sessions.unwrap_or(layout.units.len()).max(1);
    let planned = Planned {
        run: id,
        phase,
        phase_title: layout.phase_title,
        integration,
        start: layout.start,
        agent_name: agent_name.clone(),
        agent,
        config,
        root,
        plan_rel,
        dir: crate::repo::state_dir(&project.path)
            .join("runs")
            .join(id.to_string()),
        units: layout.units,
        sessions,
    };
    let rows = state.run_sessions(id)?;
    let evidence = failed_evidence(&state.run_events(id)?);
    let mut latest: BTreeMap<&str, &RunSession> = BTreeMap::new();
    let mut orphans = Vec::new();
    for row in &rows {
        latest.insert(&row.session, row);
        // A session's pid is its machine's: one left by a baton elsewhere cannot be stopped
        // from here (it loses its claims when their lease ends).
        if let (None, None, Some(pid), true) = (&row.outcome, &row.exit, row.pid, driver.is_here())
        {
            orphans.push((pid, agent::owner(id, &row.session)));
        }
    }
    let mut summary = Summary::default();
    let mut starts = Vec::new();
    for lane in &planned.units {
        let evidence_of = |attempt: u32| {
            evidence
                .get(&(lane.session.clone(), attempt))
                .cloned()
                .unwrap_or_default()
        };
        let again = |attempt: u32| {
            Start::Thread(Begin::Attempt {
                attempt,
                evidence: evidence_of(attempt.saturating_sub(1)),
                again: true,
                announce: false,
            })
        };
        let name = lane.session.clone();
        let start = match latest.get(lane.session.as_str()) {
            None => again(1),
            Some(row) => match (row.outcome.as_deref(), &row.exit) {
                (Some("merged"), _) => {
                    summary.merged.push(name.clone());
                    Start::Result(UnitResult::Merged)
                }
                (Some("blocked"), _) => Start::Result(UnitResult::Blocked {
                    tasks: lane.tasks.clone(),
                }),
                // A conflict is merged again: the same branch takes the conflict path again.
                (Some("passed" | "conflict"), _) => {
                    summary.merge.push(name.clone());
                    Start::Result(UnitResult::Passed {
                        attempt: row.attempt,
                    })
                }
                (Some(_), _) if row.attempt > req.retries => Start::Result(UnitResult::Failed {
                    evidence: evidence_of(row.attempt),
                }),
                (Some(_), _) => Start::Thread(Begin::Attempt {
                    attempt: row.attempt + 1,
                    evidence: evidence_of(row.attempt),
                    again: true,
                    announce: true,
                }),
                (None, Some(exit)) if Path::new(&row.worktree).is_dir() => {
                    summary.gate.push(name.clone());
                    Start::Thread(Begin::Gate {
                        attempt: row.attempt,
                        exit: exit.clone(),
                        ok: row.exit_ok,
                    })
                }
                (None, _) => again(row.attempt),
            },
        };
        if matches!(start, Start::Thread(Begin::Attempt { .. })) {
            summary.start.push(name);
        }
        starts.push(start);
    }
    Ok(Resume {
        planned,
        req,
        starts,
        orphans,
        summary,
        fresh: false,
        driver: Some(driver),
    })
}

/// When the newest run was a phase of `--all` that passed, and a later phase has work: that
/// phase, planned afresh (baton died after one phase's run ended and before the next began).
fn next_phase_of_all(
    project: &Project,
    state: &crate::state::StateStore,
) -> Result<Option<Resume>, Error> {
    let Some(id) = state.latest_run_id()? else {
        return Ok(None);
    };
    let Some(record) = state.run(id)? else {
        return Ok(None);
    };
    let layout: Option<Layout> = state
        .run_layout(id)?
        .flatten()
        .and_then(|text| serde_json::from_str(&text).ok());
    let Some(layout) = layout.filter(|l| l.all) else {
        return Ok(None);
    };
    if record.outcome.as_deref() != Some("success") {
        return Ok(None);
    }
    let (_, plan) = project.load()?;
    let later = crate::graph::current_phase(&plan)
        .is_some_and(|p| i64::try_from(p).unwrap_or(0) + 1 > record.phase);
    if !later {
        return Ok(None);
    }
    let req = layout.request(&record.agent);
    let planned = super::engine::plan_run(project, &req)?;
    Ok(Some(Resume {
        planned,
        req,
        starts: Vec::new(),
        orphans: Vec::new(),
        summary: Summary::default(),
        fresh: true,
        driver: None,
    }))
}

/// Continues the run: stops the agents the dead baton left running, then runs each lane
/// from where it was, the merges and the phase check.
pub fn resume(
    project: &Project,
    resume: Resume,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
) -> Result<Outcome, Error> {
    let Resume {
        planned,
        req,
        starts,
        orphans,
        summary,
        fresh,
        driver,
    } = resume;
    if fresh {
        return super::engine::run(project, &planned, &req, supervisor, sink);
    }
    let stopped: Vec<u32> = orphans
        .iter()
        .filter(|(pid, owner)| stop_group(*pid, owner))
        .map(|(pid, _)| *pid)
        .collect();
    if let Some(driver) = &driver
        && !project.state()?.resume_run(planned.run, driver)?
    {
        return Err(Error::new(
            Kind::Busy,
            format!("run {} was taken over by another baton", planned.run),
        )
        .with_hint("`baton status` shows who runs it now"));
    }
    let first = Event::RunResumed {
        run: planned.run,
        phase: planned.phase + 1,
        merged: summary.merged,
        merge: summary.merge,
        gate: summary.gate,
        start: summary.start,
        stopped,
    };
    let outcome = execute(project, &planned, &req, supervisor, sink, first, starts)?;
    // An `--all` run goes on into the later phases.
    let later = Request { phase: None, ..req };
    continue_all(project, &later, outcome, supervisor, sink)
}

/// The evidence of each failed gate, by session and attempt, from the run's events.
fn failed_evidence(events: &[crate::state::RunEventRow]) -> BTreeMap<(String, u32), Vec<String>> {
    let mut found = BTreeMap::new();
    for (_, _, _, body) in events.iter().filter(|e| e.1 == "gate_failed") {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
            continue;
        };
        let (Some(session), Some(attempt)) = (value["session"].as_str(), value["attempt"].as_u64())
        else {
            continue;
        };
        let lines = value["evidence"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| l.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        found.insert(
            (session.to_string(), u32::try_from(attempt).unwrap_or(0)),
            lines,
        );
    }
    found
}

/// Refuses to resume run `id` while its baton lives: on this machine by its pid, on another
/// by its heartbeat (src/state/driver.rs).
fn refuse_live(id: i64, driver: &Driver) -> Result<(), Error> {
    let me = std::process::id();
    let running_here = |pid: u32| {
        Err(Error::new(
            Kind::Busy,
            format!("run {id} is still running (baton, pid {pid})"),
        )
        .with_hint("wait for it, or stop it (Ctrl-C), then resume"))
    };
    match driver.liveness_now() {
        Liveness::Here { pid } if pid != me => running_here(pid),
        // No /proc to tell: a live process with that id is taken for the run's baton.
        Liveness::Unknown => match driver.pid {
            Some(pid)
                if pid != me
                    && i32::try_from(pid).is_ok_and(|raw| {
                        nix::sys::signal::kill(Pid::from_raw(raw), None).is_ok()
                    }) =>
            {
                running_here(pid)
            }
            _ => Ok(()),
        },
        Liveness::Elsewhere(DrivenFrom {
            host,
            heard_seconds_ago: ago,
        }) => {
            let silent = crate::state::heartbeat() * crate::state::STALE_BEATS;
            Err(Error::new(
                Kind::Busy,
                format!("run {id} is running on {host} (its baton was heard from {ago} s ago)"),
            )
            .with_hint(format!(
                "wait for it, or stop it on {host}; if that machine is gone, resume once it \
                 has been silent for {} s",
                silent.as_secs()
            )))
        }
        _ => Ok(()),
    }
}

/// Stops the process group `pid` leads if it is still there and is the session `owner`'s
/// agent (a pid reused by another program is left alone): SIGTERM, a grace, SIGKILL.
/// Returns whether there was a group to stop.
fn stop_group(pid: u32, owner: &str) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    let group = Pid::from_raw(raw);
    if !group_alive(group) {
        return false;
    }
    // The leader's environment names its session; a leader gone (or a zombie) leaves the
    // group id reserved to what is left of that group, which is the session's.
    if let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) {
        let wanted = format!("BATON_SESSION={owner}");
        if !env.is_empty() && !env.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
            return false;
        }
    }
    let _ = killpg(group, Signal::SIGTERM);
    if !gone_within(group, ORPHAN_GRACE) {
        let _ = killpg(group, Signal::SIGKILL);
        gone_within(group, Duration::from_secs(2));
    }
    true
}

/// Waits up to `limit` for the group to be empty.
fn gone_within(group: Pid, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while group_alive(group) {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// Whether any process of the group is alive. A zombie is not: once its parent is gone only
/// the system can reap it, and signals cannot reach it.
fn group_alive(group: Pid) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return killpg(group, None).is_ok();
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // `pid (comm) state ppid pgrp …`; comm may hold anything, so read after its end.
        let mut fields = stat
            .rsplit_once(") ")
            .map(|(_, r)| r)
            .unwrap_or("")
            .split(' ');
        let state = fields.next();
        let pgrp = fields.nth(1).and_then(|p| p.parse::<i32>().ok());
        state != Some("Z") && pgrp == Some(group.as_raw())
    })
}
