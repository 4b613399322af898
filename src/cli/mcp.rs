//! `baton mcp`: runs the MCP server ([`crate::mcp`]) on stdin/stdout for one agent session.
//! stdout belongs to the protocol, so this command prints nothing there; a failure to start
//! is reported on stderr like any other error.

use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::mcp::{BatonServer, ServeError};
use crate::ops::project::Project;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The session name used when a tool call names none.
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    session: Option<String>,
}

pub fn run(_p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    // A plan named with --plan must exist now; without one, each call looks the plan up
    // from the session's directory, so a server can start before `baton init`.
    if g.plan.is_some() {
        Project::locate(g.plan.as_deref())?;
    }
    // The verify tool starts commands: SIGINT or SIGTERM must not orphan them.
    let supervisor = crate::process::Supervisor::global();
    crate::process::signals::kill_children_on_signals(supervisor)
        .map_err(|e| CliError::new(Kind::Internal, format!("cannot watch for signals: {e}")))?;
    let server = BatonServer::new(g.plan.clone(), args.session.clone());
    crate::mcp::serve_stdio(server).map_err(|e| match e {
        ServeError::Handshake(_) => CliError::new(Kind::Input, e.to_string())
            .with_hint("`baton mcp` speaks MCP on stdin/stdout; start it from an MCP client"),
        _ => CliError::new(Kind::Internal, e.to_string()),
    })?;
    Ok(ExitCode::SUCCESS)
}
