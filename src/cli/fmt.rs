//! `baton fmt --ids`: give every task without an id the next id of the plan's scheme,
//! inserting only the id text.

use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind, code};
use super::printer::Printer;
use crate::ops::project::Project;
use crate::plan::{edit, store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Assign ids to tasks that have none.
    #[arg(long)]
    ids: bool,
    /// Change nothing; exit 1 if something would change.
    #[arg(long)]
    check: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    if !args.ids {
        return Err(CliError::new(Kind::Usage, "say what to format: --ids")
            .with_hint("`baton fmt --ids` assigns missing task ids"));
    }
    let file = Project::locate(g.plan.as_deref())?;
    let mut assigned: Vec<(u32, String)> = Vec::new();
    let check = args.check;
    store::update(&file.path, |snap| {
        let plan = snap.plan();
        let missing: Vec<_> = plan.tasks.iter().filter(|t| t.id.is_none()).collect();
        let ids = edit::next_ids(plan, missing.len());
        assigned = missing
            .iter()
            .zip(&ids)
            .map(|(t, id)| (t.line_span.line, id.clone()))
            .collect();
        let edits = if check {
            Vec::new()
        } else {
            missing
                .iter()
                .zip(&ids)
                .map(|(t, id)| edit::insert_id(t, id))
                .collect()
        };
        Ok::<_, CliError>((edits, ()))
    })?;
    for (line, id) in &assigned {
        let verb = if check { "would assign" } else { "assigned" };
        p.status(format!("{}:{line}: {verb} {id}", file.shown))?;
    }
    if assigned.is_empty() {
        p.status("every task has an id")?;
    }
    Ok(ExitCode::from(if check && !assigned.is_empty() {
        code::FINDINGS
    } else {
        code::OK
    }))
}
