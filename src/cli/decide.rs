//! `baton decide TEXT [--task ID]`: append a dated line to the plan's decisions log.

use std::process::ExitCode;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::plan::{edit, store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What was decided and why.
    #[arg(value_name = "TEXT", required = true, num_args = 1..)]
    text: Vec<String>,
    /// The task the decision is about.
    #[arg(long, value_name = "ID")]
    task: Option<String>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    let line = log_decision(&file, &args.text.join(" "), args.task.as_deref())?;
    p.status(format!("logged: {line}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Appends one dated line to the plan's decisions log under the plan lock and returns it.
/// Shared by `baton decide` and the MCP server; prints nothing.
pub fn log_decision(file: &PlanFile, text: &str, task: Option<&str>) -> Result<String, CliError> {
    // One decision is one line of the log.
    let text = text.replace(['\r', '\n'], " ");
    let text = text.trim();
    if text.is_empty() {
        return Err(CliError::new(Kind::Usage, "the decision text is empty"));
    }
    let now = crate::state::now_rfc3339();
    let date = now.get(..10).unwrap_or(&now);
    let line = match task {
        Some(id) => format!("{date} {id}: {text}"),
        None => format!("{date}: {text}"),
    };
    store::update(&file.path, |snap| {
        let plan = snap.plan();
        if let Some(id) = task {
            find_task(plan, file, id)?;
        }
        let Some(append) = edit::append_decision(plan, snap.bytes, &line) else {
            return Err(CliError::input(
                "the decision cannot be appended safely: the plan ends inside an unclosed block",
            )
            .with_hint(
                "close the code block or HTML comment at the end of the plan, or add a \
                 `## Decisions` section; nothing was written",
            ));
        };
        Ok::<_, CliError>((vec![append], ()))
    })?;
    Ok(line)
}
