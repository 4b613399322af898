//! `baton hook session-start`: the agents' SessionStart hook.
//!
//! On a new session (`startup`, `clear`) it records the session's starting snapshot (the
//! plan's ticked boxes, the claims, the decisions log) so the stop gates can judge every
//! task ticked since, whatever name it was ticked under, and prints one short line. When the
//! session was compacted or resumed (`compact`, `resume`) it keeps the first snapshot (or
//! records one, if none was) and prints the session's resume brief, which the agent adds to
//! its context: as plain stdout for Claude Code, as JSON
//! `hookSpecificOutput.additionalContext` for Codex and Gemini CLI (`--agent`).

use std::process::ExitCode;

use super::{Agent, given_name, locate, read_input};
use crate::cli::Globals;
use crate::cli::error::CliError;
use crate::cli::printer::Printer;
use crate::ops::{gate, resume};

#[derive(Debug, clap::Args)]
pub(super) struct SessionStartArgs {
    /// The agent running the hook: how its output is shaped.
    #[arg(long, value_enum, default_value_t = Agent::Claude)]
    agent: Agent,
    /// The baton session name this session claims with (default: $BATON_SESSION); its
    /// claims go into the brief beside the agent's session id.
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    session: Option<String>,
}

/// Sources after which the session has lost (part of) its context.
const RESTORE: &[&str] = &["compact", "resume"];

pub(super) fn run(
    p: &mut Printer,
    g: &Globals,
    args: &SessionStartArgs,
) -> Result<ExitCode, CliError> {
    let note = |p: &mut Printer, why: String| -> Result<ExitCode, CliError> {
        p.status(format!("baton hook session-start: {why}; nothing recorded"))?;
        Ok(ExitCode::SUCCESS)
    };
    let input = match read_input() {
        Ok(input) => input,
        Err(why) => return note(p, why),
    };
    if let Some(event) = input.event.as_deref()
        && event != "SessionStart"
    {
        return note(p, format!("the hook event is {event}, not SessionStart"));
    }
    let name = given_name(args.session.as_deref());
    let Some(session) = input.session_id.clone().or_else(|| name.clone()) else {
        return note(p, "no session_id in the hook input".to_string());
    };
    let file = match locate(g.plan.as_deref(), input.cwd.as_deref()) {
        Ok(file) => file,
        Err(err) => return note(p, format!("no plan ({})", err.message)),
    };
    let (_, plan) = file.load()?;
    let source = input.source.as_deref().unwrap_or("startup");
    let restore = RESTORE.contains(&source);
    let snapshot = gate::snapshot(&file, &plan, &session, name.as_deref())?;
    // A new session starts afresh; a compacted or resumed one keeps its first start.
    let recorded = file.state()?.record_session_start(&snapshot, !restore)?;
    if recorded {
        p.status(format!(
            "baton hook session-start: recorded where session {session} starts in {}",
            file.shown
        ))?;
    }

    let text = if restore {
        let brief = resume::brief(&file, &plan, &session)?;
        brief.to_markdown()
    } else {
        format!(
            "baton: {} is the plan; every task ticked from now on is checked before this \
             session may stop, whatever name it is ticked under. After a compaction, `baton \
             prompts --resume {session}` gives this session's brief back.",
            file.shown
        )
    };
    match args.agent {
        // Claude Code adds a SessionStart hook's stdout to the session's context.
        Agent::Claude => p.line(text.trim_end())?,
        // Codex and Gemini CLI read JSON: `additionalContext` goes into the context.
        Agent::Codex | Agent::Gemini => p.line(
            serde_json::json!({
                "hookSpecificOutput": {
                    "hookEventName": "SessionStart",
                    "additionalContext": text,
                }
            })
            .to_string(),
        )?,
    }
    crate::ops::project::release_at_exit(plan);
    Ok(ExitCode::SUCCESS)
}
