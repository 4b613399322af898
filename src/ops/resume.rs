//! The resume brief: what a session needs back after its context was compacted.
//!
//! Why this exists: an agent's context is compacted (or the session resumed later) and it
//! forgets its claims, the tasks it still has to finish, the decisions made since it
//! started and what the stop gate last found. All of that is in the plan and the shared
//! state, so baton can say it again: `baton prompts --resume SESSION` prints it, and `baton
//! hook session-start` hands it to the agent when a session is compacted or resumed.
//!
//! A session is known by its agent session id (the SessionStart snapshot and the gate are
//! kept under it) and by the baton name it claims with (given at the start as
//! $BATON_SESSION, or the same id). Claims taken since the start under any other name are
//! listed apart: the model may have chosen that name and forgotten it.

use std::collections::HashSet;

use serde::Serialize;

use super::error::Error;
use super::gate::{self, GateResult};
use super::project::Project;
use crate::plan::{Plan, Status, Task};

/// Decisions shown when there is no snapshot to tell which are new.
const RECENT_DECISIONS: usize = 5;

/// Everything the brief says, for JSON and for [`Brief::to_markdown`].
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub plan_file: String,
    pub plan_title: Option<String>,
    /// The overview's first line.
    pub overview: Option<String>,
    /// The session asked for.
    pub session: String,
    /// The names its claims are held under.
    pub names: Vec<String>,
    /// When the session started, if a snapshot was recorded.
    pub started_at: Option<String>,
    pub claims: Vec<ClaimBrief>,
    /// Live claims taken since the start under other names.
    pub claims_since: Vec<ClaimBrief>,
    /// Tasks still to finish: claimed and open, or ticked and failing at the last gate.
    pub remaining: Vec<TaskBrief>,
    /// Tasks ticked since the start (with a snapshot).
    pub ticked_since: Vec<String>,
    pub decisions: Vec<String>,
    /// `since-start` (with a snapshot) or `recent`.
    pub decisions_from: &'static str,
    /// Done tasks the remaining ones depend on.
    pub upstream: Vec<UpstreamBrief>,
    pub last_gate: Option<GateResult>,
    /// Nothing at all is known of the session (no snapshot, claims or gate).
    pub unknown: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimBrief {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub claimed_at: String,
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskBrief {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    /// Why it is still open: `claimed`, or the last gate's verdict.
    pub why: String,
    pub files: Vec<String>,
    pub verify: Vec<String>,
    /// `[x] text` / `[ ] text`.
    pub acceptance: Vec<String>,
    pub done_when: Vec<String>,
    /// `after:` ids with their status.
    pub after: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpstreamBrief {
    pub id: String,
    pub title: String,
    pub files: Vec<String>,
}

/// Gathers the brief of `session` (an agent session id or a baton session name).
pub fn brief(file: &Project, plan: &Plan, session: &str) -> Result<Brief, Error> {
    let start = if file.has_state() {
        file.state()?.session_start(session)?
    } else {
        None
    };
    let mut names = vec![session.to_string()];
    if let Some(name) = start.as_ref().and_then(|s| s.name.clone())
        && !names.contains(&name)
    {
        names.push(name);
    }
    // Claims taken since the start, as history recorded them: (task id, name).
    let mut claimed_since: HashSet<(String, String)> = HashSet::new();
    if let Some(start) = &start {
        for entry in file.state()?.history(usize::MAX)? {
            if entry.id > start.history_id
                && entry.action == "claim"
                && let (Some(id), Some(actor)) = (entry.task_id, entry.actor)
            {
                claimed_since.insert((id, actor));
            }
        }
    }
    let now = crate::state::now_rfc3339();
    let mut claims = Vec::new();
    let mut claims_since = Vec::new();
    let mut all_claims: Vec<_> = file.claims()?.into_values().collect();
    all_claims.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    for c in all_claims.into_iter().filter(|c| c.is_live(&now)) {
        let title = plan
            .task(&c.task_id)
            .map_or_else(String::new, |t| t.title.clone());
        let view = ClaimBrief {
            id: c.task_id.clone(),
            title,
            owner: c.owner.clone(),
            claimed_at: c.claimed_at.clone(),
            expires_at: c.expires_at.clone(),
        };
        if names.contains(&c.owner) {
            claims.push(view);
        } else if claimed_since.contains(&(c.task_id.clone(), c.owner.clone())) {
            claims_since.push(view);
        }
    }

    let last_gate = gate::last_result(file, session)?;
    let mut remaining: Vec<TaskBrief> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    for c in &claims {
        if let Some(task) = plan.task(&c.id)
            && !task.status.is_closed()
            && seen.insert(task.index)
        {
            remaining.push(task_brief(plan, task, "claimed".to_string()));
        }
    }
    if let Some(result) = &last_gate {
        for r in &result.tasks {
            let failing = matches!(
                r.verdict.as_str(),
                "false-done" | "tampered" | "incomplete" | "done-unticked"
            );
            if let Some(task) = plan.task(&r.id)
                && failing
                && task.status != Status::Skipped
                && seen.insert(task.index)
            {
                let why = format!("{} at the last stop gate", r.verdict);
                remaining.push(task_brief(plan, task, why));
            }
        }
    }

    let ticked_since = match &start {
        Some(s) => {
            let before: HashSet<&str> = s.ticked.iter().map(String::as_str).collect();
            plan.tasks
                .iter()
                .filter(|t| t.status == Status::Done)
                .filter(|t| !before.contains(gate::task_key(t).as_str()))
                .map(|t| format!("{} {}", t.display_id(), t.title))
                .collect()
        }
        None => Vec::new(),
    };

    let all_decisions = gate::decision_lines(plan);
    let (decisions, decisions_from) = match &start {
        Some(s) => {
            let before: HashSet<&str> = s.decisions.iter().map(String::as_str).collect();
            let new = all_decisions
                .iter()
                .filter(|d| !before.contains(d.as_str()))
                .cloned()
                .collect();
            (new, "since-start")
        }
        None => {
            let skip = all_decisions.len().saturating_sub(RECENT_DECISIONS);
            (all_decisions[skip..].to_vec(), "recent")
        }
    };

    let mut upstream: Vec<UpstreamBrief> = Vec::new();
    let mut up_seen: HashSet<usize> = HashSet::new();
    for r in &remaining {
        let Some(task) = plan.task(&r.id) else {
            continue;
        };
        for dep in plan.dep_targets.of(task.index).flatten() {
            let d = &plan.tasks[dep];
            if d.status == Status::Done && up_seen.insert(dep) {
                upstream.push(UpstreamBrief {
                    id: d.display_id(),
                    title: d.title.clone(),
                    files: d.files.to_vec(),
                });
            }
        }
    }

    let unknown = start.is_none() && claims.is_empty() && last_gate.is_none();
    Ok(Brief {
        plan_file: file.shown.clone(),
        plan_title: plan.title.clone(),
        overview: plan.overview.as_ref().and_then(|o| {
            o.text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        }),
        session: session.to_string(),
        names,
        started_at: start.map(|s| s.started_at),
        claims,
        claims_since,
        remaining,
        ticked_since,
        decisions,
        decisions_from,
        upstream,
        last_gate,
        unknown,
    })
}

fn task_brief(plan: &Plan, task: &Task, why: String) -> TaskBrief {
    TaskBrief {
        id: task.display_id(),
        title: task.title.clone(),
        status: task.status.as_str(),
        why,
        files: task.files.to_vec(),
        verify: task.verify.to_vec(),
        acceptance: task
            .acceptance
            .iter()
            .map(|a| {
                let mark = if a.status == Status::Done { "x" } else { " " };
                format!("[{mark}] {}", a.text)
            })
            .collect(),
        done_when: task.done_when.to_vec(),
        after: plan
            .dep_targets
            .of(task.index)
            .zip(task.deps.iter())
            .map(|(target, r)| match target {
                Some(t) => format!("{} ({})", r.id, plan.tasks[t].status.as_str()),
                None => format!("{} (no such task)", r.id),
            })
            .collect(),
    }
}

impl Brief {
    /// The brief as Markdown, for the agent's context.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        line(format!(
            "# baton: resume brief for session {} ({})",
            self.session, self.plan_file
        ));
        line(String::new());
        match (&self.plan_title, &self.overview) {
            (Some(t), Some(o)) => line(format!("Plan: {t}. {o}")),
            (Some(t), None) => line(format!("Plan: {t}.")),
            (None, Some(o)) => line(format!("Plan: {o}")),
            (None, None) => {}
        }
        let names = self
            .names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        match &self.started_at {
            Some(at) => line(format!(
                "Your context was compacted or resumed; this is what baton knows of your work since \
                 you started ({at}). Claim and tick as {names}."
            )),
            None => line(format!(
                "Your context was compacted or resumed; this is what baton knows of your work \
                 (no session-start snapshot: it cannot tell what changed since you started). \
                 Claim and tick as {names}."
            )),
        }
        if self.unknown {
            line(format!(
                "baton has no record of session {}: no snapshot, claims or stop gate.",
                self.session
            ));
        }

        line(String::new());
        line("## Your claims".into());
        if self.claims.is_empty() {
            line("- none".into());
        }
        for c in &self.claims {
            let until = c
                .expires_at
                .as_deref()
                .map_or(String::new(), |e| format!(", lease until {e}"));
            line(format!(
                "- {} {} (as `{}`, claimed {}{until})",
                c.id, c.title, c.owner, c.claimed_at
            ));
        }
        if !self.claims_since.is_empty() {
            line(String::new());
            line("## Claims taken since you started under other names".into());
            line("Yours if you used that name; else another session's: leave those alone.".into());
            for c in &self.claims_since {
                line(format!("- {} {} (as `{}`)", c.id, c.title, c.owner));
            }
        }

        line(String::new());
        line("## Remaining tasks".into());
        if self.remaining.is_empty() {
            line("- none held; `baton next` lists ready tasks".into());
        }
        for t in &self.remaining {
            line(format!("- {} {} [{}; {}]", t.id, t.title, t.status, t.why));
            for f in &t.files {
                line(format!("  - files: {f}"));
            }
            for a in &t.after {
                line(format!("  - after: {a}"));
            }
            for v in &t.verify {
                line(format!("  - verify: `{v}`"));
            }
            for d in &t.done_when {
                line(format!("  - done when: {d}"));
            }
            for a in &t.acceptance {
                line(format!("  - {a}"));
            }
        }

        if !self.ticked_since.is_empty() {
            line(String::new());
            line("## Ticked since you started".into());
            line(
                "The stop gate judges every one of these, whatever name the tick went under."
                    .into(),
            );
            for t in &self.ticked_since {
                line(format!("- {t}"));
            }
        }

        line(String::new());
        line(match self.decisions_from {
            "since-start" => "## Decisions since you started".to_string(),
            _ => "## Recent decisions".to_string(),
        });
        if self.decisions.is_empty() {
            line("- none".into());
        }
        for d in &self.decisions {
            line(format!("- {d}"));
        }

        if !self.upstream.is_empty() {
            line(String::new());
            line("## Upstream work done".into());
            for u in &self.upstream {
                let files = if u.files.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", u.files.join(", "))
                };
                line(format!("- {} {}{files}", u.id, u.title));
            }
        }

        if let Some(g) = &self.last_gate {
            line(String::new());
            line(format!("## Last stop gate ({}, {})", g.at, g.outcome));
            line(format!("Judged {}.", g.judged));
            for t in &g.tasks {
                line(format!("- {} {}: {}", t.id, t.title, t.verdict));
                for e in &t.evidence {
                    line(format!("    {e}"));
                }
            }
            for a in &g.audit {
                line(format!("- audit: {a}"));
            }
        }

        line(String::new());
        line(
            "Tick a task (`baton done ID`, or the `complete_task` tool) only once `baton verify \
             --task ID` passes; record deviations with `baton decide \"what and why\" --task ID`; \
             give back what you cannot finish (`baton release ID`, `baton undo ID`)."
                .into(),
        );
        out
    }
}
