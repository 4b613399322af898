//! Gemini CLI: baton's hooks in the project's `.gemini/settings.json`, beside its MCP server
//! ([`super::mcp`]).
//!
//! Gemini CLI's hooks have Claude Code's shape (`hooks.EVENT`, matcher groups, command
//! handlers), with two differences found in its settings schema (0.61): a handler may carry
//! a `name`, shown in its hook list, and `timeout` is in milliseconds (default 60 000).
//! `AfterAgent`, when the agent finishes a turn, is Gemini's place for a stop gate and runs
//! `baton hook gemini-stop`; `SessionStart` (sources `startup`, `resume`, `clear`; Gemini has
//! no compaction source) runs `baton hook session-start --agent gemini`. Project hooks run
//! only in a trusted folder; the first time, Gemini CLI lists them in a warning and records
//! them as trusted. The merge is [`super::hooks`]'s, with comments allowed, as Gemini CLI
//! strips them before parsing its settings.

use super::hooks::Hook;

/// Milliseconds Gemini CLI gives the AfterAgent hook (the same 900 s as Claude Code's Stop
/// hook, see [`super::claude::STOP_TIMEOUT_SECS`]).
pub const STOP_TIMEOUT_MS: u64 = super::claude::STOP_TIMEOUT_SECS * 1000;

/// baton's hooks for Gemini CLI, run through `program` (`baton`).
pub fn hooks(program: &str) -> [Hook; 2] {
    [
        Hook {
            event: "AfterAgent",
            matcher: None,
            name: Some("baton-gate"),
            program: program.to_string(),
            args: "gemini-stop",
            timeout: STOP_TIMEOUT_MS,
        },
        Hook {
            event: "SessionStart",
            matcher: None,
            name: Some("baton-session-start"),
            program: program.to_string(),
            args: "session-start --agent gemini",
            timeout: super::claude::START_TIMEOUT_SECS * 1000,
        },
    ]
}
