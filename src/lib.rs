//! baton turns a Markdown plan into safe parallel work for AI coding-agent sessions.
//!
//! Module map (data flows one way: file -> plan -> lint/graph -> a result value -> a view):
//! - [`plan`]: the contract — model, lossless parser, byte-range editor, locked atomic store.
//! - [`lint`]: findings with codes over the model.
//! - [`graph`]: dependency DAG, cycles, readiness; scopes and their overlap; waves and the
//!   critical path ([`graph::flow`]); lanes for N sessions ([`graph::schedule`]).
//! - [`analyze`]: the parallelization analysis — scenario, false-independence findings, git
//!   co-change history.
//! - [`prompts`]: one short Markdown brief per session for a phase, rendered from a template.
//! - [`verify`]: every ticked box checked against evidence — verify commands in process
//!   groups with timeouts, declared paths, acceptance items, locked criteria.
//! - [`process`]: the supervisor of every child baton starts — process groups, timeouts,
//!   bounded output, and no child left behind on SIGINT or SIGTERM.
//! - [`state`]: claims and history shared by every worktree of a repository (SQLite).
//! - [`repo`]: locating the repository, its worktree root and its common git dir.
//! - [`git`]: every git call baton makes (refs, diffs, status, worktrees, merges), under one
//!   environment policy.
//! - [`config`]: `baton.toml` beside the plan, with `file:line:col` diagnostics.
//! - [`audit`]: a branch's real changes against its tasks' scopes and other sessions' claims.
//! - [`agents`]: baton's entries in agents' own settings (Claude Code's Stop hook, the MCP
//!   server in `.mcp.json`, `.codex/config.toml`, `.gemini/settings.json`), merged into files
//!   people also edit, never clobbering them.
//! - [`run`]: `baton run`, the orchestrator over `ops`: a worktree per lane, the gate before
//!   merge, agent presets, agents' output streams, session budgets.
//! - [`ops`]: the use cases every front end calls (find the project, claim, tick, complete,
//!   decide, a session's tasks and prompt, the overview), with one typed error.
//! - [`mcp`]: `baton mcp`, the plan as MCP tools and resources for agent sessions.
//! - [`report`]: `baton report`, the plan, schedule, verdicts and run as one HTML page.
//! - [`cli`]: the command line — one file per command and the only code that prints.

pub mod agents;
pub mod analyze;
pub mod audit;
pub mod cli;
pub mod config;
pub mod dash;
pub mod git;
pub mod graph;
pub mod lint;
pub mod mcp;
pub mod ops;
pub mod plan;
pub mod process;
pub mod prompts;
pub mod repo;
pub mod report;
pub mod run;
pub mod state;
pub mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

pub use cli::CliError;

/// Runs baton with these arguments (the first is the program name). Errors come back
/// unprinted so callers decide how to show them.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    printer: &mut cli::printer::Printer,
) -> Result<ExitCode, CliError> {
    cli::run(args, printer)
}

/// The binary's entry point: runs, prints an error once, and maps it to its exit code.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let mut printer = cli::printer::Printer::new(anstream::ColorChoice::Auto);
    let result = run(args, &mut printer);
    let code = match result {
        Ok(code) => code,
        Err(err) => {
            if !err.is_broken_pipe() {
                printer.error(&err.message, err.hint.as_deref());
            }
            cli::error::exit_code(&err)
        }
    };
    let _ = printer.flush();
    code
}
