//! `baton hook …`: the commands coding agents run at points of their loop, so that a session
//! cannot end its turn while a task it took on or ticked is unfinished or falsely ticked,
//! and gets its brief back after a compaction (docs/hooks.md).
//!
//! - `claude-stop`, `codex-stop`, `gemini-stop`: the stop gate for Claude Code's and Codex's
//!   `Stop` event and Gemini CLI's `AfterAgent` event ([`stop`]).
//! - `session-start`: records where a session started and prints the resume brief when it
//!   was compacted or resumed ([`session_start`]).
//!
//! Every hook reads the agent's JSON on stdin, leniently (a field of the wrong type counts as
//! missing), and never blocks because of its own trouble: unreadable input, no plan or no
//! session let the session go on with a note; a broken state database is an error exit,
//! which the agents report without blocking.

mod session_start;
mod stop;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::ops::Project;

/// More hook input than this is not an agent talking.
const MAX_INPUT: u64 = 16 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    hook: Hook,
}

#[derive(Debug, clap::Subcommand)]
enum Hook {
    /// Claude Code's Stop hook: block the stop while a task this session holds or ticked is
    /// unfinished or ticked without passing evidence (reads the hook's JSON on stdin; exit 2
    /// blocks).
    ClaudeStop(stop::StopArgs),
    /// Codex's Stop hook: the same gate, with a cap on blocks in a row (`[hooks] block_cap`,
    /// default 8), since Codex has none.
    CodexStop(stop::StopArgs),
    /// Gemini CLI's AfterAgent hook: the same gate, with the same cap (exit 2 sends the
    /// reason back to the agent as its next prompt).
    GeminiStop(stop::StopArgs),
    /// SessionStart hook: record where this session started (the stop gates judge every task
    /// ticked since); on `compact` or `resume`, print the session's resume brief.
    SessionStart(session_start::SessionStartArgs),
}

/// The agent a hook speaks to: what its events are called and what its output looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
}

impl Agent {
    /// The hook command, as messages name it.
    fn stop_command(self) -> &'static str {
        match self {
            Agent::Claude => "claude-stop",
            Agent::Codex => "codex-stop",
            Agent::Gemini => "gemini-stop",
        }
    }

    /// The event the stop gate runs on.
    fn stop_event(self) -> &'static str {
        match self {
            Agent::Claude | Agent::Codex => "Stop",
            Agent::Gemini => "AfterAgent",
        }
    }

    /// Whether baton keeps a cap on blocks in a row (Claude Code keeps its own).
    fn needs_cap(self) -> bool {
        self != Agent::Claude
    }
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let result = match &args.hook {
        Hook::ClaudeStop(a) => stop::run(p, g, a, Agent::Claude),
        Hook::CodexStop(a) => stop::run(p, g, a, Agent::Codex),
        Hook::GeminiStop(a) => stop::run(p, g, a, Agent::Gemini),
        Hook::SessionStart(a) => session_start::run(p, g, a),
    };
    // Exit 2 means "block" to every agent: only the gate's own verdict may say it.
    result.map_err(|mut e| {
        if e.kind == Kind::Usage {
            e.kind = Kind::Input;
        }
        e
    })
}

/// What the hooks need from an agent's input; every field may be missing.
#[derive(Debug, Default)]
struct HookInput {
    session_id: Option<String>,
    cwd: Option<PathBuf>,
    event: Option<String>,
    stop_hook_active: bool,
    /// SessionStart's `startup`, `resume`, `clear`, `compact`.
    source: Option<String>,
}

impl HookInput {
    /// Reads the fields leniently: a field of an unexpected type counts as missing.
    fn from_json(value: &Value) -> HookInput {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        HookInput {
            session_id: text("session_id"),
            cwd: text("cwd").map(PathBuf::from),
            event: text("hook_event_name"),
            stop_hook_active: value
                .get("stop_hook_active")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            source: text("source"),
        }
    }
}

/// The hook input, or why there is none worth reading.
fn read_input() -> Result<HookInput, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err("no hook input (stdin is a terminal; the agent pipes JSON in)".to_string());
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the hook input: {e}"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the hook input is empty".to_string());
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the hook input is not JSON ({e})"))?;
    if !value.is_object() {
        return Err("the hook input is not a JSON object".to_string());
    }
    Ok(HookInput::from_json(&value))
}

/// A name given with --session or $BATON_SESSION, trimmed; None when empty.
fn given_name(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `--plan`/`BATON_PLAN`, else the plan found upwards from the hook's `cwd` (else from here).
fn locate(given: Option<&Path>, cwd: Option<&Path>) -> Result<Project, CliError> {
    if given.is_none()
        && let Some(cwd) = cwd
    {
        std::env::set_current_dir(cwd).map_err(|e| {
            CliError::input(format!(
                "cannot enter the hook's cwd {}: {e}",
                cwd.display()
            ))
        })?;
    }
    Project::locate(given)
}
