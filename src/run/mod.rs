//! `baton run`: the plan runs its own sessions. One phase at a time, each lane of the
//! schedule gets a git worktree and branch of its own made from the integration branch, a
//! brief written into it, its tasks claimed, and an agent started there under the process
//! supervisor. When a session exits, a gate judges its branch (the scope audit, and its
//! tasks verified against the integration branch's committed lock); a passing branch merges
//! back in dependency order, a failing one is retried with the evidence in its prompt, then
//! its tasks are reported blocked. Every step is an [`events::Event`], recorded in the state
//! store and shown by the front end (docs/run.md).
//!
//! The engine is split by idea: [`engine`] plans a run and chains the phases of `--all`;
//! [`units`] cuts the phase's lanes into units (lanes, parts of lanes by the session budget,
//! or tasks) that wait for each other; `dispatch` starts each unit once what it waits for is
//! merged, merges passing units at once and blocks what fails; `attempt` runs one unit's
//! sessions on a worker thread, each started by an [`executor`] (a local process, or a
//! [`slurm`] batch job); `gate` judges a finished session; `repo` checks and prepares
//! the repository; `pool` recycles finished sessions' worktrees for the next ones, and [`pool_admin`] fills and drops the pool by hand (`baton pool`); [`lease`] keeps the run's claims alive while it runs.
//!
//! This module is the orchestrator, a layer over the use cases of [`crate::ops`]: it prints
//! nothing and knows no terminal; the CLI turns its events into lines. Beside the engine
//! sit plain data and pure functions: [`presets`] (how each agent CLI is started),
//! [`stream`] (an agent's output read into activity: tool calls, tokens, cost, followed
//! while the agent runs by [`watch`]) and
//! [`budget`] (a lane split at task boundaries so each part fits one session).

pub mod agent;
mod attempt;
pub mod budget;
mod dispatch;
pub mod engine;
pub mod events;
pub mod executor;
mod gate;
pub mod lease;
mod pool;
pub mod pool_admin;
pub mod presets;
mod repo;
pub mod resume;
pub mod slurm;
mod slurm_watch;
pub mod stream;
pub mod units;
pub mod watch;

pub use engine::{Outcome, Planned, Request, plan_run, run};
pub use events::Event;
pub use resume::{Resume, plan_resume, resume};
pub use units::{Unit, UnitKind};
