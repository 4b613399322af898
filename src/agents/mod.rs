//! Wiring baton into coding agents' own configuration files.
//!
//! Agents read their settings from files people also edit by hand, so everything here is a
//! pure text-in, text-out merge: it adds baton's entry when an equivalent one is missing and
//! otherwise leaves every byte alone. Reading, writing and reporting belong to the CLI.
//!
//! - [`claude`]: the Stop hook in `.claude/settings.json`.
//! - [`mcp`]: baton's MCP server in Claude Code's `.mcp.json` and Gemini CLI's
//!   `.gemini/settings.json`, and the rules every merge follows.
//! - [`codex`]: baton's MCP server in Codex's `.codex/config.toml`.
//! - [`git_merge`]: baton's merge driver for the plan in `.gitattributes` and the
//!   repository's git configuration (the one place here that runs a program: `git config`).

pub mod claude;
pub mod codex;
pub mod git_merge;
pub mod mcp;
