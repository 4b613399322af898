//! `baton decide TEXT [--task ID]`: append a dated line to the plan's decisions log.

use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use crate::ops::Project;
use crate::ops::decide::log_decision;

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
    let file = Project::locate(g.plan.as_deref())?;
    let line = log_decision(&file, &args.text.join(" "), args.task.as_deref())?;
    p.status(format!("logged: {line}"))?;
    Ok(ExitCode::SUCCESS)
}
