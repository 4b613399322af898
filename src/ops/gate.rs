//! Which tasks a stopping session is judged on, and the cap on a gate that keeps blocking.
//!
//! Why this exists: a session's name is the model's choice (it passes one to the MCP
//! tools, or `--by`), so a gate that judges only "the tasks this name owns" lets a session
//! tick a task under another name and stop. What the session cannot choose is the plan file
//! in its own worktree: every box ticked there since the session started is its doing,
//! whoever's name the tick went under. So the stop gates judge
//!
//! - the tasks the named session holds or ticked (as [`session_tasks`] finds them), and
//! - every task ticked since the session started, from the snapshot `baton hook
//!   session-start` recorded ([`SessionStart`]); without one (the hook is not installed, or
//!   the session began before it was), every task ticked in the working tree's plan but not
//!   in the plan at HEAD.
//!
//! [`Basis`] says which of these held, so the gate can tell the agent what it judged. The cap
//! ([`DEFAULT_BLOCK_CAP`], `[hooks] block_cap`) ends a loop of blocks for agents that have no
//! cap of their own (Codex, Gemini CLI); the count and the last result live in the shared
//! state ([`crate::state::StateStore::record_gate`]).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::error::Error;
use super::project::Project;
use super::session::{Held, session_tasks};
use crate::plan::{Plan, Status, Task};
use crate::state::SessionStart;

/// Blocks in a row after which a gate lets the session stop, as Claude Code does.
pub const DEFAULT_BLOCK_CAP: u32 = 8;

/// Why a task is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// The named session holds its claim.
    Claimed,
    /// The named session ticked it with `baton done`.
    Ticked,
    /// Ticked since the session started; `by` is the name the tick was recorded under.
    TickedSince { by: Option<String> },
}

/// One task the gate judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// Index into `plan.tasks`.
    pub task: usize,
    pub how: How,
}

/// What "since the session started" was measured against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The snapshot `baton hook session-start` recorded.
    Snapshot { started_at: String },
    /// No snapshot: the plan at HEAD. `committed` is false when the plan is not in HEAD
    /// (every ticked task is then judged).
    Head { committed: bool },
    /// Neither a snapshot nor a commit to compare with: only the named session's tasks.
    Nothing { why: String },
}

impl Basis {
    /// What the gate judged, for its message.
    pub fn describe(&self, plan_file: &str) -> String {
        match self {
            Basis::Snapshot { started_at } => format!(
                "every task ticked in {plan_file} since this session started ({started_at})"
            ),
            Basis::Head { committed: true } => format!(
                "every task ticked in {plan_file} but not in its last commit (no session-start \
                 snapshot: `baton hook session-start` records one)"
            ),
            Basis::Head { committed: false } => format!(
                "every task ticked in {plan_file}, which is not committed yet (no session-start \
                 snapshot)"
            ),
            Basis::Nothing { why } => format!(
                "only the tasks the session's name holds or ticked ({why}; no session-start \
                 snapshot)"
            ),
        }
    }
}

/// The tasks a stopping session is judged on.
#[derive(Debug)]
pub struct Scope {
    pub tasks: Vec<Judged>,
    /// Claims of the named session on ids the plan no longer has.
    pub gone: Vec<String>,
    pub basis: Basis,
}

/// A task's key across versions of the plan: its id, else its title.
pub fn task_key(task: &Task) -> String {
    task.id.clone().unwrap_or_else(|| task.title.clone())
}

/// The tasks ticked in `plan`, by [`task_key`].
pub fn ticked_keys(plan: &Plan) -> Vec<String> {
    plan.tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .map(task_key)
        .collect()
}

/// Finds what a stopping session is judged on: `owner`'s tasks (its name, when it has one)
/// and every task ticked since `session_id` started (see the module docs).
pub fn judged_tasks(
    file: &Project,
    plan: &Plan,
    owner: Option<&str>,
    session_id: Option<&str>,
) -> Result<Scope, Error> {
    let mut tasks: Vec<Judged> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut gone = Vec::new();
    if let Some(owner) = owner {
        for (id, how) in session_tasks(file, owner)? {
            let found = plan.find(&id);
            if found.is_empty() {
                if how == Held::Claimed {
                    gone.push(id.clone());
                }
                continue;
            }
            for task in found {
                // A task ticked earlier by this session and unticked since is no longer its job.
                if how == Held::Ticked && task.status != Status::Done {
                    continue;
                }
                if task.status != Status::Skipped && seen.insert(task.index) {
                    tasks.push(Judged {
                        task: task.index,
                        how: match how {
                            Held::Claimed => How::Claimed,
                            Held::Ticked => How::Ticked,
                        },
                    });
                }
            }
        }
    }

    let snapshot = match session_id.or(owner) {
        Some(id) if file.has_state() => file.state()?.session_start(id)?,
        _ => None,
    };
    let (since, basis) = match snapshot {
        Some(start) => (
            ticked_since_snapshot(file, plan, &start)?,
            Basis::Snapshot {
                started_at: start.started_at,
            },
        ),
        None => ticked_since_head(file, plan),
    };
    if !since.is_empty() {
        let by = tickers(file)?;
        for t in since {
            if seen.insert(t) {
                let by = plan.tasks[t].id.as_ref().and_then(|id| by.get(id).cloned());
                tasks.push(Judged {
                    task: t,
                    how: How::TickedSince { by },
                });
            }
        }
    }
    Ok(Scope { tasks, gone, basis })
}

/// Ticked now and not at the start, or ticked again (`baton done`) since.
fn ticked_since_snapshot(
    file: &Project,
    plan: &Plan,
    start: &SessionStart,
) -> Result<Vec<usize>, Error> {
    let before: HashSet<&str> = start.ticked.iter().map(String::as_str).collect();
    let mut again: HashSet<String> = HashSet::new();
    if file.has_state() {
        for entry in file.state()?.history(usize::MAX)? {
            if entry.id > start.history_id
                && entry.action == "done"
                && let Some(id) = entry.task_id
            {
                again.insert(id);
            }
        }
    }
    Ok(plan
        .tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .filter(|t| {
            let key = task_key(t);
            !before.contains(key.as_str()) || again.contains(&key)
        })
        .map(|t| t.index)
        .collect())
}

/// Ticked in the working tree's plan and not in the plan at HEAD.
fn ticked_since_head(file: &Project, plan: &Plan) -> (Vec<usize>, Basis) {
    let Some(repo) = crate::repo::discover(&file.path) else {
        return (
            Vec::new(),
            Basis::Nothing {
                why: format!("{} is not in a git repository", file.shown),
            },
        );
    };
    let git = crate::git::Git::new(&repo.worktree_root);
    let key = crate::repo::plan_key(&file.path);
    let at_head = match git.show_file("HEAD", &key) {
        Ok(found) => found,
        Err(e) => {
            return (
                Vec::new(),
                Basis::Nothing {
                    why: format!("no commit to compare with ({e})"),
                },
            );
        }
    };
    let done: Vec<usize> = plan
        .tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .map(|t| t.index)
        .collect();
    match at_head {
        None => (done, Basis::Head { committed: false }),
        Some(bytes) => {
            let head = crate::plan::parse(&bytes);
            let before: HashSet<String> = ticked_keys(&head).into_iter().collect();
            let since = done
                .into_iter()
                .filter(|&t| !before.contains(&task_key(&plan.tasks[t])))
                .collect();
            (since, Basis::Head { committed: true })
        }
    }
}

/// The name each task's last `baton done` went under, by task id.
fn tickers(file: &Project) -> Result<HashMap<String, String>, Error> {
    let mut by = HashMap::new();
    if !file.has_state() {
        return Ok(by);
    }
    for entry in file.state()?.history(usize::MAX)? {
        if entry.action == "done"
            && let (Some(id), Some(actor)) = (entry.task_id, entry.actor)
        {
            by.insert(id, actor);
        }
    }
    Ok(by)
}

/// The snapshot a session starts with: the plan's ticks and decisions, the claims and the
/// last history entry, now.
pub fn snapshot(
    file: &Project,
    plan: &Plan,
    session_id: &str,
    name: Option<&str>,
) -> Result<SessionStart, Error> {
    let state = file.state()?;
    let claims = file
        .claim_store()?
        .claims()?
        .into_iter()
        .map(|c| (c.task_id, c.owner))
        .collect();
    Ok(SessionStart {
        session_id: session_id.to_string(),
        name: name.map(str::to_string),
        started_at: crate::state::now_rfc3339(),
        history_id: state.last_history_id()?,
        ticked: ticked_keys(plan),
        claims,
        decisions: decision_lines(plan),
    })
}

/// The decisions log's entries, as written.
pub fn decision_lines(plan: &Plan) -> Vec<String> {
    plan.decisions
        .as_ref()
        .map(|log| log.entries.iter().map(|d| d.text.clone()).collect())
        .unwrap_or_default()
}

/// What a stop gate found, kept in the shared state as the session's last gate result (the
/// resume brief quotes it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateResult {
    /// RFC 3339 UTC.
    pub at: String,
    /// `blocked`, `allowed` or `capped`.
    pub outcome: String,
    /// What was judged ([`Basis::describe`]).
    pub judged: String,
    pub tasks: Vec<TaskResult>,
    /// Audit findings, one line each.
    pub audit: Vec<String>,
}

/// One judged task in a [`GateResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskResult {
    pub id: String,
    pub title: String,
    /// The verify verdict (`false-done`, `verified`, …).
    pub verdict: String,
    /// The evidence lines, as the gate showed them.
    pub evidence: Vec<String>,
}

/// The gate cap of the project (`[hooks] block_cap` in baton.toml, else the default).
pub fn block_cap(file: &Project) -> Result<u32, Error> {
    Ok(super::audit::config(file)?.hooks.block_cap)
}

/// Records one run of a session's gate and returns what the count says; see
/// [`crate::state::StateStore::record_gate`].
pub fn record(
    file: &Project,
    session: &str,
    blocked: bool,
    cap: Option<u32>,
    result: &GateResult,
) -> Result<crate::state::GateCount, Error> {
    let json = serde_json::to_string(result).ok();
    Ok(file
        .state()?
        .record_gate(session, blocked, cap, json.as_deref())?)
}

/// A session's last gate result, if one was recorded.
pub fn last_result(file: &Project, session: &str) -> Result<Option<GateResult>, Error> {
    if !file.has_state() {
        return Ok(None);
    }
    let Some(record) = file.state()?.gate_record(session)? else {
        return Ok(None);
    };
    Ok(record
        .result
        .and_then(|text| serde_json::from_str::<GateResult>(&text).ok())
        .map(|mut r| {
            r.outcome = record.outcome;
            r.at = record.at;
            r
        }))
}
