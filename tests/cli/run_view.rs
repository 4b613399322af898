//! Watching `baton run`: a fake agent writes Claude Code stream-json lines (a Bash tool
//! call, then its result with tokens and cost) around real work, and the run shows it: as
//! `session_activity` JSON lines and totals, in `baton status`, folded into the plain status
//! lines, and in the live block of a real terminal (tmux).
//!
//! The terminal test needs tmux: without it the test says so on stderr and passes without
//! running, unless `BATON_REQUIRE_TMUX` is set (as `.ci/run` does), then it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::BIN;
use crate::run_fixture::{FakeAgent, RunRepo, json_lines, kinds};

const PLAN: &str = "# Demo\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n";

/// Says it runs a Bash command, sleeps `$PAUSE` seconds, does T1 for real, then reports its
/// result with usage and cost.
const AGENT: &str = r#"#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s"}'
echo '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make a --fast"}}],"usage":{"input_tokens":100,"output_tokens":5}}}'
sleep "$PAUSE"
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
mkdir -p src; echo real > src/a.txt
g add -A
"$BATON" done T1 --force >/dev/null 2>&1
g add -A
g commit -qm "work on $BATON_TASKS"
echo '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.02,"usage":{"input_tokens":200,"output_tokens":10}}'
"#;

fn setup(pause: &str) -> RunRepo {
    FakeAgent::new(AGENT)
        .agent_line("stream = \"claude\"")
        .env("PAUSE", pause)
        .plan(PLAN)
        .build()
}

#[test]
fn status_text_ends_a_running_sessions_line_with_its_last_tool_call() {
    let s = setup("4");
    let (mut child, _) = s.start_until(&["run", "--json"], |e| {
        e["event"] == "session_activity" && e["last_tool"] == "Bash: make a --fast"
    });
    let status = s.project.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.transcript());
    let line = status
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("session-1 "))
        .unwrap_or_else(|| panic!("{}", status.stdout));
    assert!(line.contains("running"), "{line}");
    assert!(line.ends_with("Bash: make a --fast"), "{line}");
    assert!(child.wait().expect("wait").success());
    let after = s.project.run(&["status"]);
    assert!(
        !after.stdout.contains("Bash: make a --fast"),
        "{}",
        after.stdout
    );
}

#[test]
fn activity_is_an_event_a_status_field_and_a_total() {
    let s = setup("0");
    let run = s.project.run(&["run", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    let kinds = kinds(&events);
    let activity = kinds
        .iter()
        .rposition(|k| *k == "session_activity")
        .expect("an activity event");
    let exited = kinds
        .iter()
        .position(|k| *k == "session_exited")
        .expect("exited");
    assert!(
        activity < exited,
        "the final activity comes first: {kinds:?}"
    );
    assert_eq!(
        events[activity],
        json!({"event": "session_activity", "session": "session-1", "attempt": 1,
               "last_tool": "Bash: make a --fast", "tool_calls": 1, "tokens": 210,
               "cost_usd": 0.02})
    );
    let finished = events.last().expect("events");
    assert_eq!(finished["event"], "run_finished");
    assert_eq!(
        finished["totals"],
        json!({"tool_calls": 1, "tokens": 210, "cost_usd": 0.02})
    );

    let status = s.project.run(&["status", "--json"]).json();
    let session = &status["run"]["sessions"][0];
    assert_eq!(session["state"], "merged");
    assert_eq!(session["activity"]["last_tool"], "Bash: make a --fast");
    assert_eq!(status["run"]["totals"]["tokens"], 210);
}

#[test]
fn plain_status_lines_fold_activity_into_the_exit_and_the_summary() {
    let s = setup("0");
    let run = s.project.run(&["run"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let exited = run
        .stderr
        .lines()
        .find(|l| l.starts_with("session-1: agent exited 0 after"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        exited.ends_with("s (1 tool call, 210 tokens, $0.02)"),
        "{exited}"
    );
    assert!(
        run.stderr
            .contains("run 1: success (1 merged; 1 tool call, 210 tokens, $0.02)"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("; last: "),
        "no activity lines off a terminal: {}",
        run.stderr
    );
}

/// tmux, or None (the test is skipped) unless `BATON_REQUIRE_TMUX` is set.
#[allow(clippy::print_stderr)]
pub(crate) fn tmux() -> Option<&'static str> {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("tmux");
    }
    assert!(
        std::env::var_os("BATON_REQUIRE_TMUX").is_none(),
        "tmux is required (BATON_REQUIRE_TMUX is set) but is not installed"
    );
    eprintln!("SKIPPED run_view terminal test: tmux is not installed");
    None
}

/// A tmux server of the test's own, killed when dropped.
pub(crate) struct Tmux {
    pub(crate) socket: PathBuf,
}

impl Tmux {
    pub(crate) fn command(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux")
    }

    pub(crate) fn pane(&self) -> String {
        String::from_utf8_lossy(&self.command(&["capture-pane", "-p", "-t", "run"]).stdout)
            .into_owned()
    }

    /// Polls the pane (at most a minute) until `done` holds of it.
    pub(crate) fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if done(&pane) {
                return pane;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no {what} after 60 s; the pane:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]);
    }
}

pub(crate) fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn a_terminal_shows_a_live_line_per_session_then_the_summary() {
    if tmux().is_none() {
        return;
    }
    let s = setup("4");
    // The same environment the harness gives baton (NO_COLOR included), in a script tmux
    // runs; the pane stays after baton exits, with its exit code.
    let wrapper = s.outside_file("run.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\ncd {dir}\nexport HOME={dir} NO_COLOR=1 BATON_NOW=2026-01-21T09:30:00Z\n\
             {bin} run\necho \"baton exited $?\"\nsleep 600\n",
            dir = shell_quote(s.project.dir.path()),
            bin = shell_quote(Path::new(BIN)),
        ),
    )
    .expect("wrapper");
    let tmux = Tmux {
        socket: s.outside_file("tmux.sock"),
    };
    let started = tmux.command(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "run",
        "-x",
        "160",
        "-y",
        "40",
        "sh",
        &wrapper.display().to_string(),
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );

    let live = tmux.wait_for("live line with the tool call", |pane| {
        pane.lines()
            .any(|l| l.contains("session-1 ") && l.contains("T1 Write a  · Bash: make a --fast"))
    });
    assert!(
        live.contains("session-1: started (attempt 1"),
        "steps print above the block:\n{live}"
    );

    let end = tmux.wait_for("the summary", |pane| pane.contains("baton exited"));
    assert!(end.contains("baton exited 0"), "{end}");
    assert!(
        end.contains("run 1: success (1 merged; 1 tool call, 210 tokens, $0.02)"),
        "{end}"
    );
    assert!(
        !end.contains("· Bash"),
        "the live block is redrawn in place and cleared:\n{end}"
    );
}
