//! `baton dash`: a full-screen terminal view of the plan and of any live run, a front end
//! like `cli/` and `mcp/` (it imports neither). Three layers, each testable alone:
//!
//! - [`model`]: what the screen shows, as plain data, built from the plan, the claims, the
//!   run ledger and the stored verdicts ([`load`] reads them; no plan command ever runs);
//! - [`view`]: the model drawn with ratatui widgets (render tests snapshot it on
//!   ratatui's `TestBackend`);
//! - [`app`]: the event loop: the terminal taken over and given back, redrawn when a watched
//!   file changes, a key is pressed, or the clock ticks. Docs: docs/dash.md.

pub mod app;
pub mod load;
pub mod model;
pub mod view;

#[cfg(test)]
mod tests;

pub use app::run;
