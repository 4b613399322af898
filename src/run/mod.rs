//! `baton run`: the plan runs its own agent sessions, a worktree per lane, wave by wave.
//!
//! These modules are plain data and pure functions the engine calls: [`presets`] (how each
//! agent CLI is started), [`stream`] (an agent's output read into activity: tool calls,
//! tokens, cost) and [`budget`] (a lane split at task boundaries so each part fits one
//! session).

pub mod budget;
pub mod presets;
pub mod stream;
