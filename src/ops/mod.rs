//! The use cases every front end calls: the command line, the MCP server and, next, the
//! orchestrator and the dashboard. Each takes plain values and returns a result value (or a
//! typed [`Error`]); none prints, none knows which front end called it. Front ends turn the
//! results into views, and never import each other.
//!
//! - [`project`]: the plan, repository and state of a command, found once.
//! - [`audit`]: the scope audit as a gate, judged by `[audit] policy`.
//! - [`claim`]: claim, release, renew.
//! - [`tick`]: tick and untick boxes; complete a task (owner check, verify, tick).
//! - [`decide`]: log a decision.
//! - [`add`]: file a new task found mid-session.
//! - [`session`]: a session's own tasks; a session's prompt.
//! - [`gate`]: what a stopping session is judged on; the block cap.
//! - [`resume`]: the brief a session needs back after a compaction.
//! - [`stuck`]: why open tasks can never start (a dependency naming no task, a deadlock).
//! - [`overview`]: the plan at a glance, filters.
//! - [`report`]: the model of `baton report`'s HTML page.
//! - [`views`]: the JSON shapes front ends share.

pub mod add;
pub mod audit;
pub mod claim;
pub mod complete;
pub mod decide;
pub mod error;
pub mod gate;
pub mod overview;
pub mod project;
pub mod report;
pub mod resume;
pub mod session;
pub mod stuck;
pub mod tick;
pub mod views;

pub use error::{Error, Kind};
pub use project::{Project, find_task};
