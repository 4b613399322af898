//! Wiring baton into coding agents' own configuration files.
//!
//! Agents read their settings from files people also edit by hand, so everything here is a
//! pure text-in, text-out merge: it adds baton's entry when an equivalent one is missing and
//! otherwise leaves every byte alone. Reading, writing and reporting belong to the CLI.
//!
//! - [`claude`]: the Stop and SessionStart hooks in `.claude/settings.json`, and the JSON
//!   splicing every merge here shares.
//! - [`mcp`]: baton's MCP server in Claude Code's `.mcp.json` and Gemini CLI's
//!   `.gemini/settings.json`, and the rules every merge follows.
//! - [`codex`]: baton's MCP server in Codex's `.codex/config.toml`, its hooks in
//!   `.codex/hooks.json`, and the trust Codex asks for.
//! - [`gemini`]: the AfterAgent and SessionStart hooks in `.gemini/settings.json`.
//! - [`hooks`]: the merge of hook entries, shared by the three agents.
//! - [`block`]: the marked instruction block in `CLAUDE.md`, `AGENTS.md`, `GEMINI.md`,
//!   which keeps what people wrote into it.
//! - [`files`]: where a write goes: through symbolic links, never out of the project.
//! - [`git_merge`]: baton's merge driver for the plan in `.gitattributes` and the
//!   repository's git configuration (the one place here that runs a program: `git config`).

pub mod block;
pub mod claude;
pub mod codex;
pub mod files;
pub mod gemini;
pub mod git_merge;
pub mod hooks;
pub mod mcp;
