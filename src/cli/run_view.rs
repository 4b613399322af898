//! What `baton run` shows while it runs. One sink for the run's events, three ways:
//!
//! - `--json`: every event as one JSON object per line on stdout (activity included).
//! - stderr is a terminal: a live block redrawn in place (indicatif), one line per running
//!   session (its name, elapsed time, its current task: the first of its tasks not ticked in
//!   its worktree's plan, and the agent's last tool call when its stream shows it); every
//!   other event prints as a line above the block, and the run's summary below it once the
//!   block is cleared. The block has no colour, so `NO_COLOR` and `--color` hold trivially.
//! - otherwise (a pipe, a CI log): the status lines of [`super::run::describe`], one per
//!   event; activity is folded into each session's `exited` line rather than printed every
//!   second.

use std::collections::HashMap;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::printer::Printer;
use super::run::describe;
use crate::run::Event;

/// How often a live line's spinner and elapsed time are redrawn.
const TICK: Duration = Duration::from_millis(500);

/// The sink of one run's events.
pub struct View {
    json: bool,
    live: Option<Live>,
    plan_rel: PathBuf,
    /// Per session, its latest activity: `(tool calls, tokens, cost)`.
    activity: HashMap<String, (u64, u64, Option<f64>)>,
    failed: Option<io::Error>,
}

impl View {
    /// `plan_rel`: the plan's path inside each session's worktree.
    pub fn new(json: bool, plan_rel: &Path) -> View {
        let live = (!json && io::stderr().is_terminal()).then(Live::new);
        View {
            json,
            live,
            plan_rel: plan_rel.to_path_buf(),
            activity: HashMap::new(),
            failed: None,
        }
    }

    /// Shows one event.
    pub fn event(&mut self, p: &mut Printer, event: &Event) {
        if let Err(e) = self.show(p, event) {
            self.failed.get_or_insert(e);
        }
    }

    /// Clears the live block; the first output error, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(live) = self.live.take() {
            live.clear();
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn show(&mut self, p: &mut Printer, event: &Event) -> io::Result<()> {
        if let Event::SessionActivity {
            session,
            tool_calls,
            tokens,
            cost_usd,
            ..
        } = event
        {
            self.activity
                .insert(session.clone(), (*tool_calls, *tokens, *cost_usd));
        }
        if self.json {
            let line = serde_json::to_string(event).map_err(io::Error::other)?;
            p.line(line)?;
            return p.flush();
        }
        let mut line = describe(event);
        if let Event::SessionExited { session, .. } = event
            && let Some(&(calls, tokens, cost)) = self.activity.get(session)
        {
            line.push_str(&format!(" ({})", activity_text(calls, tokens, cost)));
        }
        let Some(live) = &mut self.live else {
            return match event {
                Event::SessionActivity { .. } => Ok(()),
                _ => p.status(line),
            };
        };
        match event {
            Event::SessionStarted {
                session,
                tasks,
                worktree,
                ..
            } => {
                live.println(&line);
                let plan = Path::new(worktree).join(&self.plan_rel);
                live.start(session, tasks, plan);
                Ok(())
            }
            Event::SessionActivity {
                session, last_tool, ..
            } => {
                live.activity(session, last_tool.as_deref());
                Ok(())
            }
            Event::SessionExited { session, .. } => {
                live.end(session);
                live.println(&line);
                Ok(())
            }
            Event::RunFinished { .. } => {
                if let Some(live) = self.live.take() {
                    live.clear();
                }
                p.status(line)
            }
            _ => {
                live.println(&line);
                Ok(())
            }
        }
    }
}

/// `12 tool calls, 48.2k tokens, $0.31`.
pub fn activity_text(calls: u64, tokens: u64, cost: Option<f64>) -> String {
    let mut text = format!("{calls} tool call{}", if calls == 1 { "" } else { "s" });
    text.push_str(&format!(", {} tokens", amount(tokens)));
    if let Some(cost) = cost {
        text.push_str(&format!(", ${cost:.2}"));
    }
    text
}

/// `950`, `48.2k`, `1.3M`.
fn amount(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// The live block: a spinner line per running session.
struct Live {
    multi: MultiProgress,
    style: ProgressStyle,
    rows: HashMap<String, Row>,
}

struct Row {
    bar: ProgressBar,
    tasks: Vec<String>,
    plan: PathBuf,
    /// The plan's modification time when last read: it is parsed again only when it changed.
    seen: Option<SystemTime>,
    task: String,
    tool: Option<String>,
}

impl Live {
    fn new() -> Live {
        let style = ProgressStyle::with_template("{spinner} {prefix}  {age:>6}  {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key(
                "age",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(
                        w,
                        "{}",
                        super::status::elapsed(state.elapsed().as_secs() as i64)
                    );
                },
            );
        Live {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            style,
            rows: HashMap::new(),
        }
    }

    fn println(&self, line: &str) {
        let _ = self.multi.println(line);
    }

    fn start(&mut self, session: &str, tasks: &[String], plan: PathBuf) {
        self.end(session);
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(self.style.clone());
        bar.set_prefix(format!("{session:<10}"));
        let mut row = Row {
            bar,
            tasks: tasks.to_vec(),
            plan,
            seen: None,
            task: tasks.join(" "),
            tool: None,
        };
        row.refresh();
        row.bar.enable_steady_tick(TICK);
        self.rows.insert(session.to_string(), row);
    }

    fn activity(&mut self, session: &str, tool: Option<&str>) {
        if let Some(row) = self.rows.get_mut(session) {
            row.tool = tool.map(str::to_string);
            row.refresh();
        }
    }

    fn end(&mut self, session: &str) {
        if let Some(row) = self.rows.remove(session) {
            row.bar.finish_and_clear();
            self.multi.remove(&row.bar);
        }
    }

    fn clear(mut self) {
        let sessions: Vec<String> = self.rows.keys().cloned().collect();
        for s in sessions {
            self.end(&s);
        }
        let _ = self.multi.clear();
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        for row in self.rows.values() {
            row.bar.finish_and_clear();
        }
    }
}

impl Row {
    /// The current task again when the worktree's plan changed, and the line's message.
    fn refresh(&mut self) {
        let modified = std::fs::metadata(&self.plan)
            .and_then(|m| m.modified())
            .ok();
        if modified.is_some() && modified != self.seen {
            self.seen = modified;
            if let Some(task) = crate::ops::session::current_task(&self.plan, &self.tasks) {
                self.task = task;
            }
        }
        let msg = match &self.tool {
            Some(tool) => format!("{}  · {tool}", self.task),
            None => self.task.clone(),
        };
        self.bar.set_message(msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_reads_short() {
        assert_eq!(activity_text(1, 950, None), "1 tool call, 950 tokens");
        assert_eq!(
            activity_text(12, 48_240, Some(0.314)),
            "12 tool calls, 48.2k tokens, $0.31"
        );
        assert_eq!(amount(1_300_000), "1.3M");
    }
}
