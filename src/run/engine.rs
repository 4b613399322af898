//! A run from start to end: what it will do, decided before anything is touched
//! ([`plan_run`], so `--dry-run` shows exactly what [`run`] would start), then each phase
//! dispatched ([`super::dispatch`]) and, under `--all`, the next phase once the last one's
//! `verify --phase` check passed.

use std::path::PathBuf;

use crate::config::{AgentConfig, Config};
use crate::ops::{Error, Kind, Project};
use crate::process::{Cancel, Supervisor};

use super::agent::{self, Session};
use super::budget::{self, Budget};
use super::dispatch::{Begin, Start, execute};
use super::events::Event;
use super::repo::{Checked, check_repository_then};
pub use super::units::{Unit, UnitKind};

/// Attempts after the first when `--retries` is not given.
pub const DEFAULT_RETRIES: u32 = 1;
/// Where a session's prompt is written, inside its worktree (git ignores it through the
/// repository's `info/exclude`).
pub const PROMPT_FILE: &str = ".baton/run/prompt.md";
/// A session's exit when baton stopped it (Ctrl-C): not an exit of its own.
pub(super) const INTERRUPTED: &str = "was interrupted";
/// A session's exit when its agent exited 0.
pub(super) const EXITED_OK: &str = "exited 0";

/// Where runs put their sessions' worktrees, from the main worktree's root.
pub const WORKTREES: &str = ".baton/worktrees";

/// How a run's briefs name their session in commands (`baton claim <id> --by ...`).
pub const SESSION_NAME: &str = "\"$BATON_SESSION\"";

/// What was asked of `baton run`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// 1-based; None: the current phase.
    pub phase: Option<u32>,
    /// Sessions running at once at most (and the lanes laid out); None: the number `baton
    /// analyze` recommends.
    pub sessions: Option<u32>,
    pub agent: Option<String>,
    pub retries: u32,
    pub keep: bool,
    pub unit: UnitKind,
    /// The session budget lanes are split by; None: [`budget::DEFAULT`].
    pub budget: Option<Budget>,
    /// Every phase from the current one, each after the last one's check passed.
    pub all: bool,
    /// Where the sessions' agents run; None: `[run] executor` of baton.toml (local).
    pub executor: Option<crate::config::ExecutorKind>,
}

impl Request {
    /// The budget lanes are split by.
    pub fn budget(&self) -> Budget {
        self.budget.unwrap_or(budget::DEFAULT)
    }
}

/// Everything a phase of a run will do, decided before anything is touched.
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
    /// `<git common dir>/baton/runs/<run>`: the sessions' logs.
    pub dir: PathBuf,
    /// What the sessions do, each unit waiting for the units in its `after`.
    pub units: Vec<Unit>,
    /// Sessions running at once at most.
    pub sessions: usize,
}

impl Planned {
    /// The branch of a unit's attempt: `baton/run-<run>/<session>`, `-<attempt>` after the
    /// first.
    pub fn branch(&self, unit: usize, attempt: u32) -> String {
        format!(
            "baton/run-{}/{}",
            self.run,
            self.attempt_name(unit, attempt)
        )
    }

    /// The worktree of a unit's attempt: `<root>/.baton/worktrees/<run>/<session>`.
    pub fn worktree(&self, unit: usize, attempt: u32) -> PathBuf {
        self.worktrees().join(self.attempt_name(unit, attempt))
    }

    /// The folder of this run's worktrees. It is inside the main worktree (git ignores it
    /// through `info/exclude`), not under `.git`: agents treat every path under a `.git`
    /// folder as sensitive and refuse to edit there (Claude Code asks for a permission a
    /// headless session cannot give), and a sandbox keeps `.git` read-only.
    pub fn worktrees(&self) -> PathBuf {
        self.root.join(WORKTREES).join(self.run.to_string())
    }

    /// Finished worktrees kept for the next sessions at most (`[run] pool`).
    pub(super) fn pool(&self) -> usize {
        self.config.run.pool as usize
    }

    pub(super) fn attempt_name(&self, unit: usize, attempt: u32) -> String {
        let session = &self.units[unit].session;
        if attempt <= 1 {
            session.clone()
        } else {
            format!("{session}-{attempt}")
        }
    }

    /// The exact argv of a unit's attempt, with the environment baton adds.
    pub fn command(&self, unit: usize, attempt: u32) -> (Vec<String>, Vec<(String, String)>) {
        let worktree = self.worktree(unit, attempt);
        let plan = worktree.join(&self.plan_rel);
        let prompt_file = worktree.join(PROMPT_FILE);
        let u = &self.units[unit];
        let s = Session {
            run: self.run,
            name: &u.session,
            tasks: &u.tasks,
            worktree: &worktree,
            plan: &plan,
            prompt_file: &prompt_file,
            prompt: &u.prompt,
        };
        (agent::expand(&self.agent.argv, &s), agent::environment(&s))
    }
}

/// How a run ended (under `--all`, its last phase; `merged` counts every phase's).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub run: i64,
    /// 0-based, the last phase run.
    pub phase: usize,
    /// That phase's run folder (worktrees kept on an interruption).
    pub dir: PathBuf,
    pub merged: usize,
    /// Tasks blocked (their sessions failed the gate, conflicted, or waited for blocked ones).
    pub blocked: Vec<String>,
    /// `verify --phase` on the integration branch after the merges.
    pub phase_passed: bool,
    pub interrupted: Option<Cancel>,
}

/// Checks the repository and lays the phase out, touching nothing.
pub fn plan_run(project: &Project, req: &Request) -> Result<Planned, Error> {
    let mut config = crate::ops::audit::config(project)?;
    if let Some(executor) = req.executor {
        config.run.executor = executor;
    }
    let (agent_name, agent) = choose_agent(&config, req.agent.as_deref())?;
    // The plan is read and laid out while git looks over the tree for uncommitted changes.
    let (checked, (plan, generated, units, run)) = check_repository_then(project, |checked| {
        let (_, plan) = project.load()?;
        // A run's sessions hold their claims as `run-<run>/<unit>`, which each one's
        // environment carries as BATON_SESSION: the briefs' commands name it so.
        let generated = crate::ops::session::generate_named(
            project,
            &plan,
            req.phase,
            req.sessions,
            Some(SESSION_NAME),
        )?;
        let lanes: Vec<super::units::LaneIn> = generated
            .out
            .prompts
            .iter()
            .filter(|p| !p.context.tasks.is_empty())
            .map(|p| super::units::LaneIn {
                session: format!("session-{}", p.context.session),
                tasks: p.context.tasks.iter().map(|t| t.id.clone()).collect(),
                prompt: p.text.clone(),
            })
            .collect();
        let budget = req.budget();
        let units = super::units::units(&plan, &lanes, req.unit, Some(&budget), &checked.root);
        let run = if project.has_state() {
            project.state()?.next_run_id()?
        } else {
            1
        };
        Ok((plan, generated, units, run))
    })?;
    let Checked {
        root,
        integration,
        head: start,
        plan_rel,
    } = checked;
    let sessions = req
        .sessions
        .map_or(generated.out.sessions as usize, |n| n as usize)
        .max(1);
    let state_dir = crate::repo::state_dir(&project.path);
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
        units,
        sessions,
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

/// The run's layout as the state store keeps it: what `--resume` needs besides the
/// repository and baton.toml. Runs recorded before units had `lanes` with no `after` (and a
/// `merge_order`, unread now).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Layout {
    pub start: String,
    pub phase_title: String,
    pub plan_rel: PathBuf,
    #[serde(rename = "lanes")]
    pub units: Vec<Unit>,
    pub retries: u32,
    pub keep: bool,
    /// Sessions running at once at most (None: as many as units).
    #[serde(default)]
    pub sessions: Option<usize>,
    /// `--sessions` as asked, for the later phases of `--all`.
    #[serde(default)]
    pub asked_sessions: Option<u32>,
    #[serde(default)]
    pub unit: UnitKind,
    /// `--session-budget` as asked (`4h`), for the later phases of `--all`.
    #[serde(default)]
    pub budget: Option<String>,
    #[serde(default)]
    pub all: bool,
    /// Where the sessions ran (local when recorded before executors).
    #[serde(default)]
    pub executor: crate::config::ExecutorKind,
}

impl Layout {
    /// The request the later phases of an `--all` run are planned with.
    pub fn request(&self, agent: &str) -> Request {
        Request {
            phase: None,
            sessions: self.asked_sessions,
            agent: Some(agent.to_string()),
            retries: self.retries,
            keep: self.keep,
            unit: self.unit,
            budget: self.budget.as_deref().and_then(|b| b.parse().ok()),
            all: self.all,
            executor: Some(self.executor),
        }
    }
}

/// Runs the planned phase (claims, sessions, gates, merges, the phase check) and, under
/// `--all`, the phases after it. `sink` sees every event, after it is recorded in the state
/// store.
pub fn run(
    project: &Project,
    planned: &Planned,
    req: &Request,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
) -> Result<Outcome, Error> {
    let outcome = run_phase(project, planned, req, supervisor, sink)?;
    continue_all(project, req, outcome, supervisor, sink)
}

/// Under `--all`, the phases after the one that ended in `outcome`, each planned when it
/// starts (its lanes depend on what merged), while each phase before it passed its check.
pub(super) fn continue_all(
    project: &Project,
    req: &Request,
    mut outcome: Outcome,
    supervisor: &Supervisor,
    sink: &mut dyn FnMut(&Event),
) -> Result<Outcome, Error> {
    if !req.all {
        return Ok(outcome);
    }
    let mut merged = outcome.merged;
    while outcome.interrupted.is_none() && outcome.blocked.is_empty() && outcome.phase_passed {
        let (_, plan) = project.load()?;
        match crate::graph::current_phase(&plan) {
            Some(next) if next > outcome.phase => {}
            // Every phase is done, or the check passed while the phase still reads open.
            _ => break,
        }
        let next = Request {
            phase: None,
            ..req.clone()
        };
        let planned = plan_run(project, &next)?;
        outcome = run_phase(project, &planned, &next, supervisor, sink)?;
        merged += outcome.merged;
    }
    outcome.merged = merged;
    Ok(outcome)
}

/// One phase, recorded as a run of its own.
fn run_phase(
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
        units: planned.units.clone(),
        retries: req.retries,
        keep: req.keep,
        sessions: Some(planned.sessions),
        asked_sessions: req.sessions,
        unit: req.unit,
        budget: req.budget.map(|b| b.to_string()),
        all: req.all,
        executor: planned.config.run.executor,
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
        sessions: planned.units.len(),
    };
    let starts = planned
        .units
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
