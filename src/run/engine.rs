//! One phase of a run: worktrees, sessions, the gate, merges, the phase check.
//!
//! [`plan_run`] decides everything without touching anything (the schedule, each session's
//! argv), so `--dry-run` shows exactly what [`run`] would start. [`run`] then claims, starts
//! a thread per lane (the thread starts the agent, waits for it, gates its branch and
//! retries), and the calling thread records and forwards every event; merges happen on the
//! calling thread alone, one at a time, in dependency order.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use crate::audit::{self, AuditInput};
use crate::config::{AgentConfig, Config, Policy};
use crate::git::{Git, GitError, MergeOutcome};
use crate::ops::claim::{ClaimRequest, Claimed, claim_task};
use crate::ops::project::Asker;
use crate::ops::{Error, Kind, Project};
use crate::plan::{Plan, Status};
use crate::process::{Cancel, Exit, Supervisor};
use crate::state::RunStep;

use super::agent::{self, Session};
use super::events::Event;

/// Attempts after the first when `--retries` is not given.
pub const DEFAULT_RETRIES: u32 = 1;
/// A claim's lease when the agent has no timeout.
const DEFAULT_LEASE: Duration = Duration::from_secs(4 * 3600);
/// How long one verify command of the gate may run.
const GATE_COMMAND_TIMEOUT: Duration = Duration::from_secs(600);
/// Where a session's prompt is written, inside its worktree (git ignores it through the
/// repository's `info/exclude`).
pub const PROMPT_FILE: &str = ".baton/run/prompt.md";
const EXCLUDE_LINE: &str = "/.baton/run/";
/// A session's exit when baton stopped it (Ctrl-C): not an exit of its own.
const INTERRUPTED: &str = "was interrupted";
/// A session's exit when its agent exited 0.
const EXITED_OK: &str = "exited 0";

/// What was asked of `baton run`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// 1-based; None: the current phase.
    pub phase: Option<u32>,
    pub sessions: Option<u32>,
    pub agent: Option<String>,
    pub retries: u32,
    pub keep: bool,
}

/// One lane of the phase: a session's name, tasks and brief.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Lane {
    /// `session-1`.
    pub session: String,
    pub tasks: Vec<String>,
    pub prompt: String,
}

/// Everything a run will do, decided before anything is touched.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The id the run will have.
    pub run: i64,
    /// 0-based.
    pub phase: usize,
    pub phase_title: String,
    /// The branch checked out, which sessions fork from and merge into.
    pub integration: String,
    /// Its commit when the run was planned.
    pub start: String,
    pub agent_name: String,
    pub agent: AgentConfig,
    pub config: Config,
    /// The main worktree's root.
    pub root: PathBuf,
    /// The plan relative to the root.
    pub plan_rel: PathBuf,
    /// `<git common dir>/baton/runs/<run>`.
    pub dir: PathBuf,
    pub lanes: Vec<Lane>,
    /// Lane indices in merge order (a lane after the lanes its tasks depend on).
    pub merge_order: Vec<usize>,
}

impl Planned {
    /// The branch of a lane's attempt: `baton/run-<run>/<session>`, `-<attempt>` after the
    /// first.
    pub fn branch(&self, lane: usize, attempt: u32) -> String {
        format!(
            "baton/run-{}/{}",
            self.run,
            self.attempt_name(lane, attempt)
        )
    }

    /// The worktree of a lane's attempt.
    pub fn worktree(&self, lane: usize, attempt: u32) -> PathBuf {
        self.dir.join(self.attempt_name(lane, attempt))
    }

    fn attempt_name(&self, lane: usize, attempt: u32) -> String {
        let session = &self.lanes[lane].session;
        if attempt <= 1 {
            session.clone()
        } else {
            format!("{session}-{attempt}")
        }
    }

    /// The exact argv of a lane's attempt, with the environment baton adds.
    pub fn command(&self, lane: usize, attempt: u32) -> (Vec<String>, Vec<(String, String)>) {
        let worktree = self.worktree(lane, attempt);
        let plan = worktree.join(&self.plan_rel);
        let prompt_file = worktree.join(PROMPT_FILE);
        let l = &self.lanes[lane];
        let s = Session {
            run: self.run,
            name: &l.session,
            tasks: &l.tasks,
            worktree: &worktree,
            plan: &plan,
            prompt_file: &prompt_file,
            prompt: &l.prompt,
        };
        (agent::expand(&self.agent.argv, &s), agent::environment(&s))
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub run: i64,
    pub merged: usize,
    /// Tasks blocked (their sessions failed the gate, conflicted, or waited for blocked ones).
    pub blocked: Vec<String>,
    /// `verify --phase` on the integration branch after the merges.
    pub phase_passed: bool,
    pub interrupted: Option<Cancel>,
}

fn git_error(what: &str, err: GitError) -> Error {
    Error::internal(format!("{what}: {err}"))
}

/// The repository as a run needs it, checked: its root, the integration branch (HEAD's),
/// HEAD's commit, and the plan's path from the root.
pub(super) struct Checked {
    pub root: PathBuf,
    pub integration: String,
    pub head: String,
    pub plan_rel: PathBuf,
}

/// Checks what every run needs: a repository, HEAD on a branch, no uncommitted changes to
/// tracked files, the plan committed.
pub(super) fn check_repository(project: &Project) -> Result<Checked, Error> {
    let git = Git::new(project.dir());
    let root = git
        .toplevel()
        .map_err(|e| Error::input(format!("baton run needs a git repository: {e}")))?;
    let integration = git
        .current_branch()
        .map_err(|e| git_error("git", e))?
        .ok_or_else(|| {
            Error::input("HEAD is detached: baton run merges into the branch it starts on")
                .with_hint("check out the integration branch (`git switch main`), then run again")
        })?;
    let dirty = git
        .read_text(&["status", "--porcelain", "--untracked-files=no"])
        .map_err(|e| git_error("git status", e))?;
    if !dirty.trim().is_empty() {
        let files: Vec<&str> = dirty.lines().map(|l| l.get(3..).unwrap_or(l)).collect();
        return Err(Error::input(format!(
            "the working tree has uncommitted changes ({}): sessions start from the last commit \
             and merge back here",
            files.join(", ")
        ))
        .with_hint("commit or stash them, then run again"));
    }
    let start = git.rev_parse("HEAD").map_err(|e| git_error("git", e))?;
    let abs_plan = std::fs::canonicalize(&project.path)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", project.shown)))?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let plan_rel = abs_plan
        .strip_prefix(&root)
        .map_err(|_| Error::input(format!("{} is outside the repository", project.shown)))?
        .to_path_buf();
    let committed = git
        .show_file("HEAD", &plan_rel.to_string_lossy())
        .map_err(|e| git_error("git", e))?;
    if committed.is_none() {
        return Err(Error::input(format!(
            "{} is not committed: sessions start from the last commit",
            project.shown
        ))
        .with_hint("commit the plan, then run again"));
    }
    Ok(Checked {
        root,
        integration,
        head: start,
        plan_rel,
    })
}

/// Checks the repository and lays the phase out, touching nothing.
pub fn plan_run(project: &Project, req: &Request) -> Result<Planned, Error> {
    let config = crate::ops::audit::config(project)?;
    let (agent_name, agent) = choose_agent(&config, req.agent.as_deref())?;
    let Checked {
        root,
        integration,
        head: start,
        plan_rel,
    } = check_repository(project)?;
    let (_, plan) = project.load()?;
    let generated = crate::ops::session::generate(project, &plan, req.phase, req.sessions)?;
    let lanes: Vec<Lane> = generated
        .out
        .prompts
        .iter()
        .filter(|p| !p.context.tasks.is_empty())
        .map(|p| Lane {
            session: p.context.session_name.clone(),
            tasks: p.context.tasks.iter().map(|t| t.id.clone()).collect(),
            prompt: p.text.clone(),
        })
        .collect();
    let merge_order = merge_order(&plan, &lanes);
    let state_dir = crate::repo::state_dir(&project.path);
    let run = if project.has_state() {
        project.state()?.next_run_id()?
    } else {
        1
    };
    Ok(Planned {
        run,
        phase: generated.phase,
        phase_title: plan.phases[generated.phase].title.clone(),
        integration,
        start,
        agent_name,
        agent,
        config,
        root,
        plan_rel,
        dir: state_dir.join("runs").join(run.to_string()),
        lanes,
        merge_order,
    })
}

/// The agent to start: `[agents.NAME]` from baton.toml, else a built-in preset of that
/// name (`claude`, `codex`, `gemini`, `aider`; docs/run-agents.md). Without `--agent`, the
/// only configured agent.
pub(super) fn choose_agent(
    config: &Config,
    wanted: Option<&str>,
) -> Result<(String, AgentConfig), Error> {
    let known: Vec<&str> = config.agents.keys().map(String::as_str).collect();
    let presets = crate::run::presets::names().join(", ");
    let listed = if known.is_empty() {
        format!("none is configured; presets: {presets}")
    } else {
        format!("configured: {}; presets: {presets}", known.join(", "))
    };
    let hint = "define one as [agents.NAME] with argv = [...] in baton.toml, or pass a \
                preset's name (docs/run.md)";
    match wanted {
        Some(name) => match config.agents.get(name) {
            Some(a) => Ok((name.to_string(), a.clone())),
            None => match crate::run::presets::preset(name) {
                Some(p) => Ok((
                    name.to_string(),
                    AgentConfig {
                        argv: p.argv,
                        env: p.env,
                        timeout_secs: None,
                        stream: Some(p.stream),
                    },
                )),
                None => Err(Error::usage(format!("no agent `{name}` ({listed})")).with_hint(hint)),
            },
        },
        None => match config.agents.iter().next() {
            Some((name, a)) if config.agents.len() == 1 => Ok((name.clone(), a.clone())),
            _ => Err(
                Error::usage(format!("which agent? pass --agent NAME ({listed})")).with_hint(hint),
            ),
        },
    }
}

/// Lane order for merging: a lane after every lane holding a task one of its tasks depends
/// on; otherwise by session number.
fn merge_order(plan: &Plan, lanes: &[Lane]) -> Vec<usize> {
    let lane_of: BTreeMap<&str, usize> = lanes
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.tasks.iter().map(move |t| (t.as_str(), i)))
        .collect();
    let needs: Vec<HashSet<usize>> = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.tasks
                .iter()
                .filter_map(|id| plan.task(id))
                .flat_map(|t| t.deps.iter())
                .filter_map(|d| lane_of.get(d.id.as_str()).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut order = Vec::new();
    let mut placed = vec![false; lanes.len()];
    while order.len() < lanes.len() {
        let next = (0..lanes.len())
            .find(|&i| !placed[i] && needs[i].iter().all(|&j| placed[j]))
            // A loop between lanes cannot come from a valid schedule; keep the rest in order.
            .or_else(|| (0..lanes.len()).find(|&i| !placed[i]));
        let Some(i) = next else { break };
        placed[i] = true;
        order.push(i);
    }
    order
}

/// What a lane's thread reports back.
enum Msg {
    Event(Event),
    Done(usize, LaneResult),
}

#[derive(Debug)]
pub(super) enum LaneResult {
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

/// Where a lane's thread begins: a new attempt, or (on `--resume`) the gate of an attempt
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

/// What a lane does when the run (re)starts: a thread from `Begin`, or straight to the merge
/// loop with a result.
#[derive(Debug)]
pub(super) enum Start {
    Thread(Begin),
    Result(LaneResult),
}

/// The run's layout as the state store keeps it: what `--resume` needs besides the
/// repository and baton.toml.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Layout {
    pub start: String,
    pub phase_title: String,
    pub plan_rel: PathBuf,
    pub lanes: Vec<Lane>,
    pub merge_order: Vec<usize>,
    pub retries: u32,
    pub keep: bool,
}

/// Runs the planned phase: claims, sessions, gates, merges, the phase check. `sink` sees
/// every event, after it is recorded in the state store.
pub fn run(
    project: &Project,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
) -> Result<Outcome, Error> {
    let state = project.state()?;
    let layout = serde_json::to_string(&Layout {
        start: planned.start.clone(),
        phase_title: planned.phase_title.clone(),
        plan_rel: planned.plan_rel.clone(),
        lanes: planned.lanes.clone(),
        merge_order: planned.merge_order.clone(),
        retries: req.retries,
        keep: req.keep,
    })?;
    let run = state.start_run(
        planned.phase + 1,
        &planned.integration,
        &planned.agent_name,
        &layout,
    )?;
    if run != planned.run {
        return Err(Error::new(
            Kind::Busy,
            format!("run {} was started by another baton meanwhile", planned.run),
        )
        .with_hint("run again"));
    }
    let first = Event::RunStarted {
        run,
        phase: planned.phase + 1,
        integration: planned.integration.clone(),
        agent: planned.agent_name.clone(),
        sessions: planned.lanes.len(),
    };
    let starts = planned
        .lanes
        .iter()
        .map(|_| {
            Start::Thread(Begin::Attempt {
                attempt: 1,
                evidence: Vec::new(),
                again: false,
                announce: false,
            })
        })
        .collect();
    execute(project, planned, req, supervisor, sink, first, starts)
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

/// Runs (or resumes) a recorded run: each lane from `starts`, then merges and the phase
/// check.
pub(super) fn execute(
    project: &Project,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
    first: Event,
    starts: Vec<Start>,
) -> Result<Outcome, Error> {
    let state = project.state()?;
    let run = planned.run;
    // `outcome`: the step an event completes when the event alone does not say (a merge, a
    // conflict, a block: `(attempt, outcome)`).
    let mut emit = |event: Event, outcome: Option<(u32, &str)>| -> Result<(), Error> {
        let body = serde_json::to_string(&event)?;
        let step = match (outcome, event.session()) {
            (Some((attempt, outcome)), Some(session)) => RunStep::Outcome {
                session,
                attempt,
                outcome,
            },
            _ => step_of(&event),
        };
        state.record_run_step(run, event.kind(), event.session(), &body, &step)?;
        sink(&event);
        Ok(())
    };
    emit(first, None)?;

    prepare(planned)?;
    let (_, plan) = project.load()?;
    let lease = planned
        .agent
        .timeout_secs
        .map_or(DEFAULT_LEASE, |s| Duration::from_secs(s + 600));
    let mut results: Vec<Option<LaneResult>> = Vec::new();
    let mut begins: Vec<Option<Begin>> = Vec::new();
    for (lane, start) in planned.lanes.iter().zip(starts) {
        match start {
            Start::Thread(begin) => {
                take_claims(
                    project,
                    &plan,
                    &agent::owner(run, &lane.session),
                    &lane.tasks,
                    lease,
                )?;
                results.push(None);
                begins.push(Some(begin));
            }
            Start::Result(result) => {
                if matches!(result, LaneResult::Passed { .. }) {
                    take_claims(
                        project,
                        &plan,
                        &agent::owner(run, &lane.session),
                        &lane.tasks,
                        lease,
                    )?;
                }
                results.push(Some(result));
                begins.push(None);
            }
        }
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    std::thread::scope(|scope| {
        for (index, begin) in begins.into_iter().enumerate() {
            let Some(begin) = begin else { continue };
            let tx = tx.clone();
            let plan = &plan;
            scope.spawn(move || {
                let result = drive_lane(
                    project, plan, planned, req, supervisor, index, lease, begin, &tx,
                );
                let _ = tx.send(Msg::Done(index, result));
            });
        }
        drop(tx);
        let mut failure = None;
        for msg in rx {
            match msg {
                Msg::Event(event) => {
                    if let Err(e) = emit(event, None) {
                        failure.get_or_insert(e);
                    }
                }
                Msg::Done(i, r) => results[i] = Some(r),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })?;

    if let Some(why) = supervisor.cancellation() {
        emit(
            Event::RunFinished {
                run,
                outcome: "interrupted".into(),
                merged: 0,
                blocked: Vec::new(),
                totals: state.run_totals(run)?,
            },
            None,
        )?;
        state.finish_run(run, "interrupted")?;
        return Ok(Outcome {
            run,
            merged: 0,
            blocked: Vec::new(),
            phase_passed: false,
            interrupted: Some(why),
        });
    }

    let main = Git::new(&planned.root);
    let mut blocked: Vec<String> = Vec::new();
    let mut merged = 0;
    for &i in &planned.merge_order {
        let lane = &planned.lanes[i];
        let owner = agent::owner(run, &lane.session);
        let waits: Vec<&str> = lane
            .tasks
            .iter()
            .filter_map(|id| plan.task(id))
            .flat_map(|t| t.deps.iter())
            .map(|d| d.id.as_str())
            .filter(|d| blocked.iter().any(|b| b == d))
            .collect();
        let mut last_attempt = None;
        let reason = match results[i].take() {
            Some(LaneResult::Merged) => {
                merged += 1;
                None
            }
            Some(LaneResult::Blocked { tasks }) => {
                blocked.extend(tasks);
                continue;
            }
            Some(LaneResult::Passed { attempt }) if !waits.is_empty() => {
                last_attempt = Some(attempt);
                Some(format!("it depends on blocked {}", waits.join(", ")))
            }
            Some(LaneResult::Passed { attempt }) => {
                last_attempt = Some(attempt);
                let branch = planned.branch(i, attempt);
                let message = format!(
                    "baton run {run}: merge {} ({})",
                    lane.session,
                    lane.tasks.join(", ")
                );
                // A merge made before baton died, and not recorded, is not made twice.
                let outcome = if is_ancestor(&main, &branch) {
                    MergeOutcome::UpToDate
                } else {
                    main.merge_no_ff(&branch, &message)
                        .map_err(|e| git_error("git merge", e))?
                };
                match outcome {
                    MergeOutcome::Conflicted { paths } => {
                        emit(
                            Event::Conflict {
                                session: lane.session.clone(),
                                branch: branch.clone(),
                                files: paths.clone(),
                            },
                            Some((attempt, "conflict")),
                        )?;
                        Some(format!(
                            "its branch {branch} conflicts with the integration branch in {}",
                            paths.join(", ")
                        ))
                    }
                    outcome => {
                        let commit = match outcome {
                            MergeOutcome::Merged { commit } => Some(commit),
                            _ => None,
                        };
                        emit(
                            Event::Merged {
                                session: lane.session.clone(),
                                branch: branch.clone(),
                                commit,
                            },
                            Some((attempt, "merged")),
                        )?;
                        merged += 1;
                        release(project, &lane.tasks, &owner)?;
                        if !req.keep {
                            let _ = main.worktree_remove(&planned.worktree(i, attempt), true);
                        }
                        None
                    }
                }
            }
            Some(LaneResult::Failed { evidence }) => Some(format!(
                "its session failed the gate {} time(s): {}",
                req.retries + 1,
                evidence.join("; ")
            )),
            Some(LaneResult::Error(e)) => Some(format!("its session could not run: {e}")),
            Some(LaneResult::Interrupted) | None => Some("its session did not finish".into()),
        };
        if let Some(reason) = reason {
            // Ticks made in the session's worktree are shared through the state; the tasks
            // are not done here.
            state.record_status(&lane.tasks, "undo", Some(&owner), false)?;
            for id in &lane.tasks {
                state.record(Some(id), "blocked", Some(&owner), Some(&reason))?;
            }
            release(project, &lane.tasks, &owner)?;
            blocked.extend(lane.tasks.iter().cloned());
            let attempt = match last_attempt {
                Some(a) => Some(a),
                None => state
                    .run_sessions(run)?
                    .iter()
                    .filter(|r| r.session == lane.session)
                    .map(|r| r.attempt)
                    .max(),
            };
            emit(
                Event::Blocked {
                    session: lane.session.clone(),
                    tasks: lane.tasks.clone(),
                    reason,
                },
                attempt.map(|a| (a, "blocked")),
            )?;
        }
    }

    let (passed, unfinished) = verify_phase(project, planned)?;
    emit(
        Event::PhaseVerified {
            phase: planned.phase + 1,
            passed,
            unfinished,
        },
        None,
    )?;
    let outcome = if !blocked.is_empty() {
        "blocked"
    } else if !passed {
        "phase_failed"
    } else {
        "success"
    };
    emit(
        Event::RunFinished {
            run,
            outcome: outcome.into(),
            merged,
            blocked: blocked.clone(),
            totals: state.run_totals(run)?,
        },
        None,
    )?;
    state.finish_run(run, outcome)?;
    Ok(Outcome {
        run,
        merged,
        blocked,
        phase_passed: passed,
        interrupted: None,
    })
}

/// Whether `branch` is already part of the branch checked out (merged).
fn is_ancestor(git: &Git, branch: &str) -> bool {
    git.command(&["merge-base", "--is-ancestor", branch, "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The run's folder, the prompt's exclusion from git, and the merge driver for the plan.
fn prepare(planned: &Planned) -> Result<(), Error> {
    std::fs::create_dir_all(planned.dir.join("logs"))
        .map_err(|e| Error::input(format!("cannot create {}: {e}", planned.dir.display())))?;
    let git = Git::new(&planned.root);
    let common = git
        .read_text(&["rev-parse", "--git-common-dir"])
        .map_err(|e| git_error("git", e))?;
    let common = planned.root.join(common.trim());
    let info = common.join("info");
    let _ = std::fs::create_dir_all(&info);
    let exclude = info.join("exclude");
    let text = std::fs::read_to_string(&exclude).unwrap_or_default();
    if !text.lines().any(|l| l.trim() == EXCLUDE_LINE) {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        std::fs::write(&exclude, format!("{text}{sep}{EXCLUDE_LINE}\n"))
            .map_err(|e| Error::input(format!("cannot write {}: {e}", exclude.display())))?;
    }
    register_merge_driver(&planned.root, &common, &planned.plan_rel)
}

/// Makes git merge the plan through `baton merge-driver`: the driver in the repository's
/// configuration (as `baton init --merge-driver` sets it), and the plan's `merge=baton`
/// attribute in `info/attributes` when no `.gitattributes` gives it one.
fn register_merge_driver(root: &Path, common: &Path, plan_rel: &Path) -> Result<(), Error> {
    use crate::agents::git_merge;
    let exe = std::env::current_exe()
        .map_err(|e| Error::internal(format!("cannot find baton's own executable: {e}")))?;
    let program = git_merge::program(&exe, std::env::var_os("PATH").as_deref());
    let wanted = git_merge::driver_command(&program);
    let get =
        |key: &str| git_merge::get_config(root, key).map_err(|e| Error::internal(e.to_string()));
    let name = get(git_merge::NAME_KEY)?;
    let driver = get(git_merge::DRIVER_KEY)?;
    if let git_merge::Config::Set(keys) =
        git_merge::merge_config(name.as_deref(), driver.as_deref(), &wanted)
    {
        for (key, value) in keys {
            git_merge::set_config(root, key, &value).map_err(|e| Error::internal(e.to_string()))?;
        }
    }
    let rel = plan_rel.to_string_lossy().replace('\\', "/");
    let attr = Git::new(root)
        .read_text(&["check-attr", "merge", "--", &rel])
        .map_err(|e| git_error("git check-attr", e))?;
    if attr.trim_end().ends_with(": unspecified") {
        let path = common.join("info").join("attributes");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let line = format!(
            "{} merge={}",
            git_merge::attribute_pattern(&rel),
            git_merge::DRIVER
        );
        std::fs::write(&path, format!("{text}{sep}{line}\n"))
            .map_err(|e| Error::input(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

fn take_claims(
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
    let state = project.state()?;
    for id in tasks {
        if state.claim_of(id)?.is_some_and(|c| c.owner == owner) {
            state.release(id)?;
        }
    }
    Ok(())
}

/// One lane from `begin` (its first attempt, or where `--resume` picks it up) to a passing
/// gate or its last retry.
#[allow(clippy::too_many_arguments)]
fn drive_lane(
    project: &Project,
    plan: &Plan,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    index: usize,
    lease: Duration,
    begin: Begin,
    tx: &mpsc::Sender<Msg>,
) -> LaneResult {
    let lane = &planned.lanes[index];
    let owner = agent::owner(planned.run, &lane.session);
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
            return LaneResult::Interrupted;
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
                    Ok(None) => return LaneResult::Interrupted,
                    Err(e) => return LaneResult::Error(e),
                }
            }
        };
        evidence = match gate(planned, lane, &owner, &worktree, &branch) {
            Ok(found) => found,
            Err(e) => return LaneResult::Error(e),
        };
        // A gate cut short by an interruption says nothing: `--resume` gates again.
        if supervisor.is_cancelled() {
            return LaneResult::Interrupted;
        }
        if !ok {
            evidence.insert(0, format!("the agent {exit}"));
        }
        if evidence.is_empty() {
            let _ = tx.send(Msg::Event(Event::GatePassed {
                session: lane.session.clone(),
                attempt,
            }));
            return LaneResult::Passed { attempt };
        }
        let _ = tx.send(Msg::Event(Event::GateFailed {
            session: lane.session.clone(),
            attempt,
            evidence: evidence.clone(),
        }));
        if !req.keep {
            let _worktrees = worktrees_lock();
            let _ = main.worktree_remove(&worktree, true);
        }
    }
    LaneResult::Failed { evidence }
}

/// Starts one attempt of a lane and waits for its agent: its exit described and whether it
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
    let lane = &planned.lanes[index];
    let owner = agent::owner(planned.run, &lane.session);
    let main = Git::new(&planned.root);
    let worktree = planned.worktree(index, attempt);
    let branch = planned.branch(index, attempt);
    if attempt > 1 && announce {
        let _ = tx.send(Msg::Event(Event::Retry {
            session: lane.session.clone(),
            attempt,
        }));
    }
    if attempt > 1 || again {
        // The earlier attempt's ticks are not done; its claims went with `baton done`.
        project
            .state()?
            .record_status(&lane.tasks, "undo", Some(&owner), false)?;
        take_claims(project, plan, &owner, &lane.tasks, lease)?;
    }
    {
        let _worktrees = worktrees_lock();
        if again {
            discard(&main, &worktree, &branch);
        }
        main.worktree_add(&worktree, &branch, &planned.start)
            .map_err(|e| git_error("git worktree add", e))?;
    }
    let mut prompt = lane.prompt.clone();
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
        name: &lane.session,
        tasks: &lane.tasks,
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
    let running = match supervisor.spawn(&spec) {
        Ok(r) => r,
        Err(crate::process::SpawnError::Cancelled(_)) => return Ok(None),
        Err(e) => {
            return Err(Error::input(format!(
                "cannot start agent `{}` ({}): {e}",
                planned.agent_name, planned.agent.argv[0]
            )));
        }
    };
    let _ = tx.send(Msg::Event(Event::SessionStarted {
        session: lane.session.clone(),
        attempt,
        tasks: lane.tasks.clone(),
        branch,
        worktree: worktree.display().to_string(),
        pid: running.pid(),
    }));
    let activity = tx.clone();
    let watcher = watch.start(&lane.session, attempt, move |event| {
        let _ = activity.send(Msg::Event(event));
    });
    let timeout = planned.agent.timeout_secs.map(Duration::from_secs);
    let finished = running.wait(timeout);
    watcher.stop();
    let exit = describe_exit(&finished.exit, timeout);
    let _ = tx.send(Msg::Event(Event::SessionExited {
        session: lane.session.clone(),
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

/// Held while a worktree is added or removed: git's bookkeeping of worktrees
/// (`.git/worktrees/`) is not safe against two of these at once in one repository ("failed
/// to read .git/worktrees/…/commondir").
fn worktrees_lock() -> std::sync::MutexGuard<'static, ()> {
    static WORKTREES: std::sync::Mutex<()> = std::sync::Mutex::new(());
    WORKTREES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes what an attempt left (its worktree, its branch), so it can start again fresh.
fn discard(main: &Git, worktree: &Path, branch: &str) {
    let _ = main.worktree_remove(worktree, true);
    let _ = std::fs::remove_dir_all(worktree);
    let _ = main.write(&["worktree", "prune"]);
    let _ = main.write(&["branch", "-D", "--end-of-options", branch]);
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

/// The gate of a finished session: what keeps its branch from merging, one line each (none:
/// it passes). Its branch is judged as committed: uncommitted work does not merge.
fn gate(
    planned: &Planned,
    lane: &Lane,
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
    let wproject = Project {
        path: plan_path.clone(),
        shown: planned.plan_rel.display().to_string(),
    };
    let plan = match wproject.load() {
        Ok((_, plan)) => plan,
        Err(e) => {
            evidence.push(format!("the plan does not load: {}", e.message));
            return Ok(evidence);
        }
    };
    let mut indices = Vec::new();
    for id in &lane.tasks {
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
            base: Some(&planned.start),
            head: Some(branch),
            tasks: &lane.tasks,
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
fn verify_phase(project: &Project, planned: &Planned) -> Result<(bool, Vec<String>), Error> {
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
