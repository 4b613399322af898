//! A session's view of the plan: the tasks that are its own (held now, or ticked while it
//! held them) and the brief it works from (one lane of the phase, rendered from the
//! template).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::error::{Error, Kind};
use super::project::Project;
use crate::analyze::Options;
use crate::plan::{Plan, Status};
use crate::prompts::{self, PromptError, Request, TemplateSource};

/// Where an override template lives, relative to the plan's directory.
pub const TEMPLATE_OVERRIDE: &str = ".baton/templates/session.md";

/// Prompts for one phase, and where their template came from.
#[derive(Debug)]
pub struct Generated {
    /// 0-based.
    pub phase: usize,
    pub out: prompts::Prompts,
    /// The override template as shown, when one was used.
    pub overridden: Option<String>,
}

/// Lays out lanes and renders one prompt per lane. Shared by `baton prompts` and the MCP
/// server; prints nothing.
pub fn generate(
    file: &Project,
    plan: &Plan,
    phase: Option<u32>,
    sessions: Option<u32>,
) -> Result<Generated, Error> {
    generate_named(file, plan, phase, sessions, None)
}

/// [`generate`], the briefs' commands naming every session `session_name` (None: each its
/// own `session-<n>`).
pub fn generate_named(
    file: &Project,
    plan: &Plan,
    phase: Option<u32>,
    sessions: Option<u32>,
    session_name: Option<&str>,
) -> Result<Generated, Error> {
    let phase = chosen_phase(plan, file, phase)?;
    let options = Options {
        sessions,
        history_from: None,
        ..Options::default()
    };
    let analysis = super::project::analysis(plan, file, &options)?;

    let override_path = file.dir().join(TEMPLATE_OVERRIDE);
    let override_shown = shown_override(file);
    let override_text = match std::fs::read_to_string(&override_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Error::input(format!(
                "cannot read the template {override_shown}: {e}"
            )));
        }
    };
    let template = match &override_text {
        Some(text) => TemplateSource {
            name: &override_shown,
            text,
        },
        None => TemplateSource::builtin(),
    };
    let now = crate::state::now_rfc3339();
    let held: HashMap<String, String> = file
        .claims()?
        .into_iter()
        .filter(|(_, c)| c.is_live(&now))
        .map(|(id, c)| (id, c.owner))
        .collect();
    let request = Request {
        phase,
        plan_file: &file.shown,
        held: Some(&held),
        session_name,
    };
    let out = prompts::prompts(plan, &analysis, &request, template)
        .map_err(|e| prompt_error(e, override_text.is_some()))?;
    Ok(Generated {
        phase,
        out,
        overridden: override_text.map(|_| override_shown),
    })
}

/// The 0-based phase to make prompts for.
pub fn chosen_phase(plan: &Plan, file: &Project, wanted: Option<u32>) -> Result<usize, Error> {
    match wanted {
        Some(n) => {
            let n = n as usize;
            if n == 0 || n > plan.phases.len() {
                let names: Vec<String> = plan
                    .phases
                    .iter()
                    .map(|ph| format!("{} {}", ph.index + 1, ph.title))
                    .collect();
                return Err(Error::input(format!(
                    "no phase {n} in {} (it has {})",
                    file.shown,
                    plan.phases.len()
                ))
                .with_hint(format!("phases: {}", names.join(", "))));
            }
            Ok(n - 1)
        }
        None => crate::graph::current_phase(plan).ok_or_else(|| {
            Error::input(format!(
                "every task in {} is done or skipped: no phase has work to hand out",
                file.shown
            ))
        }),
    }
}

/// The override's path as messages show it: next to the plan as the user named it.
pub fn shown_override(file: &Project) -> String {
    let dir = Path::new(&file.shown).parent().unwrap_or(Path::new(""));
    dir.join(TEMPLATE_OVERRIDE).display().to_string()
}

fn prompt_error(err: PromptError, overridden: bool) -> Error {
    let message = err.to_string();
    match err {
        PromptError::UnknownPhase { .. } => Error::input(message),
        PromptError::NothingOpen { .. } => Error::input(message)
            .with_hint("`baton status` shows the phases; pass --phase with one that has open tasks"),
        PromptError::Template { .. } if overridden => {
            Error::input(format!("template {message}")).with_hint(
                "fix the template, or remove it to use the built-in one; docs/prompts.md lists the variables",
            )
        }
        // The built-in template is tested; failing here is a bug.
        PromptError::Template { .. } => Error::new(Kind::Internal, format!("template {message}")),
    }
}

/// How a task is this session's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Claimed now.
    Claimed,
    /// Ticked with `baton done` while this session held it (`done` gives the claim up).
    Ticked,
}

/// The session's tasks: its claims, and the tasks it ticked with `baton done`, which releases
/// the claim, so a false tick would otherwise escape. History tells which: the last `done`
/// of a task counts for whoever held the claim then (or did the ticking, unclaimed); a later
/// `undo`, `release` or another claim ends that.
pub fn session_tasks(file: &Project, owner: &str) -> Result<Vec<(String, Held)>, Error> {
    if file.claims_settings()?.backend == crate::state::Backend::Local && !file.has_state() {
        return Ok(Vec::new());
    }
    let claims = file.claim_store()?.claims()?;
    let state = file.state()?;
    let mut held: Vec<(String, Held)> = claims
        .iter()
        .filter(|c| c.owner == owner)
        .map(|c| (c.task_id.clone(), Held::Claimed))
        .collect();
    let claimed: HashSet<&str> = claims.iter().map(|c| c.task_id.as_str()).collect();

    let mut holder: HashMap<String, Option<String>> = HashMap::new();
    let mut ticked_by: HashMap<String, String> = HashMap::new();
    for entry in state.history(usize::MAX)? {
        let Some(id) = entry.task_id else { continue };
        match entry.action.as_str() {
            "claim" => {
                ticked_by.remove(&id);
                holder.insert(id, entry.actor);
            }
            "release" | "undo" => {
                holder.remove(&id);
                ticked_by.remove(&id);
            }
            "done" => match holder.remove(&id).flatten().or(entry.actor) {
                Some(who) => {
                    ticked_by.insert(id, who);
                }
                None => {
                    ticked_by.remove(&id);
                }
            },
            _ => {}
        }
    }
    let mut ticked: Vec<String> = ticked_by
        .into_iter()
        .filter(|(id, who)| who == owner && !claimed.contains(id.as_str()))
        .map(|(id, _)| id)
        .collect();
    ticked.sort();
    held.extend(ticked.into_iter().map(|id| (id, Held::Ticked)));
    Ok(held)
}

/// What a session of a run is on, for the views that show it live (the run's progress
/// lines, the dashboard): the first of `tasks` not ticked (nor skipped) in the plan at `plan`, with its title; None
/// when the plan cannot be read.
pub fn current_task(plan: &Path, tasks: &[String]) -> Option<String> {
    let bytes = std::fs::read(plan).ok()?;
    let parsed = crate::plan::parse(&bytes);
    let open = tasks.iter().find(|id| {
        parsed
            .task(id)
            .is_none_or(|t| !matches!(t.status, Status::Done | Status::Skipped))
    });
    Some(match open {
        Some(id) => match parsed.task(id) {
            Some(t) => format!("{id} {}", t.title),
            None => id.clone(),
        },
        None => format!("{} ticked", tasks.join(" ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_task_is_the_first_not_ticked() {
        let dir = tempfile::tempdir().expect("tmp");
        let plan = dir.path().join("plan.md");
        std::fs::write(
            &plan,
            "# P\n\n## Phase 1: A\n\n- [x] T1 One\n- [ ] T2 Two\n- [ ] T3 Three\n",
        )
        .expect("plan");
        let tasks: Vec<String> = ["T1", "T2", "T3"].map(String::from).to_vec();
        assert_eq!(current_task(&plan, &tasks).as_deref(), Some("T2 Two"));
        assert_eq!(
            current_task(&plan, &tasks[..1]).as_deref(),
            Some("T1 ticked")
        );
        assert_eq!(current_task(&dir.path().join("none.md"), &tasks), None);
    }
}
