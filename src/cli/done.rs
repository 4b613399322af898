//! `baton done ID…` and `baton undo ID…`: flip checkboxes through the locked, lossless
//! editor. Either every id is valid and all are written in one atomic replace, or nothing is.

use std::process::ExitCode;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::CliError;
use super::printer::{self, Printer};
use crate::plan::{Status, edit, store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// Who did it, for the history (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args, to: Status) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    let mut waiting = Vec::new();
    store::update(&file.path, |_, plan| {
        changed.clear();
        unchanged.clear();
        waiting.clear();
        let mut edits = Vec::new();
        for id in &args.ids {
            let task = find_task(plan, &file, id)?;
            match edit::set_status(plan, task, to) {
                Some(e) if !edits.iter().any(|x: &edit::Edit| x.range == e.range) => {
                    edits.push(e);
                    changed.push(id.clone());
                }
                _ => unchanged.push(id.clone()),
            }
            if to == Status::Done {
                let open: Vec<String> = task
                    .deps
                    .iter()
                    .filter(|d| plan.task(&d.id).is_some_and(|t| !t.status.is_closed()))
                    .map(|d| d.id.clone())
                    .filter(|d| !args.ids.contains(d))
                    .collect();
                if !open.is_empty() {
                    waiting.push((id.clone(), open));
                }
            }
        }
        Ok::<_, CliError>((edits, ()))
    })?;
    let verb = if to == Status::Done { "done" } else { "todo" };
    for id in &changed {
        p.status(format!(
            "{} {id} is {verb}",
            printer::paint(printer::GREEN, "✓")
        ))?;
    }
    for id in &unchanged {
        p.status(format!("{id} was already {verb}"))?;
    }
    for (id, open) in &waiting {
        p.hint(format!(
            "{id} depends on {}, which {} not done yet",
            open.join(", "),
            if open.len() == 1 { "is" } else { "are" }
        ))?;
    }
    if !changed.is_empty() {
        // The tick is written; claims and history are bookkeeping and must not undo it.
        if let Err(err) = record(&file, &changed, to, args.by.as_deref()) {
            p.status(format!(
                "warning: the plan was updated, but claims were not: {}",
                err.message
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn record(file: &PlanFile, ids: &[String], to: Status, by: Option<&str>) -> Result<(), CliError> {
    let state = file.state()?;
    for id in ids {
        if to == Status::Done {
            state.release(id)?;
        }
        state.record(
            Some(id),
            if to == Status::Done { "done" } else { "undo" },
            by,
            None,
        )?;
    }
    Ok(())
}
