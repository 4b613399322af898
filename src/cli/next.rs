//! `baton next`: the tasks a session can start now.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::CliError;
use super::list::task_line;
use super::printer::Printer;
use crate::graph::{self, Readiness};
use crate::ops::project::Project;
use crate::ops::stuck;
use crate::ops::views::{Envelope, TaskView};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show at most this many tasks.
    #[arg(long, short = 'n', value_name = "N")]
    limit: Option<usize>,
    /// Print as JSON (docs/json.md, schema `baton.next`).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct NextView {
    current_phase: Option<usize>,
    ready: Vec<TaskView>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan, lagging) = file.load_shared()?;
    let (_, readiness) = file.readiness(&plan)?;
    // A task whose dependency names no task is never ready (`Readiness::Unresolved`): the
    // graph cannot tell whether what it waits for is done.
    let unresolved = stuck::unresolved(&plan);
    let ready: Vec<usize> = plan
        .tasks
        .iter()
        .filter(|t| readiness[t.index] == Readiness::Ready)
        .map(|t| t.index)
        .take(args.limit.unwrap_or(usize::MAX))
        .collect();
    let busy = readiness
        .iter()
        .filter(|r| matches!(r, Readiness::Claimed(_) | Readiness::InProgress))
        .count();
    if ready.is_empty()
        && busy == 0
        && graph::current_phase(&plan).is_some()
        && let Some(err) = stuck::deadlock(&plan, &file, &unresolved)
    {
        return Err(err);
    }
    for u in unresolved
        .iter()
        .filter(|u| matches!(readiness[u.task], Readiness::Unresolved(_)))
    {
        p.status(format!(
            "warning: {}; it is not listed as ready (`baton lint` shows why)",
            stuck::describe(&plan, &file, u)
        ))?;
    }
    let current = graph::current_phase(&plan);
    if args.json {
        let view = NextView {
            current_phase: current.map(|c| c + 1),
            ready: ready
                .iter()
                .map(|&t| TaskView::new(&plan, &plan.tasks[t], &readiness[t], None))
                .collect(),
        };
        p.json(&Envelope::new("baton.next", &file.shown, view))?;
        return Ok(ExitCode::SUCCESS);
    }
    for &t in &ready {
        p.line(task_line(&plan, &plan.tasks[t], &readiness[t]))?;
    }
    if ready.is_empty() {
        let why = match current {
            None => "every task is done or skipped".to_string(),
            Some(c) => {
                let phase = &plan.phases[c];
                let busy = phase
                    .tasks
                    .iter()
                    .filter(|&&t| {
                        matches!(readiness[t], Readiness::Claimed(_) | Readiness::InProgress)
                    })
                    .count();
                let waiting = phase
                    .tasks
                    .iter()
                    .filter(|&&t| matches!(readiness[t], Readiness::Waiting(_)))
                    .count();
                format!(
                    "nothing is ready: phase {} \"{}\" has {busy} task(s) claimed or in progress and {waiting} waiting on dependencies",
                    c + 1,
                    phase.title
                )
            }
        };
        p.status(why)?;
    }
    super::status::lag_note(p, &file, &lagging)?;
    Ok(ExitCode::SUCCESS)
}
