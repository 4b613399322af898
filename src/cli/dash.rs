//! `baton dash`: the live terminal dashboard ([`crate::dash`]).

use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use crate::ops::Project;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_p: &mut Printer, g: &Globals, _args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    crate::dash::run(&file)?;
    Ok(ExitCode::SUCCESS)
}
